/** "Did you mean ...?" for misspelt names. */

/** Levenshtein distance, with a swap of two neighbours counting as one edit. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/**
 * The candidate closest to `name`, if it is close enough to be a likely typo:
 * at most a third of the name's length in edits (at least one, at most three).
 * Case is ignored. Failing that, a candidate that starts with the name, or
 * that the name starts with (3 characters or more in common), is taken:
 * `db_pass` for `db_password`.
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(wanted.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const d = editDistance(wanted, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (bestDistance <= limit) return best;
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    if (candidate !== name && Math.min(other.length, wanted.length) >= 3 && (other.startsWith(wanted) || wanted.startsWith(other))) return candidate;
  }
  return undefined;
}

/** " Did you mean `x`?" or "". */
export function didYouMean(name: string, candidates: Iterable<string>, quote = "`"): string {
  const match = closest(name, candidates);
  return match === undefined ? "" : ` Did you mean ${quote}${match}${quote}?`;
}
