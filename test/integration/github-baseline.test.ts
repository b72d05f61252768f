/**
 * Baseline store on a branch (git data API) and the artifact route, against the fake GitHub:
 * written on push, found again by PR runs (merge base first, newest as fallback), concurrent
 * writes, and the first run with no baseline at all; and, for a real run of each task, the
 * stored baseline found again and compared with as if the baseline model had run alongside.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fetchBaseline } from '../../src/action/baseline.js';
import { readInputs } from '../../src/action/inputs.js';
import { readReport } from '../../src/engine/results.js';
import { runFromConfigFile } from '../../src/engine/run.js';
import type { Report } from '../../src/report/schema.js';
import {
  lookupBaseline,
  publish,
  type BaselineFile,
  type PublishInput,
} from '../../src/github/index.js';
import { startFakeGitHub, type FakeGitHub, type FakeRepo } from '../support/fake-github/index.js';
import { fakePort } from '../support/fake-github/port.js';
import { seedRepository, webhookExample } from '../support/fake-github/webhooks.js';
import {
  modelOf,
  publishRun,
  runExample,
  TASK_EXAMPLES,
  writeExampleConfig,
  type ExampleRun,
} from '../support/task-examples.js';

const REPO = { owner: 'Codertocat', repo: 'Hello-World' };
const STORE = 'visiongate-baselines';
let fake: FakeGitHub;
let repo: FakeRepo;
let root: string;
let pushed: string;
let prHead: string;

const text = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('utf8');

function files(sha: string): BaselineFile[] {
  return [
    { path: 'report.json', content: JSON.stringify({ schemaVersion: 1, sha, verdict: 'pass' }) },
    { path: 'records.jsonl', content: `{"id":"a","sha":"${sha}"}\n{"id":"b"}\n` },
    { path: 'extra/notes.bin', content: new Uint8Array([0, 255, 1, 254]) },
  ];
}

function pushInput(after: string, extra: Partial<PublishInput> = {}): PublishInput {
  const payload = webhookExample('push', undefined, (p) => p['ref'] === 'refs/heads/master');
  payload['after'] = after;
  if (extra.ref) payload['ref'] = extra.ref;
  return {
    eventName: 'push',
    payload,
    sha: after,
    ref: 'refs/heads/master',
    key: 'default',
    verdict: 'pass',
    render: () => 'report',
    metrics: { accuracy: 0.9, ece: 0.03 },
    baselineFiles: files(after),
    runUrl: 'https://github.com/Codertocat/Hello-World/actions/runs/11',
    modes: { check: false },
    ...extra,
  };
}

function prLookup(prNumber = 2, head = prHead) {
  const payload = webhookExample('pull_request', 'opened');
  const pr = payload['pull_request'] as { number: number; head: { sha: string } };
  pr.number = prNumber;
  pr.head.sha = head;
  return { eventName: 'pull_request', payload, sha: 'e'.repeat(40), key: 'default' };
}

beforeEach(async () => {
  fake = await startFakeGitHub();
  const push = webhookExample('push', undefined, (p) => p['ref'] === 'refs/heads/master');
  repo = seedRepository(fake, push);
  root = repo.commit({ files: { 'README.md': 'hello' } });
  pushed = repo.commit({
    parents: [root],
    sha: push['after'] as string,
    files: { 'model.onnx': 'v1' },
  });
  repo.setBranch('master', pushed);
  const pr = webhookExample('pull_request', 'opened')['pull_request'] as {
    number: number;
    head: { sha: string; ref: string };
  };
  prHead = repo.commit({ parents: [pushed], sha: pr.head.sha, files: { 'model.onnx': 'v2' } });
  repo.addPull({ number: pr.number, headSha: prHead, headRef: pr.head.ref, baseRef: 'master' });
});

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  expect(fake.responseViolations).toEqual([]);
  await fake.close();
});

describe('baseline branch', () => {
  it('reports "no baseline yet" on the very first run, as a notice', async () => {
    const port = fakePort(fake, REPO);
    const result = await lookupBaseline(port, prLookup());
    expect(result.warnings).toEqual([]);
    expect(result.baseline).toMatchObject({ found: false, reason: 'no-store' });
    expect(result.notices[0]).toMatch(/^No baseline yet/);
    expect(result.mergeBase).toBe(pushed);
  });

  it('is written on push to the default branch and found by a PR at its merge base', async () => {
    const port = fakePort(fake, REPO);
    const stored = await publish(port, pushInput(pushed));
    expect(stored.warnings).toEqual([]);
    expect(stored.baseline).toMatchObject({
      sha: pushed,
      branch: 'master',
      storeBranch: STORE,
      path: `default/${pushed}`,
      attempts: 1,
      createdBranch: true,
    });
    expect(repo.listFiles(STORE)).toEqual([
      `default/${pushed}/extra/notes.bin`,
      `default/${pushed}/records.jsonl`,
      `default/${pushed}/report.json`,
      'default/history.jsonl',
      'default/latest.json',
    ]);
    const latest = JSON.parse(repo.readFile(STORE, 'default/latest.json')!);
    expect(latest).toMatchObject({
      key: 'default',
      sha: pushed,
      branch: 'master',
      metrics: { accuracy: 0.9 },
    });

    // Master moves on and is stored again: that is now the newest.
    const next = repo.commit({ parents: [pushed], files: { 'model.onnx': 'v1.1' } });
    repo.setBranch('master', next);
    const again = await publish(port, pushInput(next));
    expect(again.baseline).toMatchObject({ sha: next, createdBranch: false });
    const history = repo
      .readFile(STORE, 'default/history.jsonl')!
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { sha: string });
    expect(history.map((h) => h.sha)).toEqual([pushed, next]);

    // The PR branched off at `pushed`: its merge base wins over the newest.
    const found = await lookupBaseline(port, prLookup());
    expect(found.warnings).toEqual([]);
    expect(found.baseline).toMatchObject({
      found: true,
      source: 'branch',
      sha: pushed,
      reason: 'merge-base',
    });
    if (!found.baseline.found) throw new Error('unreachable');
    expect(text(found.baseline.files.get('report.json'))).toContain(pushed);
    expect(text(found.baseline.files.get('records.jsonl'))).toContain('"id":"b"');
    expect([...found.baseline.files.get('extra/notes.bin')!]).toEqual([0, 255, 1, 254]);
  });

  it('falls back to the newest baseline of the base branch and says which commit', async () => {
    const port = fakePort(fake, REPO);
    await publish(port, pushInput(pushed));
    // A PR that branched off before anything was stored.
    const oldHead = repo.commit({ parents: [root], files: { 'model.onnx': 'old' } });
    repo.addPull({ number: 3, headSha: oldHead, headRef: 'old', baseRef: 'master' });
    const found = await lookupBaseline(port, prLookup(3, oldHead));
    expect(found.mergeBase).toBe(root);
    expect(found.baseline).toMatchObject({ found: true, sha: pushed, reason: 'latest-for-branch' });
    if (!found.baseline.found) throw new Error('unreachable');
    expect(found.baseline.detail).toContain(
      `no baseline stored for the merge base ${root.slice(0, 7)}`,
    );
    expect(found.baseline.detail).toContain(pushed.slice(0, 7));
  });

  it('skips the newest entry when it belongs to another branch', async () => {
    const port = fakePort(fake, REPO);
    await publish(port, pushInput(pushed));
    const release = repo.commit({ parents: [pushed] });
    repo.setBranch('release', release);
    await publish(
      port,
      pushInput(release, {
        ref: 'refs/heads/release',
        modes: { check: false, storeBaseline: 'always' },
      }),
    );
    const found = await lookupBaseline(port, {
      eventName: 'schedule',
      payload: { schedule: '0 3 * * *' },
      sha: release,
      ref: 'refs/heads/master',
      key: 'default',
    });
    expect(found.baseBranch).toBe('master');
    expect(found.baseline).toMatchObject({ found: true, sha: pushed, reason: 'latest-for-branch' });
  });

  it('does not store from pull requests, other branches or failing nightly runs', async () => {
    const port = fakePort(fake, REPO);
    const pr = await publish(port, {
      ...pushInput(prHead),
      eventName: 'pull_request',
      payload: webhookExample('pull_request', 'opened'),
      modes: { check: false, comment: false },
    });
    expect(pr.baseline).toBeUndefined();
    const feature = await publish(port, pushInput(prHead, { ref: 'refs/heads/changes' }));
    expect(feature.notices.join('\n')).toContain('changes is not the default branch');
    const nightly = await publish(port, {
      ...pushInput(pushed),
      eventName: 'schedule',
      payload: { schedule: '0 3 * * *' },
      verdict: 'fail',
    });
    expect(nightly.notices.join('\n')).toContain(
      'failing scheduled run does not replace the baseline',
    );
    expect(repo.branch(STORE)).toBeUndefined();
    const green = await publish(port, {
      ...pushInput(pushed),
      eventName: 'schedule',
      payload: { schedule: '0 3 * * *' },
    });
    expect(green.baseline?.sha).toBe(pushed);
  });

  it('lets two concurrent stores both land (the loser retries on the new head)', async () => {
    const a = repo.commit({ parents: [pushed], files: { 'model.onnx': 'a' } });
    const b = repo.commit({ parents: [pushed], files: { 'model.onnx': 'b' } });
    await publish(fakePort(fake, REPO), pushInput(pushed));
    // Hold the first ref update until the second arrives: both have read the same head.
    let release!: () => void;
    const bothArrived = new Promise<void>((resolve) => (release = resolve));
    let arrived = 0;
    fake.before(
      'git/update-ref',
      async () => {
        arrived += 1;
        if (arrived === 1) await bothArrived;
        else release();
      },
      2,
    );
    const [ra, rb] = await Promise.all([
      publish(
        fakePort(fake, REPO),
        pushInput(a, { modes: { check: false, storeBaseline: 'always' } }),
      ),
      publish(
        fakePort(fake, REPO),
        pushInput(b, { modes: { check: false, storeBaseline: 'always' } }),
      ),
    ]);
    expect(ra.warnings).toEqual([]);
    expect(rb.warnings).toEqual([]);
    expect([ra.baseline!.attempts, rb.baseline!.attempts].sort()).toEqual([1, 2]);
    // The first store created the branch; of the two racing updates one lost once.
    expect(fake.calls('git/create-ref').map((c) => c.status)).toEqual([201]);
    expect(
      fake
        .calls('git/update-ref')
        .map((c) => c.status)
        .sort(),
    ).toEqual([200, 200, 422]);
    const files = repo.listFiles(STORE);
    for (const sha of [pushed, a, b]) expect(files).toContain(`default/${sha}/report.json`);
    const history = repo
      .readFile(STORE, 'default/history.jsonl')!
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { sha: string }).sha);
    expect(history).toHaveLength(3);
    expect(new Set(history)).toEqual(new Set([pushed, a, b]));
  });

  it('retries when another writer moves the branch between read and ref update', async () => {
    const port = fakePort(fake, REPO);
    await publish(port, pushInput(pushed));
    const later = repo.commit({ parents: [pushed] });
    let raced = false;
    fake.before('git/update-ref', async () => {
      // Exactly when our first update arrives, someone else stores first.
      raced = true;
      const other = repo.commit({ parents: [pushed], files: { x: 'y' } });
      await publish(fakePort(fake, REPO), pushInput(other));
    });
    const result = await publish(port, pushInput(later));
    expect(raced).toBe(true);
    expect(result.warnings).toEqual([]);
    expect(result.baseline?.attempts).toBe(2);
    expect(repo.readFile(STORE, 'default/history.jsonl')!.trim().split('\n')).toHaveLength(3);
    expect(JSON.parse(repo.readFile(STORE, 'default/latest.json')!).sha).toBe(later);
  });

  it('reads large index files through the blob API', async () => {
    repo.contentsInlineLimit = 16;
    const port = fakePort(fake, REPO);
    await publish(port, pushInput(pushed));
    const next = repo.commit({ parents: [pushed] });
    await publish(port, pushInput(next));
    expect(repo.readFile(STORE, 'default/history.jsonl')!.trim().split('\n')).toHaveLength(2);
    const found = await lookupBaseline(port, { ...prLookup(), key: 'default' });
    expect(found.baseline.found).toBe(true);
    expect(fake.calls('git/get-blob').length).toBeGreaterThan(0);
  });

  it('keeps a hostile key inside its own folder', async () => {
    const port = fakePort(fake, REPO);
    const result = await publish(port, pushInput(pushed, { key: '../../.github/workflows' }));
    expect(result.warnings).toEqual([]);
    const files = repo.listFiles(STORE);
    expect(files.every((f) => /^github-workflows-[0-9a-f]{10}\//.test(f))).toBe(true);
  });

  it('turns a store failure into a warning', async () => {
    fake.inject('git/create-blob', { kind: 'server-error', status: 500 }, Infinity);
    const result = await publish(fakePort(fake, REPO, { retries: 1 }), pushInput(pushed));
    expect(result.baseline).toBeUndefined();
    expect(result.warnings).toEqual([
      expect.stringMatching(/^Baseline store failed: GitHub answered 500/),
    ]);
  });
});

describe('baseline artifact', () => {
  const source = {
    kind: 'artifact' as const,
    workflow: 'baseline.yml',
    artifactName: 'visiongate-baseline',
  };
  const artifactFiles = (tag: string) => ({
    'report.json': `{"tag":"${tag}"}`,
    'records.jsonl': '{}\n',
  });

  it('reports no successful run yet as a notice', async () => {
    repo.addWorkflowRun({
      workflowPath: '.github/workflows/baseline.yml',
      headBranch: 'master',
      headSha: pushed,
      conclusion: 'failure',
    });
    const result = await lookupBaseline(fakePort(fake, REPO), { ...prLookup(), source });
    expect(result.warnings).toEqual([]);
    expect(result.baseline).toMatchObject({ found: false, reason: 'no-successful-run' });
  });

  it('prefers the run at the merge base, else the newest successful run with the artifact', async () => {
    const newer = repo.commit({ parents: [pushed] });
    repo.addWorkflowRun({
      workflowPath: '.github/workflows/baseline.yml',
      headBranch: 'master',
      headSha: pushed,
      artifacts: [{ name: 'visiongate-baseline', files: artifactFiles('at-merge-base') }],
    });
    repo.addWorkflowRun({
      workflowPath: '.github/workflows/baseline.yml',
      headBranch: 'master',
      headSha: newer,
      artifacts: [{ name: 'visiongate-baseline', files: artifactFiles('newest') }],
    });
    repo.addWorkflowRun({
      workflowPath: '.github/workflows/baseline.yml',
      headBranch: 'master',
      headSha: newer,
      artifacts: [{ name: 'visiongate-baseline', files: artifactFiles('expired'), expired: true }],
    });
    const port = fakePort(fake, REPO);
    const atBase = await lookupBaseline(port, { ...prLookup(), source });
    expect(atBase.baseline).toMatchObject({
      found: true,
      source: 'artifact',
      sha: pushed,
      reason: 'merge-base',
    });
    if (!atBase.baseline.found) throw new Error('unreachable');
    expect(text(atBase.baseline.files.get('report.json'))).toContain('at-merge-base');

    const oldHead = repo.commit({ parents: [root] });
    repo.addPull({ number: 5, headSha: oldHead, headRef: 'old', baseRef: 'master' });
    const newest = await lookupBaseline(port, { ...prLookup(5, oldHead), source });
    expect(newest.baseline).toMatchObject({ found: true, sha: newer, reason: 'latest-for-branch' });
    if (!newest.baseline.found) throw new Error('unreachable');
    expect(text(newest.baseline.files.get('report.json'))).toContain('newest');
    expect(newest.baseline.detail).toContain('no run at the merge base');
  });

  it('reports a missing artifact and a missing workflow as "no baseline yet"', async () => {
    repo.addWorkflowRun({
      workflowPath: '.github/workflows/baseline.yml',
      headBranch: 'master',
      headSha: pushed,
    });
    const port = fakePort(fake, REPO);
    const none = await lookupBaseline(port, { ...prLookup(), source });
    expect(none.baseline).toMatchObject({ found: false, reason: 'no-artifact' });
    const wrong = await lookupBaseline(port, {
      ...prLookup(),
      source: { ...source, workflow: 'nope.yml' },
    });
    expect(wrong.baseline).toMatchObject({ found: false, reason: 'no-successful-run' });
    expect(wrong.warnings).toEqual([]);
  });
});

/** A report without what says where its baseline and config came from and when it ran. */
function comparable(report: Report): unknown {
  const {
    createdAt: _a,
    timing: _b,
    files: _c,
    notices: _d,
    config: _e,
    models,
    comparison,
    ...rest
  } = report;
  return {
    ...rest,
    models: {
      candidate: models.candidate,
      baseline: { ...models.baseline, source: '', stored: undefined },
    },
    comparison: { ...comparison, baseline: '' },
  };
}

