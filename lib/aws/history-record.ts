/**
 * The deployment record of `beanstack deploy`, pure (no SDK, no process): what is recorded (git
 * commit, dirty flag, beanstack version, image digests, the compose files' sha256), how it is
 * written into the application version's tags and description in Elastic Beanstalk itself (no new
 * infrastructure), and read back by `beanstack history` and `beanstack rollback --to`.
 *
 * Why tags: `AWS::ElasticBeanstalk::ApplicationVersion` has no label or tag property in
 * CloudFormation — the label is generated (`<stack>-appversion<id>-<random>`) and the description
 * is `bundle <hash>` — so the deploy wrapper adds the record after `cdk deploy` with
 * `UpdateTagsForResource` and `UpdateApplicationVersion` (description). Tag limits (Elastic
 * Beanstalk): 50 tags, keys ≤ 128 and values ≤ 256 characters of letters, digits, spaces and
 * `_ . : / = + - @`; a description ≤ 200 characters.
 */
import { createHash } from 'crypto';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';

/** Stack metadata (manifest) entry, written by the CDK app: the compose files and their sha256. */
export const COMPOSE_FILES_METADATA = 'beanstack:compose-files';

const PREFIX = 'beanstack:';
const KEY = {
  commit: `${PREFIX}commit`,
  dirty: `${PREFIX}dirty`,
  version: `${PREFIX}version`,
  deployedAt: `${PREFIX}deployed-at`,
  truncated: `${PREFIX}truncated`,
  image: `${PREFIX}image:`,
  compose: `${PREFIX}compose:`,
} as const;
const MAX_TAGS = 50;
const MAX_KEY = 128;
const MAX_VALUE = 256;
const MAX_DESCRIPTION = 200;

export interface RecordedImage {
  /** The container (Dockerrun) or service (compose bundle) name. */
  readonly name: string;
  /** The image reference of the bundle. */
  readonly ref: string;
  /** The registry digest (`sha256:…`), when known. */
  readonly digest?: string;
}

export interface ComposeFileHash {
  /** Path relative to the directory the app was synthesized in, with `/`. */
  readonly file: string;
  readonly sha256: string;
}

export interface DeploymentRecord {
  /** The git commit (40 hex digits), or undefined outside a git work tree. */
  readonly commit?: string;
  /** Uncommitted changes (tracked or untracked files) at deploy time. */
  readonly dirty?: boolean;
  readonly beanstackVersion: string;
  /** ISO 8601. */
  readonly deployedAt: string;
  readonly images: readonly RecordedImage[];
  readonly composeFiles: readonly ComposeFileHash[];
  /** Images or compose files left out to stay within 50 tags. */
  readonly truncated?: number;
}

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

/** Replaces the characters tags refuse and keeps the end of an over-long text (its most specific part). */
function tagText(text: string, max: number): string {
  const clean = text.replace(/[^\p{L}\p{N} _.:/=+\-@]/gu, '_');
  return clean.length <= max ? clean : clean.slice(clean.length - max);
}

/** `ref@digest` (docker accepts `name:tag@sha256:…`), or the digest alone when that is too long. */
function imageValue(i: RecordedImage): string {
  if (!i.digest || pinnedDigest(i.ref) !== undefined) return tagText(i.ref, MAX_VALUE);
  const both = `${i.ref}@${i.digest}`;
  return both.length <= MAX_VALUE ? both : i.digest;
}

/** The tags of a record, in a fixed order; within 50 tags (the rest counted in `beanstack:truncated`). */
export function recordTags(r: DeploymentRecord): Tag[] {
  const fixed: Tag[] = [
    { Key: KEY.commit, Value: r.commit ?? 'none' },
    { Key: KEY.dirty, Value: r.dirty === undefined ? 'unknown' : String(r.dirty) },
    { Key: KEY.version, Value: tagText(r.beanstackVersion, MAX_VALUE) },
    { Key: KEY.deployedAt, Value: r.deployedAt },
  ];
  const items: Tag[] = [
    ...r.images.map((i) => ({ Key: `${KEY.image}${tagText(i.name, MAX_KEY - KEY.image.length)}`, Value: imageValue(i) })),
    ...r.composeFiles.map((f) => ({ Key: `${KEY.compose}${tagText(f.file, MAX_KEY - KEY.compose.length)}`, Value: f.sha256 })),
  ];
  const room = MAX_TAGS - fixed.length - 1;
  if (items.length <= room + 1) return [...fixed, ...items];
  return [...fixed, ...items.slice(0, room), { Key: KEY.truncated, Value: String(items.length - room) }];
}

