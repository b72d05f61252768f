/**
 * COCO instances files (`images`, `annotations`, `categories`) as a {@link DetectionDataset}.
 *
 * Classes are the categories by ascending id (COCOeval's order, so non-contiguous ids such as
 * COCO's 1..90 map to indices 0..79), images by ascending id. A box is [x, y, w, h] in pixels
 * and becomes corners (x, y, x + w, y + h); an object's area is its `area` field (the segment's
 * area in COCO files, which COCOeval's area ranges use), else w·h; `iscrowd` marks crowd
 * regions. Image-level metadata are the image entries' extra scalar fields (beyond id,
 * file_name, width, height and COCO's bookkeeping fields), optionally joined with a manifest
 * (./metadata.ts). Every problem names the file and the entry.
 */
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../errors.js';
import { GroundTruthColumnsBuilder, type GroundTruthObject } from '../../tables/detections.js';
import { ExampleTableBuilder } from '../../tables/examples.js';
import { resolveInsideRoot } from '../load.js';
import { checkBox } from './boxes.js';
import { entryError, type DetectionDataset } from './types.js';

/** Fields of a COCO image entry that are not image metadata. */
const COCO_IMAGE_FIELDS = new Set([
  'id',
  'file_name',
  'width',
  'height',
  'license',
  'flickr_url',
  'coco_url',
  'date_captured',
]);

/** Options of {@link readCocoDataset}. */
export interface CocoReadOptions {
  /** Folder the images' `file_name`s are relative to. Default: the annotation file's folder. */
  imagesRoot?: string;
  /** Check that every image file exists (default true). */
  checkFiles?: boolean;
}

interface CocoImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
  [key: string]: unknown;
}

/** Read and check a COCO instances file. `display` names it in errors (default its path). */
export async function readCocoDataset(
  file: string,
  options: CocoReadOptions = {},
  display = file,
): Promise<DetectionDataset> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UserError(
      'dataset',
      `${display}: cannot read COCO annotations: ${(error as Error).message}`,
    );
  }
  const root = path.resolve(options.imagesRoot ?? path.dirname(file));
  const ds = parseCoco(json, display, root);
  if (options.checkFiles !== false) {
    await Promise.all(
      ds.images.paths.map(async (p, i) => {
        try {
          await access(path.join(root, p));
        } catch {
          throw new UserError(
            'dataset',
            entryError(
              display,
              `image id ${ds.images.ids[i]}`,
              `file_name ${p} not found under ${root}`,
            ),
          );
        }
      }),
    );
  }
  return ds;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The checks and conversion of {@link readCocoDataset} on parsed JSON. */
