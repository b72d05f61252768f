import { describe, expect, it } from 'vitest';
import { escapeMarkdown, escapeMarkdown as esc } from '../../src/text/escape.js';
import {
  deltaSignificant,
  formatDelta,
  formatInterval,
  formatMetric,
  renderMarkdown,
  renderMarkdownWithin,
  type MarkdownOptions,
} from '../../src/report/markdown.js';
import type { GateResult } from '../../src/gates/result.js';
import { headline } from '../../src/report/headline.js';
import type { Report } from '../../src/report/schema.js';
import type { SliceReport } from '../../src/suites/regression/schema.js';
import { classificationTask } from '../../src/tasks/classification/index.js';
import type { ExampleChange } from '../../src/tasks/classification/schema.js';

const STYLE = classificationTask.presentation;
import { sampleReport } from '../support/sample-report.js';

const FULL: MarkdownOptions = { maxSlices: 30, maxExamples: 20, details: true };

/** Strings a hostile dataset, manifest or model could carry. */
const HOSTILE = [
  '| a | b |',
  '<img src=x onerror=alert(1)>',
  '@octocat',
  'cc @org/team-name and user@example.com',
  '#1',
  'fixes #12',
  '[link](http://evil)',
  '![pic](https://evil/x.png)',
  '</details>',
  '</summary></details><details open>',
  'line1\nline2\r\n| x | y |\n\n## heading',
  '`code` ``` fence',
  '\u202Eevil\u202C and \u2066isolate\u2069',
  'zero\u200bwidth @\u200bhidden',
  'www.evil.example',
  '<!-- unclosed comment',
  '*bold* _it_ ~~strike~~ $math$',
  'back\\slash\\|pipe',
  'x'.repeat(10_000),
];

// --- reading the markdown the way GitHub will -----------------------------------------------------

