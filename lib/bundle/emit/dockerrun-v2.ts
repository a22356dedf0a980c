/**
 * The `ecs` target: Dockerrun.aws.json v2 for "ECS running on 64bit Amazon Linux 2023".
 */
import * as path from 'path';
import type { HealthcheckConfig } from '../../compose/model';
import type { Plan, PlannedService } from '../plan/types';
import { BUNDLE_ROOT_ON_INSTANCE, NAMED_VOLUME_ROOT } from '../keys';
import { assignNames, volumeSlug } from '../names';
import type { ContainerDefinition, DockerrunV2, DockerrunVolume, MountPoint, PortMapping } from '../types';
import { EXECUTION_ROLE_PLACEHOLDER } from '../types';
import { own } from '../dict';
import { byString } from '../../util/order';


/** Host path of a mount source on the instance. */
export function hostSourcePath(kind: 'shipped' | 'named' | 'host', source: string): string {
  if (kind === 'shipped') return path.posix.join(BUNDLE_ROOT_ON_INSTANCE, source);
  if (kind === 'named') return path.posix.join(NAMED_VOLUME_ROOT, source);
  return source;
}

function volumeKey(kind: string, source: string): string {
  return `${kind}\u0000${source}`;
}

/** Seconds (integer, at least 1) from milliseconds. */
const seconds = (ms: number | undefined) => (ms === undefined ? undefined : Math.max(1, Math.round(ms / 1000)));

function healthCheck(hc: HealthcheckConfig | undefined): ContainerDefinition['healthCheck'] | undefined {
  if (!hc || hc.disable || !hc.test || hc.test.length === 0 || hc.test[0] === 'NONE') return undefined;
  const command = hc.test[0] === 'CMD' || hc.test[0] === 'CMD-SHELL' ? [...hc.test] : ['CMD-SHELL', hc.test.join(' ')];
  return {
    command,
    // the planner already clamped these with a warning (clampHealthcheck); this keeps the output valid regardless
    ...(hc.intervalMs !== undefined ? { interval: Math.min(300, Math.max(5, seconds(hc.intervalMs)!)) } : {}),
    ...(hc.timeoutMs !== undefined ? { timeout: Math.min(60, Math.max(2, seconds(hc.timeoutMs)!)) } : {}),
    ...(hc.retries !== undefined ? { retries: Math.min(10, Math.max(1, hc.retries)) } : {}),
    ...(hc.startPeriodMs !== undefined ? { startPeriod: Math.min(300, Math.max(0, Math.round(hc.startPeriodMs / 1000))) } : {}),
  };
}

const CONDITIONS = {
  service_started: 'START',
  service_healthy: 'HEALTHY',
  service_completed_successfully: 'SUCCESS',
} as const;

/** Renders the plan as Dockerrun v2 (an object; render.ts turns it into bytes). */
/** The image reference of each container, by service (from `renderBundle`). */
export type ImageRefs = Readonly<Record<string, string>>;

