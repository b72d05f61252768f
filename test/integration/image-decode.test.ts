import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isUserError, type UserError } from '../../src/errors.js';
import { decodePlaced, decodeToGeometry } from '../../src/image/decode.js';
import type { Geometry } from '../../src/image/geometry.js';
import type { PillowFilter } from '../../src/image/resample-pillow.js';
import type { RgbImage } from '../../src/types.js';

/**
 * decodeToGeometry with real sharp on the committed fixture images (test/fixtures/README.md
 * gives every expected pixel) and on synthetic images made here whose pixel values encode their
 * own coordinates, so a resized or cropped output says exactly which source pixels it came from.
 */

const IMAGES = path.resolve(import.meta.dirname, '../fixtures/images');
const fixture = (name: string) => readFile(path.join(IMAGES, name));

/**
 * 8×8 stretch with Pillow nearest: for 8×8 fixtures this is no resampling at all. EXIF applied
 * and alpha flattened onto black, so the loader steps are visible.
 */
const geom = (over: Partial<Geometry> & { interpolation?: PillowFilter } = {}): Geometry => {
  const { interpolation = 'nearest', ...rest } = over;
  return {
    width: 8,
    height: 8,
    mode: 'stretch',
    resampler: { library: 'pillow', interpolation },
    exif: true,
    background: '#000000',
    pad: '#000000',
    ...rest,
  };
};

/** The same with OpenCV's loader (16-bit samples take the high byte). */
const OPENCV: Geometry = { ...geom(), resampler: { library: 'opencv', interpolation: 'nearest' } };

type Rgb = [number, number, number];

function px(img: RgbImage, x: number, y: number): Rgb {
  const i = (y * img.width + x) * 3;
  return [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
}

/** The README's quadrants: red, green / blue, white (or `br` bottom-right). */
function quadrant(x: number, y: number, br: Rgb = [255, 255, 255]): Rgb {
  if (y < 4) return x < 4 ? [255, 0, 0] : [0, 255, 0];
  return x < 4 ? [0, 0, 255] : br;
}

function expectEvery(img: RgbImage, expected: (x: number, y: number) => Rgb): void {
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++)
      expect(px(img, x, y), `pixel (${x}, ${y})`).toEqual(expected(x, y));
}

