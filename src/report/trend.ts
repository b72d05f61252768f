import { markdownTable } from 'markdown-table';
import { SUITE_TREND_METRICS, suiteTrendMetrics } from '../suites/registry.js';
import { taskOfReport } from '../tasks/registry.js';
import { escapeMarkdown as esc } from '../text/escape.js';
import type { Report } from './schema.js';

/** One stored run, as the baseline history records it. */
export interface TrendEntry {
  sha: string;
  storedAt: string;
  verdict?: string;
  metrics: Record<string, number>;
}

/** Which metrics the trend shows and how (the task's and the suites' trend metrics). */
export interface TrendStyle {
  /** Metric columns, in order; a metric no stored run has is left out. */
  metrics: readonly string[];
  /** The metric of the chart (the task's headline metric). */
  chart: string;
  isRate: (metric: string) => boolean;
}

/**
 * The trend of headline metrics over the stored runs of a branch, this run last: a table of the
 * most recent runs, the change since the previous stored run, and a mermaid line chart of the
 * task's headline metric. Pure: the history comes from the baseline store.
 */
export function renderTrend(
  history: readonly TrendEntry[],
  current: TrendEntry,
  style: TrendStyle,
  maxRows = 10,
): string {
  const { isRate } = style;
  const fmt = (m: string, v: number | undefined) =>
    v === undefined || !Number.isFinite(v)
      ? '–'
      : isRate(m)
        ? `${(v * 100).toFixed(1)}%`
        : v.toFixed(4);
  // The summary is written before this run is stored, so the history never holds it yet.
  const runs = [...history, current];
  if (runs.length < 2) return '';
  const shown = runs.slice(-maxRows);
  const metrics = style.metrics.filter((m) => runs.some((r) => r.metrics[m] !== undefined));
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
  const chart = style.chart;
  const values = shown.map((r) => r.metrics[chart]);
  if (values.every((a) => a !== undefined && Number.isFinite(a))) {
    const rate = isRate(chart);
    const unit = rate ? ' (%)' : '';
    out.push(
      [
        '```mermaid',
        'xychart-beta',
        `  title "${chart.charAt(0).toUpperCase()}${chart.slice(1)} over stored runs${unit}"`,
        `  x-axis [${shown.map((_, i) => (i === shown.length - 1 ? '"now"' : `"${i + 1}"`)).join(', ')}]`,
        `  y-axis "${chart}${unit}"`,
        `  line [${values.map((a) => (rate ? (a! * 100).toFixed(1) : a!.toFixed(4))).join(', ')}]`,
        '```',
      ].join('\n'),
    );
  }
  return out.join('\n\n');
}

/** How a report's trend is shown: the task's trend metrics, then the suites'. */
export function trendStyle(report: Report): TrendStyle {
  const { presentation } = taskOfReport(report);
  return {
    metrics: [...presentation.trend, ...SUITE_TREND_METRICS],
    chart: presentation.headline,
    isRate: presentation.isRate,
  };
}

/** The numbers a report adds to the baseline history: every overall metric and the suites'. */
export function historyMetrics(report: Report): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(report.overall.candidate))
    if (typeof v === 'number') out[k] = v;
  return { ...out, ...suiteTrendMetrics(report.suites) };
}
