/**
 * Check runs, the commit-status fallback, retries and rate limits, against the fake GitHub; and
 * the check run of a real report of each task, published as the Action publishes it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CHECK_TEXT_LIMIT,
  publish,
  type CheckAnnotation,
  type PublishInput,
} from '../../src/github/index.js';
import { headline } from '../../src/report/headline.js';
import type { Level } from '../../src/types.js';
import { startFakeGitHub, type FakeGitHub, type FakeRepo } from '../support/fake-github/index.js';
import { fakePort } from '../support/fake-github/port.js';
import { seedRepository, webhookExample } from '../support/fake-github/webhooks.js';
import {
  publishRun,
  runExample,
  TASK_EXAMPLES,
  writeExampleConfig,
  type ExampleRun,
} from '../support/task-examples.js';

const REPO = { owner: 'Codertocat', repo: 'Hello-World' };
let fake: FakeGitHub;
let repo: FakeRepo;
let headSha: string;

function input(verdict: Level, extra: Partial<PublishInput> = {}): PublishInput {
  return {
    eventName: 'pull_request',
    payload: webhookExample('pull_request', 'synchronize'),
    sha: 'f'.repeat(40),
    key: 'default',
    verdict,
    title: `accuracy 0.91 (${verdict})`,
    render: () => `### VisionGate: ${verdict}`,
    runUrl: 'https://github.com/Codertocat/Hello-World/actions/runs/7',
    modes: { comment: false },
    ...extra,
  };
}

function annotations(n: number): CheckAnnotation[] {
  return Array.from({ length: n }, (_, i) => ({
    path: 'visiongate.yml',
    startLine: i + 1,
    level: i % 2 ? 'warning' : 'failure',
    message: `gate ${i} failed`,
    title: `gate ${i}`,
  }));
}

beforeEach(async () => {
  fake = await startFakeGitHub();
  const payload = webhookExample('pull_request', 'synchronize');
  repo = seedRepository(fake, payload);
  const pr = payload['pull_request'] as {
    number: number;
    head: { sha: string; ref: string };
    base: { ref: string };
  };
  headSha = pr.head.sha;
  const root = repo.commit({ files: { 'visiongate.yml': 'gates: []' } });
  repo.setBranch('master', root);
  repo.commit({ parents: [root], sha: headSha });
  repo.addPull({ number: pr.number, headSha, headRef: pr.head.ref, baseRef: pr.base.ref });
});

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  expect(fake.responseViolations).toEqual([]);
  await fake.close();
});

describe('check run', () => {
  it.each([
    ['pass', false, 'success'],
    ['warn', false, 'neutral'],
    ['fail', false, 'failure'],
    ['pass', true, 'success'],
    ['warn', true, 'neutral'],
    ['fail', true, 'neutral'],
  ] as const)(
    'verdict %s (informational: %s) concludes %s',
    async (verdict, informational, conclusion) => {
      const port = fakePort(fake, REPO);
      const result = await publish(
        port,
        input(verdict, { modes: { comment: false, informational } }),
      );
      expect(result.warnings).toEqual([]);
      expect(result.check).toMatchObject({
        kind: 'check-run',
        conclusion,
        name: 'VisionGate (default)',
      });
      const [run] = [...repo.checkRuns.values()];
      expect(run).toMatchObject({
        name: 'VisionGate (default)',
        headSha,
        status: 'completed',
        conclusion,
        externalId: 'default',
        detailsUrl: 'https://github.com/Codertocat/Hello-World/actions/runs/7',
      });
      expect(run!.output.title).toBe(`accuracy 0.91 (${verdict})`);
      expect(run!.output.summary).toContain(`### VisionGate: ${verdict}`);
    },
  );

  it('sends 120 annotations in three requests of at most 50', async () => {
    const port = fakePort(fake, REPO);
    const result = await publish(port, input('fail', { annotations: annotations(120) }));
    expect(result.warnings).toEqual([]);
    expect(result.check).toMatchObject({ kind: 'check-run', annotationRequests: 3 });
    expect(fake.calls('checks/create')).toHaveLength(1);
    expect(fake.calls('checks/update')).toHaveLength(2);
    const run = [...repo.checkRuns.values()][0]!;
    expect(run.annotations).toHaveLength(120);
    expect(run.annotations.map((a) => a.start_line)).toEqual(
      Array.from({ length: 120 }, (_, i) => i + 1),
    );
    expect(run.conclusion).toBe('failure');
  });

  it('fits the summary into the 65,535-character check limit', async () => {
    const port = fakePort(fake, REPO);
    const result = await publish(port, input('pass', { render: () => 'y'.repeat(100_000) }));
    expect(result.warnings).toEqual([]);
    const summary = [...repo.checkRuns.values()][0]!.output.summary!;
    expect(summary.length).toBeLessThanOrEqual(CHECK_TEXT_LIMIT);
    expect(summary).toContain('Truncated to fit');
  });

  it('adds one check per suite when asked', async () => {
    const port = fakePort(fake, REPO);
    const result = await publish(
      port,
      input('fail', {
        suites: [
          { suite: 'regression', verdict: 'fail', render: () => 'reg' },
          { suite: 'robustness', verdict: 'pass', render: () => 'rob' },
        ],
      }),
    );
    expect(result.suiteChecks.map((c) => c.kind === 'check-run' && c.conclusion)).toEqual([
      'failure',
      'success',
    ]);
    expect([...repo.checkRuns.values()].map((r) => r.name)).toEqual([
      'VisionGate (default)',
      'VisionGate (default) / regression',
      'VisionGate (default) / robustness',
    ]);
  });

  it('falls back to a commit status when the token may not create checks', async () => {
    fake.inject('checks/create', { kind: 'forbidden' }, Infinity);
    const port = fakePort(fake, REPO);
    const result = await publish(port, input('fail', { title: 'x'.repeat(300) }));
    expect(result.warnings).toEqual([]);
    expect(result.check).toMatchObject({
      kind: 'status',
      state: 'failure',
      context: 'VisionGate (default)',
    });
    expect(result.notices.join('\n')).toMatch(/checks: write.*commit status/);
    expect(repo.statuses).toHaveLength(1);
    const status = repo.statuses[0]!;
    expect(status).toMatchObject({
      sha: headSha,
      state: 'failure',
      context: 'VisionGate (default)',
    });
    expect(status.description!.length).toBeLessThanOrEqual(140);
    expect(status.targetUrl).toBe('https://github.com/Codertocat/Hello-World/actions/runs/7');
  });

  it('reports warn and informational fail as a successful status with the verdict spelled out', async () => {
    fake.inject('checks/create', { kind: 'forbidden' }, Infinity);
    const port = fakePort(fake, REPO);
    await publish(port, input('warn'));
    await publish(port, input('fail', { modes: { comment: false, informational: true } }));
    expect(repo.statuses.map((s) => [s.state, s.description])).toEqual([
      ['success', '[warn] accuracy 0.91 (warn)'],
      ['success', '[fail, informational] accuracy 0.91 (fail)'],
    ]);
  });

  it('skips with a notice when neither checks nor statuses may be written', async () => {
    fake.inject('checks/create', { kind: 'forbidden' }, Infinity);
    fake.inject('repos/create-commit-status', { kind: 'forbidden' }, Infinity);
    const port = fakePort(fake, REPO);
    const result = await publish(port, input('fail'));
    expect(result.check).toBeUndefined();
    expect(result.warnings).toEqual([]);
    expect(result.notices.join('\n')).toContain('Check skipped');
  });
});

describe('retries', () => {
  it('retries 500 and 502 answers with backoff', async () => {
    fake.inject('checks/create', { kind: 'server-error', status: 502 }, 2);
    fake.inject('issues/list-comments', { kind: 'server-error', status: 500 }, 1);
    const port = fakePort(fake, REPO);
    const result = await publish(port, input('pass', { modes: {} }));
    expect(result.warnings).toEqual([]);
    expect(result.check?.kind).toBe('check-run');
    expect(result.comment?.action).toBe('created');
    expect(fake.calls('checks/create').map((c) => c.status)).toEqual([502, 502, 201]);
    expect(fake.calls('issues/list-comments').map((c) => c.status)).toEqual([500, 200]);
  });

  it('waits out a secondary rate limit (403 and 429 with retry-after)', async () => {
    fake.inject('checks/create', { kind: 'secondary-rate-limit', retryAfter: 2 }, 1);
    fake.inject(
      'issues/create-comment',
      { kind: 'secondary-rate-limit', status: 429, retryAfter: 1 },
      1,
    );
    const warnings: string[] = [];
    const port = fakePort(fake, REPO, { warnings });
    const result = await publish(port, input('pass', { modes: {} }));
    expect(result.warnings).toEqual([]);
    expect(fake.calls('checks/create').map((c) => c.status)).toEqual([403, 201]);
    expect(fake.calls('issues/create-comment').map((c) => c.status)).toEqual([429, 201]);
    expect(warnings.join('\n')).toContain('secondary rate limit');
  });

  it('gives up after the configured retries and reports a warning, not a throw', async () => {
    fake.inject('checks/create', { kind: 'server-error', status: 502 }, Infinity);
    const port = fakePort(fake, REPO, { retries: 2 });
    const result = await publish(port, input('fail', { modes: {} }));
    expect(result.check).toBeUndefined();
    expect(result.warnings).toEqual([expect.stringContaining('Check failed: GitHub answered 502')]);
    expect(fake.calls('checks/create')).toHaveLength(3);
    // The comment step still ran.
    expect(result.comment?.action).toBe('created');
  });
});

describe.each(TASK_EXAMPLES)('the check run of a $task report', (t) => {
  let dir: string;
  let config: string;
  let failing: ExampleRun;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vg-check-'));
    config = await writeExampleConfig(t, dir);
    failing = await runExample(config, path.join(dir, 'failing'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('fails with the headline as title, the report as summary, annotations at the failing gates', async () => {
    const port = fakePort(fake, REPO);
    const result = await publishRun(
      port,
      {
        eventName: 'pull_request',
        payload: webhookExample('pull_request', 'synchronize'),
        sha: 'f'.repeat(40),
      },
      failing,
      { comment: 'false' },
    );
    expect(result.warnings).toEqual([]);
    const [run] = [...repo.checkRuns.values()];
    expect(run).toMatchObject({
      name: `VisionGate (${t.key})`,
      headSha,
      status: 'completed',
      conclusion: 'failure',
    });
    expect(run!.output.title).toBe(headline(failing.report));
    expect(run!.output.title).toMatch(new RegExp(`^FAIL · ${t.headline} `));
    expect(run!.output.summary).toContain(failing.written.markdown);
    // Each failing gate rule of the config's gates list is annotated on its own line.
    const text = (await readFile(config, 'utf8')).split('\n');
    const ruleLines = text.flatMap((l, i) => (/^ {2}- metric:/.test(l) ? [i + 1] : []));
    const failed = [
      ...new Set(
        failing.report.gates.filter((g) => g.status === 'fail' && g.index >= 0).map((g) => g.index),
      ),
    ];
    expect(failed.length).toBeGreaterThan(0);
    const annotated = run!.annotations.filter((a) => a.path.endsWith('visiongate.yml'));
    expect(annotated.map((a) => a.start_line)).toEqual(
      expect.arrayContaining(failed.map((i) => ruleLines[i]!)),
    );
    expect(
      annotated.every((a) => a.annotation_level === 'failure' || a.annotation_level === 'warning'),
    ).toBe(true);
  });
});
