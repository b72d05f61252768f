/**
 * A protobuf string field 6 (ModelProto.doc_string) of `n` spaces. Appended to an ONNX file it
 * makes the model `n` bytes larger and changes nothing ONNX Runtime computes: tests use it to
 * push small fixture models over the size from which sessions run in the session thread.
 */
export function docStringPadding(n: number): Buffer {
  const varint: number[] = [];
  for (let v = n; ; v = Math.floor(v / 128)) {
    if (v < 128) {
      varint.push(v);
      break;
    }
    varint.push((v % 128) | 128);
  }
  return Buffer.concat([Buffer.from([(6 << 3) | 2, ...varint]), Buffer.alloc(n, 0x20)]);
}

/** A protobuf length-delimited field: tag, varint length, bytes. */
function lengthDelimited(field: number, bytes: Buffer): Buffer {
  const varint: number[] = [];
  for (let v = bytes.length; ; v = Math.floor(v / 128)) {
    if (v < 128) {
      varint.push(v);
      break;
    }
    varint.push((v % 128) | 128);
  }
  return Buffer.concat([Buffer.from([(field << 3) | 2, ...varint]), bytes]);
}

/**
 * A ModelProto.metadata_props entry (field 14, StringStringEntryProto {key = 1, value = 2}).
 * Appended to an ONNX file it adds that metadata key: protobuf fields may come in any order.
 */
export function metadataEntry(key: string, value: string): Buffer {
  return lengthDelimited(
    14,
    Buffer.concat([
      lengthDelimited(1, Buffer.from(key, 'utf8')),
      lengthDelimited(2, Buffer.from(value, 'utf8')),
    ]),
  );
}
