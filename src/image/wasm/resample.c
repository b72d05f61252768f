/*
 * The separable passes of the resamplers (src/image/resample-*.ts), compiled to WebAssembly with
 * 128-bit SIMD by scripts/build-wasm.mjs. Each pass does the arithmetic of the library it
 * reproduces, in the same order and precision, so the output bytes are those of the TypeScript
 * definitions beside it (and of the library: the goldens in test/fixtures/resize/). The tap
 * tables (first source index, weights) are made in TypeScript and passed in; every pointer
 * argument points into this module's memory (src/wasm.ts lays it out).
 *
 * Every pass takes its output window already cut: the tables hold only the output columns or
 * rows wanted, so a centre crop resamples only the pixels it keeps (each output pixel depends
 * on its own taps only, so the bytes are the same as resizing everything and cropping).
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))

/*
 * An optimisation barrier: clang 14 folds some vector conversions next to shuffles (u8 → float,
 * f32 ↔ f64 of vector halves) into per-lane scalar code, several times slower. Passing the value
 * through an empty asm statement keeps each one a single SIMD instruction; it emits no code.
 */
static inline v128_t opaque(v128_t x) {
  __asm__("" : "+r"(x));
  return x;
}

/* Four bytes at p (the caller leaves slack after the source) as 32-bit lanes. */
static inline v128_t load_u8x4(const uint8_t *p) {
  return wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(wasm_v128_load32_zero(p)));
}

/* Lanes 0..2 of a (0..255 after saturation) stored as three bytes. */
static inline void store_rgb(uint8_t *o, v128_t v) {
  const v128_t s16 = wasm_i16x8_narrow_i32x4(v, v);
  const v128_t s8 = wasm_u8x16_narrow_i16x8(s16, s16);
  wasm_v128_store16_lane(o, s8, 0);
  wasm_v128_store8_lane(o + 2, s8, 2);
}

/* ------------------------------------------------------------------------------------------ */
/* Pillow (Resample.c, ImagingResampleHorizontal_8bpc / ImagingResampleVertical_8bpc)          */

#define PIL_BITS 22

/*
 * Along x: `rows` rows of interleaved RGB (src rows `sstride` bytes apart) into rows of ow
 * pixels. Output o = clip8(2^21 + Σ_t k[o·ksize + t]·p[first[o] + t]) per channel, in 32-bit
 * integers (wrapping, as Pillow's int accumulator), clip8 = (s >> 22) clamped to 0..255.
 */
EXPORT("pil_h")
void pil_h(const uint8_t *src, int sstride, uint8_t *out, int rows, int ow, const int32_t *first,
           const int32_t *count, const int32_t *weights, int ksize) {
  const v128_t half = wasm_i32x4_splat(1 << (PIL_BITS - 1));
  for (int y = 0; y < rows; y++) {
    const uint8_t *row = src + (long)y * sstride;
    uint8_t *o = out + (long)y * ow * 3;
    for (int x = 0; x < ow; x++) {
      const uint8_t *p = row + first[x] * 3;
      const int32_t *k = weights + (long)x * ksize;
      const int n = count[x];
      v128_t a = half, b = wasm_i32x4_splat(0);
      int t = 0;
      /* Two partial sums (one per tap parity) hide the multiply latency; integer addition is
       * associative modulo 2^32, so the sum is the same. */
      for (; t + 2 <= n; t += 2, p += 6) {
        a = wasm_i32x4_add(a, wasm_i32x4_mul(load_u8x4(p), wasm_i32x4_splat(k[t])));
        b = wasm_i32x4_add(b, wasm_i32x4_mul(load_u8x4(p + 3), wasm_i32x4_splat(k[t + 1])));
      }
      if (t < n) a = wasm_i32x4_add(a, wasm_i32x4_mul(load_u8x4(p), wasm_i32x4_splat(k[t])));
      store_rgb(o + 3 * x, wasm_i32x4_shr(wasm_i32x4_add(a, b), PIL_BITS));
    }
  }
}

/*
 * Along y: output row y = clip8(2^21 + Σ_t k[y·ksize + t]·row(first[y] + t)), `width` bytes per
 * row (rows of src `sstride` bytes apart, of out `width`), sixteen values at a time.
 */
