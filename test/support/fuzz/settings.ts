/**
 * Seed and size of the fuzz properties (test/fuzz/). Every run uses one seed for all of them,
 * printed at the start and in every failure, so a failure in CI is reproduced with
 * `FUZZ_SEED=<seed> npx vitest run test/fuzz/<file>` (and one case alone with the `FUZZ_PATH`
 * the failure prints). `FUZZ_RUNS=<n>` sets the total number of cases over all properties
 * (default 1,000, shared out in fixed proportions), e.g. 5000 for a longer local search. The
 * default seed is fixed: `npm test` checks the same cases on every machine, and a new seed is a
 * deliberate choice (`FUZZ_SEED=random`).
 */
import type { Parameters } from 'fast-check';

const DEFAULT_SEED = 20_240_611;

function readSeed(): number {
  const text = process.env.FUZZ_SEED?.trim();
  if (!text) return DEFAULT_SEED;
  if (text === 'random') return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(text);
  if (!Number.isSafeInteger(seed))
    throw new Error(`FUZZ_SEED must be an integer or "random", got "${text}"`);
  return seed;
}

/** Cases per `npm test` over all properties; each property's default share is out of this. */
export const DEFAULT_TOTAL = 1000;

function readTotal(): number {
  const text = process.env.FUZZ_RUNS?.trim();
  if (!text) return DEFAULT_TOTAL;
  const total = Number(text);
  if (!Number.isSafeInteger(total) || total < 1)
    throw new Error(`FUZZ_RUNS must be a positive whole number of cases, got "${text}"`);
  return total;
}

export const FUZZ_SEED = readSeed();
const TOTAL = readTotal();

/**
 * Wall-clock bound of one CLI call. A case takes well under a second of CPU; the bound is wide
 * because the machine running the tests may be busy, and narrow enough to call a hang a hang.
 */
export const CASE_TIMEOUT_MS = Number(process.env.FUZZ_TIMEOUT_MS ?? 10_000);

/** Cases of a property: its share of FUZZ_RUNS (`share` of the default total, rounded up). */
export function casesOf(share: number): number {
  return Math.max(1, Math.ceil((share * TOTAL) / DEFAULT_TOTAL));
}

/**
 * The test timeout of a property of `share` cases: generous (a busy machine runs a case in
 * well over its ~0.1 s of CPU), growing with FUZZ_RUNS so a long search is not cut short.
 */
export function propertyTimeout(share: number): number {
  return 120_000 + casesOf(share) * 1_500;
}

/**
 * fast-check parameters of one property: the shared seed, its share of FUZZ_RUNS (`share`
 * cases of the default {@link DEFAULT_TOTAL}, rounded up), and a `path` to replay a single
 * reported case (`FUZZ_PATH`, printed with a failure).
 */
export function fuzzParameters<T>(name: string, share: number): Parameters<T> {
  const numRuns = casesOf(share);
  process.stderr.write(
    `fuzz ${name}: seed ${FUZZ_SEED}, ${numRuns} cases (reproduce with FUZZ_SEED=${FUZZ_SEED})\n`,
  );
  const replay = process.env.FUZZ_PATH?.trim();
  return {
    seed: FUZZ_SEED,
    numRuns,
    ...(replay ? { path: replay } : {}),
    // A failing case is shrunk to a small one (each try runs the CLI again).
    endOnFailure: false,
  };
}
