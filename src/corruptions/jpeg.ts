/**
 * A JPEG round trip without the bitstream: the lossy steps of a baseline libjpeg encode at
 * quality q followed by a libjpeg decode, computed directly. Entropy coding is lossless, so
 * skipping it leaves the decoded pixels unchanged; what remains is
 *   RGB → YCbCr (JFIF, rounded to 8 bits) → edge-replicated padding to 16×16 MCUs →
 *   4:2:0 chroma down-sampling (2×2 mean, alternating +1/+2 bias) → 8×8 DCT-II →
 *   quantisation with the ITU-T T.81 Annex K tables scaled by the IJG quality formula
 *   (rounded half away from zero) → de-quantisation → inverse DCT (+128, rounded, clamped) →
 *   "fancy" (triangle) chroma up-sampling → YCbCr → RGB (rounded, clamped).
 * These are the defaults of PIL's `save(format='JPEG', quality=q)` and of libjpeg-turbo's
 * decoder, which the reference uses. Differences from libjpeg are the DCT arithmetic (floating
 * point AAN here, scaled integer "islow" there): off-by-one sample values now and then, and rarely
 * a coefficient that rounds the other way.
 */

// ITU-T T.81 Annex K, tables K.1 (luminance) and K.2 (chrominance), row-major.
const LUMA = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
  14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
  92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const CHROMA = [
  17,
  18,
  24,
  47,
  99,
  99,
  99,
  99,
  18,
  21,
  26,
  66,
  99,
  99,
  99,
  99,
  24,
  26,
  56,
  99,
  99,
  99,
  99,
  99,
  47,
  66,
  99,
  99,
  99,
  99,
  99,
  99,
  ...new Array<number>(32).fill(99),
];

/** IJG `jpeg_quality_scaling` + `jpeg_add_quant_table(force_baseline = TRUE)`. */
export function quantTable(base: readonly number[], quality: number): Int32Array {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const scale = q < 50 ? Math.trunc(5000 / q) : 200 - 2 * q;
  return Int32Array.from(base, (b) =>
    Math.min(255, Math.max(1, Math.trunc((b * scale + 50) / 100))),
  );
}

// The DCT is Arai–Agui–Nakajima's factorisation (as in libjpeg's jfdctflt.c / jidctflt.c): its
// outputs are the DCT-II coefficients scaled by 8·s(u)·s(v), s(0) = 1, s(k) = √2·cos(kπ/16), so
// the scale folds into the quantiser and de-quantiser tables.
const AAN = Float64Array.from({ length: 8 }, (_, k) =>
  k === 0 ? 1 : Math.SQRT2 * Math.cos((k * Math.PI) / 16),
);
const R2 = Math.SQRT1_2;

/** 1-D forward AAN DCT of 8 values at stride `step` from `o`, in place. */
function fdct8(d: Float64Array, o: number, step: number): void {
  const d0 = d[o]!;
  const d1 = d[o + step]!;
  const d2 = d[o + 2 * step]!;
  const d3 = d[o + 3 * step]!;
  const d4 = d[o + 4 * step]!;
  const d5 = d[o + 5 * step]!;
  const d6 = d[o + 6 * step]!;
  const d7 = d[o + 7 * step]!;
  const t0 = d0 + d7;
  const t7 = d0 - d7;
  const t1 = d1 + d6;
  const t6 = d1 - d6;
  const t2 = d2 + d5;
  const t5 = d2 - d5;
  const t3 = d3 + d4;
  const t4 = d3 - d4;
  const e10 = t0 + t3;
  const e13 = t0 - t3;
  const e11 = t1 + t2;
  const e12 = t1 - t2;
  d[o] = e10 + e11;
  d[o + 4 * step] = e10 - e11;
  const z1 = (e12 + e13) * R2;
  d[o + 2 * step] = e13 + z1;
  d[o + 6 * step] = e13 - z1;
  const o10 = t4 + t5;
  const o11 = t5 + t6;
  const o12 = t6 + t7;
  const z5 = (o10 - o12) * 0.38268343236509;
  const z2 = 0.541196100146197 * o10 + z5;
  const z4 = 1.306562964876377 * o12 + z5;
  const z3 = o11 * R2;
  const z11 = t7 + z3;
  const z13 = t7 - z3;
  d[o + 5 * step] = z13 + z2;
  d[o + 3 * step] = z13 - z2;
  d[o + step] = z11 + z4;
  d[o + 7 * step] = z11 - z4;
}

