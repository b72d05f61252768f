/**
 * Blur family: defocus_blur, glass_blur, motion_blur, zoom_blur, gaussian_blur (reference:
 * functions of the same names in ImageNet-C/imagenet_c/imagenet_c/corruptions.py and
 * make_cifar_c.py).
 */
import type { RgbImage } from '../types.js';
import {
  borderIndex,
  clippedZoomAxis,
  gaussianBlurBytes,
  motionBlur as motionBlurBytes,
  resampleLinear,
  toBytes,
  toFloat,
} from './filters.js';
import type { CorruptionContext, Severity } from './types.js';
import { reserve, wasmKernels } from './wasm.js';

function image(img: RgbImage, data: Uint8Array): RgbImage {
  return { width: img.width, height: img.height, data };
}

/** skimage `gaussian(sigma=c)` (mode 'nearest', truncate 4), clipped. */
export function gaussianBlur(img: RgbImage, severity: Severity, ctx: CorruptionContext): RgbImage {
  const sigma = ctx.params.gaussian_blur[severity - 1]! * ctx.pixelScale;
  const { width: w, height: h } = img;
  return image(img, gaussianBlurBytes(img.data, w, h, 3, sigma));
}

/**
 * Gaussian blur, then "locally shuffle pixels", then Gaussian blur again. The reference loops
 * h from H−δ down to δ+1 and w likewise, draws dx, dy = randint(−δ, δ) (so in [−δ, δ−1]) and
 * runs `x[h, w], x[h', w'] = x[h', w'], x[h, w]` on numpy views: that copies pixel (h', w') onto
 * (h, w) and leaves (h', w') as it was. We reproduce that copy (it is what ImageNet-C contains),
 * not a true swap. The intermediate image is uint8 (truncated), as in the reference.
 */
export function glassBlur(img: RgbImage, severity: Severity, ctx: CorruptionContext): RgbImage {
  const [sigma0, delta0, iterations] = ctx.params.glass_blur[severity - 1]!;
  const sigma = sigma0 * ctx.pixelScale;
  const delta = Math.max(1, Math.round(delta0 * ctx.pixelScale));
  const { width: w, height: h } = img;
  const x = gaussianBlurBytes(img.data, w, h, 3, sigma);
  const span = 2 * delta;
  const perPass = Math.max(0, h - 2 * delta) * Math.max(0, w - 2 * delta);
  const raw = new Int32Array(perPass);
  for (let it = 0; it < iterations; it++) {
    ctx.rng.fillI32(raw);
    let k = 0;
    for (let yy = h - delta; yy > delta; yy--) {
      for (let xx = w - delta; xx > delta; xx--) {
        // One draw gives both offsets: two 16-bit halves, each scaled to [0, 2δ).
        const r = raw[k++]! >>> 0;
        const dx = (((r & 0xffff) * span) >>> 16) - delta;
        const dy = (((r >>> 16) * span) >>> 16) - delta;
        const sy = yy + dy;
        const sx = xx + dx;
        if (sy < 0 || sy >= h || sx < 0 || sx >= w) continue;
        const d = (yy * w + xx) * 3;
        const s = (sy * w + sx) * 3;
        x[d] = x[s]!;
        x[d + 1] = x[s + 1]!;
        x[d + 2] = x[s + 2]!;
      }
    }
  }
  return image(img, gaussianBlurBytes(x, w, h, 3, sigma));
}

/**
 * Defocus: `cv2.filter2D` (BORDER_REFLECT_101) with the reference's `disk(radius, alias_blur)`:
 * the aliased disk X² + Y² ≤ r² normalised, smoothed by a 3×3 (r ≤ 8) or 5×5 Gaussian of σ =
 * alias_blur. Because convolution is associative we blur the image with the small Gaussian and
 * then sum over the disk with row prefix sums: O(r) per pixel instead of O(r²). Identical to the
 * reference except that cv2 folds the Gaussian's spill past the kernel's own 17×17 (or
 * (2r+1)²) grid back in (reflect-101) when r ≥ 8; that moves < 0.3 % of the kernel mass by two
 * pixels. Radii are rounded down to whole pixels for the disk grid when pixelScale ≠ 1.
 */