EXPORT("pil_v")
void pil_v(const uint8_t *src, int sstride, uint8_t *out, int width, int oh, const int32_t *first,
           const int32_t *count, const int32_t *weights, int ksize) {
  const v128_t half = wasm_i32x4_splat(1 << (PIL_BITS - 1));
  for (int y = 0; y < oh; y++) {
    const uint8_t *top = src + (long)first[y] * sstride;
    const int32_t *k = weights + (long)y * ksize;
    const int n = count[y];
    uint8_t *o = out + (long)y * width;
    int i = 0;
    for (; i + 16 <= width; i += 16) {
      v128_t a0 = half, a1 = half, a2 = half, a3 = half;
      for (int t = 0; t < n; t++) {
        const v128_t v = wasm_v128_load(top + (long)t * sstride + i);
        const v128_t kt = wasm_i32x4_splat(k[t]);
        const v128_t lo = wasm_u16x8_extend_low_u8x16(v), hi = wasm_u16x8_extend_high_u8x16(v);
        a0 = wasm_i32x4_add(a0, wasm_i32x4_mul(wasm_u32x4_extend_low_u16x8(lo), kt));
        a1 = wasm_i32x4_add(a1, wasm_i32x4_mul(wasm_u32x4_extend_high_u16x8(lo), kt));
        a2 = wasm_i32x4_add(a2, wasm_i32x4_mul(wasm_u32x4_extend_low_u16x8(hi), kt));
        a3 = wasm_i32x4_add(a3, wasm_i32x4_mul(wasm_u32x4_extend_high_u16x8(hi), kt));
      }
      /* clip8: >> 22, then the saturating narrows clamp to 0..255. */
      const v128_t l16 = wasm_i16x8_narrow_i32x4(wasm_i32x4_shr(a0, PIL_BITS),
                                                 wasm_i32x4_shr(a1, PIL_BITS));
      const v128_t h16 = wasm_i16x8_narrow_i32x4(wasm_i32x4_shr(a2, PIL_BITS),
                                                 wasm_i32x4_shr(a3, PIL_BITS));
      wasm_v128_store(o + i, wasm_u8x16_narrow_i16x8(l16, h16));
    }
    for (; i < width; i++) {
      int32_t s = 1 << (PIL_BITS - 1);
      for (int t = 0; t < n; t++) s += top[(long)t * sstride + i] * k[t];
      s >>= PIL_BITS;
      o[i] = (uint8_t)(s < 0 ? 0 : s > 255 ? 255 : s);
    }
  }
}

/* ------------------------------------------------------------------------------------------ */
/* OpenCV (imgproc/src/resize.cpp, HResizeLinear / HResizeCubic, VResizeLinear / VResizeCubic)  */

/*
 * Along x into 32-bit sums: `rows` rows of src (sstride bytes apart), output pixel o of each
 * = Σ_k alpha[o·K + k]·p[ofs[o·K + k] + c] over K taps (2 or 4; border taps already clamped or
 * given weight 0 by the caller), ow pixels per row.
 */
EXPORT("cv_h")
void cv_h(const uint8_t *src, int sstride, int32_t *out, int rows, int ow, const int32_t *ofs,
          const int32_t *alpha, int K) {
  for (int y = 0; y < rows; y++) {
    const uint8_t *row = src + (long)y * sstride;
    int32_t *o = out + (long)y * ow * 3;
    for (int x = 0; x < ow; x++) {
      const int32_t *of = ofs + x * K;
      const int32_t *al = alpha + x * K;
      v128_t a = wasm_i32x4_mul(load_u8x4(row + of[0]), wasm_i32x4_splat(al[0]));
      for (int k = 1; k < K; k++)
        a = wasm_i32x4_add(a, wasm_i32x4_mul(load_u8x4(row + of[k]), wasm_i32x4_splat(al[k])));
      /* Four lanes stored, the fourth overwritten by the next pixel (the caller leaves slack). */
      wasm_v128_store(o + 3 * x, a);
    }
  }
}

/*
 * INTER_LINEAR along y: out = (((b0·(S0 >> 4)) >> 16) + ((b1·(S1 >> 4)) >> 16) + 2) >> 2 with
 * S0, S1 the rows rows[2y], rows[2y + 1] of the horizontal sums (`width` values each).
 */
