import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import cliProgress from 'cli-progress';
import type { BaselineRequest } from './engine/baseline.js';
import { expandShardDirs } from './engine/results.js';
import { mergeShards } from './engine/merge.js';
import { runFromConfigFile, type RunOverrides, type RunResult } from './engine/run.js';
import { parseShard } from './engine/shard.js';
import { htmlOptions } from './engine/html-report.js';
import { markdownOptions, writeOutputs } from './engine/output.js';
import { checkOutputDir } from './engine/output-dir.js';
import { progressLines } from './engine/progress.js';
import { isUserError } from './errors.js';
import { exitCodeFor, type FailOn } from './gates/verdict.js';
import { runInit } from './init/init.js';
import { formatInitSummary } from './init/summary-text.js';
import { errorLogText, escapeLogLines, escapeLogText } from './log-text.js';
import { headline } from './report/headline.js';
import { VERSION } from './version.js';

/** Exit codes: the contract scripts rely on. */
export const EXIT = { pass: 0, gateFailed: 1, userError: 2, internalError: 3 } as const;

interface RunFlags {
  config: string;
  out: string;
  model?: string;
  baselineModel?: string;
  baseline?: string | false;
  reuseBaseline?: string;
  shard?: string;
  failOn: FailOn;
  quiet?: boolean;
  progress?: boolean;
}

function makeProgress(enabled: boolean, stream: NodeJS.WriteStream) {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: '{phase} [{bar}] {value}/{total} images · {eta_formatted} left',
        hideCursor: true,
        stream,
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(phase: string, done: number, total: number) {
        if (!started) {
          bar.start(total, 0, { phase });
          started = true;
        }
        bar.update(done, { phase });
      },
      stop: () => bar.stop(),
    };
  }
  // Plain lines for CI logs, as the Action writes them.
  return { update: progressLines((line) => stream.write(`${line}\n`)), stop: () => undefined };
}

/** The baseline flags as a request to the baseline resolver (engine/baseline.ts). */
function baselineRequest(flags: {
  baselineModel?: string;
  baseline?: string | false;
  reuseBaseline?: string;
}): BaselineRequest {
  return {
    ...(flags.baselineModel ? { model: flags.baselineModel } : {}),
    ...(flags.baseline ? { stored: flags.baseline } : {}),
    ...(flags.baseline === false ? { none: true } : {}),
    ...(flags.reuseBaseline ? { reuse: flags.reuseBaseline } : {}),
  };
}

async function runCommand(flags: RunFlags): Promise<number> {
  const err = process.stderr;
  const overrides: RunOverrides = {
    ...(flags.model ? { model: flags.model } : {}),
    baseline: baselineRequest(flags),
    ...(flags.shard ? { shard: parseShard(flags.shard) } : {}),
  };
  await checkOutputDir(flags.out); // before the evaluation: a bad --out costs nothing
  const progress = makeProgress(!flags.quiet && flags.progress !== false, err);
  const result = await runFromConfigFile(flags.config, overrides, {
    log: (line) => {
      if (!flags.quiet) err.write(`${escapeLogText(line)}\n`);
    },
    progress: (phase, done, total) => progress.update(phase, done, total),
  });
  progress.stop();
  return finish(result, flags);
}

/** Write the outputs, print the one-line verdict, and map the verdict to the exit code. */
async function finish(
  result: RunResult,
  flags: { out: string; quiet?: boolean; failOn: FailOn },
): Promise<number> {
  const err = process.stderr;
  const { report, records, examples, images, loaded } = result;
  const written = await writeOutputs(
    path.resolve(flags.out),
    report,
    records,
    examples,
    images,
    markdownOptions(loaded.config),
    htmlOptions(loaded),
  );
  if (!flags.quiet) {
    err.write(`\nverdict: ${escapeLogText(headline(report))}\n`);
    const shown = (file: string) => escapeLogText(path.relative(process.cwd(), file));
    err.write(
      `report: ${written.html ? `${shown(written.html)} (open in a browser), ` : ''}${shown(written.reportMarkdown)} (markdown), ${shown(written.reportJson)} (JSON), ${shown(written.records)} (records)\n`,
    );
  }
  return exitCodeFor(report.verdict, flags.failOn);
}

interface MergeFlags {
  config: string;
  out: string;
  baseline?: string | false;
  failOn: FailOn;
  quiet?: boolean;
}

async function mergeCommand(dirs: string[], flags: MergeFlags): Promise<number> {
  const shardDirs = await expandShardDirs(dirs);
  await checkOutputDir(flags.out, { inputs: [...dirs, ...shardDirs] });
  const result = await mergeShards(
    flags.config,
    shardDirs,
    { baseline: baselineRequest(flags) },
    { log: (line) => (flags.quiet ? undefined : process.stderr.write(`${escapeLogText(line)}\n`)) },
  );
  return finish(result, flags);
}

interface InitFlags {
  model: string;
  dataset?: string;
  baseline?: string;
  config: string;
  workflows?: boolean;
  force?: boolean;
}

