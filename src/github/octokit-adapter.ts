import type { BaselineEntry } from './baseline-layout.js';
/**
 * The Octokit implementation of {@link GitHubPort}. All REST calls VisionGate makes are here or
 * in the two baseline helpers it delegates to; retries, throttling and pagination come from the
 * client (`client.ts`).
 */
import { findArtifactBaselineFromRuns, type ArtifactOptions } from './artifact-baseline.js';
import {
  findBaselineOnBranch,
  readHistoryOnBranch,
  storeBaselineOnBranch,
  type BranchStoreOptions,
} from './baseline-branch.js';
import { createOctokit, type ClientOptions, type Octokit } from './client.js';
import { isNotFound, isValidationFailure } from './errors.js';
import type {
  BaselineLookup,
  CheckAnnotation,
  CheckInput,
  CheckRunResult,
  CloseIssueInput,
  CommentResult,
  FindArtifactBaselineInput,
  FindBaselineInput,
  GitHubPort,
  IssueResult,
  PullRequestInfo,
  RepoRef,
  RepositoryInfo,
  StatusInput,
  StatusResult,
  StoreBaselineInput,
  StoreBaselineResult,
  UpsertIssueInput,
} from './port.js';
import { shorten } from './verdict.js';

/** GitHub accepts at most 50 annotations per check-run create/update request. */
export const ANNOTATIONS_PER_REQUEST = 50;

export interface AdapterOptions {
  /** Ref-update attempts when concurrent baseline stores race (default 5). */
  storeAttempts?: number;
  /** Base wait between those attempts (default 500 ms). */
  storeBackoffMs?: number;
  /** Successful runs searched for a baseline artifact (default 20). */
  maxArtifactRuns?: number;
  /** Refuse baseline artifacts that unpack to more than this (default 2 GiB). */
  maxArtifactBytes?: number;
  /** Clock for `storedAt` (tests). */
  now?: () => Date;
}

export class OctokitGitHub implements GitHubPort {
  private readonly branchOptions: BranchStoreOptions;
  private readonly artifactOptions: ArtifactOptions;

  constructor(
    readonly octokit: Octokit,
    readonly repo: RepoRef,
    options: AdapterOptions = {},
  ) {
    this.branchOptions = {
      maxAttempts: options.storeAttempts ?? 5,
      backoffMs: options.storeBackoffMs ?? 500,
      now: options.now ?? (() => new Date()),
    };
    this.artifactOptions = {
      maxRuns: options.maxArtifactRuns ?? 20,
      maxUnpackedBytes: options.maxArtifactBytes ?? 2 * 1024 ** 3,
    };
  }

  async getRepository(): Promise<RepositoryInfo> {
    const { data } = await this.octokit.rest.repos.get({ ...this.repo });
    return { fullName: data.full_name, defaultBranch: data.default_branch, private: data.private };
  }

  async getPullRequest(number: number): Promise<PullRequestInfo> {
    const { data } = await this.octokit.rest.pulls.get({ ...this.repo, pull_number: number });
    return {
      number: data.number,
      headSha: data.head.sha,
      headRef: data.head.ref,
      baseRef: data.base.ref,
      baseSha: data.base.sha,
      headRepo: data.head.repo?.full_name ?? null,
      baseRepo: data.base.repo.full_name,
      htmlUrl: data.html_url,
    };
  }

