/**
 * Layout of the baseline store branch (pure: paths and the two index files).
 *
 * ```
 * <key>/<sha>/report.json       results of the default branch at <sha>
 * <key>/<sha>/records.jsonl     prediction records (per-example comparisons need them)
 * <key>/<sha>/…                 any further files the caller gives
 * <key>/latest.json             the newest stored entry (a BaselineEntry)
 * <key>/history.jsonl           one BaselineEntry per stored commit, oldest first
 * ```
 */

export const BASELINE_SCHEMA_VERSION = 1;

export interface BaselineEntry {
  schemaVersion: number;
  key: string;
  /** Commit the results belong to. */
  sha: string;
  /** Branch that commit was on when stored (PR lookups match their base branch). */
  branch: string;
  /** ISO time of the store. */
  storedAt: string;
  /** Folder on the store branch, `<key>/<sha>`. */
  path: string;
  files: string[];
  metrics: Record<string, number>;
  verdict?: string;
  runUrl?: string;
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** Throws unless `sha` is a full 40 (or 64) hex digit commit id: it becomes a folder name. */
export function assertCommitSha(sha: string): void {
  if (!SHA.test(sha)) throw new Error(`not a full commit SHA: ${JSON.stringify(sha)}`);
}

export function baselineDir(key: string, sha: string): string {
  return `${key}/${sha}`;
}

export function latestPath(key: string): string {
  return `${key}/latest.json`;
}

export function historyPath(key: string): string {
  return `${key}/history.jsonl`;
}

/**
 * A caller-given file path inside the baseline folder: relative, POSIX, no `.`/`..` segments,
 * no empty segments. Throws otherwise (it would escape the folder or collide).
 */
export function checkFilePath(path: string): string {
  const parts = path.split('/');
  const bad =
    path === '' ||
    path.includes('\\') ||
    path.includes('\0') ||
    parts.some((p) => p === '' || p === '.' || p === '..');
  if (bad)
    throw new Error(`baseline file path ${JSON.stringify(path)} is not a plain relative path`);
  return path;
}

export function serializeEntry(entry: BaselineEntry): string {
  return JSON.stringify(entry);
}

/** Parse one entry; undefined for anything malformed (a hand-edited store must not crash us). */
export function parseEntry(text: string): BaselineEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v['sha'] !== 'string' || !SHA.test(v['sha'])) return undefined;
  if (typeof v['branch'] !== 'string' || typeof v['key'] !== 'string') return undefined;
  const metrics: Record<string, number> = {};
  if (typeof v['metrics'] === 'object' && v['metrics'] !== null) {
    for (const [k, m] of Object.entries(v['metrics'] as Record<string, unknown>)) {
      if (typeof m === 'number' && Number.isFinite(m)) metrics[k] = m;
    }
  }
  return {
    schemaVersion: typeof v['schemaVersion'] === 'number' ? v['schemaVersion'] : 0,
    key: v['key'],
    sha: v['sha'],
    branch: v['branch'],
    storedAt: typeof v['storedAt'] === 'string' ? v['storedAt'] : '',
    path: typeof v['path'] === 'string' ? v['path'] : `${v['key']}/${v['sha']}`,
    files: Array.isArray(v['files'])
      ? v['files'].filter((f): f is string => typeof f === 'string')
      : [],
    metrics,
    ...(typeof v['verdict'] === 'string' ? { verdict: v['verdict'] } : {}),
    ...(typeof v['runUrl'] === 'string' ? { runUrl: v['runUrl'] } : {}),
  };
}

export function parseHistory(text: string): BaselineEntry[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(parseEntry)
    .filter((e): e is BaselineEntry => e !== undefined);
}

/** Append one line, keeping the file newline-terminated. */
export function appendHistory(text: string, entry: BaselineEntry): string {
  const base = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  return `${base}${serializeEntry(entry)}\n`;
}

/** The newest entry for `branch`: `latest` if it matches, else the last matching history line. */
export function newestForBranch(
  latest: BaselineEntry | undefined,
  history: BaselineEntry[],
  branch: string,
): BaselineEntry | undefined {
  if (latest && latest.branch === branch) return latest;
  for (let i = history.length - 1; i >= 0; i -= 1) {
    if (history[i]!.branch === branch) return history[i];
  }
  return undefined;
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}
