/**
 * The planner: compose model → `Plan`, for one target. Pure: it reads files only through the injected
 * reader, never mutates the model, and throws every problem that keeps the project from running on
 * Elastic Beanstalk at once, as one `BundleError` (`bundle/*` codes, each located). Each concern has
 * its module (services, databases, image, environment, ports, mounts, resources, container, links,
 * schema init); the policy they apply is data in lib/bundle/keys.ts.
 */
import type { ComposeProject } from '../../compose/model';
import { servicePointer as sp } from '../collector';
import { dict, own, sortRecord } from '../dict';
import { NAMED_VOLUME_ROOT } from '../keys';
import { locate } from '../locations';
import { assignNames } from '../names';
import type { DatabaseReplacement, RequiredVariable } from '../types';
import { byString } from '../../util/order';
import { underAnyOf } from '../../util/path-prefixes';
import { PlanContext, PlanOptions } from './context';
import { planCommand, planDependencies, planLifecycle, planSettings, planVolumesFrom } from './container';
import { majorVersion } from './database-facts';
import { planDatabases, PlannedDatabases } from './databases';
import { planEnvironment } from './environment';
import { planImage } from './image';
import { resolveLinks } from './links';
import { planMounts } from './mounts';
import { checkHostPorts, healthPathFrom, planPorts, planWebService } from './ports';
import { planResources } from './resources';
import { planSchemaInit } from './schema-init';
import { checkServiceKeys, excludedServices } from './services';
import type { Plan, PlannedNetwork, PlannedService, PlannedVolume } from './types';
import { escapeSegment } from '../../compose/pointer';

export type { PlanOptions } from './context';
export type { Plan, PlannedImage, PlannedMount, PlannedNetwork, PlannedPort, PlannedService, PlannedVolume, SourceRef } from './types';

/** Plans one compose service's container. */
function planService(ctx: PlanContext, s: string, containerName: string, dbs: PlannedDatabases, kept: ReadonlySet<string>, excluded: ReadonlySet<string>, oneShotTargets: ReadonlySet<string>): void {
  const svc = ctx.project.services[s];
  const image = planImage(ctx, s, containerName);
  if (!image) return;
  if (image.build) ctx.images.push(image.build);
  const env = planEnvironment(ctx, s, dbs.facts);
  const commands = planCommand(ctx, s, env.ownSecrets);
  const { ports, exposed } = planPorts(ctx, s);
  ctx.portsBy[s] = ports;
  const mounts = planMounts(ctx, s);
  const resources = planResources(ctx, s);
  const lifecycle = planLifecycle(ctx, s, oneShotTargets);
  const dependsOn = planDependencies(ctx, s, kept, excluded);
  const location = locate(ctx.project, sp(s));
  ctx.planned[s] = {
    service: s,
    containerName,
    ...image,
    ...(location ? { location } : {}),
    ...lifecycle,
    ...resources,
    ...commands,
    environment: sortRecord(env.environment),
    readsStackEnvironment: env.readsStack,
    ports: [],
    exposed,
    mounts,
    dependsOn,
    volumesFrom: planVolumesFrom(ctx, s, kept),
    ...(svc.workingDir !== undefined ? { workingDir: svc.workingDir } : {}),
    ...(svc.user !== undefined ? { user: svc.user } : {}),
    ...(svc.hostname !== undefined ? { hostname: svc.hostname } : {}),
    ...(svc.domainname !== undefined ? { domainname: svc.domainname } : {}),
    dns: svc.dns,
    dnsSearch: svc.dnsSearch,
    ...(svc.privileged !== undefined ? { privileged: svc.privileged } : {}),
    ...(svc.readOnly !== undefined ? { readOnly: svc.readOnly } : {}),
    ...(svc.init !== undefined ? { init: svc.init } : {}),
    ulimits: svc.ulimits,
    labels: svc.labels,
    ...(svc.stopGracePeriodMs !== undefined ? { stopGracePeriodMs: svc.stopGracePeriodMs } : {}),
    ...(svc.stopSignal !== undefined ? { stopSignal: svc.stopSignal } : {}),
    capAdd: svc.capAdd,
    capDrop: svc.capDrop,
    sysctls: svc.sysctls,
    tmpfs: svc.tmpfs,
    ...(svc.shmSizeBytes !== undefined ? { shmSizeBytes: svc.shmSizeBytes } : {}),
    ...planSettings(ctx, s),
    composeLinks: svc.links.filter((l) => kept.has(l.split(':')[0])),
    ...(own(ctx.dockerrun, s) ? { dockerrun: own(ctx.dockerrun, s) } : {}),
  };
}

