import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { frameOf } from '../../src/analysis/frame.js';
import { pairRecords } from '../../src/analysis/pairing.js';
import { buildSlices, type SliceSpec } from '../../src/analysis/slices.js';
import { subtract } from '../../src/metrics/values.js';
import { ExampleTable } from '../../src/tables/examples.js';
import { exampleChanges } from '../../src/tasks/classification/changes.js';
import {
  metricNamesFor,
  metricValues,
  resolveMetrics,
} from '../../src/tasks/classification/metrics.js';
import { checkPinned } from '../../src/tasks/classification/pinned.js';
import { ClassificationTableBuilder } from '../../src/tasks/classification/records.js';
import type { Example } from '../../src/types.js';
import type { PredictionRecord } from '../../src/tasks/classification/records.js';

const CLASSES = ['cat', 'dog', 'bird'];

const ex = (id: string, label: string, metadata: Record<string, string> = {}): Example => ({
  id,
  path: `img/${id}.png`,
  absPath: `/d/img/${id}.png`,
  label,
  labelIndex: CLASSES.indexOf(label),
  metadata,
});

function rec(
  id: string,
  label: number,
  pred: number,
  opts: { hash?: string; conf?: number; model?: 'candidate' | 'baseline'; rank?: number } = {},
): PredictionRecord {
  const conf = opts.conf ?? 0.8;
  const pTrue = pred === label ? conf : 0.1;
  return {
    id,
    hash: opts.hash ?? `h-${id}`,
    model: opts.model ?? 'candidate',
    variant: 'clean',
    label,
    pred,
    conf,
    pTrue,
    rank: opts.rank ?? (pred === label ? 0 : 1),
    sumSq: conf * conf + 0.01,
  };
}

/** Records as one table (they share model and variant here). */
const table = (records: PredictionRecord[], model: 'candidate' | 'baseline' = 'candidate') => {
  const b = new ClassificationTableBuilder(model, 'clean');
  for (const r of records) b.push(r);
  return b.finish();
};

/** buildSlices over all examples of a list (the config's defaults), slice members as ids. */
function slicesOf(
  examples: readonly Example[],
  spec: Pick<SliceSpec, 'columns' | 'crossings' | 'classes'> & Partial<SliceSpec>,
) {
  const t = ExampleTable.fromExamples(examples, { classes: CLASSES });
  const all = Uint32Array.from(examples, (_, i) => i);
  const full = { asked: new Set<string>(), maxValues: 20, bins: 4, bin: [], ...spec };
  return buildSlices(t, all, full).slices.map((s) => ({
    ...s,
    ids: [...s.rows].map((p) => t.ids[p]!),
  }));
}

