/**
 * Reads a CDK cloud assembly (a `cdk.out` directory) into plain data: every stack's template and
 * environment, the logical-id → construct-path map, the file and Docker image assets with a digest of
 * each file they hold, and the findings of `validation-report.json`.
 *
 * Pure: every file is read through the injected `AssemblyReader`; nothing here touches the disk.
 */
import { BeanstackError } from '../errors';

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
  /** Template file, relative to the assembly directory. */
  readonly templateFile: string;
  /** Logical id → construct path (from the metadata file and `aws:cdk:path` resource metadata). */
  readonly paths: Readonly<Record<string, string>>;
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

function join(dir: string, rel: string): string {
  if (rel.startsWith('/')) return rel;
  return dir.endsWith('/') ? dir + rel : `${dir}/${rel}`;
}

function parseJson(reader: AssemblyReader, file: string, what: string): unknown {
  const text = reader.readFile(file);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BeanstackError(`${file}: ${what} is not valid JSON (${(e as Error).message})`, {
      code: 'review/assembly-json',
      location: { file, line: 1, column: 1 },
      fix: 'synthesize the assembly again (cdk synth -o <dir>); the file is damaged',
    });
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function fileDigests(reader: AssemblyReader, p: string): Record<string, string> {
  const out: Record<string, string> = {};
  const list = reader.listFiles(p);
  if (list !== undefined) {
    for (const rel of list) {
      const d = reader.digest(join(p, rel));
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
  const manifestFile = join(directory, 'manifest.json');
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
  readManifest(directory, manifest, '', reader, stacks, fileAssets, imageAssets);

  let findings: Finding[] | undefined;
  const reportFile = join(directory, 'validation-report.json');
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

function readManifest(
  dir: string,
  manifest: Json,
  prefix: string,
  reader: AssemblyReader,
  stacks: StackArtifact[],
  fileAssets: Map<string, FileAsset>,
  imageAssets: Map<string, ImageAsset>,
): void {
  const artifacts = isObject(manifest.artifacts) ? manifest.artifacts : {};
  for (const id of Object.keys(artifacts).sort()) {
    const art = artifacts[id];
    if (!isObject(art)) continue;
    const props = isObject(art.properties) ? art.properties : {};
    if (art.type === 'aws:cloudformation:stack' && typeof props.templateFile === 'string') {
      const file = join(dir, props.templateFile);
      const template = parseJson(reader, file, `the template of stack ${id}`);
      if (!isObject(template)) {
        throw new BeanstackError(`${file}: the template of stack ${id} is missing`, {
          code: 'review/template-missing',
          location: { file, line: 1, column: 1 },
          fix: 'synthesize the assembly again; it is incomplete',
        });
      }
      const env = typeof art.environment === 'string' ? /^aws:\/\/([^/]*)\/(.*)$/.exec(art.environment) : null;
      const account = env && !env[1].startsWith('unknown') ? env[1] : undefined;
      const region = env && !env[2].startsWith('unknown') ? env[2] : undefined;
      stacks.push({
        id: prefix + id,
        displayName: typeof art.displayName === 'string' ? art.displayName : prefix + id,
        stackName: typeof props.stackName === 'string' ? props.stackName : id,
        ...(account ? { account } : {}),
        ...(region ? { region } : {}),
        template: template as Template,
        templateFile: props.templateFile,
        paths: logicalPaths(dir, art, template as Template, reader),
      });
    } else if (art.type === 'cdk:asset-manifest' && typeof props.file === 'string') {
      const assets = parseJson(reader, join(dir, props.file), `asset manifest ${props.file}`);
      if (isObject(assets)) readAssets(dir, assets, reader, fileAssets, imageAssets);
    } else if (art.type === 'cdk:cloud-assembly' && typeof props.directoryName === 'string') {
      const sub = join(dir, props.directoryName);
      const nested = parseJson(reader, join(sub, 'manifest.json'), `nested assembly ${props.directoryName}`);
      if (isObject(nested)) readManifest(sub, nested, `${prefix}${props.displayName ?? id}/`, reader, stacks, fileAssets, imageAssets);
    }
  }
}

function logicalPaths(dir: string, art: Json, template: Template, reader: AssemblyReader): Record<string, string> {
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
    collect(parseJson(reader, join(dir, art.additionalMetadataFile), 'stack metadata'));
  }
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    const p = isObject(r) && isObject(r.Metadata) ? r.Metadata['aws:cdk:path'] : undefined;
    if (typeof p === 'string' && out[id] === undefined) out[id] = p;
  }
  return out;
}

function readAssets(dir: string, assets: Json, reader: AssemblyReader, fileAssets: Map<string, FileAsset>, imageAssets: Map<string, ImageAsset>): void {
  const files = isObject(assets.files) ? assets.files : {};
  for (const hash of Object.keys(files)) {
    const a = files[hash];
    if (!isObject(a) || !isObject(a.source) || typeof a.source.path !== 'string') continue;
    const objectKeys: string[] = [];
    if (isObject(a.destinations)) {
      for (const d of Object.values(a.destinations)) if (isObject(d) && typeof d.objectKey === 'string') objectKeys.push(d.objectKey);
    }
    const p = join(dir, a.source.path);
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
    const directory = join(dir, a.source.directory);
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
