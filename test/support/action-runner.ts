/**
 * Runs the built Action the way a GitHub runner does: `node dist/index.js` from a copy of exactly
 * the committed action files, with INPUT_* variables, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and
 * GITHUB_EVENT_PATH set, in a workspace that is not the repository.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

/** Copy the committed action.yml and dist/ (per `git ls-files`) into `dest`; returns the list. */
export async function copyCommittedAction(dest: string): Promise<string[]> {
  const files = execFileSync('git', ['ls-files', 'action.yml', 'dist'], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
  for (const f of files) {
    await mkdir(path.dirname(path.join(dest, f)), { recursive: true });
    await cp(path.join(repoRoot, f), path.join(dest, f));
  }
  return files;
}

/** Parse the GITHUB_OUTPUT file format (`name<<delimiter` ... `delimiter`, or `name=value`). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (m) {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== m[2]; i++) body.push(lines[i]!);
      out[m[1]!] = body.join('\n');
    } else if (lines[i]!.includes('=')) {
      const [k, ...v] = lines[i]!.split('=');
      out[k!] = v.join('=');
    }
  }
  return out;
}

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

export interface RunSpec {
  actionDir: string;
  workspace: string;
  /** Scratch folder for the run's files (event payload, output and summary files). */
  tmp: string;
  inputs: Record<string, string>;
  eventName?: string;
  payload?: Record<string, unknown>;
  sha?: string;
  ref?: string;
  repository?: string;
  env?: Record<string, string>;
  /** Node binary to run the action with (default: this process's). */
  node?: string;
}

/** Run dist/index.js of the copied action once. */
export async function runBuiltAction(spec: RunSpec): Promise<ActionRun> {
  const dir = await mkdtemp(path.join(spec.tmp, 'run-'));
  const files = {
    output: path.join(dir, 'output'),
    summary: path.join(dir, 'summary'),
    event: path.join(dir, 'event.json'),
  };
  await writeFile(files.output, '');
  await writeFile(files.summary, '');
  await writeFile(files.event, JSON.stringify(spec.payload ?? {}));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.homedir(),
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: spec.workspace,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_EVENT_NAME: spec.eventName ?? 'push',
    GITHUB_REPOSITORY: spec.repository ?? 'octo/models',
    GITHUB_SHA: spec.sha ?? 'a'.repeat(40),
    GITHUB_REF: spec.ref ?? 'refs/heads/main',
    RUNNER_TEMP: dir,
    RUNNER_OS: 'Linux',
    ...spec.env,
  };
  for (const [k, v] of Object.entries(spec.inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const { code, stdout, stderr } = await new Promise<{
    code: number;
    stdout: string;
    stderr: string;
  }>((resolve) => {
    execFile(
      process.execPath,
      [path.join(spec.actionDir, 'dist/index.js')],
      { cwd: spec.workspace, env, maxBuffer: 64 << 20 },
      (error, out, err) => {
        resolve({
          code: error ? ((error as { code?: number }).code ?? 1) : 0,
          stdout: out,
          stderr: err,
        });
      },
    );
  });
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(await readFile(files.output, 'utf8')),
    summary: await readFile(files.summary, 'utf8'),
  };
}
