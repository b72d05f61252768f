/**
 * The data suite on real images with planted faults. Images, labels and two real models'
 * probabilities are the committed Fashion-MNIST fixture (test/fixtures/fashion-mnist, written by
 * scripts/make-fashion-mnist-fixture.py from the original dataset files): the first 600 test
 * images, upscaled here to 112×112 PNGs (closer to real evaluation images than 28×28) in a temp
 * folder. Every floor asserted below was measured on these exact seeded inputs and is set with a
 * margin; the comment next to each says what was measured and why the floor is meaningful.
 */
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dataSuiteConfigSchema,
  renderDataSection,
  type DataSuiteConfigInput,
} from '../../src/suites/data/index.js';
import {
  findDuplicates,
  hashedFromScan,
  type HashedImage,
} from '../../src/suites/data/near-duplicates.js';
import { scanImageFiles } from '../../src/engine/image-scan.js';
import type { ImageScan } from '../../src/image/scan.js';
import { runDataSuiteOnFiles } from '../support/data-suite.js';
import type { Example } from '../../src/types.js';
import type { PredictionRecord } from '../../src/tasks/classification/records.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/fashion-mnist');
const CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];
const K = CLASSES.length;
const SIDE = 112;
const PIXELS = 28 * 28;

// ---------------------------------------------------------------------------------------------
// Helpers: IDX parsing, a seeded generator, records.

/**
 * Read a gzipped IDX file (LeCun's MNIST format): bytes 0-1 zero, byte 2 the element type
 * (0x08 uint8, 0x0B int16), byte 3 the number of dimensions, then big-endian uint32 sizes and
 * big-endian values.
 */
