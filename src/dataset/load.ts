import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { Example } from '../types.js';
import { detectFormat, readManifest, type ManifestFormat, type ManifestRow } from './manifest.js';

/** What the loader needs from `dataset:` with paths already resolved to absolute. */
export interface DatasetSpec {
  root: string;
  format: string;
  manifest?: string;
  columns: { id?: string; path: string; label: string };
  metadata?: string[];
  /** Check that every image exists inside the root (default true; `merge` reads no images). */
  checkFiles?: boolean;
}

/** A loaded dataset before the class list is fixed. */
export interface RawDataset {
  format: ManifestFormat;
  root: string;
  rows: {
    id: string;
    path: string;
    absPath: string;
    label: string;
    metadata: Record<string, string>;
    line: number;
  }[];
  /** Metadata column names in manifest order. */
  metadataColumns: string[];
  /** Distinct labels in first-seen order. */
  labels: string[];
}

const MAX_LISTED = 8;

function listSome(items: string[]): string {
  const shown = items.slice(0, MAX_LISTED).join(', ');
  return items.length > MAX_LISTED ? `${shown} and ${items.length - MAX_LISTED} more` : shown;
}

/**
 * Resolve `relative` under `root`, refusing anything that escapes it (absolute paths, `..`,
 * drive letters). Symlinks are checked later against the real path.
 */
export function resolveInsideRoot(root: string, relative: string): string | undefined {
  if (relative === '' || relative.includes('\0')) return undefined;
  if (path.isAbsolute(relative) || /^[A-Za-z]:/.test(relative) || relative.startsWith('\\'))
    return undefined;
  const abs = path.resolve(root, relative);
  if (!isInside(root, abs)) return undefined;
  return abs;
}

/** Read the manifest and check ids, paths and files; labels are checked by {@link attachClasses}. */
export async function loadDataset(spec: DatasetSpec): Promise<RawDataset> {
  const format = detectFormat(spec.format, spec.manifest);
  const rows = await readManifest(format, spec.manifest, spec.root);
  const display = spec.manifest ? path.basename(spec.manifest) : spec.root;
  if (rows.length === 0) throw new UserError('dataset', `${display}: the dataset has no examples`);

  const pathCol =
    format === 'hf-metadata' && spec.columns.path === 'path' ? 'file_name' : spec.columns.path;
  const labelCol = spec.columns.label;
  const first = rows[0]!.fields;
  const idCol = spec.columns.id ?? ('id' in first ? 'id' : undefined);
  // hf-metadata: file_name is relative to the folder of metadata.jsonl.
  const pathBase =
    format === 'hf-metadata' && spec.manifest ? path.dirname(spec.manifest) : spec.root;
  const reserved = new Set([pathCol, labelCol, ...(idCol ? [idCol] : [])]);
  const allColumns = [...new Set(rows.flatMap((r) => Object.keys(r.fields)))];
  if (!allColumns.includes(pathCol)) {
    throw new UserError(
      'dataset',
      `${display}: no "${pathCol}" column (columns: ${listSome(allColumns)}); set dataset.columns.path`,
    );
  }
  const metadataColumns = spec.metadata ?? allColumns.filter((c) => !reserved.has(c));
  const unknownMeta = metadataColumns.filter((c) => !allColumns.includes(c));
  if (unknownMeta.length > 0) {
    throw new UserError(
      'dataset',
      `${display}: dataset.metadata names columns that are not in the manifest: ${listSome(unknownMeta)} (columns: ${listSome(allColumns)})`,
    );
  }

  const escaped: string[] = [];
  const noLabel: string[] = [];
  const seen = new Map<string, number>();
  const duplicates: string[] = [];
  const out: RawDataset['rows'] = [];
  const where = (r: ManifestRow) => (r.line > 0 ? `${display}:${r.line}` : display);
  for (const row of rows) {
    const rel = row.fields[pathCol];
    if (!rel) {
      escaped.push(`${where(row)} (empty ${pathCol})`);
      continue;
    }
    const abs = resolveInsideRoot(pathBase, rel);
    if (!abs || !isInside(spec.root, abs)) {
      escaped.push(`${where(row)} "${rel}"`);
      continue;
    }
    let label = row.fields[labelCol];
    // hf-metadata without a label column: the label is the file's folder (Hugging Face
    // ImageFolder); a file directly next to metadata.jsonl has none, not the dataset folder's name.
    if (label === undefined && format === 'hf-metadata' && isInside(pathBase, path.dirname(abs)))
      label = path.basename(path.dirname(abs));
    if (label === undefined || label === '') {
      noLabel.push(where(row));
      continue;
    }
    const relToRoot = path.relative(spec.root, abs).split(path.sep).join('/');
    const id = idCol ? (row.fields[idCol] ?? '') : relToRoot;
    if (id === '') {
      noLabel.push(`${where(row)} (empty ${idCol ?? 'id'})`);
      continue;
    }
    if (seen.has(id)) duplicates.push(`"${id}" (${where(row)})`);
    seen.set(id, row.line);
    const metadata: Record<string, string> = {};
    for (const c of metadataColumns) {
      const v = row.fields[c];
      if (v !== undefined && v !== '') metadata[c] = v;
    }
    out.push({ id, path: relToRoot, absPath: abs, label, metadata, line: row.line });
  }
  if (escaped.length > 0) {
    throw new UserError(
      'dataset',
      `${escaped.length} image path(s) escape the dataset root ${spec.root}: ${listSome(escaped)}. Paths must be relative and stay inside dataset.root.`,
    );
  }
  if (noLabel.length > 0)
    throw new UserError(
      'dataset',
      `${noLabel.length} row(s) without a "${labelCol}" or id value: ${listSome(noLabel)}`,
    );
  if (duplicates.length > 0)
    throw new UserError('dataset', `duplicate example ids: ${listSome(duplicates)}`);

  if (spec.checkFiles !== false) await checkFiles(spec.root, out, display);
  const labels = [...new Set(out.map((r) => r.label))];
  return { format, root: spec.root, rows: out, metadataColumns, labels };
}

