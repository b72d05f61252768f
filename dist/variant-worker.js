import { createRequire as __vgCreateRequire } from 'node:module'; const require = __vgCreateRequire(import.meta.url); globalThis.__VISIONGATE_BUNDLE__ = true;

// src/engine/variant-worker.ts
import { parentPort } from "node:worker_threads";

// src/errors.ts
var UserError = class extends Error {
  name = "UserError";
  /** A short machine-readable category, e.g. `config`, `dataset`, `model`, `usage`. */
  kind;
  constructor(kind, message, options) {
    super(message, options);
    this.kind = kind;
  }
};

// src/corruptions/filters.ts
function borderIndex(i, n, mode) {
  if (i >= 0 && i < n) return i;
  if (n === 1) return 0;
  if (mode === "nearest") return i < 0 ? 0 : n - 1;
  if (mode === "reflect") {
    const period2 = 2 * n;
    let k2 = i % period2;
    if (k2 < 0) k2 += period2;
    return k2 < n ? k2 : period2 - 1 - k2;
  }
  const period = 2 * n - 2;
  let k = i % period;
  if (k < 0) k += period;
  return k < n ? k : period - k;
}
function gaussianTaps(sigma, truncate = 4) {
  const radius = Math.trunc(truncate * sigma + 0.5);
  const taps = new Float64Array(2 * radius + 1);
  if (radius === 0) {
    taps[0] = 1;
    return taps;
  }
  let sum = 0;
  for (let k = -radius; k <= radius; k++) {
    const w = Math.exp(-0.5 * k * k / (sigma * sigma));
    taps[k + radius] = w;
    sum += w;
  }
  for (let k = 0; k < taps.length; k++) taps[k] /= sum;
  return taps;
}
var foldedCache = /* @__PURE__ */ new Map();
function foldFilter(taps, n, mode, cacheKey) {
  const key = cacheKey === void 0 ? void 0 : `${cacheKey}|${n}|${mode}`;
  if (key !== void 0) {
    const hit = foldedCache.get(key);
    if (hit) return hit;
  }
  const radius = taps.length - 1 >> 1;
  const start = new Int32Array(n);
  const length = new Int32Array(n);
  const offset = new Int32Array(n);
  const rows = [];
  const scratch2 = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let lo = n;
    let hi = -1;
    for (let k = -radius; k <= radius; k++) {
      const j = borderIndex(i + k, n, mode);
      scratch2[j] += taps[k + radius];
      if (j < lo) lo = j;
      if (j > hi) hi = j;
    }
    const row = scratch2.slice(lo, hi + 1);
    scratch2.fill(0, lo, hi + 1);
    start[i] = lo;
    length[i] = hi - lo + 1;
    offset[i] = total;
    total += row.length;
    rows.push(row);
  }
  const weights = new Float64Array(total);
  for (let i = 0; i < n; i++) weights.set(rows[i], offset[i]);
  let symmetric = true;
  for (let k = 1; k <= radius; k++) if (taps[radius - k] !== taps[radius + k]) symmetric = false;
  const folded = { n, start, length, offset, weights, taps, radius, symmetric };
  if (key !== void 0) {
    if (foldedCache.size > 256) foldedCache.clear();
    foldedCache.set(key, folded);
  }
  return folded;
}
function gaussianFilter(sigma, n, mode, truncate = 4) {
  return foldFilter(gaussianTaps(sigma, truncate), n, mode, `g${sigma}|${truncate}`);
}
function filterRows(src, w, h, ch, f) {
  const out = new Float32Array(w * h * ch);
  const { start, length, offset, weights, taps, radius, symmetric } = f;
  if (ch === 3) {
    const lo = symmetric && radius > 0 ? radius : w;
    const hi = symmetric && radius > 0 ? w - radius : w;
    const k0 = taps[radius];
    for (let y = 0; y < h; y++) {
      const row = y * w * 3;
      for (let x = 0; x < w; x++) {
        if (x >= lo && x < hi) {
          const c2 = row + x * 3;
          let a2 = k0 * src[c2];
          let b2 = k0 * src[c2 + 1];
          let d = k0 * src[c2 + 2];
          for (let k = 1, l = c2 - 3, r = c2 + 3; k <= radius; k++, l -= 3, r += 3) {
            const t = taps[radius + k];
            a2 += t * (src[l] + src[r]);
            b2 += t * (src[l + 1] + src[r + 1]);
            d += t * (src[l + 2] + src[r + 2]);
          }
          out[c2] = a2;
          out[c2 + 1] = b2;
          out[c2 + 2] = d;
          continue;
        }
        let a = 0;
        let b = 0;
        let c = 0;
        let p = row + start[x] * 3;
        let o = offset[x];
        const end = o + length[x];
        for (; o < end; o++, p += 3) {
          const k = weights[o];
          a += k * src[p];
          b += k * src[p + 1];
          c += k * src[p + 2];
        }
        const q = row + x * 3;
        out[q] = a;
        out[q + 1] = b;
        out[q + 2] = c;
      }
    }
    return out;
  }
  if (ch === 1) {
    const lo = symmetric && radius > 0 ? radius : w;
    const hi = symmetric && radius > 0 ? w - radius : w;
    const k0 = taps[radius];
    for (let y = 0; y < h; y++) {
      const row = y * w;
      for (let x = 0; x < w; x++) {
        const c = row + x;
        if (x >= lo && x < hi) {
          let a = k0 * src[c];
          for (let k = 1; k <= radius; k++) a += taps[radius + k] * (src[c - k] + src[c + k]);
          out[c] = a;
          continue;
        }
        let acc = 0;
        let p = row + start[x];
        let o = offset[x];
        const end = o + length[x];
        for (; o < end; o++, p++) acc += weights[o] * src[p];
        out[c] = acc;
      }
    }
    return out;
  }
  for (let y = 0; y < h; y++) {
    const row = y * w * ch;
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < ch; c++) {
        let acc = 0;
        let p = row + start[x] * ch + c;
        let o = offset[x];
        const end = o + length[x];
        for (; o < end; o++, p += ch) acc += weights[o] * src[p];
        out[row + x * ch + c] = acc;
      }
    }
  }
  return out;
}
function filterCols(src, w, h, ch, f) {
  const stride = w * ch;
  const out = new Float32Array(stride * h);
  const { start, length, offset, weights, taps, radius, symmetric } = f;
  for (let y = 0; y < h; y++) {
    if (symmetric && radius > 0 && y >= radius && y < h - radius) {
      const ob2 = y * stride;
      const c = y * stride;
      const k0 = taps[radius];
      for (let i = 0; i < stride; i++) out[ob2 + i] = k0 * src[c + i];
      let k = 1;
      for (; k + 1 <= radius; k += 2) {
        const t1 = taps[radius + k];
        const t2 = taps[radius + k + 1];
        const a1 = c - k * stride;
        const b1 = c + k * stride;
        const a2 = a1 - stride;
        const b2 = b1 + stride;
        for (let i = 0; i < stride; i++) {
          out[ob2 + i] += t1 * (src[a1 + i] + src[b1 + i]) + t2 * (src[a2 + i] + src[b2 + i]);
        }
      }
      if (k <= radius) {
        const t1 = taps[radius + k];
        const a1 = c - k * stride;
        const b1 = c + k * stride;
        for (let i = 0; i < stride; i++) out[ob2 + i] += t1 * (src[a1 + i] + src[b1 + i]);
      }
      continue;
    }
    const o0 = offset[y];
    const len = length[y];
    const s0 = start[y];
    const ob = y * stride;
    let t = 0;
    for (; t + 4 <= len; t += 4) {
      const k0 = weights[o0 + t];
      const k1 = weights[o0 + t + 1];
      const k2 = weights[o0 + t + 2];
      const k3 = weights[o0 + t + 3];
      const b0 = (s0 + t) * stride;
      const b1 = b0 + stride;
      const b2 = b1 + stride;
      const b3 = b2 + stride;
      if (t === 0) {
        for (let i = 0; i < stride; i++) {
          out[ob + i] = k0 * src[b0 + i] + k1 * src[b1 + i] + k2 * src[b2 + i] + k3 * src[b3 + i];
        }
      } else {
        for (let i = 0; i < stride; i++) {
          out[ob + i] += k0 * src[b0 + i] + k1 * src[b1 + i] + k2 * src[b2 + i] + k3 * src[b3 + i];
        }
      }
    }
    for (; t < len; t++) {
      const k = weights[o0 + t];
      const b = (s0 + t) * stride;
      if (t === 0) for (let i = 0; i < stride; i++) out[ob + i] = k * src[b + i];
      else for (let i = 0; i < stride; i++) out[ob + i] += k * src[b + i];
    }
  }
  return out;
}
function gaussianBlur(src, w, h, ch, sigma, mode = "nearest", truncate = 4) {
  if (Math.trunc(truncate * sigma + 0.5) === 0) return src.slice();
  const rows = filterRows(src, w, h, ch, gaussianFilter(sigma, w, mode, truncate));
  return filterCols(rows, w, h, ch, gaussianFilter(sigma, h, mode, truncate));
}
function toFloat(data) {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] / 255;
  return out;
}
function toBytes(src) {
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i] * 255 + 1e-4;
    out[i] = v >= 255 ? 255 : v > 0 ? v : 0;
  }
  return out;
}
function motionBlur(src, w, h, ch, radius, sigma, angleDeg) {
  const width = 2 * Math.ceil(radius) + 1;
  const kernel = [];
  let norm = 0;
  for (let i = 0; i < width; i++) {
    const k = Math.exp(-(i * i) / (2 * sigma * sigma));
    kernel.push(k);
    norm += k;
  }
  const a = angleDeg * Math.PI / 180;
  const px = width * Math.sin(a);
  const py = width * Math.cos(a);
  const hyp = Math.hypot(px, py);
  const dx = [];
  const dy = [];
  const wk = [];
  for (let i = 0; i < width; i++) {
    const k = kernel[i] / norm;
    if (k < 1e-12) continue;
    dx.push(Math.ceil(i * py / hyp - 0.5));
    dy.push(Math.ceil(i * px / hyp - 0.5));
    wk.push(k);
  }
  const taps = wk.length;
  const weights = Float64Array.from(wk);
  const flat = Int32Array.from(dx.map((x, i) => (dy[i] * w + x) * ch));
  const minX = Math.min(...dx);
  const maxX = Math.max(...dx);
  const minY = Math.min(...dy);
  const maxY = Math.max(...dy);
  const out = new Uint8Array(src.length);
  const acc = new Float64Array(ch);
  for (let y = 0; y < h; y++) {
    const yInside = y + minY >= 0 && y + maxY < h;
    for (let x = 0; x < w; x++) {
      const base = (y * w + x) * ch;
      acc.fill(0);
      if (yInside && x + minX >= 0 && x + maxX < w) {
        if (ch === 3) {
          let r = 0;
          let g = 0;
          let b = 0;
          for (let t = 0; t < taps; t++) {
            const p = base + flat[t];
            const k = weights[t];
            r += k * src[p];
            g += k * src[p + 1];
            b += k * src[p + 2];
          }
          out[base] = r + 0.5;
          out[base + 1] = g + 0.5;
          out[base + 2] = b + 0.5;
          continue;
        }
        for (let t = 0; t < taps; t++) {
          const p = base + flat[t];
          for (let c = 0; c < ch; c++) acc[c] += weights[t] * src[p + c];
        }
      } else {
        for (let t = 0; t < taps; t++) {
          let sx = x + dx[t];
          let sy = y + dy[t];
          sx = sx < 0 ? 0 : sx >= w ? w - 1 : sx;
          sy = sy < 0 ? 0 : sy >= h ? h - 1 : sy;
          const p = (sy * w + sx) * ch;
          for (let c = 0; c < ch; c++) acc[c] += weights[t] * src[p + c];
        }
      }
      for (let c = 0; c < ch; c++) {
        const v = acc[c] + 0.5;
        out[base + c] = v >= 255 ? 255 : v;
      }
    }
  }
  return out;
}
function roundHalfEven(x) {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
function clippedZoomAxis(n, zoom) {
  const m = Math.ceil(n / zoom);
  const top = Math.floor((n - m) / 2);
  const M = roundHalfEven(m * zoom);
  const trim = Math.floor((M - n) / 2);
  const scale2 = M > 1 ? (m - 1) / (M - 1) : 0;
  const i0 = new Int32Array(n);
  const i1 = new Int32Array(n);
  const f = new Float32Array(n);
  for (let o = 0; o < n; o++) {
    const s = Math.min((o + trim) * scale2, m - 1);
    const a = Math.floor(s);
    const b = Math.min(a + 1, m - 1);
    i0[o] = top + a;
    i1[o] = top + b;
    f[o] = s - a;
  }
  return { i0, i1, f };
}
function resampleLinear(src, w, ch, ys, xs) {
  const oh = ys.i0.length;
  const ow = xs.i0.length;
  let rmin = Infinity;
  let rmax = -1;
  for (let o = 0; o < oh; o++) {
    rmin = Math.min(rmin, ys.i0[o]);
    rmax = Math.max(rmax, ys.i1[o]);
  }
  const rows = rmax - rmin + 1;
  const tmp = new Float32Array(rows * ow * ch);
  for (let r = 0; r < rows; r++) {
    const sb = (r + rmin) * w * ch;
    const tb = r * ow * ch;
    for (let x = 0; x < ow; x++) {
      const a = sb + xs.i0[x] * ch;
      const b = sb + xs.i1[x] * ch;
      const f = xs.f[x];
      for (let c = 0; c < ch; c++) {
        const va = src[a + c];
        tmp[tb + x * ch + c] = va + f * (src[b + c] - va);
      }
    }
  }
  const out = new Float32Array(oh * ow * ch);
  const stride = ow * ch;
  for (let y = 0; y < oh; y++) {
    const a = (ys.i0[y] - rmin) * stride;
    const b = (ys.i1[y] - rmin) * stride;
    const f = ys.f[y];
    const ob = y * stride;
    for (let i = 0; i < stride; i++) {
      const va = tmp[a + i];
      out[ob + i] = va + f * (tmp[b + i] - va);
    }
  }
  return out;
}

// src/corruptions/blur.ts
function image(img, data) {
  return { width: img.width, height: img.height, data };
}
function gaussianBlur2(img, severity, ctx) {
  const sigma = ctx.params.gaussian_blur[severity - 1] * ctx.pixelScale;
  const { width: w, height: h } = img;
  return image(img, toBytes(gaussianBlur(toFloat(img.data), w, h, 3, sigma)));
}
function glassBlur(img, severity, ctx) {
  const [sigma0, delta0, iterations] = ctx.params.glass_blur[severity - 1];
  const sigma = sigma0 * ctx.pixelScale;
  const delta = Math.max(1, Math.round(delta0 * ctx.pixelScale));
  const { width: w, height: h } = img;
  const x = toBytes(gaussianBlur(toFloat(img.data), w, h, 3, sigma));
  const span = 2 * delta;
  const perPass = Math.max(0, h - 2 * delta) * Math.max(0, w - 2 * delta);
  const raw = new Int32Array(perPass);
  for (let it = 0; it < iterations; it++) {
    ctx.rng.fillI32(raw);
    let k = 0;
    for (let yy = h - delta; yy > delta; yy--) {
      for (let xx = w - delta; xx > delta; xx--) {
        const r = raw[k++] >>> 0;
        const dx = ((r & 65535) * span >>> 16) - delta;
        const dy = ((r >>> 16) * span >>> 16) - delta;
        const sy = yy + dy;
        const sx = xx + dx;
        if (sy < 0 || sy >= h || sx < 0 || sx >= w) continue;
        const d = (yy * w + xx) * 3;
        const s = (sy * w + sx) * 3;
        x[d] = x[s];
        x[d + 1] = x[s + 1];
        x[d + 2] = x[s + 2];
      }
    }
  }
  return image(img, toBytes(gaussianBlur(toFloat(x), w, h, 3, sigma)));
}
function defocusBlur(img, severity, ctx) {
  const [r0, aliasSigma] = ctx.params.defocus_blur[severity - 1];
  const radius = r0 * ctx.pixelScale;
  const { width: w, height: h } = img;
  const R = Math.floor(radius);
  const g = radius <= 8 ? 1 : 2;
  const gk = [];
  let gs = 0;
  for (let i = -g; i <= g; i++) {
    const v = Math.exp(-(i * i) / (2 * aliasSigma * aliasSigma));
    gk.push(v);
    gs += v;
  }
  for (let i = 0; i < gk.length; i++) gk[i] /= gs;
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
  const xmap = new Int32Array(pw);
  for (let i = 0; i < pw; i++) xmap[i] = borderIndex(i - P, w, "mirror") * 3;
  const pad = new Float32Array(pw * ph * 3);
  for (let y = 0; y < ph; y++) {
    const sr = borderIndex(y - P, h, "mirror") * w * 3;
    const dr = y * pw * 3;
    for (let x = 0; x < pw; x++) {
      const s = sr + xmap[x];
      const d = dr + x * 3;
      pad[d] = src[s];
      pad[d + 1] = src[s + 1];
      pad[d + 2] = src[s + 2];
    }
  }
  const qw = w + 2 * R;
  const qh = h + 2 * R;
  const horiz = new Float32Array(qw * ph * 3);
  for (let y = 0; y < ph; y++) {
    for (let x = 0; x < qw; x++) {
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let t = 0; t <= 2 * g; t++) acc += gk[t] * pad[(y * pw + x + t) * 3 + c];
        horiz[(y * qw + x) * 3 + c] = acc;
      }
    }
  }
  const sw = (qw + 1) * 3;
  const prefix = new Float64Array(sw * qh);
  for (let y = 0; y < qh; y++) {
    let a = 0;
    let b = 0;
    let cc = 0;
    const row = y * sw;
    for (let x = 0; x < qw; x++) {
      let v0 = 0;
      let v1 = 0;
      let v2 = 0;
      for (let t = 0; t <= 2 * g; t++) {
        const k = gk[t];
        const p = ((y + t) * qw + x) * 3;
        v0 += k * horiz[p];
        v1 += k * horiz[p + 1];
        v2 += k * horiz[p + 2];
      }
      a += v0;
      b += v1;
      cc += v2;
      const q = row + (x + 1) * 3;
      prefix[q] = a;
      prefix[q + 1] = b;
      prefix[q + 2] = cc;
    }
  }
  const out = new Uint8Array(w * h * 3);
  const scale2 = 1 / count;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let a = 0;
      let b = 0;
      let cc = 0;
      for (let dy = 0; dy <= 2 * R; dy++) {
        const hw = half[dy];
        const row = (y + dy) * sw;
        const hi = row + (x + R + hw + 1) * 3;
        const lo = row + (x + R - hw) * 3;
        a += prefix[hi] - prefix[lo];
        b += prefix[hi + 1] - prefix[lo + 1];
        cc += prefix[hi + 2] - prefix[lo + 2];
      }
      const o = (y * w + x) * 3;
      a = a * scale2 + 1e-4;
      b = b * scale2 + 1e-4;
      cc = cc * scale2 + 1e-4;
      out[o] = a >= 255 ? 255 : a > 0 ? a : 0;
      out[o + 1] = b >= 255 ? 255 : b > 0 ? b : 0;
      out[o + 2] = cc >= 255 ? 255 : cc > 0 ? cc : 0;
    }
  }
  return image(img, out);
}
function motionBlur2(img, severity, ctx) {
  const [radius, sigma] = ctx.params.motion_blur[severity - 1];
  const angle = ctx.rng.uniformRange(-45, 45);
  const k = ctx.pixelScale;
  const { width: w, height: h } = img;
  return image(img, motionBlur(img.data, w, h, 3, radius * k, sigma * k, angle));
}
function zoomBlur(img, severity, ctx) {
  const zooms = ctx.params.zoom_blur[severity - 1];
  const { width: w, height: h } = img;
  const x = toFloat(img.data);
  const acc = x.slice();
  for (const z of zooms) {
    const zoomed = resampleLinear(x, w, 3, clippedZoomAxis(h, z), clippedZoomAxis(w, z));
    for (let i = 0; i < acc.length; i++) acc[i] += zoomed[i];
  }
  const inv = 1 / (zooms.length + 1);
  for (let i = 0; i < acc.length; i++) acc[i] *= inv;
  return image(img, toBytes(acc));
}

