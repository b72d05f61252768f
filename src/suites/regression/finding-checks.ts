/**
 * The regression suite's own rule, `regression.newlyFailing`: with no slice gate configured, a
 * slice that got worse than the rest of the data (analysis/findings.ts) is newly failing. It is
 * contributed as gate checks, one per tested slice, and judged like every other rule.
 */
import type { Excess } from '../../analysis/findings.js';
import { judge } from '../../gates/check.js';
import type { GateTarget } from '../../gates/metric-rules.js';
import type { GateResult } from '../../gates/result.js';

const sign = (x: number) => (x > 0 ? '+' : x < 0 ? '−' : '±');
const pp = (x: number) => `${sign(x)}${Math.abs(x * 100).toFixed(1)} pp`;
const pct = (x: number | undefined) => (x === undefined ? '?' : `${(x * 100).toFixed(1)}%`);
/** A metric that is not a rate (detection's map) in its own units, as the comment shows it. */
const signed = (x: number) => `${sign(x)}${Math.abs(x).toFixed(4)}`;
const plain = (x: number | undefined) => (x === undefined ? '?' : x.toFixed(4));
const pText = (p: number) => (p < 0.001 ? 'p<0.001' : `p=${p.toFixed(3)}`);

/**
 * One check per tested slice: the measured number is the smaller of the slice's own drop and its
 * drop beyond the rest, held against `minDrop`; it counts only when the excess-drop test is
 * significant after correction and the slice is not explained by another finding.
 */
export function findingChecks(
  items: readonly { key: string; target: GateTarget; excess: Excess }[],
  options: { metric: string; rate: boolean; minDrop: number; level: 'warn' | 'fail' },
): GateResult[] {
  const { metric, minDrop, level } = options;
  const [delta, value] = options.rate ? [pp, pct] : [signed, plain];
  const by = options.rate ? `${(minDrop * 100).toFixed(1)} pp` : String(minDrop);
  const rule = `${metric} no worse than the rest of the data by more than ${by} (if significant)`;
  return items.map(({ key, target, excess: e }) => {
    const beyond = e.restChange === null ? 0 : e.restChange - e.change;
    return judge({
      index: -1,
      configKey: 'regression.newlyFailing',
      kind: 'suite',
      rule,
      metric,
      scope: 'slices',
      target: key,
      value: target.candidate[metric] ?? null,
      baseline: target.baseline?.[metric] ?? null,
      measured: Math.min(-e.change, beyond),
      bound: 'atMost',
      thresholds: { [level]: minDrop },
      significance: { required: true, significant: e.finding && e.collapsedInto === undefined },
      reason: (d) => {
        const moved = `${metric} on ${key} ${delta(e.change)} (${value(target.baseline?.[metric] ?? undefined)} → ${value(target.candidate[metric] ?? undefined)}) while the rest moved ${e.restChange === null ? '?' : delta(e.restChange)}; adjusted ${pText(e.pAdjusted)}`;
        if (d.status !== 'pass') return `${moved}: worse than the rest of the data`;
        if (e.collapsedInto !== undefined)
          return `${moved}: explained by ${e.collapsedInto} (no worse than it, nothing beyond it)`;
        return `${moved}: not worse than the rest beyond noise and regression.newlyFailing.minDrop`;
      },
    });
  });
}
