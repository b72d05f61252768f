/**
 * Corruption throughput vs the Python reference (hendrycks/robustness generators: numpy, scipy,
 * skimage, OpenCV, Wand/ImageMagick, PIL), one thread, severity 3, random RGB images.
 * The reference figures were measured on the reference implementation (img/s at 32×32 with the
 * CIFAR-10-C table and at 224×224 with the ImageNet-C table) and are quoted here as given; the
 * ratio is ours / reference. Goal: geometric mean ≥ 5× at each size.
 */
import {
  applyCorruption,
  CORRUPTION_NAMES,
  type CorruptionName,
} from '../src/corruptions/index.js';
import { Rng } from '../src/corruptions/rng.js';
import type { RgbImage } from '../src/types.js';
import { loadavg } from 'node:os';
import { round, type Bench } from './harness.js';

/** Reference img/s at severity 3: [32×32, 224×224]. */
export const REFERENCE_IMG_PER_S: Record<CorruptionName, readonly [number, number]> = {
  gaussian_noise: [8880, 54.9],
  shot_noise: [3440, 25.6],
  impulse_noise: [6615, 43.9],
  defocus_blur: [3855, 47.2],
  glass_blur: [119.8, 0.97],
  motion_blur: [659, 29.7],
  zoom_blur: [296, 18.5],
  snow: [474, 23.9],
  frost: [100, 87.7],
  fog: [2176, 83.5],
  brightness: [1930, 19.5],
  contrast: [12649, 706],
  elastic_transform: [1331, 86.1],
  pixelate: [36235, 2601],
  jpeg_compression: [14954, 5743],
  speckle_noise: [8902, 354],
  gaussian_blur: [7152, 388],
  spatter: [1902, 157],
  saturate: [1922, 18.7],
};

/** Why a corruption can be slower than the reference (printed only when it is). */
const SLOWER_BECAUSE: Partial<Record<CorruptionName, string>> = {
  jpeg_compression:
    'PIL runs libjpeg-turbo (SIMD colour conversion, DCT and Huffman in C) in ~0.17 ms at 224²; ours is scalar JS (AAN DCT over ~1200 blocks), without the bitstream',
  gaussian_blur:
    "the same exact 25-tap separable convolution (σ = 3, truncate 4) as scipy's C correlate1d, in scalar JS; an IIR or box-cascade approximation would be faster but not the same blur",
  pixelate: 'PIL resizes in C; the work is a few memory passes, so per-pass overhead dominates',
  spatter: "OpenCV's Canny, distance transform and filters are SIMD C; ours are scalar JS",
};

/**
 * Like the harness's opsPerSecond, but also from the process's CPU time: this machine is shared,
 * and under load wall-clock time mostly measures waiting for a core. The reference figures are
 * single-thread throughput on an otherwise idle machine, so the CPU-time rate is the comparable
 * one (it includes V8's GC helper threads, which only lowers our figure).
 */
async function throughput(
  fn: () => unknown,
  minMs: number,
): Promise<{ wall: number; cpu: number }> {
  await fn();
  let iterations = 0;
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  let elapsed = 0;
  while (elapsed < minMs || iterations < 3) {
    await fn();
    iterations++;
    elapsed = performance.now() - start;
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { wall: (iterations * 1000) / elapsed, cpu: (iterations * 1000) / Math.max(cpuMs, 1e-3) };
}

function randomImage(size: number, seed: string): RgbImage {
  const rng = Rng.fromKey(seed);
  const data = new Uint8Array(size * size * 3);
  for (let i = 0; i < data.length; i++) data[i] = rng.nextU32() & 255;
  return { width: size, height: size, data };
}

const bench: Bench = {
  name: 'corruptions',
  description:
    'img/s per corruption at severity 3 (32×32 → CIFAR-10-C table, 224×224 → ImageNet-C table), one thread, random RGB images, vs the Python reference; ratio = ours (CPU-time img/s) / reference.',
  async run({ quick }) {
    const rows: Record<string, string | number>[] = [];
    const logs: Record<'32' | '224', number[]> = { '32': [], '224': [] };
    const wallLogs: number[] = [];
    const slower: string[] = [];
    const minMs = quick ? 200 : 1000;
    for (const name of CORRUPTION_NAMES) {
      const row: Record<string, string | number> = { corruption: name };
      for (const [i, size] of [32, 224].entries()) {
        const images = Array.from({ length: 8 }, (_, k) => randomImage(size, `bench-${size}-${k}`));
        // Warm-up outside the timing: JIT, and per-process caches (Poisson tables, folded
        // filters, the five frost textures) that a real run also pays once.
        for (const [j, im] of images.entries())
          await applyCorruption(im, name, 3, { seedKey: `w${j}` });
        let k = 0;
        const { wall, cpu } = await throughput(
          () => applyCorruption(images[k % 8]!, name, 3, { seedKey: `b${k++}` }),
          minMs,
        );
        const ips = cpu;
        const ref = REFERENCE_IMG_PER_S[name][i]!;
        const ratio = ips / ref;
        logs[String(size) as '32' | '224'].push(Math.log(ratio));
        wallLogs.push(Math.log(wall / ref));
        row[`img/s ${size}`] = round(ips);
        row[`wall ${size}`] = round(wall);
        row[`ref ${size}`] = ref;
        row[`× ${size}`] = round(ratio);
        if (ratio < 1)
          slower.push(
            `${name} at ${size}×${size} (${round(ratio)}×): ${SLOWER_BECAUSE[name] ?? 'see docs/corruptions.md'}`,
          );
      }
      rows.push(row);
    }
    const geo = (xs: number[]): number => Math.exp(xs.reduce((a, b) => a + b, 0) / xs.length);
    const g32 = geo(logs['32']);
    const g224 = geo(logs['224']);
    rows.push({
      corruption: 'geometric mean',
      'img/s 32': '',
      'wall 32': '',
      'ref 32': '',
      '× 32': round(g32),
      'img/s 224': '',
      'wall 224': '',
      'ref 224': '',
      '× 224': round(g224),
    });
    const load = loadavg()
      .map((v) => v.toFixed(1))
      .join(', ');
    const notes = [
      `img/s from CPU time (wall-clock figures beside them); load average at the end: ${load} on this shared machine.`,
      `Geometric mean speed-up: ${round(g32)}× at 32×32, ${round(g224)}× at 224×224, ${round(geo([...logs['32'], ...logs['224']]))}× overall (goal ≥ 5×).`,
      `By wall-clock time instead (includes waiting for a core on this shared machine): ${round(geo(wallLogs))}× overall.`,
      slower.length > 0
        ? `Slower than the reference:\n- ${slower.join('\n- ')}`
        : 'No corruption is slower than the reference.',
    ];
    if (quick) notes.push('Quick mode: short timing windows, figures are rough.');
    return { rows, notes };
  },
};

export default bench;