// src/corruptions/jpeg.ts
var LUMA = [
  16,
  11,
  10,
  16,
  24,
  40,
  51,
  61,
  12,
  12,
  14,
  19,
  26,
  58,
  60,
  55,
  14,
  13,
  16,
  24,
  40,
  57,
  69,
  56,
  14,
  17,
  22,
  29,
  51,
  87,
  80,
  62,
  18,
  22,
  37,
  56,
  68,
  109,
  103,
  77,
  24,
  35,
  55,
  64,
  81,
  104,
  113,
  92,
  49,
  64,
  78,
  87,
  103,
  121,
  120,
  101,
  72,
  92,
  95,
  98,
  112,
  100,
  103,
  99
];
var CHROMA = [
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
  ...new Array(32).fill(99)
];
function quantTable(base, quality) {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const scale2 = q < 50 ? Math.trunc(5e3 / q) : 200 - 2 * q;
  return Int32Array.from(
    base,
    (b) => Math.min(255, Math.max(1, Math.trunc((b * scale2 + 50) / 100)))
  );
}
var AAN = Float64Array.from(
  { length: 8 },
  (_, k) => k === 0 ? 1 : Math.SQRT2 * Math.cos(k * Math.PI / 16)
);
var R2 = Math.SQRT1_2;
function fdct8(d, o, step) {
  const d0 = d[o];
  const d1 = d[o + step];
  const d2 = d[o + 2 * step];
  const d3 = d[o + 3 * step];
  const d4 = d[o + 4 * step];
  const d5 = d[o + 5 * step];
  const d6 = d[o + 6 * step];
  const d7 = d[o + 7 * step];
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
function idct8(d, o, step) {
  const i0 = d[o];
  const i1 = d[o + step];
  const i2 = d[o + 2 * step];
  const i3 = d[o + 3 * step];
  const i4 = d[o + 4 * step];
  const i5 = d[o + 5 * step];
  const i6 = d[o + 6 * step];
  const i7 = d[o + 7 * step];
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
function scaledTables(q) {
  const div = new Float64Array(64);
  const mul = new Float64Array(64);
  for (let v = 0; v < 8; v++) {
    for (let u = 0; u < 8; u++) {
      const s = AAN[v] * AAN[u];
      div[v * 8 + u] = q[v * 8 + u] * 8 * s;
      mul[v * 8 + u] = q[v * 8 + u] * s / 8;
    }
  }
  return { div, mul };
}
function roundTripBlock(block2, div, mul) {
  for (let r = 0; r < 64; r += 8) fdct8(block2, r, 1);
  for (let c = 0; c < 8; c++) fdct8(block2, c, 8);
  let ac = false;
  for (let i = 0; i < 64; i++) {
    const f = block2[i] / div[i];
    const level = f < 0 ? -Math.floor(0.5 - f) : Math.floor(f + 0.5);
    if (level !== 0 && i !== 0) ac = true;
    block2[i] = level * mul[i];
  }
  if (!ac) {
    block2.fill(block2[0]);
    return;
  }
  for (let c = 0; c < 8; c++) idct8(block2, c, 8);
  for (let r = 0; r < 64; r += 8) idct8(block2, r, 1);
}
var block = new Float64Array(64);
function roundTripPlane(plane, pw, ph, q) {
  const { div, mul } = scaledTables(q);
  for (let by = 0; by < ph; by += 8) {
    for (let bx = 0; bx < pw; bx += 8) {
      for (let y = 0; y < 8; y++) {
        const row = (by + y) * pw + bx;
        for (let x = 0; x < 8; x++) block[y * 8 + x] = plane[row + x] - 128;
      }
      roundTripBlock(block, div, mul);
      for (let y = 0; y < 8; y++) {
        const row = (by + y) * pw + bx;
        for (let x = 0; x < 8; x++) {
          const v = Math.floor(block[y * 8 + x] + 128.5);
          plane[row + x] = v < 0 ? 0 : v > 255 ? 255 : v;
        }
      }
    }
  }
}
function jpegRoundTrip(src, w, h, quality) {
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
      const r = src[s];
      const g = src[s + 1];
      const b = src[s + 2];
      const d = y * pw + x;
      Y[d] = Math.floor(0.299 * r + 0.587 * g + 0.114 * b + 0.5);
      Cb[d] = Math.floor(-0.168735892 * r - 0.331264108 * g + 0.5 * b + 128.5);
      Cr[d] = Math.floor(0.5 * r - 0.418687589 * g - 0.081312411 * b + 128.5);
    }
  }
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
      cb[y * cw + x] = Cb[r0 + i] + Cb[r0 + i + 1] + Cb[r1 + i] + Cb[r1 + i + 1] + bias >> 2;
      cr[y * cw + x] = Cr[r0 + i] + Cr[r0 + i + 1] + Cr[r1 + i] + Cr[r1 + i + 1] + bias >> 2;
    }
  }
  roundTripPlane(Y, pw, ph, ql);
  roundTripPlane(cb, cw, chh, qc);
  roundTripPlane(cr, cw, chh, qc);
  const dw = Math.ceil(w / 2);
  const dh = Math.ceil(h / 2);
  const up = (c) => {
    const out2 = new Float32Array(w * h);
    const colsum = new Int32Array(dw);
    for (let oy = 0; oy < h; oy++) {
      const near = oy >> 1;
      const far = (oy & 1) === 0 ? Math.max(0, near - 1) : Math.min(dh - 1, near + 1);
      for (let x = 0; x < dw; x++) colsum[x] = 3 * c[near * cw + x] + c[far * cw + x];
      const o = oy * w;
      if (dw === 1) {
        out2[o] = colsum[0] * 4 + 8 >> 4;
        if (w > 1) out2[o + 1] = colsum[0] * 4 + 7 >> 4;
        continue;
      }
      out2[o] = colsum[0] * 4 + 8 >> 4;
      if (1 < w) out2[o + 1] = colsum[0] * 3 + colsum[1] + 7 >> 4;
      for (let x = 1; x < dw - 1; x++) {
        const c0 = colsum[x] * 3;
        if (2 * x < w) out2[o + 2 * x] = c0 + colsum[x - 1] + 8 >> 4;
        if (2 * x + 1 < w) out2[o + 2 * x + 1] = c0 + colsum[x + 1] + 7 >> 4;
      }
      const last = dw - 1;
      if (2 * last < w) out2[o + 2 * last] = colsum[last] * 3 + colsum[last - 1] + 8 >> 4;
      if (2 * last + 1 < w) out2[o + 2 * last + 1] = colsum[last] * 4 + 7 >> 4;
    }
    return out2;
  };
  const ub = up(cb);
  const ur = up(cr);
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const yy = Y[y * pw + x];
      const p = y * w + x;
      const b = ub[p] - 128;
      const r = ur[p] - 128;
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

