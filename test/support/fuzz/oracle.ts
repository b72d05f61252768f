/**
 * What every fuzz case must satisfy, whatever its input:
 * - every CLI call ends, within the bound, with exit code 0, 1 or 2 (never 3);
 * - a valid input is never refused; a planted fault is never passed over;
 * - exit 2 comes with a message that names the file and line, the config key, or the path the
 *   fault is in;
 * - after exit 2 (or 3, or a hang) the output folder is as it was (absent, or the previous
 *   complete run's, byte for byte), and no temporary folder is left beside it;
 * - after exit 0 or 1: report.json validates against schemas/report.schema.json (a NaN would
 *   be written as null, which the schema refuses where a number is required), the JSON-lines
 *   files match the line counts and sha256 it records, the exit code is the one its verdict
 *   and --fail-on give, every example is counted, a merge of shards equals the unsharded run,
 *   report.md escapes every dataset string and junit.xml holds only characters XML allows;
 * - every line written to stderr is safe for a log (no control characters, no workflow command).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { HANG, snapshot, type CaseRun, type Snapshot } from './case.js';
import { CONFIG_NAME } from './config-text.js';

const REPO = path.resolve(import.meta.dirname, '../../..');

let validator: Promise<ValidateFunction> | undefined;
function reportValidator(): Promise<ValidateFunction> {
  validator ??= readFile(path.join(REPO, 'schemas/report.schema.json'), 'utf8').then((text) =>
    new Ajv2020({ strict: false, allErrors: true }).compile(JSON.parse(text) as object),
  );
  return validator;
}

/** Characters no log line may hold raw (see src/log-text.ts); `\n` splits lines. */
const UNSAFE_LOG =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Problems with one case; empty when it passed. */
export async function judge(run: CaseRun): Promise<string[]> {
  const problems: string[] = [];
  for (const c of run.calls) {
    const name = c.args.slice(0, 1).join(' ');
    if (c.code === HANG) problems.push(`${name}: did not end within the bound (${c.stderr})`);
    else if (![0, 1, 2].includes(c.code))
      problems.push(`${name}: exit code ${c.code} (3 is a bug in VisionGate)`);
    c.stderr.split('\n').forEach((line, i) => {
      if (UNSAFE_LOG.test(line))
        problems.push(
          `${name}: stderr line ${i + 1} holds a raw control character: ${JSON.stringify(line)}`,
        );
      if (/^\s*::/.test(line) || line.includes('##['))
        problems.push(
          `${name}: stderr line ${i + 1} could run a workflow command: ${JSON.stringify(line)}`,
        );
    });
  }
  const { final } = run;
  const ok = final.code === 0 || final.code === 1;
  if (!run.faulty && !ok && final.code === 2) problems.push('a valid input was refused (exit 2)');
  if (run.faulty && !run.maybeValid && ok)
    problems.push(`the planted fault was not noticed: exit ${final.code}`);
  if (final.code === 2) problems.push(...messageProblems(run));
  if (!ok) problems.push(...(await unchangedProblems(run)));
  else problems.push(...(await outputProblems(run)));
  problems.push(...(await leftoverProblems(run.out)));
  return problems;
}

function messageProblems(run: CaseRun): string[] {
  const text = run.final.stderr;
  if (!text.includes('visiongate: error:'))
    return ['exit 2 without a "visiongate: error:" message'];
  const anchors = run.anchors ?? [
    CONFIG_NAME,
    'manifest',
    'metadata.jsonl',
    'classes.txt',
    'pinned.txt',
    '.onnx',
    `${path.sep}data`,
    run.out,
    'shard',
  ];
  if (!anchors.some((a) => text.includes(a)))
    return [
      `the message names none of ${JSON.stringify(anchors.slice(0, 12))}${anchors.length > 12 ? ` (+${anchors.length - 12})` : ''}`,
    ];
  return [];
}

