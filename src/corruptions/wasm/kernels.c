/*
 * Hot loops of the corruptions, compiled to WebAssembly (128-bit SIMD) by scripts/build-wasm.mjs.
 * WebAssembly arithmetic is IEEE-exact and has no fused multiply-add unless asked for, so these
 * give the same bytes on every machine and thread. Memory is managed by the caller
 * (src/corruptions/wasm.ts): every pointer argument points into this module's memory.
 *
 * Two kernels:
 * - Separable filtering of float images with the border folded into per-position weights
 *   (filters.ts builds the weights). The arithmetic order is exactly that of the scalar
 *   TypeScript this replaces (double accumulation, float storage, symmetric pairs), lane by lane.
 * - A JPEG round trip (baseline encode at quality q, 4:2:0, then decode) with libjpeg-turbo's
 *   integer arithmetic: fixed-point colour conversion, h2v2 down-sampling, the "islow" DCT pair,
 *   reciprocal quantisation, fancy up-sampling. Written from the JPEG standard (ITU-T T.81) and
 *   the IJG/libjpeg-turbo documentation of those steps; test/unit/corruptions-jpeg.test.ts checks
 *   it byte for byte against Pillow's save + load and against sharp's libjpeg-turbo.
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(name)))

/* ------------------------------------------------------------------------------------------ */
/* Separable filters                                                                           */

static inline v128_t lo2(v128_t f) { return wasm_f64x2_promote_low_f32x4(f); }
static inline v128_t hi2(v128_t f) {
  return wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(f, f, 2, 3, 0, 1));
}
static inline v128_t pack4(v128_t a, v128_t b) {
  return wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(a), wasm_f32x4_demote_f64x2_zero(b), 0,
                            1, 4, 5);
}
/* Both double lanes rounded to float and back (a float accumulator kept as doubles). The
 * barrier stops clang 14 from turning the pair into per-lane scalar code. */
static inline v128_t round32(v128_t x) {
  v128_t f = wasm_f32x4_demote_f64x2_zero(x);
  __asm__("" : "+r"(f));
  return wasm_f64x2_promote_low_f32x4(f);
}

/* out[i] = float(src[i] / 255) (divided in double, as filters.ts toFloat). */
EXPORT("unit_floats")
void unit_floats(const uint8_t *src, float *out, int n) {
  const v128_t d = wasm_f64x2_splat(255.0);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t v = wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(wasm_v128_load32_zero(src + i)));
    const v128_t lo = wasm_f64x2_div(wasm_f64x2_convert_low_i32x4(v), d);
    const v128_t hi = wasm_f64x2_div(wasm_f64x2_convert_low_i32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1)), d);
    wasm_v128_store(out + i, pack4(lo, hi));
  }
  for (; i < n; i++) out[i] = (float)(src[i] / 255.0);
}

/*
 * out[i] = trunc(clip(src[i]·255 + 1e-4, 0, 255)) in double (filters.ts toBytes: NaN and
 * negatives give 0).
 */
EXPORT("unit_bytes")
void unit_bytes(const float *src, uint8_t *out, int n) {
  const v128_t k = wasm_f64x2_splat(255.0), e = wasm_f64x2_splat(1e-4);
  const v128_t zero = wasm_i32x4_splat(0), top = wasm_i32x4_splat(255);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t f = wasm_v128_load(src + i);
    const v128_t lo = wasm_i32x4_trunc_sat_f64x2_zero(wasm_f64x2_add(wasm_f64x2_mul(lo2(f), k), e));
    const v128_t hi = wasm_i32x4_trunc_sat_f64x2_zero(wasm_f64x2_add(wasm_f64x2_mul(hi2(f), k), e));
    v128_t q = wasm_i32x4_shuffle(lo, hi, 0, 1, 4, 5);
    q = wasm_i32x4_min(wasm_i32x4_max(q, zero), top);
    const v128_t w16 = wasm_i16x8_narrow_i32x4(q, q);
    wasm_v128_store32_lane(out + i, wasm_u8x16_narrow_i16x8(w16, w16), 0);
  }
  for (; i < n; i++) {
    const double v = (double)src[i] * 255.0 + 1e-4;
    out[i] = v >= 255 ? 255 : v > 0 ? (uint8_t)v : 0;
  }
}

/*
 * Along x within each row of an interleaved image with ch channels (1 or 3). Interior positions
 * of a symmetric filter: out = k0·s[v] + Σ_k t_k·(s[v − k·ch] + s[v + k·ch]) in double, k = 1..r,
 * which is the same formula for every value index v of the interior span; border positions:
 * Σ weights[o]·s[p] over the folded taps, left to right.
 */
EXPORT("filter_rows")
void filter_rows(const float *src, float *out, int w, int h, int ch, const int32_t *start,
                 const int32_t *length, const int32_t *offset, const double *weights,
                 const double *taps, int radius, int symmetric, double *line) {
  const int lo = symmetric && radius > 0 ? radius : w;
  const int hi = symmetric && radius > 0 ? w - radius : w;
  const double k0 = taps[radius];
  const v128_t vk0 = wasm_f64x2_splat(k0);
  const int n = w * ch;
  for (int y = 0; y < h; y++) {
    const float *s = src + (long)y * n;
    float *o = out + (long)y * n;
    if (lo < hi) {
      /* The row as doubles once (exact), so the taps below load doubles instead of widening
       * every sample 2r + 1 times. */
      int v = 0;
      for (; v + 4 <= n; v += 4) {
        const v128_t c = wasm_v128_load(s + v);
        wasm_v128_store(line + v, lo2(c));
        wasm_v128_store(line + v + 2, hi2(c));
      }
      for (; v < n; v++) line[v] = s[v];
      /* The interior span, eight values (four independent sums) at a time. */
      const int v1 = hi * ch;
      v = lo * ch;
      for (; v + 8 <= v1; v += 8) {
        const double *d = line + v;
        v128_t a0 = wasm_f64x2_mul(vk0, wasm_v128_load(d));
        v128_t a1 = wasm_f64x2_mul(vk0, wasm_v128_load(d + 2));
        v128_t a2 = wasm_f64x2_mul(vk0, wasm_v128_load(d + 4));
        v128_t a3 = wasm_f64x2_mul(vk0, wasm_v128_load(d + 6));
        for (int k = 1; k <= radius; k++) {
          const v128_t t = wasm_f64x2_splat(taps[radius + k]);
          const double *l = d - k * ch, *r = d + k * ch;
          a0 = wasm_f64x2_add(a0, wasm_f64x2_mul(t, wasm_f64x2_add(wasm_v128_load(l),
                                                                    wasm_v128_load(r))));
          a1 = wasm_f64x2_add(a1, wasm_f64x2_mul(t, wasm_f64x2_add(wasm_v128_load(l + 2),
                                                                    wasm_v128_load(r + 2))));
          a2 = wasm_f64x2_add(a2, wasm_f64x2_mul(t, wasm_f64x2_add(wasm_v128_load(l + 4),
                                                                    wasm_v128_load(r + 4))));
          a3 = wasm_f64x2_add(a3, wasm_f64x2_mul(t, wasm_f64x2_add(wasm_v128_load(l + 6),
                                                                    wasm_v128_load(r + 6))));
        }
        wasm_v128_store(o + v, pack4(a0, a1));
        wasm_v128_store(o + v + 4, pack4(a2, a3));
      }
      for (; v < v1; v++) {
        double a = k0 * line[v];
        for (int k = 1; k <= radius; k++) a += taps[radius + k] * (line[v - k * ch] + line[v + k * ch]);
        o[v] = (float)a;
      }
    }
    for (int x = 0; x < w; x++) {
      if (x == lo && lo < hi) {
        x = hi - 1;
        continue;
      }
      for (int c = 0; c < ch; c++) {
        double acc = 0;
        const float *p = s + start[x] * ch + c;
        const double *wt = weights + offset[x];
        const int len = length[x];
        for (int t = 0; t < len; t++, p += ch) acc += wt[t] * *p;
        o[x * ch + c] = (float)acc;
      }
    }
  }
}

/* out[i] (float) = out[i] + e (double), i.e. JavaScript's `out[i] += e` on a Float32Array. */
static inline v128_t acc4(v128_t out, v128_t elo, v128_t ehi) {
  v128_t lo = wasm_f64x2_add(wasm_f64x2_promote_low_f32x4(out), elo);
  v128_t hi = wasm_f64x2_add(
      wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(out, out, 2, 3, 0, 1)), ehi);
  return wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(lo), wasm_f32x4_demote_f64x2_zero(hi),
                            0, 1, 4, 5);
}

