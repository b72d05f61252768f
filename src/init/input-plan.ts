/**
 * The `model.input` settings `init` writes for a model: what the model's shapes settle is left
 * to the run to read (so the config follows the model when it changes); what a hint in or next
 * to the model states is written with its source; what neither settles is written as an
 * explicit, commented assumption, because a wrong normalisation or resize runs without error
 * and gives wrong numbers.
 */
import { inputContractSchema, type InputContractConfig } from '../config/schema.js';
import { UserError } from '../errors.js';
import { resolveContract, type ResolvedContract } from '../model/contract.js';
import type { ValueInfo } from '../model/runtime.js';
import type { PreprocessingHints } from './preprocessing-hints.js';

/** A setting and why it has its value. */
export interface Decided<T> {
  value: T;
  /** `model`: read from the model at run time (not written); `hint`: from `source`; `assumed`. */
  how: 'model' | 'hint' | 'assumed';
  source?: string;
}

export interface InputPlan {
  /** The contract a run will resolve with {@link settings}. */
  contract: ResolvedContract;
  /** What goes under `model.input` (keys absent are read from the model). */
  settings: Partial<InputContractConfig>;
  layout: Decided<'NCHW' | 'NHWC'>;
  size: Decided<[number, number]>;
  channels: Decided<'rgb' | 'bgr' | 'gray'>;
  /** float32 inputs only. */
  normalisation?: Decided<{ scale: number; mean: number[]; std: number[] }>;
  resize: Decided<InputContractConfig['resize']>;
  /** Hints that were not used and why. */
  ignored: string[];
}

/** Input size assumed for a model whose height and width are dynamic and that states none. */
export const ASSUMED_SIZE = 224;

const DEFAULT_SCALE = 1 / 255;

/**
 * Plan the input settings for a model: its shapes, then the hints, then assumptions for what is
 * left. Each candidate setting is checked with {@link resolveContract}, the run's own check, so
 * the plan is one the run accepts; a model the run refuses whatever is assumed (two inputs, a
 * 3-D input, an int64 input) throws that refusal.
 */
