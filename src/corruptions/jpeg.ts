/**
 * A JPEG round trip without the bitstream: the lossy steps of a baseline libjpeg-turbo encode at
 * quality q followed by a libjpeg-turbo decode, computed directly with libjpeg-turbo's integer
 * arithmetic (kernels.c, run as WebAssembly). Entropy coding is lossless, so skipping it leaves
 * the decoded pixels unchanged; what remains is
 *   RGB → YCbCr (16-bit fixed point) → edge replication to whole 8×8 blocks → 4:2:0 chroma
 *   down-sampling (2×2 sum, alternating +1/+2 bias) → "islow" integer DCT → quantisation with
 *   the ITU-T T.81 Annex K tables scaled by the IJG quality formula (libjpeg-turbo's reciprocal
 *   division) → de-quantisation → islow inverse DCT (+128, range-limited) → "fancy" (triangle)
 *   chroma up-sampling → YCbCr → RGB (fixed point, clamped).
 * These are the defaults of Pillow's `save(format='JPEG', quality=q)` and of its decoder (both
 * libjpeg-turbo), which the reference uses: the output is the same bytes as Pillow's round trip
 * (test/unit/corruptions-jpeg.test.ts, goldens made by Pillow).
 */
import { reserve, wasmKernels } from './wasm.js';

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

/** Bytes of scratch memory the kernel needs for a w×h image (see kernels.c). */
function workBytes(w: number, h: number): number {
  const lw = Math.ceil(w / 8) * 8;
  const lh = Math.ceil(h / 8) * 8;
  const cw = Math.ceil(w / 16) * 8;
  const ch = Math.ceil(h / 16) * 8;
  return lw * lh + 2 * cw * ch + 3 + 12 * Math.ceil(w / 2);
}

/** JPEG-compress and decompress an interleaved RGB image at `quality` with 4:2:0 chroma. */
export function jpegRoundTrip(src: Uint8Array, w: number, h: number, quality: number): Uint8Array {
  const k = wasmKernels();
  const [pSrc, pDst, pQl, pQc, pWork] = reserve(k, [
    src.length + 16, // vector loads read up to 16 bytes past the last pixel
    src.length,
    256,
    256,
    workBytes(w, h),
  ]) as [number, number, number, number, number];
  const buf = k.memory.buffer;
  new Uint8Array(buf, pSrc, src.length).set(src);
  new Int32Array(buf, pQl, 64).set(quantTable(LUMA, quality));
  new Int32Array(buf, pQc, 64).set(quantTable(CHROMA, quality));
  k.jpeg_round_trip(pSrc, pDst, w, h, pQl, pQc, pWork);
  return new Uint8Array(buf, pDst, src.length).slice();
}
