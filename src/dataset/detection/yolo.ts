/**
 * Ultralytics YOLO datasets as a {@link DetectionDataset}: a `data.yaml` with `path` (the
 * dataset root, relative to the yaml file), a split (`val` by default) given as an images
 * folder, a list of folders or a .txt list of image paths, and `names` (a list, or a map from
 * class index to name). Each image's labels are in the parallel `labels` folder (the last
 * `/images/` of its path replaced by `/labels/`, extension `.txt`), one object a line:
 * `class cx cy w h` normalised to the image size (EXIF orientation applied, as Ultralytics'
 * `exif_size`), or `class x1 y1 x2 y2 …` polygon points, whose bounding box is the object's.
 * An image without a label file has no objects (Ultralytics' background images). Boxes become
 * pixel corners; area is the box area.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../../errors.js';
import { GroundTruthColumnsBuilder, type GroundTruthObject } from '../../tables/detections.js';
import { ExampleTableBuilder } from '../../tables/examples.js';
import { IMAGE_EXTENSIONS } from '../image-folder.js';
import { BORDER_TOLERANCE } from './boxes.js';
import { displayedImageSize } from './image-size.js';
import type { DetectionDataset } from './types.js';

/** Options of {@link readYoloDataset}. */
export interface YoloReadOptions {
  /** Split key of data.yaml. Default `val`. */
  split?: string;
}

/** Read an Ultralytics-layout dataset from its data.yaml. */
export async function readYoloDataset(
  yamlFile: string,
  options: YoloReadOptions = {},
): Promise<DetectionDataset> {
  const split = options.split ?? 'val';
  let cfg: unknown;
  try {
    cfg = parseYaml(await readFile(yamlFile, 'utf8'));
  } catch (error) {
    throw new UserError('dataset', `${yamlFile}: cannot read: ${(error as Error).message}`);
  }
  const fail = (what: string) => new UserError('dataset', `${yamlFile}: ${what}`);
  if (typeof cfg !== 'object' || cfg === null) throw fail('not a YAML mapping');
  const c = cfg as Record<string, unknown>;
  const classes = classNames(c.names, fail);
  const root = path.resolve(path.dirname(yamlFile), typeof c.path === 'string' ? c.path : '.');
  const entry = c[split];
  if (entry === undefined || entry === null)
    throw fail(`has no "${split}" split (keys: ${Object.keys(c).join(', ')})`);
  const sources = Array.isArray(entry) ? entry : [entry];
  const images: string[] = [];
  for (const s of sources) {
    if (typeof s !== 'string') throw fail(`"${split}" must be a path or a list of paths`);
    images.push(...(await imagesOf(path.resolve(root, s), root, fail)));
  }
  const tb = new ExampleTableBuilder(root);
  const gt = new GroundTruthColumnsBuilder();
  const widths: number[] = [];
  const heights: number[] = [];
  let n = 0;
  for (const abs of images) {
    const rel = path.relative(root, abs).split(path.sep).join('/');
    const { width, height } = await displayedImageSize(abs, rel);
    const labelFile = labelPathOf(abs);
    let text: string | undefined;
    try {
      text = await readFile(labelFile, 'utf8');
    } catch {
      text = undefined; // no label file: a background image
    }
    const display = path.relative(root, labelFile).split(path.sep).join('/');
    gt.push(text === undefined ? [] : parseLabels(text, display, classes.length, width, height));
    tb.push(rel, rel, '', ++n, {});
    widths.push(width);
    heights.push(height);
  }
  return {
    images: tb.finish([]),
    widths: Uint32Array.from(widths),
    heights: Uint32Array.from(heights),
    classes,
    gt: gt.finish(),
  };
}

