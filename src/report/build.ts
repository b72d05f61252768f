/**
 * report.json assembly: what the run was (config, dataset, models) plus what the analysis
 * layer found. No number is computed here: every one comes from src/suites/ through
 * {@link AnalysisOutput}.
 */
import { worst } from '../gates/verdict.js';
import type { AnalysisOutput } from '../suites/analyse.js';
import { taskField } from '../tasks/registry.js';
import type { Task } from '../tasks/task.js';
import { VERSION } from '../version.js';
import { REPORT_SCHEMA_VERSION, type Report } from './schema.js';

type ModelSummary = Report['models']['candidate'];

/** report.json lists at most this many unused files (the count is complete). */
const MAX_UNUSED_LISTED = 1000;

/** What the report says about the run itself, besides the analysis. */
export interface ReportHeader {
  name: string;
  task: Task;
  createdAt: string;
  configFile: string;
  configSha: string;
  dataset: {
    root: string;
    manifest?: string;
    format: string;
    metadataColumns: string[];
    totalExamples: number;
    classSource: string;
    shard?: { index: number; count: number };
    /** imagefolder: what is under the root but not used, and why. */
    unused?: readonly { path: string; reason: string }[];
  };
  classes: string[];
  /** The candidate, and the baseline: a model run alongside or a stored result. */
  models: { candidate: ModelSummary; baseline?: ModelSummary };
  unreadable: { id: string; reason: string }[];
  /** Notices of the engine (reuse, suites left out), listed before the analysis's own. */
  notices: string[];
}

/** Assemble report.json from the run's header and its analysis. */
export function assembleReport(header: ReportHeader, analysis: AnalysisOutput): Report {
  const { regression, pinned, ...rest } = analysis.results;
  if (!regression || !pinned) throw new Error('the regression and pinned suites always run');
  const suites: Report['suites'] = rest;
  const unused = header.dataset.unused ?? [];
  const unusedNotice =
    unused.length > 0
      ? [
          `${unused.length} file(s) or folder(s) under the dataset root are not part of the dataset: ${unused
            .slice(0, 5)
            .map((u) => `${u.path} (${u.reason})`)
            .join(
              ', ',
            )}${unused.length > 5 ? ', …' : ''} (dataset.unused in report.json lists them).`,
        ]
      : [];
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'visiongate', version: VERSION },
    name: header.name,
    ...taskField(header.task),
    createdAt: header.createdAt,
    verdict: worst(analysis.gates.map((g) => g.status)),
    config: { file: header.configFile, sha256: header.configSha },
    dataset: {
      root: header.dataset.root,
      ...(header.dataset.manifest ? { manifest: header.dataset.manifest } : {}),
      format: header.dataset.format,
      examples: header.dataset.totalExamples,
      evaluated: analysis.evaluated,
      classes: header.classes,
      classSource: header.dataset.classSource,
      metadataColumns: header.dataset.metadataColumns,
      contentHash: analysis.contentHash,
      ...(header.dataset.shard ? { shard: header.dataset.shard } : {}),
      ...(unused.length > 0
        ? { unused: { count: unused.length, files: unused.slice(0, MAX_UNUSED_LISTED) } }
        : {}),
    },
    models: header.models,
    comparison: analysis.comparison,
    ...regression,
    pinned,
    gates: analysis.gates,
    suites,
    unreadable: header.unreadable,
    notices: [...header.notices, ...unusedNotice, ...analysis.notices],
    timing: {},
  };
}
