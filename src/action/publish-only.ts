/** publish-only: re-render a report.json made elsewhere (the workflow_run pattern) and publish it. */
import path from 'node:path';
import * as core from '@actions/core';
import { loadConfig } from '../config/load.js';
import { markdownOptions } from '../engine/output.js';
import { readReport } from '../engine/results.js';
import { UserError } from '../errors.js';
import { exitCodeFor } from '../gates/verdict.js';
import type { EventInput, GitHubPort } from '../github/index.js';
import type { ConfigLocator } from './annotations.js';
import type { ActionInputs } from './inputs.js';
import { publishReport, reportPublished } from './publish.js';
import { writeSummary } from './summary.js';
import { actionLog } from './log.js';

export async function publishOnly(
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
  await writeSummary(report, options, inputs.report!);
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
