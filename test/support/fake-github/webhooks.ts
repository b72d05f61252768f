/**
 * Real webhook payloads from `@octokit/webhooks-examples` (GitHub's own examples), and helpers
 * to seed the fake with the repository, commits and pull request they describe.
 */
import { createRequire } from 'node:module';
import type { FakeGitHub } from './server.js';
import type { FakeRepo } from './state.js';

type Payload = Record<string, unknown>;
interface ExampleGroup {
  name: string;
  examples: Payload[];
}

const require = createRequire(import.meta.url);
const groups = require('@octokit/webhooks-examples') as ExampleGroup[];

/**
 * A deep copy of the first example of `event` (with `action` when given) that satisfies
 * `where`. Throws if there is none, so a changed examples package fails loudly.
 */
export function webhookExample(
  event: string,
  action?: string,
  where: (p: Payload) => boolean = () => true,
): Payload {
  const group = groups.find((g) => g.name === event);
  const hit = group?.examples.find(
    (e) => (action === undefined || e['action'] === action) && where(e),
  );
  if (!hit) throw new Error(`no webhook example ${event}${action ? `.${action}` : ''}`);
  return structuredClone(hit);
}

/** A `pull_request` payload turned into one from a fork (head repo differs from the base). */
export function forkPullRequestPayload(action = 'opened'): Payload {
  const payload = webhookExample('pull_request', action);
  const pr = payload['pull_request'] as Payload;
  const head = pr['head'] as Payload;
  const repo = structuredClone(head['repo']) as Payload;
  const owner = { ...(repo['owner'] as Payload), login: 'forker', id: 4242 };
  head['repo'] = {
    ...repo,
    id: 4243,
    name: 'Hello-World',
    full_name: 'forker/Hello-World',
    owner,
    fork: true,
  };
  head['label'] = 'forker:changes';
  head['user'] = owner;
  return payload;
}

/** Add the payload's repository to the fake (idempotent), with its default branch. */
export function seedRepository(fake: FakeGitHub, payload: Payload): FakeRepo {
  const r = payload['repository'] as Payload;
  const fullName = r['full_name'] as string;
  const [owner, name] = fullName.split('/') as [string, string];
  return (
    fake.state.repo(owner, name) ??
    fake.state.addRepo({
      owner,
      name,
      defaultBranch: (r['default_branch'] as string | undefined) ?? 'main',
      id: r['id'] as number,
    })
  );
}