export function planInput(
  label: string,
  inputs: readonly ValueInfo[],
  outputs: readonly ValueInfo[],
  hints: PreprocessingHints,
  /** A detector with this many classes: its outputs are read by a detection convention. */
  detection?: { numClasses: number },
): InputPlan {
  const ignored: string[] = [];
  const base = inputContractSchema.parse({});
  const output = { type: 'auto' as const };
  const tryResolve = (cfg: InputContractConfig): ResolvedContract | Error => {
    try {
      return resolveContract(label, inputs, outputs, cfg, output, undefined, detection);
    } catch (error) {
      return error as Error;
    }
  };

  // 1. Shapes: layout and size from the model if it settles them, else assumed (size from a hint).
  const sizeHint = hints.size;
  const attempts: { layout?: 'NCHW' | 'NHWC'; size?: [number, number] }[] = [
    {},
    { size: sizeHint ?? [ASSUMED_SIZE, ASSUMED_SIZE] },
    { layout: 'NCHW' },
    { layout: 'NCHW', size: sizeHint ?? [ASSUMED_SIZE, ASSUMED_SIZE] },
    { layout: 'NHWC' },
    { layout: 'NHWC', size: sizeHint ?? [ASSUMED_SIZE, ASSUMED_SIZE] },
  ];
  let shape:
    { contract: ResolvedContract; layout?: 'NCHW' | 'NHWC'; size?: [number, number] } | undefined;
  let firstError: Error | undefined;
  for (const a of attempts) {
    const r = tryResolve({ ...base, ...a });
    if (r instanceof Error) firstError ??= r;
    else {
      shape = { contract: r, ...a };
      break;
    }
  }
  // Nothing assumed makes the model usable (two inputs, a 3-D input, int64): the run's own refusal.
  if (!shape) throw firstError ?? new UserError('model', `${label} model: no usable input`);
  const c0 = shape.contract;
  const layout: Decided<'NCHW' | 'NHWC'> = shape.layout
    ? { value: shape.layout, how: 'assumed' }
    : { value: c0.tensor.layout, how: 'model' };
  const modelSize: [number, number] = [c0.geometry.height, c0.geometry.width];
  const size: Decided<[number, number]> = shape.size
    ? sizeHint
      ? { value: shape.size, how: 'hint', source: hints.from.size! }
      : { value: shape.size, how: 'assumed' }
    : { value: modelSize, how: 'model' };
  if (sizeHint && !shape.size && (sizeHint[0] !== modelSize[0] || sizeHint[1] !== modelSize[1]))
    ignored.push(
      `${hints.from.size}: ${sizeHint[0]}×${sizeHint[1]}, but the model's input is ${modelSize[0]}×${modelSize[1]}; the model's size is used`,
    );

  const settings: Partial<InputContractConfig> = {
    ...(shape.layout ? { layout: shape.layout } : {}),
    ...(shape.size ? { size: shape.size } : {}),
  };
  const withSettings = (extra: Partial<InputContractConfig>) =>
    tryResolve({ ...base, ...settings, ...extra });

  // 2. Channel order: gray from the shape; rgb or bgr from a hint, else rgb (assumed).
  let channels: Decided<'rgb' | 'bgr' | 'gray'>;
  if (c0.tensor.channels === 'gray') channels = { value: 'gray', how: 'model' };
  else if (hints.channels === 'bgr' || hints.channels === 'rgb') {
    channels = { value: hints.channels, how: 'hint', source: hints.from.channels! };
    if (hints.channels === 'bgr') settings.channels = 'bgr';
  } else {
    if (hints.channels === 'gray')
      ignored.push(`${hints.from.channels}: gray, but the model's input has 3 channels`);
    channels = { value: 'rgb', how: 'assumed' };
  }
  const nc = channels.value === 'gray' ? 1 : 3;

  // 3. Resize.
  let resize: Decided<InputContractConfig['resize']> = {
    value: { mode: 'stretch', library: 'pillow', interpolation: 'bilinear' },
    how: 'assumed',
  };
  if (hints.resize) {
    const { mode, resizeTo, interpolation } = hints.resize;
    // Preprocessing hints come from Hugging Face image processors, which resize with PIL.
    const candidate: InputContractConfig['resize'] = {
      mode,
      library: 'pillow',
      interpolation: interpolation ?? 'bilinear',
      ...(resizeTo !== undefined ? { resizeTo } : {}),
    };
    if (withSettings({ resize: candidate }) instanceof Error)
      ignored.push(`${hints.from.resize}: this resize does not fit the model's input size`);
    else resize = { value: candidate, how: 'hint', source: hints.from.resize! };
  }
  settings.resize = resize.value;

  // 4. Normalisation, for float32 inputs (uint8 inputs take raw pixels).
  let normalisation: InputPlan['normalisation'];
  if (c0.tensor.dtype === 'float32') {
    const fits = (v: number[] | undefined) =>
      v !== undefined && (v.length === 1 || v.length === nc);
    const scale = hints.scale ?? DEFAULT_SCALE;
    const mean = hints.mean;
    const std = hints.std;
    if ((mean && !fits(mean)) || (std && !fits(std)))
      ignored.push(
        `${hints.from.mean ?? hints.from.std}: ${mean?.length ?? std?.length} values for a ${nc}-channel input`,
      );
    const stated = fits(mean) && fits(std);
    normalisation = stated
      ? {
          value: { scale, mean: mean!, std: std! },
          how: 'hint',
          source: [
            ...new Set([hints.from.scale, hints.from.mean, hints.from.std].filter(Boolean)),
          ].join(', '),
        }
      : { value: { scale, mean: [0], std: [1] }, how: 'assumed' };
    const v = normalisation.value;
    if (Math.abs(v.scale - DEFAULT_SCALE) > 1e-12) settings.scale = v.scale;
    settings.mean = v.mean.length === 1 ? v.mean[0]! : v.mean;
    settings.std = v.std.length === 1 ? v.std[0]! : v.std;
  } else if (hints.mean || hints.std || hints.scale !== undefined) {
    ignored.push(
      `${hints.from.mean ?? hints.from.scale}: the model's input is uint8 (raw pixels), so scale, mean and std do not apply`,
    );
  }

  const final = withSettings({});
  if (final instanceof Error) throw final;
  return { contract: final, settings, layout, size, channels, normalisation, resize, ignored };
}