/*
 * Along y (across rows). Interior rows of a symmetric filter: out = k0·s, then per two pairs of
 * rows out += t1·(a1 + b1) + t2·(a2 + b2) (stored as float after each step), then a last single
 * pair. Border rows: the folded taps four at a time, out (+)= k0·b0 + k1·b1 + k2·b2 + k3·b3, then
 * one at a time.
 */
EXPORT("filter_cols")
void filter_cols(const float *src, float *out, int w, int h, int ch, const int32_t *start,
                 const int32_t *length, const int32_t *offset, const double *weights,
                 const double *taps, int radius, int symmetric, double *all) {
  const int stride = w * ch;
  const int n4 = stride & ~3;
  /* The whole image as doubles once (exact): the interior rows below read each sample 2r + 1
   * times, so widening it once instead of every time pays. */
  if (symmetric && radius > 0 && h > 2 * radius) {
    const long total = (long)stride * h;
    long v = 0;
    for (; v + 4 <= total; v += 4) {
      const v128_t c = wasm_v128_load(src + v);
      wasm_v128_store(all + v, lo2(c));
      wasm_v128_store(all + v + 2, hi2(c));
    }
    for (; v < total; v++) all[v] = src[v];
  }
  for (int y = 0; y < h; y++) {
    float *o = out + (long)y * stride;
    if (symmetric && radius > 0 && y >= radius && y < h - radius) {
      /* out = k0·s, then per two pairs of rows out = float(out + (t1·(a1 + b1) + t2·(a2 + b2))),
       * then a last single pair: kept in registers across all taps, eight values at a time (the
       * same roundings to float as storing after every step). */
      const float *c = src + (long)y * stride;
      const double k0 = taps[radius];
      const v128_t vk0 = wasm_f64x2_splat(k0);
      int i = 0;
      const double *cd = all + (long)y * stride;
      for (; i + 8 <= stride; i += 8) {
        const double *d = cd + i;
        v128_t s0 = round32(wasm_f64x2_mul(vk0, wasm_v128_load(d)));
        v128_t s1 = round32(wasm_f64x2_mul(vk0, wasm_v128_load(d + 2)));
        v128_t s2 = round32(wasm_f64x2_mul(vk0, wasm_v128_load(d + 4)));
        v128_t s3 = round32(wasm_f64x2_mul(vk0, wasm_v128_load(d + 6)));
#define PAIR(a, b, j) wasm_f64x2_add(wasm_v128_load((a) + (j)), wasm_v128_load((b) + (j)))
        int k = 1;
        for (; k <= radius; k += 2) {
          const int two = k + 1 <= radius;
          const v128_t vt1 = wasm_f64x2_splat(taps[radius + k]);
          const double *a1 = d - (long)k * stride, *b1 = d + (long)k * stride;
          v128_t e0 = wasm_f64x2_mul(vt1, PAIR(a1, b1, 0));
          v128_t e1 = wasm_f64x2_mul(vt1, PAIR(a1, b1, 2));
          v128_t e2 = wasm_f64x2_mul(vt1, PAIR(a1, b1, 4));
          v128_t e3 = wasm_f64x2_mul(vt1, PAIR(a1, b1, 6));
          if (two) {
            const v128_t vt2 = wasm_f64x2_splat(taps[radius + k + 1]);
            const double *a2 = a1 - stride, *b2 = b1 + stride;
            e0 = wasm_f64x2_add(e0, wasm_f64x2_mul(vt2, PAIR(a2, b2, 0)));
            e1 = wasm_f64x2_add(e1, wasm_f64x2_mul(vt2, PAIR(a2, b2, 2)));
            e2 = wasm_f64x2_add(e2, wasm_f64x2_mul(vt2, PAIR(a2, b2, 4)));
            e3 = wasm_f64x2_add(e3, wasm_f64x2_mul(vt2, PAIR(a2, b2, 6)));
          }
          s0 = round32(wasm_f64x2_add(s0, e0));
          s1 = round32(wasm_f64x2_add(s1, e1));
          s2 = round32(wasm_f64x2_add(s2, e2));
          s3 = round32(wasm_f64x2_add(s3, e3));
        }
#undef PAIR
        wasm_v128_store(o + i, pack4(s0, s1));
        wasm_v128_store(o + i + 4, pack4(s2, s3));
      }
      for (; i < stride; i++) {
        float acc = (float)(k0 * c[i]);
        int k = 1;
        for (; k + 1 <= radius; k += 2) {
          const double t1 = taps[radius + k], t2 = taps[radius + k + 1];
          const float *a1 = c - (long)k * stride, *b1 = c + (long)k * stride;
          const float *a2 = a1 - stride, *b2 = b1 + stride;
          acc = (float)((double)acc + (t1 * ((double)a1[i] + (double)b1[i]) +
                                       t2 * ((double)a2[i] + (double)b2[i])));
        }
        if (k <= radius) {
          const double t1 = taps[radius + k];
          acc = (float)((double)acc + t1 * ((double)c[i - (long)k * stride] +
                                            (double)c[i + (long)k * stride]));
        }
        o[i] = acc;
      }
      continue;
    }
    const double *wt = weights + offset[y];
    const int len = length[y];
    const float *s0 = src + (long)start[y] * stride;
    int t = 0;
    for (; t + 4 <= len; t += 4) {
      const v128_t k0 = wasm_f64x2_splat(wt[t]);
      const v128_t k1 = wasm_f64x2_splat(wt[t + 1]);
      const v128_t k2 = wasm_f64x2_splat(wt[t + 2]);
      const v128_t k3 = wasm_f64x2_splat(wt[t + 3]);
      const float *b0 = s0 + (long)t * stride;
      const float *b1 = b0 + stride;
      const float *b2 = b1 + stride;
      const float *b3 = b2 + stride;
      int i = 0;
      for (; i < n4; i += 4) {
        const v128_t v0 = wasm_v128_load(b0 + i);
        const v128_t v1 = wasm_v128_load(b1 + i);
        const v128_t v2 = wasm_v128_load(b2 + i);
        const v128_t v3 = wasm_v128_load(b3 + i);
        const v128_t elo = wasm_f64x2_add(
            wasm_f64x2_add(wasm_f64x2_add(wasm_f64x2_mul(k0, lo2(v0)), wasm_f64x2_mul(k1, lo2(v1))),
                           wasm_f64x2_mul(k2, lo2(v2))),
            wasm_f64x2_mul(k3, lo2(v3)));
        const v128_t ehi = wasm_f64x2_add(
            wasm_f64x2_add(wasm_f64x2_add(wasm_f64x2_mul(k0, hi2(v0)), wasm_f64x2_mul(k1, hi2(v1))),
                           wasm_f64x2_mul(k2, hi2(v2))),
            wasm_f64x2_mul(k3, hi2(v3)));
        if (t == 0)
          wasm_v128_store(o + i, pack4(elo, ehi));
        else
          wasm_v128_store(o + i, acc4(wasm_v128_load(o + i), elo, ehi));
      }
      for (; i < stride; i++) {
        const double e =
            wt[t] * b0[i] + wt[t + 1] * (double)b1[i] + wt[t + 2] * (double)b2[i] +
            wt[t + 3] * (double)b3[i];
        o[i] = t == 0 ? (float)e : (float)((double)o[i] + e);
      }
    }
    for (; t < len; t++) {
      const double k = wt[t];
      const float *b = s0 + (long)t * stride;
      for (int i = 0; i < stride; i++) o[i] = t == 0 ? (float)(k * b[i]) : (float)((double)o[i] + k * b[i]);
    }
  }
}

/* ------------------------------------------------------------------------------------------ */
/* JPEG round trip (libjpeg-turbo arithmetic)                                                  */

#define CONST_BITS 13
#define PASS1_BITS 2
#define FIX_0_298631336 2446
#define FIX_0_390180644 3196
#define FIX_0_541196100 4433
#define FIX_0_765366865 6270
#define FIX_0_899976223 7373
#define FIX_1_175875602 9633
#define FIX_1_501321110 12299
#define FIX_1_847759065 15137
#define FIX_1_961570560 16069
#define FIX_2_053119869 16819
#define FIX_2_562915447 20995
#define FIX_3_072711026 25172
#define DESCALE(x, n) (((x) + (1 << ((n)-1))) >> (n))

/* Sample range limit of the decoder: x (already descaled, centred on 0) → clamp(x + 128) for
 * |x| < 512, wrapping beyond as libjpeg's masked table lookup does. */
static inline uint8_t range_limit(int32_t x) {
  int32_t m = x & 1023;
  if (m < 128) return (uint8_t)(m + 128);
  if (m < 512) return 255;
  if (m < 896) return 0;
  return (uint8_t)(m - 896);
}

/* Quantiser of one table: libjpeg-turbo divides by multiplying with a 16-bit reciprocal
 * (jcdctmgr.c compute_reciprocal, as its SIMD quantisers use it): for the divisor d = 8·q of the
 * islow DCT, level = ⌊⌊(|x| + c)·f / 2^16⌋ · s / 2^16⌋ with the sign of x, s = 2^(32 − r), which
 * is ⌊(|x| + c)·f / 2^r⌋. */
