/**
 * Escaping for report.html. Every string that comes from a dataset, manifest, model or config
 * (ids, class names, metadata values, paths, reasons) goes through {@link escapeHtmlText} before
 * it is placed in element content or a double-quoted attribute. The markdown escaper in
 * `../escape.ts` is not used here: it rewrites `@`, `#` and `://` for GitHub's mention and
 * autolink filters, which would change the text a reader sees in a plain HTML file.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape untrusted text for HTML element content and quoted attribute values. */
export function escapeHtmlText(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Escape and shorten to `max` characters (with an ellipsis), for labels in tight places. */
export function escapeShort(value: string, max: number): string {
  const chars = [...value];
  return escapeHtmlText(chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : value);
}
