/**
 * The suites, in the order they run and their gates are listed. Adding a suite: its folder under
 * src/suites/ and one line here (docs/architecture.md, "How to add a suite").
 */
import type { Suite } from '../analysis/suite.js';
import { dataSuite } from './data/suite.js';
import { pinnedSuite } from './pinned/index.js';
import { regressionSuite } from './regression/index.js';
import { robustnessSuite } from './robustness/index.js';

export const SUITES = [regressionSuite, dataSuite, robustnessSuite, pinnedSuite] as const;

type AnySuite = (typeof SUITES)[number];

/** A registered suite's name. */
export type SuiteName = AnySuite['name'];

/** The result type of each registered suite, by name. */
export type SuiteResults = {
  [S in AnySuite as S['name']]: S extends Suite<string, infer _Plan, infer R> ? R : never;
};