typedef struct {
  int32_t recip[64];
  int32_t corr[64];
  int32_t scale[64];
  int32_t dequant[64];
} quantiser_t;

static void make_quantiser(quantiser_t *qz, const int32_t *qtable) {
  for (int i = 0; i < 64; i++) {
    const uint32_t q = (uint32_t)qtable[i];
    const uint32_t d = q << 3;
    qz->dequant[i] = (int32_t)q;
    /* d ≥ 8 here (q ≥ 1), so libjpeg's divisor = 1 identity case never arises, and r ≥ 18. */
    int b = 31 - __builtin_clz(d);
    int r = 16 + b;
    uint32_t fq = (uint32_t)((1ull << r) / d);
    uint32_t fr = (uint32_t)((1ull << r) % d);
    uint32_t c = d / 2;
    if (fr == 0) {
      fq >>= 1;
      r--;
    } else if (fr <= d / 2) {
      c++;
    } else {
      fq++;
    }
    qz->recip[i] = (int32_t)fq;
    qz->corr[i] = (int32_t)c;
    qz->scale[i] = (int32_t)(1u << (32 - r));
  }
}

/* The islow DCT pair on 4 lines at once: each v128 holds element k of four independent 1-D
 * transforms (four columns of a block, or four rows of a transposed one). Every lane does the
 * scalar arithmetic above, so the results are the same integers. */
#define ADD wasm_i32x4_add
#define SUB wasm_i32x4_sub
static inline v128_t mulc(v128_t x, int32_t c) { return wasm_i32x4_mul(x, wasm_i32x4_splat(c)); }
static inline v128_t descale(v128_t x, int n) {
  return wasm_i32x4_shr(ADD(x, wasm_i32x4_splat(1 << (n - 1))), n);
}

static inline void fdct_1d(v128_t *v, int pass) {
  v128_t tmp0 = ADD(v[0], v[7]), tmp7 = SUB(v[0], v[7]);
  v128_t tmp1 = ADD(v[1], v[6]), tmp6 = SUB(v[1], v[6]);
  v128_t tmp2 = ADD(v[2], v[5]), tmp5 = SUB(v[2], v[5]);
  v128_t tmp3 = ADD(v[3], v[4]), tmp4 = SUB(v[3], v[4]);
  v128_t tmp10 = ADD(tmp0, tmp3), tmp13 = SUB(tmp0, tmp3);
  v128_t tmp11 = ADD(tmp1, tmp2), tmp12 = SUB(tmp1, tmp2);
  const int sh = pass == 1 ? CONST_BITS - PASS1_BITS : CONST_BITS + PASS1_BITS;
  if (pass == 1) {
    v[0] = wasm_i32x4_shl(ADD(tmp10, tmp11), PASS1_BITS);
    v[4] = wasm_i32x4_shl(SUB(tmp10, tmp11), PASS1_BITS);
  } else {
    v[0] = descale(ADD(tmp10, tmp11), PASS1_BITS);
    v[4] = descale(SUB(tmp10, tmp11), PASS1_BITS);
  }
  v128_t z1 = mulc(ADD(tmp12, tmp13), FIX_0_541196100);
  v[2] = descale(ADD(z1, mulc(tmp13, FIX_0_765366865)), sh);
  v[6] = descale(SUB(z1, mulc(tmp12, FIX_1_847759065)), sh);
  z1 = ADD(tmp4, tmp7);
  v128_t z2 = ADD(tmp5, tmp6), z3 = ADD(tmp4, tmp6), z4 = ADD(tmp5, tmp7);
  v128_t z5 = mulc(ADD(z3, z4), FIX_1_175875602);
  tmp4 = mulc(tmp4, FIX_0_298631336);
  tmp5 = mulc(tmp5, FIX_2_053119869);
  tmp6 = mulc(tmp6, FIX_3_072711026);
  tmp7 = mulc(tmp7, FIX_1_501321110);
  z1 = mulc(z1, -FIX_0_899976223);
  z2 = mulc(z2, -FIX_2_562915447);
  z3 = ADD(mulc(z3, -FIX_1_961570560), z5);
  z4 = ADD(mulc(z4, -FIX_0_390180644), z5);
  v[7] = descale(ADD(ADD(tmp4, z1), z3), sh);
  v[5] = descale(ADD(ADD(tmp5, z2), z4), sh);
  v[3] = descale(ADD(ADD(tmp6, z2), z3), sh);
  v[1] = descale(ADD(ADD(tmp7, z1), z4), sh);
}

/* Inverse, pass 1 (columns: outputs descaled by 11) or 2 (rows: by 18, then range-limited to
 * 0..255 as libjpeg's masked table does: x & 1023 → x + 128 clamped, wrapping past ±512). */
static inline void idct_1d(v128_t *v, int pass) {
  v128_t z2 = v[2], z3 = v[6];
  v128_t z1 = mulc(ADD(z2, z3), FIX_0_541196100);
  v128_t tmp2 = SUB(z1, mulc(z3, FIX_1_847759065));
  v128_t tmp3 = ADD(z1, mulc(z2, FIX_0_765366865));
  v128_t tmp0 = wasm_i32x4_shl(ADD(v[0], v[4]), CONST_BITS);
  v128_t tmp1 = wasm_i32x4_shl(SUB(v[0], v[4]), CONST_BITS);
  v128_t tmp10 = ADD(tmp0, tmp3), tmp13 = SUB(tmp0, tmp3);
  v128_t tmp11 = ADD(tmp1, tmp2), tmp12 = SUB(tmp1, tmp2);
  tmp0 = v[7];
  tmp1 = v[5];
  tmp2 = v[3];
  tmp3 = v[1];
  z1 = ADD(tmp0, tmp3);
  z2 = ADD(tmp1, tmp2);
  z3 = ADD(tmp0, tmp2);
  v128_t z4 = ADD(tmp1, tmp3);
  v128_t z5 = mulc(ADD(z3, z4), FIX_1_175875602);
  tmp0 = mulc(tmp0, FIX_0_298631336);
  tmp1 = mulc(tmp1, FIX_2_053119869);
  tmp2 = mulc(tmp2, FIX_3_072711026);
  tmp3 = mulc(tmp3, FIX_1_501321110);
  z1 = mulc(z1, -FIX_0_899976223);
  z2 = mulc(z2, -FIX_2_562915447);
  z3 = ADD(mulc(z3, -FIX_1_961570560), z5);
  z4 = ADD(mulc(z4, -FIX_0_390180644), z5);
  tmp0 = ADD(tmp0, ADD(z1, z3));
  tmp1 = ADD(tmp1, ADD(z2, z4));
  tmp2 = ADD(tmp2, ADD(z2, z3));
  tmp3 = ADD(tmp3, ADD(z1, z4));
  const int sh = pass == 1 ? CONST_BITS - PASS1_BITS : CONST_BITS + PASS1_BITS + 3;
  v[0] = descale(ADD(tmp10, tmp3), sh);
  v[7] = descale(SUB(tmp10, tmp3), sh);
  v[1] = descale(ADD(tmp11, tmp2), sh);
  v[6] = descale(SUB(tmp11, tmp2), sh);
  v[2] = descale(ADD(tmp12, tmp1), sh);
  v[5] = descale(SUB(tmp12, tmp1), sh);
  v[3] = descale(ADD(tmp13, tmp0), sh);
  v[4] = descale(SUB(tmp13, tmp0), sh);
  if (pass == 2) {
    const v128_t mask = wasm_i32x4_splat(1023), c128 = wasm_i32x4_splat(128);
    const v128_t c255 = wasm_i32x4_splat(255), c640 = wasm_i32x4_splat(640);
    for (int k = 0; k < 8; k++) {
      /* (x + 128) & 1023: 0..255 are samples, 256..639 overflow (255), 640..1023 underflow (0). */
      v128_t m = wasm_v128_and(ADD(v[k], c128), mask);
      v[k] = wasm_v128_andnot(wasm_i32x4_min(m, c255), wasm_i32x4_ge(m, c640));
    }
  }
}

/* 8×8 int32 block as 16 vectors: b[2r + h] = row r, columns 4h..4h+3. */
static inline void transpose4(v128_t *a, v128_t *b, v128_t *c, v128_t *d) {
  v128_t t0 = wasm_i32x4_shuffle(*a, *b, 0, 4, 1, 5);
  v128_t t1 = wasm_i32x4_shuffle(*a, *b, 2, 6, 3, 7);
  v128_t t2 = wasm_i32x4_shuffle(*c, *d, 0, 4, 1, 5);
  v128_t t3 = wasm_i32x4_shuffle(*c, *d, 2, 6, 3, 7);
  *a = wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5);
  *b = wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7);
  *c = wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5);
  *d = wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7);
}

