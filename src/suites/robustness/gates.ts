import { judge, type GateCheck } from '../../gates/check.js';
import type { GateResult } from '../../gates/result.js';
import type { RobustnessConfig } from '../../config/robustness.js';
import type { RobustnessDelta, RobustnessResult } from './metrics.js';

/** A decimal to 3 places with a real minus sign, as the comment writes deltas. */
const signed = (x: number) => `${x < 0 ? '−' : ''}${Math.abs(x).toFixed(3)}`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
/** A value of the result's metric: a percentage for accuracy, a decimal for mAP. */
const valueText = (metric: string | undefined) => (x: number) =>
  metric === undefined ? pct(x) : x.toFixed(3);
/** A drop in the result's metric: points of accuracy, or mAP as a decimal. */
const dropText = (metric: string | undefined, d: number) =>
  metric === undefined
    ? `${d >= 0 ? '−' : '+'}${(Math.abs(d) * 100).toFixed(1)} pp`
    : `${d >= 0 ? '−' : '+'}${Math.abs(d).toFixed(3)}`;

/** The robustness rules of the config, as checks of a result (gates/check.ts decides them). */
export function robustnessGates(result: RobustnessResult, config: RobustnessConfig): GateResult[] {
  const g = config.gates;
  const checks: GateCheck[] = [];
  const rule = (
    key: Exclude<keyof typeof g, 'level'>,
    text: string,
    fields: Pick<GateCheck, 'value' | 'bound' | 'reason'> &
      Partial<Pick<GateCheck, 'measured' | 'baseline' | 'tolerance'>>,
  ) =>
    checks.push({
      index: -1,
      configKey: `robustness.gates.${key}`,
      kind: 'suite',
      rule: text,
      metric: key,
      scope: 'robustness',
      target: 'overall',
      thresholds: { [g.level]: g[key] },
      ...fields,
    });
  const norm = result.normalized;
  if (g.maxRelativeMCE !== undefined) {
    const max = g.maxRelativeMCE;
    const v = norm?.relativeMCE ?? null;
    rule('maxRelativeMCE', `relative mCE ≤ ${max}`, {
      value: v,
      bound: 'atMost',
      reason: (d) =>
        v === null
          ? norm
            ? 'relative mCE is undefined: the baseline does not degrade under any corruption'
            : 'no baseline to normalise by'
          : `relative mCE vs baseline is ${v.toFixed(3)} (${d.met ? 'within' : 'above'} ${max})`,
    });
  }
  if (g.maxMCE !== undefined) {
    const max = g.maxMCE;
    const v = norm?.mCE ?? null;
    rule('maxMCE', `mCE ≤ ${max}`, {
      value: v,
      bound: 'atMost',
      reason: (d) =>
        v === null
          ? 'no baseline to normalise by'
          : `mCE vs baseline is ${v.toFixed(3)} (${d.met ? 'within' : 'above'} ${max})`,
    });
  }
  const fmt = valueText(result.metric);
  if (g.maxCorruptionDrop !== undefined) {
    const text = `corruption ${result.metric ?? 'accuracy'} drop ≤ ${fmt(g.maxCorruptionDrop)}`;
    const base = result.baseline;
    if (!base) {
      rule('maxCorruptionDrop', text, {
        value: null,
        bound: 'atMost',
        reason: () => 'no baseline to compare with',
      });
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
      rule('maxCorruptionDrop', text, {
        value: worst.cand,
        baseline: worst.base,
        measured: Number.isFinite(worst.drop) ? worst.drop : null,
        bound: 'atMost',
        tolerance: 1e-12,
        reason: () =>
          `largest drop is at ${worst.at}: ${fmt(worst.base)} → ${fmt(worst.cand)} (${dropText(result.metric, worst.drop)})`,
      });
    }
  }
  if (g.minCorruptionAccuracy !== undefined) {
    const v = result.candidate.corruptedAccuracy;
    const base = result.baseline?.corruptedAccuracy;
    rule('minCorruptionAccuracy', `corrupted accuracy ≥ ${pct(g.minCorruptionAccuracy)}`, {
      value: Number.isFinite(v) ? v : null,
      ...(base !== undefined ? { baseline: base } : {}),
      bound: 'atLeast',
      reason: () => `mean accuracy over all corrupted images is ${pct(v)}`,
    });
  }
  if (g.maxFlipRate !== undefined) {
    const rates = result.transforms.map((t) => ({
      t,
      r: result.candidate.flipRate[`t:${t}`] ?? NaN,
    }));
    const worst = rates.reduce((a, b) => (b.r > a.r ? b : a), { t: '', r: -Infinity });
    rule('maxFlipRate', `transform flip rate ≤ ${pct(g.maxFlipRate)}`, {
      value: Number.isFinite(worst.r) ? worst.r : null,
      bound: 'atMost',
      reason: () =>
        Number.isFinite(worst.r)
          ? `highest flip rate is ${pct(worst.r)} under ${worst.t}`
          : 'no transforms configured',
    });
  }
  const cmp = result.comparison;
  const noBaseline = () => 'no baseline to compare with';
  /** The rule on a compared value's drop (mPC, rPC) from the baseline to the candidate. */
  const dropRule = (
    key: 'maxMPCDrop' | 'maxRPCDrop',
    label: string,
    c: RobustnessDelta | undefined,
    change: (c: RobustnessDelta, drop: number) => string,
  ) => {
    const drop = c ? c.baseline - c.candidate : NaN;
    rule(key, label, {
      value: c && Number.isFinite(c.candidate) ? c.candidate : null,
      ...(c && Number.isFinite(c.baseline) ? { baseline: c.baseline } : {}),
      measured: Number.isFinite(drop) ? drop : null,
      bound: 'atMost',
      tolerance: 1e-12,
      reason: () => (c ? change(c, drop) : noBaseline()),
    });
  };
  if (g.maxMPCDrop !== undefined)
    dropRule(
      'maxMPCDrop',
      `mPC drop ≤ ${g.maxMPCDrop.toFixed(3)}`,
      cmp?.mPC,
      (c, drop) =>
        `mPC (mean mAP under corruption) ${c.baseline.toFixed(3)} → ${c.candidate.toFixed(3)} (${dropText('map', drop)}${c.interval ? `; Δ ${Math.round(c.interval.confidence * 100)}% CI [${signed(c.interval.lower)}, ${signed(c.interval.upper)}]` : ''})`,
    );
  if (g.maxRPCDrop !== undefined)
    dropRule(
      'maxRPCDrop',
      `rPC drop ≤ ${pct(g.maxRPCDrop)}`,
      cmp?.rPC,
      (c, drop) =>
        `rPC (mPC / clean mAP) ${pct(c.baseline)} → ${pct(c.candidate)} (${dropText(undefined, drop)})`,
    );
  if (g.minRPC !== undefined) {
    const v = result.candidate.rPC;
    const base = result.baseline?.rPC;
    rule('minRPC', `rPC ≥ ${pct(g.minRPC)}`, {
      value: v !== undefined && Number.isFinite(v) ? v : null,
      ...(base !== undefined && Number.isFinite(base) ? { baseline: base } : {}),
      bound: 'atLeast',
      reason: () =>
        v !== undefined && Number.isFinite(v)
          ? `rPC (mPC / clean mAP) is ${pct(v)}`
          : 'rPC is undefined: no corruption has a defined mAP, or the clean mAP is 0',
    });
  }
  if (g.minConsistency !== undefined) {
    const rates = result.transforms.map((t) => ({
      t,
      r: result.candidate.consistency?.[t] ?? NaN,
    }));
    const worst = rates.reduce((a, b) => (b.r < a.r ? b : a), { t: '', r: Infinity });
    rule('minConsistency', `transform consistency ≥ ${pct(g.minConsistency)}`, {
      value: Number.isFinite(worst.r) ? worst.r : null,
      bound: 'atLeast',
      reason: () =>
        Number.isFinite(worst.r)
          ? `lowest detection consistency is ${pct(worst.r)} under ${worst.t}`
          : 'no transform with detections configured',
    });
  }
  return checks.map(judge);
}
