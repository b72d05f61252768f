/** Publishing a report to GitHub: comment, check run(s), baseline store, tracking issue, trend. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as core from '@actions/core';
import { describeError } from '../errors.js';
import type { WrittenOutputs } from '../engine/output.js';
import type { GateResult } from '../gates/result.js';
import { worst } from '../gates/verdict.js';
import {
  publish,
  type EventInput,
  type GitHubPort,
  type PublishResult,
  type SuiteCheck,
} from '../github/index.js';
import { headline } from '../report/headline.js';
import { renderMarkdownWithin, type MarkdownOptions } from '../report/markdown.js';
import type { Report } from '../report/schema.js';
import { historyMetrics, renderTrend, trendStyle, type TrendEntry } from '../report/trend.js';
import { checkAnnotations, type ConfigLocator } from './annotations.js';
import { splitList, type ActionInputs } from './inputs.js';
import { actionLog } from './log.js';

/**
 * On runs of a branch (nightly, dispatch, push), the stored history of headline metrics of that
 * branch, for the trend (job summary and report.html). Never fails the run: a read error leaves
 * the trend out.
 */
export async function trendHistory(
  port: GitHubPort,
  inputs: ActionInputs,
  event: EventInput,
  key: string,
): Promise<TrendEntry[] | undefined> {
  if (!['schedule', 'workflow_dispatch', 'push'].includes(event.eventName)) return undefined;
  if (inputs.baselineSource !== 'branch') return undefined;
  const branch = (event.ref ?? '').replace(/^refs\/heads\//, '');
  try {
    return (await port.readBaselineHistory({ storeBranch: inputs.baselineBranch, key })).filter(
      (h) => h.branch === branch,
    );
  } catch (error) {
    actionLog.warning(`could not read the baseline history for the trend: ${describeError(error)}`);
    return undefined;
  }
}

/** The trend section of the summary and comment: the stored history, then this run. */
export function trendSection(history: TrendEntry[], event: EventInput, report: Report): string {
  return renderTrend(
    history,
    {
      sha: event.sha,
      storedAt: report.createdAt,
      verdict: report.verdict,
      metrics: historyMetrics(report),
    },
    trendStyle(report),
  );
}

/** The suite a gate result belongs to (its config key's first part), for per-suite checks. */
function suiteOf(g: GateResult): string {
  return g.configKey?.split('.')[0] ?? 'regression';
}

/**
 * Publish a report; `written` (the output files) is what a stored baseline is made of, and
 * `artifactUrl` the page of the uploaded output folder (else the run's artifacts list).
 */
export async function publishReport(
  port: GitHubPort,
  inputs: ActionInputs,
  event: EventInput,
  key: string,
  report: Report,
  loaded: ConfigLocator,
  options: MarkdownOptions,
  written?: WrittenOutputs,
  artifactUrl?: string,
): Promise<PublishResult> {
  const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
  const runUrl = process.env.GITHUB_RUN_ID
    ? `${server}/${process.env.GITHUB_REPOSITORY}/actions/runs/${process.env.GITHUB_RUN_ID}`
    : undefined;
  const suites: SuiteCheck[] = inputs.suiteChecks
    ? ['regression', ...Object.keys(report.suites)].map((suite) => {
        const gates = report.gates.filter((g) => suiteOf(g) === suite);
        return {
          suite,
          verdict: worst(gates.map((g) => g.status)),
          title: `${suite}: ${gates.filter((g) => g.status === 'fail').length} failed of ${gates.length} checks`,
          render: (max: number) => renderMarkdownWithin(report, max, options),
          annotations: checkAnnotations(report, loaded, (g) => suiteOf(g) === suite),
        };
      })
    : [];
  const baselineFiles = written
    ? await Promise.all(
        [written.reportJson, written.records, written.examples].map(async (f) => ({
          path: path.basename(f),
          content: await readFile(f),
        })),
      )
    : [];
  return publish(port, {
    ...event,
    key,
    verdict: report.verdict,
    title: headline(report),
    render: (max) => renderMarkdownWithin(report, max, options),
    annotations: checkAnnotations(report, loaded),
    metrics: historyMetrics(report),
    baselineFiles,
    suites,
    ...(runUrl ? { runUrl, artifactUrl: artifactUrl ?? `${runUrl}#artifacts` } : {}),
    baselineBranch: inputs.baselineBranch,
    issueLabels: splitList(inputs.issueLabels),
    modes: {
      comment: inputs.comment,
      check: inputs.check,
      storeBaseline: written ? inputs.storeBaseline : 'never',
      trackingIssue: inputs.trackingIssue,
      informational: inputs.informational,
    },
  });
}

/** What publishing did, as notices, warnings and step outputs. */
export function reportPublished(result: PublishResult): void {
  for (const n of result.notices) actionLog.notice(n);
  for (const w of result.warnings) actionLog.warning(w);
  if (result.comment) core.setOutput('comment-url', result.comment.url);
  if (result.check)
    core.setOutput(
      'check-url',
      'url' in result.check ? result.check.url : (result.check.targetUrl ?? ''),
    );
  if (result.baseline) core.setOutput('baseline-commit', result.baseline.commitSha);
  if (result.issue) core.setOutput('issue-url', result.issue.url);
}
