/**
 * Measures the near-duplicate detector on planted copies, before and after the pixel check, for
 * docs/data-suite.md. Not a test (it needs the Fashion-MNIST IDX files, Debian package
 * dataset-fashion-mnist): `npx tsx scripts/measure-near-duplicates.ts [--set name=dir ...]`.
 *
 * Sets:
 * - fm28: the first 2000 Fashion-MNIST test images as 28×28 PNGs, plus 200 copies made as the
 *   small-image issue describes (upscale ×2..×6, cut 1 px off one side, JPEG q70, resize back);
 * - fm112: the same 2000 upscaled ×4 (Lanczos), plus 100 copies, 20 each of: resized ×1.7,
 *   ×0.6 + JPEG q80, JPEG q70, cropped 3% top-left, cropped 3% all round;
 * - each `--set name=dir`: every image in dir, plus copies of a tenth of them (small-image
 *   recipe). The docs' two extra sets were exported with scikit-image: the 200 faces of
 *   `data/lfw_subset.npy` (25×25) as PNGs, and the 64×64 tiles of its sample photos, box-reduced
 *   to 32×32, skipping tiles whose luma standard deviation is below 4 (1120 tiles).
 *
 * "Before" is the previous rule: pHash of the content window within 6 bits, no pixel check (the
 * content region of today's signature is exactly that hash). "After" is the configured default.
 * Found = the copy ends up in its original's group. False pairs = confirmed pairs of two images
 * from different sources. Merged = originals grouped with another original.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { Rng } from '../src/corruptions/rng.js';
import { dataSuiteConfigSchema } from '../src/config/data.js';
import {
  findDuplicates,
  hashedFromScan,
  nearPairs,
  type HashedImage,
  type NearDuplicateOptions,
} from '../src/suites/data/near-duplicates.js';
import { scanImageFiles } from '../src/engine/image-scan.js';

interface Item {
  id: string;
  absPath: string;
  /** Index of the original this image is (a copy) of. */
  source: number;
}

const FASHION = process.env.FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';
const work = await mkdtemp(path.join(tmpdir(), 'measure-neardup-'));

/** Small-image recipe: upscale ×2..×6, cut 1 px off one side, JPEG q70, resize back. */
async function smallCopy(file: string, out: string, rng: Rng): Promise<void> {
  const meta = await sharp(file).metadata();
  const f = rng.int(2, 7);
  const [w, h] = [meta.width * f, meta.height * f];
  const cut = [0, 0, 0, 0];
  cut[rng.int(0, 4)] = 1;
  const big = await sharp(file)
    .resize(w, h)
    .extract({
      left: cut[0]!,
      top: cut[1]!,
      width: w - cut[0]! - cut[2]!,
      height: h - cut[1]! - cut[3]!,
    })
    .jpeg({ quality: 70 })
    .toBuffer();
  await sharp(big).resize(meta.width, meta.height, { fit: 'fill' }).png().toFile(out);
}

async function fashion(count: number, side: number): Promise<string[]> {
  const bytes = gunzipSync(await readFile(path.join(FASHION, 't10k-images-idx3-ubyte.gz')));
  const files: string[] = [];
  for (let n = 0; n < count; n++) {
    const file = path.join(work, `fm${side}-${n}.png`);
    let img = sharp(Buffer.from(bytes.subarray(16 + n * 784, 16 + (n + 1) * 784)), {
      raw: { width: 28, height: 28, channels: 1 },
    });
    if (side !== 28) img = img.resize(side, side, { kernel: 'lanczos3' });
    await img.png().toFile(file);
    files.push(file);
  }
  return files;
}

async function withSmallCopies(name: string, files: string[], copies: number): Promise<Item[]> {
  const items = files.map((f, k) => ({ id: `${name}/o${k}`, absPath: f, source: k }));
  const rng = Rng.fromKey(`measure/${name}`);
  const chosen = new Set<number>();
  while (chosen.size < copies) chosen.add(rng.int(0, files.length));
  for (const k of chosen) {
    const out = path.join(work, `${name}-copy${k}.png`);
    await smallCopy(files[k]!, out, rng);
    items.push({ id: `${name}/copy${k}`, absPath: out, source: k });
  }
  return items;
}

