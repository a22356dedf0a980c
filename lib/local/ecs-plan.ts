/**
 * Dockerrun.aws.json v2 → the containers the ECS platform would run, as engine container specs.
 * Pure: no engine calls, so the mapping is unit-tested on its own.
 *
 * ECS semantics reproduced: bridge networking where a container reaches another only through
 * `links` (containers get engine-unique names, so the bare names do not resolve without a link);
 * port mappings (published on the bind address, 127.0.0.1 by default); environment; secrets from
 * the values the stack would provide; `volumes` with `host.sourcePath` under `/var/app/current`
 * mapped to the bundle directory and other host paths to a per-run directory; the
 * `awseb-logs-<name>` volumes Elastic Beanstalk adds; command/entryPoint; memory limits; start
 * order from links, volumesFrom and dependsOn; `essential` (default true).
 */
import * as path from 'path';
import type { ContainerDefinition, DockerrunV2 } from '../bundle/types';
import { unsafeMountPathReason } from './arguments';
import { BindMount, ContainerSpec, LABEL_CONTAINER, LocalError, PortPublish } from './engine';

/** Where Elastic Beanstalk unpacks the source bundle on the instance. */
export const APP_ROOT = '/var/app/current';

export interface EcsPlanInput {
  readonly dockerrun: DockerrunV2;
  /** Prefix of engine container names (`beanstack-<project>-`). */
  readonly prefix: string;
  readonly network: string;
  /** Absolute bundle directory: `/var/app/current` maps here. */
  readonly bundleDir: string;
  /** Absolute per-run directory: other host paths (named volumes, log directories) map below it. */
  readonly hostDir: string;
  /** Bundle image reference → the local reference to run (identity when absent). */
  readonly images: Readonly<Record<string, string>>;
  /** Environment properties Elastic Beanstalk passes to every container (database variables, variables, secrets). */
  readonly environmentProperties: Readonly<Record<string, string>>;
  /** Values of container `secrets` entries, by variable name. */
  readonly secretValues: Readonly<Record<string, string>>;
  /** Host address ports are published on. */
  readonly bindAddress: string;
  /** Host port remapping (`80` → `8080`; `0` = a random free port). */
  readonly publish: Readonly<Record<number, number>>;
  /** Labels for every container. */
  readonly labels: Readonly<Record<string, string>>;
}

export interface PlannedContainer {
  /** The Dockerrun container name. */
  readonly name: string;
  readonly essential: boolean;
  readonly spec: ContainerSpec;
  /** dependsOn conditions to wait for before starting. */
  readonly dependsOn: readonly { readonly container: string; readonly condition: 'START' | 'COMPLETE' | 'SUCCESS' | 'HEALTHY' }[];
  /** Host directories to create before starting. */
  readonly hostDirectories: readonly string[];
}

export interface EcsPlan {
  /** In start order. */
  readonly containers: readonly PlannedContainer[];
  /** The container whose host port 80 receives the load balancer's traffic, if any. */
  readonly webContainer?: string;
  /** The container port behind host port 80 of `webContainer`. */
  readonly webContainerPort?: number;
  /** Notes for the user (log drivers replaced, ...). */
  readonly notes: readonly string[];
}

function planError(message: string, fix: string): LocalError {
  return new LocalError(`Dockerrun.aws.json: ${message}`, { code: 'local/dockerrun', fix });
}

/** Maps a Dockerrun host path to a local path. */
export function localHostPath(sourcePath: string, bundleDir: string, hostDir: string): string {
  const p = path.posix.normalize(sourcePath);
  if (p === APP_ROOT) return bundleDir;
  if (p.startsWith(`${APP_ROOT}/`)) {
    const rel = p.slice(APP_ROOT.length + 1);
    const out = path.resolve(bundleDir, rel);
    if (!out.startsWith(bundleDir + path.sep) && out !== bundleDir) throw planError(`the host path ${sourcePath} leaves the bundle`, 'use a path inside /var/app/current');
    return out;
  }
  return path.join(hostDir, p.replace(/^\/+/, ''));
}

