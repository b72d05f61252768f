/**
 * Duplicate and leakage findings from precomputed hashes (pure; hashes come from scan.ts).
 *
 * - Exact duplicates: equal sha256 of the file bytes.
 * - Near duplicates: perceptual hashes within a Hamming radius, found with a multi-index hash
 *   table (hamming-index.ts), then grouped transitively with union-find: A~B and B~C put A, B
 *   and C in one group even when A and C are further apart, which is what a reviewer wants to
 *   see (one cluster of copies), at the price of chaining on very loose thresholds.
 * - Leakage: evaluation images that are exact or near copies of training images. Leaked
 *   examples measure memorisation, not generalisation.
 */
import { hammingDistance, type Hash64 } from './hashing.js';
import { HammingIndex } from './hamming-index.js';
import type { ImageScan } from './scan.js';
import type { DataCheck } from './types.js';
import { formatNumber, formatPercent, skipped } from './util.js';

/** Which perceptual hash decides "near": one, or both (a pair must be within the radius on each). */
export type NearHashMode = 'phash' | 'dhash' | 'both';

/** One image's hashes; perceptual hashes are absent when the image could not be decoded. */
export interface HashedImage {
  id: string;
  label?: string;
  sha256: string;
  phash?: Hash64;
  dhash?: Hash64;
}

export interface NearDuplicateOptions {
  hash: NearHashMode;
  /** Largest Hamming distance (of 64 bits) that counts as a near duplicate. */
  threshold: number;
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

/** Distance under the mode, or undefined when a needed hash is missing. */
function modeDistance(a: HashedImage, b: HashedImage, mode: NearHashMode): number | undefined {
  if (mode === 'phash' || mode === 'both') {
    if (!a.phash || !b.phash) return undefined;
    const dp = hammingDistance(a.phash, b.phash);
    if (mode === 'phash') return dp;
    if (!a.dhash || !b.dhash) return undefined;
    return Math.max(dp, hammingDistance(a.dhash, b.dhash));
  }
  if (!a.dhash || !b.dhash) return undefined;
  return hammingDistance(a.dhash, b.dhash);
}

/** The hash a mode indexes on (for 'both', pHash finds candidates and dHash must agree). */
function indexHash(image: HashedImage, mode: NearHashMode): Hash64 | undefined {
  return mode === 'dhash' ? image.dhash : image.phash;
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

  // Near: index the decodable images, self-join within the radius.
  const hashed: number[] = [];
  const hashes: Hash64[] = [];
  images.forEach((img, k) => {
    const h = indexHash(img, options.hash);
    if (h && (options.hash !== 'both' || img.dhash)) {
      hashed.push(k);
      hashes.push(h);
    }
  });
  const index = HammingIndex.build(hashes, { radius: options.threshold });
  for (const pair of index.pairsWithin(options.threshold)) {
    const a = hashed[pair.i]!;
    const b = hashed[pair.j]!;
    const d =
      options.hash === 'both' ? modeDistance(images[a]!, images[b]!, 'both') : pair.distance;
    if (d !== undefined && d <= options.threshold) noteLink(a, b, d);
  }

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
    hashedCount: hashed.length,
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
  const trainHashed: number[] = [];
  const trainHashes: Hash64[] = [];
  trainImages.forEach((img, k) => {
    const h = indexHash(img, options.hash);
    if (h && (options.hash !== 'both' || img.dhash)) {
      trainHashed.push(k);
      trainHashes.push(h);
    }
  });
  const index = options.near
    ? HammingIndex.build(trainHashes, { radius: options.threshold })
    : undefined;

  const leaked: LeakedExample[] = [];
  for (const img of evalImages) {
    const matches = new Map<number, number>();
    for (const k of trainBySha.get(img.sha256) ?? []) matches.set(k, 0);
    const q = indexHash(img, options.hash);
    if (index && q) {
      index.search(q, options.threshold, (t) => {
        const k = trainHashed[t]!;
        if (matches.has(k)) return;
        const d = modeDistance(img, trainImages[k]!, options.hash);
        if (d !== undefined && d <= options.threshold) matches.set(k, d);
      });
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

/** The hashes of a scan (perceptual ones only when the image decoded). */
export function hashedFromScan(scan: ImageScan, label?: string): HashedImage | undefined {
  if (scan.sha256 === undefined) return undefined;
  return {
    id: scan.id,
    sha256: scan.sha256,
    ...(label !== undefined ? { label } : {}),
    ...(scan.ok ? { phash: scan.phash, dhash: scan.dhash } : {}),
  };
}

/** Registry entry: exact and near duplicates inside the evaluation set. */
export const duplicatesCheck: DataCheck<'duplicates'> = {
  id: 'duplicates',
  title: 'Duplicates',
  async run(ctx) {
    const c = ctx.config.duplicates;
    if (!c.enabled) return skipped('disabled in config');
    const scans = await ctx.evalScans();
    const images = scans.flatMap((s, k) => {
      const h = hashedFromScan(s, ctx.input.examples[k]!.label);
      return h ? [h] : [];
    });
    return findDuplicates(images, {
      hash: c.hash,
      threshold: c.hammingThreshold,
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
  async run(ctx) {
    const c = ctx.config.leakage;
    if (!c.enabled) return skipped('disabled in config');
    const train = ctx.input.train;
    if (!train) return skipped('no training manifest (set data.trainManifest)');
    const [evalScans, trainScans] = await Promise.all([ctx.evalScans(), ctx.trainScans()]);
    const evalImages = evalScans.flatMap((s, k) => {
      const h = hashedFromScan(s, ctx.input.examples[k]!.label);
      return h ? [h] : [];
    });
    const trainImages = (trainScans ?? []).flatMap((s, k) => {
      const h = hashedFromScan(s, train[k]!.label);
      return h ? [h] : [];
    });
    return findLeakage(evalImages, trainImages, {
      hash: c.hash,
      threshold: c.hammingThreshold,
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