describe.each(TASK_EXAMPLES)('a stored baseline of a $task run', (t) => {
  let dir: string;
  let sameRun: ExampleRun;
  let pushRun: ExampleRun;
  let withoutBaseline: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vg-stored-'));
    const config = await writeExampleConfig(t, dir);
    sameRun = await runExample(config, path.join(dir, 'same-run'));
    // A push to the default branch evaluates the baseline model alone and stores that.
    pushRun = await runExample(config, path.join(dir, 'push'), [
      '--no-baseline',
      '--model',
      modelOf(t, 'baseline'),
    ]);
    const pr = path.join(dir, 'pr');
    await mkdir(pr);
    withoutBaseline = await writeExampleConfig(t, pr, { baseline: false });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is stored on push, found at the merge base, and compares as the baseline model run alongside', async () => {
    const port = fakePort(fake, REPO);
    const stored = await publishRun(
      port,
      {
        eventName: 'push',
        payload: pushInput(pushed).payload,
        sha: pushed,
        ref: 'refs/heads/master',
      },
      pushRun,
      { comment: 'false', check: 'false' },
    );
    expect(stored.warnings).toEqual([]);
    expect(stored.baseline).toMatchObject({ sha: pushed, path: `${t.key}/${pushed}` });
    expect(repo.listFiles(STORE)).toEqual(
      expect.arrayContaining(
        ['examples.jsonl', 'records.jsonl', 'report.json'].map((f) => `${t.key}/${pushed}/${f}`),
      ),
    );
    // The history holds the task's own metrics, for the nightly trend.
    const latest = JSON.parse(repo.readFile(STORE, `${t.key}/latest.json`)!) as {
      metrics: Record<string, number>;
    };
    expect(latest.metrics[t.headline]).toBe(pushRun.report.overall.candidate[t.headline]);

    // The PR run finds it as the Action does and hands it to the baseline resolver.
    vi.stubEnv('RUNNER_TEMP', dir);
    const found = await fetchBaseline(
      port,
      readInputs(() => ''),
      { ...prLookup(), sha: 'e'.repeat(40) },
      t.key,
    ).finally(() => vi.unstubAllEnvs());
    expect(found).toMatchObject({ commit: pushed, ref: 'master' });
    if (!found) throw new Error('unreachable');
    // Read back, the stored report is the pushed run's, with every field of its task.
    expect(await readReport(path.join(found.dir, 'report.json'))).toEqual(pushRun.report);
    expect(await readFile(path.join(found.dir, 'records.jsonl'), 'utf8')).toBe(
      await readFile(pushRun.written.records, 'utf8'),
    );
    const { report } = await runFromConfigFile(withoutBaseline, { found });
    expect(report.models.baseline).toMatchObject({ source: 'stored', stored: { commit: pushed } });
    expect(report.comparison.baseline).toBe('stored');
    expect(report.verdict).toBe('fail');
    expect(comparable(report)).toEqual(comparable(sameRun.report));
  });
});
