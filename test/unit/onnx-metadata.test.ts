import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readClassFile } from '../../src/dataset/class-list.js';
import { readOnnxModelInfo } from '../../src/model/onnx-metadata.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// --- a tiny protobuf encoder, written from the wire-format spec ---------------------------------
// tag = (field_number << 3) | wire_type; wire types: 0 varint, 1 fixed64, 2 length-delimited,
// 5 fixed32. Varints are little-endian base-128 with the high bit as "more bytes follow".

function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}
const utf8 = (s: string) => [...new TextEncoder().encode(s)];
const tag = (field: number, wire: number) => varint(field * 8 + wire);
const varintField = (field: number, n: number) => [...tag(field, 0), ...varint(n)];
const bytesField = (field: number, bytes: number[]) => [
  ...tag(field, 2),
  ...varint(bytes.length),
  ...bytes,
];
const stringField = (field: number, s: string) => bytesField(field, utf8(s));
/** StringStringEntryProto { key = 1; value = 2; } inside ModelProto.metadata_props = 14. */
const metadataProp = (key: string, value: string) =>
  bytesField(14, [...stringField(1, key), ...stringField(2, value)]);

describe('the test encoder itself', () => {
  it('encodes varints as in the protobuf docs (150 → 96 01, 300 → AC 02)', () => {
    expect(varint(1)).toEqual([0x01]);
    expect(varint(150)).toEqual([0x96, 0x01]);
    expect(varint(300)).toEqual([0xac, 0x02]);
    // field 14, wire 2: 14·8 + 2 = 114 = 0x72
    expect(tag(14, 2)).toEqual([0x72]);
  });
});

describe('readOnnxModelInfo', () => {
  it('reads ir_version (1), producer_name (2), producer_version (3), model_version (5) and metadata_props (14), skipping the graph (7)', () => {
    const graph = Array.from({ length: 300 }, (_, i) => i % 256); // 300-byte body: 2-byte length
    const buf = Uint8Array.from([
      ...varintField(1, 8),
      ...stringField(2, 'pytorch'),
      ...stringField(3, '2.5.0'),
      ...varintField(5, 300), // a 2-byte varint value
      ...bytesField(7, graph),
      ...metadataProp('classes', '["cat","dog"]'),
      ...metadataProp('author', 'Zoë ✓'), // multi-byte UTF-8
    ]);
    expect(readOnnxModelInfo(buf)).toEqual({
      irVersion: 8,
      producerName: 'pytorch',
      producerVersion: '2.5.0',
      modelVersion: 300,
      metadata: { classes: '["cat","dog"]', author: 'Zoë ✓' },
    });
  });

  it('fields in any order; unknown fields of every wire type are skipped', () => {
    const buf = Uint8Array.from([
      ...metadataProp('k', 'v'),
      ...tag(20, 1), // fixed64
      ...[1, 2, 3, 4, 5, 6, 7, 8],
      ...tag(21, 5), // fixed32
      ...[9, 9, 9, 9],
      ...varintField(22, 2 ** 40), // a long varint
      ...bytesField(8, [0x0a, 0x00, 0x10, 0x0d]), // opset_import: a nested message, skipped
      ...varintField(1, 7),
    ]);
    expect(readOnnxModelInfo(buf)).toEqual({ irVersion: 7, metadata: { k: 'v' } });
  });

  it('metadata entries: a value-less key maps to "", a key-less entry is dropped, unknown entry fields skipped, last duplicate wins', () => {
    const buf = Uint8Array.from([
      ...bytesField(14, stringField(1, 'empty')),
      ...bytesField(14, stringField(2, 'orphan value')),
      ...bytesField(14, [...varintField(3, 1), ...stringField(1, 'x'), ...stringField(2, '1')]),
      ...metadataProp('x', '2'),
    ]);
    expect(readOnnxModelInfo(buf).metadata).toEqual({ empty: '', x: '2' });
  });

  it('an empty buffer is an empty ModelProto', () => {
    expect(readOnnxModelInfo(new Uint8Array(0))).toEqual({ metadata: {} });
  });

  it('garbage bytes throw', () => {
    // 0xFF… never ends its varint.
    expect(() => readOnnxModelInfo(new Uint8Array(16).fill(0xff))).toThrow(/varint/);
    // Wire types 3 and 4 (groups) and 6/7 do not occur in ModelProto: "not an onnx" starts with
    // 'n' = 0x6E = field 13, wire 6.
    expect(() => readOnnxModelInfo(Uint8Array.from(utf8('not an onnx file')))).toThrow(/wire type/);
    // A PNG signature: 89 50 is the varint tag 0x09 + 0x50·128 = 10249 → field 1281, wire 1
    // (fixed64): 8 bytes skipped, then the tag byte 00 → field 0, which protobuf never uses.
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    expect(() => readOnnxModelInfo(png)).toThrow(/field number 0/);
  });

  it('truncated input throws instead of returning partial data', () => {
    const full = stringField(2, 'pytorch');
    // Length says 7 bytes, only 3 present.
    expect(() => readOnnxModelInfo(Uint8Array.from(full.slice(0, 5)))).toThrow(/truncated/);
    // A tag with its varint cut short.
    expect(() => readOnnxModelInfo(Uint8Array.from([0x08, 0x96]))).toThrow(/truncated/);
    // fixed64 and fixed32 fields cut short.
    expect(() => readOnnxModelInfo(Uint8Array.from([...tag(20, 1), 1, 2, 3]))).toThrow(/truncated/);
    expect(() => readOnnxModelInfo(Uint8Array.from([...tag(21, 5), 1]))).toThrow(/truncated/);
  });
});

describe('readOnnxModelInfo on real models', () => {
  it('the example candidate model carries the classes of the example class file', async () => {
    const info = readOnnxModelInfo(
      await readFile(path.join(repo, 'examples/fashion/models/candidate.onnx')),
    );
    expect(info.metadata).toHaveProperty('classes');
    const classes: unknown = JSON.parse(info.metadata.classes!);
    expect(classes).toEqual(
      await readClassFile(path.join(repo, 'examples/fashion/data/classes.txt')),
    );
  });

  it('fixtures as documented in test/fixtures/README.md (IR 8, colour classes; fixed1 has none)', async () => {
    const dyn = readOnnxModelInfo(
      await readFile(path.join(repo, 'test/fixtures/models/rgb-nchw-dynamic.onnx')),
    );
    expect(dyn.irVersion).toBe(8);
    expect(JSON.parse(dyn.metadata.classes!)).toEqual(['red', 'green', 'blue', 'dark']);
    const fixed = readOnnxModelInfo(
      await readFile(path.join(repo, 'test/fixtures/models/rgb-nchw-fixed1.onnx')),
    );
    expect(fixed.metadata).not.toHaveProperty('classes');
  });
});
