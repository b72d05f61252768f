/**
 * The pinned suite: examples named in the config (`pinned`) that must be present and right.
 * Its result is `pinned` in report.json; each case that does not pass is a gate result.
 */
import type { Suite } from '../../analysis/suite.js';
import { judge } from '../../gates/check.js';
import { checkPinned } from './check.js';
import { pinnedResultSchema, type PinnedCase } from './schema.js';

export const pinnedSuite: Suite<'pinned', true, PinnedCase[], typeof pinnedResultSchema> = {
  name: 'pinned',
  resultSchema: pinnedResultSchema,
  plan: () => true,
  analyse(ctx) {
    const { config } = ctx;
    const pinned = checkPinned(ctx.pinnedIds, ctx.pairing.candidate, ctx.classes);
    const level = config.pinned.level;
    return {
      result: pinned,
      gates: pinned
        .filter((p) => p.status !== 'pass')
        .map((p) =>
          judge({
            index: -1,
            kind: 'pinned',
            rule: 'pinned case classified correctly',
            metric: 'pinned',
            scope: 'pinned',
            target: p.id,
            value: null,
            measured: 0,
            bound: 'atLeast',
            thresholds: { [level]: 1 },
            reason: () =>
              p.status === 'missing'
                ? `pinned example ${p.id} is not in the evaluated dataset`
                : `pinned example ${p.id} (${p.label}) predicted as ${p.pred}`,
          }),
        ),
    };
  },
};
