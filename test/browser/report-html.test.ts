/// <reference lib="dom" />
/**
 * report.html in a real headless Chromium (see test/support/browser.ts): the example's page,
 * made by the engine from a real run of examples/fashion, opened from file:// with every network
 * request recorded; and a hostile report whose strings try to inject markup and script.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { htmlOptions } from '../../src/engine/html-report.js';
import { markdownOptions, writeOutputs } from '../../src/engine/output.js';
import { loadConfig } from '../../src/config/load.js';
import { runEvaluation, runFromConfigFile } from '../../src/engine/run.js';
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

/** Drawn boxes of one card, read from the DOM. */
interface DrawnCard {
  id: string;
  failing: boolean;
  caption: string;
  boxes: { kind: string; x: number; y: number; w: number; h: number; label: string }[];
  /** Rendered rectangles relative to the thumbnail, as fractions of its rendered size. */
  rendered: { x: number; y: number; w: number; h: number }[];
}

/** The example's ground truth, independently of the code: COCO [x, y, w, h] → image fractions. */
interface TruthBox {
  class: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

describe('report.html of the detection example in headless Chromium', () => {
  let detectionHtml: string | undefined;
  let detectionDir: string;
  /** Pinned: the first 40 images of the example, so some fail (the candidate misses objects). */
  let pinnedIds: string[];
  beforeAll(async () => {
    if (!browser) return;
    const coco = JSON.parse(
      await readFile(path.join(repoRoot, 'examples/detection/data/annotations.json'), 'utf8'),
    ) as { images: { id: number }[] };
    pinnedIds = coco.images.slice(0, 40).map((i) => String(i.id));
    const loaded = await loadConfig(path.join(repoRoot, 'examples/detection/visiongate.yml'));
    loaded.config.pinned = { ...loaded.config.pinned, ids: pinnedIds };
    const result = await runEvaluation(loaded, {});
    detectionDir = path.join(tmp, 'detection');
    const written = await writeOutputs(
      detectionDir,
      result.report,
      result.records,
      result.examples,
      result.images,
      markdownOptions(result.loaded.config),
      htmlOptions(result.loaded),
    );
    detectionHtml = written.html!;
  }, 300_000);

  /** The cards `selector` picks, with their ids and drawn boxes. */
  async function drawnCards(page: Page, selector: string): Promise<DrawnCard[]> {
    return page.$$eval(selector, (figs) =>
      figs.map((f) => {
        const img = f.querySelector('img')!.getBoundingClientRect();
        const rects = Array.from(f.querySelectorAll('rect.box'));
        return {
          id: f.querySelector('.id')?.textContent ?? '',
          failing: f.classList.contains('fail'),
          caption: f.querySelector('figcaption')?.textContent ?? '',
          boxes: rects.map((r) => ({
            kind: Array.from(r.classList).find((c) => c !== 'box') ?? '',
            x: Number(r.getAttribute('x')),
            y: Number(r.getAttribute('y')),
            w: Number(r.getAttribute('width')),
            h: Number(r.getAttribute('height')),
            label: r.querySelector('title')?.textContent ?? '',
          })),
          rendered: rects.map((r) => {
            const b = r.getBoundingClientRect();
            return {
              x: (b.left - img.left) / img.width,
              y: (b.top - img.top) / img.height,
              w: b.width / img.width,
              h: b.height / img.height,
            };
          }),
        };
      }),
    );
  }

  /** Ground truth of the example by image id, from annotations.json (not from the code). */
  async function groundTruth(): Promise<Map<string, TruthBox[]>> {
    const coco = JSON.parse(
      await readFile(path.join(repoRoot, 'examples/detection/data/annotations.json'), 'utf8'),
    ) as {
      images: { id: number; width: number; height: number }[];
      annotations: { image_id: number; category_id: number; bbox: number[]; iscrowd: number }[];
      categories: { id: number; name: string }[];
    };
    const names = new Map(coco.categories.map((c) => [c.id, c.name]));
    const size = new Map(coco.images.map((i) => [i.id, i]));
    const out = new Map<string, TruthBox[]>();
    for (const a of coco.annotations) {
      if (a.iscrowd) continue;
      const im = size.get(a.image_id)!;
      const [x = 0, y = 0, w = 0, h = 0] = a.bbox;
      const list = out.get(String(a.image_id)) ?? [];
      list.push({
        class: names.get(a.category_id)!,
        x: x / im.width,
        y: y / im.height,
        w: w / im.width,
        h: h / im.height,
      });
      out.set(String(a.image_id), list);
    }
    return out;
  }

  /** The candidate's clean detections by image id, from records.jsonl, as image fractions. */
  async function candidateDetections(
    classes: readonly string[],
  ): Promise<Map<string, (TruthBox & { score: number })[]>> {
    const coco = JSON.parse(
      await readFile(path.join(repoRoot, 'examples/detection/data/annotations.json'), 'utf8'),
    ) as { images: { id: number; width: number; height: number }[] };
    const size = new Map(coco.images.map((i) => [String(i.id), i]));
    const out = new Map<string, (TruthBox & { score: number })[]>();
    const lines = (await readFile(path.join(detectionDir, 'records.jsonl'), 'utf8')).split('\n');
    for (const line of lines) {
      if (!line) continue;
      const r = JSON.parse(line) as {
        id: string;
        model: string;
        variant: string;
        boxes: number[];
        scores: number[];
        classes: number[];
      };
      if (r.model !== 'candidate' || r.variant !== 'clean') continue;
      const im = size.get(r.id)!;
      out.set(
        r.id,
        r.scores.map((score, k) => {
          const [x1, y1, x2, y2] = r.boxes.slice(4 * k, 4 * k + 4) as [
            number,
            number,
            number,
            number,
          ];
          return {
            class: classes[r.classes[k]!]!,
            score,
            x: x1 / im.width,
            y: y1 / im.height,
            w: (x2 - x1) / im.width,
            h: (y2 - y1) / im.height,
          };
        }),
      );
    }
    return out;
  }

  const near = (a: { x: number; y: number; w: number; h: number }, b: typeof a, tol = 1e-4) =>
    Math.abs(a.x - b.x) < tol &&
    Math.abs(a.y - b.y) < tol &&
    Math.abs(a.w - b.w) < tol &&
    Math.abs(a.h - b.h) < tol;
  const iou = (a: { x: number; y: number; w: number; h: number }, b: typeof a) => {
    const iw = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
    const ih = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
    const inter = iw * ih;
    return inter / (a.w * a.h + b.w * b.h - inter);
  };

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

  it_(
    'draws every ground-truth object, the matched detections, newly missed objects and new false positives where they are, with a legend',
    async () => {
      const { page } = await open(detectionHtml!);
      const legend = await page.$$eval('#examples ul.legend:first-of-type li', (lis) =>
        lis.map((li) => [li.dataset.kind, li.textContent]),
      );
      expect(legend).toEqual([
        ['truth', 'ground truth'],
        ['matched', 'detected by the candidate (matched)'],
        ['missed', 'newly missed object'],
        ['prediction', 'new false positive'],
      ]);
      const report = JSON.parse(await readFile(path.join(detectionDir, 'report.json'), 'utf8')) as {
        dataset: { classes: string[] };
        examples: { newlyFailing: { id: string }[] };
      };
      const failingIds = new Set(report.examples.newlyFailing.map((e) => e.id));
      const truth = await groundTruth();
      const dets = await candidateDetections(report.dataset.classes);
      const cards = await drawnCards(page, '#examples details.group figure.card');
      expect(cards.every((c) => failingIds.has(c.id))).toBe(true);
      expect(cards.length).toBeGreaterThan(0);
      let matchedSeen = 0;
      for (const c of cards) {
        const gt = truth.get(c.id) ?? [];
        const of = (kind: string) => c.boxes.filter((b) => b.kind === kind);
        // Ground truth: exactly the image's objects, each once.
        const drawnTruth = of('truth');
        expect(drawnTruth.length, c.id).toBe(gt.length);
        for (const g of gt)
          expect(drawnTruth.filter((b) => near(b, g) && b.label === g.class).length, c.id).toBe(1);
        // Newly missed: objects of the image.
        for (const m of of('missed'))
          expect(
            gt.some((g) => near(m, g) && g.class === m.label),
            c.id,
          ).toBe(true);
        // Matched: a candidate detection above the working threshold, IoU ≥ 0.5 with an object
        // of its class that it is not drawn as newly missing.
        const mine = dets.get(c.id) ?? [];
        for (const m of of('matched')) {
          matchedSeen++;
          const d = mine.find((x) => near(m, x) && m.label === `${x.class} ${x.score.toFixed(2)}`);
          expect(d, `${c.id} ${m.label}`).toBeDefined();
          expect(d!.score).toBeGreaterThanOrEqual(0.25);
          expect(gt.some((g) => g.class === d!.class && iou(g, d!) >= 0.5)).toBe(true);
        }
        expect(of('matched').length + of('missed').length).toBeLessThanOrEqual(gt.length);
        // Drawn where the attributes say, over the thumbnail (within a CSS pixel of 96).
        c.boxes.forEach((b, k) => {
          const r = c.rendered[k]!;
          for (const [u, v] of [
            [r.x, b.x],
            [r.y, b.y],
            [r.w, b.w],
            [r.h, b.h],
          ] as const)
            expect(Math.abs(u - v)).toBeLessThan(2 / 96);
        });
      }
      expect(matchedSeen).toBeGreaterThan(0);
      await page.close();
    },
  );

  it_('draws a failing pinned image with its missed objects', async () => {
    const { page } = await open(detectionHtml!);
    const truth = await groundTruth();
    const pinned = await drawnCards(page, '#examples figure.card.fail');
    expect(pinned.length).toBeGreaterThan(0);
    for (const c of pinned) {
      expect(pinnedIds).toContain(c.id);
      const missed = c.boxes.filter((b) => b.kind === 'missed');
      // As many missed boxes as the caption counts, each an object of the image.
      expect(c.caption).toContain(`missed: ${missed.length}`);
      expect(missed.length).toBeGreaterThan(0);
      const gt = truth.get(c.id) ?? [];
      for (const m of missed) expect(gt.some((g) => near(m, g) && g.class === m.label)).toBe(true);
      const found = c.boxes.filter((b) => b.kind === 'matched').length;
      expect(c.caption).toContain(`objects: ${gt.length}`);
      expect(found + missed.length).toBe(gt.length);
    }
    expect(
      await page.$$eval('#pinned + ul.legend li', (lis) => lis.map((li) => li.dataset.kind)),
    ).toEqual(['matched', 'missed']);
    await page.close();
  });
});
