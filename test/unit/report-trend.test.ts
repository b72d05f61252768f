import { describe, expect, it } from 'vitest';
import { renderTrend, trendStyle } from '../../src/report/trend.js';
import { sampleReport } from '../support/sample-report.js';

/** How a classification report's trend is shown (accuracy, macro_f1, ece, corrupted_accuracy). */
const STYLE = trendStyle(sampleReport());

const entry = (sha: string, day: number, accuracy: number, ece?: number) => ({
  sha: sha.repeat(40).slice(0, 40),
  storedAt: `2026-11-${String(day).padStart(2, '0')}T03:00:00Z`,
  verdict: 'pass',
  metrics: { accuracy, ...(ece !== undefined ? { ece } : {}) },
});

describe('renderTrend', () => {
  it('is empty without an earlier stored run', () => {
    expect(renderTrend([], entry('a', 1, 0.9), STYLE)).toBe('');
    // An earlier run of the same commit (a nightly on an unchanged branch) is a stored run.
    expect(renderTrend([entry('a', 1, 0.9)], entry('a', 2, 0.9), STYLE)).toContain(
      'last 2 stored runs',
    );
  });

  it('reports the change since the previous stored run in points and raw units', () => {
    // accuracy 0.90 → 0.85 is −5.0 pp; ece 0.0300 → 0.0425 is +0.0125.
    const md = renderTrend(
      [entry('a', 1, 0.8, 0.02), entry('b', 2, 0.9, 0.03)],
      entry('c', 3, 0.85, 0.0425),
      STYLE,
    );
    expect(md).toContain('Trend over the last 3 stored runs');
    expect(md).toContain(
      'Since the previous stored run (bbbbbbbbbbbb, 2026-11-02): accuracy −5.0 pp, ece +0.0125.',
    );
    expect(md).toContain('| **this run** (cccccccccccc) |');
    expect(md).toContain('line [80.0, 90.0, 85.0]');
    expect(md).toContain('title "Accuracy over stored runs (%)"');
    expect(md).toContain('y-axis "accuracy (%)"');
    expect(STYLE.metrics).toEqual(['accuracy', 'macro_f1', 'ece', 'corrupted_accuracy']);
  });

  it('keeps the last maxRows runs, this run last', () => {
    const history = Array.from({ length: 20 }, (_, i) =>
      entry(String.fromCharCode(97 + i), i + 1, 0.5 + i / 100),
    );
    const md = renderTrend(history, entry('z', 28, 0.99), STYLE, 5);
    expect(md).toContain('Trend over the last 5 stored runs');
    expect(md).toContain('line [66.0, 67.0, 68.0, 69.0, 99.0]');
  });
});
