/**
 * Image files for the fuzz properties, good and broken, as plain data (an {@link ImageSpec})
 * that fast-check generates and shrinks, and the bytes made from it with sharp. The pixels are
 * a class colour plus seeded noise, so a colour model gets some right and some wrong.
 */
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import sharp from 'sharp';
import { createRandom } from '../../../src/metrics/random.js';

export const IMAGE_FORMATS = ['png', 'jpeg', 'webp', 'gif', 'tiff'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/** Extension written for a format (`.jpg` and `.tif` are the common spellings). */
export const EXTENSION: Record<ImageFormat, string> = {
  png: '.png',
  jpeg: '.jpg',
  webp: '.webp',
  gif: '.gif',
  tiff: '.tif',
};

/** A decodable image. */
export interface GoodImage {
  kind: 'good';
  format: ImageFormat;
  width: number;
  height: number;
  /** 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA. */
  channels: 1 | 2 | 3 | 4;
  /** 16 bits per sample (PNG only; other formats get 8). */
  deep: boolean;
  /** EXIF orientation 1-8 (formats whose writer carries EXIF). */
  orientation: number;
  /** Base colour: one of the colour classes, so predictions are mostly right. */
  colour: [number, number, number];
  seed: number;
}

/** A file that is not a whole image. */
export type BrokenImage =
  | { kind: 'truncated'; image: GoodImage; keep: number }
  | { kind: 'zero-bytes' }
  | { kind: 'random-bytes'; length: number; seed: number }
  | { kind: 'text'; text: string }
  /** A PNG or JPEG header that declares `side × side` pixels in front of a tiny body. */
  | { kind: 'huge'; format: 'png' | 'jpeg'; side: number };

export type ImageSpec = GoodImage | BrokenImage;

/** The colour classes of the fixture models (test/fixtures/README.md), as RGB. */
export const CLASS_COLOURS: Record<string, [number, number, number]> = {
  red: [220, 30, 30],
  green: [30, 200, 40],
  blue: [40, 40, 210],
  dark: [20, 20, 20],
  light: [235, 235, 235],
};

/** Good images of random small sizes, formats, channels, depths and orientations. */
export function goodImage(colour?: [number, number, number]): fc.Arbitrary<GoodImage> {
  return fc.record({
    kind: fc.constant('good' as const),
    format: fc.constantFrom(...IMAGE_FORMATS),
    width: fc.integer({ min: 1, max: 32 }),
    height: fc.integer({ min: 1, max: 32 }),
    channels: fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const),
    deep: fc.boolean(),
    orientation: fc.oneof(
      { weight: 3, arbitrary: fc.constant(1) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 8 }) },
    ),
    colour: colour ? fc.constant(colour) : fc.constantFrom(...Object.values(CLASS_COLOURS)),
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
  });
}

/** Broken files of every kind. */
export function brokenImage(): fc.Arbitrary<BrokenImage> {
  return fc.oneof(
    fc.record({
      kind: fc.constant('truncated' as const),
      image: goodImage(),
      keep: fc.double({ min: 0, max: 0.95, noNaN: true }),
    }),
    fc.constant({ kind: 'zero-bytes' as const }),
    fc.record({
      kind: fc.constant('random-bytes' as const),
      length: fc.integer({ min: 1, max: 512 }),
      seed: fc.integer({ min: 1, max: 0x7fffffff }),
    }),
    fc.record({ kind: fc.constant('text' as const), text: fc.string({ maxLength: 40 }) }),
    fc.record({
      kind: fc.constant('huge' as const),
      format: fc.constantFrom('png' as const, 'jpeg' as const),
      side: fc.constantFrom(20_000, 65_535, 1_000_000),
    }),
  );
}

/** The extension a spec is normally written with. */
export function extensionOf(spec: ImageSpec): string {
  if (spec.kind === 'good') return EXTENSION[spec.format];
  if (spec.kind === 'truncated') return EXTENSION[spec.image.format];
  if (spec.kind === 'huge') return EXTENSION[spec.format];
  return '.png';
}

/** Whether VisionGate can decode the file (truncation of a few bytes can leave it whole). */
export const isGood = (spec: ImageSpec) => spec.kind === 'good';

const cache = new Map<string, Promise<Buffer>>();

/** The bytes of a spec; the same spec always gives the same bytes (memoised: sharp is slow). */
export function imageBytes(spec: ImageSpec): Promise<Buffer> {
  const key = JSON.stringify(spec);
  let bytes = cache.get(key);
  if (!bytes) {
    bytes = makeBytes(spec);
    cache.set(key, bytes);
  }
  return bytes;
}

async function makeBytes(spec: ImageSpec): Promise<Buffer> {
  switch (spec.kind) {
    case 'good':
      return encode(spec);
    case 'truncated': {
      const whole = await imageBytes(spec.image);
      return whole.subarray(0, Math.floor(whole.length * spec.keep));
    }
    case 'zero-bytes':
      return Buffer.alloc(0);
    case 'random-bytes': {
      const random = createRandom(spec.seed);
      return Buffer.from(Array.from({ length: spec.length }, () => random.nextInt(256)));
    }
    case 'text':
      return Buffer.from(spec.text);
    case 'huge':
      return spec.format === 'png' ? hugePng(spec.side) : hugeJpeg(Math.min(spec.side, 65_535));
  }
}

async function encode(spec: GoodImage): Promise<Buffer> {
  const { width, height, channels, format } = spec;
  const random = createRandom(spec.seed);
  const next = () => random.nextFloat();
  const deep = spec.deep && format === 'png';
  const n = width * height * channels;
  const data = deep ? new Uint16Array(n) : new Uint8Array(n);
  const gray = Math.round(0.299 * spec.colour[0] + 0.587 * spec.colour[1] + 0.114 * spec.colour[2]);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < channels; c++) {
      const alpha = (channels === 2 && c === 1) || (channels === 4 && c === 3);
      const base = alpha ? 255 : channels <= 2 ? gray : spec.colour[c]!;
      const noisy = alpha
        ? 128 + Math.floor(next() * 128)
        : Math.min(255, Math.max(0, base + Math.floor(next() * 21) - 10));
      data[p * channels + c] = deep ? noisy * 257 : noisy;
    }
  }
  let img = sharp(data, { raw: { width, height, channels } });
  if (channels <= 2) img = img.toColourspace(deep ? 'grey16' : 'b-w');
  else if (deep) img = img.toColourspace('rgb16');
  if (spec.orientation !== 1 && format !== 'gif')
    img = img.withMetadata({ orientation: spec.orientation });
  return img.toFormat(format, format === 'webp' ? { lossless: true } : {}).toBuffer();
}

/** A PNG whose IHDR says `side × side` RGB, followed by one empty IDAT and IEND. */
function hugePng(side: number): Buffer {
  const chunk = (type: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** SOI, a baseline SOF0 declaring `side × side` 3 components, then EOI: no tables, no scan. */
function hugeJpeg(side: number): Buffer {
  const sof = Buffer.from([
    0xff,
    0xc0,
    0x00,
    0x11,
    0x08,
    side >> 8,
    side & 255,
    side >> 8,
    side & 255,
    0x03,
    0x01,
    0x11,
    0x00,
    0x02,
    0x11,
    0x00,
    0x03,
    0x11,
    0x00,
  ]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), sof, Buffer.from([0xff, 0xd9])]);
}
