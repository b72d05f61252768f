/**
 * What VisionGate does on GitHub after (and before) an evaluation, as two functions over the
 * {@link GitHubPort}: `lookupBaseline` before the evaluation, `publish` after it.
 *
 * Neither throws on GitHub failures: every step's failure becomes a warning or a notice in the
 * result, so the caller still writes the job summary and exits by the verdict. Event values
 * (`github.context`) arrive as parameters; nothing here reads the environment.
 */
import type { Level } from '../types.js';
import { describeEvent, type EventFacts, type EventInput } from './event.js';
import { describeFailure, isPermissionDenied } from './errors.js';
import { checkName, commentMarker, nightlyMarker, safeKey } from './keys.js';
import {
  CHECK_TEXT_LIMIT,
  COMMENT_BODY_LIMIT,
  composeBody,
  linkTarget,
  type Render,
} from './markdown-fit.js';
import { shortSha } from './baseline-layout.js';
import type {
  BaselineFile,
  BaselineLookup,
  CheckAnnotation,
  CheckRunResult,
  CommentResult,
  GitHubPort,
  IssueResult,
  StatusResult,
  StoreBaselineResult,
} from './port.js';
import { checkConclusion, commitState, defaultTitle } from './verdict.js';

/** Default branch holding stored baselines. */
export const DEFAULT_BASELINE_BRANCH = 'visiongate-baselines';
/** Default labels of the nightly tracking issue. */
export const DEFAULT_ISSUE_LABELS = ['visiongate'];

// ---------------------------------------------------------------- baseline lookup

export type BaselineSource =
  | { kind: 'branch'; storeBranch?: string }
  | { kind: 'artifact'; workflow: string; artifactName: string };

export interface LookupBaselineInput extends EventInput {
  key: string;
  /** Default: the baseline branch `visiongate-baselines`. */
  source?: BaselineSource;
}

export interface LookupBaselineResult {
  baseline: BaselineLookup;
  /** The branch whose baseline was looked for. */
  baseBranch?: string;
  /** The PR's merge base with its base branch, when it could be computed. */
  mergeBase?: string;
  notices: string[];
  warnings: string[];
}

/**
 * Find the baseline to compare against. For a pull request: the baseline stored at the PR's
 * merge base if there is one, else the newest for its base branch. Otherwise: the newest for the
 * default branch. A missing baseline is a notice ("no baseline yet"), never an error.
 */
export async function lookupBaseline(
  port: GitHubPort,
  input: LookupBaselineInput,
): Promise<LookupBaselineResult> {
  const notices: string[] = [];
  const warnings: string[] = [];
  const facts = describeEvent(input);
  const key = safeKey(input.key);
  const fail = (detail: string): LookupBaselineResult => {
    warnings.push(`Baseline lookup failed: ${detail}. Continuing without a baseline.`);
    return { baseline: { found: false, reason: 'error', detail }, notices, warnings };
  };

  let baseBranch = facts.baseRef ?? facts.defaultBranch;
  if (!baseBranch) {
    try {
      baseBranch = (await port.getRepository()).defaultBranch;
    } catch (error) {
      return fail(`could not read the default branch: ${describeFailure(error)}`);
    }
  }
  let mergeBase: string | undefined;
  if (facts.prNumber !== undefined && facts.baseRef) {
    try {
      mergeBase = await port.getMergeBase(facts.baseRef, facts.headSha);
    } catch (error) {
      warnings.push(
        `Could not compute the merge base of ${facts.baseRef} and ${shortSha(facts.headSha)} (${describeFailure(error)}); using the newest baseline of ${facts.baseRef}.`,
      );
    }
  }
  const source = input.source ?? { kind: 'branch' };
  let baseline: BaselineLookup;
  try {
    baseline =
      source.kind === 'branch'
        ? await port.findBaseline({
            storeBranch: source.storeBranch ?? DEFAULT_BASELINE_BRANCH,
            key,
            baseBranch,
            ...(mergeBase ? { mergeBase } : {}),
          })
        : await port.findArtifactBaseline({
            workflow: source.workflow,
            artifactName: source.artifactName,
            branch: baseBranch,
            ...(mergeBase ? { mergeBase } : {}),
          });
  } catch (error) {
    return fail(describeFailure(error));
  }
  if (baseline.found) notices.push(`Baseline: ${baseline.detail}.`);
  else notices.push(`No baseline yet (${baseline.detail}); this run reports the candidate alone.`);
  return {
    baseline,
    baseBranch,
    ...(mergeBase ? { mergeBase } : {}),
    notices,
    warnings,
  };
}

