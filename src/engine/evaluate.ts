import os from 'node:os';
import { readFile } from 'node:fs/promises';
import { UserError, describeError } from '../errors.js';
import { fitToGeometry, geometryKey, type Geometry } from '../image/decode.js';
import { imageProperties } from '../image/properties.js';
import type { ImageScan, ScanSettings } from '../image/scan.js';
import { imagesToTensor } from '../image/tensor.js';
import { batchDims, type ResolvedContract } from '../model/contract.js';
import type { LoadedModel } from '../model/runtime.js';
import type { ExampleTable } from '../tables/examples.js';
import { ImageFacts } from '../tables/images.js';
import { RecordSet } from '../tables/records.js';
import type { RecordBuilder, Task } from '../tasks/task.js';
import type { Example, ModelRole, RgbImage } from '../types.js';
import { decodeForPass, sha256Of } from './image-scan.js';
import { VariantPool } from './variant-pool.js';
import { taskForChannels, variantChannels, type VariantTask } from './variant-task.js';

/** A model taking part in the evaluation pass. */
export interface ModelUnderTest {
  role: ModelRole;
  model: LoadedModel;
  contract: ResolvedContract;
}

/** An image variant: `clean`, a corruption at a severity, or a label-preserving transform. */
export interface Variant {
  name: string;
  /** How to derive the variant from the clean image; run in the worker pool. Absent for `clean`. */
  task?: (example: Example) => VariantTask;
  /** Only these example ids get this variant (a robustness sample); all when absent. */
  ids?: ReadonlySet<string>;
  /**
   * `source`: made on the decoded image at its own size, then resized as the model's input
   * (a detector's boxes are in the image's pixels: see analysis/variants.ts). Default: made on
   * the model's input image.
   */
  frame?: 'source';
}

export interface EvaluateOptions {
  batchSize: number;
  /** Keep the full score vector for records of this variant (default: clean only). */
  keepScores?: (variant: string) => boolean;
  /** `error`: stop on unreadable images (listing all of them); `skip`: leave them out and report. */
  onUnreadable?: 'error' | 'skip';
  /** Where rows are in the dataset (`manifest.csv:12`), for the message about unreadable images. */
  locate?: (rows: readonly number[]) => Promise<Map<number, string>>;
  onProgress?: (done: number, total: number) => void;
  /** Worker threads for variant images (0: inline). Default: the number of CPUs, inline for images ≤ 64×64. */
  workers?: number;
  /** Also make the data scan of each image (image/scan.ts), from the pass's own decode. */
  scan?: ScanSettings;
}

export interface EvaluationResult {
  /** One table per (model, variant), canonically ordered (model, variant; rows in example order). */
  records: RecordSet;
  /**
   * Per example row: sha256 of the file bytes, and brightness, contrast and sharpness of the
   * clean image at the candidate's input size.
   */
  images: ImageFacts;
  /** With `options.scan`: each read example's data scan, by example row. */
  scans?: (ImageScan | undefined)[];
  /** Examples that could not be decoded (only with onUnreadable: skip). */
  unreadable: { id: string; reason: string }[];
  /** Number of images decoded and model runs made, for logs and benchmarks. */
  stats: { decoded: number; inferences: number; batches: number };
}

/**
 * Batches per model left with the session while this thread goes on: with the session in its
 * own thread, one runs and the next waits behind it, so inference never waits for this thread
 * to decode, convert or score. (1 measured the same on ResNet-18; more only holds more memory.)
 */
const MAX_BATCHES_IN_FLIGHT = 2;

/** Free input tensors kept for reuse: enough for every batch in flight of two models. */
const MAX_SPARE_TENSORS = 2 * (MAX_BATCHES_IN_FLIGHT + 1);

/** One image waiting for a model: its pixels, example and variant. */
interface QueueItem {
  image: RgbImage;
  decoded: Decoded;
  variant: string;
}

interface Decoded {
  /** Row in the example table. */
  index: number;
  example: Example;
  hash: string;
  /** Clean image per geometry key. */
  images: Map<string, RgbImage>;
  /** Decoded size before resizing, per geometry key (EXIF orientation depends on it). */
  sources: Map<string, { width: number; height: number }>;
  /** Full-size decode per geometry key, when a variant is made at source size. */
  full?: Map<string, RgbImage>;
}

