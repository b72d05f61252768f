import type { GateRule } from '../config/schema.js';
import type { MetricDirection } from '../metrics/values.js';
import type { MetricValues } from '../metrics/values.js';
import { judge, type GateCheck } from './check.js';
import type { GateResult } from './result.js';
import { worst } from './verdict.js';
import { isSignificantWorsening, type SignificanceEvidence } from './significance.js';
import type { Level } from '../types.js';

/** What a gate rule can be applied to: the whole set or one slice. */
export interface GateTarget {
  key: string;
  kind: 'overall' | 'column' | 'crossing' | 'class' | 'discovered';
  columns: string[];
  gated: boolean;
  /** Examples in the target. */
  n?: number;
  /**
   * The target has exactly the examples of another (its key, or `overall`): not a separate
   * slice, so only a rule that names it (`slice:<key>`) applies to it.
   */
  sameAs?: string;
  candidate: MetricValues;
  baseline?: MetricValues;
  delta?: MetricValues;
  /** Paired statistics (intervals, McNemar) when a baseline was compared. */
  stats?: SignificanceEvidence;
}

const fmt = (x: number) =>
  Math.abs(x) >= 100 ? x.toFixed(0) : Number(x.toPrecision(4)).toString();

/** A slice key with its predicates in one order and spacing: `b=1 & a=2` and `a=2&b=1` match. */
export function normaliseSliceKey(key: string): string {
  return key
    .split('&')
    .map((p) => p.trim())
    .sort()
    .join(' & ');
}

/** Does this rule's scope select this target? */
export function scopeSelects(scope: string, t: GateTarget): boolean {
  if (scope === 'overall') return t.kind === 'overall';
  if (t.kind === 'overall' || !t.gated) return false;
  if (t.sameAs !== undefined && !scope.startsWith('slice:')) return false;
  if (scope === 'slices') return true;
  if (scope === 'classes') return t.kind === 'class';
  if (scope.startsWith('column:')) return t.kind === 'column' && t.columns[0] === scope.slice(7);
  if (scope.startsWith('slice:'))
    return normaliseSliceKey(t.key) === normaliseSliceKey(scope.slice(6));
  return false;
}

/** How metric rules read a metric: its direction, and whether a paired test decides it. */
export interface RuleOptions {
  /** The values to hold against the rule (default: the target's candidate values). */
  values?: MetricValues;
  /**
   * The metric that is the mean of the task's per-example outcome (classification: accuracy):
   * the exact McNemar test decides whether its worsening is significant; every other metric is
   * decided by the bootstrap interval of its delta.
   */
  pairedMetric?: string;
}

/**
 * Apply one rule to one target. `min`/`max` are absolute bounds on the candidate; `maxDrop` is
 * the largest allowed worsening vs the baseline in the metric's units, direction-aware (a rise in
 * ece is a worsening). Without a baseline a maxDrop check is skipped, never passed silently.
 */
export function applyRule(
  rule: GateRule,
  index: number,
  direction: MetricDirection,
  t: GateTarget,
  options: RuleOptions = {},
): GateResult[] {
  const values = options.values ?? t.candidate;
  const metric = rule.metric;
  const value = values[metric] ?? null;
  const base = t.baseline?.[metric] ?? null;
  const thresholds = (x: number) => ({ [rule.level]: x });
  const common = {
    index,
    metric,
    scope: rule.scope,
    target: t.key,
    value,
    baseline: base,
  } as const;
  const where = t.kind === 'overall' ? '' : ` on ${t.key}`;
  const checks: GateCheck[] = [];
  if (rule.min !== undefined) {
    const min = rule.min;
    checks.push({
      ...common,
      kind: 'min',
      rule: `${metric} ≥ ${fmt(min)}`,
      bound: 'atLeast',
      thresholds: thresholds(min),
      reason: (d) =>
        value === null
          ? `${metric} is undefined${where}`
          : `${metric}${where} is ${fmt(value)} (${d.met ? 'meets' : 'below'} ${fmt(min)})`,
    });
  }
  if (rule.max !== undefined) {
    const max = rule.max;
    checks.push({
      ...common,
      kind: 'max',
      rule: `${metric} ≤ ${fmt(max)}`,
      bound: 'atMost',
      thresholds: thresholds(max),
      reason: (d) =>
        value === null
          ? `${metric} is undefined${where}`
          : `${metric}${where} is ${fmt(value)} (${d.met ? 'within' : 'above'} ${fmt(max)})`,
    });
  }
  if (rule.maxDrop !== undefined) {
    const maxDrop = rule.maxDrop;
    const delta = t.delta?.[metric] ?? null;
    const plain = `${metric} drop ≤ ${fmt(maxDrop)}`;
    if (delta === null || t.delta === undefined) {
      checks.push({
        ...common,
        kind: 'maxDrop',
        rule: plain,
        measured: null,
        bound: 'atMost',
        thresholds: thresholds(maxDrop),
        reason: () =>
          t.baseline === undefined ? 'no baseline to compare with' : `no paired examples${where}`,
      });
    } else {
      const drop = direction === 'higher-is-better' ? -delta : delta;
      const significant = t.stats
        ? isSignificantWorsening(
            t.stats,
            metric,
            direction === 'higher-is-better',
            options.pairedMetric,
          )
        : undefined;
      const p = t.stats && metric === options.pairedMetric ? t.stats.pAdjusted : undefined;
      const sig =
        significant === undefined
          ? ''
          : `; ${significant ? 'significant' : 'not significant'}${p !== undefined ? ` (adjusted p=${fmt(p)})` : ''}`;
      checks.push({
        ...common,
        kind: 'maxDrop',
        rule: `${plain}${rule.significant ? ' (if significant)' : ''}`,
        measured: drop,
        bound: 'atMost',
        thresholds: thresholds(maxDrop),
        // A tolerance of 1e-12 keeps float noise in sums from failing an exactly-equal drop.
        tolerance: 1e-12,
        significance: { required: rule.significant, significant },
        reason: (d) =>
          `${metric}${where} ${drop > 0 ? `worsened by ${fmt(drop)}` : drop < 0 ? `improved by ${fmt(-drop)}` : 'unchanged'} vs baseline (${base === null ? '?' : fmt(base)} → ${value === null ? '?' : fmt(value)}; allowed drop ${fmt(maxDrop)}${sig})${d.excused ? ': within noise, not failed' : ''}`,
      });
    }
  }
  return checks.map(judge);
}

