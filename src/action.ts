import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { readInputs, type ActionInputs } from './action-inputs.js';
import { actionLog } from './action-log.js';
import { loadConfig, type LoadedConfig } from './config/load.js';

/** Where a config lives and how to find a key's line in it (for annotations). */
type ConfigLocator = Pick<LoadedConfig, 'file' | 'lineOf'>;
import { mergeShards } from './engine/merge.js';
import { htmlOptions } from './engine/html-report.js';
import { markdownOptions, writeOutputs, type WrittenOutputs } from './engine/output.js';
import { checkOutputDir } from './engine/output-dir.js';
import { expandShardDirs, readReport, RESULT_FILES } from './engine/results.js';
import { runEvaluation, type RunOverrides, type RunResult } from './engine/run.js';
import { parseShard } from './engine/shard.js';
import { describeError, isUserError, UserError } from './errors.js';
import {
  createArtifactPort,
  createGitHubPort,
  lookupBaseline,
  safeKey,
  uploadReportArtifact,
  publish,
  type CheckAnnotation,
  type EventInput,
  type GitHubPort,
  type PublishResult,
  type SuiteCheck,
} from './github/index.js';
import { groupByRule, worst } from './gates/evaluate.js';
import { exitCodeFor } from './gates/verdict.js';
import { renderMarkdownWithin, type MarkdownOptions } from './report/markdown.js';
import type { GateResult, Report } from './report/schema.js';
import { renderTrend, type TrendEntry } from './report/trend.js';

/** GitHub limits the job summary to 1 MiB per step; stay well under it. */
const SUMMARY_LIMIT = 1_000_000;

