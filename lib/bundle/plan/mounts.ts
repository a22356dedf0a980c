/**
 * Mounts: what each compose volume and config becomes — a file of the bundle (config, schema init),
 * a named volume (an instance-local directory), a path of the instance — or why it is left out (hot
 * reload of the build context, dependency directories, data directories, the developer's home).
 */
import * as path from 'path';
import type { ServiceVolume } from '../../compose/model';
import { servicePointer as sp } from '../collector';
import { own } from '../dict';
import { DEPENDENCY_DIRS, NAMED_VOLUME_ROOT, NEVER_SHIP } from '../keys';
import { locate } from '../locations';
import type { PlanContext } from './context';
import { byString } from '../../util/order';
import { isDataDirectory, isInitPath } from './database-service';
import { isInside, isRemoteContext } from './dev-only';
import { dockerfileCopies } from './image-facts';
import { isConfigFile } from './mentions';
import type { PlannedMount } from './types';
import { escapeSegment } from '../../compose/pointer';

/** The name of the instance-local volume that stands in for a service's mount at `target`. */
const volumeFor = (s: string, target: string) => `${s}${target.replace(/[^A-Za-z0-9_-]+/g, '-')}`;

/** A bind mount of the project, the instance or the developer's home. */
function planBind(ctx: PlanContext, s: string, v: ServiceVolume, i: number, keep: (target: string) => boolean, mounts: PlannedMount[]): void {
  const { project, c } = ctx;
  const pointer = sp(s, 'volumes', i);
  const src = v.source!;
  const rel = (p: string) => path.posix.relative(project.projectDirectory, p) || '.';
  const home = project.homeDirectory;
  // `~` still written as such: the loader knew no home directory (no HOME), as Compose leaves it then
  const unexpanded = src.startsWith('~');
  if (unexpanded || (home && home !== '/' && isInside(src, home) && !isInside(src, project.projectDirectory))) {
    // the developer's own files (`~/.aws`, `~/data`): not on the instance, and not to be shipped
    const shown = unexpanded ? src : `~/${path.posix.relative(home!, src)}`.replace(/\/$/, '');
    c.warn('bundle/home-path', `services.${s}.volumes[${i}] mounts ${shown} from your home directory, which does not exist on the instance; left out (use a named volume for data or a project path for configuration; on AWS the instance profile provides credentials)`, s, pointer);
    return;
  }
  const inProject = isInside(src, project.projectDirectory);
  if (inProject && isDataDirectory(v.target) && !keep(v.target)) {
    // data, not source code or configuration: never shipped; an instance-local directory instead
    const name = volumeFor(s, v.target);
    ctx.namedVolumes.add(name);
    ctx.dataVolumes.add(name);
    mounts.push({ kind: 'named', source: name, target: v.target, readOnly: v.readOnly });
    c.warn('bundle/data-directory', `services.${s}.volumes[${i}] mounts ${rel(src)} at ${v.target}, a data directory: its contents are data, not part of the app, and are not shipped; the container starts with ${ctx.caps.composeNative ? 'an empty Docker volume' : `the empty directory ${path.posix.join(NAMED_VOLUME_ROOT, name)}`} on the instance, which is instance-local (keep data in RDS, S3 or EFS)`, s, pointer);
    return;
  }
  // a mount of the service's own build context is hot reload (the image has the code), except the
  // init directory and a config file that neither Dockerfile bakes into the image
  const svc = project.services[s];
  const context = svc.build && !isRemoteContext(svc.build.context) ? svc.build.context : undefined;
  const build = own(ctx.builds, s);
  const unbakedConfig = build?.parsed !== undefined && !ctx.files.isDirectory(src) && isConfigFile(path.posix.basename(src))
    && !dockerfileCopies(build.parsed, build.context, src, v.target) && !dockerfileCopies(build.devParsed, build.context, src, v.target);
  const hotReload = context !== undefined && isInside(src, context) && !isInitPath(v.target) && !unbakedConfig;
  if (hotReload && !keep(v.target)) {
    c.warn('bundle/dev-bind-mount', `services.${s}.volumes[${i}] mounts ${rel(src)} from the service's own build context (hot reload); the image already contains it, so the mount is left out (keep it with x-beanstack.keep_mounts)`, s, pointer);
    return;
  }
  if (inProject) {
    const bundlePath = path.posix.relative(project.projectDirectory, src);
    if (bundlePath === '') {
      c.warn('bundle/project-root-mount', `services.${s}.volumes[${i}] mounts the whole project directory, which cannot be shipped in the bundle; left out (mount a subdirectory instead)`, s, pointer);
      return;
    }
    const base = path.posix.basename(bundlePath);
    if (NEVER_SHIP.includes(base)) {
      c.fail('bundle/never-ship', `services.${s}.volumes[${i}] mounts ${bundlePath}, which would ship a ${base} file (Beanstalk writes its own; secrets must not be in the bundle); pass its variables through environment instead`, pointer);
      return;
    }
    if (bundlePath === 'Dockerrun.aws.json' || bundlePath === 'docker-compose.yml') {
      c.fail('bundle/never-ship', `services.${s}.volumes[${i}] mounts ${bundlePath}, which is the bundle's own file name; rename it`, pointer);
      return;
    }
    const mountedAt = locate(project, pointer);
    ctx.shipped.set(bundlePath, { path: bundlePath, sourcePath: src, ...(mountedAt ? { location: mountedAt } : {}) });
    mounts.push({ kind: 'shipped', source: bundlePath, target: v.target, readOnly: v.readOnly });
    return;
  }
  if (src === '/var/run/docker.sock' || src === '/run/docker.sock') {
    c.warn('bundle/docker-socket', `services.${s}.volumes[${i}] mounts the Docker socket of the instance: the container controls every container of the environment (and the instance); avoid it in production`, s, pointer);
  } else {
    c.warn('bundle/host-path', `services.${s}.volumes[${i}] mounts ${src}, a path of the Elastic Beanstalk instance (not of your machine); its data is instance-local: use a named volume or S3/EFS for data you need to keep`, s, pointer);
  }
  mounts.push({ kind: 'host', source: src, target: v.target, readOnly: v.readOnly });
}

