/**
 * Detection's parts of the PR comment: images with newly missed objects or new false
 * positives, pinned images with missed objects, and per-class AP with the working-point scores.
 * Every dataset string is escaped.
 */
import { markdownTable } from 'markdown-table';
import { escapeMarkdown as esc } from '../../text/escape.js';
import type { TaskRender } from '../task.js';
import type { detectionOverallSchema, ImageChange, PinnedImage } from './schema.js';
import { metadataText } from '../../text/metadata.js';

const counts = (items: readonly { class: string }[]) => {
  const by = new Map<string, number>();
  for (const x of items) by.set(x.class, (by.get(x.class) ?? 0) + 1);
  return [...by].map(([c, n]) => `${n}× ${c}`).join(', ');
};

export const render: TaskRender<ImageChange, PinnedImage, typeof detectionOverallSchema> = {
  exampleOrder: 'most changed objects first',

  examples: (changes) =>
    markdownTable([
      ['Image', 'Newly missed', 'New false positives', 'Metadata'],
      ...changes.map((e) => [
        esc(e.id, 60),
        esc(counts(e.newlyMissed) || '–', 60),
        esc(counts(e.newFalsePositives) || '–', 60),
        esc(metadataText(e.metadata), 80),
      ]),
    ]),

  pinned: (cases) =>
    markdownTable([
      ['Image', 'Status', 'Objects', 'Missed'],
      ...cases.map((p) => [
        esc(p.id, 60),
        p.status,
        p.objects === undefined ? '–' : String(p.objects),
        p.missed === undefined ? '–' : String(p.missed),
      ]),
    ]),

  overall(overall, { maxRows, format }) {
    const pc = overall.perClass;
    if (pc.length === 0 || pc.length > Math.max(maxRows, 10)) return [];
    const wp = overall.workingPoint;
    return [
      {
        summary: `Per-class AP and scores at score ≥ ${wp.scoreThreshold}, IoU ≥ ${wp.iouThreshold} (candidate)`,
        body: markdownTable(
          [
            ['Class', 'AP', 'AP50', 'Precision', 'Recall', 'F1', 'TP', 'FP', 'FN'],
            ...pc.map((c) => [
              esc(c.class, 60),
              format('map', c.ap),
              format('ap50', c.ap50),
              format('precision', c.precision),
              format('recall', c.recall),
              format('f1', c.f1),
              String(c.tp),
              String(c.fp),
              String(c.fn),
            ]),
          ],
          { align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'] },
        ),
      },
    ];
  },
};
