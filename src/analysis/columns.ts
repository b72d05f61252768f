/**
 * Metadata columns the config names must exist. A column that is not there would be sliced,
 * searched (discovery) or checked (bias) without a word, and a gate on it would pass: the bias
 * check found every value missing and passed its gap gate with 0.
 */
import { formatKeyPath } from '../config/issues.js';
import { UserError } from '../errors.js';
import type { PlanContext } from './suite.js';

/** A config key path and the column named there. */
export type NamedColumn = readonly [keyPath: readonly (string | number)[], column: string];

/** Refuse the first named column the dataset does not have, with its config key and line. */
export function checkNamedColumns(ctx: PlanContext, named: readonly NamedColumn[]): void {
  const known = new Set(ctx.metadataColumns);
  for (const [keyPath, column] of named) {
    if (known.has(column)) continue;
    const line = ctx.lineOf(keyPath);
    throw new UserError(
      'config',
      `${ctx.configName}${line ? `:${line}` : ''}: ${formatKeyPath(keyPath)}: no metadata column "${column}" (columns: ${[...known].join(', ') || 'none'})`,
    );
  }
}