async function readIdx(
  file: string,
  type: 0x08 | 0x0b,
): Promise<{ shape: number[]; bytes: Buffer; offset: number }> {
  const bytes = gunzipSync(await readFile(path.join(FIXTURE, file)));
  if (bytes.readUInt16BE(0) !== 0 || bytes[2] !== type)
    throw new Error(`${file}: not an IDX file of element type 0x${type.toString(16)}`);
  const dims = bytes[3]!;
  const shape = Array.from({ length: dims }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  return { shape, bytes, offset: 4 + 4 * dims };
}

async function readUint8Idx(file: string): Promise<{ shape: number[]; data: Uint8Array }> {
  const { shape, bytes, offset } = await readIdx(file, 0x08);
  return {
    shape,
    data: new Uint8Array(bytes.buffer, bytes.byteOffset + offset, bytes.length - offset),
  };
}

async function readInt16Idx(file: string): Promise<{ shape: number[]; data: Int16Array }> {
  const { shape, bytes, offset } = await readIdx(file, 0x0b);
  const data = new Int16Array((bytes.length - offset) / 2);
  for (let i = 0; i < data.length; i++) data[i] = bytes.readInt16BE(offset + 2 * i);
  return { shape, data };
}

/** Numerical Recipes' LCG: deterministic, good enough for shuffling test data. */
function createRng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A clean-variant record carrying the full probability vector, as the engine writes it. */
function record(
  id: string,
  label: number,
  probs: number[],
  model: 'candidate' | 'baseline',
): PredictionRecord {
  const pred = probs.indexOf(Math.max(...probs));
  const pTrue = probs[label]!;
  return {
    id,
    hash: '0'.repeat(64),
    model,
    variant: 'clean',
    label,
    pred,
    conf: probs[pred]!,
    pTrue,
    rank: probs.filter((p) => p > pTrue).length,
    sumSq: probs.reduce((s, p) => s + p * p, 0),
    probs,
  };
}

function example(
  id: string,
  absPath: string,
  labelIndex: number,
  metadata: Record<string, string> = {},
): Example {
  return {
    id,
    path: path.basename(absPath),
    absPath,
    label: CLASSES[labelIndex]!,
    labelIndex,
    metadata,
  };
}

// ---------------------------------------------------------------------------------------------

let dir = '';
let images: Uint8Array;
let labels: Uint8Array;
/** Two models' log-probabilities ×1000 for test images 0..SCORED-1, shape [2, SCORED, K]. */
let logprobs: Int16Array;
const IMAGES = 600;
const SCORED = 2000;

/** Write test image n as a SIDE×SIDE PNG (Lanczos upscaling of the 28×28 original). */
async function writeImage(n: number, file: string): Promise<string> {
  const out = path.join(dir, file);
  await sharp(Buffer.from(images.subarray(n * PIXELS, (n + 1) * PIXELS)), {
    raw: { width: 28, height: 28, channels: 1 },
  })
    .resize(SIDE, SIDE, { kernel: 'lanczos3' })
    .png()
    .toFile(out);
  return out;
}

/** Model `m`'s class probabilities for test image n (renormalised after the int16 rounding). */
function modelProbs(m: 0 | 1, n: number): number[] {
  const base = (m * SCORED + n) * K;
  const p = Array.from(logprobs.subarray(base, base + K), (v) => Math.exp(v / 1000));
  const sum = p.reduce((a, b) => a + b, 0);
  return p.map((v) => v / sum);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'visiongate-data-'));
  const img = await readUint8Idx('t10k-images.idx3-ubyte.gz');
  const lab = await readUint8Idx('t10k-labels.idx1-ubyte.gz');
  const lp = await readInt16Idx('t10k-logprobs.idx3-int16.gz');
  expect(img.shape).toEqual([IMAGES, 28, 28]);
  expect(lab.shape).toEqual([10000]);
  expect(lp.shape).toEqual([2, SCORED, K]);
  images = img.data;
  labels = lab.data;
  logprobs = lp.data;
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('label issues (confident learning) on Fashion-MNIST with planted flips', () => {
  it('finds most flipped labels, ranks them first, and agreement with a baseline raises precision', async () => {
    // Two softmax-regression models, each trained on its own 25,000 Fashion-MNIST training
    // images and temperature-scaled on 10,000 others, scored on test images 0..1999: the
    // probabilities are out-of-sample, as in the paper's cross-validation setup.
    const N = SCORED;
    const rng = createRng(7);
    const given = Array.from(labels.subarray(0, N));
    const flipped = new Set<number>();
    while (flipped.size < 100) {
      const i = Math.floor(rng() * N);
      if (flipped.has(i)) continue;
      flipped.add(i);
      given[i] = (given[i]! + 1 + Math.floor(rng() * (K - 1))) % K; // uniform over the other classes
    }
    const examples = given.map((y, i) => example(`fm-${i}`, `/unused/${i}.png`, y));
    const candProbs = examples.map((_, i) => modelProbs(0, i));
    const candidate = examples.map((e, i) =>
      record(e.id, e.labelIndex, candProbs[i]!, 'candidate'),
    );
    const baseline = examples.map((e, i) =>
      record(e.id, e.labelIndex, modelProbs(1, i), 'baseline'),
    );
    // Accuracy against the true labels: measured 0.849.
    const accuracy = candProbs.filter((p, i) => p.indexOf(Math.max(...p)) === labels[i]).length / N;
    expect(accuracy).toBeGreaterThan(0.8);

    const onlyLabels: DataSuiteConfigInput = {
      maxListed: 10_000,
      duplicates: { enabled: false },
      imageProperties: { enabled: false },
      labelIssues: { requireBaselineAgreement: false },
    };
    const { result: solo } = await runDataSuiteOnFiles(
      { examples, classes: CLASSES, candidate },
      onlyLabels,
    );
    const f = solo.checks.labelIssues;
    if (f.status !== 'ran') throw new Error(f.reason);
    const idx = (id: string): number => Number(id.slice(3));
    const truePositives = f.issues.filter((x) => flipped.has(idx(x.id)));
    const precision = truePositives.length / f.issueCount;
    const recall = truePositives.length / flipped.size;
    // Measured: 249 flagged, precision 0.33, recall 0.82, with a model of 85% accuracy. The
    // model's own errors (~15%) look like label noise to any method, so precision is bounded
    // well below 1; 0.26 is still 5× the 5% base rate. Recall ≥ 0.75: the paper reports
    // 0.8–0.9 recall at comparable noise with stronger models.
    expect(recall).toBeGreaterThanOrEqual(0.75);
    expect(precision).toBeGreaterThanOrEqual(0.26);
    // Ranking: the top 100 suspects (lowest normalised margin) should be mostly real flips.
    // Measured 0.66; floor 0.5 = 10× the base rate.
    const top = f.issues.slice(0, 100).filter((x) => flipped.has(idx(x.id))).length / 100;
    expect(top).toBeGreaterThanOrEqual(0.5);
    // The suggested label is the original one for most true positives (measured 0.88).
    const restored = truePositives.filter(
      (x) => x.suggestedLabel === CLASSES[labels[idx(x.id)]!],
    ).length;
    expect(restored / truePositives.length).toBeGreaterThanOrEqual(0.75);
    expect(f.issueRate).toBeCloseTo(f.issueCount / N, 12);

    const { result: agreed } = await runDataSuiteOnFiles(
      { examples, classes: CLASSES, candidate, baseline },
      { ...onlyLabels, labelIssues: { requireBaselineAgreement: true } },
    );
    const g = agreed.checks.labelIssues;
    if (g.status !== 'ran') throw new Error(g.reason);
    expect(g.models).toBe('candidate+baseline');
    const agreedTp = g.issues.filter((x) => flipped.has(idx(x.id))).length;
    // Two models trained on disjoint data must both flag: fewer, more precise suspects (measured
    // 186 flagged, precision 0.39 vs 0.33, recall 0.72 vs 0.82).
    expect(g.issueCount).toBeLessThan(f.issueCount);
    expect(agreedTp / g.issueCount).toBeGreaterThanOrEqual(precision);
    expect(agreedTp / flipped.size).toBeGreaterThanOrEqual(0.6);
  });
});

