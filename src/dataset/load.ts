import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { didYouMean } from '../did-you-mean.js';
import { UserError } from '../errors.js';
import { ExampleTable, ExampleTableBuilder } from '../tables/examples.js';
import { isDetectionFormat, type DetectionFormat } from '../config/task.js';
import type { UnusedFile } from './image-folder.js';
import { detectFormat, manifestLines, streamManifest, type ManifestFormat } from './manifest.js';

/** What the loader needs from `dataset:` with paths already resolved to absolute. */
export interface DatasetSpec {
  root: string;
  format: string;
  manifest?: string;
  columns: { id?: string; path: string; label: string };
  metadata?: string[];
  /** Check that every image exists inside the root (default true; `merge` reads no images). */
  checkFiles?: boolean;
  /** Rows may have no label (a detection run's training manifest, read for its images only). */
  optionalLabels?: boolean;
}

/** A loaded dataset before the class list is fixed. */
export interface RawDataset {
  format: ManifestFormat | DetectionFormat;
  root: string;
  /** The examples, labels as manifest names in first-seen order (`labels`). */
  examples: ExampleTable;
  /** Metadata column names in manifest order. */
  metadataColumns: string[];
  /** Distinct labels in first-seen order. */
  labels: readonly string[];
  /** imagefolder: what is under the root but not part of the dataset, and why (else empty). */
  unused: UnusedFile[];
  /** The manifest (absolute), so later messages about rows can give their lines. */
  manifest?: string;
  /**
   * A format that names its classes and gives examples no single label (detection: COCO
   * categories, data.yaml names, VOC names): the class list and where it came from.
   */
  classList?: { classes: string[]; source: string };
}

const MAX_LISTED = 8;

