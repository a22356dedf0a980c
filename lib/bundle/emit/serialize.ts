/**
 * Deterministic rendering: the same value always gives the same bytes.
 *
 * JSON: object keys sorted (code-point order), 2-space indent, trailing newline; arrays keep their
 * order (the emitters sort them where order is free). YAML: keys sorted, every string double-quoted
 * (so YAML 1.1 readers such as docker-compose 1.29.2 never read `80:80` as a number or `no` as a
 * boolean), risky keys quoted, no line folding, trailing newline.
 *
 * The YAML is what the `yaml` package writes for that document (block style, `indentSeq`, no line
 * width); plain data is written directly, in one pass over it, without a sorted copy or the
 * package's document (which took most of a render). Anything the direct writer does not know
 * exactly as the package writes it (a key that would need other quotes, an `undefined`, a key longer
 * than an implicit key may be) is left to the package, so the bytes are the same either way.
 */
import { Document, isPair, isScalar, visit } from 'yaml';
import { byString } from '../../util/order';
import { sortDeep } from '../../util/sort-deep';

/** Stable JSON: sorted keys, 2-space indent, trailing newline. */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(sortDeep(value), null, 2)}\n`;
}

/** Keys a YAML 1.1 reader would not read back as the same string. */
const RISKY_KEY = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|<<|)$|^[-+.\d:?&*!|>'"%@`#,[\]{}]|[:#]\s|\s$|^\s/;

/** Keys the `yaml` package writes plain, as they are (no indicator, nothing another type would read). */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/;

/** Stable YAML with every string value double-quoted; `header` lines become a leading comment. */
export function renderYaml(value: unknown, header?: readonly string[]): string {
  const body = typeof value === 'object' && value !== null ? blockValue(value, '') : undefined;
  if (body === undefined) return renderYamlDocument(sortDeep(value), header);
  return header && header.length > 0 ? `${headerComment(header)}\n\n${body}\n` : `${body}\n`;
}

/** An array index (`0`, `17`): the keys an object lists first, in numeric order, whatever order they were added in. */
const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

/**
 * The keys of a mapping in the order `sortDeep`'s copy lists them: code-unit order, except that
 * array indexes come first in numeric order (JavaScript objects list their keys so), without the
 * keys whose value is `undefined`.
 */
function sortedKeys(record: Readonly<Record<string, unknown>>): string[] {
  const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort(byString);
  const indexes = keys.filter((k) => ARRAY_INDEX.test(k) && Number(k) < 4294967295);
  if (indexes.length === 0) return keys;
  const isIndex = new Set(indexes);
  return [...indexes.sort((a, b) => Number(a) - Number(b)), ...keys.filter((k) => !isIndex.has(k))];
}

/** The same YAML through the `yaml` package's document (the reference the direct writer follows). */
function renderYamlDocument(sorted: unknown, header?: readonly string[]): string {
  const doc = new Document(sorted);
  visit(doc, {
    Pair(_, pair) {
      if (isPair(pair) && isScalar(pair.key) && typeof pair.key.value === 'string') {
        pair.key.type = RISKY_KEY.test(pair.key.value) ? 'QUOTE_DOUBLE' : 'PLAIN';
      }
    },
    Scalar(key, node) {
      if (key !== 'key' && typeof node.value === 'string') node.type = 'QUOTE_DOUBLE';
    },
  });
  if (header && header.length > 0) doc.commentBefore = header.map((l) => ` ${l}`).join('\n');
  return doc.toString({ indent: 2, lineWidth: 0, minContentWidth: 0, indentSeq: true });
}

/** The document comment the package writes for `commentBefore` (`#` before each line). */
function headerComment(header: readonly string[]): string {
  const comment = header.map((l) => ` ${l}`).join('\n').replace(/^(?!$)(?: $)?/gm, '#');
  return /^\n+$/.test(comment) ? comment.substring(1) : comment;
}

/**
 * A value in block style, its first line unindented, the others at `indent` and deeper; `indent` is
 * the indentation of the collection that holds it plus two spaces. Undefined for what only the
 * package writes exactly.
 */
function blockValue(value: unknown, indent: string): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : Number.isNaN(value) ? '.nan' : value < 0 ? '-.inf' : '.inf';
  if (typeof value === 'string') return doubleQuoted(value, indent, false);
  const inner = indent + '  ';
  const lines: string[] = [];
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    for (const item of value) {
      const s = blockValue(item, inner);
      if (s === undefined) return undefined;
      lines.push(`- ${s}`);
    }
    return lines.join(`\n${indent}`);
  }
  if (typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  const keys = sortedKeys(record);
  if (keys.length === 0) return '{}';
  for (const k of keys) {
    const key = RISKY_KEY.test(k) ? doubleQuoted(k, inner, true) : PLAIN_KEY.test(k) ? k : undefined;
    if (key === undefined || key.length > 1024) return undefined;
    const v = record[k];
    const s = blockValue(v, inner);
    if (s === undefined) return undefined;
    const nested = typeof v === 'object' && v !== null && s !== '[]' && s !== '{}';
    lines.push(nested ? `${key}:\n${inner}${s}` : `${key}: ${s}`);
  }
  return lines.join(`\n${indent}`);
}

/** Short escapes YAML has for characters JSON writes as `\u00XX`. */
const YAML_ESCAPES: Readonly<Record<string, string>> = { '0000': '\\0', '0007': '\\a', '000b': '\\v', '001b': '\\e', '0085': '\\N', '00a0': '\\_', '2028': '\\L', '2029': '\\P' };

/**
 * A double-quoted scalar as the `yaml` package writes it without a line width: the JSON string with
 * YAML's escapes, a space before a line break escaped, and (outside keys, in strings of 40
 * characters or more) line breaks written as real line breaks continued at `indent`.
 */
function doubleQuoted(value: string, indent: string, implicitKey: boolean): string {
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
