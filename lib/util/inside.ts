/**
 * Whether a path is a directory or inside it: the one test every boundary uses (the project
 * directory, a build context, the shipped files, an output directory).
 */
import * as path from 'path';

/** A `/` path with no empty, `.` or `..` segment and no trailing `/` (but the root itself). */
const NORMALIZED = /^(?!.*(?:\/\/|\/\.\.?(?:\/|$)|.\/$))\//;

/**
 * Whether `child` is `parent` or inside it. Relative paths are taken from the working directory, as
 * `path.relative` takes them. Two normalized `/` paths are compared as text (the common case, and
 * what the planner asks thousands of times); other paths go through `path.relative`.
 */
export function isInside(child: string, parent: string, paths: path.PlatformPath = path): boolean {
  if (paths.sep === '/' && NORMALIZED.test(child) && NORMALIZED.test(parent)) {
    if (parent === '/') return true;
    return child === parent || (child.startsWith(parent) && child.charCodeAt(parent.length) === 0x2f);
  }
  const rel = paths.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + paths.sep) && !paths.isAbsolute(rel));
}
