/**
 * Operation handlers of the fake GitHub, keyed by OpenAPI operationId. Each reads/writes the
 * in-memory state and answers with objects built from the spec's own response examples, with
 * our state patched in, so the shape matches what GitHub sends. Business rules that GitHub
 * enforces server-side and that our client must cope with are reproduced: body length limits,
 * 50 annotations per request, 140-character status descriptions, fast-forward-only ref updates,
 * unknown commit SHAs, expired artifacts.
 */
import type { OpenApiSpec, Operation } from './openapi.js';
import {
  now,
  type FakeAnnotation,
  type FakeCheckRun,
  type FakeComment,
  type FakeIssue,
  type FakeLabel,
  type FakeRepo,
  type FakeState,
  type FakeWorkflowRun,
} from './state.js';
import type { TreeChange, TreeEntry } from './git-store.js';

export interface HandlerContext {
  spec: OpenApiSpec;
  state: FakeState;
  repo: FakeRepo;
  operation: Operation;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  baseUrl: string;
  path: string;
}

export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, unknown>[],
  ) {
    super(message);
  }
}

const WEB = 'https://github.com';
/** GitHub's limit on issue and comment bodies (characters). */
const MAX_BODY = 65536;
/** GitHub's limit on check run output.summary / output.text (characters). */
const MAX_CHECK_TEXT = 65535;

type Obj = Record<string, unknown>;

function example(ctx: HandlerContext, operationId: string, status: string): Obj {
  const raw = ctx.spec.operation(operationId)?.examples.get(status);
  if (raw === undefined) throw new Error(`fake-github: no example for ${operationId} ${status}`);
  const value = structuredClone(raw) as unknown;
  return (Array.isArray(value) ? value[0] : value) as Obj;
}

function api(ctx: HandlerContext, suffix = ''): string {
  return `${ctx.baseUrl}/repos/${ctx.repo.fullName}${suffix}`;
}

function web(ctx: HandlerContext, suffix = ''): string {
  return `${WEB}/${ctx.repo.fullName}${suffix}`;
}

function int(value: string | undefined): number {
  return Number(value);
}

function notFound(): never {
  throw new HttpError(404, 'Not Found');
}

function validationFailed(
  resource: string,
  field: string,
  message: string,
  code = 'custom',
): never {
  throw new HttpError(422, 'Validation Failed', [{ resource, field, code, message }]);
}

function str(body: Obj, key: string): string | undefined {
  const v = body[key];
  return typeof v === 'string' ? v : undefined;
}

// ---------- views (objects in GitHub's response shapes) ----------

function userView(ctx: HandlerContext, login: string): Obj {
  const user = example(ctx, 'issues/get-comment', '200')['user'] as Obj;
  const isBot = login.endsWith('[bot]');
  return {
    ...user,
    login,
    id: isBot ? 41898282 : 583231,
    url: `${ctx.baseUrl}/users/${encodeURIComponent(login)}`,
    html_url: `${WEB}/${isBot ? 'apps/github-actions' : login}`,
    type: isBot ? 'Bot' : 'User',
    site_admin: false,
  };
}

function commentView(ctx: HandlerContext, c: FakeComment): Obj {
  const t = example(ctx, 'issues/get-comment', '200');
  const issue = ctx.repo.issues.get(c.issueNumber);
  const kind = issue?.pull ? 'pull' : 'issues';
  return {
    ...t,
    id: c.id,
    node_id: `IC_${c.id}`,
    url: api(ctx, `/issues/comments/${c.id}`),
    html_url: web(ctx, `/${kind}/${c.issueNumber}#issuecomment-${c.id}`),
    issue_url: api(ctx, `/issues/${c.issueNumber}`),
    body: c.body,
    user: userView(ctx, c.user),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    author_association: c.user.endsWith('[bot]') ? 'NONE' : 'OWNER',
  };
}

function labelView(ctx: HandlerContext, l: FakeLabel): Obj {
  return {
    id: l.id,
    node_id: `LA_${l.id}`,
    url: api(ctx, `/labels/${encodeURIComponent(l.name)}`),
    name: l.name,
    description: l.description,
    color: l.color,
    default: false,
  };
}

