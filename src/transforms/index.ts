/**
 * Label-preserving transforms for invariance tests: rotate, translate, scale, crop, hflip, vflip
 * and colour jitter. Deterministic given their parameters. A spec such as
 * `{ type: 'rotate', degrees: 10 }` parses to a {@link NamedTransform} named `rotate-10`; the
 * evaluation records it as the variant `t:rotate-10`.
 *
 * Geometric transforms keep the image size, sample bilinearly and read outside the image with
 * the `border` rule (default `reflect`: mirrored about the edge; or `edge`: nearest edge pixel).
 */
import { UserError } from '../errors.js';
import type { RgbImage } from '../types.js';
import { colorJitter, type ColorJitter } from './color.js';
import { hflip, rotate, scale, translate, vflip, type Border } from './geometric.js';

export type { Border } from './geometric.js';
export type { ColorJitter } from './color.js';

interface Common {
  /** Overrides the generated name. */
  name?: string;
  /** Outside-the-image rule for geometric transforms (default `reflect`). */
  border?: Border;
}

export type TransformSpec = Common &
  (
    | { type: 'rotate'; degrees: number }
    | { type: 'translate'; dx: number; dy: number }
    | { type: 'scale'; factor: number }
    | { type: 'crop'; factor: number }
    | { type: 'hflip' }
    | { type: 'vflip' }
    | ({ type: 'color_jitter' } & ColorJitter)
  );

export type TransformType = TransformSpec['type'];

export const TRANSFORM_TYPES: readonly TransformType[] = [
  'rotate',
  'translate',
  'scale',
  'crop',
  'hflip',
  'vflip',
  'color_jitter',
];

export interface NamedTransform {
  /** Stable name, e.g. `rotate-10`, `translate-0.1-m0.05`, `jitter-b1.2-h0.1`. */
  name: string;
  spec: TransformSpec;
  apply(img: RgbImage): RgbImage;
}

/** Numbers in names: shortest round-trip form, `m` for minus (`-` separates fields). */
function num(v: number): string {
  return v < 0 ? `m${String(-v)}` : String(v);
}

/** The generated name of a spec (ignores `name`). */
export function transformName(spec: TransformSpec): string {
  switch (spec.type) {
    case 'rotate':
      return `rotate-${num(spec.degrees)}`;
    case 'translate':
      return `translate-${num(spec.dx)}-${num(spec.dy)}`;
    case 'scale':
      return `scale-${num(spec.factor)}`;
    case 'crop':
      return `crop-${num(spec.factor)}`;
    case 'hflip':
      return 'hflip';
    case 'vflip':
      return 'vflip';
    case 'color_jitter': {
      const parts: string[] = [];
      if (spec.brightness !== undefined) parts.push(`b${num(spec.brightness)}`);
      if (spec.contrast !== undefined) parts.push(`c${num(spec.contrast)}`);
      if (spec.saturation !== undefined) parts.push(`s${num(spec.saturation)}`);
      if (spec.hue !== undefined) parts.push(`h${num(spec.hue)}`);
      return ['jitter', ...parts].join('-');
    }
  }
}

/** Apply a transform spec (assumed valid: see {@link parseTransform}). */
export function applyTransform(img: RgbImage, spec: TransformSpec): RgbImage {
  const border = spec.border ?? 'reflect';
  switch (spec.type) {
    case 'rotate':
      return rotate(img, spec.degrees, border);
    case 'translate':
      return translate(img, spec.dx, spec.dy, border);
    case 'scale':
      return scale(img, spec.factor, border);
    case 'crop':
      // A centre crop of factor·size, resized back to the full size.
      return scale(img, 1 / spec.factor, border);
    case 'hflip':
      return hflip(img);
    case 'vflip':
      return vflip(img);
    case 'color_jitter':
      return colorJitter(img, spec);
  }
}

function fail(where: string, message: string): never {
  throw new UserError('config', `${where}: ${message}`);
}

function finite(
  raw: Record<string, unknown>,
  key: string,
  where: string,
  check?: (v: number) => string | undefined,
): number {
  const v = raw[key];
  if (typeof v !== 'number' || !Number.isFinite(v))
    fail(where, `'${key}' must be a finite number, got ${JSON.stringify(v)}`);
  const problem = check?.(v);
  if (problem) fail(where, `'${key}' ${problem}, got ${v}`);
  return v;
}

