/**
 * Baselines stored on a dedicated branch with the git data API (no checkout, no git binary):
 * blobs → tree (on top of the branch's tree) → commit → move the ref with `force: false`.
 * Two runs storing at once (two pushes in quick succession) race on the ref; the loser gets
 * 422 "not a fast forward" and redoes the tree/commit on top of the new head. Nothing is lost:
 * each run's files live in their own `<key>/<sha>/` folder and history lines are re-appended.
 */
import type { Octokit } from './client.js';
import {
  BASELINE_SCHEMA_VERSION,
  appendHistory,
  assertCommitSha,
  baselineDir,
  checkFilePath,
  historyPath,
  latestPath,
  newestForBranch,
  parseEntry,
  parseHistory,
  shortSha,
  type BaselineEntry,
} from './baseline-layout.js';
import { isNotFound, isValidationFailure } from './errors.js';
import type {
  BaselineLookup,
  FindBaselineInput,
  RepoRef,
  StoreBaselineInput,
  StoreBaselineResult,
} from './port.js';

export interface BranchStoreOptions {
  /** Attempts at moving the ref before giving up (default 5). */
  maxAttempts: number;
  /** Base of the randomised wait between attempts (default 500 ms). */
  backoffMs: number;
  now: () => Date;
}

export async function storeBaselineOnBranch(
  octokit: Octokit,
  repo: RepoRef,
  input: StoreBaselineInput,
  options: BranchStoreOptions,
): Promise<StoreBaselineResult> {
  assertCommitSha(input.sha);
  const dir = baselineDir(input.key, input.sha);
  const names = input.files.map((f) => checkFilePath(f.path));
  if (new Set(names).size !== names.length) throw new Error('baseline files have duplicate paths');

  // File blobs do not depend on the branch head: create them once, reuse them on retries.
  const fileEntries = [];
  for (const file of input.files) {
    const sha = await createBlob(octokit, repo, file.content);
    fileEntries.push({
      path: `${dir}/${file.path}`,
      mode: '100644' as const,
      type: 'blob' as const,
      sha,
    });
  }
  const ref = `heads/${input.storeBranch}`;
  for (let attempt = 1; ; attempt += 1) {
    const head = await getRefSha(octokit, repo, ref);
    const entry: BaselineEntry = {
      schemaVersion: BASELINE_SCHEMA_VERSION,
      key: input.key,
      sha: input.sha,
      branch: input.sourceBranch,
      storedAt: options.now().toISOString(),
      path: dir,
      files: names,
      metrics: input.metrics,
      ...(input.verdict ? { verdict: input.verdict } : {}),
      ...(input.runUrl ? { runUrl: input.runUrl } : {}),
    };
    let baseTree: string | undefined;
    let history = '';
    if (head) {
      const { data: commit } = await octokit.rest.git.getCommit({ ...repo, commit_sha: head });
      baseTree = commit.tree.sha;
      history = (await readText(octokit, repo, head, historyPath(input.key))) ?? '';
    }
    const latestBlob = await createBlob(octokit, repo, `${JSON.stringify(entry, null, 2)}\n`);
    const historyBlob = await createBlob(octokit, repo, appendHistory(history, entry));
    const { data: tree } = await octokit.rest.git.createTree({
      ...repo,
      ...(baseTree ? { base_tree: baseTree } : {}),
      tree: [
        ...fileEntries,
        { path: latestPath(input.key), mode: '100644', type: 'blob', sha: latestBlob },
        { path: historyPath(input.key), mode: '100644', type: 'blob', sha: historyBlob },
      ],
    });
    const { data: commit } = await octokit.rest.git.createCommit({
      ...repo,
      message: `VisionGate baseline ${input.key} @ ${shortSha(input.sha)} (${input.sourceBranch})`,
      tree: tree.sha,
      parents: head ? [head] : [],
    });
    try {
      if (head) {
        await octokit.rest.git.updateRef({ ...repo, ref, sha: commit.sha, force: false });
      } else {
        await octokit.rest.git.createRef({ ...repo, ref: `refs/${ref}`, sha: commit.sha });
      }
      return { commitSha: commit.sha, path: dir, attempts: attempt, createdBranch: !head };
    } catch (error) {
      // 422: "Update is not a fast forward" / "Reference already exists" — someone else won.
      if (!isValidationFailure(error) || attempt >= options.maxAttempts) throw error;
      await sleep(options.backoffMs * (0.5 + Math.random()) * attempt);
    }
  }
}