// src/corruptions/digital.ts
function image2(img, data) {
  return { width: img.width, height: img.height, data };
}
function contrast(img, severity, ctx) {
  const c = ctx.params.contrast[severity - 1];
  const src = img.data;
  const sums = [0, 0, 0];
  for (let i = 0; i < src.length; i += 3) {
    sums[0] += src[i];
    sums[1] += src[i + 1];
    sums[2] += src[i + 2];
  }
  const n = src.length / 3 || 1;
  const lut = new Uint8Array(768);
  for (let ch = 0; ch < 3; ch++) {
    const mean = sums[ch] / n / 255;
    for (let v = 0; v < 256; v++) {
      const x = ((v / 255 - mean) * c + mean) * 255;
      lut[ch * 256 + v] = x >= 255 ? 255 : x > 0 ? x : 0;
    }
  }
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += 3) {
    out[i] = lut[src[i]];
    out[i + 1] = lut[256 + src[i + 1]];
    out[i + 2] = lut[512 + src[i + 2]];
  }
  return image2(img, out);
}
function remap(src, w, h, sy, sx, mode) {
  const out = new Float32Array(w * h * 3);
  for (let p = 0, o = 0; p < w * h; p++, o += 3) {
    const y = sy[p];
    const x = sx[p];
    const y0 = Math.floor(y);
    const x0 = Math.floor(x);
    const fy = y - y0;
    const fx = x - x0;
    let ya;
    let yb;
    let xa;
    let xb;
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
    out[o] = w00 * src[p00] + w01 * src[p01] + w10 * src[p10] + w11 * src[p11];
    out[o + 1] = w00 * src[p00 + 1] + w01 * src[p01 + 1] + w10 * src[p10 + 1] + w11 * src[p11 + 1];
    out[o + 2] = w00 * src[p00 + 2] + w01 * src[p01 + 2] + w10 * src[p10 + 2] + w11 * src[p11 + 2];
  }
  return out;
}
function elasticTransform(img, severity, ctx) {
  const [alpha0, sigma0, affine0] = ctx.params.elastic_transform[severity - 1];
  const k = ctx.pixelScale;
  const alpha = alpha0 * k * k;
  const sigma = sigma0 * k;
  const jitter = affine0 * k;
  const { width: w, height: h } = img;
  const rng = ctx.rng;
  const x = toFloat(img.data);
  const cx = Math.floor(w / 2);
  const cy = Math.floor(h / 2);
  const s = Math.floor(Math.min(w, h) / 3);
  const src = [
    [cx + s, cy + s],
    [cx + s, cy - s],
    [cx - s, cy - s]
  ];
  const dst = src.map(([px, py]) => [
    Math.fround(px + rng.uniformRange(-jitter, jitter)),
    Math.fround(py + rng.uniformRange(-jitter, jitter))
  ]);
  const [x1, y1] = src[0];
  const [x2, y2] = src[1];
  const [x3, y3] = src[2];
  const det = x1 * (y2 - y3) + x2 * (y3 - y1) + x3 * (y1 - y2);
  const solve = (v1, v2, v3) => [
    (v1 * (y2 - y3) + v2 * (y3 - y1) + v3 * (y1 - y2)) / det,
    (v1 * (x3 - x2) + v2 * (x1 - x3) + v3 * (x2 - x1)) / det,
    (v1 * (x2 * y3 - x3 * y2) + v2 * (x3 * y1 - x1 * y3) + v3 * (x1 * y2 - x2 * y1)) / det
  ];
  let [a11, a12, tx] = solve(dst[0][0], dst[1][0], dst[2][0]);
  let [a21, a22, ty] = solve(dst[0][1], dst[1][1], dst[2][1]);
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
  const warped = remap(x, w, h, sy, sx, "mirror");
  if (alpha === 0) return image2(img, toBytes(warped));
  const field = () => {
    const u = new Float32Array(w * h);
    rng.fillUniform(u, -1, 1);
    if (Math.trunc(3 * sigma + 0.5) === 0) return u;
    const rows = filterRows(u, w, h, 1, gaussianFilter(sigma, w, "reflect", 3));
    return filterCols(rows, w, h, 1, gaussianFilter(sigma, h, "reflect", 3));
  };
  const dx = field();
  const dy = field();
  for (let yy = 0, p = 0; yy < h; yy++) {
    for (let xx = 0; xx < w; xx++, p++) {
      sy[p] = yy + Math.fround(dy[p] * alpha);
      sx[p] = xx + Math.fround(dx[p] * alpha);
    }
  }
  const out = remap(warped, w, h, sy, sx, "reflect");
  return image2(img, toBytes(out));
}
function boxRanges(inSize, outSize) {
  const s = inSize / outSize;
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    let a = Math.max(0, Math.floor(o * s - 0.5) + 1);
    let b = Math.min(inSize - 1, Math.floor((o + 1) * s - 0.5));
    if (b < a) a = b = Math.min(inSize - 1, Math.max(0, Math.floor((o + 0.5) * s)));
    lo[o] = a;
    hi[o] = b;
  }
  return { lo, hi };
}
function pixelate(img, severity, ctx) {
  const c = ctx.params.pixelate[severity - 1];
  const { width: w, height: h } = img;
  const sw = Math.max(1, Math.trunc(w * c));
  const sh = Math.max(1, Math.trunc(h * c));
  const src = img.data;
  const xr = boxRanges(w, sw);
  const yr = boxRanges(h, sh);
  const tmp = new Uint8Array(h * sw * 3);
  for (let y = 0; y < h; y++) {
    for (let o = 0; o < sw; o++) {
      const a = xr.lo[o];
      const b = xr.hi[o];
      let r = 0;
      let g = 0;
      let bl = 0;
      for (let x = a; x <= b; x++) {
        const p = (y * w + x) * 3;
        r += src[p];
        g += src[p + 1];
        bl += src[p + 2];
      }
      const inv = 1 / (b - a + 1);
      const q = (y * sw + o) * 3;
      tmp[q] = r * inv + 0.5;
      tmp[q + 1] = g * inv + 0.5;
      tmp[q + 2] = bl * inv + 0.5;
    }
  }
  const small = new Uint8Array(sh * sw * 3);
  const stride = sw * 3;
  for (let o = 0; o < sh; o++) {
    const a = yr.lo[o];
    const b = yr.hi[o];
    const inv = 1 / (b - a + 1);
    for (let i = 0; i < stride; i++) {
      let acc = 0;
      for (let y = a; y <= b; y++) acc += tmp[y * stride + i];
      small[o * stride + i] = acc * inv + 0.5;
    }
  }
  const out = new Uint8Array(src.length);
  const xs = new Int32Array(w);
  for (let x = 0; x < w; x++) xs[x] = Math.min(sw - 1, Math.floor((x + 0.5) * sw / w)) * 3;
  for (let y = 0; y < h; y++) {
    const sy = Math.min(sh - 1, Math.floor((y + 0.5) * sh / h));
    const row = sy * stride;
    for (let x = 0; x < w; x++) {
      const s = row + xs[x];
      const o = (y * w + x) * 3;
      out[o] = small[s];
      out[o + 1] = small[s + 1];
      out[o + 2] = small[s + 2];
    }
  }
  return image2(img, out);
}
function jpegCompression(img, severity, ctx) {
  const quality = ctx.params.jpeg_compression[severity - 1];
  return image2(img, jpegRoundTrip(img.data, img.width, img.height, quality));
}
function saturate(img, severity, ctx) {
  const [a, b] = ctx.params.saturate[severity - 1];
  const src = img.data;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += 3) {
    const r = src[i];
    const g = src[i + 1];
    const bl = src[i + 2];
    const V = r > g ? r > bl ? r : bl : g > bl ? g : bl;
    if (V === 0) continue;
    const mn = r < g ? r < bl ? r : bl : g < bl ? g : bl;
    const delta = V - mn;
    let s2 = delta / V * a + b;
    s2 = s2 > 1 ? 1 : s2 < 0 ? 0 : s2;
    if (delta === 0) {
      out[i] = V;
      out[i + 1] = out[i + 2] = V * (1 - s2) + 1e-9;
      continue;
    }
    const f = s2 * V / delta;
    out[i] = V - f * (V - r) + 1e-9;
    out[i + 1] = V - f * (V - g) + 1e-9;
    out[i + 2] = V - f * (V - bl) + 1e-9;
  }
  return image2(img, out);
}

