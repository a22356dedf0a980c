/**
 * Variable interpolation (12-interpolation.md), applied to the values of one file before merging.
 *
 * Supported: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`,
 * `${VAR:+replacement}`, `${VAR+replacement}`, nesting inside the default / error / replacement
 * (`${A:-${B:-x}}`), and `$$` for a literal `$`. A `$` not followed by a name, `{` or `$` is kept as
 * written. Defaults are expanded lazily, like a shell: `${A:-${B:?}}` only fails when `A` is unset.
 * Keys are never interpolated.
 *
 * After interpolation, strings at the attributes Docker Compose casts (booleans such as `read_only`,
 * integers such as `healthcheck.retries`, floats such as `cpus`) are converted to that type, so
 * `read_only: ${RO}` loads as a boolean.
 */
import { ComposeError, Diagnostic, SourceLocation } from '../errors';
import { humanPath } from './pointer';
import { MapEntry, Node, ScalarNode, mapNode, replacedScalar, seqNode } from './node';
import { CPUS_SYNTAX } from './units';

/** Looks a variable up; `undefined` means unset (an empty string is set). */
export type Lookup = (name: string) => string | undefined;

/** Why `substitute` failed. */
export class InterpolationFailure extends Error {
  constructor(
    readonly kind: 'syntax' | 'required',
    message: string,
    /** For `required`: the variable. */
    readonly variable?: string,
    /** Index in the template of the `$` that failed. */
    readonly index?: number,
  ) {
    super(message);
    this.name = 'InterpolationFailure';
  }
}

export interface SubstituteResult {
  readonly value: string;
  /** Variables that were used without a default and are unset (each once, in order of use). */
  readonly unset: readonly string[];
  /** Index in the template of the first use of each unset variable. */
  readonly unsetAt: Readonly<Record<string, number>>;
}

const SUPPORTED_FORMS = '`${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `${VAR:+replacement}` or `${VAR+replacement}`';

/**
 * Interpolates one string. Throws `InterpolationFailure` for a malformed `${` or a required
 * variable that is missing.
 */
export function substitute(template: string, lookup: Lookup): SubstituteResult {
  const unset: Unset = { names: [], at: {} };
  const value = expand(template, 0, template.length, lookup, unset);
  return { value, unset: unset.names, unsetAt: unset.at };
}

function isNameStart(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z_]/.test(c);
}

function isNameChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_]/.test(c);
}

interface Unset {
  readonly names: string[];
  readonly at: Record<string, number>;
}

