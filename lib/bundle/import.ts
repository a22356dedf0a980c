/**
 * The reverse direction: Dockerrun.aws.json (v2 or v1) → a docker-compose.yml that runs the same
 * containers locally and that `beanstack dockerrun` turns back into the same Dockerrun file.
 *
 * Pure: data in, `{ result, warnings }` out. Every Dockerrun field compose cannot express is kept
 * verbatim under an `x-dockerrun` extension (top level or per service) and reported as a warning with
 * its Dockerrun path. Compose interpolates every value, so `$` in imported values is written `$$`.
 *
 * The mapping (docs/import.md has the full table):
 * - a container → a service of the same name; image, command/entryPoint arrays, environment (a
 *   mapping, sorted), `hostPort:containerPort[/udp]` ports, cpu → cpu_shares, memory /
 *   memoryReservation → deploy.resources limits / reservations, dockerLabels → labels,
 *   logConfiguration → logging, workingDirectory, user, hostname, extraHosts, dnsServers,
 *   dnsSearchDomains, privileged, readonlyRootFilesystem, ulimits, healthCheck, stopTimeout.
 * - links (`name`, `name:alias`) → compose links (Docker links: names, aliases and start order);
 *   dependsOn conditions → depends_on conditions; volumesFrom → volumes_from.
 * - essential: false → `restart: "no"` (a one-shot container, which beanstack maps back to a
 *   non-essential one).
 * - mountPoints: a host volume below /var/app/current → a bind mount of the same path relative to
 *   the project (`/var/app/current/conf` → `./conf`); below beanstack's named-volume root or without a
 *   host path → a named volume; any other host path → a bind mount of that path; awseb-logs-* (the
 *   Beanstalk log volumes) → kept in x-dockerrun.
 * - secrets → a variable taken from the environment (`NAME: null`) plus its valueFrom in x-dockerrun;
 *   executionRoleArn and authentication → top-level x-dockerrun.
 */
import * as path from 'path';
import type { Diagnostic, SourceLocation, StageResult } from '../errors';
import { sortDiagnostics } from '../errors';
import { BUNDLE_ROOT_ON_INSTANCE, NAMED_VOLUME_ROOT } from './keys';
import { renderYaml } from './emit/serialize';
import { assertValidDockerrun, formatPath, locate, parseJsonWithLocations } from './validate';
import { dict, own, sortRecord } from './dict';
import { byString } from '../util/order';

export interface ImportOptions {
  /**
   * Name of the Dockerrun file, for messages and the header of the generated file.
   *
   * @default 'Dockerrun.aws.json'
   */
  readonly file?: string;
  /**
   * JSON pointer → position in the file (from `parseJsonWithLocations`), so warnings name
   * line:column. Not needed when `doc` is the JSON text: it is parsed with positions.
   *
   * @default - no positions
   */
  readonly locations?: Readonly<Record<string, SourceLocation>>;
}

export interface ImportedCompose {
  /** The Dockerrun version that was read. */
  readonly version: 1 | 2;
  /** The compose document as YAML: keys sorted, strings double-quoted, 2-space indent, trailing newline. */
  readonly yaml: string;
  /** The same document as plain data. */
  readonly project: Record<string, unknown>;
}

/** The extension key that keeps Dockerrun fields compose cannot express. */
export { DOCKERRUN_EXTENSION } from './x-dockerrun';
import { DOCKERRUN_EXTENSION } from './x-dockerrun';
import { arrayOf, isObject } from '../util/json';
import { toPointer } from '../compose/pointer';
import { decodePointer } from './validate/issues';

type Json = Record<string, unknown>;
type Segment = string | number;

/** Compose interpolates `$`; a literal `$` is written `$$`. */
function esc(s: string): string {
  return s.replace(/\$/g, '$$$$');
}

/** Escapes every string value (not keys) of a JSON value. */
function escDeep(v: unknown): unknown {
  if (typeof v === 'string') return esc(v);
  if (Array.isArray(v)) return v.map(escDeep);
  if (isObject(v)) {
    const out: Json = dict();
    for (const [k, x] of Object.entries(v)) out[k] = escDeep(x);
    return out;
  }
  return v;
}