function sameSnapshot(a: Snapshot, b: Snapshot): boolean {
  if (a === 'absent' || b === 'absent') return a === b;
  if (!(a instanceof Map) || !(b instanceof Map))
    return !(a instanceof Map) && !(b instanceof Map) && a.file === b.file;
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

async function unchangedProblems(run: CaseRun): Promise<string[]> {
  const now = await snapshot(run.out);
  if (sameSnapshot(run.before, now)) return [];
  const describe = (s: Snapshot) =>
    s === 'absent'
      ? 'absent'
      : s instanceof Map
        ? `a folder of ${[...s.keys()].join(', ')}`
        : 'a file';
  return [
    `after exit ${run.final.code} the output folder changed: was ${describe(run.before)}, is ${describe(now)}`,
  ];
}

/** Temporary folders of the output-folder swap or its write check, left beside the folder. */
async function leftoverProblems(out: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(path.dirname(out));
  } catch {
    return [];
  }
  const left = names.filter((n) => /visiongate-(new|old|check)/.test(n));
  return left.length ? [`temporary folders left beside the output folder: ${left.join(', ')}`] : [];
}

interface ReportLike {
  verdict: 'pass' | 'warn' | 'fail';
  files?: Record<string, { lines: number; sha256: string }>;
  dataset: { examples: number; evaluated: number };
  unreadable: unknown[];
  createdAt?: string;
  timing?: unknown;
}

async function outputProblems(run: CaseRun): Promise<string[]> {
  const problems: string[] = [];
  const at = (f: string) => path.join(run.out, f);
  let text: string;
  try {
    text = await readFile(at('report.json'), 'utf8');
  } catch {
    return [`exit ${run.final.code} but no report.json in ${run.out}`];
  }
  let report: ReportLike;
  try {
    report = JSON.parse(text) as ReportLike;
  } catch (error) {
    return [`report.json is not JSON: ${(error as Error).message}`];
  }
  const validate = await reportValidator();
  if (!validate(report))
    problems.push(
      `report.json does not validate: ${(validate.errors ?? [])
        .slice(0, 5)
        .map((e) => `${e.instancePath} ${e.message}`)
        .join('; ')}`,
    );
  // The JSON-lines files are what report.json says they are.
  for (const [name, digest] of Object.entries(report.files ?? {})) {
    let bytes: Buffer;
    try {
      bytes = await readFile(at(name));
    } catch {
      problems.push(`report.json lists ${name}, which is missing`);
      continue;
    }
    const lines = bytes
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim() !== '').length;
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (lines !== digest.lines || sha !== digest.sha256)
      problems.push(`${name} does not match report.json files (${lines} lines vs ${digest.lines})`);
  }
  if (!report.files) problems.push('report.json has no files digest');
  // The exit code is the verdict's under --fail-on.
  const cmd = run.spec.command;
  const failOn = cmd.kind === 'run' ? (cmd.failOn ?? 'error') : 'error';
  const expected =
    failOn === 'never'
      ? 0
      : report.verdict === 'fail' || (failOn === 'warning' && report.verdict === 'warn')
        ? 1
        : 0;
  if (run.final.code !== expected)
    problems.push(
      `exit ${run.final.code}, but verdict ${report.verdict} with --fail-on ${failOn} is ${expected}`,
    );
  // Nothing dropped silently.
  if (run.expectedExamples !== undefined) {
    if (report.dataset.examples !== run.expectedExamples)
      problems.push(
        `report counts ${report.dataset.examples} examples; the dataset has ${run.expectedExamples}`,
      );
    if (report.dataset.evaluated !== run.expectedExamples || report.unreadable.length > 0)
      problems.push(
        `${report.dataset.evaluated} of ${run.expectedExamples} good images evaluated (${report.unreadable.length} unreadable)`,
      );
  }
  // A merge of all shards is the unsharded run.
  if (run.unsharded !== undefined) {
    const strip = (t: string) => {
      const r = JSON.parse(t) as Record<string, unknown>;
      delete r.createdAt;
      delete r.timing;
      return JSON.stringify(r, null, 1);
    };
    const a = strip(text);
    const b = strip(run.unsharded);
    if (a !== b)
      problems.push(`the merged report differs from the unsharded one: ${firstDifference(a, b)}`);
  }
  problems.push(...markdownProblems(await readFile(at('report.md'), 'utf8').catch(() => '')));
  const junit = await readFile(at('junit.xml'), 'utf8').catch(() => undefined);
  if (junit === undefined) problems.push('junit.xml missing');
  else if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(junit))
    problems.push('junit.xml holds characters XML 1.0 does not allow');
  return problems;
}

