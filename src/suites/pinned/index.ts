/**
 * The pinned suite: examples named in the config (`pinned`) that must stay right; the task says
 * what a pinned case asserts. Its result is `pinned` in report.json; each case that does not
 * pass is a gate result.
 */
import type { Suite } from '../../analysis/suite.js';
import { judge } from '../../gates/check.js';
import type { PinnedOutcome } from '../../tasks/task.js';
import { pinnedResultSchema } from './schema.js';

export const pinnedSuite: Suite<'pinned', true, PinnedOutcome[], typeof pinnedResultSchema> = {
  name: 'pinned',
  resultSchema: pinnedResultSchema,
  plan: () => true,
  analyse(ctx) {
    const { config, task } = ctx;
    const pinned = task.checkPinned(ctx.pinnedIds, ctx.pairing.candidate, ctx);
    const level = config.pinned.level;
    return {
      result: pinned,
      gates: pinned
        .filter((p) => p.status !== 'pass')
        .map((p) =>
          judge({
            index: -1,
            kind: 'pinned',
            rule: task.pinnedRule,
            metric: 'pinned',
            scope: 'pinned',
            target: p.id,
            value: null,
            measured: 0,
            bound: 'atLeast',
            thresholds: { [level]: 1 },
            reason: () => task.pinnedReason(p),
          }),
        ),
    };
  },
};
