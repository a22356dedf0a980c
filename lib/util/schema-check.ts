/**
 * Whether data is valid against a JSON schema, yes or no, by walking the schema itself: the fast
 * path of schema validation. A valid compose file (the usual case) is answered here; only an invalid
 * one loads and runs the generated ajv validator, which says what is wrong and where
 * (lib/compose/schema.ts, lib/bundle/validate/schema.ts). The generated validator of the compose
 * schema is 300 KB of code: compiling it, or reading its compiled form from the code cache, was a
 * good part of a cold `beanstack config` (bench/startup.js).
 *
 * It knows the keywords our schemas use, with ajv's meaning (draft-07, `strict: false`): type,
 * $ref to a local definition, properties, patternProperties, additionalProperties, required, items,
 * oneOf, anyOf, allOf, not, enum, const, uniqueItems, minimum, maximum, minItems, maxItems,
 * minLength, maxLength, pattern. A schema with any other assertion is refused when the check is
 * built, so a schema update cannot make the two answers differ silently; annotations (description,
 * default, …) are ignored, as ajv ignores them. test/util/schema-check.test.ts holds its answers to
 * the generated validators' on generated documents.
 */

type Schema = boolean | { readonly [keyword: string]: unknown };
type Check = (data: unknown) => boolean;

/** Keywords that do not assert anything. */
const ANNOTATIONS = new Set(['$schema', '$id', '$comment', 'title', 'description', 'default', 'deprecated', 'examples', 'definitions', '$defs', 'readOnly', 'writeOnly']);

/** A schema uses a keyword this check does not implement. */
export class UnsupportedSchemaError extends Error {
  constructor(keyword: string, where: string) {
    super(`schema keyword \`${keyword}\` at ${where || '/'} is not supported by the fast schema check`);
    this.name = 'UnsupportedSchemaError';
  }
}

/** Builds the check of `root` (throws UnsupportedSchemaError for a keyword it does not know). */
export function schemaCheck(root: Schema): Check {
  const refs = new Map<string, Check>();
  const build = (schema: Schema, where: string): Check => {
    if (schema === true) return () => true;
    if (schema === false) return () => false;
    const checks: Check[] = [];
    for (const [keyword, value] of Object.entries(schema)) {
      if (ANNOTATIONS.has(keyword)) continue;
      const make = KEYWORDS[keyword];
      if (!make) throw new UnsupportedSchemaError(keyword, where);
      checks.push(make(value, schema, (s, w) => build(s, `${where}/${keyword}${w}`), (ref) => resolveRef(ref, where)));
    }
    return checks.length === 1 ? checks[0] : (data) => checks.every((c) => c(data));
  };
  const resolveRef = (ref: string, where: string): Check => {
    let check = refs.get(ref);
    if (!check) {
      const target = pointerTarget(root, ref, where);
      let built: Check | undefined;
      // a placeholder first, so a recursive definition refers to itself
      check = (data) => (built ??= build(target, ref.slice(1)))(data);
      refs.set(ref, check);
    }
    return check;
  };
  return build(root, '');
}

