import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { resolveFromConfig } from '../config/load.js';
import { loadDataset } from '../dataset/load.js';
import type { GateResult } from '../report/schema.js';
import { runDataSuite, type DataSuiteResult, type ManifestItem } from '../suites/data/index.js';
import type { Example, PredictionRecord } from '../types.js';

/** Load a training or reference manifest for the data suite (same formats as the dataset). */
async function loadItems(loaded: LoadedConfig, manifest: string): Promise<ManifestItem[]> {
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
  return raw.rows.map((r) => ({
    id: r.id,
    absPath: r.absPath,
    label: r.label,
    metadata: r.metadata,
  }));
}

/**
 * Run the data suite (config `data:`) on the evaluated examples and the clean records. Paths of
 * the train and reference manifests are resolved like the dataset manifest, their images under
 * the dataset root when they sit next to the dataset manifest, else next to themselves.
 */
export async function runDataChecks(
  loaded: LoadedConfig,
  examples: readonly Example[],
  classes: readonly string[],
  records: readonly PredictionRecord[],
  storedBaseline: readonly PredictionRecord[] | undefined,
): Promise<{ result: DataSuiteResult; gates: GateResult[] } | undefined> {
  const cfg = loaded.config.data;
  if (!cfg?.enabled) return undefined;
  const clean = (role: string) => records.filter((r) => r.model === role && r.variant === 'clean');
  const evaluated = new Map(clean('candidate').map((r) => [r.id, r.hash]));
  // A stored baseline's records are its run's candidate records; only unchanged images count.
  const baseline = storedBaseline
    ? storedBaseline
        .filter((r) => r.variant === 'clean' && evaluated.get(r.id) === r.hash)
        .map((r) => ({ ...r, model: 'baseline' as const }))
    : clean('baseline');
  const result = await runDataSuite(
    {
      examples: examples.filter((e) => evaluated.has(e.id)),
      classes,
      candidate: clean('candidate'),
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
