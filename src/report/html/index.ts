/**
 * report.html: one self-contained page rendered from report.json plus a few thumbnails. No
 * numbers of its own (every figure is report.json's, formatted like the PR comment), no network
 * (CSS, script and images inline; a Content-Security-Policy of `default-src 'none'` makes the
 * browser refuse any fetch), every untrusted string escaped.
 */
import { createHash } from 'node:crypto';
import type { DataSuiteResult } from '../../suites/data/index.js';
import type { RobustnessResult } from '../../suites/robustness/metrics.js';
import { taskOfReport } from '../../tasks/registry.js';
import { sliceMetric, verdictWord } from '../markdown.js';
import type { Report } from '../schema.js';
import { historyMetrics, trendStyle, type TrendEntry } from '../trend.js';
import { renderConfusion } from './confusion.js';
import { escapeHtmlText as esc, escapeShort } from './escape.js';
import { renderData } from './data.js';
import { renderExamples } from './examples.js';
import { renderHistory } from './history.js';
import { renderRobustness } from './robustness.js';
import { SCRIPT } from './script.js';
import { renderSlices } from './slices.js';
import { CSS } from './style.js';
import { renderSummary } from './summary.js';
import { DEFAULT_HTML_LIMITS, type HtmlAssets, type HtmlLimits } from './types.js';

export type { Box, CorruptionStrip, HtmlAssets, HtmlLimits, Thumbnail } from './types.js';
export { DEFAULT_HTML_LIMITS } from './types.js';
export { dataImageIds } from './data.js';

export interface HtmlOptions {
  /** Confidence of the intervals (config statistics.confidence). */
  confidence: number;
  limits?: Partial<HtmlLimits>;
}

/** The sections in page order: id and navigation title. Tests check every one is present. */
export const SECTIONS = [
  ['summary', 'Summary'],
  ['examples', 'Failing images'],
  ['slices', 'Slices'],
  ['confusion', 'Confusion'],
  ['robustness', 'Robustness'],
  ['data', 'Data'],
  ['history', 'History'],
] as const;

/** This run, as the history records it (the Action stores the same metrics). */
function currentEntry(report: Report): TrendEntry {
  return {
    sha: report.models.candidate.sha256?.slice(0, 12) ?? 'this run',
    storedAt: report.createdAt,
    verdict: report.verdict,
    metrics: historyMetrics(report),
  };
}

/** Render the whole page. Pure: the same report and assets give the same bytes. */
export function renderHtmlReport(report: Report, assets: HtmlAssets, options: HtmlOptions): string {
  const limits = { ...DEFAULT_HTML_LIMITS, ...options.limits };
  const task = taskOfReport(report);
  const style = task.presentation;
  const metric = sliceMetric(report, task);
  const body = [
    renderExamples(report, assets, metric, style, limits),
    renderSlices(report, metric, style, options.confidence, limits),
    renderConfusion(report, assets, limits),
    renderRobustness(report.suites.robustness as RobustnessResult | undefined, assets.strip),
    renderData(report.suites.data as DataSuiteResult | undefined, assets, limits),
    renderHistory(assets.history, currentEntry(report), trendStyle(report)),
  ];
  const summary = renderSummary(report, style, options.confidence);
  const scriptHash = createHash('sha256').update(SCRIPT).digest('base64');
  const csp = `default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; base-uri 'none'; form-action 'none'`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>VisionGate · ${escapeShort(report.name, 64)}: ${esc(verdictWord[report.verdict])}</title>`,
    `<style>${CSS}</style></head><body>`,
    summary.header,
    `<nav aria-label="Sections"><ul>${SECTIONS.map(([id, title]) => `<li><a href="#${id}">${title}</a></li>`).join('')}</ul></nav>`,
    '<main>',
    summary.section,
    ...body,
    '</main>',
    `<footer>report.html of VisionGate ${esc(report.tool.version)} · every number is from report.json (schema version ${report.schemaVersion}) in the same folder.</footer>`,
    `<script>${SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