function pointerTarget(root: Schema, ref: string, where: string): Schema {
  if (!ref.startsWith('#')) throw new UnsupportedSchemaError(`$ref ${ref}`, where);
  let node: unknown = root;
  for (const seg of ref.slice(1).split('/').filter((s) => s !== '')) {
    const key = decodeURIComponent(seg).replace(/~1/g, '/').replace(/~0/g, '~');
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  if (node === undefined) throw new UnsupportedSchemaError(`$ref ${ref} (no such definition)`, where);
  return node as Schema;
}

type Make = (value: unknown, schema: { readonly [k: string]: unknown }, sub: (s: Schema, where: string) => Check, ref: (r: string) => Check) => Check;

const isObject = (d: unknown): d is Record<string, unknown> => d !== null && typeof d === 'object' && !Array.isArray(d);

/** ajv's type tests (an integer is a number without a fraction; NaN is not one). */
const TYPES: Readonly<Record<string, Check>> = {
  string: (d) => typeof d === 'string',
  number: (d) => typeof d === 'number',
  integer: (d) => typeof d === 'number' && !(d % 1) && !Number.isNaN(d),
  boolean: (d) => typeof d === 'boolean',
  null: (d) => d === null,
  object: isObject,
  array: (d) => Array.isArray(d),
};

/** ajv's pattern semantics: a Unicode regular expression, searched (not anchored). */
const unicodeRegExp = (source: string) => new RegExp(source, 'u');

const KEYWORDS: Readonly<Record<string, Make>> = {
  type: (value) => {
    const tests = (Array.isArray(value) ? value : [value]).map((t) => TYPES[String(t)] ?? unsupported(`type ${String(t)}`));
    return tests.length === 1 ? tests[0] : (d) => tests.some((t) => t(d));
  },
  $ref: (value, _, __, ref) => ref(String(value)),
  // properties, patternProperties and additionalProperties walk the keys the data has (a service
  // has a handful of the schema's hundred properties)
  properties: (value, _, sub) => {
    const props = new Map(Object.entries(value as Record<string, Schema>).map(([k, s]) => [k, sub(s, `/${k}`)]));
    return (d) => {
      if (!isObject(d)) return true;
      for (const k of Object.keys(d)) {
        const check = props.get(k);
        if (check && d[k] !== undefined && !check(d[k])) return false;
      }
      return true;
    };
  },
  patternProperties: (value, _, sub) => {
    const pats = Object.entries(value as Record<string, Schema>).map(([p, s]) => [unicodeRegExp(p), sub(s, `/${p}`)] as const);
    return (d) => !isObject(d) || Object.keys(d).every((k) => pats.every(([re, c]) => !re.test(k) || c(d[k])));
  },
  additionalProperties: (value, schema, sub) => {
    const known = new Set(Object.keys((schema.properties as object | undefined) ?? {}));
    const pats = Object.keys((schema.patternProperties as object | undefined) ?? {}).map(unicodeRegExp);
    const check = sub(value as Schema, '');
    const additional = (k: string) => !known.has(k) && !pats.some((re) => re.test(k));
    return (d) => !isObject(d) || Object.keys(d).every((k) => !additional(k) || check(d[k]));
  },
  required: (value) => {
    const keys = value as readonly string[];
    return (d) => !isObject(d) || keys.every((k) => d[k] !== undefined);
  },
  items: (value, _, sub) => {
    if (Array.isArray(value)) {
      const checks = value.map((s, i) => sub(s as Schema, `/${i}`));
      return (d) => !Array.isArray(d) || checks.every((c, i) => i >= d.length || c(d[i]));
    }
    const check = sub(value as Schema, '');
    return (d) => !Array.isArray(d) || d.every((x) => check(x));
  },
  oneOf: (value, _, sub) => {
    const checks = (value as Schema[]).map((s, i) => sub(s, `/${i}`));
    return (d) => {
      let passing = 0;
      for (const c of checks) if (c(d) && ++passing > 1) return false;
      return passing === 1;
    };
  },
  anyOf: (value, _, sub) => {
    const checks = (value as Schema[]).map((s, i) => sub(s, `/${i}`));
    return (d) => checks.some((c) => c(d));
  },
  allOf: (value, _, sub) => {
    const checks = (value as Schema[]).map((s, i) => sub(s, `/${i}`));
    return (d) => checks.every((c) => c(d));
  },
  not: (value, _, sub) => {
    const check = sub(value as Schema, '');
    return (d) => !check(d);
  },
  enum: (value) => (d) => (value as unknown[]).some((v) => deepEqual(v, d)),
  const: (value) => (d) => deepEqual(value, d),
  uniqueItems: (value) => (d) => value !== true || !Array.isArray(d) || d.every((x, i) => d.findIndex((y) => deepEqual(x, y)) === i),
  minimum: (value) => (d) => typeof d !== 'number' || d >= (value as number),
  maximum: (value) => (d) => typeof d !== 'number' || d <= (value as number),
  minItems: (value) => (d) => !Array.isArray(d) || d.length >= (value as number),
  maxItems: (value) => (d) => !Array.isArray(d) || d.length <= (value as number),
  // ajv counts code points, not UTF-16 units
  minLength: (value) => (d) => typeof d !== 'string' || [...d].length >= (value as number),
  maxLength: (value) => (d) => typeof d !== 'string' || [...d].length <= (value as number),
  pattern: (value) => {
    const re = unicodeRegExp(String(value));
    return (d) => typeof d !== 'string' || re.test(d);
  },
};

function unsupported(what: string): never {
  throw new UnsupportedSchemaError(what, '');
}

/** Structural equality of JSON data (what ajv's enum, const and uniqueItems use). */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a !== a && b !== b; // NaN
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => deepEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
