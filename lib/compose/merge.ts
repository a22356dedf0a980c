/**
 * Merging compose files (13-merge.md) and service definitions (`extends`), like Docker Compose v2.
 *
 * - Mappings merge recursively; sequences append; scalars are replaced; a `null` in the override
 *   keeps the base value (use `!reset` to remove one).
 * - `command`, `entrypoint` and `healthcheck.test` are replaced, not appended.
 * - Key/value attributes (`environment`, `labels`, `annotations`, `sysctls`, `build.args`,
 *   `build.labels`, `build.additional_contexts`, `deploy.labels`, resource `labels`) merge by key,
 *   whether written as a mapping or as a `KEY=VALUE` list; when the two sides must be combined and
 *   one is a list, the result is the mapping form (`KEY` alone becomes `KEY: null`).
 * - `depends_on`, `networks` and `models` of a service merge as mappings (the list form becomes a
 *   mapping; `depends_on` entries get `condition: service_started, required: true`).
 * - `extra_hosts` merges by host, keeping every distinct address.
 * - `build` as a string is the mapping `{context: …}` when merged with a mapping.
 * - `logging` merges when both sides use the same driver (or one names none), else is replaced.
 * - `ulimits.<name>` is replaced.
 * - `dns`, `dns_opt`, `dns_search`, `tmpfs`, `env_file`, `label_file` given as one string are the
 *   one-item list.
 * - Unique sequences keep one entry per key, the later one in the place of the first (see
 *   `enforceUnicity`): `volumes` by target, `secrets`/`configs` by target, `ports` by
 *   {host ip, published, target, protocol}, `expose`, `cap_add`, `dns`, … by value.
 * - `!reset` removes the value; `!override` replaces it without merging.
 */
import { ComposeError } from '../errors';
import { humanPath } from './pointer';
import {
  MapEntry,
  MapNode,
  Node,
  describeKind,
  getEntry,
  mapNode,
  scalarNode,
  seqNode,
  stringValue,
  stripTags,
} from './node';

type Path = readonly (string | number)[];

export interface MergeOptions {
  /**
   * Keep `!reset` / `!override` tags in the result (for `extends`, whose result is merged into the
   * earlier files afterwards, where the tags apply again). @default false
   */
  readonly keepTags?: boolean;
}

/**
 * Merges `over` into `base` at `path` (segments from the top of the document). Returns `undefined`
 * when the value is removed (`!reset`). Inputs are not modified.
 */
export function mergeNodes(base: Node | undefined, over: Node, path: Path, options: MergeOptions = {}): Node | undefined {
  const keepTags = options.keepTags ?? false;
  if (over.tag === 'reset') return keepTags ? over : undefined;
  if (over.tag === 'override' || base === undefined) return keepTags ? over : stripTags(over);

  const special = findRule(SPECIAL_RULES, path);
  // an empty base takes the override; an empty override keeps the base (except where Compose replaces)
  if (base.kind === 'scalar' && base.value === null) return keepTags ? over : stripTags(over);
  if (over.kind === 'scalar' && over.value === null && special !== replace) return base;
  if (special) return special(base, over, path, keepTags);
  if (base.kind === 'map') {
    if (over.kind !== 'map') throw typeConflict(base, over, path);
    return mergeMappings(base, over, path, keepTags);
  }
  if (base.kind === 'seq') {
    if (over.kind !== 'seq') throw typeConflict(base, over, path);
    return appendSequences(base, over);
  }
  return keepTags ? over : stripTags(over);
}

/**
 * Merges one file's top-level mapping into the files before it, consuming the merge tags, and
 * enforces the unique sequences.
 */
export function mergeDocuments(base: MapNode | undefined, over: MapNode): MapNode {
  const merged = mergeNodes(base, over, []) as MapNode | undefined;
  return enforceUnicity(merged ?? mapNode(new Map(), over.loc), []) as MapNode;
}

function mergeMappings(base: MapNode, over: MapNode, path: Path, keepTags: boolean): MapNode {
  const entries = new Map<string, MapEntry>(base.entries);
  for (const [key, entry] of over.entries) {
    const previous = entries.get(key);
    const merged = mergeNodes(previous?.value, entry.value, [...path, key], { keepTags });
    if (merged === undefined) entries.delete(key);
    else entries.set(key, { keyLoc: merged === previous?.value ? previous.keyLoc : entry.keyLoc, value: merged });
  }
  return mapNode(entries, base.loc);
}