/** A named or anonymous volume. */
function planVolume(ctx: PlanContext, s: string, v: ServiceVolume, i: number, keep: (target: string) => boolean, mounts: PlannedMount[]): void {
  const { c } = ctx;
  const pointer = sp(s, 'volumes', i);
  if (!v.source) {
    if (keep(v.target)) {
      c.warn('bundle/anonymous-volume', `services.${s}.volumes[${i}] (${v.target}) is an anonymous volume; kept as an instance-local volume`, s, pointer);
      const name = volumeFor(s, v.target);
      ctx.namedVolumes.add(name);
      mounts.push({ kind: 'named', source: name, target: v.target, readOnly: v.readOnly });
    } else {
      c.warn('bundle/anonymous-volume', `services.${s}.volumes[${i}] (${v.target}) is an anonymous volume, a development pattern (e.g. keeping node_modules of the image); left out`, s, pointer);
    }
    return;
  }
  if (DEPENDENCY_DIRS.test(v.target) && !keep(v.target)) {
    c.warn('bundle/dev-volume', `services.${s}.volumes[${i}] mounts volume "${v.source}" over ${v.target}, the development trick that keeps the image's dependencies out of a bind mount; left out (the image has them)`, s, pointer);
    return;
  }
  if (v.volume?.subpath) {
    c.fail('bundle/volume-subpath', `services.${s}.volumes[${i}] mounts the subpath "${v.volume.subpath}" of volume "${v.source}", which ${ctx.caps.reader} cannot express (the container would see the whole volume); mount a volume of its own at ${v.target}`, pointer);
    return;
  }
  ctx.namedVolumes.add(v.source);
  mounts.push({ kind: 'named', source: v.source, target: v.target, readOnly: v.readOnly });
}

