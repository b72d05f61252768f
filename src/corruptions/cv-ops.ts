/**
 * The OpenCV operations `spatter` needs, written from their documented definitions (OpenCV
 * reference manual: Canny, distanceTransform, threshold, equalizeHist, blur, filter2D). Single
 * channel, row-major.
 */
import { reserve, wasmKernels } from './wasm.js';

/**
 * spatter's water shading from the 8-bit liquid layer l8, OpenCV's operations as the reference
 * chains them, run in the WebAssembly kernels (kernels.c spatter_shade):
 * - `cv2.distanceTransform(255 − cv2.Canny(l8, 50, 150), DIST_L2, 5)`: Canny with a 3×3 Sobel
 *   (replicated border), L1 magnitude |gx| + |gy|, non-maximum suppression along the gradient
 *   quantised to 0°/45°/90°/135° and hysteresis with 8-connectivity; the distance by the two-pass
 *   5×5 chamfer with OpenCV's weights a = 1 (edge), b = 1.4 (diagonal), c = 2.1969 (knight move),
 *   the outside of the image not being an edge;
 * - `cv2.threshold(…, 20, 20, THRESH_TRUNC)`, `cv2.blur(…, (3, 3))` (BORDER_REFLECT_101) and
 *   `.astype(np.uint8)` (truncation);
 * - `cv2.equalizeHist`: lut[v] = round(255 · (cdf(v) − cdf(first)) / (N − count(first)));
 * - `cv2.filter2D(…, cv2.CV_8U, emboss)` with [[−2,−1,0],[−1,1,1],[0,1,2]] (correlation,
 *   BORDER_REFLECT_101, saturated to bytes), then `cv2.blur(…, (3, 3))` again, as floats.
 */
export function spatterShade(l8: Uint8Array, w: number, h: number): Float32Array {
  const k = wasmKernels();
  const n = w * h;
  const edgeWork = 8 * (w + 4) * (h + 4) + 4 * (w + 2) * (h + 2) + 13 * n;
  const [pSrc, pShade, pWork] = reserve(k, [
    n,
    4 * n,
    ((edgeWork + 7) & ~7) + 12 * (w + 2) * (h + 2) + 11 * n,
  ]) as [number, number, number];
  new Uint8Array(k.memory.buffer, pSrc, n).set(l8);
  k.spatter_shade(pSrc, pShade, w, h, pWork);
  return new Float32Array(k.memory.buffer, pShade, n).slice();
}
