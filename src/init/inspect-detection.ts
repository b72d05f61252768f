/**
 * What `init` reads from a detection dataset: which of the three layouts the run reads it is
 * (a COCO instances JSON, an Ultralytics data.yaml, a Pascal VOC folder), the folder the images
 * are in, the split to evaluate, and the image metadata worth slicing by. The dataset is then
 * loaded with the run's own reader, every file checked, so a config written from these findings
 * reads the same images and boxes.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { DetectionFormat } from '../config/task.js';
import { loadDetectionDataset } from '../dataset/detection/load.js';
import type { DetectionDataset } from '../dataset/detection/types.js';
import { UserError } from '../errors.js';
import type { ClassSource } from './class-sources.js';
import {
  isDir,
  isFile,
  sliceColumns,
  type ColumnFacts,
  type DatasetFindings,
} from './inspect-dataset.js';

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);
const preview = (l: readonly string[]) =>
  `[${l.slice(0, 5).join(', ')}${l.length > 5 ? `, … (${l.length})` : ''}]`;

export interface DetectionDatasetFindings {
  format: DetectionFormat;
  /** `COCO instances JSON`, ... */
  kind: string;
  /** Absolute: coco, the folder file names are relative to; yolo, the folder of data.yaml; voc, the VOC folder. */
  root: string;
  /** Absolute: the COCO JSON or the data.yaml. */
  annotations?: string;
  /** yolo: the data.yaml split; voc: ImageSets/Main/<split>.txt. Absent: the reader's default. */
  split?: string;
  dataset: DetectionDataset;
  /** VOC: where the class order came from, when a list stored with the model gave it. */
  classesFrom?: string;
  objects: number;
  slices: ColumnFacts[];
  dropped: DatasetFindings['dropped'];
  inferred: string[];
  warnings: string[];
}

/** Where a detection dataset is, before it is loaded. */
interface Located {
  format: DetectionFormat;
  /** The COCO JSON or data.yaml; the VOC folder. */
  file: string;
}

/** Split names, most suitable for evaluation first (train last: it overstates the model). */
const SPLITS = ['val', 'valid', 'validation', 'test', 'train'];

/** Whether a JSON file is a COCO instances file (has images, annotations and categories). */
async function isCocoJson(file: string): Promise<boolean> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return false;
  }
  const o = json as Record<string, unknown> | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    Array.isArray(o.images) &&
    Array.isArray(o.annotations) &&
    Array.isArray(o.categories)
  );
}

const isYaml = (f: string) => /\.ya?ml$/i.test(f);

/** A detection dataset in `dir`: a VOC folder, a data.yaml, or one COCO JSON (there or in annotations/). */
async function inFolder(dir: string, show: (p: string) => string): Promise<Located | undefined> {
  const found: Located[] = [];
  if ((await isDir(path.join(dir, 'Annotations'))) && (await isDir(path.join(dir, 'JPEGImages'))))
    found.push({ format: 'voc', file: dir });
  if (await isFile(path.join(dir, 'data.yaml')))
    found.push({ format: 'yolo', file: path.join(dir, 'data.yaml') });
  const jsons: string[] = [];
  for (const d of [dir, path.join(dir, 'annotations')]) {
    if (!(await isDir(d))) continue;
    for (const e of await readdir(d, { withFileTypes: true }))
      if (
        e.isFile() &&
        e.name.toLowerCase().endsWith('.json') &&
        (await isCocoJson(path.join(d, e.name)))
      )
        jsons.push(path.join(d, e.name));
  }
  if (jsons.length > 1)
    throw new UserError(
      'usage',
      `${show(dir)} holds several COCO annotation files (${jsons.map(show).join(', ')}): give the one to evaluate with --dataset`,
    );
  if (jsons.length === 1) found.push({ format: 'coco', file: jsons[0]! });
  // One folder, two layouts (a VOC folder with a data.yaml beside it): which one is meant is
  // not for init to guess, as the two can hold different images or classes.
  if (found.length > 1)
    throw new UserError(
      'usage',
      `${show(dir)} holds ${found.map((f) => (f.format === 'voc' ? 'a Pascal VOC layout (Annotations/, JPEGImages/)' : f.format === 'yolo' ? 'a YOLO data.yaml' : `a COCO file ${show(f.file)}`)).join(' and ')}: give the one to evaluate with --dataset`,
    );
  return found[0];
}