/** Seconds → a compose duration. */
const duration = (s: number) => `${s}s`;

class Warnings {
  readonly list: Diagnostic[] = [];
  constructor(private readonly locations?: Readonly<Record<string, SourceLocation>>) {}

  add(at: readonly Segment[], code: string, message: string, service?: string): void {
    const pointer = toPointer(at);
    const location = locate(pointer, this.locations);
    this.list.push({
      code,
      message,
      ...(service !== undefined ? { service } : {}),
      path: formatPath(at),
      ...(location ? { location } : {}),
    });
  }
}

/** Where a host path of the instance goes in compose. */
function hostPathToCompose(sourcePath: string | undefined, volumeName: string): { kind: 'bind' | 'volume'; source: string } {
  if (sourcePath === undefined) return { kind: 'volume', source: volumeName };
  const p = path.posix.normalize(sourcePath);
  if (p === BUNDLE_ROOT_ON_INSTANCE || p.startsWith(`${BUNDLE_ROOT_ON_INSTANCE}/`)) {
    const rel = path.posix.relative(BUNDLE_ROOT_ON_INSTANCE, p);
    return { kind: 'bind', source: rel === '' ? '.' : `./${rel}` };
  }
  if (p.startsWith(`${NAMED_VOLUME_ROOT}/`)) {
    const rel = path.posix.relative(NAMED_VOLUME_ROOT, p);
    if (/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(rel)) return { kind: 'volume', source: rel };
  }
  return { kind: 'bind', source: p };
}

/**
 * A service volume entry: the short syntax `source:target[:ro]` when it reads back unambiguously,
 * else the long syntax (a one-letter source reads as a Windows drive, `a:/data` → `a:\data`, and
 * a `:` in a path splits the short syntax).
 */
function mountEntry(kind: 'bind' | 'volume', source: string, target: string, readOnly: boolean): unknown {
  if (/^[A-Za-z]$/.test(source) || source.includes(':') || target.includes(':')) {
    return { type: kind, source: esc(source), target: esc(target), ...(readOnly ? { read_only: true } : {}) };
  }
  return `${esc(source)}:${esc(target)}${readOnly ? ':ro' : ''}`;
}

const CONDITIONS: Readonly<Record<string, string>> = {
  START: 'service_started',
  HEALTHY: 'service_healthy',
  SUCCESS: 'service_completed_successfully',
  COMPLETE: 'service_completed_successfully',
};

/** Container-definition keys handled by `containerToService` (everything else goes to x-dockerrun). */
const HANDLED_KEYS = new Set([
  'name', 'image', 'essential', 'memory', 'memoryReservation', 'cpu', 'command', 'entryPoint', 'environment', 'secrets', 'portMappings',
  'links', 'mountPoints', 'volumesFrom', 'workingDirectory', 'user', 'hostname', 'extraHosts', 'dnsServers', 'dnsSearchDomains',
  'privileged', 'readonlyRootFilesystem', 'ulimits', 'dockerLabels', 'logConfiguration', 'healthCheck', 'dependsOn', 'stopTimeout',
  'linuxParameters', 'interactive', 'pseudoTerminal', 'dockerSecurityOptions', 'systemControls',
]);

/** Why a Dockerrun key is kept in x-dockerrun instead of being mapped. */
const UNMAPPED_REASONS: Readonly<Record<string, string>> = {
  disableNetworking: 'compose would need `network_mode: none`, which beanstack refuses for Elastic Beanstalk',
  environmentFiles: 'compose env files are local files, not S3 objects',
  repositoryCredentials: 'compose authenticates to registries with `docker login`',
  restartPolicy: 'ECS container restart policies have no exact compose equivalent',
  startTimeout: 'compose has no container start timeout',
  resourceRequirements: 'GPU and accelerator requirements are not compose settings',
  firelensConfiguration: 'FireLens log routing is an ECS feature',
  credentialSpecs: 'gMSA credential specs are Windows-only',
  versionConsistency: 'image digest pinning is an ECS feature',
};

