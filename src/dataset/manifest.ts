import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { UserError } from '../errors.js';

/** One manifest row: raw string fields plus where it came from (for error messages). */
export interface ManifestRow {
  fields: Record<string, string>;
  /** 1-based line in the manifest file (imagefolder: 0). */
  line: number;
}

export type ManifestFormat = 'csv' | 'jsonl' | 'imagefolder' | 'hf-metadata';

/** File extensions treated as images when scanning folders (what sharp decodes). */
export const IMAGE_EXTENSIONS = new Set([
  '.png',
  '.jpg',
  '.jpeg',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.avif',
  '.heic',
  '.heif',
  '.bmp',
  '.svg',
]);

/** Decide the manifest format from the config and the manifest's name. */
export function detectFormat(format: string, manifest: string | undefined): ManifestFormat {
  if (format !== 'auto') return format as ManifestFormat;
  if (!manifest) return 'imagefolder';
  const base = path.basename(manifest).toLowerCase();
  if (base === 'metadata.jsonl') return 'hf-metadata';
  if (base.endsWith('.jsonl') || base.endsWith('.ndjson')) return 'jsonl';
  if (base.endsWith('.csv') || base.endsWith('.tsv')) return 'csv';
  throw new UserError(
    'dataset',
    `cannot tell the format of manifest "${manifest}" from its name: set dataset.format to csv, jsonl or hf-metadata`,
  );
}

/** Parse a CSV/TSV manifest. The header row names the columns. */
export function parseCsvManifest(text: string, display: string): ManifestRow[] {
  const delimiter = display.toLowerCase().endsWith('.tsv') ? '\t' : ',';
  let rows: ManifestRow[];
  try {
    rows = parseCsv(text, {
      columns: (header: string[]) => {
        const names = header.map((h) => h.trim());
        // Two columns with one name would silently keep only the last one's values.
        const dup = names.find((n, i) => names.indexOf(n) !== i);
        if (dup !== undefined) throw new Error(`the header row names column "${dup}" twice`);
        return names;
      },
      bom: true,
      delimiter,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: false,
      // Build each row as it is parsed: no per-row `info` object (a dozen fields each) and no
      // second array of rows, which dominated the parse's heap peak on large manifests.
      on_record: (record: unknown, context: { lines: number }) => ({
        fields: record as Record<string, string>,
        line: context.lines,
      }),
    });
  } catch (error) {
    const e = error as { message?: string; lines?: number };
    throw new UserError(
      'dataset',
      `${display}${e.lines ? `:${e.lines}` : ''}: invalid CSV: ${e.message ?? String(error)}`,
    );
  }
  return rows;
}

/** Parse a JSON Lines manifest: one object per line; nested values are kept as JSON strings. */
export function parseJsonlManifest(text: string, display: string): ManifestRow[] {
  const rows: ManifestRow[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new UserError(
        'dataset',
        `${display}:${i + 1}: invalid JSON: ${(error as Error).message}`,
      );
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new UserError('dataset', `${display}:${i + 1}: each line must be a JSON object`);
    }
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === null || v === undefined) continue;
      fields[k] =
        typeof v === 'string'
          ? v
          : typeof v === 'object'
            ? JSON.stringify(v)
            : String(v as number | boolean);
    }
    rows.push({ fields, line: i + 1 });
  });
  return rows;
}

/**
 * Read a manifest into rows. For `imagefolder`, scans `root/<class>/**` and emits rows with
 * `path` and `label` (the first-level folder name), like torchvision's ImageFolder.
 */
export async function readManifest(
  format: ManifestFormat,
  manifestPath: string | undefined,
  root: string,
): Promise<ManifestRow[]> {
  if (format === 'imagefolder') return scanImageFolder(root);
  if (!manifestPath)
    throw new UserError('dataset', `dataset.manifest is required for format ${format}`);
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      'dataset',
      `cannot read manifest ${manifestPath}: ${code === 'ENOENT' ? 'file not found' : (code ?? String(error))}`,
    );
  }
  const display = path.basename(manifestPath);
  return format === 'csv' ? parseCsvManifest(text, display) : parseJsonlManifest(text, display);
}

async function scanImageFolder(root: string): Promise<ManifestRow[]> {
  let classDirs: string[];
  try {
    classDirs = (await readdir(root, { withFileTypes: true }))
      .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
      .map((d) => d.name)
      .sort();
  } catch (error) {
    throw new UserError(
      'dataset',
      `cannot read dataset root ${root}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  if (classDirs.length === 0)
    throw new UserError('dataset', `imagefolder: no class folders under ${root}`);
  const rows: ManifestRow[] = [];
  for (const cls of classDirs) {
    const files = await readdir(path.join(root, cls), { recursive: true, withFileTypes: true });
    const images = files
      .filter((f) => f.isFile() && IMAGE_EXTENSIONS.has(path.extname(f.name).toLowerCase()))
      .map((f) => path.relative(root, path.join(f.parentPath, f.name)).split(path.sep).join('/'))
      .sort();
    for (const p of images) rows.push({ fields: { path: p, label: cls }, line: 0 });
  }
  return rows;
}