function issueView(ctx: HandlerContext, issue: FakeIssue): Obj {
  const t = example(ctx, 'issues/get', '200');
  const labels = issue.labels
    .map((n) => ctx.repo.labels.get(n.toLowerCase()))
    .filter((l): l is FakeLabel => l !== undefined)
    .map((l) => labelView(ctx, l));
  const view: Obj = {
    ...t,
    id: 500000 + issue.number,
    node_id: `I_${issue.number}`,
    url: api(ctx, `/issues/${issue.number}`),
    repository_url: api(ctx),
    labels_url: api(ctx, `/issues/${issue.number}/labels{/name}`),
    comments_url: api(ctx, `/issues/${issue.number}/comments`),
    events_url: api(ctx, `/issues/${issue.number}/events`),
    html_url: web(ctx, `/${issue.pull ? 'pull' : 'issues'}/${issue.number}`),
    number: issue.number,
    state: issue.state,
    state_reason: issue.stateReason,
    title: issue.title,
    body: issue.body,
    user: userView(ctx, issue.user),
    labels,
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: ctx.repo.commentsOn(issue.number).length,
    closed_at: issue.closedAt,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_by: issue.state === 'closed' ? userView(ctx, ctx.state.botLogin) : null,
    author_association: 'NONE',
  };
  delete view['pinned_comment'];
  if (issue.pull) {
    view['pull_request'] = {
      url: api(ctx, `/pulls/${issue.number}`),
      html_url: web(ctx, `/pull/${issue.number}`),
      diff_url: web(ctx, `/pull/${issue.number}.diff`),
      patch_url: web(ctx, `/pull/${issue.number}.patch`),
      merged_at: null,
    };
  } else {
    delete view['pull_request'];
  }
  return view;
}

function repoView(ctx: HandlerContext, template: Obj, fullName: string | null): Obj {
  const [owner = 'ghost', name = 'deleted'] = (fullName ?? 'ghost/deleted').split('/');
  const base = `${ctx.baseUrl}/repos/${owner}/${name}`;
  return {
    ...template,
    name,
    full_name: `${owner}/${name}`,
    owner: { ...(template['owner'] as Obj), login: owner },
    html_url: `${WEB}/${owner}/${name}`,
    url: base,
    fork: fullName !== ctx.repo.fullName,
    private: ctx.repo.isPrivate,
    default_branch: ctx.repo.defaultBranch,
  };
}

function gitCommitView(ctx: HandlerContext, sha: string): Obj {
  const c = ctx.repo.git.commits.get(sha);
  if (!c) notFound();
  return {
    sha: c.sha,
    node_id: `C_${c.sha}`,
    url: api(ctx, `/git/commits/${c.sha}`),
    html_url: web(ctx, `/commit/${c.sha}`),
    author: c.author,
    committer: c.committer,
    message: c.message,
    tree: { sha: c.tree, url: api(ctx, `/git/trees/${c.tree}`) },
    parents: c.parents.map((p) => ({
      sha: p,
      url: api(ctx, `/git/commits/${p}`),
      html_url: web(ctx, `/commit/${p}`),
    })),
    verification: {
      verified: false,
      reason: 'unsigned',
      signature: null,
      payload: null,
      verified_at: null,
    },
  };
}

/** A commit in the REST "commit" shape (as in compare results). */
function commitView(ctx: HandlerContext, sha: string): Obj {
  const c = ctx.repo.git.commits.get(sha);
  if (!c) notFound();
  const t = example(ctx, 'repos/compare-commits-with-basehead', '200')['base_commit'] as Obj;
  return {
    ...t,
    sha: c.sha,
    node_id: `C_${c.sha}`,
    url: api(ctx, `/commits/${c.sha}`),
    html_url: web(ctx, `/commit/${c.sha}`),
    comments_url: api(ctx, `/commits/${c.sha}/comments`),
    commit: {
      ...(t['commit'] as Obj),
      url: api(ctx, `/git/commits/${c.sha}`),
      author: c.author,
      committer: c.committer,
      message: c.message,
      tree: { sha: c.tree, url: api(ctx, `/git/trees/${c.tree}`) },
      comment_count: 0,
    },
    parents: c.parents.map((p) => ({
      sha: p,
      url: api(ctx, `/commits/${p}`),
      html_url: web(ctx, `/commit/${p}`),
    })),
  };
}

function refView(ctx: HandlerContext, ref: string, sha: string): Obj {
  return {
    ref: `refs/${ref}`,
    node_id: `REF_${Buffer.from(ref).toString('hex')}`,
    url: api(ctx, `/git/refs/${ref}`),
    object: { type: 'commit', sha, url: api(ctx, `/git/commits/${sha}`) },
  };
}

function treeView(ctx: HandlerContext, sha: string, recursive: boolean): Obj {
  const entries: Obj[] = [];
  const walk = (treeSha: string, prefix: string): void => {
    for (const e of ctx.repo.git.trees.get(treeSha) ?? []) {
      const item: Obj = {
        path: prefix + e.path,
        mode: e.mode,
        type: e.type,
        sha: e.sha,
        url: api(ctx, `/git/${e.type === 'tree' ? 'trees' : 'blobs'}/${e.sha}`),
      };
      if (e.type === 'blob') item['size'] = ctx.repo.git.blobs.get(e.sha)?.length ?? 0;
      entries.push(item);
      if (recursive && e.type === 'tree') walk(e.sha, `${prefix}${e.path}/`);
    }
  };
  walk(sha, '');
  return { sha, url: api(ctx, `/git/trees/${sha}`), tree: entries, truncated: false };
}

