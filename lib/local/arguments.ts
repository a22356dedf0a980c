/**
 * Arguments for the `docker` command line, per its grammar. Pure (no I/O), so the bundle planner can
 * use the same predicates to refuse at conversion time what the local engine refuses at run time.
 *
 * - `--mount` takes one CSV record of `key=value` fields (docker/cli opts/mount.go reads it with
 *   encoding/csv): a `,` in a path starts a new field (`target=/x,source=/` mounts the host's `/`), a
 *   `"` quotes. Every field is CSV-quoted when needed (`mountArgument`), and paths from a compose file
 *   that hold `,` `=` `"` `:` or control characters are refused before anything runs
 *   (`isSafeMountPath`): they are never what the author meant, and other consumers of the same paths
 *   (the ECS agent's `source:target:ro` binds, Compose's short syntax) split on `:`.
 * - A positional argument (an image, a container) starting with `-` would be read as a flag: images
 *   must be image references (`isImageReference`).
 * - `--label` and `--build-arg` split at the first `=`: keys must not hold one.
 * - Values of flags (`--network-alias x`, `--user x`) are never read as flags by the Docker CLI, which
 *   takes the next argument as the value whatever it starts with.
 */
import * as path from 'path';
import { locate } from '../bundle/locations';
import type { ComposeProject } from '../compose/model';
import { escapeSegment } from '../compose/pointer';
import { SourceLocation, printable } from '../errors';
import { isInside } from '../util/inside';
import { LocalError } from './engine';

/** Characters a mount path from a compose file may not hold: the `--mount` CSV grammar (`,` `"` `=`), bind syntax (`:`), control characters. */
const UNSAFE_MOUNT_PATH = /[,"=:\u0000-\u001f\u007f-\u009f]/;

/**
 * Whether a host or container path can be passed as a bind-mount path to Docker (and written into
 * Dockerrun / compose) without being read as another field: absolute, without `,` `=` `"` `:` or
 * control characters.
 */
export function isSafeMountPath(p: string): boolean {
  return p.startsWith('/') && !UNSAFE_MOUNT_PATH.test(p);
}

/** Why a mount path is refused, for messages (`undefined` when it is safe). */
export function unsafeMountPathReason(p: string): string | undefined {
  if (!p.startsWith('/')) return 'it is not an absolute path';
  const m = UNSAFE_MOUNT_PATH.exec(p);
  if (!m) return undefined;
  const c = m[0];
  return /[\u0000-\u001f\u007f-\u009f]/.test(c) ? `it holds a control character (U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')})` : `it holds \`${c}\`, which separates fields of a Docker mount`;
}

/** One field of a CSV record (RFC 4180, as Go's encoding/csv reads it): quoted when it holds `,` `"` or a line break. */
export function csvField(field: string): string {
  return /[",\r\n]/.test(field) || /^\s|\s$/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

/** The value of `--mount` for a bind mount, every field quoted as the CSV grammar needs. */
export function mountArgument(source: string, target: string, readOnly: boolean): string {
  return [`type=bind`, `source=${source}`, `target=${target}`, ...(readOnly ? ['readonly'] : [])].map(csvField).join(',');
}

/**
 * Docker's image reference grammar (distribution/reference): `[registry[:port]/]path[:tag][@digest]`,
 * lowercase path components; never starts with `-`.
 */
const IMAGE_REFERENCE = /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$/;

/** Whether `ref` is a Docker image reference (so it can be a positional argument). */
export function isImageReference(ref: string): boolean {
  return ref.length <= 255 + 128 + 80 && IMAGE_REFERENCE.test(ref);
}

/** Whether `key` can be the key of `--label key=value` / `--build-arg key` (no `=`, no space or control character, not empty). */
export function isArgumentKey(key: string): boolean {
  return key.length > 0 && !/[=\s\u0000-\u001f\u007f-\u009f]/.test(key) && !key.startsWith('-');
}

/**
 * Refuses, before anything runs, every mount path of the project's services that `isSafeMountPath`
 * refuses: bind sources (the part below the project directory, which the repository chooses), and
 * the container paths of volumes, configs and secrets. One `LocalError` with each problem located.
 */
export function checkMountPaths(project: Pick<ComposeProject, 'projectDirectory' | 'services' | 'locations'>): void {
  const problems: { message: string; location?: SourceLocation }[] = [];
  const check = (p: string | undefined, what: string, pointer: string, shown = p) => {
    if (p === undefined) return;
    const why = unsafeMountPathReason(p);
    if (why === undefined) return;
    const location = locate(project as ComposeProject, pointer);
    problems.push({ message: `${what} ${JSON.stringify(printable(shown ?? p, 120))} cannot be a mount path: ${why}`, ...(location ? { location } : {}) });
  };
  for (const name of Object.keys(project.services).sort()) {
    const svc = project.services[name];
    const at = (...rest: (string | number)[]) => `/services/${escapeSegment(name)}/${rest.map(escapeSegment).join('/')}`;
    svc.volumes.forEach((v, i) => {
      if (v.type === 'bind' && v.source !== undefined) {
        // the project directory is the user's own path; what the repository writes is the rest
        const own = isInside(v.source, project.projectDirectory);
        const rel = path.relative(project.projectDirectory, v.source);
        check(own ? `/${rel.split(path.sep).join('/')}` : v.source, `services.${name}.volumes[${i}] source`, at('volumes', i), own ? `./${rel}` : v.source);
      }
      check(v.target, `services.${name}.volumes[${i}] target`, at('volumes', i));
    });
    svc.configs.forEach((c, i) => check(c.target?.startsWith('/') ? c.target : c.target === undefined ? undefined : `/${c.target}`, `services.${name}.configs[${i}] target`, at('configs', i), c.target));
    svc.secrets.forEach((c, i) => check(c.target?.startsWith('/') ? c.target : c.target === undefined ? undefined : `/${c.target}`, `services.${name}.secrets[${i}] target`, at('secrets', i), c.target));
  }
  if (problems.length === 0) return;
  throw new LocalError(`${problems.length === 1 ? 'a mount path' : `${problems.length} mount paths`} of the compose files cannot be passed to Docker safely`, {
    code: 'local/unsafe-mount-path',
    ...(problems.length === 1 && problems[0].location ? { location: problems[0].location } : {}),
    details: problems,
    fix: 'use container and host paths without `,` `=` `"` `:` or control characters (Docker reads them as separators of the mount\'s fields)',
  });
}