/** The replaced databases as the bundle describes them, with the variables the stack sets. */
function describeDatabases(ctx: PlanContext, dbs: PlannedDatabases, containers: Readonly<Record<string, string>>): DatabaseReplacement[] {
  return dbs.facts.map((f) => {
    const seen = new Set<string>();
    const variables = ctx.dbVariables.of(f.service)
      .filter((v) => {
        const k = `${v.service}\u0000${v.name}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      })
      .sort((a, b) => byString(a.service, b.service) || byString(a.name, b.name));
    const image = ctx.imageOf(f.service);
    const major = majorVersion(f.engine, image);
    const initName = own(dbs.initFor, f.service);
    const parameters = dbs.plans[f.service]?.parameters ?? {};
    return {
      service: f.service,
      engine: f.engine,
      ...(image ? { image } : {}),
      ...(major ? { majorVersion: major } : {}),
      ...(f.databaseName ? { databaseName: f.databaseName } : {}),
      ...(f.username ? { username: f.username } : {}),
      port: f.port,
      variables,
      ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
      ...(initName && own(ctx.planned, initName)
        ? { schemaInit: { container: containers[initName], service: initName, files: dbs.plans[f.service].init?.sqlFiles ?? [] } }
        : {}),
    };
  });
}

/** Shipped files must exist (all missing ones at once); a directory covers the files below it. */
function shippedFiles(ctx: PlanContext): Plan['files'] {
  for (const f of [...ctx.shipped.values()].sort((a, b) => byString(a.path, b.path))) {
    if (!('sourcePath' in f) || ctx.files.exists(f.sourcePath) !== false) continue;
    ctx.c.failAt('bundle/missing-shipped-file', `${f.path} is mounted by the compose file and shipped in the bundle, but does not exist (Docker would mount an empty directory there); create it, or remove the mount`, f.location);
  }
  ctx.c.throwIfProblems('create the missing files in the project, or remove their mounts');
  const paths = [...ctx.shipped.keys()].sort(byString);
  const all = new Set(paths);
  return paths.filter((p) => !underAnyOf(p, all)).map((p) => ctx.shipped.get(p)!);
}

/** Named volumes and networks with the compose options the docker target keeps. */
function volumesAndNetworks(ctx: PlanContext): { namedVolumes: PlannedVolume[]; networks: PlannedNetwork[] } {
  const { project, c } = ctx;
  const namedVolumes = [...ctx.namedVolumes].sort(byString).map((v): PlannedVolume => {
    const top = own(project.volumes, v);
    if (!ctx.dataVolumes.has(v)) {
      c.warn('bundle/instance-local-volume', `volume "${v}" becomes ${ctx.caps.composeNative ? 'a Docker volume' : `the directory ${`${NAMED_VOLUME_ROOT}/${v}`}`} on each instance: its data is instance-local and lost when the instance is replaced${top?.external ? ' (it was external in compose)' : ''}${ctx.caps.composeNative ? '' : '; unlike a Docker volume it starts empty, not filled from the image'}; keep data in RDS, S3 or EFS`, undefined, `/volumes/${escapeSegment(v)}`);
    }
    const keep = top && !top.external;
    return { name: v, ...(keep && top.driver ? { driver: top.driver } : {}), driverOpts: keep ? { ...top.driverOpts } : {} };
  });
  const networks = [...ctx.networks].sort(byString).map((n): PlannedNetwork => {
    const top = own(project.networks, n);
    return {
      name: n,
      ...(top?.driver ? { driver: top.driver } : {}),
      ...(top?.internal ? { internal: true } : {}),
      ...(top?.attachable ? { attachable: true } : {}),
      driverOpts: { ...(top?.driverOpts ?? {}) },
      labels: { ...(top?.labels ?? {}) },
    };
  });
  return { namedVolumes, networks };
}

/** Plans the bundle for one target. Throws `BundleError` with every problem at once. */
export function planBundle(project: ComposeProject, options: PlanOptions = {}): Plan {
  const ctx = new PlanContext(project, options);
  const { c } = ctx;
  const excluded = excludedServices(ctx);
  const dbs = planDatabases(ctx, excluded);
  const dbNames = new Set(dbs.replaced.map((d) => d.service));
  const kept = ctx.serviceNames.filter((s) => !excluded.has(s) && !dbNames.has(s));
  if (kept.length === 0) {
    c.fail('bundle/no-services', 'no service is left to run after exclusions and database replacement', '/services');
    c.throwIfProblems('keep at least one application service in the bundle');
  }
  const initServices = Object.values(dbs.initFor);
  const containers = assignNames([...kept, ...initServices]);
  const keptSet = new Set(kept);
  checkServiceKeys(ctx, kept);

  ctx.secrets.collect(dbs.facts.flatMap((f) => [...f.passwords].map((v): [string, string] => [v, `the ${f.service} password`])));
  const oneShotTargets = new Set<string>();
  for (const s of kept) {
    for (const [dep, cfg] of Object.entries(project.services[s].dependsOn)) if (cfg.condition === 'service_completed_successfully') oneShotTargets.add(dep);
  }
  for (const s of kept) planService(ctx, s, containers[s], dbs, keptSet, excluded, oneShotTargets);
  ctx.secrets.checkConflicts();
  planSchemaInit(ctx, dbs, kept, containers);

  const webService = planWebService(ctx, kept);
  checkHostPorts(ctx, kept);
  const links = ctx.caps.linksOnly ? resolveLinks(ctx, kept, webService, dbNames) : dict<never>();
  c.throwIfProblems('fix the listed settings in the compose file (or its production override file) and run again');

  const healthCheckPath = ctx.top.healthCheckPath
    ?? (webService ? ctx.overrides[webService].healthCheckPath ?? healthPathFrom(project.services[webService].healthcheck) : undefined)
    ?? kept.map((s) => ctx.overrides[s].healthCheckPath).find((p) => p !== undefined);
  const services: PlannedService[] = [...kept, ...initServices].sort(byString).filter((s) => own(ctx.planned, s)).map((s) => ({
    ...ctx.planned[s],
    ports: [...(own(ctx.portsBy, s) ?? []).map((p) => p.port)].sort((a, b) => a.containerPort - b.containerPort || a.hostPort - b.hostPort || byString(a.protocol, b.protocol)),
  }));
  if (services.length > 0 && !services.some((p) => p.essential)) {
    c.fail('bundle/no-essential', `every container is one-shot or non-essential (${services.map((p) => p.service).join(', ')}); a task needs at least one essential container`, '/services');
    c.throwIfProblems('mark the long-running service `x-beanstack: { essential: true }`');
  }
  const databases = describeDatabases(ctx, dbs, containers);
  const requiredVariables: RequiredVariable[] = [...ctx.required.entries()]
    .sort(([a], [b]) => byString(a, b))
    .map(([name, set]) => ({ name, services: [...set].sort(byString) }));
  const files = shippedFiles(ctx);
  const { namedVolumes, networks } = volumesAndNetworks(ctx);
  const servicesLocation = locate(project, '/services');
  return {
    target: ctx.target,
    services,
    images: [...ctx.images].sort((a, b) => byString(a.service, b.service)),
    databases,
    secrets: ctx.secrets.required(),
    requiredVariables,
    files,
    namedVolumes,
    networks,
    containers,
    links,
    ...(webService ? { webService } : {}),
    ...(healthCheckPath ? { healthCheckPath } : {}),
    healthchecksWritten: ctx.healthchecksWritten,
    ...(servicesLocation ? { servicesLocation } : {}),
    ...(ctx.dockerrunTop ? { dockerrun: ctx.dockerrunTop } : {}),
    warnings: c.warnings,
  };
}
