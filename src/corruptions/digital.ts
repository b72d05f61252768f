/**
 * Digital family: contrast, elastic_transform, pixelate, jpeg_compression, plus the held-out
 * saturate (reference: functions of the same names in
 * ImageNet-C/imagenet_c/imagenet_c/corruptions.py and make_cifar_c.py).
 */
import type { RgbImage } from '../types.js';
import {
  borderIndex,
  gaussianFilter,
  filterCols,
  filterRows,
  toBytes,
  toFloat,
} from './filters.js';
import { jpegRoundTrip } from './jpeg.js';
import { resizeBox } from './pil-box.js';
import type { CorruptionContext, Severity } from './types.js';

function image(img: RgbImage, data: Uint8Array): RgbImage {
  return { width: img.width, height: img.height, data };
}

/** (x − mean)·c + mean per channel, means over the whole image, clipped. */
export function contrast(img: RgbImage, severity: Severity, ctx: CorruptionContext): RgbImage {
  const c = ctx.params.contrast[severity - 1]!;
  const src = img.data;
  const sums = [0, 0, 0];
  for (let i = 0; i < src.length; i += 3) {
    sums[0]! += src[i]!;
    sums[1]! += src[i + 1]!;
    sums[2]! += src[i + 2]!;
  }
  const n = src.length / 3 || 1;
  const lut = new Uint8Array(768);
  for (let ch = 0; ch < 3; ch++) {
    const mean = sums[ch]! / n / 255;
    for (let v = 0; v < 256; v++) {
      const x = ((v / 255 - mean) * c + mean) * 255;
      lut[ch * 256 + v] = x >= 255 ? 255 : x > 0 ? x : 0;
    }
  }
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += 3) {
    out[i] = lut[src[i]!]!;
    out[i + 1] = lut[256 + src[i + 1]!]!;
    out[i + 2] = lut[512 + src[i + 2]!]!;
  }
  return image(img, out);
}

/**
 * Bilinear resampling of an interleaved RGB float image at per-pixel positions (sy, sx), reading
 * outside the image under a border rule. The common all-inside case skips the border logic.
 */
function remap(
  src: Float32Array,
  w: number,
  h: number,
  sy: Float64Array,
  sx: Float64Array,
  mode: 'mirror' | 'reflect',
): Float32Array {
  const out = new Float32Array(w * h * 3);
  for (let p = 0, o = 0; p < w * h; p++, o += 3) {
    const y = sy[p]!;
    const x = sx[p]!;
    const y0 = Math.floor(y);
    const x0 = Math.floor(x);
    const fy = y - y0;
    const fx = x - x0;
    let ya: number;
    let yb: number;
    let xa: number;
    let xb: number;
    if (y0 >= 0 && y0 + 1 < h && x0 >= 0 && x0 + 1 < w) {
      ya = y0 * w;
      yb = ya + w;
      xa = x0;
      xb = x0 + 1;
    } else {
      ya = borderIndex(y0, h, mode) * w;
      yb = borderIndex(y0 + 1, h, mode) * w;
      xa = borderIndex(x0, w, mode);
      xb = borderIndex(x0 + 1, w, mode);
    }
    const p00 = (ya + xa) * 3;
    const p01 = (ya + xb) * 3;
    const p10 = (yb + xa) * 3;
    const p11 = (yb + xb) * 3;
    const w11 = fy * fx;
    const w10 = fy - w11;
    const w01 = fx - w11;
    const w00 = 1 - fy - w01;
    out[o] = w00 * src[p00]! + w01 * src[p01]! + w10 * src[p10]! + w11 * src[p11]!;
    out[o + 1] =
      w00 * src[p00 + 1]! + w01 * src[p01 + 1]! + w10 * src[p10 + 1]! + w11 * src[p11 + 1]!;
    out[o + 2] =
      w00 * src[p00 + 2]! + w01 * src[p01 + 2]! + w10 * src[p10 + 2]! + w11 * src[p11 + 2]!;
  }
  return out;
}

/**
 * Elastic transform (Simard et al. 2003, via the reference's modification of a gist by
 * erniejunior): a random affine warp (three anchor points around the centre jittered by
 * U(−a, a); `cv2.warpAffine`, bilinear, BORDER_REFLECT_101), then a displacement field
 * α·G_σ * U(−1, 1) per axis (skimage gaussian, mode 'reflect', truncate 3) sampled bilinearly
 * with scipy's 'reflect' border. With pixelScale k, σ and a scale by k and α by k² (the
 * displacement is ∝ α/σ).
 */
