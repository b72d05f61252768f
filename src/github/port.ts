import type { BaselineEntry } from './baseline-layout.js';
/**
 * The one interface through which VisionGate talks to GitHub, named by intent. One adapter
 * implements it over Octokit (`octokit-adapter.ts`); the orchestration in `publish.ts` and the
 * tests use only this interface. An instance is bound to one repository.
 */

/** `owner/repo` of the repository the workflow runs in. */
export interface RepoRef {
  owner: string;
  repo: string;
}

export interface RepositoryInfo {
  fullName: string;
  defaultBranch: string;
  private: boolean;
}

export interface PullRequestInfo {
  number: number;
  headSha: string;
  headRef: string;
  baseRef: string;
  baseSha: string;
  /** `owner/name` of the head repository; null when the fork was deleted. */
  headRepo: string | null;
  baseRepo: string;
  htmlUrl: string;
}

export interface CommentResult {
  id: number;
  url: string;
  /** `unchanged`: the comment already had exactly this body, so no write was made. */
  action: 'created' | 'updated' | 'unchanged';
}

/** Conclusions VisionGate uses (GitHub allows more). */
export type CheckConclusion = 'success' | 'failure' | 'neutral';

/** One check-run annotation, e.g. a failed gate pointing at its line in `visiongate.yml`. */
export interface CheckAnnotation {
  /** Repository-relative POSIX path. */
  path: string;
  startLine: number;
  endLine?: number;
  level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  rawDetails?: string;
}

export interface CheckInput {
  name: string;
  headSha: string;
  conclusion: CheckConclusion;
  /** One line shown next to the check (output.title). */
  title: string;
  /** Markdown, at most {@link CHECK_TEXT_LIMIT} characters (the caller fits it). */
  summary: string;
  detailsUrl?: string;
  externalId?: string;
  annotations: CheckAnnotation[];
}

export interface CheckRunResult {
  kind: 'check-run';
  id: number;
  url: string;
  name: string;
  conclusion: CheckConclusion;
  /** Requests that carried annotations (≤ 50 annotations each). */
  annotationRequests: number;
}

export type CommitState = 'success' | 'failure' | 'error' | 'pending';

export interface StatusInput {
  sha: string;
  state: CommitState;
  context: string;
  /** At most 140 characters (GitHub rejects longer ones); the adapter shortens. */
  description: string;
  targetUrl?: string;
}

export interface StatusResult {
  kind: 'status';
  state: CommitState;
  context: string;
  description: string;
  targetUrl?: string;
}

/** A file stored with a baseline: a name inside `<key>/<sha>/` and its content. */
export interface BaselineFile {
  /** Plain file name or relative POSIX path without `..` (e.g. `report.json`). */
  path: string;
  content: string | Uint8Array;
}

export interface StoreBaselineInput {
  /** Branch that holds baselines, e.g. `visiongate-baselines`. */
  storeBranch: string;
  /** Config key (already made safe by {@link safeKey}). */
  key: string;
  /** Commit the results belong to. */
  sha: string;
  /** Branch the commit is on (e.g. `main`): PR runs look baselines up by their base branch. */
  sourceBranch: string;
  files: BaselineFile[];
  /** Headline metrics appended to `history.jsonl`. */
  metrics: Record<string, number>;
  verdict?: string;
  runUrl?: string;
}

export interface StoreBaselineResult {
  /** Commit on the store branch that holds the baseline. */
  commitSha: string;
  /** Folder of the stored files on the store branch, `<key>/<sha>`. */
  path: string;
  /** 1 + the number of retries after a concurrent write moved the branch. */
  attempts: number;
  /** True when this write created the store branch. */
  createdBranch: boolean;
}

export interface FindBaselineInput {
  storeBranch: string;
  key: string;
  /** The branch whose baseline to use when no baseline exists at `mergeBase`. */
  baseBranch: string;
  /** Preferred commit: the PR's merge base with its base branch. */
  mergeBase?: string;
}

export interface FindArtifactBaselineInput {
  /** Workflow file name (e.g. `baseline.yml`) or numeric id. */
  workflow: string;
  artifactName: string;
  branch: string;
  mergeBase?: string;
}

/** Why a baseline was chosen, or why none was. */
export type BaselineReason =
  | 'merge-base'
  | 'latest-for-branch'
  | 'no-store'
  | 'no-baseline-for-key'
  | 'no-baseline-for-branch'
  | 'no-successful-run'
  | 'no-artifact'
  | 'error';

export type BaselineLookup =
  | {
      found: true;
      source: 'branch' | 'artifact';
      /** Commit of the default branch the baseline was computed on. */
      sha: string;
      /** Branch the baseline came from. */
      branch: string;
      reason: 'merge-base' | 'latest-for-branch';
      /** One sentence for logs and the report, e.g. why the merge base was not used. */
      detail: string;
      /** Files by relative path (e.g. `report.json`, `records.jsonl`). */
      files: Map<string, Uint8Array>;
      /** Artifact route: the workflow run the files came from. */
      runId?: number;
      storedAt?: string;
    }
  | {
      found: false;
      reason: Exclude<BaselineReason, 'merge-base' | 'latest-for-branch'>;
      detail: string;
    };

export interface IssueResult {
  number: number;
  url: string;
  action: 'opened' | 'updated' | 'closed';
}

export interface UpsertIssueInput {
  /** Hidden marker the issue body starts with, e.g. `<!-- visiongate-nightly:default -->`. */
  marker: string;
  title: string;
  /** Full body including the marker (fitted to the 65,536-character limit by the caller). */
  body: string;
  labels: string[];
  /** Posted as a comment when an existing issue is updated (a short timeline entry). */
  comment?: string;
}

export interface CloseIssueInput {
  marker: string;
  labels: string[];
  comment: string;
}

/** Everything VisionGate does on GitHub. Methods throw on HTTP failures (see `errors.ts`). */
export interface GitHubPort {
  readonly repo: RepoRef;
  getRepository(): Promise<RepositoryInfo>;
  getPullRequest(number: number): Promise<PullRequestInfo>;
  /** Merge base of `base` (branch or sha) and `head` (sha); undefined if unrelated/unknown. */
  getMergeBase(base: string, head: string): Promise<string | undefined>;
  /** Create or edit in place the one comment on `issueNumber` whose body starts with `marker`. */
  upsertComment(input: {
    issueNumber: number;
    marker: string;
    body: string;
  }): Promise<CommentResult>;
  /** Create a completed check run; annotations are sent in batches of 50. */
  createCheck(input: CheckInput): Promise<CheckRunResult>;
  setCommitStatus(input: StatusInput): Promise<StatusResult>;
  storeBaseline(input: StoreBaselineInput): Promise<StoreBaselineResult>;
  findBaseline(input: FindBaselineInput): Promise<BaselineLookup>;
  findArtifactBaseline(input: FindArtifactBaselineInput): Promise<BaselineLookup>;
  /** The stored history of headline metrics for `key` (oldest first; [] when none). */
  readBaselineHistory(input: { storeBranch: string; key: string }): Promise<BaselineEntry[]>;
  /** Open the issue found by `marker` (creating missing labels) or update the open one. */
  upsertTrackingIssue(input: UpsertIssueInput): Promise<IssueResult>;
  /** Close the open issue found by `marker` with a comment; undefined if none is open. */
  closeTrackingIssue(input: CloseIssueInput): Promise<IssueResult | undefined>;
}
