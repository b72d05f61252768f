import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadModel, type ValueInfo } from '../model/runtime.js';
import { classFilesIn, modelMetadataSources, type ClassSource } from './class-sources.js';
import {
  hintsFromOnnxMetadata,
  hintsFromPreprocessorConfig,
  mergeHints,
  type PreprocessingHints,
} from './preprocessing-hints.js';

/** What `init` reads from a model file and the files next to it. */
export interface ModelFindings {
  file: string;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  metadata: Record<string, string>;
  /** Preprocessing the model states (ONNX metadata, a preprocessor_config.json beside it). */
  hints: PreprocessingHints;
  /** Class lists in the model's metadata and in files beside it. */
  classSources: ClassSource[];
  /** Things found that could not be used, for the summary. */
  ignored: string[];
}

/**
 * Load the model with ONNX Runtime (its input and output shapes), read its metadata, and look
 * next to it for a Hugging Face `config.json` / `preprocessor_config.json` and class-list files.
 * `show` turns a path into how the summary names it.
 */
export async function inspectModel(
  file: string,
  show: (p: string) => string,
): Promise<ModelFindings> {
  // In process: init runs one model at a time and only reads its shapes.
  const model = await loadModel(file, { thread: 'main' });
  const { inputs, outputs } = model;
  const metadata = model.info.metadata;
  await model.dispose();

  const dir = path.dirname(file);
  const fromMeta = modelMetadataSources(metadata);
  const beside = await classFilesIn(dir, 'model', show);
  let hints = hintsFromOnnxMetadata(metadata);
  const preFile = path.join(dir, 'preprocessor_config.json');
  const preText = await readFile(preFile, 'utf8').catch(() => undefined);
  const ignored = [...fromMeta.ignored, ...beside.ignored];
  if (preText !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(preText);
    } catch (error) {
      ignored.push(`${show(preFile)}: invalid JSON (${(error as Error).message})`);
    }
    // A preprocessor config describes this model's training preprocessing in full; metadata
    // keys fill what it leaves out.
    if (json !== undefined)
      hints = mergeHints(hintsFromPreprocessorConfig(json, show(preFile)), hints);
  }
  return {
    file,
    inputs,
    outputs,
    metadata,
    hints,
    classSources: [...fromMeta.sources, ...beside.sources],
    ignored: [...ignored, ...hints.ignored],
  };
}
