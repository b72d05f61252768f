import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { UserError } from '../errors.js';
import { reportSchema, type Report } from '../report/schema.js';
import type { ExampleTable } from '../tables/examples.js';
import type { ImageFacts } from '../tables/images.js';
import { RecordSet } from '../tables/records.js';
import type { RecordBuilder, Task } from '../tasks/task.js';

/** File names inside an output directory; a stored baseline is such a directory. */
export const RESULT_FILES = {
  report: 'report.json',
  markdown: 'report.md',
  records: 'records.jsonl',
  examples: 'examples.jsonl',
  junit: 'junit.xml',
} as const;

/** One line of examples.jsonl: what `merge` needs of an example besides its records. */
export interface ExampleLine {
  id: string;
  hash: string;
  brightness: number;
  contrast: number;
  sharpness: number;
}

/** examples.jsonl lines, lazily: the examples with image facts, in example order. */
export function* exampleLines(examples: ExampleTable, images: ImageFacts): Generator<string> {
  for (let i = 0; i < examples.length; i++) {
    if (!images.has(i)) continue;
    const line: ExampleLine = {
      id: examples.ids[i]!,
      hash: images.hashes.get(i),
      ...images.properties(i),
    };
    yield `${JSON.stringify(line)}\n`;
  }
}

/**
 * The non-blank lines of a JSON-lines file with their 1-based line numbers, streamed. Reading
 * errors (a missing file) surface from the iteration; each reader words its own.
 */
async function* jsonLines(file: string): AsyncGenerator<{ n: number; text: string }> {
  const lines = createInterface({
    input: createReadStream(file, { encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
  let n = 0;
  for await (const text of lines) {
    n++;
    if (text.trim() !== '') yield { n, text };
  }
}

/** Read examples.jsonl (image properties per example) of a result folder, line by line. */
export async function* readExampleLines(file: string): AsyncGenerator<ExampleLine> {
  try {
    for await (const { n, text: l } of jsonLines(file)) {
      let v: ExampleLine;
      try {
        v = JSON.parse(l) as ExampleLine;
        if (typeof v.id !== 'string' || typeof v.brightness !== 'number') throw new Error('shape');
      } catch {
        throw new UserError('usage', `${file}:${n}: not an examples.jsonl line`);
      }
      yield v;
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(
      'usage',
      `cannot read ${file}: not a VisionGate result folder of this version (no examples.jsonl)`,
    );
  }
}

/**
 * Write lines to a file atomically, streaming with back-pressure: a records file of millions of
 * lines is never built as one string in memory.
 */
export async function writeLinesAtomic(file: string, lines: Iterable<string>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const out = createWriteStream(tmp);
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  // Lines go out in chunks of ~64 kB: one string, buffer and write request per chunk instead of
  // per line (a records file has one line per prediction).
  let chunk: string[] = [];
  let size = 0;
  const flush = async () => {
    const text = chunk.join('');
    chunk = [];
    size = 0;
    if (!out.write(text)) await Promise.race([once(out, 'drain'), failed]);
  };
  for (const line of lines) {
    chunk.push(line);
    size += line.length;
    if (size >= 65536) await flush();
  }
  if (size > 0) await flush();
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
  await rename(tmp, file);
}

/** Records as JSON lines, lazily (one record object at a time), table by table. */
export function* recordLines(records: RecordSet): Generator<string> {
  for (const t of records.tables) yield* t.lines();
}

/** Write a file atomically (temp + rename), so a crash never leaves half a report behind. */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, file);
}

/**
 * Stream a records file into column tables; every line is checked, and a bad line is named.
 * Tables are in the order their (model, variant) first appears in the file.
 */
export async function readRecords(file: string, task: Task): Promise<RecordSet> {
  const builders = new Map<string, RecordBuilder>();
  try {
    for await (const { n, text: line } of jsonLines(file)) {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new UserError('baseline', `${file}:${n}: not valid JSON`);
      }
      const parsed = task.parseRecord(value);
      if (!parsed)
        throw new UserError('baseline', `${file}:${n}: not a VisionGate prediction record`);
      const key = `${parsed.model}\u0000${parsed.variant}`;
      let b = builders.get(key);
      if (!b) builders.set(key, (b = task.builder(parsed.model, parsed.variant)));
      b.push(parsed.record);
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      'baseline',
      `cannot read ${file}: ${code === 'ENOENT' ? 'file not found' : (code ?? String(error))}`,
    );
  }
  return new RecordSet([...builders.values()].map((b) => b.finish()));
}

/** Read a report.json and check it against the schema and version. */
export async function readReport(file: string): Promise<Report> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      'baseline',
      `cannot read ${file}: ${code === 'ENOENT' ? 'file not found' : (code ?? String(error))}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UserError('baseline', `${file} is not valid JSON`);
  }
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== undefined && version !== 1) {
    throw new UserError(
      'baseline',
      `${file} has report schemaVersion ${JSON.stringify(version)}; this VisionGate reads version 1. Re-create the baseline with this version.`,
    );
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(
      'baseline',
      `${file} is not a VisionGate report: ${issue.path.join('.')}: ${issue.message}`,
    );
  }
  return parsed.data;
}

/** A stored result directory: the report and its records. */
export interface StoredResult {
  dir: string;
  report: Report;
  records: RecordSet;
}

/** Read a result folder's report and records (of `task`). */
export async function readResultDir(dir: string, task: Task): Promise<StoredResult> {
  const report = await readReport(path.join(dir, RESULT_FILES.report));
  const records = await readRecords(path.join(dir, RESULT_FILES.records), task);
  return { dir, report, records };
}

/**
 * Shard folders as given, where a folder that holds no report.json but sub-folders that do
 * (e.g. what actions/download-artifact writes) stands for those sub-folders.
 */
export async function expandShardDirs(dirs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const d of dirs) {
    const abs = path.resolve(d);
    const entries = await readdir(abs, { withFileTypes: true }).catch(() => {
      throw new UserError('usage', `shard folder not found: ${d}`);
    });
    if (entries.some((e) => e.isFile() && e.name === RESULT_FILES.report)) {
      out.push(abs);
      continue;
    }
    const subs: string[] = [];
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const sub = path.join(abs, e.name);
      if ((await readdir(sub)).includes(RESULT_FILES.report)) subs.push(sub);
    }
    if (subs.length === 0)
      throw new UserError('usage', `${d} holds no ${RESULT_FILES.report}, nor folders that do`);
    out.push(...subs.sort());
  }
  return out;
}
