/**
 * Duplicate and leakage findings from precomputed signatures (pure; the engine's data scan makes
 * them, image/scan.ts).
 *
 * - Exact duplicates: equal sha256 of the file bytes.
 * - Near duplicates, in two steps:
 *   1. candidates: perceptual hashes within a Hamming radius on either region of the signature
 *      (whole frame, content window; signature.ts), found with a multi-index hash table
 *      (hamming-index.ts) per region, so the search stays sub-quadratic;
 *   2. confirmation on pixels (pixel-check.ts): the pair's 16×16 thumbnails agree on either
 *      region after aligning them. Hashes alone cannot separate a re-encoded copy of a 28×28
 *      image from a distinct but similar one; the thumbnails can.
 *   Confirmed pairs are grouped transitively with union-find: A~B and B~C put A, B and C in one
 *   group even when A and C are further apart, which is what a reviewer wants to see (one cluster
 *   of copies), at the price of chaining on very loose thresholds.
 * - Leakage: evaluation images that are exact or near copies of training images. Leaked
 *   examples measure memorisation, not generalisation.
 */
import { hammingDistance, type Hash64 } from '../../image/hashing.js';
import { HammingIndex } from './hamming-index.js';
import { pixelDifference } from './pixel-check.js';
import type { ImageScan } from '../../image/scan.js';
import {
  SIGNATURE_REGIONS,
  type ImageSignature,
  type RegionSignature,
  type SignatureRegion,
} from '../../image/signature.js';
import type { DataCheck } from './types.js';
import { formatNumber, formatPercent, labelOf, NOT_SCANNED, skipped } from './util.js';

/** Which perceptual hash decides "near": one, or both (a pair must be within the radius on each). */
export type NearHashMode = 'phash' | 'dhash' | 'both';

/** One image's byte hash and near-duplicate signature (absent when the image could not be decoded). */
export interface HashedImage {
  id: string;
  label?: string;
  sha256: string;
  signature?: ImageSignature;
}

export interface NearDuplicateOptions {
  hash: NearHashMode;
  /** Largest Hamming distance (of 64 bits) that makes a pair a candidate. */
  threshold: number;
  /** Confirm candidates on pixels; false: the hashes decide alone. */
  pixelCheck: boolean;
  /** Largest {@link pixelDifference} of a confirmed pair (more for hashes within 2 bits). */
  maxPixelDifference: number;
  /** Largest number of groups listed (counts always cover all). */
  maxListed: number;
}

/** A set of images that are copies of one another. */
export interface DuplicateGroup {
  ids: string[];
  /** Distinct labels in the group, sorted. */
  labels: string[];
  /** More than one label: at most one of them can be right. */
  conflictingLabels: boolean;
  /** Every member has the same file bytes. */
  exact: boolean;
  /** Largest Hamming distance over the links that formed the group (0 for exact groups). */
  maxLinkDistance: number;
}

export interface DuplicatesFinding {
  status: 'ran';
  hash: NearHashMode;
  threshold: number;
  /** Images with a perceptual hash (decodable). */
  hashedCount: number;
  /** Groups of byte-identical files. */
  exactGroupCount: number;
  /** All groups (exact or near), after transitive grouping. */
  groupCount: number;
  /** Images in some group. */
  imagesInGroups: number;
  /** Images that are redundant copies: Σ (group size − 1). */
  redundantImages: number;
  /** Groups whose members carry different labels. */
  conflictingGroupCount: number;
  /** Conflicting groups first, then by size, then by first id. */
  groups: DuplicateGroup[];
  truncated: boolean;
}

/** One evaluation example that also appears (exactly or nearly) in the training set. */
export interface LeakedExample {
  id: string;
  label?: string;
  exact: boolean;
  /** Smallest perceptual distance to a training image (0 when exact). */
  distance: number;
  /** Up to 5 matching training ids, closest first. */
  trainIds: string[];
  trainMatchCount: number;
  /** A matching training image carries a different label. */
  labelMismatch: boolean;
}

export interface LeakageFinding {
  status: 'ran';
  hash: NearHashMode;
  threshold: number;
  trainCount: number;
  evalCount: number;
  leakedCount: number;
  leakedRate: number;
  exactCount: number;
  nearCount: number;
  /** Exact first, then by distance, then id. */
  examples: LeakedExample[];
  truncated: boolean;
}

