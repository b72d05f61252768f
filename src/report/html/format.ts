/**
 * Numbers as report.html shows them: the markdown renderer's formatting (so the comment and
 * the page never print different numbers), as HTML with classes instead of emphasis and emoji.
 */
import type { PairedStats } from '../../analysis/significance.js';
import { deltaParts, formatInterval, formatMetric, type MetricStyle } from '../markdown.js';
import { escapeHtmlText as esc } from './escape.js';

export { formatMetric, type MetricStyle };

/** A delta as `<span class="delta worse">−17.2 pp</span>`, '–' when absent. */
export function deltaHtml(
  metric: string,
  d: number | null | undefined,
  style: MetricStyle,
  significant?: boolean,
): string {
  if (d === null || d === undefined) return '–';
  const { text, direction } = deltaParts(metric, d, style);
  // Colour and weight only on a significant change, as the comment marks only those.
  return significant === true
    ? `<span class="delta ${direction}">${esc(text)}</span>`
    : `<span class="delta">${esc(text)}</span>`;
}

/** The interval of a delta, `[−22.6, −11.8]`, in the delta's units; '' when absent. */
export function intervalText(
  metric: string,
  iv: { lower: number; upper: number } | undefined,
  style: MetricStyle,
): string {
  return formatInterval(metric, iv, style).trim();
}

/** A target's adjusted p (its task's paired test) with a significance mark, '–' when absent. */
export function pHtml(s: PairedStats | undefined): string {
  if (!s || s.pAdjusted === undefined) return '–';
  const p = s.pAdjusted < 0.001 ? '<0.001' : s.pAdjusted.toFixed(3);
  return s.significant
    ? `<strong class="sig" title="significant after Benjamini-Hochberg">${esc(p)} ✱</strong>`
    : esc(p);
}

/** Axis tick text for a delta axis: percentage points for rates, raw units otherwise. */
export function deltaTick(metric: string, style: MetricStyle): (x: number) => string {
  return style.isRate(metric)
    ? (x) => `${Number((x * 100).toFixed(1))}`.replace('-', '−')
    : (x) => x.toFixed(3).replace('-', '−');
}

/** A rate in percent with one decimal, '–' when not finite (robustness numbers). */
export const pct = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(1)}%`;
