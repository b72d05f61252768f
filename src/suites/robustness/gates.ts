import type { GateResult } from '../../gates/result.js';
import type { RobustnessConfig } from '../../config/robustness.js';
import type { RobustnessResult } from './metrics.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The robustness gates of the config applied to a result. */
export function robustnessGates(result: RobustnessResult, config: RobustnessConfig): GateResult[] {
  const g = config.gates;
  const out: GateResult[] = [];
  const push = (
    key: keyof typeof g,
    rule: string,
    value: number | null,
    threshold: number,
    ok: boolean | null,
    reason: string,
    baseline?: number | null,
  ) =>
    out.push({
      index: -1,
      configKey: `robustness.gates.${key}`,
      rule,
      metric: key,
      scope: 'robustness',
      target: 'overall',
      kind: 'suite',
      value,
      ...(baseline !== undefined ? { baseline } : {}),
      threshold,
      level: g.level,
      status: ok === null ? 'skipped' : ok ? 'pass' : g.level,
      reason,
    });
  const norm = result.normalized;
  if (g.maxRelativeMCE !== undefined) {
    const v = norm?.relativeMCE ?? null;
    push(
      'maxRelativeMCE',
      `relative mCE ≤ ${g.maxRelativeMCE}`,
      v,
      g.maxRelativeMCE,
      v === null ? null : v <= g.maxRelativeMCE,
      v === null
        ? norm
          ? 'relative mCE is undefined: the baseline does not degrade under any corruption'
          : 'no baseline to normalise by'
        : `relative mCE vs baseline is ${v.toFixed(3)} (${v <= g.maxRelativeMCE ? 'within' : 'above'} ${g.maxRelativeMCE})`,
    );
  }
  if (g.maxMCE !== undefined) {
    const v = norm?.mCE ?? null;
    push(
      'maxMCE',
      `mCE ≤ ${g.maxMCE}`,
      v,
      g.maxMCE,
      v === null ? null : v <= g.maxMCE,
      v === null
        ? 'no baseline to normalise by'
        : `mCE vs baseline is ${v.toFixed(3)} (${v <= g.maxMCE ? 'within' : 'above'} ${g.maxMCE})`,
    );
  }
  if (g.maxCorruptionDrop !== undefined) {
    const base = result.baseline;
    if (!base) {
      push(
        'maxCorruptionDrop',
        `corruption accuracy drop ≤ ${pct(g.maxCorruptionDrop)}`,
        null,
        g.maxCorruptionDrop,
        null,
        'no baseline to compare with',
      );
    } else {
      let worst = { drop: -Infinity, at: '', cand: NaN, base: NaN };
      for (const c of result.corruptions) {
        result.severities.forEach((s, i) => {
          const drop = base.accuracy[c]![i]! - result.candidate.accuracy[c]![i]!;
          if (drop > worst.drop)
            worst = {
              drop,
              at: `${c}@${s}`,
              cand: result.candidate.accuracy[c]![i]!,
              base: base.accuracy[c]![i]!,
            };
        });
      }
      const ok = worst.drop <= g.maxCorruptionDrop + 1e-12;
      push(
        'maxCorruptionDrop',
        `corruption accuracy drop ≤ ${pct(g.maxCorruptionDrop)}`,
        worst.cand,
        g.maxCorruptionDrop,
        Number.isFinite(worst.drop) ? ok : null,
        `largest drop is at ${worst.at}: ${pct(worst.base)} → ${pct(worst.cand)} (${worst.drop >= 0 ? '−' : '+'}${(Math.abs(worst.drop) * 100).toFixed(1)} pp)`,
        worst.base,
      );
    }
  }
  if (g.minCorruptionAccuracy !== undefined) {
    const v = result.candidate.corruptedAccuracy;
    push(
      'minCorruptionAccuracy',
      `corrupted accuracy ≥ ${pct(g.minCorruptionAccuracy)}`,
      Number.isFinite(v) ? v : null,
      g.minCorruptionAccuracy,
      Number.isFinite(v) ? v >= g.minCorruptionAccuracy : null,
      `mean accuracy over all corrupted images is ${pct(v)}`,
      result.baseline?.corruptedAccuracy ?? undefined,
    );
  }
  if (g.maxFlipRate !== undefined) {
    const rates = result.transforms.map((t) => ({
      t,
      r: result.candidate.flipRate[`t:${t}`] ?? NaN,
    }));
    const worst = rates.reduce((a, b) => (b.r > a.r ? b : a), { t: '', r: -Infinity });
    push(
      'maxFlipRate',
      `transform flip rate ≤ ${pct(g.maxFlipRate)}`,
      Number.isFinite(worst.r) ? worst.r : null,
      g.maxFlipRate,
      Number.isFinite(worst.r) ? worst.r <= g.maxFlipRate : null,
      Number.isFinite(worst.r)
        ? `highest flip rate is ${pct(worst.r)} under ${worst.t}`
        : 'no transforms configured',
    );
  }
  return out;
}
