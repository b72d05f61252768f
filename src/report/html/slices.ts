/**
 * Slices: a sortable, filterable table of every slice with both models' metric, the delta, its
 * interval and the adjusted p, and a chart of the per-slice deltas with intervals, worst first.
 * Sorting and filtering are done by the page script (script.ts) on `data-v` values.
 */
import type { SliceReport } from '../../suites/regression/schema.js';
import { deltaParts, deltaSignificant } from '../markdown.js';
import type { Report } from '../schema.js';
import { taskOfReport } from '../../tasks/registry.js';
import { testedMetricOf } from '../../tasks/task.js';
import { escapeHtmlText as esc, escapeShort } from './escape.js';
import {
  deltaHtml,
  deltaTick,
  formatMetric,
  intervalText,
  pHtml,
  type MetricStyle,
} from './format.js';
import { intervalChart, type IntervalRow } from './svg.js';
import { pill } from './summary.js';
import type { HtmlLimits } from './types.js';

/** A numeric sort key for a cell ('' sorts last). */
const key = (v: number | null | undefined) =>
  v === null || v === undefined || !Number.isFinite(v) ? '' : String(v);

function row(s: SliceReport, metric: string, style: MetricStyle, outcomeMetric: string): string {
  const iv = s.stats?.intervals[metric];
  const d = s.delta?.[metric];
  return (
    `<tr data-kind="${esc(s.kind)}" data-status="${esc(s.status)}">` +
    `<td data-v="${esc(s.status)}">${pill(s.status)}${s.newlyFailing ? ` ${pill('new')}` : ''}</td>` +
    `<td class="slice" data-v="${esc(s.key)}">${escapeShort(s.key, 120)}</td>` +
    `<td data-v="${esc(s.kind)}">${esc(s.kind)}</td>` +
    `<td class="num" data-v="${s.n}">${s.n}</td>` +
    `<td class="num" data-v="${key(s.baseline?.[metric])}">${formatMetric(metric, s.baseline?.[metric], style)}</td>` +
    `<td class="num" data-v="${key(s.candidate[metric])}">${formatMetric(metric, s.candidate[metric], style)}</td>` +
    `<td class="num" data-v="${key(d)}">${deltaHtml(metric, d, style, deltaSignificant(s.stats, metric, outcomeMetric))}</td>` +
    `<td class="num" data-v="${key(iv?.lower)}">${esc(intervalText(metric, iv, style))}</td>` +
    `<td class="num" data-v="${key(s.stats?.pAdjusted)}">${pHtml(s.stats)}</td></tr>`
  );
}

/** Rows of the delta chart: slices with a delta, worst first (largest increase for ECE-like). */
export function chartRows(
  slices: readonly SliceReport[],
  metric: string,
  style: MetricStyle,
): IntervalRow[] {
  const sign = style.lowerIsBetter(metric) ? -1 : 1;
  return slices
    .filter((s) => s.delta?.[metric] != null && Number.isFinite(s.delta[metric]))
    .sort((a, b) => sign * (a.delta![metric]! - b.delta![metric]!) || a.key.localeCompare(b.key))
    .map((s) => {
      const d = s.delta![metric]!;
      const iv = s.stats?.intervals[metric];
      const worse = sign * d < 0 && s.stats?.significant === true;
      return {
        label: s.key,
        value: d,
        ...(iv ? { lower: iv.lower, upper: iv.upper } : {}),
        worse,
        title: `${s.key}: ${formatMetric(metric, s.baseline?.[metric], style)} → ${formatMetric(metric, s.candidate[metric], style)}, Δ ${deltaParts(metric, d, style).text}, interval ${intervalText(metric, iv, style) || 'none'}, n = ${s.n}${s.stats?.significant ? ', significant' : ''}`,
      };
    });
}

/** The slices section. */
export function renderSlices(
  report: Report,
  metric: string,
  style: MetricStyle,
  confidence: number,
  limits: HtmlLimits,
): string {
  const slices = report.slices;
  const out: string[] = [
    '<section id="slices" aria-labelledby="h-slices"><h2 id="h-slices">Slices</h2>',
  ];
  if (slices.length === 0) {
    out.push('<p>No slices (no metadata columns, classes or discovered slices).</p></section>');
    return out.join('\n');
  }
  const rows = chartRows(slices, metric, style);
  if (rows.length > 0) {
    const shown = rows.slice(0, limits.chartRows);
    const ci = Math.round(confidence * 100);
    out.push(
      `<h3>Δ ${esc(metric)} per slice, worst first, with ${ci}% paired bootstrap intervals</h3>`,
      `<figure class="chartbox">${intervalChart(shown, {
        format: deltaTick(metric, style),
        axisLabel: `Δ ${metric} (${style.isRate(metric) ? 'percentage points, candidate − baseline' : 'candidate − baseline'})`,
      })}<figcaption><span class="key worse"></span> significantly worse (Benjamini-Hochberg) <span class="key neutral"></span> other</figcaption></figure>`,
    );
    if (rows.length > shown.length)
      out.push(
        `<p class="more">${rows.length - shown.length} more slices with a delta are in the table below.</p>`,
      );
  }
  const shown = slices.slice(0, limits.sliceRows);
  const outcomeMetric = testedMetricOf(taskOfReport(report));
  const kinds = [...new Set(slices.map((s) => s.kind))];
  out.push(
    `<div class="filters" role="search"><label>Filter slices <input type="search" id="slice-filter" placeholder="e.g. lighting" aria-controls="slice-table"></label>` +
      ` <label>Kind <select id="slice-kind" aria-controls="slice-table"><option value="">all</option>${kinds.map((k) => `<option>${esc(k)}</option>`).join('')}</select></label>` +
      ` <span id="slice-count" class="muted" aria-live="polite">${shown.length} of ${slices.length} slices</span></div>`,
    `<table id="slice-table" class="sortable"><thead><tr>` +
      [
        'Status',
        'Slice',
        'Kind',
        'n',
        `Baseline ${metric}`,
        `Candidate ${metric}`,
        'Δ',
        `Interval [${Math.round(confidence * 100)}% CI]`,
        'p (adj.)',
      ]
        .map(
          (h, i) =>
            `<th scope="col" aria-sort="none"><button type="button" data-col="${i}" data-type="${i === 1 || i === 2 || i === 0 ? 'text' : 'num'}">${esc(h)}</button></th>`,
        )
        .join('') +
      `</tr></thead><tbody>${shown.map((s) => row(s, metric, style, outcomeMetric)).join('')}</tbody></table>`,
  );
  if (slices.length > shown.length)
    out.push(`<p class="more">${slices.length - shown.length} more slices are in report.json.</p>`);
  out.push('</section>');
  return out.join('\n');
}
