/**
 * The regression suite's result: the body of report.json (`overall`, `slices`, `examples`).
 */
import { z } from 'zod';
import { pairedStatsSchema } from '../../analysis/significance.js';
import { metricValuesSchema } from '../../metrics/values.js';

const predicate = z.object({ column: z.string(), value: z.string() });

export const sliceSchema = z.object({
  key: z
    .string()
    .describe('Human key, e.g. "lighting=dim", "lighting=dim & source=phone", "class=Coat".'),
  kind: z.enum(['column', 'crossing', 'class', 'discovered']),
  predicates: z.array(predicate),
  n: z.number().int(),
  gated: z.boolean().describe('false when n < slices.minSupport: reported, never gated.'),
  candidate: metricValuesSchema,
  baseline: metricValuesSchema.optional(),
  delta: metricValuesSchema
    .optional()
    .describe('candidate − baseline on the examples both evaluated (paired).'),
  paired: z.number().int().optional(),
  stats: pairedStatsSchema.optional(),
  discovered: z
    .object({
      target: z
        .enum(['errors', 'regressions'])
        .describe('errors: candidate mistakes; regressions: examples newly wrong vs the baseline.'),
      score: z.number(),
      meanError: z.number(),
    })
    .optional(),
  status: z.enum(['pass', 'warn', 'fail', 'ungated']),
  newlyFailing: z
    .boolean()
    .describe('met every gate on the baseline and misses one on the candidate'),
});

export const exampleChangeSchema = z.object({
  id: z.string(),
  path: z.string(),
  label: z.string(),
  baselinePred: z.string(),
  candidatePred: z.string(),
  candidateConf: z.number(),
  metadata: z.record(z.string(), z.string()),
});

export const regressionResultSchema = z.object({
  overall: z.object({
    candidate: metricValuesSchema,
    baseline: metricValuesSchema.optional(),
    delta: metricValuesSchema.optional(),
    stats: pairedStatsSchema.optional(),
    n: z.number().int(),
    confusion: z.array(z.array(z.number().int())),
    perClass: z.array(
      z.object({
        class: z.string(),
        precision: z.number(),
        recall: z.number(),
        f1: z.number(),
        support: z.number().int(),
      }),
    ),
  }),
  slices: z.array(sliceSchema),
  examples: z.object({
    newlyFailing: z
      .array(exampleChangeSchema)
      .describe(
        'Most confident mistakes first; at most report.maxListedExamples (counts.newlyFailing has the total, records.jsonl every prediction).',
      ),
    newlyFixed: z
      .array(exampleChangeSchema)
      .describe('By id; at most report.maxListedExamples (counts.newlyFixed has the total).'),
    counts: z.object({
      newlyFailing: z.number().int(),
      newlyFixed: z.number().int(),
      bothWrong: z.number().int(),
    }),
  }),
});

export type RegressionResult = z.infer<typeof regressionResultSchema>;
export type SliceReport = z.infer<typeof sliceSchema>;
export type ExampleChange = z.infer<typeof exampleChangeSchema>;
