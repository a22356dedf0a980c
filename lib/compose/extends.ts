/**
 * `extends` (05-services.md#extends): a service takes another service's definition (same file, or
 * `file:` relative to the extending file's base directory) and merges its own attributes over it,
 * with the merge rules of 13-merge.md. Chains are followed; a cycle, an unknown service or a missing
 * file is a `ComposeError` at the `extends` that caused it.
 *
 * As in Docker Compose v2, every attribute is inherited (the author declares the resources the
 * base refers to), the `!reset` / `!override` tags of the extending service apply to the inherited
 * values and again to the earlier files it is merged with, and a service can only extend services
 * of its own file (after `include`) or of the file it names.
 */
import { ComposeError, SourceLocation } from '../errors';
import { mergeNodes } from './merge';
import { MapEntry, MapNode, Node, getEntry, mapNode, setEntry, stringValue, stripTags, withTag } from './node';
import { suggest } from '../util/suggest';
import type { LoaderHost, Scope } from './scope';

interface Frame {
  readonly file: string;
  readonly service: string;
  readonly loc: SourceLocation;
}

/** The `extends` being followed, outermost first, and the same as `file\0service` keys (a cycle check costs one lookup). */
interface ExtendsPath {
  readonly frames: Frame[];
  readonly active: Set<string>;
}

/** Resolves `extends` for the documents of one load; one instance per load (it caches other files). */
export class ExtendsResolver {
  /** `file\0scope` → service name → resolved definition. */
  private readonly memo = new Map<string, Map<string, Node>>();

  constructor(private readonly host: LoaderHost) {}

  /** The document with every service's `extends` applied and removed. */
  resolveDocument(doc: MapNode, file: string, scope: Scope): MapNode {
    const services = getEntry(doc, 'services');
    if (services?.kind !== 'map') return doc;
    let any = false;
    for (const entry of services.entries.values()) if (getEntry(entry.value, 'extends')) any = true;
    if (!any) return doc;
    // the services of this document are resolved fresh: the document differs from the file (include)
    const memo = new Map<string, Node>();
    const entries = new Map<string, MapEntry>();
    for (const [name, entry] of services.entries) {
      entries.set(name, { keyLoc: entry.keyLoc, value: this.resolve(name, services, file, scope, { frames: [], active: new Set() }, memo) });
    }
    return setEntry(doc, 'services', mapNode(entries, services.loc, services.tag));
  }