/**
 * A detection dataset at `target` (a COCO JSON, a data.yaml, or a folder holding one or a VOC
 * layout), or, without a target, in `searchDir` or its data/ and dataset/ folders. Undefined
 * when there is none: the dataset is then read as a classification one.
 */
async function locate(
  target: string | undefined,
  searchDir: string,
  show: (p: string) => string,
): Promise<Located | undefined> {
  if (target !== undefined) {
    if (await isFile(target)) {
      if (target.toLowerCase().endsWith('.json'))
        return (await isCocoJson(target)) ? { format: 'coco', file: target } : undefined;
      return isYaml(target) ? { format: 'yolo', file: target } : undefined;
    }
    return (await isDir(target)) ? inFolder(target, show) : undefined;
  }
  for (const dir of [searchDir, path.join(searchDir, 'data'), path.join(searchDir, 'dataset')])
    if (await isDir(dir)) {
      const found = await inFolder(dir, show);
      if (found) return found;
    }
  return undefined;
}

/**
 * The folder a COCO file's `file_name`s are relative to: the JSON's folder, its parent, or an
 * `images/` (or other) folder inside either, whichever holds the first images.
 */
async function cocoRoot(file: string, show: (p: string) => string): Promise<string> {
  const json = JSON.parse(await readFile(file, 'utf8')) as { images: { file_name?: unknown }[] };
  const names = json.images
    .slice(0, 20)
    .map((i) => i.file_name)
    .filter((n): n is string => typeof n === 'string');
  if (names.length === 0) throw new UserError('dataset', `${show(file)}: no images listed`);
  const here = path.dirname(file);
  const bases = [here, path.dirname(here)];
  const candidates: string[] = [];
  for (const b of bases) {
    candidates.push(b, path.join(b, 'images'));
    const entries = await readdir(b, { withFileTypes: true }).catch(() => []);
    for (const e of entries)
      if (e.isDirectory() && !e.name.startsWith('.')) candidates.push(path.join(b, e.name));
  }
  for (const dir of [...new Set(candidates)]) {
    const hits = await Promise.all(names.map((n) => isFile(path.join(dir, n))));
    if (hits.some(Boolean)) return dir;
  }
  throw new UserError(
    'dataset',
    `${show(file)}: images such as "${names[0]}" were found in none of ${[...new Set(candidates)].map(show).join(', ')}; put them beside the annotation file or in an images/ folder next to it`,
  );
}

