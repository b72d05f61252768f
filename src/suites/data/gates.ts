/**
 * Data-suite gates: each check offers measured values (GateValue); the `gates` config gives
 * `{ warn, fail }` thresholds (a bare number means fail). Pure.
 */
import type { Level } from '../../types.js';
import type { DataGateName, DataGateSetting, DataSuiteConfig } from '../../config/data.js';
import type { DataCheckId, DataGateResult, GateValue } from './types.js';

/** `min*` gates are violated below the threshold, the others above it. */
function isMinGate(gate: DataGateName): boolean {
  return gate.startsWith('min');
}

function normalise(setting: DataGateSetting): { warn?: number; fail?: number } {
  return typeof setting === 'number' ? { fail: setting } : setting;
}

/** Evaluate one measured value against its configured thresholds; undefined when none is set. */
export function evaluateGate(
  check: DataCheckId,
  value: GateValue,
  gates: DataSuiteConfig['gates'],
): DataGateResult | undefined {
  const { warn, fail } = normalise(gates[value.gate]);
  if (warn === undefined && fail === undefined) return undefined;
  const min = isMinGate(value.gate);
  const violates = (t: number): boolean => (min ? value.value < t : value.value > t);
  const op = min ? '<' : '>';
  const okOp = min ? '≥' : '≤';
  const detail = value.detail ? ` (${value.detail})` : '';
  let level: Level = 'pass';
  let threshold: number;
  if (fail !== undefined && violates(fail)) {
    level = 'fail';
    threshold = fail;
  } else if (warn !== undefined && violates(warn)) {
    level = 'warn';
    threshold = warn;
  } else {
    threshold = (fail ?? warn)!;
  }
  const sign = level === 'pass' ? okOp : op;
  const reason = `${value.metric} ${value.format(value.value)}${detail} ${sign} ${value.format(threshold)}${
    level === 'pass' ? '' : ` (${level} threshold of gates.${value.gate})`
  }`;
  return {
    check,
    gate: value.gate,
    metric: value.metric,
    value: value.value,
    threshold,
    level,
    reason,
  };
}

/** The worst level of a list (pass for none). */
export function worstLevel(levels: Iterable<Level>): Level {
  let worst: Level = 'pass';
  for (const l of levels) {
    if (l === 'fail') return 'fail';
    if (l === 'warn') worst = 'warn';
  }
  return worst;
}