export function toDockerrunV2(plan: Plan, images: ImageRefs, options: { readonly executionRoleArn?: string }): DockerrunV2 {
  // volumes: one per distinct source, named after it
  const sources = new Map<string, { kind: 'shipped' | 'named' | 'host'; source: string; slug: string }>();
  for (const s of plan.services) {
    for (const m of s.mounts) {
      if (m.kind === 'tmpfs') continue;
      const prefix = m.kind === 'shipped' ? 'app' : m.kind === 'named' ? 'volume' : 'host';
      sources.set(volumeKey(m.kind, m.source), { kind: m.kind, source: m.source, slug: `${prefix}-${volumeSlug(m.source)}` });
    }
  }
  const keys = [...sources.keys()].sort(byString);
  const slugs = keys.map((k) => sources.get(k)!.slug);
  // distinct sources may share a slug (`a-b` and `a/b`): make names unique and stable
  const bySlug = new Map<string, string[]>();
  keys.forEach((k, i) => bySlug.set(slugs[i], [...(bySlug.get(slugs[i]) ?? []), k]));
  const volumeName = new Map<string, string>();
  for (const [slug, ks] of bySlug) {
    if (ks.length === 1) volumeName.set(ks[0], slug);
    else {
      const names = assignNames(ks.map(() => slug).map((sl, i) => `${sl}\u0000${i}`), (x) => x.split('\u0000')[0]);
      ks.forEach((k, i) => volumeName.set(k, names[`${slug}\u0000${i}`]));
    }
  }
  const volumes: DockerrunVolume[] = keys
    .map((k) => ({ name: volumeName.get(k)!, host: { sourcePath: hostSourcePath(sources.get(k)!.kind, sources.get(k)!.source) } }))
    .sort((a, b) => byString(a.name, b.name));

  const containerDefinitions = plan.services
    .map((s) => containerDefinition(plan, s, images[s.service], (kind, source) => volumeName.get(volumeKey(kind, source))!))
    .sort((a, b) => byString(a.name, b.name));

  // environment secrets (the app's and the RDS password) reach ECS containers through the task execution role
  // (and x-dockerrun's secret references); a role kept in x-dockerrun is used when none is given
  const usesSecrets = plan.secrets.length > 0 || plan.databases.some((d) => d.variables.some((v) => v.role === 'password'))
    || plan.services.some((s) => (s.dockerrun?.secrets.length ?? 0) > 0 || (s.dockerrun?.logSecretOptions.length ?? 0) > 0);
  const givenRole = options.executionRoleArn ?? plan.dockerrun?.executionRoleArn;
  const executionRoleArn = usesSecrets ? givenRole ?? EXECUTION_ROLE_PLACEHOLDER : givenRole;
  const authentication = plan.dockerrun?.authentication;
  return {
    AWSEBDockerrunVersion: 2,
    ...(executionRoleArn ? { executionRoleArn } : {}),
    ...(authentication ? { authentication: { bucket: authentication.bucket, key: authentication.key } } : {}),
    ...(volumes.length > 0 ? { volumes } : {}),
    containerDefinitions,
  };
}

