/** The top of the page: verdict, models, headline metrics with intervals, gates and why. */
import type { GateResult } from '../../gates/result.js';
import { groupByRule } from '../../gates/verdict.js';
import { deltaSignificant, headlineMetrics, verdictWord } from '../markdown.js';
import { taskOfReport } from '../../tasks/registry.js';
import { testedMetricOf } from '../../tasks/task.js';
import type { Report } from '../schema.js';
import { escapeHtmlText as esc, escapeShort } from './escape.js';
import { deltaHtml, formatMetric, intervalText, type MetricStyle } from './format.js';

const STATUS_TEXT = { pass: 'pass', warn: 'warn', fail: 'fail', skipped: 'skipped' } as const;

/** A status pill: colour plus a word, never colour alone. */
export const pill = (status: string): string =>
  `<span class="pill ${esc(status)}">${esc(status)}</span>`;

function modelLine(report: Report): string {
  const cand = report.models.candidate;
  const base = report.models.baseline;
  const file = (p: string | undefined, d: string) => (p ? p.split('/').pop()! : d);
  const baseText =
    report.comparison.baseline === 'none'
      ? 'no baseline: absolute gates only'
      : base?.source === 'stored'
        ? `stored baseline${base.stored?.commit ? ` from commit <code>${esc(base.stored.commit.slice(0, 12))}</code>` : ''}${base.stored?.ref ? ` (${escapeShort(base.stored.ref, 60)})` : ''}${base.stored?.how ? `: ${escapeShort(base.stored.how, 200)}` : ''}`
        : `baseline model <code>${escapeShort(file(base?.path, 'baseline'), 80)}</code>`;
  const paired =
    report.comparison.baseline !== 'none' ? ` · ${report.comparison.paired} paired` : '';
  return `Candidate <code>${escapeShort(file(cand.path, 'model'), 80)}</code> vs ${baseText} · ${report.dataset.evaluated} examples · ${report.dataset.classes.length} classes${paired}`;
}

function gateRow(gs: GateResult[]): string {
  const g = gs[0]!;
  const target =
    gs.length === 1
      ? g.target === 'overall'
        ? 'overall'
        : escapeShort(g.target, 80)
      : `${gs.length} ${g.kind === 'pinned' ? 'pinned cases' : 'targets'}: ${gs
          .slice(0, 3)
          .map((x) => escapeShort(x.target, 50))
          .join(', ')}${gs.length > 3 ? ` and ${gs.length - 3} more` : ''}`;
  return `<tr><td>${pill(STATUS_TEXT[g.status])}</td><td>${esc(g.rule)}</td><td>${target}</td><td>${escapeShort(g.reason, 240)}</td></tr>`;
}

/** The findings, as the comment opens with them: slices that got worse than the rest of the data. */
function findings(report: Report, metric: string, style: MetricStyle): string[] {
  if (report.comparison.baseline === 'none') return [];
  const byKey = new Map(report.slices.map((s) => [s.key, s]));
  const found = report.findings.flatMap((k) => byKey.get(k) ?? []);
  if (found.length === 0) return [];
  const items = found.map((s) => {
    const rest = s.excess?.restChange;
    return `<li><span class="slice">${escapeShort(s.key, 100)}</span>: ${esc(metric)} ${deltaHtml(metric, s.delta?.[metric], style, true)} (n = ${s.n}) while the rest of the data moved ${rest === null || rest === undefined ? '–' : deltaHtml(metric, rest, style)}; p (adj.) ${esc(s.excess ? s.excess.pAdjusted.toPrecision(2) : '–')}</li>`;
  });
  return [
    `<h3 id="findings">${found.length === 1 ? '1 slice got' : `${found.length} slices got`} worse than the rest of the data</h3>`,
    `<ul class="findings">${items.join('')}</ul>`,
  ];
}

/** Header and summary section. `confidence` labels the intervals (config statistics.confidence). */
export function renderSummary(
  report: Report,
  style: MetricStyle,
  confidence: number,
): { header: string; section: string } {
  const header = [
    `<header class="verdict ${report.verdict}"><h1>${pill(report.verdict)} VisionGate · ${escapeShort(report.name, 64)}: ${verdictWord[report.verdict]}</h1>`,
    `<p>${modelLine(report)}</p>`,
    `<p class="muted">Created ${esc(report.createdAt)} by VisionGate ${esc(report.tool.version)} · config <code>${escapeShort(report.config.file, 120)}</code></p></header>`,
  ].join('\n');
  const out: string[] = [];
  const metrics = headlineMetrics(report);
  const hasBase = report.overall.baseline !== undefined;
  const ci = report.overall.stats ? ` [${Math.round(confidence * 100)}% CI]` : '';
  const head = hasBase
    ? `<tr><th scope="col">Metric</th><th scope="col">Baseline</th><th scope="col">Candidate</th><th scope="col">Δ</th><th scope="col">Interval${esc(ci)}</th></tr>`
    : '<tr><th scope="col">Metric</th><th scope="col">Candidate</th></tr>';
  const outcome = testedMetricOf(taskOfReport(report));
  const sig = (m: string) => deltaSignificant(report.overall.stats, m, outcome);
  const rows = metrics.map((m) =>
    hasBase
      ? `<tr><th scope="row">${esc(m)}</th><td class="num">${formatMetric(m, report.overall.baseline?.[m], style)}</td><td class="num">${formatMetric(m, report.overall.candidate[m], style)}</td><td class="num">${deltaHtml(m, report.overall.delta?.[m], style, sig(m))}</td><td class="num">${esc(intervalText(m, report.overall.stats?.intervals[m], style))}</td></tr>`
      : `<tr><th scope="row">${esc(m)}</th><td class="num">${formatMetric(m, report.overall.candidate[m], style)}</td></tr>`,
  );
  out.push(
    '<section id="summary" aria-labelledby="h-summary"><h2 id="h-summary">Summary</h2>',
    `<table class="metrics"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`,
    ...findings(report, outcome, style),
  );
  const failed = report.gates.filter((g) => g.status === 'fail');
  const warned = report.gates.filter((g) => g.status === 'warn');
  const problems = groupByRule([...failed, ...warned]);
  if (problems.length > 0) {
    out.push(
      `<h3>Gate rules: ${groupByRule(failed).length} failed, ${groupByRule(warned).length} warning${groupByRule(warned).length === 1 ? '' : 's'}</h3>`,
      `<table class="gates"><thead><tr><th scope="col">Status</th><th scope="col">Rule</th><th scope="col">Target</th><th scope="col">Why</th></tr></thead><tbody>${problems.map(gateRow).join('')}</tbody></table>`,
    );
  } else if (report.gates.length > 0) {
    out.push(
      `<p>All ${report.gates.filter((g) => g.status !== 'skipped').length} gate checks passed.</p>`,
    );
  }
  if (report.gates.length > 0) {
    out.push(
      `<details><summary>Every gate check (${report.gates.length})</summary><table class="gates"><thead><tr><th scope="col">Status</th><th scope="col">Rule</th><th scope="col">Target</th><th scope="col">Why</th></tr></thead><tbody>${report.gates.map((g) => gateRow([g])).join('')}</tbody></table></details>`,
    );
  }
  const notes = [...report.notices];
  if (report.comparison.changed.length > 0)
    notes.push(
      `${report.comparison.changed.length} example(s) changed since the baseline (different image bytes) and were not compared.`,
    );
  if (report.unreadable.length > 0)
    notes.push(`${report.unreadable.length} image(s) could not be read and were skipped.`);
  if (notes.length > 0)
    out.push(`<ul class="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
  out.push('</section>');
  return { header, section: out.join('\n') };
}
