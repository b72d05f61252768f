/**
 * Fitting report markdown into GitHub's size limits. The renderer is asked first, with the exact
 * budget left after our marker and footer (it knows which sections to drop); only if it still
 * overshoots do we cut, and then never inside an HTML comment, tag or entity, and with every open
 * code fence, `<summary>` and `<details>` closed so the rest of the page still renders.
 */

/** GitHub rejects issue and comment bodies longer than this (characters). */
export const COMMENT_BODY_LIMIT = 65536;
/** GitHub rejects check-run `output.summary` / `output.text` longer than this (characters). */
export const CHECK_TEXT_LIMIT = 65535;

/** A renderer that shrinks itself to at most `maxChars` characters (best effort). */
export type Render = (maxChars: number) => string;

export interface FitResult {
  text: string;
  /** True when we had to cut the renderer's output. */
  truncated: boolean;
}

/**
 * Render within `maxChars`. JavaScript string length counts UTF-16 units, which is never less
 * than the code points GitHub counts, so a fitting result always fits on GitHub too.
 */
export function fitMarkdown(render: Render, maxChars: number, note: string): FitResult {
  const budget = Math.max(0, Math.floor(maxChars));
  const text = render(budget);
  if (text.length <= budget) return { text, truncated: false };
  return { text: truncateMarkdown(text, budget, note), truncated: true };
}

/** Cut `text` to at most `maxChars` characters, closing open blocks and appending `note`. */
export function truncateMarkdown(text: string, maxChars: number, note: string): string {
  if (text.length <= maxChars) return text;
  const tail = note === '' ? '' : `\n\n${note}`;
  let keep = maxChars - tail.length - 64;
  for (let attempt = 0; attempt < 50 && keep > 0; attempt += 1) {
    const head = safeCut(text, keep);
    const out = head + closers(head) + tail;
    if (out.length <= maxChars) return out;
    keep -= Math.max(1, out.length - maxChars);
  }
  // Not even the note fits: give as much of the note as is safe.
  return tail.length <= maxChars ? tail.trimStart() : safeCut(note, maxChars);
}

/** The longest prefix of at most `n` characters that does not end inside markup. */
export function safeCut(text: string, n: number): string {
  if (text.length <= n) return text;
  let s = text.slice(0, Math.max(0, n));
  // Never split a surrogate pair.
  const last = s.charCodeAt(s.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) s = s.slice(0, -1);
  // Prefer whole lines (table rows, list items, links) when a line break is near.
  if (text.charAt(s.length) !== '\n') {
    const nl = s.lastIndexOf('\n');
    if (nl >= 0 && nl >= s.length * 0.5) s = s.slice(0, nl);
  }
  // Not inside an HTML comment (a cut marker would swallow the rest of the page).
  const commentOpen = s.lastIndexOf('<!--');
  if (commentOpen >= 0 && commentOpen > s.lastIndexOf('-->')) s = s.slice(0, commentOpen);
  // Not inside a tag: `<details open` or `<a href="…`.
  const lt = s.lastIndexOf('<');
  if (lt >= 0 && lt > s.lastIndexOf('>')) s = s.slice(0, lt);
  // Not inside an entity like `&nbsp;` or `&#x2212;`.
  const entity = /&[#A-Za-z0-9]{0,31}$/.exec(s);
  if (entity) s = s.slice(0, entity.index);
  return s.replace(/[ \t]+$/, '');
}

/** Text that closes what `markdown` leaves open: a code fence, a `<summary>`, `<details>`. */
export function closers(markdown: string): string {
  let fence: { char: string; len: number } | undefined;
  let details = 0;
  let summaryOpen = false;
  for (const line of markdown.split('\n')) {
    const m = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (fence) {
      const closesFence =
        m !== null &&
        m[1]!.startsWith(fence.char) &&
        m[1]!.length >= fence.len &&
        m[2]!.trim() === '';
      if (closesFence) fence = undefined;
      continue;
    }
    if (m) {
      fence = { char: m[1]!.charAt(0), len: m[1]!.length };
      continue;
    }
    const code = line.replace(/`[^`]*`/g, '');
    details += (code.match(/<details\b[^>]*>/gi) ?? []).length;
    details -= (code.match(/<\/details\s*>/gi) ?? []).length;
    if (details < 0) details = 0;
    const opens = [...code.matchAll(/<summary\b[^>]*>/gi)].map((x) => x.index);
    const closes = [...code.matchAll(/<\/summary\s*>/gi)].map((x) => x.index);
    if (opens.length > 0 || closes.length > 0) {
      summaryOpen = Math.max(-1, ...opens) > Math.max(-1, ...closes);
    }
  }
  let out = '';
  if (fence) out += `\n${fence.char.repeat(fence.len)}`;
  if (summaryOpen) out += '</summary>';
  out += '\n\n</details>'.repeat(details);
  return out;
}

/** The note appended to a cut report. */
export function truncationNote(limit: number, fullReportUrl?: string): string {
  const where = fullReportUrl
    ? `see the full report in the [workflow artifact](${linkTarget(fullReportUrl)})`
    : 'see the full report in the workflow artifact';
  return `> [!NOTE]\n> Truncated to fit GitHub's limit of ${limit.toLocaleString('en-US')} characters; ${where}.`;
}

/** Make a URL safe as a markdown link target (spaces, parentheses and angle brackets). */
export function linkTarget(url: string): string {
  return url.replace(/[ ()<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface BodyParts {
  /** Hidden marker first, so the comment or issue can be found again ('' for none). */
  marker: string;
  render: Render;
  runUrl?: string;
  artifactUrl?: string;
  /** Total limit for the whole body (default: {@link COMMENT_BODY_LIMIT}). */
  limit?: number;
}

/**
 * `marker` + the caller's markdown (fitted to what is left) + a footer linking the run and the
 * report artifact. The result never exceeds `limit` characters.
 */
export function composeBody(parts: BodyParts): FitResult {
  const limit = parts.limit ?? COMMENT_BODY_LIMIT;
  const links: string[] = [];
  if (parts.runUrl) links.push(`[workflow run](${linkTarget(parts.runUrl)})`);
  if (parts.artifactUrl) links.push(`[full report (artifact)](${linkTarget(parts.artifactUrl)})`);
  const head = parts.marker === '' ? '' : `${parts.marker}\n`;
  const footer = links.length > 0 ? `\n\n<sub>${links.join(' · ')}</sub>` : '';
  const note = truncationNote(limit, parts.artifactUrl ?? parts.runUrl);
  const fit = fitMarkdown(parts.render, limit - head.length - footer.length, note);
  return { text: head + fit.text + footer, truncated: fit.truncated };
}
