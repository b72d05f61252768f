import { ExampleTable } from '../../src/tables/examples.js';
import type { RecordSet } from '../../src/tables/records.js';
import type {
  ClassificationTable,
  PredictionRecord,
} from '../../src/tasks/classification/records.js';
import type { RawDataset } from '../../src/dataset/load.js';
import type { Example } from '../../src/types.js';

/** Every example of a table as an object. */
export function exampleObjects(table: ExampleTable): Example[] {
  return Array.from({ length: table.length }, (_, i) => table.at(i));
}

/** The rows of a loaded dataset as objects, as the loader used to return them. */
export function rawRows(raw: RawDataset) {
  const t = raw.examples;
  return Array.from({ length: t.length }, (_, i) => ({
    id: t.ids[i]!,
    path: t.paths[i]!,
    absPath: t.absPath(i),
    label: t.label(i),
    metadata: t.metadataOf(i),
    record: t.records[i]!,
  }));
}

/** Shard selection on example objects, through a table. */
export function tableOf(examples: readonly Example[]): ExampleTable {
  return ExampleTable.fromExamples(examples);
}

/** Every record of a set of classification tables as an object, table by table. */
export function recordObjects(set: RecordSet): PredictionRecord[] {
  return (set.tables as readonly ClassificationTable[]).flatMap((t) =>
    Array.from({ length: t.length }, (_, i) => t.at(i)),
  );
}