/**
 * The evaluation pass: read every image file once, decode it once per distinct model geometry
 * (the data scan, when asked, is made from one of those decodes), derive each variant once, and
 * feed the same pixels to every model. Decoding of the next chunk overlaps with
 * inference on the current one (sharp works on libuv's pool, ONNX Runtime on its own threads,
 * and for models of 1 MiB or more in a session thread, src/model/session-thread.ts).
 */
export async function evaluate(
  examples: ExampleTable,
  models: readonly ModelUnderTest[],
  variants: readonly Variant[],
  task: Task,
  options: EvaluateOptions,
): Promise<EvaluationResult> {
  const geometries = new Map<string, Geometry>();
  for (const m of models) geometries.set(geometryKey(m.contract.geometry), m.contract.geometry);
  const keepScores = options.keepScores ?? ((v: string) => v === 'clean');
  const chunkSize = Math.max(1, options.batchSize);
  const unreadable: { id: string; reason: string }[] = [];
  /** The row of each unreadable example, in the same order. */
  const unreadableRows: number[] = [];
  const images = new ImageFacts(examples.length);
  const firstGeometry = models[0] ? geometryKey(models[0].contract.geometry) : '';
  const stats = { decoded: 0, inferences: 0, batches: 0 };
  // Only the small per-image summary is kept; the scan's pixels live as long as one decode.
  const scans = options.scan ? new Array<ImageScan | undefined>(examples.length) : undefined;
  const keepFull = variants.some((v) => v.frame === 'source');

  const decodeChunk = async (start: number): Promise<Decoded[]> => {
    // Example objects are made per chunk from the table's columns, never for the whole dataset.
    const chunk: number[] = [];
    for (let i = start; i < Math.min(start + chunkSize, examples.length); i++) chunk.push(i);
    const settled = await Promise.all(
      chunk.map(async (index): Promise<Decoded | undefined> => {
        const example = examples.ref(index);
        let bytes: Buffer;
        try {
          bytes = await readFile(example.absPath);
        } catch (error) {
          unreadable.push({ id: example.id, reason: `cannot read file: ${describeError(error)}` });
          unreadableRows.push(index);
          return undefined;
        }
        const hash = sha256Of(bytes);
        let images: Map<string, RgbImage>;
        let sources: Map<string, { width: number; height: number }>;
        let full: Map<string, RgbImage> | undefined;
        try {
          const decoded = await decodeForPass(
            example.id,
            example.path,
            bytes,
            hash,
            geometries,
            options.scan,
            keepFull,
          );
          images = decoded.images;
          sources = decoded.sources;
          full = decoded.full;
          if (scans) scans[index] = decoded.scan;
        } catch (error) {
          unreadable.push({
            id: example.id,
            reason: describeError(error).replace(/^cannot decode image [^:]*: /, ''),
          });
          unreadableRows.push(index);
          return undefined;
        }
        stats.decoded++;
        return { index, example, hash, images, sources, ...(full ? { full } : {}) };
      }),
    );
    return settled.filter((d): d is Decoded => d !== undefined);
  };

  // Records go straight into per-(model, variant) column tables: no object per record is kept.
  const byVariantModel = new Map<string, RecordBuilder>();
  const capacity = new Map(variants.map((v) => [v.name, v.ids?.size ?? examples.length]));
  const needsPool = variants.some((v) => v.task);
  // Tiny images (≤ 64×64, e.g. CIFAR-sized) cost less to corrupt than to send to a thread.
  const largest = Math.max(0, ...[...geometries.values()].map((g) => g.width * g.height));
  const defaultWorkers = largest <= 64 * 64 ? 0 : os.availableParallelism();
  const pool = VariantPool.create(needsPool ? (options.workers ?? defaultWorkers) : 0);
  const lookahead = Math.max(2, pool.size * 2);
  const queues: QueueItem[][] = models.map(() => []);
  const batchSize = Math.max(1, options.batchSize);
  // Batches started but not yet filed, per model, oldest first. The session runs off the main
  // thread, so while it works on one batch the next is already queued behind it and this thread
  // goes on decoding; results are filed in the order the batches were started.
  const inFlight: Promise<{ items: QueueItem[]; out: unknown[] }>[][] = models.map(() => []);
  // Input tensors the sessions gave back, reused for later batches of the same size.
  const spares: (Float32Array | Uint8Array)[] = [];
  /** Run full batches from a model's queue (all of it when `all`), filing records by variant. */
  const drain = async (mi: number, all: boolean) => {
    const m = models[mi]!;
    const queue = queues[mi]!;
    const running = inFlight[mi]!;
    const file = ({ items, out }: { items: QueueItem[]; out: unknown[] }) =>
      out.forEach((r, j) => {
        const variant = items[j]!.variant;
        const key = `${m.role}\u0000${variant}`;
        let table = byVariantModel.get(key);
        if (!table) {
          // Sized for every member up front: no growth copies, and `finish` keeps the columns.
          table = task.builder(m.role, variant, capacity.get(variant), images.hashes);
          byVariantModel.set(key, table);
        }
        // Records point at the pass's per-example hashes (record j is items[j]'s example).
        table.push(r, items[j]!.decoded.index);
      });
    while (queue.length >= batchSize || (all && queue.length > 0)) {
      const items = queue.splice(0, batchSize);
      const run = runModel(m, items, task, keepScores, stats, spares).then((out) => ({
        items,
        out,
      }));
      // A rejection is awaited below (or the pass has already failed); not unhandled meanwhile.
      run.catch(() => undefined);
      running.push(run);
      while (running.length > MAX_BATCHES_IN_FLIGHT) file(await running.shift()!);
    }
    if (all) while (running.length > 0) file(await running.shift()!);
  };
  try {
    let next: Promise<Decoded[]> | undefined = examples.length > 0 ? decodeChunk(0) : undefined;
    for (let start = 0; start < examples.length; start += chunkSize) {
      const decoded = await next!;
      // Start decoding the next chunk before running this one.
      next = start + chunkSize < examples.length ? decodeChunk(start + chunkSize) : undefined;
      for (const d of decoded)
        images.set(d.index, d.hash, imageProperties(d.images.get(firstGeometry)!));

      // Variant pixels are computed by the pool a few variants ahead of inference, so worker
      // threads corrupt images while ONNX Runtime runs; the window bounds the memory held.
      const prepared: (Promise<Map<string, RgbImage[]>> | undefined)[] = [];
      const memberLists = variants.map((v) =>
        v.ids ? decoded.filter((d) => v.ids!.has(d.example.id)) : decoded,
      );
      const prepare = (i: number) => {
        const variant = variants[i];
        if (!variant || prepared[i] || memberLists[i]!.length === 0) return;
        prepared[i] = (async () => {
          // Per decoded geometry, and for a corruption also per channel mode: a gray model's
          // corruption is made on the gray image (variant-task.ts taskForChannels).
          const out = new Map<string, RgbImage[]>();
          const members = memberLists[i]!;
          const probe = variant.task?.(members[0]!.example);
          for (const m of models) {
            const channels = variantChannels(probe, m.contract.tensor.channels);
            const key = `${geometryKey(m.contract.geometry)}\u0000${channels}`;
            if (out.has(key)) continue;
            const g = m.contract.geometry;
            const atSource = variant.task !== undefined && variant.frame === 'source';
            const cleans = members.map((d) =>
              atSource ? d.full!.get(geometryKey(g))! : d.images.get(geometryKey(g))!,
            );
            const made = variant.task
              ? await pool.runBatch(
                  cleans,
                  members.map((d) => taskForChannels(variant.task!(d.example), channels)),
                )
              : cleans;
            // A source-size variant keeps the image's size, so it sits in the model input (and
            // its boxes map back) exactly as the clean image does.
            out.set(key, atSource ? made.map((img) => fitToGeometry(img, g)) : made);
          }
          return out;
        })();
        // A rejection is awaited below; don't let it surface as unhandled meanwhile.
        prepared[i].catch(() => undefined);
      };
      for (let i = 0; i < Math.min(lookahead, variants.length); i++) prepare(i);
      for (let i = 0; i < variants.length; i++) {
        const variant = variants[i]!;
        const members = memberLists[i]!;
        if (members.length === 0) continue;
        prepare(i);
        const variantImages = await prepared[i]!;
        prepared[i] = undefined;
        prepare(i + lookahead);
        // Queue the items per model; full batches run as soon as they fill, across variants,
        // so a variant with few sampled examples still feeds ONNX Runtime full batches.
        models.forEach((m, mi) => {
          const channels = variantChannels(
            variant.task?.(members[0]!.example),
            m.contract.tensor.channels,
          );
          const imgs = variantImages.get(`${geometryKey(m.contract.geometry)}\u0000${channels}`)!;
          members.forEach((d, j) =>
            queues[mi]!.push({ image: imgs[j]!, decoded: d, variant: variant.name }),
          );
        });
        for (let mi = 0; mi < models.length; mi++) await drain(mi, false);
      }
      options.onProgress?.(Math.min(start + chunkSize, examples.length), examples.length);
    }
    for (let mi = 0; mi < models.length; mi++) await drain(mi, true);
  } finally {
    await pool.close();
  }

  if (unreadable.length > 0 && (options.onUnreadable ?? 'error') === 'error') {
    // Each named by its file and manifest line: an id alone leaves the user searching.
    const where =
      (await options.locate?.(unreadableRows.slice(0, 10))) ?? new Map<number, string>();
    const list = unreadable.slice(0, 10).map((u, k) => {
      const row = unreadableRows[k]!;
      const file = examples.paths[row]!;
      const at = where.get(row);
      return `${u.id === file ? file : `${u.id} (${file})`}${at ? ` at ${at}` : ''}: ${u.reason}`;
    });
    if (unreadable.length > 10) list.push(`... and ${unreadable.length - 10} more`);
    throw new UserError(
      'image',
      `${unreadable.length} image(s) could not be read (fix or remove them, or set dataset.onUnreadable: skip to evaluate without them):`,
      { details: list },
    );
  }
  // Canonical order: model role (candidate first), then variant order, then example order.
  const tables = [];
  for (const m of models)
    for (const v of variants) {
      const table = byVariantModel.get(`${m.role}\u0000${v.name}`);
      if (table) tables.push(table.finish());
    }
  return {
    records: new RecordSet(tables),
    images,
    ...(scans ? { scans } : {}),
    unreadable,
    stats,
  };
}

