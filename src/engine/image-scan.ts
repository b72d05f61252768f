/**
 * The engine's side of the data scan (image/scan.ts): in the evaluation pass, each image's scan is
 * made from a decode the pass makes for a model anyway, so a file is read and decoded once per
 * run with every suite on; images the pass does not evaluate (training and reference manifests,
 * the examples in `merge`) are read and decoded here for their scan alone. Suites get the scans
 * as data and do no file or decoder I/O.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  decodeFullSize,
  decodePlaced,
  fitToGeometry,
  loaderSteps,
  type Geometry,
  type LoaderSteps,
} from '../image/decode.js';
import {
  readImageHeader,
  scanDecoded,
  scanFailure,
  scanImageBytes,
  scanSharesDecode,
  type ImageHeader,
  type ImageScan,
  type ScanSettings,
} from '../image/scan.js';
import type { ImageScanRequest, ImageScans, ManifestItem } from '../analysis/suite.js';
import type { ExampleTable } from '../tables/examples.js';
import type { RgbImage } from '../types.js';

/** What the pass made of one image: its pixels per geometry key, and its scan when asked. */
export interface PassDecode {
  images: Map<string, RgbImage>;
  /** Size of each geometry's full-size decode (after its loader steps): where boxes map back. */
  sources: Map<string, { width: number; height: number }>;
  /** With `keepFull`: each geometry's full-size decode, before the resize (source-frame variants). */
  full?: Map<string, RgbImage>;
  scan?: ImageScan;
}

/**
 * Decode image bytes once per geometry and, with `scan`, make the data scan from one of those
 * decodes. A decode the pass cannot use throws (a `UserError`: the image is unreadable); a scan
 * failure is a per-id error in the scan. Two rare images are decoded a second time for the scan:
 * one with alpha when no geometry flattens it onto white (the scan's background), and one that
 * fails the scan's stricter `failOn: warning` (the pass then decodes it at its own level).
 */
export async function decodeForPass(
  id: string,
  label: string,
  bytes: Buffer,
  sha256: string,
  geometries: ReadonlyMap<string, Geometry>,
  scan: ScanSettings | undefined,
  keepFull = false,
): Promise<PassDecode> {
  const images = new Map<string, RgbImage>();
  const full = keepFull ? new Map<string, RgbImage>() : undefined;
  const sources = new Map<string, { width: number; height: number }>();
  let header: ImageHeader | undefined;
  let result: ImageScan | undefined;
  if (scan) {
    try {
      header = await readImageHeader(bytes, scan.failOn);
    } catch (error) {
      result = scanFailure(id, sha256, error);
    }
  }
  let source: string | undefined;
  if (header)
    for (const [key, g] of geometries)
      if (scanSharesDecode(header, loaderSteps(g), bytes)) {
        source = key;
        break;
      }
  for (const [key, g] of geometries) {
    const steps = loaderSteps(g);
    if (key !== source) {
      if (full) {
        const decoded = await decodeFullSize(bytes, steps, label);
        full.set(key, decoded);
        images.set(key, fitToGeometry(decoded, g));
        sources.set(key, { width: decoded.width, height: decoded.height });
        continue;
      }
      const placed = await decodePlaced(bytes, g, label);
      images.set(key, placed.image);
      sources.set(key, { width: placed.sourceWidth, height: placed.sourceHeight });
      continue;
    }
    const decoded = await decodeStrict(bytes, steps, label, scan!.failOn, (error) => {
      result = scanFailure(id, sha256, error);
    });
    result ??= await scanDecoded(id, sha256, decoded, steps.exif, header!, scan!);
    full?.set(key, decoded);
    images.set(key, fitToGeometry(decoded, g));
    sources.set(key, { width: decoded.width, height: decoded.height });
  }
  if (scan && !result) result = await scanImageBytes(id, sha256, bytes, scan);
  return { images, sources, ...(full ? { full } : {}), ...(result ? { scan: result } : {}) };
}

/**
 * The pass's decode, at the scan's strictness when that is stricter than the pass's (`warning`
 * against `error`): a file failing only the stricter level is reported to `onScanError` and
 * decoded again at the pass's level. A more lenient scan level needs nothing: an image the pass
 * cannot decode is not evaluated, so no suite looks at it.
 */
async function decodeStrict(
  bytes: Buffer,
  steps: LoaderSteps,
  label: string,
  failOn: ScanSettings['failOn'],
  onScanError: (error: unknown) => void,
): Promise<RgbImage> {
  if (failOn !== 'warning') return decodeFullSize(bytes, steps, label);
  try {
    return await decodeFullSize(bytes, { ...steps, failOn }, label);
  } catch (error) {
    onScanError(error);
    return decodeFullSize(bytes, steps, label);
  }
}

/** sha256 of file bytes, lower-case hex: the key records and scans are compared by. */
export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Read and scan image files the pass does not evaluate, `concurrency` at a time; results keep
 * the input order. A file that cannot be read or decoded is a per-id error, never an exception.
 */
export async function scanImageFiles(
  items: readonly { id: string; absPath: string }[],
  settings: ScanSettings,
  concurrency: number,
): Promise<ImageScan[]> {
  const results = new Array<ImageScan>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const k = next++;
      const { id, absPath } = items[k]!;
      let bytes: Buffer;
      try {
        bytes = await readFile(absPath);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        results[k] = {
          id,
          ok: false,
          error: `cannot read file: ${message.split('\n')[0]!.trim()}`,
        };
        continue;
      }
      results[k] = await scanImageBytes(id, sha256Of(bytes), bytes, settings);
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker),
  );
  return results;
}

/** The scan settings of a request, without what only says how to run it. */
export function scanSettings(request: ImageScanRequest): ScanSettings {
  return {
    failOn: request.failOn,
    maxSide: request.maxSide,
    contentWindow: request.contentWindow,
  };
}

/**
 * The data scans a plan asked for: the evaluated examples' (by example row, from the pass, or
 * `undefined` to read them here, as `merge` does for the rows in `rows`) and each requested
 * manifest's.
 */
export async function imageScansFor(
  request: ImageScanRequest,
  examples: ExampleTable,
  fromPass: readonly (ImageScan | undefined)[] | undefined,
  rows: (row: number) => boolean,
  manifests: Readonly<Record<string, readonly ManifestItem[]>>,
): Promise<ImageScans> {
  const settings = scanSettings(request);
  let byRow = fromPass;
  if (!byRow) {
    const wanted: number[] = [];
    for (let e = 0; e < examples.length; e++) if (rows(e)) wanted.push(e);
    const scans = await scanImageFiles(
      wanted.map((e) => ({ id: examples.ids[e]!, absPath: examples.absPath(e) })),
      settings,
      request.concurrency,
    );
    const filled = new Array<ImageScan | undefined>(examples.length);
    wanted.forEach((e, k) => (filled[e] = scans[k]));
    byRow = filled;
  }
  const scanned: Record<string, readonly ImageScan[]> = {};
  for (const name of request.manifests ?? []) {
    const items = manifests[name];
    if (items) scanned[name] = await scanImageFiles(items, settings, request.concurrency);
  }
  return { examples: byRow, manifests: scanned };
}
