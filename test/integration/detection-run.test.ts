/**
 * `visiongate run` on the bundled detection example, in process: the report's mAP, AP50 and
 * per-slice mAP must equal what pycocotools computes on the same files (models/metrics.json,
 * scripts/make-detection-reference.py) to 1e-4, and the candidate's regression on
 * lighting=dim must be a newly failing slice with newly missed objects, for the raw-head exports:
 * a finding (worse than the rest of the data by its mAP delta), significant by the paired
 * permutation test on mAP, with discovered slices on it, and the comment saying so.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

const EXAMPLE = path.resolve(import.meta.dirname, '../../examples/detection');

interface Reference {
  models: Record<string, { stats: number[]; slices: Record<string, [number, number]> }>;
}
interface SliceOut {
  key: string;
  kind: string;
  n: number;
  candidate: Record<string, number | null>;
  baseline?: Record<string, number | null>;
  delta?: Record<string, number | null>;
  status: string;
  newlyFailing: boolean;
  stats?: {
    intervals: Record<string, { lower: number; upper: number }>;
    permutation?: { metric: string; delta: number; p: number };
    significant?: boolean;
  };
  excess?: { change: number; restChange: number | null; pAdjusted: number; finding: boolean };
  discovered?: { target: string };
}
interface DetectionReport {
  task?: string;
  overall: {
    candidate: Record<string, number | null>;
    baseline: Record<string, number | null>;
    perClass: { class: string; ap: number | null }[];
  };
  slices: SliceOut[];
  findings: string[];
  examples: {
    newlyFailing: { id: string; newlyMissed: unknown[]; metadata: Record<string, string> }[];
    counts: { newlyFailing: number };
  };
}

let dir: string;
let report: DetectionReport;
let code: number;
let markdown: string;
const ref = async () =>
  JSON.parse(await readFile(path.join(EXAMPLE, 'models/metrics.json'), 'utf8')) as Reference;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vg-detect-run-'));
  // The example's config, with fewer bootstrap resamples to keep the test short.
  const config = (await readFile(path.join(EXAMPLE, 'visiongate.yml'), 'utf8'))
    .replace(/resamples: \d+/, 'resamples: 50')
    .replaceAll('models/', `${EXAMPLE}/models/`)
    .replaceAll('data/', `${EXAMPLE}/data/`);
  await writeFile(path.join(dir, 'visiongate.yml'), config);
  ({ code } = await cli([
    'run',
    '--config',
    path.join(dir, 'visiongate.yml'),
    '--out',
    path.join(dir, 'out'),
    '--quiet',
  ]));
  report = JSON.parse(
    await readFile(path.join(dir, 'out', 'report.json'), 'utf8'),
  ) as DetectionReport;
  markdown = await readFile(path.join(dir, 'out', 'report.md'), 'utf8');
}, 900_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('visiongate run on the detection example', () => {
  it('fails its gates (exit 1) as a detection report', () => {
    expect(code).toBe(1);
    expect(report.task).toBe('detection');
  });

  it("reports pycocotools' mAP, AP50 and per-slice mAP to 1e-4", async () => {
    const { models } = await ref();
    const stat = [
      'map',
      'ap50',
      'ap75',
      'ap_small',
      'ap_medium',
      'ap_large',
      'ar1',
      'ar10',
      'ar100',
    ];
    for (const [side, model] of [
      ['candidate', 'candidate'],
      ['baseline', 'baseline'],
    ] as const) {
      const values = report.overall[side];
      stat.forEach((name, i) => {
        const want = models[model]!.stats[i]!;
        if (want < 0) expect(values[name]).toBeNull();
        else expect(values[name], `${side} ${name}`).toBeCloseTo(want, 4);
      });
      for (const [key, [map, ap50]] of Object.entries(models[model]!.slices)) {
        const slice = report.slices.find((s) => s.key === key)!;
        const v = side === 'candidate' ? slice.candidate : slice.baseline!;
        expect(v.map, `${side} ${key} mAP`).toBeCloseTo(map, 4);
        expect(v.ap50, `${side} ${key} AP50`).toBeCloseTo(ap50, 4);
      }
    }
  });

  it('flags lighting=dim as a newly failing slice, with newly missed objects on dim images', () => {
    const dim = report.slices.find((s) => s.key === 'lighting=dim')!;
    expect(dim.status).toBe('fail');
    expect(dim.newlyFailing).toBe(true);
    expect(report.slices.find((s) => s.key === 'lighting=bright')!.status).toBe('pass');
    const missedOnDim = report.examples.newlyFailing
      .filter((e) => e.metadata.lighting === 'dim')
      .reduce((n, e) => n + e.newlyMissed.length, 0);
    expect(missedOnDim).toBeGreaterThan(0);
  });

  it('makes lighting=dim a finding by its mAP drop against the rest, significant on mAP', () => {
    const dim = report.slices.find((s) => s.key === 'lighting=dim')!;
    const bright = report.slices.find((s) => s.key === 'lighting=bright')!;
    expect(report.findings[0]).toBe('lighting=dim');
    expect(dim.excess!.finding).toBe(true);
    expect(dim.excess!.change).toBeCloseTo(dim.delta!.map!, 12);
    expect(dim.excess!.change).toBeLessThan(dim.excess!.restChange! - 0.1);
    expect(bright.excess!.finding).toBe(false);
    // The per-slice test is the paired permutation test on map, and it agrees with the interval.
    expect(dim.stats!.permutation!.metric).toBe('map');
    expect(dim.stats!.permutation!.delta).toBeCloseTo(dim.delta!.map!, 12);
    expect(dim.stats!.significant).toBe(true);
    expect(dim.stats!.intervals.map!.upper).toBeLessThan(0);
    expect(bright.stats!.significant).toBe(false);
  });

  it('discovers slices on the dim images, where the candidate misses objects', () => {
    const discovered = report.slices.filter((s) => s.kind === 'discovered');
    expect(discovered.length).toBeGreaterThan(0);
    // Each is mostly dim images: its map fell as much as dim's did.
    const dim = report.slices.find((s) => s.key === 'lighting=dim')!;
    for (const s of discovered) expect(s.delta!.map!).toBeLessThan(dim.delta!.map! / 2);
  });

  it('says so in the comment: a finding on map, and the tests that were used', () => {
    expect(markdown).not.toContain('No slice got worse');
    expect(markdown).toContain('### 🔎 1 slice got worse than the rest of the data');
    expect(markdown).toMatch(/\*\*lighting=dim\*\* \| 91 \|/);
    expect(markdown).toContain('paired permutation test on map');
    expect(markdown).not.toContain('McNemar');
    // The finding's gate check speaks in map's own units.
    expect(markdown).toContain(
      'map on lighting=dim −0.1696 \\(0.1766 → 0.0070\\) while the rest moved +0.0089',
    );
  });
});