function containerDefinition(
  plan: Plan,
  s: PlannedService,
  image: string,
  volumeOf: (kind: 'shipped' | 'named' | 'host', source: string) => string,
): ContainerDefinition {
  const x = s.dockerrun;
  const mountPoints: MountPoint[] = [
    ...s.mounts
      .filter((m) => m.kind !== 'tmpfs')
      .map((m) => ({ sourceVolume: volumeOf(m.kind as 'shipped' | 'named' | 'host', m.source), containerPath: m.target, ...(m.readOnly ? { readOnly: true } : {}) })),
    // Elastic Beanstalk's log volumes (x-dockerrun.mountPoints): Beanstalk declares them
    ...(x?.logMounts ?? []).map((m) => ({ sourceVolume: m.sourceVolume, containerPath: m.containerPath, ...(m.readOnly ? { readOnly: true } : {}) })),
  ]
    .sort((a, b) => byString(a.containerPath, b.containerPath) || byString(a.sourceVolume, b.sourceVolume));
  const links: string[] = [];
  for (const link of own(plan.links, s.service) ?? []) {
    const name = plan.containers[link.service];
    if (link.aliases.length === 0) links.push(name);
    for (const a of link.aliases) links.push(a === name ? name : `${name}:${a}`);
  }
  const uniqueLinks = [...new Set(links)].sort(byString);
  const deps = plan.healthchecksWritten
    ? Object.entries(s.dependsOn)
      .map(([t, cond]) => ({ containerName: plan.containers[t], condition: CONDITIONS[cond] }))
      .sort((a, b) => byString(a.containerName, b.containerName))
    : [];
  const hc = plan.healthchecksWritten ? healthCheck(s.healthcheck) : undefined;
  const cpu = s.cpus !== undefined ? Math.max(1, Math.round(s.cpus * 1024)) : s.cpuShares;
  const environment = Object.entries(s.environment).map(([name, value]) => ({ name, value }));
  const portMappings = [
    ...s.ports.map((p) => ({ hostPort: p.hostPort, containerPort: p.containerPort, ...(p.protocol === 'udp' ? { protocol: 'udp' as const } : {}) })),
    // port ranges (x-dockerrun.portMappings), verbatim
    ...((x?.portMappings ?? []) as unknown as readonly PortMapping[]),
  ];
  const ulimits = Object.entries(s.ulimits)
    .map(([name, u]) => ({ name, softLimit: u.soft, hardLimit: u.hard }))
    .sort((a, b) => byString(a.name, b.name));
  return {
    name: s.containerName,
    image,
    essential: s.essential,
    ...(s.memoryMiB !== undefined ? { memory: s.memoryMiB } : {}),
    ...(s.memoryReservationMiB !== undefined ? { memoryReservation: s.memoryReservationMiB } : {}),
    ...(cpu !== undefined ? { cpu } : {}),
    // an empty entrypoint clears the image's; ECS passes [""] to Docker, which clears it (`docker run --entrypoint ""`)
    ...(s.entrypoint ? { entryPoint: s.entrypoint.length > 0 ? [...s.entrypoint] : [''] } : {}),
    ...(s.command && s.command.length > 0 ? { command: [...s.command] } : {}),
    ...(environment.length > 0 ? { environment } : {}),
    // x-dockerrun.secrets: read from Secrets Manager / SSM through the execution role (never a value)
    ...(x && x.secrets.length > 0 ? { secrets: x.secrets.map((r) => ({ name: r.name, valueFrom: r.valueFrom })) } : {}),
    ...(portMappings.length > 0 ? { portMappings } : {}),
    ...(uniqueLinks.length > 0 ? { links: uniqueLinks } : {}),
    ...(mountPoints.length > 0 ? { mountPoints } : {}),
    ...(s.volumesFrom.length > 0
      ? { volumesFrom: s.volumesFrom.map((v) => ({ sourceContainer: plan.containers[v.service], ...(v.readOnly ? { readOnly: true } : {}) })).sort((a, b) => byString(a.sourceContainer, b.sourceContainer)) }
      : {}),
    ...(s.workingDir !== undefined ? { workingDirectory: s.workingDir } : {}),
    ...(s.user !== undefined ? { user: s.user } : {}),
    ...(s.hostname !== undefined ? { hostname: s.hostname } : {}),
    ...(s.extraHosts.length > 0 ? { extraHosts: [...s.extraHosts] } : {}),
    ...(s.dns.length > 0 ? { dnsServers: [...s.dns] } : {}),
    ...(s.dnsSearch.length > 0 ? { dnsSearchDomains: [...s.dnsSearch] } : {}),
    ...(s.privileged ? { privileged: true } : {}),
    ...(s.readOnly ? { readonlyRootFilesystem: true } : {}),
    ...(ulimits.length > 0 ? { ulimits } : {}),
    ...(Object.keys(s.labels).length > 0 ? { dockerLabels: { ...s.labels } } : {}),
    ...(s.logging?.driver
      ? {
        logConfiguration: {
          logDriver: s.logging.driver,
          ...(Object.keys(s.logging.options).length > 0 ? { options: { ...s.logging.options } } : {}),
          ...(x && x.logSecretOptions.length > 0 ? { secretOptions: x.logSecretOptions.map((r) => ({ name: r.name, valueFrom: r.valueFrom })) } : {}),
        },
      }
      : {}),
    ...(x?.linuxParameters ? { linuxParameters: x.linuxParameters } : {}),
    ...(hc ? { healthCheck: hc } : {}),
    ...(deps.length > 0 ? { dependsOn: deps } : {}),
    ...(s.stopGracePeriodMs !== undefined ? { stopTimeout: Math.min(120, Math.max(1, Math.round(s.stopGracePeriodMs / 1000))) } : {}),
    ...(x?.verbatim ?? {}),
  };
}