// src/corruptions/noise.ts
function sameSize(img, data) {
  return { width: img.width, height: img.height, data };
}
function gaussianNoise(img, severity, ctx) {
  const std = ctx.params.gaussian_noise[severity - 1] * 255;
  const src = img.data;
  const out = new Uint8Array(src.length);
  const z = new Float32Array(src.length);
  ctx.rng.fillNormal(z, 0, std);
  for (let i = 0; i < src.length; i++) {
    const v = src[i] + z[i];
    out[i] = v >= 255 ? 255 : v > 0 ? v : 0;
  }
  return sameSize(img, out);
}
function speckleNoise(img, severity, ctx) {
  const c = ctx.params.speckle_noise[severity - 1];
  const src = img.data;
  const out = new Uint8Array(src.length);
  const z = new Float32Array(src.length);
  ctx.rng.fillNormal(z, 0, c);
  for (let i = 0; i < src.length; i++) {
    const x = src[i];
    const v = x + x * z[i];
    out[i] = v >= 255 ? 255 : v > 0 ? v : 0;
  }
  return sameSize(img, out);
}
var GUIDE = 64;
var poissonCache = /* @__PURE__ */ new Map();
function poissonTables(c) {
  const hit = poissonCache.get(c);
  if (hit) return hit;
  const kmax = Math.ceil(c);
  const cdf = [];
  const guide = [];
  for (let v = 0; v < 256; v++) {
    const lambda = v / 255 * c;
    const F = new Float64Array(kmax);
    let p = Math.exp(-lambda);
    let acc = 0;
    for (let k2 = 0; k2 < kmax; k2++) {
      acc += p;
      F[k2] = acc;
      p = p * lambda / (k2 + 1);
    }
    const g = new Int32Array(GUIDE);
    let k = 0;
    for (let j = 0; j < GUIDE; j++) {
      while (k < kmax && F[k] <= j / GUIDE) k++;
      g[j] = k;
    }
    cdf.push(F);
    guide.push(g);
  }
  const bytes = new Uint8Array(kmax + 1);
  for (let k = 0; k <= kmax; k++) bytes[k] = Math.min(1, k / c) * 255;
  const tables = { cdf, guide, bytes };
  poissonCache.set(c, tables);
  return tables;
}
function shotNoise(img, severity, ctx) {
  const c = ctx.params.shot_noise[severity - 1];
  const { cdf, guide, bytes } = poissonTables(c);
  const kmax = bytes.length - 1;
  const src = img.data;
  const out = new Uint8Array(src.length);
  const raw = new Int32Array(src.length);
  ctx.rng.fillI32(raw);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    const F = cdf[v];
    const u = (raw[i] >>> 0) * 23283064365386963e-26;
    let k = guide[v][u * GUIDE | 0];
    while (k < kmax && F[k] <= u) k++;
    out[i] = bytes[k];
  }
  return sameSize(img, out);
}
function impulseNoise(img, severity, ctx) {
  const amount = ctx.params.impulse_noise[severity - 1];
  const out = img.data.slice();
  const rng = ctx.rng;
  const logq = Math.log1p(-amount);
  const n = out.length;
  let i = -1;
  for (; ; ) {
    i += 1 + Math.floor(Math.log(rng.uniformOpen()) / logq);
    if (i >= n) break;
    out[i] = rng.nextI32() < 0 ? 0 : 255;
  }
  return sameSize(img, out);
}

// src/corruptions/params.ts
var REFERENCE_SIZE = { imagenet: 224, cifar: 32 };
function arange(start, stop, step) {
  const n = Math.ceil((stop - start) / step);
  return Array.from({ length: n }, (_, i) => start + i * step);
}
var IMAGENET_PARAMS = {
  gaussian_noise: [0.08, 0.12, 0.18, 0.26, 0.38],
  shot_noise: [60, 25, 12, 5, 3],
  impulse_noise: [0.03, 0.06, 0.09, 0.17, 0.27],
  speckle_noise: [0.15, 0.2, 0.35, 0.45, 0.6],
  gaussian_blur: [1, 2, 3, 4, 6],
  glass_blur: [
    [0.7, 1, 2],
    [0.9, 2, 1],
    [1, 2, 3],
    [1.1, 3, 2],
    [1.5, 4, 2]
  ],
  defocus_blur: [
    [3, 0.1],
    [4, 0.5],
    [6, 0.5],
    [8, 0.5],
    [10, 0.5]
  ],
  motion_blur: [
    [10, 3],
    [15, 5],
    [15, 8],
    [15, 12],
    [20, 15]
  ],
  zoom_blur: [
    arange(1, 1.11, 0.01),
    arange(1, 1.16, 0.01),
    arange(1, 1.21, 0.02),
    arange(1, 1.26, 0.02),
    arange(1, 1.31, 0.03)
  ],
  snow: [
    [0.1, 0.3, 3, 0.5, 10, 4, 0.8],
    [0.2, 0.3, 2, 0.5, 12, 4, 0.7],
    [0.55, 0.3, 4, 0.9, 12, 8, 0.7],
    [0.55, 0.3, 4.5, 0.85, 12, 8, 0.65],
    [0.55, 0.3, 2.5, 0.85, 12, 12, 0.55]
  ],
  frost: [
    [1, 0.4],
    [0.8, 0.6],
    [0.7, 0.7],
    [0.65, 0.7],
    [0.6, 0.75]
  ],
  fog: [
    [1.5, 2],
    [2, 2],
    [2.5, 1.7],
    [2.5, 1.5],
    [3, 1.4]
  ],
  spatter: [
    [0.65, 0.3, 4, 0.69, 0.6, 0],
    [0.65, 0.3, 3, 0.68, 0.6, 0],
    [0.65, 0.3, 2, 0.68, 0.5, 0],
    [0.65, 0.3, 1, 0.65, 1.5, 1],
    [0.67, 0.4, 1, 0.65, 1.5, 1]
  ],
  brightness: [0.1, 0.2, 0.3, 0.4, 0.5],
  contrast: [0.4, 0.3, 0.2, 0.1, 0.05],
  // 244 (sic) in the reference: "should have been 224, but ultimately nothing is incorrect".
  elastic_transform: [
    [244 * 2, 244 * 0.7, 244 * 0.1],
    [244 * 2, 244 * 0.08, 244 * 0.2],
    [244 * 0.05, 244 * 0.01, 244 * 0.02],
    [244 * 0.07, 244 * 0.01, 244 * 0.02],
    [244 * 0.12, 244 * 0.01, 244 * 0.02]
  ],
  pixelate: [0.6, 0.5, 0.4, 0.3, 0.25],
  jpeg_compression: [25, 18, 15, 10, 7],
  saturate: [
    [0.3, 0],
    [0.1, 0],
    [2, 0],
    [5, 0.1],
    [20, 0.2]
  ]
};
var CIFAR_SIZE = 32;
var CIFAR_PARAMS = {
  gaussian_noise: [0.04, 0.06, 0.08, 0.09, 0.1],
  shot_noise: [500, 250, 100, 75, 50],
  impulse_noise: [0.01, 0.02, 0.03, 0.05, 0.07],
  speckle_noise: [0.06, 0.1, 0.12, 0.16, 0.2],
  gaussian_blur: [0.4, 0.6, 0.7, 0.8, 1],
  glass_blur: [
    [0.05, 1, 1],
    [0.25, 1, 1],
    [0.4, 1, 1],
    [0.25, 1, 2],
    [0.4, 1, 2]
  ],
  defocus_blur: [
    [0.3, 0.4],
    [0.4, 0.5],
    [0.5, 0.6],
    [1, 0.2],
    [1.5, 0.1]
  ],
  motion_blur: [
    [6, 1],
    [6, 1.5],
    [6, 2],
    [8, 2],
    [9, 2.5]
  ],
  zoom_blur: [
    arange(1, 1.06, 0.01),
    arange(1, 1.11, 0.01),
    arange(1, 1.16, 0.01),
    arange(1, 1.21, 0.01),
    arange(1, 1.26, 0.01)
  ],
  snow: [
    [0.1, 0.2, 1, 0.6, 8, 3, 0.95],
    [0.1, 0.2, 1, 0.5, 10, 4, 0.9],
    [0.15, 0.3, 1.75, 0.55, 10, 4, 0.9],
    [0.25, 0.3, 2.25, 0.6, 12, 6, 0.85],
    [0.3, 0.3, 1.25, 0.65, 14, 12, 0.8]
  ],
  frost: [
    [1, 0.2],
    [1, 0.3],
    [0.9, 0.4],
    [0.85, 0.4],
    [0.75, 0.45]
  ],
  fog: [
    [0.2, 3],
    [0.5, 3],
    [0.75, 2.5],
    [1, 2],
    [1.5, 1.75]
  ],
  spatter: [
    [0.62, 0.1, 0.7, 0.7, 0.5, 0],
    [0.65, 0.1, 0.8, 0.7, 0.5, 0],
    [0.65, 0.3, 1, 0.69, 0.5, 0],
    [0.65, 0.1, 0.7, 0.69, 0.6, 1],
    [0.65, 0.1, 0.5, 0.68, 0.6, 1]
  ],
  brightness: [0.05, 0.1, 0.15, 0.2, 0.3],
  contrast: [0.75, 0.5, 0.4, 0.3, 0.15],
  elastic_transform: [
    [CIFAR_SIZE * 0, CIFAR_SIZE * 0, CIFAR_SIZE * 0.08],
    [CIFAR_SIZE * 0.05, CIFAR_SIZE * 0.2, CIFAR_SIZE * 0.07],
    [CIFAR_SIZE * 0.08, CIFAR_SIZE * 0.06, CIFAR_SIZE * 0.06],
    [CIFAR_SIZE * 0.1, CIFAR_SIZE * 0.04, CIFAR_SIZE * 0.05],
    [CIFAR_SIZE * 0.1, CIFAR_SIZE * 0.03, CIFAR_SIZE * 0.03]
  ],
  pixelate: [0.95, 0.9, 0.85, 0.75, 0.65],
  jpeg_compression: [80, 65, 58, 50, 40],
  saturate: [
    [0.3, 0],
    [0.1, 0],
    [1.5, 0],
    [2, 0.1],
    [2.5, 0.2]
  ]
};
var PARAMS = {
  imagenet: IMAGENET_PARAMS,
  cifar: CIFAR_PARAMS
};

