/**
 * The report's charts as plain SVG strings: a forest plot of deltas with intervals, small
 * multiples of lines, heatmaps. Plain SVG because it costs no bytes of library in the file
 * (Observable Plot bundles to 385 kB minified, Vega-Lite with Vega to 896 kB, uPlot to 52 kB but
 * without interval or heatmap marks), renders without scripts, and is a pure function of the
 * numbers given. Colours come from CSS classes (see style.ts), so light and dark mode and the
 * colour-blind-safe palette live in one place. All text is escaped by the caller or here.
 */
import { escapeHtmlText as esc, escapeShort } from './escape.js';

/** Round numbers for SVG coordinates: 2 decimals keep files small and lines crisp. */
const r2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Tick values for an axis over [lo, hi]: steps of 1, 2 or 5 × 10^k, about `count` of them.
 * The step is the nice number nearest (geometrically) to (hi − lo) / count: the thresholds √50,
 * √10 and √2 of d3-array's `tickIncrement`, so axes read like d3's.
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(count, 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const err = raw / mag;
  const step =
    mag * (err >= Math.sqrt(50) ? 10 : err >= Math.sqrt(10) ? 5 : err >= Math.sqrt(2) ? 2 : 1);
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return out;
}

/** A linear map from [d0, d1] to [r0, r1]. */
export function linear(d0: number, d1: number, r0: number, r1: number): (x: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (x) => r0 + (x - d0) * k;
}

export interface IntervalRow {
  /** Untrusted label (escaped here). */
  label: string;
  value: number;
  lower?: number;
  upper?: number;
  /** Drawn in the "worse" colour. */
  worse: boolean;
  /** Text for the row's tooltip and accessible name (untrusted, escaped here). */
  title: string;
}

/**
 * A forest plot: one row per entry, a point at `value` and a line over [lower, upper], a zero
 * line. `format` writes axis tick labels.
 */
export function intervalChart(
  rows: readonly IntervalRow[],
  opts: { format: (x: number) => string; axisLabel: string; labelWidth?: number },
): string {
  const labelW = opts.labelWidth ?? 330;
  const W = 1100;
  const rowH = 20;
  const top = 8;
  const plotH = rows.length * rowH;
  const H = top + plotH + 40;
  const xs = rows.flatMap((r) => [r.value, r.lower ?? r.value, r.upper ?? r.value, 0]);
  const finite = xs.filter(Number.isFinite);
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  const pad = (hi - lo) * 0.05 || 0.01;
  lo -= pad;
  hi += pad;
  const x = linear(lo, hi, labelW + 10, W - 12);
  const ticks = niceTicks(lo, hi, 6);
  const out: string[] = [
    `<svg class="chart" viewBox="0 0 ${W} ${H}" role="group" aria-label="${esc(opts.axisLabel)}">`,
  ];
  for (const t of ticks) {
    out.push(
      `<line class="grid${t === 0 ? ' zero' : ''}" x1="${r2(x(t))}" x2="${r2(x(t))}" y1="${top}" y2="${top + plotH}"/>`,
      `<text class="tick" x="${r2(x(t))}" y="${top + plotH + 14}" text-anchor="middle">${esc(opts.format(t))}</text>`,
    );
  }
  out.push(
    `<text class="axis" x="${r2((labelW + W) / 2)}" y="${top + plotH + 32}" text-anchor="middle">${esc(opts.axisLabel)}</text>`,
  );
  rows.forEach((r, i) => {
    const cy = top + i * rowH + rowH / 2;
    const cls = r.worse ? 'worse' : 'neutral';
    const parts = [
      `<g class="row ${cls}" tabindex="0" role="img" aria-label="${esc(r.title)}"><title>${esc(r.title)}</title>`,
      `<rect class="hit" x="0" y="${r2(cy - rowH / 2)}" width="${W}" height="${rowH}"/>`,
      `<text class="label" x="${labelW}" y="${r2(cy + 4)}" text-anchor="end">${escapeShort(r.label, 44)}</text>`,
    ];
    if (r.lower !== undefined && r.upper !== undefined && Number.isFinite(r.lower + r.upper)) {
      parts.push(
        `<line class="ci" x1="${r2(x(r.lower))}" x2="${r2(x(r.upper))}" y1="${r2(cy)}" y2="${r2(cy)}"/>`,
      );
    }
    if (Number.isFinite(r.value))
      parts.push(`<circle class="pt" cx="${r2(x(r.value))}" cy="${r2(cy)}" r="4"/>`);
    parts.push('</g>');
    out.push(parts.join(''));
  });
  out.push('</svg>');
  return out.join('');
}

export interface Series {
  /** CSS class of the series: `base` or `cand`. */
  kind: 'base' | 'cand';
  name: string;
  values: readonly number[];
}

/**
 * One small line chart (a panel of small multiples): x categories, y in [yMin, yMax], one line
 * per series with distinct markers (circle vs square) so the series differ without colour.
 */
