/**
 * Escaping for strings that come from datasets, manifests, models or configs (class names, ids,
 * metadata values, paths) before they go into GitHub-flavoured markdown. The threat model: a
 * hostile class name must not break a table (`|`, newlines), inject HTML or markdown links,
 * ping people (`@team`), link issues (`#12`), or close our <details> sections.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '@': '&#64;',
  '#': '&#35;',
  '|': '&#124;',
};

/** Escape one untrusted value for inline use in markdown (table cells, list items, headings). */
export function escapeMarkdown(value: string, maxLength = 120): string {
  let s = value
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  // Bidi overrides can disguise text; zero-width characters can hide mentions.
  s = s.replace(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '');
  if ([...s].length > maxLength) s = `${[...s].slice(0, maxLength - 1).join('')}…`;
  s = s.replace(/[&<>"@#|]/g, (c) => ENTITIES[c]!);
  // Backslash-escape markdown punctuation that could start emphasis, code, links or images.
  s = s.replace(/[\\`*_[\]()!~$]/g, (c) => `\\${c}`);
  if (s === '') return '∅';
  return s;
}

/** An untrusted value shown as code-like text: escaped, not in backticks (pipes break code spans in tables). */
export function escapeInline(value: string, maxLength?: number): string {
  return escapeMarkdown(value, maxLength);
}
