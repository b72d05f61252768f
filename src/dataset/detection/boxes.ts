/**
 * The checks every detection reader applies to a ground-truth box, so the formats fail alike.
 */

/**
 * Tolerance for a box edge past the image border, in pixels: converters and annotation tools
 * round coordinates, and a box ending a fraction of a pixel outside is the same object. Past
 * this it is a wrong box (wrong image size, swapped axes, normalised vs pixel mix-up).
 */
export const BORDER_TOLERANCE = 1;

/**
 * Problem of a corner box in a `width × height` image, or undefined when it is fine: a
 * non-finite value, a negative size, an edge outside the image. A zero-size box is not an
 * error here (COCO files have a few; COCOeval never matches them): the data checks report it.
 */
export function checkBox(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  width: number,
  height: number,
): string | undefined {
  if (![x1, y1, x2, y2].every(Number.isFinite)) return 'has a value that is not a finite number';
  if (x2 < x1 || y2 < y1) return 'has a negative size';
  const t = BORDER_TOLERANCE;
  if (x1 < -t || y1 < -t || x2 > width + t || y2 > height + t)
    return `lies outside the ${width}x${height} image`;
  return undefined;
}
