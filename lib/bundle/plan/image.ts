/**
 * The image of a container: an `image:` it runs as is, or a `build:` the deploy pipeline builds —
 * with the production Dockerfile and stage, build args (never a secret), and the image platform.
 */
import * as path from 'path';
import { servicePointer as sp } from '../collector';
import { dict, own, sortRecord } from '../dict';
import { BUILD_SETTINGS_NOT_CARRIED, DEFAULT_IMAGE_PLATFORM } from '../keys';
import { fromOverrideFile, locate } from '../locations';
import { isValidImageReference } from '../validate/references';
import type { PlanContext } from './context';
import { byString } from '../../util/order';
import { parseImage } from './database-facts';
import { isDevBuildTarget, isDevDockerfile, isDevEnvironmentValue, isRemoteContext } from './dev-only';
import { secretOf } from './secrets';
import type { PlannedImage, SourceRef } from './types';
import { humanPointer } from '../../compose/pointer';

/** Where a compose value is, as a message reference (for messages made when rendering). */
export function sourceRef(ctx: PlanContext, pointer: string): SourceRef {
  const location = locate(ctx.project, pointer);
  return { path: humanPointer(pointer), ...(location ? { location } : {}) };
}

/** Build args of a built service: compose's merged with x-beanstack's, never an unset or secret one. */
function buildArgs(ctx: PlanContext, s: string): Record<string, string> {
  const { project, c } = ctx;
  const x = ctx.overrides[s];
  const b = project.services[s].build!;
  const isPublic = (k: string) => (x.public ?? []).includes(k);
  const refuse = (k: string, reason: string, where: string, pointer: string) => c.fail('bundle/secret-build-arg', `services.${s}.${where}.${k} holds a secret (${reason === 'its name' ? 'by its name' : reason}); a build arg is written into the cloud assembly's asset manifest and the image's history: read it at run time from the environment instead (it becomes a Beanstalk environment secret), or, if it is not a secret, list ${k} in x-beanstack.public`, pointer);
  const args: Record<string, string> = dict();
  for (const k of Object.keys(b.args).sort(byString)) {
    const v = b.args[k];
    if (x.args && k in x.args) continue;
    if (v === null) {
      c.warn('bundle/build-arg-unset', `services.${s}.build.args.${k} has no value and is not passed to the build (set it in x-beanstack.args)`, s, sp(s, 'build', 'args', k));
      continue;
    }
    const secret = isPublic(k) ? undefined : secretOf(k, v, own(project.templates ?? {}, sp(s, 'build', 'args', k)));
    if (secret) {
      refuse(k, secret, 'build.args', sp(s, 'build', 'args', k));
      continue;
    }
    if (isDevEnvironmentValue(k, v)) {
      c.warn('bundle/dev-build-arg', `services.${s}.build.args.${k}=${v} builds a development image; set x-beanstack.args.${k} to the production value`, s, sp(s, 'build', 'args', k));
    }
    args[k] = v;
  }
  for (const [k, v] of Object.entries(x.args ?? {})) {
    const secret = isPublic(k) ? undefined : secretOf(k, v, undefined);
    if (secret) refuse(k, secret, 'x-beanstack.args', sp(s, 'x-beanstack', 'args', k));
    else args[k] = v;
  }
  return args;
}

