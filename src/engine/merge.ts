import { access } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { attachClasses } from '../dataset/load.js';
import { UserError } from '../errors.js';
import type { Report } from '../report/schema.js';
import { planAnalysis } from '../suites/analyse.js';
import { ImageFacts } from '../tables/images.js';
import { RecordSet, type RecordTableCore } from '../tables/records.js';
import { taskOf } from '../tasks/registry.js';
import type { ModelRole } from '../types.js';
import { resolveBaseline } from './baseline.js';
import { imageScansFor } from './image-scan.js';
import { loadManifests } from './manifests.js';
import { RESULT_FILES, readExampleLines, readResultDir, type StoredResult } from './results.js';
import {
  checkStoredCompatible,
  planContext,
  prepareData,
  readPinned,
  reportFromRecords,
  resolveClasses,
  type RunHooks,
  type RunOverrides,
  type RunResult,
} from './run.js';

/**
 * Combine the output folders of `run --shard i/n` jobs into the report of the whole dataset.
 * Only records are combined: the suites, gates and report run once, on everything, so the result
 * equals an unsharded run (timing and createdAt aside). Needs the manifest, not the images.
 */
export async function mergeShards(
  configFile: string,
  shardDirs: readonly string[],
  overrides: Pick<RunOverrides, 'baseline' | 'found'> = {},
  hooks: RunHooks = {},
): Promise<RunResult> {
  if (shardDirs.length === 0)
    throw new UserError('usage', 'merge needs the output folders of the shard runs');
  const loaded = await loadConfig(configFile);
  const task = taskOf(loaded.config);
  const shards = await Promise.all(
    shardDirs.map((d) => readResultDir(path.resolve(d), task, `the shard folder ${d}`)),
  );
  const count = checkShardSet(shards);
  hooks.log?.(`merging ${shards.length} shard(s) of ${count}`);

  const data = await prepareData(loaded, { checkFiles: false });
  const first = shards[0]!.report;
  // The class list: the config's, or the one the shards resolved (from the model) if they agree.
  const { classes, source } = loaded.config.dataset.classes
    ? await resolveClasses(loaded, data.raw, undefined)
    : { classes: first.dataset.classes, source: first.dataset.classSource };
  for (const s of shards) {
    if (s.report.dataset.classes.join('\u0000') !== classes.join('\u0000')) {
      throw new UserError(
        'usage',
        `shard ${s.dir} was evaluated with a different class list; re-run the shards with the same config`,
      );
    }
  }
  const allExamples = await attachClasses(data.raw, classes, source);
  const rowOf = allExamples.indexById();

  // Records in the canonical order of a single run: model, variant, example (manifest) order.
  const roleOrder = { candidate: 0, baseline: 1 } as const;
  const variants = new Map<string, number>();
  for (const s of shards)
    for (const t of s.records.tables)
      if (!variants.has(t.variant))
        variants.set(t.variant, t.variant === 'clean' ? -1 : variants.size);
  const groups = new Map<
    string,
    { parts: { table: RecordTableCore; rows: Uint32Array }[]; seen: Uint8Array }
  >();
  for (const s of shards) {
    for (const table of s.records.tables) {
      const key = `${table.model}\u0000${table.variant}`;
      let group = groups.get(key);
      if (!group)
        groups.set(key, (group = { parts: [], seen: new Uint8Array(allExamples.length) }));
      const rows = new Uint32Array(table.length);
      table.ids.forEach((id, i) => {
        const e = rowOf.get(id);
        if (e === undefined)
          throw new UserError(
            'usage',
            `shard ${s.dir} has a record for "${id}", which is not in the dataset manifest`,
          );
        if (group.seen[e])
          throw new UserError(
            'usage',
            `example "${id}" (${table.model}, ${table.variant}) appears in two shards: give each shard folder once`,
          );
        group.seen[e] = 1;
        rows[i] = e;
      });
      group.parts.push({ table, rows });
    }
  }
  const tables: RecordTableCore[] = [];
  const keys = [...groups.keys()].map((k) => k.split('\u0000') as [ModelRole, string]);
  keys.sort(
    ([ma, va], [mb, vb]) => roleOrder[ma] - roleOrder[mb] || variants.get(va)! - variants.get(vb)!,
  );
  for (const [model, variant] of keys) {
    const { parts } = groups.get(`${model}\u0000${variant}`)!;
    // Shard rows by example row: each example once (checked above), so a counting pass orders them.
    const at = new Int32Array(allExamples.length).fill(-1);
    const partOf = new Int32Array(allExamples.length);
    parts.forEach((p, k) =>
      p.rows.forEach((e, i) => {
        at[e] = i;
        partOf[e] = k;
      }),
    );
    const out = task.builder(model, variant);
    for (let e = 0; e < allExamples.length; e++)
      if (at[e]! >= 0) out.copyRow(parts[partOf[e]!]!.table, at[e]!);
    tables.push(out.finish());
  }
  const records = new RecordSet(tables);

  const images = new ImageFacts(allExamples.length);
  for (const s of shards) {
    const expected = s.report.files?.[RESULT_FILES.examples];
    const check = { what: `the shard folder ${s.dir}`, ...(expected ? { expected } : {}) };
    for await (const line of readExampleLines(path.join(s.dir, RESULT_FILES.examples), check)) {
      const e = rowOf.get(line.id);
      if (e !== undefined) images.set(e, line.hash, line);
    }
  }

  // A stored baseline, when one is asked for or configured; else the baseline model the shards
  // evaluated, if they did (it was resolved when they ran).
  const baseline = resolveBaseline(loaded, overrides.baseline ?? {}, overrides.found);
  let stored: StoredResult | undefined;
  if (baseline.kind === 'stored') {
    stored = await readResultDir(baseline.dir, task);
    checkStoredCompatible(stored, classes);
  }
  const candidate = first.models.candidate;
  for (const s of shards) {
    if (s.report.models.candidate.sha256 !== candidate.sha256) {
      throw new UserError(
        'usage',
        `shard ${s.dir} evaluated a different candidate model (sha256 ${s.report.models.candidate.sha256?.slice(0, 12)} vs ${candidate.sha256?.slice(0, 12)})`,
      );
    }
  }
  const baselineModel =
    first.models.baseline?.source === 'model' ? first.models.baseline : undefined;
  // The suites run here on every record; a suite that reads the images runs only when the merge
  // job has them.
  const plan = await planAnalysis(
    planContext(
      loaded,
      task,
      data.raw.metadataColumns,
      allExamples,
      classes,
      source,
      candidate.input,
    ),
    {
      imagesAvailable: async () =>
        (
          await Promise.all(
            Array.from({ length: Math.min(50, allExamples.length) }, (_, i) =>
              access(allExamples.absPath(i)).then(
                () => true,
                () => false,
              ),
            ),
          )
        ).every(Boolean),
    },
  );
  const manifests = await loadManifests(loaded, plan.manifests);
  // A suite that needs the data scan runs here only with the images: merge reads and scans every
  // example a shard read (the shards defer such suites and make no scans).
  const imageScans = plan.imageScan
    ? await imageScansFor(plan.imageScan, allExamples, undefined, (e) => images.has(e), manifests)
    : undefined;
  const report: Report = await reportFromRecords(plan, {
    loaded,
    data,
    classes,
    classSource: source,
    allExamples,
    examples: allExamples,
    records,
    images,
    unreadable: shards
      .flatMap((s) => s.report.unreadable)
      .sort((a, b) => (rowOf.get(a.id) ?? -1) - (rowOf.get(b.id) ?? -1)),
    models: { candidate, ...(baselineModel ? { baseline: baselineModel } : {}) },
    ...(stored ? { stored } : {}),
    pinnedIds: await readPinned(loaded, loaded.config),
    manifests,
    ...(imageScans ? { imageScans } : {}),
    ...(baseline.kind === 'stored' && baseline.found ? { found: baseline.found } : {}),
    notices: [...shards.flatMap((s) => s.notices), ...plan.notices],
  });
  const withRecords = new Uint8Array(allExamples.length);
  for (const t of records.ofModel('candidate').tables)
    for (const id of t.ids) withRecords[rowOf.get(id)!] = 1;
  const missing =
    allExamples.length - withRecords.reduce((n, x) => n + x, 0) - report.unreadable.length;
  if (missing > 0)
    report.notices.push(
      `${missing} example(s) of the manifest have no records in the given shards.`,
    );
  report.timing = { shards: shards.length };
  return { report, records, examples: allExamples, images, loaded };
}

/** All shards of one `n`, each index once. */
function checkShardSet(shards: readonly StoredResult[]): number {
  const counts = new Set(shards.map((s) => s.report.dataset.shard?.count ?? 0));
  if (counts.has(0)) {
    const dir = shards.find((s) => !s.report.dataset.shard)!.dir;
    throw new UserError('usage', `${dir} is not a shard (it was run without --shard)`);
  }
  if (counts.size > 1)
    throw new UserError(
      'usage',
      `the folders come from different shard counts (${[...counts].join(', ')})`,
    );
  const count = [...counts][0]!;
  const indices = shards.map((s) => s.report.dataset.shard!.index);
  const dup = indices.filter((i, k) => indices.indexOf(i) !== k);
  if (dup.length > 0) throw new UserError('usage', `shard ${dup[0]}/${count} is given twice`);
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter(
    (i) => !indices.includes(i),
  );
  if (missing.length > 0)
    throw new UserError(
      'usage',
      `missing shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')}: merge needs all ${count}`,
    );
  return count;
}
