import type { Report } from '../../src/report/schema.js';

/**
 * A small, hand-written report.json: 3 classes, 12 examples, one baseline model, two gates.
 * The numbers are consistent with each other (so a reader can check them) but come from no run:
 *   candidate 9/12 correct = 0.75, baseline 10/12 = 0.8333…, delta = −1/12 = −0.08333…
 *   slice lighting=dim: candidate 2/4 = 0.5, baseline 3/4 = 0.75, delta −0.25
 *   slice lighting=day: candidate 7/8 = 0.875, baseline 7/8, delta 0
 * McNemar (b = only baseline right, c = only candidate right): overall b − c = 10 − 9 = 1 with
 * b = 2, c = 1, exact p = 2·P(X ≤ 1 | n = 3) = 2·4/8 = 1; lighting=dim b = 1, c = 0, p = 1.
 * A discovered slice (3 examples, below minSupport, so ungated) covers that table.
 */
export function sampleReport(): Report {
  return {
    schemaVersion: 1,
    tool: { name: 'visiongate', version: '0.0.0-test' },
    name: 'sample',
    createdAt: '2026-01-01T00:00:00.000Z',
    verdict: 'fail',
    config: { file: 'visiongate.yml', sha256: '0'.repeat(64) },
    dataset: {
      root: 'data',
      manifest: 'data/manifest.csv',
      format: 'csv',
      examples: 12,
      evaluated: 12,
      classes: ['cat', 'dog', 'bird'],
      classSource: 'config list',
      metadataColumns: ['lighting'],
      contentHash: 'a'.repeat(64),
    },
    models: {
      candidate: { role: 'candidate', source: 'model', path: 'models/candidate.onnx' },
      baseline: { role: 'baseline', source: 'model', path: 'models/baseline.onnx' },
    },
    comparison: { baseline: 'model', paired: 12, changed: [], added: [], removed: [] },
    overall: {
      candidate: { accuracy: 0.75, ece: 0.05 },
      baseline: { accuracy: 10 / 12, ece: 0.04 },
      delta: { accuracy: 0.75 - 10 / 12, ece: 0.01 },
      stats: {
        intervals: { accuracy: { lower: -0.25, upper: 0.0833 } },
        mcnemar: { b: 2, c: 1, p: 1 },
        pAdjusted: 1,
        significant: false,
      },
      n: 12,
      confusion: [
        [3, 1, 0],
        [0, 4, 0],
        [1, 1, 2],
      ],
      perClass: [
        { class: 'cat', precision: 0.75, recall: 0.75, f1: 0.75, support: 4 },
        { class: 'dog', precision: 4 / 6, recall: 1, f1: 0.8, support: 4 },
        { class: 'bird', precision: 1, recall: 0.5, f1: 2 / 3, support: 4 },
      ],
    },
    slices: [
      {
        key: 'lighting=dim',
        kind: 'column',
        predicates: [{ column: 'lighting', value: 'dim' }],
        n: 4,
        gated: true,
        candidate: { accuracy: 0.5 },
        baseline: { accuracy: 0.75 },
        delta: { accuracy: -0.25 },
        paired: 4,
        stats: {
          intervals: { accuracy: { lower: -0.75, upper: 0 } },
          mcnemar: { b: 1, c: 0, p: 1 },
          pAdjusted: 1,
          significant: false,
        },
        status: 'fail',
        newlyFailing: true,
      },
      {
        key: 'lighting=day',
        kind: 'column',
        predicates: [{ column: 'lighting', value: 'day' }],
        n: 8,
        gated: true,
        candidate: { accuracy: 0.875 },
        baseline: { accuracy: 0.875 },
        delta: { accuracy: 0 },
        paired: 8,
        status: 'pass',
        newlyFailing: false,
      },
      {
        key: 'brightness=q1 & lighting=dim',
        kind: 'discovered',
        predicates: [
          { column: 'brightness', value: 'q1' },
          { column: 'lighting', value: 'dim' },
        ],
        n: 3,
        gated: false,
        candidate: { accuracy: 1 / 3 },
        baseline: { accuracy: 2 / 3 },
        delta: { accuracy: -1 / 3 },
        paired: 3,
        discovered: { target: 'errors', score: 0.5, meanError: 2 / 3 },
        status: 'ungated',
        newlyFailing: false,
      },
    ],
    findings: [],
    columns: [],
    examples: {
      newlyFailing: [
        {
          id: 'img-007',
          path: 'images/img-007.png',
          label: 'bird',
          baselinePred: 'bird',
          candidatePred: 'cat',
          candidateConf: 0.9,
          metadata: { lighting: 'dim' },
        },
      ],
      newlyFixed: [],
      counts: { newlyFailing: 1, newlyFixed: 0, bothWrong: 2 },
    },
    pinned: [
      { id: 'img-001', status: 'pass', label: 'cat', pred: 'cat' },
      { id: 'img-007', status: 'fail', label: 'bird', pred: 'cat' },
    ],
    gates: [
      {
        index: 0,
        rule: 'accuracy ≥ 0.7',
        metric: 'accuracy',
        scope: 'overall',
        target: 'overall',
        kind: 'min',
        value: 0.75,
        baseline: 10 / 12,
        threshold: 0.7,
        level: 'fail',
        status: 'pass',
        reason: 'accuracy is 0.75 (meets 0.7)',
      },
      {
        index: 1,
        rule: 'accuracy drop ≤ 0.1',
        metric: 'accuracy',
        scope: 'slices',
        target: 'lighting=dim',
        kind: 'maxDrop',
        value: 0.5,
        baseline: 0.75,
        threshold: 0.1,
        level: 'fail',
        status: 'fail',
        reason:
          'accuracy on lighting=dim worsened by 0.25 vs baseline (0.75 → 0.5; allowed drop 0.1)',
      },
    ],
    suites: {},
    unreadable: [],
    notices: ['1 image was skipped as unreadable.'],
    timing: { total: 1.5 },
  };
}