// ---------------------------------------------------------------- publish

export interface PublishModes {
  /** Sticky PR comment (default true; needs `pull-requests: write`). */
  comment?: boolean;
  /** Check run, or a commit status if checks are not writable (default true). */
  check?: boolean;
  /**
   * `auto` (default): store on a push to the default branch, and on a schedule or dispatch run
   * of the default branch unless it failed (a failing nightly must keep comparing against the
   * last good baseline). `always`: every run that is not about a pull request, whatever its
   * branch and verdict. `never`: read-only use.
   */
  storeBaseline?: 'auto' | 'always' | 'never';
  /** Nightly tracking issue (default false; needs `issues: write`). */
  trackingIssue?: boolean;
  /** Never fail the check: warn and fail conclude `neutral` (default false). */
  informational?: boolean;
}

/** One extra check run per suite (optional). */
export interface SuiteCheck {
  suite: string;
  verdict: Level;
  title?: string;
  render: Render;
  annotations?: CheckAnnotation[];
}

export interface PublishInput extends EventInput {
  key: string;
  verdict: Level;
  /** One-line headline for the check title and status description. */
  title?: string;
  /** Report markdown that fits itself into `maxChars` (see `markdown-fit.ts`). */
  render: Render;
  annotations?: CheckAnnotation[];
  /** Headline metrics appended to the baseline history. */
  metrics?: Record<string, number>;
  /** Files stored as the baseline (report.json, records.jsonl, ...). */
  baselineFiles?: BaselineFile[];
  suites?: SuiteCheck[];
  /** Link to this workflow run. */
  runUrl?: string;
  /** Link to the uploaded report artifact. */
  artifactUrl?: string;
  baselineBranch?: string;
  issueLabels?: string[];
  /** Verdict level that opens the tracking issue (default `fail`). */
  issueOn?: 'fail' | 'warn';
  modes?: PublishModes;
}

export interface PublishResult {
  /** Writes were skipped because the token is read-only (fork pull request). */
  readOnly: boolean;
  comment?: CommentResult & { truncated: boolean };
  check?: CheckRunResult | StatusResult;
  suiteChecks: (CheckRunResult | StatusResult)[];
  baseline?: StoreBaselineResult & { sha: string; branch: string; storeBranch: string };
  issue?: IssueResult;
  /** Expected situations worth a line in the log (skipped steps, fallbacks). */
  notices: string[];
  /** Failed steps. The caller logs them as warnings; the verdict still decides the exit code. */
  warnings: string[];
}

/**
 * Publish an evaluation: check run (or status), sticky comment, baseline, tracking issue.
 * Never throws because of GitHub; returns what was done and why the rest was not.
 */