function base64Lines(bytes: Buffer): string {
  // GitHub wraps base64 content at 60 characters with "\n".
  return (bytes.toString('base64').match(/.{1,60}/g) ?? []).join('\n') + (bytes.length ? '\n' : '');
}

function checkRunView(ctx: HandlerContext, run: FakeCheckRun): Obj {
  const t = example(ctx, 'checks/create', '201');
  return {
    ...t,
    id: run.id,
    node_id: `CR_${run.id}`,
    head_sha: run.headSha,
    external_id: run.externalId,
    url: api(ctx, `/check-runs/${run.id}`),
    html_url: web(ctx, `/runs/${run.id}`),
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    name: run.name,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.annotations.length,
      annotations_url: api(ctx, `/check-runs/${run.id}/annotations`),
    },
    check_suite: { id: 9000 + run.id },
    pull_requests: [],
  };
}

function workflowRunView(ctx: HandlerContext, run: FakeWorkflowRun): Obj {
  const t = example(ctx, 'actions/list-workflow-runs', '200')['workflow_runs'] as Obj[];
  const tpl = structuredClone(t[0]!);
  const runApi = api(ctx, `/actions/runs/${run.id}`);
  return {
    ...tpl,
    id: run.id,
    name: run.name,
    node_id: `WFR_${run.id}`,
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: run.workflowPath,
    run_number: run.runNumber,
    event: run.event,
    display_title: `run ${run.runNumber}`,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflowId,
    url: runApi,
    html_url: web(ctx, `/actions/runs/${run.id}`),
    pull_requests: [],
    created_at: run.createdAt,
    updated_at: run.createdAt,
    jobs_url: `${runApi}/jobs`,
    logs_url: `${runApi}/logs`,
    check_suite_url: api(ctx, `/check-suites/${run.id}`),
    artifacts_url: `${runApi}/artifacts`,
    cancel_url: `${runApi}/cancel`,
    rerun_url: `${runApi}/rerun`,
    workflow_url: api(ctx, `/actions/workflows/${run.workflowId}`),
  };
}

// ---------- pagination ----------

