/**
 * Writing a bundle directory, and comparing one on disk with a description (`dockerrun --check`).
 *
 * Writing is all or nothing: every file goes into a fresh temporary directory next to the target,
 * which then replaces the target by rename. A failure leaves the previous bundle untouched and no
 * half-written directory behind. One writer at a time per target (a lock file next to it); what a
 * writer that was killed left behind is removed by the next one.
 *
 * The target is replaced only when beanstack wrote it: every bundle carries the marker file
 * `.beanstack-bundle`, and a non-empty directory without it is refused.
 *
 * Shipped directories are copied as `shipped-files.ts` lists them: only from inside the project
 * (links resolved), only regular files, without what the deny-list names (`.env*`, `.npmrc`, keys,
 * `.git`, ... and the project's `.beanstackignore`). Files are copied from the descriptor that was
 * checked, with mode 0644 or 0755 (deterministic bundles).
 *
 * `withStagingBundle` is the CDK construct's: the bundle is written for an asset to stage its copy
 * from, then removed, so it lands once in the cloud assembly.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BundleError } from '../errors';
import type { BundleDescription, BundleFile } from '../bundle/types';
import { listShipped, ShipContext, shipContext, ShippedEntry } from './shipped-files';
import { digestDescriptor, openRegular, sha256Hex } from './regular-file';
import { isInside } from '../util/inside';

/** The marker file of a bundle beanstack wrote (and may replace). */
export const BUNDLE_MARKER = '.beanstack-bundle';

/** The marker's text (fixed: bundles are deterministic). */
export const BUNDLE_MARKER_TEXT = 'This directory is a bundle written by beanstack. beanstack replaces it as a whole each time it\nwrites the bundle (dockerrun --out, local, the ComposeApplication construct): keep no other files here.\n';

export interface WriteBundleOptions {
  /** Absolute project directory: the bundle must not be it or contain it, and ships nothing from outside it. */
  readonly projectDirectory?: string;
  /**
   * Files the deployment adds to what the converter wrote, e.g. the HTTPS redirect of an environment
   * with a certificate (`environmentBundleFiles` of the constructs).
   *
   * @default - none
   */
  readonly extraFiles?: readonly { readonly path: string; readonly content: string }[];
  /** Files the bundle is made from (compose files, env files): the bundle directory must not contain them. */
  readonly sourceFiles?: readonly string[];
}

export interface WriteBundleResult {
  /** Bundle paths written, sorted (the marker file not included). */
  readonly written: readonly string[];
  /** Paths inside shipped directories that were left out (the deny-list, `.beanstackignore`, links in a cycle). */
  readonly skipped: readonly string[];
}

/** Refuses output directories that would destroy something that is not a bundle beanstack wrote. */
export function checkOutputDirectory(outDir: string, description: BundleDescription, options: WriteBundleOptions = {}): void {
  const out = path.resolve(outDir);
  if (options.projectDirectory && isInside(path.resolve(options.projectDirectory), out)) {
    throw new BundleError(`--out ${outDir} is the project directory or contains it; the bundle directory is replaced as a whole`, {
      code: 'bundle/out-directory',
      fix: 'write the bundle into its own directory, e.g. --out eb-bundle',
    });
  }
  for (const source of options.sourceFiles ?? []) {
    if (isInside(path.resolve(source), out)) {
      throw new BundleError(`--out ${outDir} holds ${source}, which the bundle is made from; the bundle directory is replaced as a whole`, {
        code: 'bundle/out-directory',
        fix: 'write the bundle into its own directory, e.g. --out eb-bundle',
      });
    }
  }
  for (const f of description.files) {
    if ('sourcePath' in f && isInside(out, path.resolve(f.sourcePath))) {
      throw new BundleError(`--out ${outDir} lies inside ${f.sourcePath}, which the bundle ships; the copy would contain itself`, {
        code: 'bundle/out-directory',
        fix: 'choose an output directory outside the shipped directories',
      });
    }
  }
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(out);
  } catch {
    return;
  }
  if (!st.isDirectory()) {
    throw new BundleError(`--out ${outDir} exists and is not a directory`, { code: 'bundle/out-directory', fix: 'remove it or choose another --out' });
  }
  const entries = fs.readdirSync(out);
  if (entries.length > 0 && !isMarker(path.join(out, BUNDLE_MARKER))) {
    throw new BundleError(`--out ${outDir} is not empty and has no ${BUNDLE_MARKER} marker, so beanstack did not write it; the bundle directory is replaced as a whole`, {
      code: 'bundle/out-directory',
      fix: `choose a new or empty directory for the bundle, e.g. --out eb-bundle (a bundle written by an older beanstack has no marker: check what is in ${outDir}, remove it and run again)`,
    });
  }
}

function isMarker(file: string): boolean {
  try {
    return fs.lstatSync(file).isFile();
  } catch {
    return false;
  }
}