function expand(s: string, start: number, end: number, lookup: Lookup, unset: Unset): string {
  let out = '';
  let i = start;
  while (i < end) {
    const dollar = s.indexOf('$', i);
    if (dollar < 0 || dollar >= end) {
      out += s.slice(i, end);
      break;
    }
    out += s.slice(i, dollar);
    const next = s[dollar + 1];
    if (dollar + 1 < end && next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (dollar + 1 < end && next === '{') {
      const close = closingBrace(s, dollar + 2, end);
      if (close < 0) {
        throw new InterpolationFailure('syntax', `invalid interpolation \`${s.slice(dollar, end)}\`: missing closing \`}\``, undefined, dollar);
      }
      out += braced(s, dollar + 2, close, lookup, unset, dollar);
      i = close + 1;
    } else if (dollar + 1 < end && isNameStart(next)) {
      let j = dollar + 2;
      while (j < end && isNameChar(s[j])) j++;
      out += plain(s.slice(dollar + 1, j), lookup, unset, dollar);
      i = j;
    } else {
      out += '$';
      i = dollar + 1;
    }
  }
  return out;
}

/**
 * Index of the `}` closing a `${` whose content starts at `from`, or -1. As in Docker Compose v2
 * (compose-go's template), a `{` inside the expression opens a level too, so a default may hold
 * braces: `${JSON:-{"a":1}}` is one expression. When the braces do not balance that way, the first
 * `}` not closing a nested `${` closes it (`${X:-a{b}` has the default `a{b`).
 */
function closingBrace(s: string, from: number, end: number): number {
  const scan = (plainBraces: boolean): number => {
    let depth = 1;
    for (let k = from; k < end; k++) {
      const c = s[k];
      if (c === '$' && s[k + 1] === '$') {
        k++;
      } else if (c === '$' && s[k + 1] === '{') {
        depth++;
        k++;
      } else if (c === '{' && plainBraces) {
        depth++;
      } else if (c === '}') {
        depth--;
        if (depth === 0) return k;
      }
    }
    return -1;
  };
  const balanced = scan(true);
  return balanced >= 0 ? balanced : scan(false);
}

function plain(name: string, lookup: Lookup, unset: Unset, index: number): string {
  const v = lookup(name);
  if (v === undefined) {
    if (!unset.names.includes(name)) {
      unset.names.push(name);
      unset.at[name] = index;
    }
    return '';
  }
  return v;
}

function braced(s: string, a: number, b: number, lookup: Lookup, unset: Unset, index: number): string {
  const whole = '${' + s.slice(a, b) + '}';
  if (!isNameStart(s[a])) {
    throw new InterpolationFailure('syntax', `invalid interpolation \`${whole}\`: expected a variable name after \`\${\` (letters, digits and \`_\`, not starting with a digit)`, undefined, index);
  }
  let k = a + 1;
  while (k < b && isNameChar(s[k])) k++;
  const name = s.slice(a, k);
  if (k === b) return plain(name, lookup, unset, index);

  let op: string;
  if (s[k] === ':' && (s[k + 1] === '-' || s[k + 1] === '?' || s[k + 1] === '+') && k + 1 < b) op = s.slice(k, k + 2);
  else if (s[k] === '-' || s[k] === '?' || s[k] === '+') op = s[k];
  else {
    throw new InterpolationFailure('syntax', `invalid interpolation \`${whole}\`: Compose supports only ${SUPPORTED_FORMS}`, undefined, index);
  }
  const wordStart = k + op.length;
  const word = () => expand(s, wordStart, b, lookup, unset);
  const v = lookup(name);
  const emptyOrUnset = v === undefined || v === '';
  switch (op) {
    case ':-':
      return emptyOrUnset ? word() : v!;
    case '-':
      return v === undefined ? word() : v;
    case ':+':
      return emptyOrUnset ? '' : word();
    case '+':
      return v === undefined ? '' : word();
    case ':?':
    case '?': {
      const missing = op === ':?' ? emptyOrUnset : v === undefined;
      if (!missing) return v!;
      const message = word();
      throw new InterpolationFailure(
        'required',
        `required variable \`${name}\` is ${v === undefined ? 'not set' : 'empty'}${message ? `: ${message}` : ''}`,
        name,
        index,
      );
    }
    default:
      throw new InterpolationFailure('syntax', `invalid interpolation \`${whole}\``, undefined, index);
  }
}

type Cast = 'int' | 'float' | 'bool';

/** Attributes Docker Compose converts after interpolation (compose-go's cast table, minus sizes, durations and file modes). */
const CASTS: ReadonlyArray<[readonly string[], Cast]> = [
  [['services', '*', 'cpu_count'], 'int'],
  [['services', '*', 'cpu_percent'], 'int'],
  [['services', '*', 'cpu_period'], 'int'],
  [['services', '*', 'cpu_quota'], 'int'],
  [['services', '*', 'cpu_rt_period'], 'int'],
  [['services', '*', 'cpu_rt_runtime'], 'int'],
  [['services', '*', 'cpu_shares'], 'int'],
  [['services', '*', 'cpus'], 'float'],
  [['services', '*', 'init'], 'bool'],
  [['services', '*', 'deploy', 'replicas'], 'int'],
  [['services', '*', 'deploy', 'update_config', 'parallelism'], 'int'],
  [['services', '*', 'deploy', 'update_config', 'max_failure_ratio'], 'float'],
  [['services', '*', 'deploy', 'rollback_config', 'parallelism'], 'int'],
  [['services', '*', 'deploy', 'rollback_config', 'max_failure_ratio'], 'float'],
  [['services', '*', 'deploy', 'restart_policy', 'max_attempts'], 'int'],
  [['services', '*', 'deploy', 'placement', 'max_replicas_per_node'], 'int'],
  [['services', '*', 'deploy', 'resources', 'limits', 'cpus'], 'float'],
  [['services', '*', 'deploy', 'resources', 'reservations', 'cpus'], 'float'],
  [['services', '*', 'deploy', 'resources', 'limits', 'pids'], 'int'],
  [['services', '*', 'healthcheck', 'retries'], 'int'],
  [['services', '*', 'healthcheck', 'disable'], 'bool'],
  [['services', '*', 'oom_kill_disable'], 'bool'],
  [['services', '*', 'oom_score_adj'], 'int'],
  [['services', '*', 'pids_limit'], 'int'],
  [['services', '*', 'ports', '[]', 'target'], 'int'],
  [['services', '*', 'privileged'], 'bool'],
  [['services', '*', 'read_only'], 'bool'],
  [['services', '*', 'scale'], 'int'],
  [['services', '*', 'stdin_open'], 'bool'],
  [['services', '*', 'tty'], 'bool'],
  [['services', '*', 'ulimits', '*'], 'int'],
  [['services', '*', 'ulimits', '*', 'hard'], 'int'],
  [['services', '*', 'ulimits', '*', 'soft'], 'int'],
  [['services', '*', 'volumes', '[]', 'read_only'], 'bool'],
  [['services', '*', 'volumes', '[]', 'volume', 'nocopy'], 'bool'],
  [['services', '*', 'volumes', '[]', 'bind', 'create_host_path'], 'bool'],
  [['networks', '*', 'external'], 'bool'],
  [['networks', '*', 'internal'], 'bool'],
  [['networks', '*', 'attachable'], 'bool'],
  [['networks', '*', 'enable_ipv4'], 'bool'],
  [['networks', '*', 'enable_ipv6'], 'bool'],
  [['volumes', '*', 'external'], 'bool'],
  [['secrets', '*', 'external'], 'bool'],
  [['configs', '*', 'external'], 'bool'],
];

function castFor(path: readonly (string | number)[]): Cast | undefined {
  outer: for (const [pattern, cast] of CASTS) {
    if (pattern.length !== path.length) continue;
    for (let i = 0; i < pattern.length; i++) {
      const p = pattern[i];
      const s = path[i];
      if (p === '*') {
        if (typeof s !== 'string') continue outer;
      } else if (p === '[]') {
        if (typeof s !== 'number') continue outer;
      } else if (p !== s) continue outer;
    }
    return cast;
  }
  return undefined;
}

const CAST_TYPES: Readonly<Record<Cast, string>> = {
  int: 'an integer',
  float: 'a number',
  bool: 'a boolean (true or false)',
};

/** The fix of a value that cannot be cast: the syntax, with an example fitting the attribute. */
function castFix(path: readonly (string | number)[], cast: Cast): string {
  const key = String(path[path.length - 1]);
  if (cast === 'bool') return `write \`true\` or \`false\` (unquoted) for \`${key}\``;
  if (key === 'cpus') return `write ${CPUS_SYNTAX}`;
  if (cast === 'float') return `write a number such as \`0.5\` for \`${key}\``;
  return `write a whole number such as \`3\` for \`${key}\``;
}

/** Converts a string the way compose-go's casts do; `undefined` when it cannot. */
export function castValue(value: string, cast: Cast): number | boolean | undefined {
  const v = value.trim();
  if (cast === 'bool') {
    const lower = v.toLowerCase();
    if (['y', 'yes', 'true', 'on'].includes(lower)) return true;
    if (['n', 'no', 'false', 'off'].includes(lower)) return false;
    return undefined;
  }
  if (cast === 'int') return /^[+-]?\d+$/.test(v) ? Number(v) : undefined;
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v) ? Number(v) : undefined;
}

