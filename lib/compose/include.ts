/**
 * `include` (14-include.md): each entry is loaded as its own project (its own project directory for
 * relative paths, its own `.env`, overridden by the including project's variables) and its
 * services, networks, volumes, secrets, configs and models are copied into the including file.
 *
 * Short syntax: `- path/to/compose.yaml`. Long syntax: `path` (string or list, merged in order),
 * `project_directory` (default: the directory of the first path), `env_file` (string or list;
 * default: `.env` of the project directory when it exists). Paths are relative to the including
 * file's base directory. Includes nest; a cycle is a `ComposeError` listing the chain.
 *
 * Each included project is complete before it is copied in: a service's `build` without `context`
 * builds the included project directory (build.md#context), and `KEY`-only `environment` entries
 * and build args take their value from the included project's variables (its `.env` under the
 * including project's), as they would if the file were loaded on its own.
 *
 * A resource defined both by the including file and by an included project (or by two included
 * projects) with different definitions is a warning, not an error: 14-include.md "Compose displays
 * a warning if resource names conflict and doesn't try to merge them". The definition already there
 * wins, as in Docker Compose v2 (compose-go keeps the including file's): the including file's, else
 * the earlier include's. Identical definitions (a diamond) are silent. Later `-f` files may still
 * override included resources, because `include` is applied to each file before files are merged.
 */
import * as path from 'path';
import { ComposeError, Diagnostic, SourceLocation, formatLocation } from '../errors';
import type { Lookup } from './interpolate';
import { MapEntry, MapNode, Node, getEntry, mapNode, replacedScalar, seqNode, setEntry, stringValue, stripTags, toPlain } from './node';
import { absolutePath, defaultBuildContexts } from './paths';
import type { LoaderHost, Scope } from './scope';

const SECTIONS = ['services', 'networks', 'volumes', 'secrets', 'configs', 'models'] as const;

interface IncludeEntry {
  readonly paths: string[];
  readonly projectDirectory: string;
  readonly envFiles: string[];
  readonly explicitEnvFiles: boolean;
  readonly loc: SourceLocation;
}

/** The document with its `include` entries loaded, their resources copied in, and `include` removed. */
export function applyInclude(doc: MapNode, file: string, scope: Scope, host: LoaderHost, homeDirectory?: string): MapNode {
  const include = getEntry(doc, 'include');
  if (!include) return doc;
  let out = setEntry(doc, 'include', undefined);
  if (include.kind !== 'seq') return out; // the schema already refused anything else

  const chain = [...scope.includeChain, file];
  for (const item of include.items) {
    const entry = parseEntry(item, scope, homeDirectory);
    if (!entry) continue;
    for (const p of entry.paths) {
      const at = chain.indexOf(p);
      if (at >= 0) {
        const cycle = [...chain.slice(at), p];
        throw new ComposeError(`\`include\` cycle: ${cycle.join(' includes ')}`, {
          code: 'compose/include-cycle',
          location: entry.loc,
          fix: 'remove one `include` of the cycle; a file cannot include itself, directly or through others',
        });
      }
    }
    const childScope = host.includedScope(scope, entry.projectDirectory, entry.envFiles, entry.explicitEnvFiles, file, entry.loc);
    let imported = host.loadProject(entry.paths, childScope, entry.loc);
    imported = resolveKeyOnlyVariables(defaultBuildContexts(imported, entry.projectDirectory), childScope.lookup);
    out = importResources(out, imported, entry, (w) => host.warn(w));
  }
  return out;
}

function parseEntry(item: Node, scope: Scope, homeDirectory?: string): IncludeEntry | undefined {
  const ctx = { baseDir: scope.baseDir, homeDirectory };
  const resolve = (n: Node | undefined): string[] => {
    if (!n) return [];
    const list = n.kind === 'seq' ? n.items : [n];
    const out: string[] = [];
    for (const x of list) {
      const s = stringValue(x);
      if (s !== undefined && s !== '') out.push(absolutePath(s, ctx));
    }
    return out;
  };
  let paths: string[];
  let projectDirectory: string | undefined;
  let envFiles: string[] = [];
  let explicitEnvFiles = false;
  if (item.kind === 'map') {
    paths = resolve(getEntry(item, 'path'));
    const dir = stringValue(getEntry(item, 'project_directory'));
    if (dir) projectDirectory = absolutePath(dir, ctx);
    const env = getEntry(item, 'env_file');
    if (env) {
      envFiles = resolve(env);
      explicitEnvFiles = true;
    }
  } else {
    paths = resolve(item);
  }
  if (paths.length === 0) {
    throw new ComposeError('`include` entry names no file', {
      code: 'compose/include-invalid',
      location: item.loc,
      fix: 'write `- path/to/compose.yaml` or `- path: path/to/compose.yaml`',
    });
  }
  projectDirectory ??= path.dirname(paths[0]);
  if (!explicitEnvFiles) envFiles = [path.join(projectDirectory, '.env')];
  return { paths, projectDirectory, envFiles, explicitEnvFiles, loc: item.loc };
}

