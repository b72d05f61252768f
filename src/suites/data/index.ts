/**
 * The data suite: checks of the evaluation data itself (label errors, duplicates, leakage,
 * representativity, image properties, group disparity). Each check lives in its own module and
 * is registered in {@link DATA_CHECKS}. It is pure: the checks that need pixels read the data
 * scans the engine made of each image (image/scan.ts, engine/image-scan.ts). The result is plain
 * data; {@link renderDataSection} turns it into markdown.
 */
import type { SameShape } from '../../analysis/json.js';
import { judge } from '../../gates/check.js';
import type { ScanSettings } from '../../image/scan.js';
import type { GateResult } from '../../gates/result.js';
import { worst } from '../../gates/verdict.js';
import type { Level } from '../../types.js';
import { biasCheck } from './bias.js';
import { boxesCheck } from './boxes.js';
import {
  dataSuiteConfigSchema,
  type DataSuiteConfig,
  type DataSuiteConfigInput,
} from '../../config/data.js';
import { dataGateCheck } from './gates.js';
import { imagePropertiesCheck } from './image-properties.js';
import { labelIssuesCheck } from './label-issues.js';
import { duplicatesCheck, leakageCheck } from './near-duplicates.js';
import { representativityCheck } from './representativity.js';
import type { dataResultSchema } from './schema.js';
import type {
  DataCheck,
  DataCheckId,
  DataCheckResults,
  DataFindings,
  DataGateResult,
  DataSuiteContext,
  DataSuiteInput,
  SkippedCheck,
} from './types.js';
import { skipped } from './util.js';

export {
  dataSuiteConfigSchema,
  type DataSuiteConfig,
  type DataSuiteConfigInput,
} from '../../config/data.js';
export { renderDataSection } from './render.js';
export { escapeMarkdown } from './markdown.js';
export type * from './types.js';
// The pure building blocks, for callers that want one check without the suite.
export { confidentLearning, findLabelIssues } from './label-issues.js';
export { findDuplicates, findLeakage, hashedFromScan } from './near-duplicates.js';
export { checkRepresentativity } from './representativity.js';
export { analyseImageProperties } from './image-properties.js';
export { analyseBias } from './bias.js';
export { HammingIndex } from './hamming-index.js';
export { pHash, dHash, hammingDistance, hash64ToHex, type Hash64 } from '../../image/hashing.js';
export type { LabelIssuesFinding, LabelIssue } from './label-issues.js';
export type {
  DuplicatesFinding,
  DuplicateGroup,
  LeakageFinding,
  LeakedExample,
} from './near-duplicates.js';
export type {
  RepresentativityFinding,
  DistributionComparison,
  CategoryRow,
  Dimension,
} from './representativity.js';
export type { ImagePropertiesFinding, PropertySummary, PropertyDrift } from './image-properties.js';
export type { BiasFinding, AttributeBias, GroupStats, ClassGap, Gap } from './bias.js';
export type { BoxesFinding, BoxRef, DuplicateBoxPair, ClassBalanceRow } from './boxes.js';

/** The checks, in run and report order. Adding a check: its module + one line here. */
export const DATA_CHECKS: readonly DataCheck[] = [
  labelIssuesCheck,
  boxesCheck,
  duplicatesCheck,
  leakageCheck,
  representativityCheck,
  imagePropertiesCheck,
  biasCheck,
] as readonly DataCheck[];

/** What runDataSuite returns: findings per check, gate results and the worst gate level. */
export interface DataSuiteResult {
  level: Level;
  exampleCount: number;
  checks: DataCheckResults;
  gateResults: DataGateResult[];
}

/**
 * Run every enabled data check. `config` may be a parsed {@link DataSuiteConfig} or raw user
 * input (it is parsed, defaults applied). Pure: images come in as scans (`input.scans`, see
 * {@link dataScanSettings}); a bad file is a finding. Returns the result (report.json
 * `suites.data`) and the gate results of its rules.
 */
export function runDataSuite(
  input: DataSuiteInput,
  config: DataSuiteConfig | DataSuiteConfigInput = {},
): { result: DataSuiteResult; gates: GateResult[] } {
  const cfg = dataSuiteConfigSchema.parse(config);
  const ctx: DataSuiteContext = { input, config: cfg };

  const checks = {} as DataCheckResults;
  const gates: GateResult[] = [];
  const gateResults: DataGateResult[] = [];
  for (const check of DATA_CHECKS) {
    if (check.applies && !check.applies(input)) continue;
    const finding = cfg.enabled ? check.run(ctx) : skipped('data suite disabled in config');
    (checks as Record<DataCheckId, DataFindings[DataCheckId] | SkippedCheck>)[check.id] = finding;
    if (finding.status === 'skipped') continue;
    for (const value of check.gateValues(finding)) {
      const rule = dataGateCheck(check.id, value, cfg.gates);
      if (!rule) continue;
      const g = judge(rule);
      gates.push(g);
      gateResults.push({
        check: check.id,
        gate: value.gate,
        metric: value.metric,
        value: value.value,
        threshold: g.threshold,
        level: g.status === 'skipped' ? 'pass' : g.status,
        reason: g.reason,
      });
    }
  }
  return {
    result: {
      level: worst(gateResults.map((g) => g.level)),
      exampleCount: input.examples.length,
      checks,
      gateResults,
    },
    gates,
  };
}

/** How the engine scans images for this config: the scan a data-suite run needs. */
export function dataScanSettings(cfg: DataSuiteConfig): ScanSettings {
  return {
    failOn: cfg.imageProperties.failOn,
    maxSide: cfg.imageProperties.maxSide,
    contentWindow: cfg.duplicates.contentWindow,
  };
}

true satisfies SameShape<DataSuiteResult, typeof dataResultSchema>;