/** 1-D inverse AAN DCT of 8 values at stride `step` from `o`, in place (output ×2√2). */
function idct8(d: Float64Array, o: number, step: number): void {
  const i0 = d[o]!;
  const i1 = d[o + step]!;
  const i2 = d[o + 2 * step]!;
  const i3 = d[o + 3 * step]!;
  const i4 = d[o + 4 * step]!;
  const i5 = d[o + 5 * step]!;
  const i6 = d[o + 6 * step]!;
  const i7 = d[o + 7 * step]!;
  const t10 = i0 + i4;
  const t11 = i0 - i4;
  const t13 = i2 + i6;
  const t12 = (i2 - i6) * Math.SQRT2 - t13;
  const e0 = t10 + t13;
  const e3 = t10 - t13;
  const e1 = t11 + t12;
  const e2 = t11 - t12;
  const z13 = i5 + i3;
  const z10 = i5 - i3;
  const z11 = i1 + i7;
  const z12 = i1 - i7;
  const t7 = z11 + z13;
  const u11 = (z11 - z13) * Math.SQRT2;
  const z5 = (z10 + z12) * 1.847759065022573;
  const u10 = z5 - z12 * 1.082392200292394;
  const u12 = z5 - z10 * 2.613125929752753;
  const t6 = u12 - t7;
  const t5 = u11 - t6;
  const t4 = u10 - t5;
  d[o] = e0 + t7;
  d[o + 7 * step] = e0 - t7;
  d[o + step] = e1 + t6;
  d[o + 6 * step] = e1 - t6;
  d[o + 2 * step] = e2 + t5;
  d[o + 5 * step] = e2 - t5;
  d[o + 3 * step] = e3 + t4;
  d[o + 4 * step] = e3 - t4;
}

/** Divisors (forward) and multipliers (inverse) with the AAN scale folded in. */
function scaledTables(q: Int32Array): { div: Float64Array; mul: Float64Array } {
  const div = new Float64Array(64);
  const mul = new Float64Array(64);
  for (let v = 0; v < 8; v++) {
    for (let u = 0; u < 8; u++) {
      const s = AAN[v]! * AAN[u]!;
      div[v * 8 + u] = q[v * 8 + u]! * 8 * s;
      mul[v * 8 + u] = (q[v * 8 + u]! * s) / 8;
    }
  }
  return { div, mul };
}

/**
 * Quantise and reconstruct one 8×8 block in place (`block` holds samples − 128 on entry and the
 * reconstructed samples − 128 on exit). Levels are rounded half away from zero, as libjpeg does.
 */
function roundTripBlock(block: Float64Array, div: Float64Array, mul: Float64Array): void {
  for (let r = 0; r < 64; r += 8) fdct8(block, r, 1);
  for (let c = 0; c < 8; c++) fdct8(block, c, 8);
  let ac = false;
  for (let i = 0; i < 64; i++) {
    const f = block[i]! / div[i]!;
    const level = f < 0 ? -Math.floor(0.5 - f) : Math.floor(f + 0.5);
    if (level !== 0 && i !== 0) ac = true;
    block[i] = level * mul[i]!;
  }
  if (!ac) {
    // DC only (most blocks at these qualities): a flat block.
    block.fill(block[0]!);
    return;
  }
  for (let c = 0; c < 8; c++) idct8(block, c, 8);
  for (let r = 0; r < 64; r += 8) idct8(block, r, 1);
}

const block = new Float64Array(64);

/** Round-trip a plane (width pw, height ph, both multiples of 8) through the DCT in place. */
function roundTripPlane(plane: Float32Array, pw: number, ph: number, q: Int32Array): void {
  const { div, mul } = scaledTables(q);
  for (let by = 0; by < ph; by += 8) {
    for (let bx = 0; bx < pw; bx += 8) {
      for (let y = 0; y < 8; y++) {
        const row = (by + y) * pw + bx;
        for (let x = 0; x < 8; x++) block[y * 8 + x] = plane[row + x]! - 128;
      }
      roundTripBlock(block, div, mul);
      for (let y = 0; y < 8; y++) {
        const row = (by + y) * pw + bx;
        for (let x = 0; x < 8; x++) {
          const v = Math.floor(block[y * 8 + x]! + 128.5);
          plane[row + x] = v < 0 ? 0 : v > 255 ? 255 : v;
        }
      }
    }
  }
}

