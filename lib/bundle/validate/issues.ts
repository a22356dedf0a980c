/** Issues of a bundle file, JSON paths and pointers into it, and the small helpers of every validator. */

import { toPointer } from '../../compose/pointer';

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
    this.items.push({ path: formatPath(segments), pointer: toPointer(segments), message, code, severity });
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
  // each pointer decoded once, not once per comparison
  return issues
    .filter((i) => {
      const k = `${i.pointer}\u0000${i.code}\u0000${i.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .map((issue) => ({ issue, segments: decodePointer(issue.pointer) }))
    .sort((a, b) => cmpSeg(a.segments, b.segments) || (a.issue.code < b.issue.code ? -1 : a.issue.code > b.issue.code ? 1 : 0) || (a.issue.message < b.issue.message ? -1 : a.issue.message > b.issue.message ? 1 : 0))
    .map(({ issue }) => issue);
}

// ---- small helpers ----------------------------------------------------------------------------

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

