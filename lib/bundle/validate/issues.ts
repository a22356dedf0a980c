/** Issues of a bundle file, JSON paths and pointers into it, and the small helpers of every validator. */

export interface ValidationIssue {
  /** Human path into the document, e.g. `containerDefinitions[1].memory` (empty for the root). */
  readonly path: string;
  /** JSON pointer of the same place, e.g. `/containerDefinitions/1/memory` (used to find line:column). */
  readonly pointer: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
  /** Stable identifier, e.g. `dockerrun/memory-missing`. */
  readonly code: string;
  /** `error` issues make the file invalid; `warning` issues are reported and allowed. */
  readonly severity: 'error' | 'warning';
}

/** Issue codes that only mean "an image or role is still a placeholder": previews allow them. */
export const PLACEHOLDER_ISSUE_CODES: ReadonlySet<string> = new Set(['dockerrun/image-placeholder', 'dockerrun/execution-role-placeholder']);

/** Host ports the ECS agent reserves on the container instance (ECS task definition parameters, portMappings). */
export const RESERVED_HOST_PORTS: readonly number[] = [22, 2375, 2376, 51678, 51679, 51680];

/** Lowest port of the Linux ephemeral range (`ip_local_port_range` default 32768–60999). */
export const EPHEMERAL_PORT_START = 32768;

/** Docker (≥ 20.10) refuses a memory limit below 6 MiB. */
export const MIN_CONTAINER_MEMORY_MIB = 6;

// ---- paths ------------------------------------------------------------------------------------

export type Segment = string | number;

export function decodePointer(pointer: string): Segment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

export function encodePointer(segments: readonly Segment[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** `['containerDefinitions', 1, 'memory']` → `containerDefinitions[1].memory`. */
export function formatPath(segments: readonly Segment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

export class IssueList {
  readonly items: ValidationIssue[] = [];
  add(segments: readonly Segment[], code: string, message: string, severity: 'error' | 'warning' = 'error'): void {
    this.items.push({ path: formatPath(segments), pointer: encodePointer(segments), message, code, severity });
  }
}

/** Sorts issues by document position (path segments in numeric order), then code and message. */
export function sortIssues(issues: readonly ValidationIssue[]): ValidationIssue[] {
  const cmpSeg = (a: Segment[], b: Segment[]): number => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const x = a[i];
      const y = b[i];
      if (x === y) continue;
      if (typeof x === 'number' && typeof y === 'number') return x - y;
      return String(x) < String(y) ? -1 : 1;
    }
    return a.length - b.length;
  };
  const seen = new Set<string>();
  return [...issues]
    .filter((i) => {
      const k = `${i.pointer}\u0000${i.code}\u0000${i.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => cmpSeg(decodePointer(a.pointer), decodePointer(b.pointer)) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
}

// ---- small helpers ----------------------------------------------------------------------------

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

export function arrayOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? v.slice(0, 57) + '...' : v);
  return String(v);
}

export function valueAt(doc: unknown, segments: readonly Segment[]): unknown {
  let cur: unknown = doc;
  for (const s of segments) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[s as string];
  }
  return cur;
}

export function levenshtein(a: string, b: string): number {
  const dp: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

/** The closest known key (case-insensitive equality first, then edit distance ≤ 2), if any. */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const exact = known.find((k) => k.toLowerCase() === lower);
  if (exact) return exact;
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of [...known].sort()) {
    const d = levenshtein(lower, k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

