/**
 * YAML 1.2 → located nodes, with the safety limits a loader of untrusted files needs.
 *
 * Uses the `yaml` package's CST parser (iterative, so arbitrarily nested input cannot overflow the
 * stack), checks the nesting depth on the CST before composing, then converts the composed
 * documents into `Node`s itself: aliases, merge keys (`<<`), duplicate keys and the `!reset` /
 * `!override` tags are resolved here, with a budget on the expanded size so an alias bomb ("billion
 * laughs") is refused in milliseconds.
 */
import { Alias, Composer, Document, isAlias, isMap, isScalar, isSeq, LineCounter, Parser, Scalar } from 'yaml';
import type { CST, Node as YamlNode, ParsedNode } from 'yaml';
import { ComposeError, Diagnostic, ErrorDetail, SourceLocation, printable } from '../errors';
import { humanPath } from './pointer';
import { MapEntry, MergeTag, Node, mapNode, scalarNode, seqNode } from './node';

/** Limits applied to every file. */
export interface YamlLimits {
  /** Largest file accepted, in bytes (the yaml package parses about 1 MB per second). @default 4 MiB */
  readonly maxBytes?: number;
  /** Deepest nesting of mappings and sequences, counted after aliases are expanded. @default 200 */
  readonly maxDepth?: number;
  /** Most values (mappings, sequences and scalars) a file may expand to through aliases. @default 1,000,000 */
  readonly maxNodes?: number;
}

export const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 200;
export const DEFAULT_MAX_NODES = 1_000_000;

export interface ParsedYamlFile {
  /** One node per YAML document of the file (`---` separated), each a mapping. */
  readonly documents: readonly Node[];
  readonly warnings: readonly Diagnostic[];
}

const MERGE_TAGS: Readonly<Record<string, MergeTag>> = { '!reset': 'reset', '!override': 'override' };
const CORE_TAG_PREFIX = 'tag:yaml.org,2002:';

/**
 * Parses the text of a compose file. Throws `ComposeError` with the file, line and column for every
 * syntax problem, duplicate key, unknown alias, or exceeded limit; a document that is not a mapping
 * is refused too (an empty document is an empty mapping).
 */
export function parseYamlFile(text: string, file: string, limits: YamlLimits = {}): ParsedYamlFile {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxNodes = limits.maxNodes ?? DEFAULT_MAX_NODES;

  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    throw new ComposeError(
      `${file} is ${formatMiB(bytes)}; compose files larger than ${formatMiB(maxBytes)} are refused`,
      { code: 'compose/file-too-large', location: { file, line: 1, column: 1 }, fix: 'check that this is the compose file you meant; split generated content into smaller files' },
    );
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  const lines = new LineCounter();
  const position = (offset: number): SourceLocation => {
    const { line, col } = lines.linePos(offset);
    return { file, line: Math.max(1, line), column: Math.max(1, col) };
  };

  const docs = composeDocuments(text, lines, maxDepth, file, position);
  const errorPosition = (e: { message: string; pos: [number, number] }) => position(errorOffset(text, e));

  const warnings: Diagnostic[] = [];
  const documents: Node[] = [];
  const budget = { nodes: 0 };
  for (const doc of docs) {
    if (doc.errors.length > 0) throw syntaxError(doc.errors, errorPosition);
    const converter = new Converter(text, file, position, warnings, maxDepth, maxNodes, budget);
    const contents = doc.contents as ParsedNode | null;
    if (contents === null) {
      documents.push(mapNode(new Map(), position(doc.range?.[0] ?? 0)));
      continue;
    }
    const node = converter.convert(contents, [], 1);
    if (node.kind !== 'map') {
      if (node.kind === 'scalar' && node.value === null) {
        documents.push(mapNode(new Map(), node.loc));
        continue;
      }
      throw new ComposeError(`the top level of ${file} must be a mapping (like \`services:\`), not ${node.kind === 'seq' ? 'a sequence' : 'a scalar'}`, {
        code: 'compose/not-a-mapping',
        location: node.loc,
        fix: 'start the file with top-level keys such as `services:`, `volumes:` or `networks:`',
      });
    }
    documents.push(node);
  }
  if (documents.length === 0) documents.push(mapNode(new Map(), { file, line: 1, column: 1 }));
  return { documents, warnings };
}