function appendSequences(base: Node, over: Node): Node {
  const baseItems = base.kind === 'seq' ? base.items : [base];
  const overItems = over.kind === 'seq' ? (stripTags(over) as { items: readonly Node[] }).items : [stripTags(over)];
  return seqNode([...baseItems, ...overItems], base.loc);
}

function typeConflict(base: Node, over: Node, path: Path): ComposeError {
  return new ComposeError(
    `cannot merge \`${humanPath(path)}\`: ${describeKind(over)} here, but ${describeKind(base)} at ${base.loc.file}:${base.loc.line}:${base.loc.column}`,
    {
      code: 'compose/merge-type-conflict',
      location: over.loc,
      fix: 'write the attribute in the same form in both files, or tag this value `!override` to replace the earlier one',
      details: [{ message: `the earlier value of \`${humanPath(path)}\``, location: base.loc }],
    },
  );
}

type Rule = (base: Node, over: Node, path: Path, keepTags: boolean) => Node | undefined;

function matches(pattern: readonly string[], path: Path): boolean {
  if (pattern.length !== path.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    const s = path[i];
    if (p === '*') {
      if (typeof s !== 'string') return false;
    } else if (p === '[]') {
      if (typeof s !== 'number') return false;
    } else if (p !== s) return false;
  }
  return true;
}

function findRule<T>(rules: ReadonlyArray<[readonly string[], T]>, path: Path): T | undefined {
  for (const [pattern, rule] of rules) if (matches(pattern, path)) return rule;
  return undefined;
}

const replace: Rule = (_base, over, _path, keepTags) => (keepTags ? over : stripTags(over));

/** Merges two key/value attributes (mapping or `KEY=VALUE` list) by key; a value given later wins, `null` included. */
const mergeKeyValue: Rule = (base, over, path, keepTags) => {
  if (base.kind === 'seq' && over.kind === 'seq') return appendSequences(base, over);
  const b = toKeyValueMapping(base, '=');
  const o = toKeyValueMapping(over, '=');
  if (!b || !o) throw typeConflict(base, over, path);
  const entries = new Map<string, MapEntry>(b.entries);
  for (const [key, entry] of o.entries) {
    if (entry.value.tag === 'reset') {
      if (keepTags) entries.set(key, entry);
      else entries.delete(key);
      continue;
    }
    entries.set(key, { keyLoc: entry.keyLoc, value: keepTags ? entry.value : stripTags(entry.value) });
  }
  return mapNode(entries, base.loc);
};

/**
 * The mapping form of a key/value attribute: mappings as they are, `KEY=VALUE` list items as
 * `KEY: VALUE`, a bare `KEY` as `KEY: null`. `undefined` for anything else.
 */
export function toKeyValueMapping(node: Node, separator: '=' | 'host'): MapNode | undefined {
  if (node.kind === 'map') return node;
  if (node.kind !== 'seq') return undefined;
  const entries = new Map<string, MapEntry>();
  for (const item of node.items) {
    if (item.kind !== 'scalar' || item.value === null) continue;
    const s = String(item.value);
    const [key, value] = separator === 'host' ? splitHost(s) : splitKeyValue(s);
    entries.delete(key);
    entries.set(key, { keyLoc: item.loc, value: scalarNode(value, item.loc) });
  }
  return mapNode(entries, node.loc, node.tag);
}

function splitKeyValue(s: string): [string, string | null] {
  const eq = s.indexOf('=');
  return eq < 0 ? [s, null] : [s.slice(0, eq), s.slice(eq + 1)];
}

/** `host=ip` or `host:ip` (the first `:`, so `host:::1` is an IPv6 address). */
function splitHost(s: string): [string, string | null] {
  const eq = s.indexOf('=');
  if (eq >= 0) return [s.slice(0, eq), s.slice(eq + 1)];
  const colon = s.indexOf(':');
  return colon < 0 ? [s, null] : [s.slice(0, colon), s.slice(colon + 1)];
}