export async function publish(port: GitHubPort, input: PublishInput): Promise<PublishResult> {
  const facts = describeEvent(input);
  const key = safeKey(input.key);
  const modes = input.modes ?? {};
  const informational = modes.informational ?? false;
  const result: PublishResult = {
    readOnly: facts.readOnly,
    suiteChecks: [],
    notices: [],
    warnings: [],
  };
  if (key !== input.key.trim()) {
    result.notices.push(`The key ${JSON.stringify(input.key)} is used on GitHub as "${key}".`);
  }
  if (facts.readOnly) {
    result.notices.push(
      `Skipping GitHub writes (check, comment, baseline, issue): ${facts.readOnlyReason ?? 'the token is read-only'}, so GitHub gives this run a read-only token. ` +
        'The report is in the job summary and the workflow artifact; to comment on fork pull requests use the workflow_run pattern in docs/github.md.',
    );
  }
  if (facts.untrustedWithWriteToken) {
    result.notices.push(
      'pull_request_target from a fork runs with a write token: never evaluate code or models from the pull request in it (see docs/github.md).',
    );
  }
  const step = async (name: string, permission: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (error) {
      if (isPermissionDenied(error)) {
        result.notices.push(
          `${name} skipped: the token may not do this (${describeFailure(error)}); it needs \`${permission}\`.`,
        );
      } else {
        result.warnings.push(`${name} failed: ${describeFailure(error)}.`);
      }
    }
  };

  const title = input.title ?? defaultTitle(input.verdict, informational);
  if ((modes.check ?? true) && !facts.readOnly) {
    await step('Check', 'checks: write or statuses: write', async () => {
      result.check = await reportCheck(port, result, {
        name: checkName(key),
        headSha: facts.headSha,
        verdict: input.verdict,
        informational,
        title,
        render: input.render,
        annotations: input.annotations ?? [],
        key,
        ...optional({ runUrl: input.runUrl, artifactUrl: input.artifactUrl }),
      });
    });
    for (const suite of input.suites ?? []) {
      await step(`Check for suite ${suite.suite}`, 'checks: write', async () => {
        result.suiteChecks.push(
          await reportCheck(port, result, {
            name: checkName(key, suite.suite),
            headSha: facts.headSha,
            verdict: suite.verdict,
            informational,
            title: suite.title ?? defaultTitle(suite.verdict, informational),
            render: suite.render,
            annotations: suite.annotations ?? [],
            key,
            ...optional({ runUrl: input.runUrl, artifactUrl: input.artifactUrl }),
          }),
        );
      });
    }
  }

  if ((modes.comment ?? true) && facts.prNumber !== undefined && !facts.readOnly) {
    const prNumber = facts.prNumber;
    await step('PR comment', 'pull-requests: write', async () => {
      if (
        input.eventName === 'workflow_run' &&
        !(await prMatchesRun(port, result, prNumber, facts.headSha))
      ) {
        return;
      }
      const body = composeBody({
        marker: commentMarker(key),
        render: input.render,
        ...optional({ runUrl: input.runUrl, artifactUrl: input.artifactUrl }),
        limit: COMMENT_BODY_LIMIT,
      });
      const comment = await port.upsertComment({
        issueNumber: prNumber,
        marker: commentMarker(key),
        body: body.text,
      });
      result.comment = { ...comment, truncated: body.truncated };
      if (body.truncated)
        result.notices.push(
          'The PR comment was truncated to fit GitHub; the full report is in the artifact.',
        );
    });
  }

  const storeMode = modes.storeBaseline ?? 'auto';
  if (!facts.readOnly && storeMode !== 'never') {
    await step('Baseline store', 'contents: write', async () => {
      const plan = await planStore(port, facts, storeMode, input.verdict);
      if (!plan.store) {
        if (plan.why) result.notices.push(`Baseline not stored: ${plan.why}.`);
        return;
      }
      const files = input.baselineFiles ?? [];
      if (files.length === 0) {
        result.notices.push('Baseline not stored: no files were given.');
        return;
      }
      const storeBranch = input.baselineBranch ?? DEFAULT_BASELINE_BRANCH;
      const stored = await port.storeBaseline({
        storeBranch,
        key,
        sha: facts.headSha,
        sourceBranch: plan.branch,
        files,
        metrics: input.metrics ?? {},
        verdict: input.verdict,
        ...optional({ runUrl: input.runUrl }),
      });
      result.baseline = { ...stored, sha: facts.headSha, branch: plan.branch, storeBranch };
    });
  }

  if (modes.trackingIssue && !facts.readOnly) {
    await step('Tracking issue', 'issues: write', async () => {
      result.issue = await reportTrackingIssue(port, input, key, facts);
    });
  }
  return result;
}

/**
 * In the workflow_run pattern the PR number travels in an artifact the PR's own (untrusted)
 * workflow produced. Comment only if that PR's head really is the commit that was evaluated.
 */
async function prMatchesRun(
  port: GitHubPort,
  result: PublishResult,
  prNumber: number,
  headSha: string,
): Promise<boolean> {
  const pr = await port.getPullRequest(prNumber);
  if (pr.headSha === headSha) return true;
  result.notices.push(
    `PR comment skipped: pull request #${prNumber} is at ${shortSha(pr.headSha)}, not at the evaluated commit ${shortSha(headSha)} (a newer push, or a wrong PR number in the artifact).`,
  );
  return false;
}

interface CheckRequest {
  name: string;
  headSha: string;
  verdict: Level;
  informational: boolean;
  title: string;
  render: Render;
  annotations: CheckAnnotation[];
  key: string;
  runUrl?: string;
  artifactUrl?: string;
}

