import { markdownTable } from 'markdown-table';
import { BENCHMARK_CORRUPTIONS } from '../../config/robustness.js';
import { parameterTableWords } from '../../corruptions/index.js';
import { CORRUPTION_NAMES } from '../../corruptions/types.js';
import { escapeMarkdown as esc } from '../../text/escape.js';
import type { z } from 'zod';
import type { robustnessResultSchema } from './schema.js';

/** The result as report.json holds it: an undefined number (NaN when computed) is null. */
type RobustnessReport = z.output<typeof robustnessResultSchema>;

const finite = (x: number | null | undefined): x is number =>
  x !== null && x !== undefined && Number.isFinite(x);
/** A decimal to 3 places with a real minus sign, as the comment writes deltas. */
const signed = (x: number) => `${x < 0 ? '−' : ''}${Math.abs(x).toFixed(3)}`;
const pct = (x: number | null | undefined) => (finite(x) ? `${(x * 100).toFixed(1)}%` : '–');
/** a − b, NaN where either is undefined (null in report.json, NaN in memory). */
const sub = (a: number | null | undefined, b: number | null | undefined) =>
  finite(a) && finite(b) ? a - b : NaN;
// No significance test is made per corruption, so no drop is marked (bold and 🔻 in the comment
// mean a significant drop).
const pp = (d: number) => {
  if (!Number.isFinite(d)) return '–';
  if (Math.abs(d) < 5e-4) return '±0.0 pp';
  return `${d >= 0 ? '+' : '−'}${Math.abs(d * 100).toFixed(1)} pp`;
};

/** A decimal metric value (mAP), as the rest of the comment shows it to 3 places here. */
const dec = (x: number | null | undefined) => (finite(x) ? x.toFixed(3) : '–');
const decDelta = (d: number) => {
  if (!Number.isFinite(d)) return '–';
  if (Math.abs(d) < 5e-4) return '±0.000';
  return `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(3)}`;
};

/** How the result's metric is named and shown: accuracy as a percentage, mAP as a decimal. */
function styleOf(r: RobustnessReport) {
  if (r.metric === undefined) return { name: 'accuracy', Name: 'Accuracy', value: pct, delta: pp };
  const name = r.metric === 'map' ? 'mAP' : r.metric;
  return { name, Name: name, value: dec, delta: decDelta };
}

/**
 * "15 corruptions (the ImageNet-C benchmark set)": say which set ran, as the docs count 19
 * (the benchmark's 15 plus the 4 held-out ones that `corruptions: all` adds).
 */
function corruptionCount(names: readonly string[]): string {
  const set = new Set(names);
  const same = (xs: readonly string[]) => xs.length === set.size && xs.every((x) => set.has(x));
  if (same(BENCHMARK_CORRUPTIONS))
    return `${names.length} corruptions (the ImageNet-C benchmark set; \`corruptions: all\` adds the 4 held-out ones)`;
  if (same(CORRUPTION_NAMES)) return `${names.length} corruptions (all of ImageNet-C's)`;
  return `${names.length} corruption${names.length === 1 ? '' : 's'} (as listed in the config)`;
}

/** Mean accuracy at each severity over all corruptions (the chart's series). */
function bySeverity(r: RobustnessReport, model: 'candidate' | 'baseline'): number[] {
  const m = r[model]!;
  return r.severities.map((_, i) => {
    const xs = r.corruptions.map((c) => m.accuracy[c]![i]).filter(finite);
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
  });
}

/**
 * A mermaid xychart (GitHub renders mermaid blocks in comments): mean accuracy vs severity, one
 * line per model. xychart-beta has no legend, so the title says which line is which.
 */
export function severityChart(r: RobustnessReport): string {
  const { name, Name } = styleOf(r);
  const series = (model: 'candidate' | 'baseline') =>
    [r[model]!.cleanAccuracy, ...bySeverity(r, model)]
      .map((a) => (finite(a) ? (a * 100).toFixed(1) : '0'))
      .join(', ');
  const lines = [
    '```mermaid',
    'xychart-beta',
    `  title "${Name} vs corruption severity${r.baseline ? ' (first line: baseline, second: candidate)' : ''}"`,
    `  x-axis [clean, ${r.severities.map((s) => `"${s}"`).join(', ')}]`,
    `  y-axis "${r.metric === undefined ? name : `${name} × 100`}${r.metric === undefined ? ' (%)' : ''}" 0 --> 100`,
  ];
  if (r.baseline) lines.push(`  line [${series('baseline')}]`);
  lines.push(`  line [${series('candidate')}]`, '```');
  return lines.join('\n');
}