/** A lossless PNG made from a pixel function (8-bit RGB). */
async function makePng(w: number, h: number, f: (x: number, y: number) => Rgb): Promise<Buffer> {
  const data = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(f(x, y), (y * w + x) * 3);
  return sharp(data, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toBuffer();
}

/**
 * Coordinates in the pixel: R = 10·x, G = 10·y, B = 77 (x, y < 26). A nearest-neighbour output
 * pixel decodes back to exactly one source pixel.
 */
const COORD = (x: number, y: number): Rgb => [10 * x, 10 * y, 77];
const sourceOf = (img: RgbImage, x: number, y: number) => {
  const [r, g, b] = px(img, x, y);
  expect(b, `pixel (${x}, ${y}) is an unblended source pixel`).toBe(77);
  expect(r % 10, `pixel (${x}, ${y}) R is a source column`).toBe(0);
  expect(g % 10, `pixel (${x}, ${y}) G is a source row`).toBe(0);
  return { sx: r / 10, sy: g / 10 };
};

async function decodeError(bytes: Buffer, g: Geometry, label: string): Promise<UserError> {
  try {
    await decodeToGeometry(bytes, g, label);
  } catch (error) {
    expect(isUserError(error), String(error)).toBe(true);
    const e = error as UserError;
    expect(e.kind).toBe('image');
    expect(e.message.startsWith(`cannot decode image ${label}: `)).toBe(true);
    // One readable line: no stack frames or multi-line native dumps in what the user sees.
    expect(e.message).not.toMatch(/\n|\bat .*\(.*:\d+:\d+\)/);
    return e;
  }
  throw new Error(`expected ${label} to fail decoding`);
}

describe('fixture images decode to the documented pixels', () => {
  it.each([
    ['rgb-quadrants.png'],
    ['palette-quadrants.png'],
    ['rgb-quadrants.webp'],
    ['rgb-quadrants.tiff'],
  ])('%s: the quadrants, exactly', async (name) => {
    const img = await decodeToGeometry(await fixture(name), geom(), name);
    expect([img.width, img.height, img.data.length]).toEqual([8, 8, 8 * 8 * 3]);
    expectEvery(img, (x, y) => quadrant(x, y));
  });

  it('gray-ramp.png (8-bit L): every channel of pixel (x, y) is 4·(8y + x)', async () => {
    const img = await decodeToGeometry(await fixture('gray-ramp.png'), geom(), 'gray');
    expectEvery(img, (x, y) => {
      const v = 4 * (8 * y + x);
      return [v, v, v];
    });
  });

  it('gray16-ramp.png (16-bit, 257·4·(8y + x)), OpenCV loader: 8-bit 4·(8y + x) on all three channels', async () => {
    const img = await decodeToGeometry(await fixture('gray16-ramp.png'), OPENCV, 'gray16');
    expectEvery(img, (x, y) => {
      const v = 4 * (8 * y + x);
      return [v, v, v];
    });
  });

  it('decodePlaced tells the displayed source size and the letterbox that placed it', async () => {
    // Stored 32×16 with orientation 6: displayed 16×32, so a 32×32 letterbox puts it in the
    // middle columns (8 of padding left and right), not the middle rows.
    const placed = await decodePlaced(
      await fixture('exif-orientation-6.jpg'),
      geom({ width: 32, height: 32, mode: 'letterbox', pad: '#727272' }),
      'exif',
    );
    expect([placed.sourceWidth, placed.sourceHeight]).toEqual([16, 32]);
    expect(placed.plan).toEqual({ width: 16, height: 32, pad: { left: 8, top: 0 } });
    expect(px(placed.image, 0, 16)).toEqual([114, 114, 114]);
    expect([placed.image.width, placed.image.height]).toEqual([32, 32]);
  });

  it('rgb16-quadrants.png (16-bit): the quadrants with bottom-right (128, 64, 32)·257 → (128, 64, 32)', async () => {
    const img = await decodeToGeometry(await fixture('rgb16-quadrants.png'), geom(), 'rgb16');
    expectEvery(img, (x, y) => quadrant(x, y, [128, 64, 32]));
  });

  it('exif-orientation-6.jpg (stored 32×16, red left / blue right): rotated 90° clockwise to 16×32, red on top', async () => {
    // Geometry = the displayed size, so stretch does no resampling. Without the rotation the
    // 32×16 image stretched to 16×32 would keep red on the left and blue on the right; rotated
    // the wrong way, blue would be on top.
    const img = await decodeToGeometry(
      await fixture('exif-orientation-6.jpg'),
      geom({ width: 16, height: 32 }),
      'exif',
    );
    expect([img.width, img.height]).toEqual([16, 32]);
    const near = (got: Rgb, want: Rgb, where: string) =>
      got.forEach((v, c) =>
        expect(Math.abs(v - want[c]!), `${where} channel ${c}`).toBeLessThanOrEqual(8),
      );
    for (let y = 0; y < 32; y++) {
      if (y >= 14 && y < 18) continue; // JPEG ringing at the boundary
      for (let x = 0; x < 16; x++)
        near(px(img, x, y), y < 14 ? [255, 0, 0] : [0, 0, 255], `(${x}, ${y})`);
    }
  });
});

describe('alpha is flattened onto the configured background', () => {
  /**
   * rgba-partial.png: left (255,0,0,255), top-right (0,0,255,128), bottom-right (0,255,0,0).
   * Over background b: out = c·α + b·(1 − α), α = A/255.
   */
  const blend = (c: Rgb, a: number, bg: Rgb): number[] =>
    c.map((v, k) => v * (a / 255) + bg[k]! * (1 - a / 255));
  /** Within rounding of the exact blend: floor or ceil of the real value, exact when integral. */
  const expectBlend = (got: Rgb, exact: number[], where: string) =>
    got.forEach((v, k) => expect(Math.abs(v - exact[k]!), `${where} channel ${k}`).toBeLessThan(1));

  it.each([
    ['#ffffff', [255, 255, 255]],
    ['#204080', [32, 64, 128]],
    ['#000000', [0, 0, 0]],
  ] as [string, Rgb][])('background %s', async (background, bg) => {
    const img = await decodeToGeometry(
      await fixture('rgba-partial.png'),
      geom({ background }),
      'rgba',
    );
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        const where = `(${x}, ${y})`;
        if (x < 4) expectBlend(px(img, x, y), blend([255, 0, 0], 255, bg), where);
        else if (y < 4) expectBlend(px(img, x, y), blend([0, 0, 255], 128, bg), where);
        // Fully transparent: the background, not the green colour values stored underneath.
        else expect(px(img, x, y), where).toEqual(bg);
      }
    }
  });

  it('hand-computed values: (0,0,255,128) over white is (127,127,255), over #204080 about (16,32,192)', async () => {
    const white = await decodeToGeometry(
      await fixture('rgba-partial.png'),
      geom({ background: '#ffffff' }),
      'a',
    );
    expect(px(white, 6, 1)).toEqual([127, 127, 255]);
    // 32·127/255 = 15.94, 64·127/255 = 31.87, 255·128/255 + 128·127/255 = 191.75
    const other = await decodeToGeometry(
      await fixture('rgba-partial.png'),
      geom({ background: '#204080' }),
      'a',
    );
    const [r, g, b] = px(other, 6, 1);
    expect(r === 15 || r === 16).toBe(true);
    expect(g === 31 || g === 32).toBe(true);
    expect(b === 191 || b === 192).toBe(true);
  });
});

