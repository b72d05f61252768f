import { markdownTable } from 'markdown-table';
import { groupByRule } from '../gates/verdict.js';
import { renderSuiteSections } from '../suites/registry.js';
import { taskOfReport } from '../tasks/registry.js';
import { testedMetricOf, type Task } from '../tasks/task.js';
import type { GateResult } from '../gates/result.js';
import type { SliceReport } from '../suites/regression/schema.js';
import type { Report } from './schema.js';
import { escapeMarkdown as esc } from '../text/escape.js';

/** How much detail to render; the GitHub side lowers these to fit a size limit. */
export interface MarkdownOptions {
  maxSlices: number;
  maxExamples: number;
  /** Include the collapsed detail sections (all slices, per class, pinned, notices). */
  details: boolean;
  /** Extra sections contributed by suites (robustness, data), already rendered and escaped. */
  sections?: string[];
  /** Confidence of the intervals shown (config statistics.confidence). */
  confidence?: number;
  /** Links appended at the end (run, artifact). Trusted. */
  footer?: string;
}

const ICON = { pass: '✅', warn: '⚠️', fail: '❌', skipped: '⏭️', ungated: '·' } as const;

/** How the task shows its metrics (tasks/task.ts, presentation). */
export type MetricStyle = Pick<Task['presentation'], 'isRate' | 'lowerIsBetter'>;

/** Rates as percentages, other metrics (calibration) as decimals. */
export function formatMetric(
  name: string,
  v: number | null | undefined,
  style: MetricStyle,
): string {
  if (v === null || v === undefined) return '–';
  if (!style.isRate(name)) return v.toFixed(4);
  return `${(v * 100).toFixed(1)}%`;
}

/**
 * A delta as plain text in percentage points (rates) or raw units, signed, and which way it
 * goes. Shared by the markdown and HTML renderers so both print the same number.
 */
export function deltaParts(
  name: string,
  d: number,
  style: MetricStyle,
): { text: string; direction: 'worse' | 'better' | 'same' } {
  const rate = style.isRate(name);
  const lower = style.lowerIsBetter(name);
  if (Math.abs(d) < 5e-5) return { text: rate ? '±0.0 pp' : '±0', direction: 'same' };
  const text = rate
    ? `${d >= 0 ? '+' : '−'}${Math.abs(d * 100).toFixed(1)} pp`
    : `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(4)}`;
  const worse = lower ? d > 1e-12 : d < -1e-12;
  const better = lower ? d < -1e-12 : d > 1e-12;
  return { text, direction: worse ? 'worse' : better ? 'better' : 'same' };
}

/**
 * Deltas in percentage points (rates) or raw units, signed; bold and 🔻 only on a significant
 * worsening (🔺 on a significant improvement): a drop within noise is not shouted.
 */
export function formatDelta(
  name: string,
  d: number | null | undefined,
  style: MetricStyle,
  significant?: boolean,
): string {
  if (d === null || d === undefined) return '–';
  const { text, direction } = deltaParts(name, d, style);
  if (significant !== true) return text;
  return direction === 'worse' ? `**${text}** 🔻` : direction === 'better' ? `${text} 🔺` : text;
}

/**
 * Is a delta significant? The task's tested metric by its BH-adjusted paired test (McNemar on
 * the outcome, or the task's permutation test), any other by its bootstrap interval excluding 0.
 */
export function deltaSignificant(
  stats: Pick<SliceReport, 'stats'>['stats'],
  metric: string,
  testedMetric: string,
): boolean {
  if (!stats) return false;
  if (metric === testedMetric) return stats.significant === true;
  const iv = stats.intervals[metric];
  return iv !== undefined && (iv.lower > 0 || iv.upper < 0);
}

/** A discovered slice's error rate is a rate whatever the task. */
const RATE: MetricStyle = { isRate: () => true, lowerIsBetter: () => true };

function table(rows: string[][], align?: ('l' | 'r' | 'c')[]): string {
  return markdownTable(rows, align ? { align } : {});
}