/** A check run; on 403 (no `checks: write`) a commit status with the same name instead. */
async function reportCheck(
  port: GitHubPort,
  result: PublishResult,
  req: CheckRequest,
): Promise<CheckRunResult | StatusResult> {
  const summary = composeBody({
    marker: '',
    render: req.render,
    ...optional({ artifactUrl: req.artifactUrl }),
    limit: CHECK_TEXT_LIMIT,
  });
  try {
    return await port.createCheck({
      name: req.name,
      headSha: req.headSha,
      conclusion: checkConclusion(req.verdict, req.informational),
      title: req.title,
      summary: summary.text,
      externalId: req.key,
      annotations: req.annotations,
      ...optional({ detailsUrl: req.runUrl }),
    });
  } catch (error) {
    if (!isPermissionDenied(error)) throw error;
    result.notices.push(
      `Check run not allowed (${describeFailure(error)}; it needs \`checks: write\`); reporting a commit status "${req.name}" instead.`,
    );
  }
  const verdictWord =
    req.verdict === 'pass' ? '' : `[${req.verdict}${req.informational ? ', informational' : ''}] `;
  return port.setCommitStatus({
    sha: req.headSha,
    state: commitState(req.verdict, req.informational),
    context: req.name,
    description: `${verdictWord}${req.title}`,
    ...optional({ targetUrl: req.runUrl }),
  });
}

async function planStore(
  port: GitHubPort,
  facts: EventFacts,
  mode: 'auto' | 'always',
  verdict: Level,
): Promise<{ store: boolean; branch: string; why?: string }> {
  if (facts.prNumber !== undefined) {
    return { store: false, branch: '', why: 'pull request runs never replace the baseline' };
  }
  const storeEvents = new Set(['push', 'schedule', 'workflow_dispatch']);
  if (mode === 'auto' && !storeEvents.has(facts.eventName)) return { store: false, branch: '' };
  const defaultBranch = facts.defaultBranch ?? (await port.getRepository()).defaultBranch;
  const branch = facts.branch ?? defaultBranch;
  if (mode === 'always') return { store: true, branch };
  if (branch !== defaultBranch) {
    return { store: false, branch, why: `${branch} is not the default branch (${defaultBranch})` };
  }
  if (facts.eventName !== 'push' && verdict === 'fail') {
    return {
      store: false,
      branch,
      why: 'a failing scheduled run does not replace the baseline (later runs keep comparing against the last good one)',
    };
  }
  return { store: true, branch };
}

async function reportTrackingIssue(
  port: GitHubPort,
  input: PublishInput,
  key: string,
  facts: EventFacts,
): Promise<IssueResult | undefined> {
  const failing =
    input.verdict === 'fail' || (input.issueOn === 'warn' && input.verdict === 'warn');
  const marker = nightlyMarker(key);
  const labels = input.issueLabels ?? DEFAULT_ISSUE_LABELS;
  const run = input.runUrl ? `[run](${linkTarget(input.runUrl)})` : 'run';
  const at = shortSha(facts.headSha);
  if (!failing) {
    return port.closeTrackingIssue({
      marker,
      labels,
      comment: `VisionGate (${key}) is back to **${input.verdict}** in this ${run} at ${at}. Closing.`,
    });
  }
  const intro =
    `The scheduled VisionGate evaluation \`${key}\` is **${input.verdict}** (latest ${run} at ${at}). ` +
    'This issue is edited with each failing run and closed automatically when the evaluation passes.\n\n';
  const body = composeBody({
    marker,
    render: (max) => intro + input.render(Math.max(0, max - intro.length)),
    ...optional({ runUrl: input.runUrl, artifactUrl: input.artifactUrl }),
    limit: COMMENT_BODY_LIMIT,
  });
  return port.upsertTrackingIssue({
    marker,
    title: `VisionGate nightly (${key}): ${input.verdict === 'fail' ? 'failing' : 'warnings'}`,
    body: body.text,
    labels,
    comment: `Still **${input.verdict}** in the ${run} at ${at}: ${input.title ?? defaultTitle(input.verdict, false)}.`,
  });
}

/** Drop undefined values so optional properties stay absent (not `undefined`). */
function optional<T extends Record<string, string | undefined>>(
  values: T,
): { [K in keyof T]?: string } {
  const out: { [K in keyof T]?: string } = {};
  for (const [k, v] of Object.entries(values))
    if (v !== undefined && v !== '') out[k as keyof T] = v;
  return out;
}
