/**
 * Markdown helpers of the data section. Dataset strings (ids, class names, metadata values,
 * decoder messages) are escaped with the report's shared escapeMarkdown (src/report/escape.ts):
 * no HTML, no broken tables, no @mentions or #references.
 */
export { escapeMarkdown } from '../../text/escape.js';
import { escapeHtml } from '../../text/escape.js';
import { markdownTable as table } from 'markdown-table';

/** A markdown table; every cell must already be escaped or produced by us. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  return table([header, ...rows], { alignDelimiters: false });
}

/** A collapsed block: the summary is HTML-escaped here; the body is markdown. */
export function details(summary: string, body: string): string {
  return `<details><summary>${escapeHtml(summary)}</summary>\n\n${body}\n\n</details>`;
}