/** The data.yaml split to evaluate: val first, train last (with a warning). */
async function yoloSplit(
  file: string,
  show: (p: string) => string,
  inferred: string[],
  warnings: string[],
): Promise<string> {
  let yaml: unknown;
  try {
    yaml = parseYaml(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UserError('dataset', `${show(file)}: not valid YAML: ${(error as Error).message}`);
  }
  const keys = Object.keys(yaml ?? {});
  const split = SPLITS.find((s) => keys.includes(s));
  if (!split)
    throw new UserError(
      'dataset',
      `${show(file)}: no split to evaluate (keys: ${keys.join(', ')}); a data.yaml names its images under val, test or train`,
    );
  const present = SPLITS.filter((s) => keys.includes(s));
  inferred.push(`splits ${present.join(', ')}: evaluating "${split}"`);
  if (split === 'train')
    warnings.push(
      'the only split is "train": mAP on training data overstates the model; evaluate a held-out split if you have one',
    );
  return split;
}

/** The VOC split list to evaluate, or undefined for every annotation file. */
async function vocSplit(
  dir: string,
  inferred: string[],
  warnings: string[],
): Promise<string | undefined> {
  const lists = path.join(dir, 'ImageSets', 'Main');
  const files = await readdir(lists).catch(() => [] as string[]);
  const split = SPLITS.find((s) => files.includes(`${s}.txt`));
  if (!split) {
    inferred.push('no ImageSets/Main split list: every file in Annotations/ is evaluated');
    return undefined;
  }
  inferred.push(`split list ImageSets/Main/${split}.txt`);
  if (split === 'train')
    warnings.push(
      'the only split list is "train": mAP on training data overstates the model; evaluate a held-out split if you have one',
    );
  return split;
}

/**
 * Find and load a detection dataset (see the module comment); undefined when `target` (or,
 * without one, `searchDir`) holds none.
 */
export async function inspectDetectionDataset(
  target: string | undefined,
  searchDir: string,
  show: (p: string) => string,
  modelClasses?: ClassSource,
): Promise<DetectionDatasetFindings | undefined> {
  const where = await locate(target, searchDir, show);
  if (!where) return undefined;
  const inferred: string[] = [];
  const warnings: string[] = [];
  let root: string;
  let annotations: string | undefined;
  let split: string | undefined;
  if (where.format === 'coco') {
    annotations = where.file;
    root = await cocoRoot(where.file, show);
    inferred.push(`images in ${show(root)}`);
  } else if (where.format === 'yolo') {
    annotations = where.file;
    root = path.dirname(where.file);
    split = await yoloSplit(where.file, show, inferred, warnings);
  } else {
    root = where.file;
    split = await vocSplit(root, inferred, warnings);
  }
  const spec = {
    format: where.format,
    root,
    ...(annotations ? { annotations } : {}),
    ...(split !== undefined ? { split } : {}),
    checkFiles: true,
  };
  let dataset = await loadDetectionDataset(spec);
  let classesFrom: string | undefined;
  if (where.format === 'voc') {
    // VOC files name classes but not their order; a list stored with the model is its output
    // order, usable when it names every class found.
    const found = new Set(dataset.classes);
    const list = modelClasses?.classes;
    if (list && [...found].every((c) => list.includes(c))) {
      dataset = await loadDetectionDataset({ ...spec, classes: list });
      classesFrom = modelClasses.where;
      inferred.push(`class order from ${classesFrom} (${list.length} names)`);
    } else
      warnings.push(
        `Pascal VOC names no class order: the classes are the ${dataset.classes.length} names found, sorted (VOC's own 20 are in that order); if the model was trained with another order, write it in dataset.classes`,
      );
  } else if (modelClasses && !sameList(modelClasses.classes, dataset.classes))
    // The run reads model class k as the dataset's class k: another list is a wrong mapping.
    warnings.push(
      `${modelClasses.where} lists ${preview(modelClasses.classes)} but the dataset's classes are ${preview(dataset.classes)} (${where.format === 'coco' ? 'COCO categories by ascending id' : 'data.yaml names'}); the run reads the model's class k as the dataset's class k, so if the model was trained with other classes or another order its mAP is wrong: remap one of the two`,
    );
  const { slices, dropped } = sliceColumns(dataset.images);
  // A reader's default split is not written into the config.
  const written = where.format === 'yolo' && split === 'val' ? undefined : split;
  return {
    format: where.format,
    kind: {
      coco: 'COCO instances JSON',
      yolo: 'Ultralytics YOLO data.yaml',
      voc: 'Pascal VOC folder',
    }[where.format],
    root,
    ...(annotations ? { annotations } : {}),
    ...(written !== undefined ? { split: written } : {}),
    dataset,
    ...(classesFrom ? { classesFrom } : {}),
    objects: dataset.gt.classes.length,
    slices,
    dropped,
    inferred,
    warnings,
  };
}