/** The Action: evaluate (or merge shards, or publish a report), write outputs, talk to GitHub. */
export async function run(): Promise<void> {
  try {
    const inputs = readInputs((n) => core.getInput(n));
    if (inputs.githubToken) core.setSecret(inputs.githubToken);
    const event: EventInput = {
      eventName: github.context.eventName,
      payload: github.context.payload,
      sha: github.context.sha,
      ref: github.context.ref,
      ...(inputs.prNumber ? { prNumber: inputs.prNumber } : {}),
      ...(inputs.headSha ? { headSha: inputs.headSha } : {}),
    };
    const port =
      inputs.githubToken && process.env.GITHUB_REPOSITORY
        ? makePort(inputs.githubToken)
        : undefined;
    if (inputs.publishOnly) return await publishOnly(inputs, event, port);
    // Before the evaluation: a bad out-dir costs nothing.
    await checkOutputDir(inputs.outDir, {
      inputs: inputs.mode === 'merge' ? splitList(inputs.shards!) : [],
    });

    const loaded = await loadConfig(inputs.config);
    const key = inputs.key ?? loaded.config.name;
    const overrides: RunOverrides = {
      ...(inputs.model ? { model: inputs.model } : {}),
      ...(inputs.baselineModel ? { baselineModel: inputs.baselineModel } : {}),
      ...(inputs.baseline ? { baselineReport: inputs.baseline } : {}),
      ...(inputs.shard ? { shard: parseShard(inputs.shard) } : {}),
    };
    // A stored baseline from GitHub, unless one is given. When the config compares against a
    // baseline model, the stored result can still stand in for running that model (reuse).
    const cfgBaseline = loaded.config.baseline;
    const lookup =
      port &&
      !overrides.shard &&
      !inputs.baseline &&
      !inputs.baselineModel &&
      !cfgBaseline.report &&
      inputs.baselineSource !== 'none';
    if (lookup) {
      const found = await core.group('VisionGate: find the baseline', () =>
        fetchBaseline(port, inputs, event, key),
      );
      if (cfgBaseline.model && found.baselineReport) overrides.reuseBaseline = found.baselineReport;
      else Object.assign(overrides, found);
    }

    let lastStep = -1;
    const hooks = {
      log: (line: string) => actionLog.info(line),
      progress: (phase: string, done: number, total: number) => {
        const step = Math.floor((done / Math.max(total, 1)) * 10);
        if (step !== lastStep) {
          lastStep = step;
          actionLog.info(`${phase}: ${done}/${total} images`);
        }
      },
    };
    const result: RunResult =
      inputs.mode === 'merge'
        ? await core.group('VisionGate: merge shards', async () =>
            mergeShards(
              inputs.config,
              await expandShardDirs(splitList(inputs.shards!)),
              overrides,
              hooks,
            ),
          )
        : await core.group('VisionGate: evaluate', () => runEvaluation(loaded, overrides, hooks));
    const { report } = result;

    // Outputs and summary first: nothing computed is lost if a GitHub call fails later.
    const history =
      port && !overrides.shard ? await trendHistory(port, inputs, event, key) : undefined;
    const trend = history ? trendMarkdown(history, event, report) : '';
    const baseOptions = markdownOptions(loaded.config, trend ? { sections: [trend] } : {});
    const written = await writeOutputs(
      path.resolve(inputs.outDir),
      report,
      result.records,
      result.examples,
      result.images,
      baseOptions,
      htmlOptions(loaded, history ? { history } : {}),
    );
    core.setOutput('verdict', report.verdict);
    core.setOutput('report-json', written.reportJson);
    core.setOutput('report-markdown', written.reportMarkdown);
    core.setOutput('records', written.records);
    core.setOutput('junit', written.junit);
    if (written.html) core.setOutput('report-html', written.html);
    const artifactUrl = inputs.uploadArtifact
      ? await uploadOutputs(written, inputs.artifactName ?? artifactName(key, inputs.shard))
      : undefined;
    const options = artifactUrl
      ? {
          ...baseOptions,
          footer: `📄 [report.html and the full output (workflow artifact)](${artifactUrl})`,
        }
      : baseOptions;
    await writeSummary(report, options, written);
    annotateGates(report, loaded);

    if (port && !overrides.shard) {
      const published = await core.group('VisionGate: publish to GitHub', () =>
        publishReport(port, inputs, event, key, report, loaded, baseOptions, written, artifactUrl),
      );
      reportPublished(published);
    } else if (!port) {
      actionLog.info(
        `No github-token: skipping the PR comment, check and baseline store (the job summary has the report${written.html ? `; report.html is at ${written.html}` : ''}).`,
      );
    }
    actionLog.info(`verdict: ${report.verdict}`);
    if (exitCodeFor(report.verdict, inputs.failOn) !== 0) {
      actionLog.fail(
        `VisionGate verdict: ${report.verdict} (fail-on: ${inputs.failOn}). See the job summary.`,
      );
    }
  } catch (error) {
    if (isUserError(error)) {
      actionLog.fail(error);
    } else {
      actionLog.fail(error, 'internal error (a bug in VisionGate, please report it): ');
      if (error instanceof Error && error.stack) actionLog.debug(error.stack);
    }
  }
}

/**
 * On runs of a branch (nightly, dispatch, push), the stored history of headline metrics of that
 * branch, for the trend. Never fails the run: a read error leaves the trend out.
 */