  private resolve(name: string, services: MapNode, file: string, scope: Scope, path: ExtendsPath, memo: Map<string, Node>): Node {
    const done = memo.get(name);
    if (done) return done;
    const entry = services.entries.get(name)!;
    const service = entry.value;
    const ext = getEntry(service, 'extends');
    if (service.kind !== 'map' || !ext) return service;

    const pathKey = `${file}\0${name}`;
    if (path.active.has(pathKey)) {
      const cycleAt = path.frames.findIndex((f) => f.file === file && f.service === name);
      throw cycleError([...path.frames.slice(cycleAt), { file, service: name, loc: ext.loc }]);
    }
    let ref: string | undefined;
    let refNode: Node = ext;
    let refFile: string | undefined;
    let refFileNode: Node | undefined;
    if (ext.kind === 'scalar') {
      ref = stringValue(ext);
    } else if (ext.kind === 'map') {
      refNode = getEntry(ext, 'service') ?? ext;
      ref = stringValue(getEntry(ext, 'service'));
      refFileNode = getEntry(ext, 'file');
      refFile = stringValue(refFileNode);
    }
    if (ref === undefined || ref === '') {
      throw new ComposeError(`\`services.${name}.extends\` must name the service to extend`, {
        code: 'compose/extends-invalid',
        location: ext.loc,
        fix: 'write `extends: { service: <name> }`, with `file: <path>` when the service is in another file',
      });
    }

    let target: { readonly services: MapNode; readonly file: string; readonly scope: Scope; readonly memo: Map<string, Node> };
    if (refFile !== undefined) {
      const otherScope = this.host.withBaseDir(scope, dirname(refFile));
      const docs = this.host.loadFileDocuments(refFile, otherScope, refFileNode?.loc ?? ext.loc);
      const otherServices = servicesOf(docs, refFile);
      if (!otherServices.entries.has(ref)) throw unknownService(name, ref, refFile, otherServices, refNode.loc);
      const key = `${refFile}\0${otherScope.id}`;
      let otherMemo = this.memo.get(key);
      if (!otherMemo) this.memo.set(key, (otherMemo = new Map()));
      target = { services: otherServices, file: refFile, scope: otherScope, memo: otherMemo };
    } else {
      if (!services.entries.has(ref)) throw unknownService(name, ref, file, services, refNode.loc);
      target = { services, file, scope, memo };
    }
    // the base is resolved with this service on the path (a cycle back to it is an error)
    path.frames.push({ file, service: name, loc: ext.loc });
    path.active.add(pathKey);
    let base = this.resolve(ref, target.services, target.file, target.scope, path, target.memo);
    path.frames.pop();
    path.active.delete(pathKey);
    if (base.kind !== 'map') {
      if (base.kind === 'scalar' && base.value === null) base = mapNode(new Map(), base.loc);
      else {
        throw new ComposeError(`cannot extend service \`${ref}\`: its definition is not a mapping`, {
          code: 'compose/extends-invalid',
          location: refNode.loc,
          fix: `define \`${ref}\` as a mapping of attributes`,
        });
      }
    }

    const own = mapNode(new Map([...service.entries].filter(([k]) => k !== 'extends')), service.loc);
    const merged = mergeNodes(stripTags(base), own, ['services', name], { keepTags: true }) ?? own;
    const result = withTag(merged, service.tag);
    memo.set(name, result);
    return result;
  }
}

function dirname(file: string): string {
  const i = file.lastIndexOf('/');
  return i <= 0 ? '/' : file.slice(0, i);
}

/** The `services` of a file's documents, later documents over earlier ones. */
function servicesOf(docs: readonly MapNode[], file: string): MapNode {
  const entries = new Map<string, MapEntry>();
  let loc: SourceLocation = { file, line: 1, column: 1 };
  for (const doc of docs) {
    const services = getEntry(doc, 'services');
    if (services?.kind !== 'map') continue;
    loc = services.loc;
    for (const [name, entry] of services.entries) {
      const previous = entries.get(name);
      const value = previous ? (mergeNodes(previous.value, entry.value, ['services', name]) ?? entry.value) : entry.value;
      entries.set(name, { keyLoc: entry.keyLoc, value });
    }
  }
  return mapNode(entries, loc);
}

function unknownService(name: string, ref: string, file: string, services: MapNode, loc: SourceLocation): ComposeError {
  const known = [...services.entries.keys()].filter((s) => s !== name);
  const guess = suggest(ref, known);
  return new ComposeError(`service \`${name}\` extends \`${ref}\`, but ${file} defines no service \`${ref}\`${guess ? ` (did you mean \`${guess}\`?)` : ''}`, {
    code: 'compose/extends-unknown-service',
    location: loc,
    fix: guess
      ? `write \`${guess}\``
      : known.length > 0
        ? `extend one of: ${known.slice(0, 10).join(', ')}`
        : `define service \`${ref}\` in ${file}`,
  });
}

function cycleError(frames: readonly Frame[]): ComposeError {
  const chain = frames.map((f) => `\`${f.service}\` (${f.file})`).join(' extends ');
  return new ComposeError(`\`extends\` cycle: ${chain}`, {
    code: 'compose/extends-cycle',
    location: frames[frames.length - 1].loc,
    fix: 'remove one `extends` of the cycle; a service cannot extend itself, directly or through others',
    details: frames.slice(0, -1).map((f) => ({ message: `\`${f.service}\` extends here`, location: f.loc })),
  });
}