/** Merges `extra_hosts` by host, keeping every distinct address (base addresses first). */
const mergeExtraHosts: Rule = (base, over, path, keepTags) => {
  const b = toKeyValueMapping(base, 'host');
  const o = toKeyValueMapping(over, 'host');
  if (!b || !o) throw typeConflict(base, over, path);
  const entries = new Map<string, MapEntry>(b.entries);
  for (const [host, entry] of o.entries) {
    if (entry.value.tag === 'reset') {
      if (keepTags) entries.set(host, entry);
      else entries.delete(host);
      continue;
    }
    const previous = entries.get(host);
    if (!previous || entry.value.tag === 'override') {
      entries.set(host, { keyLoc: entry.keyLoc, value: keepTags ? entry.value : stripTags(entry.value) });
      continue;
    }
    const addresses: Node[] = [];
    const seen = new Set<string>();
    for (const n of [previous.value, stripTags(entry.value)]) {
      for (const a of n.kind === 'seq' ? n.items : [n]) {
        if (a.kind !== 'scalar' || a.value === null) continue;
        const key = String(a.value);
        if (seen.has(key)) continue;
        seen.add(key);
        addresses.push(a);
      }
    }
    const value = addresses.length === 1 ? addresses[0] : seqNode(addresses, previous.value.loc);
    entries.set(host, { keyLoc: previous.keyLoc, value });
  }
  return mapNode(entries, base.loc);
};

/** A list of names as a mapping: `[a, b]` → `{a: <entry>, b: <entry>}`. */
function namesToMapping(node: Node, entryFor: (item: Node) => Node): MapNode | undefined {
  if (node.kind === 'map') return node;
  if (node.kind !== 'seq') return undefined;
  const entries = new Map<string, MapEntry>();
  for (const item of node.items) {
    const name = stringValue(item);
    if (name === undefined) continue;
    entries.set(name, { keyLoc: item.loc, value: entryFor(item) });
  }
  return mapNode(entries, node.loc, node.tag);
}

function mergeAsMappings(entryFor: (item: Node) => Node): Rule {
  return (base, over, path, keepTags) => {
    const b = namesToMapping(base, entryFor);
    const o = namesToMapping(over, entryFor);
    if (!b || !o) throw typeConflict(base, over, path);
    return mergeMappings(b, o, path, keepTags);
  };
}

const dependsOnEntry = (item: Node): Node =>
  mapNode(
    new Map<string, MapEntry>([
      ['condition', { keyLoc: item.loc, value: scalarNode('service_started', item.loc) }],
      ['required', { keyLoc: item.loc, value: scalarNode(true, item.loc) }],
    ]),
    item.loc,
  );
const nullEntry = (item: Node): Node => scalarNode(null, item.loc);

const mergeBuild: Rule = (base, over, path, keepTags) => {
  const asMapping = (n: Node): MapNode | undefined =>
    n.kind === 'map'
      ? n
      : n.kind === 'scalar' && typeof n.value === 'string'
        ? mapNode(new Map([['context', { keyLoc: n.loc, value: scalarNode(n.value, n.loc) }]]), n.loc, n.tag)
        : undefined;
  const b = asMapping(base);
  const o = asMapping(over);
  if (!b || !o) throw typeConflict(base, over, path);
  return mergeMappings(b, o, path, keepTags);
};

const mergeLogging: Rule = (base, over, path, keepTags) => {
  if (base.kind !== 'map' || over.kind !== 'map') throw typeConflict(base, over, path);
  const d1 = getEntry(base, 'driver');
  const d2 = getEntry(over, 'driver');
  if (d1 && d2 && stringValue(d1) !== stringValue(d2)) return keepTags ? over : stripTags(over);
  return mergeMappings(base, over, path, keepTags);
};

/** Appends, treating a single string as a one-item list. */
const mergeStringOrList: Rule = (base, over) => appendSequences(base, over);

/** `networks.*.ipam.config`: entries merge by `subnet`. */
const mergeIpamConfig: Rule = (base, over, path, keepTags) => {
  if (base.kind !== 'seq' || over.kind !== 'seq') throw typeConflict(base, over, path);
  const items = [...base.items];
  const overItems = (stripTags(over) as { items: readonly Node[] }).items;
  for (const item of overItems) {
    const subnet = stringValue(getEntry(item, 'subnet'));
    const i = subnet === undefined ? -1 : items.findIndex((x) => stringValue(getEntry(x, 'subnet')) === subnet);
    if (i < 0) items.push(item);
    else items[i] = mergeNodes(items[i], item, [...path, i], { keepTags }) ?? items[i];
  }
  return seqNode(items, base.loc);
};

