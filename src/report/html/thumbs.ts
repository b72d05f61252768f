/** Image cards: a thumbnail (with boxes drawn over it for detection) and a caption. */
import { escapeHtmlText as esc } from './escape.js';
import { BOX_KINDS, type Box, type BoxKind, type Thumbnail } from './types.js';

/** CSS pixels of the longer side a thumbnail is shown at (small sources are scaled up, pixelated). */
export const SHOWN_SIDE = 96;

/** SVG overlay of boxes in a 1×1 view box (strokes do not scale), drawn in BOX_KINDS order. */
function boxOverlay(boxes: readonly Box[]): string {
  const ordered = [...boxes].sort((a, b) => BOX_KINDS.indexOf(a.kind) - BOX_KINDS.indexOf(b.kind));
  const parts = ordered.map(
    (b) =>
      `<rect class="box ${b.kind}" x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" vector-effect="non-scaling-stroke">${b.label ? `<title>${esc(b.label)}</title>` : ''}</rect>`,
  );
  return `<svg class="boxes" viewBox="0 0 1 1" preserveAspectRatio="none" aria-hidden="true">${parts.join('')}</svg>`;
}

/**
 * A legend of the box styles a list of cards uses: each kind present, with its swatch drawn by
 * the same CSS as the boxes and the words `labels` gives it; empty when no box is drawn.
 */
export function boxLegend(
  boxes: Iterable<readonly Box[]>,
  labels: Partial<Record<BoxKind, string>>,
): string {
  const present = new Set<BoxKind>();
  for (const list of boxes) for (const b of list) present.add(b.kind);
  const items = BOX_KINDS.filter((k) => present.has(k) && labels[k]).map(
    (k) =>
      `<li data-kind="${k}"><svg class="swatch" viewBox="0 0 1 1" preserveAspectRatio="none" aria-hidden="true"><rect class="box ${k}" x="0.1" y="0.1" width="0.8" height="0.8" vector-effect="non-scaling-stroke"></rect></svg>${esc(labels[k]!)}</li>`,
  );
  return items.length > 0 ? `<ul class="legend">${items.join('')}</ul>` : '';
}

/**
 * One thumbnail. `alt` is untrusted text (escaped). A missing image renders a placeholder that
 * says so, so a list never silently shrinks.
 */
export function thumbnail(img: Thumbnail | undefined, alt: string, boxes?: readonly Box[]): string {
  if (!img) return `<div class="img missing" role="img" aria-label="${esc(alt)}">no image</div>`;
  const scale = SHOWN_SIDE / Math.max(img.width, img.height);
  const w = Math.round(img.width * scale);
  const h = Math.round(img.height * scale);
  const small = Math.max(img.width, img.height) < SHOWN_SIDE ? ' pixelated' : '';
  return (
    `<div class="img" style="width:${w}px;height:${h}px">` +
    `<img class="${small.trim()}" src="${img.src}" width="${w}" height="${h}" alt="${esc(alt)}" decoding="sync">` +
    (boxes && boxes.length > 0 ? boxOverlay(boxes) : '') +
    '</div>'
  );
}

/** A card: thumbnail plus caption lines (already escaped HTML). */
export function card(
  img: Thumbnail | undefined,
  alt: string,
  captionHtml: string[],
  opts: { boxes?: readonly Box[]; cls?: string } = {},
): string {
  return (
    `<figure class="card${opts.cls ? ` ${opts.cls}` : ''}" tabindex="0">${thumbnail(img, alt, opts.boxes)}` +
    `<figcaption>${captionHtml.join('<br>')}</figcaption></figure>`
  );
}
