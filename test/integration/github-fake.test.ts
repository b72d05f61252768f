/**
 * The fake GitHub itself: it must catch requests that GitHub's OpenAPI description rejects, or
 * "zero violations" in the other tests would prove nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOctokit } from '@actions/github';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js';

let fake: FakeGitHub;
let octokit: ReturnType<typeof getOctokit>;
let sha: string;
const R = { owner: 'o', repo: 'r' };

beforeAll(async () => {
  fake = await startFakeGitHub();
  const repo = fake.state.addRepo({ owner: 'o', name: 'r' });
  sha = repo.commit({ files: { 'a.txt': 'a' } });
  repo.setBranch('main', sha);
  repo.addPull({ number: 1, headSha: sha, headRef: 'x', baseRef: 'main' });
  octokit = getOctokit('t', { baseUrl: fake.url });
});

afterAll(async () => {
  await fake.close();
});

/** Untyped request: these tests send what the typed API would not let us send. */
function raw(route: string, params: Record<string, unknown>): Promise<unknown> {
  return octokit.request(route, params);
}

async function statusOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

describe('fake GitHub validation', () => {
  it('flags a misspelt body field, a bad enum and a missing required field', async () => {
    const before = fake.violations.length;
    const bad = [
      raw('POST /repos/{owner}/{repo}/check-runs', {
        ...R,
        name: 'n',
        head_sha: sha,
        conclsion: 'success',
      }),
      raw('POST /repos/{owner}/{repo}/check-runs', {
        ...R,
        name: 'n',
        head_sha: sha,
        conclusion: 'great',
      }),
      raw('POST /repos/{owner}/{repo}/statuses/{sha}', { ...R, sha, context: 'c' }),
      raw('PATCH /repos/{owner}/{repo}/git/refs/{ref}', {
        ...R,
        ref: 'heads/main',
        sha,
        force: 'no',
      }),
    ];
    for (const p of bad) expect(await statusOf(p)).toBe(422);
    const problems = fake.violations.slice(before).map((v) => v.problems.join(' '));
    expect(problems[0]).toContain('"conclsion"');
    expect(problems[1]).toContain('conclusion');
    expect(problems[2]).toContain("required property 'state'");
    expect(problems[3]).toContain('/force must be boolean');
  });

  it('flags unknown query parameters, bad path parameters and unknown endpoints', async () => {
    const before = fake.violations.length;
    expect(await statusOf(raw('GET /repos/{owner}/{repo}/issues', { ...R, stat: 'open' }))).toBe(
      422,
    );
    expect(
      await statusOf(raw('GET /repos/{owner}/{repo}/issues/{n}/comments', { ...R, n: 'abc' })),
    ).toBe(422);
    expect(await statusOf(raw('GET /repos/{owner}/{repo}/visiongate', R))).toBe(404);
    expect(
      await statusOf(raw('GET /repos/{owner}/{repo}/issues', { ...R, state: 'everything' })),
    ).toBe(422);
    const problems = fake.violations.slice(before).map((v) => v.problems.join(' '));
    expect(problems[0]).toContain('unknown query parameter "stat"');
    expect(problems[1]).toContain('issue_number');
    expect(problems[2]).toContain('no such endpoint');
    expect(problems[3]).toContain('state');
  });

  it('flags unauthenticated requests', async () => {
    const before = fake.violations.length;
    const response = await fetch(`${fake.url}/repos/o/r`);
    expect(response.status).toBe(401);
    expect(fake.violations.slice(before)[0]!.problems[0]).toContain('not authenticated');
  });

  it('enforces GitHub-side limits the client must respect', async () => {
    const before = fake.violations.length;
    const body = 'x'.repeat(65_537);
    expect(await statusOf(octokit.rest.issues.createComment({ ...R, issue_number: 1, body }))).toBe(
      422,
    );
    const annotations = Array.from({ length: 51 }, () => ({
      path: 'a.txt',
      start_line: 1,
      end_line: 1,
      annotation_level: 'notice' as const,
      message: 'm',
    }));
    expect(
      await statusOf(
        octokit.rest.checks.create({
          ...R,
          name: 'n',
          head_sha: sha,
          output: { title: 't', summary: 's', annotations },
        }),
      ),
    ).toBe(422);
    expect(
      await statusOf(octokit.rest.checks.create({ ...R, name: 'n', head_sha: '0'.repeat(40) })),
    ).toBe(422);
    // The spec itself caps annotations at 50; the other two are valid requests GitHub refuses.
    expect(fake.violations.slice(before).map((v) => v.problems)).toEqual([
      ['/output/annotations must NOT have more than 50 items'],
    ]);
  });

  it('paginates with Link headers that Octokit follows', async () => {
    const before = fake.violations.length;
    const repo = fake.state.repo('o', 'r')!;
    for (let i = 0; i < 75; i += 1) repo.addComment(1, `c${i}`);
    const first = await octokit.rest.issues.listComments({ ...R, issue_number: 1, per_page: 30 });
    expect(first.data).toHaveLength(30);
    expect(first.headers.link).toContain('rel="next"');
    expect(first.headers.link).toContain('page=3');
    const all = await octokit.paginate(octokit.rest.issues.listComments, {
      ...R,
      issue_number: 1,
      per_page: 30,
    });
    expect(all.map((c) => c.body)).toEqual(Array.from({ length: 75 }, (_, i) => `c${i}`));
    expect(fake.violations.slice(before)).toEqual([]);
    expect(fake.responseViolations).toEqual([]);
  });
});
