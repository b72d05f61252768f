/**
 * Data findings with pictures: problem boxes of a detection dataset drawn over their images,
 * suspected label errors (given vs suggested label), duplicate and
 * near-duplicate groups side by side, train/test leakage pairs, outlier and unreadable images.
 */
import type { DataSuiteResult } from '../../suites/data/index.js';
import { escapeHtmlText as esc, escapeShort } from './escape.js';
import { pct } from './format.js';
import { card } from './thumbs.js';
import type { Box, HtmlAssets, HtmlLimits } from './types.js';

const more = (total: number, shown: number, what: string) =>
  total > shown ? `<p class="more">${total - shown} more ${what} in report.json.</p>` : '';

/** The ids whose thumbnails the data section shows, eval and training, within the limits. */
export function dataImageIds(
  data: DataSuiteResult | undefined,
  limits: HtmlLimits,
): { eval: string[]; train: string[] } {
  const ev: string[] = [];
  const train: string[] = [];
  if (!data) return { eval: ev, train };
  const c = data.checks;
  if (c.labelIssues.status === 'ran')
    ev.push(...c.labelIssues.issues.slice(0, limits.findingImages).map((i) => i.id));
  if (c.boxes?.status === 'ran') ev.push(...boxProblems(c.boxes, limits).map((p) => p.id));
  if (c.duplicates.status === 'ran')
    for (const g of c.duplicates.groups.slice(0, limits.findingImages))
      ev.push(...g.ids.slice(0, 4));
  if (c.leakage.status === 'ran')
    for (const l of c.leakage.examples.slice(0, limits.findingImages)) {
      ev.push(l.id);
      if (l.trainIds[0] !== undefined) train.push(l.trainIds[0]);
    }
  if (c.imageProperties.status === 'ran')
    ev.push(
      ...outliers(data)
        .slice(0, limits.findingImages)
        .map((o) => o.id),
    );
  return { eval: [...new Set(ev)], train: [...new Set(train)] };
}

type BoxesRan = Extract<NonNullable<DataSuiteResult['checks']['boxes']>, { status: 'ran' }>;

/** The problem boxes shown, each with its image: degenerate, past the border, duplicates. */
function boxProblems(
  f: BoxesRan,
  limits: HtmlLimits,
): { id: string; path: string; what: string; cls: string; boxes: Box[] }[] {
  const scaled = (b: readonly (number | null)[], w: number | null, h: number | null): Box => {
    const W = w ?? NaN;
    const H = h ?? NaN;
    // An image of unknown size (no sizes given) cannot be drawn on: the box is left out.
    const [x1, y1, x2, y2] = b.map((v) => v ?? NaN) as [number, number, number, number];
    return { x: x1 / W, y: y1 / H, w: (x2 - x1) / W, h: (y2 - y1) / H, kind: 'missed' };
  };
  const finite = (b: Box) => [b.x, b.y, b.w, b.h].every(Number.isFinite);
  return [
    ...f.degenerate.map((d) => ({
      id: d.id,
      path: d.path,
      what: `degenerate box, object ${d.object}`,
      cls: d.class,
      boxes: [scaled(d.box, d.imageWidth, d.imageHeight)].filter(finite),
    })),
    ...f.outOfBounds.map((d) => ({
      id: d.id,
      path: d.path,
      what: `past the border, object ${d.object}`,
      cls: d.class,
      boxes: [scaled(d.box, d.imageWidth, d.imageHeight)].filter(finite),
    })),
    ...f.duplicates.map((d) => ({
      id: d.id,
      path: d.path,
      what: `duplicate: objects ${d.objects.join(' and ')}, IoU ${(d.iou ?? NaN).toFixed(2)}`,
      cls: d.class,
      boxes: d.boxes.map((b) => scaled(b, d.imageWidth, d.imageHeight)).filter(finite),
    })),
  ].slice(0, limits.findingImages);
}

