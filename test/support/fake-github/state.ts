/**
 * In-memory state of the fake GitHub: repositories with their git objects and refs, issues and
 * pull requests (one number space, as on GitHub), comments, labels, check runs, commit statuses,
 * workflow runs and artifacts. Tests seed it with the helpers below and read it back directly.
 */
import { zipSync, strToU8 } from 'fflate';
import { GitStore, type TreeChange } from './git-store.js';

export interface FakeComment {
  id: number;
  issueNumber: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'reopened' | 'not_planned' | 'duplicate' | null;
  labels: string[];
  user: string;
  /** Set for pull requests (they share the issue number space). */
  pull?: FakePullInfo;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface FakePullInfo {
  headSha: string;
  headRef: string;
  baseRef: string;
  /** `owner/name` of the head repository; differs from the base for forks; null if deleted. */
  headRepo: string | null;
}

export interface FakeLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface FakeAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  raw_details?: string;
  start_column?: number;
  end_column?: number;
}

export interface FakeCheckRun {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  externalId: string | null;
  detailsUrl: string | null;
  startedAt: string;
  completedAt: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: FakeAnnotation[];
  /** Number of create/update requests that carried annotations. */
  annotationRequests: number;
}

export interface FakeStatus {
  id: number;
  sha: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  context: string;
  description: string | null;
  targetUrl: string | null;
  createdAt: string;
}

export interface FakeWorkflowRun {
  id: number;
  workflowId: number;
  workflowPath: string;
  name: string;
  headBranch: string;
  headSha: string;
  event: string;
  status: 'completed' | 'in_progress' | 'queued';
  conclusion: 'success' | 'failure' | 'cancelled' | null;
  runNumber: number;
  createdAt: string;
}

export interface FakeArtifact {
  id: number;
  runId: number;
  name: string;
  zip: Uint8Array;
  expired: boolean;
  createdAt: string;
}

/** Files for seeding a commit or an artifact: path → text or bytes. */
export type FileMap = Record<string, string | Uint8Array>;

