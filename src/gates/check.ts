/**
 * The gate model. Every suite contributes its rules as {@link GateCheck}s: a measured number,
 * the threshold(s) it is held against and at which level, an optional significance requirement,
 * and the words for the outcome. {@link judge} is the one place that decides pass, warn, fail or
 * skipped; no suite compares a value with a threshold itself.
 */
import type { Level } from '../types.js';
import type { GateResult } from './result.js';

/** How the decision came out, for the reason in words. */
export interface GateDecision {
  status: GateResult['status'];
  /** The level of the threshold the value was held against (the one it missed, if any). */
  level: 'warn' | 'fail';
  threshold: number;
  /** Whether the measured number meets the threshold held against; null when skipped. */
  met: boolean | null;
  /** A miss that passed because the rule requires significance and the worsening is not. */
  excused: boolean;
}

/** One rule applied to one target, as a suite contributes it. */
export interface GateCheck {
  /** Index of the rule in the config's `gates` list; -1 for suite rules and pinned cases. */
  index: number;
  /** Dotted config key of a suite rule, e.g. `robustness.gates.maxRelativeMCE`. */
  configKey?: string;
  kind: GateResult['kind'];
  /** The rule in words, e.g. `accuracy ≥ 0.85`. */
  rule: string;
  metric: string;
  scope: string;
  /** `overall`, a slice key, a check or case id. */
  target: string;
  /** The value shown (the candidate's); null when undefined. */
  value: number | null;
  /** The baseline's value, where the rule has one. */
  baseline?: number | null;
  /** The number held against the thresholds (default: `value`); null: nothing to compare, skipped. */
  measured?: number | null;
  /** `atLeast`: the measured number must be at least the threshold; `atMost`: at most. */
  bound: 'atLeast' | 'atMost';
  /** A miss of `fail` fails; otherwise a miss of `warn` warns. At least one is set. */
  thresholds: { fail?: number; warn?: number };
  /** Slack in the measured number's favour, for float noise in sums (e.g. 1e-12). */
  tolerance?: number;
  /** The rule says `significant: true`: a miss passes unless the worsening is significant. */
  significance?: { required: boolean; significant: boolean | undefined };
  /** The reason in words, given the decision. */
  reason(decision: GateDecision): string;
}

/** Decide one check: the only place a measured number meets a threshold. */
export function judge(check: GateCheck): GateResult {
  const { fail, warn } = check.thresholds;
  if (fail === undefined && warn === undefined)
    throw new Error(`gate ${check.rule}: a check needs a fail or a warn threshold`);
  const measured = check.measured === undefined ? check.value : check.measured;
  const tolerance = check.tolerance ?? 0;
  const meets = (t: number) =>
    check.bound === 'atLeast' ? measured! + tolerance >= t : measured! <= t + tolerance;
  let decision: GateDecision;
  if (measured === null) {
    decision = {
      status: 'skipped',
      level: fail !== undefined ? 'fail' : 'warn',
      threshold: (fail ?? warn)!,
      met: null,
      excused: false,
    };
  } else {
    const missed: Level =
      fail !== undefined && !meets(fail)
        ? 'fail'
        : warn !== undefined && !meets(warn)
          ? 'warn'
          : 'pass';
    const level = missed === 'pass' ? (fail !== undefined ? 'fail' : 'warn') : missed;
    const threshold = (level === 'fail' ? fail : warn)!;
    const excused =
      missed !== 'pass' &&
      check.significance?.required === true &&
      check.significance.significant !== true;
    decision = {
      status: missed === 'pass' || excused ? 'pass' : missed,
      level,
      threshold,
      met: missed === 'pass',
      excused,
    };
  }
  const significant = check.significance?.significant;
  const baseline = check.baseline !== undefined ? { baseline: check.baseline } : {};
  const sig = significant !== undefined && measured !== null ? { significant } : {};
  const reason = check.reason(decision);
  // Field order as report.json has always listed it (metric rules lead with the target, suite
  // rules and pinned cases with the rule), so reports stay byte-comparable across versions.
  if (check.kind === 'min' || check.kind === 'max' || check.kind === 'maxDrop')
    return {
      index: check.index,
      ...(check.configKey !== undefined ? { configKey: check.configKey } : {}),
      metric: check.metric,
      scope: check.scope,
      target: check.target,
      level: decision.level,
      rule: check.rule,
      kind: check.kind,
      value: check.value,
      ...baseline,
      threshold: decision.threshold,
      status: decision.status,
      ...sig,
      reason,
    };
  return {
    index: check.index,
    ...(check.configKey !== undefined ? { configKey: check.configKey } : {}),
    rule: check.rule,
    metric: check.metric,
    scope: check.scope,
    target: check.target,
    kind: check.kind,
    value: check.value,
    ...baseline,
    threshold: decision.threshold,
    level: decision.level,
    status: decision.status,
    ...sig,
    reason,
  };
}
