/**
 * Reads the few top-level fields of an ONNX ModelProto that ONNX Runtime's JS API does not
 * expose: `metadata_props` (custom key/values such as a class list), producer and version.
 * Field numbers from onnx/onnx.proto: ir_version=1, producer_name=2, producer_version=3,
 * domain=4, model_version=5, doc_string=6, graph=7, opset_import=8, metadata_props=14.
 * Only a protobuf wire-format walk is needed: unknown and large fields (the graph) are skipped.
 */
export interface OnnxModelInfo {
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  modelVersion?: number;
  metadata: Record<string, string>;
}

class Reader {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const byte = this.buf[this.pos++]!;
      if (shift < 49) result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
      if (shift > 70) throw new Error('varint too long');
    }
  }
  bytes(): Uint8Array {
    const len = this.varint();
    if (this.pos + len > this.buf.length) throw new Error('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.fixed(8);
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.fixed(4);
    else throw new Error(`unsupported wire type ${wireType}`);
  }
  /** Skip a fixed64/fixed32 value; running past the end is truncation, not the end of the message. */
  private fixed(n: number): void {
    if (this.pos + n > this.buf.length) throw new Error('truncated field');
    this.pos += n;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Parse ModelProto header fields; throws on bytes that are not protobuf. */
export function readOnnxModelInfo(buf: Uint8Array): OnnxModelInfo {
  const r = new Reader(buf);
  const info: OnnxModelInfo = { metadata: {} };
  while (!r.done) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    // Field number 0 is never valid protobuf: a cheap tell for bytes that are not a ModelProto.
    if (field === 0) throw new Error('invalid field number 0');
    if (field === 1 && wire === 0) info.irVersion = r.varint();
    else if (field === 2 && wire === 2) info.producerName = utf8.decode(r.bytes());
    else if (field === 3 && wire === 2) info.producerVersion = utf8.decode(r.bytes());
    else if (field === 5 && wire === 0) info.modelVersion = r.varint();
    else if (field === 14 && wire === 2) {
      const entry = new Reader(r.bytes());
      let key = '';
      let value = '';
      while (!entry.done) {
        const t = entry.varint();
        if (t === (1 << 3) + 2) key = utf8.decode(entry.bytes());
        else if (t === (2 << 3) + 2) value = utf8.decode(entry.bytes());
        else entry.skip(t & 7);
      }
      if (key) info.metadata[key] = value;
    } else r.skip(wire);
  }
  return info;
}
