/**
 * Which class list `init` writes, from every list it found: in the model (ONNX metadata), next
 * to it (Hugging Face `config.json` id2label, a `classes.txt`/`.json`), next to the dataset, the
 * ImageFolder folder names, or the labels themselves. The model's output order is what matters,
 * so lists that travel with the model come first; a list is usable only if its length equals the
 * model's number of outputs and it names every label in the data. Lists that disagree with the
 * one chosen (other names, another order, another length) are said, since one of them is wrong.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { classesFromJson, classesFromMetadata, readClassFile } from '../dataset/class-list.js';
import { UserError } from '../errors.js';

/** Where a class list came from, best first (the order of {@link SOURCE_ORDER}). */
export type ClassOrigin =
  | 'model-metadata'
  | 'model-config'
  | 'model-file'
  | 'dataset-file'
  | 'model-names'
  | 'imagefolder'
  | 'labels'
  | 'indices';

const SOURCE_ORDER: readonly ClassOrigin[] = [
  'model-metadata',
  'model-config',
  'model-file',
  'dataset-file',
  'model-names',
  'imagefolder',
  // Before the sorted labels: as strings, "10" sorts before "2".
  'indices',
  'labels',
];

export interface ClassSource {
  origin: ClassOrigin;
  /** For people: `ONNX metadata "classes"`, `models/config.json (id2label)`. */
  where: string;
  /** The file it was read from (file origins). */
  file?: string;
  classes: string[];
}

/** The best of some class lists by where they came from (undefined for none). */
export function bestClassSource(sources: readonly ClassSource[]): ClassSource | undefined {
  const rank = (s: ClassSource) => SOURCE_ORDER.indexOf(s.origin);
  return [...sources].sort((a, b) => rank(a) - rank(b))[0];
}

/** Class-list files looked for next to a model or a dataset, in this order. */
const CLASS_FILES = ['classes.txt', 'classes.json', 'labels.txt', 'labels.json', 'class_names.txt'];

/** Class lists stored in the model: metadata `classes` / `labels` (JSON or a comma list), Ultralytics' `names`. */
export function modelMetadataSources(metadata: Readonly<Record<string, string>>): {
  sources: ClassSource[];
  ignored: string[];
} {
  const sources: ClassSource[] = [];
  const ignored: string[] = [];
  for (const key of ['classes', 'labels']) {
    const value = metadata[key];
    if (value === undefined) continue;
    const classes = classesFromMetadata(value);
    if (classes)
      sources.push({ origin: 'model-metadata', where: `ONNX metadata "${key}"`, classes });
    else ignored.push(`ONNX metadata "${key}" is not a list of class names`);
    break; // the run reads "classes", else "labels": only the first one present counts
  }
  // Ultralytics writes a Python dict repr, {0: 'person', 1: 'bicycle'}: a YAML flow mapping.
  if (metadata.names !== undefined) {
    let parsed: unknown;
    try {
      parsed = parseYaml(metadata.names);
    } catch {
      parsed = undefined;
    }
    const classes = parsed === undefined ? undefined : classesFromJson(parsed);
    if (Array.isArray(classes))
      sources.push({ origin: 'model-names', where: 'ONNX metadata "names"', classes });
    else ignored.push('ONNX metadata "names" is not a class-index → name mapping');
  }
  return { sources, ignored };
}

/**
 * Class-list files in `dir`: config.json's id2label (models only) and {@link CLASS_FILES}.
 * Files that exist but hold no class list are reported in `ignored`.
 */
export async function classFilesIn(
  dir: string,
  side: 'model' | 'dataset',
  show: (file: string) => string,
): Promise<{ sources: ClassSource[]; ignored: string[] }> {
  const sources: ClassSource[] = [];
  const ignored: string[] = [];
  if (side === 'model') {
    const file = path.join(dir, 'config.json');
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      if (json !== null && typeof json === 'object' && 'id2label' in json) {
        const classes = classesFromJson(json);
        if (Array.isArray(classes))
          sources.push({
            origin: 'model-config',
            where: `${show(file)} (id2label)`,
            file,
            classes,
          });
        else ignored.push(`${show(file)}: ${classes}`);
      }
    }
  }
  for (const name of CLASS_FILES) {
    const file = path.join(dir, name);
    const exists = await readFile(file).then(
      () => true,
      () => false,
    );
    if (!exists) continue;
    try {
      const classes = await readClassFile(file);
      if (classes.length > 0)
        sources.push({
          origin: side === 'model' ? 'model-file' : 'dataset-file',
          where: show(file),
          file,
          classes,
        });
    } catch (error) {
      ignored.push((error as Error).message);
    }
  }
  return { sources, ignored };
}

