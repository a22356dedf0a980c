/**
 * `include` (14-include.md): each entry is loaded as its own project (its own project directory for
 * relative paths, its own `.env`, overridden by the including project's variables) and its
 * services, networks, volumes, secrets, configs and models are copied into the including file.
 *
 * Short syntax: `- path/to/compose.yaml`. Long syntax: `path` (string or list, merged in order),
 * `project_directory` (default: the directory of the first path), `env_file` (string or list;
 * default: `.env` of the project directory when it exists). Paths are relative to the including
 * file's base directory. Includes nest; a cycle is a `ComposeError` listing the chain. A resource
 * defined both by the including file and by an included project is an error unless both
 * definitions are identical (as in Docker Compose v2); later `-f` files may still override
 * included resources, because `include` is applied to each file before files are merged.
 */
import * as path from 'path';
import { ComposeError, SourceLocation } from '../errors';
import { MapEntry, MapNode, Node, getEntry, mapNode, setEntry, stringValue, stripTags, toPlain } from './node';
import { absolutePath } from './paths';
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
    const imported = host.loadProject(entry.paths, childScope, entry.loc);
    out = importResources(out, imported, entry);
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

function importResources(doc: MapNode, imported: MapNode, entry: IncludeEntry): MapNode {
  let out = doc;
  for (const section of SECTIONS) {
    const incoming = getEntry(imported, section);
    if (incoming?.kind !== 'map' || incoming.entries.size === 0) continue;
    const existing = getEntry(out, section);
    const entries = new Map<string, MapEntry>(existing?.kind === 'map' ? existing.entries : []);
    for (const [name, value] of incoming.entries) {
      const mine = entries.get(name);
      if (mine) {
        if (sameDefinition(mine.value, value.value)) continue;
        const kind = section === 'services' ? 'service' : section.slice(0, -1);
        throw new ComposeError(`${kind} \`${name}\` is defined here and also by the included ${entry.paths.join(', ')}`, {
          code: 'compose/include-conflict',
          location: mine.keyLoc,
          fix: `rename one of the two, or remove this definition and use the included one (to change it, put the changes in an override file passed with another -f)`,
          details: [{ message: `the included definition of \`${name}\``, location: value.keyLoc }],
        });
      }
      entries.set(name, value);
    }
    const loc = existing?.loc ?? incoming.loc;
    out = setEntry(out, section, mapNode(entries, loc, existing?.tag));
  }
  return out;
}

function sameDefinition(a: Node, b: Node): boolean {
  return JSON.stringify(toPlain(stripTags(a))) === JSON.stringify(toPlain(stripTags(b)));
}
