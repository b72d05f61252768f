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
import { KERNELS_WASM_BASE64 } from './wasm/kernels-binary.js';

/** The parts of the WebAssembly API used here (the project's TypeScript lib has no DOM types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  __heap_base: { value: number };
  filter_rows: FilterFn;
  filter_cols: FilterFn;
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

type FilterFn = (
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
) => void;

let kernels: KernelExports | undefined;

/** The kernels of this thread, instantiated on first use. */
export function wasmKernels(): KernelExports {
  if (!kernels) {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const module = new wasm.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
    kernels = new wasm.Instance(module, {}).exports as KernelExports;
  }
  return kernels;
}

/**
 * Lay out blocks of the given byte sizes in the module's memory (16-byte aligned, from the heap
 * base; the kernels are synchronous, so every call reuses the same space) and grow the memory if
 * needed. Returns the offsets. Views on `memory.buffer` must be made after this call: growing
 * detaches the old buffer.
 */
export function reserve(k: KernelExports, sizes: readonly number[]): number[] {
  let at = k.__heap_base.value;
  const offsets = sizes.map((bytes) => {
    at = (at + 15) & ~15;
    const o = at;
    at += bytes;
    return o;
  });
  const need = at - k.memory.buffer.byteLength;
  if (need > 0) k.memory.grow(Math.ceil(need / 65536));
  return offsets;
}
