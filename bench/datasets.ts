/**
 * Benchmark datasets shared by the pipeline, PyTorch and memory benches: each writes a folder
 * with `data/manifest.csv` (columns id,path,label[,metadata]) and returns a visiongate.yml text
 * with `MODEL` and `BATCH` placeholders.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createRandom } from '../src/metrics/random.js';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The example's Fashion-MNIST images and their manifest rows (header first). */
export async function fashionRows(): Promise<{ src: string; header: string; rows: string[][] }> {
  const src = path.join(repo, 'examples/fashion/data');
  const lines = (await readFile(path.join(src, 'manifest.csv'), 'utf8')).trim().split('\n');
  return { src, header: lines[0]!, rows: lines.slice(1).map((l) => l.split(',')) };
}

/** `n` copies of the example's 28×28 images (PNG/JPEG as shipped), one file per example. */
export async function fashionDataset(dir: string, n: number): Promise<string> {
  const { src, header, rows } = await fashionRows();
  const out: string[] = [header];
  await mkdir(path.join(dir, 'data/img'), { recursive: true });
  for (let i = 0; i < n; i++) {
    const cells = rows[i % rows.length]!;
    const rel = `img/${i}${path.extname(cells[1]!)}`;
    await writeFile(path.join(dir, 'data', rel), await readFile(path.join(src, cells[1]!)));
    out.push([`e${i}`, rel, ...cells.slice(2)].join(','));
  }
  await writeFile(path.join(dir, 'data/manifest.csv'), `${out.join('\n')}\n`);
  await writeFile(
    path.join(dir, 'data/classes.txt'),
    await readFile(path.join(src, 'classes.txt')),
  );
  return `name: bench
dataset: { root: data, manifest: data/manifest.csv, classes: data/classes.txt }
model: { path: MODEL, input: { scale: 0.00392156862745098, mean: 0.286, std: 0.353 } }
runtime: { batchSize: BATCH }
slices: { classes: true }
`;
}

/**
 * `n` 256×256 JPEG (quality 90) photo-like images: smooth colour ramps plus an xor texture,
 * different per image. The model contract is torchvision's ImageNet one (Resize(256) +
 * CenterCrop(224), ImageNet mean/std), so scripts/bench-pytorch.py reads the same files.
 */
export async function photoDataset(dir: string, n: number): Promise<string> {
  await mkdir(path.join(dir, 'data/img'), { recursive: true });
  const rows = ['id,path,label'];
  const w = 256;
  const buf = Buffer.alloc(w * w * 3);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < w; y++)
      for (let x = 0; x < w; x++) {
        const o = (y * w + x) * 3;
        buf[o] = (x + i * 7) & 255;
        buf[o + 1] = (y * 2 + i * 13) & 255;
        buf[o + 2] = ((x ^ y) + i) & 255;
      }
    const rel = `img/${i}.jpg`;
    await sharp(buf, { raw: { width: w, height: w, channels: 3 } })
      .jpeg({ quality: 90 })
      .toFile(path.join(dir, 'data', rel));
    rows.push(`p${i},${rel},c${i % 10}`);
  }
  await writeFile(path.join(dir, 'data/manifest.csv'), `${rows.join('\n')}\n`);
  const classes = Array.from({ length: 1000 }, (_, k) => `c${k}`);
  return `name: bench
dataset: { root: data, manifest: data/manifest.csv, classes: [${classes.join(', ')}] }
model:
  path: MODEL
  input: { resize: { mode: center-crop, resizeTo: 256 }, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }
runtime: { batchSize: BATCH }
slices: { classes: false }
`;
}

/** A YOLOv8n-shaped head: low class scores everywhere, 20 objects with clusters of high ones. */
export function yoloHead(seed: number): Float32Array {
  const rng = createRandom(seed);
  const C = 80;
  const A = 8400;
  const out = new Float32Array((4 + C) * A);
  const normal = () =>
    Math.sqrt(-2 * Math.log(1 - rng.nextFloat())) * Math.cos(2 * Math.PI * rng.nextFloat());
  for (let a = 0; a < A; a++) {
    out[a] = rng.nextFloat() * 640;
    out[A + a] = rng.nextFloat() * 640;
    out[2 * A + a] = 8 + rng.nextFloat() * 200;
    out[3 * A + a] = 8 + rng.nextFloat() * 200;
    for (let c = 0; c < C; c++) out[(4 + c) * A + a] = 1 / (1 + Math.exp(-(-11 + 1.5 * normal())));
  }
  for (let o = 0; o < 20; o++) {
    const c = rng.nextInt(C);
    const [cx, cy, w, h] = [
      rng.nextFloat() * 640,
      rng.nextFloat() * 640,
      20 + rng.nextFloat() * 200,
      20 + rng.nextFloat() * 200,
    ];
    for (let n = 0; n < 30; n++) {
      const a = rng.nextInt(A);
      out[a] = cx + normal() * 3;
      out[A + a] = cy + normal() * 3;
      out[2 * A + a] = w * (1 + normal() * 0.05);
      out[3 * A + a] = h * (1 + normal() * 0.05);
      out[(4 + c) * A + a] = 0.3 + 0.65 * rng.nextFloat();
    }
  }
  return out;
}