// src/corruptions/rng.ts
var TWO_POW_32 = 4294967296;
function mix32(h) {
  h = Math.imul(h ^ h >>> 16, 2246822507);
  h = Math.imul(h ^ h >>> 13, 3266489909);
  return (h ^ h >>> 16) >>> 0;
}
function hashString(text) {
  let a = 608135816;
  let b = 2242054355;
  let c = 320440878;
  let d = 57701188;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    a = Math.imul(a ^ k, 16777619);
    b = Math.imul(b ^ k, 1540483477);
    c = Math.imul(c ^ k, 668265263);
    d = Math.imul(d ^ k, 374761393);
    a = a << 13 | a >>> 19;
    b = b << 17 | b >>> 15;
  }
  const n = text.length;
  a = mix32(a ^ n);
  b = mix32(b ^ a);
  c = mix32(c ^ b);
  d = mix32(d ^ c);
  return [a, b, c, d];
}
var ZIG_R = 3.442619855899;
var ZIG_V = 0.00991256303526217;
var ZIG_M = 16777216;
var ZK = new Float64Array(128);
var ZW = new Float64Array(128);
var ZF = new Float64Array(128);
{
  let dn = ZIG_R;
  let tn = dn;
  const q = ZIG_V / Math.exp(-0.5 * dn * dn);
  ZK[0] = dn / q * ZIG_M;
  ZK[1] = 0;
  ZW[0] = q / ZIG_M;
  ZW[127] = dn / ZIG_M;
  ZF[0] = 1;
  ZF[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(ZIG_V / dn + Math.exp(-0.5 * dn * dn)));
    ZK[i + 1] = dn / tn * ZIG_M;
    tn = dn;
    ZF[i] = Math.exp(-0.5 * dn * dn);
    ZW[i] = dn / ZIG_M;
  }
}
var ZKI = Int32Array.from(ZK, (v) => Math.ceil(v));
var Rng = class _Rng {
  s0;
  s1;
  s2;
  s3;
  constructor(seed) {
    this.s0 = seed[0] >>> 0;
    this.s1 = seed[1] >>> 0;
    this.s2 = seed[2] >>> 0;
    this.s3 = seed[3] >>> 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    for (let i = 0; i < 8; i++) this.nextU32();
  }
  /** A generator seeded from a string key. */
  static fromKey(key) {
    return new _Rng(hashString(key));
  }
  /** Next raw 32-bit output as a signed int32 (callers pick the bits they need). */
  nextI32() {
    const s1 = this.s1;
    const r = Math.imul(s1, 5);
    const result = Math.imul(r << 7 | r >>> 25, 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = this.s3 << 11 | this.s3 >>> 21;
    return result | 0;
  }
  /** Next raw 32-bit output as an unsigned integer. */
  nextU32() {
    return this.nextI32() >>> 0;
  }
  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform() {
    return (this.nextI32() >>> 0) / TWO_POW_32;
  }
  /** Uniform in (0, 1): never 0, so safe under a logarithm. */
  uniformOpen() {
    return ((this.nextI32() >>> 0) + 0.5) / TWO_POW_32;
  }
  /** Uniform in [low, high). */
  uniformRange(low, high) {
    return low + (high - low) * this.uniform();
  }
  /** Integer uniform in [low, high) (numpy `randint` semantics: high is exclusive). */
  int(low, high) {
    return low + Math.floor(this.uniform() * (high - low));
  }
  /** Standard normal deviate (ziggurat). */
  normal() {
    const u = this.nextI32();
    const i = u & 127;
    const j = u >> 7;
    if ((j ^ j >> 31) - (j >> 31) < ZKI[i]) return j * ZW[i];
    return slowNormal(i, j, () => this.nextI32());
  }
  /**
   * Fill `out` with raw int32 outputs: the same sequence as repeated {@link nextI32} calls, with
   * the state held in locals (several times faster in V8 than method calls).
   */
  fillI32(out, from = 0, to = out.length) {
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    for (let k = from; k < to; k++) {
      const r = Math.imul(s1, 5);
      out[k] = Math.imul(r << 7 | r >>> 25, 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = s3 << 11 | s3 >>> 21;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }
  /** Fill `out` with uniform deviates in [low, high). */
  fillUniform(out, low, high) {
    const raw = scratch(out.length);
    this.fillI32(raw, 0, out.length);
    const span = (high - low) / TWO_POW_32;
    for (let k = 0; k < out.length; k++) out[k] = low + (raw[k] >>> 0) * span;
  }
  /**
   * Fill `out` with normal deviates of the given mean and standard deviation. Same ziggurat as
   * {@link normal}, fed from a bulk buffer of raw draws.
   */
  fillNormal(out, mean = 0, std = 1) {
    const n = out.length;
    const raw = scratch(n);
    this.fillI32(raw, 0, n);
    let rejected = rejectScratch(n);
    let count = 0;
    for (let k = 0; k < n; k++) {
      const u = raw[k];
      const i = u & 127;
      const j = u >> 7;
      out[k] = mean + std * j * ZW[i];
      if ((j ^ j >> 31) - (j >> 31) >= ZKI[i]) {
        if (count === rejected.length) rejected = growRejects(count);
        rejected[count++] = k;
      }
    }
    const next = () => this.nextI32();
    for (let r = 0; r < count; r++) {
      const k = rejected[r];
      const u = raw[k];
      out[k] = mean + std * slowNormal(u & 127, u >> 7, next);
    }
  }
};
var rejectBuf = new Int32Array(4096);
function rejectScratch(n) {
  const want = (n >> 5) + 64;
  if (rejectBuf.length < want) rejectBuf = new Int32Array(want);
  return rejectBuf;
}
function growRejects(count) {
  const bigger = new Int32Array(Math.max(64, count * 2));
  bigger.set(rejectBuf.subarray(0, count));
  rejectBuf = bigger;
  return bigger;
}
var scratchBuf = new Int32Array(1 << 16);
function scratch(n) {
  if (scratchBuf.length < n) scratchBuf = new Int32Array(Math.max(n, scratchBuf.length * 2));
  return scratchBuf;
}
function slowNormal(i0, j0, next) {
  let i = i0;
  let j = j0;
  for (; ; ) {
    if (i === 0) {
      let x2;
      let y;
      do {
        x2 = -Math.log(((next() >>> 0) + 0.5) / TWO_POW_32) / ZIG_R;
        y = -Math.log(((next() >>> 0) + 0.5) / TWO_POW_32);
      } while (y + y < x2 * x2);
      return j > 0 ? ZIG_R + x2 : -ZIG_R - x2;
    }
    const x = j * ZW[i];
    if (ZF[i] + (next() >>> 0) / TWO_POW_32 * (ZF[i - 1] - ZF[i]) < Math.exp(-0.5 * x * x))
      return x;
    const u = next();
    i = u & 127;
    j = u >> 7;
    if ((j ^ j >> 31) - (j >> 31) < ZKI[i]) return j * ZW[i];
  }
}
function rngFor(seedKey, corruption, severity) {
  return Rng.fromKey(`${seedKey}\0${corruption}\0${severity}`);
}

// src/corruptions/types.ts
var CORRUPTION_NAMES = [
  "gaussian_noise",
  "shot_noise",
  "impulse_noise",
  "defocus_blur",
  "glass_blur",
  "motion_blur",
  "zoom_blur",
  "snow",
  "frost",
  "fog",
  "brightness",
  "contrast",
  "elastic_transform",
  "pixelate",
  "jpeg_compression",
  "speckle_noise",
  "gaussian_blur",
  "spatter",
  "saturate"
];

// src/corruptions/cv-ops.ts
function canny(src, w, h, low, high) {
  const gx = new Int32Array(w * h);
  const gy = new Int32Array(w * h);
  const mag = new Int32Array((w + 2) * (h + 2));
  const mw = w + 2;
  for (let y = 0; y < h; y++) {
    const ym = Math.max(0, y - 1) * w;
    const y0 = y * w;
    const yp = Math.min(h - 1, y + 1) * w;
    for (let x = 0; x < w; x++) {
      const xm = Math.max(0, x - 1);
      const xp = Math.min(w - 1, x + 1);
      const dx = src[ym + xp] + 2 * src[y0 + xp] + src[yp + xp] - (src[ym + xm] + 2 * src[y0 + xm] + src[yp + xm]);
      const dy = src[yp + xm] + 2 * src[yp + x] + src[yp + xp] - (src[ym + xm] + 2 * src[ym + x] + src[ym + xp]);
      gx[y0 + x] = dx;
      gy[y0 + x] = dy;
      mag[(y + 1) * mw + x + 1] = Math.abs(dx) + Math.abs(dy);
    }
  }
  const TAN22 = Math.SQRT2 - 1;
  const state = new Uint8Array(w * h);
  const stack = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const m = mag[(y + 1) * mw + x + 1];
      if (m <= low) continue;
      const dx = gx[y * w + x];
      const dy = gy[y * w + x];
      const ax = Math.abs(dx);
      const ay = Math.abs(dy);
      const c = (y + 1) * mw + x + 1;
      let keep;
      if (ay < ax * TAN22) keep = m > mag[c - 1] && m >= mag[c + 1];
      else if (ay > ax * (TAN22 + 2)) keep = m > mag[c - mw] && m >= mag[c + mw];
      else {
        const s = (dx ^ dy) < 0 ? -1 : 1;
        keep = m > mag[c - mw - s] && m > mag[c + mw + s];
      }
      if (!keep) continue;
      if (m > high) {
        state[y * w + x] = 2;
        stack.push(y * w + x);
      } else state[y * w + x] = 1;
    }
  }
  const out = new Uint8Array(w * h);
  for (const p of stack) out[p] = 255;
  while (stack.length > 0) {
    const p = stack.pop();
    const py = p / w | 0;
    const px = p - py * w;
    for (let yy = Math.max(0, py - 1); yy <= Math.min(h - 1, py + 1); yy++) {
      for (let xx = Math.max(0, px - 1); xx <= Math.min(w - 1, px + 1); xx++) {
        const q = yy * w + xx;
        if (state[q] === 1 && out[q] === 0) {
          out[q] = 255;
          stack.push(q);
        }
      }
    }
  }
  return out;
}
function distanceTransform(src, w, h) {
  const A = 1;
  const B = 1.4;
  const C = 2.1969;
  const BIG = 1e9;
  const pw = w + 4;
  const d = new Float64Array(pw * (h + 4)).fill(BIG);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) if (src[y * w + x] === 0) d[(y + 2) * pw + x + 2] = 0;
  }
  const p1 = pw;
  const p2 = 2 * pw;
  for (let y = 0; y < h; y++) {
    let p = (y + 2) * pw + 2;
    for (let x = 0; x < w; x++, p++) {
      let v = d[p];
      if (v === 0) continue;
      let t = d[p - p2 - 1] + C;
      if (t < v) v = t;
      t = d[p - p2 + 1] + C;
      if (t < v) v = t;
      t = d[p - p1 - 2] + C;
      if (t < v) v = t;
      t = d[p - p1 - 1] + B;
      if (t < v) v = t;
      t = d[p - p1] + A;
      if (t < v) v = t;
      t = d[p - p1 + 1] + B;
      if (t < v) v = t;
      t = d[p - p1 + 2] + C;
      if (t < v) v = t;
      t = d[p - 1] + A;
      if (t < v) v = t;
      d[p] = v;
    }
  }
  for (let y = h - 1; y >= 0; y--) {
    let p = (y + 2) * pw + w + 1;
    for (let x = w - 1; x >= 0; x--, p--) {
      let v = d[p];
      if (v === 0) continue;
      let t = d[p + p2 + 1] + C;
      if (t < v) v = t;
      t = d[p + p2 - 1] + C;
      if (t < v) v = t;
      t = d[p + p1 + 2] + C;
      if (t < v) v = t;
      t = d[p + p1 + 1] + B;
      if (t < v) v = t;
      t = d[p + p1] + A;
      if (t < v) v = t;
      t = d[p + p1 - 1] + B;
      if (t < v) v = t;
      t = d[p + p1 - 2] + C;
      if (t < v) v = t;
      t = d[p + 1] + A;
      if (t < v) v = t;
      d[p] = v;
    }
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = d[(y + 2) * pw + x + 2];
  return out;
}
function padMirror1(src, w, h) {
  const pw = w + 2;
  const out = new Float32Array(pw * (h + 2));
  for (let y = -1; y <= h; y++) {
    const sy = y < 0 ? Math.min(1, h - 1) : y >= h ? Math.max(0, h - 2) : y;
    const row = (y + 1) * pw;
    const srow = sy * w;
    for (let x = 0; x < w; x++) out[row + x + 1] = src[srow + x];
    out[row] = src[srow + Math.min(1, w - 1)];
    out[row + w + 1] = src[srow + Math.max(0, w - 2)];
  }
  return out;
}
function boxBlur3(src, w, h) {
  const pw = w + 2;
  const p = padMirror1(src, w, h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    let a = y * pw;
    let b = a + pw;
    let c = b + pw;
    const o = y * w;
    for (let x = 0; x < w; x++, a++, b++, c++) {
      out[o + x] = (p[a] + p[a + 1] + p[a + 2] + p[b] + p[b + 1] + p[b + 2] + p[c] + p[c + 1] + p[c + 2]) / 9;
    }
  }
  return out;
}
function equalizeHist(src) {
  const hist = new Int32Array(256);
  for (let i = 0; i < src.length; i++) hist[src[i]]++;
  let first = 0;
  while (first < 255 && hist[first] === 0) first++;
  const total = src.length;
  if (hist[first] === total) return new Uint8Array(src.length).fill(first);
  const scale2 = 255 / (total - hist[first]);
  const lut = new Uint8Array(256);
  let sum = 0;
  for (let v = first + 1; v < 256; v++) {
    sum += hist[v];
    lut[v] = Math.min(255, Math.round(sum * scale2));
  }
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = lut[src[i]];
  return out;
}
function filter3x3U8(src, w, h, k) {
  const pw = w + 2;
  const p = padMirror1(src, w, h);
  const [k0, k1, k2, k3, k4, k5, k6, k7, k8] = k;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    let a = y * pw;
    let b = a + pw;
    let c = b + pw;
    const o = y * w;
    for (let x = 0; x < w; x++, a++, b++, c++) {
      const acc = k0 * p[a] + k1 * p[a + 1] + k2 * p[a + 2] + k3 * p[b] + k4 * p[b + 1] + k5 * p[b + 2] + k6 * p[c] + k7 * p[c + 1] + k8 * p[c + 2];
      const v = Math.floor(acc + 0.5);
      out[o + x] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return out;
}

// src/corruptions/plasma.ts
function plasmaFractal(size, decay, rng) {
  if (size < 2 || (size & size - 1) !== 0)
    throw new Error(`plasma size must be a power of two, got ${size}`);
  const mask = size - 1;
  const map = new Float64Array(size * size);
  let step = size;
  let wibble = 100;
  while (step >= 2) {
    const half = step >> 1;
    for (let y = 0; y < size; y += step) {
      const y2 = y + step & mask;
      for (let x = 0; x < size; x += step) {
        const x2 = x + step & mask;
        const sum = map[y * size + x] + map[y2 * size + x] + map[y * size + x2] + map[y2 * size + x2];
        map[(y + half) * size + x + half] = sum / 4 + wibble * rng.uniformRange(-wibble, wibble);
      }
    }
    for (let y = 0; y < size; y += step) {
      const yUp = y - half & mask;
      for (let x = 0; x < size; x += step) {
        const x2 = x + step & mask;
        const top = map[y * size + x] + map[y * size + x2] + map[(y + half) * size + x + half] + map[yUp * size + x + half];
        map[y * size + x + half] = top / 4 + wibble * rng.uniformRange(-wibble, wibble);
      }
    }
    for (let y = 0; y < size; y += step) {
      const y2 = y + step & mask;
      for (let x = 0; x < size; x += step) {
        const xLeft = x - half & mask;
        const left = map[y * size + x] + map[y2 * size + x] + map[(y + half) * size + x + half] + map[(y + half) * size + xLeft];
        map[(y + half) * size + x] = left / 4 + wibble * rng.uniformRange(-wibble, wibble);
      }
    }
    step = half;
    wibble /= decay;
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < map.length; i++) {
    const v = map[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min || 1;
  for (let i = 0; i < map.length; i++) map[i] = (map[i] - min) / span;
  return map;
}

// src/corruptions/frost-texture.ts
var FROST_TARGETS = [
  {
    height: 600,
    width: 900,
    mean: [77.7, 149.1, 165.7],
    std: [26.9, 16.5, 15.3],
    density: 40,
    length: [10, 40],
    background: 0.6,
    softness: 1
  },
  {
    height: 315,
    width: 560,
    mean: [200.8, 205.4, 214.5],
    std: [21.4, 22.1, 22.6],
    density: 70,
    length: [8, 45],
    background: 0.4,
    softness: 0.8
  },
  {
    height: 315,
    width: 560,
    mean: [200.8, 205.4, 214.5],
    std: [21.4, 22.1, 22.6],
    density: 70,
    length: [8, 45],
    background: 0.4,
    softness: 0.8
  },
  {
    height: 350,
    width: 527,
    mean: [137.6, 152.8, 165.2],
    std: [28.5, 28.5, 29.9],
    density: 120,
    length: [5, 25],
    background: 0.5,
    softness: 0.6
  },
  {
    height: 495,
    width: 660,
    mean: [112.4, 123.4, 134.8],
    std: [44.4, 43.3, 41.7],
    density: 90,
    length: [6, 35],
    background: 0.9,
    softness: 0.6
  }
];
function splat(buf, w, h, x, y, v) {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const xa = (x0 % w + w) % w;
  const xb = (xa + 1) % w;
  const ya = (y0 % h + h) % h;
  const yb = (ya + 1) % h;
  buf[ya * w + xa] += v * (1 - fx) * (1 - fy);
  buf[ya * w + xb] += v * fx * (1 - fy);
  buf[yb * w + xa] += v * (1 - fx) * fy;
  buf[yb * w + xb] += v * fx * fy;
}
function needle(buf, w, h, rng, x, y, angle, length, depth) {
  const cx = Math.cos(angle);
  const cy = Math.sin(angle);
  const u = rng.uniform();
  const intensity = 0.2 + 0.8 * u * u;
  for (let s = 0; s < length; s += 0.5) {
    splat(buf, w, h, x + cx * s, y + cy * s, intensity * (1 - 0.5 * s / length));
    if (depth > 0 && s > 2 && rng.uniform() < 0.12) {
      const side = rng.uniform() < 0.5 ? -1 : 1;
      const branch = (length - s) * (0.25 + 0.35 * rng.uniform());
      if (branch > 1.5) {
        needle(
          buf,
          w,
          h,
          rng,
          x + cx * s,
          y + cy * s,
          angle + side * Math.PI / 3,
          branch,
          depth - 1
        );
      }
    }
  }
}
function generate(index) {
  const t = FROST_TARGETS[index];
  const { width: w, height: h } = t;
  const rng = Rng.fromKey(`visiongate-frost-${index}`);
  const n = w * h;
  const needles = new Float32Array(n);
  const count = Math.round(t.density * n / 1e4);
  let domainAngle = rng.uniformRange(0, Math.PI);
  for (let i = 0; i < count; i++) {
    if (i % 25 === 0) domainAngle = rng.uniformRange(0, Math.PI);
    const angle = domainAngle + rng.normal() * 0.6 + (rng.uniform() < 0.5 ? 0 : Math.PI);
    const length = rng.uniformRange(t.length[0], t.length[1]);
    needle(needles, w, h, rng, rng.uniformRange(0, w), rng.uniformRange(0, h), angle, length, 2);
  }
  for (let i = 0; i < n; i++) needles[i] = 1 - Math.exp(-1.5 * needles[i]);
  const crisp = gaussianBlur(needles, w, h, 1, t.softness, "reflect");
  let size = 2;
  while (size < Math.max(w, h)) size *= 2;
  const plasma = plasmaFractal(size, 2, rng);
  const grain = new Float32Array(n);
  rng.fillNormal(grain, 0, 1);
  const grainBlur = gaussianBlur(grain, w, h, 1, 0.7, "reflect");
  const s = new Float64Array(n);
  let sum = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const v = crisp[i] + t.background * plasma[y * size + x] + 0.08 * grainBlur[i];
      s[i] = v;
      sum += v;
    }
  }
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (s[i] - mean) ** 2;
  const std = Math.sqrt(sq / n) || 1;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const z = (s[i] - mean) / std;
    for (let c = 0; c < 3; c++) {
      const v = t.mean[c] + t.std[c] * z + 0.5;
      data[i * 3 + c] = v >= 255 ? 255 : v > 0 ? v : 0;
    }
  }
  return { width: w, height: h, data };
}
function shrinkFifth(t) {
  const w = Math.round(t.width * 0.2);
  const h = Math.round(t.height * 0.2);
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(t.height - 1, 5 * y + 2);
    for (let x = 0; x < w; x++) {
      const sx = Math.min(t.width - 1, 5 * x + 2);
      const s = (sy * t.width + sx) * 3;
      const d = (y * w + x) * 3;
      data[d] = t.data[s];
      data[d + 1] = t.data[s + 1];
      data[d + 2] = t.data[s + 2];
    }
  }
  return { width: w, height: h, data };
}
var cache = /* @__PURE__ */ new Map();
function frostTexture(index, small) {
  const key = `${index}|${small}`;
  let t = cache.get(key);
  if (!t) {
    t = small ? shrinkFifth(frostTexture(index, false)) : generate(index);
    cache.set(key, t);
  }
  return t;
}

