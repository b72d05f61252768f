/**
 * Confusion matrices of both models and their difference, as heatmaps. Rows are true classes,
 * columns predicted ones; the colour is the share of the row (so a rare class reads as clearly
 * as a common one) and the cell text is the count. With more classes than fit, the classes with
 * the most errors of either model are shown and the page says so.
 */
import type { Report } from '../schema.js';
import { heatmap, type HeatmapCell } from './svg.js';
import type { HtmlAssets, HtmlLimits } from './types.js';

/** Indices of the `max` classes with the most off-diagonal counts (in either matrix), in class order. */
export function mostConfused(matrices: readonly number[][][], max: number): number[] {
  const k = matrices[0]?.length ?? 0;
  if (k <= max) return Array.from({ length: k }, (_, i) => i);
  const errors = new Array<number>(k).fill(0);
  for (const m of matrices)
    for (let t = 0; t < k; t++)
      for (let p = 0; p < k; p++)
        if (t !== p) {
          errors[t]! += m[t]![p]!;
          errors[p]! += m[t]![p]!;
        }
  return Array.from({ length: k }, (_, i) => i)
    .sort((a, b) => errors[b]! - errors[a]! || a - b)
    .slice(0, max)
    .sort((a, b) => a - b);
}

function matrixCells(m: number[][], idx: number[], classes: readonly string[]): HeatmapCell[][] {
  return idx.map((t) => {
    const total = m[t]!.reduce((a, b) => a + b, 0);
    return idx.map((p) => {
      const c = m[t]![p]!;
      return {
        text: c === 0 ? '' : String(c),
        intensity: total > 0 ? c / total : 0,
        title: `true ${classes[t]}, predicted ${classes[p]}: ${c}${total > 0 ? ` (${((c / total) * 100).toFixed(1)}% of the row)` : ''}`,
      };
    });
  });
}

function diffCells(
  cand: number[][],
  base: number[][],
  idx: number[],
  classes: readonly string[],
): HeatmapCell[][] {
  let maxAbs = 0;
  for (const t of idx)
    for (const p of idx) maxAbs = Math.max(maxAbs, Math.abs(cand[t]![p]! - base[t]![p]!));
  return idx.map((t) =>
    idx.map((p) => {
      const d = cand[t]![p]! - base[t]![p]!;
      // Positive = more of this cell: good on the diagonal, bad off it; the sign of the colour
      // says "worse" (p) or "better" (n) so the reader needs no rule to read it.
      const bad = t === p ? -d : d;
      return {
        text: d === 0 ? '' : `${d > 0 ? '+' : '−'}${Math.abs(d)}`,
        intensity: maxAbs > 0 ? bad / maxAbs : 0,
        title: `true ${classes[t]}, predicted ${classes[p]}: ${base[t]![p]!} → ${cand[t]![p]!} (${d >= 0 ? '+' : '−'}${Math.abs(d)})`,
      };
    }),
  );
}

/** The confusion section. */
export function renderConfusion(report: Report, assets: HtmlAssets, limits: HtmlLimits): string {
  const classes = report.dataset.classes;
  const cand = report.overall.confusion;
  const base = assets.baselineConfusion;
  const out: string[] = [
    '<section id="confusion" aria-labelledby="h-confusion"><h2 id="h-confusion">Confusion matrices</h2>',
  ];
  if (cand.length === 0) {
    out.push('<p>No confusion matrix in this report.</p></section>');
    return out.join('\n');
  }
  const idx = mostConfused(base ? [cand, base] : [cand], limits.heatmapClasses);
  if (idx.length < classes.length)
    out.push(
      `<p class="more">${idx.length} of ${classes.length} classes shown: those with the most errors.</p>`,
    );
  const labels = idx.map((i) => classes[i] ?? String(i));
  const axes = { rowAxis: 'true class', colAxis: 'predicted class' };
  out.push('<div class="heatmaps">');
  if (base) {
    out.push(
      `<figure><figcaption>Baseline</figcaption>${heatmap(labels, labels, matrixCells(base, idx, classes), { ...axes, title: 'Baseline confusion matrix', diverging: false })}</figure>`,
    );
  }
  out.push(
    `<figure><figcaption>Candidate</figcaption>${heatmap(labels, labels, matrixCells(cand, idx, classes), { ...axes, title: 'Candidate confusion matrix', diverging: false })}</figure>`,
  );
  if (base) {
    out.push(
      `<figure><figcaption>Candidate − baseline <span class="key pbad"></span> worse <span class="key nbad"></span> better</figcaption>${heatmap(labels, labels, diffCells(cand, base, idx, classes), { ...axes, title: 'Difference of the confusion matrices', diverging: true })}</figure>`,
    );
  }
  out.push('</div>');
  if (!base && report.comparison.baseline !== 'none')
    out.push(
      `<p class="muted">The baseline's matrix is not shown: its records were not available to this rendering.</p>`,
    );
  out.push(`<p class="muted">Colour: share of the true class's row; text: count.</p></section>`);
  return out.join('\n');
}
