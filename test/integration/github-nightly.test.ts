/**
 * Nightly tracking issue against the fake GitHub: opened on failure, updated while failing,
 * closed when green, never duplicated; for synthetic reports and for a real report of each task.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nightlyMarker, publish, type PublishInput } from '../../src/github/index.js';
import type { Level } from '../../src/types.js';
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

let fake: FakeGitHub;
let repo: FakeRepo;
let tip: string;

function nightly(verdict: Level, night: number, extra: Partial<PublishInput> = {}): PublishInput {
  return {
    // GitHub's schedule payload carries only the cron line; repository facts come from the API.
    eventName: 'schedule',
    payload: { schedule: '17 3 * * *' },
    sha: tip,
    ref: 'refs/heads/master',
    key: 'default',
    verdict,
    title: `night ${night}: ${verdict}`,
    render: () => `## Night ${night}\nverdict ${verdict}`,
    runUrl: `https://github.com/Codertocat/Hello-World/actions/runs/${100 + night}`,
    issueLabels: ['visiongate', 'nightly'],
    modes: { check: false, comment: false, storeBaseline: 'never', trackingIssue: true },
    ...extra,
  };
}

beforeEach(async () => {
  fake = await startFakeGitHub();
  repo = seedRepository(fake, webhookExample('pull_request', 'opened'));
  tip = repo.commit({ files: { 'README.md': 'x' } });
  repo.setBranch('master', tip);
});

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  expect(fake.responseViolations).toEqual([]);
  await fake.close();
});

describe('nightly tracking issue', () => {
  it('opens on failure, updates while failing, closes when green', async () => {
    const port = fakePort(fake, { owner: 'Codertocat', repo: 'Hello-World' });
    // Noise: an unrelated issue with the same labels, and a PR.
    repo.labels.set('visiongate', {
      id: 1,
      name: 'visiongate',
      color: 'ededed',
      description: null,
    });
    repo.issues.set(40, {
      number: 40,
      title: 'other',
      body: 'unrelated',
      state: 'open',
      stateReason: null,
      labels: ['visiongate', 'nightly'],
      user: 'octocat',
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
      closedAt: null,
    });
    repo.addPull({ number: 41, headSha: tip, headRef: 'x', baseRef: 'master' });

    const green0 = await publish(port, nightly('pass', 0));
    expect(green0.issue).toBeUndefined();
    expect(green0.warnings).toEqual([]);

    const first = await publish(port, nightly('fail', 1));
    expect(first.warnings).toEqual([]);
    expect(first.issue).toMatchObject({ action: 'opened' });
    const number = first.issue!.number;
    const issue = repo.issues.get(number)!;
    expect(issue.title).toBe('VisionGate nightly (default): failing');
    expect(issue.body!.startsWith(nightlyMarker('default'))).toBe(true);
    expect(issue.body).toContain('## Night 1');
    // The missing "nightly" label was created, so both labels stuck.
    expect(issue.labels).toEqual(['visiongate', 'nightly']);
    expect(repo.labels.has('nightly')).toBe(true);

    const second = await publish(port, nightly('fail', 2));
    expect(second.issue).toMatchObject({ action: 'updated', number });
    expect(repo.issues.get(number)!.body).toContain('## Night 2');
    expect(repo.issues.get(number)!.body).not.toContain('## Night 1');
    expect(repo.commentsOn(number).map((c) => c.body)).toEqual([
      expect.stringContaining(
        'Still **fail** in the [run](https://github.com/Codertocat/Hello-World/actions/runs/102)',
      ),
    ]);

    const green = await publish(port, nightly('pass', 3));
    expect(green.issue).toMatchObject({ action: 'closed', number });
    expect(repo.issues.get(number)).toMatchObject({ state: 'closed', stateReason: 'completed' });
    expect(repo.commentsOn(number).at(-1)!.body).toContain('back to **pass**');

    const stillGreen = await publish(port, nightly('pass', 4));
    expect(stillGreen.issue).toBeUndefined();

    const again = await publish(port, nightly('fail', 5));
    expect(again.issue).toMatchObject({ action: 'opened' });
    expect(again.issue!.number).not.toBe(number);
    const ours = [...repo.issues.values()].filter((i) =>
      i.body?.startsWith(nightlyMarker('default')),
    );
    expect(ours.filter((i) => i.state === 'open')).toHaveLength(1);
    expect(repo.issues.get(40)!.state).toBe('open');
  });

  it('treats warn as failing only when asked', async () => {
    const port = fakePort(fake, { owner: 'Codertocat', repo: 'Hello-World' });
    const quiet = await publish(port, nightly('warn', 1));
    expect(quiet.issue).toBeUndefined();
    const loud = await publish(port, nightly('warn', 2, { issueOn: 'warn' }));
    expect(loud.issue).toMatchObject({ action: 'opened' });
    expect(repo.issues.get(loud.issue!.number)!.title).toBe(
      'VisionGate nightly (default): warnings',
    );
  });

  it('works from a workflow_dispatch payload, and stores the baseline only when green', async () => {
    const port = fakePort(fake, { owner: 'Codertocat', repo: 'Hello-World' });
    const payload = webhookExample('workflow_dispatch');
    payload['ref'] = 'refs/heads/master';
    payload['repository'] = webhookExample('pull_request', 'opened')['repository'];
    const modes = { check: true, comment: false, trackingIssue: true };
    const base = { eventName: 'workflow_dispatch', payload, ref: undefined, modes };
    const red = await publish(port, {
      ...nightly('fail', 1),
      ...base,
      baselineFiles: [{ path: 'report.json', content: '{}' }],
    });
    expect(red.issue?.action).toBe('opened');
    expect(red.baseline).toBeUndefined();
    expect(red.check).toMatchObject({ kind: 'check-run', conclusion: 'failure' });
    const green = await publish(port, {
      ...nightly('pass', 2),
      ...base,
      baselineFiles: [{ path: 'report.json', content: '{}' }],
    });
    expect(green.issue?.action).toBe('closed');
    expect(green.baseline).toMatchObject({ sha: tip, branch: 'master' });
  });
});

describe.each(TASK_EXAMPLES)('the nightly issue of a $task report', (t) => {
  let dir: string;
  let failing: ExampleRun;
  let green: ExampleRun;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vg-nightly-'));
    const config = await writeExampleConfig(t, dir);
    failing = await runExample(config, path.join(dir, 'failing'));
    // The baseline model against itself: no drop anywhere.
    green = await runExample(config, path.join(dir, 'green'), ['--model', modelOf(t, 'baseline')]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('opens with the failing report, updates it, and closes when the run is green', async () => {
    expect(failing.report.verdict).toBe('fail');
    expect(green.report.verdict).not.toBe('fail');
    const port = fakePort(fake, { owner: 'Codertocat', repo: 'Hello-World' });
    const event = {
      eventName: 'schedule',
      payload: { schedule: '17 3 * * *' },
      sha: tip,
      ref: 'refs/heads/master',
    };
    const inputs = {
      comment: 'false',
      check: 'false',
      'store-baseline': 'never',
      'tracking-issue': 'true',
    };
    const first = await publishRun(port, event, failing, inputs);
    expect(first.warnings).toEqual([]);
    expect(first.issue).toMatchObject({ action: 'opened' });
    const issue = () => repo.issues.get(first.issue!.number)!;
    expect(issue().title).toBe(`VisionGate nightly (${t.key}): failing`);
    expect(issue().body!.startsWith(nightlyMarker(t.key))).toBe(true);
    expect(issue().body).toContain(failing.written.markdown);

    const second = await publishRun(port, event, failing, inputs);
    expect(second.issue).toMatchObject({ action: 'updated', number: first.issue!.number });
    const closed = await publishRun(port, event, green, inputs);
    expect(closed.warnings).toEqual([]);
    expect(closed.issue).toMatchObject({ action: 'closed', number: first.issue!.number });
    expect(issue().state).toBe('closed');
    expect(
      [...repo.issues.values()].filter((i) => i.body?.startsWith(nightlyMarker(t.key))),
    ).toHaveLength(1);
  });
});