EXPORT("cv_v_linear")
void cv_v_linear(const int32_t *h, int width, uint8_t *out, int oh, const int32_t *rows,
                 const int32_t *beta) {
  const v128_t two = wasm_i32x4_splat(2);
  for (int y = 0; y < oh; y++) {
    const int32_t *s0 = h + (long)rows[2 * y] * width;
    const int32_t *s1 = h + (long)rows[2 * y + 1] * width;
    const int32_t b0 = beta[2 * y], b1 = beta[2 * y + 1];
    const v128_t vb0 = wasm_i32x4_splat(b0), vb1 = wasm_i32x4_splat(b1);
    uint8_t *o = out + (long)y * width;
    int x = 0;
    for (; x + 8 <= width; x += 8) {
      v128_t r[2];
      for (int j = 0; j < 2; j++) {
        const v128_t p = wasm_i32x4_shr(
            wasm_i32x4_mul(vb0, wasm_i32x4_shr(wasm_v128_load(s0 + x + 4 * j), 4)), 16);
        const v128_t q = wasm_i32x4_shr(
            wasm_i32x4_mul(vb1, wasm_i32x4_shr(wasm_v128_load(s1 + x + 4 * j), 4)), 16);
        r[j] = wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_add(p, q), two), 2);
      }
      const v128_t w16 = wasm_i16x8_narrow_i32x4(r[0], r[1]);
      wasm_v128_store64_lane(o + x, wasm_u8x16_narrow_i16x8(w16, w16), 0);
    }
    for (; x < width; x++)
      o[x] = (uint8_t)((((b0 * (s0[x] >> 4)) >> 16) + ((b1 * (s1[x] >> 4)) >> 16) + 2) >> 2);
  }
}

/*
 * INTER_CUBIC along y over the rows rows[4y..4y+3]: values whose absolute index (x0 + x) lies in
 * OpenCV's SIMD runs (below simd_end) go through float32, round(S0·f0 + (S1·f1 + (S2·f2 +
 * S3·f3))) with ties to even; the rest through integers, (Σ Sk·bk + 2^21) >> 22; both clamped to
 * 0..255. bf = b·2^-22 as float32.
 */