describe('near duplicates, leakage and unreadable files on real images', () => {
  const ORIGINALS = 400;
  let examples: Example[] = [];
  let planted: { copy: string; original: string; kind: string }[] = [];

  beforeAll(async () => {
    const files = await Promise.all(
      Array.from({ length: ORIGINALS }, (_, n) => writeImage(n, `o${n}.png`)),
    );
    examples = files.map((f, n) => example(`o${n}`, f, labels[n]!));
    // Planted near copies of originals 0..59: resized, re-encoded as JPEG, slightly cropped.
    const crop = Math.round(SIDE * 0.03); // 3 px of 112
    const kinds: [string, (s: Sharp) => Sharp, string][] = [
      ['resized ×1.7', (s) => s.resize(190, 190), 'png'],
      ['resized ×0.6 + JPEG q80', (s) => s.resize(67, 67).jpeg({ quality: 80 }), 'jpg'],
      ['JPEG q70', (s) => s.jpeg({ quality: 70 }), 'jpg'],
      [
        'cropped 3% top-left',
        (s) => s.extract({ left: crop, top: crop, width: SIDE - crop, height: SIDE - crop }),
        'png',
      ],
      [
        'cropped 3% all round',
        (s) =>
          s.extract({ left: crop, top: crop, width: SIDE - 2 * crop, height: SIDE - 2 * crop }),
        'png',
      ],
    ];
    planted = [];
    for (let n = 0; n < 60; n++) {
      const [kind, transform, ext] = kinds[n % kinds.length]!;
      const file = path.join(dir, `copy${n}.${ext}`);
      await transform(sharp(examples[n]!.absPath)).toFile(file);
      examples.push(example(`copy${n}`, file, labels[n]!));
      planted.push({ copy: `copy${n}`, original: `o${n}`, kind });
    }
  });

  // The configured defaults: candidates within 8 bits, confirmed on pixels.
  const {
    hash,
    hammingThreshold: threshold,
    pixelCheck,
    maxPixelDifference,
  } = dataSuiteConfigSchema.parse({}).duplicates;
  const NEAR = { hash, threshold, pixelCheck, maxPixelDifference };

  async function hashedEval(list: readonly Example[]): Promise<HashedImage[]> {
    const scans = await scanImageFiles(
      list,
      { failOn: 'error', maxSide: 512, contentWindow: true },
      4,
    );
    return scans.map((s, k) => hashedFromScan(s, list[k]!.label)!);
  }

  it('groups planted copies with their originals and rarely merges distinct images', async () => {
    const finding = findDuplicates(await hashedEval(examples), {
      ...NEAR,
      maxListed: 10_000,
    });
    const groupOf = new Map<string, number>();
    finding.groups.forEach((g, k) => g.ids.forEach((id) => groupOf.set(id, k)));
    const found = planted.filter(
      (p) => groupOf.has(p.copy) && groupOf.get(p.copy) === groupOf.get(p.original),
    );
    // Measured on 2000 originals: resizes and JPEG re-encodes within 2 bits of pHash, 3% crops
    // within 10 (97% within 6); here 58 of 60 found (two 3% all-round crops missed). Floor: 90%
    // of planted copies found, every resize/JPEG copy found.
    expect(found.length / planted.length).toBeGreaterThanOrEqual(0.9);
    for (const p of planted.filter((q) => !q.kind.startsWith('cropped'))) {
      expect(groupOf.get(p.copy), `${p.copy} (${p.kind})`).toBe(groupOf.get(p.original));
    }
    // Distinct originals merged with another original. Fashion-MNIST is a hard case (centred
    // silhouettes on black: many boots look alike); measured 1.2% of 2000 originals at 6 bits,
    // all visually near-identical boots, and none of these 400. Floor 3%.
    const mergedOriginals = new Set<string>();
    for (const g of finding.groups) {
      const originals = g.ids.filter((id) => id.startsWith('o'));
      if (originals.length > 1) originals.forEach((id) => mergedOriginals.add(id));
    }
    expect(mergedOriginals.size / ORIGINALS).toBeLessThanOrEqual(0.03);
    expect(finding.exactGroupCount).toBe(0);
  });

  it('reports exact copies and groups whose labels conflict', async () => {
    const dupFile = path.join(dir, 'exact-copy.png');
    await copyFile(examples[100]!.absPath, dupFile);
    const relabelled = (examples[101]!.labelIndex + 1) % K;
    const conflictFile = path.join(dir, 'conflict.jpg');
    await sharp(examples[101]!.absPath).jpeg({ quality: 85 }).toFile(conflictFile);
    const list = [
      ...examples.slice(0, 200),
      example('exact-copy', dupFile, examples[100]!.labelIndex),
      example('relabelled-copy', conflictFile, relabelled),
    ];
    const finding = findDuplicates(await hashedEval(list), {
      ...NEAR,
      maxListed: 10_000,
    });
    const exact = finding.groups.find((g) => g.ids.includes('exact-copy'))!;
    expect(exact.exact).toBe(true);
    expect(exact.ids).toEqual(['exact-copy', 'o100']);
    expect(finding.exactGroupCount).toBe(1);
    const conflict = finding.groups.find((g) => g.ids.includes('relabelled-copy'))!;
    expect(conflict.ids).toContain('o101');
    expect(conflict.conflictingLabels).toBe(true);
    expect(conflict.labels).toEqual(
      [CLASSES[examples[101]!.labelIndex], CLASSES[relabelled]].sort(),
    );
    expect(finding.groups[0]!.conflictingLabels).toBe(true); // conflicting groups are listed first
  });

  it('finds planted train/eval leakage, exact and re-encoded', async () => {
    // Training manifest: 200 images the evaluation set does not contain (test images 400..599),
    // plus 10 byte-identical copies and 10 JPEG re-encodes of evaluation images.
    const train: { id: string; absPath: string; label: string }[] = [];
    for (let n = ORIGINALS; n < IMAGES; n++) {
      train.push({
        id: `train-${n}`,
        absPath: await writeImage(n, `t${n}.png`),
        label: CLASSES[labels[n]!]!,
      });
    }
    const leaked = new Set<string>();
    for (let k = 0; k < 20; k++) {
      const source = examples[300 + k]!;
      const file = path.join(dir, `leak${k}.${k < 10 ? 'png' : 'jpg'}`);
      if (k < 10) await copyFile(source.absPath, file);
      else await sharp(source.absPath).jpeg({ quality: 75 }).toFile(file);
      train.push({ id: `train-leak-${k}`, absPath: file, label: source.label });
      leaked.add(source.id);
    }
    const evalSet = examples.slice(0, ORIGINALS);
    const { result } = await runDataSuiteOnFiles(
      { examples: evalSet, classes: CLASSES, candidate: [], train },
      { maxListed: 10_000, imageProperties: { enabled: false } },
    );
    const f = result.checks.leakage;
    if (f.status !== 'ran') throw new Error(f.reason);
    const hits = f.examples.filter((e) => leaked.has(e.id));
    expect(hits.length).toBe(20);
    expect(f.exactCount).toBe(10);
    expect(
      hits
        .filter((e) => e.exact)
        .map((e) => e.id)
        .sort(),
    ).toEqual([...leaked].slice(0, 10).sort());
    // False leaks: 400 × 220 cross pairs; the distinct-pair rate measured above (~7e-6 within
    // 6 bits) predicts ~0.6, and none were measured. Floor: at most 4 (1% of the evaluation set).
    expect(f.leakedCount - hits.length).toBeLessThanOrEqual(4);
    const gate = result.gateResults.find((g) => g.gate === 'maxLeakageRate')!;
    expect(gate.level).toBe('fail'); // 5% leaked > the default fail threshold of 1%
  });

  it('reports truncated, corrupt and missing files per id without throwing', async () => {
    const png = await readFile(examples[0]!.absPath);
    const jpeg = await sharp(examples[1]!.absPath)
      .resize(400, 400)
      .jpeg({ quality: 90 })
      .toBuffer();
    const bad: [string, Buffer | undefined][] = [
      ['truncated.png', png.subarray(0, Math.floor(png.length * 0.6))],
      ['truncated.jpg', jpeg.subarray(0, Math.floor(jpeg.length * 0.6))],
      ['empty.png', Buffer.alloc(0)],
      ['text.png', Buffer.from('not an image at all\n')],
      ['missing.png', undefined],
    ];
    const list = examples.slice(0, 50);
    for (const [name, bytes] of bad) {
      const file = path.join(dir, name);
      if (bytes) await writeFile(file, bytes);
      list.push(example(`bad/${name}`, file, 0));
    }
    const { result } = await runDataSuiteOnFiles(
      { examples: list, classes: CLASSES, candidate: [] },
      {},
    );
    const f = result.checks.imageProperties;
    if (f.status !== 'ran') throw new Error(f.reason);
    expect(f.unreadable.map((u) => u.id)).toEqual(bad.map(([name]) => `bad/${name}`).sort());
    expect(f.readableCount).toBe(50);
    for (const u of f.unreadable) expect(u.error.length).toBeGreaterThan(0);
    expect(f.unreadable.find((u) => u.id === 'bad/missing.png')!.error).toMatch(/cannot read file/);
    const gate = result.gateResults.find((g) => g.gate === 'maxUnreadableImages')!;
    expect(gate).toMatchObject({ level: 'fail', value: 5, threshold: 0 });
    // Duplicates still ran over the readable images (and the byte hashes of the broken ones).
    expect(result.checks.duplicates.status).toBe('ran');
    // The 60%-truncated JPEG decodes with failOn 'none' (grey fill), so strictness is the switch.
    const lenient: ImageScan[] = await scanImageFiles(
      [{ id: 'j', absPath: path.join(dir, 'truncated.jpg') }],
      { failOn: 'none', maxSide: 512, contentWindow: true },
      1,
    );
    expect(lenient[0]!.ok).toBe(true);
  });

  it('flags a blank frame and a blurred image as outliers, and brightness drift vs a reference', async () => {
    const list = examples.slice(0, 300);
    // A dead (all-white) frame and an out-of-focus copy: the faults a camera pipeline produces.
    // Brightness here: median 0.27, 5th–95th percentile 0.10–0.54, so merely dark images are
    // not outliers.
    const blank = path.join(dir, 'blank.png');
    await sharp({ create: { width: SIDE, height: SIDE, channels: 3, background: '#ffffff' } })
      .png()
      .toFile(blank);
    const blurred = path.join(dir, 'blurred.png');
    await sharp(list[1]!.absPath).blur(4).toFile(blurred);
    const evalSet = [
      ...list,
      example('blank', blank, 0),
      example('blurred', blurred, list[1]!.labelIndex),
    ];
    // Reference: 300 other test images (300..599), brighter by 30% (a different camera exposure).
    const reference = await Promise.all(
      Array.from({ length: 300 }, async (_, k) => {
        const n = 300 + k;
        const file = path.join(dir, `bright-${n}.png`);
        await sharp(await writeImage(n, `ref${n}.png`))
          .linear(1.3, 0)
          .toFile(file);
        return { id: `ref${n}`, absPath: file, label: CLASSES[labels[n]!]! };
      }),
    );
    const { result } = await runDataSuiteOnFiles(
      { examples: evalSet, classes: CLASSES, candidate: [], reference },
      { duplicates: { enabled: false }, representativity: { enabled: false } },
    );
    const f = result.checks.imageProperties;
    if (f.status !== 'ran') throw new Error(f.reason);
    const prop = (name: string) => f.properties.find((p) => p.property === name)!;
    expect(prop('brightness').outliers.map((o) => o.id)).toEqual(['blank']);
    expect(prop('contrast').outliers.map((o) => o.id)).toEqual(['blank']);
    // Sharpness is scored on a log scale: the blurred copy and the blank frame (no edges at all)
    // are the two most extreme (one smooth original is a milder low-sharpness outlier).
    expect(
      prop('sharpness')
        .outliers.slice(0, 2)
        .map((o) => o.id)
        .sort(),
    ).toEqual(['blank', 'blurred']);
    expect(f.outlierImageCount).toBeLessThanOrEqual(4);
    const brightness = f.drift!.properties.find((d) => d.property === 'brightness')!;
    expect(brightness.significant).toBe(true);
    // KS statistic measured 0.22 (p 8e-7); the 1% critical value for 300 vs 300 is 0.13.
    expect(brightness.statistic).toBeGreaterThan(0.17);
    expect(brightness.referenceMedian).toBeGreaterThan(brightness.evalMedian);
    // Same resolution everywhere: no width drift.
    expect(f.drift!.properties.find((d) => d.property === 'width')!.statistic).toBe(0);
  });
});

