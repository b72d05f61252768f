/** History: headline metrics over the stored runs of this branch, this run last. */
import type { TrendEntry } from '../trend.js';
import { escapeHtmlText as esc } from './escape.js';
import { pct } from './format.js';
import { linePanel } from './svg.js';

const SHOWN = ['accuracy', 'macro_f1', 'corrupted_accuracy', 'ece'] as const;

/** The history section; without stored runs it says where history comes from. */
export function renderHistory(
  history: readonly TrendEntry[] | undefined,
  current: TrendEntry,
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
  const panels: string[] = [];
  for (const m of SHOWN) {
    const values = runs.map((r) => r.metrics[m] ?? NaN);
    const finite = values.filter(Number.isFinite);
    if (finite.length === 0) continue;
    const lo = Math.min(...finite);
    const hi = Math.max(...finite);
    const rate = m !== 'ece';
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
    `<details><summary>Runs</summary><table><thead><tr><th scope="col">Run</th><th scope="col">Stored</th><th scope="col">Verdict</th>${SHOWN.map((m) => `<th scope="col">${m}</th>`).join('')}</tr></thead><tbody>${runs
      .map(
        (r, i) =>
          `<tr><td><code>${esc(r.sha.slice(0, 12))}</code>${i === runs.length - 1 ? ' (this run)' : ''}</td><td>${esc(r.storedAt.slice(0, 16).replace('T', ' '))}</td><td>${esc(r.verdict ?? '–')}</td>${SHOWN.map((m) => `<td class="num">${m === 'ece' ? (r.metrics[m]?.toFixed(4) ?? '–') : pct(r.metrics[m])}</td>`).join('')}</tr>`,
      )
      .join('')}</tbody></table></details></section>`,
  );
  return out.join('\n');
}