describe('buildSlices', () => {
  const examples = [
    ex('e1', 'cat', { lighting: 'dim', source: 'phone' }),
    ex('e2', 'dog', { lighting: 'day', source: 'phone' }),
    ex('e3', 'cat', { lighting: 'dim' }), // no source
    ex('e4', 'dog', { lighting: 'dim', source: 'scan' }),
  ];

  it('one slice per column value, per crossing combination present, and per class', () => {
    const slices = slicesOf(examples, {
      columns: ['lighting', 'source'],
      crossings: [['lighting', 'source']],
      classes: true,
    });
    const view = slices.map((s) => [s.kind, s.key, [...s.ids].sort()]);
    expect(view).toEqual([
      // columns, in the order given, values sorted within a column ("day" < "dim")
      ['column', 'lighting=day', ['e2']],
      ['column', 'lighting=dim', ['e1', 'e3', 'e4']],
      ['column', 'source=phone', ['e1', 'e2']],
      ['column', 'source=scan', ['e4']],
      // crossings: only combinations that occur; e3 has no source and is in none
      ['crossing', 'lighting=day & source=phone', ['e2']],
      ['crossing', 'lighting=dim & source=phone', ['e1']],
      ['crossing', 'lighting=dim & source=scan', ['e4']],
      // classes by true label
      ['class', 'class=cat', ['e1', 'e3']],
      ['class', 'class=dog', ['e2', 'e4']],
    ]);
    expect(slices[5]!.predicates).toEqual([
      { column: 'lighting', value: 'dim' },
      { column: 'source', value: 'phone' },
    ]);
    expect(slices[7]!.predicates).toEqual([{ column: 'class', value: 'cat' }]);
  });

  it('the crossing key follows the order the crossing is written in', () => {
    const slices = slicesOf(examples, {
      columns: [],
      crossings: [['source', 'lighting']],
      classes: false,
    });
    expect(slices.map((s) => s.key)).toEqual([
      'source=phone & lighting=day',
      'source=phone & lighting=dim',
      'source=scan & lighting=dim',
    ]);
  });

  it('no columns, no crossings, classes off: no slices; a column nobody has: none', () => {
    expect(slicesOf(examples, { columns: [], crossings: [], classes: false })).toEqual([]);
    expect(slicesOf(examples, { columns: ['weather'], crossings: [], classes: false })).toEqual([]);
  });

  it('orders keys the same way whatever the machine locale is', () => {
    // Under sv-SE, String#localeCompare puts "ä" after "z"; under en-US between "a" and "b".
    // Run buildSlices in a child process with each locale and compare.
    const here = path.dirname(fileURLToPath(import.meta.url));
    const moduleUrl = pathToFileURL(path.resolve(here, '../../src/analysis/slices.ts')).href;
    const tableUrl = pathToFileURL(path.resolve(here, '../../src/tables/examples.ts')).href;
    const script = `
      const { buildSlices } = await import(${JSON.stringify(moduleUrl)});
      const { ExampleTable } = await import(${JSON.stringify(tableUrl)});
      const ex = (id, v) => ({ id, path: id, absPath: '/' + id, label: 'c', labelIndex: 0, metadata: { site: v } });
      const t = ExampleTable.fromExamples([ex('1', 'z'), ex('2', 'ä'), ex('3', 'a'), ex('4', 'B')]);
      const spec = { columns: ['site'], crossings: [], classes: false, asked: new Set(), maxValues: 20, bins: 4, bin: [] };
      const s = buildSlices(t, [0, 1, 2, 3], spec).slices;
      console.log(JSON.stringify(s.map((x) => x.key)));`;
    const run = (locale: string) => {
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        { env: { ...process.env, LANG: locale, LC_ALL: locale }, encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout.trim()) as string[];
    };
    const en = run('en_US.UTF-8');
    // English collation: a < ä < B < z (case and accents are secondary differences).
    expect(en).toEqual(['site=a', 'site=ä', 'site=B', 'site=z']);
    expect(run('sv_SE.UTF-8')).toEqual(en);
  });
});

