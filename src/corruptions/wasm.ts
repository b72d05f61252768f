/**
 * The WebAssembly kernels of the corruptions (src/corruptions/wasm/kernels.c, built by
 * scripts/build-wasm.mjs): the separable float filters, libjpeg-turbo's JPEG round trip,
 * Pillow's 8-bit resampling, spatter's OpenCV chain and defocus_blur's disk sum.
 * One instance per thread, compiled on first use (~16 KB). WebAssembly arithmetic is exact IEEE
 * (no fused multiply-add, no platform maths library), so results are the same bytes on every
 * machine, thread and run.
 *
 * Why WebAssembly and not sharp: libvips is already loaded, but one sharp call costs ~0.3 ms
 * (a JPEG encode or decode ~1 ms) of fixed overhead, more than the whole reference corruption
 * at 32×32 and most of it at 224×224; libvips' Gaussian also cannot make scipy's 25-tap kernel
 * (its minimum amplitude stops at 0.001).
 */
import { instantiateWasm, type WasmMemory } from '../wasm.js';
import { KERNELS_WASM_BASE64 } from './wasm/kernels-binary.js';

// The kernels take their memory blocks from the shared layout helper.
export { reserve } from '../wasm.js';

interface KernelExports extends WasmMemory {
  unit_floats(src: number, out: number, n: number): void;
  unit_bytes(src: number, out: number, n: number): void;
  filter_rows(...args: [...FilterArgs, line: number]): void;
  filter_cols(...args: [...FilterArgs, all: number]): void;
  pil_resample_h(
    src: number,
    out: number,
    w: number,
    h: number,
    ow: number,
    bounds: number,
    count: number,
    weights: number,
    ksize: number,
  ): void;
  pil_resample_v(
    src: number,
    out: number,
    stride: number,
    oh: number,
    bounds: number,
    count: number,
    weights: number,
    ksize: number,
  ): void;
  spatter_shade(l8: number, shade: number, w: number, h: number, work: number): void;
  defocus_disk(
    pad: number,
    out: number,
    w: number,
    h: number,
    R: number,
    g: number,
    gk: number,
    half: number,
    count: number,
    work: number,
  ): void;
  jpeg_round_trip(
    src: number,
    dst: number,
    w: number,
    h: number,
    qluma: number,
    qchroma: number,
    work: number,
  ): void;
}

type FilterArgs = [
  src: number,
  out: number,
  w: number,
  h: number,
  ch: number,
  start: number,
  length: number,
  offset: number,
  weights: number,
  taps: number,
  radius: number,
  symmetric: number,
];

let kernels: KernelExports | undefined;

/** The kernels of this thread, instantiated on first use. */
export function wasmKernels(): KernelExports {
  kernels ??= instantiateWasm<KernelExports>(KERNELS_WASM_BASE64);
  return kernels;
}
