/**
 * The built Action (dist/index.js, from a clean copy of the committed files) against the local
 * fake GitHub, which checks every request against GitHub's OpenAPI description. One story:
 * a push to the default branch stores the baseline; a PR run finds it, comments, and sets a
 * failing check; a second push to the PR updates the same comment; a fork PR degrades to the
 * job summary; a failing nightly opens the tracking issue and a green one closes it. The GitHub
 * side is task-agnostic, so the same story runs for both tasks: the Fashion-MNIST classifier and
 * the detection example (whose candidate, like the classifier, regresses on lighting=dim).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unzipArtifact } from '../../src/github/artifact-baseline.js';
import {
  copyCommittedAction,
  repoRoot,
  runBuiltAction,
  type ActionRun,
} from '../support/action-runner.js';
import { startFakeGitHub, type FakeGitHub, type FakeRepo } from '../support/fake-github/index.js';
import {
  forkPullRequestPayload,
  seedRepository,
  webhookExample,
} from '../support/fake-github/webhooks.js';
import { absolutePaths, TASK_EXAMPLES } from '../support/task-examples.js';

describe.each(TASK_EXAMPLES)('the packaged Action against a fake GitHub ($task)', (c) => {
  const candidate = `ml/${c.candidate}`;
  const baseline = `ml/${c.baseline}`;
  let tmp: string;
  let actionDir: string;
  let workspace: string;
  let fake: FakeGitHub;
  let repo: FakeRepo;
  let mainSha: string;
  let prHead: string;
  let prNumber: number;

  function runAction(
    eventName: string,
    payload: Record<string, unknown>,
    sha: string,
    inputs: Record<string, string>,
    token = 'ghs_writer',
    ref = 'refs/heads/master',
    env: Record<string, string> = {},
  ): Promise<ActionRun> {
    return runBuiltAction({
      actionDir,
      workspace,
      tmp,
      eventName,
      payload,
      sha,
      ref,
      repository: `${repo.owner}/${repo.name}`,
      inputs: {
        config: 'ml/gh.yml',
        'out-dir': path.join(tmp, `out-${++runs}`),
        'github-token': token,
        ...inputs,
      },
      env: {
        GITHUB_API_URL: fake.url,
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_RUN_ID: '4242',
        ...env,
      },
    });
  }

  /** What the runner gives every job for artifact uploads (here: the fake's results service). */
  const resultsEnv = () => ({
    ACTIONS_RUNTIME_TOKEN: fake.results.runtimeToken,
    ACTIONS_RESULTS_URL: `${fake.url}/`,
  });
  let runs = 0;

  function prPayload(action: string, head: string): Record<string, unknown> {
    const payload = webhookExample('pull_request', action);
    const pr = payload['pull_request'] as {
      number: number;
      head: { sha: string };
      base: { sha: string; ref: string };
    };
    pr.number = prNumber;
    pr.head.sha = head;
    pr.base.sha = mainSha;
    pr.base.ref = 'master';
    return payload;
  }

  const comments = () =>
    repo.commentsOn(prNumber).filter((m) => m.body.includes(`<!-- visiongate:${c.key} -->`));

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-gh-e2e-'));
    actionDir = path.join(tmp, 'action');
    await copyCommittedAction(actionDir);
    workspace = path.join(tmp, 'workspace');
    await cp(path.join(repoRoot, c.example), path.join(workspace, 'ml'), { recursive: true });
    // The example without a same-run baseline model (the stored one comes from GitHub).
    const ml = path.join(workspace, 'ml');
    const cfg = await c.quicker(
      absolutePaths(await readFile(path.join(ml, 'visiongate.yml'), 'utf8'), ml).replace(
        /baseline:\n  model: .*\n/,
        '',
      ),
      ml,
    );
    expect(cfg).not.toContain(path.basename(c.baseline));
    expect(cfg).not.toContain('robustness:');
    await writeFile(path.join(workspace, 'ml/gh.yml'), cfg);

    fake = await startFakeGitHub();
    const push = webhookExample('push', undefined, (p) => p['ref'] === 'refs/heads/master');
    repo = seedRepository(fake, push);
    const root = repo.commit({ files: { 'README.md': 'models' } });
    mainSha = repo.commit({
      parents: [root],
      sha: push['after'] as string,
      files: { 'ml/model.onnx': 'v1' },
    });
    repo.setBranch('master', mainSha);
    const pr = webhookExample('pull_request', 'opened')['pull_request'] as {
      number: number;
      head: { ref: string };
    };
    prNumber = pr.number;
    prHead = repo.commit({ parents: [mainSha], files: { 'ml/model.onnx': 'v2' } });
    repo.addPull({ number: prNumber, headSha: prHead, headRef: pr.head.ref, baseRef: 'master' });
  });

  afterAll(async () => {
    await fake?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('first PR run without any stored baseline: absolute gates only, and says so', async () => {
    const r = await runAction('pull_request', prPayload('opened', prHead), 'f'.repeat(40), {
      model: candidate,
    });
    expect(r.stdout).toContain('::notice::No stored baseline');
    // Without a baseline every maxDrop check is skipped, never passed or failed silently.
    const report = JSON.parse(await readFile(r.outputs['report-json']!, 'utf8')) as {
      gates: { kind: string; status: string }[];
    };
    const drops = report.gates.filter((g) => g.kind === 'maxDrop');
    expect(drops.length).toBeGreaterThan(0);
    expect(drops.every((g) => g.status === 'skipped')).toBe(true);
    expect(comments()).toHaveLength(1);
    expect(comments()[0]!.body).toContain('no baseline: absolute gates only');
    expect(fake.violations).toEqual([]);
  });

  it('a push to the default branch stores the baseline', async () => {
    const push = webhookExample('push', undefined, (p) => p['ref'] === 'refs/heads/master');
    const r = await runAction('push', push, mainSha, { model: baseline });
    expect(r.code).toBe(0);
    expect(r.outputs['baseline-commit']).toMatch(/^[0-9a-f]{40}$/);
    expect(repo.refs.get('heads/visiongate-baselines')).toBe(r.outputs['baseline-commit']);
    expect(fake.violations).toEqual([]);
  });

  it('a PR run compares against the baseline of its merge base, comments and fails the check', async () => {
    const r = await runAction(
      'pull_request',
      prPayload('synchronize', prHead),
      'f'.repeat(40),
      { model: candidate },
      'ghs_writer',
      'refs/heads/master',
      resultsEnv(),
    );
    expect(r.code).toBe(1);
    expect(r.outputs.verdict).toBe('fail');
    // Still one comment: the first run's was edited in place.
    expect(comments()).toHaveLength(1);
    const body = comments()[0]!.body;
    expect(body).toContain(`stored baseline from commit ${mainSha.slice(0, 12)}`);
    // Which baseline and why that one, in the comment itself (it used to be only in the log).
    expect(body).toContain(`: baseline of the merge base ${mainSha.slice(0, 7)} with`);
    expect(body).toContain(c.regressedSlice);
    expect(body).toContain('https://github.com/Codertocat/Hello-World/actions/runs/4242');
    expect(r.outputs['comment-url']).toContain(`#issuecomment-${comments()[0]!.id}`);
    const checks = [...repo.checkRuns.values()].filter((k) => k.headSha === prHead);
    expect(checks.at(-1)!.conclusion).toBe('failure');
    expect(checks.at(-1)!.name).toBe(`VisionGate (${c.key})`);
    expect(checks.at(-1)!.output.title).toMatch(new RegExp(`^FAIL · ${c.headline} `));
    expect(fake.violations).toEqual([]);

    // The output folder went up as one artifact, with report.html in it, and the comment, the
    // check run and the job summary link its page.
    expect(fake.results.violations).toEqual([]);
    const artifact = fake.results.artifacts.find((a) => a.name === `visiongate-${c.key}`)!;
    expect(artifact.finalized).toBe(true);
    const files = unzipArtifact(artifact.bytes, 100 << 20);
    expect([...files.keys()].sort()).toEqual([
      'examples.jsonl',
      'junit.xml',
      'records.jsonl',
      'report.html',
      'report.json',
      'report.md',
    ]);
    const html = Buffer.from(files.get('report.html')!).toString('utf8');
    expect(html).toContain('<section id="examples"');
    expect(html).toBe(await readFile(r.outputs['report-html']!, 'utf8'));
    const link = `https://github.com/Codertocat/Hello-World/actions/runs/4242/artifacts/${artifact.id}`;
    expect(r.outputs['artifact-url']).toBe(link);
    expect(body).toContain(link);
    expect(checks.at(-1)!.output.summary).toContain(link);
    expect(r.summary).toContain(link);
  });

  it('publish-only (the workflow_run pattern) publishes a report made elsewhere to the right PR', async () => {
    const evaluated = await runAction(
      'pull_request',
      prPayload('synchronize', prHead),
      'f'.repeat(40),
      {
        model: candidate,
        comment: 'false',
        check: 'false',
      },
    );
    const reportJson = evaluated.outputs['report-json']!;
    const checksBefore = repo.checkRuns.size;
    const wr = webhookExample('workflow_run', 'completed');
    const r = await runAction('workflow_run', wr, mainSha, {
      'publish-only': 'true',
      report: reportJson,
      'pr-number': String(prNumber),
      'head-sha': prHead,
    });
    expect(r.outputs.verdict).toBe('fail');
    // The report read back is its task's (a detection report once lost its working point here).
    expect(r.stdout).not.toContain('::warning::');
    expect(comments()).toHaveLength(1);
    expect(repo.checkRuns.size).toBe(checksBefore + 1);
    expect([...repo.checkRuns.values()].at(-1)!.output.summary).toContain(c.regressedSlice);
    // A PR number that does not belong to the evaluated commit is not commented on.
    const wrong = await runAction('workflow_run', wr, mainSha, {
      'publish-only': 'true',
      report: reportJson,
      'pr-number': String(prNumber),
      'head-sha': 'b'.repeat(40),
    });
    expect(wrong.stdout).not.toContain('internal error');
    expect(comments()).toHaveLength(1);
    expect(fake.violations).toEqual([]);
  });

  it('a fork PR with a read-only token writes nothing and still writes the summary', async () => {
    fake.readOnlyTokens.add('ghs_readonly');
    const before = fake.requests.filter((q) => q.method !== 'GET').length;
    const payload = forkPullRequestPayload('opened');
    const pr = payload['pull_request'] as {
      number: number;
      head: { sha: string };
      base: { sha: string; ref: string };
    };
    pr.number = prNumber;
    pr.head.sha = prHead;
    pr.base.sha = mainSha;
    pr.base.ref = 'master';
    const r = await runAction(
      'pull_request',
      payload,
      'f'.repeat(40),
      { model: candidate, 'artifact-name': 'fork-report' },
      'ghs_readonly',
      'refs/heads/master',
      resultsEnv(),
    );
    expect(r.outputs.verdict).toBe('fail');
    expect(r.summary).toContain(`VisionGate · ${c.key}: failed`);
    // The artifact needs no token: a fork PR still gets report.html, linked from the summary.
    const artifact = fake.results.artifacts.find((a) => a.name === 'fork-report')!;
    expect(artifact.finalized).toBe(true);
    expect(r.summary).toContain(`/actions/runs/4242/artifacts/${artifact.id}`);
    expect(fake.results.violations).toEqual([]);
    expect(r.stdout).toMatch(/::notice::.*fork/i);
    expect(r.stdout).not.toContain('internal error');
    expect(fake.requests.filter((q) => q.method !== 'GET').length).toBe(before);
    expect(fake.violations).toEqual([]);
  });

  it('a failing nightly opens one tracking issue; a green one closes it', async () => {
    const schedule = { schedule: '0 3 * * *', repository: webhookExample('push')['repository'] };
    const bad = await runAction('schedule', schedule, mainSha, {
      model: candidate,
      'tracking-issue': 'true',
      comment: 'false',
    });
    expect(bad.outputs.verdict).toBe('fail');
    // The trend over the stored history of master: the pushed baseline, then this run.
    expect(bad.summary).toContain('Trend over the last 2 stored runs');
    expect(bad.summary).toContain(`Since the previous stored run (${mainSha.slice(0, 12)}`);
    expect(bad.outputs['issue-url']).toMatch(/\/issues\/\d+$/);
    const open = [...repo.issues.values()].filter(
      (i) => i.state === 'open' && i.body?.includes('visiongate-nightly'),
    );
    expect(open).toHaveLength(1);
    const good = await runAction('schedule', schedule, mainSha, {
      model: baseline,
      'tracking-issue': 'true',
      comment: 'false',
    });
    expect(good.outputs.verdict).not.toBe('fail'); // data-suite warnings may remain
    expect([...repo.issues.values()].find((i) => i.number === open[0]!.number)!.state).toBe(
      'closed',
    );
    expect(fake.violations).toEqual([]);
  });
});