const KEY_VALUE_PATHS: readonly (readonly string[])[] = [
  ['services', '*', 'annotations'],
  ['services', '*', 'build', 'args'],
  ['services', '*', 'build', 'labels'],
  ['services', '*', 'build', 'additional_contexts'],
  ['services', '*', 'deploy', 'labels'],
  ['services', '*', 'environment'],
  ['services', '*', 'labels'],
  ['services', '*', 'sysctls'],
  ['services', '*', 'volumes', '[]', 'volume', 'labels'],
  ['networks', '*', 'labels'],
  ['volumes', '*', 'labels'],
  ['secrets', '*', 'labels'],
  ['configs', '*', 'labels'],
];

const SPECIAL_RULES: ReadonlyArray<[readonly string[], Rule]> = [
  [['services', '*', 'command'], replace],
  [['services', '*', 'entrypoint'], replace],
  [['services', '*', 'healthcheck', 'test'], replace],
  [['services', '*', 'ulimits', '*'], replace],
  [['services', '*', 'build'], mergeBuild],
  [['services', '*', 'logging'], mergeLogging],
  [['services', '*', 'depends_on'], mergeAsMappings(dependsOnEntry)],
  [['services', '*', 'networks'], mergeAsMappings(nullEntry)],
  [['services', '*', 'models'], mergeAsMappings(nullEntry)],
  [['services', '*', 'extra_hosts'], mergeExtraHosts],
  [['services', '*', 'build', 'extra_hosts'], mergeExtraHosts],
  [['services', '*', 'dns'], mergeStringOrList],
  [['services', '*', 'dns_opt'], mergeStringOrList],
  [['services', '*', 'dns_search'], mergeStringOrList],
  [['services', '*', 'tmpfs'], mergeStringOrList],
  [['services', '*', 'env_file'], mergeStringOrList],
  [['services', '*', 'label_file'], mergeStringOrList],
  [['networks', '*', 'ipam', 'config'], mergeIpamConfig],
  ...KEY_VALUE_PATHS.map((p): [readonly string[], Rule] => [p, mergeKeyValue]),
];

type Indexer = (item: Node) => string | undefined;

const byValue: Indexer = (item) => (item.kind === 'scalar' && item.value !== null ? String(item.value) : undefined);
const byKey: Indexer = (item) => {
  const s = stringValue(item);
  return s === undefined ? undefined : s.split('=')[0];
};
const byTmpfsPath: Indexer = (item) => stringValue(item)?.split(':')[0];

/** The container path of a service volume (short or long syntax). */
export function volumeTarget(item: Node): string | undefined {
  if (item.kind === 'map') return stringValue(getEntry(item, 'target'));
  const s = stringValue(item);
  if (s === undefined) return undefined;
  const parts = s.split(':');
  return parts.length === 1 ? parts[0] : parts[1];
}

function mountTarget(defaultDir: string): Indexer {
  return (item) => {
    if (item.kind === 'map') {
      const target = stringValue(getEntry(item, 'target'));
      if (target !== undefined) return target.startsWith('/') ? target : `${defaultDir}/${target}`;
      const source = stringValue(getEntry(item, 'source'));
      return source === undefined ? undefined : `${defaultDir}/${source}`;
    }
    const s = stringValue(item);
    return s === undefined ? undefined : `${defaultDir}/${s}`;
  };
}

/** {host ip, published, target, protocol} of a port in any syntax, as one string. */
export function portKey(item: Node): string | undefined {
  if (item.kind === 'scalar' && typeof item.value === 'number') return `::${item.value}/tcp`;
  if (item.kind === 'map') {
    const target = getEntry(item, 'target');
    if (target?.kind !== 'scalar') return undefined;
    const ip = stringValue(getEntry(item, 'host_ip')) ?? '';
    const published = getEntry(item, 'published');
    const protocol = stringValue(getEntry(item, 'protocol')) ?? 'tcp';
    const pub = published?.kind === 'scalar' && published.value !== null ? String(published.value) : '';
    return `${ip === '0.0.0.0' ? '' : ip}:${pub}:${String(target.value)}/${protocol}`;
  }
  const s = stringValue(item);
  if (s === undefined) return undefined;
  let rest = s;
  let protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    protocol = rest.slice(slash + 1);
    rest = rest.slice(0, slash);
  }
  let ip = '';
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close > 0) {
      ip = rest.slice(1, close);
      rest = rest.slice(close + 2);
    }
  }
  const parts = rest.split(':');
  let published = '';
  let target: string;
  if (parts.length === 1) target = parts[0];
  else if (parts.length === 2) [published, target] = parts;
  else {
    target = parts[parts.length - 1];
    published = parts[parts.length - 2];
    ip = parts.slice(0, -2).join(':');
  }
  return `${ip === '0.0.0.0' ? '' : ip}:${published}:${target}/${protocol}`;
}

