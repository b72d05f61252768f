/**
 * Weather family: snow, frost, fog, brightness, plus the held-out spatter (reference: functions
 * of the same names in ImageNet-C/imagenet_c/imagenet_c/corruptions.py and make_cifar_c.py).
 */
import type { RgbImage } from '../types.js';
import { spatterShade } from './cv-ops.js';
import { clippedZoomAxis, gaussianBlur, motionBlur, resampleLinear, toBytes } from './filters.js';
import { frostTexture } from './frost-texture.js';
import { plasmaFractal } from './plasma.js';
import type { CorruptionContext, Severity } from './types.js';

function image(img: RgbImage, data: Uint8Array): RgbImage {
  return { width: img.width, height: img.height, data };
}

/**
 * Snow: a N(loc, scale) layer, `clipped_zoom`ed by `zoom` (bigger flakes), zeroed below the
 * threshold, motion-blurred (ImageMagick kernel, angle ~ U(−135°, −45°)); the image is blended
 * towards max(x, 1.5·gray + 0.5) and the layer is added twice (as is and rotated by 180°).
 * Only the centre crop the zoom reads is drawn, which leaves the distribution unchanged.
 */
export function snow(img: RgbImage, severity: Severity, ctx: CorruptionContext): RgbImage {
  const [loc, scale, zoom0, threshold, mbRadius, mbSigma, blend] = ctx.params.snow[severity - 1]!;
  const k = ctx.pixelScale;
  const zoom = zoom0 * k;
  const { width: w, height: h } = img;
  const ys = clippedZoomAxis(h, zoom);
  const xs = clippedZoomAxis(w, zoom);
  const rowTop = ys.i0[0]!;
  const colTop = xs.i0[0]!;
  const cropH = ys.i1[h - 1]! - rowTop + 1;
  const cropW = xs.i1[w - 1]! - colTop + 1;
  for (let i = 0; i < h; i++) {
    ys.i0[i]! -= rowTop;
    ys.i1[i]! -= rowTop;
  }
  for (let i = 0; i < w; i++) {
    xs.i0[i]! -= colTop;
    xs.i1[i]! -= colTop;
  }
  const noise = new Float32Array(cropH * cropW);
  ctx.rng.fillNormal(noise, loc, scale);
  const layer = resampleLinear(noise, cropW, 1, ys, xs);
  for (let i = 0; i < layer.length; i++) if (layer[i]! < threshold) layer[i] = 0;
  const angle = ctx.rng.uniformRange(-135, -45);
  const flakes = motionBlur(toBytes(layer), w, h, 1, mbRadius * k, mbSigma * k, angle);
  const src = img.data;
  const out = new Uint8Array(src.length);
  const n = w * h;
  for (let p = 0; p < n; p++) {
    const r = src[p * 3]! / 255;
    const g = src[p * 3 + 1]! / 255;
    const b = src[p * 3 + 2]! / 255;
    const lift = (0.299 * r + 0.587 * g + 0.114 * b) * 1.5 + 0.5;
    const add = (flakes[p]! + flakes[n - 1 - p]!) / 255;
    const vr = (blend * r + (1 - blend) * Math.max(r, lift) + add) * 255;
    const vg = (blend * g + (1 - blend) * Math.max(g, lift) + add) * 255;
    const vb = (blend * b + (1 - blend) * Math.max(b, lift) + add) * 255;
    out[p * 3] = vr >= 255 ? 255 : vr;
    out[p * 3 + 1] = vg >= 255 ? 255 : vg;
    out[p * 3 + 2] = vb >= 255 ? 255 : vb;
  }
  return image(img, out);
}

/**
 * Frost: a·x + b·frost, clipped, with one of five frost textures (randint(5)) cropped at a random
 * offset. Textures are procedural stand-ins for the reference photographs (frost-texture.ts);
 * crops wrap around when the image is larger than the texture.
 */
export function frost(img: RgbImage, severity: Severity, ctx: CorruptionContext): RgbImage {
  const [a, b] = ctx.params.frost[severity - 1]!;
  const rng = ctx.rng;
  const tex = frostTexture(rng.int(0, 5), ctx.table === 'cifar');
  const { width: w, height: h } = img;
  const k = ctx.pixelScale;
  // Texture pixels covered by the image (more or fewer when pixel-valued parameters scale).
  const sh = Math.max(1, Math.round(h / k));
  const sw = Math.max(1, Math.round(w / k));
  const y0 = tex.height > sh ? rng.int(0, tex.height - sh) : rng.int(0, tex.height);
  const x0 = tex.width > sw ? rng.int(0, tex.width - sw) : rng.int(0, tex.width);
  const src = img.data;
  const out = new Uint8Array(src.length);
  const td = tex.data;
  for (let y = 0; y < h; y++) {
    const ty = (y0 + (sh === h ? y : Math.floor(((y + 0.5) * sh) / h))) % tex.height;
    for (let x = 0; x < w; x++) {
      const tx = (x0 + (sw === w ? x : Math.floor(((x + 0.5) * sw) / w))) % tex.width;
      const t = (ty * tex.width + tx) * 3;
      const o = (y * w + x) * 3;
      for (let c = 0; c < 3; c++) {
        const v = a * src[o + c]! + b * td[t + c]!;
        out[o + c] = v >= 255 ? 255 : v;
      }
    }
  }
  return image(img, out);
}

/**
 * Fog: x + amount·plasma, rescaled by max/(max + amount) and clipped. The plasma map is the
 * reference's size (256 for the ImageNet table, 32 for CIFAR) and, being toroidal, tiles without
 * seams over larger images; with pixelScale ≠ 1 the map grows to the next power of two.
 */