async function trendHistory(
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

/** The trend section of the summary: the stored history, then this run. */
function trendMarkdown(history: TrendEntry[], event: EventInput, report: Report): string {
  return renderTrend(history, {
    sha: event.sha,
    storedAt: report.createdAt,
    verdict: report.verdict,
    metrics: headlineMetrics(report),
  });
}

/** Default artifact name: one per config key (and shard), unique within a workflow run. */
function artifactName(key: string, shard: string | undefined): string {
  const s = shard ? parseShard(shard) : undefined;
  return `visiongate-${safeKey(key)}${s ? `-shard-${s.index}-of-${s.count}` : ''}`;
}

/**
 * Upload the output folder as a workflow artifact (no token needed: fork PRs get one too) and
 * return its page's URL; undefined outside a runner or when the upload fails (a warning).
 */
async function uploadOutputs(written: WrittenOutputs, name: string): Promise<string | undefined> {
  const artifacts = createArtifactPort();
  if (!artifacts.port) {
    actionLog.info(`Not uploading the output folder as an artifact: ${artifacts.reason}.`);
    return undefined;
  }
  const entries = await readdir(written.dir, { withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => path.join(written.dir, e.name));
  const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
  const uploaded = await core.group('VisionGate: upload the report artifact', () =>
    uploadReportArtifact(artifacts.port, {
      name,
      dir: written.dir,
      files,
      server,
      repository: process.env.GITHUB_REPOSITORY ?? '',
      runId: process.env.GITHUB_RUN_ID ?? '',
    }),
  );
  for (const n of uploaded.notices) actionLog.info(n);
  for (const w of uploaded.warnings) actionLog.warning(w);
  if (uploaded.url) core.setOutput('artifact-url', uploaded.url);
  return uploaded.url;
}

function makePort(token: string): GitHubPort {
  const [owner, repo] = process.env.GITHUB_REPOSITORY!.split('/') as [string, string];
  return createGitHubPort({
    token,
    repo: { owner, repo },
    log: { debug: actionLog.debug, info: actionLog.info, warn: (m) => actionLog.warning(m) },
  });
}

const splitList = (text: string) =>
  text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);

/** Look up the stored baseline for this event and write its files where `--baseline` can read them. */
async function fetchBaseline(
  port: GitHubPort,
  inputs: ActionInputs,
  event: EventInput,
  key: string,
): Promise<Pick<RunOverrides, 'baselineReport' | 'baselineInfo'>> {
  const found = await lookupBaseline(port, {
    ...event,
    key,
    source:
      inputs.baselineSource === 'artifact'
        ? {
            kind: 'artifact',
            workflow: inputs.baselineWorkflow!,
            artifactName: inputs.baselineArtifact,
          }
        : { kind: 'branch', storeBranch: inputs.baselineBranch },
  });
  for (const n of found.notices) actionLog.notice(n);
  for (const w of found.warnings) actionLog.warning(w);
  const b = found.baseline;
  if (!b.found) {
    actionLog.notice(
      `No stored baseline (${b.detail}): only absolute gates are checked this time.`,
    );
    return {};
  }
  if (!b.files.has(RESULT_FILES.report) || !b.files.has(RESULT_FILES.records)) {
    actionLog.warning(
      `The stored baseline of ${b.sha.slice(0, 12)} lacks ${RESULT_FILES.report} or ${RESULT_FILES.records}; ignoring it.`,
    );
    return {};
  }
  const dir = path.join(process.env.RUNNER_TEMP ?? os.tmpdir(), `visiongate-baseline-${key}`);
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of b.files) {
    if (name.includes('/') || name.includes('\\') || name.startsWith('.')) continue;
    await writeFile(path.join(dir, name), bytes);
  }
  actionLog.info(`baseline: ${b.detail}`);
  return { baselineReport: dir, baselineInfo: { commit: b.sha, ref: b.branch, detail: b.detail } };
}

async function writeSummary(
  report: Report,
  options: MarkdownOptions,
  written: WrittenOutputs,
): Promise<void> {
  try {
    await core.summary.addRaw(renderMarkdownWithin(report, SUMMARY_LIMIT, options)).write();
  } catch (error) {
    actionLog.warning(
      `could not write the job summary: ${describeError(error)}; the report is in ${written.reportMarkdown}`,
    );
  }
}

/** Repository-relative path of the config, for annotations. */
function configPath(loaded: ConfigLocator): string {
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  return path.relative(workspace, loaded.file).split(path.sep).join('/');
}

/** The config line a gate result belongs to. */
function gateLine(g: GateResult, loaded: ConfigLocator): number | undefined {
  if (g.configKey) return loaded.lineOf(g.configKey.split('.'));
  if (g.index >= 0) return loaded.lineOf(['gates', g.index]);
  if (g.kind === 'pinned') return loaded.lineOf(['pinned']);
  return undefined;
}

/** Failing gate results grouped by rule: GitHub shows at most 10 annotations per level per step. */
function groupFailures(report: Report): GateResult[][] {
  return groupByRule(report.gates.filter((g) => g.status === 'fail' || g.status === 'warn'));
}

function groupMessage(gates: GateResult[]): string {
  const g = gates[0]!;
  if (gates.length === 1) return g.reason;
  const targets = gates
    .slice(0, 5)
    .map((x) => x.target)
    .join(', ');
  return `${g.rule} ${g.status === 'fail' ? 'failed' : 'warned'} on ${gates.length} targets: ${targets}${gates.length > 5 ? ', ...' : ''}. First: ${g.reason}`;
}

