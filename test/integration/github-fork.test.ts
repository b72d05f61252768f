/**
 * Read-only tokens: pull requests from forks (detected from the payload: no write is even
 * tried) and same-repository runs whose token turns out read-only (a 403 on each write).
 * Either way the result says what was skipped and nothing throws.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lookupBaseline, publish, type PublishInput } from '../../src/github/index.js';
import { startFakeGitHub, type FakeGitHub, type FakeRepo } from '../support/fake-github/index.js';
import { fakePort } from '../support/fake-github/port.js';
import {
  forkPullRequestPayload,
  seedRepository,
  webhookExample,
} from '../support/fake-github/webhooks.js';

const REPO = { owner: 'Codertocat', repo: 'Hello-World' };
let fake: FakeGitHub;
let repo: FakeRepo;
let headSha: string;

function everything(
  payload: Record<string, unknown>,
  extra: Partial<PublishInput> = {},
): PublishInput {
  return {
    eventName: 'pull_request',
    payload,
    sha: 'f'.repeat(40),
    key: 'default',
    verdict: 'fail',
    render: () => 'report',
    annotations: [
      { path: 'visiongate.yml', startLine: 3, level: 'failure', message: 'gate failed' },
    ],
    baselineFiles: [{ path: 'report.json', content: '{}' }],
    modes: { comment: true, check: true, storeBaseline: 'always', trackingIssue: true },
    ...extra,
  };
}

beforeEach(async () => {
  fake = await startFakeGitHub();
  const payload = forkPullRequestPayload();
  repo = seedRepository(fake, payload);
  const pr = payload['pull_request'] as { number: number; head: { sha: string; ref: string } };
  headSha = pr.head.sha;
  const root = repo.commit({ files: { a: 'b' } });
  repo.setBranch('master', root);
  repo.commit({ parents: [root], sha: headSha });
  repo.addPull({
    number: pr.number,
    headSha,
    headRef: pr.head.ref,
    baseRef: 'master',
    headRepo: 'forker/Hello-World',
  });
});

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  expect(fake.responseViolations).toEqual([]);
  await fake.close();
});

describe('fork pull requests', () => {
  it('skips every write with one clear notice and still looks up the baseline', async () => {
    fake.readOnlyTokens.add('ghs_fake_token');
    const port = fakePort(fake, REPO);
    const payload = forkPullRequestPayload();
    const lookup = await lookupBaseline(port, {
      eventName: 'pull_request',
      payload,
      sha: 'f'.repeat(40),
      key: 'default',
    });
    expect(lookup.warnings).toEqual([]);
    expect(lookup.baseline).toMatchObject({ found: false, reason: 'no-store' });

    const result = await publish(port, everything(payload));
    expect(result.readOnly).toBe(true);
    expect(result.warnings).toEqual([]);
    expect(result.comment).toBeUndefined();
    expect(result.check).toBeUndefined();
    expect(result.baseline).toBeUndefined();
    expect(result.issue).toBeUndefined();
    expect(result.notices).toEqual([
      expect.stringContaining('comes from the fork forker/Hello-World'),
    ]);
    expect(result.notices[0]).toContain('workflow_run');
    expect(fake.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('treats a PR from a deleted fork as read-only too', async () => {
    const payload = forkPullRequestPayload();
    ((payload['pull_request'] as Record<string, unknown>)['head'] as Record<string, unknown>)[
      'repo'
    ] = null;
    const result = await publish(fakePort(fake, REPO), everything(payload));
    expect(result.readOnly).toBe(true);
    expect(result.notices[0]).toContain('deleted fork');
  });

  it('warns about pull_request_target but keeps its write token working', async () => {
    const result = await publish(fakePort(fake, REPO), {
      ...everything(forkPullRequestPayload()),
      eventName: 'pull_request_target',
      modes: { comment: true, check: true },
    });
    expect(result.readOnly).toBe(false);
    expect(result.notices.join('\n')).toContain(
      'never evaluate code or models from the pull request',
    );
    expect(result.comment?.action).toBe('created');
  });
});

describe('read-only token discovered by a 403', () => {
  it('turns every refused write into a notice, never a throw', async () => {
    fake.readOnlyTokens.add('ghs_fake_token');
    const payload = webhookExample('pull_request', 'opened');
    const result = await publish(fakePort(fake, REPO), everything(payload));
    expect(result.readOnly).toBe(false);
    expect(result.warnings).toEqual([]);
    expect(result.comment).toBeUndefined();
    expect(result.check).toBeUndefined();
    expect(result.baseline).toBeUndefined();
    expect(result.issue).toBeUndefined();
    const notices = result.notices.join('\n');
    expect(notices).toContain('reporting a commit status');
    expect(notices).toContain('Check skipped');
    expect(notices).toContain('PR comment skipped');
    expect(notices).toContain('`pull-requests: write`');
    expect(notices).toContain('pull request runs never replace the baseline');
    expect(notices).toContain('Tracking issue skipped');
    // Each write was tried once: 403 is an answer, not an outage, so nothing is retried.
    expect(fake.calls('checks/create')).toHaveLength(1);
    expect(fake.calls('issues/create-comment')).toHaveLength(1);

    // The same token on a push to the default branch: the store is refused, not crashed.
    const push = webhookExample('push', undefined, (p) => p['ref'] === 'refs/heads/master');
    const pushed = repo.commit({ parents: [repo.branch('master')!], sha: push['after'] as string });
    repo.setBranch('master', pushed);
    const stored = await publish(fakePort(fake, REPO), {
      ...everything(push),
      eventName: 'push',
      sha: pushed,
      modes: { check: false, storeBaseline: 'auto' },
    });
    expect(stored.warnings).toEqual([]);
    expect(stored.baseline).toBeUndefined();
    expect(stored.notices.join('\n')).toContain('Baseline store skipped');
    expect(stored.notices.join('\n')).toContain('`contents: write`');
  });
});
