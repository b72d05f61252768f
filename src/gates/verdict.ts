import type { Level } from '../types.js';
import type { GateResult } from './result.js';

/** When the step / command should fail: on a failed gate (error), on a warning too, or never. */
export type FailOn = 'error' | 'warning' | 'never';

/** Exit code for a verdict under a fail-on policy: 1 means "gate failed". */
export function exitCodeFor(verdict: Level, failOn: FailOn): 0 | 1 {
  if (failOn === 'never') return 0;
  if (verdict === 'fail') return 1;
  if (verdict === 'warn' && failOn === 'warning') return 1;
  return 0;
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