export function fog(img: RgbImage, severity: Severity, ctx: CorruptionContext): RgbImage {
  const [amount, decay] = ctx.params.fog[severity - 1]!;
  const base = ctx.table === 'cifar' ? 32 : 256;
  let size = base;
  if (ctx.pixelScale !== 1) {
    size = 2;
    while (size < base * ctx.pixelScale) size *= 2;
  }
  const map = plasmaFractal(size, decay, ctx.rng);
  const src = img.data;
  let max = 0;
  for (let i = 0; i < src.length; i++) if (src[i]! > max) max = src[i]!;
  const maxv = max / 255;
  const gain = (maxv / (maxv + amount)) * 255;
  const { width: w, height: h } = img;
  const out = new Uint8Array(src.length);
  const mask = size - 1;
  for (let y = 0; y < h; y++) {
    const row = (y & mask) * size;
    for (let x = 0; x < w; x++) {
      const f = amount * map[row + (x & mask)]!;
      const o = (y * w + x) * 3;
      for (let c = 0; c < 3; c++) {
        const v = (src[o + c]! / 255 + f) * gain;
        out[o + c] = v >= 255 ? 255 : v;
      }
    }
  }
  return image(img, out);
}

/**
 * Brightness: V += c in HSV (skimage rgb2hsv/hsv2rgb), clipped. With hue and saturation fixed,
 * hsv2rgb is linear in V, so every channel scales by V'/V; black (V = 0, S = 0) becomes grey V'.
 */
export function brightness(img: RgbImage, severity: Severity, ctx: CorruptionContext): RgbImage {
  const c = ctx.params.brightness[severity - 1]!;
  const scale = new Float64Array(256);
  for (let m = 1; m < 256; m++) scale[m] = (Math.min(m / 255 + c, 1) * 255) / m;
  const black = Math.min(c, 1) * 255 + 1e-9;
  const src = img.data;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += 3) {
    const r = src[i]!;
    const g = src[i + 1]!;
    const b = src[i + 2]!;
    const m = r > g ? (r > b ? r : b) : g > b ? g : b;
    if (m === 0) {
      out[i] = out[i + 1] = out[i + 2] = black;
      continue;
    }
    const s = scale[m]!;
    // + 1e-9: products that are whole numbers in exact arithmetic must not truncate one lower.
    out[i] = r * s + 1e-9;
    out[i + 1] = g * s + 1e-9;
    out[i + 2] = b * s + 1e-9;
  }
  return image(img, out);
}

/** Water (pale turquoise) for severities with mud = 0, mud (brown) otherwise. */
const WATER = [175 / 255, 238 / 255, 238 / 255] as const;
const MUD = [63 / 255, 42 / 255, 20 / 255] as const;

/**
 * Spatter: a N(loc, scale) layer blurred (σ) and thresholded. Water: the layer's Canny edges,
 * distance to them (capped at 20), box blur, histogram equalisation and an emboss kernel give a
 * shading added in pale turquoise. Mud: the thresholded mask, blurred and cut at 0.8, blends the
 * image towards brown.
 */
export function spatter(img: RgbImage, severity: Severity, ctx: CorruptionContext): RgbImage {
  const [loc, scale, sigma, threshold, intensity, mud] = ctx.params.spatter[severity - 1]!;
  const k = ctx.pixelScale;
  const { width: w, height: h } = img;
  const n = w * h;
  const noise = new Float32Array(n);
  ctx.rng.fillNormal(noise, loc, scale);
  const liquid = gaussianBlur(noise, w, h, 1, sigma * k);
  const src = img.data;
  if (mud === 0) {
    // astype(uint8) of liquid·255 after zeroing below the threshold; the reference would wrap
    // above 1.0, which its parameters practically never reach: we saturate instead.
    const l8 = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const v = liquid[i]!;
      if (v < threshold) continue;
      const b = v * 255;
      l8[i] = b >= 255 ? 255 : b;
    }
    const shade = spatterShade(l8, w, h);
    // cv2.blur on 8-bit data rounds back to 8 bits. Where the layer is 0 (most pixels) the
    // water adds 0 and the pixel stays as it is.
    let max = 0;
    for (let i = 0; i < n; i++) {
      const l = l8[i]!;
      if (l === 0) continue;
      const v = l * Math.floor(shade[i]! + 0.5);
      shade[i] = v;
      if (v > max) max = v;
    }
    const norm = max > 0 ? intensity / max : 0;
    const k0 = norm * WATER[0] * 255;
    const k1 = norm * WATER[1] * 255;
    const k2 = norm * WATER[2] * 255;
    const out = src.slice();
    for (let p = 0, q = 0; p < n; p++, q += 3) {
      if (l8[p] === 0) continue;
      const mv = shade[p]!;
      const r = src[q]! + mv * k0;
      const g = src[q + 1]! + mv * k1;
      const b = src[q + 2]! + mv * k2;
      out[q] = r >= 255 ? 255 : r;
      out[q + 1] = g >= 255 ? 255 : g;
      out[q + 2] = b >= 255 ? 255 : b;
    }
    return image(img, out);
  }
  for (let i = 0; i < n; i++) if (liquid[i]! < threshold) liquid[i] = 0;
  const out = new Uint8Array(src.length);
  const mask = new Float32Array(n);
  for (let i = 0; i < n; i++) mask[i] = liquid[i]! > threshold ? 1 : 0;
  const m = gaussianBlur(mask, w, h, 1, intensity * k);
  for (let p = 0; p < n; p++) {
    let mv = m[p]!;
    if (mv < 0.8) mv = 0;
    for (let c = 0; c < 3; c++) {
      const v = ((src[p * 3 + c]! / 255) * (1 - mv) + MUD[c]! * mv) * 255;
      out[p * 3 + c] = v >= 255 ? 255 : v > 0 ? v : 0;
    }
  }
  return image(img, out);
}