/** Disjoint-set forest with path halving and union by size. */
export class UnionFind {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    this.size = new Int32Array(n).fill(1);
    for (let k = 0; k < n; k++) this.parent[k] = k;
  }
  find(x: number): number {
    let v = x;
    while (this.parent[v] !== v) {
      const grand = this.parent[this.parent[v]!]!;
      this.parent[v] = grand;
      v = grand;
    }
    return v;
  }
  union(a: number, b: number): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra]! += this.size[rb]!;
  }
}

/** Distance of two regions under the mode (for 'both', the larger of the two). */
function modeDistance(a: RegionSignature, b: RegionSignature, mode: NearHashMode): number {
  if (mode === 'phash') return hammingDistance(a.phash, b.phash);
  if (mode === 'dhash') return hammingDistance(a.dhash, b.dhash);
  return Math.max(hammingDistance(a.phash, b.phash), hammingDistance(a.dhash, b.dhash));
}

/** The hash a mode indexes on (for 'both', pHash finds candidates and dHash must agree). */
function indexHash(region: RegionSignature, mode: NearHashMode): Hash64 {
  return mode === 'dhash' ? region.dhash : region.phash;
}

/** Images that have a region, and that region's index hashes. */
function regionMembers(
  images: readonly HashedImage[],
  region: SignatureRegion,
  mode: NearHashMode,
): { members: number[]; hashes: Hash64[] } {
  const members: number[] = [];
  const hashes: Hash64[] = [];
  images.forEach((img, k) => {
    const r = img.signature?.[region];
    if (r) {
      members.push(k);
      hashes.push(indexHash(r, mode));
    }
  });
  return { members, hashes };
}

/**
 * Hashes within this many bits are strong evidence on their own, so such a pair passes the pixel
 * check up to {@link CLOSE_PIXEL_DIFFERENCE}. Measured (docs/data-suite.md): on 32×32 photo tiles,
 * textured copies land within 2 bits but up to 0.33 apart on pixels, while distinct Fashion-MNIST
 * garments 0.2–0.35 apart on pixels are 4 or more bits apart.
 */
const CLOSE_HAMMING_DISTANCE = 2;
const CLOSE_PIXEL_DIFFERENCE = 0.35;

/**
 * Whether a candidate pair at Hamming distance `distance` passes the pixel check, on any region
 * both images have.
 */
function confirmed(
  a: ImageSignature,
  b: ImageSignature,
  distance: number,
  options: NearDuplicateOptions,
): boolean {
  if (!options.pixelCheck) return true;
  const tolerance =
    distance <= CLOSE_HAMMING_DISTANCE
      ? Math.max(CLOSE_PIXEL_DIFFERENCE, options.maxPixelDifference)
      : options.maxPixelDifference;
  for (const region of SIGNATURE_REGIONS) {
    const ra = a[region];
    const rb = b[region];
    if (ra && rb && pixelDifference(ra.thumbnail, rb.thumbnail) <= tolerance) return true;
  }
  return false;
}

/**
 * Near pairs among `images`: candidates within the radius on some region (smallest distance
 * over the regions), then the pixel check. Returns [i, j, distance] with i < j.
 */
export function nearPairs(
  images: readonly HashedImage[],
  options: NearDuplicateOptions,
): [number, number, number][] {
  const n = images.length;
  const candidates = new Map<number, number>();
  for (const region of SIGNATURE_REGIONS) {
    const { members, hashes } = regionMembers(images, region, options.hash);
    const index = HammingIndex.build(hashes, { radius: options.threshold });
    for (const pair of index.pairsWithin(options.threshold)) {
      const a = members[pair.i]!;
      const b = members[pair.j]!;
      const d =
        options.hash === 'both'
          ? modeDistance(images[a]!.signature![region]!, images[b]!.signature![region]!, 'both')
          : pair.distance;
      if (d > options.threshold) continue;
      const key = a * n + b;
      const previous = candidates.get(key);
      if (previous === undefined || d < previous) candidates.set(key, d);
    }
  }
  const pairs: [number, number, number][] = [];
  for (const [key, d] of candidates) {
    const a = Math.floor(key / n);
    const b = key - a * n;
    if (confirmed(images[a]!.signature!, images[b]!.signature!, d, options)) pairs.push([a, b, d]);
  }
  return pairs;
}

