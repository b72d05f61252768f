/**
 * Metrics, statistics and slice discovery: pure functions of prediction records. See
 * docs/statistics.md for the formulas, sources and choices.
 */
export * from './classification.js';
export * from './calibration.js';
export * from './stats.js';
export * from './slice-line.js';
export { createRandom, type Random } from './random.js';
