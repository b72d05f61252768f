/**
 * The verdict in one line: what the CLI prints last and the check run's title says. The task
 * names the metric it leads with (classification: accuracy).
 */
import { groupByRule } from '../gates/verdict.js';
import { taskOfReport } from '../tasks/registry.js';
import type { Report } from './schema.js';

/**
 * `FAIL · accuracy 82.8% (−5.7 pp vs baseline) · 3 gate rule(s) failed · 1 newly failing slice(s)`:
 * rules counted as the comment's gate table lists them (one row per rule, however many slices).
 */
export function headline(report: Report): string {
  const { presentation } = taskOfReport(report);
  const metric = presentation.headline;
  const rate = presentation.isRate(metric);
  const value = report.overall.candidate[metric];
  const delta = report.overall.delta?.[metric];
  const failed = groupByRule(report.gates.filter((g) => g.status === 'fail')).length;
  const newly = report.slices.filter((s) => s.newlyFailing).length;
  const shown =
    value === null || value === undefined
      ? '–'
      : rate
        ? `${(value * 100).toFixed(1)}%`
        : value.toFixed(4);
  const change =
    delta === null || delta === undefined
      ? ''
      : ` (${delta >= 0 ? '+' : '−'}${rate ? `${Math.abs(delta * 100).toFixed(1)} pp` : Math.abs(delta).toFixed(4)} vs baseline)`;
  return [
    report.verdict.toUpperCase(),
    `${metric} ${shown}${change}`,
    ...(failed > 0 ? [`${failed} gate rule(s) failed`] : []),
    ...(newly > 0 ? [`${newly} newly failing slice(s)`] : []),
  ].join(' · ');
}