function parseCoco(json: unknown, display: string, root: string): DetectionDataset {
  const fail = (entry: string, problem: string) =>
    new UserError('dataset', entryError(display, entry, problem));
  if (!isObj(json)) throw fail('top level', 'not a JSON object');
  for (const key of ['images', 'annotations', 'categories'] as const)
    if (!Array.isArray(json[key]))
      throw fail(
        key,
        'missing or not a list (a COCO instances file has images, annotations and categories)',
      );
  const images = json.images as unknown[];
  const anns = json.annotations as unknown[];
  const cats = json.categories as unknown[];

  const catIds: number[] = [];
  const catNames = new Map<number, string>();
  cats.forEach((c, i) => {
    if (!isObj(c) || !Number.isInteger(c.id) || typeof c.name !== 'string')
      throw fail(`categories[${i}]`, 'needs an integer id and a name');
    const id = c.id as number;
    if (catNames.has(id)) throw fail(`categories[${i}]`, `id ${id} is used twice`);
    catNames.set(id, c.name);
    catIds.push(id);
  });
  catIds.sort((a, b) => a - b);
  const classOf = new Map(catIds.map((id, k) => [id, k]));

  const imgs: CocoImage[] = [];
  const seen = new Set<number>();
  const files = new Set<string>();
  images.forEach((im, i) => {
    if (!isObj(im) || !Number.isInteger(im.id) || typeof im.file_name !== 'string')
      throw fail(`images[${i}]`, 'needs an integer id and a file_name');
    const where = `images[${i}] (id ${im.id as number})`;
    if (!(
      Number.isInteger(im.width) &&
      Number.isInteger(im.height) &&
      (im.width as number) > 0 &&
      (im.height as number) > 0
    ))
      throw fail(where, 'needs positive integer width and height');
    if (seen.has(im.id as number)) throw fail(where, 'the id is used twice');
    if (files.has(im.file_name)) throw fail(where, `file_name ${im.file_name} is listed twice`);
    if (resolveInsideRoot(root, im.file_name) === undefined)
      throw fail(where, `file_name ${im.file_name} points outside the images folder`);
    seen.add(im.id as number);
    files.add(im.file_name);
    imgs.push(im as CocoImage);
  });
  imgs.sort((a, b) => a.id - b.id);
  const row = new Map(imgs.map((im, r) => [im.id, r]));

  const perImage: GroundTruthObject[][] = imgs.map(() => []);
  const annIds = new Set<number>();
  anns.forEach((a, i) => {
    if (!isObj(a)) throw fail(`annotations[${i}]`, 'not an object');
    const where = `annotations[${i}]${typeof a.id === 'number' ? ` (id ${a.id})` : ''}`;
    if (!Number.isInteger(a.id) || (a.id as number) <= 0)
      throw fail(where, 'needs a positive integer id');
    if (annIds.has(a.id as number)) throw fail(where, 'the id is used twice');
    annIds.add(a.id as number);
    const r = row.get(a.image_id as number);
    if (r === undefined) throw fail(where, `image_id ${String(a.image_id)} is not in images`);
    const k = classOf.get(a.category_id as number);
    if (k === undefined)
      throw fail(
        where,
        `category_id ${String(a.category_id)} is not in categories (${catIds.join(', ')})`,
      );
    const b = a.bbox;
    if (!Array.isArray(b) || b.length !== 4 || !b.every(isNum))
      throw fail(where, 'bbox must be [x, y, width, height] numbers');
    const [x, y, w, h] = b as [number, number, number, number];
    const im = imgs[r]!;
    const problem = checkBox(x, y, x + w, y + h, im.width, im.height);
    if (problem) throw fail(where, `bbox [${b.join(', ')}] ${problem}`);
    if (a.area !== undefined && !(isNum(a.area) && a.area >= 0))
      throw fail(where, 'area must be a non-negative number');
    if (
      a.iscrowd !== undefined &&
      a.iscrowd !== 0 &&
      a.iscrowd !== 1 &&
      typeof a.iscrowd !== 'boolean'
    )
      throw fail(where, 'iscrowd must be 0 or 1');
    perImage[r]!.push({
      box: [x, y, x + w, y + h],
      cocoBox: [x, y, w, h],
      classIndex: k,
      iscrowd: a.iscrowd === 1 || a.iscrowd === true,
      area: a.area ?? w * h,
    });
  });

  const tb = new ExampleTableBuilder(root);
  const columns = new Set<string>();
  const gt = new GroundTruthColumnsBuilder();
  imgs.forEach((im, r) => {
    const meta: Record<string, string> = {};
    for (const [key, v] of Object.entries(im)) {
      if (COCO_IMAGE_FIELDS.has(key)) continue;
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
        meta[key] = String(v);
        columns.add(key);
      }
    }
    tb.push(String(im.id), im.file_name.split(path.sep).join('/'), '', r + 1, meta);
    gt.push(perImage[r]!);
  });
  return {
    images: tb.finish([...columns]),
    widths: Uint32Array.from(imgs, (im) => im.width),
    heights: Uint32Array.from(imgs, (im) => im.height),
    classes: catIds.map((id) => catNames.get(id)!),
    categoryIds: catIds,
    gt: gt.finish(),
  };
}
