/**
 * Image-level metadata from a manifest (CSV or JSON Lines, read by ../manifest.ts) joined to a
 * detection dataset's images by file name: the manifest's `file_name` (or `path`) column holds
 * the image's path relative to the images folder, or its bare file name when those are unique.
 * Its other columns become metadata columns, after any the annotation file already gave.
 */
import path from 'node:path';
import { UserError } from '../../errors.js';
import { ExampleTableBuilder } from '../../tables/examples.js';
import type { ManifestRow } from '../manifest.js';
import type { DetectionDataset } from './types.js';

/** The dataset with the manifest's columns added to its images' metadata. */
export function joinImageMetadata(
  ds: DetectionDataset,
  rows: readonly ManifestRow[],
  display: string,
): DetectionDataset {
  const t = ds.images;
  const byPath = new Map(t.paths.map((p, i) => [p, i]));
  const byBase = new Map<string, number>();
  const ambiguous = new Set<string>();
  t.paths.forEach((p, i) => {
    const b = path.posix.basename(p);
    if (byBase.has(b)) ambiguous.add(b);
    byBase.set(b, i);
  });
  const extra = new Array<Record<string, string> | undefined>(t.length);
  const columns: string[] = [];
  for (const row of rows) {
    const where = `${display}:${row.line}`;
    const key = row.fields.file_name ?? row.fields.path;
    if (key === undefined)
      throw new UserError(
        'dataset',
        `${where}: the manifest needs a file_name (or path) column to join images by`,
      );
    const name = key.split('\\').join('/');
    let i = byPath.get(name);
    if (i === undefined && !name.includes('/')) {
      if (ambiguous.has(name))
        throw new UserError(
          'dataset',
          `${where}: ${name} names several images; give the path relative to the images folder`,
        );
      i = byBase.get(name);
    }
    if (i === undefined)
      throw new UserError('dataset', `${where}: ${key} is not an image of the dataset`);
    if (extra[i]) throw new UserError('dataset', `${where}: ${key} has a second manifest row`);
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(row.fields)) {
      if (k === 'file_name' || k === 'path') continue;
      fields[k] = v;
      if (!columns.includes(k)) columns.push(k);
    }
    extra[i] = fields;
  }
  const b = new ExampleTableBuilder(t.root);
  for (let i = 0; i < t.length; i++)
    b.push(t.ids[i]!, t.paths[i]!, '', t.records[i]!, { ...t.metadataOf(i), ...extra[i] });
  const names = [...t.metadata.map((m) => m.name), ...columns.filter((c) => t.column(c) < 0)];
  return { ...ds, images: b.finish(names) };
}