/** Group exact and near duplicates among `images`. */
export function findDuplicates(
  images: readonly HashedImage[],
  options: NearDuplicateOptions,
): DuplicatesFinding {
  const uf = new UnionFind(images.length);
  const linkDistance = new Map<number, number>();
  const noteLink = (i: number, j: number, d: number): void => {
    uf.union(i, j);
    for (const k of [i, j]) linkDistance.set(k, Math.max(linkDistance.get(k) ?? 0, d));
  };

  // Exact: consecutive members of each sha256 bucket.
  const bySha = new Map<string, number[]>();
  images.forEach((img, k) => {
    const list = bySha.get(img.sha256);
    if (list) list.push(k);
    else bySha.set(img.sha256, [k]);
  });
  let exactGroupCount = 0;
  for (const members of bySha.values()) {
    if (members.length < 2) continue;
    exactGroupCount++;
    for (let k = 1; k < members.length; k++) noteLink(members[0]!, members[k]!, 0);
  }

  // Near: candidates from the hash index, confirmed on pixels.
  for (const [a, b, d] of nearPairs(images, options)) noteLink(a, b, d);

  const members = new Map<number, number[]>();
  for (let k = 0; k < images.length; k++) {
    if (!linkDistance.has(k)) continue;
    const root = uf.find(k);
    const list = members.get(root);
    if (list) list.push(k);
    else members.set(root, [k]);
  }
  const groups: DuplicateGroup[] = [];
  for (const list of members.values()) {
    if (list.length < 2) continue;
    const group = list.map((k) => images[k]!);
    const labels = [
      ...new Set(group.map((g) => g.label).filter((l): l is string => l !== undefined)),
    ].sort();
    const exact = group.every((g) => g.sha256 === group[0]!.sha256);
    groups.push({
      ids: group.map((g) => g.id).sort(),
      labels,
      conflictingLabels: labels.length > 1,
      exact,
      maxLinkDistance: Math.max(...list.map((k) => linkDistance.get(k) ?? 0)),
    });
  }
  groups.sort(
    (x, y) =>
      Number(y.conflictingLabels) - Number(x.conflictingLabels) ||
      y.ids.length - x.ids.length ||
      compareStrings(x.ids[0]!, y.ids[0]!),
  );
  const imagesInGroups = groups.reduce((s, g) => s + g.ids.length, 0);
  return {
    status: 'ran',
    hash: options.hash,
    threshold: options.threshold,
    hashedCount: images.filter((img) => img.signature).length,
    exactGroupCount,
    groupCount: groups.length,
    imagesInGroups,
    redundantImages: imagesInGroups - groups.length,
    conflictingGroupCount: groups.filter((g) => g.conflictingLabels).length,
    groups: groups.slice(0, options.maxListed),
    truncated: groups.length > options.maxListed,
  };
}

