import type { Summary } from './compose.js';

/**
 * What init prints: the files written, what it read (by topic), the assumptions to check, the
 * warnings, and the command to run next. `show` names paths as the user typed them.
 */
export function formatInitSummary(
  written: readonly string[],
  summary: Summary,
  show: (p: string) => string,
): string {
  const lines = [`visiongate init: wrote ${written.map(show).join(', ')}`, '', 'Inferred:'];
  const width = Math.max(...summary.inferred.map(([label]) => label.length));
  for (const [label, items] of summary.inferred)
    items.forEach((item, i) => lines.push(`  ${(i === 0 ? label : '').padEnd(width)}  ${item}`));
  if (summary.check.length > 0) {
    lines.push('', 'CHECK (assumed: not in the model, next to it, or in the data):');
    for (const c of summary.check) lines.push(`  ! ${c}`);
  }
  if (summary.warnings.length > 0) {
    lines.push('', 'Warnings:');
    for (const w of summary.warnings) lines.push(`  - ${w}`);
  }
  lines.push('', `Next: visiongate run --config ${show(written[0]!)} --out visiongate-out`, '');
  return lines.join('\n');
}
