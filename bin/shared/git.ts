/**
 * The git state of the directory a command runs in, for the deployment record: the commit and
 * whether the work tree has uncommitted changes (tracked or untracked, ignored files excepted).
 * Outside a git work tree, or without git, both are undefined.
 */
import { execFileSync } from 'child_process';

export interface GitState {
  readonly commit?: string;
  readonly dirty?: boolean;
}

export function gitState(cwd: string, env: Readonly<Record<string, string | undefined>>): GitState {
  const git = (args: string[]): string | undefined => {
    try {
      return execFileSync('git', args, { cwd, env: env as NodeJS.ProcessEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10000 });
    } catch {
      return undefined;
    }
  };
  const commit = git(['rev-parse', '--verify', '--quiet', 'HEAD'])?.trim();
  if (!commit || !/^[0-9a-f]{40,64}$/.test(commit)) return {};
  const status = git(['status', '--porcelain']);
  return { commit, ...(status !== undefined ? { dirty: status.trim().length > 0 } : {}) };
}
