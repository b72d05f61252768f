import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  manifestLines,
  parseCsvManifest,
  parseJsonlManifest,
  streamManifest,
} from '../../src/dataset/manifest.js';
import { computeMetrics, resolveMetric } from '../../src/metrics/classification.js';
import { binNumeric, sliceLine } from '../../src/metrics/slice-line.js';
import { pairedBootstrapMetric } from '../../src/metrics/stats.js';
import { discoverSlices, discoveryFeatures } from '../../src/analysis/discovery.js';
import { ExampleTable, ExampleTableBuilder } from '../../src/tables/examples.js';
import { ImageFacts } from '../../src/tables/images.js';
import { HashColumn, RecordSet } from '../../src/tables/records.js';
import { ClassificationTableBuilder } from '../../src/tasks/classification/records.js';
import type { PredictionRecord } from '../../src/tasks/classification/records.js';

const SHA = 'ab'.repeat(32);

/** Deterministic pseudo-random numbers (Park-Miller). */
function lcg(seed: number) {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

function randomRecords(n: number, seed: number, model: 'candidate' | 'baseline' = 'candidate') {
  const r = lcg(seed);
  return Array.from({ length: n }, (_, i): PredictionRecord => {
    const label = Math.floor(r() * 4);
    const pred = r() < 0.7 ? label : Math.floor(r() * 4);
    const conf = Number((0.25 + 0.75 * r()).toPrecision(7));
    return {
      id: `e${i}`,
      hash: i % 3 === 0 ? `odd-${i}` : i.toString(16).padStart(64, '0'),
      model,
      variant: 'clean',
      label,
      pred,
      conf,
      pTrue: pred === label ? conf : Number((r() * (1 - conf)).toPrecision(7)),
      rank: pred === label ? 0 : 1 + Math.floor(r() * 3),
      sumSq: Number((conf * conf + 0.01).toPrecision(7)),
    };
  });
}

describe('HashColumn', () => {
  it('keeps a sha256 hex as 32 bytes and any other string as it is; both round-trip', () => {
    const h = new HashColumn(1);
    h.set(0, SHA);
    h.set(3, 'not-hex');
    h.set(2, 'AB'.repeat(32)); // upper case is not the canonical form: kept as a string
    expect([h.get(0), h.get(3), h.get(2)]).toEqual([SHA, 'not-hex', 'AB'.repeat(32)]);
    h.set(3, SHA); // a row can change kind
    expect(h.get(3)).toBe(SHA);
    expect(h.equals(0, h, 3)).toBe(true);
    expect(h.equals(0, h, 2)).toBe(false);
    const other = new HashColumn();
    other.copyFrom(0, h, 2);
    expect(other.get(0)).toBe('AB'.repeat(32));
    expect(other.equals(0, h, 2)).toBe(true);
  });
});

describe('ClassificationTableBuilder with a hash source', () => {
  it('records point at the source rows; reading, comparing and copying see the same hashes', () => {
    const source = new HashColumn(3);
    source.set(0, SHA);
    source.set(1, 'odd');
    source.set(2, 'cd'.repeat(32));
    const recs = randomRecords(3, 9);
    const b = new ClassificationTableBuilder('candidate', 'clean', 1, source);
    b.push(recs[0]!, 2);
    b.push(recs[1]!, 0);
    b.push(recs[2]!, 1);
    const t = b.finish();
    expect([0, 1, 2].map((i) => t.hashes.get(i))).toEqual(['cd'.repeat(32), SHA, 'odd']);
    expect(t.hashes.equals(1, source, 0)).toBe(true);
    expect(t.hashes.equals(2, source, 1)).toBe(true);
    expect(t.hashes.equals(0, source, 0)).toBe(false);
    const copy = new ClassificationTableBuilder('candidate', 'clean');
    copy.copyRow(t, 2);
    copy.copyRow(t, 0);
    expect(copy.finish().at(1)).toEqual({ ...recs[0], hash: 'cd'.repeat(32) });
    expect(() => t.hashes.set(0, SHA)).toThrow(/read-only/);
    expect(() => b.push(recs[0]!)).toThrow(/hash row/);
  });
});

describe('ClassificationTable and RecordSet', () => {
  it('records round-trip through the columns, probs included, in order', () => {
    const recs = randomRecords(50, 3);
    recs[7]!.probs = [0.1, 0.2, 0.3, 0.4];
    const b = new ClassificationTableBuilder('candidate', 'clean', 4); // grows past its capacity
    for (const r of recs) b.push(r);
    const t = b.finish();
    expect(t.length).toBe(50);
    expect(Array.from({ length: 50 }, (_, i) => t.at(i))).toEqual(recs);
  });

  it('a RecordSet keeps non-empty tables in the order given and finds them by model and variant', () => {
    const build = (recs: readonly PredictionRecord[]) => {
      const b = new ClassificationTableBuilder(recs[0]!.model, recs[0]!.variant);
      for (const r of recs) b.push(r);
      return b.finish();
    };
    const a = randomRecords(3, 5);
    const base = randomRecords(2, 6, 'baseline');
    const noisy = build([{ ...a[1]!, variant: 'gaussian_noise@3' }]);
    const empty = new ClassificationTableBuilder('candidate', 't:hflip').finish();
    const set = new RecordSet([build(a), build(base), noisy, empty]);
    expect(set.tables.map((t) => [t.model, t.variant, t.length])).toEqual([
      ['candidate', 'clean', 3],
      ['baseline', 'clean', 2],
      ['candidate', 'gaussian_noise@3', 1],
    ]);
    expect(set.size).toBe(6);
    expect(set.table('candidate', 'gaussian_noise@3')).toBe(noisy);
    expect(set.ofModel('candidate').tables.map((t) => t.variant)).toEqual([
      'clean',
      'gaussian_noise@3',
    ]);
    expect([...noisy.lines()]).toEqual([
      `${JSON.stringify({ ...a[1], variant: 'gaussian_noise@3' })}\n`,
    ]);
  });
});

describe('ExampleTable', () => {
  it('dictionary-encodes labels and metadata; at() gives the example object back', () => {
    const b = new ExampleTableBuilder('/data');
    b.push('a', 'img/a.png', 'dog', 2, { id: 'a', site: 'x', light: 'dim' }, (c) => c !== 'id');
    b.push('b', 'img/b.png', 'cat', 3, { site: '', light: 'day' });
    b.push('c', 'c.png', 'dog', 4, { site: 'x', extra: 'only here' });
    const t = b.finish(['light', 'site']);
    expect(t.labels).toEqual(['dog', 'cat']);
    expect([...t.labelCodes]).toEqual([0, 1, 0]);
    expect(t.metadata.map((m) => [m.name, [...m.codes], m.values])).toEqual([
      ['light', [1, 2, 0], ['dim', 'day']],
      ['site', [1, 0, 1], ['x']],
    ]);
    expect(t.at(0)).toEqual({
      id: 'a',
      path: 'img/a.png',
      absPath: '/data/img/a.png',
      label: 'dog',
      labelIndex: 0,
      metadata: { light: 'dim', site: 'x' },
    });
    // ref(): the same fields, read from the table when asked for.
    const r = t.ref(0);
    expect([r.id, r.path, r.absPath, r.label, r.labelIndex, r.metadata]).toEqual([
      'a',
      'img/a.png',
      '/data/img/a.png',
      'dog',
      0,
      { light: 'dim', site: 'x' },
    ]);
    const classes = t.withClasses(['bird', 'cat', 'dog']);
    expect([...classes.labelCodes]).toEqual([2, 1, 2]);
    expect(classes.at(1)).toMatchObject({
      label: 'cat',
      labelIndex: 1,
      metadata: { light: 'day' },
    });
    const picked = classes.select([2, 0]);
    expect(picked.ids).toEqual(['c', 'a']);
    expect(picked.at(0)).toMatchObject({ absPath: '/data/c.png', metadata: { site: 'x' } });
  });

  it('fromExamples refuses an absPath that is not root + path', () => {
    const e = {
      id: 'a',
      path: 'a.png',
      absPath: '/r/a.png',
      label: 'c',
      labelIndex: 0,
      metadata: {},
    };
    expect(ExampleTable.fromExamples([e, { ...e, id: 'b' }]).absPath(1)).toBe('/r/a.png');
    expect(() => ExampleTable.fromExamples([e, { ...e, id: 'b', absPath: '/s/a.png' }])).toThrow(
      /not \/r \+ a\.png/,
    );
  });
});

describe('streamManifest', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-tables-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });
  /** Streamed rows with their lines looked up again: what parsing the whole text gives. */
  const collect = async (format: 'csv' | 'jsonl', file: string) => {
    const rows = [];
    for await (const r of streamManifest(format, file, tmp)) rows.push(r);
    expect(rows.map((r) => r.record)).toEqual(rows.map((_, i) => i + 1));
    const lines = await manifestLines(
      format,
      file,
      [...rows.keys()].map((i) => i + 1),
    );
    return rows.map((r) => ({ fields: r.fields, line: lines.get(r.record) }));
  };

  it('gives the rows and line numbers of parsing the whole text (CSV with quotes, BOM, blank lines)', async () => {
    const text = '\uFEFFid,path,label\n1,"a,b.png",cat\n\n2,"multi\nline.png",dog\n3,c.png,cat\n';
    const file = path.join(tmp, 'm.csv');
    await writeFile(file, text);
    expect(await collect('csv', file)).toEqual(parseCsvManifest(text, 'm.csv'));
    // Only the rows asked for; a row's line is where it ends (header 1, blank 3, row 2 on 4-5).
    expect([...(await manifestLines('csv', file, [3]))]).toEqual([[3, 6]]);
  });

  it('JSON Lines: same rows as the text parser, errors name the line', async () => {
    const text =
      '\uFEFF{"path":"a.png","label":"cat","n":3}\r\n\n{"path":"b.png","label":"dog","k":{"x":1}}\n';
    const file = path.join(tmp, 'm.jsonl');
    await writeFile(file, text);
    expect(await collect('jsonl', file)).toEqual(parseJsonlManifest(text, 'm.jsonl'));
    const bad = path.join(tmp, 'bad.jsonl');
    await writeFile(bad, '{"path":"a.png"}\n\n[1]\n');
    await expect(collect('jsonl', bad)).rejects.toThrow(
      /bad\.jsonl:3: each line must be a JSON object/,
    );
  });

  it('a CSV error names the line; a missing file says so', async () => {
    const file = path.join(tmp, 'short.csv');
    await writeFile(file, 'id,path,label\n1,a.png,cat\n2,b.png\n');
    await expect(collect('csv', file)).rejects.toThrow(/short\.csv:3: invalid CSV/);
    await expect(collect('csv', path.join(tmp, 'none.csv'))).rejects.toThrow(/file not found/);
  });
});