/** One workflow annotation per failing rule, on the rule's line in the config file. */
export function annotateGates(report: Report, loaded: ConfigLocator): void {
  const file = configPath(loaded);
  for (const gates of groupFailures(report)) {
    const g = gates[0]!;
    const line = gateLine(g, loaded);
    const props = { title: `VisionGate: ${g.rule}`, file, ...(line ? { startLine: line } : {}) };
    if (g.status === 'fail') actionLog.error(groupMessage(gates), props);
    else actionLog.warning(groupMessage(gates), props);
  }
}

/** The same, as check-run annotations. */
function checkAnnotations(
  report: Report,
  loaded: ConfigLocator,
  filter: (g: GateResult) => boolean = () => true,
): CheckAnnotation[] {
  const file = configPath(loaded);
  return groupFailures(report)
    .filter((gs) => filter(gs[0]!))
    .map((gates) => {
      const g = gates[0]!;
      return {
        path: file,
        startLine: gateLine(g, loaded) ?? 1,
        level: g.status === 'fail' ? ('failure' as const) : ('warning' as const),
        title: `VisionGate: ${g.rule}`,
        message: groupMessage(gates),
      };
    });
}

/** Headline of the check title / status description. */
function headline(report: Report): string {
  const acc = report.overall.candidate.accuracy;
  const d = report.overall.delta?.accuracy;
  const newly = report.slices.filter((s) => s.newlyFailing).length;
  const failed = report.gates.filter((g) => g.status === 'fail').length;
  const parts = [
    `${report.verdict}`,
    acc != null
      ? `accuracy ${(acc * 100).toFixed(1)}%${d != null ? ` (${d >= 0 ? '+' : '−'}${Math.abs(d * 100).toFixed(1)} pp)` : ''}`
      : undefined,
    failed > 0 ? `${failed} gate check(s) failed` : undefined,
    newly > 0 ? `${newly} newly failing slice(s)` : undefined,
  ];
  return parts.filter(Boolean).join(' · ');
}

/** Headline metrics for the baseline history. */
function headlineMetrics(report: Report): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(report.overall.candidate))
    if (typeof v === 'number') out[k] = v;
  const rob = report.suites.robustness as
    | { normalized?: { relativeMCE: number | null }; candidate?: { corruptedAccuracy: number } }
    | undefined;
  if (rob?.candidate && Number.isFinite(rob.candidate.corruptedAccuracy))
    out.corrupted_accuracy = rob.candidate.corruptedAccuracy;
  return out;
}

function suiteOf(g: GateResult): string {
  return g.configKey?.split('.')[0] ?? 'regression';
}

async function publishReport(
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
    metrics: headlineMetrics(report),
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

function reportPublished(result: PublishResult): void {
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

/** publish-only: re-render a report.json made elsewhere (the workflow_run pattern) and publish it. */
async function publishOnly(
  inputs: ActionInputs,
  event: EventInput,
  port: GitHubPort | undefined,
): Promise<void> {
  const report = await readReport(path.resolve(inputs.report!));
  if (!port) throw new UserError('usage', 'publish-only needs the github-token input');
  const loaded = await loadConfig(inputs.config).catch(() => undefined);
  const options = loaded
    ? markdownOptions(loaded.config)
    : { maxSlices: 30, maxExamples: 20, details: true, confidence: 0.95 };
  const key = inputs.key ?? report.name;
  const locator: ConfigLocator = loaded ?? {
    file: path.resolve(report.config.file),
    lineOf: () => undefined,
  };
  await writeSummary(report, options, {
    dir: '',
    examples: '',
    junit: '',
    reportJson: inputs.report!,
    reportMarkdown: inputs.report!,
    records: '',
    markdown: '',
  });
  const published = await publishReport(
    port,
    { ...inputs, storeBaseline: 'never' },
    event,
    key,
    report,
    locator,
    options,
  );
  reportPublished(published);
  core.setOutput('verdict', report.verdict);
  if (exitCodeFor(report.verdict, inputs.failOn) !== 0) {
    actionLog.fail(`VisionGate verdict: ${report.verdict} (fail-on: ${inputs.failOn}).`);
  }
}
