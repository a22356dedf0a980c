/**
 * Orderings used wherever output must be deterministic. One home for each: the sort of names
 * (code-unit order, as `Array.prototype.sort` without a comparator) and of dotted version numbers.
 */

/** Code-unit order of two strings (-1, 0 or 1): the order of `[...].sort()`, usable inside other comparators. */
export function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * -1, 0 or 1 for two dotted versions, compared number by number (`4.10.0` > `4.9.1`, `8.0` = `8.0.0`);
 * a part that is not a number counts as 0 (`8.0.mysql_aurora` = `8.0`).
 */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}
