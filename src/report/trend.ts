import { markdownTable } from 'markdown-table';
import { escapeMarkdown as esc } from '../markdown/escape.js';

/** One stored run, as the baseline history records it. */
export interface TrendEntry {
  sha: string;
  storedAt: string;
  verdict?: string;
  metrics: Record<string, number>;
}

const SHOWN = ['accuracy', 'macro_f1', 'ece', 'corrupted_accuracy'] as const;
const isRate = (m: string) => m !== 'ece' && m !== 'brier';
const fmt = (m: string, v: number | undefined) =>
  v === undefined || !Number.isFinite(v)
    ? '–'
    : isRate(m)
      ? `${(v * 100).toFixed(1)}%`
      : v.toFixed(4);

/**
 * The trend of headline metrics over the stored runs of a branch, this run last: a table of the
 * most recent runs, the change since the previous stored run, and a mermaid line chart of
 * accuracy. Pure: the history comes from the baseline store.
 */
export function renderTrend(
  history: readonly TrendEntry[],
  current: TrendEntry,
  maxRows = 10,
): string {
  // The summary is written before this run is stored, so the history never holds it yet.
  const runs = [...history, current];
  if (runs.length < 2) return '';
  const shown = runs.slice(-maxRows);
  const metrics = SHOWN.filter((m) => runs.some((r) => r.metrics[m] !== undefined));
  const out: string[] = [`### 📈 Trend over the last ${shown.length} stored runs`];
  const prev = runs[runs.length - 2]!;
  const changes = metrics
    .filter((m) => prev.metrics[m] !== undefined && current.metrics[m] !== undefined)
    .map((m) => {
      const d = current.metrics[m]! - prev.metrics[m]!;
      return `${m} ${isRate(m) ? `${d >= 0 ? '+' : '−'}${Math.abs(d * 100).toFixed(1)} pp` : `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(4)}`}`;
    });
  if (changes.length > 0)
    out.push(
      `Since the previous stored run (${esc(prev.sha.slice(0, 12))}, ${esc(prev.storedAt.slice(0, 10))}): ${changes.join(', ')}.`,
    );
  out.push(
    markdownTable([
      ['Run', 'Stored', 'Verdict', ...metrics],
      ...shown.map((r) => [
        r === current ? `**this run** (${esc(r.sha.slice(0, 12))})` : esc(r.sha.slice(0, 12)),
        esc(r.storedAt.slice(0, 16).replace('T', ' ')),
        esc(r.verdict ?? '–'),
        ...metrics.map((m) => fmt(m, r.metrics[m])),
      ]),
    ]),
  );
  const acc = shown.map((r) => r.metrics.accuracy);
  if (acc.every((a) => a !== undefined && Number.isFinite(a))) {
    out.push(
      [
        '```mermaid',
        'xychart-beta',
        '  title "Accuracy over stored runs (%)"',
        `  x-axis [${shown.map((_, i) => (i === shown.length - 1 ? '"now"' : `"${i + 1}"`)).join(', ')}]`,
        '  y-axis "accuracy (%)"',
        `  line [${acc.map((a) => (a! * 100).toFixed(1)).join(', ')}]`,
        '```',
      ].join('\n'),
    );
  }
  return out.join('\n\n');
}
