import path from 'node:path';
import * as core from '@actions/core';
import { z } from 'zod';
import { markdownOptions, writeOutputs } from './engine/output.js';
import { runFromConfigFile, type RunOverrides } from './engine/run.js';
import { parseShard } from './engine/shard.js';
import { describeError, isUserError, UserError } from './errors.js';
import { exitCodeFor } from './gates/verdict.js';
import type { LoadedConfig } from './config/load.js';
import { renderMarkdownWithin } from './report/markdown.js';
import type { GateResult, Report } from './report/schema.js';

/** GitHub limits the job summary to 1 MiB per step; stay well under it. */
const SUMMARY_LIMIT = 1_000_000;

const inputsSchema = z.object({
  config: z.string().min(1, 'is required'),
  model: z.string().optional(),
  baselineModel: z.string().optional(),
  baseline: z.string().optional(),
  outDir: z.string().min(1),
  failOn: z.enum(['error', 'warning', 'never']),
  shard: z.string().optional(),
});
export type ActionInputs = z.infer<typeof inputsSchema>;

/** Read and validate the Action inputs once; messages name the input and the allowed values. */
export function readInputs(get: (name: string) => string = (n) => core.getInput(n)): ActionInputs {
  const opt = (name: string) => {
    const v = get(name).trim();
    return v === '' ? undefined : v;
  };
  const raw = {
    config: opt('config') ?? 'visiongate.yml',
    model: opt('model'),
    baselineModel: opt('baseline-model'),
    baseline: opt('baseline'),
    outDir: opt('out-dir') ?? 'visiongate-out',
    failOn: opt('fail-on') ?? 'error',
    shard: opt('shard'),
  };
  const parsed = inputsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    const value = (raw as Record<string, unknown>)[String(issue.path[0])];
    throw new UserError(
      'usage',
      `input "${key}" is invalid (got "${String(value)}"): ${issue.code === 'invalid_value' ? `allowed: ${issue.values.join(', ')}` : issue.message}`,
    );
  }
  return parsed.data;
}

/** The Action: evaluate, write outputs and the job summary, then exit by the verdict. */
export async function run(): Promise<void> {
  try {
    const inputs = readInputs();
    const overrides: RunOverrides = {
      ...(inputs.model ? { model: inputs.model } : {}),
      ...(inputs.baselineModel ? { baselineModel: inputs.baselineModel } : {}),
      ...(inputs.baseline ? { baselineReport: inputs.baseline } : {}),
      ...(inputs.shard ? { shard: parseShard(inputs.shard) } : {}),
    };
    if (overrides.baselineModel && overrides.baselineReport) {
      throw new UserError(
        'usage',
        'give either the baseline-model input or the baseline input, not both',
      );
    }
    let lastStep = -1;
    const { report, records, properties, loaded } = await core.group('VisionGate: evaluate', () =>
      runFromConfigFile(inputs.config, overrides, {
        log: (line) => core.info(line),
        progress: (phase, done, total) => {
          const step = Math.floor((done / Math.max(total, 1)) * 10);
          if (step !== lastStep) {
            lastStep = step;
            core.info(`${phase}: ${done}/${total} images`);
          }
        },
      }),
    );
    // Outputs and summary first: nothing computed is lost if a later step fails.
    const options = markdownOptions(loaded.config);
    const written = await writeOutputs(path.resolve(inputs.outDir), report, records, properties, options);
    core.setOutput('verdict', report.verdict);
    core.setOutput('report-json', written.reportJson);
    core.setOutput('report-markdown', written.reportMarkdown);
    core.setOutput('records', written.records);
    try {
      await core.summary.addRaw(renderMarkdownWithin(report, SUMMARY_LIMIT, options)).write();
    } catch (error) {
      core.warning(
        `could not write the job summary: ${describeError(error)}; the report is in ${written.reportMarkdown}`,
      );
    }

    annotateGates(report, loaded);
    core.info(`verdict: ${report.verdict}`);
    if (exitCodeFor(report.verdict, inputs.failOn) !== 0) {
      core.setFailed(
        `VisionGate verdict: ${report.verdict} (fail-on: ${inputs.failOn}). See the job summary.`,
      );
    }
  } catch (error) {
    if (isUserError(error)) {
      core.setFailed(error.message);
    } else {
      core.setFailed(
        `internal error (a bug in VisionGate, please report it): ${describeError(error)}`,
      );
      if (error instanceof Error && error.stack) core.debug(error.stack);
    }
  }
}

/**
 * One annotation per failing gate rule (GitHub shows at most 10 error and 10 warning annotations
 * per step), on the rule's line in the config file, naming the targets it failed on.
 */
export function annotateGates(report: Report, loaded: LoadedConfig): void {
  const byRule = new Map<string, GateResult[]>();
  for (const g of report.gates) {
    if (g.status !== 'fail' && g.status !== 'warn') continue;
    const key = `${g.index}|${g.kind}|${g.status}`;
    byRule.set(key, [...(byRule.get(key) ?? []), g]);
  }
  const file = path.relative(process.cwd(), loaded.file);
  for (const gates of byRule.values()) {
    const g = gates[0]!;
    const line = g.index >= 0 ? loaded.lineOf(['gates', g.index]) : loaded.lineOf(['pinned']);
    const message =
      gates.length === 1
        ? g.reason
        : `${g.rule} ${g.status === 'fail' ? 'failed' : 'warned'} on ${gates.length} targets: ${gates
            .slice(0, 5)
            .map((x) => x.target)
            .join(', ')}${gates.length > 5 ? ', ...' : ''}. First: ${g.reason}`;
    const props = { title: `VisionGate: ${g.rule}`, file, ...(line ? { startLine: line } : {}) };
    if (g.status === 'fail') core.error(message, props);
    else core.warning(message, props);
  }
}