static inline void transpose8(v128_t *b) {
  transpose4(&b[0], &b[2], &b[4], &b[6]);
  transpose4(&b[9], &b[11], &b[13], &b[15]);
  transpose4(&b[1], &b[3], &b[5], &b[7]);
  transpose4(&b[8], &b[10], &b[12], &b[14]);
  /* swap the off-diagonal 4×4 blocks */
  v128_t t;
  t = b[1], b[1] = b[8], b[8] = t;
  t = b[3], b[3] = b[10], b[10] = t;
  t = b[5], b[5] = b[12], b[12] = t;
  t = b[7], b[7] = b[14], b[14] = t;
}

/* Apply a 1-D pass down the columns: elements k = rows, two halves of four columns each. */
#define COLUMNS(fn, pass)                                                                         \
  do {                                                                                            \
    v128_t h0[8], h1[8];                                                                          \
    for (int k = 0; k < 8; k++) h0[k] = b[2 * k], h1[k] = b[2 * k + 1];                            \
    fn(h0, pass);                                                                                 \
    fn(h1, pass);                                                                                 \
    for (int k = 0; k < 8; k++) b[2 * k] = h0[k], b[2 * k + 1] = h1[k];                            \
  } while (0)

/* Encode one 8×8 block of samples (stride `stride`) and decode it back in place. */
static void round_trip_block(uint8_t *px, int stride, const quantiser_t *qz) {
  v128_t b[16];
  const v128_t c128 = wasm_i32x4_splat(128);
  for (int r = 0; r < 8; r++) {
    const v128_t row = wasm_u16x8_extend_low_u8x16(wasm_v128_load64_zero(px + r * stride));
    b[2 * r] = SUB(wasm_u32x4_extend_low_u16x8(row), c128);
    b[2 * r + 1] = SUB(wasm_u32x4_extend_high_u16x8(row), c128);
  }
  /* Forward: rows first (as columns of the transpose), then columns. */
  transpose8(b);
  COLUMNS(fdct_1d, 1);
  transpose8(b);
  COLUMNS(fdct_1d, 2);
  /* Quantise and de-quantise. */
  v128_t ac = wasm_i32x4_splat(0);
  for (int i = 0; i < 16; i++) {
    const v128_t x = b[i];
    const v128_t sign = wasm_i32x4_shr(x, 31);
    const v128_t a = wasm_i32x4_abs(x);
    v128_t t = wasm_i32x4_mul(ADD(a, wasm_v128_load(qz->corr + 4 * i)),
                              wasm_v128_load(qz->recip + 4 * i));
    t = wasm_u32x4_shr(t, 16);
    t = wasm_u32x4_shr(wasm_i32x4_mul(t, wasm_v128_load(qz->scale + 4 * i)), 16);
    const v128_t level = SUB(wasm_v128_xor(t, sign), sign);
    ac = wasm_v128_or(ac, i == 0 ? wasm_i32x4_replace_lane(level, 0, 0) : level);
    b[i] = wasm_i32x4_mul(level, wasm_v128_load(qz->dequant + 4 * i));
  }
  if (!wasm_v128_any_true(ac)) {
    /* DC only: the decoder's column and row short cuts give one flat value. */
    const int32_t dc = wasm_i32x4_extract_lane(b[0], 0);
    const uint8_t v = range_limit(DESCALE(dc * (1 << PASS1_BITS), PASS1_BITS + 3));
    for (int y = 0; y < 8; y++)
      for (int x = 0; x < 8; x++) px[y * stride + x] = v;
    return;
  }
  /* Inverse: columns first, then rows (as columns of the transpose). */
  COLUMNS(idct_1d, 1);
  transpose8(b);
  COLUMNS(idct_1d, 2);
  transpose8(b);
  for (int r = 0; r < 8; r++) {
    const v128_t w16 = wasm_i16x8_narrow_i32x4(b[2 * r], b[2 * r + 1]);
    const v128_t w8 = wasm_u8x16_narrow_i16x8(w16, w16);
    wasm_v128_store64_lane(px + r * stride, w8, 0);
  }
}

#define SCALEBITS 16
#define ONE_HALF (1 << (SCALEBITS - 1))
#define FIX(x) ((int32_t)((x) * (1 << SCALEBITS) + 0.5))

/* Four interleaved RGB pixels (12 bytes at p; 16 are read) as R, G, B in 32-bit lanes. */
static inline void load_rgb4(const uint8_t *p, v128_t *r, v128_t *g, v128_t *b) {
  const v128_t v = wasm_v128_load(p);
  *r = wasm_i8x16_swizzle(v, wasm_i8x16_make(0, -1, -1, -1, 3, -1, -1, -1, 6, -1, -1, -1, 9, -1, -1, -1));
  *g = wasm_i8x16_swizzle(v, wasm_i8x16_make(1, -1, -1, -1, 4, -1, -1, -1, 7, -1, -1, -1, 10, -1, -1, -1));
  *b = wasm_i8x16_swizzle(v, wasm_i8x16_make(2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1));
}

/* Four 32-bit lanes (0..255) stored as four bytes. */
static inline void store_u8x4(uint8_t *p, v128_t v) {
  const v128_t w16 = wasm_i16x8_narrow_i32x4(v, v);
  wasm_v128_store32_lane(p, wasm_u8x16_narrow_i16x8(w16, w16), 0);
}

/* Four bytes at p as 32-bit lanes. */
static inline v128_t load_u8x4(const uint8_t *p) {
  return wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(wasm_v128_load32_zero(p)));
}

/*
 * JPEG-compress and decompress an interleaved RGB image (w×h) at the quantisation tables qluma
 * and qchroma (already scaled by quality), 4:2:0, as libjpeg-turbo does by default:
 *   encoder: RGB → YCbCr (16-bit fixed point; Cb, Cr rounded with 0.5 − ε), edge replication to
 *   whole blocks, h2v2 down-sampling (2×2 sum + bias 1, 2, 1, 2, … >> 2; chroma rows past the
 *   image repeat the last chroma row), islow DCT, reciprocal quantisation;
 *   decoder: de-quantisation, islow IDCT, h2v2 "fancy" (triangle) up-sampling with the first and
 *   last chroma rows repeated as context, YCbCr → RGB (fixed point, clamped).
 * `src` must be followed by 16 readable bytes (vector loads). `work` must hold lw·lh + 2·cw·ch + 3 + 12·⌈w/2⌉ bytes for lw = 8⌈w/8⌉, lh = 8⌈h/8⌉,
 * cw = 8⌈w/16⌉, ch = 8⌈h/16⌉ (jpegWorkBytes in wasm.ts).
 */
