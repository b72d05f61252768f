/**
 * Where an original image sits inside a detector's input, and the way back: boxes a decoder
 * gives in input pixels are mapped to original-image pixels with the same numbers the forward
 * transform used.
 *
 * Letterbox follows Ultralytics' `LetterBox` (auto=False, center=True): r = min(H/h0, W/w0)
 * (capped at 1 without scale-up), the image resized to (round(w0·r), round(h0·r)) with Python's
 * round, the rest padded with grey 114, split as left = round(dw − 0.1), right = round(dw + 0.1)
 * of the half padding dw (so an odd pixel goes right / bottom). The way back is Ultralytics'
 * `scale_boxes` with that letterbox's ratio and padding: subtract the padding, divide by r, then
 * clip to the image (`clip_boxes`).
 */
import { planResize, roundHalfEven, type Geometry } from '../../image/geometry.js';

/** How an original `originalWidth × originalHeight` image was placed in the model input. */
export interface InputPlacement {
  originalWidth: number;
  originalHeight: number;
  /** Input-pixel size of one original pixel, per axis (equal for a letterbox). */
  scaleX: number;
  scaleY: number;
  /** Padding before the image, input pixels. */
  left: number;
  top: number;
  /** Size of the resized image inside the input (the input minus padding). */
  width: number;
  height: number;
}

/** Ultralytics' letterbox gray. */
export const LETTERBOX_PAD_VALUE = 114;

/** The placement of Ultralytics' `LetterBox(new_shape=(inputHeight, inputWidth))`. */
export function letterboxPlacement(
  originalWidth: number,
  originalHeight: number,
  inputWidth: number,
  inputHeight: number,
  options: { scaleUp?: boolean } = {},
): InputPlacement {
  checkSize(originalWidth, originalHeight, 'image');
  checkSize(inputWidth, inputHeight, 'model input');
  let r = Math.min(inputHeight / originalHeight, inputWidth / originalWidth);
  if (options.scaleUp === false) r = Math.min(r, 1);
  const width = roundHalfEven(originalWidth * r);
  const height = roundHalfEven(originalHeight * r);
  const dw = (inputWidth - width) / 2;
  const dh = (inputHeight - height) / 2;
  return {
    originalWidth,
    originalHeight,
    scaleX: r,
    scaleY: r,
    left: roundHalfEven(dw - 0.1),
    top: roundHalfEven(dh - 0.1),
    width,
    height,
  };
}

/** The placement of a plain resize to the input size (aspect ratio not kept). */
export function stretchPlacement(
  originalWidth: number,
  originalHeight: number,
  inputWidth: number,
  inputHeight: number,
): InputPlacement {
  checkSize(originalWidth, originalHeight, 'image');
  checkSize(inputWidth, inputHeight, 'model input');
  return {
    originalWidth,
    originalHeight,
    scaleX: inputWidth / originalWidth,
    scaleY: inputHeight / originalHeight,
    left: 0,
    top: 0,
    width: inputWidth,
    height: inputHeight,
  };
}

/**
 * The placement of one image of `sourceWidth × sourceHeight` (as decoded, EXIF applied) in an
 * input of geometry `g`, from the same resize plan that made its pixels (image/geometry.ts): per
 * image, since the letterbox padding follows each image's aspect ratio. Letterbox maps back with
 * Ultralytics' ratio r = min(H/h0, W/w0) and the plan's padding, as {@link letterboxPlacement};
 * stretch with the per-axis ratios; center-crop with the resize ratios and the crop offset
 * (boxes then clip to the part of the image the model saw, mapped back).
 */
export function placementOf(
  sourceWidth: number,
  sourceHeight: number,
  g: Geometry,
): InputPlacement {
  checkSize(sourceWidth, sourceHeight, 'image');
  const plan = planResize(sourceWidth, sourceHeight, g);
  if (g.mode === 'letterbox') {
    const r = Math.min(g.height / sourceHeight, g.width / sourceWidth);
    return {
      originalWidth: sourceWidth,
      originalHeight: sourceHeight,
      scaleX: r,
      scaleY: r,
      left: plan.pad!.left,
      top: plan.pad!.top,
      width: plan.width,
      height: plan.height,
    };
  }
  if (g.mode === 'stretch') return stretchPlacement(sourceWidth, sourceHeight, g.width, g.height);
  return {
    originalWidth: sourceWidth,
    originalHeight: sourceHeight,
    scaleX: plan.width / sourceWidth,
    scaleY: plan.height / sourceHeight,
    left: 0 - plan.crop!.left,
    top: 0 - plan.crop!.top,
    width: g.width,
    height: g.height,
  };
}

function checkSize(w: number, h: number, what: string): void {
  if (!(Number.isInteger(w) && Number.isInteger(h) && w > 0 && h > 0))
    throw new RangeError(`${what} size must be positive integers, got ${w}x${h}`);
}

/**
 * Map corner boxes (x1, y1, x2, y2, 4 values a box) from input pixels to original-image pixels
 * in place, and clip them to the image, as Ultralytics' `scale_boxes` + `clip_boxes` do.
 */
export function boxesToOriginal(boxes: Float32Array | Float64Array, p: InputPlacement): void {
  const { left, top, scaleX, scaleY, originalWidth: w, originalHeight: h } = p;
  for (let o = 0; o + 3 < boxes.length; o += 4) {
    boxes[o] = clamp((boxes[o]! - left) / scaleX, w);
    boxes[o + 1] = clamp((boxes[o + 1]! - top) / scaleY, h);
    boxes[o + 2] = clamp((boxes[o + 2]! - left) / scaleX, w);
    boxes[o + 3] = clamp((boxes[o + 3]! - top) / scaleY, h);
  }
}

function clamp(v: number, hi: number): number {
  return v < 0 ? 0 : v > hi ? hi : v;
}