/** Topological start order: a container starts after the ones it links to, takes volumes from, or depends on. */
function startOrder(defs: readonly ContainerDefinition[]): ContainerDefinition[] {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const deps = (d: ContainerDefinition): string[] => [
    ...(d.links ?? []).map((l) => l.split(':')[0]),
    ...(d.volumesFrom ?? []).map((v) => v.sourceContainer),
    ...(d.dependsOn ?? []).map((x) => x.containerName),
  ];
  const order: ContainerDefinition[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (d: ContainerDefinition, trail: string[]) => {
    const s = state.get(d.name);
    if (s === 'done') return;
    if (s === 'visiting') throw planError(`the containers ${[...trail, d.name].join(' → ')} link to or depend on each other in a cycle`, 'remove one of the links or dependsOn entries');
    state.set(d.name, 'visiting');
    for (const n of deps(d)) {
      const dep = byName.get(n);
      if (!dep) throw planError(`container ${d.name} refers to the container "${n}", which does not exist`, `use one of ${[...byName.keys()].join(', ')}`);
      visit(dep, [...trail, d.name]);
    }
    state.set(d.name, 'done');
    order.push(d);
  };
  for (const d of defs) visit(d, []);
  return order;
}

/** A container's mount points as bind mounts of this machine, and the host directories they need. */
function containerMounts(d: ContainerDefinition, volumes: ReadonlyMap<string, string>, input: EcsPlanInput): { mounts: BindMount[]; hostDirectories: string[] } {
  const hostDirectories: string[] = [];
  const mounts: BindMount[] = (d.mountPoints ?? []).map((m) => {
    let source = volumes.get(m.sourceVolume);
    if (source === undefined && m.sourceVolume.startsWith('awseb-logs-')) {
      source = `/var/log/containers/${m.sourceVolume.slice('awseb-logs-'.length)}`;
    }
    if (source === undefined) throw planError(`container ${d.name} mounts the volume "${m.sourceVolume}", which is not in volumes`, 'add it to volumes with a host.sourcePath');
    for (const [what, p] of [['containerPath', m.containerPath], ['host.sourcePath', source]] as const) {
      const why = unsafeMountPathReason(p);
      if (why) throw planError(`container ${d.name} mounts ${what} ${JSON.stringify(p)}, which cannot be a mount path: ${why}`, 'use paths without `,` `=` `"` `:` or control characters');
    }
    const local = localHostPath(source, input.bundleDir, input.hostDir);
    if (!local.startsWith(input.bundleDir)) hostDirectories.push(local);
    return { source: local, target: m.containerPath, readOnly: m.readOnly === true };
  });
  return { mounts, hostDirectories };
}

/** A container's environment: its variables, its secrets' values (all must have one), the environment properties. */
function containerEnvironment(d: ContainerDefinition, input: EcsPlanInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const kv of d.environment ?? []) env[kv.name] = kv.value;
  const missingSecrets: string[] = [];
  for (const s of d.secrets ?? []) {
    const v = input.secretValues[s.name];
    if (v === undefined) missingSecrets.push(s.name);
    else env[s.name] = v;
  }
  if (missingSecrets.length > 0) {
    throw new LocalError(`container ${d.name} reads the secrets ${missingSecrets.join(', ')}, which have no value`, {
      code: 'local/missing-secret',
      fix: `pass them with --secret ${missingSecrets[0]}=VALUE (or set them in the environment of beanstack local)`,
    });
  }
  Object.assign(env, input.environmentProperties);
  return env;
}

/** A Dockerrun health check as the engine takes it. */
function healthCheckOf(h: NonNullable<ContainerDefinition['healthCheck']>): NonNullable<ContainerSpec['healthCheck']> {
  return {
    command: h.command,
    ...(h.interval !== undefined ? { intervalSeconds: h.interval } : {}),
    ...(h.timeout !== undefined ? { timeoutSeconds: h.timeout } : {}),
    ...(h.retries !== undefined ? { retries: h.retries } : {}),
    ...(h.startPeriod !== undefined ? { startPeriodSeconds: h.startPeriod } : {}),
  };
}