EXPORT("jpeg_round_trip")
void jpeg_round_trip(const uint8_t *src, uint8_t *dst, int w, int h, const int32_t *qluma,
                     const int32_t *qchroma, uint8_t *work) {
  const int lw = ((w + 7) / 8) * 8, lh = ((h + 7) / 8) * 8;
  const int cw = ((w + 15) / 16) * 8, chh = ((h + 15) / 16) * 8;
  const int dw = (w + 1) / 2, dh = (h + 1) / 2; /* the chroma planes' real extent */
  uint8_t *Y = work;
  uint8_t *Cb = Y + (long)lw * lh;
  uint8_t *Cr = Cb + (long)cw * chh;
  /* Up-sampling scratch, 4-byte aligned after the planes. */
  const uintptr_t end = (uintptr_t)(Cr + (long)cw * chh);
  int32_t *bsum = (int32_t *)((end + 3) & ~(uintptr_t)3);
  int32_t *rsum = bsum + dw;
  uint8_t *ub = (uint8_t *)(rsum + dw);
  uint8_t *ur = ub + 2 * dw;

  /* Colour conversion of luma over the padded luma plane (edge replication). Four pixels at a
   * time while they are inside the row (the caller pads src by 16 bytes for the last load). */
  const v128_t fyr = wasm_i32x4_splat(FIX(0.29900)), fyg = wasm_i32x4_splat(FIX(0.58700));
  const v128_t fyb = wasm_i32x4_splat(FIX(0.11400)), half = wasm_i32x4_splat(ONE_HALF);
  for (int y = 0; y < lh; y++) {
    const uint8_t *row = src + (long)(y < h ? y : h - 1) * w * 3;
    uint8_t *yo = Y + (long)y * lw;
    int x = 0;
    for (; x + 4 <= w; x += 4) {
      v128_t r, g, b;
      load_rgb4(row + x * 3, &r, &g, &b);
      const v128_t v = ADD(ADD(wasm_i32x4_mul(r, fyr), wasm_i32x4_mul(g, fyg)),
                           ADD(wasm_i32x4_mul(b, fyb), half));
      store_u8x4(yo + x, wasm_u32x4_shr(v, SCALEBITS));
    }
    for (; x < lw; x++) {
      const uint8_t *p = row + (x < w ? x : w - 1) * 3;
      yo[x] = (uint8_t)((FIX(0.29900) * p[0] + FIX(0.58700) * p[1] + FIX(0.11400) * p[2] +
                         ONE_HALF) >>
                        SCALEBITS);
    }
  }
  /* Chroma: each 2×2 group of replicated source pixels, converted then down-sampled; four chroma
   * samples (eight source columns) at a time while those are inside the row. */
  const int32_t cbcr_off = (128 << SCALEBITS) + ONE_HALF - 1;
  const v128_t off = wasm_i32x4_splat(cbcr_off);
  const v128_t fbr = wasm_i32x4_splat(-FIX(0.16874)), fbg = wasm_i32x4_splat(-FIX(0.33126));
  const v128_t f05 = wasm_i32x4_splat(FIX(0.50000));
  const v128_t frg = wasm_i32x4_splat(-FIX(0.41869)), frb = wasm_i32x4_splat(-FIX(0.08131));
  const v128_t bias4 = wasm_i32x4_make(1, 2, 1, 2);
  for (int y = 0; y < dh; y++) {
    const int y0 = 2 * y < h ? 2 * y : h - 1;
    const int y1 = 2 * y + 1 < h ? 2 * y + 1 : h - 1;
    const uint8_t *r0 = src + (long)y0 * w * 3;
    const uint8_t *r1 = src + (long)y1 * w * 3;
    uint8_t *bo = Cb + (long)y * cw;
    uint8_t *ro = Cr + (long)y * cw;
    int x = 0;
    for (; 2 * x + 8 <= w; x += 4) {
      v128_t sb = wasm_i32x4_splat(0), sr = wasm_i32x4_splat(0);
      for (int k = 0; k < 4; k++) {
        const uint8_t *p = (k < 2 ? r0 : r1) + (2 * x + 4 * (k & 1)) * 3;
        v128_t r, g, b;
        load_rgb4(p, &r, &g, &b);
        const v128_t cb = wasm_i32x4_shr(
            ADD(ADD(wasm_i32x4_mul(r, fbr), wasm_i32x4_mul(g, fbg)), ADD(wasm_i32x4_mul(b, f05), off)),
            SCALEBITS);
        const v128_t cr = wasm_i32x4_shr(
            ADD(ADD(wasm_i32x4_mul(r, f05), wasm_i32x4_mul(g, frg)), ADD(wasm_i32x4_mul(b, frb), off)),
            SCALEBITS);
        /* Horizontal pairs: lanes (0,1), (2,3) of this load go to outputs 2·(k&1), 2·(k&1) + 1. */
        const v128_t pb = ADD(wasm_i32x4_shuffle(cb, cb, 0, 2, 0, 2), wasm_i32x4_shuffle(cb, cb, 1, 3, 1, 3));
        const v128_t pr = ADD(wasm_i32x4_shuffle(cr, cr, 0, 2, 0, 2), wasm_i32x4_shuffle(cr, cr, 1, 3, 1, 3));
        const v128_t zero = wasm_i32x4_splat(0);
        if ((k & 1) == 0) {
          sb = ADD(sb, wasm_i32x4_shuffle(pb, zero, 0, 1, 4, 4));
          sr = ADD(sr, wasm_i32x4_shuffle(pr, zero, 0, 1, 4, 4));
        } else {
          sb = ADD(sb, wasm_i32x4_shuffle(zero, pb, 0, 0, 4, 5));
          sr = ADD(sr, wasm_i32x4_shuffle(zero, pr, 0, 0, 4, 5));
        }
      }
      store_u8x4(bo + x, wasm_i32x4_shr(ADD(sb, bias4), 2));
      store_u8x4(ro + x, wasm_i32x4_shr(ADD(sr, bias4), 2));
    }
    int bias = (x & 1) ? 2 : 1;
    for (; x < cw; x++) {
      const int x0 = 2 * x < w ? 2 * x : w - 1;
      const int x1 = 2 * x + 1 < w ? 2 * x + 1 : w - 1;
      const uint8_t *q[4] = {r0 + x0 * 3, r0 + x1 * 3, r1 + x0 * 3, r1 + x1 * 3};
      int sb = 0, sr = 0;
      for (int k = 0; k < 4; k++) {
        const int R = q[k][0], G = q[k][1], B = q[k][2];
        sb += (-FIX(0.16874) * R - FIX(0.33126) * G + FIX(0.50000) * B + cbcr_off) >> SCALEBITS;
        sr += (FIX(0.50000) * R - FIX(0.41869) * G - FIX(0.08131) * B + cbcr_off) >> SCALEBITS;
      }
      bo[x] = (uint8_t)((sb + bias) >> 2);
      ro[x] = (uint8_t)((sr + bias) >> 2);
      bias ^= 3;
    }
  }
  for (int y = dh; y < chh; y++) {
    for (int x = 0; x < cw; x++) {
      Cb[(long)y * cw + x] = Cb[(long)(dh - 1) * cw + x];
      Cr[(long)y * cw + x] = Cr[(long)(dh - 1) * cw + x];
    }
  }

  quantiser_t ql, qc;
  make_quantiser(&ql, qluma);
  make_quantiser(&qc, qchroma);
  for (int by = 0; by < lh; by += 8)
    for (int bx = 0; bx < lw; bx += 8) round_trip_block(Y + (long)by * lw + bx, lw, &ql);
  for (int by = 0; by < chh; by += 8)
    for (int bx = 0; bx < cw; bx += 8) {
      round_trip_block(Cb + (long)by * cw + bx, cw, &qc);
      round_trip_block(Cr + (long)by * cw + bx, cw, &qc);
    }

  /* Decoder colour tables (jdcolor.c build_ycc_rgb_table). */
  static int32_t cr_r[256], cb_b[256], cr_g[256], cb_g[256];
  static int tables_ready = 0;
  if (!tables_ready) {
    for (int i = 0; i < 256; i++) {
      const int32_t x = i - 128;
      cr_r[i] = (FIX(1.40200) * x + ONE_HALF) >> SCALEBITS;
      cb_b[i] = (FIX(1.77200) * x + ONE_HALF) >> SCALEBITS;
      cr_g[i] = -FIX(0.71414) * x;
      cb_g[i] = -FIX(0.34414) * x + ONE_HALF;
    }
    tables_ready = 1;
  }

  /* Fancy up-sampling, one output row at a time, then colour conversion. */
  for (int oy = 0; oy < h; oy++) {
    const int near = oy >> 1;
    const int far = (oy & 1) == 0 ? (near > 0 ? near - 1 : 0) : (near + 1 < dh ? near + 1 : dh - 1);
    const uint8_t *bn = Cb + (long)near * cw, *bf = Cb + (long)far * cw;
    const uint8_t *rn = Cr + (long)near * cw, *rf = Cr + (long)far * cw;
    if (dw <= 2) {
      /* libjpeg does not bother with fancy up-sampling for chroma two samples wide or less
       * (w ≤ 4): each chroma sample covers its 2×2 pixels. */
      for (int x = 0; x < 2 * dw; x++) {
        ub[x] = bn[x >> 1];
        ur[x] = rn[x >> 1];
      }
    } else {
      for (int x = 0; x < dw; x++) {
        bsum[x] = bn[x] * 3 + bf[x];
        rsum[x] = rn[x] * 3 + rf[x];
      }
      ub[0] = (uint8_t)((bsum[0] * 4 + 8) >> 4);
      ub[1] = (uint8_t)((bsum[0] * 3 + bsum[1] + 7) >> 4);
      ur[0] = (uint8_t)((rsum[0] * 4 + 8) >> 4);
      ur[1] = (uint8_t)((rsum[0] * 3 + rsum[1] + 7) >> 4);
      int x = 1;
      const v128_t c8 = wasm_i32x4_splat(8), c7 = wasm_i32x4_splat(7);
      for (; x + 4 <= dw - 1; x += 4) {
        /* even outputs (3·c + left + 8) >> 4, odd ones (3·c + right + 7) >> 4, interleaved */
        for (int plane = 0; plane < 2; plane++) {
          const int32_t *cs = plane == 0 ? bsum : rsum;
          uint8_t *u = plane == 0 ? ub : ur;
          const v128_t c = wasm_v128_load(cs + x);
          const v128_t c3 = ADD(ADD(c, c), c);
          const v128_t ev = wasm_i32x4_shr(ADD(ADD(c3, wasm_v128_load(cs + x - 1)), c8), 4);
          const v128_t od = wasm_i32x4_shr(ADD(ADD(c3, wasm_v128_load(cs + x + 1)), c7), 4);
          const v128_t w16 = wasm_i16x8_narrow_i32x4(wasm_i32x4_shuffle(ev, od, 0, 4, 1, 5),
                                                     wasm_i32x4_shuffle(ev, od, 2, 6, 3, 7));
          wasm_v128_store64_lane(u + 2 * x, wasm_u8x16_narrow_i16x8(w16, w16), 0);
        }
      }
      for (; x < dw - 1; x++) {
        ub[2 * x] = (uint8_t)((bsum[x] * 3 + bsum[x - 1] + 8) >> 4);
        ub[2 * x + 1] = (uint8_t)((bsum[x] * 3 + bsum[x + 1] + 7) >> 4);
        ur[2 * x] = (uint8_t)((rsum[x] * 3 + rsum[x - 1] + 8) >> 4);
        ur[2 * x + 1] = (uint8_t)((rsum[x] * 3 + rsum[x + 1] + 7) >> 4);
      }
      const int l = dw - 1;
      ub[2 * l] = (uint8_t)((bsum[l] * 3 + bsum[l - 1] + 8) >> 4);
      ub[2 * l + 1] = (uint8_t)((bsum[l] * 4 + 7) >> 4);
      ur[2 * l] = (uint8_t)((rsum[l] * 3 + rsum[l - 1] + 8) >> 4);
      ur[2 * l + 1] = (uint8_t)((rsum[l] * 4 + 7) >> 4);
    }
    const uint8_t *yr = Y + (long)oy * lw;
    uint8_t *o = dst + (long)oy * w * 3;
    int x = 0;
    const v128_t c128 = wasm_i32x4_splat(128), half = wasm_i32x4_splat(ONE_HALF);
    const v128_t fcrr = wasm_i32x4_splat(FIX(1.40200)), fcbb = wasm_i32x4_splat(FIX(1.77200));
    const v128_t fcrg = wasm_i32x4_splat(-FIX(0.71414)), fcbg = wasm_i32x4_splat(-FIX(0.34414));
    const v128_t interleave =
        wasm_i8x16_make(0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11, 12, 13, 14, 15);
    for (; x + 4 <= w; x += 4) {
      const v128_t yy = load_u8x4(yr + x);
      const v128_t cb = SUB(load_u8x4(ub + x), c128);
      const v128_t cr = SUB(load_u8x4(ur + x), c128);
      const v128_t R = ADD(yy, wasm_i32x4_shr(ADD(wasm_i32x4_mul(cr, fcrr), half), SCALEBITS));
      const v128_t G = ADD(yy, wasm_i32x4_shr(ADD(ADD(wasm_i32x4_mul(cb, fcbg), half),
                                                 wasm_i32x4_mul(cr, fcrg)),
                                             SCALEBITS));
      const v128_t B = ADD(yy, wasm_i32x4_shr(ADD(wasm_i32x4_mul(cb, fcbb), half), SCALEBITS));
      /* Saturating narrows clamp to 0..255; then R0..R3 G0..G3 B0..B3 → R0 G0 B0 R1 …. */
      const v128_t rgb = wasm_u8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(R, G),
                                                 wasm_i16x8_narrow_i32x4(B, B));
      const v128_t px = wasm_i8x16_swizzle(rgb, interleave);
      wasm_v128_store64_lane(o + 3 * x, px, 0);
      wasm_v128_store32_lane(o + 3 * x + 8, px, 2);
    }
    for (; x < w; x++) {
      const int yy = yr[x], cb = ub[x], cr = ur[x];
      int R = yy + cr_r[cr];
      int G = yy + ((cb_g[cb] + cr_g[cr]) >> SCALEBITS);
      int B = yy + cb_b[cb];
      o[3 * x] = (uint8_t)(R < 0 ? 0 : R > 255 ? 255 : R);
      o[3 * x + 1] = (uint8_t)(G < 0 ? 0 : G > 255 ? 255 : G);
      o[3 * x + 2] = (uint8_t)(B < 0 ? 0 : B > 255 ? 255 : B);
    }
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Pillow's 8-bit resampling (Resample.c, ImagingResampleHorizontal/Vertical_8bpc)             */

#define PIL_PRECISION_BITS 22

static inline uint8_t pil_clip8(int32_t ss) {
  if (ss >= (1 << PIL_PRECISION_BITS << 8)) return 255;
  if (ss <= 0) return 0;
  return (uint8_t)(ss >> PIL_PRECISION_BITS);
}

/* Along x of interleaved RGB (w×h → ow×h): out = clip8(2^21 + Σ k·p) with the 22-bit fixed-point
 * weights of pil-box.ts (bounds[o] = first source pixel, count[o] taps at weights + o·ksize).
 * The three channels of a pixel (and one byte past it, unused: the caller leaves slack) are
 * summed as one vector. */
EXPORT("pil_resample_h")
void pil_resample_h(const uint8_t *src, uint8_t *out, int w, int h, int ow, const int32_t *bounds,
                    const int32_t *count, const int32_t *weights, int ksize) {
  const v128_t half = wasm_i32x4_splat(1 << (PIL_PRECISION_BITS - 1));
  for (int y = 0; y < h; y++) {
    const uint8_t *row = src + (long)y * w * 3;
    uint8_t *o = out + (long)y * ow * 3;
    for (int x = 0; x < ow; x++) {
      const uint8_t *p = row + bounds[x] * 3;
      const int32_t *k = weights + x * ksize;
      v128_t acc = half;
      for (int t = 0; t < count[x]; t++, p += 3) {
        const v128_t v = wasm_u32x4_extend_low_u16x8(
            wasm_u16x8_extend_low_u8x16(wasm_v128_load32_zero(p)));
        acc = ADD(acc, wasm_i32x4_mul(v, wasm_i32x4_splat(k[t])));
      }
      const v128_t s16 = wasm_i16x8_narrow_i32x4(wasm_i32x4_shr(acc, PIL_PRECISION_BITS), acc);
      const v128_t s8 = wasm_u8x16_narrow_i16x8(s16, s16);
      wasm_v128_store16_lane(o + 3 * x, s8, 0);
      wasm_v128_store8_lane(o + 3 * x + 2, s8, 2);
    }
  }
}

/* Along y (stride bytes per row, h rows in → oh rows out), sixteen values at a time. */
EXPORT("pil_resample_v")
void pil_resample_v(const uint8_t *src, uint8_t *out, int stride, int oh, const int32_t *bounds,
                    const int32_t *count, const int32_t *weights, int ksize) {
  const v128_t half = wasm_i32x4_splat(1 << (PIL_PRECISION_BITS - 1));
  for (int y = 0; y < oh; y++) {
    const uint8_t *first = src + (long)bounds[y] * stride;
    const int32_t *k = weights + y * ksize;
    const int n = count[y];
    uint8_t *o = out + (long)y * stride;
    int i = 0;
    for (; i + 16 <= stride; i += 16) {
      v128_t a0 = half, a1 = half, a2 = half, a3 = half;
      for (int t = 0; t < n; t++) {
        const v128_t v = wasm_v128_load(first + (long)t * stride + i);
        const v128_t kt = wasm_i32x4_splat(k[t]);
        const v128_t lo = wasm_u16x8_extend_low_u8x16(v), hi = wasm_u16x8_extend_high_u8x16(v);
        a0 = ADD(a0, wasm_i32x4_mul(wasm_u32x4_extend_low_u16x8(lo), kt));
        a1 = ADD(a1, wasm_i32x4_mul(wasm_u32x4_extend_high_u16x8(lo), kt));
        a2 = ADD(a2, wasm_i32x4_mul(wasm_u32x4_extend_low_u16x8(hi), kt));
        a3 = ADD(a3, wasm_i32x4_mul(wasm_u32x4_extend_high_u16x8(hi), kt));
      }
      /* clip8: >> 22 then saturate to 0..255 (s ≥ 2^30 → ≥ 256 → 255; s ≤ 0 → ≤ 0 → 0). */
      const v128_t l16 = wasm_i16x8_narrow_i32x4(wasm_i32x4_shr(a0, PIL_PRECISION_BITS),
                                                 wasm_i32x4_shr(a1, PIL_PRECISION_BITS));
      const v128_t h16 = wasm_i16x8_narrow_i32x4(wasm_i32x4_shr(a2, PIL_PRECISION_BITS),
                                                 wasm_i32x4_shr(a3, PIL_PRECISION_BITS));
      wasm_v128_store(o + i, wasm_u8x16_narrow_i16x8(l16, h16));
    }
    for (; i < stride; i++) {
      int32_t s = 1 << (PIL_PRECISION_BITS - 1);
      for (int t = 0; t < n; t++) s += first[(long)t * stride + i] * k[t];
      o[i] = pil_clip8(s);
    }
  }
}

/* ------------------------------------------------------------------------------------------ */
/* spatter's OpenCV steps (cv-ops.ts documents them): Canny edges, then the L2 (mask 5) chamfer */
/* distance of every pixel to the nearest edge.                                               */

/*
 * dist[p] = distance from p to the nearest Canny edge of the 8-bit image src (w×h), with
 * Canny(low, high) as in cv-ops.ts: 3×3 Sobel with replicated border, L1 magnitude, non-maximum
 * suppression along the gradient quantised to 0/45/90/135°, hysteresis with 8-connectivity; then
 * distanceTransform(255 − edges, DIST_L2, 5): two passes of the 5×5 chamfer a = 1, b = 1.4,
 * c = 2.1969 (double precision, stored as float). `work` must hold 8·(w+4)·(h+4) + 4·(w+2)·(h+2)
 * + 13·w·h bytes, 8-byte aligned.
 */
static void edge_distance(const uint8_t *src, float *dist, int w, int h, int low, int high,
                   uint8_t *work) {
  const int n = w * h;
  const int pw = w + 4, mw = w + 2;
  double *d = (double *)work;
  int32_t *mag = (int32_t *)(d + (long)pw * (h + 4));
  int32_t *gx = mag + (long)mw * (h + 2);
  int32_t *gy = gx + n;
  int32_t *stack = gy + n;
  uint8_t *state = (uint8_t *)(stack + n);
  for (long i = 0; i < (long)mw * (h + 2); i++) mag[i] = 0;
  for (int y = 0; y < h; y++) {
    const uint8_t *rm = src + (long)(y > 0 ? y - 1 : 0) * w;
    const uint8_t *r0 = src + (long)y * w;
    const uint8_t *rp = src + (long)(y + 1 < h ? y + 1 : h - 1) * w;
    int32_t *gxr = gx + (long)y * w, *gyr = gy + (long)y * w, *mr = mag + (long)(y + 1) * mw + 1;
    /* Interior columns four at a time (the same integer sums). */
    int x = 1;
    for (; x + 4 <= w - 1; x += 4) {
#define U(r, o) load_u8x4((r) + x + (o))
      const v128_t a = wasm_i32x4_add(wasm_i32x4_add(U(rm, 1), wasm_i32x4_shl(U(r0, 1), 1)), U(rp, 1));
      const v128_t b = wasm_i32x4_add(wasm_i32x4_add(U(rm, -1), wasm_i32x4_shl(U(r0, -1), 1)), U(rp, -1));
      const v128_t c = wasm_i32x4_add(wasm_i32x4_add(U(rp, -1), wasm_i32x4_shl(U(rp, 0), 1)), U(rp, 1));
      const v128_t e = wasm_i32x4_add(wasm_i32x4_add(U(rm, -1), wasm_i32x4_shl(U(rm, 0), 1)), U(rm, 1));
#undef U
      const v128_t dx = wasm_i32x4_sub(a, b), dy = wasm_i32x4_sub(c, e);
      wasm_v128_store(gxr + x, dx);
      wasm_v128_store(gyr + x, dy);
      wasm_v128_store(mr + x, wasm_i32x4_add(wasm_i32x4_abs(dx), wasm_i32x4_abs(dy)));
    }
    /* Column 0, then the columns the vector loop left. */
    for (int x0 = 0; x0 < w; x0 = x0 == 0 ? x : x0 + 1) {
      const int x = x0;
      const int xm = x > 0 ? x - 1 : 0, xp = x + 1 < w ? x + 1 : w - 1;
      const int dx = rm[xp] + 2 * r0[xp] + rp[xp] - (rm[xm] + 2 * r0[xm] + rp[xm]);
      const int dy = rp[xm] + 2 * rp[x] + rp[xp] - (rm[xm] + 2 * rm[x] + rm[xp]);
      gx[(long)y * w + x] = dx;
      gy[(long)y * w + x] = dy;
      mag[(long)(y + 1) * mw + x + 1] = (dx < 0 ? -dx : dx) + (dy < 0 ? -dy : dy);
    }
  }
  const double tan22 = 0.41421356237309515; /* Math.SQRT2 − 1 in double */
  int top = 0;
  for (int i = 0; i < n; i++) state[i] = 0;
  for (int y = 0; y < h; y++) {
    for (int x = 0; x < w; x++) {
      const long c = (long)(y + 1) * mw + x + 1;
      const int m = mag[c];
      if (m <= low) continue;
      const int dx = gx[(long)y * w + x], dy = gy[(long)y * w + x];
      const double ax = dx < 0 ? -dx : dx, ay = dy < 0 ? -dy : dy;
      int keep;
      if (ay < ax * tan22)
        keep = m > mag[c - 1] && m >= mag[c + 1];
      else if (ay > ax * (tan22 + 2))
        keep = m > mag[c - mw] && m >= mag[c + mw];
      else {
        const int s = (dx ^ dy) < 0 ? -1 : 1;
        keep = m > mag[c - mw - s] && m > mag[c + mw + s];
      }
      if (!keep) continue;
      if (m > high) {
        state[(long)y * w + x] = 3; /* strong, an edge */
        stack[top++] = y * w + x;
      } else
        state[(long)y * w + x] = 1; /* weak */
    }
  }
  while (top > 0) {
    const int p = stack[--top];
    const int py = p / w, px = p - py * w;
    for (int yy = py > 0 ? py - 1 : 0; yy <= (py + 1 < h ? py + 1 : h - 1); yy++)
      for (int xx = px > 0 ? px - 1 : 0; xx <= (px + 1 < w ? px + 1 : w - 1); xx++) {
        const int q = yy * w + xx;
        if (state[q] == 1) {
          state[q] = 3;
          stack[top++] = q;
        }
      }
  }
  /* Distance to the nearest edge pixel; outside the image is not an edge. */
  const double A = 1, B = 1.4, C = 2.1969, BIG = 1e9;
  for (long i = 0; i < (long)pw * (h + 4); i++) d[i] = BIG;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (state[(long)y * w + x] == 3) d[(long)(y + 2) * pw + x + 2] = 0;
  /* Each pass takes, per pixel, the minimum of its value and eight neighbours' values plus a
   * step. A minimum does not depend on the order it is taken in, and every candidate is the same
   * double sum, so each row first takes the seven candidates from the rows already done, two
   * pixels at a time (pmin is `t < v ? t : v`), then the one from the pixel just done, in order. */
  const long p1 = pw, p2 = 2 * pw;
  const v128_t vA = wasm_f64x2_splat(A), vB = wasm_f64x2_splat(B), vC = wasm_f64x2_splat(C);
#define CAND(off, step) v = wasm_f64x2_pmin(v, wasm_f64x2_add(wasm_v128_load(q + (off)), step))
  for (int y = 0; y < h; y++) {
    double *row = d + (long)(y + 2) * pw + 2;
    int x = 0;
    for (; x + 2 <= w; x += 2) {
      const double *q = row + x;
      v128_t v = wasm_v128_load(q);
      CAND(-p2 - 1, vC); CAND(-p2 + 1, vC); CAND(-p1 - 2, vC); CAND(-p1 - 1, vB);
      CAND(-p1, vA); CAND(-p1 + 1, vB); CAND(-p1 + 2, vC);
      wasm_v128_store(row + x, v);
    }
    for (; x < w; x++) {
      const double *q = row + x;
      double v = q[0], t;
      t = q[-p2 - 1] + C; if (t < v) v = t;
      t = q[-p2 + 1] + C; if (t < v) v = t;
      t = q[-p1 - 2] + C; if (t < v) v = t;
      t = q[-p1 - 1] + B; if (t < v) v = t;
      t = q[-p1] + A; if (t < v) v = t;
      t = q[-p1 + 1] + B; if (t < v) v = t;
      t = q[-p1 + 2] + C; if (t < v) v = t;
      row[x] = v;
    }
    for (x = 0; x < w; x++) {
      const double t = row[x - 1] + A;
      if (t < row[x]) row[x] = t;
    }
  }
  for (int y = h - 1; y >= 0; y--) {
    double *row = d + (long)(y + 2) * pw + 2;
    int x = 0;
    for (; x + 2 <= w; x += 2) {
      const double *q = row + x;
      v128_t v = wasm_v128_load(q);
      CAND(p2 + 1, vC); CAND(p2 - 1, vC); CAND(p1 + 2, vC); CAND(p1 + 1, vB);
      CAND(p1, vA); CAND(p1 - 1, vB); CAND(p1 - 2, vC);
      wasm_v128_store(row + x, v);
    }
    for (; x < w; x++) {
      const double *q = row + x;
      double v = q[0], t;
      t = q[p2 + 1] + C; if (t < v) v = t;
      t = q[p2 - 1] + C; if (t < v) v = t;
      t = q[p1 + 2] + C; if (t < v) v = t;
      t = q[p1 + 1] + B; if (t < v) v = t;
      t = q[p1] + A; if (t < v) v = t;
      t = q[p1 - 1] + B; if (t < v) v = t;
      t = q[p1 - 2] + C; if (t < v) v = t;
      row[x] = v;
    }
    for (x = w - 1; x >= 0; x--) {
      const double t = row[x + 1] + A;
      if (t < row[x]) row[x] = t;
    }
  }
#undef CAND
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) dist[(long)y * w + x] = (float)d[(long)(y + 2) * pw + x + 2];
}