interface Context {
  readonly w: Warnings;
  /** Dockerrun volumes by name. */
  readonly volumes: ReadonlyMap<string, { readonly sourcePath?: string; readonly index: number; readonly raw: Json }>;
  /** Named compose volumes used, with their top-level definition. */
  readonly namedVolumes: Map<string, Json>;
}

/** One container turning into a service: the compose keys (`svc`) and what x-dockerrun keeps (`extra`). */
interface ServiceMapping {
  readonly c: Json;
  readonly at: Segment[];
  readonly name: string;
  readonly svc: Json;
  readonly extra: Json;
  readonly ctx: Context;
}

function containerToService(c: Json, at: Segment[], ctx: Context): Json {
  const m: ServiceMapping = { c, at, name: String(c.name), svc: dict(), extra: dict(), ctx };
  m.svc.image = esc(String(c.image));
  // essential / one-shot
  if (c.essential === false) m.svc.restart = 'no';
  for (const step of CONTAINER_MAPPING) step(m);
  if (Object.keys(m.extra).length > 0) m.svc[DOCKERRUN_EXTENSION] = escDeep(sortRecord(m.extra));
  return m.svc;
}

/** The steps of `containerToService`, in the order they write the service's keys. */
const CONTAINER_MAPPING: readonly ((m: ServiceMapping) => void)[] = [
  mapResources,
  ({ c, svc }) => {
    if (arrayOf(c.command).length > 0) svc.command = escStrings(c.command);
    if (arrayOf(c.entryPoint).length > 0) svc.entrypoint = escStrings(c.entryPoint);
  },
  mapEnvironment,
  mapPorts,
  mapDependencies,
  ({ c, svc }) => {
    const volumesFrom = arrayOf<Json>(c.volumesFrom).map((v) => `${String(v.sourceContainer)}${v.readOnly === true ? ':ro' : ''}`);
    if (volumesFrom.length > 0) svc.volumes_from = volumesFrom;
  },
  mapMountsAndLinuxParameters,
  ({ c, svc }) => {
    for (const [key, value] of PLAIN_FIELDS) {
      const v = value(c);
      if (v !== undefined) svc[key] = v;
    }
  },
  mapLogging,
  mapHealthCheck,
  ({ c, svc }) => {
    if (typeof c.stopTimeout === 'number') svc.stop_grace_period = duration(c.stopTimeout);
  },
  keepUnhandledKeys,
];

const escString = (v: unknown) => (typeof v === 'string' ? esc(v) : undefined);
const escStrings = (v: unknown) => arrayOf<string>(v).map(esc);
const nonEmptyStrings = (v: unknown) => (arrayOf(v).length > 0 ? escStrings(v) : undefined);
const onlyTrue = (v: unknown) => (v === true ? true : undefined);

/** Dockerrun fields with a compose key of their own: the key and its value (`undefined`: left out), in the order written. */
const PLAIN_FIELDS: readonly (readonly [string, (c: Json) => unknown])[] = [
  ['working_dir', (c) => escString(c.workingDirectory)],
  ['user', (c) => escString(c.user)],
  ['hostname', (c) => escString(c.hostname)],
  ['extra_hosts', (c) => (arrayOf(c.extraHosts).length > 0 ? arrayOf<Json>(c.extraHosts).map((h) => esc(`${String(h.hostname)}:${String(h.ipAddress)}`)) : undefined)],
  ['dns', (c) => nonEmptyStrings(c.dnsServers)],
  ['dns_search', (c) => nonEmptyStrings(c.dnsSearchDomains)],
  ['privileged', (c) => onlyTrue(c.privileged)],
  ['read_only', (c) => onlyTrue(c.readonlyRootFilesystem)],
  ['stdin_open', (c) => onlyTrue(c.interactive)],
  ['tty', (c) => onlyTrue(c.pseudoTerminal)],
  ['security_opt', (c) => nonEmptyStrings(c.dockerSecurityOptions)],
  ['sysctls', (c) => {
    if (arrayOf(c.systemControls).length === 0) return undefined;
    const sysctls: Record<string, string> = dict();
    for (const s of arrayOf<Json>(c.systemControls)) if (typeof s.namespace === 'string') sysctls[s.namespace] = esc(String(s.value ?? ''));
    return sortRecord(sysctls);
  }],
  ['ulimits', (c) => {
    if (arrayOf(c.ulimits).length === 0) return undefined;
    const ulimits: Record<string, Json> = dict();
    for (const u of arrayOf<Json>(c.ulimits)) ulimits[String(u.name)] = { soft: u.softLimit, hard: u.hardLimit };
    return sortRecord(ulimits);
  }],
  ['labels', (c) => (isObject(c.dockerLabels) && Object.keys(c.dockerLabels).length > 0 ? escDeep(sortRecord(c.dockerLabels)) : undefined)],
];

