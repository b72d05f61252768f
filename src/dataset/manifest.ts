import { createReadStream, type ReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { parse as parseCsvStream, type Options as CsvOptions } from 'csv-parse';
import { parse as parseCsv } from 'csv-parse/sync';
import { UserError } from '../errors.js';
import { scanImageFolder, type UnusedFile } from './image-folder.js';

/** One manifest row: raw string fields plus where it came from (for error messages). */
export interface ManifestRow {
  fields: Record<string, string>;
  /** 1-based line in the manifest file (imagefolder: 0). */
  line: number;
}

export type ManifestFormat = 'csv' | 'jsonl' | 'imagefolder' | 'hf-metadata';

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

/** `.tsv` manifests are tab-separated, every other CSV manifest comma-separated. */
const delimiterOf = (display: string) => (display.toLowerCase().endsWith('.tsv') ? '\t' : ',');

/**
 * A column named `__proto__` cannot be a key of the row objects csv-parse and JSON.parse make
 * (assigning it sets the object's prototype): its values vanished without a word, and
 * `dataset.metadata: [__proto__]` was refused as "not in the manifest". It is refused by name.
 */
const RESERVED_COLUMN = '__proto__';
const reservedColumnMessage = `a column is named "${RESERVED_COLUMN}", which VisionGate cannot read as a column (it is special in JavaScript objects); rename it`;

/** csv-parse options of a manifest: the header row names the columns. */
function csvOptions(display: string) {
  return {
    columns: (header: string[]) => {
      const names = header.map((h) => h.trim());
      // Two columns with one name would silently keep only the last one's values.
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (dup !== undefined) throw new Error(`the header row names column "${dup}" twice`);
      if (names.includes(RESERVED_COLUMN))
        throw new UserError('dataset', `${display}:1: ${reservedColumnMessage}`);
      return names;
    },
    bom: true,
    delimiter: delimiterOf(display),
    skip_empty_lines: true,
    trim: true,
    relax_column_count: false,
  };
}

function csvError(error: unknown, display: string, quoteLine?: number): UserError {
  const e = error as { message?: string; lines?: number; code?: string };
  if (e.code === 'CSV_QUOTE_NOT_CLOSED' && quoteLine !== undefined)
    // csv-parse names the last line (where the file ended inside the quotes), not the cause.
    return new UserError(
      'dataset',
      `${display}:${quoteLine}: invalid CSV: a quote opened on this line is never closed (the rest of the file was read as one field); close it or remove it`,
    );
  return new UserError(
    'dataset',
    `${display}${e.lines ? `:${e.lines}` : ''}: invalid CSV: ${e.message ?? String(error)}`,
  );
}

/**
 * Finds the line of a quote that is never closed, by CSV's quoting rule (RFC 4180, as csv-parse
 * reads it): a quote opens only at the start of a field (after spaces, since fields are
 * trimmed), `""` inside quotes is a literal quote, and a quoted field may span lines.
 */
class QuoteScanner {
  private line = 1;
  private inQuotes = false;
  private fieldStart = true;
  /** A quote seen inside quotes at the end of a chunk: `""` or a closing quote. */
  private pendingQuote = false;
  private openedAt = 0;
  constructor(private readonly delimiter: string) {}

  push(chunk: string): void {
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i]!;
      if (this.pendingQuote) {
        this.pendingQuote = false;
        if (ch === '"') continue; // "" inside quotes
        this.inQuotes = false;
      }
      if (this.inQuotes) {
        if (ch === '"') this.pendingQuote = true;
        else if (ch === '\n') this.line++;
        continue;
      }
      if (ch === '\n') {
        this.line++;
        this.fieldStart = true;
      } else if (ch === this.delimiter) this.fieldStart = true;
      else if (ch === '"' && this.fieldStart) {
        this.inQuotes = true;
        this.openedAt = this.line;
      } else if (ch !== ' ' && ch !== '\t' && ch !== '\r' && ch !== '\uFEFF')
        this.fieldStart = false;
    }
  }

  /** The line of the unclosed quote, if the text ended inside one. */
  unclosed(): number | undefined {
    return this.inQuotes && !this.pendingQuote ? this.openedAt : undefined;
  }
}

/** {@link QuoteScanner} over a whole file, read again only when csv-parse reported the error. */
async function unclosedQuoteLine(file: string, display: string): Promise<number | undefined> {
  const scanner = new QuoteScanner(delimiterOf(display));
  try {
    for await (const chunk of createReadStream(file, { encoding: 'utf8' }))
      scanner.push(chunk as string);
  } catch {
    return undefined;
  }
  return scanner.unclosed();
}

