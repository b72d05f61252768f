/**
 * What `init` reads from a dataset: its layout (ImageFolder, a CSV/TSV or JSON Lines manifest,
 * a Hugging Face metadata.jsonl), the manifest's path, label and id columns, the folder its
 * image paths are relative to, which metadata columns make useful slices, and class-list files
 * next to it. The dataset is then loaded with the run's own loader, every file checked, so a
 * config written from these findings reads the same examples.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadDataset, resolveInsideRoot, type RawDataset } from '../dataset/load.js';
import { IMAGE_EXTENSIONS } from '../dataset/image-folder.js';
import { streamManifest, type ManifestFormat } from '../dataset/manifest.js';
import { UserError } from '../errors.js';
import { classFilesIn, type ClassSource } from './class-sources.js';

/** A metadata column and how many distinct values it has. */
export interface ColumnFacts {
  name: string;
  values: number;
}

export interface DatasetFindings {
  format: ManifestFormat;
  /** `CSV manifest`, `ImageFolder`, ... */
  kind: string;
  /** Absolute dataset root. */
  root: string;
  /** Absolute manifest path (not for ImageFolder). */
  manifest?: string;
  /** The manifest of the train split, when split folders were found. */
  trainManifest?: string;
  /** The columns as the config names them; `path` and `label` are the loader's defaults when not written. */
  columns: { id?: string; path: string; label: string };
  /** The loaded examples (every file checked), all metadata columns kept. */
  raw: RawDataset;
  /** Metadata columns worth slicing by. */
  slices: ColumnFacts[];
  /** Columns left out of `dataset.metadata`, with the reason. */
  dropped: { name: string; why: string }[];
  /** Class lists next to the data, the class folders, and the labels themselves. */
  classSources: ClassSource[];
  /** What was inferred, one sentence each (for the summary and the config's comments). */
  inferred: string[];
  /** Things seen that could not be used, or choices made for the user. */
  warnings: string[];
}

const PATH_NAMES = [
  'path',
  'file_name',
  'filename',
  'file',
  'filepath',
  'file_path',
  'image',
  'image_path',
  'imagepath',
  'img',
  'img_path',
  'image_file',
  'image_name',
  'relative_path',
];
const LABEL_NAMES = [
  'label',
  'labels',
  'class',
  'class_name',
  'classname',
  'category',
  'category_name',
  'target',
  'label_name',
  'species',
  'breed',
  'y',
];
const ID_NAMES = ['id', 'image_id', 'example_id', 'sample_id', 'uid', 'uuid', 'key'];
/** Split folder names, most suitable for evaluation first (train last: it overstates accuracy). */
const SPLITS = ['test', 'validation', 'val', 'valid', 'eval', 'dev', 'train'];
const MANIFEST_EXT = ['.csv', '.tsv', '.jsonl', '.ndjson'];
/** Rows read to recognise columns and the root. */
const PEEK_ROWS = 200;
/** Paths checked when looking for the folder they are relative to. */
const ROOT_PROBES = 20;
/** Folders above the manifest's tried as the root. */
const ROOT_LEVELS = 3;
/** A metadata column with more values than this is not sliced by default. */
const MAX_SLICE_VALUES = 50;

const isImagePath = (v: string) => IMAGE_EXTENSIONS.has(path.extname(v).toLowerCase());
/** Whether a path is a folder (false when it does not exist). */
export const isDir = (p: string) =>
  stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
/** Whether a path is a file (false when it does not exist). */
export const isFile = (p: string) =>
  stat(p).then(
    (s) => s.isFile(),
    () => false,
  );

interface Located {
  format: ManifestFormat;
  manifest?: string;
  /** The manifest of a `train` split next to the evaluated one (for the leakage check). */
  trainManifest?: string;
  /** ImageFolder root, or the folder given. */
  dir: string;
}

/**
 * Find the dataset: `target` is a manifest file or a folder; without it, the folder `searchDir`
 * and its `data/` and `dataset/` subfolders are tried. `show` names paths in messages.
 */
