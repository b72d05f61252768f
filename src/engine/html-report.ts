/**
 * report.html at output time: the I/O half of the HTML report. It reads and shrinks the images
 * the page shows (sharp), renders the corruption strip for one example with the same corruption
 * functions and seeds as the evaluation pass, and hands everything to the pure renderer in
 * report/html/. The set of images is bounded by the renderer's limits, never by the dataset.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { pairRecords } from '../analysis/pairing.js';
import type { LoadedConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { applyCorruption, type CorruptionName, type Severity } from '../corruptions/index.js';
import { decodeFullSize, fitToGeometry, loaderSteps } from '../image/decode.js';
import { computeMetrics } from '../metrics/classification.js';
import { resolveGeometry } from '../model/contract.js';
import {
  dataImageIds,
  DEFAULT_HTML_LIMITS,
  renderHtmlReport,
  type Box,
  type CorruptionStrip,
  type HtmlLimits,
  type Thumbnail,
} from '../report/html/index.js';
import type { Report } from '../report/schema.js';
import type { TrendEntry } from '../report/trend.js';
import { ClassificationTable } from '../tasks/classification/records.js';
import { taskOfReport } from '../tasks/registry.js';
import type { DataSuiteResult } from '../suites/data/index.js';
import type { RobustnessResult } from '../suites/robustness/metrics.js';
import type { ExampleTable } from '../tables/examples.js';
import type { RecordSet } from '../tables/records.js';
import { loadItems } from './manifests.js';
import { RESULT_FILES, writeFileAtomic } from './results.js';

/** Longest side of a thumbnail in pixels (small enough for thousands in a few MB). */
const THUMB_SIDE = 96;

/** What writing report.html needs from the config and the run, besides report.json. */
export interface HtmlOutputOptions {
  /** config `report.html`; false removes a stale report.html instead of writing one. */
  enabled: boolean;
  confidence: number;
  /** The candidate's input config (size comes from report.json): the strip's geometry. */
  input: Config['model']['input'];
  robustness?: Pick<Config['robustness'] & object, 'table' | 'pixelScale'>;
  /** Stored runs of this branch for the history section (the Action reads them). */
  history?: readonly TrendEntry[];
  /** Training images by id (data.trainManifest), for the leakage pairs; read only when needed. */
  trainImages?: () => Promise<ReadonlyMap<string, string>>;
  limits?: Partial<HtmlLimits>;
}

/** HTML options from the config; `extra` adds what only the caller knows (the history). */
export function htmlOptions(
  loaded: LoadedConfig,
  extra: Pick<HtmlOutputOptions, 'history'> = {},
): HtmlOutputOptions {
  const { config } = loaded;
  const train = config.data?.enabled ? config.data.trainManifest : undefined;
  return {
    enabled: config.report.html,
    confidence: config.statistics.confidence,
    input: config.model.input,
    ...(config.robustness?.enabled
      ? { robustness: { table: config.robustness.table, pixelScale: config.robustness.pixelScale } }
      : {}),
    ...(train
      ? {
          trainImages: async () =>
            new Map((await loadItems(loaded, train)).map((t) => [t.id, t.absPath])),
        }
      : {}),
    ...extra,
  };
}

