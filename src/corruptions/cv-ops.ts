/**
 * The handful of OpenCV operations `spatter` needs, written from their documented definitions
 * (OpenCV reference manual: Canny, distanceTransform, equalizeHist, blur, filter2D). Single
 * channel, row-major.
 */
import { reserve, wasmKernels } from './wasm.js';

/**
 * Distance from every pixel to the nearest Canny edge: `cv2.distanceTransform(255 −
 * cv2.Canny(src, low, high), DIST_L2, 5)`, in the WebAssembly kernels (kernels.c
 * edge_distance). Canny: 3×3 Sobel (replicated border), L1 magnitude |gx| + |gy|, non-maximum
 * suppression along the gradient quantised to 0°/45°/90°/135°, hysteresis with 8-connectivity.
 * Distance: two-pass 5×5 chamfer with OpenCV's weights a = 1 (edge), b = 1.4 (diagonal),
 * c = 2.1969 (knight move); the outside of the image is not an edge.
 */
export function edgeDistance(
  src: Uint8Array,
  w: number,
  h: number,
  low: number,
  high: number,
): Float32Array {
  const k = wasmKernels();
  const n = w * h;
  const [pSrc, pDist, pWork] = reserve(k, [
    n,
    4 * n,
    8 * (w + 4) * (h + 4) + 4 * (w + 2) * (h + 2) + 13 * n,
  ]) as [number, number, number];
  new Uint8Array(k.memory.buffer, pSrc, n).set(src);
  k.edge_distance(pSrc, pDist, w, h, low, high, pWork);
  return new Float32Array(k.memory.buffer, pDist, n).slice();
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
