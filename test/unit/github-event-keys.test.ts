import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../src/github/event.js';
import { checkName, commentMarker, nightlyMarker, safeKey } from '../../src/github/keys.js';
import { checkConclusion, commitState } from '../../src/github/verdict.js';
import {
  appendHistory,
  checkFilePath,
  newestForBranch,
  parseEntry,
  parseHistory,
  type BaselineEntry,
} from '../../src/github/baseline-layout.js';
import { forkPullRequestPayload, webhookExample } from '../support/fake-github/webhooks.js';

describe('safeKey and markers', () => {
  it('keeps ordinary keys and makes hostile ones safe, stable and distinct', () => {
    expect(safeKey('default')).toBe('default');
    expect(safeKey('  resnet-50.v2_int8 ')).toBe('resnet-50.v2_int8');
    expect(safeKey('')).toBe('default');
    const hostile = ['a -->b', 'a --> b', '../etc', '\n<!--', 'ключ'];
    const safe = hostile.map(safeKey);
    for (const s of safe) expect(s).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
    for (const s of safe) expect(s).not.toContain('..');
    expect(new Set(safe).size).toBe(hostile.length);
    expect(safeKey('a -->b')).toBe(safeKey('a -->b'));
    expect(commentMarker('x-->y')).toMatch(/^<!-- visiongate:[^>]+ -->$/);
    expect(nightlyMarker('k')).toBe('<!-- visiongate-nightly:k -->');
    expect(checkName('k', 'robustness')).toBe('VisionGate (k) / robustness');
  });
});

describe('verdict on GitHub', () => {
  it('maps verdicts to conclusions and states', () => {
    expect(['pass', 'warn', 'fail'].map((v) => checkConclusion(v as 'pass', false))).toEqual([
      'success',
      'neutral',
      'failure',
    ]);
    expect(['pass', 'warn', 'fail'].map((v) => checkConclusion(v as 'pass', true))).toEqual([
      'success',
      'neutral',
      'neutral',
    ]);
    expect(commitState('fail', false)).toBe('failure');
    expect(commitState('fail', true)).toBe('success');
    expect(commitState('warn', false)).toBe('success');
  });
});

describe('describeEvent with real payloads', () => {
  it('reads a pull_request event', () => {
    const payload = webhookExample('pull_request', 'opened');
    const facts = describeEvent({ eventName: 'pull_request', payload, sha: 'merge' });
    expect(facts).toMatchObject({
      prNumber: 2,
      headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
      baseRef: 'master',
      defaultBranch: 'master',
      readOnly: false,
    });
  });

  it('marks fork pull requests read-only', () => {
    const facts = describeEvent({
      eventName: 'pull_request',
      payload: forkPullRequestPayload(),
      sha: 'm',
    });
    expect(facts.readOnly).toBe(true);
    expect(facts.readOnlyReason).toContain('forker/Hello-World');
  });

  it('reads push, schedule and workflow_run events', () => {
    const push = webhookExample('push', undefined, (p) => p['ref'] === 'refs/heads/master');
    expect(describeEvent({ eventName: 'push', payload: push, sha: 'x' })).toMatchObject({
      branch: 'master',
      headSha: push['after'],
    });
    expect(
      describeEvent({
        eventName: 'schedule',
        payload: { schedule: '0 3 * * *' },
        sha: 's',
        ref: 'refs/heads/main',
      }),
    ).toMatchObject({ branch: 'main', headSha: 's', prNumber: undefined });
    const run = webhookExample('workflow_run', 'completed', (p) => {
      const prs = (p['workflow_run'] as { pull_requests: unknown[] }).pull_requests;
      return prs.length > 0;
    });
    const facts = describeEvent({ eventName: 'workflow_run', payload: run, sha: 'x' });
    expect(facts.prNumber).toBeGreaterThan(0);
    expect(facts.headSha).toBe((run['workflow_run'] as { head_sha: string }).head_sha);
    expect(
      describeEvent({
        eventName: 'workflow_run',
        payload: run,
        sha: 'x',
        prNumber: 9,
        headSha: 'h',
      }),
    ).toMatchObject({
      prNumber: 9,
      headSha: 'h',
    });
  });
});

describe('baseline layout', () => {
  const entry = (sha: string, branch: string): BaselineEntry => ({
    schemaVersion: 1,
    key: 'k',
    sha,
    branch,
    storedAt: '2026-01-01T00:00:00Z',
    path: `k/${sha}`,
    files: ['report.json'],
    metrics: { accuracy: 0.5 },
  });

  it('appends and parses history, skipping malformed lines', () => {
    const a = entry('a'.repeat(40), 'main');
    const b = entry('b'.repeat(40), 'release');
    const text = appendHistory(appendHistory('', a), b) + 'not json\n{"sha":"short"}\n';
    expect(parseHistory(text).map((e) => e.sha)).toEqual([a.sha, b.sha]);
    expect(newestForBranch(b, parseHistory(text), 'main')?.sha).toBe(a.sha);
    expect(newestForBranch(b, [], 'other')).toBeUndefined();
    expect(
      parseEntry('{"sha":"' + 'c'.repeat(40) + '","branch":"main","key":"k","metrics":{"x":"NaN"}}')
        ?.metrics,
    ).toEqual({});
  });

  it('refuses file paths that would leave the baseline folder', () => {
    expect(checkFilePath('report.json')).toBe('report.json');
    expect(checkFilePath('shards/0.jsonl')).toBe('shards/0.jsonl');
    for (const bad of ['../x', '/abs', 'a//b', 'a\\b', '', './a'])
      expect(() => checkFilePath(bad)).toThrow();
  });
});
