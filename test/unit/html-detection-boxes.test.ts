import { describe, expect, it } from 'vitest';
import { detectionBoxes } from '../../src/engine/html-report.js';
import type { Report } from '../../src/report/schema.js';

/** Only what detectionBoxes reads of a report. */
function report(newlyFailing: unknown[]): Report {
  return { examples: { newlyFailing } } as unknown as Report;
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
    expect([...boxes.keys()]).toEqual(['img1']);
    expect(boxes.get('img1')).toEqual([
      { x: 0.1, y: 0.1, w: 0.5, h: 0.5, kind: 'missed', label: 'cat' },
      { x: 0, y: 0, w: 1, h: 1, kind: 'prediction', label: 'dog 0.46' },
    ]);
  });
});
