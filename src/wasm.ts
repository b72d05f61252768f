/**
 * The project's WebAssembly modules (C compiled with 128-bit SIMD by scripts/build-wasm.mjs and
 * committed as base64: the corruption kernels, the resamplers' passes): instantiation and memory
 * layout. WebAssembly arithmetic is exact IEEE (no fused multiply-add, no platform maths
 * library), so a module gives the same bytes on every machine, thread and run.
 */

/** The parts of the WebAssembly API used here (the project's TypeScript lib has no DOM types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** What every module exports besides its functions: its memory and where the heap starts. */
export interface WasmMemory {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  __heap_base: { value: number };
}

/** Compile and instantiate a module without imports from its base64 bytes. */
export function instantiateWasm<T extends WasmMemory>(base64: string): T {
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const module = new wasm.Module(Buffer.from(base64, 'base64'));
  return new wasm.Instance(module, {}).exports as T;
}

/**
 * Lay out blocks of the given byte sizes in the module's memory (16-byte aligned, from the heap
 * base; the kernels are synchronous, so every call reuses the same space) and grow the memory if
 * needed. Returns the offsets. Views on `memory.buffer` must be made after this call: growing
 * detaches the old buffer.
 */
export function reserve(k: WasmMemory, sizes: readonly number[]): number[] {
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