/** The robustness section of the PR comment. */
export function renderRobustnessSection(r: RobustnessReport, opts: { maxRows: number }): string {
  const out: string[] = [];
  const n = r.normalized;
  const st = styleOf(r);
  const cmp = r.comparison;
  const headline =
    r.candidate.mPC !== undefined
      ? cmp
        ? `mPC ${dec(cmp.mPC.baseline)} → ${dec(cmp.mPC.candidate)}${cmp.mPC.interval ? ` (Δ ${decDelta(cmp.mPC.delta ?? NaN)} [${signed(cmp.mPC.interval.lower)}, ${signed(cmp.mPC.interval.upper)}])` : ''}, rPC ${pct(cmp.rPC.baseline)} → ${pct(cmp.rPC.candidate)}`
        : `mPC ${dec(r.candidate.mPC)}, rPC ${pct(r.candidate.rPC)}`
      : n?.relativeMCE != null
        ? `relative mCE ${n.relativeMCE.toFixed(2)} vs baseline`
        : n?.mCE != null
          ? `mCE ${n.mCE.toFixed(2)} vs baseline`
          : `mean corruption error ${pct(r.candidate.meanError)}`;
  out.push(
    `### 🌫️ Robustness: ${headline}\n\n${r.sampleSize} sampled examples × ${corruptionCount(r.corruptions)} × ${r.severities.length} ${r.severities.length === 1 ? 'severity' : 'severities'} (${esc(parameterTableWords(r.table))})${r.transforms.length ? ` + ${r.transforms.length} transform${r.transforms.length === 1 ? '' : 's'}` : ''}. Clean ${st.name} on the sample: ${r.baseline ? `${st.value(r.baseline.cleanAccuracy)} → ` : ''}${st.value(r.candidate.cleanAccuracy)}; ${r.candidate.mPC !== undefined ? 'under corruption (mPC, the mean over corruptions of the mean over severities; rPC = mPC / clean, Michaelis et al. 2019)' : 'corrupted'}: ${r.baseline ? `${st.value(r.baseline.mPC ?? r.baseline.corruptedAccuracy)} → ` : ''}${st.value(r.candidate.mPC ?? r.candidate.corruptedAccuracy)}.`,
  );
  const rows = r.corruptions.map((c) => {
    const cand = r.candidate.meanAccuracy[c];
    const base = r.baseline?.meanAccuracy[c];
    const worstIdx = r.baseline
      ? r.severities.reduce((w, _, i) => {
          const d = sub(r.candidate.accuracy[c]![i], r.baseline!.accuracy[c]![i]);
          const dw = sub(r.candidate.accuracy[c]![w], r.baseline!.accuracy[c]![w]);
          return d < dw ? i : w;
        }, 0)
      : -1;
    return { c, cand, base, delta: sub(cand, base), worstIdx };
  });
  rows.sort((a, b) =>
    Number.isFinite(a.delta) && Number.isFinite(b.delta) ? a.delta - b.delta : sub(a.cand, b.cand),
  );
  const shown = rows.slice(0, Math.max(opts.maxRows, 1));
  // Corruption error (CE) is classification's; detection compares mAP only.
  const ce = r.metric === undefined;
  const header = r.baseline
    ? [
        'Corruption (worst first)',
        r.metric === undefined ? 'Baseline' : `Baseline ${st.name}`,
        r.metric === undefined ? 'Candidate' : `Candidate ${st.name}`,
        'Δ',
        'Worst severity Δ',
        ...(ce ? ['CE'] : []),
      ]
    : ['Corruption', `${st.Name} (mean over severities)`, ...r.severities.map((s) => `sev ${s}`)];
  const body = shown.map((row) =>
    r.baseline
      ? [
          esc(row.c),
          st.value(row.base),
          st.value(row.cand),
          st.delta(row.delta),
          `${r.severities[row.worstIdx]}: ${st.delta(sub(r.candidate.accuracy[row.c]![row.worstIdx], r.baseline.accuracy[row.c]![row.worstIdx]))}`,
          ...(ce ? [n?.ce[row.c] != null ? n.ce[row.c]!.toFixed(2) : '–'] : []),
        ]
      : [esc(row.c), st.value(row.cand), ...r.candidate.accuracy[row.c]!.map((a) => st.value(a))],
  );
  out.push(markdownTable([header, ...body]));
  if (rows.length > shown.length) out.push(`… ${rows.length - shown.length} more in the report.`);
  out.push(severityChart(r));
  if (r.transforms.length > 0 && r.candidate.consistency !== undefined) {
    // Detection: the transform's mAP is judged against the ground truth moved with the image.
    out.push(
      markdownTable([
        [
          'Transform',
          ...(r.baseline ? [`Baseline ${st.name}`] : []),
          `Candidate ${st.name}`,
          ...(r.baseline ? ['Baseline consistency'] : []),
          'Candidate consistency',
        ],
        ...r.transforms.map((t) => [
          esc(t),
          ...(r.baseline ? [st.value(r.baseline.transformAccuracy[t])] : []),
          st.value(r.candidate.transformAccuracy[t]),
          ...(r.baseline ? [pct(r.baseline.consistency?.[t])] : []),
          pct(r.candidate.consistency?.[t]),
        ]),
      ]),
    );
  } else if (r.transforms.length > 0) {
    out.push(
      markdownTable([
        [
          'Transform',
          ...(r.baseline ? ['Baseline flip rate'] : []),
          'Candidate flip rate',
          'Candidate accuracy',
        ],
        ...r.transforms.map((t) => [
          esc(t),
          ...(r.baseline ? [pct(r.baseline.flipRate[`t:${t}`])] : []),
          pct(r.candidate.flipRate[`t:${t}`]),
          pct(r.candidate.transformAccuracy[t]),
        ]),
      ]),
    );
  }
  if (r.notes.length > 0) out.push(r.notes.map((x) => `> ${esc(x, 300)}`).join('\n'));
  return out.join('\n\n');
}
