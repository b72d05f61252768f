import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { checkMetricNames } from '../../src/tasks/classification/check-metrics.js';
import { isUserError } from '../../src/errors.js';

const BASE = ['dataset: { root: data }', 'model: { path: m.onnx }'];
const TEN = Array.from({ length: 10 }, (_, i) => `c${i}`);

/** The message checkMetricNames throws for a config (lines appended to BASE), or undefined. */
function problem(lines: string[], classes: readonly string[] = TEN): string | undefined {
  const loaded = parseConfig([...BASE, ...lines, ''].join('\n'), '/p/visiongate.yml');
  try {
    checkMetricNames(
      { config: loaded.config, configName: 'visiongate.yml', lineOf: (k) => loaded.lineOf(k) },
      classes,
      'class file classes.txt',
    );
    return undefined;
  } catch (error) {
    expect(isUserError(error)).toBe(true);
    return (error as Error).message;
  }
}

describe('checkMetricNames', () => {
  it('top-k gates: k below the class count is fine, at or above it is refused with the line', () => {
    expect(problem(['gates:', '  - { metric: top9_accuracy, min: 0.5 }'])).toBeUndefined();
    expect(
      problem([
        'gates:',
        '  - { metric: accuracy, min: 0.5 }',
        '  - { metric: top20_accuracy, min: 0.5 }',
      ]),
    ).toBe(
      'visiongate.yml:5: gates[1].metric: top20_accuracy: the class list (class file classes.txt) has 10 classes, so top-20 accuracy is 1 for every model and the gate could never fail; use a k below 10',
    );
    expect(problem(['gates:', '  - { metric: top10_accuracy, min: 0.5 }'])).toContain(
      'gates[0].metric: top10_accuracy',
    );
  });

  it('unknown metrics and unknown classes keep their messages, with the gate and line', () => {
    expect(problem(['gates:', '  - { metric: acuracy, min: 0.5 }'])).toMatch(
      /^visiongate\.yml:4: gates\[0\]\.metric: unknown metric "acuracy"/,
    );
    expect(problem(['gates:', '  - { metric: "recall[dog]", min: 0.5 }'])).toMatch(
      /^visiongate\.yml:4: gates\[0\]\.metric: metric "recall\[dog\]": unknown class "dog"/,
    );
  });

  it('metrics.topK: the default [1, 5] on 4 classes is left alone; a written k above the count is not', () => {
    const four = ['a', 'b', 'c', 'd'];
    expect(problem([], four)).toBeUndefined();
    expect(problem(['metrics: { topK: [1, 4] }'], four)).toBeUndefined();
    expect(problem(['metrics:', '  topK: [1, 5]'], four)).toBe(
      'visiongate.yml:4: metrics.topK[1]: 5 is more than the number of classes: the class list (class file classes.txt) has 4 classes; remove it or use a k of at most 4',
    );
  });
});
