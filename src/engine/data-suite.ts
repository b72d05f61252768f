import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { resolveFromConfig } from '../config/load.js';
import { loadDataset } from '../dataset/load.js';
import type { GateResult } from '../report/schema.js';
import { runDataSuite, type DataSuiteResult, type ManifestItem } from '../suites/data/index.js';
import type { ExampleTable } from '../tables/examples.js';
import type { RecordSet } from '../tables/records.js';
import type { Example, ModelRole, PredictionRecord } from '../types.js';

/** Load a training or reference manifest for the data suite (same formats as the dataset). */
export async function loadItems(loaded: LoadedConfig, manifest: string): Promise<ManifestItem[]> {
  const file = resolveFromConfig(loaded, manifest);
  const root =
    loaded.config.dataset.manifest &&
    path.dirname(file) === path.dirname(resolveFromConfig(loaded, loaded.config.dataset.manifest))
      ? resolveFromConfig(loaded, loaded.config.dataset.root)
      : path.dirname(file);
  const raw = await loadDataset({
    root,
    format: 'auto',
    manifest: file,
    columns: {
      path: loaded.config.dataset.columns.path,
      label: loaded.config.dataset.columns.label,
    },
    checkFiles: false,
  });
  const { examples } = raw;
  return examples.ids.map((id, i) => ({
    id,
    absPath: examples.absPath(i),
    label: examples.label(i),
    metadata: examples.metadataOf(i),
  }));
}

/**
 * Run the data suite (config `data:`) on the evaluated examples and the clean records. Paths of
 * the train and reference manifests are resolved like the dataset manifest, their images under
 * the dataset root when they sit next to the dataset manifest, else next to themselves.
 */
export async function runDataChecks(
  loaded: LoadedConfig,
  examples: ExampleTable,
  classes: readonly string[],
  records: RecordSet,
  storedBaseline: RecordSet | undefined,
): Promise<{ result: DataSuiteResult; gates: GateResult[] } | undefined> {
  const cfg = loaded.config.data;
  if (!cfg?.enabled) return undefined;
  // The suite works on example and record objects (it reads images anyway): made here, for it.
  const clean = (set: RecordSet | undefined, role: ModelRole): PredictionRecord[] => {
    const t = set?.table(role, 'clean');
    return t ? Array.from({ length: t.length }, (_, i) => t.at(i)) : [];
  };
  const candidate = clean(records, 'candidate');
  const evaluated = new Map(candidate.map((r) => [r.id, r.hash]));
  // A stored baseline's records are its run's candidate records; only unchanged images count.
  const baseline = storedBaseline
    ? clean(storedBaseline, 'candidate')
        .filter((r) => evaluated.get(r.id) === r.hash)
        .map((r) => ({ ...r, model: 'baseline' as const }))
    : clean(records, 'baseline');
  const evaluatedExamples: Example[] = [];
  for (let i = 0; i < examples.length; i++)
    if (evaluated.has(examples.ids[i]!)) evaluatedExamples.push(examples.at(i));
  const result = await runDataSuite(
    {
      examples: evaluatedExamples,
      classes,
      candidate,
      ...(baseline.length > 0 ? { baseline } : {}),
      ...(cfg.trainManifest ? { train: await loadItems(loaded, cfg.trainManifest) } : {}),
      ...(cfg.referenceManifest
        ? { reference: await loadItems(loaded, cfg.referenceManifest) }
        : {}),
    },
    cfg,
  );
  const gates: GateResult[] = result.gateResults.map((g) => ({
    index: -1,
    configKey: `data.gates.${g.gate}`,
    rule: `${g.metric} ≤ ${g.threshold}`,
    metric: g.metric,
    scope: 'data',
    target: g.check,
    kind: 'suite',
    value: g.value,
    threshold: g.threshold,
    level: g.level === 'fail' ? 'fail' : 'warn',
    status: g.level,
    reason: g.reason,
  }));
  return { result, gates };
}
