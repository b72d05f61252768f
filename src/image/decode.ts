import sharp from 'sharp';
import { UserError } from '../errors.js';
import type { RgbImage } from '../types.js';
import { planResize, type Geometry, type ResizePlan } from './geometry.js';
import { resample } from './resample.js';

// The evaluation pass imports these with the decoder.
export { geometryKey, type Geometry } from './geometry.js';

// libvips keeps recent operations (up to 50 MB, 100 of them) to answer a repeat at once. Every
// image here is decoded once per geometry, so the cache never answers and costs ~7% of a 224×224
// JPEG decode's CPU (docs/benchmarks.md) plus the memory it holds. One switch for the process:
// sharp's cache is libvips's, shared by every sharp call (the data suite's scan too).
sharp.cache(false);

/** Pixel budget per image: refuse decompression bombs with a clear error (≈ 16k × 16k). */
const MAX_INPUT_PIXELS = 268_402_689;

/**
 * Decode image bytes to 8-bit RGB at the geometry's size. The loader steps follow the training
 * library's usual loader, as the geometry says: EXIF orientation applied or not, alpha dropped
 * (PIL `convert('RGB')`, OpenCV `IMREAD_COLOR`) or flattened onto a background, grey replicated,
 * 16-bit samples to 8-bit. sharp decodes at full size (no JPEG shrink-on-load, which PIL and
 * OpenCV do not do either); the resize, crop and padding are the named library's, in our own
 * code (resample.ts), so the pixels are the ones the model was trained on.
 */
export async function decodeToGeometry(
  bytes: Buffer,
  g: Geometry,
  label: string,
): Promise<RgbImage> {
  return (await decodePlaced(bytes, g, label)).image;
}

/** An image at the geometry's size and where its source went (see {@link decodePlaced}). */
export interface PlacedImage {
  image: RgbImage;
  /** Size of the decoded source, after the loader steps (EXIF orientation included). */
  sourceWidth: number;
  sourceHeight: number;
  /** The resize and the crop or padding applied to it. */
  plan: ResizePlan;
}

/**
 * {@link decodeToGeometry}, also telling the source size and the resize plan: a detector's boxes
 * come back in input pixels and go to the image's own pixels with exactly the numbers that
 * placed this image (its letterbox padding depends on its aspect ratio), not with sizes from an
 * annotation file, which can disagree with the file.
 */
export async function decodePlaced(
  bytes: Buffer,
  g: Geometry,
  label: string,
): Promise<PlacedImage> {
  return placeOnGeometry(await decodeFullSize(bytes, loaderSteps(g), label), g);
}

/** sharp's decoder strictness, least to most strict. */
export type FailOn = 'none' | 'truncated' | 'error' | 'warning';

/** How the file's pixels become full-size 8-bit RGB, before any resize. */
export interface LoaderSteps {
  /** Apply the EXIF orientation. */
  exif: boolean;
  /** #rrggbb to flatten alpha onto; undefined: alpha is dropped. */
  background?: string;
  /** PIL opens a 16-bit grey PNG as mode "I" and clips it at 255 (see decodeRgb). */
  pillow: boolean;
  /** Abort on this level of problem (default `error`). */
  failOn?: FailOn;
}

/** The loader steps of a geometry. */
export function loaderSteps(g: Geometry): LoaderSteps {
  return {
    exif: g.exif,
    ...(g.background ? { background: g.background } : {}),
    pillow: g.resampler.library === 'pillow',
  };
}

/**
 * Full-size 8-bit RGB after the loader steps: the one pixel decode of an image file (the
 * evaluation pass resizes it per geometry and the data scan downsizes it, engine/evaluate.ts).
 * A file that cannot be decoded is a `UserError` naming `label`; the decoder's own first
 * message line is its cause's.
 */
export async function decodeFullSize(
  bytes: Buffer,
  steps: LoaderSteps,
  label: string,
): Promise<RgbImage> {
  try {
    return await decodeRgb(bytes, steps);
  } catch (error) {
    throw new UserError('image', `cannot decode image ${label}: ${describeSharpError(error)}`, {
      cause: error,
    });
  }
}

