/**
 * A gate result: one rule applied to one target, as report.json lists it. Every suite's rules
 * end up as these (see gates/check.ts).
 */
import { z } from 'zod';

export const gateResultSchema = z.object({
  index: z
    .number()
    .int()
    .describe('Index of the rule in the config gates list; -1 for pinned cases.'),
  rule: z.string().describe('The rule in words, e.g. "accuracy ≥ 0.85".'),
  metric: z.string(),
  scope: z.string(),
  target: z.string().describe('"overall" or the slice key it was applied to.'),
  kind: z.enum(['min', 'max', 'maxDrop', 'pinned', 'suite']),
  value: z.number().nullable(),
  baseline: z.number().nullable().optional(),
  threshold: z.number(),
  level: z.enum(['warn', 'fail']),
  status: z.enum(['pass', 'warn', 'fail', 'skipped']),
  significant: z
    .boolean()
    .optional()
    .describe('For maxDrop: whether the worsening is statistically significant.'),
  configKey: z
    .string()
    .optional()
    .describe('Dotted config key of a suite gate, e.g. robustness.gates.maxRelativeMCE.'),
  reason: z.string(),
});

export type GateResult = z.infer<typeof gateResultSchema>;
