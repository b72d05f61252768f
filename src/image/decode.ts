import sharp from 'sharp';
import { UserError } from '../errors.js';
import type { RgbImage } from '../types.js';

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
      img = img.resize(g.width, g.height, {
        fit: 'contain',
        kernel,
        background: g.background,
        position: 'centre',
      });
    } else {
      const target = g.resizeTo ?? Math.max(g.width, g.height);
      // Resize the shorter side to `target`, then crop the centre: torchvision Resize(target) + CenterCrop.
      const meta = await sharp(bytes, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS })
        .rotate()
        .metadata();
      const ow = meta.autoOrient?.width ?? meta.width;
      const oh = meta.autoOrient?.height ?? meta.height;
      if (!ow || !oh) throw new Error('image has no size');
      const scale = target / Math.min(ow, oh);
      const rw = Math.max(g.width, Math.round(ow * scale));
      const rh = Math.max(g.height, Math.round(oh * scale));
      img = sharp(
        await img
          .resize(rw, rh, { fit: 'fill', kernel })
          .toColourspace('srgb')
          .removeAlpha()
          .raw()
          .toBuffer(),
        { raw: { width: rw, height: rh, channels: 3 } },
      ).extract({
        left: Math.floor((rw - g.width) / 2),
        top: Math.floor((rh - g.height) / 2),
        width: g.width,
        height: g.height,
      });
    }
    const { data, info } = await img
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || info.width !== g.width || info.height !== g.height) {
      throw new Error(`unexpected decoded shape ${info.width}x${info.height}x${info.channels}`);
    }
    return {
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    };
  } catch (error) {
    throw new UserError('image', `cannot decode image ${label}: ${describeSharpError(error)}`, {
      cause: error,
    });
  }
}

function describeSharpError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/unsupported image format/i.test(message))
    return 'not an image, or a format sharp cannot read';
  if (/premature end|truncated|VipsJpeg|end of file|read error/i.test(message))
    return `the file is truncated or corrupt (${message.split('\n')[0]})`;
  if (/pixel limit/i.test(message)) return 'the image is larger than the 268 megapixel limit';
  return message.split('\n')[0] ?? message;
}
