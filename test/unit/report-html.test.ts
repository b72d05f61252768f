/**
 * The pure HTML renderer on the hand-written sample report (numbers worked out in
 * test/support/sample-report.ts): the page prints report.json's numbers, escapes every
 * untrusted string, places chart marks where the numbers say, and caps lists with counts.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { exampleInSlice, groupBySlice } from '../../src/report/html/examples.js';
import { mostConfused } from '../../src/report/html/confusion.js';
import { renderHtmlReport, SECTIONS } from '../../src/report/html/index.js';
import { chartRows } from '../../src/report/html/slices.js';
import { intervalChart, linear, niceTicks } from '../../src/report/html/svg.js';
import { SCRIPT } from '../../src/report/html/script.js';
import { thumbnail } from '../../src/report/html/thumbs.js';
import { classificationTask } from '../../src/tasks/classification/index.js';
import { sampleReport } from '../support/sample-report.js';

const render = (report = sampleReport(), extra = {}) =>
  renderHtmlReport(report, { images: new Map(), ...extra }, { confidence: 0.95 });

/** Text of the cells of the summary table's row for `metric`. */
function summaryRow(html: string, metric: string): string[] {
  const row = new RegExp(`<tr><th scope="row">${metric}</th>(.*?)</tr>`).exec(html)![1]!;
  return [...row.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ''));
}

describe('report.html renderer', () => {
  it('prints the report.json numbers: 83.3% → 75.0%, −8.3 pp [−25.0, 8.3]', () => {
    // Hand-worked in sample-report.ts: baseline 10/12, candidate 9/12, interval [−0.25, 0.0833].
    expect(summaryRow(render(), 'accuracy')).toEqual(['83.3%', '75.0%', '−8.3 pp', '[−25.0, 8.3]']);
    expect(summaryRow(render(), 'ece')).toEqual(['0.0400', '0.0500', '+0.0100', '']);
  });

  it('has every section and one script, allowed by its hash in the CSP', () => {
    const html = render();
    for (const [id] of SECTIONS) expect(html).toContain(`<section id="${id}"`);
    expect(html.match(/<script>/g)).toHaveLength(1);
    const hash = createHash('sha256').update(SCRIPT).digest('base64');
    expect(html).toContain(`script-src 'sha256-${hash}'`);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('escapes every untrusted string', () => {
    const evil = `<img src=x onerror=alert(1)>"'&`;
    const r = sampleReport();
    r.name = evil;
    r.dataset.classes = [evil, 'dog', 'bird'];
    r.slices[0]!.key = evil;
    r.gates[0]!.reason = evil;
    r.notices = [evil];
    r.examples.newlyFailing[0]!.id = evil;
    r.examples.newlyFailing[0]!.metadata = { [evil]: evil };
    r.pinned[0]!.id = evil;
    const html = render(r);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
  });

  it('groups a failing example under the slice its metadata puts it in', () => {
    const r = sampleReport();
    const e = r.examples.newlyFailing[0]!;
    expect(exampleInSlice(e, r.slices[0]!)).toBe(true); // lighting=dim
    expect(exampleInSlice(e, r.slices[1]!)).toBe(false); // lighting=day
    expect(exampleInSlice(e, r.slices[2]!)).toBeUndefined(); // brightness is no metadata
    const groups = groupBySlice([e], r.slices, 'accuracy');
    expect(groups.map((g) => g.slice?.key)).toEqual(['lighting=dim']);
    expect(render(r)).toMatch(
      /<summary><span class="pill new">new<\/span> <span class="slice">lighting=dim<\/span>/,
    );
  });

  it('orders the delta chart worst first and marks only significant drops as worse', () => {
    const r = sampleReport();
    const rows = chartRows(r.slices, 'accuracy', classificationTask.presentation);
    expect(rows.map((x) => [x.label, x.value])).toEqual([
      ['brightness=q1 & lighting=dim', -1 / 3],
      ['lighting=dim', -0.25],
      ['lighting=day', 0],
    ]);
    expect(rows.every((x) => !x.worse)).toBe(true); // pAdjusted 1: nothing significant
    r.slices[0]!.stats!.significant = true;
    expect(
      chartRows(r.slices, 'accuracy', classificationTask.presentation).find(
        (x) => x.label === 'lighting=dim',
      )!.worse,
    ).toBe(true);
  });

  it('places chart marks at the numbers: nice ticks, zero line, point and interval ends', () => {
    expect(niceTicks(-0.27, 0.09, 6)).toEqual([-0.25, -0.2, -0.15, -0.1, -0.05, 0, 0.05]);
    expect(niceTicks(0, 1, 4)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    // The three cases above and below are what d3-array's ticks() returns for the same arguments.
    expect(niceTicks(-0.417, 0.05, 6)).toEqual([-0.4, -0.3, -0.2, -0.1, 0]);
    expect(linear(0, 10, 100, 200)(2.5)).toBe(125);
    const svg = intervalChart(
      [{ label: 'a', value: -0.5, lower: -1, upper: 0, worse: true, title: 't' }],
      { format: String, axisLabel: 'x' },
    );
    // Domain [−1, 0] padded by 5% each side onto [340, 1088]: x(v) = 340 + (v + 1.05) · 748 / 1.1.
    const x = (v: number) => Math.round((340 + ((v + 1.05) * 748) / 1.1) * 100) / 100;
    expect(svg).toContain(`<circle class="pt" cx="${x(-0.5)}"`);
    expect(svg).toContain(`<line class="ci" x1="${x(-1)}" x2="${x(0)}"`);
    expect(svg).toContain(`<line class="grid zero" x1="${x(0)}"`);
  });

  it('picks the most confused classes when there are too many to show', () => {
    const m = [
      [5, 0, 0, 0],
      [0, 5, 3, 0],
      [0, 1, 5, 0],
      [1, 0, 0, 5],
    ];
    // Off-diagonal mass per class (row + column): 0 → 1, 1 → 4, 2 → 4, 3 → 1.
    expect(mostConfused([m], 2)).toEqual([1, 2]);
    expect(mostConfused([m], 9)).toEqual([0, 1, 2, 3]);
  });

  it('draws detection boxes over a thumbnail, newly missed ones marked', () => {
    const html = thumbnail({ src: 'data:image/webp;base64,AA==', width: 96, height: 64 }, 'x', [
      { x: 0.1, y: 0.2, w: 0.3, h: 0.4, kind: 'truth', label: '<person>' },
      { x: 0.5, y: 0.5, w: 0.2, h: 0.2, kind: 'missed' },
    ]);
    expect(html).toContain('<rect class="box truth" x="0.1" y="0.2" width="0.3" height="0.4"');
    expect(html).toContain('<rect class="box missed"');
    expect(html).toContain('<title>&lt;person&gt;</title>');
  });

  it('shows the stored history when there is one, and says where it comes from when not', () => {
    expect(render()).toContain('No stored history');
    const html = render(sampleReport(), {
      history: [
        { sha: 'a'.repeat(40), storedAt: '2026-01-01T00:00:00Z', metrics: { accuracy: 0.8 } },
      ],
    });
    expect(html).toContain('1 stored run(s) of this branch, then this run.');
    expect(html).toContain('<td class="num">80.0%</td>');
  });
});
