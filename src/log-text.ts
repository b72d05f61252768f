/**
 * The one place text is made safe for a log: every line the CLI writes to stderr and every line
 * the Action writes to stdout (core.info, notices, warnings, errors) goes through here, because
 * dataset-derived strings (CSV headers, ids, class names, metadata values, file names) reach
 * those lines and any of them may be hostile.
 *
 * What a log line must not do with a hostile string in it:
 * - Run a workflow command. The runner (actions/runner, ActionCommand.TryParseV2 / TryParse)
 *   treats a line as a command when, after leading white space, it starts with `::`, and also,
 *   in the legacy form, when `##[` appears *anywhere* in it. `core.info` writes its text raw, so
 *   a CSV header `"lighting\n::warning::pwned"` logged by it would run `::warning::pwned`.
 * - Start a line of its own (a fake "verdict: pass"), move the cursor, recolour or clear the
 *   terminal (ESC sequences), or reorder what is shown (bidi overrides, CVE-2021-42574).
 *
 * So control characters are written visibly (`\n`, `\x1b`, `\u{202e}`), a line that would
 * start with `::` has its first colon written `\x3a`, and `##[` becomes `##\x5b`. The text stays
 * readable, and nothing in it is ever a command or a terminal control. report.json keeps the
 * raw values; markdown has its own escaping (report/escape.ts).
 */
import { describeError, isUserError, type UserError } from './errors.js';

/**
 * C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the bidirectional
 * formatting characters (ALM, LRM, RLM, LRE…RLO, LRI…PDI).
 */
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/**
 * One line of log text: control characters shown as escapes, and nothing the Actions runner
 * would read as a workflow command. Use it on every line that is written to a log.
 */
export function escapeLogText(text: string): string {
  return text
    .replace(UNSAFE, visible)
    .replace(/##\[/g, '##\\x5b')
    .replace(/^(\s*):(?=:)/, '$1\\x3a');
}

/**
 * Lines of log text, each made safe by {@link escapeLogText}, joined by newlines: for messages
 * whose line breaks are ours (a list of config problems), not a dataset's.
 */
export function escapeLogLines(lines: readonly string[]): string {
  return lines.map(escapeLogText).join('\n');
}

/**
 * An error as log text: a {@link UserError} with detail lines gives its message and each detail
 * on a line of its own (indented); anything else is one line.
 */
export function errorLogText(error: unknown): string {
  // `details` may be absent on a UserError made by another bundle (isUserError checks the name).
  const details = isUserError(error) ? (error.details ?? []) : [];
  if (details.length > 0)
    return escapeLogLines([(error as UserError).summary, ...details.map((d) => `  ${d}`)]);
  return escapeLogText(describeError(error));
}