/** The shipping context of a description's shipped file: the project's, else the file's own directory. */
function contextFor(options: WriteBundleOptions, cache: Map<string, ShipContext>, sourcePath: string): ShipContext {
  const root = options.projectDirectory ?? path.dirname(path.resolve(sourcePath));
  let ctx = cache.get(root);
  if (!ctx) {
    ctx = shipContext(root);
    cache.set(root, ctx);
  }
  return ctx;
}

/** Everything the description ships, listed and checked before anything is written. */
function listAll(description: BundleDescription, options: WriteBundleOptions): { shipped: Map<BundleFile, ShippedEntry[]>; skipped: string[] } {
  const cache = new Map<string, ShipContext>();
  const shipped = new Map<BundleFile, ShippedEntry[]>();
  const skipped: string[] = [];
  for (const f of description.files) {
    if (f.path === BUNDLE_MARKER) throw new BundleError(`a bundle file is named ${BUNDLE_MARKER}, the marker beanstack writes`, { code: 'bundle/invalid-output' });
    if (!('sourcePath' in f)) continue;
    const listing = listShipped(f, contextFor(options, cache, f.sourcePath));
    shipped.set(f, listing.entries);
    skipped.push(...listing.skipped);
  }
  return { shipped, skipped };
}

/** Copies a regular file from the descriptor that is checked to be one (mode 0644, or 0755 when executable). */
function copyRegular(source: string, dest: string, executable: boolean): void {
  const f = openRegular(source);
  if (f.kind !== 'file') throw new BundleError(`${source} is no longer a regular file`, { code: 'bundle/not-a-file', fix: 'run again when nothing changes the project' });
  const mode = executable ? 0o755 : 0o644;
  const out = fs.openSync(dest, 'wx', mode);
  try {
    const buf = Buffer.allocUnsafe(Math.min(1024 * 1024, Math.max(1, f.size)));
    for (;;) {
      const n = fs.readSync(f.fd, buf, 0, buf.length, null);
      if (n === 0) break;
      fs.writeSync(out, buf, 0, n);
    }
    fs.fchmodSync(out, mode);
  } finally {
    fs.closeSync(out);
    fs.closeSync(f.fd);
  }
}

function writeOne(root: string, f: BundleFile, entries: readonly ShippedEntry[] | undefined, written: string[]): void {
  if (path.posix.isAbsolute(f.path) || f.path.split('/').includes('..')) {
    throw new BundleError(`bundle path ${f.path} leaves the bundle directory`, { code: 'bundle/invalid-output' });
  }
  const dest = (rel: string) => path.join(root, ...rel.split('/'));
  if ('content' in f) {
    fs.mkdirSync(path.dirname(dest(f.path)), { recursive: true });
    fs.writeFileSync(dest(f.path), f.content, { mode: 0o644 });
    written.push(f.path);
    return;
  }
  for (const e of entries ?? []) {
    if (e.kind === 'directory') {
      fs.mkdirSync(dest(e.rel), { recursive: true, mode: 0o755 });
    } else {
      fs.mkdirSync(path.dirname(dest(e.rel)), { recursive: true, mode: 0o755 });
      copyRegular(e.source, dest(e.rel), e.executable);
      written.push(e.rel);
    }
  }
}

/** Writes the bundle into `outDir`, replacing a previous bundle there atomically. */
export function writeBundle(description: BundleDescription, outDir: string, options: WriteBundleOptions = {}): WriteBundleResult {
  const out = path.resolve(outDir);
  checkOutputDirectory(out, description, options);
  try {
    return writeAtomically({ ...description, files: [...description.files, ...(options.extraFiles ?? [])] }, out, options);
  } catch (e) {
    throw asWriteError(e, outDir);
  }
}

/**
 * Writes the bundle into `outDir` (as `writeBundle`) for a CDK asset to stage from, and calls `use`
 * with it. The asset copies it into the cloud assembly as `asset.<hash>`, named after the hash of the
 * content (known only once the content is written); `outDir` is then removed, and its parent when
 * that is left empty, so the bundle lands once. It is kept when it is the staged copy itself
 * (`stagedAt` of the result, e.g. with asset staging disabled), and removed too when `use` throws.
 */
