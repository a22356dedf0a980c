/**
 * Rendering CloudFormation values for people: intrinsic functions in short form, secrets masked,
 * long values shortened, and structural leaf diffs of nested properties (OptionSettings keyed by
 * namespace and option, Tags by key) so a change reads `InstanceTypes: t3.small → t3.medium`.
 */

import { isSecretName as isSecretVariableName, secretValueReason } from '../secrets';

/** A value marked as a secret is never shown. */
export const HIDDEN = '(secret value hidden)';

/**
 * True when a name (property, option or variable) looks like it holds a secret: the converter's rule
 * (lib/secrets.ts), plus CloudFormation's own property names (`MasterUserPassword`, `AuthToken`).
 */
export function isSecretName(name: string): boolean {
  return isSecretVariableName(name) || /(pass(word|wd)?|secret|token|private[-_]?key|api[-_]?key|credential)/i.test(name);
}

/** True when `name: value` is a secret by its name or by its value (a URL with a password, a token shape, …). */
export function isSecret(name: string, value: unknown): boolean {
  return isSecretName(name) || (typeof value === 'string' && secretValueReason(value) !== undefined);
}

/** Short form of an intrinsic function, or undefined when `v` is not one. */
function intrinsic(v: Record<string, unknown>): string | undefined {
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const k = keys[0];
  const arg = v[k];
  if (k === 'Ref') return `\${${String(arg)}}`;
  if (k === 'Fn::GetAtt') return `\${${Array.isArray(arg) ? arg.join('.') : String(arg)}}`;
  if (k === 'Fn::Join' && Array.isArray(arg) && Array.isArray(arg[1])) {
    return arg[1].map((p) => (typeof p === 'string' ? p : render(p))).join(String(arg[0]));
  }
  if (k === 'Fn::Sub') return Array.isArray(arg) ? String(arg[0]) : String(arg);
  if (k.startsWith('Fn::')) return `${k.slice(4)}(${JSON.stringify(arg)})`;
  return undefined;
}

/** Renders any template value on one line. */
export function render(v: unknown): string {
  if (v === undefined) return '(none)';
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(render).join(', ')}]`;
  if (typeof v === 'object') {
    const i = intrinsic(v as Record<string, unknown>);
    if (i !== undefined) return i;
    return `{${Object.keys(v as object).sort().map((k) => `${k}: ${render((v as Record<string, unknown>)[k])}`).join(', ')}}`;
  }
  return String(v);
}

/** `render`, shortened to `max` characters. */
export function shorten(text: string, max = 160): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A literal string (not a reference or a dynamic `{{resolve:…}}`). */
function isLiteralSecret(v: unknown): boolean {
  return typeof v === 'string' && !v.includes('{{resolve:') && v.length > 0;
}

/** Renders a value for display under `name`, hiding literal secrets. */
export function display(name: string, v: unknown, max = 160): string {
  if (isSecret(name, v) && isLiteralSecret(v)) return HIDDEN;
  return shorten(render(v), max);
}

export interface LeafChange {
  /** Path inside the property, e.g. `[aws:ec2:instances/InstanceTypes]` or `.Port`. */
  readonly path: string;
  /** Last name on the path, for secret detection. */
  readonly name: string;
  readonly old?: unknown;
  readonly new?: unknown;
  readonly hasOld: boolean;
  readonly hasNew: boolean;
}

function keyOf(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  const o = item as Record<string, unknown>;
  if (typeof o.Namespace === 'string' && typeof o.OptionName === 'string') return `${o.Namespace}/${o.OptionName}${typeof o.ResourceName === 'string' ? `@${o.ResourceName}` : ''}`;
  if (typeof o.Key === 'string' && 'Value' in o && Object.keys(o).length <= 3) return o.Key;
  if (typeof o.name === 'string' && Object.keys(o).length <= 3 && ('value' in o || 'valueFrom' in o)) return o.name;
  return undefined;
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Leaf-level differences between two values. Arrays of keyed items (option settings, tags, name/value
 * pairs) are matched by key; other arrays are compared whole.
 */
export function leafDiff(oldV: unknown, newV: unknown, path = '', name = '', limit = 50): LeafChange[] {
  const out: LeafChange[] = [];
  const walk = (a: unknown, b: unknown, p: string, n: string, hasA: boolean, hasB: boolean): void => {
    if (out.length >= limit) return;
    if (hasA && hasB && equal(a, b)) return;
    const objA = typeof a === 'object' && a !== null && !Array.isArray(a);
    const objB = typeof b === 'object' && b !== null && !Array.isArray(b);
    if (hasA && hasB && objA && objB && intrinsic(a as Record<string, unknown>) === undefined && intrinsic(b as Record<string, unknown>) === undefined) {
      const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
      for (const k of keys) {
        const ra = a as Record<string, unknown>;
        const rb = b as Record<string, unknown>;
        walk(ra[k], rb[k], `${p}.${k}`, k, k in ra, k in rb);
      }
      return;
    }
    if (hasA && hasB && Array.isArray(a) && Array.isArray(b)) {
      const ka = a.map(keyOf);
      const kb = b.map(keyOf);
      if (ka.every((k) => k !== undefined) && kb.every((k) => k !== undefined) && new Set(ka).size === ka.length && new Set(kb).size === kb.length) {
        const ma = new Map(a.map((x, i) => [ka[i]!, x]));
        const mb = new Map(b.map((x, i) => [kb[i]!, x]));
        const keys = [...new Set([...ma.keys(), ...mb.keys()])].sort();
        for (const k of keys) {
          const va = ma.get(k) as Record<string, unknown> | undefined;
          const vb = mb.get(k) as Record<string, unknown> | undefined;
          const value = (x: Record<string, unknown> | undefined): unknown => (x === undefined ? undefined : 'Value' in x ? x.Value : 'value' in x ? x.value : 'valueFrom' in x ? x.valueFrom : x);
          const leafName = k.includes('/') ? k.slice(k.lastIndexOf('/') + 1) : k;
          walk(value(va), value(vb), `${p}[${k}]`, leafName, va !== undefined, vb !== undefined);
        }
        return;
      }
    }
    out.push({ path: p, name: n, old: a, new: b, hasOld: hasA, hasNew: hasB });
  };
  walk(oldV, newV, path, name, oldV !== undefined, newV !== undefined);
  return out;
}

/** Replaces asset hashes (64 hex digits) so two values can be compared without them. */
export function withoutHashes(v: unknown): string {
  return JSON.stringify(v ?? null).replace(/[0-9a-f]{12,64}/g, '<hash>');
}

/** The 64-hex-digit hashes inside a value. */
export function hashesIn(v: unknown): string[] {
  return [...new Set(JSON.stringify(v ?? null).match(/[0-9a-f]{64}/g) ?? [])];
}
