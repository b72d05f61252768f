import type { InputContractConfig, OutputContractConfig } from '../config/schema.js';
import { resolveDetectionOutputs, type ResolvedDetectionOutputs } from './detection/convention.js';
import type { DecodeOptions } from './detection/tensor.js';
import { UserError } from '../errors.js';
import type { Geometry } from '../image/geometry.js';
import type { Resampler } from '../image/resample.js';
import type { TensorSpec } from '../image/tensor.js';
import type { ValueInfo } from './runtime.js';

/** Everything needed to turn images into this model's input and its output into scores. */
export interface ResolvedContract {
  inputName: string;
  outputName: string;
  geometry: Geometry;
  tensor: TensorSpec;
  /** A fixed batch size demanded by the model (e.g. 1), or undefined when the batch dim is dynamic. */
  fixedBatch?: number;
  /** Number of classes if the output shape says it. */
  outputClasses?: number;
  outputType: OutputContractConfig['type'];
  /** A detector's outputs: how they are read (task: detection). */
  detection?: ResolvedDetection;
}

/** How a detector's outputs are decoded: the convention, the outputs it reads, the options. */
export interface ResolvedDetection extends ResolvedDetectionOutputs {
  numClasses: number;
  options: DecodeOptions;
}

const isNum = (d: number | string | undefined): d is number => typeof d === 'number' && d > 0;
const fmtDims = (dims: (number | string)[]) =>
  `[${dims.map((d) => (d === -1 ? '?' : String(d))).join(', ')}]`;

/**
 * Combine what the ONNX model declares with what the config says, refusing contradictions with
 * a message that names both sides. `label` names the model in messages (candidate/baseline),
 * `file` its file (for the problems no config key points at, such as a second input).
 */
