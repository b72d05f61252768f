/**
 * Markdown helpers of the data section. Dataset strings (ids, class names, metadata values,
 * decoder messages) are escaped with the report's shared escapeMarkdown (src/report/escape.ts):
 * no HTML, no broken tables, no @mentions or #references.
 */
export { escapeMarkdown } from '../../report/escape.js';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  // A zero-width space after @ and # stops GitHub's mention and reference filters (see escape.ts).
  '@': '&#64;&#8203;',
  '#': '&#35;&#8203;',
};

/** Text for raw HTML contexts (e.g. inside <summary>), where backslash escapes do not apply. */
export function escapeHtml(text: string): string {
  return text.replace(/[\r\n\t\v\f\u2028\u2029]+/g, ' ').replace(/[&<>"@#]/g, (c) => ENTITIES[c]!);
}

/** A markdown table; every cell must already be escaped or produced by us. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A collapsed block: the summary is HTML-escaped here; the body is markdown. */
export function details(summary: string, body: string): string {
  return `<details><summary>${escapeHtml(summary)}</summary>\n\n${body}\n\n</details>`;
}