async function locate(
  target: string | undefined,
  searchDir: string,
  show: (p: string) => string,
  inferred: string[],
  warnings: string[],
): Promise<Located> {
  if (target !== undefined) {
    if (await isFile(target)) return fromManifest(target, show);
    if (!(await isDir(target)))
      throw new UserError('usage', `--dataset ${show(target)}: no such file or folder`);
    const found = await inFolder(target, show, inferred, warnings);
    if (found) return found;
    throw new UserError(
      'dataset',
      `${show(target)}: no dataset found: no metadata.jsonl, CSV/TSV or JSON Lines manifest, and no class folders with images`,
    );
  }
  for (const dir of [searchDir, path.join(searchDir, 'data'), path.join(searchDir, 'dataset')]) {
    if (!(await isDir(dir))) continue;
    const found = await inFolder(dir, show, inferred, warnings, dir === searchDir);
    if (found) return found;
  }
  throw new UserError(
    'usage',
    `no dataset found in ${show(searchDir)} or its data/ or dataset/ folders: give --dataset DIR (an ImageFolder, or a folder with a manifest) or --dataset MANIFEST`,
  );
}

function fromManifest(file: string, show: (p: string) => string): Located {
  const base = path.basename(file).toLowerCase();
  const format: ManifestFormat | undefined =
    base === 'metadata.jsonl'
      ? 'hf-metadata'
      : base.endsWith('.jsonl') || base.endsWith('.ndjson')
        ? 'jsonl'
        : base.endsWith('.csv') || base.endsWith('.tsv')
          ? 'csv'
          : undefined;
  if (!format)
    throw new UserError(
      'usage',
      `--dataset ${show(file)}: not a manifest VisionGate reads (.csv, .tsv, .jsonl, .ndjson, or a Hugging Face metadata.jsonl)`,
    );
  return { format, manifest: file, dir: path.dirname(file) };
}

/** A dataset in `dir`, or undefined. `manifestOnly`: the config's own folder, where only a manifest counts. */
async function inFolder(
  dir: string,
  show: (p: string) => string,
  inferred: string[],
  warnings: string[],
  manifestOnly = false,
): Promise<Located | undefined> {
  const entries = await readdir(dir, { withFileTypes: true });
  if (entries.some((e) => e.isFile() && e.name === 'metadata.jsonl'))
    return { format: 'hf-metadata', manifest: path.join(dir, 'metadata.jsonl'), dir };
  const manifests = entries
    .filter((e) => e.isFile() && MANIFEST_EXT.includes(path.extname(e.name).toLowerCase()))
    .map((e) => e.name)
    .sort();
  if (manifests.length === 1) return fromManifest(path.join(dir, manifests[0]!), show);
  if (manifests.length > 1)
    throw new UserError(
      'usage',
      `${show(dir)} holds several manifests (${manifests.join(', ')}): give the one to evaluate with --dataset`,
    );
  if (manifestOnly) return undefined;
  const folders = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name);
  const splits = folders.filter((f) => SPLITS.includes(f.toLowerCase()));
  if (splits.length > 0 && splits.length === folders.length) {
    const pick = [...splits].sort(
      (a, b) => SPLITS.indexOf(a.toLowerCase()) - SPLITS.indexOf(b.toLowerCase()),
    )[0]!;
    inferred.push(`split folders ${splits.sort().join(', ')}: evaluating "${pick}"`);
    if (pick.toLowerCase() === 'train')
      warnings.push(
        'the only split is "train": accuracy on training data overstates the model; evaluate a held-out split if you have one',
      );
    const found = await inFolder(path.join(dir, pick), show, inferred, warnings);
    const train = splits.find((s) => s.toLowerCase() === 'train');
    if (!found || !train || train === pick) return found;
    const trainManifest = (await inFolder(path.join(dir, train), show, [], [], true))?.manifest;
    return trainManifest ? { ...found, trainManifest } : found;
  }
  for (const f of folders) {
    const files = await readdir(path.join(dir, f), { recursive: true });
    if (files.some((name) => isImagePath(String(name)))) return { format: 'imagefolder', dir };
  }
  return undefined;
}