function paginate<T>(
  ctx: HandlerContext,
  items: T[],
): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, int(ctx.query.get('per_page') ?? '30') || 30));
  const pageNo = Math.max(1, int(ctx.query.get('page') ?? '1') || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const page = items.slice((pageNo - 1) * perPage, pageNo * perPage);
  const link = (p: number, rel: string): string => {
    const q = new URLSearchParams(ctx.query);
    q.set('page', String(p));
    if (ctx.query.has('per_page')) q.set('per_page', String(perPage));
    return `<${ctx.baseUrl}${ctx.path}?${q.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (pageNo > 1) links.push(link(pageNo - 1, 'prev'));
  if (pageNo < last) links.push(link(pageNo + 1, 'next'), link(last, 'last'));
  if (pageNo > 1) links.push(link(1, 'first'));
  return { page, headers: links.length ? { link: links.join(', ') } : {} };
}

// ---------- handlers ----------

type Handler = (ctx: HandlerContext) => HandlerResult;

function getIssue(ctx: HandlerContext): FakeIssue {
  return ctx.repo.issues.get(int(ctx.params['issue_number'])) ?? notFound();
}

function checkBodyLength(body: string | undefined, resource: string): void {
  if (body !== undefined && body.length > MAX_BODY) {
    validationFailed(resource, 'body', `body is too long (maximum is ${MAX_BODY} characters)`);
  }
}

function requireCommit(ctx: HandlerContext, sha: string | undefined): string {
  if (!sha || !ctx.repo.git.commits.has(sha)) {
    throw new HttpError(422, `No commit found for SHA: ${sha ?? ''}`);
  }
  return sha;
}

function applyLabels(ctx: HandlerContext, names: unknown): string[] {
  // GitHub drops labels it cannot apply; our client must create them first.
  if (!Array.isArray(names)) return [];
  return names
    .map((n) => (typeof n === 'string' ? n : (str(n as Obj, 'name') ?? '')))
    .filter((n) => ctx.repo.labels.has(n.toLowerCase()))
    .map((n) => ctx.repo.labels.get(n.toLowerCase())!.name);
}

function validateCheckOutput(body: Obj): FakeAnnotation[] {
  const output = body['output'] as Obj | undefined;
  if (!output) return [];
  for (const key of ['summary', 'text']) {
    const v = str(output, key);
    if (v !== undefined && v.length > MAX_CHECK_TEXT) {
      validationFailed(
        'CheckRun',
        `output.${key}`,
        `${key} is too long (maximum is ${MAX_CHECK_TEXT} characters)`,
      );
    }
  }
  const annotations = (output['annotations'] as FakeAnnotation[] | undefined) ?? [];
  if (annotations.length > 50) {
    validationFailed(
      'CheckRun',
      'output.annotations',
      'Only 50 annotations can be sent per request',
    );
  }
  return annotations;
}

function applyCheckBody(run: FakeCheckRun, body: Obj): void {
  if (typeof body['name'] === 'string') run.name = body['name'];
  if (typeof body['details_url'] === 'string') run.detailsUrl = body['details_url'];
  if (typeof body['external_id'] === 'string') run.externalId = body['external_id'];
  if (typeof body['status'] === 'string') run.status = body['status'];
  if (typeof body['conclusion'] === 'string') {
    run.conclusion = body['conclusion'];
    run.status = 'completed';
  }
  if (typeof body['started_at'] === 'string') run.startedAt = body['started_at'];
  if (typeof body['completed_at'] === 'string') run.completedAt = body['completed_at'];
  if (run.status === 'completed' && !run.completedAt) run.completedAt = now();
  const output = body['output'] as Obj | undefined;
  if (output) {
    run.output = {
      title: str(output, 'title') ?? run.output.title,
      summary: str(output, 'summary') ?? run.output.summary,
      text: str(output, 'text') ?? run.output.text,
    };
    const annotations = (output['annotations'] as FakeAnnotation[] | undefined) ?? [];
    if (annotations.length > 0) {
      // Annotations are appended across updates (GitHub keeps earlier ones).
      run.annotations.push(...annotations);
      run.annotationRequests += 1;
    }
  }
  if (run.status === 'completed' && run.conclusion === null) {
    validationFailed(
      'CheckRun',
      'conclusion',
      'conclusion is required when status is completed',
      'missing_field',
    );
  }
}

function contentsView(
  ctx: HandlerContext,
  ref: string,
  path: string,
  entry: TreeEntry | { type: 'tree'; sha: string; path: '' },
): Obj | Obj[] {
  const entryView = (p: string, e: { type: string; sha: string }): Obj => {
    const name = p.split('/').pop() ?? p;
    const type = e.type === 'tree' ? 'dir' : 'file';
    const size = e.type === 'blob' ? (ctx.repo.git.blobs.get(e.sha)?.length ?? 0) : 0;
    const self = api(ctx, `/contents/${p}?ref=${encodeURIComponent(ref)}`);
    const git = api(ctx, `/git/${e.type === 'tree' ? 'trees' : 'blobs'}/${e.sha}`);
    const html = web(ctx, `/${type === 'dir' ? 'tree' : 'blob'}/${ref}/${p}`);
    return {
      type,
      size,
      name,
      path: p,
      sha: e.sha,
      url: self,
      git_url: git,
      html_url: html,
      download_url:
        type === 'file'
          ? `https://raw.githubusercontent.com/${ctx.repo.fullName}/${ref}/${p}`
          : null,
      _links: { self, git, html },
    };
  };
  if (entry.type === 'tree') {
    const list = ctx.repo.git.trees.get(entry.sha) ?? [];
    return list.map((e) => entryView(path ? `${path}/${e.path}` : e.path, e));
  }
  const bytes = ctx.repo.git.blobs.get(entry.sha) ?? Buffer.alloc(0);
  const view = entryView(path, entry);
  if (bytes.length > ctx.repo.contentsInlineLimit) {
    // 1–100 MB files: GitHub answers without content; clients must use the blob API.
    return { ...view, encoding: 'none', content: '' };
  }
  return { ...view, encoding: 'base64', content: base64Lines(bytes) };
}

