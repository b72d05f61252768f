/**
 * Pascal VOC datasets as a {@link DetectionDataset}: `Annotations/<id>.xml` per image (`filename`,
 * `size/width|height`, `object/name|difficult|bndbox/xmin|ymin|xmax|ymax`), images in
 * `JPEGImages/`, and optionally the split list `ImageSets/Main/<split>.txt`. VOC coordinates are
 * 1-based pixel indices: a box becomes corners (xmin − 1, ymin − 1, xmax, ymax), as detectron2's
 * VOC loader converts them. A `difficult` object is kept as an ignored object: never counted as
 * missed, and a detection on it is neither right nor wrong, as VOC's evaluation treats it.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { UserError } from '../../errors.js';
import { GroundTruthColumnsBuilder, type GroundTruthObject } from '../../tables/detections.js';
import { ExampleTableBuilder } from '../../tables/examples.js';
import { checkBox } from './boxes.js';
import { entryError, type DetectionDataset } from './types.js';

/** Options of {@link readVocDataset}. */
export interface VocReadOptions {
  /** Split list ImageSets/Main/<split>.txt; default: every file in Annotations/. */
  split?: string;
  /** Class names in class-index order; default: the names found, sorted. */
  classes?: readonly string[];
}

interface VocImage {
  id: string;
  file: string;
  width: number;
  height: number;
  objects: {
    name: string;
    box: [number, number, number, number];
    difficult: boolean;
    where: string;
  }[];
  display: string;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => name === 'object',
});

/** Read a VOC folder (the one holding Annotations/ and JPEGImages/). */
export async function readVocDataset(
  root: string,
  options: VocReadOptions = {},
): Promise<DetectionDataset> {
  const annDir = path.join(root, 'Annotations');
  let ids: string[];
  if (options.split) {
    const list = path.join(root, 'ImageSets', 'Main', `${options.split}.txt`);
    try {
      ids = (await readFile(list, 'utf8'))
        .split(/\r?\n/)
        .map((l) => l.trim().split(/\s+/)[0]!)
        .filter((l) => l !== '');
    } catch {
      throw new UserError('dataset', `${list}: split list not found`);
    }
  } else {
    try {
      ids = (await readdir(annDir))
        .filter((f) => f.endsWith('.xml'))
        .map((f) => f.slice(0, -4))
        .sort();
    } catch {
      throw new UserError('dataset', `${annDir}: no Annotations folder`);
    }
  }
  const images: VocImage[] = [];
  for (const id of ids) {
    const file = path.join(annDir, `${id}.xml`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      throw new UserError('dataset', `Annotations/${id}.xml: not found (listed in the split)`);
    }
    images.push(parseVocXml(text, `Annotations/${id}.xml`, id));
  }
  const classes = options.classes
    ? [...options.classes]
    : [...new Set(images.flatMap((im) => im.objects.map((o) => o.name)))].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const tb = new ExampleTableBuilder(root);
  const gt = new GroundTruthColumnsBuilder();
  images.forEach((im, r) => {
    const objs: GroundTruthObject[] = im.objects.map((o) => {
      const k = index.get(o.name);
      if (k === undefined)
        throw new UserError(
          'dataset',
          entryError(im.display, o.where, `class "${o.name}" is not one of ${classes.join(', ')}`),
        );
      return { box: o.box, classIndex: k, ignore: o.difficult };
    });
    gt.push(objs);
    tb.push(im.id, `JPEGImages/${im.file}`, '', r + 1, {});
  });
  return {
    images: tb.finish([]),
    widths: Uint32Array.from(images, (im) => im.width),
    heights: Uint32Array.from(images, (im) => im.height),
    classes,
    gt: gt.finish(),
  };
}

/** Parse one VOC annotation file; `display` names it in errors. */
function parseVocXml(text: string, display: string, id: string): VocImage {
  const fail = (entry: string, problem: string) =>
    new UserError('dataset', entryError(display, entry, problem));
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text, true) as Record<string, unknown>;
  } catch (error) {
    throw new UserError('dataset', `${display}: not valid XML: ${(error as Error).message}`);
  }
  const a = doc.annotation as Record<string, unknown> | undefined;
  if (!a || typeof a !== 'object') throw fail('annotation', 'missing <annotation> element');
  const size = a.size as Record<string, unknown> | undefined;
  const width = Number(size?.width);
  const height = Number(size?.height);
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0))
    throw fail('size', 'needs positive integer <width> and <height>');
  const filename = typeof a.filename === 'string' && a.filename !== '' ? a.filename : `${id}.jpg`;
  const objects = ((a.object as Record<string, unknown>[] | undefined) ?? []).map((o, i) => {
    const where = `object ${i + 1}${typeof o.name === 'string' ? ` (${o.name})` : ''}`;
    if (typeof o.name !== 'string' || o.name.trim() === '') throw fail(where, 'has no <name>');
    const b = o.bndbox as Record<string, unknown> | undefined;
    const v = ['xmin', 'ymin', 'xmax', 'ymax'].map((k) => Number(b?.[k]));
    if (!b || v.some((x) => !Number.isFinite(x)))
      throw fail(where, 'needs <bndbox> with numeric xmin, ymin, xmax, ymax');
    const box: [number, number, number, number] = [v[0]! - 1, v[1]! - 1, v[2]!, v[3]!];
    const problem = checkBox(...box, width, height);
    if (problem) throw fail(where, `bndbox (${v.join(', ')}) ${problem}`);
    return {
      name: o.name.trim(),
      box,
      difficult: typeof o.difficult === 'string' && o.difficult.trim() === '1',
      where,
    };
  });
  return { id, file: filename, width, height, objects, display };
}
