/**
 * Classification's parts of the PR comment: the newly failing examples, the pinned cases that
 * do not pass, and the per-class scores. Every dataset string is escaped.
 */
import { markdownTable } from 'markdown-table';
import { escapeMarkdown as esc } from '../../text/escape.js';
import type { TaskRender } from '../task.js';
import type { ExampleChange, PinnedCase } from './schema.js';
import type { overallExtrasSchema } from './schema.js';
import { metadataText } from '../../text/metadata.js';

export const render: TaskRender<ExampleChange, PinnedCase, typeof overallExtrasSchema> = {
  exampleOrder: 'most confident first',

  examples: (changes) =>
    markdownTable([
      ['Example', 'Label', 'Baseline', 'Candidate (conf.)', 'Metadata'],
      ...changes.map((e) => [
        esc(e.id, 60),
        esc(e.label, 40),
        esc(e.baselinePred, 40),
        `${esc(e.candidatePred, 40)} (${(e.candidateConf * 100).toFixed(0)}%)`,
        esc(metadataText(e.metadata), 80),
      ]),
    ]),

  pinned: (cases) =>
    markdownTable([
      ['Example', 'Status', 'Label', 'Predicted'],
      ...cases.map((p) => [
        esc(p.id, 60),
        p.status,
        esc(p.label ?? '–', 40),
        esc(p.pred ?? '–', 40),
      ]),
    ]),

  overall(overall, { maxRows, format }) {
    const pc = overall.perClass;
    if (pc.length === 0 || pc.length > Math.max(maxRows, 10)) return [];
    return [
      {
        summary: 'Per-class metrics (candidate)',
        body: markdownTable(
          [
            ['Class', 'Precision', 'Recall', 'F1', 'Support'],
            ...pc.map((c) => [
              esc(c.class, 60),
              format('precision', c.precision),
              format('recall', c.recall),
              format('f1', c.f1),
              String(c.support),
            ]),
          ],
          { align: ['l', 'r', 'r', 'r', 'r'] },
        ),
      },
    ];
  },
};
