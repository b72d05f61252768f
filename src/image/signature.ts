/**
 * What the duplicate and leakage checks keep per image, computed once from its decoded luma
 * (pure: the caller decodes). For each region looked at, two 64-bit perceptual hashes (to find
 * candidate pairs with the data suite's Hamming index) and a 16×16 thumbnail (to confirm them on
 * pixels, suites/data/pixel-check.ts): 272 bytes per region, 544 per image with the content window.
 *
 * Two regions, because each fails where the other holds (docs/data-suite.md has the figures):
 * - the **frame** (the whole image) is what a resampled or re-encoded copy keeps; on 28×28 images
 *   the content window moves by a pixel or two under JPEG noise and resampling, while the frame
 *   does not;
 * - the **content window** (hashing.ts) ignores padding and follows a crop of a few percent,
 *   which moves the frame.
 * A pair is a candidate when its hashes agree on either region, and confirmed when its thumbnails
 * agree on either.
 */
import {
  contentWindow,
  dHash,
  pHashOfResized,
  PHASH_SIDE,
  resizeArea,
  type GrayImage,
  type Hash64,
  type Window,
} from './hashing.js';

/** Side of the region thumbnails (the data suite's pixel check compares them). */
export const THUMBNAIL_SIDE = 16;

/** Hashes and thumbnail of one region of an image. */
export interface RegionSignature {
  phash: Hash64;
  dhash: Hash64;
  /** 16×16 grey thumbnail, row-major (pixel-check.ts). */
  thumbnail: Uint8Array;
}

/** Per-image data of the near-duplicate checks: the whole frame, and the content window if used. */
export interface ImageSignature {
  frame: RegionSignature;
  content?: RegionSignature;
}

/** The regions a signature may hold, in a fixed order. */
export const SIGNATURE_REGIONS = ['frame', 'content'] as const;
export type SignatureRegion = (typeof SIGNATURE_REGIONS)[number];

/** Signature of a luma image; `useContentWindow` adds the content-window region. */
export function imageSignature(gray: GrayImage, useContentWindow: boolean): ImageSignature {
  const frame = regionSignature(gray);
  return useContentWindow
    ? { frame, content: regionSignature(gray, contentWindow(gray)) }
    : { frame };
}

function regionSignature(gray: GrayImage, window?: Window): RegionSignature {
  // The 16×16 area average is the 2×2 mean of the 32×32 one pHash makes: one pass over the pixels.
  const resized = resizeArea(gray, PHASH_SIDE, PHASH_SIDE, window);
  return {
    phash: pHashOfResized(resized),
    dhash: dHash(gray, window),
    thumbnail: thumbnail(resized),
  };
}

/** 16×16 thumbnail of a luma image (or of a window of it): area averages rounded to 0–255. */
export function thumbnail(gray: GrayImage, window?: Window): Uint8Array {
  const small = resizeArea(gray, THUMBNAIL_SIDE, THUMBNAIL_SIDE, window).data;
  const out = new Uint8Array(small.length);
  for (let i = 0; i < small.length; i++) out[i] = Math.min(255, Math.max(0, Math.round(small[i]!)));
  return out;
}
