/**
 * The located tree the loader works on: plain YAML data where every value carries the position it
 * was written at, and the `!reset` / `!override` tag it was written with.
 *
 * Every stage (interpolation, path resolution, merge, extends, include) builds new nodes instead of
 * mutating, so a node may be shared between trees (YAML aliases, extends bases).
 */
import type { SourceLocation } from '../errors';
import { childPointer } from './pointer';

/** Merge tags of the Compose Specification (13-merge.md). */
export type MergeTag = 'reset' | 'override';

export type Scalar = string | number | boolean | null;

interface NodeBase {
  /** Where the value starts in its source file. */
  readonly loc: SourceLocation;
  readonly tag?: MergeTag;
}

export interface MapEntry {
  /** Where the key starts in its source file. */
  readonly keyLoc: SourceLocation;
  readonly value: Node;
}

export interface MapNode extends NodeBase {
  readonly kind: 'map';
  /** Entries in source order. */
  readonly entries: ReadonlyMap<string, MapEntry>;
}

export interface SeqNode extends NodeBase {
  readonly kind: 'seq';
  readonly items: readonly Node[];
}

export interface ScalarNode extends NodeBase {
  readonly kind: 'scalar';
  readonly value: Scalar;
  /**
   * When the string value is written on one line with one source character per character (plain,
   * or quoted without escapes): the column of its first character, so a position inside the value
   * (e.g. of a `${`) can be reported.
   */
  readonly textColumn?: number;
  /**
   * The text as written in the file, when a loader stage replaced it (interpolation, relative path
   * resolution): messages quote what the user wrote (`"${APP_PORT}:80"`, `./app.env`).
   */
  readonly written?: string;
}

export type Node = MapNode | SeqNode | ScalarNode;

export function mapNode(entries: ReadonlyMap<string, MapEntry>, loc: SourceLocation, tag?: MergeTag): MapNode {
  return tag ? { kind: 'map', entries, loc, tag } : { kind: 'map', entries, loc };
}

export function seqNode(items: readonly Node[], loc: SourceLocation, tag?: MergeTag): SeqNode {
  return tag ? { kind: 'seq', items, loc, tag } : { kind: 'seq', items, loc };
}

export function scalarNode(value: Scalar, loc: SourceLocation, tag?: MergeTag, textColumn?: number): ScalarNode {
  const node: { kind: 'scalar'; value: Scalar; loc: SourceLocation; tag?: MergeTag; textColumn?: number } = { kind: 'scalar', value, loc };
  if (tag) node.tag = tag;
  if (textColumn !== undefined) node.textColumn = textColumn;
  return node;
}

/** A scalar replacing `node`'s value (same position and tag), remembering the text as first written. */
export function replacedScalar(node: ScalarNode, value: Scalar): ScalarNode {
  if (value === node.value) return node;
  const written = node.written ?? (node.value === null ? undefined : String(node.value));
  const out = scalarNode(value, node.loc, node.tag);
  return written === undefined ? out : { ...out, written };
}

/** The same node with another tag (or none). */
export function withTag<T extends Node>(node: T, tag: MergeTag | undefined): T {
  if (node.tag === tag) return node;
  const copy = { ...node } as { tag?: MergeTag };
  if (tag) copy.tag = tag;
  else delete copy.tag;
  return copy as T;
}

/** The value of `key` in a mapping node, if any. */
export function getEntry(node: Node | undefined, key: string): Node | undefined {
  return node?.kind === 'map' ? node.entries.get(key)?.value : undefined;
}

/** The string value of a scalar node, or `undefined` when it is not a string scalar. */
export function stringValue(node: Node | undefined): string | undefined {
  return node?.kind === 'scalar' && typeof node.value === 'string' ? node.value : undefined;
}

/** A mapping node with one entry replaced (or added at the end, or removed with `undefined`). */
export function setEntry(node: MapNode, key: string, value: Node | undefined, keyLoc?: SourceLocation): MapNode {
  const entries = new Map(node.entries);
  if (value === undefined) {
    entries.delete(key);
  } else {
    const previous = entries.get(key);
    entries.set(key, { keyLoc: keyLoc ?? previous?.keyLoc ?? value.loc, value });
  }
  return mapNode(entries, node.loc, node.tag);
}

