/**
 * Writing a bundle directory, and comparing one on disk with a description (`dockerrun --check`).
 *
 * Writing is all or nothing: every file goes into a fresh temporary directory next to the target,
 * which then replaces the target by rename. A failure leaves the previous bundle untouched and no
 * half-written directory behind. Shipped directories are copied without `.env` files (Beanstalk
 * writes its own, and the bundle must never carry secrets).
 */
import * as fs from 'fs';
import * as path from 'path';
import { BundleError } from '../errors';
import type { BundleDescription, BundleFile } from '../bundle/types';

/** Files never copied out of a shipped directory. */
const SKIPPED_NAMES = new Set(['.env', '.git', 'node_modules']);

/** Names that mark a directory as a bundle beanstack may replace. */
const BUNDLE_MARKERS = ['Dockerrun.aws.json', 'docker-compose.yml'];

export interface WriteBundleOptions {
  /** Absolute project directory: the bundle must not be it, contain it, or hold compose sources. */
  readonly projectDirectory?: string;
  /**
   * Files the deployment adds to what the converter wrote, e.g. the HTTPS redirect of an environment
   * with a certificate (`environmentBundleFiles` of the constructs).
   *
   * @default - none
   */
  readonly extraFiles?: readonly { readonly path: string; readonly content: string }[];
}

export interface WriteBundleResult {
  /** Bundle paths written, sorted. */
  readonly written: readonly string[];
  /** Paths inside shipped directories that were left out (`.env`, `.git`, `node_modules`). */
  readonly skipped: readonly string[];
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Refuses output directories that would destroy something that is not a bundle. */
export function checkOutputDirectory(outDir: string, description: BundleDescription, options: WriteBundleOptions = {}): void {
  const out = path.resolve(outDir);
  if (options.projectDirectory && isInside(path.resolve(options.projectDirectory), out)) {
    throw new BundleError(`--out ${outDir} is the project directory or contains it; the bundle directory is replaced as a whole`, {
      code: 'bundle/out-directory',
      fix: 'write the bundle into its own directory, e.g. --out eb-bundle',
    });
  }
  for (const f of description.files) {
    if ('sourcePath' in f && isInside(out, path.resolve(f.sourcePath))) {
      throw new BundleError(`--out ${outDir} lies inside ${f.sourcePath}, which the bundle ships; the copy would contain itself`, {
        code: 'bundle/out-directory',
        fix: 'choose an output directory outside the shipped directories',
      });
    }
  }
  if (fs.existsSync(out)) {
    if (!fs.statSync(out).isDirectory()) {
      throw new BundleError(`--out ${outDir} exists and is not a directory`, { code: 'bundle/out-directory', fix: 'remove it or choose another --out' });
    }
    const entries = fs.readdirSync(out);
    if (entries.length > 0 && !BUNDLE_MARKERS.some((m) => entries.includes(m))) {
      throw new BundleError(`--out ${outDir} is not empty and holds no Dockerrun.aws.json or docker-compose.yml, so it does not look like a bundle beanstack wrote`, {
        code: 'bundle/out-directory',
        fix: 'choose an empty or new directory for the bundle',
      });
    }
  }
}

function copyTree(source: string, dest: string, rel: string, written: string[], skipped: string[], seen: Set<string> = new Set()): void {
  const stat = fs.statSync(source);
  if (stat.isDirectory()) {
    // a symbolic link back up the tree would copy forever
    const real = fs.realpathSync(source);
    if (seen.has(real)) {
      skipped.push(rel);
      return;
    }
    seen.add(real);
    fs.mkdirSync(dest, { recursive: true });
    for (const name of fs.readdirSync(source).sort()) {
      const childRel = `${rel}/${name}`;
      if (SKIPPED_NAMES.has(name)) {
        skipped.push(childRel);
        continue;
      }
      copyTree(path.join(source, name), path.join(dest, name), childRel, written, skipped, new Set(seen));
    }
  } else {
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(source, dest);
    written.push(rel);
  }
}

function writeOne(root: string, f: BundleFile, written: string[], skipped: string[]): void {
  if (path.posix.isAbsolute(f.path) || f.path.split('/').includes('..')) {
    throw new BundleError(`bundle path ${f.path} leaves the bundle directory`, { code: 'bundle/invalid-output' });
  }
  const dest = path.join(root, ...f.path.split('/'));
  if ('content' in f) {
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, f.content);
    written.push(f.path);
    return;
  }
  if (!fs.existsSync(f.sourcePath)) {
    throw new BundleError(`${f.sourcePath} is mounted by the compose file and shipped in the bundle, but does not exist`, {
      code: 'bundle/missing-shipped-file',
      ...(f.location ? { location: f.location } : {}),
      fix: `create ${f.path} in the project, or remove the mount`,
    });
  }
  copyTree(f.sourcePath, dest, f.path, written, skipped);
}