/** What the chosen list is, and what was said about the others. */
export interface ClassChoice {
  chosen: ClassSource;
  /** Sentences about lists that were not used or disagree, for the summary and the config. */
  warnings: string[];
  /** Where else the same list was found. */
  agreeing: string[];
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((c, i) => c === b[i]);

/** How `b` differs from `a`, in a few words. */
function difference(a: readonly string[], b: readonly string[]): string {
  if (a.length !== b.length) return `${b.length} names where ${a.length} are used`;
  const sa = new Set(a);
  if (b.every((c) => sa.has(c))) {
    const i = a.findIndex((c, k) => c !== b[k]);
    return `the same names in another order (position ${i}: "${b[i]}" instead of "${a[i]}")`;
  }
  const other = b.filter((c) => !sa.has(c));
  return `other names (${other
    .slice(0, 3)
    .map((c) => `"${c}"`)
    .join(', ')}${other.length > 3 ? ', …' : ''})`;
}

/**
 * Pick the class list: the first source (best first) whose length equals the model's outputs
 * (when the output shape says it) and that names every label. Labels that are all class
 * indices 0..K−1 get the list "0".."K−1" when no named list holds them. Throws a
 * {@link UserError} naming every list and why it does not fit when none does.
 */
export function chooseClasses(
  sources: readonly ClassSource[],
  labels: readonly string[],
  outputClasses: number | undefined,
): ClassChoice {
  const all = [...sources];
  const k = outputClasses;
  // Integer labels 0..K−1 (a manifest exported with class indices).
  const indices = labels.every((l) => /^(0|[1-9]\d*)$/.test(l))
    ? Math.max(k ?? 0, ...labels.map((l) => Number(l) + 1))
    : 0;
  if (indices > 0 && (k === undefined || indices === k))
    all.push({
      origin: 'indices',
      where: 'the labels, which are class indices',
      classes: Array.from({ length: indices }, (_, i) => String(i)),
    });
  all.sort((a, b) => SOURCE_ORDER.indexOf(a.origin) - SOURCE_ORDER.indexOf(b.origin));

  const problemOf = (s: ClassSource): string | undefined => {
    if (k !== undefined && s.classes.length !== k)
      return `${s.classes.length} names, but the model has ${k} outputs`;
    const known = new Set(s.classes);
    const missing = labels.filter((l) => !known.has(l));
    if (missing.length > 0)
      return `does not name the label${missing.length > 1 ? 's' : ''} ${missing
        .slice(0, 3)
        .map((l) => `"${l}"`)
        .join(', ')}${missing.length > 3 ? ` and ${missing.length - 3} more` : ''}`;
    const dup = s.classes.find((c, i) => s.classes.indexOf(c) !== i);
    if (dup !== undefined) return `repeats "${dup}"`;
    if (s.classes.length < 2) return 'fewer than 2 names';
    return undefined;
  };
  const chosen = all.find((s) => problemOf(s) === undefined);
  if (!chosen) {
    const lines = all.map((s) => `${s.where}: ${problemOf(s)!}`);
    throw new UserError(
      'dataset',
      `no class list fits the model and the data. The model has ${k ?? 'an unknown number of'} outputs; the data has ${labels.length} labels (${labels
        .slice(0, 5)
        .map((l) => `"${l}"`)
        .join(', ')}${labels.length > 5 ? ', …' : ''}).${
        lines.length > 0 ? ` Lists found: ${lines.join('; ')}.` : ' No class list was found.'
      } Write the class names in the model's output order to a classes.txt next to the model (one per line) and run init again.`,
    );
  }
  const warnings: string[] = [];
  const agreeing: string[] = [];
  for (const s of all) {
    if (s === chosen || s.origin === 'labels' || s.origin === 'indices') continue;
    const problem = problemOf(s);
    if (problem) warnings.push(`${s.where} was not used: ${problem}`);
    else if (sameList(chosen.classes, s.classes)) agreeing.push(s.where);
    else
      warnings.push(
        `${s.where} disagrees with the list used: ${difference(chosen.classes, s.classes)}`,
      );
  }
  if (chosen.origin === 'labels')
    warnings.push(
      `no class list was found: the labels were sorted alphabetically (${chosen.classes.length} classes) and assumed to be the model's output order (as torchvision's ImageFolder and most exporters sort them). CHECK this, or put a classes.txt in output order next to the model`,
    );
  if (chosen.origin === 'indices')
    warnings.push(
      `the labels are class indices 0-${chosen.classes.length - 1}, and no list of names holds them: the class names in the report are these numbers`,
    );
  if (chosen.origin === 'imagefolder' && k === undefined)
    warnings.push('the model output size is not fixed: the class count could not be checked');
  return { chosen, warnings, agreeing };
}
