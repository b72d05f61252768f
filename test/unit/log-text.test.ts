import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { errorLogText, escapeLogLines, escapeLogText } from '../../src/log-text.js';
import { runnerCommands } from '../support/workflow-commands.js';

/** Characters no log line may carry raw (besides the newlines between our own lines). */
const RAW_CONTROL =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('escapeLogText', () => {
  it('shows control characters as escapes instead of writing them', () => {
    expect(escapeLogText('a\nb\rc\td')).toBe('a\\nb\\rc\\td');
    expect(escapeLogText('red\u001b[31mX\u001b[0m')).toBe('red\\x1b[31mX\\x1b[0m');
    expect(escapeLogText('\u0000\u007f\u0085\u009b')).toBe('\\x00\\x7f\\x85\\x9b');
    // Bidi overrides and isolates (Trojan Source) and the Unicode line separators.
    expect(escapeLogText('abc\u202edcba\u2066x\u2069\u2028')).toBe(
      'abc\\u{202e}dcba\\u{2066}x\\u{2069}\\u{2028}',
    );
  });

  it('leaves ordinary text, including non-Latin letters and emoji, as it is', () => {
    const plain = 'dataset: 600 examples (csv), metadata columns: Beleuchtung, 光照, 📷 · ok';
    expect(escapeLogText(plain)).toBe(plain);
  });

  it('never lets a hostile string become a workflow command', () => {
    const hostile = [
      'lighting\n::warning title=PWNED::header',
      '\r\n::add-mask::secret',
      '::stop-commands::PWNED',
      '   ::set-output name=verdict::pass',
      '\u00a0::error::nbsp',
      'id ##[error]PWNED',
      'x\u2028::warning::PWNED',
    ];
    for (const h of hostile) {
      for (const line of [h, `metadata columns: ${h}`]) {
        const out = escapeLogText(line);
        expect(out.split('\n')).toHaveLength(1);
        expect(runnerCommands(out), JSON.stringify(out)).toEqual([]);
        expect(out).not.toMatch(RAW_CONTROL);
      }
    }
    expect(escapeLogText('::stop-commands::PWNED')).toBe('\\x3a:stop-commands::PWNED');
    expect(escapeLogText('id ##[error]PWNED')).toBe('id ##\\x5berror]PWNED');
  });
});

describe('errorLogText', () => {
  it('puts each detail line of a UserError on its own line, each made safe', () => {
    const error = new UserError('image', '2 image(s) could not be read:', {
      details: ['ok-1: truncated', '::warning::PWNED\n::error::x: bad'],
    });
    expect(error.message).toBe(
      '2 image(s) could not be read:\n  ok-1: truncated\n  ::warning::PWNED\n::error::x: bad',
    );
    const text = errorLogText(error);
    expect(text.split('\n')).toEqual([
      '2 image(s) could not be read:',
      '  ok-1: truncated',
      '  \\x3a:warning::PWNED\\n::error::x: bad',
    ]);
    expect(runnerCommands(text)).toEqual([]);
  });

  it('writes any other thrown value on one line', () => {
    expect(errorLogText(new Error('bad\n::warning::x'))).toBe('bad\\n::warning::x');
    expect(errorLogText('plain')).toBe('plain');
    expect(escapeLogLines(['a', '::b::c'])).toBe('a\n\\x3a:b::c');
  });
});
