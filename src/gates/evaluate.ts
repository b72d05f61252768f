import type { GateRule } from '../config/schema.js';
import type { MetricDirection } from '../metrics/classification.js';
import type { MetricValues } from '../metrics/values.js';
import type { GateResult } from './result.js';
import { isSignificantWorsening, type SignificanceEvidence } from './significance.js';
import type { Level } from '../types.js';

/** What a gate rule can be applied to: the whole set or one slice. */
export interface GateTarget {
  key: string;
  kind: 'overall' | 'column' | 'crossing' | 'class' | 'discovered';
  columns: string[];
  gated: boolean;
  candidate: MetricValues;
  baseline?: MetricValues;
  delta?: MetricValues;
  /** Paired statistics (intervals, McNemar) when a baseline was compared. */
  stats?: SignificanceEvidence;
}

const fmt = (x: number) =>
  Math.abs(x) >= 100 ? x.toFixed(0) : Number(x.toPrecision(4)).toString();

/** Does this rule's scope select this target? */
export function scopeSelects(scope: string, t: GateTarget): boolean {
  if (scope === 'overall') return t.kind === 'overall';
  if (t.kind === 'overall' || !t.gated) return false;
  if (scope === 'slices') return true;
  if (scope === 'classes') return t.kind === 'class';
  if (scope.startsWith('column:')) return t.kind === 'column' && t.columns[0] === scope.slice(7);
  if (scope.startsWith('slice:')) return normaliseKey(t.key) === normaliseKey(scope.slice(6));
  return false;
}

function normaliseKey(key: string): string {
  return key
    .split('&')
    .map((p) => p.trim())
    .sort()
    .join(' & ');
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
  values: MetricValues = t.candidate,
): GateResult[] {
  const results: GateResult[] = [];
  const value = values[rule.metric] ?? null;
  const base = t.baseline?.[rule.metric] ?? null;
  const common = {
    index,
    metric: rule.metric,
    scope: rule.scope,
    target: t.key,
    level: rule.level,
  } as const;
  const failStatus: Level = rule.level;
  const where = t.kind === 'overall' ? '' : ` on ${t.key}`;
  if (rule.min !== undefined) {
    const ok = value !== null && value >= rule.min;
    results.push({
      ...common,
      rule: `${rule.metric} ≥ ${fmt(rule.min)}`,
      kind: 'min',
      value,
      baseline: base,
      threshold: rule.min,
      status: value === null ? 'skipped' : ok ? 'pass' : failStatus,
      reason:
        value === null
          ? `${rule.metric} is undefined${where}`
          : `${rule.metric}${where} is ${fmt(value)} (${ok ? 'meets' : 'below'} ${fmt(rule.min)})`,
    });
  }
  if (rule.max !== undefined) {
    const ok = value !== null && value <= rule.max;
    results.push({
      ...common,
      rule: `${rule.metric} ≤ ${fmt(rule.max)}`,
      kind: 'max',
      value,
      baseline: base,
      threshold: rule.max,
      status: value === null ? 'skipped' : ok ? 'pass' : failStatus,
      reason:
        value === null
          ? `${rule.metric} is undefined${where}`
          : `${rule.metric}${where} is ${fmt(value)} (${ok ? 'within' : 'above'} ${fmt(rule.max)})`,
    });
  }
  if (rule.maxDrop !== undefined) {
    const delta = t.delta?.[rule.metric] ?? null;
    const rule_ = `${rule.metric} drop ≤ ${fmt(rule.maxDrop)}`;
    if (delta === null || t.delta === undefined) {
      results.push({
        ...common,
        rule: rule_,
        kind: 'maxDrop',
        value,
        baseline: base,
        threshold: rule.maxDrop,
        status: 'skipped',
        reason:
          t.baseline === undefined ? 'no baseline to compare with' : `no paired examples${where}`,
      });
    } else {
      const drop = direction === 'higher-is-better' ? -delta : delta;
      // A tolerance of 1e-12 keeps float noise in sums from failing an exactly-equal drop.
      const exceeds = drop > rule.maxDrop + 1e-12;
      const significant = t.stats
        ? isSignificantWorsening(t.stats, rule.metric, direction === 'higher-is-better')
        : undefined;
      const excused = exceeds && rule.significant && significant !== true;
      const p = t.stats && rule.metric === 'accuracy' ? t.stats.pAdjusted : undefined;
      const sig =
        significant === undefined
          ? ''
          : `; ${significant ? 'significant' : 'not significant'}${p !== undefined ? ` (adjusted p=${fmt(p)})` : ''}`;
      results.push({
        ...common,
        rule: `${rule_}${rule.significant ? ' (if significant)' : ''}`,
        kind: 'maxDrop',
        value,
        baseline: base,
        threshold: rule.maxDrop,
        status: !exceeds || excused ? 'pass' : failStatus,
        ...(significant !== undefined ? { significant } : {}),
        reason: `${rule.metric}${where} ${drop > 0 ? `worsened by ${fmt(drop)}` : drop < 0 ? `improved by ${fmt(-drop)}` : 'unchanged'} vs baseline (${base === null ? '?' : fmt(base)} → ${value === null ? '?' : fmt(value)}; allowed drop ${fmt(rule.maxDrop)}${sig})${excused ? ': within noise, not failed' : ''}`,
      });
    }
  }
  return results;
}