/* A single-channel image (float or byte) with a 1-pixel BORDER_REFLECT_101 frame, as floats. */
static void pad_mirror1(const float *fsrc, const uint8_t *bsrc, int w, int h, float *out) {
  const int pw = w + 2;
  for (int y = -1; y <= h; y++) {
    const int sy = y < 0 ? (1 < h - 1 ? 1 : h - 1) : y >= h ? (h - 2 > 0 ? h - 2 : 0) : y;
    float *row = out + (long)(y + 1) * pw;
    const long s = (long)sy * w;
#define SRC(i) (fsrc ? fsrc[s + (i)] : (float)bsrc[s + (i)])
    for (int x = 0; x < w; x++) row[x + 1] = SRC(x);
    row[0] = SRC(1 < w - 1 ? 1 : w - 1);
    row[w + 1] = SRC(w - 2 > 0 ? w - 2 : 0);
#undef SRC
  }
}

/* cv2.blur 3×3 (BORDER_REFLECT_101): the nine samples summed left to right in double, / 9. */
static void box_blur3(const float *p, int w, int h, float *out) {
  const int pw = w + 2;
  for (int y = 0; y < h; y++) {
    const float *a = p + (long)y * pw, *b = a + pw, *c = b + pw;
    for (int x = 0; x < w; x++)
      out[(long)y * w + x] =
          (float)(((((((((double)a[x] + a[x + 1]) + a[x + 2]) + b[x]) + b[x + 1]) + b[x + 2]) +
                    c[x]) +
                   c[x + 1] + c[x + 2]) /
                  9);
  }
}

