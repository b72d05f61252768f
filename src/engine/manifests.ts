import path from 'node:path';
import type { ManifestItem } from '../analysis/suite.js';
import type { LoadedConfig } from '../config/load.js';
import { resolveFromConfig } from '../config/load.js';
import { loadDataset } from '../dataset/load.js';

/**
 * Load a training or reference manifest a suite asked for (a CSV, TSV or JSON Lines manifest;
 * for detection its rows need no label). Its
 * path is resolved like the dataset manifest; its images are under the dataset root when it sits
 * next to the dataset manifest, else next to itself.
 */
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
    // A detection image has objects, not a label: its manifests list images (and metadata).
    optionalLabels: loaded.config.task === 'detection',
  });
  const { examples } = raw;
  return examples.ids.map((id, i) => {
    const label = examples.label(i);
    return {
      id,
      absPath: examples.absPath(i),
      ...(label !== '' ? { label } : {}),
      metadata: examples.metadataOf(i),
    };
  });
}

/** Load every manifest the analysis plan asked for, by name. */
export async function loadManifests(
  loaded: LoadedConfig,
  wanted: Readonly<Record<string, string>>,
): Promise<Record<string, ManifestItem[]>> {
  const out: Record<string, ManifestItem[]> = {};
  for (const [name, file] of Object.entries(wanted)) out[name] = await loadItems(loaded, file);
  return out;
}
