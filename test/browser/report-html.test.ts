/// <reference lib="dom" />
/**
 * report.html in a real headless Chromium (see test/support/browser.ts): the example's page,
 * made by the engine from a real run of examples/fashion, opened from file:// with every network
 * request recorded; and a hostile report whose strings try to inject markup and script.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { htmlOptions } from '../../src/engine/html-report.js';
import { markdownOptions, writeOutputs } from '../../src/engine/output.js';
import { runFromConfigFile } from '../../src/engine/run.js';
import { renderHtmlReport, SECTIONS } from '../../src/report/html/index.js';
import { launchChromium } from '../support/browser.js';
import { sampleReport } from '../support/sample-report.js';
import { repoRoot } from '../support/action-runner.js';

let browser: Browser | undefined;
let unavailable: string | undefined;
let tmp: string;
let exampleHtml: string;

beforeAll(async () => {
  ({ browser, unavailable } = await launchChromium());
  if (!browser) {
    // Visible in the test output: the browser tests are skipped, not silently passed.
    console.warn(
      `\n*** report.html browser tests SKIPPED: no runnable Chromium (${unavailable}) ***\n`,
    );
    return;
  }
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vg-html-'));
  const result = await runFromConfigFile(path.join(repoRoot, 'examples/fashion/visiongate.yml'));
  const written = await writeOutputs(
    tmp,
    result.report,
    result.records,
    result.examples,
    result.images,
    markdownOptions(result.loaded.config),
    htmlOptions(result.loaded),
  );
  exampleHtml = written.html!;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

interface Opened {
  page: Page;
  /** Requests for anything but the page file itself and inline data: URIs. */
  network: string[];
  consoleErrors: string[];
  dialogs: string[];
}

async function open(file: string, width = 1280): Promise<Opened> {
  const page = await browser!.newPage();
  await page.setViewport({ width, height: 800 });
  const opened: Opened = { page, network: [], consoleErrors: [], dialogs: [] };
  const self = `file://${file}`;
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    const url = req.url();
    if (url !== self && !url.startsWith('data:')) {
      opened.network.push(url);
      void req.abort();
    } else void req.continue();
  });
  page.on('console', (m) => {
    if (m.type() === 'error') opened.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => opened.consoleErrors.push(String(e)));
  page.on('dialog', (d) => {
    opened.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(self, { waitUntil: 'load' });
  return opened;
}

const it_ = (name: string, fn: () => Promise<void>) =>
  it(name, async (ctx) => {
    if (!browser) ctx.skip();
    await fn();
  });

describe('report.html of the example in headless Chromium', () => {
  it_('opens from file:// with no console errors and no network request', async () => {
    const { page, network, consoleErrors } = await open(exampleHtml);
    expect(consoleErrors).toEqual([]);
    expect(network).toEqual([]);
    await page.close();
  });

  it_('has every section, and the lighting=dim images that broke', async () => {
    const { page } = await open(exampleHtml);
    for (const [id] of SECTIONS) expect(await page.$(`section#${id}`), id).not.toBeNull();
    const groups = await page.$$eval('#examples details.group summary', (els) =>
      els.map((e) => e.textContent ?? ''),
    );
    expect(groups[0]).toMatch(/^new lighting=dim · Δ −\d+\.\d pp · \d+ images?$/i);
    const dimCards = await page.$$eval(
      '#examples details.group:first-of-type figure.card img',
      (imgs) => imgs.length,
    );
    expect(dimCards).toBeGreaterThan(0);
    // The slice chart and one robustness panel per corruption (15 benchmark corruptions).
    expect(await page.$$eval('#slices svg.chart .row', (r) => r.length)).toBeGreaterThan(10);
    expect(await page.$$eval('#robustness svg.panel', (p) => p.length)).toBe(15);
    expect(await page.$$eval('#robustness table.strip img', (p) => p.length)).toBe(15 * 6);
    await page.close();
  });

  it_('decodes every thumbnail', async () => {
    const { page } = await open(exampleHtml);
    const sizes = await page.$$eval('img', (imgs) =>
      imgs.map((i) => ({ w: i.naturalWidth, complete: i.complete })),
    );
    expect(sizes.length).toBeGreaterThan(100);
    expect(sizes.filter((s) => !s.complete || s.w === 0)).toEqual([]);
    await page.close();
  });

  it_('sorts the slice table by a clicked header, and by keyboard', async () => {
    const { page } = await open(exampleHtml);
    const column = (i: number) =>
      page.$$eval(
        '#slice-table tbody tr',
        (rows, col) => rows.map((r) => r.cells[col]!.dataset.v!),
        i,
      );
    const ns = async () => (await column(3)).map(Number);
    const before = await ns();
    const sortedAsc = [...before].sort((a, b) => a - b);
    expect(before).not.toEqual(sortedAsc); // report order is not by n: the click must do it
    await page.click('#slice-table thead button[data-col="3"]');
    expect(await ns()).toEqual(sortedAsc);
    expect(
      await page.$eval('#slice-table thead th:nth-child(4)', (th) => th.getAttribute('aria-sort')),
    ).toBe('ascending');
    await page.click('#slice-table thead button[data-col="3"]');
    expect(await ns()).toEqual([...sortedAsc].reverse());
    // Keyboard: focus the Δ header button and press Enter: sorted by delta, worst first.
    await page.focus('#slice-table thead button[data-col="6"]');
    await page.keyboard.press('Enter');
    const deltas = (await column(6)).filter((v) => v !== '').map(Number);
    expect(deltas).toEqual([...deltas].sort((a, b) => a - b));
    await page.close();
  });

  it_('filters the slice table by text', async () => {
    const { page } = await open(exampleHtml);
    await page.type('#slice-filter', 'lighting=dim');
    const visible = await page.$$eval('#slice-table tbody tr', (rows) =>
      rows.filter((r) => !(r as HTMLElement).hidden).map((r) => r.children[1]!.textContent),
    );
    expect(visible.length).toBeGreaterThan(0);
    expect(visible.every((t) => t.includes('lighting=dim'))).toBe(true);
    await page.close();
  });

  it_('renders a non-blank screenshot at desktop width, in light and dark mode', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const { page } = await open(exampleHtml);
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      const png = await page.screenshot({ type: 'png' });
      const { channels } = await sharp(png).stats();
      // A blank page has one colour: standard deviation 0 in every channel.
      expect(Math.max(...channels.map((c) => c.stdev))).toBeGreaterThan(20);
      const bg = await page.$eval('body', (b) => getComputedStyle(b).backgroundColor);
      expect(bg).toBe(scheme === 'dark' ? 'rgb(13, 17, 23)' : 'rgb(255, 255, 255)');
      await page.close();
    }
  });
});