/** A short description of a node's type for messages: `a mapping`, `a sequence`, `a string`, … */
export function describeKind(node: Node): string {
  if (node.kind === 'map') return 'a mapping';
  if (node.kind === 'seq') return 'a sequence';
  if (node.value === null) return 'null';
  return `a ${typeof node.value}`;
}

/**
 * Removes the merge tags: `!reset` entries and items disappear, `!override` values stay as plain
 * values. What a file means when nothing is merged into it.
 */
export function stripTags(node: Node): Node {
  if (node.kind === 'scalar') return node.tag ? withTag(node, undefined) : node;
  // a node without merge tags below it is returned as it is (most of a file has none)
  let changed = node.tag !== undefined;
  if (node.kind === 'seq') {
    const items: Node[] = [];
    for (const item of node.items) {
      const stripped = item.tag === 'reset' ? undefined : stripTags(item);
      if (stripped !== item) changed = true;
      if (stripped) items.push(stripped);
    }
    return changed ? seqNode(items, node.loc) : node;
  }
  const entries = new Map<string, MapEntry>();
  for (const [key, entry] of node.entries) {
    const stripped = entry.value.tag === 'reset' ? undefined : stripTags(entry.value);
    if (stripped !== entry.value) changed = true;
    if (stripped) entries.set(key, stripped === entry.value ? entry : { keyLoc: entry.keyLoc, value: stripped });
  }
  return changed ? mapNode(entries, node.loc) : node;
}

/** Whether any node below (or at) `node` carries a merge tag. */
export function hasTags(node: Node): boolean {
  if (node.tag) return true;
  if (node.kind === 'seq') return node.items.some(hasTags);
  if (node.kind === 'map') {
    for (const entry of node.entries.values()) if (hasTags(entry.value)) return true;
  }
  return false;
}

/** Plain JavaScript data of a node (tags ignored). */
export function toPlain(node: Node): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') return node.items.map(toPlain);
  const out: Record<string, unknown> = {};
  for (const [key, entry] of node.entries) {
    // defineProperty keeps `__proto__` an ordinary key (an assignment would set the prototype)
    if (key === '__proto__') Object.defineProperty(out, key, { value: toPlain(entry.value), enumerable: true, writable: true, configurable: true });
    else out[key] = toPlain(entry.value);
  }
  return out;
}

/**
 * Locations of every value below `node`, keyed by JSON pointer relative to `base`; key locations
 * go to `keyLocations`, and the text as written of replaced scalars (`ScalarNode.written`) to
 * `written`, when given.
 */
export function collectLocations(
  node: Node,
  base: string,
  locations: Record<string, SourceLocation>,
  keyLocations?: Record<string, SourceLocation>,
  written?: Record<string, string>,
): void {
  locations[base] = node.loc;
  if (node.kind === 'seq') {
    node.items.forEach((item, i) => collectLocations(item, childPointer(base, i), locations, keyLocations, written));
  } else if (node.kind === 'map') {
    for (const [key, entry] of node.entries) {
      const p = childPointer(base, key);
      if (keyLocations) keyLocations[p] = entry.keyLoc;
      collectLocations(entry.value, p, locations, keyLocations, written);
    }
  } else if (written && node.written !== undefined) {
    written[base] = node.written;
  }
}

/** Builds nodes from plain data, every node at `loc` (for values the loader synthesizes). */
export function fromPlain(value: unknown, loc: SourceLocation): Node {
  if (Array.isArray(value)) return seqNode(value.map((v) => fromPlain(v, loc)), loc);
  if (value !== null && typeof value === 'object') {
    const entries = new Map<string, MapEntry>();
    for (const [k, v] of Object.entries(value)) entries.set(k, { keyLoc: loc, value: fromPlain(v, loc) });
    return mapNode(entries, loc);
  }
  if (value === undefined) return scalarNode(null, loc);
  return scalarNode(value as Scalar, loc);
}