describe('metrics over columns and row selections', () => {
  const recs = randomRecords(400, 11);
  const base = randomRecords(400, 12, 'baseline');
  const table = (rs: PredictionRecord[]) => {
    const b = new ClassificationTableBuilder(rs[0]!.model, 'clean');
    for (const r of rs) b.push(r);
    return b.finish();
  };
  const cand = table(recs);
  const baseT = table(base);
  const rows = Uint32Array.from({ length: 150 }, (_, i) => (i * 7) % 400);

  it('computeMetrics on (columns, rows) equals computeMetrics on those record objects', () => {
    const picked = [...rows].map((i) => recs[i]!);
    expect(computeMetrics({ columns: cand, rows }, 4, { topK: [1, 2] })).toEqual(
      computeMetrics(picked, 4, { topK: [1, 2] }),
    );
    expect(computeMetrics({ columns: cand }, 4)).toEqual(computeMetrics(recs, 4));
  });

  it('the paired bootstrap gives the same interval from columns as from objects', () => {
    const c = [...rows].map((i) => recs[i]!);
    const b = [...rows].map((i) => base[i]!);
    for (const name of ['accuracy', 'brier', 'macro_f1', 'top2_accuracy']) {
      const def = resolveMetric(name, { numClasses: 4 });
      const options = { resamples: 60, seed: 3 };
      expect(
        pairedBootstrapMetric({ columns: cand, rows }, { columns: baseT, rows }, def, 4, options),
      ).toEqual(pairedBootstrapMetric(c, b, def, 4, options));
    }
  });
});