describe('report.html with hostile strings', () => {
  const XSS = '<img src=x onerror=alert(1)>';
  it_(
    'renders ids, class names, metadata and paths as text and runs no injected script',
    async () => {
      const report = sampleReport();
      report.name = `</title><script>alert('name')</script>`;
      report.dataset.classes[0] = XSS;
      report.slices[0]!.key = `lighting=<svg onload=alert(2)>`;
      report.examples.newlyFailing = [
        {
          id: `"><script>alert(3)</script>`,
          path: 'a.png',
          label: XSS,
          baselinePred: XSS,
          candidatePred: `<iframe src="https://example.com">`,
          candidateConf: 0.9,
          metadata: { lighting: `' onmouseover='alert(4)` },
        },
      ];
      report.examples.counts.newlyFailing = 1;
      const file = path.join(tmp ?? os.tmpdir(), 'hostile.html');
      await writeFile(file, renderHtmlReport(report, { images: new Map() }, { confidence: 0.95 }));
      const { page, dialogs, network, consoleErrors } = await open(file);
      await page.hover('#examples figure.card');
      expect(dialogs).toEqual([]);
      expect(network).toEqual([]);
      expect(consoleErrors).toEqual([]);
      expect(await page.$$('img[src="x"], iframe, svg[onload], script:not(:last-of-type)')).toEqual(
        [],
      );
      expect(await page.$$eval('script', (s) => s.length)).toBe(1);
      const text = await page.$eval('#examples', (e) => e.textContent ?? '');
      expect(text).toContain(XSS);
      expect(text).toContain('"><script>alert(3)</script>');
      expect(await page.title()).toContain(`</title><script>alert('name')</script>`);
      await page.close();
    },
  );
});

describe('report.html of the detection example in headless Chromium', () => {
  let detectionHtml: string | undefined;
  beforeAll(async () => {
    if (!browser) return;
    const result = await runFromConfigFile(
      path.join(repoRoot, 'examples/detection/visiongate.yml'),
    );
    const dir = path.join(tmp, 'detection');
    const written = await writeOutputs(
      dir,
      result.report,
      result.records,
      result.examples,
      result.images,
      markdownOptions(result.loaded.config),
      htmlOptions(result.loaded),
    );
    detectionHtml = written.html!;
  }, 300_000);

  it_(
    'opens with no console errors or network, the mAP headline, and boxes over decoded images',
    async () => {
      const { page, network, consoleErrors } = await open(detectionHtml!);
      expect(consoleErrors).toEqual([]);
      expect(network).toEqual([]);
      expect(await page.$eval('#summary table.metrics', (t) => t.textContent ?? '')).toMatch(/map/);
      // Newly failing images carry their newly missed objects and new false positives as boxes.
      const cards = await page.$$eval('#examples figure.card', (figs) =>
        figs.map((f) => ({
          decoded: (f.querySelector('img')?.naturalWidth ?? 0) > 0,
          missed: f.querySelectorAll('rect.box.missed').length,
          predicted: f.querySelectorAll('rect.box.prediction').length,
        })),
      );
      expect(cards.length).toBeGreaterThan(0);
      expect(cards.every((c) => c.decoded)).toBe(true);
      expect(cards.some((c) => c.missed > 0)).toBe(true);
      expect(cards.some((c) => c.predicted > 0)).toBe(true);
      await page.close();
    },
  );
});
