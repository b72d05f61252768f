/**
 * The data suite as the analysis layer runs it: checks of the evaluation data itself (index.ts
 * runs them), on the evaluated examples, their clean records and the engine's data scan of each
 * image. It looks at the whole dataset (duplicates across it), so it runs in `merge`, not in
 * shard runs; `merge` scans the images, so it runs only where they are.
 */
import { checkNamedColumns } from '../../analysis/columns.js';
import type { ImageScans, Suite, SuiteNeeds } from '../../analysis/suite.js';
import type { DataSuiteConfig } from '../../config/data.js';
import { UserError } from '../../errors.js';
import { selectGroundTruth } from '../../tables/detections.js';
import type { ClassPrediction, ExampleGroundTruth } from '../../tasks/task.js';
import type { Example } from '../../types.js';
import { dataScanSettings, runDataSuite, type DataSuiteResult } from './index.js';
import { renderDataSection } from './render.js';
import { dataResultSchema } from './schema.js';
import type { DataSuiteInput } from './types.js';

export const dataSuite: Suite<'data', DataSuiteConfig, DataSuiteResult, typeof dataResultSchema> = {
  name: 'data',
  resultSchema: dataResultSchema,

  plan: (ctx) => {
    const cfg = ctx.config.data;
    if (!cfg?.enabled) return undefined;
    if (!ctx.task.classPredictions && cfg.representativity.expected.label !== undefined) {
      const line = ctx.lineOf(['data', 'representativity', 'expected', 'label']);
      throw new UserError(
        'config',
        `${ctx.configName}${line ? `:${line}` : ''}: data.representativity.expected.label: ${ctx.task.name} images have no single label to compare with class shares (the box check reports objects per class): remove it`,
      );
    }
    if (cfg.bias.enabled)
      checkNamedColumns(
        ctx,
        cfg.bias.attributes.map((c, i) => [['data', 'bias', 'attributes', i], c] as const),
      );
    return cfg;
  },

  needs: (cfg) => ({
    wholeDataset: true,
    ...imageScanNeeds(cfg),
    // Full probability vectors are only read by the label-issue check; for a 1000-class model
    // they are 12 kB per record, so they are kept only when it runs.
    scores: cfg.labelIssues.enabled,
    manifests: {
      ...(cfg.trainManifest ? { train: cfg.trainManifest } : {}),
      ...(cfg.referenceManifest ? { reference: cfg.referenceManifest } : {}),
    },
  }),

  analyse(ctx, cfg) {
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
    const objects = ctx.groundTruth && objectsOf(ctx.groundTruth, examples);
    return runDataSuite(
      {
        examples,
        classes: ctx.classes,
        candidate,
        ...(baseline.length > 0 ? { baseline } : {}),
        ...(objects ? { objects } : {}),
        ...(train ? { train } : {}),
        ...(reference ? { reference } : {}),
        ...(ctx.imageScans ? { scans: scansOf(ctx.imageScans, frame.exRows) } : {}),
      },
      cfg,
    );
  },

  render: (result) => renderDataSection(result),
};

/**
 * The data scan the config's checks need: the evaluation images for duplicates, image
 * properties and leakage; the training manifest's for leakage; the reference's for drift.
 */
function imageScanNeeds(cfg: DataSuiteConfig): Pick<SuiteNeeds, 'imageScan'> {
  const leakage = cfg.leakage.enabled && cfg.trainManifest !== undefined;
  const drift = cfg.imageProperties.enabled && cfg.referenceManifest !== undefined;
  if (!cfg.duplicates.enabled && !cfg.imageProperties.enabled && !leakage) return {};
  const manifests = [...(leakage ? ['train'] : []), ...(drift ? ['reference'] : [])];
  return {
    imageScan: {
      ...dataScanSettings(cfg),
      ...(manifests.length > 0 ? { manifests } : {}),
      concurrency: cfg.concurrency,
    },
  };
}

/** The ground truth of the evaluated examples, in their order, with the images' sizes. */
function objectsOf(
  gt: ExampleGroundTruth,
  examples: readonly Example[],
): NonNullable<DataSuiteInput['objects']> {
  const rows = examples.map((e) => {
    const row = gt.rowOf.get(e.id);
    // The examples are the dataset's images: one without ground truth is a bug.
    if (row === undefined) throw new Error(`no ground truth for example ${e.id}`);
    return row;
  });
  const sizes = gt.sizes;
  return {
    columns: selectGroundTruth(gt.columns, rows),
    ...(sizes
      ? {
          sizes: {
            widths: rows.map((r) => sizes.widths[r]!),
            heights: rows.map((r) => sizes.heights[r]!),
          },
        }
      : {}),
  };
}

/** The scans of the evaluated examples, in frame order, and of the manifests. */
function scansOf(
  scans: ImageScans,
  exRows: ArrayLike<number>,
): NonNullable<DataSuiteInput['scans']> {
  const examples = Array.from(exRows, (e) => {
    const scan = scans.examples[e];
    // Every evaluated example was read by the pass (or by merge's scan): a gap is a bug.
    if (!scan) throw new Error(`no image scan for example row ${e}`);
    return scan;
  });
  const { train, reference } = scans.manifests;
  return { examples, ...(train ? { train } : {}), ...(reference ? { reference } : {}) };
}