/** A column by name from `names` (exact first, then ignoring case), skipping `taken`. */
function byName(columns: readonly string[], names: readonly string[], taken: Set<string>) {
  for (const n of names) if (columns.includes(n) && !taken.has(n)) return n;
  for (const n of names) {
    const c = columns.find((col) => col.toLowerCase() === n && !taken.has(col));
    if (c) return c;
  }
  return undefined;
}

/**
 * Recognise the path, label and id columns of a manifest from its first rows. The path column
 * is a known name whose values are image paths, else any column of image paths.
 */
function recogniseColumns(
  format: ManifestFormat,
  rows: readonly Record<string, string>[],
  display: string,
  inferred: string[],
): { id?: string; path: string; label?: string } {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const imageShare = (c: string) => {
    const values = rows.map((r) => r[c]).filter((v): v is string => !!v);
    return values.length === 0 ? 0 : values.filter(isImagePath).length / values.length;
  };
  let pathCol: string;
  if (format === 'hf-metadata') pathCol = 'file_name';
  else {
    const named = PATH_NAMES.map((n) => byName(columns, [n], new Set())).filter(
      (c): c is string => c !== undefined && imageShare(c) >= 0.9,
    );
    const any = columns.filter((c) => imageShare(c) >= 0.9);
    const found = named[0] ?? any[0];
    if (!found)
      throw new UserError(
        'dataset',
        `${display}: no column holds image file paths (columns: ${columns.join(', ')}); VisionGate needs one column of image paths (.png, .jpg, …) relative to one folder`,
      );
    pathCol = found;
  }
  const taken = new Set([pathCol]);
  const label = byName(columns, LABEL_NAMES, taken);
  if (label) taken.add(label);
  let id: string | undefined = columns.includes('id') ? 'id' : undefined;
  if (!id) {
    const candidate = byName(columns, ID_NAMES, taken);
    const values = candidate ? rows.map((r) => r[candidate]) : [];
    if (candidate && values.every(Boolean) && new Set(values).size === values.length)
      id = candidate;
  }
  inferred.push(
    `columns: image path "${pathCol}"${format === 'hf-metadata' ? ' (Hugging Face: relative to the folder of metadata.jsonl)' : ''}, label ${label ? `"${label}"` : 'from the folder each image is in'}, ${id ? `id "${id}"` : 'no id column (the image path is the id)'}`,
  );
  return { ...(id ? { id } : {}), path: pathCol, ...(label ? { label } : {}) };
}

/**
 * The folder a manifest's image paths are relative to: the manifest's own folder or one of the
 * {@link ROOT_LEVELS} above it, whichever holds the first paths.
 */
