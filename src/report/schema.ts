import { z } from 'zod';

/**
 * report.json: the machine-readable result of a run. Versioned; the JSON Schema generated from
 * this file is published as schemas/report.schema.json. Readers must check `schemaVersion`.
 * Bump the version on any change that removes or re-means a field; adding optional fields is not
 * a bump.
 */
export const REPORT_SCHEMA_VERSION = 1;

const level = z.enum(['pass', 'warn', 'fail']);
export const metricValuesSchema = z
  .record(z.string(), z.number().nullable())
  .describe(
    'Scalar metrics by name (accuracy, top5_accuracy, macro_f1, ece, brier, ...). null: undefined for this set (e.g. empty).',
  );

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
    })
    .optional(),
});

const predicate = z.object({ column: z.string(), value: z.string() });

export const pairedStatsSchema = z
  .object({
    intervals: z
      .record(z.string(), z.object({ lower: z.number(), upper: z.number() }))
      .describe('Paired bootstrap percentile interval of each metric delta.'),
    mcnemar: z
      .object({ b: z.number().int(), c: z.number().int(), p: z.number() })
      .describe(
        'Exact McNemar test on accuracy: b = only baseline right, c = only candidate right.',
      ),
    pAdjusted: z
      .number()
      .optional()
      .describe('McNemar p after Benjamini-Hochberg across overall and all slices.'),
    significant: z.boolean().optional(),
  })
  .describe('Uncertainty of the deltas (present when a baseline was compared).');

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

const exampleChange = z.object({
  id: z.string(),
  path: z.string(),
  label: z.string(),
  baselinePred: z.string(),
  candidatePred: z.string(),
  candidateConf: z.number(),
  metadata: z.record(z.string(), z.string()),
});

export const reportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  tool: z.object({ name: z.literal('visiongate'), version: z.string() }),
  name: z.string().describe('Config key (config `name`).'),
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
  comparison: z.object({
    baseline: z.enum(['none', 'model', 'stored']),
    paired: z
      .number()
      .int()
      .describe('Examples compared between baseline and candidate (same id and same image bytes).'),
    changed: z
      .array(z.string())
      .describe('Ids whose image bytes differ from the baseline run: not compared.'),
    added: z.array(z.string()).describe('Ids the baseline run did not have.'),
    removed: z.array(z.string()).describe('Ids the baseline run had that this dataset does not.'),
  }),
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
      .array(exampleChange)
      .describe(
        'Most confident mistakes first; at most report.maxListedExamples (counts.newlyFailing has the total, records.jsonl every prediction).',
      ),
    newlyFixed: z
      .array(exampleChange)
      .describe('By id; at most report.maxListedExamples (counts.newlyFixed has the total).'),
    counts: z.object({
      newlyFailing: z.number().int(),
      newlyFixed: z.number().int(),
      bothWrong: z.number().int(),
    }),
  }),
  pinned: z.array(
    z.object({
      id: z.string(),
      status: z.enum(['pass', 'fail', 'missing']),
      label: z.string().optional(),
      pred: z.string().optional(),
    }),
  ),
  gates: z.array(gateResultSchema),
  suites: z
    .record(z.string(), z.unknown())
    .describe('Results of the robustness and data suites, by suite name.'),
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
export type SliceReport = z.infer<typeof sliceSchema>;
export type GateResult = z.infer<typeof gateResultSchema>;
export type ExampleChange = z.infer<typeof exampleChange>;
export type MetricValues = z.infer<typeof metricValuesSchema>;
export type PairedStatsReport = z.infer<typeof pairedStatsSchema>;