describe('representativity and group disparity on real labels', () => {
  it('flags a skewed class sample with chi-square and leaves a balanced one alone', async () => {
    const all = Array.from(labels.subarray(0, 5000), (y, i) =>
      example(`r${i}`, `/unused/${i}.png`, y),
    );
    // Balanced: the first 2000 test images (~200 per class). Skewed: drop 80% of sandals and
    // bags, a sample that under-represents two classes.
    const balanced = all.slice(0, 2000);
    let dropped = 0;
    const skewed = all.slice(0, 2500).filter((e) => {
      if ((e.label === 'Sandal' || e.label === 'Bag') && dropped % 5 !== 0) {
        dropped++;
        return false;
      }
      if (e.label === 'Sandal' || e.label === 'Bag') dropped++;
      return true;
    });
    const config: DataSuiteConfigInput = {
      duplicates: { enabled: false },
      imageProperties: { enabled: false },
      representativity: { expected: { label: 'uniform' }, alpha: 0.01 },
    };
    const { result: ok } = await runDataSuiteOnFiles(
      { examples: balanced, classes: CLASSES, candidate: [] },
      config,
    );
    const { result: bad } = await runDataSuiteOnFiles(
      { examples: skewed, classes: CLASSES, candidate: [] },
      config,
    );
    const okRep = ok.checks.representativity;
    const badRep = bad.checks.representativity;
    if (okRep.status !== 'ran' || badRep.status !== 'ran')
      throw new Error('representativity skipped');
    expect(okRep.comparisons[0]!.significant).toBe(false);
    expect(okRep.comparisons[0]!.tvd).toBeLessThan(0.05);
    const c = badRep.comparisons[0]!;
    expect(c.significant).toBe(true);
    expect(c.chiSquare!.pValue).toBeLessThan(1e-6);
    expect(c.chiSquare!.df).toBe(9);
    expect(
      c.categories
        .slice(0, 2)
        .map((x) => x.value)
        .sort(),
    ).toEqual(['Bag', 'Sandal']);
    expect(bad.gateResults.find((g) => g.gate === 'maxRepresentativityTvd')!.level).toBe('warn');
  });

  it('reports a planted accuracy disparity between sites with the hand-computed gap', async () => {
    const N = 600;
    // Site A: every prediction correct. Site B (odd ids): the first 60 of its 300 examples are
    // predicted as the next class. Hand-computed: accuracy A = 1, B = 240/300 = 0.8, gap 0.2.
    const examples = Array.from(labels.subarray(0, N), (y, i) =>
      example(`g${i}`, `/unused/${i}.png`, y, { site: i % 2 === 0 ? 'A' : 'B' }),
    );
    let spoiled = 0;
    const candidate = examples.map((e, i) => {
      const wrong = i % 2 === 1 && spoiled < 60;
      if (wrong) spoiled++;
      const pred = wrong ? (e.labelIndex + 1) % K : e.labelIndex;
      const probs = Array.from({ length: K }, (_, k) => (k === pred ? 0.91 : 0.01));
      return record(e.id, e.labelIndex, probs, 'candidate');
    });
    const { result } = await runDataSuiteOnFiles(
      { examples, classes: CLASSES, candidate },
      {
        duplicates: { enabled: false },
        imageProperties: { enabled: false },
        labelIssues: { enabled: false },
        bias: { attributes: ['site'], minGroupSize: 30, minClassSupport: 5 },
      },
    );
    const f = result.checks.bias;
    if (f.status !== 'ran') throw new Error(f.reason);
    const site = f.attributes[0]!;
    expect(site.groups.map((g) => [g.value, g.size, g.correct])).toEqual([
      ['A', 300, 300],
      ['B', 300, 240],
    ]);
    expect(site.accuracyGap).toEqual({ value: expect.closeTo(0.2, 12), highest: 'A', lowest: 'B' });
    expect(f.maxAccuracyGap).toBeCloseTo(0.2, 12);
    // Equalised odds: the worst class's TPR gap, recomputed here from the planted errors.
    const bLabels = examples.filter((_, i) => i % 2 === 1).map((e) => e.labelIndex);
    const wrongB = bLabels.slice(0, 60);
    let worst = 0;
    for (let c = 0; c < K; c++) {
      const pos = bLabels.filter((y) => y === c).length;
      const missed = wrongB.filter((y) => y === c).length;
      if (pos >= 5) worst = Math.max(worst, missed / pos);
      const neg = 300 - pos;
      const fp = wrongB.filter((y) => (y + 1) % K === c).length;
      if (neg >= 5) worst = Math.max(worst, fp / neg);
    }
    expect(site.equalizedOddsDifference!.value).toBeCloseTo(worst, 12);
    const gate = result.gateResults.find((g) => g.gate === 'maxBiasGap')!;
    expect(gate).toMatchObject({ level: 'warn', threshold: 0.05 });
    const markdown = renderDataSection(result);
    expect(markdown).toContain('Group disparity');
    expect(markdown).toContain(`class ${site.equalizedOddsDifference!.label}`);
  });
});