/** Map over items with at most `n` in flight (sharp runs on libuv's pool). */
async function mapPool<T, R>(
  items: readonly T[],
  n: number,
  fn: (t: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/**
 * Encode a small WebP: lossless when the image is already at most {@link THUMB_SIDE} (tiny
 * sources like 28 px Fashion-MNIST stay exact and are smaller lossless), else shrunk and lossy.
 */
async function encode(img: Sharp, side: number): Promise<Thumbnail> {
  const small = side <= THUMB_SIDE;
  const { data, info } = await img
    .resize({ width: THUMB_SIDE, height: THUMB_SIDE, fit: 'inside', withoutEnlargement: true })
    .webp(small ? { lossless: true } : { quality: 72 })
    .toBuffer({ resolveWithObject: true });
  return {
    src: `data:image/webp;base64,${data.toString('base64')}`,
    width: info.width,
    height: info.height,
  };
}

/** A thumbnail of an image file, or undefined when it cannot be read (the page says so). */
async function thumbnailOf(file: string): Promise<Thumbnail | undefined> {
  return (await sizedThumbnailOf(file))?.thumbnail;
}

/**
 * A thumbnail and the size of the image it shows, in one frame: upright (EXIF orientation
 * applied; the default, as people see the image) or as stored (`upright: false`). Boxes placed
 * by this size fit the thumbnail when they are in the same frame.
 */
export async function sizedThumbnailOf(
  file: string,
  upright = true,
): Promise<{ thumbnail: Thumbnail; width: number; height: number } | undefined> {
  try {
    const img = sharp(file, { failOn: 'error', limitInputPixels: 268_402_689 });
    if (upright) img.rotate();
    const meta = await img.metadata();
    // metadata() describes the input; autoOrient is its size after the EXIF orientation.
    const width = (upright ? meta.autoOrient?.width : undefined) ?? meta.width ?? 0;
    const height = (upright ? meta.autoOrient?.height : undefined) ?? meta.height ?? 0;
    return { thumbnail: await encode(img, Math.max(width, height)), width, height };
  } catch {
    return undefined;
  }
}

/**
 * Whether a report's thumbnails are upright. Detection boxes (records and ground truth as the
 * run compared them) are in the frame the candidate's loader decoded: EXIF orientation applied
 * or not as its input config says (`model.input.exif`, by default the resize library's loader),
 * so a detection report's thumbnails are made in that frame. Other reports draw no boxes and
 * show images upright.
 */
export function thumbnailsUpright(report: Report, input: Config['model']['input']): boolean {
  const size = report.models.candidate.input;
  if (taskOfReport(report).name !== 'detection' || !size) return true;
  return resolveGeometry(input, size.width, size.height).exif;
}

/**
 * Boxes of a detection report's images, as fractions of each image's size in the frame
 * report.json's pixel boxes (x1, y1, x2, y2) are in (see {@link thumbnailsUpright}). Newly failing images: every
 * counted ground-truth object, the candidate's matched detections, the objects it newly misses
 * and its new false positives. Failing pinned images: the objects missed and the detections
 * matched. Images of unknown size get none.
 */
export function detectionBoxes(
  report: Report,
  sizes: ReadonlyMap<string, { width: number; height: number }>,
): { examples: Map<string, Box[]>; pinned: Map<string, Box[]> } {
  const placer = (id: string) => {
    const size = sizes.get(id);
    if (!size || size.width <= 0 || size.height <= 0) return undefined;
    return (
      o: { class: string; box: readonly number[]; score?: number },
      kind: Box['kind'],
    ): Box => {
      const [x1 = 0, y1 = 0, x2 = 0, y2 = 0] = o.box;
      return {
        x: x1 / size.width,
        y: y1 / size.height,
        w: (x2 - x1) / size.width,
        h: (y2 - y1) / size.height,
        kind,
        label: o.score === undefined ? o.class : `${o.class} ${o.score.toFixed(2)}`,
      };
    };
  };
  const examples = new Map<string, Box[]>();
  for (const e of report.examples.newlyFailing) {
    if (!('newlyMissed' in e)) continue;
    const place = placer(e.id);
    if (!place) continue;
    examples.set(e.id, [
      ...(e.truth ?? []).map((o) => place(o, 'truth')),
      ...(e.matched ?? []).map((o) => place(o, 'matched')),
      ...e.newlyMissed.map((o) => place(o, 'missed')),
      ...e.newFalsePositives.map((o) => place(o, 'prediction')),
    ]);
  }
  const pinned = new Map<string, Box[]>();
  for (const p of report.pinned) {
    if (!('missedObjects' in p) && !('matched' in p)) continue;
    const place = placer(p.id);
    if (!place) continue;
    pinned.set(p.id, [
      ...(p.matched ?? []).map((o) => place(o, 'matched')),
      ...(p.missedObjects ?? []).map((o) => place(o, 'missed')),
    ]);
  }
  return { examples, pinned };
}

/** The ids whose images the page shows, within the renderer's limits. */
function shownIds(report: Report, limits: HtmlLimits): { eval: string[]; train: string[] } {
  const data = dataImageIds(report.suites.data as DataSuiteResult | undefined, limits);
  const ids = new Set<string>([
    ...report.examples.newlyFailing.slice(0, limits.failingImages).map((e) => e.id),
    ...report.pinned.slice(0, limits.failingImages).map((p) => p.id),
    ...data.eval,
  ]);
  return { eval: [...ids], train: data.train };
}

/**
 * One example at every severity of every corruption of the robustness result, made as the pass
 * made it (at the candidate's input geometry, or for detection at the image's own size and then
 * placed on that geometry) with the pass's seed key (the example id), so the strip shows the
 * pixels the model saw. The example: the first newly failing one, else the first evaluated one.
 */
async function corruptionStrip(
  report: Report,
  examples: ExampleTable,
  opts: HtmlOutputOptions,
): Promise<CorruptionStrip | undefined> {
  const rob = report.suites.robustness as RobustnessResult | undefined;
  const input = report.models.candidate.input;
  if (!rob || !opts.robustness || !input || examples.ids.length === 0) return undefined;
  const index = examples.indexById();
  const id = report.examples.newlyFailing.find((e) => index.has(e.id))?.id ?? examples.ids[0]!;
  const row = index.get(id)!;
  const geometry = resolveGeometry(opts.input, input.width, input.height);
  const atSource = taskOfReport(report).robustness?.frame === 'source';
  let full;
  try {
    full = await decodeFullSize(await readFile(examples.absPath(row)), loaderSteps(geometry), id);
  } catch {
    return undefined;
  }
  const clean = fitToGeometry(full, geometry);
  const side = Math.max(clean.width, clean.height);
  const toThumb = (img: { width: number; height: number; data: Uint8Array }) =>
    encode(sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }), side);
  const rows = [];
  for (const c of rob.corruptions) {
    const images = [];
    for (const s of rob.severities) {
      const out = await applyCorruption(
        atSource ? full : clean,
        c as CorruptionName,
        s as Severity,
        {
          seedKey: id,
          table: opts.robustness.table,
          pixelScale: opts.robustness.pixelScale,
        },
      );
      images.push(await toThumb(atSource ? fitToGeometry(out, geometry) : out));
    }
    rows.push({ corruption: c, images });
  }
  return {
    id,
    label: examples.label(row),
    severities: rob.severities,
    clean: await toThumb(clean),
    rows,
  };
}

