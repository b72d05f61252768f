/** Image cards: a thumbnail (with boxes drawn over it for detection) and a caption. */
import { escapeHtmlText as esc } from './escape.js';
import type { Box, Thumbnail } from './types.js';

/** CSS pixels of the longer side a thumbnail is shown at (small sources are scaled up, pixelated). */
export const SHOWN_SIDE = 96;

/** SVG overlay of boxes in a 1×1 view box (strokes do not scale). */
function boxOverlay(boxes: readonly Box[]): string {
  const parts = boxes.map(
    (b) =>
      `<rect class="box ${b.kind}" x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" vector-effect="non-scaling-stroke">${b.label ? `<title>${esc(b.label)}</title>` : ''}</rect>`,
  );
  return `<svg class="boxes" viewBox="0 0 1 1" preserveAspectRatio="none" aria-hidden="true">${parts.join('')}</svg>`;
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