/**
 * The composed YAML documents of a text, its nesting depth checked on the syntax tree first. A
 * function of its own so that the syntax tree (tens of bytes per character of the file) is garbage
 * once the documents are composed, not held while they are converted.
 */
function composeDocuments(text: string, lines: LineCounter, maxDepth: number, file: string, position: (offset: number) => SourceLocation): Document.Parsed[] {
  const tokens: CST.Token[] = [];
  for (const token of new Parser(lines.addNewLine).parse(text)) tokens.push(token);
  checkCstDepth(tokens, maxDepth, file, position);
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false, strict: true });
  const docs: Document.Parsed[] = [];
  for (const token of tokens) for (const doc of composer.next(token)) docs.push(doc);
  for (const doc of composer.end()) docs.push(doc);
  return docs;
}

export function formatMiB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Walks the CST without recursion and refuses nesting deeper than `maxDepth`. */
function checkCstDepth(
  tokens: readonly CST.Token[],
  maxDepth: number,
  file: string,
  position: (offset: number) => SourceLocation,
): void {
  const stack: Array<[CST.Token, number]> = [];
  for (const token of tokens) if (token.type === 'document' && token.value) stack.push([token.value, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    const inner = depth + 1;
    if (inner > maxDepth) throw tooDeep(file, position(token.offset), maxDepth);
    for (const item of token.items) {
      if (item.key) stack.push([item.key, inner]);
      if (item.value) stack.push([item.value, inner]);
    }
  }
}

function tooDeep(file: string, location: SourceLocation, maxDepth: number): ComposeError {
  return new ComposeError(`${file} nests mappings and sequences more than ${maxDepth} levels deep`, {
    code: 'compose/yaml-too-deep',
    location,
    fix: `flatten the structure; no compose attribute needs more than a few levels (limit: ${maxDepth})`,
  });
}

const SYNTAX_FIXES: Readonly<Record<string, string>> = {
  TAB_AS_INDENT: 'indent with spaces: YAML does not allow tabs for indentation',
  BAD_DQ_ESCAPE: 'use a valid escape inside double quotes (\\n, \\t, \\\\, \\") or use single quotes for literal backslashes',
  MULTILINE_IMPLICIT_KEY: 'keep each `key:` on one line and check the indentation of the lines around it',
  BLOCK_AS_IMPLICIT_KEY: 'check the indentation: a nested block must be indented under its `key:`',
  KEY_OVER_1024_CHARS: 'shorten the key or quote it and put it on one line',
  DUPLICATE_KEY: 'remove one of the two entries',
  BAD_ALIAS: 'write the alias as `*name` after defining the anchor with `&name`',
};
const DEFAULT_SYNTAX_FIX =
  'check the indentation and that each `key:` is followed by a space; quote values containing `: ` or ` #`, or starting with `*`, `&`, `!`, `%`, `@`, `{`, `[` or a backtick';

function syntaxError(
  errors: readonly { code: string; message: string; pos: [number, number] }[],
  position: (e: { message: string; pos: [number, number] }) => SourceLocation,
): ComposeError {
  // the yaml package's messages may quote the file's text: one printable line, shortened
  const describe = (e: { message: string }) => `YAML syntax error: ${printable(readableYamlMessage(e.message), 200)}`;
  const first = errors[0];
  const details: ErrorDetail[] = errors.slice(1, 6).map((e) => ({ message: describe(e), location: position(e) }));
  return new ComposeError(describe(first), {
    code: 'compose/yaml-syntax',
    location: position(first),
    fix: SYNTAX_FIXES[first.code] ?? DEFAULT_SYNTAX_FIX,
    details,
  });
}

/**
 * Where to point for a syntax error: the yaml package reports some errors at the indentation before
 * the culprit (skipped here), and an unclosed quote or bracket at the end of the file (pointed back
 * at the opening quote or bracket).
 */
function errorOffset(text: string, e: { message: string; pos: [number, number] }): number {
  let offset = e.pos[0];
  if (text.slice(offset).trim() === '') {
    const quote = /closing (["'])quote/.exec(e.message);
    const bracket = /end with an? ([\]}])/.exec(e.message);
    const opener = quote ? quote[1] : bracket ? (bracket[1] === ']' ? '[' : '{') : undefined;
    if (opener) {
      const at = text.lastIndexOf(opener, offset);
      if (at >= 0) return at;
    }
  }
  while (offset < text.length && text[offset] === ' ') offset++;
  return offset;
}

/** The yaml package's message without its trailing position and code excerpt, first letter lowercase. */
function readableYamlMessage(message: string): string {
  let m = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').trim();
  if (m.endsWith('.')) m = m.slice(0, -1);
  m = m.replace(/closing (["'])quote/, 'closing $1 quote');
  return m.charAt(0).toLowerCase() + m.slice(1);
}

type Position = (offset: number) => SourceLocation;

/** Converts composed YAML nodes into `Node`s; one per document. */
class Converter {
  /** Anchor name → the YAML node most recently defined with it (document order). */
  private readonly anchors = new Map<string, YamlNode>();
  /** Anchored YAML node → its converted node, so every alias shares one conversion (only an anchored node is reached twice). */
  private readonly converted = new Map<YamlNode, Node>();
  /** Converted node → [number of values in its expansion, its height] (a Map: the converter lives as long as one document's conversion). */
  private readonly sizes = new Map<Node, [number, number]>();
  /** Anchored YAML nodes whose conversion is under way (an alias to one of them is a cycle). */
  private readonly inProgress = new Set<YamlNode>();

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly position: Position,
    private readonly warnings: Diagnostic[],
    private readonly maxDepth: number,
    private readonly maxNodes: number,
    private readonly budget: { nodes: number },
  ) {}

  convert(yamlNode: ParsedNode | Alias | YamlNode, path: readonly (string | number)[], depth: number): Node {
    if (isAlias(yamlNode)) return this.alias(yamlNode, path, depth);
    const cached = this.converted.get(yamlNode);
    if (cached) return cached;

    const anchor = (yamlNode as { anchor?: string }).anchor;
    if (anchor) this.anchors.set(anchor, yamlNode);
    const tag = this.mergeTag(yamlNode);
    const loc = this.position(yamlNode.range?.[0] ?? 0);

    let node: Node;
    let size = 1;
    let height = 1;
    if (anchor) this.inProgress.add(yamlNode);
    if (isMap(yamlNode)) {
      if (depth > this.maxDepth) throw tooDeep(this.file, loc, this.maxDepth);
      const result = this.mapping(yamlNode, path, depth);
      node = mapNode(result.entries, loc, tag);
      size += result.size;
      height += result.height;
    } else if (isSeq(yamlNode)) {
      if (depth > this.maxDepth) throw tooDeep(this.file, loc, this.maxDepth);
      const items: Node[] = [];
      for (let i = 0; i < yamlNode.items.length; i++) {
        const item = this.convert(yamlNode.items[i] as ParsedNode, [...path, i], depth + 1);
        const [s, h] = this.sizes.get(item)!;
        size += s;
        height = Math.max(height, h + 1);
        items.push(item);
      }
      node = seqNode(items, loc, tag);
    } else if (isScalar(yamlNode)) {
      // a tag the yaml package does not know leaves the scalar a string: resolve `!override 8080` as untagged
      const value = tag && yamlNode.type === 'PLAIN' && typeof yamlNode.value === 'string' ? plainScalar(yamlNode.value) : this.scalarValue(yamlNode);
      node = scalarNode(value, loc, tag, this.textColumn(yamlNode, value, loc));
    } else {
      throw new ComposeError(`unsupported YAML node at ${humanPath(path)}`, {
        code: 'compose/yaml-syntax',
        location: loc,
        fix: 'write a plain mapping, sequence or scalar here',
      });
    }
    if (anchor) this.inProgress.delete(yamlNode);
    this.count(1, loc);
    this.sizes.set(node, [size, height]);
    if (anchor) this.converted.set(yamlNode, node);
    return node;
  }

  private alias(alias: Alias, path: readonly (string | number)[], depth: number): Node {
    const loc = this.position(alias.range?.[0] ?? 0);
    const target = this.anchors.get(alias.source);
    if (!target) {
      throw new ComposeError(`unknown alias \`*${alias.source}\`: no anchor \`&${alias.source}\` is defined before it`, {
        code: 'compose/yaml-unknown-alias',
        location: loc,
        fix: `define the anchor with \`&${alias.source}\` on a value above this line, or fix the alias name`,
      });
    }
    if (this.inProgress.has(target)) {
      throw new ComposeError(`alias \`*${alias.source}\` refers to the value that contains it`, {
        code: 'compose/yaml-recursive-alias',
        location: loc,
        fix: 'an alias cannot point at one of its own parents; move the shared part into its own anchored value',
      });
    }
    const node = this.convert(target, path, depth);
    const [size, height] = this.sizes.get(node)!;
    if (depth - 1 + height > this.maxDepth) throw tooDeep(this.file, loc, this.maxDepth);
    // the anchored value was counted where it is defined; every alias repeats all of its values
    this.count(size, loc);
    return node;
  }

  private count(size: number, loc: SourceLocation): void {
    this.budget.nodes += size;
    if (this.budget.nodes > this.maxNodes) {
      throw new ComposeError(
        `${this.file} expands to more than ${this.maxNodes.toLocaleString('en-US')} values (through YAML aliases, this is how an "alias bomb" looks)`,
        {
          code: 'compose/yaml-too-large',
          location: loc,
          fix: 'reduce the nesting of aliases (`*name`) that repeat other aliases; a compose file never needs that many values',
        },
      );
    }
  }

  private mapping(
    yamlMap: { items: ReadonlyArray<{ key: unknown; value: unknown }>; range?: readonly number[] | null },
    path: readonly (string | number)[],
    depth: number,
  ): { entries: Map<string, MapEntry>; size: number; height: number } {
    const explicit = new Map<string, MapEntry>();
    const ops: Array<{ key: string; entry: MapEntry } | { merge: Node[] }> = [];
    let size = 0;
    let height = 0;
    const measure = (n: Node) => {
      const [s, h] = this.sizes.get(n)!;
      size += s;
      height = Math.max(height, h);
    };
    for (const pair of yamlMap.items) {
      const keyNode = pair.key as ParsedNode | Alias | null;
      const keyLoc = this.position(keyNode?.range?.[0] ?? yamlMap.range?.[0] ?? 0);
      if (isScalar(keyNode) && keyNode.value === '<<' && keyNode.type === 'PLAIN' && !keyNode.tag) {
        ops.push({ merge: this.mergeSources(pair.value as ParsedNode | null, keyLoc, path, depth) });
        continue;
      }
      const key = this.keyString(keyNode, keyLoc, path);
      const previous = explicit.get(key);
      if (previous) {
        throw new ComposeError(
          `duplicate key \`${key}\` in ${describeParent(path)} (first defined at line ${previous.keyLoc.line}, column ${previous.keyLoc.column})`,
          { code: 'compose/yaml-duplicate-key', location: keyLoc, fix: 'remove one of the two entries, or merge their contents into one' },
        );
      }
      const valueNode = pair.value as ParsedNode | Alias | null;
      const value =
        valueNode === null || valueNode === undefined
          ? this.nullValue(keyLoc)
          : this.convert(valueNode, [...path, key], depth + 1);
      measure(value);
      const entry = { keyLoc, value };
      explicit.set(key, entry);
      ops.push({ key, entry });
    }
    const entries = new Map<string, MapEntry>();
    for (const op of ops) {
      if ('key' in op) {
        entries.set(op.key, op.entry);
        continue;
      }
      for (const source of op.merge) {
        if (source.kind !== 'map') continue;
        for (const [k, entry] of source.entries) {
          if (explicit.has(k) || entries.has(k)) continue;
          entries.set(k, entry);
          measure(entry.value);
        }
      }
    }
    return { entries, size, height };
  }

  /** A `key:` with nothing after it: null, located just after the key. */
  private nullValue(keyLoc: SourceLocation): Node {
    const node = scalarNode(null, keyLoc);
    this.sizes.set(node, [1, 1]);
    return node;
  }

  /** The mappings a merge key (`<<: *a` or `<<: [*a, *b]`) brings in, in priority order. */
  private mergeSources(value: ParsedNode | null, keyLoc: SourceLocation, path: readonly (string | number)[], depth: number): Node[] {
    const fail = (loc: SourceLocation) =>
      new ComposeError(`the merge key \`<<\` in ${describeParent(path)} must be given a mapping or a list of mappings (usually aliases like \`*defaults\`)`, {
        code: 'compose/yaml-bad-merge-key',
        location: loc,
        fix: 'write `<<: *anchor` or `<<: [*first, *second]` where each anchor names a mapping',
      });
    if (value === null || value === undefined) throw fail(keyLoc);
    const node = this.convert(value, path, depth);
    const sources = node.kind === 'seq' ? node.items : [node];
    for (const source of sources) if (source.kind !== 'map') throw fail(source.loc);
    return [...sources];
  }

  private keyString(keyNode: ParsedNode | Alias | null, keyLoc: SourceLocation, path: readonly (string | number)[]): string {
    let node: unknown = keyNode;
    if (isAlias(keyNode)) node = this.anchors.get(keyNode.source);
    if (isScalar(node)) {
      const v = node.value;
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
      if (v === null) {
        throw new ComposeError(`empty key in ${describeParent(path)}`, {
          code: 'compose/yaml-bad-key',
          location: keyLoc,
          fix: 'write a name before the `:`, or quote a key that is literally `null` or `~`',
        });
      }
    }
    throw new ComposeError(`unsupported key in ${describeParent(path)}: compose keys must be plain strings, not mappings or sequences`, {
      code: 'compose/yaml-bad-key',
      location: keyLoc,
      fix: 'use a plain string as the key',
    });
  }

  /** See `ScalarNode.textColumn`. */
  private textColumn(scalar: Scalar, value: unknown, loc: SourceLocation): number | undefined {
    if (typeof value !== 'string' || !value.includes('$') || !scalar.range) return undefined;
    const raw = this.text.slice(scalar.range[0], scalar.range[1]);
    if (raw.includes('\n')) return undefined;
    if (scalar.type === 'PLAIN' && raw === value) return loc.column;
    if (scalar.type === 'QUOTE_DOUBLE' && raw === `"${value}"`) return loc.column + 1;
    if (scalar.type === 'QUOTE_SINGLE' && raw === `'${value}'`) return loc.column + 1;
    return undefined;
  }

  private scalarValue(scalar: Scalar): string | number | boolean | null {
    const v = scalar.value;
    // Compose reads YAML with go-yaml, where a plain `0440` is octal (file modes); YAML 1.2 says decimal
    if (scalar.type === 'PLAIN' && typeof v === 'number' && scalar.source && /^[-+]?0[0-7]+$/.test(scalar.source)) {
      return parseInt(scalar.source, 8);
    }
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      // `.inf` / `.nan` have no JSON form: keep what was written
      return Number.isFinite(v) ? v : (scalar.source ?? String(v));
    }
    if (typeof v === 'bigint') return Number(v);
    return String(v);
  }

  private mergeTag(yamlNode: YamlNode): MergeTag | undefined {
    const tag = (yamlNode as { tag?: string }).tag;
    if (!tag) return undefined;
    const mergeTag = MERGE_TAGS[tag];
    if (mergeTag) return mergeTag;
    if (!tag.startsWith(CORE_TAG_PREFIX) && !tag.startsWith('!!')) {
      this.warnings.push({
        code: 'compose/yaml-unknown-tag',
        message: `unknown YAML tag \`${tag}\` ignored (Compose knows \`!reset\` and \`!override\`)`,
        location: this.position(yamlNode.range?.[0] ?? 0),
      });
    }
    return undefined;
  }
}

/** A plain scalar resolved with the YAML 1.2 core schema (for scalars whose custom tag kept them strings). */
function plainScalar(source: string): string | number | boolean | null {
  if (/^(null|Null|NULL|~|)$/.test(source)) return null;
  if (/^(true|True|TRUE)$/.test(source)) return true;
  if (/^(false|False|FALSE)$/.test(source)) return false;
  if (/^[-+]?0[0-7]+$/.test(source)) return parseInt(source, 8);
  if (/^[-+]?[0-9]+$/.test(source)) return Number(source);
  if (/^0o[0-7]+$/.test(source)) return parseInt(source.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(source)) return parseInt(source.slice(2), 16);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(source)) return Number(source);
  return source;
}

function describeParent(path: readonly (string | number)[]): string {
  if (path.length === 0) return 'the top level';
  if (path.length === 2 && path[0] === 'services') return `service \`${path[1]}\``;
  return `\`${humanPath(path)}\``;
}
