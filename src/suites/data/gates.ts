/**
 * Data-suite rules: each check offers measured values (GateValue); the `gates` config gives
 * `{ warn, fail }` thresholds (a bare number means fail). The checks go to the gate model
 * (gates/check.ts), which decides them.
 */
import type { DataGateName, DataGateSetting, DataSuiteConfig } from '../../config/data.js';
import type { GateCheck } from '../../gates/check.js';
import type { DataCheckId, GateValue } from './types.js';

/** `min*` gates are violated below the threshold, the others above it. */
function isMinGate(gate: DataGateName): boolean {
  return gate.startsWith('min');
}

function normalise(setting: DataGateSetting): { warn?: number; fail?: number } {
  return typeof setting === 'number' ? { fail: setting } : setting;
}

/** The rule a measured value is held against; undefined when no threshold is set (report only). */
export function dataGateCheck(
  check: DataCheckId,
  value: GateValue,
  gates: DataSuiteConfig['gates'],
): GateCheck | undefined {
  const { warn, fail } = normalise(gates[value.gate]);
  if (warn === undefined && fail === undefined) return undefined;
  const min = isMinGate(value.gate);
  const op = min ? '<' : '>';
  const okOp = min ? '≥' : '≤';
  const detail = value.detail ? ` (${value.detail})` : '';
  const rule =
    fail !== undefined && warn !== undefined
      ? `${value.metric} ${okOp} ${fail} (warn beyond ${warn})`
      : `${value.metric} ${okOp} ${(fail ?? warn)!}`;
  return {
    index: -1,
    configKey: `data.gates.${value.gate}`,
    kind: 'suite',
    rule,
    metric: value.metric,
    scope: 'data',
    target: check,
    value: value.value,
    bound: min ? 'atLeast' : 'atMost',
    thresholds: {
      ...(fail !== undefined ? { fail } : {}),
      ...(warn !== undefined ? { warn } : {}),
    },
    reason: (d) =>
      `${value.metric} ${value.format(value.value)}${detail} ${d.status === 'pass' ? okOp : op} ${value.format(d.threshold)}${
        d.status === 'pass' ? '' : ` (${d.status} threshold of gates.${value.gate})`
      }`,
  };
}
