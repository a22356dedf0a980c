/**
 * Image build contexts as untrusted input. Before an image is built (by the CDK's `DockerImageAsset`,
 * which stages a copy of the context, or by `beanstack local`), the context is checked: it and its
 * Dockerfile lie inside the project directory (links resolved) unless the command line allowed the
 * path (`--allow-read`); no symbolic link in what the build sends (after `.dockerignore`) points
 * outside the project, and there is no FIFO, socket or device (a copy of one hangs). Links inside
 * the project are fine: the image gets them as links, as `docker build` does.
 */
import * as fs from 'fs';
import * as path from 'path';
import { locate } from '../bundle/locations';
import type { ImageBuild } from '../bundle/types';
import type { ComposeProject } from '../compose/model';
import { escapeSegment } from '../compose/pointer';
import { BundleError, SourceLocation } from '../errors';
import { isIgnored, readIgnoreFile } from './ignore';
import { fileKind } from './regular-file';
import { isInside } from '../util/inside';


function real(p: string): string | undefined {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return undefined;
  }
}

const byName = (a: fs.Dirent, b: fs.Dirent): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Most entries of one build context looked at (a context this large is a mistake, e.g. a home directory). */
export const MAX_CONTEXT_ENTRIES = 500_000;

/** Checks one build of `project` (see the module comment); throws a `BundleError` located at the service's `build`. */
export function checkBuildContext(project: Pick<ComposeProject, 'projectDirectory' | 'locations' | 'allowRead'>, build: Pick<ImageBuild, 'service' | 'context' | 'dockerfile'>): void {
  const location: SourceLocation | undefined = locate(project as ComposeProject, `/services/${escapeSegment(build.service)}/build/context`);
  const where = location ? { location } : {};
  const roots = [project.projectDirectory, ...(project.allowRead ?? [])].map((r) => real(r) ?? path.resolve(r));
  const allowed = (p: string) => roots.some((r) => isInside(p, r));
  const fail = (code: string, message: string, fix: string) => new BundleError(`services.${build.service}.build: ${message}`, { code, ...where, fix });

  const context = real(build.context);
  if (context === undefined || !fs.statSync(context).isDirectory()) {
    throw fail('bundle/build-context', `the build context ${build.context} is not a directory`, 'fix build.context in the compose file');
  }
  if (!allowed(context)) {
    throw fail('bundle/context-outside-project', `the build context ${build.context}${context !== build.context ? ` (${context})` : ''} is outside the project directory ${project.projectDirectory}; an image is built only from the project`,
      `move the context into the project, or allow it explicitly with --allow-read ${build.context}`);
  }
  const dockerfile = path.resolve(build.context, build.dockerfile);
  const realDockerfile = real(dockerfile);
  if (realDockerfile !== undefined) {
    if (!allowed(realDockerfile)) {
      throw fail('bundle/context-outside-project', `the Dockerfile ${dockerfile}${realDockerfile !== dockerfile ? ` (${realDockerfile})` : ''} is outside the project directory ${project.projectDirectory}`,
        `keep the Dockerfile in the project, or allow it explicitly with --allow-read ${dockerfile}`);
    }
    const st = fs.statSync(realDockerfile);
    if (!st.isFile()) throw fail('bundle/not-a-file', `the Dockerfile ${dockerfile} is ${fileKind(st)}`, 'point build.dockerfile at a regular file');
  }

  const rules = readIgnoreFile(path.join(build.context, '.dockerignore'));
  const negations = rules.some((r) => r.negate);
  let seen = 0;
  const walk = (dir: string, relDir: string): void => {
    // the entries' types come with the listing (lstat's answer, without one call per entry)
    for (const st of fs.readdirSync(dir, { withFileTypes: true }).sort(byName)) {
      const name = st.name;
      if (++seen > MAX_CONTEXT_ENTRIES) {
        throw fail('bundle/context-too-large', `the build context ${build.context} holds more than ${MAX_CONTEXT_ENTRIES} files`, 'list what the image does not need (dependencies, data, build output) in .dockerignore');
      }
      const rel = relDir ? `${relDir}/${name}` : name;
      const abs = path.join(dir, name);
      const ignored = isIgnored(rel, rules);
      if (st.isDirectory()) {
        // a negated rule may re-include something below an ignored directory
        if (!ignored || negations) walk(abs, rel);
        continue;
      }
      if (ignored) continue;
      if (st.isSymbolicLink()) {
        const target = fs.readlinkSync(abs);
        const resolved = real(abs) ?? path.resolve(path.dirname(abs), target);
        if (!allowed(resolved)) {
          throw fail('bundle/link-outside-project', `${rel} in the build context is a symbolic link to ${target}, outside the project directory; an image never carries links out of the project`,
            `replace the link with the file it points to, create it in the Dockerfile (RUN ln -s ...) if the image needs it, or leave it out in ${path.join(build.context, '.dockerignore')}`);
        }
      } else if (!st.isFile()) {
        throw fail('bundle/not-a-file', `${rel} in the build context is ${fileKind(st)}; a build context holds only regular files, directories and links`,
          `remove it, or leave it out in ${path.join(build.context, '.dockerignore')}`);
      }
    }
  };
  walk(build.context, '');
}
