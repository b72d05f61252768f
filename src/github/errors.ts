/**
 * Reading Octokit failures. Octokit throws `RequestError` (status + response); network failures
 * are plain errors. We only need a few distinctions: a 403 that means "this token may not write
 * here" (fork PRs, missing `checks: write`), a 404, a 422 validation answer, and everything else.
 */
import { describeError } from '../errors.js';

export interface GitHubFailure {
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  /** GitHub's message (`response.data.message`) or the error's message. */
  message: string;
}

export function failureOf(error: unknown): GitHubFailure {
  const e = error as { status?: unknown; response?: { data?: unknown } } | undefined;
  const status = typeof e?.status === 'number' ? e.status : 0;
  const data = e?.response?.data as { message?: unknown } | undefined;
  const message = typeof data?.message === 'string' ? data.message : describeError(error);
  return { status, message };
}

/**
 * True for "the token may not do this": a 403 that is not a rate limit. GitHub answers
 * "Resource not accessible by integration" to read-only GITHUB_TOKENs (fork PRs, Dependabot)
 * and to tokens without the needed scope (`checks: write`, `pull-requests: write`, ...).
 */
export function isPermissionDenied(error: unknown): boolean {
  const { status, message } = failureOf(error);
  return status === 403 && !/rate limit/i.test(message);
}

export function isNotFound(error: unknown): boolean {
  return failureOf(error).status === 404;
}

export function isValidationFailure(error: unknown): boolean {
  return failureOf(error).status === 422;
}

/** One line for a warning: `GitHub answered 502 (Server Error)`. */
export function describeFailure(error: unknown): string {
  const { status, message } = failureOf(error);
  return status === 0 ? message : `GitHub answered ${status} (${message})`;
}
