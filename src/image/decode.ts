import sharp from 'sharp';
import { UserError } from '../errors.js';
import type { RgbImage } from '../types.js';
import { readImageHeader } from './header.js';

// libvips keeps recent operations (up to 50 MB, 100 of them) to answer a repeat at once. Every
// image here is decoded once per geometry, so the cache never answers and costs ~7% of a 224×224
// JPEG decode's CPU (docs/benchmarks.md) plus the memory it holds. One switch for the process:
// sharp's cache is libvips's, shared by every sharp call (the data suite's scan too).
sharp.cache(false);

/** The geometric part of a model input contract: how an image becomes `width × height` pixels. */
export interface Geometry {
  width: number;
  height: number;
  mode: 'stretch' | 'center-crop' | 'letterbox';
  interpolation: 'nearest' | 'bilinear' | 'bicubic' | 'lanczos3';
  /** center-crop: shorter side before cropping; default = max(width, height). */
  resizeTo?: number;
  /** #rrggbb used for alpha flattening and letterbox padding. */
  background: string;
}

/** A stable string key for a geometry, so contracts that share it share the decoded pixels. */
export function geometryKey(g: Geometry): string {
  return [
    g.width,
    g.height,
    g.mode,
    g.interpolation,
    g.resizeTo ?? '',
    g.background.toLowerCase(),
  ].join('|');
}

const KERNELS = {
  nearest: sharp.kernel.nearest,
  bilinear: sharp.kernel.linear,
  bicubic: sharp.kernel.cubic,
  lanczos3: sharp.kernel.lanczos3,
} as const;

/** Pixel budget per image: refuse decompression bombs with a clear error (≈ 16k × 16k). */
const MAX_INPUT_PIXELS = 268_402_689;

/**
 * Decode image bytes to 8-bit sRGB at the geometry's size: EXIF orientation applied, alpha
 * flattened onto the background, 16-bit and grey inputs converted, then resized. The steps and
 * their order follow the usual PIL/torchvision reference (`exif_transpose`, `convert('RGB')`,
 * `Resize`, `CenterCrop`), with sharp's kernels.
 */
export async function decodeToGeometry(
  bytes: Buffer,
  g: Geometry,
  label: string,
): Promise<RgbImage> {
  try {
    let img = sharp(bytes, {
      failOn: 'error',
      limitInputPixels: MAX_INPUT_PIXELS,
      sequentialRead: true,
    })
      .rotate()
      .flatten({ background: g.background });
    const kernel = KERNELS[g.interpolation];
    if (g.mode === 'stretch') {
      img = img.resize(g.width, g.height, { fit: 'fill', kernel });
    } else if (g.mode === 'letterbox') {
      // Fit inside only: the padding is added to the RGB pixels below, because sharp pads 1–2
      // band (grey) images with the background's luma instead of the configured colour.
      img = img.resize(g.width, g.height, { fit: 'inside', kernel });
    } else {
      const target = g.resizeTo ?? Math.max(g.width, g.height);
      // torchvision Resize(target) + CenterCrop: the shorter side becomes `target`, the longer
      // int(target · long / short); then the centre crop. One sharp pipeline (resize, extract).
      // The size comes from the JPEG/PNG header when it is plain, else from sharp's metadata().
      const meta =
        readImageHeader(bytes) ??
        (await sharp(bytes, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS }).metadata());
      const swap = (meta.orientation ?? 1) >= 5;
      const ow = swap ? meta.height : meta.width;
      const oh = swap ? meta.width : meta.height;
      if (!ow || !oh) throw new Error('image has no size');
      const [rw, rh] =
        ow <= oh
          ? [target, Math.max(target, Math.floor((target * oh) / ow))]
          : [Math.max(target, Math.floor((target * ow) / oh)), target];
      img = img.resize(rw, rh, { fit: 'fill', kernel }).extract({
        left: roundHalfEven((rw - g.width) / 2),
        top: roundHalfEven((rh - g.height) / 2),
        width: g.width,
        height: g.height,
      });
    }
    const { data, info } = await img
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const rgb = new Uint8Array(data.buffer, data.byteOffset, data.length);
    const padded = g.mode === 'letterbox';
    if (
      info.channels !== 3 ||
      (padded
        ? info.width > g.width || info.height > g.height
        : info.width !== g.width || info.height !== g.height)
    ) {
      throw new Error(`unexpected decoded shape ${info.width}x${info.height}x${info.channels}`);
    }
    return padded
      ? padCentred(rgb, info.width, info.height, g)
      : { width: info.width, height: info.height, data: rgb };
  } catch (error) {
    throw new UserError('image', `cannot decode image ${label}: ${describeSharpError(error)}`, {
      cause: error,
    });
  }
}

/**
 * Place a `w × h` RGB image in the middle of a `g.width × g.height` canvas of `g.background`.
 * Odd padding puts the extra pixel right/bottom, as sharp's `contain` with centre gravity does.
 */
function padCentred(data: Uint8Array, w: number, h: number, g: Geometry): RgbImage {
  if (w === g.width && h === g.height) return { width: w, height: h, data };
  const bg = [1, 3, 5].map((i) => Number.parseInt(g.background.slice(i, i + 2), 16));
  const out = new Uint8Array(g.width * g.height * 3);
  for (let p = 0; p < out.length; p += 3) out.set(bg, p);
  const left = Math.floor((g.width - w) / 2);
  const top = Math.floor((g.height - h) / 2);
  for (let y = 0; y < h; y++)
    out.set(data.subarray(y * w * 3, (y + 1) * w * 3), ((top + y) * g.width + left) * 3);
  return { width: g.width, height: g.height, data: out };
}

/** Python's round(): torchvision's CenterCrop offsets use it, so we do too. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
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