export function resolveContract(
  label: string,
  inputs: readonly ValueInfo[],
  outputs: readonly ValueInfo[],
  cfg: InputContractConfig,
  out: OutputContractConfig,
  file?: string,
  /** A detector with this many classes: outputs are read by a detection convention. */
  detection?: { numClasses: number },
): ResolvedContract {
  const problem = (msg: string) =>
    new UserError('model', `${label} model${file ? ` ${file}` : ''}: ${msg}`);
  const list = (vs: readonly ValueInfo[]) =>
    vs.map((v) => `${v.name} ${v.type} ${fmtDims(v.dims)}`).join('; ');

  if (inputs.length === 0) throw problem('the model has no inputs');
  let input: ValueInfo | undefined;
  if (cfg.name) {
    input = inputs.find((i) => i.name === cfg.name);
    if (!input)
      throw problem(
        `input "${cfg.name}" (model.input.name) is not in the model; its inputs are: ${list(inputs)}`,
      );
  } else if (inputs.length === 1) {
    input = inputs[0]!;
  }
  if (inputs.length > 1) {
    throw problem(
      `the model has ${inputs.length} inputs (${list(inputs)}); VisionGate feeds exactly one image tensor, so export the model with a single image input`,
    );
  }
  if (!input) throw problem('no input selected');
  if (input.type !== 'float32' && input.type !== 'uint8') {
    throw problem(`input ${input.name} has element type ${input.type}; supported: float32, uint8`);
  }
  if (cfg.dtype && cfg.dtype !== input.type) {
    throw problem(`model.input.dtype is ${cfg.dtype} but input ${input.name} is ${input.type}`);
  }
  const dims = input.dims;
  if (dims.length !== 4) {
    throw problem(
      `input ${input.name} has shape ${fmtDims(dims)}; an image classifier input must have 4 dims (NCHW or NHWC)`,
    );
  }

  // Layout: from config, else from where a channel-sized dim (1 or 3) sits.
  const c1 = dims[1];
  const c3 = dims[3];
  const looksNCHW = (c1 === 1 || c1 === 3) && !(c3 === 1 || c3 === 3);
  const looksNHWC = (c3 === 1 || c3 === 3) && !(c1 === 1 || c1 === 3);
  let layout = cfg.layout;
  if (!layout) {
    if (looksNCHW) layout = 'NCHW';
    else if (looksNHWC) layout = 'NHWC';
    else
      throw problem(
        `cannot tell the layout of input ${input.name} ${fmtDims(dims)}: set model.input.layout to NCHW or NHWC`,
      );
  }
  const [cDim, hDim, wDim] =
    layout === 'NCHW' ? [dims[1], dims[2], dims[3]] : [dims[3], dims[1], dims[2]];
  if (isNum(cDim) && cDim !== 1 && cDim !== 3) {
    throw problem(
      `input ${input.name} ${fmtDims(dims)} read as ${layout}${cfg.layout ? ' (model.input.layout)' : ''} has ${cDim} channels; supported: 1 (gray) or 3 (rgb/bgr)${cfg.layout ? '' : '. If the layout is wrong, set model.input.layout'}`,
    );
  }
  let channels = cfg.channels;
  if (channels) {
    const want = channels === 'gray' ? 1 : 3;
    if (isNum(cDim) && cDim !== want) {
      throw problem(
        `model.input.channels is ${channels} (${want} channel${want > 1 ? 's' : ''}) but input ${input.name} ${fmtDims(dims)} (${layout}) has ${cDim}`,
      );
    }
  } else {
    channels = cDim === 1 ? 'gray' : 'rgb';
  }

  // Size: the model's fixed dims win; config must agree with them.
  let height: number | undefined = isNum(hDim) ? hDim : undefined;
  let width: number | undefined = isNum(wDim) ? wDim : undefined;
  if (cfg.size !== undefined) {
    const [h, w] = typeof cfg.size === 'number' ? [cfg.size, cfg.size] : cfg.size;
    if ((height !== undefined && height !== h) || (width !== undefined && width !== w)) {
      throw problem(
        `model.input.size is [${h}, ${w}] but input ${input.name} ${fmtDims(dims)} (${layout}) expects [${height ?? '?'}, ${width ?? '?'}]`,
      );
    }
    height = h;
    width = w;
  }
  if (height === undefined || width === undefined) {
    throw problem(
      `input ${input.name} ${fmtDims(dims)} has a dynamic height or width: set model.input.size`,
    );
  }

  if (
    cfg.resize.mode === 'center-crop' &&
    cfg.resize.resizeTo !== undefined &&
    cfg.resize.resizeTo < Math.max(width, height)
  ) {
    throw problem(
      `model.input.resize.resizeTo (${cfg.resize.resizeTo}) must be at least the input size ${height}x${width} to crop from`,
    );
  }
  const dtype = input.type;
  // Named key by key: the message must point at what to remove.
  const set = (['scale', 'mean', 'std'] as const).filter((k) => cfg[k] !== undefined);
  if (dtype === 'uint8' && set.length > 0) {
    throw problem(
      `${set.map((k) => `model.input.${k}`).join(', ')}: input ${input.name} is uint8 (raw 0-255 pixels), and scale, mean and std apply to float32 inputs only; remove ${set.length > 1 ? 'them' : 'it'}`,
    );
  }
  const nc = channels === 'gray' ? 1 : 3;
  const perChannel = (
    v: number | number[] | undefined,
    fallback: number,
    key: string,
  ): number[] => {
    if (v === undefined) return [fallback];
    const arr = typeof v === 'number' ? [v] : v;
    if (arr.length !== 1 && arr.length !== nc)
      throw problem(
        nc === 1
          ? `model.input.${key} has ${arr.length} values; a gray input takes 1`
          : `model.input.${key} has ${arr.length} values; give 1 or ${nc} (one per ${channels} channel)`,
      );
    return arr;
  };
  const std = perChannel(cfg.std, 1, 'std');
  if (std.some((s) => s === 0)) throw problem('model.input.std must not contain 0');

  const batchDim = dims[0];
  const fixedBatch = isNum(batchDim) ? batchDim : undefined;

  // Resolved after the outputs, whose errors come first, for a detector and a classifier alike.
  const inputSide = (): Pick<ResolvedContract, 'geometry' | 'tensor'> => ({
    geometry: resolveGeometry(cfg, width, height),
    tensor: {
      layout,
      channels,
      dtype,
      scale: dtype === 'uint8' ? 1 : (cfg.scale ?? 1 / 255),
      mean: perChannel(cfg.mean, 0, 'mean'),
      std,
    },
  });

  if (outputs.length === 0) throw problem('the model has no outputs');
  if (detection) {
    const resolved = resolveDetectionOutputs(
      label,
      outputs,
      detection.numClasses,
      out.convention === undefined || out.convention === 'auto' ? undefined : out.convention,
    );
    return {
      inputName: input.name,
      outputName: resolved.outputs[0]!,
      ...inputSide(),
      ...(fixedBatch !== undefined ? { fixedBatch } : {}),
      outputType: out.type,
      detection: {
        ...resolved,
        numClasses: detection.numClasses,
        options: {
          ...(out.confidence !== undefined ? { confidence: out.confidence } : {}),
          ...(out.iou !== undefined ? { iou: out.iou } : {}),
          ...(out.maxDetections !== undefined ? { maxDetections: out.maxDetections } : {}),
        },
      },
    };
  }
  const output = out.name ? outputs.find((o) => o.name === out.name) : outputs[0];
  if (!output)
    throw problem(
      `output "${out.name}" (model.output.name) is not in the model; its outputs are: ${list(outputs)}`,
    );
  const od = output.dims;
  const classDims = od.slice(1).filter((d) => d !== 1);
  if (od.length < 2 || classDims.length > 1) {
    throw problem(
      `output ${output.name} has shape ${fmtDims(od)}; expected class scores [batch, classes]`,
    );
  }
  const k = classDims[0];
  return {
    inputName: input.name,
    outputName: output.name,
    ...inputSide(),
    ...(fixedBatch !== undefined ? { fixedBatch } : {}),
    ...(isNum(k) ? { outputClasses: k } : {}),
    outputType: out.type,
  };
}

