/**
 * The transfer list for posting a typed array to or from the session thread: its buffer when
 * the view spans all of it (the buffer then moves instead of being copied, and the view is left
 * detached on the sending side), nothing for a view into a larger or shared buffer (copied).
 */
export function ownBuffer(a: ArrayBufferView): ArrayBuffer[] {
  return a.byteOffset === 0 &&
    a.byteLength === a.buffer.byteLength &&
    a.buffer instanceof ArrayBuffer
    ? [a.buffer]
    : [];
}
