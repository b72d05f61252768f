import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeToGeometry } from '../../src/image/decode.js';
import type { Geometry } from '../../src/image/geometry.js';
import type { Resampler } from '../../src/image/resample.js';

/**
 * Goldens made by the training libraries themselves (scripts/make-resize-goldens.py: Pillow 9.4,
 * torchvision 0.14 on tensors, OpenCV 4.6, each with its usual loader): every source image goes
 * through VisionGate's decodeToGeometry with that library's default loader options, and must
 * come out within 1 level of the reference. Pillow and OpenCV work in integers and must match
 * exactly; torchvision works in float32, where a value within a rounding error of .5 may go
 * either way.
 */

const DIR = path.resolve(import.meta.dirname, '../fixtures/resize');

interface Case {
  source: string;
  library: Resampler['library'];
  interpolation: string;
  antialias?: boolean;
  mode: Geometry['mode'];
  width: number;
  height: number;
  resizeTo?: number;
  /** Where its pixels start in expected.bin.gz (cases are stored in order). */
  offset: number;
}

/** cases.tsv: a comment line, a header, then one case per line. */
function readCases(text: string): Case[] {
  const [header, ...rows] = text.split('\n').filter((l) => l && !l.startsWith('#'));
  const cols = header!.split('\t');
  let offset = 0;
  return rows.map((row) => {
    const v = Object.fromEntries(row.split('\t').map((x, i) => [cols[i], x]));
    const c: Case = {
      source: v.source!,
      library: v.library as Case['library'],
      interpolation: v.interpolation!,
      mode: v.mode as Case['mode'],
      width: Number(v.width),
      height: Number(v.height),
      offset,
      ...(v.antialias ? { antialias: v.antialias === 'true' } : {}),
      ...(v.resizeTo ? { resizeTo: Number(v.resizeTo) } : {}),
    };
    offset += c.width * c.height * 3;
    return c;
  });
}

const meta = { cases: readCases(await readFile(path.join(DIR, 'cases.tsv'), 'utf8')) };
const expected = gunzipSync(await readFile(path.join(DIR, 'expected.bin.gz')));
const sources = new Map<string, Buffer>();
for (const c of meta.cases)
  if (!sources.has(c.source))
    sources.set(c.source, await readFile(path.join(DIR, 'sources', c.source)));

/** The geometry a config with `library`, `interpolation` (and `antialias`) and nothing else gets. */
function geometryOf(c: Case): Geometry {
  const resampler = {
    library: c.library,
    interpolation: c.interpolation,
    ...(c.library === 'torchvision' ? { antialias: c.antialias ?? false } : {}),
  } as Resampler;
  return {
    width: c.width,
    height: c.height,
    mode: c.mode,
    resampler,
    ...(c.resizeTo !== undefined ? { resizeTo: c.resizeTo } : {}),
    exif: c.library === 'opencv',
    pad: c.library === 'opencv' ? '#727272' : '#000000',
  };
}

const label = (c: Case) =>
  `${c.library}:${c.interpolation}${c.antialias === undefined ? '' : c.antialias ? '+aa' : '-aa'} ${c.mode} ${c.source} → ${c.width}×${c.height}${c.resizeTo ? ` (resizeTo ${c.resizeTo})` : ''}`;

async function compare(c: Case): Promise<{ max: number; differing: number }> {
  const img = await decodeToGeometry(sources.get(c.source)!, geometryOf(c), c.source);
  expect([img.width, img.height], label(c)).toEqual([c.width, c.height]);
  const want = expected.subarray(c.offset, c.offset + c.width * c.height * 3);
  let max = 0;
  let differing = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(img.data[i]! - want[i]!);
    if (d > 0) differing++;
    if (d > max) max = d;
  }
  return { max, differing };
}

const groups = new Map<string, Case[]>();
for (const c of meta.cases) {
  const key = `${c.library}:${c.interpolation}${c.antialias === undefined ? '' : c.antialias ? ' antialias' : ' no antialias'} (${c.mode})`;
  groups.set(key, [...(groups.get(key) ?? []), c]);
}

describe('resize goldens: VisionGate = the training library', () => {
  it('covers every library, kernel and mode, and every expected pixel', () => {
    expect([...groups.keys()].length).toBeGreaterThanOrEqual(17);
    expect(meta.cases.length).toBeGreaterThan(1000);
    const last = meta.cases.at(-1)!;
    expect(expected.length).toBe(last.offset + last.width * last.height * 3);
  });

  for (const [key, cases] of groups) {
    // torchvision's kernels are float32; Pillow's and OpenCV's are integer arithmetic.
    const exact = !key.startsWith('torchvision') || key.includes('nearest');
    it(`${key}: ${cases.length} cases, ${exact ? 'identical' : 'within 1 level'}`, async () => {
      let pixels = 0;
      let differing = 0;
      const worst: string[] = [];
      for (const c of cases) {
        const r = await compare(c);
        pixels += c.width * c.height * 3;
        differing += r.differing;
        if (r.max > (exact ? 0 : 1))
          worst.push(`${label(c)}: max |diff| ${r.max}, ${r.differing} values differ`);
      }
      if (differing > 0) console.log(`${key}: ${differing} of ${pixels} values differ by 1`);
      expect(worst.slice(0, 10)).toEqual([]);
    });
  }
});