function importResources(doc: MapNode, imported: MapNode, entry: IncludeEntry, warn: (w: Diagnostic) => void): MapNode {
  let out = doc;
  for (const section of SECTIONS) {
    const incoming = getEntry(imported, section);
    if (incoming?.kind !== 'map' || incoming.entries.size === 0) continue;
    const existing = getEntry(out, section);
    const entries = new Map<string, MapEntry>(existing?.kind === 'map' ? existing.entries : []);
    for (const [name, value] of incoming.entries) {
      const mine = entries.get(name);
      if (mine) {
        if (!sameDefinition(mine.value, value.value)) {
          const kind = section === 'services' ? 'service' : section.slice(0, -1);
          warn({
            code: 'compose/include-conflict',
            message: `${kind} \`${name}\` is defined here and also by the included ${formatLocation(value.keyLoc)}; this definition is used and the included one is ignored (Compose does not merge them): rename one of the two, or remove this one to use the included definition`,
            path: `${section}.${name}`,
            location: mine.keyLoc,
            ...(section === 'services' ? { service: name } : {}),
          });
        }
        continue;
      }
      entries.set(name, value);
    }
    const loc = existing?.loc ?? incoming.loc;
    out = setEntry(out, section, mapNode(entries, loc, existing?.tag));
  }
  return out;
}

/**
 * `KEY` alone in a service's `environment` (or a `KEY:` with no value) and in `build.args` takes the
 * value of the variable (05-services.md#environment, build.md#args). In an included project the
 * variables are its own (its `.env` under the including project's), so they are resolved here,
 * before the services join a project whose `.env` may not have them. Unset variables stay as
 * written.
 */
function resolveKeyOnlyVariables(doc: MapNode, lookup: Lookup): MapNode {
  const services = getEntry(doc, 'services');
  if (services?.kind !== 'map') return doc;
  const resolve = (node: Node): Node => {
    if (node.kind === 'seq') {
      let changed = false;
      const items = node.items.map((item) => {
        if (item.kind !== 'scalar' || typeof item.value !== 'string' || item.value.includes('=')) return item;
        const value = lookup(item.value);
        if (value === undefined) return item;
        changed = true;
        return replacedScalar(item, `${item.value}=${value}`);
      });
      return changed ? seqNode(items, node.loc, node.tag) : node;
    }
    if (node.kind === 'map') {
      let out = node;
      for (const [key, entry] of node.entries) {
        if (entry.value.kind !== 'scalar' || entry.value.value !== null) continue;
        const value = lookup(key);
        if (value !== undefined) out = setEntry(out, key, replacedScalar(entry.value, value));
      }
      return out;
    }
    return node;
  };
  let changed = false;
  const entries = new Map<string, MapEntry>();
  for (const [name, entry] of services.entries) {
    let service = entry.value;
    if (service.kind === 'map') {
      const env = getEntry(service, 'environment');
      if (env) service = setEntry(service, 'environment', resolve(env));
      const build = getEntry(service, 'build');
      const args = getEntry(build, 'args');
      if (build?.kind === 'map' && args) service = setEntry(service, 'build', setEntry(build, 'args', resolve(args)));
    }
    if (service !== entry.value) changed = true;
    entries.set(name, service === entry.value ? entry : { keyLoc: entry.keyLoc, value: service });
  }
  return changed ? setEntry(doc, 'services', mapNode(entries, services.loc, services.tag)) : doc;
}

function sameDefinition(a: Node, b: Node): boolean {
  return JSON.stringify(toPlain(stripTags(a))) === JSON.stringify(toPlain(stripTags(b)));
}
