/**
 * Uploading the output folder (report.html, report.json, report.md, records) as a workflow
 * artifact, so anyone can open report.html from the run page and the PR comment can link it.
 *
 * Artifacts do not go through the REST API: `@actions/artifact` talks to GitHub's results
 * service (Twirp JSON at ACTIONS_RESULTS_URL, authorised by the job's ACTIONS_RUNTIME_TOKEN) and
 * to the blob storage URL that service signs. The runner sets both variables for every job,
 * fork pull requests included, so the upload needs no github-token. The link is the artifact's
 * page, `{server}/{owner}/{repo}/actions/runs/{run_id}/artifacts/{artifact_id}`.
 */
import { DefaultArtifactClient } from '@actions/artifact';

/** What an upload needs: the artifact name, the folder and the files in it to upload. */
export interface ArtifactUploadInput {
  name: string;
  rootDirectory: string;
  files: string[];
  retentionDays?: number;
}

export interface ArtifactUploadResult {
  id: number;
  size: number;
}

/** The upload behind an interface named by intent, like the GitHubPort (tests drive the real one). */
export interface ArtifactPort {
  uploadArtifact(input: ArtifactUploadInput): Promise<ArtifactUploadResult>;
}

/**
 * The port over `@actions/artifact`, or undefined (with the reason) outside a runner that
 * provides the results service.
 */
export function createArtifactPort(
  env: NodeJS.ProcessEnv = process.env,
): { port: ArtifactPort } | { port: undefined; reason: string } {
  if (!env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL)
    return {
      port: undefined,
      reason: 'ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL are not set (not a GitHub Actions job)',
    };
  const client = new DefaultArtifactClient();
  return {
    port: {
      async uploadArtifact(input) {
        const r = await client.uploadArtifact(input.name, input.files, input.rootDirectory, {
          ...(input.retentionDays ? { retentionDays: input.retentionDays } : {}),
        });
        if (r.id === undefined) throw new Error('the results service returned no artifact id');
        return { id: r.id, size: r.size ?? 0 };
      },
    },
  };
}

/** The web page of an uploaded artifact (the PR comment, check run and job summary link it). */
function artifactPageUrl(
  server: string,
  repository: string,
  runId: string,
  artifactId: number,
): string {
  return `${server.replace(/\/+$/, '')}/${repository}/actions/runs/${runId}/artifacts/${artifactId}`;
}

export interface ReportArtifactInput {
  name: string;
  /** The output folder; every regular file directly in it is uploaded. */
  dir: string;
  files: string[];
  /** GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_RUN_ID, for the link. */
  server: string;
  repository: string;
  runId: string;
}

export interface ReportArtifactResult {
  /** The artifact's page, when uploaded. */
  url?: string;
  notices: string[];
  warnings: string[];
}

/**
 * Upload the output folder and return the artifact page's URL. Never throws: a failed upload is a
 * warning (the files are still on disk and in the job summary), like every GitHub step.
 */
export async function uploadReportArtifact(
  port: ArtifactPort,
  input: ReportArtifactInput,
): Promise<ReportArtifactResult> {
  try {
    const r = await port.uploadArtifact({
      name: input.name,
      rootDirectory: input.dir,
      files: input.files,
    });
    return {
      url: artifactPageUrl(input.server, input.repository, input.runId, r.id),
      notices: [`Uploaded the output folder as artifact "${input.name}" (${r.size} bytes).`],
      warnings: [],
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      notices: [],
      warnings: [
        `Could not upload the output folder as artifact "${input.name}": ${message}. report.html and the other files are in ${input.dir}.`,
      ],
    };
  }
}
