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
  // The zero-width space (&#8203;) is what stops GitHub's mention and issue-reference filters.
  '@': '&#64;&#8203;',
  '#': '&#35;&#8203;',
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
  // GitHub finds @mentions, #123 references and bare-URL autolinks in the *rendered* text, after
  // entities and backslash escapes are decoded, so `&#64;team` still pings (github/markup#1168,
  // openjdk/skara#1548). A zero-width space after `@` and `#` and inside `://` and `www.` breaks
  // those patterns without changing what the reader sees (Renovate does the same for `@`).
  s = s.replace(/:\/\//g, ':&#8203;//').replace(/(www)\./gi, '$1&#8203;.');
  if (s === '') return '∅';
  return s;
}

/** Escape an untrusted value for raw HTML contexts (e.g. inside <summary>), where backslash escapes do not apply. */
export function escapeHtml(text: string): string {
  return text.replace(/[\r\n\t\v\f\u2028\u2029]+/g, ' ').replace(/[&<>"@#|]/g, (c) => ENTITIES[c]!);
}
