/**
 * Run a fuzz property: generate cases, run each through the CLI, judge it, and on a problem
 * fail with everything needed to see it again: the seed and path to replay the shrunk case,
 * the case itself, the calls and their output, and the files it wrote (kept on disk).
 * Passing cases' folders are removed.
 */
import path from 'node:path';
import fc from 'fast-check';
import { caseArb, removeCase, removeCaseRoot, runCase, type CaseOptions } from './case.js';
import { describeFailure, judge } from './oracle.js';
import { FUZZ_SEED, fuzzParameters } from './settings.js';

/**
 * Check `share` cases (of the default 1,000 per run; FUZZ_RUNS scales them) shaped by
 * `options`. `file` is the test file, for the command that reproduces a failure.
 */
export async function checkCases(
  name: string,
  file: string,
  share: number,
  options: CaseOptions,
): Promise<void> {
  const exits = new Map<number, number>();
  let calls = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  try {
    const result = await fc.check(
      fc.asyncProperty(caseArb(options), async (spec) => {
        const run = await runCase(spec);
        calls += run.calls.length;
        exits.set(run.final.code, (exits.get(run.final.code) ?? 0) + 1);
        const problems = await judge(run);
        if (problems.length > 0) throw new Error(await describeFailure(run, problems));
        await removeCase(run);
      }),
      fuzzParameters(name, share),
    );
    if (result.failed) {
      const test = path.relative(process.cwd(), file);
      throw new Error(
        [
          `fuzz ${name} failed with seed ${result.seed}. Reproduce this case alone with`,
          `  FUZZ_SEED=${FUZZ_SEED} FUZZ_PATH=${result.counterexamplePath ?? ''} npx vitest run ${test}`,
          fc.defaultReportMessage(result) ?? '',
          '',
          result.errorInstance instanceof Error
            ? result.errorInstance.message
            : String(result.errorInstance),
        ].join('\n'),
      );
    }
    await removeCaseRoot();
  } finally {
    const used = process.cpuUsage(cpu);
    process.stderr.write(
      `fuzz ${name}: ${[...exits.values()].reduce((a, b) => a + b, 0)} cases, ${calls} CLI calls, exits ${JSON.stringify(Object.fromEntries([...exits].sort()))}, ${((performance.now() - started) / 1000).toFixed(1)} s wall, ${((used.user + used.system) / 1e6).toFixed(1)} s CPU\n`,
    );
  }
}