function details(summary: string, body: string, open = false): string {
  return `<details${open ? ' open' : ''}><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

/** The verdict in words, as the headline says it (also report.html's title). */
export const verdictWord = {
  pass: 'passed',
  warn: 'passed with warnings',
  fail: 'failed',
} as const;

/** The headline metrics shown in the top table, in order, where present. */
export function headlineMetrics(report: Report): string[] {
  const names = Object.keys(report.overall.candidate);
  const preferred = taskOfReport(report).presentation.summary;
  const gated = report.gates.filter((g) => g.target === 'overall').map((g) => g.metric);
  return [
    ...new Set([
      ...preferred.filter((n) => names.includes(n)),
      ...gated.filter((n) => names.includes(n)),
    ]),
  ];
}

/**
 * One row per failing rule: a rule that fails on many slices is one row naming how many and
 * the first few, not a wall of near-identical rows (the slices have their own table below).
 */
function gateRows(gates: GateResult[]): string[][] {
  return groupByRule(gates).map((gs) => {
    const g = gs[0]!;
    if (gs.length === 1) {
      return [
        ICON[g.status],
        esc(g.rule),
        g.target === 'overall' ? 'overall' : esc(g.target, 80),
        esc(g.reason, 200),
      ];
    }
    const what = g.kind === 'pinned' ? 'pinned cases' : 'slices';
    const names = gs
      .slice(0, 3)
      .map((x) => esc(x.target, 60))
      .join(', ');
    return [
      ICON[g.status],
      esc(g.rule),
      `${gs.length} ${what}`,
      `${names}${gs.length > 3 ? ` and ${gs.length - 3} more` : ''}; first: ${esc(g.reason, 160)}`,
    ];
  });
}

/** `[lo, hi]` of a delta's bootstrap interval, in the delta's units. */
export function formatInterval(
  name: string,
  iv: { lower: number; upper: number } | undefined,
  style: MetricStyle,
): string {
  if (!iv) return '';
  const f = (x: number) => (style.isRate(name) ? (x * 100).toFixed(1) : x.toFixed(4));
  return ` [${f(iv.lower).replace('-', '−')}, ${f(iv.upper).replace('-', '−')}]`;
}

/** Adjusted p-value with a significance marker. */
function formatP(s: { pAdjusted?: number; significant?: boolean } | undefined): string {
  if (!s || s.pAdjusted === undefined) return '–';
  const p = s.pAdjusted < 0.001 ? '<0.001' : s.pAdjusted.toFixed(3);
  return s.significant ? `**${p}** ✱` : p;
}

/** The first header cells of a slice table (status, slice, n, both models' metric, Δ). */
function sliceHeader(metric: string, ci: string): string[] {
  return ['', 'Slice', 'n', `Baseline ${esc(metric)}`, `Candidate ${esc(metric)}`, `Δ${ci}`];
}

function sliceRow(s: SliceReport, metric: string, style: MetricStyle, task: Task): string[] {
  return [
    `${ICON[s.status]}${s.newlyFailing ? ' 🆕' : ''}`,
    esc(s.key, 80) + (s.sameAs ? ` (= ${esc(s.sameAs, 60)})` : ''),
    String(s.n),
    formatMetric(metric, s.baseline?.[metric], style),
    formatMetric(metric, s.candidate[metric], style),
    formatDelta(
      metric,
      s.delta?.[metric],
      style,
      deltaSignificant(s.stats, metric, testedMetricOf(task)),
    ) + formatInterval(metric, s.stats?.intervals[metric], style),
    formatP(s.stats),
  ];
}

/**
 * The slices' main metric: the first one a metric gate scoped to slices uses (suite rules such as
 * the data suite's label-issue rate are not slice metrics), else the task's outcome metric.
 */
export function sliceMetric(report: Report, task: Task): string {
  const sliceMetrics = new Set(report.slices.flatMap((s) => Object.keys(s.candidate)));
  return (
    report.gates.find(
      (g) =>
        (g.kind === 'min' || g.kind === 'max' || g.kind === 'maxDrop') &&
        g.target !== 'overall' &&
        sliceMetrics.has(g.metric),
    )?.metric ?? testedMetricOf(task)
  );
}

/** Which baseline, and why that one: the reader must not have to open the log. */
function baselineText(report: Report): string {
  const base = report.models.baseline;
  if (report.comparison.baseline === 'none') return 'no baseline: absolute gates only';
  if (base?.source !== 'stored')
    return `baseline model ${esc(base?.path ? base.path.split('/').pop()! : 'baseline', 80)}`;
  const st = base.stored;
  const what = `stored baseline${st?.commit ? ` from commit ${esc(st.commit.slice(0, 12))}` : ''}${st?.ref ? ` (${esc(st.ref, 60)})` : ''}`;
  return st?.how ? `${what}: ${esc(st.how, 200)}` : what;
}

/** The findings: slices that got worse than the rest of the data, first thing in the comment. */
function findingsSection(
  report: Report,
  task: Task,
  style: MetricStyle,
  ci: string,
  maxRows: number,
): string[] {
  const metric = testedMetricOf(task);
  const tested = report.slices.filter((s) => s.excess !== undefined);
  if (report.comparison.baseline === 'none' || tested.length === 0) return [];
  const byKey = new Map(report.slices.map((s) => [s.key, s]));
  const found = report.findings.map((k) => byKey.get(k)!).filter((s) => s !== undefined);
  const overall = report.overall.delta?.[metric];
  if (found.length === 0)
    return [
      `**No slice got worse than the rest of the data** (${tested.length} slice${tested.length === 1 ? '' : 's'} tested against the rest${overall !== undefined && overall !== null ? `; overall ${esc(metric)} ${formatDelta(metric, overall, style)}` : ''}).`,
    ];
  const shown = found.slice(0, Math.max(maxRows, 3));
  const pct = (x: number | null | undefined) =>
    x === null || x === undefined ? '–' : formatDelta(metric, x, style);
  const rows = shown.map((s) => [
    `${ICON[s.status]}`,
    `**${esc(s.key, 80)}**`,
    String(s.n),
    formatMetric(metric, s.baseline?.[metric], style),
    formatMetric(metric, s.candidate[metric], style),
    formatDelta(
      metric,
      s.delta?.[metric],
      style,
      deltaSignificant(s.stats, metric, testedMetricOf(task)),
    ) + formatInterval(metric, s.stats?.intervals[metric], style),
    pct(s.excess!.restChange),
    formatP({ pAdjusted: s.excess!.pAdjusted, significant: true }),
  ]);
  const out = [
    `### 🔎 ${found.length === 1 ? '1 slice got' : `${found.length} slices got`} worse than the rest of the data`,
    table(
      [[...sliceHeader(metric, ci), 'Rest Δ', 'p (adj.)'], ...rows],
      ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  ];
  if (found.length > shown.length) out.push(`… ${found.length - shown.length} more in the report.`);
  const collapsed = new Map<string, string[]>();
  for (const s of tested)
    if (s.excess?.collapsedInto !== undefined)
      collapsed.set(s.excess.collapsedInto, [
        ...(collapsed.get(s.excess.collapsedInto) ?? []),
        s.key,
      ]);
  const notes = [...collapsed]
    .filter(([k]) => shown.some((s) => s.key === k))
    .map(
      ([k, keys]) =>
        `${esc(k, 80)} also covers ${keys
          .slice(0, 4)
          .map((x) => esc(x, 80))
          .join(', ')}${keys.length > 4 ? ` and ${keys.length - 4} more` : ''} (no worse than it)`,
    );
  if (notes.length > 0) out.push(`<sub>${notes.join('. ')}.</sub>`);
  return out;
}