// src/corruptions/weather.ts
function image3(img, data) {
  return { width: img.width, height: img.height, data };
}
function snow(img, severity, ctx) {
  const [loc, scale2, zoom0, threshold, mbRadius, mbSigma, blend] = ctx.params.snow[severity - 1];
  const k = ctx.pixelScale;
  const zoom = zoom0 * k;
  const { width: w, height: h } = img;
  const ys = clippedZoomAxis(h, zoom);
  const xs = clippedZoomAxis(w, zoom);
  const rowTop = ys.i0[0];
  const colTop = xs.i0[0];
  const cropH = ys.i1[h - 1] - rowTop + 1;
  const cropW = xs.i1[w - 1] - colTop + 1;
  for (let i = 0; i < h; i++) {
    ys.i0[i] -= rowTop;
    ys.i1[i] -= rowTop;
  }
  for (let i = 0; i < w; i++) {
    xs.i0[i] -= colTop;
    xs.i1[i] -= colTop;
  }
  const noise = new Float32Array(cropH * cropW);
  ctx.rng.fillNormal(noise, loc, scale2);
  const layer = resampleLinear(noise, cropW, 1, ys, xs);
  for (let i = 0; i < layer.length; i++) if (layer[i] < threshold) layer[i] = 0;
  const angle = ctx.rng.uniformRange(-135, -45);
  const flakes = motionBlur(toBytes(layer), w, h, 1, mbRadius * k, mbSigma * k, angle);
  const src = img.data;
  const out = new Uint8Array(src.length);
  const n = w * h;
  for (let p = 0; p < n; p++) {
    const r = src[p * 3] / 255;
    const g = src[p * 3 + 1] / 255;
    const b = src[p * 3 + 2] / 255;
    const lift = (0.299 * r + 0.587 * g + 0.114 * b) * 1.5 + 0.5;
    const add = (flakes[p] + flakes[n - 1 - p]) / 255;
    const vr = (blend * r + (1 - blend) * Math.max(r, lift) + add) * 255;
    const vg = (blend * g + (1 - blend) * Math.max(g, lift) + add) * 255;
    const vb = (blend * b + (1 - blend) * Math.max(b, lift) + add) * 255;
    out[p * 3] = vr >= 255 ? 255 : vr;
    out[p * 3 + 1] = vg >= 255 ? 255 : vg;
    out[p * 3 + 2] = vb >= 255 ? 255 : vb;
  }
  return image3(img, out);
}
function frost(img, severity, ctx) {
  const [a, b] = ctx.params.frost[severity - 1];
  const rng = ctx.rng;
  const tex = frostTexture(rng.int(0, 5), ctx.table === "cifar");
  const { width: w, height: h } = img;
  const k = ctx.pixelScale;
  const sh = Math.max(1, Math.round(h / k));
  const sw = Math.max(1, Math.round(w / k));
  const y0 = tex.height > sh ? rng.int(0, tex.height - sh) : rng.int(0, tex.height);
  const x0 = tex.width > sw ? rng.int(0, tex.width - sw) : rng.int(0, tex.width);
  const src = img.data;
  const out = new Uint8Array(src.length);
  const td = tex.data;
  for (let y = 0; y < h; y++) {
    const ty = (y0 + (sh === h ? y : Math.floor((y + 0.5) * sh / h))) % tex.height;
    for (let x = 0; x < w; x++) {
      const tx = (x0 + (sw === w ? x : Math.floor((x + 0.5) * sw / w))) % tex.width;
      const t = (ty * tex.width + tx) * 3;
      const o = (y * w + x) * 3;
      for (let c = 0; c < 3; c++) {
        const v = a * src[o + c] + b * td[t + c];
        out[o + c] = v >= 255 ? 255 : v;
      }
    }
  }
  return image3(img, out);
}
function fog(img, severity, ctx) {
  const [amount, decay] = ctx.params.fog[severity - 1];
  const base = ctx.table === "cifar" ? 32 : 256;
  let size = base;
  if (ctx.pixelScale !== 1) {
    size = 2;
    while (size < base * ctx.pixelScale) size *= 2;
  }
  const map = plasmaFractal(size, decay, ctx.rng);
  const src = img.data;
  let max = 0;
  for (let i = 0; i < src.length; i++) if (src[i] > max) max = src[i];
  const maxv = max / 255;
  const gain = maxv / (maxv + amount) * 255;
  const { width: w, height: h } = img;
  const out = new Uint8Array(src.length);
  const mask = size - 1;
  for (let y = 0; y < h; y++) {
    const row = (y & mask) * size;
    for (let x = 0; x < w; x++) {
      const f = amount * map[row + (x & mask)];
      const o = (y * w + x) * 3;
      for (let c = 0; c < 3; c++) {
        const v = (src[o + c] / 255 + f) * gain;
        out[o + c] = v >= 255 ? 255 : v;
      }
    }
  }
  return image3(img, out);
}
function brightness(img, severity, ctx) {
  const c = ctx.params.brightness[severity - 1];
  const scale2 = new Float64Array(256);
  for (let m = 1; m < 256; m++) scale2[m] = Math.min(m / 255 + c, 1) * 255 / m;
  const black = Math.min(c, 1) * 255 + 1e-9;
  const src = img.data;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += 3) {
    const r = src[i];
    const g = src[i + 1];
    const b = src[i + 2];
    const m = r > g ? r > b ? r : b : g > b ? g : b;
    if (m === 0) {
      out[i] = out[i + 1] = out[i + 2] = black;
      continue;
    }
    const s = scale2[m];
    out[i] = r * s + 1e-9;
    out[i + 1] = g * s + 1e-9;
    out[i + 2] = b * s + 1e-9;
  }
  return image3(img, out);
}
var WATER = [175 / 255, 238 / 255, 238 / 255];
var MUD = [63 / 255, 42 / 255, 20 / 255];
var EMBOSS = [-2, -1, 0, -1, 1, 1, 0, 1, 2];
function spatter(img, severity, ctx) {
  const [loc, scale2, sigma, threshold, intensity, mud] = ctx.params.spatter[severity - 1];
  const k = ctx.pixelScale;
  const { width: w, height: h } = img;
  const n = w * h;
  const noise = new Float32Array(n);
  ctx.rng.fillNormal(noise, loc, scale2);
  const liquid = gaussianBlur(noise, w, h, 1, sigma * k);
  for (let i = 0; i < n; i++) if (liquid[i] < threshold) liquid[i] = 0;
  const src = img.data;
  const out = new Uint8Array(src.length);
  if (mud === 0) {
    const l8 = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const v = liquid[i] * 255;
      l8[i] = v >= 255 ? 255 : v;
    }
    const edges = canny(l8, w, h, 50, 150);
    for (let i = 0; i < n; i++) edges[i] = 255 - edges[i];
    const dist = distanceTransform(edges, w, h);
    for (let i = 0; i < n; i++) if (dist[i] > 20) dist[i] = 20;
    const blurred = boxBlur3(dist, w, h);
    const d8 = new Uint8Array(n);
    for (let i = 0; i < n; i++) d8[i] = blurred[i];
    const emboss = filter3x3U8(equalizeHist(d8), w, h, EMBOSS);
    const shade = boxBlur3(emboss, w, h);
    const m2 = new Float32Array(n);
    let max = 0;
    for (let i = 0; i < n; i++) {
      const v = l8[i] * Math.floor(shade[i] + 0.5);
      m2[i] = v;
      if (v > max) max = v;
    }
    const norm = max > 0 ? intensity / max : 0;
    const k0 = norm * WATER[0] * 255;
    const k1 = norm * WATER[1] * 255;
    const k2 = norm * WATER[2] * 255;
    for (let p = 0, q = 0; p < n; p++, q += 3) {
      const mv = m2[p];
      const r = src[q] + mv * k0;
      const g = src[q + 1] + mv * k1;
      const b = src[q + 2] + mv * k2;
      out[q] = r >= 255 ? 255 : r;
      out[q + 1] = g >= 255 ? 255 : g;
      out[q + 2] = b >= 255 ? 255 : b;
    }
    return image3(img, out);
  }
  const mask = new Float32Array(n);
  for (let i = 0; i < n; i++) mask[i] = liquid[i] > threshold ? 1 : 0;
  const m = gaussianBlur(mask, w, h, 1, intensity * k);
  for (let p = 0; p < n; p++) {
    let mv = m[p];
    if (mv < 0.8) mv = 0;
    for (let c = 0; c < 3; c++) {
      const v = (src[p * 3 + c] / 255 * (1 - mv) + MUD[c] * mv) * 255;
      out[p * 3 + c] = v >= 255 ? 255 : v > 0 ? v : 0;
    }
  }
  return image3(img, out);
}

