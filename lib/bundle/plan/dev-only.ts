/**
 * Recognising development-only settings: hot-reload bind mounts, dev build targets and Dockerfiles,
 * watcher commands, development-mode variables.
 */
import * as path from 'path';
import { DEV_BUILD_TARGETS, DEV_COMMAND_PATTERNS, DEV_DOCKERFILE_PATTERN, DEV_ENVIRONMENT_VALUES } from '../keys';
import { own } from '../dict';
import { isInside as isInsidePath } from '../../util/inside';

/** Whether `child` is `parent` or lies below it (both absolute POSIX paths). */
export function isInside(child: string, parent: string): boolean {
  return isInsidePath(child, parent, path.posix);
}

/** Whether a build context is a remote one (git URL, http URL) rather than a directory. */
export function isRemoteContext(context: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(context) || /^git@/.test(context) || /^github\.com\//.test(context);
}

export function isDevBuildTarget(target: string): boolean {
  return DEV_BUILD_TARGETS.includes(target.toLowerCase());
}

export function isDevDockerfile(dockerfile: string): boolean {
  return DEV_DOCKERFILE_PATTERN.test(path.posix.basename(dockerfile));
}

/** The watcher/dev-server pattern a command matches, if any. */
export function devCommandMatch(argv: readonly string[]): string | undefined {
  const text = argv.join(' ');
  for (const p of DEV_COMMAND_PATTERNS) {
    const m = p.exec(text);
    if (m) return m[0].trim();
  }
  return undefined;
}

/** Whether `NAME=value` says the app runs in development mode. */
export function isDevEnvironmentValue(name: string, value: string): boolean {
  return own(DEV_ENVIRONMENT_VALUES, name)?.includes(value) ?? false;
}