/** Plans every container of a Dockerrun v2 file. */
export function planEcs(input: EcsPlanInput): EcsPlan {
  const { dockerrun } = input;
  if (dockerrun.AWSEBDockerrunVersion !== 2 || !Array.isArray(dockerrun.containerDefinitions)) {
    throw planError('AWSEBDockerrunVersion must be 2 with containerDefinitions', 'generate the bundle with `beanstack dockerrun --target ecs`');
  }
  const notes: string[] = [];
  const volumes = new Map((dockerrun.volumes ?? []).map((v) => [v.name, v.host.sourcePath]));
  const containerName = (n: string) => `${input.prefix}${n}`;
  const defs = startOrder(dockerrun.containerDefinitions);
  if (!defs.some((d) => d.essential !== false)) throw planError('no container is essential', 'mark the main container essential (ECS requires at least one)');
  let webContainer: string | undefined;
  let webContainerPort: number | undefined;
  const usedHostPorts = new Map<number, string>();

  const containers: PlannedContainer[] = defs.map((d) => {
    const { mounts, hostDirectories } = containerMounts(d, volumes, input);
    const env = containerEnvironment(d, input);
    const ports: PortPublish[] = (d.portMappings ?? []).map((p) => {
      const wanted = p.hostPort ?? p.containerPort;
      if (wanted === 80 && p.hostPort !== undefined && (p.protocol ?? 'tcp') === 'tcp' && webContainer === undefined) {
        webContainer = d.name;
        webContainerPort = p.containerPort;
      }
      const mapped = input.publish[wanted] ?? wanted;
      if (mapped !== 0) {
        const other = usedHostPorts.get(mapped);
        if (other) throw planError(`containers ${other} and ${d.name} both publish host port ${mapped}`, 'give each container its own hostPort');
        usedHostPorts.set(mapped, d.name);
      }
      return { hostIp: input.bindAddress, ...(mapped !== 0 ? { hostPort: mapped } : {}), containerPort: p.containerPort, protocol: p.protocol ?? 'tcp' };
    });
    if (d.logConfiguration) notes.push(`container ${d.name}: logConfiguration (${d.logConfiguration.logDriver}) is not used locally; logs are shown here`);
    const image = input.images[d.image] ?? d.image;
    const spec: ContainerSpec = {
      name: containerName(d.name),
      image,
      network: input.network,
      links: (d.links ?? []).map((l) => {
        const [target, alias] = l.split(':');
        return { container: containerName(target), alias: alias ?? target };
      }),
      env,
      ...(d.entryPoint !== undefined ? { entrypoint: d.entryPoint } : {}),
      ...(d.command !== undefined ? { command: d.command } : {}),
      ports,
      mounts,
      volumesFrom: (d.volumesFrom ?? []).map((v) => ({ container: containerName(v.sourceContainer), readOnly: v.readOnly === true })),
      ...(d.memory !== undefined ? { memoryMiB: d.memory } : {}),
      ...(d.memoryReservation !== undefined ? { memoryReservationMiB: d.memoryReservation } : {}),
      ...(d.cpu !== undefined && d.cpu > 0 ? { cpuShares: Math.max(2, d.cpu) } : {}),
      ...(d.workingDirectory ? { workingDir: d.workingDirectory } : {}),
      ...(d.user ? { user: d.user } : {}),
      ...(d.hostname ? { hostname: d.hostname } : {}),
      ...(d.extraHosts ? { extraHosts: d.extraHosts } : {}),
      ...(d.dnsServers ? { dns: d.dnsServers } : {}),
      ...(d.dnsSearchDomains ? { dnsSearch: d.dnsSearchDomains } : {}),
      ...(d.privileged ? { privileged: true } : {}),
      ...(d.readonlyRootFilesystem ? { readOnlyRootFilesystem: true } : {}),
      ...(d.ulimits ? { ulimits: d.ulimits.map((u) => ({ name: u.name, soft: u.softLimit, hard: u.hardLimit })) } : {}),
      ...(d.stopTimeout !== undefined ? { stopTimeoutSeconds: d.stopTimeout } : {}),
      ...(d.healthCheck ? { healthCheck: healthCheckOf(d.healthCheck) } : {}),
      labels: { ...(d.dockerLabels ?? {}), ...input.labels, [LABEL_CONTAINER]: d.name },
    };
    return {
      name: d.name,
      essential: d.essential !== false,
      spec,
      dependsOn: (d.dependsOn ?? []).map((x) => ({ container: x.containerName, condition: x.condition })),
      hostDirectories,
    };
  });
  return { containers, ...(webContainer ? { webContainer, webContainerPort } : {}), notes };
}
