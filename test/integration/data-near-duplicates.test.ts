/**
 * Near duplicates on real small images, through the suite's public entry point (real sharp, real
 * files). The clean set is the 600 committed Fashion-MNIST example images (28×28 grey, PNG and
 * JPEG, with the example's lighting and source changes); near copies are planted with sharp from
 * a seeded generator, so every run sees the same bytes.
 *
 * A "false pair" is two images from different sources in one group: on this set every clean image
 * is its own source (Fashion-MNIST does hold a few near-identical garments, so 0 is not a law of
 * nature, but it is what the previous detector measured here and the bar the issue sets).
 */
import { readdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/corruptions/rng.js';
import type { DuplicatesFinding } from '../../src/suites/data/index.js';
import { runDataSuiteOnFiles } from '../support/data-suite.js';
import type { Example } from '../../src/types.js';

const IMAGES = path.resolve(__dirname, '../../examples/fashion/data/images');
const ONLY_DUPLICATES = {
  maxListed: 10_000,
  labelIssues: { enabled: false },
  representativity: { enabled: false },
  imageProperties: { enabled: false },
  bias: { enabled: false },
} as const;

let dir = '';
const clean: Example[] = [];
let classes: string[] = [];

function example(id: string, absPath: string, label: string): Example {
  return {
    id,
    path: path.basename(absPath),
    absPath,
    label,
    labelIndex: classes.indexOf(label),
    metadata: {},
  };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'visiongate-neardup-'));
  classes = (await readdir(IMAGES)).sort();
  for (const label of classes) {
    for (const file of (await readdir(path.join(IMAGES, label))).sort()) {
      clean.push(example(`${label}/${file}`, path.join(IMAGES, label, file), label));
    }
  }
  expect(clean.length).toBe(600);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Plant `count` copies of distinct, randomly chosen examples; `make` writes one copy. */
async function plant(
  sources: readonly Example[],
  count: number,
  seed: string,
  make: (source: Example, k: number, rng: Rng) => Promise<string>,
): Promise<{ copy: Example; source: Example }[]> {
  const rng = Rng.fromKey(seed);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(rng.int(0, sources.length));
  const out: { copy: Example; source: Example }[] = [];
  let k = 0;
  for (const s of chosen) {
    const source = sources[s]!;
    const file = await make(source, k, rng);
    out.push({ copy: example(`copy${k}`, file, source.label), source });
    k++;
  }
  return out;
}

/** Copies found (in the group of their source) and pairs of different sources sharing a group. */
function score(
  finding: DuplicatesFinding,
  planted: readonly { copy: Example; source: Example }[],
): { found: number; falsePairs: number } {
  const sourceOf = new Map(planted.map((p) => [p.copy.id, p.source.id]));
  const groupOf = new Map<string, number>();
  finding.groups.forEach((g, k) => g.ids.forEach((id) => groupOf.set(id, k)));
  const found = planted.filter(
    (p) => groupOf.has(p.copy.id) && groupOf.get(p.copy.id) === groupOf.get(p.source.id),
  ).length;
  let falsePairs = 0;
  for (const g of finding.groups) {
    const sources = g.ids.map((id) => sourceOf.get(id) ?? id);
    for (let i = 0; i < sources.length; i++)
      for (let j = i + 1; j < sources.length; j++) if (sources[i] !== sources[j]) falsePairs++;
  }
  return { found, falsePairs };
}

async function duplicates(examples: Example[]): Promise<DuplicatesFinding> {
  const result = await runDataSuiteOnFiles({ examples, classes, candidate: [] }, ONLY_DUPLICATES);
  const f = result.result.checks.duplicates;
  if (f.status !== 'ran') throw new Error(f.reason);
  expect(f.truncated).toBe(false);
  return f;
}

describe('near duplicates of 28×28 images', () => {
  it('finds at least 18 of 20 resampled, cropped, re-encoded copies without false pairs', async () => {
    // The issue's recipe: upscale (×2..×6, Lanczos), cut 1 px off one side, JPEG q70, resize back
    // to 28×28. The previous detector (pHash of the content window within 6 bits) found 15 of
    // these 20 (7 of 20 in the issue's own draw), with no false pair; measured now: 20, none.
    const planted = await plant(clean, 20, 'near-duplicates/28px', async (source, k, rng) => {
      const side = 28 * rng.int(2, 7);
      const cut = [0, 0, 0, 0];
      cut[rng.int(0, 4)] = 1;
      const big = await sharp(source.absPath)
        .resize(side, side)
        .extract({
          left: cut[0]!,
          top: cut[1]!,
          width: side - cut[0]! - cut[2]!,
          height: side - cut[1]! - cut[3]!,
        })
        .jpeg({ quality: 70 })
        .toBuffer();
      const file = path.join(dir, `small-copy${k}.png`);
      await sharp(big).resize(28, 28, { fit: 'fill' }).png().toFile(file);
      return file;
    });
    const f = await duplicates([...clean, ...planted.map((p) => p.copy)]);
    const { found, falsePairs } = score(f, planted);
    expect(found).toBeGreaterThanOrEqual(18);
    expect(falsePairs).toBe(0);
  });

  it('flags no pair of distinct clean images', async () => {
    const f = await duplicates(clean);
    expect(f.groupCount).toBe(0);
    expect(f.hashedCount).toBe(600);
  });
});

describe('near duplicates of 112×112 images (no worse than before)', () => {
  it('finds resized, re-encoded and 3%-cropped copies without false pairs', async () => {
    // The data-suite.md recipe: the 28×28 images upscaled ×4 (Lanczos), copies resized ×1.7,
    // resized ×0.6 + JPEG q80, JPEG q70, cropped 3% top-left, cropped 3% all round. The previous
    // detector found 18 of these 20 with no false pair; measured now: 20, none.
    const SIDE = 112;
    const large = await Promise.all(
      clean.map(async (e, k) => {
        const file = path.join(dir, `large${k}.png`);
        await sharp(e.absPath).resize(SIDE, SIDE, { kernel: 'lanczos3' }).png().toFile(file);
        return example(e.id, file, e.label);
      }),
    );
    const crop = 3;
    const kinds: [string, (s: Sharp) => Sharp][] = [
      ['png', (s) => s.resize(190, 190)],
      ['jpg', (s) => s.resize(67, 67).jpeg({ quality: 80 })],
      ['jpg', (s) => s.jpeg({ quality: 70 })],
      ['png', (s) => s.extract({ left: crop, top: crop, width: SIDE - crop, height: SIDE - crop })],
      [
        'png',
        (s) =>
          s.extract({ left: crop, top: crop, width: SIDE - 2 * crop, height: SIDE - 2 * crop }),
      ],
    ];
    const planted = await plant(large, 20, 'near-duplicates/112px', async (source, k) => {
      const [ext, transform] = kinds[k % kinds.length]!;
      const file = path.join(dir, `large-copy${k}.${ext}`);
      await transform(sharp(source.absPath)).toFile(file);
      return file;
    });
    const f = await duplicates([...large, ...planted.map((p) => p.copy)]);
    const { found, falsePairs } = score(f, planted);
    expect(found).toBeGreaterThanOrEqual(18);
    expect(falsePairs).toBe(0);
  });
});
