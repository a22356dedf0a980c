/**
 * Block-style YAML of plain data, written directly as string joins: the layout both of beanstack's
 * YAML writers share, byte for byte what the `yaml` library writes with `indentSeq` and no line
 * width. Mappings and sequences in block style at two spaces a level, sequences indented under their
 * key, an empty collection written `[]` or `{}` on its key's line.
 *
 * What differs between the writers is a {@link YamlBlockStyle}: the order of keys and how a key or a
 * scalar is written — `beanstack config` (lib/util/yaml-text.ts: insertion order, plain scalars with
 * YAML 1.1 quoting) and the production compose file (lib/bundle/emit/serialize.ts: sorted keys, every
 * string double-quoted). A style throws {@link UNSUPPORTED} for what it does not write exactly as the
 * library does; the whole document then goes to the library, so the bytes never depend on the path.
 */

/** Thrown by a style (or the walk) to hand the whole document to the library. */
export const UNSUPPORTED = Symbol('unsupported');

/** Deeper than this is left to the library (which also reports cycles). */
const MAX_DEPTH = 64;

export interface YamlBlockStyle {
  /** Whether a value is a mapping written in block style (anything else but an array is a scalar). */
  readonly isMapping: (value: unknown) => value is Readonly<Record<string, unknown>>;
  /** The keys of a mapping, in the order they are written. */
  readonly keys: (mapping: Readonly<Record<string, unknown>>) => readonly string[];
  /** A key as written; `inner` is the indentation of its value's lines. */
  readonly key: (key: string, inner: string, topLevel: boolean) => string;
  /** A scalar as written; `inner` is the indentation of its continuation lines. */
  readonly scalar: (value: unknown, inner: string) => string;
}

/** The YAML of a collection (no trailing newline), or undefined when the style leaves it to the library. */
export function blockYaml(value: Readonly<Record<string, unknown>> | readonly unknown[], style: YamlBlockStyle): string | undefined {
  try {
    // an empty collection is `[]` or `{}`, as after a key
    return node(value, '', -1, false, style);
  } catch (e) {
    if (e === UNSUPPORTED) return undefined;
    throw e;
  }
}

/** A collection's entries joined by a newline and `indent` (the first is not indented: the caller places it). */
function block(value: Readonly<Record<string, unknown>> | readonly unknown[], indent: string, depth: number, style: YamlBlockStyle): string {
  if (depth > MAX_DEPTH) throw UNSUPPORTED;
  const inner = indent + '  ';
  const lines: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) lines.push('- ' + node(item, inner, depth, false, style));
  } else {
    const mapping = value as Readonly<Record<string, unknown>>;
    for (const key of style.keys(mapping)) lines.push(style.key(key, inner, indent === '') + ':' + node(mapping[key], inner, depth, true, style));
  }
  return lines.join('\n' + indent);
}

/**
 * One value. After a key (`afterKey`) a scalar or an empty collection follows on the same line after
 * a space, a non-empty collection on the next line at `indent`; after `- ` everything follows directly.
 */
function node(value: unknown, indent: string, depth: number, afterKey: boolean, style: YamlBlockStyle): string {
  if (Array.isArray(value) || style.isMapping(value)) {
    const empty = Array.isArray(value) ? value.length === 0 : style.keys(value).length === 0;
    if (empty) return (afterKey ? ' ' : '') + (Array.isArray(value) ? '[]' : '{}');
    return (afterKey ? '\n' + indent : '') + block(value, indent, depth + 1, style);
  }
  return (afterKey ? ' ' : '') + style.scalar(value, indent);
}

/**
 * Short escapes YAML has for characters JSON writes as `\u00XX` (JSON escapes no other character YAML
 * has a short escape for: U+0085, U+00A0, U+2028 and U+2029 stay as they are in both).
 */
const YAML_ESCAPES: Readonly<Record<string, string>> = { '0000': '\\0', '0007': '\\a', '000b': '\\v', '001b': '\\e' };

/**
 * A double-quoted scalar as the `yaml` package writes it without a line width: the JSON string with
 * YAML's escapes, a space before a line break escaped, and (outside keys, in strings of 40
 * characters or more) line breaks written as real line breaks continued at `indent`.
 */
export function doubleQuoted(value: string, indent: string, implicitKey: boolean): string {
  const json = JSON.stringify(value);
  let str = '';
  let start = 0;
  for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
    if (ch === ' ' && json[i + 1] === '\\' && json[i + 2] === 'n') {
      // a space before a line break is escaped, or folding would eat it
      str += json.slice(start, i) + '\\ ';
      i += 1;
      start = i;
      ch = '\\';
    }
    if (ch !== '\\') continue;
    const next = json[i + 1];
    if (next === 'u') {
      str += json.slice(start, i);
      const code = json.substr(i + 2, 4);
      str += YAML_ESCAPES[code] ?? (code.substr(0, 2) === '00' ? `\\x${code.substr(2)}` : json.substr(i, 6));
      i += 5;
      start = i + 1;
    } else if (next === 'n' && !(implicitKey || json[i + 2] === '"' || json.length < 40)) {
      str += json.slice(start, i) + '\n\n';
      while (json[i + 2] === '\\' && json[i + 3] === 'n' && json[i + 4] !== '"') {
        str += '\n';
        i += 2;
      }
      str += indent;
      // a space after the line break is escaped, or folding would eat it
      if (json[i + 2] === ' ') str += '\\';
      i += 1;
      start = i + 1;
    } else {
      i += 1;
    }
  }
  return start ? str + json.slice(start) : json;
}
