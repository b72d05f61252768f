/**
 * The handful of OpenCV operations `spatter` needs, written from their documented definitions
 * (OpenCV reference manual: Canny, distanceTransform, equalizeHist, blur, filter2D). Single
 * channel, row-major.
 */
/**
 * Canny edges of an 8-bit image: 3×3 Sobel (replicated border), L1 magnitude |gx| + |gy|,
 * non-maximum suppression along the gradient quantised to 0°/45°/90°/135°, hysteresis with
 * 8-connectivity. Returns 255 on edges, 0 elsewhere.
 */
export function canny(
  src: Uint8Array,
  w: number,
  h: number,
  low: number,
  high: number,
): Uint8Array {
  const gx = new Int32Array(w * h);
  const gy = new Int32Array(w * h);
  const mag = new Int32Array((w + 2) * (h + 2)); // zero frame: outside is never a maximum
  const mw = w + 2;
  for (let y = 0; y < h; y++) {
    const ym = Math.max(0, y - 1) * w;
    const y0 = y * w;
    const yp = Math.min(h - 1, y + 1) * w;
    for (let x = 0; x < w; x++) {
      const xm = Math.max(0, x - 1);
      const xp = Math.min(w - 1, x + 1);
      const dx =
        src[ym + xp]! +
        2 * src[y0 + xp]! +
        src[yp + xp]! -
        (src[ym + xm]! + 2 * src[y0 + xm]! + src[yp + xm]!);
      const dy =
        src[yp + xm]! +
        2 * src[yp + x]! +
        src[yp + xp]! -
        (src[ym + xm]! + 2 * src[ym + x]! + src[ym + xp]!);
      gx[y0 + x] = dx;
      gy[y0 + x] = dy;
      mag[(y + 1) * mw + x + 1] = Math.abs(dx) + Math.abs(dy);
    }
  }
  const TAN22 = Math.SQRT2 - 1;
  // 0 none, 1 weak candidate, 2 strong
  const state = new Uint8Array(w * h);
  const stack: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const m = mag[(y + 1) * mw + x + 1]!;
      if (m <= low) continue;
      const dx = gx[y * w + x]!;
      const dy = gy[y * w + x]!;
      const ax = Math.abs(dx);
      const ay = Math.abs(dy);
      const c = (y + 1) * mw + x + 1;
      let keep: boolean;
      if (ay < ax * TAN22) keep = m > mag[c - 1]! && m >= mag[c + 1]!;
      else if (ay > ax * (TAN22 + 2)) keep = m > mag[c - mw]! && m >= mag[c + mw]!;
      else {
        const s = (dx ^ dy) < 0 ? -1 : 1;
        keep = m > mag[c - mw - s]! && m > mag[c + mw + s]!;
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
    const p = stack.pop()!;
    const py = (p / w) | 0;
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

/**
 * distanceTransform(DIST_L2, maskSize 5): two-pass 5×5 chamfer with OpenCV's weights a = 1
 * (edge), b = 1.4 (diagonal), c = 2.1969 (knight move). Distance from each non-zero pixel to the
 * nearest zero pixel; the outside of the image is not a zero pixel.
 */
export function distanceTransform(src: Uint8Array, w: number, h: number): Float32Array {
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
  // Forward pass: neighbours above and to the left; backward: their mirror images.
  for (let y = 0; y < h; y++) {
    let p = (y + 2) * pw + 2;
    for (let x = 0; x < w; x++, p++) {
      let v = d[p]!;
      if (v === 0) continue;
      let t = d[p - p2 - 1]! + C;
      if (t < v) v = t;
      t = d[p - p2 + 1]! + C;
      if (t < v) v = t;
      t = d[p - p1 - 2]! + C;
      if (t < v) v = t;
      t = d[p - p1 - 1]! + B;
      if (t < v) v = t;
      t = d[p - p1]! + A;
      if (t < v) v = t;
      t = d[p - p1 + 1]! + B;
      if (t < v) v = t;
      t = d[p - p1 + 2]! + C;
      if (t < v) v = t;
      t = d[p - 1]! + A;
      if (t < v) v = t;
      d[p] = v;
    }
  }
  for (let y = h - 1; y >= 0; y--) {
    let p = (y + 2) * pw + w + 1;
    for (let x = w - 1; x >= 0; x--, p--) {
      let v = d[p]!;
      if (v === 0) continue;
      let t = d[p + p2 + 1]! + C;
      if (t < v) v = t;
      t = d[p + p2 - 1]! + C;
      if (t < v) v = t;
      t = d[p + p1 + 2]! + C;
      if (t < v) v = t;
      t = d[p + p1 + 1]! + B;
      if (t < v) v = t;
      t = d[p + p1]! + A;
      if (t < v) v = t;
      t = d[p + p1 - 1]! + B;
      if (t < v) v = t;
      t = d[p + p1 - 2]! + C;
      if (t < v) v = t;
      t = d[p + 1]! + A;
      if (t < v) v = t;
      d[p] = v;
    }
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = d[(y + 2) * pw + x + 2]!;
  return out;
}

/** Copy a single-channel image into a buffer with a 1-pixel BORDER_REFLECT_101 frame. */
function padMirror1(src: Float32Array | Uint8Array, w: number, h: number): Float32Array {
  const pw = w + 2;
  const out = new Float32Array(pw * (h + 2));
  for (let y = -1; y <= h; y++) {
    const sy = y < 0 ? Math.min(1, h - 1) : y >= h ? Math.max(0, h - 2) : y;
    const row = (y + 1) * pw;
    const srow = sy * w;
    for (let x = 0; x < w; x++) out[row + x + 1] = src[srow + x]!;
    out[row] = src[srow + Math.min(1, w - 1)]!;
    out[row + w + 1] = src[srow + Math.max(0, w - 2)]!;
  }
  return out;
}

/** Normalised 3×3 box filter (cv2.blur, BORDER_REFLECT_101) on floats. */
export function boxBlur3(src: Float32Array | Uint8Array, w: number, h: number): Float32Array {
  const pw = w + 2;
  const p = padMirror1(src, w, h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    let a = y * pw;
    let b = a + pw;
    let c = b + pw;
    const o = y * w;
    for (let x = 0; x < w; x++, a++, b++, c++) {
      out[o + x] =
        (p[a]! +
          p[a + 1]! +
          p[a + 2]! +
          p[b]! +
          p[b + 1]! +
          p[b + 2]! +
          p[c]! +
          p[c + 1]! +
          p[c + 2]!) /
        9;
    }
  }
  return out;
}

/** equalizeHist: lut[v] = round(255 · (cdf(v) − cdf(first)) / (N − count(first))). */
export function equalizeHist(src: Uint8Array): Uint8Array {
  const hist = new Int32Array(256);
  for (let i = 0; i < src.length; i++) hist[src[i]!]!++;
  let first = 0;
  while (first < 255 && hist[first] === 0) first++;
  const total = src.length;
  if (hist[first] === total) return new Uint8Array(src.length).fill(first);
  const scale = 255 / (total - hist[first]!);
  const lut = new Uint8Array(256);
  let sum = 0;
  for (let v = first + 1; v < 256; v++) {
    sum += hist[v]!;
    lut[v] = Math.min(255, Math.round(sum * scale));
  }
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = lut[src[i]!]!;
  return out;
}

/**
 * filter2D (correlation, BORDER_REFLECT_101) with a 3×3 kernel on 8-bit data, result rounded and
 * saturated to 8 bits (ddepth CV_8U).
 */
export function filter3x3U8(
  src: Uint8Array,
  w: number,
  h: number,
  k: readonly number[],
): Uint8Array {
  const pw = w + 2;
  const p = padMirror1(src, w, h);
  const [k0, k1, k2, k3, k4, k5, k6, k7, k8] = k as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    let a = y * pw;
    let b = a + pw;
    let c = b + pw;
    const o = y * w;
    for (let x = 0; x < w; x++, a++, b++, c++) {
      const acc =
        k0 * p[a]! +
        k1 * p[a + 1]! +
        k2 * p[a + 2]! +
        k3 * p[b]! +
        k4 * p[b + 1]! +
        k5 * p[b + 2]! +
        k6 * p[c]! +
        k7 * p[c + 1]! +
        k8 * p[c + 2]!;
      const v = Math.floor(acc + 0.5);
      out[o + x] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return out;
}