export function withStagingBundle<T>(description: BundleDescription, outDir: string, options: WriteBundleOptions, use: (directory: string) => T, stagedAt: (result: T) => string): T {
  const out = path.resolve(outDir);
  writeBundle(description, out, options);
  let keep = false;
  try {
    const result = use(out);
    keep = path.resolve(stagedAt(result)) === out;
    return result;
  } finally {
    if (!keep) {
      fs.rmSync(out, { recursive: true, force: true });
      try {
        fs.rmdirSync(path.dirname(out));
      } catch {
        // another bundle is still there
      }
    }
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

function writeAtomically(description: BundleDescription, out: string, options: WriteBundleOptions): WriteBundleResult {
  // everything is listed and checked first: a refused link or FIFO writes nothing
  const { shipped, skipped } = listAll(description, options);
  const parent = path.dirname(out);
  fs.mkdirSync(parent, { recursive: true });
  return withOutLock(out, () => {
    // checked again under the lock: another writer may have put something there meanwhile
    checkOutputDirectory(out, description, options);
    const temp = fs.mkdtempSync(path.join(parent, `.${path.basename(out)}.tmp-${process.pid}-`));
    const written: string[] = [];
    try {
      fs.chmodSync(temp, 0o755);
      for (const f of description.files) writeOne(temp, f, shipped.get(f), written);
      fs.writeFileSync(path.join(temp, BUNDLE_MARKER), BUNDLE_MARKER_TEXT, { mode: 0o644 });
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
    return { written: written.sort(), skipped: [...new Set(skipped)].sort() };
  });
}

/** How long a writer waits for another one writing the same target. */
const LOCK_WAIT_MS = 60_000;

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `fn` holding the lock `.<name>.lock` next to `out` (created exclusively, holding the pid).
 * A lock whose process is gone is taken over; the temporary directories of writers that are gone
 * (`.<name>.tmp-<pid>-*`, with `.old`) are removed first.
 */
function withOutLock<T>(out: string, fn: () => T): T {
  const parent = path.dirname(out);
  const base = path.basename(out);
  const lock = path.join(parent, `.${base}.lock`);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = fs.openSync(lock, 'wx', 0o644);
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder = NaN;
    try {
      holder = Number(fs.readFileSync(lock, 'utf8').trim());
    } catch {
      continue; // removed meanwhile
    }
    if (!alive(holder)) {
      fs.rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new BundleError(`another beanstack (process ${holder}) is writing ${out}`, {
        code: 'bundle/out-locked',
        fix: `wait for it to finish; if no beanstack runs, remove ${lock}`,
      });
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
  try {
    const prefix = `.${base}.tmp-`;
    for (const name of fs.readdirSync(parent)) {
      if (!name.startsWith(prefix)) continue;
      const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
      if (!alive(pid) || pid === process.pid) fs.rmSync(path.join(parent, name), { recursive: true, force: true });
    }
    return fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

function listTree(root: string, rel = ''): string[] {
  const dir = rel ? path.join(root, ...rel.split('/')) : root;
  const out: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const childRel = rel ? `${rel}/${name}` : name;
    // lstat: a link in the bundle directory is listed (and differs), not followed
    if (fs.lstatSync(path.join(dir, name)).isDirectory()) out.push(...listTree(root, childRel));
    else out.push(childRel);
  }
  return out;
}

/** sha256 of a regular file read in chunks, or undefined when it is not one (a link, a FIFO, missing). */
function digestFile(file: string): string | undefined {
  let f: ReturnType<typeof openRegular>;
  try {
    if (fs.lstatSync(file).isSymbolicLink()) return undefined;
    f = openRegular(file);
  } catch {
    return undefined;
  }
  if (f.kind !== 'file') return undefined;
  try {
    return digestDescriptor(f.fd);
  } finally {
    fs.closeSync(f.fd);
  }
}

/** One difference between a description and the bundle on disk. */
export interface BundleDifference {
  readonly path: string;
  readonly kind: 'missing' | 'changed' | 'extra';
}

/**
 * Compares the bundle in `outDir` with what `description` would write (the same listing and checks
 * as `writeBundle`: a link out of the project is the same error here). Returns the differences,
 * sorted by path (empty: up to date).
 */
export function diffBundle(description: BundleDescription, outDir: string, options: WriteBundleOptions = {}): BundleDifference[] {
  const out = path.resolve(outDir);
  const { shipped } = listAll(description, options);
  const expected = new Map<string, string | undefined>();
  for (const f of description.files) {
    if ('content' in f) expected.set(f.path, sha256Hex(f.content));
    else for (const e of shipped.get(f) ?? []) if (e.kind === 'file') expected.set(e.rel, digestFile(e.source));
  }
  expected.set(BUNDLE_MARKER, sha256Hex(BUNDLE_MARKER_TEXT));
  const diffs: BundleDifference[] = [];
  const actual = fs.existsSync(out) && fs.lstatSync(out).isDirectory() ? new Set(listTree(out)) : new Set<string>();
  for (const [p, digest] of expected) {
    if (!actual.has(p)) diffs.push({ path: p, kind: 'missing' });
    else if (digest === undefined || digestFile(path.join(out, ...p.split('/'))) !== digest) diffs.push({ path: p, kind: 'changed' });
  }
  for (const p of actual) if (!expected.has(p)) diffs.push({ path: p, kind: 'extra' });
  return diffs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
