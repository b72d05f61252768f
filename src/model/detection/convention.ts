/**
 * Which output convention a detection model follows, told from its output names and shapes
 * where that is unambiguous, else from the config; when both speak and disagree, the error
 * names both sides (as classification's input/output contract does, ../contract.ts).
 */
// The names are config vocabulary (model.output.convention), so they live in config/.
import { DETECTION_CONVENTIONS, type DetectionConvention } from '../../config/task.js';
import { UserError } from '../../errors.js';
import type { Detection } from '../../tables/detections.js';
import type { ValueInfo } from '../ort-session.js';
import { decodeDetr, decodeRtDetr } from './detr.js';
import { decodeBoxesScoresLabels, decodeEndToEnd } from './post-nms.js';
import type { DecodeOptions, OutputTensor } from './tensor.js';
import { decodeYoloV5, decodeYoloV8 } from './yolo.js';

/** Each convention in words, for messages and init's comments. */
export const DESCRIPTIONS: Record<DetectionConvention, string> = {
  'yolo-v8': 'raw YOLOv8/v11 head [N, 4+C, A]',
  'yolo-v5': 'raw YOLOv5 head [N, A, 5+C]',
  'end-to-end': 'end-to-end rows [N, K, 6]',
  'boxes-scores-labels': 'post-NMS boxes / scores / labels',
  detr: 'DETR logits [N, Q, C+1] + pred_boxes',
  'rt-detr': 'RT-DETR logits [N, Q, C] + pred_boxes',
};

/** A resolved convention and the outputs it reads, by role. */
export interface ResolvedDetectionOutputs {
  convention: DetectionConvention;
  /** Output names in the order the decoder takes them. */
  outputs: string[];
}

const known = (d: number | string | undefined): d is number => typeof d === 'number' && d > 0;
const fmt = (v: ValueInfo) =>
  `${v.name} ${v.type} [${v.dims.map((d) => (d === -1 ? '?' : String(d))).join(', ')}]`;

function byName(outputs: readonly ValueInfo[], re: RegExp): ValueInfo | undefined {
  const hits = outputs.filter((o) => re.test(o.name));
  return hits.length === 1 ? hits[0] : undefined;
}

/**
 * Outputs a convention would read, if the model's outputs fit it: names for the multi-output
 * conventions, the class count C (when known) for the dims.
 */
function fit(
  c: DetectionConvention,
  outputs: readonly ValueInfo[],
  C: number | undefined,
): string[] | undefined {
  const eq = (d: number | string | undefined, v: number) => !known(d) || d === v;
  if (c === 'boxes-scores-labels') {
    const b = byName(outputs, /box/i);
    const s = byName(outputs, /score/i);
    const l = byName(outputs, /label|class/i);
    if (!b || !s || !l || new Set([b, s, l]).size !== 3) return undefined;
    return eq(b.dims[b.dims.length - 1], 4) ? [b.name, s.name, l.name] : undefined;
  }
  if (c === 'detr' || c === 'rt-detr') {
    const l = byName(outputs, /logit/i);
    const b = byName(outputs, /box/i);
    if (!l || !b || l.dims.length !== 3 || b.dims.length !== 3) return undefined;
    if (!eq(b.dims[2], 4)) return undefined;
    if (C !== undefined && !eq(l.dims[2], c === 'detr' ? C + 1 : C)) return undefined;
    if (C === undefined && known(l.dims[2])) return undefined; // C + 1 or C: cannot tell
    return [l.name, b.name];
  }
  const single = outputs.length === 1 ? outputs[0] : byName(outputs, /^output0$/);
  if (!single || single.dims.length !== 3) return undefined;
  const [, d1, d2] = single.dims;
  if (c === 'end-to-end') return known(d2) && d2 === 6 ? [single.name] : undefined;
  if (c === 'yolo-v8') {
    if (C !== undefined) return d1 === 4 + C ? [single.name] : undefined;
    // Without C: channels first, fewer channels than anchors.
    return known(d1) && known(d2) && d1 < d2 && d2 !== 6 ? [single.name] : undefined;
  }
  // yolo-v5
  if (C !== undefined) return d2 === 5 + C && d1 !== 4 + C ? [single.name] : undefined;
  return undefined;
}

/**
 * Resolve the convention: `configured` (model.output.convention) when given, checked against
 * the outputs; else the one convention the outputs fit. `numClasses` is the dataset's class
 * count, which separates [N, 4+C, A] from [N, A, 5+C] and DETR from RT-DETR. `label` names the
 * model in messages.
 */
export function resolveDetectionOutputs(
  label: string,
  outputs: readonly ValueInfo[],
  numClasses: number | undefined,
  configured?: DetectionConvention,
): ResolvedDetectionOutputs {
  const list = outputs.map(fmt).join('; ');
  const fits = DETECTION_CONVENTIONS.filter((c) => fit(c, outputs, numClasses) !== undefined);
  const classes = numClasses === undefined ? '' : ` with ${numClasses} classes`;
  if (configured) {
    const names = fit(configured, outputs, numClasses);
    if (!names) {
      const instead =
        fits.length > 0
          ? `; they fit ${fits.map((c) => `'${c}' (${DESCRIPTIONS[c]})`).join(' or ')}`
          : '';
      throw new UserError(
        'model',
        `${label} model: model.output.convention is '${configured}' (${DESCRIPTIONS[configured]}) but the model's outputs are ${list}${classes}${instead}`,
      );
    }
    return { convention: configured, outputs: names };
  }
  if (fits.length === 1)
    return { convention: fits[0]!, outputs: fit(fits[0]!, outputs, numClasses)! };
  const options = DETECTION_CONVENTIONS.map((c) => `${c} (${DESCRIPTIONS[c]})`).join(', ');
  throw new UserError(
    'model',
    fits.length === 0
      ? `${label} model: its outputs ${list} fit no detection convention VisionGate decodes${classes}; supported: ${options}`
      : `${label} model: its outputs ${list} could be ${fits.map((c) => `'${c}'`).join(' or ')}${classes}: set model.output.convention`,
  );
}

/**
 * Decode a batch with a resolved convention: detections per image in input pixels, corner
 * boxes. `tensors` are the model's outputs by name; `input` the model input's size (DETR
 * boxes are fractions of it).
 */
export function decodeDetections(
  resolved: ResolvedDetectionOutputs,
  tensors: ReadonlyMap<string, OutputTensor>,
  numClasses: number,
  input: { width: number; height: number },
  options: DecodeOptions = {},
): Detection[][] {
  const t = resolved.outputs.map((name) => {
    const v = tensors.get(name);
    if (!v) throw new RangeError(`output ${name} was not computed`);
    return v;
  });
  switch (resolved.convention) {
    case 'yolo-v8':
      return decodeYoloV8(t[0]!, options);
    case 'yolo-v5':
      return decodeYoloV5(t[0]!, options);
    case 'end-to-end':
      return decodeEndToEnd(t[0]!, numClasses, options);
    case 'boxes-scores-labels':
      return decodeBoxesScoresLabels(t[0]!, t[1]!, t[2]!, numClasses, options);
    case 'detr':
      return decodeDetr(t[0]!, t[1]!, input, options);
    case 'rt-detr':
      return decodeRtDetr(t[0]!, t[1]!, input, options);
  }
}
