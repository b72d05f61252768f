/**
 * A real Octokit-backed GitHubPort pointed at the fake, with retry and throttling delays cut to
 * milliseconds (the production code paths stay the same: only the time units change).
 */
import { createGitHubPort, type OctokitGitHub } from '../../../src/github/index.js';
import type { FakeGitHub } from './server.js';

export function fakePort(
  fake: FakeGitHub,
  repo: { owner: string; repo: string },
  options: { token?: string; retries?: number; warnings?: string[] } = {},
): OctokitGitHub {
  const warnings = options.warnings ?? [];
  return createGitHubPort({
    token: options.token ?? 'ghs_fake_token',
    baseUrl: fake.url,
    repo,
    retries: options.retries ?? 3,
    retryDelayMs: 1,
    retryAfterUnitMs: 1,
    writeSpacingMs: { writes: 0, notifications: 0 },
    storeBackoffMs: 1,
    log: { debug: () => {}, info: () => {}, warn: (m) => warnings.push(m) },
  });
}
