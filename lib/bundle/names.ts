/**
 * Stable, collision-free names for containers, Dockerrun volumes and environment variables.
 */
import { dict, hasOwn } from './dict';

/** Replaces every character outside `[A-Za-z0-9_-]` with `-` and trims to 255 characters. */
export function sanitizeName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 255);
  return s.length > 0 ? s : 'x';
}

/**
 * Sanitized names for a set of originals. Names are assigned in sorted order of the originals, and a
 * collision gets the smallest free `-2`, `-3`… suffix, so the mapping only depends on the set.
 */
export function assignNames(originals: readonly string[], sanitize: (s: string) => string = sanitizeName): Record<string, string> {
  const out: Record<string, string> = dict();
  const used = new Set<string>();
  const sorted = [...new Set(originals)].sort();
  // names that need no change keep them, whatever their order
  for (const o of sorted) {
    const s = sanitize(o);
    if (s === o && !used.has(s)) {
      out[o] = s;
      used.add(s);
    }
  }
  // the suffix tried next per base name: `used` only grows, so the smallest free suffix of a base
  // never goes down, and many names sanitized alike cost one probe each, not one per earlier name
  const nextSuffix = new Map<string, number>();
  for (const o of sorted) {
    if (hasOwn(out, o)) continue;
    const base = sanitize(o);
    let candidate = base;
    if (used.has(candidate)) {
      let i = nextSuffix.get(base) ?? 2;
      while (used.has(`${base.slice(0, 250)}-${i}`)) i++;
      candidate = `${base.slice(0, 250)}-${i}`;
      nextSuffix.set(base, i + 1);
    }
    out[o] = candidate;
    used.add(candidate);
  }
  const sortedOut: Record<string, string> = dict();
  for (const o of sorted) sortedOut[o] = out[o];
  return sortedOut;
}

/** Environment variable name for a compose secret: `db-password` → `DB_PASSWORD`. */
export function envNameForSecret(secret: string): string {
  let s = secret.toUpperCase().replace(/[^A-Z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (s === '') s = 'SECRET';
  if (/^[0-9]/.test(s)) s = `_${s}`;
  return s;
}

/** A Dockerrun volume name for a path or volume name, e.g. `nginx/default.conf` → `nginx-default-conf`. */
export function volumeSlug(text: string): string {
  const s = text.replace(/^\/+|\/+$/g, '').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return s.length > 0 ? s.slice(0, 200) : 'root';
}