/** Outlier images over every property, largest |z| first, one entry per image. */
function outliers(data: DataSuiteResult): { id: string; why: string; z: number }[] {
  const ip = data.checks.imageProperties;
  if (ip.status !== 'ran') return [];
  const byId = new Map<string, { id: string; why: string; z: number }>();
  for (const p of ip.properties)
    for (const o of p.outliers) {
      const prev = byId.get(o.id);
      const why = `${p.property} ${Number(o.value.toPrecision(4))} (median ${Number(p.median.toPrecision(4))})`;
      if (!prev) byId.set(o.id, { id: o.id, why, z: Math.abs(o.z) });
      else {
        prev.why += `; ${why}`;
        prev.z = Math.max(prev.z, Math.abs(o.z));
      }
    }
  return [...byId.values()].sort((a, b) => b.z - a.z || a.id.localeCompare(b.id));
}

/** The data section; `data` undefined when the suite did not run. */
export function renderData(
  data: DataSuiteResult | undefined,
  assets: HtmlAssets,
  limits: HtmlLimits,
): string {
  const out: string[] = [
    '<section id="data" aria-labelledby="h-data"><h2 id="h-data">Data findings</h2>',
  ];
  if (!data) {
    out.push('<p>The data suite did not run (add <code>data:</code> to the config).</p></section>');
    return out.join('\n');
  }
  const c = data.checks;
  const img = (id: string) => assets.images.get(id);
  const skipped: string[] = [];
  for (const [name, check] of Object.entries(c))
    if (check?.status === 'skipped') skipped.push(`${name}: ${check.reason}`);

  const bx = c.boxes;
  if (bx?.status === 'ran') {
    const shown = boxProblems(bx, limits);
    const problems = bx.degenerateCount + bx.outOfBoundsCount + bx.duplicateCount;
    out.push(
      `<h3>Boxes: ${bx.degenerateCount} degenerate, ${bx.outOfBoundsCount} past the border, ${bx.duplicateCount} duplicate pair(s)</h3>`,
      `<p class="muted">${bx.objectCount} objects in ${bx.imageCount} images; ${pct(bx.tinyShare)} tiny (area &lt; ${Math.sqrt(bx.tinyArea ?? NaN)}²); per class: ${bx.classes
        .slice(0, 20)
        .map((k) => `${escapeShort(k.class, 32)} ${k.objects}`)
        .join(', ')}${bx.classes.length > 20 ? ', …' : ''}.</p>`,
    );
    if (shown.length > 0)
      out.push(
        `<div class="cards">${shown
          .map((p) =>
            card(
              img(p.id),
              `${p.path}: ${p.what}`,
              [
                // The image's path: a COCO image id alone (a number) says little.
                `<span class="id">${escapeShort(p.path, 40)}</span>`,
                `${escapeShort(p.cls, 32)}: ${escapeShort(p.what, 60)}`,
              ],
              { boxes: p.boxes },
            ),
          )
          .join('')}</div>`,
        more(problems, shown.length, 'problem boxes'),
      );
  }

  const li = c.labelIssues;
  if (li.status === 'ran') {
    const shown = li.issues.slice(0, limits.findingImages);
    out.push(
      `<h3>Suspected label errors: ${li.issueCount} (${pct(li.issueRate)})</h3>`,
      `<p class="muted">Confident learning (${esc(li.method)}) on ${esc(li.models)} probabilities; the suggested label is what the model is confident the image shows.</p>`,
      `<div class="cards">${shown
        .map((i) =>
          card(img(i.id), `${i.id}: labelled ${i.givenLabel}, suggested ${i.suggestedLabel}`, [
            `<span class="id">${escapeShort(i.id, 40)}</span>`,
            `given: <b class="bad">${escapeShort(i.givenLabel, 32)}</b>`,
            `suggested: <b>${escapeShort(i.suggestedLabel, 32)}</b>`,
            `p(given) ${i.selfConfidence.toFixed(2)}`,
          ]),
        )
        .join('')}</div>`,
      more(li.issueCount, shown.length, 'suspected label errors'),
    );
  }

  const dup = c.duplicates;
  if (dup.status === 'ran') {
    const shown = dup.groups.slice(0, limits.findingImages);
    out.push(
      `<h3>Duplicates: ${dup.groupCount} group(s), ${dup.redundantImages} redundant image(s), ${dup.conflictingGroupCount} with conflicting labels</h3>`,
    );
    if (shown.length === 0) out.push('<p>No exact or near-duplicate images.</p>');
    for (const g of shown) {
      out.push(
        `<div class="pair${g.conflictingLabels ? ' conflict' : ''}"><p>${g.exact ? 'Exact copies' : `Near duplicates (Hamming ≤ ${g.maxLinkDistance})`}${g.conflictingLabels ? ` with <b class="bad">conflicting labels</b>: ${g.labels.map((l) => escapeShort(l, 32)).join(' vs ')}` : ''}${g.ids.length > 4 ? ` · ${g.ids.length} images, 4 shown` : ''}</p><div class="cards">${g.ids
          .slice(0, 4)
          .map((id) => card(img(id), id, [`<span class="id">${escapeShort(id, 40)}</span>`]))
          .join('')}</div></div>`,
      );
    }
    out.push(more(dup.groupCount, shown.length, 'groups'));
  }

  const lk = c.leakage;
  if (lk.status === 'ran') {
    const shown = lk.examples.slice(0, limits.findingImages);
    out.push(
      `<h3>Train/test leakage: ${lk.leakedCount} of ${lk.evalCount} evaluation images (${pct(lk.leakedRate)}) are in the training set</h3>`,
    );
    for (const l of shown) {
      const t = l.trainIds[0];
      out.push(
        `<div class="pair"><div class="cards">${card(img(l.id), `evaluation ${l.id}`, [`eval <span class="id">${escapeShort(l.id, 40)}</span>`, escapeShort(l.label ?? '', 32)])}${
          t !== undefined
            ? card(assets.trainImages?.get(t), `training ${t}`, [
                `train <span class="id">${escapeShort(t, 40)}</span>`,
                l.exact ? 'exact copy' : `Hamming ${l.distance}`,
                ...(l.labelMismatch ? ['<b class="bad">different label</b>'] : []),
              ])
            : ''
        }</div></div>`,
      );
    }
    out.push(more(lk.leakedCount, shown.length, 'leaked images'));
  }

  const ip = c.imageProperties;
  if (ip.status === 'ran') {
    const all = outliers(data);
    const shown = all.slice(0, limits.findingImages);
    out.push(
      `<h3>Outlier images: ${ip.outlierImageCount} (${pct(ip.outlierRate)}); unreadable: ${ip.unreadableCount}</h3>`,
    );
    if (shown.length > 0)
      out.push(
        `<div class="cards">${shown
          .map((o) =>
            card(img(o.id), o.id, [
              `<span class="id">${escapeShort(o.id, 40)}</span>`,
              `<span class="muted">${escapeShort(o.why, 80)}</span>`,
            ]),
          )
          .join('')}</div>`,
        more(all.length, shown.length, 'outlier images'),
      );
    if (ip.unreadable.length > 0)
      out.push(
        `<ul>${ip.unreadable
          .slice(0, limits.findingImages)
          .map(
            (u) => `<li><code>${escapeShort(u.id, 60)}</code>: ${escapeShort(u.error, 160)}</li>`,
          )
          .join('')}</ul>`,
      );
  }

  const bias = c.bias;
  if (bias.status === 'ran')
    out.push(
      `<p>Bias across ${bias.attributes.map((a) => esc(a.attribute)).join(', ') || 'no attributes'}: largest accuracy gap ${pct(bias.maxAccuracyGap)}, largest equalised-odds difference ${pct(bias.maxEqualizedOddsDifference)} (tables in report.md).</p>`,
    );
  const rep = c.representativity;
  if (rep.status === 'ran')
    out.push(
      `<p>Representativity: ${rep.significantCount} significant difference(s) from the reference; largest total variation distance ${rep.maxTvd.toFixed(3)}.</p>`,
    );
  if (skipped.length > 0)
    out.push(`<p class="muted">Not run: ${skipped.map((s) => esc(s)).join('; ')}.</p>`);
  if (data.gateResults.length > 0)
    out.push(
      `<ul class="notes">${data.gateResults.map((g) => `<li>${esc(g.level)}: ${esc(g.reason)}</li>`).join('')}</ul>`,
    );
  out.push('</section>');
  return out.join('\n');
}
