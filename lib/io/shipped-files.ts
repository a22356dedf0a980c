/**
 * What a shipped file or directory of a bundle puts into it: the one walk both the writer and
 * `dockerrun --check` use. Only what is inside the project directory is shipped — after resolving
 * symbolic links, so a link to `/etc/passwd` or to a directory of keys is refused, with the location
 * of the mount — only regular files and directories (a FIFO, socket or device is refused instead of
 * hanging the copy), nothing the deny-list names (`DEFAULT_NEVER_SHIPPED` plus `.beanstackignore`),
 * and the sizes are added up from `lstat` before anything is read.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BundleError, SourceLocation } from '../errors';
import { BEANSTACKIGNORE, IgnoreRule, matchingRule, shippingRules } from './ignore';
import { fileKind } from './regular-file';
import { isInside } from '../util/inside';

/** Most bytes of shipped files one bundle carries (Elastic Beanstalk refuses source bundles over 500 MB zipped). */
export const MAX_SHIPPED_BYTES = 1024 * 1024 * 1024;

export interface ShippedEntry {
  /** Bundle path (POSIX). */
  readonly rel: string;
  /** The real path of the source (links resolved). */
  readonly source: string;
  readonly kind: 'file' | 'directory';
  readonly size: number;
  readonly executable: boolean;
}

export interface ShipContext {
  /** Absolute project directory as given. */
  readonly projectDirectory: string;
  /** Its real path. */
  readonly realProject: string;
  readonly rules: readonly IgnoreRule[];
  /** Bytes listed so far (across every shipped file of the bundle). */
  total: number;
}

/** The shipping context of a project: its real path and its deny-list. */
export function shipContext(projectDirectory: string): ShipContext {
  const abs = path.resolve(projectDirectory);
  let realProject = abs;
  try {
    realProject = fs.realpathSync.native(abs);
  } catch {
    // a project directory that does not exist ships nothing anyway
  }
  return { projectDirectory: abs, realProject, rules: shippingRules(abs), total: 0 };
}


/** A shipped file of a bundle description. */
export interface ShippedSource {
  readonly path: string;
  readonly sourcePath: string;
  readonly location?: SourceLocation;
}

/**
 * Lists what `f` ships, sorted by bundle path (directories before their contents). Entries the
 * deny-list names are returned in `skipped`; everything that may not be shipped at all is a
 * located `BundleError`.
 */
export function listShipped(f: ShippedSource, ctx: ShipContext): { entries: ShippedEntry[]; skipped: string[] } {
  const entries: ShippedEntry[] = [];
  const skipped: string[] = [];
  const where = f.location ? { location: f.location } : {};
  const projectRel = (p: string, root: string) => path.relative(root, p).split(path.sep).join('/');
  const denied = (abs: string, root: string): IgnoreRule | undefined => {
    if (!isInside(abs, root)) return undefined;
    const r = matchingRule(projectRel(abs, root), ctx.rules);
    return r && !r.negate ? r : undefined;
  };
  const leaveOut = (rel: string, asWritten: string) => `remove it, replace it with a regular file, or leave it out with the line \`${asWritten}\` in ${BEANSTACKIGNORE}`;

  const visit = (abs: string, real: string, rel: string, top: boolean, seen: ReadonlySet<string>): void => {
    const asWritten = projectRel(abs, ctx.projectDirectory);
    const rule = denied(abs, ctx.projectDirectory);
    if (rule) {
      if (top) {
        throw new BundleError(`${asWritten} is on the list of files beanstack never ships (\`${rule.pattern}\`): it may hold credentials`, {
          code: 'bundle/never-ship',
          ...where,
          fix: `pass its values through environment properties or secrets instead; to ship it anyway, add the line \`!${asWritten}\` to ${BEANSTACKIGNORE}`,
        });
      }
      skipped.push(rel);
      return;
    }
    let st: fs.Stats;
    try {
      st = fs.lstatSync(abs);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      throw new BundleError(`${f.sourcePath} is mounted by the compose file and shipped in the bundle, but does not exist`, { code: 'bundle/missing-shipped-file', ...where, fix: `create ${f.path} in the project, or remove the mount` });
    }
    if (st.isSymbolicLink()) {
      const target = fs.readlinkSync(abs);
      try {
        real = fs.realpathSync.native(abs);
      } catch {
        throw new BundleError(`${rel} is a symbolic link to ${target}, which does not exist`, { code: 'bundle/dangling-link', ...where, fix: leaveOut(rel, asWritten) });
      }
      if (!isInside(real, ctx.realProject)) {
        throw new BundleError(`${rel} is a symbolic link to ${target}${real !== target ? ` (${real})` : ''}, outside the project directory; a bundle never carries files from outside the project`, {
          code: 'bundle/link-outside-project',
          ...where,
          fix: leaveOut(rel, asWritten),
        });
      }
      const targetRule = denied(real, ctx.realProject);
      if (targetRule) {
        if (top) {
          throw new BundleError(`${asWritten} is a symbolic link to ${projectRel(real, ctx.realProject)}, which is on the list of files beanstack never ships (\`${targetRule.pattern}\`)`, {
            code: 'bundle/never-ship',
            ...where,
            fix: `ship the file itself, or pass its values through environment properties or secrets`,
          });
        }
        skipped.push(rel);
        return;
      }
      st = fs.statSync(real);
    } else if (top) {
      // a directory of the path itself may be a link (`./conf/nginx` with `conf` → /etc)
      real = fs.realpathSync.native(abs);
      if (!isInside(real, ctx.realProject)) {
        throw new BundleError(`${asWritten} leads through a symbolic link to ${real}, outside the project directory; a bundle never carries files from outside the project`, {
          code: 'bundle/link-outside-project',
          ...where,
          fix: 'mount a directory of the project, not a link out of it',
        });
      }
    }
    if (st.isDirectory()) {
      // a link back up the tree would list forever
      if (seen.has(real)) {
        skipped.push(rel);
        return;
      }
      entries.push({ rel, source: real, kind: 'directory', size: 0, executable: false });
      const next = new Set(seen).add(real);
      for (const name of fs.readdirSync(abs).sort()) visit(path.join(abs, name), path.join(real, name), `${rel}/${name}`, false, next);
    } else if (st.isFile()) {
      ctx.total += st.size;
      if (ctx.total > MAX_SHIPPED_BYTES) {
        throw new BundleError(`the shipped files add up to more than ${MAX_SHIPPED_BYTES / (1024 * 1024 * 1024)} GiB (at ${rel}); Elastic Beanstalk refuses source bundles over 500 MB`, {
          code: 'bundle/too-large',
          ...where,
          fix: `keep data out of the bundle (a named volume, S3 or EFS), or leave large files out with ${BEANSTACKIGNORE}`,
        });
      }
      entries.push({ rel, source: real, kind: 'file', size: st.size, executable: (st.mode & 0o111) !== 0 });
    } else {
      throw new BundleError(`${rel} is ${fileKind(st)}; a bundle holds only regular files and directories`, { code: 'bundle/not-a-file', ...where, fix: leaveOut(rel, asWritten) });
    }
  };
  visit(path.resolve(f.sourcePath), path.resolve(f.sourcePath), f.path, true, new Set());
  return { entries, skipped };
}