/** JPEG-compress and decompress an interleaved RGB image at `quality` with 4:2:0 chroma. */
export function jpegRoundTrip(src: Uint8Array, w: number, h: number, quality: number): Uint8Array {
  const ql = quantTable(LUMA, quality);
  const qc = quantTable(CHROMA, quality);
  const pw = Math.ceil(w / 16) * 16;
  const ph = Math.ceil(h / 16) * 16;
  const Y = new Float32Array(pw * ph);
  const Cb = new Float32Array(pw * ph);
  const Cr = new Float32Array(pw * ph);
  for (let y = 0; y < ph; y++) {
    const sy = y < h ? y : h - 1;
    for (let x = 0; x < pw; x++) {
      const sx = x < w ? x : w - 1;
      const s = (sy * w + sx) * 3;
      const r = src[s]!;
      const g = src[s + 1]!;
      const b = src[s + 2]!;
      const d = y * pw + x;
      Y[d] = Math.floor(0.299 * r + 0.587 * g + 0.114 * b + 0.5);
      Cb[d] = Math.floor(-0.168735892 * r - 0.331264108 * g + 0.5 * b + 128.5);
      Cr[d] = Math.floor(0.5 * r - 0.418687589 * g - 0.081312411 * b + 128.5);
    }
  }
  // 4:2:0 down-sampling (libjpeg h2v2_downsample): bias 1, 2, 1, 2, … across each row.
  const cw = pw / 2;
  const chh = ph / 2;
  const cb = new Float32Array(cw * chh);
  const cr = new Float32Array(cw * chh);
  for (let y = 0; y < chh; y++) {
    const r0 = 2 * y * pw;
    const r1 = r0 + pw;
    for (let x = 0; x < cw; x++) {
      const bias = (x & 1) === 0 ? 1 : 2;
      const i = 2 * x;
      cb[y * cw + x] = (Cb[r0 + i]! + Cb[r0 + i + 1]! + Cb[r1 + i]! + Cb[r1 + i + 1]! + bias) >> 2;
      cr[y * cw + x] = (Cr[r0 + i]! + Cr[r0 + i + 1]! + Cr[r1 + i]! + Cr[r1 + i + 1]! + bias) >> 2;
    }
  }
  roundTripPlane(Y, pw, ph, ql);
  roundTripPlane(cb, cw, chh, qc);
  roundTripPlane(cr, cw, chh, qc);
  // Fancy up-sampling (libjpeg h2v2_fancy_upsample) over the component's real extent.
  const dw = Math.ceil(w / 2);
  const dh = Math.ceil(h / 2);
  const up = (c: Float32Array): Float32Array => {
    const out = new Float32Array(w * h);
    const colsum = new Int32Array(dw);
    for (let oy = 0; oy < h; oy++) {
      const near = oy >> 1;
      const far = (oy & 1) === 0 ? Math.max(0, near - 1) : Math.min(dh - 1, near + 1);
      for (let x = 0; x < dw; x++) colsum[x] = 3 * c[near * cw + x]! + c[far * cw + x]!;
      const o = oy * w;
      if (dw === 1) {
        out[o] = (colsum[0]! * 4 + 8) >> 4;
        if (w > 1) out[o + 1] = (colsum[0]! * 4 + 7) >> 4;
        continue;
      }
      out[o] = (colsum[0]! * 4 + 8) >> 4;
      if (1 < w) out[o + 1] = (colsum[0]! * 3 + colsum[1]! + 7) >> 4;
      for (let x = 1; x < dw - 1; x++) {
        const c0 = colsum[x]! * 3;
        if (2 * x < w) out[o + 2 * x] = (c0 + colsum[x - 1]! + 8) >> 4;
        if (2 * x + 1 < w) out[o + 2 * x + 1] = (c0 + colsum[x + 1]! + 7) >> 4;
      }
      const last = dw - 1;
      if (2 * last < w) out[o + 2 * last] = (colsum[last]! * 3 + colsum[last - 1]! + 8) >> 4;
      if (2 * last + 1 < w) out[o + 2 * last + 1] = (colsum[last]! * 4 + 7) >> 4;
    }
    return out;
  };
  const ub = up(cb);
  const ur = up(cr);
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const yy = Y[y * pw + x]!;
      const p = y * w + x;
      const b = ub[p]! - 128;
      const r = ur[p]! - 128;
      const R = Math.floor(yy + 1.402 * r + 0.5);
      const G = Math.floor(yy - 0.344136286 * b - 0.714136286 * r + 0.5);
      const B = Math.floor(yy + 1.772 * b + 0.5);
      out[p * 3] = R < 0 ? 0 : R > 255 ? 255 : R;
      out[p * 3 + 1] = G < 0 ? 0 : G > 255 ? 255 : G;
      out[p * 3 + 2] = B < 0 ? 0 : B > 255 ? 255 : B;
    }
  }
  return out;
}
