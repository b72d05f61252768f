/**
 * The data scan made from the pass's own decode (engine/image-scan.ts) against two references:
 * the scan of the bytes alone (what `merge` and the manifests get, so a merged report equals a
 * single run), and sharp's own pipeline as the data suite ran it before the pass made the scan
 * (EXIF-oriented, flattened onto white, resized inside `maxSide`, sRGB), on the committed
 * fixture images and generated large ones. Real sharp throughout.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeForPass, sha256Of } from '../../src/engine/image-scan.js';
import { decodeFullSize, geometryKey, type Geometry } from '../../src/image/decode.js';
import { lumaFromInterleaved } from '../../src/image/hashing.js';
import { orientRgb } from '../../src/image/orient.js';
import { lumaProperties } from '../../src/image/properties.js';
import { scanImageBytes, type ScanSettings } from '../../src/image/scan.js';
import { imageSignature } from '../../src/image/signature.js';
import { randomRgbImage } from '../support/images.js';

const IMAGES = path.resolve(import.meta.dirname, '../fixtures/images');
const SETTINGS: ScanSettings = { failOn: 'error', maxSide: 64, contentWindow: true };

const geometry = (over: Partial<Geometry> = {}): Geometry => ({
  width: 8,
  height: 8,
  mode: 'stretch',
  resampler: { library: 'pillow', interpolation: 'bilinear' },
  exif: false,
  pad: '#000000',
  ...over,
});
const PILLOW = geometry();
const OPENCV = geometry({ resampler: { library: 'opencv', interpolation: 'area' }, exif: true });
const ON_WHITE = geometry({ background: '#ffffff' });

const mapOf = (...gs: Geometry[]) => new Map(gs.map((g) => [geometryKey(g), g]));

/** A generated image of `w × h`, encoded with `encode`. */
async function generated(w: number, h: number, encode: 'jpeg' | 'png'): Promise<Buffer> {
  const img = randomRgbImage(w, h, w + h);
  // Smooth it, so hashes and properties have structure to agree on.
  const s = sharp(Buffer.from(img.data), { raw: { width: w, height: h, channels: 3 } }).blur(3);
  return encode === 'jpeg' ? s.jpeg({ quality: 90 }).toBuffer() : s.png().toBuffer();
}

const FIXTURES = [
  'exif-orientation-6.jpg',
  'rgba-partial.png',
  'gray-ramp.png',
  'palette-quadrants.png',
  'rgb-quadrants.webp',
  'rgb-quadrants.tiff',
];

async function cases(): Promise<[string, Buffer][]> {
  const out: [string, Buffer][] = [];
  for (const name of FIXTURES) out.push([name, await readFile(path.join(IMAGES, name))]);
  out.push(['large.png', await generated(300, 170, 'png')]);
  // Larger than maxSide but less than twice: no JPEG shrink-on-load in sharp's own pipeline.
  out.push(['large.jpg', await generated(120, 90, 'jpeg')]);
  const sideways = await sharp(await generated(90, 120, 'jpeg'))
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 90 })
    .toBuffer();
  out.push(['large-oriented.jpg', sideways]);
  return out;
}

describe('orientRgb', () => {
  it('turns a stored image upright exactly as libvips does, for every EXIF orientation', async () => {
    const img = randomRgbImage(7, 4, 1);
    const png = await sharp(Buffer.from(img.data), { raw: { width: 7, height: 4, channels: 3 } })
      .png()
      .toBuffer();
    for (let o = 1; o <= 8; o++) {
      const bytes = await sharp(png).withMetadata({ orientation: o }).jpeg().toBuffer();
      const stored = await decodeFullSize(bytes, { exif: false, pillow: false }, 'o');
      const upright = await decodeFullSize(bytes, { exif: true, pillow: false }, 'o');
      const ours = orientRgb(stored, o);
      expect({ o, width: ours.width, height: ours.height }).toEqual({
        o,
        width: upright.width,
        height: upright.height,
      });
      expect(Buffer.from(ours.data).equals(Buffer.from(upright.data)), `orientation ${o}`).toBe(
        true,
      );
    }
  });
});

describe('the scan made in the pass', () => {
  it('equals the scan of the bytes alone, whichever geometry it comes from', async () => {
    for (const [name, bytes] of await cases()) {
      const sha = sha256Of(bytes);
      const alone = await scanImageBytes(name, sha, bytes, SETTINGS);
      expect(alone.ok, name).toBe(true);
      for (const gs of [[PILLOW], [OPENCV], [ON_WHITE], [PILLOW, OPENCV], [PILLOW, ON_WHITE]]) {
        const { scan, images } = await decodeForPass(
          name,
          name,
          bytes,
          sha,
          mapOf(...gs),
          SETTINGS,
        );
        expect(scan, `${name} with ${gs.map((g) => g.resampler.library).join('+')}`).toEqual(alone);
        expect(images.size).toBe(gs.length);
      }
    }
  });

  it("equals sharp's own scan pipeline, the one the data suite used to run", async () => {
    for (const [name, bytes] of await cases()) {
      const { data, info } = await sharp(bytes, { failOn: 'error' })
        .autoOrient()
        .flatten({ background: '#ffffff' })
        .resize({
          width: SETTINGS.maxSide,
          height: SETTINGS.maxSide,
          fit: 'inside',
          withoutEnlargement: true,
        })
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      const gray = lumaFromInterleaved(
        new Uint8Array(data),
        info.width,
        info.height,
        info.channels,
      );
      const meta = await sharp(bytes).metadata();
      const { scan } = await decodeForPass(
        name,
        name,
        bytes,
        sha256Of(bytes),
        mapOf(PILLOW),
        SETTINGS,
      );
      if (!scan?.ok) throw new Error(`${name}: ${JSON.stringify(scan)}`);
      expect(scan.signature, name).toEqual(imageSignature(gray, true));
      expect(scan.properties, name).toEqual({
        width: meta.autoOrient.width,
        height: meta.autoOrient.height,
        aspectRatio: meta.autoOrient.width / meta.autoOrient.height,
        channels: meta.channels,
        format: meta.format,
        ...lumaProperties(Float64Array.from(gray.data), gray.width, gray.height),
      });
    }
  });

  it('leaves an image the pass cannot decode unreadable, even under a lenient scan', async () => {
    const bytes = await readFile(path.join(IMAGES, 'truncated.jpg'));
    const sha = sha256Of(bytes);
    const lenient = { ...SETTINGS, failOn: 'none' } as const;
    // The pass decodes at `error`: the image is not evaluated, so no suite looks at its scan.
    await expect(decodeForPass('t', 't', bytes, sha, mapOf(PILLOW), lenient)).rejects.toThrow(
      /truncated or corrupt/,
    );
    // On its own (a manifest's image), the lenient scan decodes it with the missing part filled.
    expect((await scanImageBytes('t', sha, bytes, lenient)).ok).toBe(true);
    expect((await scanImageBytes('t', sha, bytes, SETTINGS)).ok).toBe(false);
  });
});
