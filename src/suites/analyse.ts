/**
 * The analysis of a run: the one call `run`, `merge` and stored-baseline runs make into the
 * analysis layer. {@link planAnalysis} asks each registered suite, once and before any inference,
 * whether it runs and what it needs from the evaluation pass; the plan's `analyse` turns the
 * pass's records into each suite's result and gate results, in registry order.
 */
import { analysisContext, type AnalysisInput } from '../analysis/context.js';
import { contentHash } from '../analysis/frame.js';
import type { Comparison } from '../analysis/pairing.js';
import type { ImageScanRequest, PlanContext, Suite, VariantRequest } from '../analysis/suite.js';
import type { GateResult } from '../gates/result.js';
import { SUITES, type SuiteResults } from './registry.js';

/** Where the analysis runs: a shard run defers whole-dataset suites to `merge`. */
export interface PlanScope {
  shard?: boolean;
  /** Whether the image files can be read (asked only when a suite needs an image scan). */
  imagesAvailable?: () => Promise<boolean>;
}

/** What the analysis found: every suite's result and gate results, and what the report says. */
export interface AnalysisOutput {
  /** Examples with a clean candidate record. */
  evaluated: number;
  /** sha256 over the sorted (id, image sha256) pairs of the evaluated examples. */
  contentHash: string;
  comparison: Comparison;
  /** Each suite's result; absent for a suite that did not run. */
  results: Partial<SuiteResults>;
  /** Gate results of every suite, in registry order. */
  gates: GateResult[];
  notices: string[];
}

/** The analysis plan of a run. */
export interface AnalysisPlan {
  /** Image variants the pass evaluates besides the clean images, in suite order. */
  variants: VariantRequest[];
  /** Keep each clean record's full score vector. */
  scores: boolean;
  /** Extra manifests to load (name → path relative to the config), for the suites that run. */
  manifests: Record<string, string>;
  /** The data scan the engine makes (in the pass, or in `merge`), when a suite that runs asks. */
  imageScan?: ImageScanRequest;
  /** What the plan will evaluate, for the log. */
  log: string[];
  /** Suites left out and why. */
  notices: string[];
  /** Turn the pass's records into results and gate results. */
  analyse(input: AnalysisInput): Promise<AnalysisOutput>;
}

interface Planned {
  suite: Suite<string, unknown, unknown>;
  plan: unknown;
  /** Planned for the pass's sake (its records are needed later), but analysed in `merge`. */
  deferred: boolean;
}

/** Plan every registered suite once: the one place that decides what runs. */
export async function planAnalysis(ctx: PlanContext, scope: PlanScope = {}): Promise<AnalysisPlan> {
  const planned: Planned[] = [];
  const notices: string[] = [];
  const log: string[] = [];
  const variants: VariantRequest[] = [];
  const manifests: Record<string, string> = {};
  let scores = false;
  let imageScan: ImageScanRequest | undefined;
  for (const s of SUITES as readonly Suite<string, unknown, unknown>[]) {
    const plan = s.plan(ctx);
    if (plan === undefined) continue;
    const needs = s.needs?.(plan) ?? {};
    let deferred = false;
    if (needs.wholeDataset && scope.shard) {
      deferred = true;
      notices.push(
        `The ${s.name} suite runs on the whole dataset: it runs in \`merge\`, not in shard runs.`,
      );
    } else if (needs.imageScan && scope.imagesAvailable && !(await scope.imagesAvailable())) {
      notices.push(
        `The ${s.name} suite was skipped: the merge job does not have the dataset images (check out the dataset in the merge job to run it).`,
      );
      continue;
    }
    // A deferred suite's records are still made here, as `merge` will analyse them.
    variants.push(...(needs.variants ?? []));
    scores ||= needs.scores === true;
    if (!deferred) Object.assign(manifests, needs.manifests);
    if (!deferred && needs.imageScan) {
      // One scan per image serves every suite: two suites asking differently is a bug here.
      if (imageScan && JSON.stringify(imageScan) !== JSON.stringify(needs.imageScan))
        throw new Error(`the ${s.name} suite asks for a different image scan than another suite`);
      imageScan = needs.imageScan;
    }
    const line = s.describe?.(plan);
    if (line) log.push(line);
    planned.push({ suite: s, plan, deferred });
  }
  return {
    variants,
    scores,
    manifests,
    ...(imageScan ? { imageScan } : {}),
    log,
    notices,
    analyse: (input) => analyse(planned, input),
  };
}

async function analyse(planned: readonly Planned[], input: AnalysisInput): Promise<AnalysisOutput> {
  const ctx = analysisContext(input);
  const { pairing } = ctx;
  const hasBase = pairing.baseline !== undefined;
  const notices: string[] = [];
  if (!hasBase)
    notices.push(
      'No baseline: only absolute gates (min/max) were checked; maxDrop gates were skipped.',
    );
  if (input.unreadable.length > 0)
    notices.push(
      `${input.unreadable.length} unreadable image(s) were skipped (dataset.onUnreadable: skip).`,
    );
  const results: Partial<SuiteResults> & Record<string, unknown> = {};
  const gates: GateResult[] = [];
  for (const { suite, plan, deferred } of planned) {
    if (deferred) continue;
    const out = await suite.analyse(ctx, plan);
    results[suite.name] = out.result;
    gates.push(...out.gates);
    notices.push(...(out.notices ?? []));
  }
  return {
    evaluated: ctx.frame.exRows.length,
    contentHash: contentHash(pairing.candidate),
    comparison: {
      baseline: ctx.baselineKind,
      paired: pairing.paired,
      changed: pairing.changed,
      added: hasBase ? pairing.added : [],
      removed: pairing.removed,
    },
    results,
    gates,
    notices,
  };
}