describe('pairRecords', () => {
  it('pairs by id when the image hash matches; lists changed, added and removed, sorted', () => {
    const cand = table([
      rec('z-same', 0, 0),
      rec('a-same', 1, 1),
      rec('changed', 0, 0, { hash: 'new-bytes' }),
      rec('new-2', 0, 0),
      rec('new-1', 0, 0),
    ]);
    const base = table(
      [
        rec('a-same', 1, 0, { model: 'baseline' }),
        rec('z-same', 0, 0, { model: 'baseline' }),
        rec('changed', 0, 1, { hash: 'old-bytes', model: 'baseline' }),
        rec('gone', 2, 2, { model: 'baseline' }),
      ],
      'baseline',
    );
    const p = pairRecords(cand, base);
    // A changed image is never compared with its old prediction: z-same → base row 1,
    // a-same → base row 0, the rest unpaired.
    expect([...p.baseRow]).toEqual([1, 0, -1, -1, -1]);
    expect(p.paired).toBe(2);
    expect(base.pred[p.baseRow[1]!]).toBe(0);
    expect(p.changed).toEqual(['changed']);
    expect(p.added).toEqual(['new-1', 'new-2']);
    expect(p.removed).toEqual(['gone']);
  });

  it('records in the same order pair row by row (and hashes still decide)', () => {
    const h = (c: string) => c.repeat(64);
    const cand = table([rec('a', 0, 0, { hash: h('a') }), rec('b', 0, 0, { hash: h('b') })]);
    const base = table(
      [rec('a', 0, 1, { hash: h('a') }), rec('b', 0, 1, { hash: h('c') })],
      'baseline',
    );
    const p = pairRecords(cand, base);
    expect([...p.baseRow]).toEqual([0, -1]);
    expect([p.changed, p.added, p.removed]).toEqual([['b'], [], []]);
  });

  it('without a baseline nothing is paired, changed, added or removed', () => {
    const p = pairRecords(table([rec('a', 0, 0)]), undefined);
    expect(p.candidate.length).toBe(1);
    expect(p.paired).toBe(0);
    expect([p.changed, p.added, p.removed]).toEqual([[], [], []]);
  });

  it('an empty baseline makes every candidate id added', () => {
    const p = pairRecords(table([rec('b', 0, 0), rec('a', 0, 0)]), table([], 'baseline'));
    expect(p.added).toEqual(['a', 'b']);
    expect(p.paired).toBe(0);
  });
});

describe('exampleChanges', () => {
  // label: cat = 0, dog = 1, bird = 2
  const examples = [
    ex('fail-low', 'cat', { site: 'x' }),
    ex('fail-high', 'dog'),
    ex('a-fail-high', 'bird'),
    ex('fixed-b', 'cat'),
    ex('fixed-a', 'dog'),
    ex('both-wrong', 'bird'),
    ex('both-right', 'cat'),
    ex('changed', 'cat'),
  ];
  const frameFor = (exs: readonly Example[], cand: ReturnType<typeof table>) =>
    frameOf(ExampleTable.fromExamples(exs, { classes: CLASSES }), cand);
  const cand = [
    rec('fail-low', 0, 1, { conf: 0.6 }),
    rec('fail-high', 1, 2, { conf: 0.9 }),
    rec('a-fail-high', 2, 0, { conf: 0.9 }),
    rec('fixed-b', 0, 0),
    rec('fixed-a', 1, 1),
    rec('both-wrong', 2, 1),
    rec('both-right', 0, 0),
    rec('changed', 0, 1, { hash: 'new' }), // would be newly failing, but the image changed
  ];
  const base = [
    rec('fail-low', 0, 0, { model: 'baseline' }),
    rec('fail-high', 1, 1, { model: 'baseline' }),
    rec('a-fail-high', 2, 2, { model: 'baseline' }),
    rec('fixed-b', 0, 2, { model: 'baseline' }),
    rec('fixed-a', 1, 0, { model: 'baseline' }),
    rec('both-wrong', 2, 0, { model: 'baseline' }),
    rec('both-right', 0, 0, { model: 'baseline' }),
    rec('changed', 0, 0, { hash: 'old', model: 'baseline' }),
  ];

  it('newly failing (most confident first, then id), newly fixed (by id), both wrong counted', () => {
    const c = table(cand);
    const out = exampleChanges(
      pairRecords(c, table(base, 'baseline')),
      frameFor(examples, c),
      CLASSES,
    );
    // 0.9, 0.9 (tie → "a-fail-high" < "fail-high"), then 0.6
    expect(out.newlyFailing.map((c) => c.id)).toEqual(['a-fail-high', 'fail-high', 'fail-low']);
    expect(out.newlyFixed.map((c) => c.id)).toEqual(['fixed-a', 'fixed-b']);
    expect(out.counts).toEqual({ newlyFailing: 3, newlyFixed: 2, bothWrong: 1 });
    expect(out.newlyFailing[2]).toEqual({
      id: 'fail-low',
      path: 'img/fail-low.png',
      label: 'cat',
      baselinePred: 'cat',
      candidatePred: 'dog',
      candidateConf: 0.6,
      metadata: { site: 'x' },
    });
  });

  it('a limit cuts the lists after sorting; the counts stay complete', () => {
    const c = table(cand);
    const out = exampleChanges(
      pairRecords(c, table(base, 'baseline')),
      frameFor(examples, c),
      CLASSES,
      1,
    );
    expect(out.newlyFailing.map((c) => c.id)).toEqual(['a-fail-high']);
    expect(out.newlyFixed.map((c) => c.id)).toEqual(['fixed-a']);
    expect(out.counts).toEqual({ newlyFailing: 3, newlyFixed: 2, bothWrong: 1 });
  });

  it('class indices outside the class list are shown as numbers', () => {
    const c = table([rec('x', 0, 7)]);
    const p = pairRecords(c, table([rec('x', 0, 0, { model: 'baseline' })], 'baseline'));
    const out = exampleChanges(p, frameFor([ex('x', 'cat')], c), CLASSES);
    expect(out.newlyFailing[0]).toMatchObject({ label: 'cat', candidatePred: '7' });
  });
});

