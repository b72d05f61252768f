/** The output folder (report.html included) as a workflow artifact, linked from what the run posts. */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import * as core from '@actions/core';
import type { WrittenOutputs } from '../engine/output.js';
import type { Shard } from '../engine/shard.js';
import { createArtifactPort, safeKey, uploadReportArtifact } from '../github/index.js';
import { actionLog } from './log.js';

/** Default artifact name: one per config key (and shard), unique within a workflow run. */
export function artifactName(key: string, shard: Shard | undefined): string {
  return `visiongate-${safeKey(key)}${shard ? `-shard-${shard.index}-of-${shard.count}` : ''}`;
}

/**
 * Upload the output folder as a workflow artifact (no token needed: fork PRs get one too) and
 * return its page's URL; undefined outside a runner or when the upload fails (a warning).
 */
export async function uploadOutputs(
  written: WrittenOutputs,
  name: string,
): Promise<string | undefined> {
  const artifacts = createArtifactPort();
  if (!artifacts.port) {
    actionLog.info(`Not uploading the output folder as an artifact: ${artifacts.reason}.`);
    return undefined;
  }
  const entries = await readdir(written.dir, { withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => path.join(written.dir, e.name));
  const uploaded = await core.group('VisionGate: upload the report artifact', () =>
    uploadReportArtifact(artifacts.port, {
      name,
      dir: written.dir,
      files,
      server: process.env.GITHUB_SERVER_URL ?? 'https://github.com',
      repository: process.env.GITHUB_REPOSITORY ?? '',
      runId: process.env.GITHUB_RUN_ID ?? '',
    }),
  );
  for (const n of uploaded.notices) actionLog.info(n);
  for (const w of uploaded.warnings) actionLog.warning(w);
  if (uploaded.url) core.setOutput('artifact-url', uploaded.url);
  return uploaded.url;
}

/** The job summary's link to the artifact (a trusted URL made by {@link uploadOutputs}). */
export function artifactFooter(url: string): string {
  return `📄 [report.html and the full output (workflow artifact)](${url})`;
}