describe('16-bit samples to 8-bit', () => {
  const VALUES = [511, 1000, 255, 32767, 32896, 65535, 0, 65280];
  const grey16 = async () => {
    const png = await sharp(new Uint16Array(VALUES), { raw: { width: 8, height: 1, channels: 1 } })
      .toColourspace('grey16')
      .png()
      .toBuffer();
    expect((await sharp(png).metadata()).depth).toBe('ushort');
    return png;
  };

  it('values that are not multiples of 257 take the high byte (v >> 8), as OpenCV imread, torchvision ToDtype(uint8, scale=True) and Pillow’s 16-bit RGB PNG reader do', async () => {
    // round(v / 257) would give 2, 4, 1, 128 for the first four; v >> 8 gives 1, 3, 0, 127.
    const img = await decodeToGeometry(await grey16(), { ...OPENCV, height: 1 }, 'g16');
    VALUES.forEach((v, x) => expect(px(img, x, 0), `value ${v}`).toEqual([v >> 8, v >> 8, v >> 8]));
  });

  it('Pillow: a 16-bit grey PNG is clipped at 255, not scaled (PIL opens it as mode "I"; convert("RGB") clips)', async () => {
    const img = await decodeToGeometry(await grey16(), geom({ height: 1 }), 'g16');
    VALUES.forEach((v, x) => {
      const c = Math.min(v, 255);
      expect(px(img, x, 0), `value ${v}`).toEqual([c, c, c]);
    });
  });
});

describe('resize: stretch', () => {
  it('nearest upscale 4×4 → 8×8 repeats every source pixel as a 2×2 block, exactly', async () => {
    const img = await decodeToGeometry(await makePng(4, 4, COORD), geom(), 'up');
    for (let y = 0; y < 8; y++)
      for (let x = 0; x < 8; x++)
        expect(sourceOf(img, x, y), `(${x}, ${y})`).toEqual({
          sx: Math.floor(x / 2),
          sy: Math.floor(y / 2),
        });
  });

  it('nearest downscale 16×8 → 8×8 picks one pixel of each 1×2 block (never a blend); rows untouched', async () => {
    const img = await decodeToGeometry(await makePng(16, 8, COORD), geom(), 'down');
    for (let y = 0; y < 8; y++)
      for (let x = 0; x < 8; x++) {
        const { sx, sy } = sourceOf(img, x, y);
        expect(sy).toBe(y);
        expect([2 * x, 2 * x + 1], `(${x}, ${y})`).toContain(sx);
      }
  });

  it('bilinear downscale 16×16 → 8×8 samples at pixel centres: a linear ramp gives 10·(2x + 0.5)', async () => {
    // Output pixel x covers source [2x, 2x + 2); its centre is source coordinate 2x + 0.5.
    const img = await decodeToGeometry(
      await makePng(16, 16, COORD),
      geom({ interpolation: 'bilinear' }),
      'ramp',
    );
    for (let x = 1; x < 7; x++) {
      const [r, g] = px(img, x, x);
      expect(Math.abs(r - (20 * x + 5)), `R at x=${x}`).toBeLessThanOrEqual(1);
      expect(Math.abs(g - (20 * x + 5)), `G at y=${x}`).toBeLessThanOrEqual(1);
    }
  });
});

