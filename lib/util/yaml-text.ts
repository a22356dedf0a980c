/**
 * YAML text of plain data, for `beanstack config`: byte for byte what the `yaml` library writes with
 * {@link YAML_TEXT_OPTIONS} (block style, no line folding, YAML 1.1 quoting so docker-compose 1.x
 * reads the same values, sequences indented under their key), written directly.
 *
 * Why not call the library: its stringifier builds a document of nodes and walks it through several
 * layers of context objects; on a cold start that is a tenth of a `beanstack config` run
 * (bench/startup.js). The text here is a few string joins.
 *
 * The direct path covers what compose documents hold: mappings, sequences, null, booleans, safe
 * integers and one-line strings — plain where YAML 1.1 reads them back as the same string, quoted
 * the way the library quotes them otherwise. Anything else (a multi-line string, a float, a very
 * long key, a non-plain object) is handed to the library for the whole document, so the output never depends on which path wrote it.
 * test/util/yaml-text.test.ts holds both paths to the same bytes, on generated data and on every
 * fixture.
 */
import { stringify } from 'yaml';
import { blockYaml, doubleQuoted, UNSUPPORTED, YamlBlockStyle } from './yaml-block';

/** The library options this module reproduces. */
export const YAML_TEXT_OPTIONS = { lineWidth: 0, version: '1.1', indentSeq: true, aliasDuplicateObjects: false } as const;

/** YAML text of `data` (a document ending in a newline), identical to `stringify(data, YAML_TEXT_OPTIONS)`. */
export function yamlText(data: unknown): string {
  return directYamlText(data) ?? stringify(data, YAML_TEXT_OPTIONS);
}

/** The direct path alone: the text, or undefined when `data` holds something it leaves to the library. */
export function directYamlText(data: unknown): string | undefined {
  if (!isPlainObject(data) || Object.keys(data).length === 0) return undefined;
  const text = blockYaml(data, CONFIG_STYLE);
  return text === undefined ? undefined : text + '\n';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Insertion order; plain scalars where YAML 1.1 reads them back as the same string. */
const CONFIG_STYLE: YamlBlockStyle = {
  isMapping: isPlainObject,
  keys: (mapping) => {
    const keys = Object.keys(mapping);
    if (keys.some((k) => mapping[k] === undefined)) throw UNSUPPORTED;
    return keys;
  },
  key: (key, _inner, topLevel) => string(key, topLevel ? 'top-level key' : 'key'),
  scalar: (value) => scalar(value),
};

function scalar(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number' && Number.isSafeInteger(v) && !Object.is(v, -0)) return String(v);
  if (typeof v === 'string') return string(v, 'value');
  throw UNSUPPORTED;
}

/** C0 controls but tab and newline, DEL, C1 controls and lone surrogates: these force double quotes. */
const NEEDS_ESCAPES = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;

/**
 * What YAML does not allow in a one-line plain scalar: an indicator first, `-`/`?` alone or followed
 * by a blank, `: `, ` #`, or a blank or `:` last.
 */
const NOT_PLAIN = /^[\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][\t ]|:[\t ]|[\t ]#|[\t :]$/;

/**
 * A document marker at the start of a line (a JavaScript line: after U+2028 or U+2029 too, as the
 * library tests it): a top-level key with one is quoted.
 */
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;

/** Longest key written here (the library writes keys over 1,024 characters as explicit `? ` keys). */
const MAX_KEY_LENGTH = 1000;

function string(value: string, place: 'top-level key' | 'key' | 'value'): string {
  if (value.includes('\n') || (place !== 'value' && value.length > MAX_KEY_LENGTH)) throw UNSUPPORTED;
  if (NEEDS_ESCAPES.test(value)) return doubleQuoted(value, '', true);
  if (NOT_PLAIN.test(value)) return quoted(value);
  if (place === 'top-level key' && DOCUMENT_MARKER.test(value)) return quoted(value);
  // the library writes `<<` as YAML 1.1's merge key, plain, wherever it is
  if (value === MERGE_KEY) return value;
  return readsAsOtherType(value) ? quoted(value) : value;
}

const MERGE_KEY = '<<';

/** Single quotes when the text has double quotes but no single quote, double quotes otherwise. */
function quoted(value: string): string {
  return value.includes('"') && !value.includes("'") ? `'${value}'` : doubleQuoted(value, '', true);
}

/**
 * What a YAML 1.1 reader takes a plain scalar for, when not a string: null, the booleans (`yes`,
 * `off`, …), integers (binary, octal, decimal, hex, sexagesimal), floats, timestamps and the merge
 * key — the tests of the `yaml` library's YAML 1.1 schema, in its order. test/util/yaml-text.test.ts
 * checks that they are the library's, so the two paths cannot disagree.
 */
export const YAML_11_OTHER_TYPES: readonly RegExp[] = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
  /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
  /^[-+]?0b[0-1_]+$/,
  /^[-+]?0[0-7_]+$/,
  /^[-+]?[0-9][0-9_]*$/,
  /^[-+]?0x[0-9a-fA-F_]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
  /^<<$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
  /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:t|T|[ \t]+)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\.[0-9]+)?)(?:[ \t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$/,
];

function readsAsOtherType(value: string): boolean {
  return YAML_11_OTHER_TYPES.some((re) => re.test(value));
}