/** Writes the bundle into `outDir`, replacing a previous bundle there atomically. */
export function writeBundle(description: BundleDescription, outDir: string, options: WriteBundleOptions = {}): WriteBundleResult {
  const out = path.resolve(outDir);
  checkOutputDirectory(out, description, options);
  try {
    return writeAtomically({ ...description, files: [...description.files, ...(options.extraFiles ?? [])] }, out);
  } catch (e) {
    throw asWriteError(e, outDir);
  }
}

/** File-system failures (permissions, a read-only or full disk, a file in the way) are user errors naming --out. */
function asWriteError(e: unknown, outDir: string): unknown {
  const err = e as NodeJS.ErrnoException;
  if (e instanceof BundleError || typeof err?.code !== 'string' || !/^E[A-Z]+$/.test(err.code)) return e;
  const where = err.path ? ` (${err.path})` : '';
  return new BundleError(`cannot write the bundle to --out ${outDir}: ${err.code}${where}`, {
    code: 'bundle/write-failed',
    fix: err.code === 'EACCES' || err.code === 'EPERM' || err.code === 'EROFS'
      ? 'choose a directory you can write to, e.g. --out eb-bundle'
      : err.code === 'ENOSPC' ? 'free disk space and run again'
        : (err.code === 'EEXIST' || err.code === 'ENOTDIR') && err.path ? `${err.path} is a file where --out needs a directory; move it or choose another --out`
          : 'check that the parent directory of --out exists and is a writable directory',
  });
}

function writeAtomically(description: BundleDescription, out: string): WriteBundleResult {
  const parent = path.dirname(out);
  fs.mkdirSync(parent, { recursive: true });
  const temp = fs.mkdtempSync(path.join(parent, `.${path.basename(out)}.tmp-`));
  const written: string[] = [];
  const skipped: string[] = [];
  try {
    for (const f of description.files) writeOne(temp, f, written, skipped);
    let old: string | undefined;
    if (fs.existsSync(out)) {
      old = `${temp}.old`;
      fs.renameSync(out, old);
    }
    try {
      fs.renameSync(temp, out);
    } catch (e) {
      if (old) fs.renameSync(old, out);
      throw e;
    }
    if (old) fs.rmSync(old, { recursive: true, force: true });
  } catch (e) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw e;
  }
  return { written: written.sort(), skipped: skipped.sort() };
}

function listTree(root: string, rel = ''): string[] {
  const dir = rel ? path.join(root, ...rel.split('/')) : root;
  const out: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const childRel = rel ? `${rel}/${name}` : name;
    if (fs.statSync(path.join(dir, name)).isDirectory()) out.push(...listTree(root, childRel));
    else out.push(childRel);
  }
  return out;
}

/** One difference between a description and the bundle on disk. */
export interface BundleDifference {
  readonly path: string;
  readonly kind: 'missing' | 'changed' | 'extra';
}

/**
 * Compares the bundle in `outDir` with what `description` would write. Returns the differences,
 * sorted by path (empty: up to date).
 */
export function diffBundle(description: BundleDescription, outDir: string): BundleDifference[] {
  const out = path.resolve(outDir);
  const expected = new Map<string, Buffer>();
  const addTree = (source: string, rel: string, seen: Set<string> = new Set()) => {
    const stat = fs.statSync(source);
    if (stat.isDirectory()) {
      const real = fs.realpathSync(source);
      if (seen.has(real)) return;
      const next = new Set(seen).add(real);
      for (const name of fs.readdirSync(source).sort()) if (!SKIPPED_NAMES.has(name)) addTree(path.join(source, name), `${rel}/${name}`, next);
    } else {
      expected.set(rel, fs.readFileSync(source));
    }
  };
  for (const f of description.files) {
    if ('content' in f) expected.set(f.path, Buffer.from(f.content));
    else if (fs.existsSync(f.sourcePath)) addTree(f.sourcePath, f.path);
    else expected.set(f.path, Buffer.from(`\u0000missing source ${f.sourcePath}`));
  }
  const diffs: BundleDifference[] = [];
  const actual = fs.existsSync(out) && fs.statSync(out).isDirectory() ? new Set(listTree(out)) : new Set<string>();
  for (const [p, bytes] of expected) {
    if (!actual.has(p)) diffs.push({ path: p, kind: 'missing' });
    else if (!fs.readFileSync(path.join(out, ...p.split('/'))).equals(bytes)) diffs.push({ path: p, kind: 'changed' });
  }
  for (const p of actual) if (!expected.has(p)) diffs.push({ path: p, kind: 'extra' });
  return diffs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
