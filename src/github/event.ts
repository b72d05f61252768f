/**
 * What VisionGate needs to know about the triggering event, read from the webhook payload the
 * Action entry passes in (`github.context.payload`): which PR, which commit to attach the check
 * to, which branch the baseline comes from, and whether the token can write at all.
 */

export interface EventInput {
  /** `GITHUB_EVENT_NAME`, e.g. `pull_request`, `push`, `schedule`, `workflow_run`. */
  eventName: string;
  /** The webhook payload (`GITHUB_EVENT_PATH` contents). */
  payload: Record<string, unknown>;
  /** `GITHUB_SHA`. For `pull_request` this is the test merge commit, not the PR head. */
  sha: string;
  /**
   * `GITHUB_REF`, e.g. `refs/heads/main`. Wins over `payload.ref`; needed for `schedule`, whose
   * payload has no ref.
   */
  ref?: string;
  /** PR number from elsewhere (the `workflow_run` pattern passes it through the artifact). */
  prNumber?: number;
  /** Commit to report on, overriding what the payload says (again for `workflow_run`). */
  headSha?: string;
}

export interface EventFacts {
  eventName: string;
  /** The PR to comment on, if any. */
  prNumber?: number;
  /** The commit checks and statuses are attached to (the PR head for pull requests). */
  headSha: string;
  /** PR base branch (baseline lookup). */
  baseRef?: string;
  /** Branch of a push / schedule / dispatch run. */
  branch?: string;
  /** From `payload.repository.default_branch` when present. */
  defaultBranch?: string;
  /** A PR event from a fork (or a deleted fork): GitHub gives a read-only token. */
  readOnly: boolean;
  /** Why the token is read-only, for the notice. */
  readOnlyReason?: string;
  /** `pull_request_target` on a fork PR: write token, untrusted code. */
  untrustedWithWriteToken: boolean;
}

const PR_EVENTS = new Set([
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
]);

/** Read the facts out of an event payload. Never throws; missing fields stay undefined. */
export function describeEvent(input: EventInput): EventFacts {
  const p = input.payload;
  const repository = obj(p['repository']);
  const facts: EventFacts = {
    eventName: input.eventName,
    headSha: input.headSha ?? input.sha,
    defaultBranch: str(repository?.['default_branch']),
    readOnly: false,
    untrustedWithWriteToken: false,
  };
  const ref = input.ref ?? str(p['ref']);
  const branch = ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;

  if (PR_EVENTS.has(input.eventName)) {
    const pr = obj(p['pull_request']);
    const head = obj(pr?.['head']);
    const base = obj(pr?.['base']);
    facts.prNumber = input.prNumber ?? num(pr?.['number']) ?? num(p['number']);
    facts.headSha = input.headSha ?? str(head?.['sha']) ?? input.sha;
    facts.baseRef = str(base?.['ref']);
    const headRepo = str(obj(head?.['repo'])?.['full_name']);
    const baseRepo = str(obj(base?.['repo'])?.['full_name']) ?? str(repository?.['full_name']);
    const fromFork = headRepo === undefined || (baseRepo !== undefined && headRepo !== baseRepo);
    // Every PR event from a fork gets a read-only token, except pull_request_target.
    if (fromFork && input.eventName !== 'pull_request_target') {
      facts.readOnly = true;
      facts.readOnlyReason =
        headRepo === undefined
          ? 'the pull request comes from a deleted fork'
          : `the pull request comes from the fork ${headRepo}`;
    }
    if (fromFork && input.eventName === 'pull_request_target') facts.untrustedWithWriteToken = true;
    return facts;
  }

  if (input.eventName === 'workflow_run') {
    const run = obj(p['workflow_run']);
    const prs = Array.isArray(run?.['pull_requests']) ? (run['pull_requests'] as unknown[]) : [];
    const firstPr = obj(prs[0]);
    facts.prNumber = input.prNumber ?? num(firstPr?.['number']);
    facts.headSha = input.headSha ?? str(run?.['head_sha']) ?? input.sha;
    facts.baseRef = str(obj(firstPr?.['base'])?.['ref']);
    facts.branch = str(run?.['head_branch']);
    return facts;
  }

  if (input.eventName === 'push') {
    facts.headSha = input.headSha ?? str(p['after']) ?? input.sha;
  }
  facts.branch = branch;
  facts.prNumber = input.prNumber;
  return facts;
}

function obj(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