/** Groups of consecutive lines that start with `|` (GFM table rows). */
function tables(md: string): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  for (const line of md.split('\n')) {
    if (line.startsWith('|')) cur.push(line);
    else if (cur.length > 0) {
      out.push(cur);
      cur = [];
    }
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** Cells of a GFM table row: a `|` not preceded by a backslash separates cells. */
function cellCount(row: string): number {
  const pipes = row.match(/(?<!\\)\|/g)?.length ?? 0;
  return pipes - 1; // a row starts and ends with a pipe
}

/** Every row of every table has exactly the header's number of cells. */
function expectTablesIntact(md: string): void {
  const ts = tables(md);
  expect(ts.length).toBeGreaterThan(0);
  for (const t of ts) {
    const header = cellCount(t[0]!);
    expect(t[1], 'second row is the delimiter row').toMatch(/^\|( *:?-+:? *\|)+$/);
    for (const row of t) expect(cellCount(row), row.slice(0, 200)).toBe(header);
  }
}

/** The text GitHub's post-processors (mentions, references, autolinks) see: escapes decoded. */
function renderedText(md: string): string {
  return md
    .replace(/\\([!-/:-@[-`{-~])/g, '$1')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** Checks that no untrusted string escaped its cell. */
function expectNoInjection(md: string, ownDetails: number): void {
  // No HTML from the data: the only tags are our own <details>/<summary>/<sub>.
  expect(md).not.toMatch(/<img/i);
  expect(md).not.toMatch(/<!--/);
  expect(md.match(/<details[ >]/g)?.length ?? 0).toBe(ownDetails);
  expect(md.match(/<\/details>/g)?.length ?? 0).toBe(ownDetails);
  expect(md.match(/<summary>/g)?.length ?? 0).toBe(ownDetails);
  expect(md.match(/<\/summary>/g)?.length ?? 0).toBe(ownDetails);
  // No markdown links, images or code spans.
  expect(md).not.toMatch(/(?<!\\)\]\(/);
  expect(md).not.toMatch(/(?<!\\)`/);
  // No bidi overrides or isolates.
  expect(md).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  // After decoding, nothing GitHub would turn into a mention, issue reference or autolink.
  const text = renderedText(md);
  expect(text).not.toMatch(/@[A-Za-z0-9]/);
  expect(text).not.toMatch(/#\d/);
  expect(text).not.toMatch(/:\/\//);
  expect(text).not.toMatch(/www\./i);
}

// --- escape --------------------------------------------------------------------------------------

describe('escapeMarkdown', () => {
  it.each([
    // [input, expected] — worked out from the rules in src/report/escape.ts:
    // entities for & < > " @ # |, a zero-width space (&#8203;) after @ and # and inside :// and
    // www., backslashes before \ ` * _ [ ] ( ) ! ~ $, whitespace runs collapsed.
    ['| a | b |', '&#124; a &#124; b &#124;'],
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert\\(1\\)&gt;'],
    ['@octocat', '&#64;&#8203;octocat'],
    ['#1', '&#35;&#8203;1'],
    ['[link](http://evil)', '\\[link\\]\\(http:&#8203;//evil\\)'],
    ['</details>', '&lt;/details&gt;'],
    ['a\nb\r\n\tc', 'a b c'],
    ['`x`', '\\`x\\`'],
    ['\u202Eevil', 'evil'],
    ['www.evil.example', 'www&#8203;.evil.example'],
    ['*b* _i_ ~s~ $m$ !', '\\*b\\* \\_i\\_ \\~s\\~ \\$m\\$ \\!'],
    ['back\\slash', 'back\\\\slash'],
    ['a&b "q"', 'a&amp;b &quot;q&quot;'],
    ['', '∅'],
    ['  \n\t ', '∅'],
    ['\u200b', '∅'],
  ])('%j → %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it('truncates to maxLength code points with an ellipsis, before escaping', () => {
    // 10 000 × "x" with the default 120: 119 x then "…" = 120 code points.
    expect(escapeMarkdown('x'.repeat(10_000))).toBe(`${'x'.repeat(119)}…`);
    expect(escapeMarkdown('abcdef', 4)).toBe('abc…');
    expect(escapeMarkdown('abcd', 4)).toBe('abcd'); // exactly maxLength: untouched
    // Code points, not UTF-16 units: an emoji is one.
    expect(escapeMarkdown('😀😀😀😀😀', 3)).toBe('😀😀…');
    // Truncated first, so a cut never lands inside an entity: 3 pipes kept → 3 whole entities.
    expect(escapeMarkdown('|||||', 4)).toBe('&#124;&#124;&#124;…');
  });

  it('no hostile string keeps a raw pipe, newline, tag start, unescaped backtick or bidi control', () => {
    for (const h of HOSTILE) {
      const e = escapeMarkdown(h);
      expect(e).not.toMatch(/[|\n\r<>\u202a-\u202e\u2066-\u2069]/);
      // Backticks only as \` (and backslashes only in pairs or before punctuation).
      expect(e.replace(/\\[\\`*_[\]()!~$]/g, '')).not.toMatch(/[`\\]/);
      expect([...e].length).toBeLessThanOrEqual(120 * 14); // each kept char ≤ 14 chars escaped
    }
  });
});

// --- rendering -----------------------------------------------------------------------------------

describe('formatting helpers', () => {
  it('rates as percentages with one decimal; ece/brier as 4 decimals; null as a dash', () => {
    expect(formatMetric('accuracy', 0.8333333, STYLE)).toBe('83.3%');
    expect(formatMetric('ece', 0.04, STYLE)).toBe('0.0400');
    expect(formatMetric('accuracy', null, STYLE)).toBe('–');
  });

  it('deltas: points for rates, bold and 🔻 only when significantly worse (direction-aware), ±0 when tiny', () => {
    // −1/12 = −8.33 pp: worse for accuracy; marked only when the test says significant.
    expect(formatDelta('accuracy', -1 / 12, STYLE, true)).toBe('**−8.3 pp** 🔻');
    expect(formatDelta('accuracy', -1 / 12, STYLE, false)).toBe('−8.3 pp');
    expect(formatDelta('accuracy', -1 / 12, STYLE)).toBe('−8.3 pp');
    expect(formatDelta('accuracy', 0.02, STYLE, true)).toBe('+2.0 pp 🔺');
    expect(formatDelta('accuracy', 0.02, STYLE)).toBe('+2.0 pp');
    // ece rising is worse.
    expect(formatDelta('ece', 0.01, STYLE, true)).toBe('**+0.0100** 🔻');
    expect(formatDelta('ece', -0.01, STYLE, true)).toBe('−0.0100 🔺');
    expect(formatDelta('accuracy', 0.00001, STYLE, true)).toBe('±0.0 pp');
    expect(formatDelta('ece', 0, STYLE)).toBe('±0');
    expect(formatDelta('accuracy', undefined, STYLE)).toBe('–');
  });

  it('significance of a delta: McNemar for the outcome metric, the interval for the others', () => {
    const stats = {
      intervals: { accuracy: { lower: -0.2, upper: 0.01 }, ece: { lower: 0.001, upper: 0.02 } },
      mcnemar: { b: 9, c: 1, p: 0.02 },
      pAdjusted: 0.03,
      significant: true,
    };
    expect(deltaSignificant(stats, 'accuracy', 'accuracy')).toBe(true);
    expect(deltaSignificant({ ...stats, significant: false }, 'accuracy', 'accuracy')).toBe(false);
    expect(deltaSignificant(stats, 'ece', 'accuracy')).toBe(true);
    expect(deltaSignificant(stats, 'brier', 'accuracy')).toBe(false);
    expect(deltaSignificant(undefined, 'accuracy', 'accuracy')).toBe(false);
  });

  it('intervals in the delta units', () => {
    expect(formatInterval('accuracy', { lower: -0.25, upper: 0.0833 }, STYLE)).toBe(
      ' [−25.0, 8.3]',
    );
    expect(formatInterval('ece', { lower: -0.001, upper: 0.002 }, STYLE)).toBe(
      ' [−0.0010, 0.0020]',
    );
    expect(formatInterval('accuracy', undefined, STYLE)).toBe('');
  });
});

describe('the comment says what it counts and compares', () => {
  it('slice tables use the slice metric, never a data-suite rule (it showed "label issue rate" and "–")', () => {
    const r = sampleReport();
    // No slice gate; the data suite's label-issue rule is the first gate not on overall.
    r.gates = [
      {
        index: -1,
        configKey: 'data.gates.maxLabelIssueRate',
        rule: 'label issue rate ≤ 0.02',
        metric: 'label issue rate',
        scope: 'data',
        target: 'labelIssues',
        kind: 'suite',
        value: 0.027,
        threshold: 0.02,
        level: 'warn',
        status: 'warn',
        reason: 'label issue rate 2.7% > 2.0%',
      },
    ];
    const md = renderMarkdown(r, FULL);
    expect(md).toContain('All slices (2) by accuracy');
    expect(md).not.toContain('by label issue rate');
    expect(md).toMatch(/\| lighting=day +\| +8 \| +87\.5% \| +87\.5% \|/);
  });

  it('gate counts are of rules, as the table lists them: one rule failing on 14 slices is one row', () => {
    const r = sampleReport();
    const template = r.gates[1]!;
    r.gates = [
      r.gates[0]!,
      ...Array.from({ length: 14 }, (_, i) => ({ ...template, target: `site=s${i}` })),
      { ...template, index: 2, rule: 'accuracy ≥ 0.9', kind: 'min' as const, target: 'overall' },
    ];
    const md = renderMarkdown(r, FULL);
    expect(md).toContain('### Gates: 2 failed, 0 warnings');
    const table = md.split('### Gates: 2 failed, 0 warnings\n\n')[1]!.split('\n\n')[0]!;
    expect(table.split('\n').filter((l) => l.startsWith('| ❌'))).toHaveLength(2);
    expect(table).toContain('14 slices');
    expect(headline(r)).toContain('2 gate rule(s) failed');
  });

  it('says which stored baseline and how it was found', () => {
    const r = sampleReport();
    r.comparison.baseline = 'stored';
    r.models.baseline = {
      role: 'baseline',
      source: 'stored',
      stored: {
        dir: 'baseline',
        commit: '1ae4760aaaaaaaaa',
        ref: 'main',
        how: 'no baseline stored for the merge base 9f8e7d6; using the newest baseline of main',
      },
    };
    const md = renderMarkdown(r, FULL);
    expect(md).toContain(
      'vs stored baseline from commit 1ae4760aaaaa (main): no baseline stored for the merge base 9f8e7d6; using the newest baseline of main ·',
    );
  });
});

describe('renderMarkdown', () => {
  it('matches the committed snapshot for the hand-built sample report', () => {
    const md = renderMarkdown(sampleReport(), FULL);
    expectTablesIntact(md);
    expect(md).toMatchSnapshot();
  });

  it('gives a rule that fails on many slices one row naming how many and the first three', () => {
    const r = sampleReport();
    const failing = r.gates.find((g) => g.status === 'fail')!;
    r.gates = ['a=1', 'b=2', 'c=3', 'd=4', 'e=5'].map((target) => ({
      ...failing,
      target,
      reason: `worse on ${target}`,
    }));
    const md = renderMarkdown(r, FULL);
    expectTablesIntact(md);
    const rows = md.split('\n').filter((l) => l.includes(esc(failing.rule)));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('| 5 slices ');
    expect(rows[0]).toContain('a=1, b=2, c=3 and 2 more; first: worse on a=1');
  });

  it('shows the verdict, the failing gate and the newly failing slice and example', () => {
    const md = renderMarkdown(sampleReport(), FULL);
    expect(md.split('\n')[0]).toBe('## ❌ VisionGate · sample: failed');
    expect(md).toContain('### Gates: 1 failed, 0 warnings');
    expect(md).toContain('### 🆕 Newly failing slices by gate (1)');
    // lighting=dim: baseline 75.0%, candidate 50.0%, Δ −25.0 pp, interval [−75.0, 0.0]
    expect(md).toMatch(
      /\| ❌ 🆕 +\| lighting=dim +\| +4 \| +75\.0% \| +50\.0% \| −25\.0 pp \[−75\.0, 0\.0\] \|/,
    );
    expect(md).toContain('### Examples: 1 newly failing, 0 newly fixed');
    expect(md).toContain('### 📌 Pinned cases: 1 of 2 not passing');
  });

  it('no baseline: a two-column headline and no delta columns', () => {
    const r = sampleReport();
    r.comparison = { baseline: 'none', paired: 0, changed: [], added: [], removed: [] };
    delete r.models.baseline;
    delete r.overall.baseline;
    delete r.overall.delta;
    delete r.overall.stats;
    const md = renderMarkdown(r, FULL);
    expect(md).toContain('vs no baseline: absolute gates only');
    expect(tables(md)[0]![0]).toMatch(/^\| Metric +\| Candidate \|$/);
    expectTablesIntact(md);
  });

  it('hostile strings everywhere cannot break a table row, inject tags, mentions or links', () => {
    const r = hostileReport(HOSTILE);
    const md = renderMarkdown(r, { ...FULL, maxSlices: 100, maxExamples: 100 });
    expectTablesIntact(md);
    // Our own <details>: discovered slices, newly failing examples, all slices, per class, notes.
    expectNoInjection(md, 5);
    // Every hostile string made it into the output in some escaped form (nothing was dropped).
    expect(md).toContain('&lt;img src=x onerror=alert\\(1\\)&gt;');
    expect(md).toContain('&#64;&#8203;octocat');
  });

  it('hostile strings do not break the layout of a slice row: one row per slice', () => {
    const r = hostileReport(HOSTILE);
    const md = renderMarkdown(r, { ...FULL, maxSlices: 100, maxExamples: 100 });
    const newlyTable = tables(md)[2]!; // headline, gates, newly failing slices
    expect(newlyTable[0]).toContain('| Slice');
    // Header + delimiter + one row per newly failing slice.
    expect(newlyTable.length).toBe(2 + r.slices.filter((s) => s.newlyFailing).length);
  });

  it('long values are truncated in cells', () => {
    const r = hostileReport(['y'.repeat(10_000)]);
    const md = renderMarkdown(r, FULL);
    // The longest cell limit in the renderer is 200 code points (gate reasons).
    for (const line of md.split('\n')) expect(line.length).toBeLessThan(2_000);
    expect(md).not.toContain('y'.repeat(201));
  });
});

describe('renderMarkdownWithin', () => {
  const big = bigReport(5000);

  it('keeps a report with 5000 slices and 5000 newly failing examples under the limit', () => {
    const limit = 8_000;
    // Precondition: the full rendering does not fit, so shrinking is really exercised.
    expect(renderMarkdown(big, FULL).length).toBeGreaterThan(limit);
    const md = renderMarkdownWithin(big, limit, FULL);
    expect(md.length).toBeLessThanOrEqual(limit);
    expectTablesIntact(md);
    expectNoInjection(md, md.match(/<details[ >]/g)?.length ?? 0);
    // The verdict line and the counts survive the cut.
    expect(md.split('\n')[0]).toBe('## ❌ VisionGate · big: failed');
    expect(md).toContain('### 🆕 Newly failing slices by gate (5000)');
  });

  it('fits GitHub’s comment limit (65536) and keeps as much detail as fits', () => {
    const md = renderMarkdownWithin(big, 65_536, FULL);
    expect(md.length).toBeLessThanOrEqual(65_536);
    // The first attempt (all options as given) fits here, so nothing was dropped.
    expect(md).toBe(renderMarkdown(big, FULL));
    expect(md).toContain('… 4970 more in the report.'); // 5000 slices, 30 shown
  });

  it('when even the smallest rendering does not fit, returns the smallest one', () => {
    const md = renderMarkdownWithin(big, 10, FULL);
    expect(md).toBe(
      renderMarkdown(big, { ...FULL, maxSlices: 3, maxExamples: 0, details: false, sections: [] }),
    );
  });
});

// --- report builders -----------------------------------------------------------------------------

function hostileReport(strings: string[]): Report {
  const r = sampleReport();
  const pick = (i: number) => strings[i % strings.length]!;
  r.dataset.classes = strings.map((s, i) => `${s}${i}`);
  r.overall.perClass = strings.slice(0, 10).map((s) => ({
    class: s,
    precision: 0.5,
    recall: 0.5,
    f1: 0.5,
    support: 3,
  }));
  r.slices = strings.map((s, i): SliceReport => ({
    key: `meta=${s}`,
    kind: i % 3 === 0 ? 'discovered' : 'column',
    predicates: [{ column: 'meta', value: s }],
    n: 40,
    gated: true,
    candidate: { accuracy: 0.5 },
    baseline: { accuracy: 0.75 },
    delta: { accuracy: -0.25 },
    paired: 40,
    ...(i % 3 === 0 ? { discovered: { target: 'errors' as const, score: 1, meanError: 0.5 } } : {}),
    status: 'fail',
    newlyFailing: true,
  }));
  r.examples.newlyFailing = strings.map((s, i): ExampleChange => ({
    id: s,
    path: `${s}.png`,
    label: pick(i + 1),
    baselinePred: pick(i + 2),
    candidatePred: pick(i + 3),
    candidateConf: 0.9,
    metadata: { [s]: pick(i + 4), safe: s },
  }));
  r.examples.counts.newlyFailing = strings.length;
  r.pinned = strings.map((s, i) => ({
    id: s,
    status: 'fail',
    label: pick(i + 1),
    pred: pick(i + 2),
  }));
  r.gates = strings.map((s, i): GateResult => ({
    index: i,
    rule: `accuracy ≥ 0.7`,
    metric: 'accuracy',
    scope: 'slices',
    target: `meta=${s}`,
    kind: 'min',
    value: 0.5,
    baseline: 0.75,
    threshold: 0.7,
    level: 'fail',
    status: 'fail',
    reason: `accuracy on meta=${s} is 0.5 (below 0.7)`,
  }));
  return r;
}

/** `n` newly failing slices and `n` newly failing examples, plus one failing gate per slice. */
function bigReport(n: number): Report {
  const r = sampleReport();
  r.name = 'big';
  const pad = (i: number) => String(i).padStart(5, '0');
  r.slices = Array.from({ length: n }, (_, i): SliceReport => ({
    key: `site=site-${pad(i)} & camera=camera-model-${pad(i)}`,
    kind: 'crossing',
    predicates: [
      { column: 'site', value: `site-${pad(i)}` },
      { column: 'camera', value: `camera-model-${pad(i)}` },
    ],
    n: 50,
    gated: true,
    candidate: { accuracy: 0.5 },
    baseline: { accuracy: 0.8 },
    delta: { accuracy: -0.3 },
    paired: 50,
    status: 'fail',
    newlyFailing: true,
  }));
  r.examples.newlyFailing = Array.from({ length: n }, (_, i): ExampleChange => ({
    id: `example-${pad(i)}`,
    path: `images/example-${pad(i)}.png`,
    label: 'cat',
    baselinePred: 'cat',
    candidatePred: 'dog',
    candidateConf: 0.99 - i / (10 * n),
    metadata: { site: `site-${pad(i)}`, camera: `camera-model-${pad(i)}` },
  }));
  r.examples.counts.newlyFailing = n;
  r.gates = r.slices.map((s, i): GateResult => ({
    index: 1,
    rule: 'accuracy ≥ 0.7',
    metric: 'accuracy',
    scope: 'slices',
    target: s.key,
    kind: 'min',
    value: 0.5,
    baseline: 0.8,
    threshold: 0.7,
    level: 'fail',
    status: i % 2 === 0 ? 'fail' : 'warn',
    reason: `accuracy on ${s.key} is 0.5 (below 0.7)`,
  }));
  return r;
}

describe('suite sections from report.json alone', () => {
  /**
   * A robustness result with an undefined accuracy (no baseline record for gaussian_noise@2, NaN
   * in memory): JSON writes it as null. 2 corruptions × 2 severities, hand-made numbers.
   */
  const withRobustness = (): Report => ({
    ...sampleReport(),
    suites: {
      robustness: {
        corruptions: ['gaussian_noise', 'fog'],
        severities: [1, 2],
        transforms: [],
        sampleSize: 10,
        table: 'cifar',
        candidate: {
          cleanAccuracy: 0.9,
          accuracy: { gaussian_noise: [0.8, 0.6], fog: [0.7, 0.5] },
          meanAccuracy: { gaussian_noise: 0.7, fog: 0.6 },
          meanError: 0.35,
          corruptedAccuracy: 0.65,
          flipRate: {},
          transformAccuracy: {},
        },
        baseline: {
          cleanAccuracy: 0.9,
          accuracy: { gaussian_noise: [0.9, NaN], fog: [0.8, 0.7] },
          meanAccuracy: { gaussian_noise: NaN, fog: 0.75 },
          meanError: NaN,
          corruptedAccuracy: NaN,
          flipRate: {},
          transformAccuracy: {},
        },
        slices: [],
        notes: [],
      },
    },
  });

  it('a comment re-rendered from the written report.json equals the one rendered in the run', () => {
    const inMemory = withRobustness();
    const reread = JSON.parse(JSON.stringify(inMemory)) as Report;
    expect(reread.suites.robustness!.baseline!.meanAccuracy.gaussian_noise).toBeNull();
    const options = { maxSlices: 30, maxExamples: 20, details: true };
    const md = renderMarkdown(inMemory, options);
    expect(md).toContain('### 🌫️ Robustness');
    // gaussian_noise has no baseline mean: its delta is unknown, not −70 pp (null read as 0).
    expect(md).toMatch(/\| gaussian\\_noise +\| – +\| 70\.0% +\| – +\|/);
    expect(renderMarkdown(reread, options)).toBe(md);
  });
});
