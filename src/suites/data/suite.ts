/**
 * The data suite as the analysis layer runs it: checks of the evaluation data itself (index.ts
 * runs them), on the evaluated examples and their clean records. It looks at the whole dataset
 * (duplicates across it), so it runs in `merge`, not in shard runs, and it reads the images.
 */
import type { Suite } from '../../analysis/suite.js';
import type { DataSuiteConfig } from '../../config/data.js';
import type { ClassPrediction } from '../../tasks/task.js';
import type { Example } from '../../types.js';
import { runDataSuite, type DataSuiteResult } from './index.js';
import { renderDataSection } from './render.js';
import { dataResultSchema } from './schema.js';

export const dataSuite: Suite<'data', DataSuiteConfig, DataSuiteResult, typeof dataResultSchema> = {
  name: 'data',
  resultSchema: dataResultSchema,

  plan: (ctx) => (ctx.config.data?.enabled ? ctx.config.data : undefined),

  needs: (cfg) => ({
    wholeDataset: true,
    images: true,
    // Full probability vectors are only read by the label-issue check; for a 1000-class model
    // they are 12 kB per record, so they are kept only when it runs.
    scores: cfg.labelIssues.enabled,
    manifests: {
      ...(cfg.trainManifest ? { train: cfg.trainManifest } : {}),
      ...(cfg.referenceManifest ? { reference: cfg.referenceManifest } : {}),
    },
  }),

  async analyse(ctx, cfg) {
    const { frame, pairing, task } = ctx;
    // The suite works on example and record objects (it reads images anyway): made here, for it.
    // Label issues and group disparity need one class prediction per example: a task without
    // them gives none, and those checks say they were skipped.
    const candidate = task.classPredictions?.(pairing.candidate) ?? [];
    // Only baseline records paired with a candidate record (same id, same image bytes) count.
    const baseline: ClassPrediction[] = [];
    const baseTable = pairing.baseline;
    const baseAll = baseTable && task.classPredictions?.(baseTable);
    if (baseAll) {
      for (let i = 0; i < pairing.candidate.length; i++) {
        const j = pairing.baseRow[i]!;
        if (j >= 0) baseline.push({ ...baseAll[j]!, model: 'baseline' });
      }
    }
    const examples: Example[] = Array.from(frame.exRows, (e) => ctx.examples.at(e));
    const { train, reference } = ctx.manifests;
    return runDataSuite(
      {
        examples,
        classes: ctx.classes,
        candidate,
        ...(baseline.length > 0 ? { baseline } : {}),
        ...(train ? { train } : {}),
        ...(reference ? { reference } : {}),
      },
      cfg,
    );
  },

  render: (result) => renderDataSection(result),
};
