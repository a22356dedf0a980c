/**
 * Makes the relative paths of one file absolute, the way Docker Compose v2 (compose-go `paths`)
 * does, before files are merged (after a merge the file a value came from is lost).
 *
 * Resolved against `baseDir`: the project directory for the files given with `-f` (Compose
 * resolves every path of every `-f` file against the project directory), the directory of the
 * extended file for a service taken from `extends.file`, and the `project_directory` of an
 * `include` entry for the files it includes. `~` and `~/…` expand to the home directory.
 *
 * Paths: `build` (string or `context`), `build.additional_contexts`, `env_file`, `label_file`,
 * `extends.file`, `develop.watch[].path`, bind sources of `volumes` (short `./src:/app:ro` and
 * long `type: bind`), top-level `secrets.*.file` / `configs.*.file`, and the `device` of a local
 * volume with `o: bind`. Remote build contexts (git, http, `docker-image://`, `service:`) and named
 * volumes (`data:/var/lib/mysql`) are left alone.
 */
import * as path from 'path';
import { MapEntry, MapNode, Node, getEntry, mapNode, replacedScalar, scalarNode, seqNode, setEntry, stringValue } from './node';

export interface PathContext {
  /** Absolute directory relative paths are resolved against. */
  readonly baseDir: string;
  /** Home directory for `~`; when absent, `~` is left as written. */
  readonly homeDirectory?: string;
}

/** Expands `~` / `~/x`, then resolves against the base directory; absolute paths are kept as written. */
export function absolutePath(p: string, ctx: PathContext): string {
  let value = p;
  if ((value === '~' || value.startsWith('~/')) && ctx.homeDirectory) value = path.join(ctx.homeDirectory, value.slice(1));
  if (path.isAbsolute(value)) return value;
  if (value.startsWith('~')) return value;
  return path.resolve(ctx.baseDir, value);
}

/** Whether a build context is remote (left as written): a URL, a git reference or a named context. */
export function isRemoteContext(context: string): boolean {
  if (context.includes('://')) return true;
  if (context.startsWith('service:')) return true;
  return ['github.com/', 'git@'].some((prefix) => context.startsWith(prefix));
}

/** Whether the source of a short volume is a host path (Compose: starts with `.`, `/` or `~`). */
export function isHostPath(source: string): boolean {
  return source.startsWith('.') || source.startsWith('/') || source.startsWith('~');
}

/** Resolves the relative paths of one file's top-level mapping. */
export function resolveFilePaths(doc: MapNode, ctx: PathContext): MapNode {
  let out = doc;
  const services = getEntry(out, 'services');
  if (services?.kind === 'map') {
    const entries = new Map<string, MapEntry>();
    for (const [name, entry] of services.entries) {
      entries.set(name, { keyLoc: entry.keyLoc, value: entry.value.kind === 'map' ? resolveServicePaths(entry.value, ctx) : entry.value });
    }
    out = setEntry(out, 'services', mapNode(entries, services.loc, services.tag));
  }
  for (const section of ['secrets', 'configs']) {
    const node = getEntry(out, section);
    if (node?.kind !== 'map') continue;
    out = setEntry(out, section, mapValues(node, (def) => (def.kind === 'map' ? mapKey(def, 'file', (v) => resolveScalar(v, ctx)) : def)));
  }
  const volumes = getEntry(out, 'volumes');
  if (volumes?.kind === 'map') out = setEntry(out, 'volumes', mapValues(volumes, (def) => resolveVolumeDevice(def, ctx)));
  return out;
}

/** Resolves the paths inside one service definition. */
export function resolveServicePaths(service: MapNode, ctx: PathContext): MapNode {
  let out = service;
  out = mapKey(out, 'build', (build) => {
    if (build.kind === 'scalar') return resolveContext(build, ctx);
    if (build.kind !== 'map') return build;
    let b = mapKey(build, 'context', (c) => resolveContext(c, ctx));
    b = mapKey(b, 'additional_contexts', (contexts) => {
      if (contexts.kind === 'map') return mapValues(contexts, (c) => resolveContext(c, ctx));
      if (contexts.kind === 'seq') {
        return seqNode(
          contexts.items.map((item) => {
            const s = stringValue(item);
            const eq = s?.indexOf('=') ?? -1;
            if (s === undefined || eq < 0) return item;
            const target = s.slice(eq + 1);
            return isRemoteContext(target) ? item : withString(item, s.slice(0, eq + 1) + absolutePath(target, ctx));
          }),
          contexts.loc,
          contexts.tag,
        );
      }
      return contexts;
    });
    return b;
  });
  for (const key of ['env_file', 'label_file']) {
    out = mapKey(out, key, (value) => {
      if (value.kind === 'scalar') return resolveScalar(value, ctx);
      if (value.kind !== 'seq') return value;
      return seqNode(
        value.items.map((item) => (item.kind === 'map' ? mapKey(item, 'path', (p) => resolveScalar(p, ctx)) : resolveScalar(item, ctx))),
        value.loc,
        value.tag,
      );
    });
  }
  out = mapKey(out, 'extends', (ext) => (ext.kind === 'map' ? mapKey(ext, 'file', (f) => resolveScalar(f, ctx)) : ext));
  out = mapKey(out, 'develop', (develop) =>
    develop.kind === 'map'
      ? mapKey(develop, 'watch', (watch) =>
          watch.kind === 'seq'
            ? seqNode(
                watch.items.map((rule) => (rule.kind === 'map' ? mapKey(rule, 'path', (p) => resolveScalar(p, ctx)) : rule)),
                watch.loc,
                watch.tag,
              )
            : watch,
        )
      : develop,
  );
  out = mapKey(out, 'volumes', (volumes) =>
    volumes.kind === 'seq' ? seqNode(volumes.items.map((v) => resolveServiceVolume(v, ctx)), volumes.loc, volumes.tag) : volumes,
  );
  return out;
}