let clock = Date.parse('2026-01-01T00:00:00Z');
/** Monotonic fake timestamps so that ordering by time is deterministic. */
export function now(): string {
  clock += 1000;
  return new Date(clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class FakeRepo {
  readonly git = new GitStore();
  /** Ref name without `refs/` (e.g. `heads/main`) → commit sha. */
  readonly refs = new Map<string, string>();
  readonly issues = new Map<number, FakeIssue>();
  readonly comments = new Map<number, FakeComment>();
  /** Lower-cased name → label. */
  readonly labels = new Map<string, FakeLabel>();
  readonly checkRuns = new Map<number, FakeCheckRun>();
  readonly statuses: FakeStatus[] = [];
  readonly workflows = new Map<number, { id: number; path: string; name: string }>();
  readonly runs = new Map<number, FakeWorkflowRun>();
  readonly artifacts = new Map<number, FakeArtifact>();
  /** Files larger than this come back from the contents API without inline content. */
  contentsInlineLimit = 1024 * 1024;

  constructor(
    private readonly ids: () => number,
    readonly owner: string,
    readonly name: string,
    readonly id: number,
    public defaultBranch: string,
    public isPrivate: boolean,
  ) {}

  get fullName(): string {
    return `${this.owner}/${this.name}`;
  }

  /** Create a commit with `files` on top of the parent's tree (or an empty tree). */
  commit(
    options: { parents?: string[]; message?: string; files?: FileMap; sha?: string } = {},
  ): string {
    const parents = options.parents ?? [];
    const parentTree = parents[0] ? this.git.commits.get(parents[0])?.tree : undefined;
    const changes: TreeChange[] = Object.entries(options.files ?? {}).map(([path, content]) => ({
      path,
      mode: '100644',
      type: 'blob',
      sha: this.git.putBlob(Buffer.from(typeof content === 'string' ? strToU8(content) : content)),
    }));
    const tree = this.git.buildTree(parentTree, changes);
    if (typeof tree !== 'string') throw new Error(tree.error);
    const who = { name: 'Monalisa Octocat', email: 'mona@github.invalid', date: now() };
    const sha = this.git.putCommit({
      tree,
      parents,
      message: options.message ?? 'commit',
      author: who,
      committer: who,
    });
    if (options.sha) {
      // Tests that replay real webhook payloads need commits with the payload's ids.
      const c = this.git.commits.get(sha)!;
      this.git.commits.delete(sha);
      this.git.commits.set(options.sha, { ...c, sha: options.sha });
      return options.sha;
    }
    return sha;
  }

  /** Point `refs/heads/<branch>` at a commit. */
  setBranch(branch: string, sha: string): void {
    this.refs.set(`heads/${branch}`, sha);
  }

  branch(name: string): string | undefined {
    return this.refs.get(`heads/${name}`);
  }

  /** Resolve a branch name, tag, `refs/...` or a commit sha to a commit sha. */
  resolve(ref: string): string | undefined {
    const r = ref.replace(/^refs\//, '');
    return (
      this.refs.get(r) ??
      this.refs.get(`heads/${r}`) ??
      this.refs.get(`tags/${r}`) ??
      (this.git.commits.has(ref) ? ref : undefined) ??
      [...this.git.commits.keys()].find((s) => ref.length >= 7 && s.startsWith(ref))
    );
  }

  /** Read a file at a ref as UTF-8, or undefined. */
  readFile(ref: string, path: string): string | undefined {
    const sha = this.resolve(ref);
    const commit = sha ? this.git.commits.get(sha) : undefined;
    if (!commit) return undefined;
    const entry = this.git.lookup(commit.tree, path);
    if (!entry || entry.type !== 'blob') return undefined;
    return this.git.blobs.get(entry.sha)?.toString('utf8');
  }

  /** Paths of all files at a ref (recursive), sorted. */
  listFiles(ref: string): string[] {
    const sha = this.resolve(ref);
    const commit = sha ? this.git.commits.get(sha) : undefined;
    if (!commit) return [];
    const out: string[] = [];
    const walk = (tree: string, prefix: string): void => {
      for (const e of this.git.trees.get(tree) ?? []) {
        if (e.type === 'tree') walk(e.sha, `${prefix}${e.path}/`);
        else out.push(prefix + e.path);
      }
    };
    walk(commit.tree, '');
    return out.sort();
  }

  /** Open a pull request; its head commit must exist in this repo's object store. */
  addPull(options: {
    number?: number;
    title?: string;
    headSha: string;
    headRef: string;
    baseRef: string;
    headRepo?: string | null;
  }): FakeIssue {
    const number = options.number ?? this.nextNumber();
    const t = now();
    const issue: FakeIssue = {
      number,
      title: options.title ?? `Pull request ${number}`,
      body: null,
      state: 'open',
      stateReason: null,
      labels: [],
      user: 'octocat',
      pull: {
        headSha: options.headSha,
        headRef: options.headRef,
        baseRef: options.baseRef,
        headRepo: options.headRepo === undefined ? this.fullName : options.headRepo,
      },
      createdAt: t,
      updatedAt: t,
      closedAt: null,
    };
    this.issues.set(number, issue);
    // GitHub keeps fork PR heads in the base repository under refs/pull/N/head.
    this.refs.set(`pull/${number}/head`, options.headSha);
    return issue;
  }

  /** Record a workflow run (and its artifacts, zipped with fflate). */
  addWorkflowRun(options: {
    workflowPath: string;
    headBranch: string;
    headSha: string;
    event?: string;
    status?: FakeWorkflowRun['status'];
    conclusion?: FakeWorkflowRun['conclusion'];
    artifacts?: { name: string; files: FileMap; expired?: boolean }[];
  }): FakeWorkflowRun {
    let workflow = [...this.workflows.values()].find((w) => w.path === options.workflowPath);
    if (!workflow) {
      const id = this.ids();
      workflow = { id, path: options.workflowPath, name: options.workflowPath.split('/').pop()! };
      this.workflows.set(id, workflow);
    }
    const run: FakeWorkflowRun = {
      id: this.ids(),
      workflowId: workflow.id,
      workflowPath: options.workflowPath,
      name: workflow.name,
      headBranch: options.headBranch,
      headSha: options.headSha,
      event: options.event ?? 'push',
      status: options.status ?? 'completed',
      conclusion: options.conclusion === undefined ? 'success' : options.conclusion,
      runNumber: this.runs.size + 1,
      createdAt: now(),
    };
    this.runs.set(run.id, run);
    for (const a of options.artifacts ?? []) {
      const files: Record<string, Uint8Array> = {};
      for (const [path, content] of Object.entries(a.files)) {
        files[path] = typeof content === 'string' ? strToU8(content) : content;
      }
      const artifact: FakeArtifact = {
        id: this.ids(),
        runId: run.id,
        name: a.name,
        zip: zipSync(files, { level: 6, mtime: new Date('2026-01-01T00:00:00Z') }),
        expired: a.expired ?? false,
        createdAt: now(),
      };
      this.artifacts.set(artifact.id, artifact);
    }
    return run;
  }

  /** Comments on one issue or pull request, oldest first. */
  commentsOn(issueNumber: number): FakeComment[] {
    return [...this.comments.values()]
      .filter((c) => c.issueNumber === issueNumber)
      .sort((a, b) => a.id - b.id);
  }

  /** Add a comment as some user (seeding: e.g. 120 unrelated comments to force pagination). */
  addComment(issueNumber: number, body: string, user = 'octocat'): FakeComment {
    const t = now();
    const c: FakeComment = { id: this.ids(), issueNumber, body, user, createdAt: t, updatedAt: t };
    this.comments.set(c.id, c);
    return c;
  }

  nextNumber(): number {
    return Math.max(0, ...this.issues.keys()) + 1;
  }
}

export class FakeState {
  private lastId = 1000;
  readonly repos = new Map<string, FakeRepo>();
  /** The user that writes with the token (GITHUB_TOKEN acts as this bot). */
  botLogin = 'github-actions[bot]';

  /** A fresh numeric id (shared counter: ids are unique across kinds, like GitHub's). */
  nextId = (): number => ++this.lastId;

  addRepo(options: {
    owner: string;
    name: string;
    defaultBranch?: string;
    private?: boolean;
    id?: number;
  }): FakeRepo {
    const repo = new FakeRepo(
      this.nextId,
      options.owner,
      options.name,
      options.id ?? this.nextId(),
      options.defaultBranch ?? 'main',
      options.private ?? false,
    );
    this.repos.set(repo.fullName.toLowerCase(), repo);
    return repo;
  }

  repo(owner: string, name: string): FakeRepo | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }
}