export interface InterpolationContext {
  readonly lookup: Lookup;
  /** Receives one `interpolation/unset-variable` warning per variable name. */
  readonly warnings: Diagnostic[];
  /** Variables already warned about (shared by every file of one load). */
  readonly warned: Set<string>;
  /** Where the variables come from, for the fix of a missing required variable. */
  readonly sourceHint?: string;
}

/** Interpolates every string value below `node` (`path` is where `node` sits in the file). */
export function interpolateNode(node: Node, path: readonly (string | number)[], ctx: InterpolationContext): Node {
  // the value under `!reset` is ignored (13-merge.md); it is neither interpolated nor cast
  if (node.tag === 'reset') return node;
  if (node.kind === 'map') {
    const entries = new Map<string, MapEntry>();
    let changed = false;
    for (const [key, entry] of node.entries) {
      const value = interpolateNode(entry.value, [...path, key], ctx);
      if (value !== entry.value) changed = true;
      entries.set(key, value === entry.value ? entry : { keyLoc: entry.keyLoc, value });
    }
    return changed ? mapNode(entries, node.loc, node.tag) : node;
  }
  if (node.kind === 'seq') {
    let changed = false;
    const items = node.items.map((item, i) => {
      const value = interpolateNode(item, [...path, i], ctx);
      if (value !== item) changed = true;
      return value;
    });
    return changed ? seqNode(items, node.loc, node.tag) : node;
  }
  if (typeof node.value !== 'string') return node;
  let value: string | number | boolean = node.value;
  if (value.includes('$')) value = interpolateString(value, node, path, ctx);
  const cast = castFor(path);
  if (cast) {
    const converted = castValue(value, cast);
    if (converted === undefined) {
      throw new ComposeError(`\`${humanPath(path)}\` must be ${CAST_TYPES[cast]}, not \`${value}\``, {
        code: 'compose/invalid-value',
        location: node.loc,
        fix: castFix(path, cast),
      });
    }
    value = converted;
  }
  return replacedScalar(node, value);
}

