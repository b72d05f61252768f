import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean, editDistance } from '../../src/did-you-mean.js';

describe('editDistance (optimal string alignment)', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps, worked by hand', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3); // k→s, e→i, +g
    expect(editDistance('gausian_noise', 'gaussian_noise')).toBe(1); // one insertion
    expect(editDistance('strech', 'stretch')).toBe(1);
    expect(editDistance('lihgting', 'lighting')).toBe(1); // hg ↔ gh: one swap, not two edits
    expect(editDistance('ca', 'abc')).toBe(3); // OSA (not unrestricted Damerau, which gives 2)
  });
});

describe('closestMatch', () => {
  const corruptions = ['gaussian_noise', 'shot_noise', 'impulse_noise', 'fog', 'frost', 'snow'];

  it('finds a slip, case-insensitively, and a name given in part', () => {
    expect(closestMatch('gausian_noise', corruptions)).toBe('gaussian_noise');
    expect(closestMatch('FROST', corruptions)).toBe('frost');
    expect(closestMatch('impulse', corruptions)).toBe('impulse_noise');
    expect(closestMatch('maxdrop', ['min', 'max', 'maxDrop'])).toBe('maxDrop');
  });

  it('offers nothing for a word far from every candidate, or for short words off by much', () => {
    expect(closestMatch('planar', ['NCHW', 'NHWC'])).toBeUndefined();
    expect(closestMatch('xyz', corruptions)).toBeUndefined();
    // 3 letters allow 1 edit: "fig" → "fog"; "dig" is 2 edits from "fog".
    expect(closestMatch('fig', corruptions)).toBe('fog');
    expect(closestMatch('dig', corruptions)).toBeUndefined();
  });

  it('didYouMean phrases it, or says nothing', () => {
    expect(didYouMean('lables', ['labels', 'path'])).toBe('; did you mean "labels"?');
    expect(didYouMean('zzz', ['labels', 'path'])).toBe('');
  });
});
