/** History: headline metrics over the stored runs of this branch, this run last. */
import type { TrendEntry, TrendStyle } from '../trend.js';
import { escapeHtmlText as esc } from './escape.js';
import { pct } from './format.js';
import { linePanel } from './svg.js';

/**
 * The history section: the trend metrics of the PR comment's trend (the task's and the
 * suites'), one small chart each; without stored runs it says where history comes from.
 */
export function renderHistory(
  history: readonly TrendEntry[] | undefined,
  current: TrendEntry,
  style: TrendStyle,
): string {
  const out: string[] = [
    '<section id="history" aria-labelledby="h-history"><h2 id="h-history">History</h2>',
  ];
  const runs = [...(history ?? []), current].slice(-30);
  if (runs.length < 2) {
    out.push(
      '<p>No stored history: the Action keeps one on the baseline branch from runs of the default branch, and shows its trend here.</p></section>',
    );
    return out.join('\n');
  }
  const x = runs.map((r, i) => (i === runs.length - 1 ? 'now' : r.sha.slice(0, 7)));
  const shown = style.metrics.filter((m) => runs.some((r) => r.metrics[m] !== undefined));
  const fmt = (m: string, v: number | undefined) =>
    style.isRate(m) ? pct(v) : v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(4);
  const panels: string[] = [];
  for (const m of shown) {
    const values = runs.map((r) => r.metrics[m] ?? NaN);
    const finite = values.filter(Number.isFinite);
    if (finite.length === 0) continue;
    const lo = Math.min(...finite);
    const hi = Math.max(...finite);
    const rate = style.isRate(m);
    panels.push(
      linePanel(m, x, [{ kind: 'cand', name: m, values }], {
        yMin: rate ? Math.max(0, Math.floor(lo * 20) / 20) : lo - (hi - lo || 0.01),
        yMax: rate ? Math.min(1, Math.ceil(hi * 20) / 20) : hi + (hi - lo || 0.01),
        format: rate ? pct : (v) => v.toFixed(3),
        width: Math.max(260, 40 * runs.length),
      }),
    );
  }
  out.push(
    `<p>${runs.length - 1} stored run(s) of this branch, then this run.</p><div class="panels">${panels.join('')}</div>`,
    `<details><summary>Runs</summary><table><thead><tr><th scope="col">Run</th><th scope="col">Stored</th><th scope="col">Verdict</th>${shown.map((m) => `<th scope="col">${esc(m)}</th>`).join('')}</tr></thead><tbody>${runs
      .map(
        (r, i) =>
          `<tr><td><code>${esc(r.sha.slice(0, 12))}</code>${i === runs.length - 1 ? ' (this run)' : ''}</td><td>${esc(r.storedAt.slice(0, 16).replace('T', ' '))}</td><td>${esc(r.verdict ?? '–')}</td>${shown.map((m) => `<td class="num">${fmt(m, r.metrics[m])}</td>`).join('')}</tr>`,
      )
      .join('')}</tbody></table></details></section>`,
  );
  return out.join('\n');
}
