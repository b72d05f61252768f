/**
 * One batch of a detector's outputs to detections in each image's own pixels: the resolved
 * convention's decoder (input pixels), then each image's placement undone (per image: the
 * letterbox padding follows its aspect ratio). What the detection task's decode step calls.
 */
import type { Detection } from '../../tables/detections.js';
import type { NamedOutput } from '../ort-session.js';
import { decodeDetections, type ResolvedDetectionOutputs } from './convention.js';
import { boxesToOriginal, type InputPlacement } from './geometry.js';
import type { DecodeOptions } from './tensor.js';

/**
 * Detections per image of a batch, boxes in original-image pixels (clipped to the image).
 * `placements[j]` is how image j was placed in the input; a fixed-batch model's padding images
 * beyond `placements.length` are dropped.
 */
export function decodeBatch(
  resolved: ResolvedDetectionOutputs,
  outputs: readonly NamedOutput[],
  placements: readonly InputPlacement[],
  numClasses: number,
  input: { width: number; height: number },
  options: DecodeOptions = {},
): Detection[][] {
  const perImage = decodeDetections(
    resolved,
    new Map(outputs.map((o) => [o.name, o])),
    numClasses,
    input,
    options,
  );
  if (perImage.length < placements.length)
    throw new RangeError(`${perImage.length} images decoded for ${placements.length} placements`);
  return placements.map((p, j) => {
    const found = perImage[j]!;
    const boxes = new Float64Array(4 * found.length);
    found.forEach((d, i) => boxes.set(d.box, 4 * i));
    boxesToOriginal(boxes, p);
    return found.map((d, i) => ({
      score: d.score,
      classIndex: d.classIndex,
      box: [boxes[4 * i]!, boxes[4 * i + 1]!, boxes[4 * i + 2]!, boxes[4 * i + 3]!] as const,
    }));
  });
}