export function elasticTransform(
  img: RgbImage,
  severity: Severity,
  ctx: CorruptionContext,
): RgbImage {
  const [alpha0, sigma0, affine0] = ctx.params.elastic_transform[severity - 1]!;
  const k = ctx.pixelScale;
  const alpha = alpha0 * k * k;
  const sigma = sigma0 * k;
  const jitter = affine0 * k;
  const { width: w, height: h } = img;
  const rng = ctx.rng;
  const x = toFloat(img.data);

  // Random affine from three anchor points (x, y) around the centre.
  const cx = Math.floor(w / 2);
  const cy = Math.floor(h / 2);
  const s = Math.floor(Math.min(w, h) / 3);
  const src = [
    [cx + s, cy + s],
    [cx + s, cy - s],
    [cx - s, cy - s],
  ] as const;
  const dst = src.map(([px, py]) => [
    Math.fround(px + rng.uniformRange(-jitter, jitter)),
    Math.fround(py + rng.uniformRange(-jitter, jitter)),
  ]);
  // Solve dst = A·src + t, then invert: warpAffine samples the source at A⁻¹(p − t).
  const [x1, y1] = src[0];
  const [x2, y2] = src[1];
  const [x3, y3] = src[2];
  const det = x1 * (y2 - y3) + x2 * (y3 - y1) + x3 * (y1 - y2);
  const solve = (v1: number, v2: number, v3: number): [number, number, number] => [
    (v1 * (y2 - y3) + v2 * (y3 - y1) + v3 * (y1 - y2)) / det,
    (v1 * (x3 - x2) + v2 * (x1 - x3) + v3 * (x2 - x1)) / det,
    (v1 * (x2 * y3 - x3 * y2) + v2 * (x3 * y1 - x1 * y3) + v3 * (x1 * y2 - x2 * y1)) / det,
  ];
  let [a11, a12, tx] = solve(dst[0]![0]!, dst[1]![0]!, dst[2]![0]!);
  let [a21, a22, ty] = solve(dst[0]![1]!, dst[1]![1]!, dst[2]![1]!);
  // Images under 3 px on a side have coincident anchors (s = 0), and a large jitter can fold
  // the triangle flat: no affine is defined, keep the identity (cv2 would fail or blow up).
  if (!Number.isFinite(a11 * a22 - a12 * a21) || Math.abs(a11 * a22 - a12 * a21) < 1e-9) {
    [a11, a12, tx, a21, a22, ty] = [1, 0, 0, 0, 1, 0];
  }
  const adet = a11 * a22 - a12 * a21;
  const i11 = a22 / adet;
  const i12 = -a12 / adet;
  const i21 = -a21 / adet;
  const i22 = a11 / adet;
  const n = w * h;
  const sy = new Float64Array(n);
  const sx = new Float64Array(n);
  for (let yy = 0, p = 0; yy < h; yy++) {
    for (let xx = 0; xx < w; xx++, p++) {
      const ux = xx - tx;
      const uy = yy - ty;
      sy[p] = i21 * ux + i22 * uy;
      sx[p] = i11 * ux + i12 * uy;
    }
  }
  const warped = remap(x, w, h, sy, sx, 'mirror');
  // α = 0 (CIFAR severity 1): the displacement is exactly zero, sampling is the identity.
  if (alpha === 0) return image(img, toBytes(warped));
  const field = (): Float32Array => {
    const u = new Float32Array(w * h);
    rng.fillUniform(u, -1, 1);
    if (Math.trunc(3 * sigma + 0.5) === 0) return u;
    const rows = filterRows(u, w, h, 1, gaussianFilter(sigma, w, 'reflect', 3));
    return filterCols(rows, w, h, 1, gaussianFilter(sigma, h, 'reflect', 3));
  };
  const dx = field();
  const dy = field();
  for (let yy = 0, p = 0; yy < h; yy++) {
    for (let xx = 0; xx < w; xx++, p++) {
      sy[p] = yy + Math.fround(dy[p]! * alpha);
      sx[p] = xx + Math.fround(dx[p]! * alpha);
    }
  }
  const out = remap(warped, w, h, sy, sx, 'reflect');
  return image(img, toBytes(out));
}

/**
 * Pixelate: Pillow `resize((int(W·c), int(H·c)), BOX)` then back to (W, H) with BOX (which, up-
 * sampling, picks the one source pixel under each output centre), bit for bit (pil-box.ts).
 */
export function pixelate(img: RgbImage, severity: Severity, ctx: CorruptionContext): RgbImage {
  const c = ctx.params.pixelate[severity - 1]!;
  const { width: w, height: h } = img;
  const sw = Math.max(1, Math.trunc(w * c));
  const sh = Math.max(1, Math.trunc(h * c));
  return image(
    img,
    resizeBox(img.data, w, h, [
      [sw, sh],
      [w, h],
    ]),
  );
}

/**
 * JPEG round trip at the severity's quality with libjpeg's standard tables and 4:2:0 chroma
 * subsampling (what PIL's `save(quality=q)` does), computed without the bitstream (jpeg.ts).
 */
export function jpegCompression(
  img: RgbImage,
  severity: Severity,
  ctx: CorruptionContext,
): RgbImage {
  const quality = ctx.params.jpeg_compression[severity - 1]!;
  return image(img, jpegRoundTrip(img.data, img.width, img.height, quality));
}

/**
 * Saturate: S ← clip(S·a + b) in HSV (skimage). Hue and value are kept, so each channel moves
 * linearly between V and V(1 − S'); a grey pixel has hue 0 (red) in skimage, so an offset b > 0
 * tints greys red, as in the reference.
 */
export function saturate(img: RgbImage, severity: Severity, ctx: CorruptionContext): RgbImage {
  const [a, b] = ctx.params.saturate[severity - 1]!;
  const src = img.data;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += 3) {
    const r = src[i]!;
    const g = src[i + 1]!;
    const bl = src[i + 2]!;
    const V = r > g ? (r > bl ? r : bl) : g > bl ? g : bl;
    if (V === 0) continue;
    const mn = r < g ? (r < bl ? r : bl) : g < bl ? g : bl;
    const delta = V - mn;
    let s2 = (delta / V) * a + b;
    s2 = s2 > 1 ? 1 : s2 < 0 ? 0 : s2;
    if (delta === 0) {
      out[i] = V;
      out[i + 1] = out[i + 2] = V * (1 - s2) + 1e-9;
      continue;
    }
    const f = (s2 * V) / delta;
    out[i] = V - f * (V - r) + 1e-9;
    out[i + 1] = V - f * (V - g) + 1e-9;
    out[i + 2] = V - f * (V - bl) + 1e-9;
  }
  return image(img, out);
}
