/**
 * The regression suite's result: the body of report.json (`overall`, `slices`, `examples`).
 */
import { z } from 'zod';
import { excessSchema } from '../../analysis/findings.js';
import { pairedStatsSchema } from '../../analysis/significance.js';
import { metricValuesSchema } from '../../metrics/values.js';
import { perTask, type TaskName } from '../../tasks/registry.js';
import type { ExampleChanges } from '../../tasks/task.js';

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
  excess: excessSchema.optional(),
  sameAs: z
    .string()
    .optional()
    .describe(
      'This slice has exactly the examples of another slice (its key) or of the whole set ("overall"): not a separate test; its statistics are that one\'s.',
    ),
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
    .describe(
      'A finding (got worse than the rest of the data: see `findings`), or met every gate on the baseline and misses one on the candidate.',
    ),
});

const columnNoteSchema = z.object({
  column: z.string(),
  values: z.number().int().describe('Distinct values among the evaluated examples.'),
  how: z
    .enum(['binned', 'skipped'])
    .describe(
      'binned: numeric, sliced into quantile bins (slices.bins); skipped: more than slices.maxValues values and not numeric.',
    ),
  bins: z.number().int().optional(),
});

/** `overall` besides what the task adds (e.g. classification's confusion and per-class scores). */
const overallBaseSchema = z.object({
  candidate: metricValuesSchema,
  baseline: metricValuesSchema.optional(),
  delta: metricValuesSchema.optional(),
  stats: pairedStatsSchema.optional(),
  n: z.number().int(),
});

const countsSchema = z.object({
  newlyFailing: z.number().int(),
  newlyFixed: z.number().int(),
  bothWrong: z.number().int(),
});

/** The regression result of one task, or (without one) of any task (report.json's schema). */
export const regressionResultSchemaOf = (task?: TaskName) =>
  z.object({
    overall: perTask('overall', (extras) => overallBaseSchema.extend(extras.shape), task),
    slices: z.array(sliceSchema),
    findings: z
      .array(z.string())
      .describe(
        'Keys of the slices that got worse than the rest of the data, most important first, after collapsing those another finding explains (docs/statistics.md, "Findings").',
      ),
    columns: z.array(columnNoteSchema).describe('Metadata columns not sliced by value, and why.'),
    examples: perTask(
      'exampleChange',
      (change) =>
        z.object({
          newlyFailing: z
            .array(change)
            .describe(
              'Most surprising first (classification: most confident mistakes); at most report.maxListedExamples (counts.newlyFailing has the total, records.jsonl every prediction).',
            ),
          newlyFixed: z
            .array(change)
            .describe('At most report.maxListedExamples (counts.newlyFixed has the total).'),
          counts: countsSchema,
        }),
      task,
    ),
  });

export const regressionResultSchema = regressionResultSchemaOf();

/** The regression result as computed, before the task's parts are typed by the report schema. */
export interface RegressionRun {
  overall: z.output<typeof overallBaseSchema> & Record<string, unknown>;
  slices: SliceReport[];
  findings: string[];
  columns: z.output<typeof columnNoteSchema>[];
  examples: ExampleChanges<unknown>;
}

export type RegressionResult = z.infer<typeof regressionResultSchema>;
export type SliceReport = z.infer<typeof sliceSchema>;
