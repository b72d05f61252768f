/**
 * Sticky PR comment against the fake GitHub (validated against the OpenAPI description), with
 * real `pull_request` webhook payloads and the real Octokit stack; and the comment of a real
 * report of each task, published as the Action publishes it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  COMMENT_BODY_LIMIT,
  commentMarker,
  publish,
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

const RUN_URL = 'https://github.com/Codertocat/Hello-World/actions/runs/1';
const ARTIFACT_URL = 'https://github.com/Codertocat/Hello-World/actions/runs/1/artifacts/9';

let fake: FakeGitHub;
let repo: FakeRepo;

function prInput(
  event: 'opened' | 'synchronize',
  text: string,
  extra: Partial<PublishInput> = {},
): PublishInput {
  const payload = webhookExample('pull_request', event);
  return {
    eventName: 'pull_request',
    payload,
    sha: 'f'.repeat(40),
    key: 'default',
    verdict: 'pass',
    render: () => text,
    runUrl: RUN_URL,
    artifactUrl: ARTIFACT_URL,
    modes: { check: false },
    ...extra,
  };
}

beforeEach(async () => {
  fake = await startFakeGitHub();
  const payload = webhookExample('pull_request', 'opened');
  repo = seedRepository(fake, payload);
  const pr = payload['pull_request'] as {
    number: number;
    head: { sha: string; ref: string };
    base: { ref: string };
  };
  const root = repo.commit({ files: { 'README.md': 'hello' } });
  repo.setBranch('master', root);
  repo.commit({ parents: [root], sha: pr.head.sha });
  repo.addPull({
    number: pr.number,
    headSha: pr.head.sha,
    headRef: pr.head.ref,
    baseRef: pr.base.ref,
  });
});

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  expect(fake.responseViolations).toEqual([]);
  await fake.close();
});

describe('sticky PR comment', () => {
  it('is created on the first run and edited in place on the next, never duplicated', async () => {
    const port = fakePort(fake, { owner: 'Codertocat', repo: 'Hello-World' });
    // Other people's comments, enough for three pages: the marker must be found past page 1.
    for (let i = 0; i < 230; i += 1) repo.addComment(2, `comment ${i}`);

    const first = await publish(port, prInput('opened', '## Run 1\nall good'));
    expect(first.warnings).toEqual([]);
    expect(first.comment?.action).toBe('created');

    const second = await publish(port, prInput('synchronize', '## Run 2\nstill good'));
    expect(second.warnings).toEqual([]);
    expect(second.comment?.action).toBe('updated');
    expect(second.comment?.id).toBe(first.comment?.id);
    expect(second.comment?.url).toMatch(/\/pull\/2#issuecomment-\d+$/);

    const ours = repo.commentsOn(2).filter((c) => c.body.includes('visiongate:'));
    expect(ours).toHaveLength(1);
    const body = ours[0]!.body;
    expect(body.startsWith(`${commentMarker('default')}\n`)).toBe(true);
    expect(body).toContain('## Run 2');
    expect(body).not.toContain('## Run 1');
    expect(body).toContain(`[workflow run](${RUN_URL})`);
    expect(body).toContain(`(${ARTIFACT_URL})`);
    // Listing walked the pages with per_page=100 via Link headers.
    expect(fake.calls('issues/list-comments').length).toBeGreaterThanOrEqual(3);

    // A third identical run makes no write at all.
    const updatesBefore = fake.calls('issues/update-comment').length;
    const third = await publish(port, prInput('synchronize', '## Run 2\nstill good'));
    expect(third.comment?.action).toBe('unchanged');
    expect(fake.calls('issues/update-comment')).toHaveLength(updatesBefore);
  });

  it('keeps one comment per key', async () => {
    const port = fakePort(fake, { owner: 'Codertocat', repo: 'Hello-World' });
    await publish(port, prInput('opened', 'A', { key: 'models-a' }));
    await publish(port, prInput('opened', 'B', { key: 'models-b' }));
    await publish(port, prInput('synchronize', 'A2', { key: 'models-a' }));
    const bodies = repo.commentsOn(2).map((c) => c.body);
    expect(bodies).toHaveLength(2);
    expect(bodies.find((b) => b.startsWith(commentMarker('models-a')))).toContain('A2');
    expect(bodies.find((b) => b.startsWith(commentMarker('models-b')))).toContain('B');
  });

  it('does not mistake a quoted copy of the marker for its own comment', async () => {
    const port = fakePort(fake, { owner: 'Codertocat', repo: 'Hello-World' });
    repo.addComment(2, `> ${commentMarker('default')}\n> quoted old report\n\nI disagree`);
    const result = await publish(port, prInput('opened', 'report'));
    expect(result.comment?.action).toBe('created');
    expect(repo.commentsOn(2)[0]!.body).toContain('I disagree');
  });

  it('shrinks an oversize report through the renderer to fit 65,536 characters', async () => {
    const port = fakePort(fake, { owner: 'Codertocat', repo: 'Hello-World' });
    const budgets: number[] = [];
    const render = (max: number): string => {
      budgets.push(max);
      const rows = Array.from({ length: 5000 }, (_, i) => `| slice ${i} | 0.9${i} |`);
      let out = '| slice | acc |\n| --- | --- |\n';
      for (const row of rows) {
        if (out.length + row.length + 1 > max - 40) break;
        out += `${row}\n`;
      }
      return `${out}\n_${rows.length} slices, some omitted_`;
    };
    const result = await publish(port, prInput('opened', '', { render }));
    expect(result.warnings).toEqual([]);
    expect(result.comment?.truncated).toBe(false);
    const body = repo.commentsOn(2)[0]!.body;
    expect(body.length).toBeLessThanOrEqual(COMMENT_BODY_LIMIT);
    expect(body.length).toBeGreaterThan(COMMENT_BODY_LIMIT - 200);
    // The renderer got the budget left after the marker and footer.
    expect(budgets[0]).toBeLessThan(COMMENT_BODY_LIMIT - commentMarker('default').length);
  });

  it('truncates safely when the renderer ignores its budget', async () => {
    const port = fakePort(fake, { owner: 'Codertocat', repo: 'Hello-World' });
    const huge =
      '<details><summary>All slices</summary>\n\n```text\n' +
      'x'.repeat(70_000) +
      '\n```\n</details>\n<!-- tail comment -->\n';
    const result = await publish(port, prInput('opened', '', { render: () => huge }));
    expect(result.warnings).toEqual([]);
    expect(result.comment?.truncated).toBe(true);
    const body = repo.commentsOn(2)[0]!.body;
    expect(body.length).toBeLessThanOrEqual(COMMENT_BODY_LIMIT);
    expect(body).toContain('Truncated to fit');
    expect(body).toContain('see the full report');
    // The open fence and <details> were closed before the note.
    const fenceCount = body.split('\n').filter((l) => l.startsWith('```')).length;
    expect(fenceCount % 2).toBe(0);
    expect(body.match(/<details>/g)?.length).toBe(body.match(/<\/details>/g)?.length);
  });

  it('keeps a hostile key from breaking out of the marker', async () => {
    const port = fakePort(fake, { owner: 'Codertocat', repo: 'Hello-World' });
    const key = 'x --> <script>alert(1)</script> <!-- ../../etc';
    const first = await publish(port, prInput('opened', 'report one', { key }));
    const second = await publish(port, prInput('synchronize', 'report two', { key }));
    expect(second.comment?.id).toBe(first.comment?.id);
    const body = repo.commentsOn(2)[0]!.body;
    const markerLine = body.split('\n')[0]!;
    expect(markerLine).toMatch(/^<!-- visiongate:[A-Za-z0-9._-]+ -->$/);
    expect(body.match(/-->/g)).toHaveLength(1);
    expect(first.notices.join('\n')).toContain('is used on GitHub as');
  });

  it('comments on the PR given by number in the workflow_run pattern', async () => {
    const port = fakePort(fake, { owner: 'Codertocat', repo: 'Hello-World' });
    const payload = webhookExample('workflow_run', 'completed');
    payload['repository'] = webhookExample('pull_request', 'opened')['repository'];
    const result = await publish(port, {
      eventName: 'workflow_run',
      payload,
      sha: 'f'.repeat(40),
      prNumber: 2,
      headSha: repo.issues.get(2)!.pull!.headSha,
      key: 'default',
      verdict: 'warn',
      render: () => 'from the artifact',
      modes: { storeBaseline: 'never' },
    });
    expect(result.warnings).toEqual([]);
    expect(result.comment?.action).toBe('created');
    expect(result.check).toMatchObject({ kind: 'check-run', conclusion: 'neutral' });
  });

  it('refuses a PR number from the artifact that does not match the evaluated commit', async () => {
    const port = fakePort(fake, { owner: 'Codertocat', repo: 'Hello-World' });
    const other = repo.commit({ parents: [repo.branch('master')!] });
    repo.addPull({ number: 7, headSha: other, headRef: 'victim', baseRef: 'master' });
    const payload = webhookExample('workflow_run', 'completed');
    const result = await publish(port, {
      eventName: 'workflow_run',
      payload,
      sha: 'f'.repeat(40),
      prNumber: 7,
      headSha: repo.issues.get(2)!.pull!.headSha,
      key: 'default',
      verdict: 'pass',
      render: () => 'from the artifact',
      modes: { check: false, storeBaseline: 'never' },
    });
    expect(result.comment).toBeUndefined();
    expect(result.notices.join('\n')).toContain('pull request #7 is at');
    expect(repo.commentsOn(7)).toEqual([]);
  });
});

describe.each(TASK_EXAMPLES)('the sticky comment of a $task report', (t) => {
  let dir: string;
  let failing: ExampleRun;
  let alone: ExampleRun;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vg-comment-'));
    const config = await writeExampleConfig(t, dir);
    failing = await runExample(config, path.join(dir, 'failing'));
    alone = await runExample(config, path.join(dir, 'alone'), [
      '--no-baseline',
      '--model',
      modelOf(t, 'baseline'),
    ]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const event = (action: 'opened' | 'synchronize') => ({
    eventName: 'pull_request',
    payload: webhookExample('pull_request', action),
    sha: 'f'.repeat(40),
  });

  it('holds the whole rendered report, and the next run edits it in place', async () => {
    expect(failing.report.verdict).toBe('fail');
    const port = fakePort(fake, { owner: 'Codertocat', repo: 'Hello-World' });
    const first = await publishRun(port, event('opened'), failing, { check: 'false' });
    expect(first.warnings).toEqual([]);
    expect(first.comment?.action).toBe('created');
    const ours = () => repo.commentsOn(2).filter((c) => c.body.includes('visiongate:'));
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.body.startsWith(`${commentMarker(t.key)}\n`)).toBe(true);
    // report.md as written next to report.json: the comment is that report, not a summary of it.
    expect(ours()[0]!.body).toContain(failing.written.markdown);
    expect(failing.written.markdown).toContain(t.regressedSlice);

    const second = await publishRun(port, event('synchronize'), alone, { check: 'false' });
    expect(second.warnings).toEqual([]);
    expect(second.comment).toMatchObject({ action: 'updated', id: first.comment!.id });
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.body).toContain(alone.written.markdown);
    expect(ours()[0]!.body).not.toContain(failing.written.markdown);
  });
});