async function runModel(
  m: ModelUnderTest,
  items: readonly QueueItem[],
  task: Task,
  keepScores: (variant: string) => boolean,
  stats: EvaluationResult['stats'],
  spares: (Float32Array | Uint8Array)[],
): Promise<unknown[]> {
  const step = m.contract.fixedBatch ?? items.length;
  const out: unknown[] = [];
  for (let i = 0; i < items.length; i += step) {
    const batchItems = items.slice(i, i + step);
    const batch = batchItems.map((it) => it.image);
    // A model with a fixed batch dimension gets exactly that many images: the last partial batch
    // is padded with copies of its last image, whose outputs are dropped.
    const fed = [...batch];
    while (m.contract.fixedBatch !== undefined && fed.length < m.contract.fixedBatch)
      fed.push(batch.at(-1)!);
    const tensor = imagesToTensor(fed, m.contract.tensor, spares);
    const dims = batchDims(m.contract, fed.length);
    const detection = m.contract.detection;
    // A detector's outputs are several, each with its own type (int64 labels): runOutputs.
    const result = detection
      ? await m.model.runOutputs(m.contract.inputName, tensor, dims, detection.outputs)
      : await m.model.run(m.contract.inputName, tensor, dims, m.contract.outputName);
    if (result.input && spares.length < MAX_SPARE_TENSORS) spares.push(result.input);
    stats.inferences += batch.length;
    stats.batches++;
    const key = geometryKey(m.contract.geometry);
    out.push(
      ...task.decode(
        'outputs' in result
          ? { data: new Float32Array(0), dims: [], fed: fed.length, outputs: result.outputs }
          : { data: result.data, dims: result.dims, fed: fed.length },
        batchItems.map((it) => ({
          example: it.decoded.example,
          hash: it.decoded.hash,
          variant: it.variant,
          source: it.decoded.sources.get(key)!,
        })),
        m,
        keepScores,
      ),
    );
  }
  return out;
}