/** The planned build of a `build:` service, or undefined when it cannot be built (reported). */
function planBuild(ctx: PlanContext, s: string, containerName: string): PlannedImage | undefined {
  const { project, c, options } = ctx;
  const svc = project.services[s];
  const x = ctx.overrides[s];
  const b = svc.build!;
  let usable = true;
  if (isRemoteContext(b.context)) {
    c.fail('bundle/remote-build-context', `services.${s}.build.context "${b.context}" is a remote context; beanstack builds images from a directory of the project`, sp(s, 'build', 'context'));
    usable = false;
  }
  if (b.dockerfileInline !== undefined && x.dockerfile === undefined) {
    c.fail('bundle/inline-dockerfile', `services.${s}.build.dockerfile_inline cannot be built by the deploy pipeline; write it to a Dockerfile in the build context (or set x-beanstack.dockerfile)`, sp(s, 'build', 'dockerfile_inline'));
    usable = false;
  }
  for (const { key, present, reason } of BUILD_SETTINGS_NOT_CARRIED) {
    if (present(b)) c.warn('bundle/build-setting-ignored', `services.${s}.build.${key(b)} is left out: ${reason}`, s, sp(s, 'build', key(b)));
  }
  for (const k of Object.keys(b.other).sort(byString)) {
    c.warn('bundle/build-setting-ignored', `services.${s}.build.${k} is left out: the deploy pipeline does not use it`, s, sp(s, 'build', k));
  }
  const facts = own(ctx.builds, s);
  const dockerfile = facts?.dockerfile ?? x.dockerfile ?? b.dockerfile ?? 'Dockerfile';
  if (facts?.switchedFrom !== undefined) {
    c.warn('bundle/dev-dockerfile', `services.${s} is built from ${facts.switchedFrom} in development; the production image is built from ${dockerfile} of the same context (set x-beanstack.dockerfile to choose another)`, s, sp(s, 'build', 'dockerfile'));
  } else if (x.dockerfile === undefined && b.dockerfile && isDevDockerfile(b.dockerfile) && !fromOverrideFile(project, sp(s, 'build', 'dockerfile'))) {
    c.warn('bundle/dev-dockerfile', `services.${s} is built from ${b.dockerfile}, which looks like a development Dockerfile; set x-beanstack.dockerfile (e.g. Dockerfile) or override build.dockerfile in a production override file`, s, sp(s, 'build', 'dockerfile'));
  }
  if (x.target === undefined && b.target !== undefined && isDevBuildTarget(b.target) && !fromOverrideFile(project, sp(s, 'build', 'target'))) {
    c.warn('bundle/dev-build-target', `services.${s}.build.target "${b.target}" is a development stage; the image is built from the Dockerfile's final stage (set x-beanstack.target to choose a production stage)`, s, sp(s, 'build', 'target'));
  }
  const target = ctx.buildTarget(s);
  const args = buildArgs(ctx, s);
  if (!usable) return undefined;
  // an explicit platform of the compose file wins (the image may exist for it only); the stack compares
  const composePlatform = svc.platform ?? b.platforms[0];
  const platform = composePlatform ?? options.imagePlatform ?? DEFAULT_IMAGE_PLATFORM;
  if (composePlatform && options.imagePlatform && composePlatform !== options.imagePlatform) {
    c.warn('bundle/image-platform', `services.${s} is built for ${composePlatform} (compose), but the instances run ${options.imagePlatform}; the container will not start there unless the platforms match`, s, sp(s, svc.platform ? 'platform' : 'build'));
  }
  return {
    service: s,
    containerName,
    context: b.context,
    dockerfile,
    ...(target !== undefined ? { target } : {}),
    args: sortRecord(args),
    platform,
    reportedAs: { service: s, source: sourceRef(ctx, sp(s, 'build')), context: contextShown(ctx, b.context) },
  };
}

/** The image of a service: `{ build }` for a built one, `{ image }` for an `image:` one; undefined when it has none that works (reported). */
export function planImage(ctx: PlanContext, s: string, containerName: string): { image?: string; build?: PlannedImage } | undefined {
  const { project, c } = ctx;
  const svc = project.services[s];
  if (svc.build) {
    const build = planBuild(ctx, s, containerName);
    return build ? { build } : undefined;
  }
  if (!svc.image) {
    c.fail('bundle/no-image', `services.${s} has neither image nor build`, sp(s));
    return undefined;
  }
  if (!isValidImageReference(svc.image)) {
    c.fail('bundle/invalid-image', `services.${s}.image "${svc.image}" is not a valid image reference ([registry/]repository[:tag][@digest], lowercase repository)`, sp(s, 'image'));
    return undefined;
  }
  const ref = parseImage(svc.image);
  if (!ref.digest && (ref.tag === undefined || ref.tag === 'latest')) {
    c.warn('bundle/image-latest', `services.${s}.image "${svc.image}" is ${ref.tag ? 'tagged latest' : 'untagged (latest)'}: each deployment may run a different version; pin a version tag`, s, sp(s, 'image'));
  }
  return { image: svc.image };
}

/** The build context relative to the project, for messages. */
export function contextShown(ctx: PlanContext, context: string): string {
  return path.posix.relative(ctx.project.projectDirectory, context) || '.';
}
