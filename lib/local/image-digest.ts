/**
 * The registry digest of an image the local Docker engine has pushed (`docker image inspect`'s
 * `RepoDigests`): after `cdk deploy` built and pushed the app's images, the engine knows the digest
 * ECR stored for each. Used by `beanstack deploy` for its deployment record. Returns undefined when
 * the engine is unreachable, the image is not in it (built elsewhere, or never pulled), or it was
 * never pushed: a record without a digest says "tag only", never a guessed digest.
 */
import { execFile } from 'child_process';
import { isImageReference } from './arguments';

export interface ImageDigestOptions {
  /** The environment of the `docker` process (DOCKER_HOST, PATH, ...). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** @default 'docker' */
  readonly docker?: string;
  /** @default 10000 */
  readonly timeoutMs?: number;
}

/** `name` without its tag or digest: `registry:5000/repo:tag` → `registry:5000/repo`. */
export function repositoryOf(ref: string): string {
  const noDigest = ref.split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** The digest (`sha256:…`) of `ref` in its own repository, from a `RepoDigests` list. */
export function digestFromRepoDigests(ref: string, repoDigests: readonly string[]): string | undefined {
  const repo = repositoryOf(ref);
  const hit = repoDigests.find((d) => d.startsWith(`${repo}@sha256:`));
  return hit ? hit.slice(repo.length + 1) : undefined;
}

export function localImageDigest(ref: string, o: ImageDigestOptions): Promise<string | undefined> {
  if (!isImageReference(ref)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    execFile(o.docker ?? 'docker', ['image', 'inspect', '--format', '{{json .RepoDigests}}', ref], {
      env: o.env as NodeJS.ProcessEnv,
      timeout: o.timeoutMs ?? 10000,
      maxBuffer: 1 << 20,
    }, (err, stdout) => {
      if (err) return resolve(undefined);
      try {
        const list = JSON.parse(String(stdout).trim() || 'null') as unknown;
        resolve(Array.isArray(list) ? digestFromRepoDigests(ref, list.filter((x): x is string => typeof x === 'string')) : undefined);
      } catch {
        resolve(undefined);
      }
    });
  });
}