/**
 * Render the PR comment / job summary body. Every string from the dataset, model or config is
 * escaped; structure (tables, details) is ours.
 */
export function renderMarkdown(report: Report, options: MarkdownOptions): string {
  const task = taskOfReport(report);
  const style = task.presentation;
  const out: string[] = [];
  const failed = report.gates.filter((g) => g.status === 'fail');
  const warned = report.gates.filter((g) => g.status === 'warn');
  out.push(
    `## ${ICON[report.verdict]} VisionGate · ${esc(report.name, 64)}: ${verdictWord[report.verdict]}`,
  );

  const cand = report.models.candidate;
  out.push(
    `Candidate ${esc(cand.path ? cand.path.split('/').pop()! : 'model', 80)} vs ${baselineText(report)} · ${report.dataset.evaluated} examples · ${report.dataset.classes.length} classes${report.comparison.baseline !== 'none' ? ` · ${report.comparison.paired} paired` : ''}`,
  );

  const metrics = headlineMetrics(report);
  const hasBase = report.overall.baseline !== undefined;
  const ci = report.overall.stats ? ` [${Math.round((options.confidence ?? 0.95) * 100)}% CI]` : '';
  out.push(...findingsSection(report, task, style, ci, options.maxSlices));

  const head = hasBase ? ['Metric', 'Baseline', 'Candidate', `Δ${ci}`] : ['Metric', 'Candidate'];
  const rows = metrics.map((m) =>
    hasBase
      ? [
          esc(m),
          formatMetric(m, report.overall.baseline?.[m], style),
          formatMetric(m, report.overall.candidate[m], style),
          formatDelta(
            m,
            report.overall.delta?.[m],
            style,
            deltaSignificant(report.overall.stats, m, testedMetricOf(task)),
          ) + formatInterval(m, report.overall.stats?.intervals[m], style),
        ]
      : [esc(m), formatMetric(m, report.overall.candidate[m], style)],
  );
  out.push(table([head, ...rows], hasBase ? ['l', 'r', 'r', 'r'] : ['l', 'r']));

  // Counts are of rules, as the table has one row per rule (a rule failing on 14 slices is one
  // row saying so), so the heading and the table always agree.
  const problems = [...failed, ...warned];
  if (problems.length > 0) {
    const groups = groupByRule(problems);
    const nFail = groups.filter((g) => g[0]!.status === 'fail').length;
    const nWarn = groups.length - nFail;
    out.push(`### Gates: ${nFail} failed, ${nWarn} warning${nWarn === 1 ? '' : 's'}`);
    const rows = gateRows(problems);
    const shown = rows.slice(0, Math.max(options.maxSlices, 5));
    out.push(table([['', 'Rule', 'Target', 'Why'], ...shown]));
    if (rows.length > shown.length)
      out.push(`… ${rows.length - shown.length} more rules in the report.`);
  } else if (report.gates.length > 0) {
    const evaluated = report.gates.filter((g) => g.status !== 'skipped');
    const rules = groupByRule(evaluated).length;
    out.push(
      `All ${rules} gate rule${rules === 1 ? '' : 's'} passed (${evaluated.length} check${evaluated.length === 1 ? '' : 's'}).`,
    );
  }

  const metric = sliceMetric(report, task);
  // Findings are listed first; here the slices a configured gate makes newly failing besides.
  const newly = report.slices.filter((s) => s.newlyFailing && !report.findings.includes(s.key));
  if (newly.length > 0) {
    out.push(`### 🆕 Newly failing slices by gate (${newly.length})`);
    const shown = newly.slice(0, options.maxSlices);
    out.push(
      table(
        [
          [...sliceHeader(metric, ci), 'p (adj.)'],
          ...shown.map((s) => sliceRow(s, metric, style, task)),
        ],
        ['l', 'l', 'r', 'r', 'r', 'r', 'r'],
      ),
    );
    if (newly.length > shown.length)
      out.push(`… ${newly.length - shown.length} more in the report.`);
  }

  const discovered = report.slices.filter((s) => s.kind === 'discovered');
  if (discovered.length > 0 && options.maxSlices > 0) {
    const shown = discovered.slice(0, options.maxSlices);
    const body = table(
      [
        [
          '',
          'Discovered slice',
          'Found in',
          'n',
          'Error rate',
          `Baseline → candidate ${esc(metric)}`,
          'p (adj.)',
        ],
        ...shown.map((s) => [
          `${ICON[s.status]}${s.newlyFailing ? ' 🆕' : ''}`,
          esc(s.key, 100) +
            (s.excess?.collapsedInto ? ` (within ${esc(s.excess.collapsedInto, 60)})` : '') +
            (s.sameAs ? ` (= ${esc(s.sameAs, 60)})` : ''),
          s.discovered?.target === 'regressions' ? 'newly wrong' : 'errors',
          String(s.n),
          formatMetric('rate', s.discovered?.meanError, RATE),
          s.baseline
            ? `${formatMetric(metric, s.baseline[metric], style)} → ${formatMetric(metric, s.candidate[metric], style)}`
            : formatMetric(metric, s.candidate[metric], style),
          formatP(s.stats),
        ]),
      ],
      ['l', 'l', 'l', 'r', 'r', 'r', 'r'],
    );
    out.push(
      details(
        `🔎 Discovered slices (${discovered.length}): where errors concentrate, found by SliceLine over metadata and image properties`,
        body,
        discovered.some((s) => s.newlyFailing),
      ),
    );
  }

  const ex = report.examples;
  if (ex.counts.newlyFailing > 0 || ex.counts.newlyFixed > 0) {
    out.push(
      `### Examples: ${ex.counts.newlyFailing} newly failing, ${ex.counts.newlyFixed} newly fixed`,
    );
    const shown = ex.newlyFailing.slice(0, options.maxExamples);
    if (shown.length > 0) {
      const body = task.render.examples(shown);
      const more =
        ex.counts.newlyFailing > shown.length
          ? ex.counts.newlyFailing > ex.newlyFailing.length
            ? `\n\n… ${ex.counts.newlyFailing - shown.length} more: the report lists ${ex.newlyFailing.length}, records.jsonl has them all.`
            : `\n\n… ${ex.counts.newlyFailing - shown.length} more in the report.`
          : '';
      out.push(
        details(
          `Newly failing examples (${task.render.exampleOrder})`,
          body + more,
          ex.counts.newlyFailing <= 10,
        ),
      );
    }
  }

  const pinnedBad = report.pinned.filter((p) => p.status !== 'pass');
  if (report.pinned.length > 0) {
    if (pinnedBad.length > 0) {
      out.push(`### 📌 Pinned cases: ${pinnedBad.length} of ${report.pinned.length} not passing`);
      out.push(task.render.pinned(pinnedBad.slice(0, Math.max(options.maxExamples, 5))));
    } else {
      out.push(`📌 All ${report.pinned.length} pinned cases pass.`);
    }
  }

  // Sections of the suites that ran (robustness, data), rendered from report.json alone so a
  // comment can be re-rendered without inference.
  if (options.maxSlices > 0)
    out.push(...renderSuiteSections(report.suites, { maxRows: options.maxSlices }));
  for (const s of options.sections ?? []) out.push(s);

  if (options.details) {
    const slices = report.slices.filter((s) => s.kind !== 'discovered');
    if (slices.length > 0) {
      const shown = slices.slice(0, options.maxSlices);
      const more =
        slices.length > shown.length
          ? `\n\n… ${slices.length - shown.length} more in the report.`
          : '';
      out.push(
        details(
          `All slices (${slices.length}) by ${esc(metric)}`,
          table(
            [
              [
                '',
                'Slice',
                'n',
                'Baseline',
                'Candidate',
                `Δ${ci}`,
                'p (adj.)',
                ...(hasBase ? ['Rest Δ'] : []),
              ],
              ...shown.map((s) => [
                ...sliceRow(s, metric, style, task),
                ...(hasBase
                  ? [
                      s.excess?.restChange !== undefined && s.excess.restChange !== null
                        ? formatDelta(testedMetricOf(task), s.excess.restChange, style)
                        : '–',
                    ]
                  : []),
              ]),
            ],
            ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
          ) + more,
        ),
      );
    }
    for (const section of task.render.overall(report.overall, {
      maxRows: options.maxSlices,
      format: (m, v) => formatMetric(m, v, style),
    }))
      out.push(details(section.summary, section.body));
    const notes = [...report.notices];
    if (report.comparison.changed.length > 0)
      notes.push(
        `${report.comparison.changed.length} example(s) changed since the baseline (different image bytes) and were not compared.`,
      );
    if (report.comparison.added.length > 0)
      notes.push(`${report.comparison.added.length} example(s) are new since the baseline.`);
    if (report.comparison.removed.length > 0)
      notes.push(
        `${report.comparison.removed.length} baseline example(s) are no longer in the dataset.`,
      );
    if (notes.length > 0)
      // Notices quote dataset strings (file names, ids in error messages): escaped as a whole.
      out.push(
        details(`Notes (${notes.length})`, notes.map((n) => `- ${esc(n, 2000)}`).join('\n')),
      );
  }
  if (report.overall.stats) {
    // The tests behind the p-values, as the task makes them (analysis/significance.ts).
    const tests = task.metricTests;
    const findingTest = tests
      ? `permutation test of slice membership on ${tests.metric}`
      : 'exact permutation test';
    const pairedTest = tests?.description ?? `exact McNemar test on ${task.outcomeMetric}`;
    out.push(
      `<sub>Δ = candidate − baseline on the same examples, with a paired bootstrap interval; bold and 🔻 only where the drop is significant. Rest Δ: the same over every other example; a finding got worse than the rest (${findingTest}). p (adj.): Benjamini-Hochberg adjusted across all slices (findings: of that test; tables below: ${pairedTest}); ✱ = significant. 🆕 = a finding, or met its gates on the baseline and misses one now.</sub>`,
    );
  }
  if (options.footer) out.push(options.footer);
  return `${out.join('\n\n')}\n`;
}

/**
 * Render within `maxChars` by lowering detail step by step: fewer rows, then no details. The
 * caller (GitHub comment, check summary) passes its limit; the full report is always in the file.
 */
export function renderMarkdownWithin(
  report: Report,
  maxChars: number,
  base: MarkdownOptions,
): string {
  const attempts: Partial<MarkdownOptions>[] = [
    {},
    { maxSlices: Math.min(base.maxSlices, 15), maxExamples: Math.min(base.maxExamples, 10) },
    { maxSlices: 8, maxExamples: 5 },
    { maxSlices: 5, maxExamples: 3, details: false },
    { maxSlices: 3, maxExamples: 0, details: false, sections: [] },
  ];
  let text = '';
  for (const a of attempts) {
    text = renderMarkdown(report, { ...base, ...a });
    if (text.length <= maxChars) return text;
  }
  return text;
}
