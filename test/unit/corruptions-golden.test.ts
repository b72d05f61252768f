// Exact output bytes of every corruption for a fixed image and seed key. The determinism contract
// is "same example, corruption and severity → same bytes on every run and machine"; this pins it
// across machines and Node versions. If an intended change to an algorithm alters these, update
// them deliberately (and say so in the commit): it changes every stored robustness record.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyCorruption, CORRUPTION_NAMES } from '../../src/corruptions/index.js';
import { Rng } from '../../src/corruptions/rng.js';

const GOLDEN: Record<string, string> = {
  'gaussian_noise@32': '18728412eab31c2a',
  'shot_noise@32': '0c7144d5a8e37efe',
  'impulse_noise@32': '42f77f30eeefe16a',
  'defocus_blur@32': '6c0e9adec3195e3e',
  'glass_blur@32': '2b818faa2e77feb0',
  'motion_blur@32': '7dcd3bd31578cb96',
  'zoom_blur@32': 'de82617a298345d3',
  'snow@32': 'c61374be446cd15e',
  'frost@32': 'b135c260b218eec4',
  'fog@32': '495ae4360bfc26ee',
  'brightness@32': 'c4c380d7813905a7',
  'contrast@32': 'fd8266955a33d5c9',
  'elastic_transform@32': '2d8001dac167c029',
  'pixelate@32': '82c22b8900ed51c7',
  'jpeg_compression@32': 'fdecac471e3d551c',
  'speckle_noise@32': '9e752b98fc7f11c5',
  'gaussian_blur@32': '86e93d70905ee36c',
  'spatter@32': '239c48d676e42e2e',
  'saturate@32': 'ee0f3d43d06a6d90',
  'gaussian_noise@96': 'a6ccdbe5dc21645d',
  'shot_noise@96': 'd1e724511c52b71d',
  'impulse_noise@96': '70531dc6a391957b',
  'defocus_blur@96': '11aecbbdd3012d8a',
  'glass_blur@96': '963be1acca3e770c',
  'motion_blur@96': '6b544546d300c14a',
  'zoom_blur@96': '2db874cb8a4e0373',
  'snow@96': 'ec146e0cf2c66df8',
  'frost@96': '22c934f750a3228b',
  'fog@96': '208ca7c2dbe640f7',
  'brightness@96': '400cfb71ed57f550',
  'contrast@96': 'f2c9306fefacb14c',
  'elastic_transform@96': '27ee490d334a33f2',
  'pixelate@96': 'efbfa7882bb16fbc',
  'jpeg_compression@96': 'b4d07b61ec8adb98',
  'speckle_noise@96': '49a9034ff31b6745',
  'gaussian_blur@96': 'de837b0aa8cc8adf',
  'spatter@96': 'cd248459f5f3654f',
  'saturate@96': '5f992e4ab224bf4d',
};

function randomImage(size: number): { width: number; height: number; data: Uint8Array } {
  const rng = Rng.fromKey(`golden-${size}`);
  const data = new Uint8Array(size * size * 3);
  for (let i = 0; i < data.length; i++) data[i] = rng.nextU32() & 255;
  return { width: size, height: size, data };
}

describe('golden output bytes (severity 3, seedKey "golden")', () => {
  for (const size of [32, 96]) {
    const img = randomImage(size);
    it.each(CORRUPTION_NAMES)(`%s at ${size}×${size}`, async (name) => {
      const out = await applyCorruption(img, name, 3, { seedKey: 'golden' });
      const digest = createHash('sha256').update(out.data).digest('hex').slice(0, 16);
      expect(digest).toBe(GOLDEN[`${name}@${size}`]);
    });
  }
});
