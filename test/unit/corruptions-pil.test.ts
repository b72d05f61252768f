// jpeg_compression and pixelate against Pillow itself: the reference generators define them as
// Pillow calls (save(format='JPEG', quality=q) + decode; resize(BOX) down and up), and
// scripts/make-corruption-goldens.py stored what Pillow (with libjpeg-turbo) makes of seeded
// inputs. Equality is byte for byte.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyCorruption } from '../../src/corruptions/index.js';
import { jpegRoundTrip } from '../../src/corruptions/jpeg.js';
import { resizeBox } from '../../src/corruptions/pil-box.js';

interface Case {
  w: number;
  h: number;
  kind: 'scene' | 'noise';
  seed: number;
  quality?: number;
  c?: number;
  base64?: string;
  sha256?: string;
}

const goldens = JSON.parse(
  readFileSync(new URL('../fixtures/corruptions/pillow.json', import.meta.url), 'utf8'),
) as { jpeg: Case[]; jpeg_gray: Case[]; pixelate: Case[] };

/** The script's golden_image(): xorshift32 bytes, or gradients with a little of that texture. */
function goldenImage({ w, h, kind, seed }: Case): Uint8Array {
  let state = seed >>> 0 || 1;
  const out = new Uint8Array(w * h * 3);
  for (let i = 0; i < out.length; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const c = i % 3;
    const p = (i - c) / 3;
    const x = p % w;
    const y = (p - x) / w;
    if (kind === 'noise') out[i] = state & 255;
    else {
      const base = [
        Math.floor((x * 255) / Math.max(w - 1, 1)),
        Math.floor((y * 255) / Math.max(h - 1, 1)),
        (x * y * 5) & 255,
      ][c]!;
      out[i] = (base + (state & 31)) & 255;
    }
  }
  return out;
}

function expectPillow(ours: Uint8Array, g: Case, what: string): void {
  if (g.base64 !== undefined) {
    const pillow = new Uint8Array(Buffer.from(g.base64, 'base64'));
    let differ = 0;
    let max = 0;
    for (let i = 0; i < pillow.length; i++) {
      const d = Math.abs(pillow[i]! - ours[i]!);
      if (d > 0) differ++;
      if (d > max) max = d;
    }
    expect({ differ, max }, what).toEqual({ differ: 0, max: 0 });
  } else {
    expect(createHash('sha256').update(ours).digest('hex'), what).toBe(g.sha256);
  }
}

describe('jpeg_compression is Pillow save(quality=q) + decode, byte for byte', () => {
  it.each(goldens.jpeg)('$w×$h $kind at quality $quality', (g) => {
    const ours = jpegRoundTrip(goldenImage(g), g.w, g.h, g.quality!);
    expectPillow(ours, g, `${g.w}×${g.h} ${g.kind} q${g.quality}`);
  });

  it('through applyCorruption at the published qualities (ImageNet-C s3 = 15, CIFAR-10-C s3 = 58)', async () => {
    for (const g of goldens.jpeg.filter(
      (c) => (c.w === 224 && c.quality === 15) || (c.w === 32 && c.quality === 58),
    )) {
      const out = await applyCorruption(
        { width: g.w, height: g.h, data: goldenImage(g) },
        'jpeg_compression',
        3,
        {
          seedKey: 'x',
        },
      );
      expectPillow(out.data, g, `${g.w} ${g.kind}`);
    }
  });
});

describe('jpeg_compression for a gray model is Pillow saving the L image (one-component JPEG)', () => {
  it.each(goldens.jpeg_gray)('$w×$h at quality $quality', async (g) => {
    // The gray image is the first channel of the golden input, as R = G = B.
    const first = goldenImage(g);
    const data = new Uint8Array(first.length);
    for (let i = 0; i < data.length; i += 3) data[i] = data[i + 1] = data[i + 2] = first[i]!;
    const table = g.quality === 40 ? 'cifar' : 'imagenet';
    const severity = ({ 40: 5, 7: 5, 15: 3 } as Record<number, 3 | 5>)[g.quality!]!;
    const out = await applyCorruption(
      { width: g.w, height: g.h, data },
      'jpeg_compression',
      severity,
      {
        seedKey: 'x',
        table,
        channels: 'gray',
      },
    );
    const plane = new Uint8Array(g.w * g.h);
    for (let p = 0; p < plane.length; p++) plane[p] = out.data[3 * p]!;
    expectPillow(plane, g, `${g.w}×${g.h} q${g.quality}`);
  });
});

describe('pixelate is Pillow resize(BOX) down then up, byte for byte', () => {
  it.each(goldens.pixelate)('$w×$h $kind at c = $c', (g) => {
    const sw = Math.trunc(g.w * g.c!);
    const sh = Math.trunc(g.h * g.c!);
    const ours = resizeBox(goldenImage(g), g.w, g.h, [
      [sw, sh],
      [g.w, g.h],
    ]);
    expectPillow(ours, g, `${g.w}×${g.h} ${g.kind} c${g.c}`);
  });

  it('through applyCorruption (ImageNet-C severity 3, c = 0.4, at 224×224)', async () => {
    for (const g of goldens.pixelate.filter((c) => c.w === 224 && c.c === 0.4)) {
      const out = await applyCorruption(
        { width: 224, height: 224, data: goldenImage(g) },
        'pixelate',
        3,
        {
          seedKey: 'x',
        },
      );
      expectPillow(out.data, g, g.kind);
    }
  });
});