export interface GateOutcome {
  results: GateResult[];
  /** Status per target key (targets no rule selected are absent). */
  status: Map<string, Level>;
  /** Slice keys that met every selecting rule on the baseline and miss one on the candidate. */
  newlyFailing: Set<string>;
  /** Indices of rules whose scope selected no gated target (reported as not evaluated: warn). */
  unmatched: number[];
}

/**
 * Apply every rule to every target it selects. A slice is newly failing when the baseline's own
 * values meet the rule's absolute bounds (a drop vs itself is zero) and the candidate misses any.
 */
export function evaluateGates(
  rules: readonly GateRule[],
  directions: ReadonlyMap<string, MetricDirection>,
  targets: readonly GateTarget[],
  options: Pick<RuleOptions, 'pairedMetric'> & { minSupport?: number } = {},
): GateOutcome {
  const results: GateResult[] = [];
  const status = new Map<string, Level>();
  const baselinePasses = new Map<string, boolean>();
  const unmatched: number[] = [];
  rules.forEach((rule, index) => {
    const direction = directions.get(rule.metric) ?? 'higher-is-better';
    let selected = 0;
    for (const t of targets) {
      if (!scopeSelects(rule.scope, t)) continue;
      selected++;
      const rs = applyRule(rule, index, direction, t, options);
      results.push(...rs);
      status.set(t.key, worst([status.get(t.key) ?? 'pass', ...rs.map((r) => r.status)]));
      if (t.baseline) {
        const absolute = { ...rule, maxDrop: undefined };
        const baseOk = applyRule(absolute, index, direction, t, {
          ...options,
          values: t.baseline,
        }).every((r) => r.status !== 'fail' && r.status !== 'warn');
        baselinePasses.set(t.key, (baselinePasses.get(t.key) ?? true) && baseOk);
      }
    }
    // A scope that selects nothing was not evaluated: never a silent pass. Names the config
    // refuses before inference (an unknown column, value or class) do not get here; what does is
    // a slice under slices.minSupport, or one absent from the evaluated examples (a shard, a
    // value left only on unreadable images): a warning, so the verdict says it.
    if (selected === 0) {
      const none: GateTarget = {
        key: rule.scope,
        kind: 'discovered',
        columns: [],
        gated: false,
        candidate: {},
      };
      const small = targets.filter(
        (t) => t.kind !== 'overall' && !t.gated && scopeSelects(rule.scope, { ...t, gated: true }),
      );
      const twins = targets.filter(
        (t) =>
          t.sameAs !== undefined &&
          scopeSelects(rule.scope, { ...t, sameAs: undefined, gated: true }),
      );
      const reason =
        twins.length > 0
          ? `not evaluated: ${twins.map((t) => `${t.key} has exactly the examples of ${t.sameAs}`).join('; ')} (not a separate slice; scope slice:${twins[0]!.key} to gate it anyway)`
          : small.length > 0
            ? `not evaluated: ${small.length === 1 ? `slice ${small[0]!.key} has ${small[0]!.n ?? '?'} examples, fewer` : `each of its ${small.length} slices has fewer examples`} than slices.minSupport (${options.minSupport ?? '?'}); lower slices.minSupport or add examples`
            : `not evaluated: no evaluated example is in scope "${rule.scope}"`;
      for (const r of applyRule(rule, index, direction, none, options))
        results.push({ ...r, status: 'warn', level: 'warn', reason });
      unmatched.push(index);
    }
  });
  const newlyFailing = new Set<string>();
  for (const t of targets) {
    if (t.kind === 'overall') continue;
    const s = status.get(t.key);
    if (s && s !== 'pass' && baselinePasses.get(t.key) === true) newlyFailing.add(t.key);
  }
  return { results, status, newlyFailing, unmatched };
}