const envFilePath: Indexer = (item) => (item.kind === 'map' ? stringValue(getEntry(item, 'path')) : stringValue(item));

const UNIQUE: ReadonlyArray<[readonly string[], Indexer]> = [
  [['services', '*', 'volumes'], volumeTarget],
  [['services', '*', 'devices'], (item) => (item.kind === 'map' ? stringValue(getEntry(item, 'target')) : volumeTarget(item))],
  [['services', '*', 'secrets'], mountTarget('/run/secrets')],
  [['services', '*', 'configs'], mountTarget('')],
  [['services', '*', 'ports'], portKey],
  [['services', '*', 'expose'], byValue],
  [['services', '*', 'env_file'], envFilePath],
  [['services', '*', 'label_file'], byValue],
  [['services', '*', 'tmpfs'], byTmpfsPath],
  ...[
    'cap_add',
    'cap_drop',
    'dns',
    'dns_opt',
    'dns_search',
    'links',
    'external_links',
    'profiles',
    'security_opt',
    'device_cgroup_rules',
    'group_add',
    'volumes_from',
  ].map((k): [readonly string[], Indexer] => [['services', '*', k], byValue]),
  [['services', '*', 'build', 'tags'], byValue],
  [['services', '*', 'build', 'platforms'], byValue],
  [['services', '*', 'build', 'cache_from'], byValue],
  [['services', '*', 'build', 'cache_to'], byValue],
  [['services', '*', 'deploy', 'placement', 'constraints'], byValue],
  [['services', '*', 'networks', '*', 'aliases'], byValue],
  [['services', '*', 'networks', '*', 'link_local_ips'], byValue],
  ...KEY_VALUE_PATHS.map((p): [readonly string[], Indexer] => [p, byKey]),
];

/** The top-level sections that hold unique sequences. */
const UNIQUE_SECTIONS: ReadonlySet<string> = new Set(['services', 'networks', 'volumes', 'secrets', 'configs']);

/**
 * Keeps one entry per unique key in the unique sequences (13-merge.md "Unique resources" and the
 * sequences compose-go deduplicates): a later entry replaces the earlier one in its place.
 */
export function enforceUnicity(node: Node, path: Path): Node {
  if (node.kind === 'scalar') return node;
  if (node.kind === 'map') {
    // only the sections that hold unique sequences need walking
    if (path.length === 0 || (path.length < 7 && UNIQUE_SECTIONS.has(String(path[0])))) {
      // the entries are copied only once one of them changes (most mappings hold no duplicate)
      let entries: Map<string, MapEntry> | undefined;
      for (const [key, entry] of node.entries) {
        if (path.length === 0 && !UNIQUE_SECTIONS.has(key)) continue;
        const value = enforceUnicity(entry.value, [...path, key]);
        if (value === entry.value) continue;
        entries ??= new Map(node.entries);
        entries.set(key, { keyLoc: entry.keyLoc, value });
      }
      return entries ? mapNode(entries, node.loc, node.tag) : node;
    }
    return node;
  }
  const indexer = findRule(UNIQUE, path);
  let items = node.items;
  let changed = false;
  if (indexer) {
    const out: Node[] = [];
    const positions = new Map<string, number>();
    for (const item of items) {
      const key = indexer(item);
      if (key === undefined) {
        out.push(item);
        continue;
      }
      const at = positions.get(key);
      if (at === undefined) {
        positions.set(key, out.length);
        out.push(item);
      } else {
        out[at] = item;
        changed = true;
      }
    }
    items = out;
  }
  if (path.length < 6) {
    const walked = items.map((item, i) => enforceUnicity(item, [...path, i]));
    if (walked.some((w, i) => w !== items[i])) {
      items = walked;
      changed = true;
    }
  }
  return changed ? seqNode(items, node.loc, node.tag) : node;
}
