/**
 * Where a service uses another service's name as a host: its environment values, its command, and
 * the config files it is given — files mounted into it and config files its Dockerfile copies from the
 * build context (an nginx `default.conf` with `proxy_pass http://backend:3000`). These decide the order
 * of ECS links and say which names must resolve.
 */
import * as path from 'path';
import type { SourceLocation } from '../../errors';
import { hostMentionIndex, Mention } from './name-resolution';
import type { ProjectFiles } from '../project-files';

/** A name and the service it belongs to. */
export interface NameOwner {
  readonly name: string;
  readonly service: string;
}

/** Config files worth reading for host names (by base name): server and proxy configuration. */
const CONFIG_FILE = /(\.(conf|cfg|cnf|ini|toml|ya?ml|properties|template)$|^(Caddyfile|nginx\.conf|haproxy\.cfg|envoy\.ya?ml|Procfile)$)/i;
/** Files that name every service without being any one service's configuration. */
const NOT_CONFIG = /^(docker-)?compose([.-][^/]*)?\.ya?ml$|^\.(travis|gitlab-ci)\.ya?ml$|^(pnpm-lock|yarn\.lock|\.pre-commit-config)/i;

export function isConfigFile(name: string): boolean {
  return CONFIG_FILE.test(name) && !NOT_CONFIG.test(name);
}

/** A compose value of a service to search. */
export interface MentionText {
  readonly where: string;
  readonly text: string;
  readonly pointer: string;
}

function positionOf(text: string, index: number, file: string): SourceLocation {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { file, line, column: index - before.lastIndexOf('\n') };
}

/**
 * The names of `owners` (other services) that service `from` uses in `texts` and in the config files
 * at or below `configPaths` (absolute paths of the project).
 */
export function collectMentions(
  from: string,
  texts: readonly MentionText[],
  configPaths: readonly string[],
  owners: readonly NameOwner[],
  files: ProjectFiles,
): Mention[] {
  const others = owners.filter((o) => o.service !== from && !/^(localhost|127\.0\.0\.1|0\.0\.0\.0)$/.test(o.name));
  const out: Mention[] = [];
  const seen = new Set<string>();
  const add = (m: Mention) => {
    const key = `${m.to}\u0000${m.name}\u0000${m.where}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(m);
  };
  for (const t of texts) {
    for (const o of others) if (hostMentionIndex(t.text, o.name) >= 0) add({ from, to: o.service, name: o.name, where: t.where, pointer: t.pointer });
  }
  const scanned = new Set<string>();
  for (const p of configPaths) {
    for (const file of files.files(p, isConfigFile)) {
      if (scanned.has(file)) continue;
      scanned.add(file);
      const text = files.read(file);
      if (text === undefined) continue;
      const rel = path.posix.relative(files.projectDirectory, file);
      for (const o of others) {
        const i = hostMentionIndex(text, o.name);
        if (i >= 0) add({ from, to: o.service, name: o.name, where: rel, location: positionOf(text, i, file) });
      }
    }
  }
  return out;
}