export function defocusBlur(img: RgbImage, severity: Severity, ctx: CorruptionContext): RgbImage {
  const [r0, aliasSigma] = ctx.params.defocus_blur[severity - 1]!;
  const radius = r0 * ctx.pixelScale;
  const { width: w, height: h } = img;
  const R = Math.floor(radius); // disk half-extent in whole pixels
  const g = radius <= 8 ? 1 : 2; // half of ksize (3, 3) or (5, 5)
  // 1-D Gaussian of cv2.getGaussianKernel(ksize, sigma).
  const gk: number[] = [];
  let gs = 0;
  for (let i = -g; i <= g; i++) {
    const v = Math.exp(-(i * i) / (2 * aliasSigma * aliasSigma));
    gk.push(v);
    gs += v;
  }
  for (let i = 0; i < gk.length; i++) gk[i]! /= gs;
  // Disk half-widths per row and point count.
  const r2 = radius * radius;
  const half = new Int32Array(2 * R + 1);
  let count = 0;
  for (let dy = -R; dy <= R; dy++) {
    let hw = Math.floor(Math.sqrt(Math.max(0, r2 - dy * dy)));
    while (hw * hw + dy * dy > r2) hw--;
    while ((hw + 1) * (hw + 1) + dy * dy <= r2) hw++;
    half[dy + R] = hw;
    count += 2 * hw + 1;
  }
  const P = R + g;
  const pw = w + 2 * P;
  const ph = h + 2 * P;
  const src = img.data;
  // Reflect-101 padded copy, floats 0..255.
  const xmap = new Int32Array(pw);
  for (let i = 0; i < pw; i++) xmap[i] = borderIndex(i - P, w, 'mirror') * 3;
  const pad = new Float32Array(pw * ph * 3);
  for (let y = 0; y < ph; y++) {
    const sr = borderIndex(y - P, h, 'mirror') * w * 3;
    const dr = y * pw * 3;
    for (let x = 0; x < pw; x++) {
      const s = sr + xmap[x]!;
      const d = dr + x * 3;
      pad[d] = src[s]!;
      pad[d + 1] = src[s + 1]!;
      pad[d + 2] = src[s + 2]!;
    }
  }
  // Small Gaussian (valid region, horizontal then vertical into (h+2R)×(w+2R)), fused with row
  // prefix sums, then the disk sums: in the WebAssembly kernels (kernels.c defocus_disk, the same
  // double arithmetic in the same order as the scalar code it replaced).
  const k = wasmKernels();
  const qw = w + 2 * R;
  const qh = h + 2 * R;
  const [pPad, pOut, pGk, pHalf, pWork] = reserve(k, [
    pad.byteLength,
    w * h * 3,
    8 * gk.length,
    4 * half.length,
    8 * (qw + 1) * 3 * qh + 4 * qw * ph * 3,
  ]) as [number, number, number, number, number];
  const buf = k.memory.buffer;
  new Float32Array(buf, pPad, pad.length).set(pad);
  new Float64Array(buf, pGk, gk.length).set(gk);
  new Int32Array(buf, pHalf, half.length).set(half);
  k.defocus_disk(pPad, pOut, w, h, R, g, pGk, pHalf, count, pWork);
  const out = new Uint8Array(buf, pOut, w * h * 3).slice();
  return image(img, out);
}

/**
 * ImageMagick `MotionBlurImage(radius, sigma, angle)` with angle ~ U(−45°, 45°), implemented
 * directly (see {@link motionBlurBytes}); the reference calls it through Wand.
 */
export function motionBlur(img: RgbImage, severity: Severity, ctx: CorruptionContext): RgbImage {
  const [radius, sigma] = ctx.params.motion_blur[severity - 1]!;
  const angle = ctx.rng.uniformRange(-45, 45);
  const k = ctx.pixelScale;
  const { width: w, height: h } = img;
  return image(img, motionBlurBytes(img.data, w, h, 3, radius * k, sigma * k, angle));
}

/**
 * Mean of the image and its `clipped_zoom`s (centre crop of ceil(n/z), scipy linear zoom,
 * centre trim) over the severity's zoom factors. Rows and columns are zoomed per axis (the
 * reference uses the height for both, so it only runs on square images).
 */
export function zoomBlur(img: RgbImage, severity: Severity, ctx: CorruptionContext): RgbImage {
  const zooms = ctx.params.zoom_blur[severity - 1]!;
  const { width: w, height: h } = img;
  const x = toFloat(img.data);
  const acc = x.slice();
  for (const z of zooms) {
    const zoomed = resampleLinear(x, w, 3, clippedZoomAxis(h, z), clippedZoomAxis(w, z));
    for (let i = 0; i < acc.length; i++) acc[i]! += zoomed[i]!;
  }
  const inv = 1 / (zooms.length + 1);
  for (let i = 0; i < acc.length; i++) acc[i]! *= inv;
  return image(img, toBytes(acc));
}