/*
 * spatter's water shading from the 8-bit liquid layer, as cv-ops.ts and weather.ts define it:
 * distance to the Canny(50, 150) edges capped at 20, 3×3 box blur, truncated to bytes,
 * equalizeHist, the emboss kernel [[−2,−1,0],[−1,1,1],[0,1,2]] (rounded, saturated to bytes),
 * 3×3 box blur again. `work` must hold edge_distance's work plus 12·(w+2)·(h+2) + 11·w·h bytes.
 */
EXPORT("spatter_shade")
void spatter_shade(const uint8_t *l8, float *shade, int w, int h, uint8_t *work) {
  const long n = (long)w * h;
  const long edge_work = 8L * (w + 4) * (h + 4) + 4L * (w + 2) * (h + 2) + 13 * n;
  float *dist = (float *)(work + ((edge_work + 7) & ~7L));
  float *pad = dist + n;
  uint8_t *d8 = (uint8_t *)(pad + (long)(w + 2) * (h + 2));
  uint8_t *eq = d8 + n;
  edge_distance(l8, dist, w, h, 50, 150, work);
  for (long i = 0; i < n; i++)
    if (dist[i] > 20) dist[i] = 20;
  pad_mirror1(dist, 0, w, h, pad);
  box_blur3(pad, w, h, dist); /* dist now holds the blurred distance */
  for (long i = 0; i < n; i++) d8[i] = (uint8_t)(int)dist[i];
  /* equalizeHist: lut[v] = round(255·(cdf(v) − cdf(first)) / (N − count(first))), with
   * JavaScript's Math.round (halves up). */
  int32_t hist[256];
  for (int v = 0; v < 256; v++) hist[v] = 0;
  for (long i = 0; i < n; i++) hist[d8[i]]++;
  int first = 0;
  while (first < 255 && hist[first] == 0) first++;
  uint8_t lut[256];
  for (int v = 0; v < 256; v++) lut[v] = 0;
  if (hist[first] == n) {
    for (int v = 0; v < 256; v++) lut[v] = (uint8_t)first;
  } else {
    const double scale = 255.0 / (double)(n - hist[first]);
    long sum = 0;
    for (int v = first + 1; v < 256; v++) {
      sum += hist[v];
      const double x = (double)sum * scale;
      double r = __builtin_floor(x);
      if (x - r >= 0.5) r += 1;
      lut[v] = (uint8_t)(r > 255 ? 255 : r);
    }
  }
  for (long i = 0; i < n; i++) eq[i] = lut[d8[i]];
  /* Emboss (integer arithmetic: exact), then the second box blur. */
  pad_mirror1(0, eq, w, h, pad);
  const int pw = w + 2;
  for (int y = 0; y < h; y++) {
    const float *a = pad + (long)y * pw, *b = a + pw, *c = b + pw;
    for (int x = 0; x < w; x++) {
      const int acc = (int)(-2 * a[x] - a[x + 1] - b[x] + b[x + 1] + b[x + 2] + c[x + 1] + 2 * c[x + 2]);
      d8[(long)y * w + x] = (uint8_t)(acc < 0 ? 0 : acc > 255 ? 255 : acc);
    }
  }
  pad_mirror1(0, d8, w, h, pad);
  box_blur3(pad, w, h, shade);
}

