/**
 * Drives the built Action exactly as a GitHub runner does: `node dist/index.js` from a copy of the
 * committed files only (action.yml + dist/), with INPUT_* variables, GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY and GITHUB_EVENT_PATH, in a workspace that is not the repo.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../..');
let tmp: string;
let actionDir: string;
let workspace: string;

/** Parse the GITHUB_OUTPUT file format (name<<delimiter ... delimiter). */
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

/** Run dist/index.js of the clean copy with the given inputs and extra environment. */
export async function runAction(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  node = process.execPath,
): Promise<ActionRun> {
  const runDir = await mkdtemp(path.join(tmp, 'run-'));
  const outputFile = path.join(runDir, 'output');
  const summaryFile = path.join(runDir, 'summary');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const eventPath = path.join(runDir, 'event.json');
  await writeFile(
    eventPath,
    JSON.stringify({
      ref: 'refs/heads/main',
      repository: { full_name: 'octo/models', default_branch: 'main' },
    }),
  );
  const baseEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.homedir(),
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REPOSITORY: 'octo/models',
    GITHUB_SHA: 'a'.repeat(40),
    GITHUB_REF: 'refs/heads/main',
    RUNNER_TEMP: runDir,
    RUNNER_OS: 'Linux',
  };
  for (const [k, v] of Object.entries(inputs)) baseEnv[`INPUT_${k.toUpperCase()}`] = v;
  return new Promise((resolve) => {
    execFile(
      node,
      [path.join(actionDir, 'dist/index.js')],
      { cwd: workspace, env: { ...baseEnv, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        void (async () => {
          resolve({
            code: error ? ((error as { code?: number }).code ?? 1) : 0,
            stdout,
            stderr,
            outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
            summary: await readFile(summaryFile, 'utf8'),
          });
        })();
      },
    );
  });
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-action-'));
  // A clean copy of exactly the committed action files: nothing untracked can help it run.
  actionDir = path.join(tmp, 'action');
  const files = execFileSync('git', ['ls-files', 'action.yml', 'dist'], {
    cwd: repo,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
  expect(files).toContain('dist/index.js');
  expect(files.some((f) => f.startsWith('dist/node_modules/onnxruntime-node/'))).toBe(true);
  for (const f of files) {
    await mkdir(path.dirname(path.join(actionDir, f)), { recursive: true });
    await cp(path.join(repo, f), path.join(actionDir, f));
  }
  workspace = path.join(tmp, 'workspace');
  await cp(path.join(repo, 'examples/fashion'), path.join(workspace, 'ml'), { recursive: true });
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('the packaged Action (dist/index.js)', () => {
  it('evaluates, writes outputs and the job summary, and fails the step on a failed gate', async () => {
    const r = await runAction({ config: 'ml/visiongate.yml', 'out-dir': 'vg-out' });
    expect(r.code).toBe(1);
    expect(r.outputs.verdict).toBe('fail');
    expect(r.outputs['report-json']).toBe(path.join(workspace, 'vg-out/report.json'));
    const report = JSON.parse(await readFile(r.outputs['report-json']!, 'utf8'));
    expect(report.verdict).toBe('fail');
    expect(r.summary).toContain('VisionGate · fashion: failed');
    expect(r.summary).toContain('lighting=dim');
    expect(r.stdout).toContain('::error');
    expect(r.stdout).toContain('VisionGate verdict: fail');
    // Gate failures are annotated on the config file line of the gate.
    expect(r.stdout).toMatch(/::error title=[^:]*,file=ml\/visiongate\.yml,line=\d+::/);
  });

  it('reports but does not fail with fail-on: never', async () => {
    const r = await runAction({
      config: 'ml/visiongate.yml',
      'out-dir': 'vg-out-never',
      'fail-on': 'never',
    });
    expect(r.code).toBe(0);
    expect(r.outputs.verdict).toBe('fail');
  });

  it('stops with a readable message on an invalid input and on a broken config', async () => {
    const bad = await runAction({ config: 'ml/visiongate.yml', 'fail-on': 'sometimes' });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(
      'input "fail-on" is invalid (got "sometimes"): allowed: error, warning, never',
    );
    await writeFile(
      path.join(workspace, 'ml/broken.yml'),
      'dataset: { root: data }\nmodel: { path: models/candidate.onnx, colour: red }\n',
    );
    const broken = await runAction({ config: 'ml/broken.yml' });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('broken.yml:2: model: unknown key "colour"');
    expect(broken.stdout).not.toMatch(/\n\s+at /);
  });
});