function firstDifference(a: string, b: string): string {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++)
    if (la[i] !== lb[i]) return `line ${i + 1}: merged ${la[i]} vs unsharded ${lb[i]}`;
  return 'none';
}

/** HTML the renderer writes itself; any other `<` came from a string that was not escaped. */
const OWN_TAGS = /^<(\/?(details|summary|sub|sup|br|b|code)\b[^<>]*>|!--[^<>]*-->)/;

/** report.md: dataset strings escaped (no raw controls, tags or table-breaking pipes). */
export function markdownProblems(md: string): string[] {
  const problems: string[] = [];
  const lines = md.split('\n');
  lines.forEach((line, i) => {
    const where = `report.md line ${i + 1}`;
    if (
      /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(line)
    )
      problems.push(`${where}: a raw control or bidi character: ${JSON.stringify(line)}`);
    for (let k = line.indexOf('<'); k >= 0; k = line.indexOf('<', k + 1))
      if (!OWN_TAGS.test(line.slice(k)))
        problems.push(`${where}: raw "<" not of VisionGate's own markup: ${JSON.stringify(line)}`);
    if (/\bNaN\b|\bInfinity\b|\[object Object\]/.test(line))
      problems.push(`${where}: shows a non-number: ${JSON.stringify(line)}`);
  });
  // Tables: every row has as many cells (unescaped pipes) as its header.
  const cells = (l: string) => (l.replace(/\\\|/g, '').match(/\|/g) ?? []).length;
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!lines[i]!.startsWith('|') || !/^\|(\s*:?-+:?\s*\|)+\s*$/.test(lines[i + 1]!)) continue;
    const want = cells(lines[i]!);
    for (let j = i + 2; j < lines.length && lines[j]!.startsWith('|'); j++)
      if (cells(lines[j]!) !== want)
        problems.push(
          `report.md line ${j + 1}: ${cells(lines[j]!)} cell separators, the table has ${want}: ${JSON.stringify(lines[j])}`,
        );
  }
  return problems;
}

/** A failure report: the problems, the calls and the files the case wrote (kept in `run.dir`). */
export async function describeFailure(run: CaseRun, problems: string[]): Promise<string> {
  const out: string[] = [
    `${problems.length} problem(s):`,
    ...problems.map((p) => `  - ${p}`),
    `case folder (kept): ${run.dir}`,
    'calls:',
  ];
  for (const c of run.calls)
    out.push(
      `  visiongate ${c.args.map((a) => JSON.stringify(a)).join(' ')}`,
      `    -> exit ${c.code} in ${Math.round(c.ms)} ms`,
      ...clip(c.stderr, 3000)
        .split('\n')
        .map((l) => `    | ${l}`),
    );
  out.push('files:');
  for (const f of run.files) {
    const abs = path.join(run.dir, f);
    const bytes = await readFile(abs).catch(() => undefined);
    out.push(`  ${JSON.stringify(f)} (${bytes?.length ?? '?'} bytes)`);
    const output = /^(out|stored|shard\d+|whole|a\/b\/out)\//.test(f);
    if (bytes && /\.(ya?ml|csv|tsv|jsonl|txt)$/.test(f) && !output)
      out.push(
        ...clip(JSON.stringify(bytes.toString('utf8')), 3000)
          .split('\\n')
          .map((l) => `    | ${l}`),
      );
  }
  return out.join('\n');
}

const clip = (s: string, n: number) =>
  s.length > n ? `${s.slice(0, n)}… (${s.length - n} more)` : s;
