/**
 * Where the installed beanstack package lives (the directory of its package.json) and what it
 * ships: templates/ and docs/ sit next to dist/ in the package and next to bin/ in the source tree.
 */
import * as fs from 'fs';
import * as path from 'path';

let found: { readonly root: string; readonly version: string } | undefined;

/** beanstack's package.json, found once: the nearest above this file whose name is beanstack. */
function packageJson(): { readonly root: string; readonly version: string } {
  if (found) return found;
  for (let dir = __dirname; ; ) {
    const file = path.join(dir, 'package.json');
    const json = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string }) : undefined;
    if (json?.name === 'beanstack') return (found = { root: dir, version: String(json.version) });
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`beanstack's package.json was not found above ${__dirname}`);
    dir = up;
  }
}

/** The package root: the directory of beanstack's package.json. */
export function packageRoot(): string {
  return packageJson().root;
}

/** The version in beanstack's package.json. */
export function packageVersion(): string {
  return packageJson().version;
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
