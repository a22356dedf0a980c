/**
 * JSON pointers (RFC 6901) into the compose document, and their human form for messages.
 *
 * The loader keys `MergedDocument.locations` by JSON pointer (`/services/web/ports/0`); messages show
 * the human path (`services.web.ports[0]`).
 */

/** Escapes one pointer segment: `~` → `~0`, `/` → `~1`. */
export function escapeSegment(segment: string | number): string {
  const s = String(segment);
  // most segments (service names, keys, indexes) have nothing to escape: no regular expression run
  return s.includes('~') || s.includes('/') ? s.replace(/~/g, '~0').replace(/\//g, '~1') : s;
}

/** Reverses `escapeSegment`. */
export function unescapeSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Joins segments into a pointer: `toPointer(['services', 'web', 'ports', 0])` → `/services/web/ports/0`; `[]` → `''`. */
export function toPointer(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) out += '/' + escapeSegment(s);
  return out;
}

/** Splits a pointer into its (unescaped) segments; `''` → `[]`. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`not a JSON pointer: ${pointer}`);
  return pointer.slice(1).split('/').map(unescapeSegment);
}

/** Appends one segment to a pointer. */
export function childPointer(pointer: string, segment: string | number): string {
  return pointer + '/' + escapeSegment(segment);
}

/**
 * The human path of a list of segments: numbers are sequence indexes (`ports[0]`), strings are
 * keys; a key that is not a plain identifier is quoted (`labels["com.example/x"]`).
 */
export function humanPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(s)) out += (out ? '.' : '') + s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out === '' ? '(top level)' : out;
}

/**
 * The human path of a pointer, using `data` to tell sequence indexes from mapping keys that look
 * like numbers. Without `data`, all-digit segments are shown as indexes.
 */
export function humanPointer(pointer: string, data?: unknown): string {
  const segments: (string | number)[] = [];
  let node: unknown = data;
  for (const seg of parsePointer(pointer)) {
    const isIndex = data === undefined ? /^\d+$/.test(seg) : Array.isArray(node);
    segments.push(isIndex ? Number(seg) : seg);
    if (node !== undefined && node !== null && typeof node === 'object') {
      node = (node as Record<string, unknown>)[seg];
    } else {
      node = undefined;
    }
  }
  return humanPath(segments);
}