/** memory and memoryReservation → deploy.resources limits and reservations; cpu → cpu_shares. */
function mapResources({ c, svc }: ServiceMapping): void {
  const limits: Json = dict();
  const reservations: Json = dict();
  if (typeof c.memory === 'number' && c.memory > 0) limits.memory = `${c.memory}M`;
  if (typeof c.memoryReservation === 'number' && c.memoryReservation > 0) reservations.memory = `${c.memoryReservation}M`;
  if (Object.keys(limits).length > 0 || Object.keys(reservations).length > 0) {
    svc.deploy = {
      resources: {
        ...(Object.keys(limits).length > 0 ? { limits } : {}),
        ...(Object.keys(reservations).length > 0 ? { reservations } : {}),
      },
    };
  }
  if (typeof c.cpu === 'number' && c.cpu > 0) svc.cpu_shares = c.cpu;
}

/** environment → a sorted mapping; each secret → a variable from the environment, its valueFrom kept. */
function mapEnvironment({ c, at, name, svc, extra, ctx }: ServiceMapping): void {
  const environment: Record<string, string | null> = dict();
  for (const e of arrayOf<Json>(c.environment)) environment[String(e.name)] = esc(typeof e.value === 'string' ? e.value : '');
  const secrets = arrayOf<Json>(c.secrets);
  if (secrets.length > 0) {
    const refs: Json[] = [];
    secrets.forEach((s, i) => {
      environment[String(s.name)] = null;
      refs.push({ name: String(s.name), valueFrom: String(s.valueFrom) });
      ctx.w.add([...at, 'secrets', i], 'import/secret', `container "${name}" reads ${String(s.name)} from ${String(s.valueFrom)}; compose takes it from the environment of \`docker compose\` (set it in your shell or .env). The reference is kept in x-dockerrun.secrets; on Elastic Beanstalk, beanstack provides it as an environment secret`, name);
    });
    extra.secrets = refs;
  }
  if (Object.keys(environment).length > 0) svc.environment = sortRecord(environment);
}

/** portMappings → `host:container[/udp]`; ranges kept in x-dockerrun. */
function mapPorts({ c, at, name, svc, extra, ctx }: ServiceMapping): void {
  const ports: string[] = [];
  arrayOf<Json>(c.portMappings).forEach((p, i) => {
    const proto = p.protocol === 'udp' ? '/udp' : '';
    const host = typeof p.hostPort === 'number' && p.hostPort > 0 ? p.hostPort : undefined;
    if (typeof p.containerPortRange === 'string' || typeof p.hostPortRange === 'string') {
      ctx.w.add([...at, 'portMappings', i], 'import/unmapped-key', `container "${name}": port ranges are kept in x-dockerrun.portMappings; publish them in compose by hand`, name);
      extra.portMappings = [...arrayOf(extra.portMappings), p];
      return;
    }
    ports.push(host !== undefined ? `${host}:${String(p.containerPort)}${proto}` : `${String(p.containerPort)}${proto}`);
    if (p.name !== undefined || p.appProtocol !== undefined) {
      ctx.w.add([...at, 'portMappings', i], 'import/unmapped-key', `container "${name}": the port name and appProtocol (Service Connect settings) have no effect in compose and are left out`, name);
    }
  });
  if (ports.length > 0) svc.ports = ports;
}