EXPORT("cv_v_cubic")
void cv_v_cubic(const int32_t *h, int width, uint8_t *out, int oh, const int32_t *rows,
                const int32_t *beta, const float *bf, int x0, int simd_end) {
  int split = simd_end - x0;
  if (split < 0) split = 0;
  if (split > width) split = width;
  const v128_t zero = wasm_i32x4_splat(0), top = wasm_i32x4_splat(255);
  for (int y = 0; y < oh; y++) {
    const int32_t *s[4];
    for (int k = 0; k < 4; k++) s[k] = h + (long)rows[4 * y + k] * width;
    const v128_t f0 = wasm_f32x4_splat(bf[4 * y]), f1 = wasm_f32x4_splat(bf[4 * y + 1]);
    const v128_t f2 = wasm_f32x4_splat(bf[4 * y + 2]), f3 = wasm_f32x4_splat(bf[4 * y + 3]);
    uint8_t *o = out + (long)y * width;
    int x = 0;
    for (; x + 4 <= split; x += 4) {
#define F(k) wasm_f32x4_convert_i32x4(opaque(wasm_v128_load(s[k] + x)))
      const v128_t t3 = wasm_f32x4_add(wasm_f32x4_mul(F(2), f2), wasm_f32x4_mul(F(3), f3));
      const v128_t t2 = wasm_f32x4_add(wasm_f32x4_mul(F(1), f1), t3);
      const v128_t r = wasm_f32x4_nearest(wasm_f32x4_add(wasm_f32x4_mul(F(0), f0), t2));
#undef F
      const v128_t i = wasm_i32x4_min(wasm_i32x4_max(wasm_i32x4_trunc_sat_f32x4(r), zero), top);
      const v128_t w16 = wasm_i16x8_narrow_i32x4(i, i);
      wasm_v128_store32_lane(o + x, wasm_u8x16_narrow_i16x8(w16, w16), 0);
    }
    for (; x < split; x++) {
      const float t3 = (float)s[2][x] * bf[4 * y + 2] + (float)s[3][x] * bf[4 * y + 3];
      const float t2 = (float)s[1][x] * bf[4 * y + 1] + t3;
      const float r = __builtin_rintf((float)s[0][x] * bf[4 * y] + t2);
      o[x] = (uint8_t)(r < 0 ? 0 : r > 255 ? 255 : (int)r);
    }
    for (; x < width; x++) {
      int64_t sum = 0;
      for (int k = 0; k < 4; k++) sum += (int64_t)s[k][x] * beta[4 * y + k];
      const int64_t v = (sum + (1 << 21)) >> 22;
      o[x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
  }
}

/* ------------------------------------------------------------------------------------------ */
/* torchvision / PyTorch (aten/src/ATen/native/cpu/UpSampleKernel.cpp), float32               */

/* Round both double lanes to float32 and back: the accumulator is a float32 after every tap. */
static inline v128_t round32(v128_t x) {
  return wasm_f64x2_promote_low_f32x4(opaque(wasm_f32x4_demote_f64x2_zero(x)));
}

/* Lanes 2, 3 of a float32 vector as doubles. */
static inline v128_t promote_high(v128_t f) {
  return wasm_f64x2_promote_low_f32x4(opaque(wasm_i32x4_shuffle(f, f, 2, 3, 0, 1)));
}

/* Two double vectors (float32 values) packed into one float32 vector. */
static inline v128_t pack_f32(v128_t lo, v128_t hi) {
  return wasm_i32x4_shuffle(opaque(wasm_f32x4_demote_f64x2_zero(lo)),
                            opaque(wasm_f32x4_demote_f64x2_zero(hi)), 0, 1, 4, 5);
}

/*
 * One tap of a torch_h output pixel: the sample v at pixel index[b] (an integer, so v·w is exact
 * in double) times weights[b], added to the sums (R, G in lo and B in hi, doubles holding float32
 * values) unless it is the first, and rounded to float32.
 */
static inline void tap_h(const uint8_t *row, const int32_t *index, const float *weights, long b,
                         v128_t *lo, v128_t *hi, int first) {
  const v128_t v = opaque(load_u8x4(row + index[b] * 3));
  const v128_t w = wasm_f64x2_splat((double)weights[b]);
  const v128_t pl = wasm_f64x2_mul(wasm_f64x2_convert_low_i32x4(v), w);
  const v128_t ph =
      wasm_f64x2_mul(wasm_f64x2_convert_low_i32x4(opaque(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1))), w);
  *lo = round32(first ? pl : wasm_f64x2_add(pl, *lo));
  *hi = round32(first ? ph : wasm_f64x2_add(ph, *hi));
}

/*
 * Along x, from 8-bit RGB into float32: output pixel o = v0·w0 (float32), then for each further
 * tap acc = madd(v, w, acc), over count[o] taps at pixel indices index[o·ksize + t].
 */
EXPORT("torch_h")
void torch_h(const uint8_t *src, int sstride, float *out, int rows, int ow, const int32_t *count,
             const int32_t *index, const float *weights, int ksize) {
  for (int y = 0; y < rows; y++) {
    const uint8_t *row = src + (long)y * sstride;
    float *o = out + (long)y * ow * 3;
    int x = 0;
    /* Four output pixels at a time: each tap's rounding to float32 makes one pixel's sum a long
     * chain of dependent operations, and four chains overlap. Past a pixel's own count its
     * table holds weight 0 at pixel 0, which adds exactly 0 (v·0 + acc = acc). */
    for (; x + 4 <= ow; x += 4) {
      int n = 0;
      for (int j = 0; j < 4; j++)
        if (count[x + j] > n) n = count[x + j];
      v128_t lo0, hi0, lo1, hi1, lo2, hi2, lo3, hi3;
      tap_h(row, index, weights, (long)x * ksize, &lo0, &hi0, 1);
      tap_h(row, index, weights, (long)(x + 1) * ksize, &lo1, &hi1, 1);
      tap_h(row, index, weights, (long)(x + 2) * ksize, &lo2, &hi2, 1);
      tap_h(row, index, weights, (long)(x + 3) * ksize, &lo3, &hi3, 1);
      for (int t = 1; t < n; t++) {
        tap_h(row, index, weights, (long)x * ksize + t, &lo0, &hi0, 0);
        tap_h(row, index, weights, (long)(x + 1) * ksize + t, &lo1, &hi1, 0);
        tap_h(row, index, weights, (long)(x + 2) * ksize + t, &lo2, &hi2, 0);
        tap_h(row, index, weights, (long)(x + 3) * ksize + t, &lo3, &hi3, 0);
      }
      wasm_v128_store(o + 3 * x, pack_f32(lo0, hi0));
      wasm_v128_store(o + 3 * (x + 1), pack_f32(lo1, hi1));
      wasm_v128_store(o + 3 * (x + 2), pack_f32(lo2, hi2));
      wasm_v128_store(o + 3 * (x + 3), pack_f32(lo3, hi3));
    }
    for (; x < ow; x++) {
      v128_t lo, hi;
      tap_h(row, index, weights, (long)x * ksize, &lo, &hi, 1);
      for (int t = 1; t < count[x]; t++) tap_h(row, index, weights, (long)x * ksize + t, &lo, &hi, 0);
      wasm_v128_store(o + 3 * x, pack_f32(lo, hi)); /* lane 3 is overwritten next (slack) */
    }
  }
}

/* One tap of four torch_v values: r[0..3]·w added to the sums (unless first), rounded. */
static inline void tap_v(const float *r, v128_t w, v128_t *lo, v128_t *hi, int first) {
  const v128_t f = opaque(wasm_v128_load(r));
  const v128_t pl = wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(f), w);
  const v128_t ph = wasm_f64x2_mul(promote_high(f), w);
  *lo = round32(first ? pl : wasm_f64x2_add(pl, *lo));
  *hi = round32(first ? ph : wasm_f64x2_add(ph, *hi));
}