// src/corruptions/index.ts
var AUTO_CIFAR_MAX_SIDE = 64;
var CORRUPTIONS = {
  gaussian_noise: {
    name: "gaussian_noise",
    family: "noise",
    description: "additive Gaussian noise per channel value",
    random: true,
    apply: gaussianNoise
  },
  shot_noise: {
    name: "shot_noise",
    family: "noise",
    description: "Poisson (photon) noise",
    random: true,
    apply: shotNoise
  },
  impulse_noise: {
    name: "impulse_noise",
    family: "noise",
    description: "salt-and-pepper noise per channel value",
    random: true,
    apply: impulseNoise
  },
  defocus_blur: {
    name: "defocus_blur",
    family: "blur",
    description: "convolution with an anti-aliased disk",
    random: false,
    apply: defocusBlur
  },
  glass_blur: {
    name: "glass_blur",
    family: "blur",
    description: "Gaussian blur, local pixel shuffling, Gaussian blur",
    random: true,
    apply: glassBlur
  },
  motion_blur: {
    name: "motion_blur",
    family: "blur",
    description: "one-sided Gaussian line blur at a random angle (ImageMagick kernel)",
    random: true,
    apply: motionBlur2
  },
  zoom_blur: {
    name: "zoom_blur",
    family: "blur",
    description: "mean of centre zooms",
    random: false,
    apply: zoomBlur
  },
  snow: {
    name: "snow",
    family: "weather",
    description: "motion-blurred snow flakes over a brightened image",
    random: true,
    apply: snow
  },
  frost: {
    name: "frost",
    family: "weather",
    description: "blend with a frost texture (procedural stand-in for the reference photographs)",
    random: true,
    apply: frost
  },
  fog: {
    name: "fog",
    family: "weather",
    description: "diamond-square plasma fog",
    random: true,
    apply: fog
  },
  brightness: {
    name: "brightness",
    family: "weather",
    description: "HSV value + c",
    random: false,
    apply: brightness
  },
  contrast: {
    name: "contrast",
    family: "digital",
    description: "per-channel mean-preserving scale by c",
    random: false,
    apply: contrast
  },
  elastic_transform: {
    name: "elastic_transform",
    family: "digital",
    description: "random affine plus smoothed random displacement field",
    random: true,
    apply: elasticTransform
  },
  pixelate: {
    name: "pixelate",
    family: "digital",
    description: "box down-sampling then nearest up-sampling",
    random: false,
    apply: pixelate
  },
  jpeg_compression: {
    name: "jpeg_compression",
    family: "digital",
    description: "JPEG round trip at low quality",
    random: false,
    apply: jpegCompression
  },
  speckle_noise: {
    name: "speckle_noise",
    family: "noise",
    description: "multiplicative Gaussian noise",
    random: true,
    apply: speckleNoise
  },
  gaussian_blur: {
    name: "gaussian_blur",
    family: "blur",
    description: "Gaussian blur",
    random: false,
    apply: gaussianBlur2
  },
  spatter: {
    name: "spatter",
    family: "weather",
    description: "water drops (severities 1\u20133) or mud (4\u20135)",
    random: true,
    apply: spatter
  },
  saturate: {
    name: "saturate",
    family: "digital",
    description: "HSV saturation \xB7 a + b",
    random: false,
    apply: saturate
  }
};
function isCorruptionName(name) {
  return Object.prototype.hasOwnProperty.call(CORRUPTIONS, name);
}
function resolveTable(img, table = "auto") {
  if (table !== "auto") return table;
  return Math.max(img.width, img.height) <= AUTO_CIFAR_MAX_SIDE ? "cifar" : "imagenet";
}
function checkImage(img) {
  const { width, height, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new UserError(
      "image",
      `corruptions need a positive integer size, got ${width}x${height}`
    );
  }
  if (data.length !== width * height * 3) {
    throw new UserError(
      "image",
      `RGB data of ${width}x${height} must have ${width * height * 3} bytes, got ${data.length}`
    );
  }
}
async function applyCorruption(img, name, severity, opts) {
  const spec = isCorruptionName(name) ? CORRUPTIONS[name] : void 0;
  if (!spec) {
    throw new UserError(
      "config",
      `unknown corruption '${String(name)}'; expected one of: ${CORRUPTION_NAMES.join(", ")}`
    );
  }
  if (!Number.isInteger(severity) || severity < 1 || severity > 5) {
    throw new UserError(
      "config",
      `corruption severity must be an integer from 1 to 5, got ${String(severity)}`
    );
  }
  const tableChoice = opts.table ?? "auto";
  if (tableChoice !== "auto" && tableChoice !== "imagenet" && tableChoice !== "cifar") {
    throw new UserError(
      "config",
      `corruption table must be auto, imagenet or cifar, got '${String(tableChoice)}'`
    );
  }
  checkImage(img);
  const table = resolveTable(img, tableChoice);
  const pixelScale = opts.pixelScale === "image" ? Math.min(img.width, img.height) / REFERENCE_SIZE[table] : 1;
  const ctx = {
    rng: rngFor(opts.seedKey, name, severity),
    table,
    params: PARAMS[table],
    pixelScale
  };
  return spec.apply(img, severity, ctx);
}

