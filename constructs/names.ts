/** Physical names of resources that need a fixed one (a role whose ARN must be known at synth). */

/**
 * A name of `[A-Za-z0-9-]` built from parts, at most `maxLength` characters. When the parts are too
 * long the name is cut and ends with a short hash of the full name, so two long names stay distinct.
 */
export function physicalName(parts: readonly string[], maxLength: number): string {
  const full = parts
    .map((p) => p.replace(/[^A-Za-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, ''))
    .filter((p) => p.length > 0)
    .join('-');
  if (full.length <= maxLength) return full;
  const hash = fnv1a(full).slice(0, 8);
  return `${full.slice(0, maxLength - hash.length - 1).replace(/-$/, '')}-${hash}`;
}

/** FNV-1a 32-bit as 8 hex digits: a stable short hash without loading `crypto` in hot paths. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
