import type { Config } from '../../config/schema.js';
import { UserError } from '../../errors.js';
import { resolveMetric } from '../../metrics/classification.js';
import { UnknownMetricError } from '../../metrics/values.js';

/** A config and how to point at its keys: the file's name and a key's 1-based line. */
export interface ConfigSite {
  config: Config;
  configName: string;
  lineOf(keyPath: readonly (string | number)[]): number | undefined;
}

/**
 * Check the metric names of the config against the class list, before anything is evaluated
 * (`run`) or merged: an unknown metric, a per-class metric naming a class that is not in the
 * list, a top-k accuracy with k at or above the number of classes (every example ranks its
 * true class within the top n, so the value is 1 for any model and a gate on it could never
 * fail). Each is a config error naming the key and its line.
 */
export function checkMetricNames(
  loaded: ConfigSite,
  classes: readonly string[],
  classSource: string,
): void {
  const at = (keyPath: (string | number)[]) => {
    const line = loaded.lineOf(keyPath);
    return `${loaded.configName}${line ? `:${line}` : ''}`;
  };
  const n = classes.length;
  const list = `the class list (${classSource}) has ${n} classes`;
  loaded.config.gates.forEach((gate, i) => {
    const where = `${at(['gates', i, 'metric'])}: gates[${i}].metric`;
    let k: number | undefined;
    try {
      k = resolveMetric(gate.metric, { classNames: classes, numClasses: n }).topK;
    } catch (error) {
      if (error instanceof UnknownMetricError)
        throw new UserError('config', `${where}: ${error.message}`);
      throw error;
    }
    if (k !== undefined && k >= n)
      throw new UserError(
        'config',
        `${where}: ${gate.metric}: ${list}, so top-${k} accuracy is 1 for every model and the gate could never fail; use a k below ${n}`,
      );
  });
  // metrics.topK defaults to [1, 5]: only values written in the file are the user's to fix.
  if (loaded.lineOf(['metrics', 'topK']) !== undefined)
    loaded.config.metrics.topK.forEach((k, j) => {
      if (k > n)
        throw new UserError(
          'config',
          `${at(['metrics', 'topK', j])}: metrics.topK[${j}]: ${k} is more than the number of classes: ${list}; remove it or use a k of at most ${n}`,
        );
    });
}