// src/transforms/color.ts
function clampByte(v) {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.floor(v + 0.5);
}
function grey(r, g, b) {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}
function shiftHue(d, shift) {
  for (let i = 0; i < d.length; i += 3) {
    const r = d[i] / 255;
    const g = d[i + 1] / 255;
    const b = d[i + 2] / 255;
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const delta = max - min;
    if (delta === 0) continue;
    let h;
    if (max === r) h = (g - b) / delta % 6;
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
      [v, p, q]
    ][k % 6];
    d[i] = clampByte(rr * 255);
    d[i + 1] = clampByte(gg * 255);
    d[i + 2] = clampByte(bb * 255);
  }
}
function colorJitter(img, j) {
  const d = img.data.slice();
  const n = d.length;
  if (j.brightness !== void 0 && j.brightness !== 1) {
    for (let i = 0; i < n; i++) d[i] = clampByte(d[i] * j.brightness);
  }
  if (j.contrast !== void 0 && j.contrast !== 1) {
    let sum = 0;
    for (let i = 0; i < n; i += 3) sum += grey(d[i], d[i + 1], d[i + 2]);
    const mean = sum / (n / 3 || 1);
    for (let i = 0; i < n; i++) d[i] = clampByte((d[i] - mean) * j.contrast + mean);
  }
  if (j.saturation !== void 0 && j.saturation !== 1) {
    for (let i = 0; i < n; i += 3) {
      const g = grey(d[i], d[i + 1], d[i + 2]);
      for (let c = 0; c < 3; c++) d[i + c] = clampByte(g + (d[i + c] - g) * j.saturation);
    }
  }
  if (j.hue !== void 0 && j.hue !== 0) shiftHue(d, j.hue);
  return { width: img.width, height: img.height, data: d };
}

// src/transforms/geometric.ts
function fold(t, n, border) {
  if (border === "edge" || n === 1) return t < 0 ? 0 : t > n - 1 ? n - 1 : t;
  const period = 2 * n;
  let u = (t + 0.5) % period;
  if (u < 0) u += period;
  u = u < n ? u - 0.5 : period - u - 0.5;
  return u < 0 ? 0 : u > n - 1 ? n - 1 : u;
}
function warpAffine(img, m, border) {
  const { width: w, height: h, data: src } = img;
  const [a, b, c, d, e, f] = m;
  const out = new Uint8Array(src.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sx = a * x + b * y + c;
      let sy = d * x + e * y + f;
      const rx = Math.round(sx);
      const ry = Math.round(sy);
      if (Math.abs(sx - rx) < 1e-9) sx = rx;
      if (Math.abs(sy - ry) < 1e-9) sy = ry;
      if (sx < 0 || sx > w - 1) sx = fold(sx, w, border);
      if (sy < 0 || sy > h - 1) sy = fold(sy, h, border);
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = x0 + 1 < w ? x0 + 1 : x0;
      const y1 = y0 + 1 < h ? y0 + 1 : y0;
      const fx = sx - x0;
      const fy = sy - y0;
      const p00 = (y0 * w + x0) * 3;
      const p01 = (y0 * w + x1) * 3;
      const p10 = (y1 * w + x0) * 3;
      const p11 = (y1 * w + x1) * 3;
      const o = (y * w + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = src[p00 + ch] + fx * (src[p01 + ch] - src[p00 + ch]);
        const bottom = src[p10 + ch] + fx * (src[p11 + ch] - src[p10 + ch]);
        out[o + ch] = top + fy * (bottom - top) + 0.5;
      }
    }
  }
  return { width: w, height: h, data: out };
}
function cosSin(degrees) {
  const q = degrees / 90;
  if (Number.isInteger(q)) {
    const k = (q % 4 + 4) % 4;
    return [
      [1, 0],
      [0, 1],
      [-1, 0],
      [0, -1]
    ][k];
  }
  const r = degrees * Math.PI / 180;
  return [Math.cos(r), Math.sin(r)];
}
function rotate(img, degrees, border) {
  const [cos, sin] = cosSin(degrees);
  const cx = (img.width - 1) / 2;
  const cy = (img.height - 1) / 2;
  return warpAffine(
    img,
    [cos, -sin, cx - cos * cx + sin * cy, sin, cos, cy - sin * cx - cos * cy],
    border
  );
}
function translate(img, dx, dy, border) {
  return warpAffine(img, [1, 0, -dx * img.width, 0, 1, -dy * img.height], border);
}
function scale(img, factor, border) {
  const cx = (img.width - 1) / 2;
  const cy = (img.height - 1) / 2;
  const k = 1 / factor;
  return warpAffine(img, [k, 0, cx - k * cx, 0, k, cy - k * cy], border);
}
function hflip(img) {
  const { width: w, height: h, data: src } = img;
  const out = new Uint8Array(src.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + (w - 1 - x)) * 3;
      const d = (y * w + x) * 3;
      out[d] = src[s];
      out[d + 1] = src[s + 1];
      out[d + 2] = src[s + 2];
    }
  }
  return { width: w, height: h, data: out };
}
function vflip(img) {
  const { width: w, height: h, data: src } = img;
  const out = new Uint8Array(src.length);
  const stride = w * 3;
  for (let y = 0; y < h; y++)
    out.set(src.subarray((h - 1 - y) * stride, (h - y) * stride), y * stride);
  return { width: w, height: h, data: out };
}

// src/transforms/index.ts
function applyTransform(img, spec) {
  const border = spec.border ?? "reflect";
  switch (spec.type) {
    case "rotate":
      return rotate(img, spec.degrees, border);
    case "translate":
      return translate(img, spec.dx, spec.dy, border);
    case "scale":
      return scale(img, spec.factor, border);
    case "crop":
      return scale(img, 1 / spec.factor, border);
    case "hflip":
      return hflip(img);
    case "vflip":
      return vflip(img);
    case "color_jitter":
      return colorJitter(img, spec);
  }
}

// src/engine/variant-task.ts
async function runVariantTask(img, task) {
  if (task.kind === "corruption") {
    return applyCorruption(img, task.name, task.severity, {
      seedKey: task.seedKey,
      table: task.table,
      pixelScale: task.pixelScale
    });
  }
  return applyTransform(img, task.spec);
}

// src/engine/variant-worker.ts
parentPort?.on("message", (msg) => {
  Promise.all(msg.items.map((it) => runVariantTask(it.image, it.task))).then(
    (images) => {
      parentPort.postMessage(
        { id: msg.id, images },
        images.map((img) => img.data.buffer)
      );
    },
    (error) => {
      parentPort.postMessage({
        id: msg.id,
        error: error instanceof Error ? error.message : String(error)
      });
    }
  );
});