export async function findBaselineOnBranch(
  octokit: Octokit,
  repo: RepoRef,
  input: FindBaselineInput,
): Promise<BaselineLookup> {
  const head = await getRefSha(octokit, repo, `heads/${input.storeBranch}`);
  if (!head) {
    return {
      found: false,
      reason: 'no-store',
      detail: `no baseline yet: the branch "${input.storeBranch}" does not exist (it is created by the first run on the default branch)`,
    };
  }
  // Everything below reads at `head`, one snapshot, even if another run stores meanwhile.
  if (input.mergeBase) {
    const files = await readFolder(octokit, repo, head, baselineDir(input.key, input.mergeBase));
    if (files) {
      return {
        found: true,
        source: 'branch',
        sha: input.mergeBase,
        branch: input.baseBranch,
        reason: 'merge-base',
        detail: `baseline of the merge base ${shortSha(input.mergeBase)} with ${input.baseBranch}`,
        files,
      };
    }
  }
  const latestText = await readText(octokit, repo, head, latestPath(input.key));
  const latest = latestText === undefined ? undefined : parseEntry(latestText);
  if (!latest) {
    return {
      found: false,
      reason: 'no-baseline-for-key',
      detail: `no baseline yet for "${input.key}" on the branch "${input.storeBranch}"`,
    };
  }
  const history =
    latest.branch === input.baseBranch
      ? []
      : parseHistory((await readText(octokit, repo, head, historyPath(input.key))) ?? '');
  const entry = newestForBranch(latest, history, input.baseBranch);
  const files = entry
    ? await readFolder(octokit, repo, head, baselineDir(input.key, entry.sha))
    : undefined;
  if (!entry || !files) {
    return {
      found: false,
      reason: 'no-baseline-for-branch',
      detail: `no baseline yet for "${input.key}" from the branch "${input.baseBranch}"`,
    };
  }
  const why = input.mergeBase
    ? `no baseline stored for the merge base ${shortSha(input.mergeBase)}; using the newest baseline of ${input.baseBranch}`
    : `the newest baseline of ${input.baseBranch}`;
  return {
    found: true,
    source: 'branch',
    sha: entry.sha,
    branch: entry.branch,
    reason: 'latest-for-branch',
    detail: `${why} (${shortSha(entry.sha)}${entry.storedAt ? `, stored ${entry.storedAt}` : ''})`,
    files,
    ...(entry.storedAt ? { storedAt: entry.storedAt } : {}),
  };
}

async function createBlob(
  octokit: Octokit,
  repo: RepoRef,
  content: string | Uint8Array,
): Promise<string> {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
  const { data } = await octokit.rest.git.createBlob({
    ...repo,
    content: bytes.toString('base64'),
    encoding: 'base64',
  });
  return data.sha;
}

async function getRefSha(
  octokit: Octokit,
  repo: RepoRef,
  ref: string,
): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.git.getRef({ ...repo, ref });
    return data.object.sha;
  } catch (error) {
    // 404: no such branch. 409: the repository is empty (no commits at all).
    if (isNotFound(error) || (error as { status?: number }).status === 409) return undefined;
    throw error;
  }
}

/** Every stored entry of `key` (oldest first), or [] when nothing is stored yet. */
export async function readHistoryOnBranch(
  octokit: Octokit,
  repo: RepoRef,
  input: { storeBranch: string; key: string },
): Promise<BaselineEntry[]> {
  const head = await getRefSha(octokit, repo, `heads/${input.storeBranch}`);
  if (!head) return [];
  return parseHistory((await readText(octokit, repo, head, historyPath(input.key))) ?? '');
}

async function readBlob(octokit: Octokit, repo: RepoRef, sha: string): Promise<Uint8Array> {
  const { data } = await octokit.rest.git.getBlob({ ...repo, file_sha: sha });
  return new Uint8Array(Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8'));
}

/** A file's text at `ref`, or undefined if absent. Large files (> 1 MB) come via the blob API. */
async function readText(
  octokit: Octokit,
  repo: RepoRef,
  ref: string,
  path: string,
): Promise<string | undefined> {
  let data: unknown;
  try {
    ({ data } = await octokit.rest.repos.getContent({ ...repo, path, ref }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  if (Array.isArray(data) || typeof data !== 'object' || data === null) return undefined;
  const file = data as { type?: string; encoding?: string; content?: string; sha?: string };
  if (file.type !== 'file' || typeof file.sha !== 'string') return undefined;
  if (file.encoding === 'base64' && typeof file.content === 'string' && file.content !== '') {
    return Buffer.from(file.content, 'base64').toString('utf8');
  }
  return Buffer.from(await readBlob(octokit, repo, file.sha)).toString('utf8');
}

/** All files below `path` at `ref` (relative to it), or undefined if the folder is absent. */
async function readFolder(
  octokit: Octokit,
  repo: RepoRef,
  ref: string,
  path: string,
): Promise<Map<string, Uint8Array> | undefined> {
  const files = new Map<string, Uint8Array>();
  const walk = async (dir: string, prefix: string): Promise<boolean> => {
    let data: unknown;
    try {
      ({ data } = await octokit.rest.repos.getContent({ ...repo, path: dir, ref }));
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
    if (!Array.isArray(data)) return false;
    for (const item of data as { type: string; name: string; path: string; sha: string }[]) {
      if (item.type === 'dir') await walk(item.path, `${prefix}${item.name}/`);
      else if (item.type === 'file')
        files.set(prefix + item.name, await readBlob(octokit, repo, item.sha));
    }
    return true;
  };
  return (await walk(path, '')) ? files : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