/**
 * `abs` is strictly below `root`. Only a whole `..` segment climbs out: a file named `..foo.png`
 * is inside (a plain `startsWith('..')` wrongly refused it).
 */
function isInside(root: string, abs: string): boolean {
  const rel = path.relative(root, abs);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/** Every file must exist, be a regular file, and (after symlinks) still be inside the root. */
async function checkFiles(root: string, rows: RawDataset['rows'], display: string): Promise<void> {
  const realRoot = await realpath(root).catch(() => {
    throw new UserError('dataset', `dataset root not found: ${root}`);
  });
  const missing: string[] = [];
  const outside: string[] = [];
  const limit = 64;
  for (let i = 0; i < rows.length; i += limit) {
    await Promise.all(
      rows.slice(i, i + limit).map(async (r) => {
        try {
          const real = await realpath(r.absPath);
          if (!isInside(realRoot, real)) {
            outside.push(`"${r.path}"`);
            return;
          }
          const s = await stat(real);
          if (!s.isFile()) missing.push(`"${r.path}" (not a file)`);
        } catch {
          missing.push(`"${r.path}"${r.line > 0 ? ` (${display}:${r.line})` : ''}`);
        }
      }),
    );
  }
  if (outside.length > 0)
    throw new UserError(
      'dataset',
      `${outside.length} image(s) are links that point outside the dataset root: ${listSome(outside.sort())}`,
    );
  if (missing.length > 0)
    throw new UserError(
      'dataset',
      `${missing.length} image file(s) not found under ${root}: ${listSome(missing.sort())}`,
    );
}

/** Read a class list file: one name per line, blank lines and `#` comments ignored. */
export async function readClassFile(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UserError('dataset', `class list file not found: ${file}`);
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** Check a class list (unique, non-empty) and give every example its label index. */
export function attachClasses(
  raw: RawDataset,
  classes: readonly string[],
  source: string,
): Example[] {
  if (classes.length < 2)
    throw new UserError('dataset', `the class list (${source}) needs at least 2 classes`);
  const dup = classes.filter((c, i) => classes.indexOf(c) !== i);
  if (dup.length > 0)
    throw new UserError(
      'dataset',
      `the class list (${source}) repeats ${listSome([...new Set(dup)].map((d) => `"${d}"`))}`,
    );
  const index = new Map(classes.map((c, i) => [c, i]));
  const unknown = new Map<string, string[]>();
  const examples: Example[] = [];
  for (const r of raw.rows) {
    const labelIndex = index.get(r.label);
    if (labelIndex === undefined) {
      const ids = unknown.get(r.label) ?? [];
      ids.push(r.id);
      unknown.set(r.label, ids);
      continue;
    }
    examples.push({
      id: r.id,
      path: r.path,
      absPath: r.absPath,
      label: r.label,
      labelIndex,
      metadata: r.metadata,
    });
  }
  if (unknown.size > 0) {
    const parts = [...unknown].map(
      ([label, ids]) => `"${label}" (${ids.length} example(s), e.g. ${listSome(ids.slice(0, 3))})`,
    );
    throw new UserError(
      'dataset',
      `labels not in the class list (${source}): ${listSome(parts)}. Known classes: ${listSome(classes.map((c) => `"${c}"`))}`,
    );
  }
  return examples;
}
