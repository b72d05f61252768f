/**
 * The data scan of an image: what the data suite knows about each image file, computed from one
 * decode. The image is shown upright (EXIF orientation), alpha flattened onto white, downscaled
 * so its longest side is at most `maxSide` (sharp's Lanczos-3, never enlarged); its luma gives
 * the near-duplicate signature (signature.ts) and the pixel properties (properties.ts). Only
 * that small summary is kept (≈ 0.6 kB per image), never the pixels.
 *
 * The evaluation pass makes the scan from the full-size decode it makes for a model anyway
 * (engine/image-scan.ts): {@link scanSharesDecode} says when that decode is the scan's image
 * (up to orientation, which {@link orientRgb} applies exactly).
 */
import sharp from 'sharp';
import type { RgbImage } from '../types.js';
import { decodeFullSize, isPng16BitGrey, type FailOn, type LoaderSteps } from './decode.js';
import { lumaFromInterleaved } from './hashing.js';
import { orientRgb } from './orient.js';
import { lumaProperties, type ImageProperties } from './properties.js';
import { imageSignature, type ImageSignature } from './signature.js';

/** What the data scan is asked to make (the data suite's config decides it). */
export interface ScanSettings {
  /** Decoder strictness: an image failing at this level is a per-id error. */
  failOn: FailOn;
  /** Longest side of the analysis image. */
  maxSide: number;
  /** Also hash the content window, not only the whole frame (signature.ts). */
  contentWindow: boolean;
}

/** What a scan learns of an image file: its size and format, and its luma properties. */
export interface ImageFileProperties extends ImageProperties {
  width: number;
  height: number;
  aspectRatio: number;
  /** Channels stored in the file (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA / CMYK). */
  channels: number;
  /** Container format as sharp names it (jpeg, png, webp, ...). */
  format: string;
}

/** What the data suite knows about one image file; a bad file is an error, never an exception. */
export type ImageScan =
  | {
      id: string;
      ok: true;
      sha256: string;
      signature: ImageSignature;
      properties: ImageFileProperties;
    }
  | { id: string; ok: false; sha256?: string; error: string };

/** What the file's header says (no pixels decoded). */
export interface ImageHeader {
  /** Upright size (after the EXIF orientation). */
  width: number;
  height: number;
  channels: number;
  format: string;
  orientation?: number;
  hasAlpha: boolean;
}

/** Pixel budget per image, as the decoder's: refuse decompression bombs. */
const MAX_INPUT_PIXELS = 268_402_689;

/** Read the header of image bytes (throws sharp's error for a file it cannot parse). */
export async function readImageHeader(bytes: Buffer, failOn: FailOn): Promise<ImageHeader> {
  const meta = await sharp(bytes, { failOn, limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  return {
    width: meta.autoOrient?.width ?? meta.width,
    height: meta.autoOrient?.height ?? meta.height,
    channels: meta.channels,
    format: meta.format,
    ...(meta.orientation !== undefined ? { orientation: meta.orientation } : {}),
    hasAlpha: meta.hasAlpha,
  };
}

/** The scan's own loader steps: alpha on white, as stored (turned upright after the resize). */
function scanSteps(failOn: FailOn): LoaderSteps {
  return { exif: false, background: '#ffffff', pillow: false, failOn };
}

/**
 * Whether a full-size decode made with `steps` holds the scan's pixels (after orienting it):
 * alpha must have been flattened onto white, or there was none; PIL's 16-bit grey clip is not
 * the scan's conversion.
 */
export function scanSharesDecode(header: ImageHeader, steps: LoaderSteps, bytes: Buffer): boolean {
  const white = steps.background?.toLowerCase() === '#ffffff';
  return (!header.hasAlpha || white) && !(steps.pillow && isPng16BitGrey(bytes));
}

/**
 * The scan of a full-size decode (`oriented`: whether its loader applied the EXIF orientation).
 * As sharp's pipeline did when the data suite decoded for itself, the image is downscaled as
 * stored and turned upright afterwards (libvips rotates after the resize; resizing the upright
 * image differs by a grey level here and there, and the box pre-shrink is not mirror-symmetric).
 * Pure but for sharp's resize of the pixels in memory.
 */
export async function scanDecoded(
  id: string,
  sha256: string,
  decoded: RgbImage,
  oriented: boolean,
  header: ImageHeader,
  settings: ScanSettings,
): Promise<ImageScan> {
  const o = header.orientation;
  const small = decoded.width <= settings.maxSide && decoded.height <= settings.maxSide;
  const analysed = small
    ? oriented
      ? decoded
      : orientRgb(decoded, o)
    : orientRgb(
        await downscale(
          oriented ? orientRgb(decoded, inverseOrientation(o)) : decoded,
          settings.maxSide,
        ),
        o,
      );
  const gray = lumaFromInterleaved(analysed.data, analysed.width, analysed.height, 3);
  const { width, height } = header;
  return {
    id,
    ok: true,
    sha256,
    signature: imageSignature(gray, settings.contentWindow),
    properties: {
      width,
      height,
      aspectRatio: width / height,
      channels: header.channels,
      format: header.format,
      // As Float64 (exact) so the pass's hot lumaProperties only ever sees one array type.
      ...lumaProperties(Float64Array.from(gray.data), gray.width, gray.height),
    },
  };
}

/** The orientation that undoes `o`: 6 and 8 (quarter turns) undo each other, the rest themselves. */
function inverseOrientation(o: number | undefined): number | undefined {
  return o === 6 ? 8 : o === 8 ? 6 : o;
}

/** The longest side brought to at most `maxSide`, as sharp's `fit: 'inside'` resize does. */
async function downscale(img: RgbImage, maxSide: number): Promise<RgbImage> {
  if (img.width <= maxSide && img.height <= maxSide) return img;
  const { data, info } = await sharp(img.data, {
    raw: { width: img.width, height: img.height, channels: 3 },
  })
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
}

/**
 * The scan of image bytes, decoding them itself: for images the pass does not decode (training
 * and reference manifests, `merge`) and for the rare image no pass decode can serve. Never throws
 * for a bad file.
 */
export async function scanImageBytes(
  id: string,
  sha256: string,
  bytes: Buffer,
  settings: ScanSettings,
): Promise<ImageScan> {
  try {
    const header = await readImageHeader(bytes, settings.failOn);
    const decoded = await decodeFullSize(bytes, scanSteps(settings.failOn), id);
    return await scanDecoded(id, sha256, decoded, false, header, settings);
  } catch (error) {
    return scanFailure(id, sha256, error);
  }
}

/** A scan that failed: the decoder's first message line (a decode error's cause). */
export function scanFailure(id: string, sha256: string | undefined, error: unknown): ImageScan {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const message = cause instanceof Error ? cause.message : String(cause);
  return {
    id,
    ok: false,
    ...(sha256 !== undefined ? { sha256 } : {}),
    error: message.split('\n')[0]!.trim() || 'unknown error',
  };
}