export function linePanel(
  title: string,
  xLabels: readonly string[],
  series: readonly Series[],
  opts: {
    yMin: number;
    yMax: number;
    format: (y: number) => string;
    tickFormat?: (y: number) => string;
    width?: number;
  },
): string {
  const W = opts.width ?? 220;
  const H = 150;
  const m = { l: 40, r: 8, t: 22, b: 22 };
  const x = linear(0, Math.max(xLabels.length - 1, 1), m.l + 6, W - m.r - 4);
  const y = linear(opts.yMin, opts.yMax, H - m.b, m.t);
  const out: string[] = [
    `<svg class="chart panel" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">`,
    `<text class="ptitle" x="${m.l}" y="14">${escapeShort(title, 30)}</text>`,
  ];
  for (const t of niceTicks(opts.yMin, opts.yMax, 4)) {
    out.push(
      `<line class="grid" x1="${m.l}" x2="${W - m.r}" y1="${r2(y(t))}" y2="${r2(y(t))}"/>`,
      `<text class="tick" x="${m.l - 4}" y="${r2(y(t) + 3)}" text-anchor="end">${esc((opts.tickFormat ?? opts.format)(t))}</text>`,
    );
  }
  xLabels.forEach((l, i) =>
    out.push(
      `<text class="tick" x="${r2(x(i))}" y="${H - 6}" text-anchor="middle">${esc(l)}</text>`,
    ),
  );
  for (const s of series) {
    const pts = s.values
      .map((v, i) => (Number.isFinite(v) ? `${r2(x(i))},${r2(y(v))}` : ''))
      .filter(Boolean);
    out.push(`<polyline class="line ${s.kind}" points="${pts.join(' ')}"/>`);
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      const tip = `<title>${esc(`${s.name}, ${xLabels[i] ?? ''}: ${opts.format(v)}`)}</title>`;
      out.push(
        s.kind === 'base'
          ? `<circle class="mark base" cx="${r2(x(i))}" cy="${r2(y(v))}" r="3">${tip}</circle>`
          : `<rect class="mark cand" x="${r2(x(i) - 3)}" y="${r2(y(v) - 3)}" width="6" height="6">${tip}</rect>`,
      );
    });
  }
  out.push('</svg>');
  return out.join('');
}

export interface HeatmapCell {
  /** What the cell says (a count). */
  text: string;
  /** Colour intensity in [-1, 1]: sequential charts use [0, 1], diverging ones the sign too. */
  intensity: number;
  title: string;
}

/**
 * A matrix heatmap with row and column labels. The colour is chosen per cell from 9 CSS
 * classes (h0..h8 sequential, or n4..n1 / h0 / p1..p4 diverging) so dark mode can swap them.
 */
export function heatmap(
  rowLabels: readonly string[],
  colLabels: readonly string[],
  cells: readonly (readonly HeatmapCell[])[],
  opts: { title: string; diverging: boolean; rowAxis: string; colAxis: string },
): string {
  const n = rowLabels.length;
  const k = colLabels.length;
  const cell = k > 20 ? 18 : 30;
  const labelW = 120;
  const labelH = 96;
  const W = labelW + k * cell + 70;
  const H = labelH + n * cell + 8;
  const out: string[] = [
    `<svg class="chart heat" viewBox="0 0 ${W} ${H}" style="max-width:${W}px" role="img" aria-label="${esc(opts.title)}">`,
    `<text class="axis" x="${labelW + (k * cell) / 2}" y="12" text-anchor="middle">${esc(opts.colAxis)}</text>`,
  ];
  colLabels.forEach((l, j) => {
    const cx = labelW + j * cell + cell / 2 + 4;
    out.push(
      `<text class="tick" transform="translate(${r2(cx)},${labelH - 4}) rotate(-55)">${escapeShort(l, 16)}</text>`,
    );
  });
  rowLabels.forEach((l, i) => {
    const cy = labelH + i * cell + cell / 2 + 4;
    out.push(
      `<text class="tick" x="${labelW - 4}" y="${r2(cy)}" text-anchor="end">${escapeShort(l, 18)}</text>`,
    );
    cells[i]!.forEach((c, j) => {
      const level = Math.round(Math.min(1, Math.abs(c.intensity)) * (opts.diverging ? 4 : 8));
      const cls = opts.diverging
        ? level === 0
          ? 'h0'
          : c.intensity > 0
            ? `p${level}`
            : `n${level}`
        : `h${level}`;
      const x0 = labelW + j * cell;
      const y0 = labelH + i * cell;
      out.push(
        `<g class="cell"><title>${esc(c.title)}</title><rect class="${cls}" x="${x0}" y="${y0}" width="${cell - 1}" height="${cell - 1}"/>` +
          (c.text && cell >= 24
            ? `<text class="ctext ${level >= (opts.diverging ? 3 : 5) ? 'on-dark' : ''}" x="${x0 + (cell - 1) / 2}" y="${y0 + cell / 2 + 3}" text-anchor="middle">${esc(c.text)}</text>`
            : '') +
          '</g>',
      );
    });
  });
  out.push('</svg>');
  return out.join('');
}
