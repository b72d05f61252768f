/** The Action's lookup of a stored baseline on GitHub (branch store or workflow artifact). */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FoundBaseline } from '../engine/baseline.js';
import { RESULT_FILES } from '../engine/results.js';
import { lookupBaseline, type EventInput, type GitHubPort } from '../github/index.js';
import type { ActionInputs } from './inputs.js';
import { actionLog } from './log.js';

/**
 * Look up the stored baseline for this event and write its files where the engine reads a
 * stored result; the baseline resolver (engine/baseline.ts) decides how it is used.
 */
export async function fetchBaseline(
  port: GitHubPort,
  inputs: ActionInputs,
  event: EventInput,
  key: string,
): Promise<FoundBaseline | undefined> {
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
    return undefined;
  }
  if (!b.files.has(RESULT_FILES.report) || !b.files.has(RESULT_FILES.records)) {
    actionLog.warning(
      `The stored baseline of ${b.sha.slice(0, 12)} lacks ${RESULT_FILES.report} or ${RESULT_FILES.records}; ignoring it.`,
    );
    return undefined;
  }
  const dir = path.join(process.env.RUNNER_TEMP ?? os.tmpdir(), `visiongate-baseline-${key}`);
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of b.files) {
    if (name.includes('/') || name.includes('\\') || name.startsWith('.')) continue;
    await writeFile(path.join(dir, name), bytes);
  }
  actionLog.info(`baseline: ${b.detail}`);
  return { dir, commit: b.sha, ref: b.branch, detail: b.detail };
}
