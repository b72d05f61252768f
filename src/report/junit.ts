import type { GateResult } from '../gates/result.js';
import type { Report } from './schema.js';

/** XML 1.0 text: escape markup and drop characters XML cannot hold. */
function xml(text: string): string {
  return text

    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const suiteOf = (g: GateResult) =>
  g.configKey?.split('.')[0] ?? (g.kind === 'pinned' ? 'pinned' : 'regression');

/**
 * Gate results as JUnit XML, one test case per gate check, grouped by suite, for CI systems and
 * test-report UIs. A failed gate is a <failure>, a warning is a passing case with the warning in
 * <system-out>, a skipped check is <skipped>.
 */
export function renderJUnit(report: Report): string {
  const bySuite = new Map<string, GateResult[]>();
  for (const g of report.gates) bySuite.set(suiteOf(g), [...(bySuite.get(suiteOf(g)) ?? []), g]);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const failures = report.gates.filter((g) => g.status === 'fail').length;
  const skipped = report.gates.filter((g) => g.status === 'skipped').length;
  lines.push(
    `<testsuites name="VisionGate ${xml(report.name)}" tests="${report.gates.length}" failures="${failures}" skipped="${skipped}">`,
  );
  for (const [suite, gates] of bySuite) {
    const f = gates.filter((g) => g.status === 'fail').length;
    const s = gates.filter((g) => g.status === 'skipped').length;
    lines.push(
      `  <testsuite name="${xml(suite)}" tests="${gates.length}" failures="${f}" skipped="${s}">`,
    );
    for (const g of gates) {
      const name = `${g.rule} [${g.target}]`;
      const open = `    <testcase classname="visiongate.${xml(report.name)}.${xml(suite)}" name="${xml(name)}"`;
      if (g.status === 'fail')
        lines.push(`${open}>`, `      <failure message="${xml(g.reason)}"/>`, '    </testcase>');
      else if (g.status === 'skipped')
        lines.push(`${open}>`, `      <skipped message="${xml(g.reason)}"/>`, '    </testcase>');
      else if (g.status === 'warn')
        lines.push(
          `${open}>`,
          `      <system-out>warning: ${xml(g.reason)}</system-out>`,
          '    </testcase>',
        );
      else lines.push(`${open}/>`);
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