const ALLOWED_KEYS: Record<TransformType, readonly string[]> = {
  rotate: ['degrees'],
  translate: ['dx', 'dy'],
  scale: ['factor'],
  crop: ['factor'],
  hflip: [],
  vflip: [],
  color_jitter: ['brightness', 'contrast', 'saturation', 'hue'],
};

/**
 * Validate a transform spec from config (`{ type: 'rotate', degrees: 10 }`) and name it. Errors
 * are {@link UserError}s that name the key, the bad value and what is allowed.
 */
export function parseTransform(input: unknown, where = 'transform'): NamedTransform {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    fail(
      where,
      `expected an object such as { type: 'rotate', degrees: 10 }, got ${JSON.stringify(input)}`,
    );
  }
  const raw = input as Record<string, unknown>;
  const type = raw.type;
  if (typeof type !== 'string' || !(TRANSFORM_TYPES as readonly string[]).includes(type)) {
    fail(where, `'type' must be one of ${TRANSFORM_TYPES.join(', ')}, got ${JSON.stringify(type)}`);
  }
  const t = type as TransformType;
  for (const key of Object.keys(raw)) {
    if (key !== 'type' && key !== 'name' && key !== 'border' && !ALLOWED_KEYS[t].includes(key)) {
      const allowed = [...ALLOWED_KEYS[t], 'name', 'border'].join(', ');
      fail(where, `unknown key '${key}' for type '${t}' (allowed: ${allowed})`);
    }
  }
  const common: Common = {};
  if (raw.name !== undefined) {
    if (typeof raw.name !== 'string' || !/^[A-Za-z0-9._+-]+$/.test(raw.name)) {
      fail(
        where,
        `'name' must be a non-empty string of letters, digits, '.', '_', '+', '-', got ${JSON.stringify(raw.name)}`,
      );
    }
    common.name = raw.name;
  }
  if (raw.border !== undefined) {
    if (raw.border !== 'reflect' && raw.border !== 'edge')
      fail(where, `'border' must be 'reflect' or 'edge', got ${JSON.stringify(raw.border)}`);
    common.border = raw.border;
  }
  const positive = (v: number): string | undefined => (v > 0 ? undefined : 'must be > 0');
  let spec: TransformSpec;
  switch (t) {
    case 'rotate':
      spec = { ...common, type: t, degrees: finite(raw, 'degrees', where) };
      break;
    case 'translate': {
      const frac = (v: number): string | undefined =>
        Math.abs(v) < 1 ? undefined : 'must be a fraction of the size in (−1, 1)';
      spec = {
        ...common,
        type: t,
        dx: finite(raw, 'dx', where, frac),
        dy: finite(raw, 'dy', where, frac),
      };
      break;
    }
    case 'scale':
      spec = { ...common, type: t, factor: finite(raw, 'factor', where, positive) };
      break;
    case 'crop':
      spec = {
        ...common,
        type: t,
        factor: finite(raw, 'factor', where, (v) =>
          v > 0 && v <= 1 ? undefined : 'must be in (0, 1]',
        ),
      };
      break;
    case 'hflip':
    case 'vflip':
      spec = { ...common, type: t };
      break;
    case 'color_jitter': {
      const jitter: ColorJitter = {};
      for (const key of ['brightness', 'contrast', 'saturation'] as const) {
        if (raw[key] !== undefined)
          jitter[key] = finite(raw, key, where, (v) => (v >= 0 ? undefined : 'must be ≥ 0'));
      }
      if (raw.hue !== undefined) {
        jitter.hue = finite(raw, 'hue', where, (v) =>
          Math.abs(v) <= 0.5 ? undefined : 'must be in [−0.5, 0.5]',
        );
      }
      if (Object.keys(jitter).length === 0)
        fail(where, `color_jitter needs at least one of brightness, contrast, saturation, hue`);
      spec = { ...common, type: t, ...jitter };
      break;
    }
  }
  const name = spec.name ?? transformName(spec);
  return { name, spec, apply: (img) => applyTransform(img, spec) };
}
