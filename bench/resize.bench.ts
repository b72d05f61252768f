/**
 * The cost of resizing in our own code (Pillow, OpenCV and torchvision reproductions) against
 * sharp's resize, which VisionGate used before: the same decoded RGB pixels, the same output
 * size, interleaved rounds in one process, ratio = sharp time / ours per round (below 1: ours is
 * slower). Also the whole decode (JPEG bytes → model input) of decodeToGeometry vs the former
 * all-sharp pipeline, for the typical 224×224 centre crop. Process CPU time per call for both.
 */
import { loadavg } from 'node:os';
import sharp from 'sharp';
import { decodeToGeometry } from '../src/image/decode.js';
import type { Geometry } from '../src/image/geometry.js';
import { resample, type Resampler } from '../src/image/resample.js';
import type { RgbImage } from '../src/types.js';
import { round, type Bench } from './harness.js';

/** A photo-like test image: smooth shading, edges and noise. */
function photo(w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  let seed = 1;
  const noise = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 20;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const edge = (x / 37 + y / 23) % 2 < 1 ? 60 : 0;
      const i = (y * w + x) * 3;
      data[i] = Math.max(0, Math.min(255, (200 * x) / w + edge + noise()));
      data[i + 1] = Math.max(0, Math.min(255, (180 * y) / h + noise()));
      data[i + 2] = Math.max(0, Math.min(255, 128 + 100 * Math.sin(x / 9) + noise()));
    }
  return { width: w, height: h, data };
}

/**
 * CPU ms per call of fn (this process, every thread: sharp works on libuv's pool), over at least
 * minMs of wall time after a warm-up. CPU time, not wall time: on this shared machine wall time
 * mostly measures waiting for a core.
 */
async function msPerCall(fn: () => unknown, minMs: number): Promise<number> {
  await fn();
  let n = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  while (performance.now() - t0 < minMs || n < 3) {
    await fn();
    n++;
  }
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / n;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

const CASES: { name: string; from: [number, number]; to: [number, number] }[] = [
  { name: 'shrink 640×480 → 224×224', from: [640, 480], to: [224, 224] },
  { name: 'shrink 256×256 → 224×224', from: [256, 256], to: [224, 224] },
  { name: 'enlarge 64×64 → 224×224', from: [64, 64], to: [224, 224] },
  { name: 'enlarge 20×20 → 32×32', from: [20, 20], to: [32, 32] },
];

const RESAMPLERS: { r: Resampler; sharpKernel: 'linear' | 'cubic' }[] = [
  { r: { library: 'pillow', interpolation: 'bilinear' }, sharpKernel: 'linear' },
  { r: { library: 'pillow', interpolation: 'bicubic' }, sharpKernel: 'cubic' },
  { r: { library: 'opencv', interpolation: 'linear' }, sharpKernel: 'linear' },
  {
    r: { library: 'torchvision', interpolation: 'bilinear', antialias: true },
    sharpKernel: 'linear',
  },
];

const bench: Bench = {
  name: 'resize',
  description:
    'Our Pillow / OpenCV / torchvision resamplers vs sharp resize on the same RGB pixels (ratio = sharp ms / ours: below 1 ours is slower), and decodeToGeometry of a 500×375 JPEG to a 224×224 centre crop vs the former all-sharp pipeline.',
  async run({ quick }) {
    const rounds = quick ? 3 : 7;
    const minMs = quick ? 100 : 300;
    const rows: Record<string, string | number>[] = [];
    const loads: number[] = [];
    for (const c of CASES) {
      const img = photo(...c.from);
      for (const { r, sharpKernel } of RESAMPLERS) {
        const ours: number[] = [];
        const theirs: number[] = [];
        const ratios: number[] = [];
        for (let k = 0; k < rounds; k++) {
          const a = await msPerCall(() => resample(img, c.to[0], c.to[1], r), minMs);
          const b = await msPerCall(
            () =>
              sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
                .resize(c.to[0], c.to[1], { fit: 'fill', kernel: sharpKernel })
                .raw()
                .toBuffer(),
            minMs,
          );
          ours.push(a);
          theirs.push(b);
          ratios.push(b / a);
          loads.push(loadavg()[0]!);
        }
        rows.push({
          case: c.name,
          resampler: `${r.library} ${r.interpolation}${r.library === 'torchvision' ? ' aa' : ''} (sharp ${sharpKernel})`,
          'ours CPU ms (median)': round(median(ours)),
          'sharp CPU ms (median)': round(median(theirs)),
          'sharp / ours (median of rounds)': round(median(ratios)),
        });
      }
    }

    // The whole decode, bytes to model input: JPEG 500×375 → torchvision Resize(256) +
    // CenterCrop(224). Former pipeline: sharp decode with shrink-on-load + linear resize + extract.
    const src = photo(500, 375);
    const jpeg = await sharp(src.data, { raw: { width: 500, height: 375, channels: 3 } })
      .jpeg({ quality: 90 })
      .toBuffer();
    const g: Geometry = {
      width: 224,
      height: 224,
      mode: 'center-crop',
      resizeTo: 256,
      resampler: { library: 'pillow', interpolation: 'bilinear' },
      exif: false,
      pad: '#000000',
    };
    const former = () =>
      sharp(jpeg)
        .rotate()
        .flatten({ background: '#000000' })
        .resize(341, 256, { fit: 'fill', kernel: 'linear' })
        .extract({ left: 58, top: 16, width: 224, height: 224 })
        .toColourspace('srgb')
        .removeAlpha()
        .raw()
        .toBuffer();
    const now: number[] = [];
    const old: number[] = [];
    const ratio: number[] = [];
    for (let k = 0; k < rounds; k++) {
      const a = await msPerCall(() => decodeToGeometry(jpeg, g, 'bench.jpg'), minMs);
      const b = await msPerCall(former, minMs);
      now.push(a);
      old.push(b);
      ratio.push(b / a);
      loads.push(loadavg()[0]!);
    }
    rows.push({
      case: 'JPEG 500×375 → Resize(256) + CenterCrop(224), whole decode',
      resampler: 'pillow bilinear (sharp linear, shrink-on-load)',
      'ours CPU ms (median)': round(median(now)),
      'sharp CPU ms (median)': round(median(old)),
      'sharp / ours (median of rounds)': round(median(ratio)),
    });
    return {
      rows,
      notes: [
        `${rounds} interleaved rounds per row; 1-minute load average ${round(Math.min(...loads))}-${round(Math.max(...loads))} (2 CPUs).`,
        'sharp resizes in C with SIMD and, for JPEG, shrinks while decoding; ours is scalar JS that reproduces the training library bit for bit.',
      ],
    };
  },
};

export default bench;
