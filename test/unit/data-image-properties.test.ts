import { describe, expect, it } from 'vitest';
import {
  analyseImageProperties,
  median,
  robustZScores,
  type PropertyScan,
} from '../../src/suites/data/image-properties.js';
import type { ImageFileProperties } from '../../src/image/scan.js';

describe('robust z-scores', () => {
  it('uses 0.6745·(x − median)/MAD', () => {
    const z = robustZScores([1, 2, 3, 4, 100]);
    // median 3, |dev| = [2, 1, 0, 1, 97], MAD = 1.
    expect(z[4]).toBeCloseTo(0.6745 * 97, 10);
    expect(z[0]).toBeCloseTo(-0.6745 * 2, 10);
    expect(median([5, 1, 3])).toBe(3);
  });
  it('falls back to the mean absolute deviation when MAD = 0', () => {
    const z = robustZScores([28, 28, 28, 28, 100]);
    // MeanAD = 72/5; z = 72 / (1.253314 · 14.4).
    expect(z[4]).toBeCloseTo(72 / (1.253314 * 14.4), 10);
    expect(Array.from(robustZScores([3, 3, 3]))).toEqual([0, 0, 0]);
  });
});

function scan(id: string, p: Partial<ImageFileProperties>): PropertyScan {
  return {
    id,
    ok: true,
    properties: {
      width: 100,
      height: 100,
      aspectRatio: 1,
      channels: 3,
      format: 'png',
      brightness: 0.5,
      contrast: 0.2,
      sharpness: 100,
      ...p,
    },
  };
}

describe('analyseImageProperties', () => {
  const scans: PropertyScan[] = [
    ...Array.from({ length: 40 }, (_, i) =>
      scan(`s${i}`, { brightness: 0.4 + (i % 10) * 0.02, sharpness: 80 + i }),
    ),
    scan('wide', { width: 400, aspectRatio: 4 }),
    scan('blurry', { sharpness: 0.5 }),
    { id: 'broken', ok: false, error: 'VipsJpeg: premature end of JPEG image' },
  ];
  it('lists unreadable images, formats and per-property outliers', () => {
    const f = analyseImageProperties(scans, undefined, {
      outlierZ: 3.5,
      alpha: 0.01,
      maxListed: 10,
    });
    expect(f).toMatchObject({
      scannedCount: 43,
      readableCount: 42,
      unreadableCount: 1,
      outlierImageCount: 2,
    });
    expect(f.unreadable).toEqual([
      { id: 'broken', error: 'VipsJpeg: premature end of JPEG image' },
    ]);
    expect(f.formats).toEqual([{ format: 'png', count: 42 }]);
    const byName = Object.fromEntries(
      f.properties.map((p) => [p.property, p.outliers.map((o) => o.id)]),
    );
    expect(byName).toMatchObject({
      width: ['wide'],
      aspectRatio: ['wide'],
      sharpness: ['blurry'],
      brightness: [],
    });
    expect(f.outlierRate).toBeCloseTo(2 / 42, 12);
    expect(f.drift).toBeUndefined();
  });
  it('tests drift per property against a reference', () => {
    const reference = Array.from({ length: 40 }, (_, i) =>
      scan(`r${i}`, { brightness: 0.7 + (i % 10) * 0.02, sharpness: 80 + i }),
    );
    const f = analyseImageProperties(scans, reference, {
      outlierZ: 3.5,
      alpha: 0.01,
      maxListed: 10,
    });
    const drift = Object.fromEntries(f.drift!.properties.map((d) => [d.property, d]));
    expect(drift.brightness!.statistic).toBe(1); // every eval value is below every reference value
    expect(drift.brightness!.significant).toBe(true);
    expect(drift.sharpness!.significant).toBe(false);
    expect(f.drift!.maxStatistic).toBe(drift.brightness!.statistic);
  });
});
