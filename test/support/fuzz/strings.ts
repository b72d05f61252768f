/**
 * Strings a dataset can hand VisionGate: ids, labels, metadata values, column and file names.
 * Mostly plain, often hostile: unicode (astral, combining, right-to-left), control characters,
 * CSV and markdown punctuation, line breaks, terminal escapes and GitHub workflow commands.
 */
import fc from 'fast-check';

/** Pieces that break naive CSV, markdown, HTML, logs or terminals. */
const HOSTILE_PIECES = [
  ',',
  '"',
  "'",
  ';',
  '\t',
  '\n',
  '\r\n',
  '\r',
  '|',
  '<b>',
  '</details>',
  '<!--',
  '&amp;',
  '@team',
  '#12',
  '[x](http://e.test)',
  '`',
  '*',
  '_',
  '\\',
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u2028',
  '\u202e',
  '\u200b',
  '\ufeff',
  '\ufffd',
  'é',
  'e\u0301',
  'ß',
  '日本',
  'עברית',
  '😀',
  '::error::x',
  '::add-mask::y',
  '##[group]',
  '%0A',
  '=1+1',
  '-',
  '..',
  '/',
  ' ',
  '\u00a0',
];

/** One character or piece: mostly letters and digits. */
const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789') },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_PIECES) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);

/** Any string, possibly empty, up to ~`max` pieces. */
export function anyText(max = 8): fc.Arbitrary<string> {
  return fc.array(piece, { maxLength: max }).map((parts) => parts.join(''));
}

/**
 * A string VisionGate must accept as an id, label or metadata value: non-empty and without
 * leading or trailing white space (CSV fields and class-file lines are trimmed, so ` a` and `a`
 * are the same value there). Everything else is allowed.
 */
export function valueText(max = 8): fc.Arbitrary<string> {
  return anyText(max)
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.includes('\u0000'));
}

/**
 * A name that can be a file or folder name on Linux: no `/`, no NUL, not `.` or `..`, not
 * hidden (ImageFolder skips hidden entries), at most ~100 bytes.
 */
export function fileNameText(max = 6): fc.Arbitrary<string> {
  return valueText(max)
    .map((s) => s.replace(/[/\u0000]/g, '_'))
    .filter((s) => s !== '.' && s !== '..' && !s.startsWith('.') && Buffer.byteLength(s) <= 100);
}

/** A name usable as a class in a class file: no line break, not a `#` comment. */
export function classNameText(max = 6): fc.Arbitrary<string> {
  return valueText(max).filter((s) => !/[\r\n\u2028\u2029\u0085]/.test(s) && !s.startsWith('#'));
}
