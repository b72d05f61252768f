/**
 * The resamplers' separable passes in WebAssembly (src/image/wasm/resample.c, built by
 * scripts/build-wasm.mjs): the same integer and float32 arithmetic as the library each
 * resample-*.ts module reproduces, with 128-bit SIMD. Shrinking a 640×480 photo to 224×224 in
 * scalar JavaScript cost 3-6× sharp's resize; here it costs less (docs/benchmarks.md).
 * One instance per thread, compiled on first use (~8 KB).
 */
import type { RgbImage } from '../types.js';
import { instantiateWasm, reserve, type WasmMemory } from '../wasm.js';
import { RESAMPLE_WASM_BASE64 } from './wasm/resample-binary.js';

/** A pass over `rows` rows of 8-bit RGB (rows `sstride` bytes apart) into rows of `ow` pixels. */
type HorizontalPass = (
  src: number,
  sstride: number,
  out: number,
  rows: number,
  ow: number,
  a: number,
  b: number,
  c: number,
  ksize: number,
) => void;

interface ResampleExports extends WasmMemory {
  pil_h: HorizontalPass;
  pil_v(
    src: number,
    sstride: number,
    out: number,
    width: number,
    oh: number,
    first: number,
    count: number,
    weights: number,
    ksize: number,
  ): void;
  cv_h(
    src: number,
    sstride: number,
    out: number,
    rows: number,
    ow: number,
    ofs: number,
    alpha: number,
    K: number,
  ): void;
  cv_v_linear(h: number, width: number, out: number, oh: number, rows: number, beta: number): void;
  cv_v_cubic(
    h: number,
    width: number,
    out: number,
    oh: number,
    rows: number,
    beta: number,
    bf: number,
    x0: number,
    simdEnd: number,
  ): void;
  torch_h: HorizontalPass;
  torch_v(
    h: number,
    width: number,
    out: number,
    oh: number,
    count: number,
    index: number,
    weights: number,
    ksize: number,
  ): void;
}

let kernels: ResampleExports | undefined;

/** The passes of this thread, instantiated on first use. */
export function resampleKernels(): ResampleExports {
  kernels ??= instantiateWasm<ResampleExports>(RESAMPLE_WASM_BASE64);
  return kernels;
}

/** Bytes of slack after every block: the passes load and store whole 4- and 16-byte vectors. */
const SLACK = 16;

/** A typed array to copy into the module's memory, or a byte count to reserve. */
type Block = Int32Array | Float32Array | Uint8Array | number;

/**
 * Reserve one block per entry of `blocks` (each followed by slack), copy the arrays in, and
 * return the offsets. Views made before this call are invalid after it (the memory may grow).
 */
export function place(k: ResampleExports, blocks: readonly Block[]): number[] {
  const offsets = reserve(
    k,
    blocks.map((b) => (typeof b === 'number' ? b : b.byteLength) + SLACK),
  );
  const buf = k.memory.buffer;
  blocks.forEach((b, i) => {
    if (typeof b === 'number') return;
    const o = offsets[i]!;
    if (b instanceof Int32Array) new Int32Array(buf, o, b.length).set(b);
    else if (b instanceof Float32Array) new Float32Array(buf, o, b.length).set(b);
    else new Uint8Array(buf, o, b.length).set(b);
  });
  return offsets;
}

/** Rows [r0, r1) of an RGB image, as the bytes to place in the module's memory. */
export function sourceRows(img: RgbImage, r0: number, r1: number): Uint8Array {
  return img.data.subarray(r0 * img.width * 3, r1 * img.width * 3);
}

/** Copy `w × h` RGB pixels out of the module's memory at `at`. */
export function takeImage(k: ResampleExports, at: number, w: number, h: number): RgbImage {
  return { width: w, height: h, data: new Uint8Array(k.memory.buffer, at, w * h * 3).slice() };
}
