import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, open, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { UserError } from '../errors.js';
import { reportSchema, reportSchemaOf, type Report } from '../report/schema.js';
import { taskNameSchema } from '../tasks/registry.js';
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
  html: 'report.html',
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
 * What report.json records of each JSON-lines file written next to it (`files`): its number of
 * non-blank lines and the sha256 of its bytes, so that a reader can tell a truncated or changed
 * copy (a baseline or shard folder that lost its last lines) from the whole file.
 */
export interface LinesDigest {
  lines: number;
  sha256: string;
}

/** What a reader checks a JSON-lines file against, and how it names the folder in messages. */
export interface LinesCheck {
  /** From report.json `files`; undefined for folders written before it was recorded. */
  expected?: LinesDigest;
  /** E.g. `the shard folder out/s1`. */
  what: string;
}

/**
 * The non-blank lines of a JSON-lines file with their 1-based line numbers, streamed, counted
 * and hashed into `tally`. Reading errors (a missing file) surface from the iteration; each
 * reader words its own.
 */
async function* jsonLines(
  file: string,
  tally: { lines: number; hash: Hash } = { lines: 0, hash: createHash('sha256') },
): AsyncGenerator<{ n: number; text: string }> {
  const input = createReadStream(file);
  input.on('data', (chunk) => tally.hash.update(chunk));
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  for await (const text of lines) {
    n++;
    if (text.trim() === '') continue;
    tally.lines++;
    yield { n, text };
  }
}

/**
 * Every line VisionGate writes ends with a line break: a file that does not was cut off in
 * the middle of its last line (a partial copy or download). Said before any line is parsed, so
 * the message is about the cut, not about invalid JSON. A file that cannot be opened is left to
 * the reader's own message.
 */
async function checkEndsWithLineBreak(file: string, what: string): Promise<void> {
  let last: number | undefined;
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size > 0) {
        const byte = Buffer.alloc(1);
        await handle.read(byte, 0, 1, size - 1);
        last = byte[0];
      }
    } finally {
      await handle.close();
    }
  } catch {
    return;
  }
  if (last !== undefined && last !== 0x0a)
    throw new UserError(
      'baseline',
      `${what} is incomplete: ${path.basename(file)} ends in the middle of a line (the file was cut off). Re-create the folder.`,
    );
}

/** Compare what was read with what report.json recorded. */
function checkDigest(file: string, got: LinesDigest, check: LinesCheck): void {
  const want = check.expected;
  if (!want) return;
  const name = path.basename(file);
  if (got.lines !== want.lines)
    throw new UserError(
      'baseline',
      `${check.what} is incomplete: ${name} has ${got.lines} lines, its ${RESULT_FILES.report} says ${want.lines}. Re-create the folder.`,
    );
  if (got.sha256 !== want.sha256)
    throw new UserError(
      'baseline',
      `${check.what} is damaged: ${name} does not match the sha256 its ${RESULT_FILES.report} records (it was changed after it was written). Re-create the folder.`,
    );
}

/**
 * Read examples.jsonl (image properties per example) of a result folder, line by line; with
 * `check`, a truncated or changed file is refused once it has been read to the end.
 */
export async function* readExampleLines(
  file: string,
  check?: LinesCheck,
): AsyncGenerator<ExampleLine> {
  const tally = { lines: 0, hash: createHash('sha256') };
  if (check) await checkEndsWithLineBreak(file, check.what);
  try {
    for await (const { n, text: l } of jsonLines(file, tally)) {
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
  if (check) checkDigest(file, { lines: tally.lines, sha256: tally.hash.digest('hex') }, check);
}

/**
 * Write lines to a file atomically, streaming with back-pressure: a records file of millions of
 * lines is never built as one string in memory. Returns what report.json records of the file.
 */
export async function writeLinesAtomic(
  file: string,
  lines: Iterable<string>,
): Promise<LinesDigest> {
  const hash = createHash('sha256');
  let count = 0;
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
    hash.update(text, 'utf8');
    if (!out.write(text)) await Promise.race([once(out, 'drain'), failed]);
  };
  for (const line of lines) {
    if (line.trim() !== '') count++;
    chunk.push(line);
    size += line.length;
    if (size >= 65536) await flush();
  }
  if (size > 0) await flush();
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
  await rename(tmp, file);
  return { lines: count, sha256: hash.digest('hex') };
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
 * Tables are in the order their (model, variant) first appears in the file. With `check`, a
 * truncated or changed file is refused.
 */
export async function readRecords(
  file: string,
  task: Task,
  check?: LinesCheck,
): Promise<RecordSet> {
  const builders = new Map<string, RecordBuilder>();
  const tally = { lines: 0, hash: createHash('sha256') };
  if (check) await checkEndsWithLineBreak(file, check.what);
  try {
    for await (const { n, text: line } of jsonLines(file, tally)) {
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
  if (check) checkDigest(file, { lines: tally.lines, sha256: tally.hash.digest('hex') }, check);
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
  // The report's own task's schema: the union of every task's would keep the first that fits.
  const task = taskNameSchema.safeParse((json as { task?: unknown } | null)?.task);
  const parsed = (
    task.success ? reportSchemaOf(task.data ?? 'classification') : reportSchema
  ).safeParse(json);
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
  /** What the reader should know about the folder (written by an older version, ...). */
  notices: string[];
}

/**
 * Read a result folder (a stored baseline, a shard): its report and its records (of `task`), checked
 * against what the report recorded of them. `what` names the folder in messages.
 */
export async function readResultDir(
  dir: string,
  task: Task,
  what = `the stored result in ${dir}`,
): Promise<StoredResult> {
  const report = await readReport(path.join(dir, RESULT_FILES.report));
  const expected = report.files?.[RESULT_FILES.records];
  const records = await readRecords(path.join(dir, RESULT_FILES.records), task, {
    what,
    ...(expected ? { expected } : {}),
  });
  const notices = expected
    ? []
    : [
        `${what[0]!.toUpperCase()}${what.slice(1)} was written by an older VisionGate: its ${RESULT_FILES.report} does not record the line count and sha256 of ${RESULT_FILES.records}, so a truncated copy cannot be told from a whole one. Re-create it to have it checked.`,
      ];
  return { dir, report, records, notices };
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
