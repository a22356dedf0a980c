/**
 * Reads a CDK cloud assembly (a `cdk.out` directory) into plain data: every stack's template and
 * environment, the logical-id → construct-path map, the file and Docker image assets with a digest of
 * each file they hold, and the findings of `validation-report.json`.
 *
 * Pure: every file is read through the injected `AssemblyReader`; nothing here touches the disk.
 */
import * as path from 'path';
import { BeanstackError } from '../errors';
import { assertTemplateShape } from './template-shape';
import { isObject } from '../util/json';

/** How the review reads an assembly; `bin/` passes one backed by the file system. */
export interface AssemblyReader {
  /** Text of a file, or undefined when it does not exist. */
  readFile(file: string): string | undefined;
  /** Files below a directory, recursively, as sorted POSIX paths relative to it; undefined when it is not a directory. */
  listFiles(dir: string): readonly string[] | undefined;
  /** A content digest of a file (any stable hash), or undefined when it does not exist. */
  digest(file: string): string | undefined;
}

/** A CloudFormation template, loosely typed. */
export interface Template {
  readonly Resources?: Record<string, TemplateResource>;
  readonly Parameters?: Record<string, unknown>;
  readonly Outputs?: Record<string, unknown>;
  readonly Rules?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Metadata?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

export interface StackArtifact {
  /** Artifact id in the manifest (nested assemblies prefix it with their path). */
  readonly id: string;
  /** Name shown to users (`displayName`, e.g. `Stage/Stack`, else the id). */
  readonly displayName: string;
  /**
   * CloudFormation stack name (`properties.stackName`).
   *
   * @default - the artifact id
   */
  readonly stackName?: string;
  /** `aws://account/region` when the stack has one. */
  readonly account?: string;
  readonly region?: string;
  readonly template: Template;
  /** Template file, relative to the assembly directory; undefined for a template held in memory. */
  readonly templateFile?: string;
  /** Logical id → construct path (from the metadata file and `aws:cdk:path` resource metadata). */
  readonly paths: Readonly<Record<string, string>>;
  /** Stack tags (`properties.tags` of the manifest), when it has any. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** A file asset (zip or file) of the assembly, indexed by the S3 object key it is published under. */
export interface FileAsset {
  readonly hash: string;
  readonly displayName?: string;
  /** Directory or file, absolute. */
  readonly path: string;
  readonly packaging: string;
  readonly objectKeys: readonly string[];
  /** Files it holds (relative path → digest); a single-file asset has one entry named after the file. */
  readonly files: Readonly<Record<string, string>>;
}

/** A Docker image asset: one built service. */
export interface ImageAsset {
  readonly hash: string;
  /** CDK's display name; beanstack names image assets after the compose service. */
  readonly displayName?: string;
  readonly directory: string;
  readonly dockerFile?: string;
  readonly imageTags: readonly string[];
  readonly files: Readonly<Record<string, string>>;
}

/** One finding of a validation plugin (cdk-nag, CloudFormation Validate, …). */
export interface Finding {
  readonly plugin: string;
  readonly rule: string;
  readonly description: string;
  readonly severity: string;
  readonly constructPath: string;
  readonly logicalId?: string;
}

export interface Assembly {
  readonly directory: string;
  readonly stacks: readonly StackArtifact[];
  readonly fileAssets: readonly FileAsset[];
  readonly imageAssets: readonly ImageAsset[];
  /** Undefined when the assembly has no `validation-report.json`. */
  readonly findings?: readonly Finding[];
}

/** `rel` (a path a manifest names) under `dir`, which must stay inside the assembly's root directory. */
function join(root: string, dir: string, rel: string, what: string): string {
  const inside = (p: string): boolean => {
    const r = path.posix.normalize(root).replace(/\/+$/, '');
    return p === r || p.startsWith(`${r}/`) || (r === '.' && !p.startsWith('../') && p !== '..' && !path.posix.isAbsolute(p));
  };
  const joined = path.posix.normalize(`${dir.replace(/\/+$/, '')}/${rel}`);
  if (path.posix.isAbsolute(rel) || rel.includes('\0') || !inside(joined)) {
    throw new BeanstackError(`${what} '${rel}' is outside the cloud assembly ${root}`, {
      code: 'review/path-outside-assembly',
      fix: 'the review reads only files inside the assembly: synthesize it again with asset staging on (the default), and do not point manifests at other directories',
    });
  }
  return joined;
}

function readJson(reader: AssemblyReader, file: string, what: string): { value: unknown; text: string } | undefined {
  const text = reader.readFile(file);
  if (text === undefined) return undefined;
  try {
    return { value: JSON.parse(text), text };
  } catch (e) {
    throw new BeanstackError(`${file}: ${what} is not valid JSON (${(e as Error).message})`, {
      code: 'review/assembly-json',
      location: { file, line: 1, column: 1 },
      fix: 'synthesize the assembly again (cdk synth -o <dir>); the file is damaged',
    });
  }
}

function parseJson(reader: AssemblyReader, file: string, what: string): unknown {
  return readJson(reader, file, what)?.value;
}

type Json = Record<string, unknown>;

function fileDigests(reader: AssemblyReader, p: string): Record<string, string> {
  const out: Record<string, string> = {};
  const list = reader.listFiles(p);
  if (list !== undefined) {
    for (const rel of list) {
      const d = reader.digest(`${p}/${rel}`);
      if (d !== undefined) out[rel] = d;
    }
    return out;
  }
  const d = reader.digest(p);
  if (d !== undefined) out[p.slice(p.lastIndexOf('/') + 1)] = d;
  return out;
}

/**
 * Loads the assembly in `directory`. Throws a user error when the directory holds no `manifest.json`
 * (not a cloud assembly).
 */
export function loadAssembly(directory: string, reader: AssemblyReader): Assembly {
  const manifestFile = `${directory.replace(/\/+$/, '')}/manifest.json`;
  const manifest = parseJson(reader, manifestFile, 'the cloud assembly manifest');
  if (!isObject(manifest)) {
    throw new BeanstackError(`${directory} is not a cloud assembly: it has no manifest.json`, {
      code: 'review/not-an-assembly',
      fix: 'pass the output directory of `cdk synth -o <dir>` (cdk.out), or use --base-ref to synthesize the base commit',
    });
  }
  const stacks: StackArtifact[] = [];
  const fileAssets = new Map<string, FileAsset>();
  const imageAssets = new Map<string, ImageAsset>();
  readManifest({ root: directory, reader, stacks, fileAssets, imageAssets, seen: new Set([path.posix.normalize(directory).replace(/\/+$/, '')]) }, directory, manifest, '');

  let findings: Finding[] | undefined;
  const reportFile = `${directory.replace(/\/+$/, '')}/validation-report.json`;
  const report = parseJson(reader, reportFile, 'the validation report');
  if (isObject(report)) findings = readFindings(report);

  stacks.sort((a, b) => (a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : 0));
  return {
    directory,
    stacks,
    fileAssets: [...fileAssets.values()].sort((a, b) => (a.hash < b.hash ? -1 : 1)),
    imageAssets: [...imageAssets.values()].sort((a, b) => (a.hash < b.hash ? -1 : 1)),
    findings,
  };
}

/** What reading one assembly collects; `seen` holds the manifests read, so a nested assembly cannot loop. */
interface ReadContext {
  readonly root: string;
  readonly reader: AssemblyReader;
  readonly stacks: StackArtifact[];
  readonly fileAssets: Map<string, FileAsset>;
  readonly imageAssets: Map<string, ImageAsset>;
  readonly seen: Set<string>;
}

function readManifest(ctx: ReadContext, dir: string, manifest: Json, prefix: string): void {
  const { reader } = ctx;
  const artifacts = isObject(manifest.artifacts) ? manifest.artifacts : {};
  for (const id of Object.keys(artifacts).sort()) {
    const art = artifacts[id];
    if (!isObject(art)) continue;
    const props = isObject(art.properties) ? art.properties : {};
    if (art.type === 'aws:cloudformation:stack' && typeof props.templateFile === 'string') {
      const file = join(ctx.root, dir, props.templateFile, `the template file of stack ${id}`);
      const read = readJson(reader, file, `the template of stack ${id}`);
      const template = read?.value;
      if (!read || !isObject(template)) {
        throw new BeanstackError(`${file}: the template of stack ${id} is missing`, {
          code: 'review/template-missing',
          location: { file, line: 1, column: 1 },
          fix: 'synthesize the assembly again; it is incomplete',
        });
      }
      assertTemplateShape(template, read.text, file, id);
      const env = typeof art.environment === 'string' ? /^aws:\/\/([^/]*)\/(.*)$/.exec(art.environment) : null;
      const account = env && !env[1].startsWith('unknown') ? env[1] : undefined;
      const region = env && !env[2].startsWith('unknown') ? env[2] : undefined;
      ctx.stacks.push({
        id: prefix + id,
        displayName: typeof art.displayName === 'string' ? art.displayName : prefix + id,
        stackName: typeof props.stackName === 'string' ? props.stackName : id,
        ...(account ? { account } : {}),
        ...(region ? { region } : {}),
        template: template as Template,
        templateFile: props.templateFile,
        paths: logicalPaths(ctx, dir, art, template as Template),
        ...(isObject(props.tags) ? { tags: Object.fromEntries(Object.entries(props.tags).filter(([, v]) => typeof v === 'string')) as Record<string, string> } : {}),
      });
    } else if (art.type === 'cdk:asset-manifest' && typeof props.file === 'string') {
      const assets = parseJson(reader, join(ctx.root, dir, props.file, `asset manifest ${id}`), `asset manifest ${props.file}`);
      if (isObject(assets)) readAssets(ctx, dir, assets);
    } else if (art.type === 'cdk:cloud-assembly' && typeof props.directoryName === 'string') {
      const sub = join(ctx.root, dir, props.directoryName, `nested assembly ${id}`);
      if (ctx.seen.has(sub) || ctx.seen.size >= 100) continue;
      ctx.seen.add(sub);
      const nested = parseJson(reader, `${sub}/manifest.json`, `nested assembly ${props.directoryName}`);
      if (isObject(nested)) readManifest(ctx, sub, nested, `${prefix}${typeof props.displayName === 'string' ? props.displayName : id}/`);
    }
  }
}

function logicalPaths(ctx: ReadContext, dir: string, art: Json, template: Template): Record<string, string> {
  const out: Record<string, string> = {};
  const collect = (metadata: unknown): void => {
    if (!isObject(metadata)) return;
    for (const p of Object.keys(metadata)) {
      const entries = metadata[p];
      if (!Array.isArray(entries)) continue;
      for (const e of entries) {
        if (isObject(e) && e.type === 'aws:cdk:logicalId' && typeof e.data === 'string') out[e.data] = p.replace(/^\//, '');
      }
    }
  };
  collect(art.metadata);
  if (typeof art.additionalMetadataFile === 'string') {
    collect(parseJson(ctx.reader, join(ctx.root, dir, art.additionalMetadataFile, 'the stack metadata file'), 'stack metadata'));
  }
  for (const [id, p] of Object.entries(templatePaths(template))) if (out[id] === undefined) out[id] = p;
  return out;
}

/** Logical id → construct path, from the `aws:cdk:path` metadata of the template's resources. */
function templatePaths(template: Template): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    const p = isObject(r) && isObject(r.Metadata) ? r.Metadata['aws:cdk:path'] : undefined;
    if (typeof p === 'string') out[id] = p;
  }
  return out;
}

/** A stack given by its template in memory, e.g. the deployed template read from CloudFormation. */
export interface TemplateStack {
  readonly id: string;
  /** @default - the id */
  readonly displayName?: string;
  /** @default - the id */
  readonly stackName?: string;
  readonly account?: string;
  readonly region?: string;
  readonly template: Template;
}

/**
 * An assembly made of templates held in memory: no manifest, no assets, no validation report (the
 * deployed side of `beanstack diff --live`, the deployed stack of preflight's change check). `label`
 * stands where a directory would (`deployed stacks`). Each template's shape is checked as
 * `loadAssembly` checks a file's. `findings` stands for a validation report (none: findings are not compared).
 */
export function templatesAssembly(label: string, stacks: readonly TemplateStack[], options: { readonly findings?: readonly Finding[] } = {}): Assembly {
  const artifacts: StackArtifact[] = stacks.map((s) => {
    assertTemplateShape(s.template, JSON.stringify(s.template), `${label}: ${s.id}`, s.id);
    return {
      id: s.id,
      displayName: s.displayName ?? s.id,
      stackName: s.stackName ?? s.id,
      ...(s.account ? { account: s.account } : {}),
      ...(s.region ? { region: s.region } : {}),
      template: s.template,
      paths: templatePaths(s.template),
    };
  });
  artifacts.sort((a, b) => (a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : 0));
  return { directory: label, stacks: artifacts, fileAssets: [], imageAssets: [], ...(options.findings ? { findings: options.findings } : {}) };
}

function readAssets(ctx: ReadContext, dir: string, assets: Json): void {
  const { reader, fileAssets, imageAssets } = ctx;
  const files = isObject(assets.files) ? assets.files : {};
  for (const hash of Object.keys(files)) {
    const a = files[hash];
    if (!isObject(a) || !isObject(a.source) || typeof a.source.path !== 'string') continue;
    const objectKeys: string[] = [];
    if (isObject(a.destinations)) {
      for (const d of Object.values(a.destinations)) if (isObject(d) && typeof d.objectKey === 'string') objectKeys.push(d.objectKey);
    }
    const p = join(ctx.root, dir, a.source.path, `the source of file asset ${hash}`);
    fileAssets.set(hash, {
      hash,
      ...(typeof a.displayName === 'string' ? { displayName: a.displayName } : {}),
      path: p,
      packaging: typeof a.source.packaging === 'string' ? a.source.packaging : 'file',
      objectKeys: [...new Set(objectKeys)].sort(),
      // Templates are assets too; they are diffed as templates, not as files.
      files: a.source.path.endsWith('.template.json') ? {} : fileDigests(reader, p),
    });
  }
  const images = isObject(assets.dockerImages) ? assets.dockerImages : {};
  for (const key of Object.keys(images)) {
    const a = images[key];
    if (!isObject(a) || !isObject(a.source) || typeof a.source.directory !== 'string') continue;
    const tags: string[] = [];
    if (isObject(a.destinations)) {
      for (const d of Object.values(a.destinations)) if (isObject(d) && typeof d.imageTag === 'string') tags.push(d.imageTag);
    }
    const directory = join(ctx.root, dir, a.source.directory, `the build context of image asset ${key}`);
    const hash = tags[0] ?? key;
    imageAssets.set(key, {
      hash,
      ...(typeof a.displayName === 'string' ? { displayName: a.displayName } : {}),
      directory,
      ...(typeof a.source.dockerFile === 'string' ? { dockerFile: a.source.dockerFile } : {}),
      imageTags: [...new Set(tags)].sort(),
      files: fileDigests(reader, directory),
    });
  }
}

/** Reads `pluginReports[].violations[]`; acknowledged (suppressed) findings are not findings. */
export function readFindings(report: Json): Finding[] {
  const out: Finding[] = [];
  const plugins = Array.isArray(report.pluginReports) ? report.pluginReports : [];
  for (const p of plugins) {
    if (!isObject(p)) continue;
    const summary = isObject(p.summary) ? p.summary : {};
    const plugin = typeof p.pluginName === 'string' ? p.pluginName : typeof summary.pluginName === 'string' ? summary.pluginName : 'validation';
    for (const v of Array.isArray(p.violations) ? p.violations : []) {
      if (!isObject(v)) continue;
      const rule = typeof v.ruleName === 'string' ? v.ruleName : '(unnamed rule)';
      const description = typeof v.description === 'string' ? v.description : '';
      const severity = typeof v.severity === 'string' ? v.severity : 'warning';
      const constructs = Array.isArray(v.violatingConstructs) ? v.violatingConstructs : [];
      for (const c of constructs) {
        if (!isObject(c)) continue;
        const cfn = isObject(c.cloudFormationResource) ? c.cloudFormationResource : {};
        const logicalId = typeof cfn.logicalId === 'string' ? cfn.logicalId : typeof c.resourceLogicalId === 'string' ? c.resourceLogicalId : undefined;
        out.push({
          plugin,
          rule,
          description,
          severity,
          constructPath: typeof c.constructPath === 'string' ? c.constructPath : '',
          ...(logicalId ? { logicalId } : {}),
        });
      }
    }
  }
  return out;
}