  async getMergeBase(base: string, head: string): Promise<string | undefined> {
    try {
      const { data } = await this.octokit.rest.repos.compareCommitsWithBasehead({
        ...this.repo,
        basehead: `${base}...${head}`,
        // Only the merge base is needed, not the commit list.
        per_page: 1,
      });
      return data.merge_base_commit.sha;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async upsertComment(input: {
    issueNumber: number;
    marker: string;
    body: string;
  }): Promise<CommentResult> {
    const iterator = this.octokit.paginate.iterator(this.octokit.rest.issues.listComments, {
      ...this.repo,
      issue_number: input.issueNumber,
      per_page: 100,
    });
    for await (const page of iterator) {
      // The marker must open the body: a human quoting our comment starts with "> ".
      const mine = page.data.find((c) => (c.body ?? '').trimStart().startsWith(input.marker));
      if (!mine) continue;
      if (mine.body === input.body) return { id: mine.id, url: mine.html_url, action: 'unchanged' };
      const { data } = await this.octokit.rest.issues.updateComment({
        ...this.repo,
        comment_id: mine.id,
        body: input.body,
      });
      return { id: data.id, url: data.html_url, action: 'updated' };
    }
    const { data } = await this.octokit.rest.issues.createComment({
      ...this.repo,
      issue_number: input.issueNumber,
      body: input.body,
    });
    return { id: data.id, url: data.html_url, action: 'created' };
  }

  async createCheck(input: CheckInput): Promise<CheckRunResult> {
    const batches: CheckAnnotation[][] = [];
    for (let i = 0; i < input.annotations.length; i += ANNOTATIONS_PER_REQUEST) {
      batches.push(input.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
    }
    const output = (batch: CheckAnnotation[] | undefined) => ({
      title: shorten(input.title, 255),
      summary: input.summary,
      ...(batch && batch.length > 0 ? { annotations: batch.map(toAnnotation) } : {}),
    });
    const { data } = await this.octokit.rest.checks.create({
      ...this.repo,
      name: input.name,
      head_sha: input.headSha,
      status: 'completed',
      conclusion: input.conclusion,
      completed_at: new Date().toISOString(),
      ...(input.detailsUrl ? { details_url: input.detailsUrl } : {}),
      ...(input.externalId ? { external_id: input.externalId } : {}),
      output: output(batches[0]),
    });
    // Further annotations are appended by updates; each update must repeat title and summary.
    for (const batch of batches.slice(1)) {
      await this.octokit.rest.checks.update({
        ...this.repo,
        check_run_id: data.id,
        output: output(batch),
      });
    }
    return {
      kind: 'check-run',
      id: data.id,
      url: data.html_url ?? '',
      name: input.name,
      conclusion: input.conclusion,
      annotationRequests: batches.length,
    };
  }

  async setCommitStatus(input: StatusInput): Promise<StatusResult> {
    const description = shorten(input.description, 140);
    await this.octokit.rest.repos.createCommitStatus({
      ...this.repo,
      sha: input.sha,
      state: input.state,
      context: input.context,
      description,
      ...(input.targetUrl ? { target_url: input.targetUrl } : {}),
    });
    return {
      kind: 'status',
      state: input.state,
      context: input.context,
      description,
      ...(input.targetUrl ? { targetUrl: input.targetUrl } : {}),
    };
  }

  storeBaseline(input: StoreBaselineInput): Promise<StoreBaselineResult> {
    return storeBaselineOnBranch(this.octokit, this.repo, input, this.branchOptions);
  }

  findBaseline(input: FindBaselineInput): Promise<BaselineLookup> {
    return findBaselineOnBranch(this.octokit, this.repo, input);
  }

  readBaselineHistory(input: { storeBranch: string; key: string }): Promise<BaselineEntry[]> {
    return readHistoryOnBranch(this.octokit, this.repo, input);
  }

  findArtifactBaseline(input: FindArtifactBaselineInput): Promise<BaselineLookup> {
    return findArtifactBaselineFromRuns(this.octokit, this.repo, input, this.artifactOptions);
  }

  async upsertTrackingIssue(input: UpsertIssueInput): Promise<IssueResult> {
    const existing = await this.findOpenIssue(input.marker, input.labels);
    if (existing) {
      const { data } = await this.octokit.rest.issues.update({
        ...this.repo,
        issue_number: existing,
        title: input.title,
        body: input.body,
      });
      if (input.comment) {
        await this.octokit.rest.issues.createComment({
          ...this.repo,
          issue_number: existing,
          body: input.comment,
        });
      }
      return { number: data.number, url: data.html_url, action: 'updated' };
    }
    await this.ensureLabels(input.labels);
    const { data } = await this.octokit.rest.issues.create({
      ...this.repo,
      title: input.title,
      body: input.body,
      labels: input.labels,
    });
    return { number: data.number, url: data.html_url, action: 'opened' };
  }

  async closeTrackingIssue(input: CloseIssueInput): Promise<IssueResult | undefined> {
    const existing = await this.findOpenIssue(input.marker, input.labels);
    if (!existing) return undefined;
    await this.octokit.rest.issues.createComment({
      ...this.repo,
      issue_number: existing,
      body: input.comment,
    });
    const { data } = await this.octokit.rest.issues.update({
      ...this.repo,
      issue_number: existing,
      state: 'closed',
      state_reason: 'completed',
    });
    return { number: data.number, url: data.html_url, action: 'closed' };
  }

  /**
   * The open issue whose body starts with `marker`. Filtering by our labels keeps this to one
   * page in busy repositories; with no labels configured every open issue is scanned.
   */
  private async findOpenIssue(marker: string, labels: string[]): Promise<number | undefined> {
    const iterator = this.octokit.paginate.iterator(this.octokit.rest.issues.listForRepo, {
      ...this.repo,
      state: 'open',
      per_page: 100,
      ...(labels.length > 0 ? { labels: labels.join(',') } : {}),
    });
    for await (const page of iterator) {
      const hit = page.data.find(
        (i) => !i.pull_request && (i.body ?? '').trimStart().startsWith(marker),
      );
      if (hit) return hit.number;
    }
    return undefined;
  }

  /** Create labels that do not exist yet (GitHub silently drops unknown labels otherwise). */
  private async ensureLabels(labels: string[]): Promise<void> {
    for (const name of labels) {
      try {
        await this.octokit.rest.issues.getLabel({ ...this.repo, name });
        continue;
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      try {
        await this.octokit.rest.issues.createLabel({
          ...this.repo,
          name,
          color: 'd93f0b',
          description: 'Opened by VisionGate for a failing scheduled evaluation',
        });
      } catch (error) {
        // 422 already_exists: another run created it in between.
        if (!isValidationFailure(error)) throw error;
      }
    }
  }
}

function toAnnotation(a: CheckAnnotation) {
  return {
    path: a.path,
    start_line: a.startLine,
    end_line: a.endLine ?? a.startLine,
    annotation_level: a.level,
    message: shortenKeepingLines(a.message, 64 * 1024 - 1),
    ...(a.title ? { title: shorten(a.title, 255) } : {}),
    ...(a.rawDetails ? { raw_details: shortenKeepingLines(a.rawDetails, 64 * 1024 - 1) } : {}),
  };
}

function shortenKeepingLines(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}…`;
}

export interface CreatePortOptions extends ClientOptions, AdapterOptions {
  repo: RepoRef;
}

/** Octokit client + adapter in one call: what the Action entry uses. */
export function createGitHubPort(options: CreatePortOptions): OctokitGitHub {
  return new OctokitGitHub(createOctokit(options), options.repo, options);
}