/** dependsOn → depends_on conditions; links → compose links (those also in dependsOn by depends_on alone). */
function mapDependencies({ c, at, name, svc, ctx }: ServiceMapping): void {
  const dependsOn = arrayOf<Json>(c.dependsOn);
  const dependsTargets = new Set(dependsOn.map((d) => String(d.containerName)));
  const dependsOnOut: Record<string, Json> = dict();
  for (const d of dependsOn) {
    const cond = own(CONDITIONS, String(d.condition)) ?? 'service_started';
    dependsOnOut[String(d.containerName)] = { condition: cond };
  }
  dependsOn.forEach((d, i) => {
    if (d.condition === 'COMPLETE') {
      ctx.w.add([...at, 'dependsOn', i, 'condition'], 'import/depends-on-complete', `container "${name}" waits for "${String(d.containerName)}" to exit with any code (COMPLETE); compose can only wait for a successful exit, so it becomes service_completed_successfully`, name);
    }
  });
  const bareLinks: string[] = [];
  const aliasLinks: string[] = [];
  for (const l of arrayOf<string>(c.links)) {
    const [target, alias] = l.split(':');
    if (alias === undefined || alias === target) bareLinks.push(target);
    else aliasLinks.push(`${target}:${alias}`);
  }
  // Docker links (bridge network): compose `links` keeps the names and aliases and the start order;
  // a link whose target is also in dependsOn is expressed by depends_on alone
  const links = new Set<string>(aliasLinks);
  for (const t of bareLinks) if (!dependsTargets.has(t)) links.add(t);
  if (dependsOn.length > 0) svc.depends_on = sortRecord(dependsOnOut);
  if (links.size > 0) svc.links = [...links].sort(byString);
}

/** mountPoints and linuxParameters: the service's volumes and tmpfs, capabilities, init, shm_size. */
function mapMountsAndLinuxParameters(m: ServiceMapping): void {
  const mounts = mapMounts(m);
  const tmpfs = mapLinuxParameters(m);
  if (tmpfs.length > 0) m.svc.tmpfs = tmpfs;
  if (mounts.length > 0) m.svc.volumes = mounts.sort((a, b) => byString(a.target, b.target)).map((x) => x.entry);
}

/** Each mount point → a bind mount or a named volume (declared once); log volumes kept in x-dockerrun. */
function mapMounts({ c, at, name, extra, ctx }: ServiceMapping): { target: string; entry: unknown }[] {
  const { w } = ctx;
  const mounts: { target: string; entry: unknown }[] = [];
  const logMounts: Json[] = [];
  arrayOf<Json>(c.mountPoints).forEach((m, i) => {
    const src = String(m.sourceVolume);
    const target = String(m.containerPath);
    if (src.startsWith('awseb-logs-')) {
      logMounts.push(m);
      w.add([...at, 'mountPoints', i], 'import/log-volume', `container "${name}" writes logs to ${target} for Elastic Beanstalk's log bundles (${src}); compose has no such volume, so the mount is kept in x-dockerrun.mountPoints (read the logs with \`docker compose logs\` or mount a directory there)`, name);
      return;
    }
    const vol = ctx.volumes.get(src);
    if (!vol) return; // the validator refused undeclared volumes
    const where = hostPathToCompose(vol.sourcePath, src);
    if (where.kind === 'volume') {
      if (!ctx.namedVolumes.has(where.source)) ctx.namedVolumes.set(where.source, namedVolume(src, vol, w));
    } else if (where.source === '.') {
      w.add([...at, 'mountPoints', i], 'import/bundle-root-mount', `container "${name}" mounts the whole application bundle (${BUNDLE_ROOT_ON_INSTANCE}); it becomes a mount of the project directory`, name);
    }
    mounts.push({ target, entry: mountEntry(where.kind, where.source, target, m.readOnly === true) });
  });
  if (logMounts.length > 0) extra.mountPoints = logMounts;
  return mounts;
}

