import { describe, expect, it } from 'vitest';
import { detectionBoxes } from '../../src/engine/html-report.js';
import { boxLegend } from '../../src/report/html/thumbs.js';
import type { Report } from '../../src/report/schema.js';

/** Only what detectionBoxes reads of a report. */
function report(newlyFailing: unknown[], pinned: unknown[] = []): Report {
  return { examples: { newlyFailing }, pinned } as unknown as Report;
}

describe('report.html boxes of detection images', () => {
  it('places x1, y1, x2, y2 pixel boxes as fractions of the image size, by kind', () => {
    const r = report([
      {
        id: 'img1',
        path: 'a.jpg',
        metadata: {},
        newlyMissed: [{ class: 'cat', box: [20, 10, 120, 60] }],
        newFalsePositives: [{ class: 'dog', box: [0, 0, 200, 100], score: 0.4567 }],
        truth: [
          { class: 'cat', box: [20, 10, 120, 60] },
          { class: 'bird', box: [150, 50, 190, 90] },
        ],
        matched: [{ class: 'bird', box: [140, 40, 180, 80], score: 0.9 }],
      },
      // A classification entry and an image of unknown size get no boxes.
      {
        id: 'c1',
        path: 'b.png',
        label: 'x',
        baselinePred: 'x',
        candidatePred: 'y',
        candidateConf: 1,
        metadata: {},
      },
      {
        id: 'img2',
        path: 'c.jpg',
        metadata: {},
        newlyMissed: [{ class: 'cat', box: [0, 0, 1, 1] }],
        newFalsePositives: [],
      },
    ]);
    const boxes = detectionBoxes(r, new Map([['img1', { width: 200, height: 100 }]]));
    expect([...boxes.examples.keys()]).toEqual(['img1']);
    expect(boxes.examples.get('img1')).toEqual([
      { x: 0.1, y: 0.1, w: 0.5, h: 0.5, kind: 'truth', label: 'cat' },
      { x: 0.75, y: 0.5, w: 0.2, h: 0.4, kind: 'truth', label: 'bird' },
      { x: 0.7, y: 0.4, w: 0.2, h: 0.4, kind: 'matched', label: 'bird 0.90' },
      { x: 0.1, y: 0.1, w: 0.5, h: 0.5, kind: 'missed', label: 'cat' },
      { x: 0, y: 0, w: 1, h: 1, kind: 'prediction', label: 'dog 0.46' },
    ]);
    expect(boxes.pinned.size).toBe(0);
  });

  it('places a failing pinned image’s missed objects and matched detections, not a passing one’s', () => {
    const r = report(
      [],
      [
        {
          id: 'p1',
          status: 'fail',
          objects: 2,
          missed: 1,
          missedObjects: [{ class: 'cat', box: [0, 25, 50, 50] }],
          matched: [{ class: 'dog', box: [50, 0, 100, 100], score: 0.5 }],
        },
        { id: 'p2', status: 'pass', objects: 1, missed: 0 },
        { id: 'p3', status: 'missing' },
      ],
    );
    const sizes = new Map(['p1', 'p2', 'p3'].map((id) => [id, { width: 100, height: 50 }]));
    const boxes = detectionBoxes(r, sizes);
    expect([...boxes.pinned.keys()]).toEqual(['p1']);
    expect(boxes.pinned.get('p1')).toEqual([
      { x: 0.5, y: 0, w: 0.5, h: 2, kind: 'matched', label: 'dog 0.50' },
      { x: 0, y: 0.5, w: 0.5, h: 0.5, kind: 'missed', label: 'cat' },
    ]);
  });
});

describe('report.html box legend', () => {
  it('lists the kinds drawn, in drawing order, with the given words (escaped)', () => {
    const html = boxLegend(
      [
        [{ x: 0, y: 0, w: 1, h: 1, kind: 'prediction' }],
        [{ x: 0, y: 0, w: 1, h: 1, kind: 'truth' }],
      ],
      { truth: 'ground <truth>', matched: 'matched', prediction: 'false positive' },
    );
    expect([...html.matchAll(/data-kind="(\w+)"/g)].map((m) => m[1])).toEqual([
      'truth',
      'prediction',
    ]);
    expect(html).toContain('ground &lt;truth&gt;');
    expect(html).toContain('<rect class="box truth"');
    expect(boxLegend([[]], { truth: 'x' })).toBe('');
  });
});
