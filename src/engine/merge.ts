import { access } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { attachClasses } from '../dataset/load.js';
import { UserError } from '../errors.js';
import type { ImageProperties } from '../image/properties.js';
import type { Report } from '../report/schema.js';
import type { PredictionRecord } from '../types.js';
import { runDataChecks } from './data-suite.js';
import { RESULT_FILES, readExampleLines, readResultDir, type StoredResult } from './results.js';
import {
  checkStoredCompatible,
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
  overrides: Pick<RunOverrides, 'baselineReport' | 'noBaseline' | 'baselineInfo'> = {},
  hooks: RunHooks = {},
): Promise<RunResult> {
  if (shardDirs.length === 0)
    throw new UserError('usage', 'merge needs the output folders of the shard runs');
  const loaded = await loadConfig(configFile);
  const shards = await Promise.all(shardDirs.map((d) => readResultDir(path.resolve(d))));
  const count = checkShardSet(shards);
  hooks.log?.(`merging ${shards.length} shard(s) of ${count}`);

  const data = await prepareData(loaded, overrides, { checkFiles: false });
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
  const allExamples = attachClasses(data.raw, classes, source);
  const known = new Set(allExamples.map((e) => e.id));

  // Records in the canonical order of a single run: model, variant, example (manifest) order.
  const order = new Map(allExamples.map((e, i) => [e.id, i]));
  const roleOrder = { candidate: 0, baseline: 1 } as const;
  const variants = new Map<string, number>();
  for (const s of shards)
    for (const r of s.records)
      if (!variants.has(r.variant))
        variants.set(r.variant, r.variant === 'clean' ? -1 : variants.size);
  const records: PredictionRecord[] = [];
  const seen = new Set<string>();
  for (const s of shards) {
    for (const r of s.records) {
      if (!known.has(r.id))
        throw new UserError(
          'usage',
          `shard ${s.dir} has a record for "${r.id}", which is not in the dataset manifest`,
        );
      const key = `${r.model}\u0000${r.variant}\u0000${r.id}`;
      if (seen.has(key))
        throw new UserError(
          'usage',
          `example "${r.id}" (${r.model}, ${r.variant}) appears in two shards: give each shard folder once`,
        );
      seen.add(key);
      records.push(r);
    }
  }
  records.sort(
    (a, b) =>
      roleOrder[a.model] - roleOrder[b.model] ||
      variants.get(a.variant)! - variants.get(b.variant)! ||
      order.get(a.id)! - order.get(b.id)!,
  );

  const properties = new Map<string, ImageProperties>();
  for (const s of shards) {
    for (const line of await readExampleLines(path.join(s.dir, RESULT_FILES.examples))) {
      properties.set(line.id, {
        brightness: line.brightness,
        contrast: line.contrast,
        sharpness: line.sharpness,
      });
    }
  }
  const orderedProperties = new Map<string, ImageProperties>();
  for (const e of allExamples) {
    const p = properties.get(e.id);
    if (p) orderedProperties.set(e.id, p);
  }

  let stored: StoredResult | undefined;
  if (data.baselineReportDir) {
    stored = await readResultDir(data.baselineReportDir);
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
  // The data suite needs the images: it runs here when the merge job has the dataset.
  let dataChecks: Awaited<ReturnType<typeof runDataChecks>>;
  const notices: string[] = [];
  if (loaded.config.data?.enabled) {
    const haveImages = await Promise.all(
      allExamples.slice(0, 50).map((e) =>
        access(e.absPath).then(
          () => true,
          () => false,
        ),
      ),
    );
    if (haveImages.every(Boolean)) {
      dataChecks = await runDataChecks(
        loaded,
        allExamples,
        classes,
        records,
        stored?.records.filter((r) => r.model === 'candidate'),
      );
    } else {
      notices.push(
        'The data suite was skipped: the merge job does not have the dataset images (check out the dataset in the merge job to run it).',
      );
    }
  }
  const report: Report = await reportFromRecords({
    loaded,
    data,
    classes,
    classSource: source,
    allExamples,
    examples: allExamples,
    records,
    properties: orderedProperties,
    unreadable: shards
      .flatMap((s) => s.report.unreadable)
      .sort((a, b) => order.get(a.id)! - order.get(b.id)!),
    models: { candidate, ...(baselineModel ? { baseline: baselineModel } : {}) },
    ...(stored ? { stored } : {}),
    pinnedIds: await readPinned(loaded, loaded.config),
    ...(overrides.baselineInfo ? { baselineInfo: overrides.baselineInfo } : {}),
    ...(dataChecks ? { suites: { data: dataChecks.result }, suiteGates: dataChecks.gates } : {}),
    ...(notices.length ? { notices } : {}),
  });
  const missing =
    allExamples.length -
    new Set(records.filter((r) => r.model === 'candidate').map((r) => r.id)).size -
    report.unreadable.length;
  if (missing > 0)
    report.notices.push(
      `${missing} example(s) of the manifest have no records in the given shards.`,
    );
  report.timing = { shards: shards.length };
  return { report, records, properties: orderedProperties, loaded };
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