/** A service volume: short syntax `SOURCE:TARGET[:MODE]` or long syntax with `type: bind`. */
export function resolveServiceVolume(volume: Node, ctx: PathContext): Node {
  if (volume.kind === 'map') {
    if (stringValue(getEntry(volume, 'type')) !== 'bind') return volume;
    return mapKey(volume, 'source', (s) => resolveScalar(s, ctx));
  }
  const spec = stringValue(volume);
  if (spec === undefined) return volume;
  const colon = spec.indexOf(':');
  if (colon <= 0) return volume; // anonymous volume: only a container path
  const source = spec.slice(0, colon);
  if (!isHostPath(source)) return volume; // a named volume
  return withString(volume, absolutePath(source, ctx) + spec.slice(colon));
}

function resolveVolumeDevice(def: Node, ctx: PathContext): Node {
  if (def.kind !== 'map' || stringValue(getEntry(def, 'driver')) !== 'local') return def;
  const opts = getEntry(def, 'driver_opts');
  if (opts?.kind !== 'map' || stringValue(getEntry(opts, 'o')) !== 'bind') return def;
  return mapKey(def, 'driver_opts', (o) => (o.kind === 'map' ? mapKey(o, 'device', (d) => resolveScalar(d, ctx)) : o));
}

function resolveContext(node: Node, ctx: PathContext): Node {
  const s = stringValue(node);
  if (s === undefined || isRemoteContext(s)) return node;
  return withString(node, absolutePath(s, ctx));
}

function resolveScalar(node: Node, ctx: PathContext): Node {
  const s = stringValue(node);
  return s === undefined || s === '' ? node : withString(node, absolutePath(s, ctx));
}

function withString(node: Node, value: string): Node {
  return node.kind === 'scalar' ? replacedScalar(node, value) : node;
}

/** Applies `fn` to the value of `key` when present. */
function mapKey(node: MapNode, key: string, fn: (value: Node) => Node): MapNode {
  const entry = node.entries.get(key);
  if (!entry) return node;
  const value = fn(entry.value);
  return value === entry.value ? node : setEntry(node, key, value);
}

/** Applies `fn` to every value of a mapping. */
function mapValues(node: MapNode, fn: (value: Node) => Node): MapNode {
  let changed = false;
  const entries = new Map<string, MapEntry>();
  for (const [key, entry] of node.entries) {
    const value = fn(entry.value);
    if (value !== entry.value) changed = true;
    entries.set(key, value === entry.value ? entry : { keyLoc: entry.keyLoc, value });
  }
  return changed ? mapNode(entries, node.loc, node.tag) : node;
}

/**
 * `build` mappings without `context` build the project directory (build.md#context: "defaults to
 * the project directory"): the main project's, or an included project's for its own services.
 */
export function defaultBuildContexts(doc: MapNode, projectDirectory: string): MapNode {
  const services = getEntry(doc, 'services');
  if (services?.kind !== 'map') return doc;
  let changed = false;
  const entries = new Map<string, MapEntry>();
  for (const [name, entry] of services.entries) {
    const build = getEntry(entry.value, 'build');
    if (entry.value.kind !== 'map' || build?.kind !== 'map' || build.entries.has('context')) {
      entries.set(name, entry);
      continue;
    }
    const withContext = setEntry(build, 'context', scalarNode(projectDirectory, build.loc), build.loc);
    entries.set(name, { keyLoc: entry.keyLoc, value: setEntry(entry.value, 'build', withContext) });
    changed = true;
  }
  return changed ? setEntry(doc, 'services', mapNode(entries, services.loc, services.tag)) : doc;
}