/** compose `configs`: a file of the project is shipped, inline content is written into the bundle. */
function planConfigs(ctx: PlanContext, s: string, mounts: PlannedMount[]): void {
  const { project, c } = ctx;
  project.services[s].configs.forEach((ref, i) => {
    const pointer = sp(s, 'configs', i);
    const cfg = own(project.configs, ref.source);
    const targetPath = ref.target ? (ref.target.startsWith('/') ? ref.target : `/${ref.target}`) : `/${ref.source}`;
    if (!cfg) return;
    if (cfg.file && isInside(cfg.file, project.projectDirectory) && cfg.file !== project.projectDirectory) {
      const rel = path.posix.relative(project.projectDirectory, cfg.file);
      if (NEVER_SHIP.includes(path.posix.basename(rel))) {
        c.fail('bundle/never-ship', `services.${s}.configs[${i}] would ship ${rel}; pass its variables through environment instead`, pointer);
        return;
      }
      const declaredAt = locate(project, `/configs/${escapeSegment(ref.source)}/file`) ?? locate(project, pointer);
      ctx.shipped.set(rel, { path: rel, sourcePath: cfg.file, ...(declaredAt ? { location: declaredAt } : {}) });
      mounts.push({ kind: 'shipped', source: rel, target: targetPath, readOnly: true });
    } else if (cfg.content !== undefined) {
      const rel = `beanstack-configs/${ref.source.replace(/[^A-Za-z0-9_.-]+/g, '-')}`;
      ctx.shipped.set(rel, { path: rel, content: cfg.content });
      mounts.push({ kind: 'shipped', source: rel, target: targetPath, readOnly: true });
    } else {
      c.warn('bundle/config-unsupported', `services.${s}.configs[${i}] "${ref.source}" comes from ${cfg.external ? 'outside the project (external)' : cfg.environment !== undefined ? 'an environment variable' : 'a file outside the project'}, which beanstack cannot ship; left out`, s, pointer);
    }
  });
}

/** The mounts of a container. */
export function planMounts(ctx: PlanContext, s: string): PlannedMount[] {
  const { project, c } = ctx;
  const x = ctx.overrides[s];
  const mounts: PlannedMount[] = [];
  const keep = (target: string) => x.keepMounts === true || (x.keepMounts ?? []).includes(target);
  project.services[s].volumes.forEach((v, i) => {
    const pointer = sp(s, 'volumes', i);
    if (!v.target.startsWith('/') || /\\|^\/?[A-Za-z]:/.test(v.target)) {
      c.fail('bundle/container-path', `services.${s}.volumes[${i}]: the container path "${v.target}" is not an absolute Linux path; containers on Elastic Beanstalk run Linux: mount at a path like /data`, pointer);
      return;
    }
    const written = v.source && isInside(v.source, project.projectDirectory) ? path.posix.relative(project.projectDirectory, v.source) : v.source;
    if (v.type === 'bind' && written && /^[A-Za-z]:[\\/]|\\/.test(written)) {
      c.fail('bundle/windows-path', `services.${s}.volumes[${i}]: "${written}" is a Windows path, which does not exist on the Linux instances of Elastic Beanstalk; mount a path of the project (./data) or a named volume`, pointer);
      return;
    }
    if (v.type === 'volume') planVolume(ctx, s, v, i, keep, mounts);
    else if (v.type === 'tmpfs') {
      if (ctx.caps.composeNative) mounts.push({ kind: 'tmpfs', source: '', target: v.target, readOnly: false });
      else c.warn('bundle/ignored-key', `services.${s}.volumes[${i}] is a tmpfs mount, which Dockerrun cannot describe; left out (the container writes ${v.target} to its own filesystem)`, s, pointer);
    } else if (v.type === 'image') {
      c.warn('bundle/ignored-key', `services.${s}.volumes[${i}] mounts an image, which Elastic Beanstalk cannot do; left out`, s, pointer);
    } else if (v.type === 'bind' && v.source) planBind(ctx, s, v, i, keep, mounts);
  });
  planConfigs(ctx, s, mounts);
  const targets = new Map<string, number>();
  mounts.forEach((m) => targets.set(m.target, (targets.get(m.target) ?? 0) + 1));
  for (const [t, n] of [...targets.entries()].sort(([a], [b]) => byString(a, b))) {
    if (n > 1) c.fail('bundle/duplicate-mount', `services.${s} mounts ${n} volumes at ${t}; Docker refuses duplicate mount points`, sp(s, 'volumes'));
  }
  return mounts;
}