/** A full-size decode brought to the geometry's size: resize, then crop or pad (resample.ts). */
export function fitToGeometry(decoded: RgbImage, g: Geometry): RgbImage {
  return placeOnGeometry(decoded, g).image;
}

/** {@link fitToGeometry}, also telling the source size and the resize plan. */
export function placeOnGeometry(decoded: RgbImage, g: Geometry): PlacedImage {
  const plan = planResize(decoded.width, decoded.height, g);
  let image: RgbImage;
  if (plan.crop) {
    // Only the centre crop's pixels are resampled (the same bytes as resizing all and cropping).
    const window = { ...plan.crop, width: g.width, height: g.height };
    image = resample(decoded, plan.width, plan.height, g.resampler, window);
  } else {
    const resized = resample(decoded, plan.width, plan.height, g.resampler);
    image = plan.pad ? padOnto(resized, plan.pad.left, plan.pad.top, g) : resized;
  }
  return { image, sourceWidth: decoded.width, sourceHeight: decoded.height, plan };
}

/** Full-size 8-bit RGB, after the loader steps (orientation, alpha, grey, bit depth). */
async function decodeRgb(bytes: Buffer, steps: LoaderSteps): Promise<RgbImage> {
  let img = sharp(bytes, {
    failOn: steps.failOn ?? 'error',
    limitInputPixels: MAX_INPUT_PIXELS,
    sequentialRead: true,
  });
  if (steps.exif) img = img.rotate();
  if (steps.pillow && isPng16BitGrey(bytes)) {
    // PIL opens a 16-bit grey PNG as mode "I" and convert('RGB') clips it at 255 (values are not
    // scaled), so such images look almost white to a model trained through PIL. Reproduce it.
    const { data, info } = await img
      .toColourspace('grey16')
      .raw({ depth: 'ushort' })
      .toBuffer({ resolveWithObject: true });
    const samples = new Uint16Array(data.buffer, data.byteOffset, data.length / 2);
    const rgb = new Uint8Array(info.width * info.height * 3);
    for (let i = 0; i < info.width * info.height; i++)
      rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = Math.min(samples[i * info.channels]!, 255);
    return { width: info.width, height: info.height, data: rgb };
  }
  if (steps.background) img = img.flatten({ background: steps.background });
  const { data, info } = await img
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3)
    throw new Error(`unexpected decoded shape ${info.width}x${info.height}x${info.channels}`);
  return {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
}

/** A PNG whose IHDR says 16-bit greyscale without alpha (colour type 0). */
export function isPng16BitGrey(b: Uint8Array): boolean {
  return b.length > 26 && b[0] === 0x89 && b[1] === 0x50 && b[24] === 16 && b[25] === 0;
}

/** Place the resized image at (left, top) on a `g.width × g.height` canvas of `g.pad`. */
function padOnto(img: RgbImage, left: number, top: number, g: Geometry): RgbImage {
  if (img.width === g.width && img.height === g.height) return img;
  const bg = [1, 3, 5].map((i) => Number.parseInt(g.pad.slice(i, i + 2), 16));
  const out = new Uint8Array(g.width * g.height * 3);
  for (let p = 0; p < out.length; p += 3) out.set(bg, p);
  const row = img.width * 3;
  for (let y = 0; y < img.height; y++)
    out.set(img.data.subarray(y * row, (y + 1) * row), ((top + y) * g.width + left) * 3);
  return { width: g.width, height: g.height, data: out };
}

function describeSharpError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/unsupported image format/i.test(message))
    return 'not an image, or a format sharp cannot read';
  if (/premature end|truncated|VipsJpeg|end of file|read error/i.test(message))
    return `the file is truncated or corrupt (${message.split('\n')[0]})`;
  if (/pixel limit/i.test(message)) return 'the image is larger than the 268 megapixel limit';
  // libvips keeps one process-wide error buffer and sharp clears it whenever any pipeline ends
  // (sharp src/pipeline.cc), so with concurrent decodes a failing one can lose its text; sharp
  // then says "Unknown error". The header was read (format and size errors come with their own
  // text), so it was the pixel data that failed to decode.
  if (/^(Unknown error)?$/.test(message.trim()))
    return 'the file is truncated or corrupt (the decoder failed; its message was lost to a concurrent decode)';
  return message.split('\n')[0] ?? message;
}
