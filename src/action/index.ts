/**
 * The Action: read the inputs, evaluate (or merge shards, or publish a report made elsewhere),
 * write the outputs and the job summary, then talk to GitHub. Output files are written before
 * any GitHub call, so a failing API call never loses the computed report.
 */
import path from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { loadConfig } from '../config/load.js';
import { lookupWanted } from '../engine/baseline.js';
import { htmlOptions } from '../engine/html-report.js';
import { mergeShards } from '../engine/merge.js';
import { markdownOptions, writeOutputs } from '../engine/output.js';
import { checkOutputDir } from '../engine/output-dir.js';
import { progressLines } from '../engine/progress.js';
import { expandShardDirs } from '../engine/results.js';
import { runEvaluation, type RunHooks, type RunResult } from '../engine/run.js';
import { isUserError } from '../errors.js';
import { exitCodeFor } from '../gates/verdict.js';
import { createGitHubPort, type EventInput, type GitHubPort } from '../github/index.js';
import { headline } from '../report/headline.js';
import { annotateGates } from './annotations.js';
import { artifactFooter, artifactName, uploadOutputs } from './artifact.js';
import { fetchBaseline } from './baseline.js';
import { readInputs, runRequest, splitList, type ActionInputs } from './inputs.js';
import { publishOnly } from './publish-only.js';
import { publishReport, reportPublished, trendHistory, trendSection } from './publish.js';
import { setRunOutputs, writeSummary } from './summary.js';
import { actionLog } from './log.js';

/** The Action's one entry: every error fails the step with a sentence, a bug says so. */
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
    if (inputs.publishOnly) await publishOnly(inputs, event, port);
    else {
      // Before the evaluation: a bad out-dir costs nothing.
      await checkOutputDir(inputs.outDir, {
        inputs: inputs.mode === 'merge' ? splitList(inputs.shards!) : [],
      });
      await evaluateAndPublish(inputs, event, port);
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

function makePort(token: string): GitHubPort {
  const [owner, repo] = process.env.GITHUB_REPOSITORY!.split('/') as [string, string];
  return createGitHubPort({
    token,
    repo: { owner, repo },
    log: { debug: actionLog.debug, info: actionLog.info, warn: (m) => actionLog.warning(m) },
  });
}

async function evaluateAndPublish(
  inputs: ActionInputs,
  event: EventInput,
  port: GitHubPort | undefined,
): Promise<void> {
  const loaded = await loadConfig(inputs.config);
  const key = inputs.key ?? loaded.config.name;
  const request = runRequest(inputs);
  // A stored baseline from GitHub when the resolver would use one: as the baseline, or in
  // place of running the config's baseline model (engine/baseline.ts decides which).
  if (
    port &&
    !request.shard &&
    inputs.baselineSource !== 'none' &&
    lookupWanted(loaded, request.baseline ?? {})
  ) {
    const found = await core.group('VisionGate: find the baseline', () =>
      fetchBaseline(port, inputs, event, key),
    );
    if (found) request.found = found;
  }

  const hooks: RunHooks = {
    log: (line) => actionLog.info(line),
    progress: progressLines((line) => actionLog.info(line)),
  };
  const result: RunResult =
    inputs.mode === 'merge'
      ? await core.group('VisionGate: merge shards', async () =>
          mergeShards(
            inputs.config,
            await expandShardDirs(splitList(inputs.shards!)),
            request,
            hooks,
          ),
        )
      : await core.group('VisionGate: evaluate', () => runEvaluation(loaded, request, hooks));
  const { report } = result;

  // Outputs and summary first: nothing computed is lost if a GitHub call fails later.
  const history = port && !request.shard ? await trendHistory(port, inputs, event, key) : undefined;
  const trend = history ? trendSection(history, event, report) : '';
  const options = markdownOptions(loaded.config, trend ? { sections: [trend] } : {});
  const written = await writeOutputs(
    path.resolve(inputs.outDir),
    report,
    result.records,
    result.examples,
    result.images,
    options,
    htmlOptions(loaded, history ? { history } : {}),
  );
  setRunOutputs(report, written);
  const artifactUrl = inputs.uploadArtifact
    ? await uploadOutputs(written, inputs.artifactName ?? artifactName(key, request.shard))
    : undefined;
  await writeSummary(
    report,
    artifactUrl ? { ...options, footer: artifactFooter(artifactUrl) } : options,
    written.reportMarkdown,
  );
  annotateGates(report, loaded);

  if (port && !request.shard) {
    const published = await core.group('VisionGate: publish to GitHub', () =>
      publishReport(port, inputs, event, key, report, loaded, options, written, artifactUrl),
    );
    reportPublished(published);
  } else if (!port) {
    actionLog.info(
      `No github-token: skipping the PR comment, check and baseline store (the job summary has the report${written.html ? `; report.html is at ${written.html}` : ''}).`,
    );
  }
  actionLog.info(`verdict: ${headline(report)}`);
  if (exitCodeFor(report.verdict, inputs.failOn) !== 0) {
    actionLog.fail(
      `VisionGate verdict: ${report.verdict} (fail-on: ${inputs.failOn}). See the job summary.`,
    );
  }
}
