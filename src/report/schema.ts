import { z } from 'zod';
import { gateResultSchema } from '../gates/result.js';
import { comparisonSchema } from '../analysis/pairing.js';
import { pinnedResultSchema, pinnedResultSchemaOf } from '../suites/pinned/schema.js';
import { regressionResultSchema, regressionResultSchemaOf } from '../suites/regression/schema.js';
import { suitesResultSchema } from '../suites/registry.js';
import { taskNameSchema, type TaskName } from '../tasks/registry.js';

/**
 * report.json: the machine-readable result of a run. Versioned; the JSON Schema generated from
 * this file is published as schemas/report.schema.json. Readers must check `schemaVersion`.
 * Bump the version on any change that removes or re-means a field; adding optional fields is not
 * a bump.
 */
export const REPORT_SCHEMA_VERSION = 1;

const level = z.enum(['pass', 'warn', 'fail']);

const modelSummary = z.object({
  role: z.enum(['candidate', 'baseline']),
  source: z
    .enum(['model', 'stored'])
    .describe('model: evaluated in this run; stored: records of an earlier run.'),
  path: z.string().optional(),
  sha256: z.string().optional(),
  input: z
    .object({
      name: z.string(),
      layout: z.string(),
      channels: z.string(),
      dtype: z.string(),
      width: z.number(),
      height: z.number(),
      resize: z.string(),
    })
    .optional(),
  stored: z
    .object({
      dir: z.string(),
      createdAt: z.string().optional(),
      commit: z.string().optional(),
      ref: z.string().optional(),
      how: z
        .string()
        .optional()
        .describe(
          'How the stored baseline was found, when looked up (e.g. at the merge base, or the newest of the base branch because the merge base has none).',
        ),
    })
    .optional(),
});

export const reportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  tool: z.object({ name: z.literal('visiongate'), version: z.string() }),
  name: z.string().describe('Config key (config `name`).'),
  task: taskNameSchema,
  createdAt: z.string(),
  verdict: level,
  config: z.object({ file: z.string(), sha256: z.string() }),
  dataset: z.object({
    root: z.string(),
    manifest: z.string().optional(),
    format: z.string(),
    examples: z.number().int(),
    evaluated: z.number().int(),
    classes: z.array(z.string()),
    classSource: z.string(),
    metadataColumns: z.array(z.string()),
    contentHash: z
      .string()
      .describe('sha256 over sorted (id, image sha256) pairs of the evaluated examples.'),
    shard: z.object({ index: z.number().int(), count: z.number().int() }).optional(),
    unused: z
      .object({
        count: z.number().int(),
        files: z
          .array(z.object({ path: z.string(), reason: z.string() }))
          .describe('The first 1000, sorted by path; a folder ends with "/".'),
      })
      .optional()
      .describe(
        'imagefolder: files and folders under the root that are not part of the dataset (hidden, not an image, not in a class folder, a broken link, unreadable, ...).',
      ),
  }),
  models: z.object({ candidate: modelSummary, baseline: modelSummary.optional() }),
  comparison: comparisonSchema,
  ...regressionResultSchema.shape,
  pinned: pinnedResultSchema,
  gates: z.array(gateResultSchema),
  suites: suitesResultSchema,
  unreadable: z.array(z.object({ id: z.string(), reason: z.string() })),
  notices: z
    .array(z.string())
    .describe('Things the reader should know (no baseline, skipped images, ...).'),
  files: z
    .record(z.string(), z.object({ lines: z.number().int(), sha256: z.string() }))
    .optional()
    .describe(
      'The JSON-lines files written next to this report.json (records.jsonl, examples.jsonl): non-blank lines and sha256 of each, so that a truncated or changed copy is refused when the folder is read back (as a stored baseline or a shard).',
    ),
  timing: z
    .record(z.string(), z.number())
    .describe('Seconds per phase. Not part of the result: differs run to run.'),
});

export type Report = z.infer<typeof reportSchema>;

/**
 * report.json of one task: the fields of {@link reportSchema} with the task's own parts in
 * place of the union of every task's (what reading a report parses with: see `perTask`).
 */
export function reportSchemaOf(task: TaskName): z.ZodType<Report> {
  return reportSchema.extend({
    ...regressionResultSchemaOf(task).shape,
    pinned: pinnedResultSchemaOf(task),
  });
}
