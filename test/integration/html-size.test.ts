/**
 * The size budget of report.html: a synthetic report of 10,000 examples with every list long
 * (1,000 newly failing listed, hundreds of slices, 100 classes, long data findings) and real
 * 256 px photo-like JPEGs behind every id, written by the engine with real sharp. The page must
 * stay under 5 MB because the lists are capped, and each capped list must say how many it left out.
 */
import { mkdir, mkdtemp, rm, stat, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHtmlReport } from '../../src/engine/html-report.js';
import type { Report } from '../../src/report/schema.js';
import type { SliceReport } from '../../src/suites/regression/schema.js';
import { ExampleTable } from '../../src/tables/examples.js';
import { RecordSet } from '../../src/tables/records.js';
import type { Example } from '../../src/types.js';
import { sampleReport } from '../support/sample-report.js';

const N = 10_000;
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
const CLASSES = Array.from({ length: 100 }, (_, i) => `class-${i}`);
let tmp: string;
let examples: ExampleTable;

/** A photo-like image: smooth gradients, a few shapes and sensor noise (JPEG, like most datasets). */
async function photo(file: string, seed: number): Promise<void> {
  const w = 256;
  const data = Buffer.alloc(w * w * 3);
  let s = seed * 2654435761;
  const rnd = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const cx = rnd() * w;
  const cy = rnd() * w;
  const r = 30 + rnd() * 60;
  const tint = [rnd(), rnd(), rnd()];
  for (let y = 0; y < w; y++)
    for (let x = 0; x < w; x++) {
      const inside = (x - cx) ** 2 + (y - cy) ** 2 < r * r;
      for (let c = 0; c < 3; c++) {
        const base = inside ? 200 * tint[c]! + 40 : (x + y * tint[c]!) / 2.5;
        data[(y * w + x) * 3 + c] = Math.max(0, Math.min(255, base + (rnd() - 0.5) * 24));
      }
    }
  await sharp(data, { raw: { width: w, height: w, channels: 3 } })
    .jpeg({ quality: 85 })
    .toFile(file);
}

