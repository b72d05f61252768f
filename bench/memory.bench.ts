/**
 * Peak resident memory of a whole `visiongate run` (a child process) at 1k, 10k and 100k
 * examples. The manifests are synthetic: the example's 600 Fashion-MNIST images referenced over
 * and over under unique ids (metadata copied), so the sizes differ only in the number of
 * examples. Small CNN, no robustness or data suite, discovery on, statistics.resamples kept small
 * so the 100k run stays short (the bootstrap works on index arrays of the example count, whatever
 * the number of resamples). Goal: peak RSS flat within 20% from 10k to 100k examples.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fashionRows, repo } from './datasets.js';
import type { Bench } from './harness.js';
import { round } from './harness.js';

const TIME = '/usr/bin/time';
const RESAMPLES = 50;

/** Write a manifest of `n` examples over the example images and a config that uses it. */
async function makeRun(dir: string, n: number, baseline: boolean): Promise<string> {
  const { src, header, rows } = await fashionRows();
  const out: string[] = [header];
  for (let i = 0; i < n; i++) {
    const cells = rows[i % rows.length]!;
    out.push([`m${i}`, ...cells.slice(1)].join(','));
  }
  await mkdir(dir, { recursive: true });
  const manifest = path.join(dir, 'manifest.csv');
  await writeFile(manifest, `${out.join('\n')}\n`);
  const models = path.join(repo, 'examples/fashion/models');
  const cfg = path.join(dir, 'visiongate.yml');
  await writeFile(
    cfg,
    `name: memory
dataset: { root: ${JSON.stringify(src)}, manifest: ${JSON.stringify(manifest)}, classes: ${JSON.stringify(path.join(src, 'classes.txt'))} }
model:
  path: ${JSON.stringify(path.join(models, 'candidate.onnx'))}
  input: { scale: 0.00392156862745098, mean: 0.286, std: 0.353, resize: { mode: stretch, interpolation: bilinear } }
${baseline ? `baseline: { model: ${JSON.stringify(path.join(models, 'baseline.onnx'))} }\n` : ''}slices: { crossings: [[lighting, source]], minSupport: 30 }
statistics: { resamples: ${RESAMPLES} }
gates:
  - { metric: accuracy, min: 0.5 }
`,
  );
  return cfg;
}

interface Measured {
  peakMb: number;
  seconds: number;
  timing: Record<string, number>;
}

/** Poll VmHWM (peak RSS) of a process until it exits; the fallback without /usr/bin/time. */
function pollPeak(pid: number, state: { kb: number }): NodeJS.Timeout {
  return setInterval(() => {
    readFile(`/proc/${pid}/status`, 'utf8')
      .then((s) => {
        const m = /VmHWM:\s+(\d+) kB/.exec(s);
        if (m) state.kb = Math.max(state.kb, Number(m[1]));
      })
      .catch(() => undefined);
  }, 50);
}

/** Run the CLI from src/ (via tsx) in a child process and measure its peak RSS. */
async function measure(cfg: string, outDir: string): Promise<Measured> {
  const cli = [
    '--import',
    'tsx',
    path.join(repo, 'src/cli-main.ts'),
    'run',
    '-c',
    cfg,
    '-o',
    outDir,
    '--fail-on',
    'never',
  ];
  const useTime = existsSync(TIME);
  const timeFile = path.join(path.dirname(cfg), 'time.txt');
  const [cmd, args] = useTime
    ? [TIME, ['-v', '-o', timeFile, process.execPath, ...cli]]
    : [process.execPath, cli];
  const start = performance.now();
  const child = spawn(cmd, args, { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] });
  const state = { kb: 0 };
  const timer = useTime ? undefined : pollPeak(child.pid!, state);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (timer) clearInterval(timer);
  const seconds = (performance.now() - start) / 1000;
  if (code !== 0) throw new Error(`visiongate run exited with ${code}:\n${stderr.slice(-2000)}`);
  if (useTime) {
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(await readFile(timeFile, 'utf8'));
    state.kb = Number(m?.[1] ?? NaN);
  }
  const report = JSON.parse(await readFile(path.join(outDir, 'report.json'), 'utf8')) as {
    timing?: Record<string, number>;
  };
  return { peakMb: state.kb / 1024, seconds, timing: report.timing ?? {} };
}

const bench: Bench = {
  name: 'memory',
  description: `Peak RSS of a whole \`visiongate run\` (child process, CLI from src/ via tsx) over synthetic manifests of the example's images: small CNN, no robustness/data suites, discovery on, statistics.resamples ${RESAMPLES}. Goal: flat within 20% from 10k to 100k examples.`,
  async run({ quick }) {
    const sizes = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-bench-mem-'));
    const rows: Record<string, string | number>[] = [];
    const peaks = new Map<string, number>();
    try {
      for (const baseline of [false, true]) {
        for (const n of sizes) {
          const dir = path.join(tmp, `${baseline ? 'b' : 'c'}${n}`);
          const m = await measure(await makeRun(dir, n, baseline), path.join(dir, 'out'));
          const models = baseline ? 'candidate + baseline model' : 'candidate';
          peaks.set(`${models}/${n}`, m.peakMb);
          rows.push({
            models,
            examples: n,
            'peak RSS MB': round(m.peakMb),
            'vs 1k': round(m.peakMb / (peaks.get(`${models}/1000`) ?? NaN)),
            'evaluate s': round(m.timing.evaluate ?? NaN),
            'report s': round(m.timing.report ?? NaN),
            'process s': round(m.seconds),
          });
        }
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    const growth = (models: string, from: number, to: number) =>
      round(peaks.get(`${models}/${to}`)! / peaks.get(`${models}/${from}`)!);
    const [from, to] = quick ? [1_000, 10_000] : [10_000, 100_000];
    return {
      rows,
      notes: [
        `Peak RSS growth ${from / 1000}k → ${to / 1000}k examples: candidate ${growth('candidate', from, to)}×, candidate + baseline model ${growth('candidate + baseline model', from, to)}× (goal ≤ 1.2× from 10k to 100k).`,
        `Peak RSS from ${existsSync(TIME) ? '/usr/bin/time -v (ru_maxrss of the node process)' : 'polling VmHWM in /proc/<pid>/status'}; includes tsx's TypeScript loader (a constant).`,
      ],
    };
  },
};
export default bench;
