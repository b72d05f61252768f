/**
 * The Octokit client: @actions/github's `getOctokit` (REST methods, pagination, proxy support)
 * plus plugin-retry (backoff on 5xx) and plugin-throttling (waits out secondary rate limits with
 * GitHub's `retry-after`, spaces writes as GitHub asks of content-creating integrations).
 * Delays are configurable so tests against the fake server take milliseconds.
 */
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck/light.js';

export type Octokit = ReturnType<typeof getOctokit>;

export interface ClientLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

export interface ClientOptions {
  /** GITHUB_TOKEN or another token. The caller masks it with `core.setSecret` first. */
  token: string;
  /** REST API root; default `GITHUB_API_URL`, else https://api.github.com (GHES sets it). */
  baseUrl?: string;
  /** Retries after a 5xx / network error or a rate limit (default 3). */
  retries?: number;
  /** Unit of the retry backoff (plugin-retry waits (n+1)² units; default 1000 ms). */
  retryDelayMs?: number;
  /** Unit of GitHub's `retry-after` header (seconds on GitHub; default 1000 ms). */
  retryAfterUnitMs?: number;
  /** Give up instead of waiting longer than this for a rate limit (default 300 s). */
  maxRateLimitWaitSeconds?: number;
  /**
   * Minimum spacing of writes and of notification-triggering writes (comments, issues).
   * Default: plugin-throttling's 1 s / 3 s, shared by every client in the process.
   */
  writeSpacingMs?: { writes: number; notifications: number };
  log?: ClientLog;
  userAgent?: string;
}

const silent: ClientLog = { debug: () => {}, info: () => {}, warn: () => {} };

/** Build the one Octokit instance the adapter uses. */
export function createOctokit(options: ClientOptions): Octokit {
  const log = options.log ?? silent;
  const retries = options.retries ?? 3;
  const maxWait = options.maxRateLimitWaitSeconds ?? 300;
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      request: { method?: string; url?: string },
      _octokit: unknown,
      retryCount: number,
    ) => {
      const what = `${request.method ?? ''} ${request.url ?? ''}`.trim();
      if (retryCount < retries && retryAfter <= maxWait) {
        log.warn(`GitHub ${kind} hit for ${what}; retrying after ${retryAfter} s`);
        return true;
      }
      log.warn(`GitHub ${kind} hit for ${what}; giving up after ${retryCount} retries`);
      return false;
    };
  const groups =
    options.writeSpacingMs === undefined
      ? {}
      : {
          // Per-client groups: the plugin's defaults are module-global and 1 s / 3 s apart.
          global: new Bottleneck.Group({ maxConcurrent: 10 }),
          auth: new Bottleneck.Group({ maxConcurrent: 1 }),
          search: new Bottleneck.Group({ maxConcurrent: 1 }),
          write: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.writeSpacingMs.writes }),
          notifications: new Bottleneck.Group({
            maxConcurrent: 1,
            minTime: options.writeSpacingMs.notifications,
          }),
        };
  return getOctokit(
    options.token,
    {
      baseUrl: options.baseUrl ?? process.env['GITHUB_API_URL'] ?? 'https://api.github.com',
      ...(options.userAgent ? { userAgent: options.userAgent } : {}),
      log: {
        debug: (m: string) => log.debug(m),
        info: (m: string) => log.info(m),
        warn: (m: string) => log.warn(m),
        error: (m: string) => log.warn(m),
      },
      retry: {
        retries,
        retryAfterBaseValue: options.retryDelayMs ?? 1000,
        // 403/422 etc. are answers, not outages; rate-limit 403s are plugin-throttling's.
        doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451],
      },
      throttle: {
        onRateLimit: onLimit('rate limit'),
        onSecondaryRateLimit: onLimit('secondary rate limit'),
        retryAfterBaseValue: options.retryAfterUnitMs ?? 1000,
        ...groups,
      },
    },
    retry,
    throttling,
  );
}
