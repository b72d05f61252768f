/**
 * Colour jitter with fixed factors (deterministic, unlike torchvision's random ColorJitter, whose
 * per-factor definitions we follow): brightness multiplies, contrast blends with the mean grey
 * level, saturation blends with the per-pixel grey, hue rotates H in HSV by a fraction of a turn.
 * Applied in that order, each step rounded to bytes as torchvision does on uint8 tensors.
 */
import { LUMA_B, LUMA_G, LUMA_R } from '../image/luma.js';
import type { RgbImage } from '../types.js';

export interface ColorJitter {
  /** Multiply by this (1 = unchanged). */
  brightness?: number;
  /** Blend with the image's mean grey: (x − m)·c + m (1 = unchanged). */
  contrast?: number;
  /** Blend with each pixel's grey: g + (x − g)·s (1 = unchanged, 0 = greyscale). */
  saturation?: number;
  /** Hue shift as a fraction of a turn, in [−0.5, 0.5] (0 = unchanged). */
  hue?: number;
}

function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.floor(v + 0.5);
}

// The weights as module constants: grey() runs per pixel.
const [WR, WG, WB] = [LUMA_R, LUMA_G, LUMA_B];

/** ITU-R BT.601 luma, as torchvision's rgb_to_grayscale. */
function grey(r: number, g: number, b: number): number {
  return WR * r + WG * g + WB * b;
}

function shiftHue(d: Uint8Array, shift: number): void {
  for (let i = 0; i < d.length; i += 3) {
    const r = d[i]! / 255;
    const g = d[i + 1]! / 255;
    const b = d[i + 2]! / 255;
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const delta = max - min;
    if (delta === 0) continue; // grey: hue undefined, unchanged
    let h: number;
    if (max === r) h = ((g - b) / delta) % 6;
    else if (max === g) h = (b - r) / delta + 2;
    else h = (r - g) / delta + 4;
    h = h / 6 + shift;
    h -= Math.floor(h);
    const s = delta / max;
    const v = max;
    const h6 = h * 6;
    const k = Math.floor(h6);
    const f = h6 - k;
    const p = v * (1 - s);
    const q = v * (1 - s * f);
    const t = v * (1 - s * (1 - f));
    const [rr, gg, bb] = [
      [v, t, p],
      [q, v, p],
      [p, v, t],
      [p, q, v],
      [t, p, v],
      [v, p, q],
    ][k % 6] as [number, number, number];
    d[i] = clampByte(rr * 255);
    d[i + 1] = clampByte(gg * 255);
    d[i + 2] = clampByte(bb * 255);
  }
}

/** Apply the given jitter factors (absent ones are identity). */
export function colorJitter(img: RgbImage, j: ColorJitter): RgbImage {
  const d = img.data.slice();
  const n = d.length;
  if (j.brightness !== undefined && j.brightness !== 1) {
    for (let i = 0; i < n; i++) d[i] = clampByte(d[i]! * j.brightness);
  }
  if (j.contrast !== undefined && j.contrast !== 1) {
    let sum = 0;
    for (let i = 0; i < n; i += 3) sum += grey(d[i]!, d[i + 1]!, d[i + 2]!);
    const mean = sum / (n / 3 || 1);
    for (let i = 0; i < n; i++) d[i] = clampByte((d[i]! - mean) * j.contrast + mean);
  }
  if (j.saturation !== undefined && j.saturation !== 1) {
    for (let i = 0; i < n; i += 3) {
      const g = grey(d[i]!, d[i + 1]!, d[i + 2]!);
      for (let c = 0; c < 3; c++) d[i + c] = clampByte(g + (d[i + c]! - g) * j.saturation);
    }
  }
  if (j.hue !== undefined && j.hue !== 0) shiftHue(d, j.hue);
  return { width: img.width, height: img.height, data: d };
}