/**
 * The baseline's confusion matrix over the candidate's examples, paired as every suite pairs
 * them (same id and same image bytes, analysis/pairing.ts), from the baseline's clean records;
 * undefined without them or when not every example pairs. report.json holds only the
 * candidate's matrix.
 */
function baselineConfusion(report: Report, records: RecordSet): number[][] | undefined {
  const cand = records.table('candidate', 'clean');
  const base = records.table('baseline', 'clean');
  if (!(cand instanceof ClassificationTable) || !(base instanceof ClassificationTable))
    return undefined;
  const pairing = pairRecords(cand, base);
  // Only a matrix over exactly the candidate's examples is comparable with report.json's.
  if (pairing.paired !== cand.length || cand.length !== report.overall.n) return undefined;
  return computeMetrics({ columns: base, rows: pairing.baseRow }, report.dataset.classes.length, {
    topK: [1],
  }).confusion;
}

/**
 * Write report.html into `dir` (atomically) and return its path; with `enabled: false` remove a
 * report.html left by an earlier run, so it never passes for this run's, and return undefined.
 */
export async function writeHtmlReport(
  dir: string,
  report: Report,
  examples: ExampleTable,
  records: RecordSet,
  opts: HtmlOutputOptions,
): Promise<string | undefined> {
  const file = path.join(dir, RESULT_FILES.html);
  if (!opts.enabled) {
    await rm(file, { force: true });
    return undefined;
  }
  const limits = { ...DEFAULT_HTML_LIMITS, ...opts.limits };
  const ids = shownIds(report, limits);
  const index = examples.indexById();
  const evalIds = ids.eval.filter((id) => index.has(id));
  const upright = thumbnailsUpright(report, opts.input);
  const thumbs = await mapPool(evalIds, 4, (id) =>
    sizedThumbnailOf(examples.absPath(index.get(id)!), upright),
  );
  const images = new Map<string, Thumbnail>();
  const sizes = new Map<string, { width: number; height: number }>();
  evalIds.forEach((id, i) => {
    const t = thumbs[i];
    if (!t) return;
    images.set(id, t.thumbnail);
    sizes.set(id, { width: t.width, height: t.height });
  });
  const boxes = detectionBoxes(report, sizes);
  const trainImages = new Map<string, Thumbnail>();
  if (ids.train.length > 0 && opts.trainImages) {
    const paths = await opts.trainImages();
    const known = ids.train.filter((id) => paths.has(id));
    const tt = await mapPool(known, 4, (id) => thumbnailOf(paths.get(id)!));
    known.forEach((id, i) => {
      if (tt[i]) trainImages.set(id, tt[i]);
    });
  }
  const strip = await corruptionStrip(report, examples, opts);
  const confusion = baselineConfusion(report, records);
  const html = renderHtmlReport(
    report,
    {
      images,
      trainImages,
      ...(boxes.examples.size > 0 ? { boxes: boxes.examples } : {}),
      ...(boxes.pinned.size > 0 ? { pinnedBoxes: boxes.pinned } : {}),
      ...(strip ? { strip } : {}),
      ...(confusion ? { baselineConfusion: confusion } : {}),
      ...(opts.history ? { history: opts.history } : {}),
    },
    { confidence: opts.confidence, limits },
  );
  await writeFileAtomic(file, html);
  return file;
}