/** The top-level compose volume of a Dockerrun volume: its dockerVolumeConfiguration's driver, options and labels. */
function namedVolume(src: string, vol: { readonly index: number; readonly raw: Json }, w: Warnings): Json {
  const def: Json = dict();
  const dvc = vol.raw.dockerVolumeConfiguration;
  if (isObject(dvc)) {
    if (typeof dvc.driver === 'string') def.driver = dvc.driver;
    if (isObject(dvc.driverOpts)) def.driver_opts = sortRecord(dvc.driverOpts as Record<string, unknown>);
    if (isObject(dvc.labels)) def.labels = sortRecord(dvc.labels as Record<string, unknown>);
    if (dvc.scope === 'shared') {
      w.add(['volumes', vol.index, 'dockerVolumeConfiguration', 'scope'], 'import/unmapped-key', `volume "${src}" is shared between tasks; a compose volume lives as long as you keep it (docker compose down -v removes it)`);
    }
  }
  return def;
}

/** linuxParameters → cap_add/cap_drop, init, shm_size; the tmpfs entries; the rest kept in x-dockerrun. */
function mapLinuxParameters({ c, at, name, svc, extra, ctx }: ServiceMapping): string[] {
  const tmpfs: string[] = [];
  if (!isObject(c.linuxParameters)) return tmpfs;
  const lpAt = [...at, 'linuxParameters'];
  const rest: Json = dict();
  for (const [k, v] of Object.entries(c.linuxParameters)) {
    if (k === 'capabilities' && isObject(v)) {
      if (arrayOf(v.add).length > 0) svc.cap_add = escStrings(v.add);
      if (arrayOf(v.drop).length > 0) svc.cap_drop = escStrings(v.drop);
    } else if (k === 'initProcessEnabled' && typeof v === 'boolean') {
      svc.init = v;
    } else if (k === 'sharedMemorySize' && typeof v === 'number') {
      svc.shm_size = `${v}M`;
    } else if (k === 'tmpfs') {
      for (const t of arrayOf<Json>(v)) {
        if (typeof t.containerPath !== 'string') continue;
        const opts = [...(typeof t.size === 'number' ? [`size=${t.size}m`] : []), ...arrayOf<string>(t.mountOptions)];
        tmpfs.push(esc(opts.length > 0 ? `${t.containerPath}:${opts.join(',')}` : t.containerPath));
      }
    } else {
      rest[k] = v;
      ctx.w.add([...lpAt, k], 'import/unmapped-key', `container "${name}": linuxParameters.${k} is kept in x-dockerrun.linuxParameters; ${k === 'devices' ? 'host devices are not available on Elastic Beanstalk instances' : 'compose has no equivalent; `beanstack dockerrun` writes it back'}`, name);
    }
  }
  if (Object.keys(rest).length > 0) extra.linuxParameters = rest;
  return tmpfs;
}

/** logConfiguration → logging; its secret options kept in x-dockerrun. */
function mapLogging({ c, at, name, svc, extra, ctx }: ServiceMapping): void {
  if (!isObject(c.logConfiguration)) return;
  const lc = c.logConfiguration;
  svc.logging = {
    driver: esc(String(lc.logDriver)),
    ...(isObject(lc.options) && Object.keys(lc.options).length > 0 ? { options: escDeep(sortRecord(lc.options)) } : {}),
  };
  if (arrayOf(lc.secretOptions).length > 0) {
    extra.logConfiguration = { secretOptions: lc.secretOptions };
    ctx.w.add([...at, 'logConfiguration', 'secretOptions'], 'import/unmapped-key', `container "${name}": log driver secret options are kept in x-dockerrun.logConfiguration; compose log options are plain values`, name);
  }
}

/** healthCheck → healthcheck, seconds as durations. */
function mapHealthCheck({ c, svc }: ServiceMapping): void {
  if (!isObject(c.healthCheck)) return;
  const hc = c.healthCheck;
  svc.healthcheck = {
    test: escStrings(hc.command),
    ...(typeof hc.interval === 'number' ? { interval: duration(hc.interval) } : {}),
    ...(typeof hc.timeout === 'number' ? { timeout: duration(hc.timeout) } : {}),
    ...(typeof hc.retries === 'number' ? { retries: hc.retries } : {}),
    ...(typeof hc.startPeriod === 'number' ? { start_period: duration(hc.startPeriod) } : {}),
  };
}