describe('resize: letterbox', () => {
  const BG: Rgb = [0x10, 0x20, 0x30];
  const lb = (over: Partial<Geometry> & { interpolation?: PillowFilter } = {}) =>
    geom({ mode: 'letterbox', background: '#102030', pad: '#102030', ...over });

  it('wide 16×8 → 8×8: content 8×4 in rows 2–5, two background rows above and below', async () => {
    const img = await decodeToGeometry(await makePng(16, 8, COORD), lb(), 'wide');
    for (let y = 0; y < 8; y++)
      for (let x = 0; x < 8; x++) {
        if (y < 2 || y >= 6) {
          expect(px(img, x, y), `pad (${x}, ${y})`).toEqual(BG);
          continue;
        }
        const { sx, sy } = sourceOf(img, x, y);
        expect([2 * x, 2 * x + 1], `(${x}, ${y}) column`).toContain(sx);
        expect([2 * (y - 2), 2 * (y - 2) + 1], `(${x}, ${y}) row`).toContain(sy);
      }
  });

  it('tall 8×16 → 8×8: content 4×8 in columns 2–5, background columns on both sides', async () => {
    const img = await decodeToGeometry(await makePng(8, 16, COORD), lb(), 'tall');
    for (let y = 0; y < 8; y++)
      for (let x = 0; x < 8; x++) {
        if (x < 2 || x >= 6) {
          expect(px(img, x, y), `pad (${x}, ${y})`).toEqual(BG);
          continue;
        }
        const { sx, sy } = sourceOf(img, x, y);
        expect([2 * (x - 2), 2 * (x - 2) + 1], `(${x}, ${y}) column`).toContain(sx);
        expect([2 * y, 2 * y + 1], `(${x}, ${y}) row`).toContain(sy);
      }
  });

  it('odd padding 8×5 → 8×8: the 3 background rows split 1/2 or 2/1, content unscaled', async () => {
    const img = await decodeToGeometry(await makePng(8, 5, COORD), lb(), 'odd');
    const isPad = (y: number) => px(img, 0, y).join() === BG.join();
    const padRows = [0, 1, 2, 3, 4, 5, 6, 7].filter(isPad);
    const top = padRows.filter((y) => y < 4).length;
    expect(padRows.length).toBe(3);
    expect([1, 2]).toContain(top);
    for (let y = top; y < top + 5; y++)
      for (let x = 0; x < 8; x++) expect(sourceOf(img, x, y)).toEqual({ sx: x, sy: y - top });
    for (const y of padRows) for (let x = 0; x < 8; x++) expect(px(img, x, y)).toEqual(BG);
  });

  it.each(['gray-ramp.png', 'gray16-ramp.png'])(
    '%s (one band): padded with the configured colour, not its grey luma',
    async (name) => {
      // 8×8 into 8×16 (w×h): no resampling, 4 background rows above and below.
      const img = await decodeToGeometry(
        await fixture(name),
        { ...lb({ height: 16 }), resampler: { library: 'opencv', interpolation: 'nearest' } },
        name,
      );
      for (let y = 0; y < 16; y++)
        for (let x = 0; x < 8; x++) {
          const v = 4 * (8 * (y - 4) + x);
          expect(px(img, x, y), `(${x}, ${y})`).toEqual(y < 4 || y >= 12 ? BG : [v, v, v]);
        }
    },
  );

  it('an RGBA image is flattened onto the same background as the padding', async () => {
    // rgba-partial.png is square: letterbox to 8×16 (w×h) pads 4 rows above and below.
    const img = await decodeToGeometry(
      await fixture('rgba-partial.png'),
      lb({ width: 8, height: 16 }),
      'rgba',
    );
    for (let x = 0; x < 8; x++) {
      expect(px(img, x, 0)).toEqual(BG);
      expect(px(img, x, 15)).toEqual(BG);
    }
    expect(px(img, 0, 4)).toEqual([255, 0, 0]);
    expect(px(img, 7, 11)).toEqual(BG); // transparent bottom-right of the content
  });
});

