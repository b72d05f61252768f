import type { Level } from '../types.js';

/** When the step / command should fail: on a failed gate (error), on a warning too, or never. */
export type FailOn = 'error' | 'warning' | 'never';

/** Exit code for a verdict under a fail-on policy: 1 means "gate failed". */
export function exitCodeFor(verdict: Level, failOn: FailOn): 0 | 1 {
  if (failOn === 'never') return 0;
  if (verdict === 'fail') return 1;
  if (verdict === 'warn' && failOn === 'warning') return 1;
  return 0;
}
