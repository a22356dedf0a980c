/**
 * The content hash of an image build: the files the build context sends (after `.dockerignore`),
 * the Dockerfile, target, build args, platform and the ids of the local base images. Equal hashes
 * mean the build would produce the same image, so `beanstack local` tags images by it and skips
 * builds whose tag already exists.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { isIgnored, readIgnoreFile } from '../io/ignore';

export { isIgnored, parseDockerignore, patternToRegex } from '../io/ignore';

/** The context-relative paths a build sends, sorted, with `.dockerignore` applied. */
export function contextFiles(context: string): string[] {
  const rules = readIgnoreFile(path.join(context, '.dockerignore'));
  const out: string[] = [];
  const walk = (dir: string, relDir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      const ignored = isIgnored(rel, rules);
      if (entry.isDirectory()) {
        // a negated rule may re-include something below an ignored directory
        if (!ignored || rules.some((r) => r.negate)) walk(path.join(dir, entry.name), rel);
      } else if (!ignored) out.push(rel);
    }
  };
  walk(context, '');
  return out;
}

/** The external base images of a Dockerfile (`FROM` lines that name neither a stage nor `scratch`), with ARG defaults and build args substituted. */
export function baseImages(dockerfile: string, args: Readonly<Record<string, string>>): string[] {
  const vars: Record<string, string> = {};
  const stages = new Set<string>();
  const images: string[] = [];
  const text = dockerfile.replace(/\\\r?\n/g, ' ');
  let seenFrom = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const arg = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(\S*))?/i.exec(line);
    if (arg && !seenFrom) {
      vars[arg[1]] = args[arg[1]] ?? (arg[2] ?? '').replace(/^["']|["']$/g, '');
      continue;
    }
    const from = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (!from) continue;
    seenFrom = true;
    const image = from[1].replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, n: string) => vars[n] ?? '');
    if (image !== 'scratch' && !stages.has(image.toLowerCase())) images.push(image);
    if (from[2]) stages.add(from[2].toLowerCase());
  }
  return [...new Set(images)];
}

export interface HashInput {
  readonly context: string;
  readonly dockerfile: string;
  readonly target?: string;
  readonly args: Readonly<Record<string, string>>;
  readonly platform: string;
  /** Base image reference → local image id (or `undefined` when it is not local). */
  readonly baseImageIds: Readonly<Record<string, string | undefined>>;
}

/** The content hash (hex sha256) of a build. */
export function contentHash(input: HashInput): string {
  const h = createHash('sha256');
  const field = (name: string, value: string) => h.update(`${name}\0${value}\0`);
  field('format', 'beanstack-content-hash-1');
  const dockerfilePath = path.resolve(input.context, input.dockerfile);
  field('dockerfile', fs.readFileSync(dockerfilePath, 'utf8'));
  field('target', input.target ?? '');
  field('platform', input.platform);
  for (const k of Object.keys(input.args).sort()) field(`arg:${k}`, input.args[k]);
  for (const k of Object.keys(input.baseImageIds).sort()) field(`base:${k}`, input.baseImageIds[k] ?? 'not-local');
  for (const rel of contextFiles(input.context)) {
    const abs = path.join(input.context, rel);
    const st = fs.lstatSync(abs);
    if (st.isSymbolicLink()) field(`link:${rel}`, fs.readlinkSync(abs));
    else if (st.isFile()) {
      field(`file:${rel}`, (st.mode & 0o111) !== 0 ? 'x' : '-');
      h.update(createHash('sha256').update(fs.readFileSync(abs)).digest());
    }
  }
  return h.digest('hex');
}
