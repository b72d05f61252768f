/**
 * The artifact route to a baseline, for repositories that prefer not to keep a baseline branch:
 * the newest successful run of the baseline workflow on the default branch (the run at the PR's
 * merge base if there is one), its artifact by name, downloaded as a zip and unpacked in memory
 * with fflate. Needs `actions: read`. Artifacts expire (90 days by default): then none is found.
 */
import { unzipSync } from 'fflate';
import type { Octokit } from './client.js';
import { shortSha } from './baseline-layout.js';
import { isNotFound } from './errors.js';
import type { BaselineLookup, FindArtifactBaselineInput, RepoRef } from './port.js';

export interface ArtifactOptions {
  /** How many recent successful runs to look through for the artifact (default 20). */
  maxRuns: number;
  /** Refuse archives that unpack to more than this (default 2 GiB): zip bombs, mistakes. */
  maxUnpackedBytes: number;
}

interface RunSummary {
  id: number;
  head_sha: string;
  head_branch: string | null;
  created_at: string;
}

export async function findArtifactBaselineFromRuns(
  octokit: Octokit,
  repo: RepoRef,
  input: FindArtifactBaselineInput,
  options: ArtifactOptions,
): Promise<BaselineLookup> {
  const workflowId = /^\d+$/.test(input.workflow) ? Number(input.workflow) : input.workflow;
  const listRuns = async (headSha?: string): Promise<RunSummary[] | undefined> => {
    try {
      const { data } = await octokit.rest.actions.listWorkflowRuns({
        ...repo,
        workflow_id: workflowId,
        branch: input.branch,
        status: 'success',
        exclude_pull_requests: true,
        per_page: Math.min(100, options.maxRuns),
        ...(headSha ? { head_sha: headSha } : {}),
      });
      return data.workflow_runs;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };

  let reason: 'merge-base' | 'latest-for-branch' = 'latest-for-branch';
  let runs = input.mergeBase ? await listRuns(input.mergeBase) : [];
  if (runs === undefined) return workflowMissing(input, repo);
  if (runs.length > 0) reason = 'merge-base';
  else runs = await listRuns();
  if (runs === undefined) return workflowMissing(input, repo);
  if (runs.length === 0) {
    return {
      found: false,
      reason: 'no-successful-run',
      detail: `no baseline yet: no successful run of ${input.workflow} on ${input.branch}`,
    };
  }
  for (const run of runs.slice(0, options.maxRuns)) {
    const { data } = await octokit.rest.actions.listWorkflowRunArtifacts({
      ...repo,
      run_id: run.id,
      name: input.artifactName,
      per_page: 100,
    });
    const artifact = data.artifacts.find((a) => a.name === input.artifactName && !a.expired);
    if (!artifact) continue;
    const download = await octokit.rest.actions.downloadArtifact({
      ...repo,
      artifact_id: artifact.id,
      archive_format: 'zip',
    });
    const files = unzipArtifact(
      new Uint8Array(download.data as ArrayBuffer),
      options.maxUnpackedBytes,
    );
    const mergeBaseMissed = input.mergeBase !== undefined && reason === 'latest-for-branch';
    return {
      found: true,
      source: 'artifact',
      sha: run.head_sha,
      branch: run.head_branch ?? input.branch,
      reason,
      detail:
        reason === 'merge-base'
          ? `artifact "${input.artifactName}" of run ${run.id} at the merge base ${shortSha(run.head_sha)}`
          : `${mergeBaseMissed ? `no run at the merge base ${shortSha(input.mergeBase!)}; ` : ''}artifact "${input.artifactName}" of the newest successful run ${run.id} on ${input.branch} (${shortSha(run.head_sha)})`,
      files,
      runId: run.id,
      storedAt: run.created_at,
    };
  }
  return {
    found: false,
    reason: 'no-artifact',
    detail: `no baseline yet: the last ${Math.min(runs.length, options.maxRuns)} successful runs of ${input.workflow} on ${input.branch} have no unexpired artifact "${input.artifactName}"`,
  };
}

function workflowMissing(input: FindArtifactBaselineInput, repo: RepoRef): BaselineLookup {
  return {
    found: false,
    reason: 'no-successful-run',
    detail: `the workflow ${input.workflow} was not found in ${repo.owner}/${repo.repo}`,
  };
}

/**
 * Unpack a zip in memory. Entries whose names would escape a folder (absolute, `..`, backslash)
 * are dropped: the caller may write these files to disk.
 */
export function unzipArtifact(zip: Uint8Array, maxUnpackedBytes: number): Map<string, Uint8Array> {
  let total = 0;
  const unpacked = unzipSync(zip, {
    filter: (file) => {
      if (file.name.endsWith('/')) return false;
      total += file.originalSize;
      if (total > maxUnpackedBytes) {
        throw new Error(`artifact unpacks to more than ${maxUnpackedBytes} bytes; refusing it`);
      }
      return isPlainRelative(file.name);
    },
  });
  return new Map(Object.entries(unpacked));
}

function isPlainRelative(name: string): boolean {
  if (name.startsWith('/') || name.includes('\\') || name.includes('\0')) return false;
  return name.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}
