/** decodeBatch: decode, then each image's own placement undone; padding images dropped. */
import { describe, expect, it } from 'vitest';
import { decodeBatch } from '../../src/model/detection/batch.js';
import { letterboxPlacement, stretchPlacement } from '../../src/model/detection/geometry.js';

describe('decodeBatch', () => {
  it('maps each image back with its own placement and drops a fixed batch’s padding', () => {
    // yolo-v8 head [3, 4+1, 2]: per image anchor 0 is a box, anchor 1 scores 0.
    const N = 3;
    const A = 2;
    const data = new Float32Array(N * 5 * A);
    const set = (n: number, row: number, a: number, v: number) => (data[(n * 5 + row) * A + a] = v);
    for (let n = 0; n < N; n++) {
      [48, 48, 20, 10, 0.9].forEach((v, row) => set(n, row, 0, v));
    }
    const found = decodeBatch(
      { convention: 'yolo-v8', outputs: ['output0'] },
      [{ name: 'output0', dims: [N, 5, A], data }],
      // Image 0: 160×118 letterboxed into 96×96 (r 0.6, 12 rows above); image 1: 192×96
      // stretched; the third image is padding of a fixed batch of 3.
      [letterboxPlacement(160, 118, 96, 96), stretchPlacement(192, 96, 96, 96)],
      1,
      { width: 96, height: 96 },
    );
    expect(found).toHaveLength(2);
    expect(found[0]).toHaveLength(1);
    // Input box (38, 43, 58, 53): x / 0.6, (y − 12) / 0.6.
    const b0 = found[0]![0]!.box;
    [38 / 0.6, 31 / 0.6, 58 / 0.6, 41 / 0.6].forEach((v, i) => expect(b0[i]).toBeCloseTo(v, 10));
    expect(found[1]![0]!.box).toEqual([76, 43, 116, 53]);
    expect(found[0]![0]!.score).toBeCloseTo(0.9, 6);
  });
});
