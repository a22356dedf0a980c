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
import { blockYaml, doubleQuoted, UNSUPPORTED, YamlBlockStyle } from '../../util/yaml-block';

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
  const body = typeof value === 'object' && value !== null ? blockYaml(value as Readonly<Record<string, unknown>>, COMPOSE_STYLE) : undefined;
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

/** Sorted keys; every string double-quoted, keys where YAML 1.1 would read another type. */
const COMPOSE_STYLE: YamlBlockStyle = {
  isMapping: (value): value is Readonly<Record<string, unknown>> => typeof value === 'object' && value !== null,
  keys: sortedKeys,
  key: (key, inner) => {
    const written = RISKY_KEY.test(key) ? doubleQuoted(key, inner, true) : PLAIN_KEY.test(key) ? key : undefined;
    if (written === undefined || written.length > 1024) throw UNSUPPORTED;
    return written;
  },
  scalar: (value, inner) => {
    if (value === null) return 'null';
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : Number.isNaN(value) ? '.nan' : value < 0 ? '-.inf' : '.inf';
    if (typeof value === 'string') return doubleQuoted(value, inner, false);
    throw UNSUPPORTED;
  },
};
