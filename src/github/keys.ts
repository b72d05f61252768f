/**
 * The config key names everything VisionGate leaves on GitHub: the hidden comment marker, the
 * check name, the tracking-issue marker and the baseline folder. Keys come from user config and
 * may hold anything (`-->`, `../`, newlines), so they are reduced to a safe form first.
 */
import { createHash } from 'node:crypto';

const SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * A key usable in an HTML comment, a check name and a path segment: `[A-Za-z0-9._-]`, starting
 * with a letter or digit, no `..`, at most 64 characters. Keys that are already safe are kept as
 * they are; others become a readable slug plus 10 hex digits of their sha256, so two different
 * unsafe keys never share a marker, and the same key always finds its comment again.
 */
export function safeKey(key: string): string {
  const trimmed = key.trim();
  if (trimmed === '') return 'default';
  if (SAFE.test(trimmed) && !trimmed.includes('..')) return trimmed;
  const hash = createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 10);
  const slug = trimmed
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 40)
    .replace(/[^A-Za-z0-9]+$/, '');
  return slug === '' ? `key-${hash}` : `${slug}-${hash}`;
}

/** Hidden marker of the sticky PR comment for a key. */
export function commentMarker(key: string): string {
  return `<!-- visiongate:${safeKey(key)} -->`;
}

/** Hidden marker of the nightly tracking issue for a key. */
export function nightlyMarker(key: string): string {
  return `<!-- visiongate-nightly:${safeKey(key)} -->`;
}

/** Name of the check run (and context of the fallback commit status) for a key. */
export function checkName(key: string, suite?: string): string {
  const base = `VisionGate (${safeKey(key)})`;
  return suite === undefined ? base : `${base} / ${safeKey(suite)}`;
}