describe('resize: center-crop (torchvision Resize(resizeTo) + CenterCrop)', () => {
  const cc = (over: Partial<Geometry> & { interpolation?: PillowFilter }) =>
    geom({ mode: 'center-crop', ...over });

  it.each([
    // [source w, h, expected left, top]: offsets round((w − 8) / 2) half to even, as Python's round.
    [12, 8, 2, 0],
    [13, 8, 2, 0], // 2.5 → 2 (half-up would give 3)
    [11, 8, 2, 0], // 1.5 → 2
    [15, 8, 4, 0], // 3.5 → 4
    [8, 13, 0, 2],
    [8, 17, 0, 4], // 4.5 → 4 (half-up would give 5)
  ])('%i×%i with resizeTo 8 (no resampling): crop offset (%i, %i)', async (w, h, left, top) => {
    const img = await decodeToGeometry(await makePng(w, h, COORD), cc({ resizeTo: 8 }), 'crop');
    for (let y = 0; y < 8; y++)
      for (let x = 0; x < 8; x++)
        expect(sourceOf(img, x, y), `(${x}, ${y})`).toEqual({ sx: x + left, sy: y + top });
  });

  it('16×24 → resizeTo 8 → 8×12 → centre 4×4 at (2, 4): every output pixel comes from its 2×2 source block', async () => {
    const img = await decodeToGeometry(
      await makePng(16, 24, COORD),
      cc({ width: 4, height: 4, resizeTo: 8 }),
      'crop',
    );
    for (let y = 0; y < 4; y++)
      for (let x = 0; x < 4; x++) {
        const { sx, sy } = sourceOf(img, x, y);
        expect([2 * (x + 2), 2 * (x + 2) + 1], `(${x}, ${y}) column`).toContain(sx);
        expect([2 * (y + 4), 2 * (y + 4) + 1], `(${x}, ${y}) row`).toContain(sy);
      }
  });

  it('resizeTo defaults to max(width, height): 8×16 → 4×8 → centre 4×4 at (0, 2)', async () => {
    const img = await decodeToGeometry(
      await makePng(8, 16, COORD),
      cc({ width: 4, height: 4 }),
      'crop',
    );
    for (let y = 0; y < 4; y++)
      for (let x = 0; x < 4; x++) {
        const { sx, sy } = sourceOf(img, x, y);
        expect([2 * x, 2 * x + 1]).toContain(sx);
        expect([2 * (y + 2), 2 * (y + 2) + 1]).toContain(sy);
      }
  });

  it('the longer side is floor(resizeTo · long / short): 40×50 → 6×7 (not 6×8), crop top 0 (not 1)', async () => {
    // Ramp R = 5·x, G = 5·y. Bilinear samples at pixel centres: resized row r reads source
    // coordinate (r + 0.5)·50/7 − 0.5. With floor, output row y is resized row y: G ≈ 86.8 at y = 2.
    // With round (6×8, crop top 1) it would be (y + 1.5)·6.25 − 0.5 → G ≈ 106.9. Columns: 40 → 6.
    const img = await decodeToGeometry(
      await makePng(40, 50, (x, y) => [5 * x, 5 * y, 0]),
      cc({ width: 6, height: 6, resizeTo: 6, interpolation: 'bilinear' }),
      'floor',
    );
    for (let i = 1; i < 5; i++) {
      const wantG = 5 * ((i + 0.5) * (50 / 7) - 0.5);
      const wantR = 5 * ((i + 0.5) * (40 / 6) - 0.5);
      expect(Math.abs(px(img, 3, i)[1] - wantG), `G at row ${i}`).toBeLessThanOrEqual(3);
      expect(Math.abs(px(img, i, 3)[0] - wantR), `R at column ${i}`).toBeLessThanOrEqual(3);
    }
  });

  it('sizes the crop from the displayed (EXIF-rotated) image, not the stored one', async () => {
    // Stored 32×16 with R = 8·(stored x) and Orientation 6: displayed 16×32 with R = 8·(displayed y).
    // resizeTo 16: the displayed short side is already 16, so the crop is rows 8–23 exactly:
    // R = 8·(y + 8). Sizing from the stored 32×16 would squash 32 rows into 16 (R ≈ 16y + 4).
    const data = Buffer.alloc(32 * 16 * 3);
    for (let y = 0; y < 16; y++)
      for (let x = 0; x < 32; x++) data.set([8 * x, 100, 50], (y * 32 + x) * 3);
    const png = await sharp(data, { raw: { width: 32, height: 16, channels: 3 } })
      .withMetadata({ orientation: 6 })
      .png()
      .toBuffer();
    expect((await sharp(png).metadata()).orientation).toBe(6);
    const img = await decodeToGeometry(
      png,
      cc({ width: 16, height: 16, resizeTo: 16, interpolation: 'bilinear' }),
      'exif-crop',
    );
    for (let y = 0; y < 16; y++)
      for (let x = 0; x < 16; x++)
        expect(px(img, x, y), `(${x}, ${y})`).toEqual([8 * (y + 8), 100, 50]);
  });

  it('crops the EXIF-rotated image: displayed 16×32 → centre 16×16 is displayed rows 8–23, red above blue', async () => {
    const img = await decodeToGeometry(
      await fixture('exif-orientation-6.jpg'),
      cc({ width: 16, height: 16, resizeTo: 16 }),
      'exif',
    );
    // Displayed rows 8–13 are red, 18–23 blue: output rows 0–5 red, 10–15 blue.
    for (const [y, want] of [
      [0, [255, 0, 0]],
      [5, [255, 0, 0]],
      [10, [0, 0, 255]],
      [15, [0, 0, 255]],
    ] as [number, Rgb][])
      px(img, 8, y).forEach((v, c) =>
        expect(Math.abs(v - want[c]!), `row ${y}`).toBeLessThanOrEqual(8),
      );
  });
});

