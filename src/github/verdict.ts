/**
 * How a VisionGate verdict shows on GitHub. Decisions (documented in docs/github.md):
 * - pass → `success`; fail → `failure`.
 * - warn → `neutral`: it satisfies a required check (GitHub treats neutral like success for
 *   branch protection) but shows grey, so reviewers see that something wants a look.
 * - informational mode never blocks: pass → `success`, warn and fail → `neutral`.
 * Commit statuses have no neutral: warn (and informational fail) → `success` with the verdict
 * spelled out in the description.
 */
import type { Level } from '../types.js';
import type { CheckConclusion, CommitState } from './port.js';

export function checkConclusion(verdict: Level, informational: boolean): CheckConclusion {
  if (verdict === 'pass') return 'success';
  if (verdict === 'warn' || informational) return 'neutral';
  return 'failure';
}

export function commitState(verdict: Level, informational: boolean): CommitState {
  return verdict === 'fail' && !informational ? 'failure' : 'success';
}

/** Default one-line title when the caller gives none. */
export function defaultTitle(verdict: Level, informational: boolean): string {
  const word =
    verdict === 'pass' ? 'passed' : verdict === 'warn' ? 'passed with warnings' : 'failed';
  return `VisionGate ${word}${informational && verdict !== 'pass' ? ' (informational)' : ''}`;
}

/** Shorten to `max` characters with an ellipsis, never splitting a surrogate pair. */
export function shorten(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (oneLine.length <= max) return oneLine;
  let cut = oneLine.slice(0, Math.max(0, max - 1));
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}…`;
}