async function initCommand(flags: InitFlags): Promise<number> {
  const cwd = process.cwd();
  const result = await runInit({
    model: flags.model,
    ...(flags.dataset ? { dataset: flags.dataset } : {}),
    ...(flags.baseline ? { baseline: flags.baseline } : {}),
    config: flags.config,
    workflows: flags.workflows === true,
    force: flags.force === true,
    cwd,
  });
  const show = (p: string) => path.relative(cwd, p) || '.';
  process.stderr.write(formatInitSummary(result.written, result.summary, show));
  return EXIT.pass;
}

/** The commander program. */
function buildProgram(onExit: (code: number) => void): Command {
  const program = new Command()
    .name('visiongate')
    .description(
      'Evaluate an ONNX image classifier against a baseline, per metadata slice, and gate on regressions.',
    )
    .version(VERSION)
    .exitOverride()
    // Usage errors quote the arguments: each line made safe (a line break inside an argument
    // becomes a line of its own, which must not start a workflow command).
    .configureOutput({ outputError: (str, write) => write(escapeLogLines(str.split('\n'))) });
  program
    .command('run')
    .description(
      'evaluate the candidate (and baseline) and write report.json, report.md and records.jsonl',
    )
    .requiredOption('-c, --config <file>', 'visiongate.yml')
    .option('-o, --out <dir>', 'output folder', 'visiongate-out')
    .option('--model <file>', 'candidate ONNX model (overrides model.path)')
    .option(
      '--baseline-model <file>',
      'baseline ONNX model evaluated in the same run (overrides baseline.*)',
    )
    .option(
      '--baseline <dir>',
      'stored baseline: the output folder of an earlier run (overrides baseline.*)',
    )
    .option(
      '--no-baseline',
      'ignore the baseline in the config: evaluate the candidate alone (e.g. to record a baseline)',
    )
    .option(
      '--reuse-baseline <dir>',
      'a stored run of the baseline model: its records replace running it when model and images match',
    )
    .option(
      '--shard <i/n>',
      'evaluate shard i of n (balanced by class); merge the shards with `visiongate merge`',
    )
    .addOption(
      new Option('--fail-on <level>', 'exit 1 when the verdict is at least this bad')
        .choices(['error', 'warning', 'never'])
        .default('error'),
    )
    .option('-q, --quiet', 'no progress or summary on stderr')
    .option('--no-progress', 'no progress bar or progress lines')
    .action(async (flags: RunFlags) => {
      onExit(await runCommand(flags));
    });
  program
    .command('merge')
    .description(
      'combine the output folders of `run --shard i/n` jobs and report on the whole dataset',
    )
    .argument('<dirs...>', 'shard output folders, or one folder that contains them')
    .requiredOption('-c, --config <file>', 'visiongate.yml (the same the shards used)')
    .option('-o, --out <dir>', 'output folder', 'visiongate-out')
    .option('--baseline <dir>', 'stored baseline: the output folder of an earlier run')
    .option('--no-baseline', 'ignore the stored baseline in the config')
    .addOption(
      new Option('--fail-on <level>', 'exit 1 when the verdict is at least this bad')
        .choices(['error', 'warning', 'never'])
        .default('error'),
    )
    .option('-q, --quiet', 'no summary on stderr')
    .action(async (dirs: string[], flags: MergeFlags) => {
      onExit(await mergeCommand(dirs, flags));
    });
  program
    .command('init')
    .description(
      'look at a dataset and a model and write a commented visiongate.yml that runs as is; print what was inferred and what was assumed',
    )
    .requiredOption('--model <file>', 'the candidate ONNX model')
    .option(
      '--dataset <dir|manifest>',
      'an ImageFolder, a folder with a manifest, or a CSV/TSV/JSONL/metadata.jsonl manifest (default: found next to the config)',
    )
    .option('--baseline <file>', 'a baseline ONNX model to compare with (baseline.model)')
    .option('-c, --config <file>', 'the config file to write', 'visiongate.yml')
    .option(
      '--workflows',
      'also write .github/workflows/visiongate-{pr,baseline,nightly}.yml with minimal permissions',
    )
    .option('--force', 'overwrite files that exist')
    .action(async (flags: InitFlags) => {
      onExit(await initCommand(flags));
    });
  return program;
}

/** CLI entry: parse, run, map errors to exit codes and readable messages (no stack traces for user errors). */
export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.pass;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : EXIT.userError;
    }
    if (isUserError(error)) {
      process.stderr.write(`visiongate: error: ${errorLogText(error)}\n`);
      return EXIT.userError;
    }
    process.stderr.write(
      `visiongate: internal error (a bug in VisionGate, please report it): ${errorLogText(error)}\n`,
    );
    if (process.env.VISIONGATE_DEBUG && error instanceof Error && error.stack)
      process.stderr.write(`${escapeLogLines(error.stack.split('\n'))}\n`);
    else process.stderr.write('Set VISIONGATE_DEBUG=1 for the stack trace.\n');
    return EXIT.internalError;
  }
}
