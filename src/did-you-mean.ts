/**
 * "Did you mean ...?" for messages about a misspelt name (an enum value, a key, a column).
 * Distance is optimal-string-alignment Damerau-Levenshtein (a swap of two neighbours costs 1,
 * the commonest typing slip), compared case-insensitively so `maxdrop` finds `maxDrop`.
 */

/** Edit distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  // Three rolling rows: the transposition looks two rows back.
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let row = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    row[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, prev2[j - 2]! + 1);
      row[j] = d;
    }
    [prev2, prev, row] = [prev, row, prev2];
  }
  return prev[n]!;
}

/**
 * The candidate closest to `word`, if it is close enough to be a plausible slip: at most a third
 * of the word's length in edits (at least 1, at most 3), or, for words of 4 or more characters,
 * one containing the other ("gaussian" for "gaussian_noise").
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    if (c === word) continue;
    const lc = c.toLowerCase();
    const d = editDistance(w, lc);
    const contains = w.length >= 4 && (lc.includes(w) || w.includes(lc));
    if (d > limit && !contains) continue;
    // A containment counts as slightly worse than one edit, so a true one-letter slip wins.
    const score = contains ? Math.min(d, 1.5) : d;
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/** `; did you mean "x"?` when a candidate is close to `word`, else an empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closestMatch(word, candidates);
  return match === undefined ? '' : `; did you mean "${match}"?`;
}
