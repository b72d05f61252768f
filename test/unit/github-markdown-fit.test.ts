import { describe, expect, it } from 'vitest';
import {
  closers,
  composeBody,
  fitMarkdown,
  safeCut,
  truncateMarkdown,
} from '../../src/github/markdown-fit.js';

const NOTE = '> truncated, see the full report';

describe('safeCut', () => {
  it('never ends inside an HTML comment, a tag or an entity', () => {
    expect(safeCut('abc <!-- hidden marker -->', 12)).toBe('abc');
    expect(safeCut('text <details open>more', 15)).toBe('text');
    expect(safeCut('a &nbsp; b', 5)).toBe('a');
  });

  it('never splits a surrogate pair', () => {
    const s = `ab${'😀'}cd`;
    expect(safeCut(s, 3)).toBe('ab');
  });

  it('prefers whole lines', () => {
    expect(safeCut('| a | 1 |\n| b | 2 |\n| c | 3 |', 24)).toBe('| a | 1 |\n| b | 2 |');
  });
});

describe('closers', () => {
  it('closes an open fence, summary and nested details', () => {
    expect(closers('<details><summary>x</summary>\n<details>\n```js\ncode')).toBe(
      '\n```\n\n</details>\n\n</details>',
    );
    expect(closers('<details><summary>long')).toBe('</summary>\n\n</details>');
    expect(closers('~~~~\n```\n<details>')).toBe('\n~~~~');
    expect(closers('`<details>` is a tag')).toBe('');
    expect(closers('<details>\n</details>')).toBe('');
  });
});

describe('truncateMarkdown', () => {
  it('fits the limit exactly or under and ends with the note', () => {
    for (const limit of [200, 1000, 5000]) {
      const text = '<details><summary>Slices</summary>\n\n```\n' + 'row\n'.repeat(10_000);
      const out = truncateMarkdown(text, limit, NOTE);
      expect(out.length).toBeLessThanOrEqual(limit);
      expect(out.endsWith(NOTE)).toBe(true);
      expect(out).toContain('```\n\n</details>');
    }
  });

  it('returns short text unchanged', () => {
    expect(truncateMarkdown('short', 100, NOTE)).toBe('short');
  });

  it('gives as much of the note as fits when nothing else does', () => {
    expect(truncateMarkdown('x'.repeat(100), 10, NOTE).length).toBeLessThanOrEqual(10);
  });
});

describe('fitMarkdown and composeBody', () => {
  it('passes the budget to the renderer and keeps a fitting result as is', () => {
    const seen: number[] = [];
    const fit = fitMarkdown((max) => (seen.push(max), 'x'.repeat(Math.min(max, 10))), 50, NOTE);
    expect(seen).toEqual([50]);
    expect(fit).toEqual({ text: 'x'.repeat(10), truncated: false });
  });

  it('puts the marker first and the links last, within the limit', () => {
    const body = composeBody({
      marker: '<!-- m -->',
      render: (max) => 'y'.repeat(max + 500),
      runUrl: 'https://example.test/run (1)',
      artifactUrl: 'https://example.test/a',
      limit: 2000,
    });
    expect(body.truncated).toBe(true);
    expect(body.text.length).toBeLessThanOrEqual(2000);
    expect(body.text.startsWith('<!-- m -->\n')).toBe(true);
    expect(body.text).toContain('[workflow run](https://example.test/run%20%281%29)');
    expect(body.text.endsWith('[full report (artifact)](https://example.test/a)</sub>')).toBe(true);
  });
});