async function findRoot(
  manifest: string,
  paths: readonly string[],
  show: (p: string) => string,
): Promise<string> {
  const probes = paths.slice(0, ROOT_PROBES);
  const absolute = probes.find((p) => path.isAbsolute(p) || /^[A-Za-z]:[\\/]/.test(p));
  if (absolute)
    throw new UserError(
      'dataset',
      `${show(manifest)}: image paths are absolute (e.g. "${absolute}"); VisionGate reads paths relative to one folder, the dataset root, so the dataset can move between machines. Rewrite them relative to a folder that holds the images`,
    );
  let dir = path.dirname(manifest);
  const tried: string[] = [];
  for (let level = 0; level <= ROOT_LEVELS; level++) {
    tried.push(show(dir));
    const found = await Promise.all(
      probes.map(async (p) => {
        const abs = resolveInsideRoot(dir, p);
        return abs !== undefined && (await isFile(abs));
      }),
    );
    if (found.some(Boolean)) return dir;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new UserError(
    'dataset',
    `${show(manifest)}: image paths such as "${probes[0]}" were found relative to none of ${tried.join(', ')}; paths in a manifest are relative to the dataset root, a folder that holds the images`,
  );
}

/**
 * Find, recognise and load the dataset (see the module comment). `target`: the --dataset
 * argument (absolute), or undefined to search `searchDir`.
 */
export async function inspectDataset(
  target: string | undefined,
  searchDir: string,
  show: (p: string) => string,
): Promise<DatasetFindings> {
  const inferred: string[] = [];
  const warnings: string[] = [];
  const where = await locate(target, searchDir, show, inferred, warnings);
  const { format, manifest } = where;
  let root = where.dir;
  let columns: DatasetFindings['columns'] = { path: 'path', label: 'label' };

  if (manifest) {
    const peek: Record<string, string>[] = [];
    for await (const row of streamManifest(format, manifest, root)) {
      peek.push(row.fields);
      if (peek.length >= PEEK_ROWS) break;
    }
    if (peek.length === 0)
      throw new UserError('dataset', `${show(manifest)}: the manifest has no rows`);
    const found = recogniseColumns(format, peek, path.basename(manifest), inferred);
    if (format !== 'hf-metadata') {
      if (!found.label)
        throw new UserError(
          'dataset',
          `${show(manifest)}: no label column (columns: ${Object.keys(peek[0]!).join(', ')}); init looks for ${LABEL_NAMES.slice(0, 8).join(', ')}, …: name the class column one of these, or write the config by hand with dataset.columns.label`,
        );
      root = await findRoot(
        manifest,
        peek.map((r) => r[found.path] ?? ''),
        show,
      );
      if (root !== path.dirname(manifest))
        inferred.push(`image paths are relative to ${show(root)} (the manifest is in a subfolder)`);
    }
    columns = {
      ...(found.id ? { id: found.id } : {}),
      // hf-metadata: the loader reads file_name when the path column is left at its default.
      path: format === 'hf-metadata' ? 'path' : found.path,
      label: found.label ?? 'label',
    };
  }

  const raw = await loadDataset({
    root,
    format,
    ...(manifest ? { manifest } : {}),
    columns,
    checkFiles: true,
  });

  const { slices, dropped } = sliceColumns(raw.examples);

  const classSources: ClassSource[] = [];
  for (const dir of new Set([root, ...(manifest ? [path.dirname(manifest)] : [])])) {
    const files = await classFilesIn(dir, 'dataset', show);
    classSources.push(...files.sources);
    warnings.push(...files.ignored);
  }
  // ImageFolder: torchvision's order (sorted folder names), the run's default. Otherwise the
  // labels sorted, the last resort (most exporters sort class names).
  const sorted = [...raw.labels].sort();
  classSources.push(
    format === 'imagefolder'
      ? { origin: 'imagefolder', where: 'the ImageFolder class folders (sorted)', classes: sorted }
      : { origin: 'labels', where: 'the labels in the data (sorted)', classes: sorted },
  );
  return {
    format,
    kind: describeFormat(format, manifest),
    root,
    ...(manifest ? { manifest } : {}),
    ...(where.trainManifest ? { trainManifest: where.trainManifest } : {}),
    columns,
    raw,
    slices,
    dropped,
    classSources,
    inferred,
    warnings,
  };
}

/**
 * Metadata columns worth slicing by: a few values each; identifiers, free text and constants
 * are left out, with the reason.
 */
export function sliceColumns(examples: {
  length: number;
  metadata: readonly { name: string; values: readonly string[] }[];
}): { slices: ColumnFacts[]; dropped: DatasetFindings['dropped'] } {
  const n = examples.length;
  const slices: ColumnFacts[] = [];
  const dropped: DatasetFindings['dropped'] = [];
  for (const col of examples.metadata) {
    const values = col.values.length;
    if (values < 2) dropped.push({ name: col.name, why: 'one value only' });
    else if (values > MAX_SLICE_VALUES || values * 2 > n)
      dropped.push({
        name: col.name,
        why: `${values} distinct values in ${n} rows (an identifier or free text; bin it into a few ranges to slice by it)`,
      });
    else slices.push({ name: col.name, values });
  }
  return { slices, dropped };
}

function describeFormat(format: ManifestFormat, manifest: string | undefined): string {
  return {
    csv: manifest?.toLowerCase().endsWith('.tsv') ? 'TSV manifest' : 'CSV manifest',
    jsonl: 'JSON Lines manifest',
    imagefolder: 'ImageFolder',
    'hf-metadata': 'Hugging Face metadata.jsonl',
  }[format];
}
