/**
 * The data suite's wiring for detection: the box check on a hand-made ground truth (numbers
 * worked by hand), its gates, the checks that skip without one class per example, what the
 * duplicate check compares as a detection image's "label", and that a classification result
 * has no box check at all.
 */
import { describe, expect, it } from 'vitest';
import { renderDataSection, runDataSuite } from '../../src/suites/data/index.js';
import { labelOf } from '../../src/suites/data/util.js';
import { dataResultSchema } from '../../src/suites/data/schema.js';
import { GroundTruthColumnsBuilder } from '../../src/tables/detections.js';
import type { Example } from '../../src/types.js';

const CLASSES = ['cat', 'dog', 'bird'];

function example(id: string, metadata: Record<string, string> = {}): Example {
  return { id, path: `${id}.jpg`, absPath: `/d/${id}.jpg`, label: '', labelIndex: -1, metadata };
}

/** Three 100×80 images: a duplicate pair, a degenerate box and a box past the border; no bird. */
function detectionInput() {
  const b = new GroundTruthColumnsBuilder();
  b.push([
    { box: [10, 10, 50, 50], classIndex: 0 },
    { box: [10, 10, 50, 51], classIndex: 0 }, // IoU 1600 / 1640 with the first
    { box: [60, 10, 90, 40], classIndex: 1 },
  ]);
  b.push([
    { box: [0, 0, 8, 8], classIndex: 0 }, // tiny: 64 px²
    { box: [20, 20, 20, 60], classIndex: 1 }, // zero width
  ]);
  b.push([{ box: [70, 30, 100.5, 80], classIndex: 1 }]); // half a pixel past x = 100
  return {
    examples: ['a', 'b', 'c'].map((id) => example(id, { site: id === 'c' ? 'x' : 'y' })),
    classes: CLASSES,
    candidate: [],
    objects: {
      columns: b.finish(),
      sizes: { widths: [100, 100, 100], heights: [80, 80, 80] },
    },
  };
}

describe('the box check', () => {
  it('names each problem box with its image and object, and counts as worked by hand', () => {
    const { result } = runDataSuite(detectionInput());
    const f = result.checks.boxes!;
    if (f.status !== 'ran') throw new Error('boxes skipped');
    expect(f.imageCount).toBe(3);
    expect(f.objectCount).toBe(6);
    expect(f.emptyImageCount).toBe(0);
    expect(f.degenerate).toEqual([
      {
        id: 'b',
        path: 'b.jpg',
        object: 1,
        class: 'dog',
        box: [20, 20, 20, 60],
        imageWidth: 100,
        imageHeight: 80,
      },
    ]);
    expect(f.outOfBounds.map((o) => [o.id, o.object, o.box])).toEqual([
      ['c', 0, [70, 30, 100.5, 80]],
    ]);
    expect(f.duplicates.map((d) => [d.id, d.class, d.objects])).toEqual([['a', 'cat', [0, 1]]]);
    expect(f.duplicates[0]!.iou).toBeCloseTo(1600 / 1640, 12);
    // Tiny (< 16²): the 8×8 box and the zero-width one, of 6 counted objects.
    expect(f.tinyCount).toBe(2);
    expect(f.tinyShare).toBeCloseTo(2 / 6, 12);
    expect(f.classes).toEqual([
      { class: 'cat', objects: 3, images: 2, share: 0.5 },
      { class: 'dog', objects: 3, images: 3, share: 0.5 },
      { class: 'bird', objects: 0, images: 0, share: 0 },
    ]);
    expect(f.rarestClass).toEqual({ class: 'bird', objects: 0 });
    expect(dataResultSchema.safeParse(JSON.parse(JSON.stringify(result))).success).toBe(true);
  });

  it('offers its counts to the gates: defaults warn on any problem box, thresholds fail', () => {
    const byGate = (r: ReturnType<typeof runDataSuite>) =>
      Object.fromEntries(r.result.gateResults.map((g) => [g.gate, g.level]));
    const defaults = byGate(runDataSuite(detectionInput()));
    expect(defaults).toMatchObject({
      maxDegenerateBoxes: 'warn',
      maxOutOfBoundsBoxes: 'warn',
      maxDuplicateBoxes: 'warn',
    });
    // Report only unless configured.
    expect(defaults.maxTinyObjectShare).toBeUndefined();
    expect(defaults.minClassObjects).toBeUndefined();
    const set = runDataSuite(detectionInput(), {
      gates: { maxDuplicateBoxes: 0, maxTinyObjectShare: 0.3, minClassObjects: { warn: 1 } },
    });
    expect(byGate(set)).toMatchObject({
      maxDuplicateBoxes: 'fail',
      maxTinyObjectShare: 'fail',
      minClassObjects: 'warn',
    });
    expect(set.result.level).toBe('fail');
    expect(set.result.gateResults.find((g) => g.gate === 'minClassObjects')!.reason).toContain(
      'bird',
    );
  });

  it('without sizes finds nothing past a border', () => {
    const input = detectionInput();
    const { result } = runDataSuite({ ...input, objects: { columns: input.objects.columns } });
    const f = result.checks.boxes!;
    if (f.status !== 'ran') throw new Error('boxes skipped');
    expect(f.outOfBoundsCount).toBe(0);
    expect(f.degenerateCount).toBe(1);
  });

  it('is left out of a classification result, whose other checks are unchanged', () => {
    const { result } = runDataSuite({
      examples: [{ ...example('a'), label: 'cat', labelIndex: 0 }],
      classes: CLASSES,
      candidate: [],
    });
    expect('boxes' in result.checks).toBe(false);
    expect(renderDataSection(result)).not.toContain('Boxes');
  });
});

describe('the other checks on detection images', () => {
  it('label issues and group disparity skip, saying they need one class per example', () => {
    const { result } = runDataSuite(detectionInput(), { bias: { attributes: ['site'] } });
    for (const id of ['labelIssues', 'bias'] as const) {
      const c = result.checks[id];
      expect(c.status).toBe('skipped');
      if (c.status === 'skipped') expect(c.reason).toMatch(/one class per example/);
    }
  });

  it('representativity compares metadata only, not the empty single label', () => {
    const { result } = runDataSuite(detectionInput(), {
      representativity: { expected: { metadata: { site: { x: 0.5, y: 0.5 } } } },
    });
    const r = result.checks.representativity;
    if (r.status !== 'ran') throw new Error('representativity skipped');
    expect(r.comparisons.map((c) => c.dimension)).toEqual([{ kind: 'metadata', column: 'site' }]);
  });

  it("the duplicate check's label of an image is its objects' classes with counts", () => {
    const input = detectionInput();
    expect([0, 1, 2].map((k) => labelOf(input, k))).toEqual(['cat ×2, dog', 'cat, dog', 'dog']);
    const empty = new GroundTruthColumnsBuilder();
    empty.push([]);
    expect(labelOf({ ...input, objects: { columns: empty.finish() } }, 0)).toBe('no objects');
  });

  it('renders a Boxes row and the problem boxes in the markdown section', () => {
    const md = renderDataSection(runDataSuite(detectionInput()).result);
    expect(md).toContain(
      '| Boxes | 6 objects in 3 images: 1 degenerate, 1 past the border, 1 duplicate pairs; 33.3% tiny (< 16²); rarest class bird (0) |',
    );
    expect(md).toContain('| degenerate | b.jpg | 1 | dog | (20, 20)–(20, 60) | 100×80 |');
    expect(md).toContain('| a.jpg | 0 and 1 | cat | 0.976 |');
  });
});