/** Every other key of the container is kept in x-dockerrun, with the reason compose cannot take it. */
function keepUnhandledKeys({ c, at, name, extra, ctx }: ServiceMapping): void {
  for (const key of Object.keys(c).sort(byString)) {
    if (HANDLED_KEYS.has(key)) continue;
    extra[key] = c[key];
    const reason = own(UNMAPPED_REASONS, key) ?? 'compose has no equivalent';
    ctx.w.add([...at, key], 'import/unmapped-key', `container "${name}": ${key} is kept in x-dockerrun.${key}; ${reason}`, name);
  }
}

function importV2(doc: Json, w: Warnings): Json {
  const volumes = new Map<string, { sourcePath?: string; index: number; raw: Json }>();
  arrayOf<Json>(doc.volumes).forEach((v, index) => {
    const host = isObject(v.host) ? v.host : undefined;
    volumes.set(String(v.name), { ...(typeof host?.sourcePath === 'string' ? { sourcePath: host.sourcePath } : {}), index, raw: v });
  });
  const containers = arrayOf<Json>(doc.containerDefinitions);
  const ctx: Context = { w, volumes, namedVolumes: new Map() };
  const services: Record<string, Json> = dict();
  containers.forEach((c, i) => {
    services[String(c.name)] = containerToService(c, ['containerDefinitions', i], ctx);
  });
  arrayOf<Json>(doc.localContainerDefinitions).forEach((c, i) => {
    const name = String(c.name);
    if (Object.prototype.hasOwnProperty.call(services, name)) {
      w.add(['localContainerDefinitions', i, 'name'], 'import/duplicate-local-container', `local container "${name}" has the name of a container of containerDefinitions; it is left out`);
      return;
    }
    const svc = containerToService(c, ['localContainerDefinitions', i], ctx);
    svc['x-beanstack'] = { exclude: true };
    services[name] = svc;
    w.add(['localContainerDefinitions', i], 'import/local-container', `local container "${name}" (eb local only) becomes a service marked x-beanstack.exclude, so it runs locally but is not deployed`, name);
  });
  // volumes no container mounts are reported by the validator (dockerrun/unused-volume) and left out
  const out: Json = { services: sortRecord(services) };
  if (ctx.namedVolumes.size > 0) out.volumes = sortRecord(Object.fromEntries(ctx.namedVolumes));
  const extra: Json = dict();
  if (typeof doc.executionRoleArn === 'string') {
    extra.executionRoleArn = doc.executionRoleArn;
    w.add(['executionRoleArn'], 'import/execution-role', 'the task execution role is kept in x-dockerrun.executionRoleArn; `beanstack dockerrun` writes it back unless --execution-role-arn gives another (the CDK stack passes its own)');
  }
  if (isObject(doc.authentication)) {
    extra.authentication = doc.authentication;
    w.add(['authentication'], 'import/authentication', 'registry authentication from S3 is kept in x-dockerrun.authentication; locally, run `docker login` for the registry (ECR images need none on Elastic Beanstalk)');
  }
  if (Object.keys(extra).length > 0) out[DOCKERRUN_EXTENSION] = escDeep(sortRecord(extra));
  return out;
}

/** A compose service name for the image of a v1 file: the last path component of the repository. */
export function serviceNameForImage(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const repo = withoutDigest.slice(lastSlash + 1).split(':')[0];
  const name = repo.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[^a-z0-9]+/, '');
  return name.length > 0 ? name : 'app';
}