export const handlers: Record<string, Handler> = {
  'repos/get': (ctx) => {
    const t = example(ctx, 'repos/get', '200');
    const view = repoView(ctx, t, ctx.repo.fullName);
    delete view['parent'];
    delete view['source'];
    delete view['organization'];
    delete view['template_repository'];
    return {
      status: 200,
      body: {
        ...view,
        id: ctx.repo.id,
        node_id: `R_${ctx.repo.id}`,
        fork: false,
        language: null,
        visibility: ctx.repo.isPrivate ? 'private' : 'public',
        permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
      },
    };
  },

  'pulls/get': (ctx) => {
    const issue = ctx.repo.issues.get(int(ctx.params['pull_number']));
    if (!issue?.pull) notFound();
    const t = example(ctx, 'pulls/get', '200');
    const head = t['head'] as Obj;
    const base = t['base'] as Obj;
    const baseSha = ctx.repo.branch(issue.pull.baseRef) ?? '';
    const headOwner = issue.pull.headRepo?.split('/')[0] ?? 'ghost';
    return {
      status: 200,
      body: {
        ...t,
        id: 700000 + issue.number,
        node_id: `PR_${issue.number}`,
        number: issue.number,
        url: api(ctx, `/pulls/${issue.number}`),
        html_url: web(ctx, `/pull/${issue.number}`),
        issue_url: api(ctx, `/issues/${issue.number}`),
        state: issue.state,
        title: issue.title,
        body: issue.body,
        user: userView(ctx, issue.user),
        labels: [],
        milestone: null,
        assignee: null,
        assignees: [],
        requested_reviewers: [],
        requested_teams: [],
        created_at: issue.createdAt,
        updated_at: issue.updatedAt,
        closed_at: issue.closedAt,
        merged_at: null,
        merged: false,
        merged_by: null,
        head: {
          ...head,
          label: `${headOwner}:${issue.pull.headRef}`,
          ref: issue.pull.headRef,
          sha: issue.pull.headSha,
          repo:
            issue.pull.headRepo === null
              ? null
              : repoView(ctx, head['repo'] as Obj, issue.pull.headRepo),
        },
        base: {
          ...base,
          label: `${ctx.repo.owner}:${issue.pull.baseRef}`,
          ref: issue.pull.baseRef,
          sha: baseSha,
          repo: repoView(ctx, base['repo'] as Obj, ctx.repo.fullName),
        },
      },
    };
  },

  'repos/compare-commits-with-basehead': (ctx) => {
    // Two spellings of one endpoint in the spec: `{basehead}` and `{base}...{head}`.
    const basehead =
      ctx.params['basehead'] ?? `${ctx.params['base'] ?? ''}...${ctx.params['head'] ?? ''}`;
    const sep = basehead.indexOf('...');
    if (sep < 0) notFound();
    const strip = (s: string): string => s.replace(/^[^:]+:/, '');
    const base = ctx.repo.resolve(strip(basehead.slice(0, sep)));
    const head = ctx.repo.resolve(strip(basehead.slice(sep + 3)));
    if (!base || !head) notFound();
    const mergeBase = ctx.repo.git.mergeBase(base, head);
    if (!mergeBase) notFound();
    const baseSet = new Set(ctx.repo.git.ancestors(base));
    const headSet = new Set(ctx.repo.git.ancestors(head));
    const ahead = ctx.repo.git.ancestors(head).filter((s) => !baseSet.has(s));
    const behind = ctx.repo.git.ancestors(base).filter((s) => !headSet.has(s)).length;
    const status =
      ahead.length === 0 && behind === 0
        ? 'identical'
        : ahead.length === 0
          ? 'behind'
          : behind === 0
            ? 'ahead'
            : 'diverged';
    const t = example(ctx, 'repos/compare-commits-with-basehead', '200');
    return {
      status: 200,
      body: {
        ...t,
        url: api(ctx, `/compare/${basehead}`),
        html_url: web(ctx, `/compare/${basehead}`),
        permalink_url: web(ctx, `/compare/${base}...${head}`),
        diff_url: web(ctx, `/compare/${basehead}.diff`),
        patch_url: web(ctx, `/compare/${basehead}.patch`),
        base_commit: commitView(ctx, base),
        merge_base_commit: commitView(ctx, mergeBase),
        status,
        ahead_by: ahead.length,
        behind_by: behind,
        total_commits: ahead.length,
        commits: ahead.reverse().map((s) => commitView(ctx, s)),
        files: [],
      },
    };
  },

  'issues/list-comments': (ctx) => {
    const issue = getIssue(ctx);
    const { page, headers } = paginate(ctx, ctx.repo.commentsOn(issue.number));
    return { status: 200, body: page.map((c) => commentView(ctx, c)), headers };
  },

  'issues/create-comment': (ctx) => {
    const issue = getIssue(ctx);
    const body = str(ctx.body, 'body') ?? '';
    checkBodyLength(body, 'IssueComment');
    const c = ctx.repo.addComment(issue.number, body, ctx.state.botLogin);
    return {
      status: 201,
      body: commentView(ctx, c),
      headers: { location: api(ctx, `/issues/comments/${c.id}`) },
    };
  },

  'issues/get-comment': (ctx) => {
    const c = ctx.repo.comments.get(int(ctx.params['comment_id'])) ?? notFound();
    return { status: 200, body: commentView(ctx, c) };
  },

  'issues/update-comment': (ctx) => {
    const c = ctx.repo.comments.get(int(ctx.params['comment_id'])) ?? notFound();
    const body = str(ctx.body, 'body') ?? '';
    checkBodyLength(body, 'IssueComment');
    c.body = body;
    c.updatedAt = now();
    return { status: 200, body: commentView(ctx, c) };
  },

  'issues/delete-comment': (ctx) => {
    const id = int(ctx.params['comment_id']);
    if (!ctx.repo.comments.delete(id)) notFound();
    return { status: 204 };
  },

  'checks/create': (ctx) => {
    const headSha = requireCommit(ctx, str(ctx.body, 'head_sha'));
    validateCheckOutput(ctx.body);
    const run: FakeCheckRun = {
      id: ctx.state.nextId(),
      name: str(ctx.body, 'name') ?? '',
      headSha,
      status: 'queued',
      conclusion: null,
      externalId: null,
      detailsUrl: null,
      startedAt: now(),
      completedAt: null,
      output: { title: null, summary: null, text: null },
      annotations: [],
      annotationRequests: 0,
    };
    applyCheckBody(run, ctx.body);
    ctx.repo.checkRuns.set(run.id, run);
    return { status: 201, body: checkRunView(ctx, run) };
  },

  'checks/get': (ctx) => {
    const run = ctx.repo.checkRuns.get(int(ctx.params['check_run_id'])) ?? notFound();
    return { status: 200, body: checkRunView(ctx, run) };
  },

  'checks/update': (ctx) => {
    const run = ctx.repo.checkRuns.get(int(ctx.params['check_run_id'])) ?? notFound();
    validateCheckOutput(ctx.body);
    applyCheckBody(run, ctx.body);
    return { status: 200, body: checkRunView(ctx, run) };
  },

  'repos/create-commit-status': (ctx) => {
    const sha = requireCommit(ctx, ctx.params['sha']);
    const description = str(ctx.body, 'description') ?? null;
    if (description !== null && description.length > 140) {
      validationFailed(
        'Status',
        'description',
        'description is too long (maximum is 140 characters)',
      );
    }
    const status = {
      id: ctx.state.nextId(),
      sha,
      state: str(ctx.body, 'state') as 'success',
      context: str(ctx.body, 'context') ?? 'default',
      description,
      targetUrl: str(ctx.body, 'target_url') ?? null,
      createdAt: now(),
    };
    ctx.repo.statuses.push(status);
    const t = example(ctx, 'repos/create-commit-status', '201');
    return {
      status: 201,
      body: {
        ...t,
        url: api(ctx, `/statuses/${sha}`),
        id: status.id,
        node_id: `SC_${status.id}`,
        state: status.state,
        description: status.description,
        target_url: status.targetUrl,
        context: status.context,
        created_at: status.createdAt,
        updated_at: status.createdAt,
        creator: userView(ctx, ctx.state.botLogin),
      },
    };
  },

  'issues/list-for-repo': (ctx) => {
    const state = ctx.query.get('state') ?? 'open';
    const labels = (ctx.query.get('labels') ?? '')
      .split(',')
      .map((l) => l.trim().toLowerCase())
      .filter((l) => l !== '');
    const direction = ctx.query.get('direction') ?? 'desc';
    const creator = ctx.query.get('creator');
    const list = [...ctx.repo.issues.values()]
      .filter((i) => state === 'all' || i.state === state)
      .filter((i) => labels.every((l) => i.labels.some((x) => x.toLowerCase() === l)))
      .filter((i) => !creator || i.user === creator)
      .sort((a, b) => (direction === 'asc' ? a.number - b.number : b.number - a.number));
    const { page, headers } = paginate(ctx, list);
    return { status: 200, body: page.map((i) => issueView(ctx, i)), headers };
  },

  'issues/create': (ctx) => {
    const title = ctx.body['title'];
    const t = now();
    const issue: FakeIssue = {
      number: ctx.repo.nextNumber(),
      title: String(title),
      body: str(ctx.body, 'body') ?? null,
      state: 'open',
      stateReason: null,
      labels: applyLabels(ctx, ctx.body['labels']),
      user: ctx.state.botLogin,
      createdAt: t,
      updatedAt: t,
      closedAt: null,
    };
    checkBodyLength(issue.body ?? undefined, 'Issue');
    ctx.repo.issues.set(issue.number, issue);
    return {
      status: 201,
      body: issueView(ctx, issue),
      headers: { location: api(ctx, `/issues/${issue.number}`) },
    };
  },

  'issues/get': (ctx) => ({ status: 200, body: issueView(ctx, getIssue(ctx)) }),

  'issues/update': (ctx) => {
    const issue = getIssue(ctx);
    const body = ctx.body;
    if (typeof body['title'] === 'string' || typeof body['title'] === 'number')
      issue.title = String(body['title']);
    if ('body' in body) {
      checkBodyLength(str(body, 'body'), 'Issue');
      issue.body = str(body, 'body') ?? null;
    }
    if (body['state'] === 'closed' && issue.state === 'open') {
      issue.state = 'closed';
      issue.closedAt = now();
      issue.stateReason = (str(body, 'state_reason') as FakeIssue['stateReason']) ?? 'completed';
    } else if (body['state'] === 'open' && issue.state === 'closed') {
      issue.state = 'open';
      issue.closedAt = null;
      issue.stateReason = 'reopened';
    }
    if ('labels' in body) issue.labels = applyLabels(ctx, body['labels']);
    issue.updatedAt = now();
    return { status: 200, body: issueView(ctx, issue) };
  },

  'issues/list-labels-for-repo': (ctx) => {
    const { page, headers } = paginate(ctx, [...ctx.repo.labels.values()]);
    return { status: 200, body: page.map((l) => labelView(ctx, l)), headers };
  },

  'issues/get-label': (ctx) => {
    const label = ctx.repo.labels.get((ctx.params['name'] ?? '').toLowerCase()) ?? notFound();
    return { status: 200, body: labelView(ctx, label) };
  },

  'issues/create-label': (ctx) => {
    const name = str(ctx.body, 'name') ?? '';
    if (ctx.repo.labels.has(name.toLowerCase())) {
      validationFailed('Label', 'name', 'already_exists', 'already_exists');
    }
    const label: FakeLabel = {
      id: ctx.state.nextId(),
      name,
      color: (str(ctx.body, 'color') ?? 'ededed').replace(/^#/, ''),
      description: str(ctx.body, 'description') ?? null,
    };
    ctx.repo.labels.set(name.toLowerCase(), label);
    return { status: 201, body: labelView(ctx, label) };
  },

  'git/get-ref': (ctx) => {
    const ref = ctx.params['ref'] ?? '';
    const sha = ctx.repo.refs.get(ref) ?? notFound();
    return { status: 200, body: refView(ctx, ref, sha) };
  },

  'git/create-ref': (ctx) => {
    const full = str(ctx.body, 'ref') ?? '';
    const sha = str(ctx.body, 'sha') ?? '';
    if (!/^refs\/[^/]+\/.+/.test(full))
      throw new HttpError(
        422,
        "Reference name must start with 'refs/' and have at least two slashes.",
      );
    const ref = full.slice('refs/'.length);
    if (ctx.repo.refs.has(ref)) throw new HttpError(422, 'Reference already exists');
    if (!ctx.repo.git.commits.has(sha)) throw new HttpError(422, 'Object does not exist');
    ctx.repo.refs.set(ref, sha);
    return {
      status: 201,
      body: refView(ctx, ref, sha),
      headers: { location: api(ctx, `/git/refs/${ref}`) },
    };
  },

  'git/update-ref': (ctx) => {
    const ref = ctx.params['ref'] ?? '';
    const current = ctx.repo.refs.get(ref);
    if (current === undefined) throw new HttpError(422, 'Reference does not exist');
    const sha = str(ctx.body, 'sha') ?? '';
    if (!ctx.repo.git.commits.has(sha)) throw new HttpError(422, 'Object does not exist');
    const force = ctx.body['force'] === true;
    if (!force && !ctx.repo.git.ancestors(sha).includes(current)) {
      throw new HttpError(422, 'Update is not a fast forward');
    }
    ctx.repo.refs.set(ref, sha);
    return { status: 200, body: refView(ctx, ref, sha) };
  },

  'git/create-blob': (ctx) => {
    const content = str(ctx.body, 'content') ?? '';
    const encoding = str(ctx.body, 'encoding') ?? 'utf-8';
    if (encoding !== 'utf-8' && encoding !== 'base64') {
      validationFailed('Blob', 'encoding', `encoding must be utf-8 or base64, got ${encoding}`);
    }
    const bytes =
      encoding === 'base64' ? Buffer.from(content, 'base64') : Buffer.from(content, 'utf8');
    const sha = ctx.repo.git.putBlob(bytes);
    return {
      status: 201,
      body: { url: api(ctx, `/git/blobs/${sha}`), sha },
      headers: { location: api(ctx, `/git/blobs/${sha}`) },
    };
  },

  'git/get-blob': (ctx) => {
    const sha = ctx.params['file_sha'] ?? '';
    const bytes = ctx.repo.git.blobs.get(sha) ?? notFound();
    return {
      status: 200,
      body: {
        content: base64Lines(bytes),
        encoding: 'base64',
        url: api(ctx, `/git/blobs/${sha}`),
        sha,
        size: bytes.length,
        node_id: `B_${sha}`,
      },
    };
  },

  'git/create-tree': (ctx) => {
    const baseTree = str(ctx.body, 'base_tree');
    const changes = (ctx.body['tree'] as TreeChange[] | undefined) ?? [];
    for (const c of changes) {
      if (c.sha !== undefined && c.content !== undefined) {
        throw new HttpError(
          422,
          'Must supply either tree.sha or tree.content. Request will be rejected if both are present.',
        );
      }
    }
    const result = ctx.repo.git.buildTree(baseTree, changes);
    if (typeof result !== 'string') throw new HttpError(422, result.error);
    return {
      status: 201,
      body: treeView(ctx, result, false),
      headers: { location: api(ctx, `/git/trees/${result}`) },
    };
  },

  'git/get-tree': (ctx) => {
    const sha = ctx.repo.resolve(ctx.params['tree_sha'] ?? '');
    const commit = sha ? ctx.repo.git.commits.get(sha) : undefined;
    const tree = commit ? commit.tree : (ctx.params['tree_sha'] ?? '');
    if (!ctx.repo.git.trees.has(tree)) notFound();
    return { status: 200, body: treeView(ctx, tree, ctx.query.has('recursive')) };
  },

  'git/create-commit': (ctx) => {
    const tree = str(ctx.body, 'tree') ?? '';
    if (!ctx.repo.git.trees.has(tree)) throw new HttpError(422, 'Tree SHA does not exist');
    const parents = (ctx.body['parents'] as string[] | undefined) ?? [];
    for (const p of parents) {
      if (!ctx.repo.git.commits.has(p))
        throw new HttpError(422, 'Parent SHA does not exist or is not a commit object');
    }
    const date = now();
    const person = (v: unknown): { name: string; email: string; date: string } => {
      const o = (v ?? {}) as Obj;
      return {
        name: str(o, 'name') ?? 'github-actions[bot]',
        email: str(o, 'email') ?? '41898282+github-actions[bot]@users.noreply.github.com',
        date: str(o, 'date') ?? date,
      };
    };
    const author = person(ctx.body['author']);
    const committer = ctx.body['committer'] ? person(ctx.body['committer']) : author;
    const sha = ctx.repo.git.putCommit({
      tree,
      parents,
      message: str(ctx.body, 'message') ?? '',
      author,
      committer,
    });
    return {
      status: 201,
      body: gitCommitView(ctx, sha),
      headers: { location: api(ctx, `/git/commits/${sha}`) },
    };
  },

  'git/get-commit': (ctx) => ({
    status: 200,
    body: gitCommitView(ctx, ctx.params['commit_sha'] ?? ''),
  }),

  'repos/get-content': (ctx) => {
    const ref = ctx.query.get('ref') ?? ctx.repo.defaultBranch;
    const sha = ctx.repo.resolve(ref) ?? notFound();
    const commit = ctx.repo.git.commits.get(sha) ?? notFound();
    const path = (ctx.params['path'] ?? '').replace(/^\/+|\/+$/g, '');
    const entry = ctx.repo.git.lookup(commit.tree, path) ?? notFound();
    return { status: 200, body: contentsView(ctx, ref, path, entry) };
  },

  'actions/list-workflow-runs': (ctx) => {
    const id = ctx.params['workflow_id'] ?? '';
    const workflow = [...ctx.repo.workflows.values()].find(
      (w) =>
        String(w.id) === id || w.path === `.github/workflows/${id}` || w.path.endsWith(`/${id}`),
    );
    if (!workflow) notFound();
    const q = ctx.query;
    const status = q.get('status');
    const runs = [...ctx.repo.runs.values()]
      .filter((r) => r.workflowId === workflow.id)
      .filter((r) => !q.get('branch') || r.headBranch === q.get('branch'))
      .filter((r) => !q.get('event') || r.event === q.get('event'))
      .filter((r) => !q.get('head_sha') || r.headSha === q.get('head_sha'))
      .filter((r) => !status || r.status === status || r.conclusion === status)
      .sort((a, b) => b.id - a.id);
    const { page, headers } = paginate(ctx, runs);
    return {
      status: 200,
      body: { total_count: runs.length, workflow_runs: page.map((r) => workflowRunView(ctx, r)) },
      headers,
    };
  },

  'actions/list-workflow-run-artifacts': (ctx) => {
    const runId = int(ctx.params['run_id']);
    const run = ctx.repo.runs.get(runId) ?? notFound();
    const name = ctx.query.get('name');
    const list = [...ctx.repo.artifacts.values()]
      .filter((a) => a.runId === runId && (!name || a.name === name))
      .sort((a, b) => b.id - a.id);
    const { page, headers } = paginate(ctx, list);
    return {
      status: 200,
      body: {
        total_count: list.length,
        artifacts: page.map((a) => ({
          id: a.id,
          node_id: `A_${a.id}`,
          name: a.name,
          size_in_bytes: a.zip.length,
          url: api(ctx, `/actions/artifacts/${a.id}`),
          archive_download_url: api(ctx, `/actions/artifacts/${a.id}/zip`),
          expired: a.expired,
          created_at: a.createdAt,
          expires_at: a.createdAt,
          updated_at: a.createdAt,
          workflow_run: {
            id: run.id,
            repository_id: ctx.repo.id,
            head_repository_id: ctx.repo.id,
            head_branch: run.headBranch,
            head_sha: run.headSha,
          },
        })),
      },
      headers,
    };
  },

  'actions/download-artifact': (ctx) => {
    const artifact = ctx.repo.artifacts.get(int(ctx.params['artifact_id'])) ?? notFound();
    if (ctx.params['archive_format'] !== 'zip') notFound();
    if (artifact.expired) throw new HttpError(410, 'Artifact has expired');
    return {
      status: 302,
      headers: { location: `${ctx.baseUrl}/_fake/artifact-downloads/${artifact.id}.zip` },
    };
  },
};

handlers['repos/compare-commits'] = handlers['repos/compare-commits-with-basehead']!;
