/**
 * The failing images: newly failing examples as thumbnails, grouped under the slice they belong
 * to (worst slice first), and the pinned cases.
 */
import type { SliceReport } from '../../suites/regression/schema.js';
import type { Report } from '../schema.js';
import { escapeHtmlText as esc, escapeShort } from './escape.js';
import { deltaHtml, type MetricStyle } from './format.js';
import { pill } from './summary.js';
import { boxLegend, card } from './thumbs.js';
import type { HtmlAssets, HtmlLimits } from './types.js';
import { metadataText } from '../../text/metadata.js';

/** One newly failing example as the task that ran reports it. */
type ExampleChange = Report['examples']['newlyFailing'][number];
/** A detection image with newly missed objects or new false positives. */
type DetectionChange = Extract<ExampleChange, { newlyMissed: unknown }>;
/** A classification example the candidate newly gets wrong. */
type ClassChange = Exclude<ExampleChange, DetectionChange>;

/**
 * Whether an example is in a slice, decided from the slice's predicates and the example's
 * label and metadata. Discovered slices on image properties (brightness=[a, b)) cannot be
 * decided from metadata: undefined.
 */
export function exampleInSlice(e: ExampleChange, s: SliceReport): boolean | undefined {
  for (const p of s.predicates) {
    const v =
      s.kind === 'class' && p.column === 'class'
        ? 'label' in e
          ? e.label
          : undefined
        : e.metadata[p.column];
    if (v === undefined) return undefined;
    if (v !== p.value) return false;
  }
  return true;
}

/** Groups of examples: each example under the first (worst) slice that holds it, the rest last. */
export function groupBySlice(
  examples: readonly ExampleChange[],
  slices: readonly SliceReport[],
  metric: string,
): { slice?: SliceReport; examples: ExampleChange[] }[] {
  // Declared single-column slices read best ("lighting=dim"), then crossings, then discovered
  // ones; within a kind, newly failing first, then the largest drop.
  const order = { column: 0, crossing: 1, discovered: 2, class: 3 } as const;
  const ranked = slices
    .filter((s) => s.kind !== 'class' && s.delta?.[metric] != null)
    .sort(
      (a, b) =>
        Number(b.newlyFailing) - Number(a.newlyFailing) ||
        order[a.kind] - order[b.kind] ||
        a.delta![metric]! - b.delta![metric]! ||
        a.key.localeCompare(b.key),
    );
  const groups = new Map<SliceReport | undefined, ExampleChange[]>();
  for (const e of examples) {
    const home = ranked.find((s) => exampleInSlice(e, s) === true);
    const list = groups.get(home) ?? [];
    list.push(e);
    groups.set(home, list);
  }
  const out: { slice?: SliceReport; examples: ExampleChange[] }[] = ranked
    .filter((s) => groups.has(s))
    .map((s) => ({ slice: s, examples: groups.get(s)! }));
  if (groups.has(undefined)) out.push({ examples: groups.get(undefined)! });
  return out;
}

function exampleCard(e: ExampleChange, assets: HtmlAssets): string {
  return 'newlyMissed' in e ? detectionCard(e, assets) : classCard(e, assets);
}

/** A detection image: how many objects it newly misses and newly invents, and of which classes. */
function detectionCard(e: DetectionChange, assets: HtmlAssets): string {
  const meta = metadataText(e.metadata);
  const classes = (list: readonly { class: string }[]) =>
    escapeShort([...new Set(list.map((o) => o.class))].join(', '), 40);
  return card(
    assets.images.get(e.id),
    `${e.id}: ${e.newlyMissed.length} newly missed, ${e.newFalsePositives.length} new false positives`,
    [
      `<span class="id">${escapeShort(e.id, 40)}</span>`,
      `newly missed: <b class="bad">${e.newlyMissed.length}</b>${e.newlyMissed.length > 0 ? ` (${classes(e.newlyMissed)})` : ''}`,
      `new false positives: <b>${e.newFalsePositives.length}</b>${e.newFalsePositives.length > 0 ? ` (${classes(e.newFalsePositives)})` : ''}`,
      ...(meta ? [`<span class="muted" title="${esc(meta)}">${escapeShort(meta, 48)}</span>`] : []),
    ],
    { boxes: assets.boxes?.get(e.id) ?? [] },
  );
}

