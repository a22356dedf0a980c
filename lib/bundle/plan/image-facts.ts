/**
 * What the planner knows about a built service's image from its Dockerfile: the production
 * Dockerfile, the image its build stage starts from (`FROM mysql:5.7` makes a MySQL service), and the
 * files the build copies from the context (config files baked into an nginx image, schema init SQL
 * copied into `/docker-entrypoint-initdb.d`).
 */
import * as path from 'path';
import type { ComposeProject } from '../../compose/model';
import { baseImage, Dockerfile, DockerfileCopy, parseDockerfile, stageChain, targetStage } from '../dockerfile';
import { isDevDockerfile, isInside, isRemoteContext } from './dev-only';
import { dict } from '../dict';
import { fromOverrideFile } from '../locations';
import type { ProjectFiles } from '../project-files';
import type { ServiceOverrides } from '../x-beanstack';
import { escapeSegment } from '../../compose/pointer';

export interface BuildFacts {
  /** Absolute build context. */
  readonly context: string;
  /** The Dockerfile the production image is built from, relative to the context. */
  readonly dockerfile: string;
  /**
   * Set when the compose file builds from a development Dockerfile (`Dockerfile.dev`) and the context
   * has a plain `Dockerfile`, which the production image is then built from.
   */
  readonly switchedFrom?: string;
  /** The parsed production Dockerfile, when it could be read. */
  readonly parsed?: Dockerfile;
  /** The stage that is built (the target's, else the last). */
  readonly stage?: number;
  /** The external image the built stage starts from (`mysql:5.7`), when known. */
  readonly baseImage?: string;
  /** `COPY`/`ADD` of the context into the built stage and the stages it starts from. */
  readonly copies: readonly DockerfileCopy[];
  /** The Dockerfile the compose file names (development), parsed when readable: what the dev mounts shadow. */
  readonly devParsed?: Dockerfile;
}

/** Reads what the Dockerfile of a built service says. Undefined for image-only services and remote contexts. */
export function buildFacts(project: ComposeProject, service: string, x: ServiceOverrides, files: ProjectFiles, target: string | undefined): BuildFacts | undefined {
  const svc = project.services[service];
  const b = svc.build;
  if (!b || isRemoteContext(b.context)) return undefined;
  const args: Record<string, string> = dict();
  for (const [k, v] of Object.entries(b.args)) if (v !== null) args[k] = v;
  for (const [k, v] of Object.entries(x.args ?? {})) args[k] = v;
  const pointer = `/services/${escapeSegment(service)}/build/dockerfile`;
  const composeDockerfile = b.dockerfile ?? 'Dockerfile';
  let dockerfile = x.dockerfile ?? composeDockerfile;
  let switchedFrom: string | undefined;
  if (x.dockerfile === undefined && b.dockerfile !== undefined && isDevDockerfile(b.dockerfile) && !fromOverrideFile(project, pointer)) {
    const sibling = path.posix.join(path.posix.dirname(b.dockerfile), 'Dockerfile');
    if (sibling !== b.dockerfile && files.read(path.posix.join(b.context, sibling)) !== undefined) {
      switchedFrom = b.dockerfile;
      dockerfile = sibling;
    }
  }
  const read = (name: string): Dockerfile | undefined => {
    const file = path.posix.resolve(b.context, name);
    if (!isInside(file, project.projectDirectory)) return undefined;
    const text = files.read(file);
    return text === undefined ? undefined : parseDockerfile(text, args);
  };
  const parsed = b.dockerfileInline !== undefined && x.dockerfile === undefined ? parseDockerfile(b.dockerfileInline, args) : read(dockerfile);
  const stage = parsed && parsed.stages.length > 0 ? targetStage(parsed, target) : undefined;
  const copies = parsed && stage !== undefined ? stageChain(parsed, stage).flatMap((st) => st.copies) : [];
  const devParsed = dockerfile === composeDockerfile ? parsed : read(composeDockerfile);
  return {
    context: b.context,
    dockerfile,
    ...(switchedFrom !== undefined ? { switchedFrom } : {}),
    ...(parsed ? { parsed } : {}),
    ...(stage !== undefined ? { stage } : {}),
    ...(parsed && stage !== undefined && baseImage(parsed, stage) ? { baseImage: baseImage(parsed, stage) } : {}),
    copies,
    ...(devParsed ? { devParsed } : {}),
  };
}

/**
 * Whether a Dockerfile copies a context path (`source`, absolute) to the container path `target` or
 * around it — i.e. whether the image already has what a bind mount of `source` at `target` shows.
 */
export function dockerfileCopies(dockerfile: Dockerfile | undefined, context: string, source: string, target: string): boolean {
  if (!dockerfile) return false;
  for (const st of dockerfile.stages) {
    for (const c of st.copies) {
      const destinationMatches = isInside(target, c.destination) || isInside(c.destination, target);
      if (!destinationMatches) continue;
      if (c.sources.some((s) => {
        const abs = path.posix.resolve(context, s.replace(/[*?[].*$/, ''));
        return isInside(source, abs) || isInside(abs, source);
      })) return true;
    }
  }
  return false;
}

/** Context files a build copies to a container path at or below `prefix` (absolute paths), with the copy. */
export function copiedInto(facts: BuildFacts, prefix: string): { source: string; copy: DockerfileCopy }[] {
  const out: { source: string; copy: DockerfileCopy }[] = [];
  for (const c of facts.copies) {
    if (!isInside(c.destination, prefix) && !isInside(prefix, c.destination)) continue;
    for (const s of c.sources) out.push({ source: path.posix.resolve(facts.context, s), copy: c });
  }
  return out;
}