/* Four float32 values (as two double vectors) rounded half to even, clamped to 0..255, as i32. */
static inline v128_t to_u8_lanes(v128_t lo, v128_t hi) {
  const v128_t r = wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_nearest(pack_f32(lo, hi)));
  return wasm_i32x4_min(wasm_i32x4_max(r, wasm_i32x4_splat(0)), wasm_i32x4_splat(255));
}

/*
 * Along y, from the float32 rows of torch_h into bytes: out = v0·w0, then v·w + acc rounded to
 * float32 per further tap (rows index[y·ksize + t] of h, `width` values each), rounded half to
 * even, clamped to 0..255, the sums kept as doubles.
 */
EXPORT("torch_v")
void torch_v(const float *h, int width, uint8_t *out, int oh, const int32_t *count,
             const int32_t *index, const float *weights, int ksize) {
  for (int y = 0; y < oh; y++) {
    const int32_t *ix = index + (long)y * ksize;
    const float *wt = weights + (long)y * ksize;
    const int n = count[y];
    uint8_t *o = out + (long)y * width;
    int x = 0;
    /* Sixteen values at a time: eight independent chains of dependent roundings overlap. */
    for (; x + 16 <= width; x += 16) {
      v128_t lo0, hi0, lo1, hi1, lo2, hi2, lo3, hi3;
      const float *r = h + (long)ix[0] * width + x;
      v128_t w = wasm_f64x2_splat((double)wt[0]);
      tap_v(r, w, &lo0, &hi0, 1);
      tap_v(r + 4, w, &lo1, &hi1, 1);
      tap_v(r + 8, w, &lo2, &hi2, 1);
      tap_v(r + 12, w, &lo3, &hi3, 1);
      for (int t = 1; t < n; t++) {
        r = h + (long)ix[t] * width + x;
        w = wasm_f64x2_splat((double)wt[t]);
        tap_v(r, w, &lo0, &hi0, 0);
        tap_v(r + 4, w, &lo1, &hi1, 0);
        tap_v(r + 8, w, &lo2, &hi2, 0);
        tap_v(r + 12, w, &lo3, &hi3, 0);
      }
      const v128_t i[4] = {to_u8_lanes(lo0, hi0), to_u8_lanes(lo1, hi1), to_u8_lanes(lo2, hi2),
                           to_u8_lanes(lo3, hi3)};
      wasm_v128_store(o + x, wasm_u8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(i[0], i[1]),
                                                     wasm_i16x8_narrow_i32x4(i[2], i[3])));
    }
    for (; x + 4 <= width; x += 4) {
      v128_t lo, hi;
      tap_v(h + (long)ix[0] * width + x, wasm_f64x2_splat((double)wt[0]), &lo, &hi, 1);
      for (int t = 1; t < n; t++)
        tap_v(h + (long)ix[t] * width + x, wasm_f64x2_splat((double)wt[t]), &lo, &hi, 0);
      const v128_t i = to_u8_lanes(lo, hi);
      const v128_t w16 = wasm_i16x8_narrow_i32x4(i, i);
      wasm_v128_store32_lane(o + x, wasm_u8x16_narrow_i16x8(w16, w16), 0);
    }
    for (; x < width; x++) {
      float acc = h[(long)ix[0] * width + x] * wt[0];
      for (int t = 1; t < n; t++)
        acc = (float)((double)h[(long)ix[t] * width + x] * (double)wt[t] + (double)acc);
      const float r = __builtin_rintf(acc);
      o[x] = (uint8_t)(r < 0 ? 0 : r > 255 ? 255 : (int)r);
    }
  }
}
