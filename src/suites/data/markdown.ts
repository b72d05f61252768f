/**
 * Escaping of dataset strings (ids, class names, metadata values, decoder messages) for GitHub
 * markdown. A local helper until a shared one exists in src/report. Every character that could
 * start markdown or HTML syntax is neutralised, so a file named `<img src=x onerror=...>.png` or
 * a class called `**bold**|x` renders as literal text and cannot break a table.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '@': '&#64;',
  '#': '&#35;',
};

/**
 * Literal text for markdown, safe in table cells and inside <details>/<summary>. `@` and `#` become
 * entities so a dataset string cannot mention a user or (best effort) link an issue.
 */
export function escapeMarkdown(text: string): string {
  // One pass, so the entities we insert are never escaped again.
  return text
    .replace(/[\r\n\t\v\f\u2028\u2029]+/g, ' ')
    .replace(/[&<>"@#\\`*_{}[\]()+\-.!|~:'$^=]/g, (c) => ENTITIES[c] ?? `\\${c}`);
}

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