/** The record in a version's tags, or undefined when beanstack did not record this version. */
export function recordFromTags(tags: ReadonlyArray<{ readonly Key?: string; readonly Value?: string }>): DeploymentRecord | undefined {
  const map = new Map<string, string>();
  for (const t of tags) if (t.Key !== undefined && t.Value !== undefined) map.set(t.Key, t.Value);
  const deployedAt = map.get(KEY.deployedAt);
  if (deployedAt === undefined) return undefined;
  const commit = map.get(KEY.commit);
  const dirty = map.get(KEY.dirty);
  const images: RecordedImage[] = [];
  const composeFiles: ComposeFileHash[] = [];
  for (const [k, v] of [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (k.startsWith(KEY.image)) {
      const at = v.lastIndexOf('@sha256:');
      const name = k.slice(KEY.image.length);
      if (v.startsWith('sha256:')) images.push({ name, ref: v, digest: v });
      else if (at >= 0) images.push({ name, ref: v.slice(0, at), digest: v.slice(at + 1) });
      else images.push({ name, ref: v });
    } else if (k.startsWith(KEY.compose)) {
      composeFiles.push({ file: k.slice(KEY.compose.length), sha256: v });
    }
  }
  const truncated = Number(map.get(KEY.truncated));
  return {
    ...(commit !== undefined && commit !== 'none' ? { commit } : {}),
    ...(dirty === 'true' || dirty === 'false' ? { dirty: dirty === 'true' } : {}),
    beanstackVersion: map.get(KEY.version) ?? '?',
    deployedAt,
    images,
    composeFiles,
    ...(Number.isInteger(truncated) && truncated > 0 ? { truncated } : {}),
  };
}

/** `git 1a2b3c4d5e6f (dirty), beanstack 0.1.0, 3 images` after what the version said (≤ 200 characters). */
export function recordDescription(r: DeploymentRecord, previous: string | undefined): string {
  const git = r.commit ? `git ${r.commit.slice(0, 12)}${r.dirty ? ' (dirty)' : ''}` : 'no git commit';
  const ours = `${git}, beanstack ${r.beanstackVersion}, ${r.images.length} image${r.images.length === 1 ? '' : 's'}`;
  const before = (previous ?? '').replace(/ · git .*$| · no git commit.*$/, '');
  const text = before ? `${before} · ${ours}` : ours;
  return text.length <= MAX_DESCRIPTION ? text : ours.slice(0, MAX_DESCRIPTION);
}

/** The sha256 of each compose file, paths relative to `cwd` with `/`, in the given order. */
export function composeFileHashes(files: readonly string[], cwd: string, read: (file: string) => Buffer): ComposeFileHash[] {
  return files.map((file) => ({
    file: path.relative(cwd, file).split(path.sep).join('/') || path.basename(file),
    sha256: createHash('sha256').update(read(file)).digest('hex'),
  }));
}

/** Reads a file of the assembly, or undefined. */
export type AssemblyReader = (file: string) => string | undefined;

/** The compose-file hashes the CDK app put into the stack's metadata, or [] when none. */
export function composeFilesFromAssembly(assemblyDir: string, artifactId: string, read: AssemblyReader): ComposeFileHash[] {
  const manifest = JSON.parse(read(path.join(assemblyDir, 'manifest.json')) ?? '{}') as {
    artifacts?: Record<string, { metadata?: Record<string, MetadataEntry[]>; additionalMetadataFile?: string }>;
  };
  const artifact = manifest.artifacts?.[artifactId];
  if (!artifact) return [];
  const extra = artifact.additionalMetadataFile ? read(path.join(assemblyDir, artifact.additionalMetadataFile)) : undefined;
  const metadata: Record<string, MetadataEntry[]> = { ...(artifact.metadata ?? {}), ...(extra ? JSON.parse(extra) : {}) };
  for (const entries of Object.values(metadata)) {
    const entry = entries.find((e) => e.type === COMPOSE_FILES_METADATA);
    if (entry && Array.isArray(entry.data)) return entry.data as ComposeFileHash[];
  }
  return [];
}

interface MetadataEntry {
  readonly type: string;
  readonly data?: unknown;
}

/**
 * The images of a source bundle directory: Dockerrun v2 (`containerDefinitions[].image`), Dockerrun
 * v1 (`Image.Name`, container `app`) or a production compose file (`services.*.image`). Sorted by name.
 */
export function bundleImages(bundleDir: string, read: AssemblyReader): Array<{ readonly name: string; readonly ref: string }> {
  const out: Array<{ name: string; ref: string }> = [];
  const dockerrun = read(path.join(bundleDir, 'Dockerrun.aws.json'));
  if (dockerrun !== undefined) {
    const doc = JSON.parse(dockerrun) as { containerDefinitions?: Array<{ name?: string; image?: string }>; Image?: { Name?: string } };
    for (const c of doc.containerDefinitions ?? []) if (c.name && c.image) out.push({ name: c.name, ref: c.image });
    if (doc.Image?.Name) out.push({ name: 'app', ref: doc.Image.Name });
  } else {
    const compose = read(path.join(bundleDir, 'docker-compose.yml'));
    const doc = compose !== undefined ? (parseYaml(compose) as { services?: Record<string, { image?: string }> } | null) : undefined;
    for (const [name, svc] of Object.entries(doc?.services ?? {})) if (svc?.image) out.push({ name, ref: svc.image });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The digest a reference pins (`…@sha256:…`), if any. */
export function pinnedDigest(ref: string): string | undefined {
  const at = ref.lastIndexOf('@sha256:');
  return at >= 0 ? ref.slice(at + 1) : undefined;
}
