/**
 * The suites, in the order they run and their gates and sections are listed. Adding a suite:
 * its folder under src/suites/ and one line here (docs/architecture.md, "How to add a suite").
 * The regression and pinned suites always run and make the body of report.json; every other
 * suite's result is an entry of its `suites`, typed by the suite's own schema.
 */
import { z } from 'zod';
import type { RenderOptions, Suite } from '../analysis/suite.js';
import { dataSuite } from './data/suite.js';
import { pinnedSuite } from './pinned/index.js';
import { regressionSuite } from './regression/index.js';
import { robustnessSuite } from './robustness/index.js';

export const SUITES = [regressionSuite, dataSuite, robustnessSuite, pinnedSuite] as const;

type AnySuite = (typeof SUITES)[number];
/** The suites whose results make the body of report.json. */
type BodySuite = typeof regressionSuite | typeof pinnedSuite;
/** The suites reported under `suites`. */
type ReportedSuite = Exclude<AnySuite, BodySuite>;

/** A registered suite's name. */
export type SuiteName = AnySuite['name'];

/**
 * Each registered suite's result by name, as its schema types it. A suite's computed result
 * conforms to its schema: checked at compile time where the result's type is fixed (SameShape),
 * and by the task's own schemas where the task decides the shape.
 */
export type SuiteResults = {
  [S in AnySuite as S['name']]: z.output<S['resultSchema']>;
};

const reported = SUITES.filter(
  (s): s is ReportedSuite => s !== regressionSuite && s !== pinnedSuite,
);

/** report.json's `suites`: each suite that ran, under its name, in its own schema. */
export const suitesResultSchema = z
  .object(
    Object.fromEntries(reported.map((s) => [s.name, s.resultSchema.optional()])) as {
      [S in ReportedSuite as S['name']]: z.ZodOptional<S['resultSchema']>;
    },
  )
  .describe('Results of the suites besides regression and pinned cases, by suite name.');

/** The `suites` part of report.json. */
export type ReportedResults = z.output<typeof suitesResultSchema>;

/** The sections of the suites that ran, in registry order, from report.json alone. */
export function renderSuiteSections(results: ReportedResults, options: RenderOptions): string[] {
  const out: string[] = [];
  for (const suite of reported as readonly Suite<string, unknown, unknown>[]) {
    const result = (results as Record<string, unknown>)[suite.name];
    if (result !== undefined && suite.render) out.push(suite.render(result, options));
  }
  return out;
}

/** The names of the suites' trend metrics (e.g. corrupted_accuracy), in registry order. */
export const SUITE_TREND_METRICS: readonly string[] = reported.flatMap(
  (s: Suite<string, unknown, unknown>) => s.trend?.names ?? [],
);

/** The suites' trend metrics of one report, for the baseline history. */
export function suiteTrendMetrics(results: ReportedResults): Record<string, number> {
  const out: Record<string, number> = {};
  for (const suite of reported as readonly Suite<string, unknown, unknown>[]) {
    const result = (results as Record<string, unknown>)[suite.name];
    if (result !== undefined && suite.trend) Object.assign(out, suite.trend.values(result));
  }
  return out;
}