/** The worst of a set of statuses: fail > warn > pass (skipped counts as pass). */
export function worst(statuses: Iterable<string>): Level {
  let out: Level = 'pass';
  for (const s of statuses) {
    if (s === 'fail') return 'fail';
    if (s === 'warn') out = 'warn';
  }
  return out;
}

export interface GateOutcome {
  results: GateResult[];
  /** Status per target key (targets no rule selected are absent). */
  status: Map<string, Level>;
  /** Slice keys that met every selecting rule on the baseline and miss one on the candidate. */
  newlyFailing: Set<string>;
}

/**
 * Apply every rule to every target it selects. A slice is newly failing when the baseline's own
 * values meet the rule's absolute bounds (a drop vs itself is zero) and the candidate misses any.
 */
export function evaluateGates(
  rules: readonly GateRule[],
  directions: ReadonlyMap<string, MetricDirection>,
  targets: readonly GateTarget[],
): GateOutcome {
  const results: GateResult[] = [];
  const status = new Map<string, Level>();
  const baselinePasses = new Map<string, boolean>();
  rules.forEach((rule, index) => {
    const direction = directions.get(rule.metric) ?? 'higher-is-better';
    let selected = 0;
    for (const t of targets) {
      if (!scopeSelects(rule.scope, t)) continue;
      selected++;
      const rs = applyRule(rule, index, direction, t);
      results.push(...rs);
      status.set(t.key, worst([status.get(t.key) ?? 'pass', ...rs.map((r) => r.status)]));
      if (t.baseline) {
        const absolute = { ...rule, maxDrop: undefined };
        const baseOk = applyRule(absolute, index, direction, t, t.baseline).every(
          (r) => r.status !== 'fail' && r.status !== 'warn',
        );
        baselinePasses.set(t.key, (baselinePasses.get(t.key) ?? true) && baseOk);
      }
    }
    // A scope that selects nothing (a typo such as column:lihgting, a value absent from the data,
    // or only slices under slices.minSupport) is reported as skipped, never passed silently.
    if (selected === 0) {
      const none: GateTarget = {
        key: rule.scope,
        kind: 'discovered',
        columns: [],
        gated: false,
        candidate: {},
      };
      const reason = `no gated target matches scope "${rule.scope}" (no such slice, or fewer than slices.minSupport examples)`;
      for (const r of applyRule(rule, index, direction, none))
        results.push({ ...r, status: 'skipped', reason });
    }
  });
  const newlyFailing = new Set<string>();
  for (const t of targets) {
    if (t.kind === 'overall') continue;
    const s = status.get(t.key);
    if (s && s !== 'pass' && baselinePasses.get(t.key) === true) newlyFailing.add(t.key);
  }
  return { results, status, newlyFailing };
}

/**
 * Gate results grouped by the rule that produced them (config index or suite key, kind and
 * status), in first-seen order: a rule failing on many slices is one group, which the comment,
 * annotations and check runs show as one entry.
 */
export function groupByRule(gates: readonly GateResult[]): GateResult[][] {
  const groups = new Map<string, GateResult[]>();
  for (const g of gates) {
    const key = `${g.index}|${g.configKey ?? ''}|${g.kind}|${g.status}`;
    const group = groups.get(key);
    if (group) group.push(g);
    else groups.set(key, [g]);
  }
  return [...groups.values()];
}