function importV1(doc: Json, w: Warnings): Json {
  const image = isObject(doc.Image) ? String(doc.Image.Name) : '';
  const name = serviceNameForImage(image);
  const svc: Json = { image: esc(image) };
  const ports = arrayOf<Json>(doc.Ports);
  if (ports.length > 0) {
    const p = ports[0];
    // Beanstalk's nginx proxy listens on port 80 and forwards to the first container port
    const host = p.HostPort !== undefined ? Number(p.HostPort) : 80;
    svc.ports = [`${host}:${Number(p.ContainerPort)}`];
    if (host !== 80) {
      w.add(['Ports', 0, 'HostPort'], 'import/v1-host-port', `HostPort ${host} is published as is; Elastic Beanstalk's proxy sends traffic to port 80 of the instance`);
    }
    // the app's port(s), also when beanstack drops the published one (e.g. 1234 looks like a debugger port)
    // (more than one port: the validator warns that Beanstalk uses only the first, dockerrun/extra-ports)
    svc.expose = [...new Set(ports.map((x) => String(Number(x.ContainerPort))))];
  }
  const mounts: { target: string; entry: unknown }[] = [];
  const named = new Map<string, Json>();
  arrayOf<Json>(doc.Volumes).forEach((v) => {
    const where = hostPathToCompose(String(v.HostDirectory), '');
    if (where.kind === 'volume') named.set(where.source, {});
    mounts.push({ target: String(v.ContainerDirectory), entry: mountEntry(where.kind, where.source, String(v.ContainerDirectory), false) });
  });
  if (mounts.length > 0) svc.volumes = mounts.sort((a, b) => byString(a.target, b.target)).map((m) => m.entry);
  // Command and Entrypoint are strings: compose splits them like a shell
  if (typeof doc.Command === 'string' && doc.Command.trim() !== '') svc.command = esc(doc.Command);
  if (typeof doc.Entrypoint === 'string' && doc.Entrypoint.trim() !== '') svc.entrypoint = esc(doc.Entrypoint);
  const extra: Json = dict();
  if (typeof doc.Logging === 'string') {
    extra.Logging = doc.Logging;
    w.add(['Logging'], 'import/log-volume', `Elastic Beanstalk collects the container's logs from ${doc.Logging}; compose has no equivalent, so it is kept in x-dockerrun.Logging (read the logs with \`docker compose logs\`)`, name);
  }
  if (isObject(doc.Image) && doc.Image.Update === 'false') {
    extra.Image = { Update: 'false' };
    w.add(['Image', 'Update'], 'import/unmapped-key', 'Image.Update "false" (do not pull at deploy) is kept in x-dockerrun.Image; compose pulls missing images only', name);
  }
  if (Object.keys(extra).length > 0) svc[DOCKERRUN_EXTENSION] = escDeep(sortRecord(extra));
  const out: Json = { services: { [name]: svc } };
  if (named.size > 0) out.volumes = sortRecord(Object.fromEntries(named));
  if (isObject(doc.Authentication)) {
    out[DOCKERRUN_EXTENSION] = escDeep({ Authentication: doc.Authentication });
    w.add(['Authentication'], 'import/authentication', 'registry authentication from S3 is kept in x-dockerrun.Authentication; locally, run `docker login` for the registry');
  }
  return out;
}

/**
 * Converts a Dockerrun.aws.json document (parsed, or its JSON text) into a compose document.
 *
 * @throws BundleError `bundle/json-syntax` (with line:column) when the text is not JSON, and
 *   `bundle/invalid-dockerrun` listing every problem when the document is not a valid Dockerrun file
 *   (placeholder images are allowed and reported as warnings)
 */
export function dockerrunToCompose(doc: unknown, options: ImportOptions = {}): StageResult<ImportedCompose> {
  const file = options.file ?? 'Dockerrun.aws.json';
  let locations = options.locations;
  let value = doc;
  if (typeof doc === 'string') {
    const parsed = parseJsonWithLocations(doc, file);
    value = parsed.value;
    locations = parsed.locations;
  }
  const w = new Warnings(locations);
  const issues = assertValidDockerrun(value, file, { allowPlaceholders: true, locations });
  for (const i of issues) w.add(decodePointer(i.pointer), i.code, i.message);
  const d = value as Json;
  const version: 1 | 2 = d.AWSEBDockerrunVersion === '1' || d.AWSEBDockerrunVersion === 1 ? 1 : 2;
  const project = version === 1 ? importV1(d, w) : importV2(d, w);
  const yaml = renderYaml(project, [
    `Imported by beanstack (\`beanstack import\`) from ${path.posix.basename(file.replace(/\\/g, '/'))}.`,
    'x-dockerrun keeps the Dockerrun fields compose cannot express; `beanstack dockerrun` regenerates the Dockerrun file.',
  ]);
  return { result: { version, yaml, project }, warnings: sortDiagnostics(w.list) };
}

/** Re-exported for callers that hold the text. */
export { parseJsonWithLocations };