function interpolateString(
  template: string,
  node: ScalarNode,
  path: readonly (string | number)[],
  ctx: InterpolationContext,
): string {
  // the position of a character of the value, when the scalar maps one-to-one onto one line
  const at = (index: number | undefined): SourceLocation =>
    index !== undefined && node.textColumn !== undefined ? { ...node.loc, column: node.textColumn + index } : node.loc;
  let result: SubstituteResult;
  try {
    result = substitute(template, ctx.lookup);
  } catch (e) {
    if (!(e instanceof InterpolationFailure)) throw e;
    if (e.kind === 'required') {
      throw new ComposeError(`${e.message} (in \`${humanPath(path)}\`)`, {
        code: 'compose/interpolation-required',
        location: at(e.index),
        fix: `set ${e.variable} in the environment${ctx.sourceHint ? ` or in ${ctx.sourceHint}` : ''}`,
      });
    }
    throw new ComposeError(`${e.message} (in \`${humanPath(path)}\`)`, {
      code: 'compose/interpolation-syntax',
      location: at(e.index),
      fix: 'write `$$` for a literal dollar sign, or use one of the supported forms: ' + SUPPORTED_FORMS,
    });
  }
  for (const name of result.unset) {
    if (ctx.warned.has(name)) continue;
    ctx.warned.add(name);
    ctx.warnings.push({
      code: 'interpolation/unset-variable',
      message: `variable \`${name}\` is not set; substituting an empty string (set it in the environment${ctx.sourceHint ? ` or in ${ctx.sourceHint}` : ''}, or write \`\${${name}:-default}\`)`,
      path: humanPath(path),
      location: at(result.unsetAt[name]),
      ...(path[0] === 'services' && typeof path[1] === 'string' ? { service: path[1] } : {}),
    });
  }
  return result.value;
}