function classCard(e: ClassChange, assets: HtmlAssets): string {
  const meta = metadataText(e.metadata);
  return card(
    assets.images.get(e.id),
    `${e.id}: ${e.label}, predicted ${e.candidatePred}`,
    [
      `<span class="id">${escapeShort(e.id, 40)}</span>`,
      `true: <b>${escapeShort(e.label, 32)}</b>`,
      `baseline: ${escapeShort(e.baselinePred, 32)}`,
      `candidate: <b class="bad">${escapeShort(e.candidatePred, 32)}</b> (${(e.candidateConf * 100).toFixed(0)}%)`,
      ...(meta ? [`<span class="muted" title="${esc(meta)}">${escapeShort(meta, 48)}</span>`] : []),
    ],
    { boxes: assets.boxes?.get(e.id) ?? [] },
  );
}

/** The failing-images section. */
export function renderExamples(
  report: Report,
  assets: HtmlAssets,
  metric: string,
  style: MetricStyle,
  limits: HtmlLimits,
): string {
  const ex = report.examples;
  const out: string[] = [
    '<section id="examples" aria-labelledby="h-examples"><h2 id="h-examples">Failing images</h2>',
  ];
  if (report.comparison.baseline === 'none') {
    out.push('<p>No baseline: nothing can be newly failing. Pinned cases are below.</p>');
  } else {
    out.push(
      `<p>${ex.counts.newlyFailing} newly failing (right on the baseline, wrong on the candidate), ${ex.counts.newlyFixed} newly fixed, ${ex.counts.bothWrong} wrong on both. Grouped under the first newly failing slice each belongs to (declared slices before discovered ones, larger drops first); most confident mistakes first.</p>`,
    );
    const shown = ex.newlyFailing.slice(0, limits.failingImages);
    const legend = boxLegend(
      shown.map((e) => assets.boxes?.get(e.id) ?? []),
      {
        truth: 'ground truth',
        matched: 'detected by the candidate (matched)',
        missed: 'newly missed object',
        prediction: 'new false positive',
      },
    );
    if (legend) out.push(legend);
    for (const g of groupBySlice(shown, report.slices, metric)) {
      const title = g.slice
        ? `${g.slice.newlyFailing ? pill('new') + ' ' : ''}<span class="slice">${escapeShort(g.slice.key, 100)}</span> · Δ ${deltaHtml(metric, g.slice.delta?.[metric], style)} · ${g.examples.length} image${g.examples.length === 1 ? '' : 's'}`
        : `In no slice shown above · ${g.examples.length} image${g.examples.length === 1 ? '' : 's'}`;
      out.push(
        `<details class="group" open><summary>${title}</summary><div class="cards">${g.examples.map((e) => exampleCard(e, assets)).join('')}</div></details>`,
      );
    }
    if (ex.counts.newlyFailing > shown.length)
      out.push(
        `<p class="more">${ex.counts.newlyFailing - shown.length} more newly failing example(s) not shown (report.json lists ${ex.newlyFailing.length}; records.jsonl has every prediction).</p>`,
      );
  }
  const pinned = report.pinned;
  if (pinned.length > 0) {
    const bad = pinned.filter((p) => p.status !== 'pass').length;
    const shown = [...pinned]
      .sort((a, b) => Number(a.status === 'pass') - Number(b.status === 'pass'))
      .slice(0, limits.failingImages);
    out.push(
      `<h3 id="pinned">Pinned cases: ${bad} of ${pinned.length} not passing</h3>${boxLegend(
        shown.map((p) => assets.pinnedBoxes?.get(p.id) ?? []),
        { matched: 'detected by the candidate (matched)', missed: 'missed object' },
      )}<div class="cards">`,
      ...shown.map((p) =>
        card(
          assets.images.get(p.id),
          'label' in p ? `${p.id}: ${p.label ?? ''}` : p.id,
          [
            `<span class="id">${escapeShort(p.id, 40)}</span> ${pill(p.status)}`,
            ...('objects' in p || 'missed' in p
              ? [`objects: <b>${p.objects ?? '–'}</b>`, `missed: ${p.missed ?? '–'}`]
              : 'label' in p || 'pred' in p
                ? [
                    `true: <b>${escapeShort(p.label ?? '–', 32)}</b>`,
                    `predicted: ${escapeShort(p.pred ?? '–', 32)}`,
                  ]
                : []),
          ],
          { cls: p.status, boxes: assets.pinnedBoxes?.get(p.id) ?? [] },
        ),
      ),
      '</div>',
    );
    if (pinned.length > shown.length)
      out.push(`<p class="more">${pinned.length - shown.length} more pinned cases not shown.</p>`);
  }
  out.push('</section>');
  return out.join('\n');
}
