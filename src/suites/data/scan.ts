/**
 * The one place the data suite reads images. Each file is read once: its bytes give the sha256,
 * one sharp decode (EXIF-oriented, alpha flattened onto white, downscaled so the longest side is
 * at most `maxSide`) gives the luma image from which the near-duplicate signature (hashes and
 * thumbnails, signature.ts) and the pixel properties are computed. A file that cannot be read or decoded becomes a per-id error, never
 * an exception: a dataset with a truncated JPEG must still get a report.
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { lumaFromInterleaved, sha256Hex } from '../../image/hashing.js';
import { lumaProperties } from '../../image/properties.js';
import type { ImageFileProperties } from './image-properties.js';
import { imageSignature, type ImageSignature } from '../../image/signature.js';

/** sharp's decoder strictness, least to most strict. */
export type FailOn = 'none' | 'truncated' | 'error' | 'warning';

export interface ScanOptions {
  /** Abort decoding on this level of problem: truncated files fail from 'truncated' upwards. */
  failOn: FailOn;
  /** Longest side of the analysis image. */
  maxSide: number;
  /** Also hash the content window, not only the whole frame (signature.ts). */
  contentWindow: boolean;
  /** Images read in parallel (sharp also uses its own threads per image). */
  concurrency: number;
}

/** What the suite knows about one image file. */
export type ImageScan =
  | {
      id: string;
      ok: true;
      sha256: string;
      signature: ImageSignature;
      properties: ImageFileProperties;
    }
  | { id: string; ok: false; sha256?: string; error: string };

/** Pixel budget per image (≈ 16k × 16k), as the decoder elsewhere: refuse decompression bombs. */
const MAX_INPUT_PIXELS = 268_402_689;

/** Read and analyse one image file. Never throws for a bad file. */
export async function scanImageFile(
  id: string,
  absPath: string,
  options: Omit<ScanOptions, 'concurrency'>,
): Promise<ImageScan> {
  let bytes: Buffer;
  try {
    bytes = await readFile(absPath);
  } catch (error) {
    return { id, ok: false, error: `cannot read file: ${firstLine(error)}` };
  }
  const sha256 = sha256Hex(bytes);
  try {
    const input = { failOn: options.failOn, limitInputPixels: MAX_INPUT_PIXELS } as const;
    const meta = await sharp(bytes, input).metadata();
    const { data, info } = await sharp(bytes, input)
      .autoOrient()
      .flatten({ background: '#ffffff' })
      .resize({
        width: options.maxSide,
        height: options.maxSide,
        fit: 'inside',
        withoutEnlargement: true,
      })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const gray = lumaFromInterleaved(
      new Uint8Array(data.buffer, data.byteOffset, data.length),
      info.width,
      info.height,
      info.channels,
    );
    const width = meta.autoOrient?.width ?? meta.width;
    const height = meta.autoOrient?.height ?? meta.height;
    return {
      id,
      ok: true,
      sha256,
      signature: imageSignature(gray, options.contentWindow),
      properties: {
        width,
        height,
        aspectRatio: width / height,
        channels: meta.channels,
        format: meta.format,
        // As Float64 (exact) so the pass's hot lumaProperties only ever sees one array type.
        ...lumaProperties(Float64Array.from(gray.data), gray.width, gray.height),
      },
    };
  } catch (error) {
    return { id, ok: false, sha256, error: firstLine(error) };
  }
}

/** Scan many images with bounded concurrency; results keep the input order. */
export async function scanImages(
  items: readonly { id: string; absPath: string }[],
  options: ScanOptions,
): Promise<ImageScan[]> {
  const results = new Array<ImageScan>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const k = next++;
      const item = items[k]!;
      results[k] = await scanImageFile(item.id, item.absPath, options);
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(options.concurrency, items.length)) }, worker),
  );
  return results;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.trim() || 'unknown error';
}