/** The first items and how many more there are (of `total`, when only the first were made). */
function listSome(items: string[], total = items.length): string {
  const shown = items.slice(0, MAX_LISTED).join(', ');
  return total > MAX_LISTED ? `${shown} and ${total - MAX_LISTED} more` : shown;
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

/**
 * Read the manifest and check ids, paths and files; labels are checked by {@link attachClasses}.
 * Rows are read one at a time into the columns of an {@link ExampleTable}.
 */
export async function loadDataset(spec: DatasetSpec): Promise<RawDataset> {
  const format = detectFormat(spec.format, spec.manifest);
  const display = spec.manifest ? path.basename(spec.manifest) : spec.root;
  const pathCol =
    format === 'hf-metadata' && spec.columns.path === 'path' ? 'file_name' : spec.columns.path;
  const labelCol = spec.columns.label;
  // hf-metadata: file_name is relative to the folder of metadata.jsonl.
  const pathBase =
    format === 'hf-metadata' && spec.manifest ? path.dirname(spec.manifest) : spec.root;

  const escaped: Problem[] = [];
  // The first escaping paths as written, to tell the hf-metadata rule apart from a wrong root.
  const escapedPaths: string[] = [];
  const noLabel: Problem[] = [];
  const noId: Problem[] = [];
  const seen = new Set<string>();
  const duplicates: Problem[] = [];
  const allColumns: string[] = [];
  const known = new Set<string>();
  const builder = new ExampleTableBuilder(spec.root);
  let idCol: string | undefined;
  let reserved: Set<string> | undefined;
  let isMetadata: (column: string) => boolean = () => false;
  let rows = 0;
  // Problems name rows by manifest line, looked up (reading the manifest again) only if any.
  type Problem = { record: number; text: (where: string) => string };
  const problem = (record: number, text: Problem['text']): Problem => ({ record, text });
  const describe = async (problems: readonly Problem[]): Promise<string[]> => {
    const lines = await manifestLines(
      format,
      spec.manifest,
      problems.map((p) => p.record),
    );
    return problems.map((p) => {
      const line = lines.get(p.record);
      return p.text(line ? `${display}:${line}` : display);
    });
  };
  let unused: UnusedFile[] = [];
  const onUnused = (u: UnusedFile[]) => (unused = u);
  for await (const row of streamManifest(format, spec.manifest, spec.root, { onUnused })) {
    if (rows++ === 0) {
      idCol = spec.columns.id ?? ('id' in row.fields ? 'id' : undefined);
      const r = (reserved = new Set([pathCol, labelCol, ...(idCol ? [idCol] : [])]));
      const wanted = spec.metadata ? new Set(spec.metadata) : undefined;
      isMetadata = wanted ? (c) => wanted.has(c) : (c) => !r.has(c);
    }
    for (const k in row.fields) {
      if (!known.has(k)) {
        known.add(k);
        allColumns.push(k);
      }
    }
    const rel = row.fields[pathCol];
    if (!rel) {
      escaped.push(problem(row.record, (w) => `${w} (empty ${pathCol})`));
      continue;
    }
    let label = row.fields[labelCol];
    let relToRoot: string;
    if (pathBase === spec.root && label && (format === 'imagefolder' || isPlainRelative(rel))) {
      // The common case, without the path arithmetic's intermediate strings: a plain relative
      // path is its own normal form and stays inside the root. So is every ImageFolder path:
      // the scan joined real entry names below the root, and a folder named `\` or `C:` is a
      // class like any other there (the Windows forms are refused only in manifests).
      relToRoot = rel;
    } else {
      const abs = resolveInsideRoot(pathBase, rel);
      if (!abs || !isInside(spec.root, abs)) {
        escaped.push(problem(row.record, (w) => `${w} "${rel}"`));
        if (escapedPaths.length < MAX_LISTED) escapedPaths.push(rel);
        continue;
      }
      // hf-metadata without a label column: the label is the file's folder (Hugging Face
      // ImageFolder); a file directly next to metadata.jsonl has none, not the dataset folder's name.
      if (label === undefined && format === 'hf-metadata' && isInside(pathBase, path.dirname(abs)))
        label = path.basename(path.dirname(abs));
      relToRoot = path.relative(spec.root, abs).split(path.sep).join('/');
    }
    if ((label === undefined || label === '') && !spec.optionalLabels) {
      noLabel.push(problem(row.record, (w) => w));
      continue;
    }
    const id = idCol ? (row.fields[idCol] ?? '') : relToRoot;
    if (id === '') {
      noId.push(problem(row.record, (w) => w));
      continue;
    }
    if (seen.has(id)) duplicates.push(problem(row.record, (w) => `"${id}" (${w})`));
    seen.add(id);
    builder.push(id, relToRoot, label ?? '', row.record, row.fields, isMetadata);
  }
  if (rows === 0) throw new UserError('dataset', `${display}: the dataset has no examples`);
  if (!allColumns.includes(pathCol)) {
    throw new UserError(
      'dataset',
      `${display}: no "${pathCol}" column (columns: ${listSome(allColumns)}); set dataset.columns.path`,
    );
  }
  const metadataColumns = spec.metadata ?? allColumns.filter((c) => !reserved!.has(c));
  const unknownMeta = metadataColumns.filter((c) => !allColumns.includes(c));
  if (unknownMeta.length > 0) {
    throw new UserError(
      'dataset',
      `${display}: dataset.metadata names columns that are not in the manifest: ${listSome(unknownMeta)} (columns: ${listSome(allColumns)})`,
    );
  }
  if (escaped.length > 0) {
    const rule =
      format === 'hf-metadata' && spec.manifest
        ? ` ${await hfPathAdvice(spec.root, path.dirname(spec.manifest), escapedPaths)}`
        : ' Paths must be relative and stay inside dataset.root.';
    throw new UserError(
      'dataset',
      `${escaped.length} image path(s) escape the dataset root ${spec.root}: ${listSome(await describe(escaped.slice(0, MAX_LISTED)), escaped.length)}.${rule}`,
    );
  }
  if (noLabel.length > 0) {
    const rows = listSome(await describe(noLabel.slice(0, MAX_LISTED)), noLabel.length);
    const columns = `columns: ${listSome(allColumns)}`;
    let text: string;
    if (format === 'hf-metadata' && !allColumns.includes(labelCol))
      text = `${noLabel.length} row(s) of ${display} have no "${labelCol}" field and their image is directly in the folder of ${display}, so no class folder names its label: ${rows}. Add a "${labelCol}" field (or set dataset.columns.label to the field that holds it; ${columns}), or put each image in a folder named after its class`;
    else if (!allColumns.includes(labelCol))
      text = `${display}: no "${labelCol}" column (${columns}); set dataset.columns.label to the column that holds the class${didYouMean(labelCol, allColumns)}`;
    else
      text = `${noLabel.length} row(s) with an empty or missing "${labelCol}" (the label column, dataset.columns.label): ${rows}`;
    throw new UserError('dataset', text);
  }
  if (noId.length > 0)
    throw new UserError(
      'dataset',
      `${noId.length} row(s) with an empty or missing "${idCol ?? 'id'}" (the id column, dataset.columns.id): ${listSome(await describe(noId.slice(0, MAX_LISTED)), noId.length)}`,
    );
  if (duplicates.length > 0)
    throw new UserError(
      'dataset',
      `duplicate example ids: ${listSome(await describe(duplicates.slice(0, MAX_LISTED)), duplicates.length)}`,
    );

  const examples = builder.finish(metadataColumns);
  if (spec.checkFiles !== false)
    await checkFiles(examples, display, (records) => manifestLines(format, spec.manifest, records));
  return {
    format,
    root: spec.root,
    examples,
    metadataColumns,
    labels: examples.labels,
    unused,
    ...(spec.manifest ? { manifest: spec.manifest } : {}),
  };
}

/**
 * What to change when hf-metadata paths escape the root. Hugging Face resolves `file_name`
 * against the folder of metadata.jsonl, so a root elsewhere, or paths written relative to the
 * root, put them outside it: say which, from where they were resolved, and the setting that fixes it.
 */
async function hfPathAdvice(root: string, jsonlDir: string, paths: string[]): Promise<string> {
  const rule = `In a Hugging Face metadata.jsonl, file_name is relative to the folder of metadata.jsonl, so these were resolved from ${jsonlDir}.`;
  const exists = async (abs: string | undefined) =>
    abs !== undefined &&
    (await stat(abs).then(
      (s) => s.isFile(),
      () => false,
    ));
  const underRoot = await Promise.all(paths.map((p) => exists(resolveInsideRoot(root, p))));
  if (paths.length > 0 && underRoot.every(Boolean))
    return `${rule} They exist relative to dataset.root instead: to read them that way, set dataset.format: jsonl and dataset.columns.path: file_name (JSON Lines paths are relative to dataset.root).`;
  if (paths.every((p) => resolveInsideRoot(jsonlDir, p) !== undefined))
    return `${rule} Set dataset.root to that folder (or one that contains it).`;
  return `${rule} Paths must stay inside that folder and inside dataset.root.`;
}

/**
 * POSIX-style relative path with no empty, `.` or `..` segment, no backslash, NUL or drive
 * letter: `path.resolve(root, p)` is `root/p` and `path.relative` gives `p` back.
 */
const PLAIN_RELATIVE = /^(?![A-Za-z]:)(?:(?!\.{1,2}(?:\/|$))[^/\\\0]+\/)*(?!\.{1,2}$)[^/\\\0]+$/;
const isPlainRelative = (p: string) => path.sep === '/' && PLAIN_RELATIVE.test(p);

/**
 * `abs` is strictly below `root`. Only a whole `..` segment climbs out: a file named `..foo.png`
 * is inside (a plain `startsWith('..')` wrongly refused it).
 */
function isInside(root: string, abs: string): boolean {
  const rel = path.relative(root, abs);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/** Every file must exist, be a regular file, and (after symlinks) still be inside the root. */
async function checkFiles(
  examples: ExampleTable,
  display: string,
  linesOf: (records: number[]) => Promise<Map<number, number>>,
): Promise<void> {
  const root = examples.root;
  const realRoot = await realpath(root).catch(() => {
    throw new UserError('dataset', `dataset root not found: ${root}`);
  });
  // Every problem keeps its row, so the message can give the manifest line.
  const missing: { row: number; text: string }[] = [];
  const outside: { row: number; text: string }[] = [];
  const limit = 64;
  const check = async (i: number) => {
    const p = examples.paths[i]!;
    try {
      const real = await realpath(examples.absPath(i));
      if (!isInside(realRoot, real)) {
        outside.push({ row: i, text: `"${p}"` });
        return;
      }
      const s = await stat(real);
      if (!s.isFile()) missing.push({ row: i, text: `"${p}" (not a file)` });
    } catch (error) {
      const loop = (error as NodeJS.ErrnoException).code === 'ELOOP';
      missing.push({ row: i, text: loop ? `"${p}" (a link loop)` : `"${p}"` });
    }
  };
  for (let i = 0; i < examples.length; i += limit) {
    const batch: Promise<void>[] = [];
    for (let j = i; j < Math.min(i + limit, examples.length); j++) batch.push(check(j));
    await Promise.all(batch);
  }
  const withLines = async (problems: { row: number; text: string }[]) => {
    const lines = await linesOf(problems.map((m) => examples.records[m.row]!));
    return problems
      .map(({ row, text }) => {
        const line = lines.get(examples.records[row]!);
        return line ? `${text} (${display}:${line})` : text;
      })
      .sort();
  };
  if (outside.length > 0)
    throw new UserError(
      'dataset',
      `${outside.length} image(s) are links that point outside the dataset root: ${listSome(await withLines(outside))}`,
    );
  if (missing.length > 0)
    throw new UserError(
      'dataset',
      `${missing.length} image file(s) not found under ${root}: ${listSome(await withLines(missing))}`,
    );
}

/**
 * Where rows of `examples` (a table of `raw`'s examples, or a shard of it) are in the manifest,
 * as `manifest.csv:12`, for messages that name them. The manifest is read again, so only a
 * message's few rows are asked for; rows without a line (ImageFolder) are absent.
 */
export async function rowLocations(
  raw: Pick<RawDataset, 'format' | 'manifest'>,
  examples: ExampleTable,
  rows: readonly number[],
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  // Detection formats (annotation files) have no manifest rows to point at.
  if (!raw.manifest || rows.length === 0 || isDetectionFormat(raw.format)) return out;
  const lines = await manifestLines(
    raw.format,
    raw.manifest,
    rows.map((i) => examples.records[i]!),
  );
  const display = path.basename(raw.manifest);
  for (const i of rows) {
    const line = lines.get(examples.records[i]!);
    if (line) out.set(i, `${display}:${line}`);
  }
  return out;
}

/**
 * Check a class list (unique, non-empty) and give every example its label index. A label that
 * is not in the list is named with the ids and manifest lines of its first rows.
 */
export async function attachClasses(
  raw: RawDataset,
  classes: readonly string[],
  source: string,
): Promise<ExampleTable> {
  // Detection images have objects of several classes, not one label to index.
  if (raw.classList) return raw.examples;
  if (classes.length < 2)
    throw new UserError('dataset', `the class list (${source}) needs at least 2 classes`);
  const dup = classes.filter((c, i) => classes.indexOf(c) !== i);
  if (dup.length > 0)
    throw new UserError(
      'dataset',
      `the class list (${source}) repeats ${listSome([...new Set(dup)].map((d) => `"${d}"`))}`,
    );
  const known = new Set(classes);
  const unknown = new Map<string, number[]>();
  const { examples } = raw;
  for (let i = 0; i < examples.length; i++) {
    const label = examples.label(i);
    if (known.has(label)) continue;
    const rows = unknown.get(label) ?? [];
    rows.push(i);
    unknown.set(label, rows);
  }
  if (unknown.size > 0) {
    const shown = [...unknown.values()].flatMap((rows) => rows.slice(0, 3));
    const where = await rowLocations(raw, examples, shown);
    const named = (i: number) => {
      const at = where.get(i);
      return at ? `${examples.ids[i]!} (${at})` : examples.ids[i]!;
    };
    const parts = [...unknown].map(
      ([label, rows]) =>
        `"${label}" (${rows.length} example(s), e.g. ${listSome(rows.slice(0, 3).map(named))})`,
    );
    throw new UserError(
      'dataset',
      `labels not in the class list (${source}): ${listSome(parts)}. Known classes: ${listSome(classes.map((c) => `"${c}"`))}`,
    );
  }
  return examples.withClasses(classes);
}
