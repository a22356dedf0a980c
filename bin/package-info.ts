/**
 * Where the installed beanstack package lives (the directory of its package.json) and what it
 * ships: templates/ and docs/ sit next to dist/ in the package and next to bin/ in the source tree.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The package root: the nearest directory above this file that has beanstack's package.json. */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file) && (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string }).name === 'beanstack') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`beanstack's package.json was not found above ${__dirname}`);
    dir = up;
  }
}

/** The version in beanstack's package.json. */
export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** A shipped directory of the package (`templates/init`, `docs`). */
export function packageDir(rel: string): string {
  const dir = path.join(packageRoot(), rel);
  if (!fs.existsSync(dir)) throw new Error(`beanstack is installed without its ${rel}/ directory`);
  return dir;
}

/** How to reach a page of the shipped docs from `cwd` (e.g. `node_modules/beanstack/docs/deploy.md`). */
export function docsPath(page: string, cwd: string): string {
  const rel = path.relative(cwd, path.join(packageRoot(), 'docs', page));
  return rel.startsWith('..') || path.isAbsolute(rel) ? path.join(packageRoot(), 'docs', page) : rel;
}