describe('discovery on encoded columns', () => {
  it('finds the slices SliceLine finds on row objects, with the same members', () => {
    const r = lcg(29);
    const n = 600;
    const b = new ExampleTableBuilder('/d');
    const images = new ImageFacts(n);
    const errors = new Uint8Array(n);
    const rows: Record<string, string | undefined>[] = [];
    const brightness: number[] = [];
    for (let i = 0; i < n; i++) {
      const site = ['a', 'b', 'c'][Math.floor(r() * 3)]!;
      const light = r() < 0.1 ? '' : ['dim', 'day'][Math.floor(r() * 2)]!;
      b.push(`e${i}`, `e${i}.png`, 'cat', 0, { site, light });
      const bright = r();
      brightness.push(bright);
      images.set(i, SHA, { brightness: bright, contrast: r(), sharpness: r() });
      // Errors concentrate on dim images from site b, and on dark ones.
      errors[i] =
        (light === 'dim' && site === 'b') || bright < 0.2 ? (r() < 0.8 ? 1 : 0) : r() < 0.1 ? 1 : 0;
      rows.push({ light: light || undefined, site });
    }
    const labels = binNumeric(brightness, 4).labels;
    labels.forEach((l, i) => (rows[i]!.brightness = l));
    const t = b.finish(['light', 'site']);
    const all = Uint32Array.from({ length: n }, (_, i) => i);
    const options = {
      enabled: true,
      properties: ['brightness'] as const,
      bins: 4,
      maxLevel: 2,
      topK: 5,
      minSupport: 20,
      alpha: 0.95,
    };
    const features = discoveryFeatures(t, all, images, ['light', 'site'], ['brightness'], 4);
    const found = discoverSlices(features, errors, 'errors', {
      ...options,
      properties: ['brightness'],
    });
    const reference = sliceLine(rows, errors, {
      k: 5,
      maxLevel: 2,
      minSupport: 20,
      alpha: 0.95,
      features: ['light', 'site', 'brightness'],
    });
    expect(found.length).toBeGreaterThan(0);
    expect(found.map((s) => [s.key, s.score, s.rows.length])).toEqual(
      reference.slices.map((s) => [
        s.predicates.map((p) => `${p.feature}=${p.value}`).join(' & '),
        s.score,
        s.size,
      ]),
    );
    // Members: the rows matching every predicate.
    const first = reference.slices[0]!;
    const members = rows.flatMap((row, i) =>
      first.predicates.every((p) => row[p.feature] === p.value) ? [i] : [],
    );
    expect([...found[0]!.rows]).toEqual(members);
  });
});