function bigReport(): Report {
  const r = sampleReport();
  r.dataset.examples = N;
  r.dataset.evaluated = N;
  r.dataset.classes = CLASSES;
  r.overall.n = N;
  r.overall.confusion = CLASSES.map((_, t) =>
    CLASSES.map((_, p) => (t === p ? 90 : (t + p) % 7 === 0 ? 3 : 0)),
  );
  const slice = (key: string, kind: SliceReport['kind'], d: number): SliceReport => ({
    key,
    kind,
    predicates: key
      .split(' & ')
      .map((kv) => ({ column: kv.split('=')[0]!, value: kv.split('=')[1]! })),
    n: 100,
    gated: true,
    candidate: { accuracy: 0.8 + d },
    baseline: { accuracy: 0.8 },
    delta: { accuracy: d },
    paired: 100,
    stats: {
      intervals: { accuracy: { lower: d - 0.05, upper: d + 0.05 } },
      mcnemar: { b: 5, c: 3, p: 0.5 },
      pAdjusted: 0.5,
      significant: false,
    },
    status: 'pass',
    newlyFailing: false,
  });
  r.slices = [];
  for (let a = 0; a < 20; a++)
    for (let b = 0; b < 20; b++)
      r.slices.push(slice(`camera=c${a} & site=s${b}`, 'crossing', ((a * 20 + b) % 17) / -200));
  for (const c of CLASSES) r.slices.push(slice(`class=${c}`, 'class', -0.01));
  r.examples.newlyFailing = Array.from({ length: 1000 }, (_, i) => ({
    id: `ex${i}`,
    path: `img/ex${i}.jpg`,
    label: CLASSES[i % 100]!,
    baselinePred: CLASSES[i % 100]!,
    candidatePred: CLASSES[(i + 1) % 100]!,
    candidateConf: 0.9,
    metadata: { camera: `c${i % 20}`, site: `s${i % 20}` },
  }));
  r.examples.counts = { newlyFailing: 2400, newlyFixed: 900, bothWrong: 700 };
  r.pinned = Array.from({ length: 300 }, (_, i) => ({
    id: `ex${i}`,
    status: 'fail' as const,
    label: 'a',
    pred: 'b',
  }));
  const ids = (k: number, off: number) => Array.from({ length: k }, (_, i) => `ex${off + i}`);
  r.suites = {
    data: {
      level: 'warn',
      exampleCount: N,
      gateResults: [],
      checks: {
        labelIssues: {
          status: 'ran',
          method: 'prune_by_noise_rate',
          rankBy: 'normalized_margin',
          models: 'candidate',
          issueCount: 800,
          candidateIssueCount: 800,
          issueRate: 0.08,
          evaluatedCount: N,
          estimatedNoiseRate: 0.1,
          skippedCount: 0,
          thresholds: [],
          topConfusions: [],
          truncated: true,
          issues: ids(500, 1000).map((id) => ({
            id,
            givenLabel: 'a',
            suggestedLabel: 'b',
            selfConfidence: 0.1,
            normalizedMargin: -0.5,
          })),
        },
        duplicates: {
          status: 'ran',
          hash: 'phash',
          threshold: 6,
          hashedCount: N,
          exactGroupCount: 10,
          groupCount: 300,
          imagesInGroups: 900,
          redundantImages: 600,
          conflictingGroupCount: 20,
          truncated: true,
          groups: Array.from({ length: 200 }, (_, g) => ({
            ids: ids(6, 2000 + g * 6),
            labels: ['a'],
            conflictingLabels: false,
            exact: false,
            maxLinkDistance: 4,
          })),
        },
        leakage: {
          status: 'ran',
          hash: 'phash',
          threshold: 6,
          trainCount: 50_000,
          evalCount: N,
          leakedCount: 90,
          leakedRate: 0.009,
          exactCount: 30,
          nearCount: 60,
          truncated: false,
          examples: range(5000, 5090).map((i) => ({
            id: `ex${i}`,
            label: 'a',
            exact: false,
            distance: 3,
            trainIds: [`train${i}`],
            trainMatchCount: 1,
            labelMismatch: i % 2 === 0,
          })),
        },
        representativity: { status: 'skipped', reason: 'none' },
        bias: { status: 'skipped', reason: 'none' },
        imageProperties: {
          status: 'ran',
          scannedCount: N,
          readableCount: N,
          unreadableCount: 0,
          unreadable: [],
          formats: [],
          channels: [],
          outlierImageCount: 400,
          outlierRate: 0.04,
          truncated: false,
          properties: [
            {
              property: 'brightness',
              median: 0.5,
              p05: 0.1,
              p95: 0.9,
              min: 0,
              max: 1,
              outlierCount: 400,
              outliers: ids(400, 4000).map((id, i) => ({ id, value: 0.01, z: 9 - i / 100 })),
            },
          ],
        },
      },
    },
  };
  return r;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-html-size-'));
  await mkdir(path.join(tmp, 'img'));
  // Only the ids the page can show need files (the renderer's default limits); the rest of the
  // 10k exist in the table only.
  const shown = [
    ...range(0, 120), // newly failing and pinned
    ...range(1000, 1040), // label issues
    ...range(2000, 2240), // duplicate groups (6 ids each, 4 shown)
    ...range(4000, 4040), // outliers
    ...range(5000, 5040), // leaked evaluation images
  ];
  for (const i of shown) await photo(path.join(tmp, `img/ex${i}.jpg`), i + 1);
  for (const i of range(5000, 5040)) await photo(path.join(tmp, `img/train${i}.jpg`), i + 7);
  const all: Example[] = Array.from({ length: N }, (_, i) => ({
    id: `ex${i}`,
    path: `img/ex${i}.jpg`,
    absPath: path.join(tmp, `img/ex${i}.jpg`),
    label: CLASSES[i % 100]!,
    labelIndex: i % 100,
    metadata: { camera: `c${i % 20}`, site: `s${i % 20}` },
  }));
  examples = ExampleTable.fromExamples(all);
}, 300_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('report.html size budget', () => {
  it('stays under 5 MB for 10,000 examples, with every capped list counted', async () => {
    const file = await writeHtmlReport(tmp, bigReport(), examples, new RecordSet(), {
      enabled: true,
      confidence: 0.95,
      input: {
        resize: { mode: 'stretch', library: 'pillow', interpolation: 'bilinear' },
        background: '#000000',
      },
      trainImages: () =>
        Promise.resolve(
          new Map(range(5000, 5090).map((i) => [`train${i}`, path.join(tmp, `img/train${i}.jpg`)])),
        ),
    });
    const size = (await stat(file!)).size;
    console.info(`report.html for ${N} examples: ${(size / 1e6).toFixed(2)} MB`);
    expect(size).toBeLessThan(5e6);
    const html = await readFile(file!, 'utf8');
    expect(html).toContain('2280 more newly failing example(s) not shown (report.json lists 1000');
    expect(html).toContain('180 more pinned cases not shown');
    expect(html).toContain('760 more suspected label errors in report.json');
    expect(html).toContain('260 more groups in report.json');
    expect(html).toContain('360 more outlier images in report.json');
    expect(html).toContain('20 of 100 classes shown');
    expect(html).toContain('50 more leaked images in report.json');
    // Leakage pairs show the training image beside the evaluation image.
    expect(html).not.toMatch(/aria-label="training train50\d\d">no image/);
    expect(html).toMatch(/alt="training train5000"/);
    expect(html).toContain('460 more slices with a delta are in the table below');
    // Every thumbnail is a small WebP (≤ 96 px, checked by decoding a few).
    const srcs = [...html.matchAll(/src="data:image\/webp;base64,([^"]+)"/g)].map((m) => m[1]!);
    expect(srcs.length).toBeGreaterThan(300);
    for (const b64 of srcs.slice(0, 5)) {
      const meta = await sharp(Buffer.from(b64, 'base64')).metadata();
      expect(Math.max(meta.width, meta.height)).toBeLessThanOrEqual(96);
    }
  });
});
