/**
 * A detection dataset from the config's `dataset:` keys: the reader of its format (COCO, YOLO,
 * VOC), then image-level metadata from `dataset.manifest` joined by file name. Paths in the
 * config are relative to the config file, as every other config path.
 */
import path from 'node:path';
import type { DetectionFormat } from '../../config/task.js';
import { detectFormat, readManifest } from '../manifest.js';
import { readCocoDataset } from './coco.js';
import { joinImageMetadata } from './metadata.js';
import type { DetectionDataset } from './types.js';
import { readVocDataset } from './voc.js';
import { readYoloDataset } from './yolo.js';

/** What the loader needs, paths absolute. */
export interface DetectionDatasetSpec {
  format: DetectionFormat;
  /** coco: the folder file names are relative to; yolo: the folder of data.yaml; voc: the VOC folder. */
  root: string;
  /** coco: the instances JSON (required); yolo: data.yaml (default root/data.yaml). */
  annotations?: string;
  /** yolo: the data.yaml split (default val); voc: ImageSets/Main/<split>.txt. */
  split?: string;
  /** Image-level metadata (CSV or JSON Lines) joined by file_name or path. */
  manifest?: string;
  /** voc: class names in class-index order (default: the names found, sorted). */
  classes?: readonly string[];
  /** coco: check that every image file exists (default true; `merge` reads no images). */
  checkFiles?: boolean;
}

/** The spec of a parsed config's `dataset:` (paths resolved against the config's folder). */
export function detectionSpecOf(
  dataset: {
    format: DetectionFormat;
    root: string;
    annotations?: string | undefined;
    split?: string | undefined;
    manifest?: string | undefined;
  },
  configDir: string,
  classes?: readonly string[],
): DetectionDatasetSpec {
  const abs = (p: string) => path.resolve(configDir, p);
  return {
    format: dataset.format,
    root: abs(dataset.root),
    ...(dataset.annotations !== undefined ? { annotations: abs(dataset.annotations) } : {}),
    ...(dataset.split !== undefined ? { split: dataset.split } : {}),
    ...(dataset.manifest !== undefined ? { manifest: abs(dataset.manifest) } : {}),
    ...(classes ? { classes } : {}),
  };
}

/** Read a detection dataset as its format says, with the manifest's metadata joined. */
export async function loadDetectionDataset(spec: DetectionDatasetSpec): Promise<DetectionDataset> {
  let ds: DetectionDataset;
  if (spec.format === 'coco') {
    // The config check requires annotations for coco; a direct caller gets the same rule.
    if (!spec.annotations) throw new RangeError('coco needs the annotation file');
    ds = await readCocoDataset(
      spec.annotations,
      { imagesRoot: spec.root, checkFiles: spec.checkFiles ?? true },
      path.basename(spec.annotations),
    );
  } else if (spec.format === 'yolo') {
    ds = await readYoloDataset(
      spec.annotations ?? path.join(spec.root, 'data.yaml'),
      spec.split !== undefined ? { split: spec.split } : {},
    );
  } else {
    ds = await readVocDataset(spec.root, {
      ...(spec.split !== undefined ? { split: spec.split } : {}),
      ...(spec.classes ? { classes: spec.classes } : {}),
    });
  }
  if (spec.manifest) {
    const rows = await readManifest(detectFormat('auto', spec.manifest), spec.manifest, spec.root);
    ds = joinImageMetadata(ds, rows, path.basename(spec.manifest));
  }
  return ds;
}