/** Evaluation images that duplicate (exactly or within the radius) a training image. */
export function findLeakage(
  evalImages: readonly HashedImage[],
  trainImages: readonly HashedImage[],
  options: NearDuplicateOptions & { near: boolean },
): LeakageFinding {
  const trainBySha = new Map<string, number[]>();
  trainImages.forEach((img, k) => {
    const list = trainBySha.get(img.sha256);
    if (list) list.push(k);
    else trainBySha.set(img.sha256, [k]);
  });
  const indexes = options.near
    ? SIGNATURE_REGIONS.map((region) => {
        const { members, hashes } = regionMembers(trainImages, region, options.hash);
        return {
          region,
          members,
          index: HammingIndex.build(hashes, { radius: options.threshold }),
        };
      })
    : [];

  const leaked: LeakedExample[] = [];
  for (const img of evalImages) {
    const matches = new Map<number, number>();
    for (const k of trainBySha.get(img.sha256) ?? []) matches.set(k, 0);
    // Near: candidates on any region (smallest distance), then the pixel check.
    const near = new Map<number, number>();
    for (const { region, members, index } of indexes) {
      const query = img.signature?.[region];
      if (!query) continue;
      index.search(indexHash(query, options.hash), options.threshold, (t) => {
        const k = members[t]!;
        if (matches.has(k)) return;
        const d = modeDistance(query, trainImages[k]!.signature![region]!, options.hash);
        const previous = near.get(k);
        if (d <= options.threshold && (previous === undefined || d < previous)) near.set(k, d);
      });
    }
    for (const [k, d] of near) {
      if (confirmed(img.signature!, trainImages[k]!.signature!, d, options)) matches.set(k, d);
    }
    if (matches.size === 0) continue;
    const sorted = [...matches.entries()].sort(
      (a, b) => a[1] - b[1] || compareStrings(trainImages[a[0]]!.id, trainImages[b[0]]!.id),
    );
    const exact = trainBySha.has(img.sha256);
    leaked.push({
      id: img.id,
      ...(img.label !== undefined ? { label: img.label } : {}),
      exact,
      distance: sorted[0]![1],
      trainIds: sorted.slice(0, 5).map(([k]) => trainImages[k]!.id),
      trainMatchCount: sorted.length,
      labelMismatch:
        img.label !== undefined &&
        sorted.some(([k]) => {
          const l = trainImages[k]!.label;
          return l !== undefined && l !== img.label;
        }),
    });
  }
  leaked.sort(
    (a, b) =>
      Number(b.exact) - Number(a.exact) || a.distance - b.distance || compareStrings(a.id, b.id),
  );
  const exactCount = leaked.filter((l) => l.exact).length;
  return {
    status: 'ran',
    hash: options.hash,
    threshold: options.threshold,
    trainCount: trainImages.length,
    evalCount: evalImages.length,
    leakedCount: leaked.length,
    leakedRate: evalImages.length === 0 ? 0 : leaked.length / evalImages.length,
    exactCount,
    nearCount: leaked.length - exactCount,
    examples: leaked.slice(0, options.maxListed),
    truncated: leaked.length > options.maxListed,
  };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The byte hash of a scan, and its signature when the image decoded. */
export function hashedFromScan(scan: ImageScan, label?: string): HashedImage | undefined {
  if (scan.sha256 === undefined) return undefined;
  return {
    id: scan.id,
    sha256: scan.sha256,
    ...(label !== undefined ? { label } : {}),
    ...(scan.ok ? { signature: scan.signature } : {}),
  };
}

/** Registry entry: exact and near duplicates inside the evaluation set. */
export const duplicatesCheck: DataCheck<'duplicates'> = {
  id: 'duplicates',
  title: 'Duplicates',
  run(ctx) {
    const c = ctx.config.duplicates;
    if (!c.enabled) return skipped('disabled in config');
    const scans = ctx.input.scans?.examples;
    if (!scans) return skipped(NOT_SCANNED);
    const images = scans.flatMap((s, k) => {
      const h = hashedFromScan(s, labelOf(ctx.input, k));
      return h ? [h] : [];
    });
    return findDuplicates(images, {
      hash: c.hash,
      threshold: c.hammingThreshold,
      pixelCheck: c.pixelCheck,
      maxPixelDifference: c.maxPixelDifference,
      maxListed: ctx.config.maxListed,
    });
  },
  gateValues: (f) => [
    {
      gate: 'maxDuplicateGroups',
      metric: 'duplicate groups',
      value: f.groupCount,
      format: formatNumber,
    },
    {
      gate: 'maxConflictingDuplicateGroups',
      metric: 'duplicate groups with conflicting labels',
      value: f.conflictingGroupCount,
      format: formatNumber,
    },
  ],
};

/** Registry entry: evaluation images found in the training manifest. */
export const leakageCheck: DataCheck<'leakage'> = {
  id: 'leakage',
  title: 'Train/eval leakage',
  run(ctx) {
    const c = ctx.config.leakage;
    if (!c.enabled) return skipped('disabled in config');
    const train = ctx.input.train;
    if (!train) return skipped('no training manifest (set data.trainManifest)');
    const evalScans = ctx.input.scans?.examples;
    const trainScans = ctx.input.scans?.train;
    if (!evalScans || !trainScans) return skipped(NOT_SCANNED);
    // A detection image's objects are not a training row's label: no label mismatch is judged.
    const evalImages = evalScans.flatMap((s, k) => {
      const h = hashedFromScan(s, ctx.input.objects ? undefined : ctx.input.examples[k]!.label);
      return h ? [h] : [];
    });
    const trainImages = trainScans.flatMap((s, k) => {
      const h = hashedFromScan(s, train[k]!.label);
      return h ? [h] : [];
    });
    return findLeakage(evalImages, trainImages, {
      hash: c.hash,
      threshold: c.hammingThreshold,
      pixelCheck: c.pixelCheck,
      maxPixelDifference: c.maxPixelDifference,
      near: c.near,
      maxListed: ctx.config.maxListed,
    });
  },
  gateValues: (f) => [
    {
      gate: 'maxLeakageRate',
      metric: 'leaked evaluation examples',
      value: f.leakedRate,
      format: formatPercent,
    },
  ],
};
