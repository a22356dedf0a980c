/**
 * Questions about `/`-separated paths as plain strings ("is one of these paths a directory above
 * this one?"), answered by looking up each directory prefix of a path in a set instead of comparing
 * it with every other path: time linear in the length of the path, whatever the number of paths.
 */

/**
 * The directory prefixes of `p`: every `q` such that `p` starts with `q + '/'`, shortest first
 * (`a/b/c` → `a`, `a/b`; `/x/y` → ``, `/x`).
 */
export function directoryPrefixes(p: string): string[] {
  const out: string[] = [];
  for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) out.push(p.slice(0, i));
  return out;
}

/** Whether a path of `paths` is a directory above `p` (`p` starts with it and a `/`). */
export function underAnyOf(p: string, paths: ReadonlySet<string>): boolean {
  for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) if (paths.has(p.slice(0, i))) return true;
  return false;
}

/** Every directory prefix of every path of `paths` (see `directoryPrefixes`): `q` is in it when some path starts with `q + '/'`. */
export function allDirectoryPrefixes(paths: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const p of paths) for (const q of directoryPrefixes(p)) out.add(q);
  return out;
}
