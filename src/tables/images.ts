/**
 * What the evaluation pass learns about each image besides predictions: its content hash and
 * its properties (brightness, contrast, sharpness), by example row, in typed-array columns
 * instead of two Maps keyed by id. This is what examples.jsonl holds.
 */
import type { ImageProperties } from '../image/properties.js';
import { HashColumn } from './records.js';

export class ImageFacts {
  readonly hashes: HashColumn;
  readonly brightness: Float64Array;
  readonly contrast: Float64Array;
  readonly sharpness: Float64Array;
  /** 1 where the example's image was read (an unreadable or unevaluated one has no facts). */
  readonly present: Uint8Array;

  /** Room for `n` examples (rows of the example table they describe). */
  constructor(readonly length: number) {
    this.hashes = new HashColumn(length);
    this.brightness = new Float64Array(length);
    this.contrast = new Float64Array(length);
    this.sharpness = new Float64Array(length);
    this.present = new Uint8Array(length);
  }

  set(i: number, hash: string, p: ImageProperties): void {
    this.hashes.set(i, hash);
    this.brightness[i] = p.brightness;
    this.contrast[i] = p.contrast;
    this.sharpness[i] = p.sharpness;
    this.present[i] = 1;
  }

  has(i: number): boolean {
    return this.present[i] === 1;
  }

  properties(i: number): ImageProperties {
    return {
      brightness: this.brightness[i]!,
      contrast: this.contrast[i]!,
      sharpness: this.sharpness[i]!,
    };
  }

  /** Number of examples with facts. */
  get count(): number {
    let n = 0;
    for (let i = 0; i < this.length; i++) n += this.present[i]!;
    return n;
  }
}