describe('checkPinned', () => {
  it('missing, fail and pass, in the order given, with class names', () => {
    const candidate = table([rec('p-wrong', 0, 1), rec('p-right', 2, 2)]);
    expect(checkPinned(['p-wrong', 'not-there', 'p-right'], candidate, CLASSES)).toEqual([
      { id: 'p-wrong', status: 'fail', label: 'cat', pred: 'dog' },
      { id: 'not-there', status: 'missing' },
      { id: 'p-right', status: 'pass', label: 'bird', pred: 'bird' },
    ]);
    expect(checkPinned([], candidate, CLASSES)).toEqual([]);
  });
});

describe('metricNamesFor', () => {
  it('the default metrics, top-k for each k > 1, then extra gate metrics once', () => {
    expect(metricNamesFor([1, 5], [])).toEqual([
      'accuracy',
      'top5_accuracy',
      'macro_precision',
      'macro_recall',
      'macro_f1',
      'weighted_f1',
      'ece',
      'brier',
    ]);
    expect(metricNamesFor([1, 3, 5], ['accuracy', 'recall[cat]', 'recall[cat]'])).toEqual([
      'accuracy',
      'top3_accuracy',
      'top5_accuracy',
      'macro_precision',
      'macro_recall',
      'macro_f1',
      'weighted_f1',
      'ece',
      'brier',
      'recall[cat]',
    ]);
    expect(metricNamesFor([], [])[1]).toBe('macro_precision');
  });
});

describe('metricValues and subtract', () => {
  it('accuracy and top-2 from records (hand-counted); an empty set gives null, not NaN', () => {
    // 4 records: correct, rank 1, rank 2, correct → accuracy 2/4; top-2 (rank < 2) 3/4.
    const records = [
      rec('a', 0, 0, { rank: 0 }),
      rec('b', 1, 0, { rank: 1 }),
      rec('c', 2, 1, { rank: 2 }),
      rec('d', 1, 1, { rank: 0 }),
    ];
    const defs = resolveMetrics(['accuracy', 'top2_accuracy'], CLASSES);
    expect(metricValues(records, defs, 3, [1, 2]).values).toEqual({
      accuracy: 0.5,
      top2_accuracy: 0.75,
    });
    expect(metricValues([], defs, 3, [1, 2]).values).toEqual({
      accuracy: null,
      top2_accuracy: null,
    });
  });

  it('resolveMetrics refuses an unknown name and lists the known ones', () => {
    expect(() => resolveMetrics(['acuracy'], CLASSES)).toThrow(
      /unknown metric "acuracy".*accuracy/,
    );
  });

  it('subtract: candidate − baseline, null where either side is missing', () => {
    expect(subtract({ a: 0.5, b: null, c: 0.2, d: 0.1 }, { a: 0.25, b: 0.1, c: null })).toEqual({
      a: 0.25,
      b: null,
      c: null,
      d: null,
    });
  });
});