/** Parse a CSV/TSV manifest. The header row names the columns. */
export function parseCsvManifest(text: string, display: string): ManifestRow[] {
  // A row's line is its first, counted as visitCsvLines counts (a CR LF inside quotes once).
  let extra = 0;
  try {
    return parseCsv<ManifestRow>(text, {
      ...csvOptions(display),
      on_record: (record: unknown, context: { lines: number }): ManifestRow => {
        const fields = record as Record<string, string>;
        let breaks = 0;
        for (const f of Object.values(fields)) {
          extra += f.match(/\r\n/g)?.length ?? 0;
          breaks += f.match(/\r\n|\r|\n/g)?.length ?? 0;
        }
        return { fields, line: context.lines - extra - breaks };
      },
    });
  } catch (error) {
    const scanner = new QuoteScanner(delimiterOf(display));
    scanner.push(text);
    throw csvError(error, display, scanner.unclosed());
  }
}

/** Parse a JSON Lines manifest: one object per line; nested values are kept as JSON strings. */
export function parseJsonlManifest(text: string, display: string): ManifestRow[] {
  const rows: ManifestRow[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const row = jsonlRow(raw, i + 1, display);
    if (row) rows.push(row);
  });
  return rows;
}

/** One JSON Lines manifest line (1-based `n`) as a row; undefined for a blank line. */
function jsonlRow(raw: string, n: number, display: string): ManifestRow | undefined {
  const line = raw.trim();
  if (line === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new UserError('dataset', `${display}:${n}: invalid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UserError('dataset', `${display}:${n}: each line must be a JSON object`);
  }
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === RESERVED_COLUMN)
      throw new UserError('dataset', `${display}:${n}: ${reservedColumnMessage}`);
    if (v === null || v === undefined) continue;
    fields[k] =
      typeof v === 'string'
        ? v
        : typeof v === 'object'
          ? JSON.stringify(v)
          : String(v as number | boolean);
  }
  return { fields, line: n };
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
  const rows: ManifestRow[] = [];
  const at = new Map<number, number>();
  const streamed = [];
  for await (const row of streamManifest(format, manifestPath, root)) streamed.push(row);
  if (format !== 'imagefolder' && manifestPath)
    for (const [r, l] of await manifestLines(
      format,
      manifestPath,
      streamed.map((s) => s.record),
    ))
      at.set(r, l);
  for (const row of streamed) rows.push({ fields: row.fields, line: at.get(row.record) ?? 0 });
  return rows;
}

/** A manifest row as streamed: its fields and its ordinal among the data rows (1-based). */
export interface StreamedRow {
  fields: Record<string, string>;
  record: number;
}

/**
 * The rows of a manifest one at a time, parsed while the file is read: a large manifest is
 * never held as one string nor as an array of rows. Rows carry their ordinal, not their line:
 * csv-parse makes a dozen-field info object per row to tell the line (25 MB of garbage per 100k
 * rows), so lines are looked up by {@link manifestLines} for the few rows a message names.
 * For `imagefolder`, `onUnused` gets what the scan found under the root but did not use.
 */
export async function* streamManifest(
  format: ManifestFormat,
  manifestPath: string | undefined,
  root: string,
  options: { onUnused?: (unused: UnusedFile[]) => void } = {},
): AsyncGenerator<StreamedRow> {
  let record = 0;
  if (format === 'imagefolder') {
    const scan = await scanImageFolder(root);
    options.onUnused?.(scan.unused);
    for (const row of scan.rows)
      yield { fields: { path: row.path, label: row.label }, record: ++record };
    return;
  }
  const { input, display } = await openManifest(manifestPath, format);
  if (format === 'csv') {
    const parser = input.pipe(parseCsvStream(csvOptions(display)));
    input.once('error', (error) => parser.destroy(error));
    try {
      for await (const fields of parser)
        yield { fields: fields as Record<string, string>, record: ++record };
    } catch (error) {
      if (error instanceof UserError) throw error;
      // csv-parse's own errors carry a code; anything else (a read error) is named as it is.
      const code = (error as { code?: string }).code;
      const quoteLine =
        code === 'CSV_QUOTE_NOT_CLOSED'
          ? await unclosedQuoteLine(manifestPath!, display)
          : undefined;
      if (quoteLine !== undefined) throw csvError(error, display, quoteLine);
      if (code?.startsWith('CSV_')) throw await csvRowError(error, manifestPath!, display);
      throw csvError(error, display);
    } finally {
      input.destroy();
    }
    return;
  }
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const raw of lines) {
      n++;
      const row = jsonlRow(n === 1 ? raw.replace(/^\uFEFF/, '') : raw, n, display);
      if (row) yield { fields: row.fields, record: ++record };
    }
  } finally {
    input.destroy();
  }
}

/**
 * The 1-based file line of each of the data rows `records` (ordinals from
 * {@link streamManifest}): the manifest is read again, which only a message naming rows needs.
 * Imagefolder rows have no line (absent from the result).
 */
export async function manifestLines(
  format: ManifestFormat,
  manifestPath: string | undefined,
  records: Iterable<number>,
): Promise<Map<number, number>> {
  const wanted = new Set(records);
  const out = new Map<number, number>();
  if (format === 'imagefolder' || wanted.size === 0) return out;
  const { input, display } = await openManifest(manifestPath, format);
  let record = 0;
  try {
    if (format === 'csv') {
      await visitCsvLines(input, display, (r, first) => {
        if (r > 0 && wanted.has(r)) out.set(r, first);
      });
    } else {
      let n = 0;
      for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
        n++;
        if (raw.trim() !== '' && wanted.has(++record)) out.set(record, n);
      }
    }
  } finally {
    input.destroy();
  }
  return out;
}

/**
 * Call `visit(record, firstLine)` for each record of a CSV manifest, in order (the header is
 * record 0). csv-parse's `lines` is the line a record ends on, and it counts a CR LF inside a
 * quoted field as two line breaks (a CR LF between records as one), so every row after such a
 * field came out one line too far per CR LF. The lines are counted here instead: the line the
 * record ends on, less the extra count so far, less the breaks inside the record. Records are
 * arrays so that no column name is an object key.
 */
async function visitCsvLines(
  input: ReadStream,
  display: string,
  visit: (record: number, firstLine: number, lastLine: number) => void,
): Promise<void> {
  let extra = 0;
  let record = 0;
  const { columns: _header, ...shared } = csvOptions(display);
  const options: CsvOptions = {
    ...shared,
    on_record: (fields: string[], context: { lines: number }) => {
      let breaks = 0;
      for (const f of fields) {
        extra += f.match(/\r\n/g)?.length ?? 0;
        breaks += f.match(/\r\n|\r|\n/g)?.length ?? 0;
      }
      const last = context.lines - extra;
      visit(record++, last - breaks, last);
      return null;
    },
  };
  await finished(input.pipe(parseCsvStream(options)).resume());
}

/**
 * The error for a CSV the parser refused, at the line of the row it was reading. csv-parse
 * names the line where it stopped, counted its own way (a CR LF inside quotes twice): for a
 * stray quote that is the line of the quote that closed too early, possibly far from the
 * mistake. The row being read starts after the last whole record (blank lines between are
 * skipped), so that is the line named. (An unclosed quote is found more exactly by
 * {@link unclosedQuoteLine}.)
 */
async function csvRowError(
  error: unknown,
  manifestPath: string,
  display: string,
): Promise<UserError> {
  const { input } = await openManifest(manifestPath, 'csv');
  let last = 0;
  try {
    await visitCsvLines(input, display, (_record, _first, end) => (last = end));
  } catch {
    // The same error again: `last` is as far as the whole records went.
  } finally {
    input.destroy();
  }
  const message = ((error as { message?: string }).message ?? String(error)).replace(
    / (at|on) line \d+/g,
    '',
  );
  return new UserError(
    'dataset',
    `${display}:${last + 1}: invalid CSV in the row that starts on this line: ${message}`,
  );
}

async function openManifest(
  manifestPath: string | undefined,
  format: ManifestFormat,
): Promise<{ input: ReadStream; display: string }> {
  if (!manifestPath)
    throw new UserError('dataset', `dataset.manifest is required for format ${format}`);
  const input = createReadStream(manifestPath, { encoding: 'utf8' });
  try {
    await new Promise<void>((resolve, reject) => {
      input.once('open', () => resolve());
      input.once('error', reject);
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      'dataset',
      `cannot read manifest ${manifestPath}: ${code === 'ENOENT' ? 'file not found' : (code ?? String(error))}`,
    );
  }
  return { input, display: path.basename(manifestPath) };
}