function classNames(names: unknown, fail: (w: string) => UserError): string[] {
  if (Array.isArray(names) && names.every((n) => typeof n === 'string')) return names;
  if (typeof names === 'object' && names !== null) {
    const entries = Object.entries(names as Record<string, unknown>);
    const out: string[] = [];
    for (const [k, v] of entries) {
      const i = Number(k);
      if (!Number.isInteger(i) || i < 0 || typeof v !== 'string')
        throw fail(`names: entry ${k}: ${String(v)} is not "index: name"`);
      out[i] = v;
    }
    for (let i = 0; i < out.length; i++)
      if (out[i] === undefined) throw fail(`names: class index ${i} has no name`);
    return out;
  }
  throw fail('needs "names": a list of class names or a map from index to name');
}

async function imagesOf(
  p: string,
  root: string,
  fail: (w: string) => UserError,
): Promise<string[]> {
  let s;
  try {
    s = await stat(p);
  } catch {
    throw fail(`split path ${path.relative(root, p) || '.'} does not exist`);
  }
  if (s.isDirectory()) {
    const found: string[] = [];
    for (const e of await readdir(p, { recursive: true, withFileTypes: true }))
      if (e.isFile() && IMAGE_EXTENSIONS.has(path.extname(e.name).toLowerCase()))
        found.push(path.join(e.parentPath, e.name));
    return found.sort();
  }
  // A .txt list: one image path a line, relative to the dataset root (Ultralytics' './' form).
  const lines = (await readFile(p, 'utf8')).split(/\r?\n/).map((l) => l.trim());
  return lines.filter((l) => l !== '').map((l) => path.resolve(root, l));
}

/** Ultralytics' img2label_paths: the last /images/ becomes /labels/, extension .txt. */
function labelPathOf(image: string): string {
  const sa = `${path.sep}images${path.sep}`;
  const at = image.lastIndexOf(sa);
  const swapped =
    at < 0
      ? image
      : image.slice(0, at) + `${path.sep}labels${path.sep}` + image.slice(at + sa.length);
  const dot = swapped.lastIndexOf('.');
  return (dot > swapped.lastIndexOf(path.sep) ? swapped.slice(0, dot) : swapped) + '.txt';
}

/** Parse one label file (normalised boxes or polygons) into pixel objects. */
function parseLabels(
  text: string,
  display: string,
  numClasses: number,
  width: number,
  height: number,
): GroundTruthObject[] {
  const out: GroundTruthObject[] = [];
  const lines = text.split(/\r?\n/);
  const tol = BORDER_TOLERANCE / Math.min(width, height);
  lines.forEach((raw, n) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${display}:${n + 1}`;
    const v = line.split(/\s+/).map(Number);
    if (v.some((x) => !Number.isFinite(x)))
      throw new UserError('dataset', `${where}: "${line}" is not numbers`);
    const k = v[0]!;
    if (!Number.isInteger(k) || k < 0 || k >= numClasses)
      throw new UserError(
        'dataset',
        `${where}: class ${k} is not one of the ${numClasses} names in data.yaml`,
      );
    let x1: number, y1: number, x2: number, y2: number;
    if (v.length === 5) {
      const [cx, cy, w, h] = v.slice(1) as [number, number, number, number];
      if (w < 0 || h < 0) throw new UserError('dataset', `${where}: the box has a negative size`);
      [x1, y1, x2, y2] = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
    } else if (v.length >= 7 && v.length % 2 === 1) {
      const xs = v.filter((_, i) => i > 0 && i % 2 === 1);
      const ys = v.filter((_, i) => i > 0 && i % 2 === 0);
      [x1, y1, x2, y2] = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    } else {
      throw new UserError(
        'dataset',
        `${where}: ${v.length} values; expected "class cx cy w h" or "class x1 y1 x2 y2 ..." (a polygon)`,
      );
    }
    if (x1 < -tol || y1 < -tol || x2 > 1 + tol || y2 > 1 + tol)
      throw new UserError(
        'dataset',
        `${where}: the box lies outside the image (coordinates must be normalised to 0-1)`,
      );
    const box = [x1 * width, y1 * height, x2 * width, y2 * height] as const;
    out.push({ box, classIndex: k, area: (box[2] - box[0]) * (box[3] - box[1]) });
  });
  return out;
}