/**
 * The geometry a config asks for, with each library's loader defaults: OpenCV's imread applies
 * the EXIF orientation and Ultralytics pads letterboxes with 114 grey; PIL's open and torchvision's
 * decode_image do neither. Alpha is dropped unless a background is given (all three loaders drop it).
 */
export function resolveGeometry(cfg: InputContractConfig, width: number, height: number): Geometry {
  const r = cfg.resize;
  const library = r.library;
  const interpolation = r.interpolation ?? (library === 'opencv' ? 'linear' : 'bilinear');
  // The schema has checked that the interpolation is one of the library's.
  const resampler = (
    library === 'torchvision'
      ? { library, interpolation, antialias: r.antialias ?? interpolation !== 'nearest' }
      : { library, interpolation }
  ) as Resampler;
  return {
    width,
    height,
    mode: r.mode,
    resampler,
    ...(r.resizeTo !== undefined ? { resizeTo: r.resizeTo } : {}),
    exif: cfg.exif ?? r.library === 'opencv',
    ...(cfg.background !== undefined ? { background: cfg.background } : {}),
    pad: r.pad ?? cfg.background ?? (r.library === 'opencv' ? '#727272' : '#000000'),
  };
}

/** Tensor dims for a batch of `n` images under a contract. */
export function batchDims(c: ResolvedContract, n: number): number[] {
  const ch = c.tensor.channels === 'gray' ? 1 : 3;
  const { width: w, height: h } = c.geometry;
  return c.tensor.layout === 'NCHW' ? [n, ch, h, w] : [n, h, w, ch];
}

/** Input values per batch the default batch size aims at: 2²³ floats, a 32 MB input tensor. */
const DEFAULT_BATCH_VALUES = 2 ** 23;
const DEFAULT_BATCH_MAX = 32;

/**
 * The batch size when the config gives none: a model's fixed batch if the candidate has one;
 * else 32, lowered for large inputs so one batch's input tensor stays near 32 MB (activations
 * grow with it): 32 up to ~290×290 RGB, 10 at 512×512, 2 at 1024×1024, never below 1. On CPU,
 * throughput barely changes beyond a batch of 8-16, while memory grows with the batch.
 */
export function defaultBatchSize(contracts: readonly ResolvedContract[]): number {
  const fixed = contracts[0]?.fixedBatch;
  if (fixed !== undefined) return fixed;
  let batch = DEFAULT_BATCH_MAX;
  for (const c of contracts) {
    const ch = c.tensor.channels === 'gray' ? 1 : 3;
    const perImage = ch * c.geometry.width * c.geometry.height;
    batch = Math.min(batch, Math.max(1, Math.floor(DEFAULT_BATCH_VALUES / perImage)));
  }
  return batch;
}
