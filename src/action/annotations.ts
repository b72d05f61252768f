/** Failing gates as annotations on their line in the config: workflow commands and check runs. */
import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import type { GateResult } from '../gates/result.js';
import { groupByRule } from '../gates/verdict.js';
import type { CheckAnnotation } from '../github/index.js';
import type { Report } from '../report/schema.js';
import { actionLog } from './log.js';

/** Where a config lives and how to find a key's line in it. */
export type ConfigLocator = Pick<LoadedConfig, 'file' | 'lineOf'>;

/** Repository-relative path of the config, for annotations. */
function configPath(loaded: ConfigLocator): string {
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  return path.relative(workspace, loaded.file).split(path.sep).join('/');
}

/** The config line a gate result belongs to. */
function gateLine(g: GateResult, loaded: ConfigLocator): number | undefined {
  if (g.configKey) return loaded.lineOf(g.configKey.split('.'));
  if (g.index >= 0) return loaded.lineOf(['gates', g.index]);
  if (g.kind === 'pinned') return loaded.lineOf(['pinned']);
  return undefined;
}

/** Failing gate results grouped by rule: GitHub shows at most 10 annotations per level per step. */
function groupFailures(report: Report): GateResult[][] {
  return groupByRule(report.gates.filter((g) => g.status === 'fail' || g.status === 'warn'));
}

function groupMessage(gates: GateResult[]): string {
  const g = gates[0]!;
  if (gates.length === 1) return g.reason;
  const targets = gates
    .slice(0, 5)
    .map((x) => x.target)
    .join(', ');
  return `${g.rule} ${g.status === 'fail' ? 'failed' : 'warned'} on ${gates.length} targets: ${targets}${gates.length > 5 ? ', ...' : ''}. First: ${g.reason}`;
}

/** One workflow annotation per failing rule, on the rule's line in the config file. */
export function annotateGates(report: Report, loaded: ConfigLocator): void {
  const file = configPath(loaded);
  for (const gates of groupFailures(report)) {
    const g = gates[0]!;
    const line = gateLine(g, loaded);
    const props = { title: `VisionGate: ${g.rule}`, file, ...(line ? { startLine: line } : {}) };
    if (g.status === 'fail') actionLog.error(groupMessage(gates), props);
    else actionLog.warning(groupMessage(gates), props);
  }
}

/** The same, as check-run annotations (of the gates `filter` keeps). */
export function checkAnnotations(
  report: Report,
  loaded: ConfigLocator,
  filter: (g: GateResult) => boolean = () => true,
): CheckAnnotation[] {
  const file = configPath(loaded);
  return groupFailures(report)
    .filter((gs) => filter(gs[0]!))
    .map((gates) => {
      const g = gates[0]!;
      return {
        path: file,
        startLine: gateLine(g, loaded) ?? 1,
        level: g.status === 'fail' ? ('failure' as const) : ('warning' as const),
        title: `VisionGate: ${g.rule}`,
        message: groupMessage(gates),
      };
    });
}
