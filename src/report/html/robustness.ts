/**
 * Robustness: accuracy (detection: mAP) vs severity per corruption for both models (small
 * multiples), the corruption errors (detection: mPC and rPC), transform results, and a strip of
 * one example at every severity of every corruption.
 */
import { parameterTableWords } from '../../corruptions/index.js';
import type { RobustnessResult } from '../../suites/robustness/metrics.js';
import { escapeHtmlText as esc, escapeShort } from './escape.js';
import { pct } from './format.js';

/** Axis ticks in whole percent. */
const pct0 = (x: number) => `${Math.round(x * 100)}%`;
/** A decimal metric value (mAP) and its axis ticks. */
const dec = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(3);
const dec1 = (x: number) => x.toFixed(1);
import { linePanel, type Series } from './svg.js';
import { thumbnail } from './thumbs.js';
import type { CorruptionStrip } from './types.js';

/** Shared y range of the panels: from the lowest value (rounded down to 10%) to 100%. */
export function yRange(r: RobustnessResult): { yMin: number; yMax: number } {
  const all = [r.candidate, r.baseline]
    .filter((m) => m !== undefined)
    .flatMap((m) => [m.cleanAccuracy, ...Object.values(m.accuracy).flat()])
    .filter(Number.isFinite);
  const lo = all.length ? Math.min(...all) : 0;
  return { yMin: Math.max(0, Math.floor(lo * 10) / 10), yMax: 1 };
}

function strip(s: CorruptionStrip): string {
  const head = `<tr><th scope="col">Corruption</th><th scope="col">clean</th>${s.severities.map((v) => `<th scope="col">${v}</th>`).join('')}</tr>`;
  const rows = s.rows.map(
    (r) =>
      `<tr><th scope="row">${esc(r.corruption)}</th><td>${thumbnail(s.clean, `${s.id} clean`)}</td>${r.images
        .map(
          (img, i) =>
            `<td>${thumbnail(img, `${s.id}, ${r.corruption} at severity ${s.severities[i]}`)}</td>`,
        )
        .join('')}</tr>`,
  );
  return (
    `<h3 id="strip">What each corruption does: example ${escapeShort(s.id, 40)}${s.label ? ` (${escapeShort(s.label, 40)})` : ''} at severities ${s.severities.join('–')}</h3>` +
    `<div class="scroll"><table class="strip"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div>`
  );
}

/** The robustness section; `r` undefined when the suite did not run. */
export function renderRobustness(
  r: RobustnessResult | undefined,
  stripImages: CorruptionStrip | undefined,
): string {
  const out: string[] = [
    '<section id="robustness" aria-labelledby="h-robustness"><h2 id="h-robustness">Robustness</h2>',
  ];
  if (!r) {
    out.push(
      '<p>The robustness suite did not run (add <code>robustness:</code> to the config).</p></section>',
    );
    return out.join('\n');
  }
  const n = r.normalized;
  // Accuracy is shown as a percentage; another metric (detection's mAP) as a decimal.
  const name = r.metric === undefined ? 'accuracy' : r.metric === 'map' ? 'mAP' : r.metric;
  const Name = r.metric === undefined ? 'Accuracy' : name;
  const fmt = r.metric === undefined ? pct : dec;
  const c = r.candidate;
  const b = r.baseline;
  out.push(
    c.mPC !== undefined
      ? `<p>${r.sampleSize} sampled examples × ${r.corruptions.length} corruptions × ${r.severities.length} severities (${esc(parameterTableWords(r.table))}). ` +
          `Clean ${name} on the sample: ${b ? `${fmt(b.cleanAccuracy)} → ` : ''}${fmt(c.cleanAccuracy)}; ` +
          `mPC (mean ${name} under corruption): ${b ? `${fmt(b.mPC)} → ` : ''}${fmt(c.mPC)}; ` +
          `rPC (mPC / clean): ${b ? `${pct(b.rPC)} → ` : ''}${pct(c.rPC)} (Michaelis et al. 2019).</p>`
      : `<p>${r.sampleSize} sampled examples × ${r.corruptions.length} corruptions × ${r.severities.length} severities (${esc(parameterTableWords(r.table))}). ` +
          `Clean ${name} on the sample: ${b ? `${fmt(b.cleanAccuracy)} → ` : ''}${fmt(c.cleanAccuracy)}; corrupted: ${b ? `${fmt(b.corruptedAccuracy)} → ` : ''}${fmt(c.corruptedAccuracy)}` +
          `${n?.mCE != null ? `; mCE ${n.mCE.toFixed(2)}` : ''}${n?.relativeMCE != null ? `, relative mCE ${n.relativeMCE.toFixed(2)} (baseline = 1)` : ''}.</p>`,
  );
  const { yMin, yMax } = yRange(r);
  const xLabels = ['clean', ...r.severities.map(String)];
  const panels = r.corruptions.map((c) => {
    const series: Series[] = [];
    if (r.baseline)
      series.push({
        kind: 'base',
        name: 'baseline',
        values: [r.baseline.cleanAccuracy, ...(r.baseline.accuracy[c] ?? [])],
      });
    series.push({
      kind: 'cand',
      name: 'candidate',
      values: [r.candidate.cleanAccuracy, ...(r.candidate.accuracy[c] ?? [])],
    });
    return linePanel(c, xLabels, series, {
      yMin,
      yMax,
      format: fmt,
      tickFormat: r.metric === undefined ? pct0 : dec1,
    });
  });
  out.push(
    `<figure class="chartbox"><figcaption>${Name} vs severity${r.baseline ? ': <span class="key base"></span> baseline (circles, dashed) <span class="key cand"></span> candidate (squares)' : ''}</figcaption><div class="panels">${panels.join('')}</div></figure>`,
  );
  if (r.transforms.length > 0 && c.consistency !== undefined) {
    const cell = (x: string) => `<td class="num">${x}</td>`;
    out.push(
      `<table><thead><tr><th scope="col">Transform</th>${b ? `<th scope="col">Baseline ${name}</th>` : ''}<th scope="col">Candidate ${name}</th>${b ? '<th scope="col">Baseline consistency</th>' : ''}<th scope="col">Candidate consistency</th></tr></thead><tbody>${r.transforms
        .map(
          (t) =>
            `<tr><th scope="row">${esc(t)}</th>${b ? cell(fmt(b.transformAccuracy[t])) : ''}${cell(fmt(c.transformAccuracy[t]))}${b ? cell(pct(b.consistency?.[t])) : ''}${cell(pct(c.consistency?.[t]))}</tr>`,
        )
        .join('')}</tbody></table>`,
    );
  } else if (r.transforms.length > 0) {
    out.push(
      `<table><thead><tr><th scope="col">Transform</th>${r.baseline ? '<th scope="col">Baseline</th>' : ''}<th scope="col">Candidate</th></tr></thead><tbody>${r.transforms
        .map(
          (t) =>
            `<tr><th scope="row">${esc(t)}</th>${r.baseline ? `<td class="num">${pct(r.baseline.transformAccuracy[t])}</td>` : ''}<td class="num">${pct(r.candidate.transformAccuracy[t])}</td></tr>`,
        )
        .join('')}</tbody></table>`,
    );
  }
  if (stripImages) out.push(strip(stripImages));
  for (const note of r.notes) out.push(`<p class="muted">${esc(note)}</p>`);
  out.push('</section>');
  return out.join('\n');
}