/* ------------------------------------------------------------------------------------------ */
/* defocus_blur (blur.ts documents it): a (2g+1)-tap Gaussian on a reflect-101 padded copy, then */
/* the disk sum over row prefix sums, in the same double arithmetic and order as the scalar code. */

/*
 * src: interleaved RGB (w×h). pad: the caller's reflect-101 padded copy as floats
 * ((w + 2P)×(h + 2P)×3, P = R + g). gk: 2g+1 Gaussian taps; half: 2R+1 disk half-widths; out:
 * bytes, x·(1/count) + 1e-4 truncated and clipped. `work` must hold 4·(w+2R)·(h+2P)·3 +
 * 8·(w+2R+1)·3·(h+2R) bytes, 8-byte aligned.
 */
EXPORT("defocus_disk")
void defocus_disk(const float *pad, uint8_t *out, int w, int h, int R, int g, const double *gk,
                  const int32_t *half, int count, uint8_t *work) {
  const int P = R + g, pw = w + 2 * P, ph = h + 2 * P;
  const int qw = w + 2 * R, qh = h + 2 * R;
  double *prefix = (double *)work;
  const long sw = (long)(qw + 1) * 3;
  float *horiz = (float *)(prefix + sw * qh);
  for (int y = 0; y < ph; y++)
    for (int x = 0; x < qw; x++)
      for (int c = 0; c < 3; c++) {
        double acc = 0;
        for (int t = 0; t <= 2 * g; t++) acc += gk[t] * pad[((long)y * pw + x + t) * 3 + c];
        horiz[((long)y * qw + x) * 3 + c] = (float)acc;
      }
  for (int y = 0; y < qh; y++) {
    double a = 0, b = 0, cc = 0;
    double *row = prefix + (long)y * sw;
    row[0] = row[1] = row[2] = 0;
    for (int x = 0; x < qw; x++) {
      double v0 = 0, v1 = 0, v2 = 0;
      for (int t = 0; t <= 2 * g; t++) {
        const double k = gk[t];
        const float *p = horiz + ((long)(y + t) * qw + x) * 3;
        v0 += k * p[0];
        v1 += k * p[1];
        v2 += k * p[2];
      }
      a += v0;
      b += v1;
      cc += v2;
      double *q = row + (long)(x + 1) * 3;
      q[0] = a;
      q[1] = b;
      q[2] = cc;
    }
  }
  const double scale = 1.0 / count;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      double a = 0, b = 0, cc = 0;
      for (int dy = 0; dy <= 2 * R; dy++) {
        const int hw = half[dy];
        const double *row = prefix + (long)(y + dy) * sw;
        const double *hi = row + (long)(x + R + hw + 1) * 3;
        const double *lo = row + (long)(x + R - hw) * 3;
        a += hi[0] - lo[0];
        b += hi[1] - lo[1];
        cc += hi[2] - lo[2];
      }
      a = a * scale + 1e-4;
      b = b * scale + 1e-4;
      cc = cc * scale + 1e-4;
      uint8_t *o = out + ((long)y * w + x) * 3;
      o[0] = (uint8_t)(a >= 255 ? 255 : a > 0 ? (int)a : 0);
      o[1] = (uint8_t)(b >= 255 ? 255 : b > 0 ? (int)b : 0);
      o[2] = (uint8_t)(cc >= 255 ? 255 : cc > 0 ? (int)cc : 0);
    }
}