async function fm112(): Promise<Item[]> {
  const files = await fashion(2000, 112);
  const items = files.map((f, k) => ({ id: `fm112/o${k}`, absPath: f, source: k }));
  const crop = 3;
  const kinds: ((s: Sharp) => Sharp)[] = [
    (s) => s.resize(190, 190),
    (s) => s.resize(67, 67).jpeg({ quality: 80 }),
    (s) => s.jpeg({ quality: 70 }),
    (s) => s.extract({ left: crop, top: crop, width: 112 - crop, height: 112 - crop }),
    (s) => s.extract({ left: crop, top: crop, width: 112 - 2 * crop, height: 112 - 2 * crop }),
  ];
  for (let n = 0; n < 100; n++) {
    const out = path.join(work, `fm112-copy${n}.${n % 5 === 1 || n % 5 === 2 ? 'jpg' : 'png'}`);
    await kinds[n % 5]!(sharp(files[n])).toFile(out);
    items.push({ id: `fm112/copy${n}`, absPath: out, source: n });
  }
  return items;
}

function measure(items: Item[], images: HashedImage[], options: NearDuplicateOptions): string {
  const pairs = nearPairs(images, options);
  const falsePairs = pairs.filter(([a, b]) => items[a]!.source !== items[b]!.source).length;
  const groups = findDuplicates(images, { ...options, maxListed: Infinity }).groups;
  const groupOf = new Map<string, number>();
  groups.forEach((g, k) => g.ids.forEach((id) => groupOf.set(id, k)));
  const copies = items.filter((it) => it.id.includes('/copy'));
  const found = copies.filter((c) => {
    const g = groupOf.get(c.id);
    return g !== undefined && g === groupOf.get(items[c.source]!.id);
  }).length;
  const merged = new Set<string>();
  for (const g of groups) {
    const originals = g.ids.filter((id) => !id.includes('/copy'));
    if (originals.length > 1) originals.forEach((id) => merged.add(id));
  }
  return `found ${found}/${copies.length}, false pairs ${falsePairs}, merged originals ${merged.size}`;
}

const sets: [string, () => Promise<Item[]>][] = [
  ['fm28', async () => withSmallCopies('fm28', await fashion(2000, 28), 200)],
  ['fm112', fm112],
];
for (const arg of process.argv.slice(2).filter((a) => a.includes('='))) {
  const [name, dir] = arg.replace(/^--set=?/, '').split('=') as [string, string];
  sets.push([
    name,
    async () => {
      const files = (await readdir(dir))
        .filter((f) => /\.(png|jpe?g)$/i.test(f))
        .sort()
        .map((f) => path.resolve(dir, f));
      return withSmallCopies(name, files, Math.round(files.length / 10));
    },
  ]);
}

const defaults = dataSuiteConfigSchema.parse({}).duplicates;
const after: NearDuplicateOptions = {
  hash: defaults.hash,
  threshold: defaults.hammingThreshold,
  pixelCheck: defaults.pixelCheck,
  maxPixelDifference: defaults.maxPixelDifference,
  maxListed: Infinity,
};
const before: NearDuplicateOptions = { ...after, threshold: 6, pixelCheck: false };
try {
  for (const [name, make] of sets) {
    const items = await make();
    const scans = await scanImageFiles(
      items,
      { failOn: 'error', maxSide: 512, contentWindow: true },
      4,
    );
    const images = scans.map((s) => hashedFromScan(s)!);
    // The previous rule saw only the content window's hash.
    const previous = images.map((img) => ({
      ...img,
      signature: { frame: img.signature!.content! },
    }));
    const candidates = nearPairs(images, { ...after, pixelCheck: false }).length;
    console.log(`${name} (${items.length} images)`);
    console.log(`  before: ${measure(items, previous, before)}`);
    console.log(`  after:  ${measure(items, images, after)} (${candidates} candidate pairs)`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
