/**
 * Building the bundle's images exactly as deploy would (production Dockerfile, target, args,
 * platform), tagged by content hash so an unchanged service is not rebuilt, and optionally pushed to
 * a registry and pulled back (the stand-in for ECR: proves the reference in the bundle resolves).
 */
import * as fs from 'fs';
import * as path from 'path';
import { isSecretName } from '../bundle/keys';
import type { ImageBuildSpec as ImageBuild } from '../bundle/types';
import type { ComposeProject } from '../compose/model';
import { checkBuildContext } from '../io/build-context';
import { baseImages, contentHash } from './content-hash';
import { Engine, LABEL_CONTENT_HASH, LocalError } from './engine';

export interface BuiltImage {
  readonly service: string;
  readonly containerName: string;
  /** Local tag `beanstack-local/<project>-<service>:<hash>`. */
  readonly localTag: string;
  /** The reference to write into the bundle: the registry reference with `--registry`, else `localTag`. */
  readonly ref: string;
  readonly hash: string;
  /** False when an image with the same content hash existed. */
  readonly built: boolean;
  readonly seconds: number;
}

export interface BuildImagesOptions {
  readonly project: string;
  /** `host:port` of a registry to push to and pull from. */
  readonly registry?: string;
  /** Rebuild even when the content hash is unchanged, without the engine's layer cache. */
  readonly force?: boolean;
  /** Progress lines (`[api] Step 2/6 : ...`). */
  readonly onLine: (service: string, line: string) => void;
  /** The project the builds come from: each context is checked (no link out of the project, no FIFO) before it is hashed or built. */
  readonly composeProject?: Pick<ComposeProject, 'projectDirectory' | 'locations' | 'allowRead'>;
}

/** Lowercase letters, digits and `-` only (a valid repository path component). */
export function repoComponent(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

/** The local repository of a service's image. */
export function localRepository(project: string, service: string): string {
  return `beanstack-local/${repoComponent(project)}-${repoComponent(service)}`;
}

/** Checks the build inputs, throwing a user error that says what to fix. */
function checkBuild(img: ImageBuild, project?: BuildImagesOptions['composeProject']): void {
  if (!fs.existsSync(img.context) || !fs.statSync(img.context).isDirectory()) {
    throw new LocalError(`service ${img.service}: the build context ${img.context} is not a directory`, { code: 'local/build-context', fix: 'fix build.context in the compose file' });
  }
  if (project) checkBuildContext(project, img);
  const df = path.resolve(img.context, img.dockerfile);
  if (!fs.existsSync(df)) {
    throw new LocalError(`service ${img.service}: the Dockerfile ${df} does not exist`, {
      code: 'local/dockerfile-missing',
      fix: `create it, or point x-beanstack.dockerfile (or build.dockerfile in the production override file) at the production Dockerfile`,
    });
  }
}

/** The content hash of one build, using the engine's ids of the base images. */
export async function hashBuild(engine: Engine, img: ImageBuild, project?: BuildImagesOptions['composeProject']): Promise<string> {
  checkBuild(img, project);
  const dockerfile = fs.readFileSync(path.resolve(img.context, img.dockerfile), 'utf8');
  const baseImageIds: Record<string, string | undefined> = {};
  for (const ref of baseImages(dockerfile, img.args)) baseImageIds[ref] = await engine.imageId(ref);
  return contentHash({ context: img.context, dockerfile: img.dockerfile, ...(img.target ? { target: img.target } : {}), args: img.args, platform: img.platform, baseImageIds });
}

/**
 * Refuses build args that look like secrets (by name, with a value): the classic builder records
 * every build arg a `RUN` uses in the image history (`docker history`), and the image is what deploy
 * pushes. BuildKit secret mounts are the way to give a build a token; this machine's engine may not
 * have BuildKit, so the rehearsal refuses rather than bake the token into the image.
 */
export function checkBuildArgs(img: ImageBuild): void {
  const secret = Object.keys(img.args).filter((k) => img.args[k] !== '' && isSecretName(k)).sort();
  if (secret.length === 0) return;
  throw new LocalError(`service ${img.service}: the build args ${secret.join(', ')} look like secrets; a build arg is stored in the image's history (docker history) and in the pushed image`, {
    code: 'local/secret-build-arg',
    fix: `give the build the token as a BuildKit secret (build.secrets in the compose file, RUN --mount=type=secret in the Dockerfile) or fetch it at run time; a build arg that is not secret must not have a secret's name`,
  });
}

/** Builds (or reuses) every image; with a registry, pushes each and pulls it back by the bundle's reference. */
export async function buildImages(engine: Engine, images: readonly ImageBuild[], options: BuildImagesOptions): Promise<BuiltImage[]> {
  const out: BuiltImage[] = [];
  for (const img of images) checkBuildArgs(img);
  for (const img of images) {
    const started = Date.now();
    const hash = await hashBuild(engine, img, options.composeProject);
    const short = hash.slice(0, 16);
    const localTag = `${localRepository(options.project, img.service)}:${short}`;
    const labels = await engine.imageLabels(localTag);
    let built = false;
    if (options.force || labels?.[LABEL_CONTENT_HASH] !== hash) {
      options.onLine(img.service, `building ${path.basename(img.context)}/${img.dockerfile}${img.target ? ` (target ${img.target})` : ''} for ${img.platform}`);
      await engine.build(
        { context: img.context, dockerfile: img.dockerfile, ...(img.target ? { target: img.target } : {}), args: img.args, platform: img.platform, tag: localTag, labels: { [LABEL_CONTENT_HASH]: hash }, ...(options.force ? { noCache: true } : {}) },
        (line) => options.onLine(img.service, line),
      );
      built = true;
      // earlier content-hash tags of this service are stale: remove them so rehearsals do not pile up images
      for (const old of await engine.listTags(localRepository(options.project, img.service))) {
        if (old !== localTag) await engine.removeImage(old);
      }
    } else {
      options.onLine(img.service, `unchanged, reusing ${localTag}`);
    }
    let ref = localTag;
    if (options.registry) {
      ref = `${options.registry}/${repoComponent(options.project)}-${repoComponent(img.service)}:${short}`;
      await engine.tag(localTag, ref);
      options.onLine(img.service, `pushing ${ref}`);
      await engine.push(ref, (line) => options.onLine(img.service, line));
      // drop the local name and pull it back: the container runs from what the registry serves
      await engine.removeImage(ref);
      options.onLine(img.service, `pulling ${ref}`);
      await engine.pull(ref, (line) => options.onLine(img.service, line));
    }
    out.push({ service: img.service, containerName: img.containerName, localTag, ref, hash, built, seconds: (Date.now() - started) / 1000 });
  }
  return out;
}
