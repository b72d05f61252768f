import { describeResampler, type Resampler } from './resample.js';

/** The geometric part of a model input contract: how an image becomes `width × height` pixels. */
export interface Geometry {
  width: number;
  height: number;
  mode: 'stretch' | 'center-crop' | 'letterbox';
  resampler: Resampler;
  /** center-crop: shorter side before cropping; default = max(width, height). */
  resizeTo?: number;
  /** Apply the EXIF orientation before resizing (OpenCV's imread does, PIL's open does not). */
  exif: boolean;
  /**
   * #rrggbb to flatten alpha onto. Undefined: alpha is dropped, keeping the stored colour under
   * it, as PIL's `convert('RGB')`, OpenCV's `IMREAD_COLOR` and torchvision's `ImageReadMode.RGB` do.
   */
  background?: string;
  /** #rrggbb of the letterbox padding. */
  pad: string;
}

/** A stable string key for a geometry, so contracts that share it share the decoded pixels. */
export function geometryKey(g: Geometry): string {
  return [
    g.width,
    g.height,
    g.mode,
    describeResampler(g.resampler),
    g.resizeTo ?? '',
    g.exif ? 'exif' : 'stored',
    g.background?.toLowerCase() ?? 'drop-alpha',
    g.mode === 'letterbox' ? g.pad.toLowerCase() : '',
  ].join('|');
}

/** How a `w × h` decoded image becomes the geometry's size: one resize, then a crop or a pad. */
export interface ResizePlan {
  width: number;
  height: number;
  /** center-crop: the window taken out of the resized image. */
  crop?: { left: number; top: number };
  /** letterbox: where the resized image sits on the `g.width × g.height` canvas. */
  pad?: { left: number; top: number };
}

/**
 * The resize step of each mode, with the reference's own arithmetic:
 * - stretch: straight to the input size.
 * - center-crop: torchvision `Resize(resizeTo)` (shorter side → resizeTo, longer side
 *   `int(resizeTo · long / short)`) then `CenterCrop` (offsets `round((size − crop) / 2)`, Python's
 *   half-to-even round).
 * - letterbox: Ultralytics `LetterBox`: r = min(h / h₀, w / w₀), content `round(w₀·r) × round(h₀·r)`
 *   (at least 1 pixel), padding split as `round(d − 0.1)` before and the rest after, d = half the
 *   margin, so an odd margin puts the extra pixel right / bottom.
 */
export function planResize(w: number, h: number, g: Geometry): ResizePlan {
  if (g.mode === 'stretch') return { width: g.width, height: g.height };
  if (g.mode === 'center-crop') {
    const target = g.resizeTo ?? Math.max(g.width, g.height);
    const [rw, rh] =
      w <= h ? [target, Math.trunc((target * h) / w)] : [Math.trunc((target * w) / h), target];
    return {
      width: rw,
      height: rh,
      crop: { left: roundHalfEven((rw - g.width) / 2), top: roundHalfEven((rh - g.height) / 2) },
    };
  }
  const r = Math.min(g.height / h, g.width / w);
  const nw = Math.max(1, roundHalfEven(w * r));
  const nh = Math.max(1, roundHalfEven(h * r));
  return {
    width: nw,
    height: nh,
    pad: {
      left: roundHalfEven((g.width - nw) / 2 - 0.1),
      top: roundHalfEven((g.height - nh) / 2 - 0.1),
    },
  };
}

/** Python's round(): torchvision's CenterCrop and Ultralytics' LetterBox use it, so we do too. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** A short description of the geometry's resize for reports, e.g. `center-crop/pillow:bilinear`. */
export function describeResize(g: Geometry): string {
  const loader = [g.exif ? 'exif' : '', g.background ? `alpha→${g.background.toLowerCase()}` : '']
    .filter(Boolean)
    .join(',');
  return `${g.mode}/${describeResampler(g.resampler)}${loader ? ` (${loader})` : ''}`;
}