describe('unreadable images are UserErrors that say what is wrong', () => {
  it('truncated.jpg: "truncated or corrupt"', async () => {
    const e = await decodeError(await fixture('truncated.jpg'), geom(), 'cats/truncated.jpg');
    expect(e.message).toMatch(/truncated or corrupt/);
  });

  it('truncated.jpg decoded alongside good images (as the evaluation pass does): still "truncated or corrupt"', async () => {
    // libvips keeps one process-wide error buffer and sharp clears it when any pipeline ends, so
    // a concurrent decode can wipe the message of the failing one (sharp then says "Unknown error").
    const bad = await fixture('truncated.jpg');
    const good = await fixture('rgb-quadrants.png');
    const g = geom({ interpolation: 'bilinear' });
    for (let round = 0; round < 20; round++) {
      const settled = await Promise.allSettled([
        decodeToGeometry(good, g, 'good-0'),
        decodeToGeometry(bad, g, 'bad'),
        decodeToGeometry(good, g, 'good-1'),
        decodeToGeometry(good, g, 'good-2'),
      ]);
      expect(settled.map((s) => s.status)).toEqual([
        'fulfilled',
        'rejected',
        'fulfilled',
        'fulfilled',
      ]);
      const reason = (settled[1] as PromiseRejectedResult).reason as UserError;
      expect(isUserError(reason)).toBe(true);
      expect(reason.message, `round ${round}`).toMatch(
        /^cannot decode image bad: the file is truncated or corrupt/,
      );
    }
  });

  it('not-an-image.png (a text file): "not an image"', async () => {
    const e = await decodeError(await fixture('not-an-image.png'), geom(), 'not-an-image.png');
    expect(e.message).toMatch(/not an image/);
  });

  it('zero-bytes.png: says the input is empty or not an image', async () => {
    const bytes = await fixture('zero-bytes.png');
    expect(bytes.length).toBe(0);
    const e = await decodeError(bytes, geom(), 'zero-bytes.png');
    expect(e.message).toMatch(/empty|not an image/i);
  });

  it.each(['stretch', 'letterbox', 'center-crop'] as const)(
    'a 100-byte PNG declaring 20000×20000 (400 Mpx) is refused with the pixel-limit message (%s)',
    async (mode) => {
      const chunk = (type: string, data: Buffer) => {
        const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
        const len = Buffer.alloc(4);
        len.writeUInt32BE(data.length);
        const crc = Buffer.alloc(4);
        crc.writeUInt32BE(crc32(body));
        return Buffer.concat([len, body, crc]);
      };
      const ihdr = Buffer.alloc(13);
      ihdr.writeUInt32BE(20_000, 0);
      ihdr.writeUInt32BE(20_000, 4);
      ihdr[8] = 8; // bit depth
      ihdr[9] = 2; // RGB
      const bomb = Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        chunk('IHDR', ihdr),
        chunk('IDAT', deflateSync(Buffer.alloc(64))),
        chunk('IEND', Buffer.alloc(0)),
      ]);
      expect(bomb.length).toBeLessThan(200);
      const e = await decodeError(bomb, geom({ mode }), 'bomb.png');
      expect(e.message).toMatch(/larger than the 268 megapixel limit/);
    },
  );
});
