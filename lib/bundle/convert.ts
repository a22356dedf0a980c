/**
 * The conversion planner: compose model → a target-independent plan of the production containers
 * (what runs, built from what, with which ports, mounts, variables and links), plus the databases,
 * secrets and shipped files. The emitters (ecs.ts, docker.ts, single.ts) render a plan into a bundle.
 *
 * Pure: never reads files, never mutates its input; every problem that keeps the project from running
 * on Elastic Beanstalk is collected and thrown at once as one `BundleError`.
 */
import * as path from 'path';
import type {
  ComposeProject, DependsOnCondition, HealthcheckConfig, LoggingConfig, ServiceConfig, ServiceVolume, UlimitConfig,
} from '../compose/model';
import type { Diagnostic, ErrorDetail } from '../errors';
import { Collector, servicePointer } from './collector';
import { isDataDirectory, isInitPath, planDatabaseService, DatabaseServicePlan } from './database-service';
import { BuildFacts, buildFacts, dockerfileCopies } from './image-facts';
import { ProjectFiles } from './project-files';
import { schemaInitScript, SCHEMA_INIT_BUNDLE_PATH, SCHEMA_INIT_SCRIPT, SCHEMA_INIT_VARIABLES } from './schema-init';
import {
  connectsToDatabase, databaseFacts, DatabaseFacts, detectEngine, groupHostOf, interpolationReferences, majorVersion, parseImage, secretPath, variableRole,
  variableTemplate,
} from './database';
import { secretValueReason } from '../secrets';
import { devCommandMatch, isDevBuildTarget, isDevDockerfile, isDevEnvironmentValue, isInside, isRemoteContext } from './dev-only';
import {
  ALLOWED_IPC_MODES, ALLOWED_NETWORK_MODES, ALLOWED_RUNTIMES, DEBUG_PORTS, DEFAULT_IMAGE_PLATFORM,
  DEFAULT_MEMORY_RESERVATION_MIB, FATAL_CAPABILITIES, isSecretName, MIN_MEMORY_MIB, NAMED_VOLUME_ROOT, NEVER_SHIP, RESERVED_HOST_PORTS, SERVICE_KEY_RULES,
} from './keys';
import type { PlannedLink } from './links';
import { isConfigFile } from './mentions';
import { resolveLinks } from './plan-links';
import { fromOverrideFile, locate } from './locations';
import { dict, hasOwn, own } from './dict';
import { assignNames, envNameForSecret } from './names';
import type {
  BundleFile, BundleOptions, BundleTarget, DatabaseEngine, DatabaseReplacement, DatabaseVariable, ImageBuild, RequiredSecret,
  RequiredVariable,
} from './types';
import { IMAGE_PLACEHOLDER_PREFIX } from './types';
import { isValidImageReference } from './validate';
import { escapePointer, parseProjectOverrides, parseServiceOverrides, ProjectOverrides, ServiceOverrides } from './x-beanstack';

/** A mount of a planned container. */
export interface PlannedMount {
  /**
   * `shipped`: a file/dir of the bundle (`source` is its bundle path); `named`: a named volume
   * (`source` is its name); `host`: a path of the instance (`source` is absolute); `tmpfs`.
   */
  readonly kind: 'shipped' | 'named' | 'host' | 'tmpfs';
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

export interface PlannedPort {
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol: 'tcp' | 'udp';
}

export interface PlannedService {
  readonly service: string;
  readonly containerName: string;
  readonly image: string;
  readonly build?: ImageBuild;
  readonly essential: boolean;
  readonly oneShot: boolean;
  readonly memoryMiB?: number;
  readonly memoryReservationMiB?: number;
  readonly cpus?: number;
  readonly cpuShares?: number;
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  /** Plain variables kept in the artifact. */
  readonly environment: Readonly<Record<string, string>>;
  /** Whether the service reads variables the stack provides (db values, secrets, required variables). */
  readonly readsStackEnvironment: boolean;
  readonly ports: readonly PlannedPort[];
  /** TCP container ports the service listens on without a host port (`ports: ["3000"]`, then `expose`), in compose order. */
  readonly exposed: readonly number[];
  readonly mounts: readonly PlannedMount[];
  /** Kept services this one depends on, with the compose condition. */
  readonly dependsOn: Readonly<Record<string, DependsOnCondition>>;
  /** Kept services whose volumes this one mounts (`volumes_from`). */
  readonly volumesFrom: readonly { readonly service: string; readonly readOnly: boolean }[];
  readonly healthcheck?: HealthcheckConfig;
  readonly restart?: string;
  readonly workingDir?: string;
  readonly user?: string;
  readonly hostname?: string;
  readonly domainname?: string;
  readonly extraHosts: readonly { readonly hostname: string; readonly ipAddress: string }[];
  readonly dns: readonly string[];
  readonly dnsSearch: readonly string[];
  readonly privileged?: boolean;
  readonly readOnly?: boolean;
  readonly init?: boolean;
  readonly ulimits: Readonly<Record<string, UlimitConfig>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly logging?: LoggingConfig;
  readonly stopGracePeriodMs?: number;
  readonly stopSignal?: string;
  readonly capAdd: readonly string[];
  readonly capDrop: readonly string[];
  readonly sysctls: Readonly<Record<string, string>>;
  readonly tmpfs: readonly string[];
  readonly shmSizeBytes?: number;
  /** Networks the service joins (docker target), with aliases. */
  readonly networks: Readonly<Record<string, readonly string[]>>;
  /** Raw compose keys passed through unchanged on the docker target. */
  readonly passThrough: Readonly<Record<string, unknown>>;
  /** compose `links` to services of the bundle (`service` or `service:alias`), kept on the docker target for their aliases. */
  readonly composeLinks: readonly string[];
}

export interface Plan {
  readonly target: BundleTarget;
  readonly project: ComposeProject;
  /** Sorted by service name. */
  readonly services: readonly PlannedService[];
  readonly images: readonly ImageBuild[];
  readonly databases: readonly DatabaseReplacement[];
  readonly secrets: readonly RequiredSecret[];
  readonly requiredVariables: readonly RequiredVariable[];
  /** Shipped files (not the main file), sorted by path. */
  readonly files: readonly BundleFile[];
  /** Named volumes used by kept services, sorted. */
  readonly namedVolumes: readonly string[];
  /** Networks used by kept services (docker target). */
  readonly networks: readonly string[];
  readonly containers: Readonly<Record<string, string>>;
  /** service → the services it links to and the names they are reached by (ecs target), targets sorted. */
  readonly links: Readonly<Record<string, readonly PlannedLink[]>>;
  readonly webService?: string;
  readonly healthCheckPath?: string;
  readonly warnings: Diagnostic[];
}

const sp = servicePointer;

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** MiB (rounded up) from bytes. */
const mib = (bytes: number | undefined) => (bytes === undefined ? undefined : Math.ceil(bytes / (1024 * 1024)));

/** The compose keys of a service that the key tables decide about, with their values. */
function tableKeys(svc: ServiceConfig): Record<string, unknown> {
  const out: Record<string, unknown> = Object.assign(dict<unknown>(), svc.other);
  const typed: [string, unknown][] = [
    ['cap_drop', svc.capDrop.length > 0 ? svc.capDrop : undefined],
    ['container_name', svc.containerName],
    ['domainname', svc.domainname],
    ['external_links', svc.externalLinks.length > 0 ? svc.externalLinks : undefined],
    ['init', svc.init],
    ['memswap_limit', svc.memswapLimitBytes],
    ['network_mode', svc.networkMode],
    ['platform', svc.platform],
    ['pull_policy', svc.pullPolicy],
    ['scale', svc.scale],
    ['shm_size', svc.shmSizeBytes],
    ['stop_signal', svc.stopSignal],
    ['sysctls', Object.keys(svc.sysctls).length > 0 ? svc.sysctls : undefined],
    ['tmpfs', svc.tmpfs.length > 0 ? svc.tmpfs : undefined],
  ];
  for (const [k, v] of typed) if (v !== undefined) out[k] = v;
  return out;
}

/** Whether a table key's value is harmless even though the key is listed as fatal. */
function harmlessValue(key: string, value: unknown): boolean {
  if (key === 'network_mode') return typeof value === 'string' && ALLOWED_NETWORK_MODES.includes(value);
  if (key === 'ipc') return typeof value === 'string' && ALLOWED_IPC_MODES.includes(value);
  if (key === 'runtime') return typeof value === 'string' && ALLOWED_RUNTIMES.includes(value);
  if (key === 'pid' || key === 'uts' || key === 'userns_mode' || key === 'cgroup') return value === '' || value === 'private';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

/** The container port a healthcheck or the LB health check path probes, from a curl/wget command. */
function healthPathFrom(hc: HealthcheckConfig | undefined): string | undefined {
  if (!hc?.test || hc.test[0] === 'NONE') return undefined;
  const text = hc.test.slice(1).join(' ');
  const m = /https?:\/\/(?:localhost|127\.0\.0\.1|0\.0\.0\.0)(?::\d+)?(\/[^\s'"|;&]*)?/.exec(text);
  if (!m) return undefined;
  return m[1] && m[1].length > 0 ? m[1] : '/';
}

function reservedPort(port: number): boolean {
  return RESERVED_HOST_PORTS.some((r) => (typeof r === 'number' ? r === port : port >= r[0] && port <= r[1]));
}

/** Shortest value treated as a secret when searching commands and other values for it. */
const MIN_SECRET_LENGTH = 4;

/** Container paths where a volume only hides dependencies of the image during development. */
const DEPENDENCY_DIRS = /\/(node_modules|\.venv|bower_components)\/?$/;

/** Service names and images that usually front an app (reverse proxies, web UIs). */
const WEB_LIKE = /(^|[/_.-])(nginx|traefik|caddy|haproxy|envoy|httpd|apache|proxy|gateway|ingress|frontend|front|web|www|ui|client|app|kibana|grafana)([/_.:-]|$)/i;

/** Container ports that usually serve HTTP, in order of preference. */
const HTTP_PORTS = [80, 8080, 3000, 8000, 5000, 4200, 8081, 9000];

/**
 * The published TCP port to move to host port 80 when no service publishes 80: the only publishing
 * service, or the only web-like one among several; its HTTP-looking port, else its lowest one.
 */
function chooseWebPort(
  kept: readonly string[],
  portsBy: Readonly<Record<string, readonly { port: PlannedPort; pointer?: string }[]>>,
  project: ComposeProject,
): { service: string; mapping: { port: PlannedPort; pointer?: string } } | undefined {
  const publishers = kept.filter((s) => (own(portsBy, s) ?? []).some((p) => p.port.protocol === 'tcp'));
  let chosen: string | undefined;
  if (publishers.length === 1) chosen = publishers[0];
  else {
    const webLike = publishers.filter((s) => WEB_LIKE.test(s) || WEB_LIKE.test(project.services[s].image ?? ''));
    const httpPorts = publishers.filter((s) => portsBy[s].some((p) => p.port.protocol === 'tcp' && HTTP_PORTS.includes(p.port.containerPort)));
    if (webLike.length === 1) chosen = webLike[0];
    else if (webLike.length === 0 && httpPorts.length === 1) chosen = httpPorts[0];
  }
  if (!chosen) return undefined;
  const tcp = portsBy[chosen].filter((p) => p.port.protocol === 'tcp');
  const ranked = [...tcp].sort((a, b) => {
    const ra = HTTP_PORTS.indexOf(a.port.containerPort);
    const rb = HTTP_PORTS.indexOf(b.port.containerPort);
    return (ra < 0 ? 99 : ra) - (rb < 0 ? 99 : rb) || a.port.containerPort - b.port.containerPort;
  });
  return { service: chosen, mapping: ranked[0] };
}

/** Ulimit names an ECS container definition accepts. */
const ECS_ULIMITS: readonly string[] = ['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack'];
/** Ulimit names the Docker engine accepts (ECS's plus `as`). */
const DOCKER_ULIMITS: readonly string[] = ['as', ...ECS_ULIMITS];

/** ECS container health check limits, in seconds (retries: a count). */
export const ECS_HEALTHCHECK_LIMITS = {
  interval: { min: 5, max: 300, compose: 'interval' },
  timeout: { min: 2, max: 60, compose: 'timeout' },
  retries: { min: 1, max: 10, compose: 'retries' },
  startPeriod: { min: 0, max: 300, compose: 'start_period' },
} as const;

/**
 * Brings a healthcheck's timings into the ranges ECS accepts (interval 5–300 s, timeout 2–60 s, retries
 * 1–10, start period 0–300 s), with warning `bundle/healthcheck-clamped` per changed field. Durations are
 * whole seconds in Dockerrun, so they are rounded like the renderer does.
 */
function clampHealthcheck(hc: HealthcheckConfig, service: string, c: Collector): HealthcheckConfig {
  if (hc.disable || !hc.test || hc.test.length === 0 || hc.test[0] === 'NONE') return hc;
  const out: { -readonly [K in keyof HealthcheckConfig]: HealthcheckConfig[K] } = { ...hc };
  const fields: [keyof typeof ECS_HEALTHCHECK_LIMITS, 'intervalMs' | 'timeoutMs' | 'retries' | 'startPeriodMs'][] = [
    ['interval', 'intervalMs'], ['timeout', 'timeoutMs'], ['retries', 'retries'], ['startPeriod', 'startPeriodMs'],
  ];
  for (const [name, key] of fields) {
    const raw = hc[key];
    if (raw === undefined) continue;
    const limit = ECS_HEALTHCHECK_LIMITS[name];
    const isCount = key === 'retries';
    const value = isCount ? raw : Math.round(raw / 1000);
    const clamped = Math.min(limit.max, Math.max(limit.min, value));
    if (clamped === value) continue;
    const unit = isCount ? '' : 's';
    const shown = isCount ? String(raw) : `${raw / 1000}s`;
    c.warn('bundle/healthcheck-clamped', `services.${service}.healthcheck.${limit.compose} ${shown} is outside the range ECS accepts (${limit.min}${unit}–${limit.max}${unit}); the container health check uses ${clamped}${unit}`, service, sp(service, 'healthcheck', limit.compose));
    out[key] = isCount ? clamped : clamped * 1000;
  }
  return out;
}

/** Plans the bundle. Throws `BundleError` with every problem at once. */
export function planBundle(project: ComposeProject, options: BundleOptions = {}): Plan {
  const target: BundleTarget = options.target ?? 'ecs';
  const c = new Collector(project);
  const xProblems: ErrorDetail[] = [];
  const top: ProjectOverrides = parseProjectOverrides(project, xProblems);
  const overrides: Record<string, ServiceOverrides> = dict();
  const serviceNames = Object.keys(project.services).sort(byString);
  for (const s of serviceNames) overrides[s] = parseServiceOverrides(project, s, xProblems);
  for (const p of xProblems) c.problems.push({ code: 'bundle/x-beanstack', ...p });
  c.throwIfProblems('correct the x-beanstack fields as listed (docs/x-beanstack.md documents each one)');
  const projectFiles = new ProjectFiles(options.reader, project.projectDirectory);
  // what each built service's Dockerfile says (its base image, the files it copies)
  const builds: Record<string, BuildFacts> = dict();
  for (const s of serviceNames) {
    const x = overrides[s];
    const b = project.services[s].build;
    // the stage the planner builds: x-beanstack.target, else build.target unless it names a development stage
    const stage = x.target !== undefined ? x.target ?? undefined
      : b?.target !== undefined && (!isDevBuildTarget(b.target) || fromOverrideFile(project, sp(s, 'build', 'target'))) ? b.target : undefined;
    const facts = buildFacts(project, s, x, projectFiles, stage);
    if (facts) builds[s] = facts;
  }
  /** The image a service runs or is built from (`mysql:5.7` for `build: ./mysql` with `FROM mysql:5.7`). */
  const imageOf = (s: string): string | undefined => own(builds, s)?.baseImage ?? project.services[s].image;
  const engineOf = (s: string): DatabaseEngine | undefined => detectEngine(own(builds, s)?.baseImage) ?? detectEngine(project.services[s].image);

  // ---- which services run -------------------------------------------------------------------
  const excluded = new Set<string>(top.exclude.filter((s) => hasOwn(project.services, s)));
  for (const s of serviceNames) if (overrides[s].exclude) excluded.add(s);
  const rawTop = project.extensions['x-beanstack'];
  const rawExclude: unknown[] = typeof rawTop === 'object' && rawTop !== null && Array.isArray((rawTop as { exclude?: unknown }).exclude) ? (rawTop as { exclude: unknown[] }).exclude : [];
  for (const s of [...excluded].sort()) {
    c.warn('bundle/excluded-service', `service "${s}" is left out of the bundle (x-beanstack exclude)`, s, overrides[s].exclude ? sp(s, 'x-beanstack', 'exclude') : `/x-beanstack/exclude/${rawExclude.indexOf(s)}`);
  }
  for (const s of [...project.disabledServices].sort()) {
    c.warn('bundle/disabled-service', `service "${s}" is left out: none of its profiles is active (activate one with --profile)`, s);
  }

  // ---- databases ----------------------------------------------------------------------------
  const dbCandidates: { service: string; engine: DatabaseEngine }[] = [];
  for (const s of serviceNames) {
    if (excluded.has(s)) continue;
    const x = overrides[s].database;
    const detected = engineOf(s);
    if (x === false) continue;
    if (typeof x === 'string') dbCandidates.push({ service: s, engine: x });
    else if (x === true) {
      if (detected) dbCandidates.push({ service: s, engine: detected });
      else c.fail('bundle/database-engine', `services.${s}.x-beanstack.database: cannot tell the engine of "${imageOf(s) ?? s}"; write mysql, mariadb or postgres`, sp(s, 'x-beanstack', 'database'));
    } else if (detected) dbCandidates.push({ service: s, engine: detected });
  }
  let dbServices = dbCandidates;
  if (top.database === false) dbServices = [];
  else if (typeof top.database === 'string') {
    const chosen = top.database;
    const engine = own(overrides, chosen)?.database;
    const detected = engineOf(chosen);
    const e = typeof engine === 'string' ? engine : detected;
    if (!e) {
      c.fail('bundle/database-engine', `x-beanstack.database: cannot tell the engine of service "${chosen}" (image ${project.services[chosen].image ?? 'none'}); add x-beanstack.database: mysql, mariadb or postgres to the service`, '/x-beanstack/database');
      dbServices = [];
    } else {
      dbServices = [{ service: chosen, engine: e }];
    }
  } else if (dbCandidates.length > 1) {
    c.fail('bundle/several-databases', `several database services could be replaced by Amazon RDS: ${dbCandidates.map((d) => `${d.service} (${d.engine})`).join(', ')}; the stack creates one database`, '/services');
  }
  c.throwIfProblems('name the one to replace with a top-level `x-beanstack: { database: <service> }`, and mark the others `x-beanstack: { database: false }` to keep them as containers');
  const dbNames = new Set(dbServices.map((d) => d.service));
  const facts: DatabaseFacts[] = dbServices.map((d) => databaseFacts(project, d.service, d.engine));
  const dbPlans: Record<string, DatabaseServicePlan> = dict();
  /** Replaced database → the name of its schema init container. */
  const initFor: Record<string, string> = dict();
  for (const d of dbServices) {
    const built = own(builds, d.service);
    const from = built ? `built from ${imageOf(d.service) ?? 'its Dockerfile'}` : imageOf(d.service) ?? d.engine;
    c.warn('bundle/database-replaced', `service "${d.service}" (${from}) is replaced by Amazon RDS for ${d.engine === 'postgres' ? 'PostgreSQL' : d.engine === 'mysql' ? 'MySQL' : 'MariaDB'}; its data is not migrated`, d.service, sp(d.service));
    const dbPlan = planDatabaseService(project, d.service, d.engine, built, projectFiles, c);
    dbPlans[d.service] = dbPlan;
    if (!dbPlan.init) continue;
    if (overrides[d.service].schemaInit === false) {
      c.warn('bundle/schema-init', `services.${d.service}'s schema init files are not applied to Amazon RDS (x-beanstack.schema_init: false)`, d.service, sp(d.service, 'x-beanstack', 'schema_init'));
      continue;
    }
    if (target === 'single') {
      c.warn('bundle/schema-init', `services.${d.service} has schema init files (/docker-entrypoint-initdb.d); a single-container bundle cannot run the init container that applies them to Amazon RDS: apply them yourself once, or use --target ecs or docker`, d.service, sp(d.service));
      continue;
    }
    let name = `${d.service}-init`;
    for (let n = 2; hasOwn(project.services, name) || Object.values(initFor).includes(name); n++) name = `${d.service}-init-${n}`;
    initFor[d.service] = name;
  }

  const kept = serviceNames.filter((s) => !excluded.has(s) && !dbNames.has(s));
  if (kept.length === 0) {
    c.fail('bundle/no-services', 'no service is left to run after exclusions and database replacement', '/services');
    c.throwIfProblems('keep at least one application service in the bundle');
  }
  const initServices = Object.values(initFor);
  const containers = assignNames([...kept, ...initServices]);
  const keptSet = new Set(kept);

  // ---- fatal and ignored keys -----------------------------------------------------------------
  for (const s of kept) {
    const svc = project.services[s];
    const keys = tableKeys(svc);
    for (const key of Object.keys(keys).sort()) {
      const value = keys[key];
      const rule = own(SERVICE_KEY_RULES, key);
      if (!rule) {
        c.warn('bundle/unknown-key', `services.${s}.${key} is not known to beanstack and is left out`, s, sp(s, key));
        continue;
      }
      const policy = rule[target];
      if (policy === 'fatal') {
        if (harmlessValue(key, value)) continue;
        c.fail('bundle/fatal-key', `services.${s}.${key}${typeof value === 'string' ? ` "${value}"` : ''}: ${rule.reason}`, sp(s, key));
      } else if (policy === 'ignored') {
        if (key === 'platform' || harmlessValue(key, value)) continue;
        c.warn('bundle/ignored-key', `services.${s}.${key} is left out: ${rule.reason}`, s, sp(s, key));
      }
    }
    const fatalCaps = svc.capAdd.filter((cap) => FATAL_CAPABILITIES.includes(cap.toUpperCase().replace(/^CAP_/, '')));
    if (fatalCaps.length > 0) {
      c.fail('bundle/fatal-key', `services.${s}.cap_add ${fatalCaps.join(', ')}: the capability gives the container control over the instance's kernel or network, which a managed Elastic Beanstalk instance does not allow`, sp(s, 'cap_add'));
    } else if (svc.capAdd.length > 0 && target !== 'docker') {
      c.warn('bundle/ignored-key', `services.${s}.cap_add is left out: Dockerrun has no documented field for Linux capabilities`, s, sp(s, 'cap_add'));
    }
    if (svc.privileged && target === 'single') c.warn('bundle/ignored-key', `services.${s}.privileged is left out: Dockerrun v1 has no privileged field`, s, sp(s, 'privileged'));
    if (target === 'single') {
      // Dockerrun v1 has Image, Ports, Volumes, Logging (a host directory), Command and Entrypoint only
      const limits = svc.deploy?.resources?.limits;
      const reservations = svc.deploy?.resources?.reservations;
      const dropped: [boolean, string, string][] = [
        [Object.keys(svc.labels).length > 0, 'labels', 'Dockerrun v1 has no labels field'],
        [Object.keys(svc.ulimits).length > 0, 'ulimits', 'Dockerrun v1 has no ulimits field'],
        [svc.user !== undefined, 'user', 'Dockerrun v1 has no user field; set USER in the Dockerfile'],
        [svc.workingDir !== undefined, 'working_dir', 'Dockerrun v1 has no working directory field; set WORKDIR in the Dockerfile'],
        [svc.hostname !== undefined, 'hostname', 'Dockerrun v1 has no hostname field'],
        [Object.keys(svc.extraHosts).length > 0, 'extra_hosts', 'Dockerrun v1 has no extra hosts field'],
        [svc.dns.length > 0, 'dns', 'Dockerrun v1 has no DNS field; the instance resolver is used'],
        [svc.dnsSearch.length > 0, 'dns_search', 'Dockerrun v1 has no DNS field; the instance resolver is used'],
        [svc.logging !== undefined, 'logging', 'Dockerrun v1 has no log driver field; Elastic Beanstalk collects the container output itself'],
        [svc.healthcheck !== undefined && !svc.healthcheck.disable && svc.healthcheck.test?.[0] !== 'NONE', 'healthcheck', 'Dockerrun v1 has no health check field; the load balancer checks the health check path (a HEALTHCHECK in the image still applies)'],
        [svc.memLimitBytes !== undefined, 'mem_limit', 'Dockerrun v1 has no memory field; the container may use the memory of the instance'],
        [svc.memReservationBytes !== undefined, 'mem_reservation', 'Dockerrun v1 has no memory field; the container may use the memory of the instance'],
        [svc.cpus !== undefined, 'cpus', 'Dockerrun v1 has no CPU field'],
        [svc.cpuShares !== undefined, 'cpu_shares', 'Dockerrun v1 has no CPU field'],
        [limits !== undefined || reservations !== undefined, 'deploy.resources', 'Dockerrun v1 has no memory or CPU field; the container may use the resources of the instance'],
        [svc.readOnly === true, 'read_only', 'Dockerrun v1 has no read-only root filesystem field'],
        [svc.stopGracePeriodMs !== undefined, 'stop_grace_period', 'Dockerrun v1 has no stop timeout field'],
      ];
      for (const [present, key, reason] of dropped) {
        if (present) c.warn('bundle/ignored-key', `services.${s}.${key} is left out: ${reason}`, s, sp(s, ...key.split('.')));
      }
    }
    if (svc.privileged && target !== 'single') c.warn('bundle/privileged', `services.${s} runs privileged: it has full control of the instance; remove privileged unless the app truly needs it`, s, sp(s, 'privileged'));
    svc.volumes.forEach((v, i) => {
      if (v.type === 'npipe' || v.type === 'cluster') {
        c.fail('bundle/fatal-key', `services.${s}.volumes[${i}] of type ${v.type}: ${v.type === 'npipe' ? 'named pipes are Windows-only' : 'cluster volumes need Docker Swarm'}`, sp(s, 'volumes', i));
      }
    });
    if (svc.deploy?.resources?.reservations?.devices && svc.deploy.resources.reservations.devices.length > 0) {
      c.fail('bundle/fatal-key', `services.${s}.deploy.resources.reservations.devices: host devices (GPUs) are not available on Elastic Beanstalk instances`, sp(s, 'deploy', 'resources', 'reservations', 'devices'));
    }
  }
  c.throwIfProblems('remove these keys from the services (or leave the services out with `x-beanstack: { exclude: true }`); docs/bundle.md lists every key beanstack refuses and why');

  // ---- images option ----------------------------------------------------------------------------
  for (const s of Object.keys(options.images ?? {}).sort()) {
    if (!keptSet.has(s) && !initServices.includes(s)) {
      c.fail('bundle/image-option', `--image ${s}=…: no service "${s}" runs in the bundle; the services are ${[...kept, ...initServices].sort(byString).join(', ')}`);
    }
  }
  c.throwIfProblems('pass --image only for services of the bundle');

  // ---- per service ----------------------------------------------------------------------------
  const dbVariables: Record<string, DatabaseVariable[]> = dict();
  for (const f of facts) dbVariables[f.service] = [];
  const secrets = new Map<string, { services: Set<string>; source: RequiredSecret['source']; composeSecret?: string }>();
  const required = new Map<string, Set<string>>();
  const files = new Map<string, BundleFile>();
  const namedVolumes = new Set<string>();
  /** Instance-local directories standing in for data-directory bind mounts (reported where they are mounted). */
  const dataVolumes = new Set<string>();
  const networks = new Set<string>();
  const images: ImageBuild[] = [];
  const planned: Record<string, PlannedService> = dict();
  const portsBy: Record<string, { port: PlannedPort; pointer?: string }[]> = dict();
  /** Values each service gives a secret (one environment variable carries one value for every container). */
  const secretValuesBy = new Map<string, { service: string; value: string; pointer: string }[]>();
  const addSecret = (name: string, service: string, source: RequiredSecret['source'], composeSecret?: string, value?: { value: string | null; pointer: string }) => {
    const e = secrets.get(name) ?? { services: new Set<string>(), source, composeSecret };
    e.services.add(service);
    if (value && value.value !== null && value.value !== '') secretValuesBy.set(name, [...(secretValuesBy.get(name) ?? []), { service, value: value.value, pointer: value.pointer }]);
    if (composeSecret && !e.composeSecret) e.composeSecret = composeSecret;
    secrets.set(name, e);
  };

  /** Each planned service's dependencies (the schema init container is added after the loop). */
  const dependsOnOf: Record<string, Record<string, DependsOnCondition>> = dict();
  const oneShotTargets = new Set<string>();
  for (const s of kept) {
    for (const [dep, cfg] of Object.entries(project.services[s].dependsOn)) {
      if (cfg.condition === 'service_completed_successfully') oneShotTargets.add(dep);
    }
  }

  // values of secrets anywhere in the project (any service's secret-looking variables, database passwords)
  const secretValues = new Map<string, string>();
  for (const name of serviceNames) {
    const svc = project.services[name];
    const vars: [string, string | null][] = [...Object.entries(svc.envFileValues).map(([k, v]) => [k, v.value] as [string, string]), ...Object.entries(svc.environment)];
    for (const [k, v] of vars) {
      if (v !== null && v.length >= MIN_SECRET_LENGTH && !v.startsWith('/run/secrets/') && !(overrides[name].public ?? []).includes(k)
        && secretOf(k, v, variableTemplate(project, name, k)) !== undefined && !secretValues.has(v)) secretValues.set(v, k);
    }
  }
  for (const f of facts) for (const v of f.passwords) if (v.length >= MIN_SECRET_LENGTH && !secretValues.has(v)) secretValues.set(v, `the ${f.service} password`);

  for (const s of kept) {
    const svc = project.services[s];
    const x = overrides[s];
    let readsStack = false;
    const ownSecrets = new Map<string, string>();

    // -- image / build
    let image: string;
    let build: ImageBuild | undefined;
    const given = own(options.images, s);
    if (svc.build) {
      const b = svc.build;
      let usable = true;
      if (isRemoteContext(b.context)) {
        c.fail('bundle/remote-build-context', `services.${s}.build.context "${b.context}" is a remote context; beanstack builds images from a directory of the project`, sp(s, 'build', 'context'));
        usable = false;
      }
      if (b.dockerfileInline !== undefined && x.dockerfile === undefined) {
        c.fail('bundle/inline-dockerfile', `services.${s}.build.dockerfile_inline cannot be built by the deploy pipeline; write it to a Dockerfile in the build context (or set x-beanstack.dockerfile)`, sp(s, 'build', 'dockerfile_inline'));
        usable = false;
      }
      // build settings the deploy pipeline's image build (context, Dockerfile, target, args, platform) does not carry
      const unusedBuild: [boolean, string, string][] = [
        [b.secrets.length > 0, 'secrets', 'build secrets are not passed to the image build; a RUN --mount=type=secret step finds no secret'],
        [b.ssh.length > 0, 'ssh', 'no SSH agent is forwarded to the image build; fetch private dependencies another way'],
        [Object.keys(b.additionalContexts).length > 0, 'additional_contexts', 'additional build contexts are not passed to the image build; a COPY --from=<context> step fails'],
        [b.network !== undefined && b.network !== 'default', 'network', 'the image build uses the default build network'],
        [Object.keys(b.extraHosts).length > 0, 'extra_hosts', 'the image build resolves names with the default resolver'],
        [b.shmSizeBytes !== undefined, 'shm_size', 'the image build uses the default shared memory size'],
        [b.privileged === true, 'privileged', 'the image build is not privileged'],
        [b.cacheFrom.length > 0 || b.cacheTo.length > 0, b.cacheFrom.length > 0 ? 'cache_from' : 'cache_to', 'build caches are not configured by the deploy pipeline'],
        [Object.keys(b.labels).length > 0, 'labels', 'image labels are not added by the deploy pipeline; set LABEL in the Dockerfile'],
        [b.tags.length > 0, 'tags', 'the deploy pipeline tags images itself'],
        [b.noCache === true, 'no_cache', 'the deploy pipeline decides about the build cache'],
        [b.pull === true, 'pull', 'the deploy pipeline decides whether base images are pulled'],
        ...Object.keys(b.other).sort(byString).map((k): [boolean, string, string] => [true, k, 'the deploy pipeline does not use it']),
      ];
      for (const [present, key, reason] of unusedBuild) {
        if (present) c.warn('bundle/build-setting-ignored', `services.${s}.build.${key} is left out: ${reason}`, s, sp(s, 'build', key));
      }
      const facts = own(builds, s);
      const dockerfile = facts?.dockerfile ?? x.dockerfile ?? b.dockerfile ?? 'Dockerfile';
      if (facts?.switchedFrom !== undefined) {
        c.warn('bundle/dev-dockerfile', `services.${s} is built from ${facts.switchedFrom} in development; the production image is built from ${dockerfile} of the same context (set x-beanstack.dockerfile to choose another)`, s, sp(s, 'build', 'dockerfile'));
      } else if (x.dockerfile === undefined && b.dockerfile && isDevDockerfile(b.dockerfile) && !fromOverrideFile(project, sp(s, 'build', 'dockerfile'))) {
        c.warn('bundle/dev-dockerfile', `services.${s} is built from ${b.dockerfile}, which looks like a development Dockerfile; set x-beanstack.dockerfile (e.g. Dockerfile) or override build.dockerfile in a production override file`, s, sp(s, 'build', 'dockerfile'));
      }
      let buildTarget: string | undefined;
      if (x.target !== undefined) buildTarget = x.target ?? undefined;
      else if (b.target !== undefined) {
        if (isDevBuildTarget(b.target) && !fromOverrideFile(project, sp(s, 'build', 'target'))) {
          c.warn('bundle/dev-build-target', `services.${s}.build.target "${b.target}" is a development stage; the image is built from the Dockerfile's final stage (set x-beanstack.target to choose a production stage)`, s, sp(s, 'build', 'target'));
        } else {
          buildTarget = b.target;
        }
      }
      const args: Record<string, string> = dict();
      for (const k of Object.keys(b.args).sort(byString)) {
        const v = b.args[k];
        if (x.args && k in x.args) continue;
        if (v === null) {
          c.warn('bundle/build-arg-unset', `services.${s}.build.args.${k} has no value and is not passed to the build (set it in x-beanstack.args)`, s, sp(s, 'build', 'args', k));
          continue;
        }
        const secretArg = (x.public ?? []).includes(k) ? undefined : secretOf(k, v, own(project.templates ?? {}, sp(s, 'build', 'args', k)));
        if (secretArg) {
          c.fail('bundle/secret-build-arg', `services.${s}.build.args.${k} holds a secret (${secretArg === 'its name' ? 'by its name' : secretArg}); a build arg is written into the cloud assembly's asset manifest and the image's history: read it at run time from the environment instead (it becomes a Beanstalk environment secret), or, if it is not a secret, list ${k} in x-beanstack.public`, sp(s, 'build', 'args', k));
          continue;
        }
        if (isDevEnvironmentValue(k, v)) {
          c.warn('bundle/dev-build-arg', `services.${s}.build.args.${k}=${v} builds a development image; set x-beanstack.args.${k} to the production value`, s, sp(s, 'build', 'args', k));
        }
        args[k] = v;
      }
      for (const [k, v] of Object.entries(x.args ?? {})) {
        const secretArg = (x.public ?? []).includes(k) ? undefined : secretOf(k, v, undefined);
        if (secretArg) {
          c.fail('bundle/secret-build-arg', `services.${s}.x-beanstack.args.${k} holds a secret (${secretArg === 'its name' ? 'by its name' : secretArg}); a build arg is written into the cloud assembly's asset manifest and the image's history: read it at run time from the environment instead, or, if it is not a secret, list ${k} in x-beanstack.public`, sp(s, 'x-beanstack', 'args', k));
          continue;
        }
        args[k] = v;
      }
      if (!usable) continue;
      const placeholder = given === undefined;
      if (given !== undefined && !isValidImageReference(given)) {
        c.fail('bundle/invalid-image', `--image ${s}=${given} is not a valid image reference ([registry/]repository[:tag][@digest], lowercase repository)`);
        continue;
      }
      image = given ?? `${IMAGE_PLACEHOLDER_PREFIX}${containers[s].toLowerCase()}`;
      if (placeholder) {
        c.warn('bundle/placeholder-image', `services.${s} is built from ${path.posix.relative(project.projectDirectory, b.context) || '.'}; no image URI was given, so the bundle holds the placeholder ${image} (pass --image ${s}=<uri>; the CDK stack passes ECR URIs)`, s, sp(s, 'build'));
      }
      // an explicit platform of the compose file wins (the image may exist for it only); the stack compares
      const composePlatform = svc.platform ?? b.platforms[0];
      const platform = composePlatform ?? options.imagePlatform ?? DEFAULT_IMAGE_PLATFORM;
      if (composePlatform && options.imagePlatform && composePlatform !== options.imagePlatform) {
        c.warn('bundle/image-platform', `services.${s} is built for ${composePlatform} (compose), but the instances run ${options.imagePlatform}; the container will not start there unless the platforms match`, s, sp(s, svc.platform ? 'platform' : 'build'));
      }
      build = {
        service: s,
        containerName: containers[s],
        context: b.context,
        dockerfile,
        ...(buildTarget !== undefined ? { target: buildTarget } : {}),
        args: sortRecord(args),
        platform,
        imageRef: image,
        placeholder,
      };
      images.push(build);
    } else if (svc.image) {
      image = given ?? svc.image;
      if (!isValidImageReference(image)) {
        c.fail('bundle/invalid-image', `${given ? `--image ${s}=${given}` : `services.${s}.image "${image}"`} is not a valid image reference ([registry/]repository[:tag][@digest], lowercase repository)`, given ? undefined : sp(s, 'image'));
        continue;
      }
      const ref = parseImage(image);
      if (!ref.digest && (ref.tag === undefined || ref.tag === 'latest')) {
        c.warn('bundle/image-latest', `services.${s}.image "${svc.image}" is ${ref.tag ? 'tagged latest' : 'untagged (latest)'}: each deployment may run a different version; pin a version tag`, s, sp(s, 'image'));
      }
    } else {
      c.fail('bundle/no-image', `services.${s} has neither image nor build`, sp(s));
      continue;
    }

    // -- command
    let command: readonly string[] | undefined = svc.command ?? undefined;
    if (x.command !== undefined) command = x.command ?? undefined;
    else if (command) {
      const dev = devCommandMatch(command);
      if (dev) c.warn('bundle/dev-command', `services.${s}.command runs "${dev}", a development watcher or server; set x-beanstack.command (null runs the image's own command)`, s, sp(s, 'command'));
    }
    const entrypoint = svc.entrypoint ?? undefined;
    if (target === 'single' && entrypoint && entrypoint.length === 0) {
      c.fail('bundle/entrypoint-reset', `services.${s}.entrypoint "" clears the image's entrypoint, which Dockerrun v1 cannot express (an empty Entrypoint runs the image's own); build the image without an ENTRYPOINT, or use --target ecs or docker`, sp(s, 'entrypoint'));
    }

    // -- dev-only flags
    if (svc.stdinOpen) c.warn('bundle/dev-setting', `services.${s}.stdin_open is a development setting and is left out`, s, sp(s, 'stdin_open'));
    if (svc.tty) c.warn('bundle/dev-setting', `services.${s}.tty is a development setting and is left out`, s, sp(s, 'tty'));
    if (svc.develop !== undefined) c.warn('bundle/dev-setting', `services.${s}.develop (watch) is a development setting and is left out`, s, sp(s, 'develop'));

    // -- environment
    const isPublic = (name: string) => (x.public ?? []).includes(name);
    const environment: Record<string, string> = dict();
    const inlinedFromFiles = new Map<string, string[]>();
    const allNames = new Set([...Object.keys(svc.envFileValues), ...Object.keys(svc.environment)]);
    const secretRefs = new Map(svc.secrets.map((r) => [secretPath(r), r.source]));
    const allValues: Record<string, string | null> = dict();
    for (const name of allNames) allValues[name] = hasOwn(svc.environment, name) ? svc.environment[name] : svc.envFileValues[name].value;
    const connects = new Set(facts.filter((f) => connectsToDatabase(svc, f, allValues)).map((f) => f.service));
    for (const name of [...allNames].sort(byString)) {
      const fromEnvironment = hasOwn(svc.environment, name);
      const value = allValues[name];
      const pointer = fromEnvironment ? sp(s, 'environment', name) : sp(s, 'env_file');
      // database variables: decided from the compose text, not from values an untracked .env supplies
      let role: DatabaseVariable['role'] | undefined;
      let db: DatabaseFacts | undefined;
      const template = fromEnvironment ? variableTemplate(project, s, name) : undefined;
      const groupHost = groupHostOf(name, allValues);
      for (const f of facts) {
        role = variableRole(f, { name, value, ...(template !== undefined ? { template } : {}), connects: connects.has(f.service), ...(groupHost !== undefined ? { groupHost } : {}) });
        if (role) {
          db = f;
          break;
        }
      }
      if (role && db) {
        dbVariables[db.service].push({ service: s, name, role });
        readsStack = true;
        if (role === 'password' && value !== null) ownSecrets.set(value, name);
        if (role === 'url') {
          c.warn('bundle/database-url', `services.${s}.environment.${name} is a connection URL to "${db.service}"; the stack cannot assemble a URL around a secret password: read host, port, user, password and database from separate variables (reported in the bundle's databases)`, s, pointer);
        }
        if (role === 'password' && value !== null && value.startsWith('/run/secrets/')) {
          c.warn('bundle/secret-file', `services.${s}.environment.${name} points at the file ${value}; Beanstalk provides environment variables, not files: make the app read the password from ${name} itself`, s, pointer);
        }
        continue;
      }
      // *_FILE and /run/secrets/ paths
      if (value !== null && value.startsWith('/run/secrets/')) {
        const plain = name.endsWith('_FILE') ? name.slice(0, -'_FILE'.length) : name;
        addSecret(plain, s, 'compose-secret', secretRefs.get(value));
        readsStack = true;
        c.warn('bundle/secret-file', name.endsWith('_FILE')
          ? `services.${s}.environment.${name} points at the secret file ${value}; Beanstalk provides environment variables, not files: the value is provided as ${plain} — make the app read ${plain} instead of ${name}`
          : `services.${s}.environment.${name} points at the secret file ${value}; Beanstalk provides environment variables, not files: the secret's value is provided as ${name} itself — make the app read the value, not a path`, s, pointer);
        continue;
      }
      const secret = isPublic(name) ? undefined : secretOf(name, value, template);
      if (secret) {
        if (value !== null) ownSecrets.set(value, name);
        addSecret(name, s, fromEnvironment ? 'variable' : 'env-file', undefined, { value, pointer });
        readsStack = true;
        if (secret === 'its name') c.warn('bundle/secret-variable', `services.${s}: ${name} looks like a secret; its value is left out of the bundle and provided as a Beanstalk environment secret`, s, pointer);
        else c.warn('bundle/secret-value', `services.${s}: ${name} holds ${secret}; its value is left out of the bundle and provided as a Beanstalk environment secret (if it is not a secret, list ${name} in x-beanstack.public)`, s, pointer);
        continue;
      }
      if (value === null) {
        const set = required.get(name) ?? new Set<string>();
        set.add(s);
        required.set(name, set);
        readsStack = true;
        c.warn('bundle/unset-variable', `services.${s}.environment.${name} has no value; the stack must set it as an environment property`, s, pointer);
        continue;
      }
      if (!fromEnvironment) {
        const file = svc.envFileValues[name].file;
        inlinedFromFiles.set(file, [...(inlinedFromFiles.get(file) ?? []), name]);
      }
      if (isDevEnvironmentValue(name, value)) {
        c.warn('bundle/dev-environment', `services.${s}.environment.${name}=${value} runs the app in development mode; override it for production`, s, pointer);
      }
      environment[name] = value;
    }
    for (const [file, names] of [...inlinedFromFiles.entries()].sort(([a], [b]) => byString(a, b))) {
      c.warn('bundle/env-file-inlined', `services.${s}: ${names.join(', ')} from ${path.posix.relative(project.projectDirectory, file) || file} are written into the bundle (they do not look like secrets)`, s, sp(s, 'env_file'));
    }
    // a kept value that contains a secret's value is a secret too
    for (const name of Object.keys(environment)) {
      const value = environment[name];
      const hit = [...secretValues.keys()].find((v) => value.includes(v));
      if (hit === undefined) continue;
      delete environment[name];
      ownSecrets.set(value, name);
      addSecret(name, s, 'variable', undefined, { value, pointer: sp(s, 'environment', name) });
      readsStack = true;
      c.warn('bundle/secret-variable', `services.${s}.environment.${name} contains the value of ${secretValues.get(hit)}, a secret; it is left out of the bundle and provided as a Beanstalk environment secret`, s, sp(s, 'environment', name));
    }
    const scrub = (argv: readonly string[] | undefined, where: string, pointer: string, shellIndex: number | undefined): readonly string[] | undefined => {
      if (!argv) return argv;
      const out = [...argv];
      for (let i = 0; i < out.length; i++) {
        for (const [v, holder] of secretValues) {
          if (!out[i].includes(v)) continue;
          const own = ownSecrets.get(v);
          const inShell = shellIndex !== undefined && i === shellIndex;
          const quoted = inShell && (out[i].slice(0, out[i].indexOf(v)).split("'").length - 1) % 2 === 1;
          if (own && inShell && !quoted) {
            out[i] = out[i].split(v).join(`\${${own}}`);
            c.warn('bundle/secret-in-command', `services.${s}.${where} contained the value of ${own}, a secret; it is replaced by \${${own}}, which the shell reads from the environment`, s, pointer);
          } else {
            c.fail('bundle/secret-in-command', `services.${s}.${where} contains the value of ${holder}, a secret, which would be written into the bundle; read it from the environment instead (e.g. "\$${own ?? holder}" in a shell command)`, pointer);
          }
        }
      }
      return out;
    };
    const shellScript = (argv: readonly string[] | undefined): number | undefined => {
      if (!argv) return undefined;
      const i = argv.findIndex((a, k) => /^(\/bin\/|\/usr\/bin\/)?(sh|bash|ash|dash|zsh)$/.test(a) && argv[k + 1] === '-c');
      return i >= 0 && i + 2 < argv.length ? i + 2 : undefined;
    };
    command = scrub(command, 'command', sp(s, 'command'), shellScript(command));
    const scrubbedEntrypoint = scrub(entrypoint, 'entrypoint', sp(s, 'entrypoint'), shellScript(entrypoint));
    let healthcheck = svc.healthcheck;
    if (healthcheck?.test && (target === 'docker' || (target === 'ecs' && options.containerHealthChecks))) {
      const test = scrub(healthcheck.test, 'healthcheck.test', sp(s, 'healthcheck', 'test'), healthcheck.test[0] === 'CMD-SHELL' ? 1 : shellScript(healthcheck.test.slice(1)) !== undefined ? shellScript(healthcheck.test.slice(1))! + 1 : undefined);
      healthcheck = { ...healthcheck, test };
    }
    if (healthcheck && target === 'ecs' && options.containerHealthChecks) healthcheck = clampHealthcheck(healthcheck, s, c);
    // labels and logging options are plain text in the bundle too
    const scrubValues = (record: Readonly<Record<string, string>> | undefined, where: string, what: string, pointerOf: (k: string) => string): void => {
      for (const [k, value] of Object.entries(record ?? {}).sort(([x], [y]) => byString(x, y))) {
        for (const [v, holder] of secretValues) {
          if (typeof value === 'string' && value.includes(v)) {
            c.fail('bundle/secret-in-setting', `services.${s}.${where}.${k} contains the value of ${holder}, a secret, which would be written into the bundle in plain text; remove it from the ${what}`, pointerOf(k));
          }
        }
      }
    };
    scrubValues(svc.labels, 'labels', 'labels', (k) => sp(s, 'labels', k));
    if (svc.logging) scrubValues(svc.logging.options, 'logging.options', 'logging options', (k) => sp(s, 'logging', 'options', k));

    // compose secrets
    svc.secrets.forEach((ref, i) => {
      const p = secretPath(ref);
      const pointer = sp(s, 'secrets', i);
      const dbf = facts.find((f) => f.passwordSecrets.has(ref.source));
      const coveredByVariable = Object.values(svc.environment).some((v) => v === p) || Object.values(svc.envFileValues).some((v) => v.value === p);
      if (coveredByVariable) return;
      const name = envNameForSecret(ref.source);
      readsStack = true;
      if (dbf) {
        dbVariables[dbf.service].push({ service: s, name, role: 'password' });
        c.warn('bundle/secret-file', `services.${s} reads the database password from the file ${p}; Beanstalk provides environment variables, not files: make the app read ${name} instead (the stack sets it to the RDS password)`, s, pointer);
        return;
      }
      const top = own(project.secrets, ref.source);
      if (top?.external) c.warn('bundle/external-secret', `secret "${ref.source}" is external; the stack creates a Beanstalk environment secret ${name} that you fill in`, s, `/secrets/${escapePointer(ref.source)}`);
      addSecret(name, s, 'compose-secret', ref.source);
      c.warn('bundle/secret-file', `services.${s} reads secret "${ref.source}" from the file ${p}; Beanstalk provides environment variables, not files: make the app read the environment variable ${name} instead`, s, pointer);
    });

    // -- database host without a variable
    for (const f of facts) {
      const usesDb = hasOwn(svc.dependsOn, f.service) || svc.links.some((l) => l.split(':')[0] === f.service);
      const hasHost = dbVariables[f.service].some((v) => v.service === s && (v.role === 'host' || v.role === 'url'));
      if (usesDb && !hasHost) {
        c.warn('bundle/database-host', `services.${s} depends on "${f.service}" but no variable of it holds the database host; the name "${f.service}" will not resolve to Amazon RDS: make the app read the host from a variable (e.g. DB_HOST) and set it in the compose file`, s, sp(s, 'depends_on', f.service));
      }
    }

    // the loader expands a short-syntax range into one entry per port; more entries than source items
    // (by their positions) means a range was written
    const sourceItems = Object.keys(project.locations).filter((k) => k.startsWith(sp(s, 'ports') + '/') && /^\d+$/.test(k.slice(sp(s, 'ports').length + 1))).length;
    if (sourceItems > 0 && svc.ports.length > sourceItems) {
      const runs: string[] = [];
      for (let i = 0; i < svc.ports.length; i++) {
        let j = i;
        const num = (k: number) => Number(svc.ports[k].published);
        while (j + 1 < svc.ports.length && svc.ports[j + 1].published !== undefined && svc.ports[j].published !== undefined
          && num(j + 1) === num(j) + 1 && svc.ports[j + 1].target === svc.ports[j].target + 1 && svc.ports[j + 1].protocol === svc.ports[j].protocol) j++;
        if (j > i) runs.push(`${svc.ports[i].published}-${svc.ports[j].published}:${svc.ports[i].target}-${svc.ports[j].target}`);
        i = j;
      }
      c.fail('bundle/port-range', `services.${s}.ports publishes a port range${runs.length > 0 ? ` (${runs.join(', ')})` : ''}; Dockerrun maps single ports: publish the ports the app needs one by one`, sp(s, 'ports'));
    }
    const ports: { port: PlannedPort; pointer?: string }[] = [];
    svc.ports.forEach((p, i) => {
      const pointer = sp(s, 'ports', i);
      if (p.published === undefined || p.published === '') {
        // the single target's proxy reaches the container port itself; elsewhere a random host port is unreachable
        if (target !== 'single') c.warn('bundle/unpublished-port', `services.${s}.ports[${i}] publishes container port ${p.target} on a random host port, which nothing can reach on Elastic Beanstalk; other containers reach it anyway`, s, pointer);
        return;
      }
      if (!/^\d+$/.test(p.published)) {
        c.fail('bundle/port-range', `services.${s}.ports[${i}]: host port range "${p.published}" cannot be published; Dockerrun maps single ports`, pointer);
        return;
      }
      if (p.protocol === 'sctp') {
        c.fail('bundle/port-protocol', `services.${s}.ports[${i}]: protocol sctp is not supported; use tcp or udp`, pointer);
        return;
      }
      const hostPort = Number(p.published);
      const debug = DEBUG_PORTS[p.target];
      if (debug && !fromOverrideFile(project, pointer) && !(x.keepPorts ?? []).includes(p.target)) {
        c.warn('bundle/debug-port', `services.${s}.ports[${i}] publishes ${p.target} (${debug}), a debug port, and is left out (publish it in a production override file or x-beanstack.keep_ports to keep it)`, s, pointer);
        return;
      }
      if (hostPort < 1 || hostPort > 65535) {
        c.fail('bundle/port-invalid', `services.${s}.ports[${i}]: host port ${hostPort} is outside 1-65535`, pointer);
        return;
      }
      if (reservedPort(hostPort)) {
        c.fail('bundle/reserved-port', `services.${s}.ports[${i}]: host port ${hostPort} is reserved on ECS container instances (22, 2375, 2376, 51678-51680)`, pointer);
        return;
      }
      if (p.hostIp && p.hostIp !== '0.0.0.0' && p.hostIp !== '::') {
        c.warn('bundle/port-host-ip', `services.${s}.ports[${i}] binds to ${p.hostIp}; Dockerrun cannot bind an address, so the port is published on all interfaces of the instance (its security group still limits who reaches it)`, s, pointer);
      }
      ports.push({ port: { hostPort, containerPort: p.target, protocol: p.protocol === 'udp' ? 'udp' : 'tcp' }, pointer });
    });
    const exposedPorts = [...new Set([
      ...svc.ports.filter((p) => (p.published === undefined || p.published === '') && p.protocol !== 'udp').map((p) => p.target),
      ...svc.expose.filter((e) => /^\d+$/.test(e)).map(Number),
    ])];
    if (x.hostPort !== undefined) {
      const candidates = [...new Set([...ports.filter((p) => p.port.protocol === 'tcp').map((p) => p.port.containerPort), ...exposedPorts])];
      const containerPort = x.containerPort ?? (candidates.length === 1 ? candidates[0] : undefined);
      if (containerPort === undefined) {
        c.fail('bundle/host-port-ambiguous', `services.${s}.x-beanstack.host_port: ${candidates.length === 0 ? 'the service publishes and exposes no port' : `the service has several ports (${candidates.join(', ')})`}; set x-beanstack.container_port`, sp(s, 'x-beanstack', 'host_port'));
      } else {
        const rest = ports.filter((p) => !(p.port.protocol === 'tcp' && p.port.containerPort === containerPort));
        ports.length = 0;
        ports.push(...rest, { port: { hostPort: x.hostPort, containerPort, protocol: 'tcp' }, pointer: sp(s, 'x-beanstack', 'host_port') });
      }
    }
    portsBy[s] = ports;

    // -- mounts
    const mounts: PlannedMount[] = [];
    const keep = (targetPath: string) => x.keepMounts === true || (x.keepMounts ?? []).includes(targetPath);
    const context = svc.build && !isRemoteContext(svc.build.context) ? svc.build.context : undefined;
    svc.volumes.forEach((v: ServiceVolume, i) => {
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
      if (v.type === 'volume') {
        if (!v.source) {
          if (keep(v.target)) {
            c.warn('bundle/anonymous-volume', `services.${s}.volumes[${i}] (${v.target}) is an anonymous volume; kept as an instance-local volume`, s, pointer);
            const name = `${s}${v.target.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
            namedVolumes.add(name);
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
          c.fail('bundle/volume-subpath', `services.${s}.volumes[${i}] mounts the subpath "${v.volume.subpath}" of volume "${v.source}", which ${target === 'docker' ? 'docker-compose 1.29.2' : 'Dockerrun'} cannot express (the container would see the whole volume); mount a volume of its own at ${v.target}`, pointer);
          return;
        }
        namedVolumes.add(v.source);
        mounts.push({ kind: 'named', source: v.source, target: v.target, readOnly: v.readOnly });
        return;
      }
      if (v.type === 'tmpfs') {
        if (target === 'docker') mounts.push({ kind: 'tmpfs', source: '', target: v.target, readOnly: false });
        else c.warn('bundle/ignored-key', `services.${s}.volumes[${i}] is a tmpfs mount, which Dockerrun cannot describe; left out (the container writes ${v.target} to its own filesystem)`, s, pointer);
        return;
      }
      if (v.type === 'image') {
        c.warn('bundle/ignored-key', `services.${s}.volumes[${i}] mounts an image, which Elastic Beanstalk cannot do; left out`, s, pointer);
        return;
      }
      if (v.type !== 'bind' || !v.source) return;
      const src = v.source;
      const home = project.homeDirectory;
      if (home && home !== '/' && isInside(src, home) && !isInside(src, project.projectDirectory)) {
        // the developer's own files (`~/.aws`, `~/data`): not on the instance, and not to be shipped
        const shown = `~/${path.posix.relative(home, src)}`.replace(/\/$/, '');
        c.warn('bundle/home-path', `services.${s}.volumes[${i}] mounts ${shown} from your home directory, which does not exist on the instance; left out (use a named volume for data or a project path for configuration; on AWS the instance profile provides credentials)`, s, pointer);
        return;
      }
      const inProject = isInside(src, project.projectDirectory);
      if (inProject && isDataDirectory(v.target) && !keep(v.target)) {
        // data, not source code or configuration: never shipped; an instance-local directory instead
        const name = `${s}${v.target.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
        namedVolumes.add(name);
        dataVolumes.add(name);
        mounts.push({ kind: 'named', source: name, target: v.target, readOnly: v.readOnly });
        c.warn('bundle/data-directory', `services.${s}.volumes[${i}] mounts ${path.posix.relative(project.projectDirectory, src) || '.'} at ${v.target}, a data directory: its contents are data, not part of the app, and are not shipped; the container starts with ${target === 'docker' ? 'an empty Docker volume' : `the empty directory ${path.posix.join(NAMED_VOLUME_ROOT, name)}`} on the instance, which is instance-local (keep data in RDS, S3 or EFS)`, s, pointer);
        return;
      }
      // a mount of the service's own build context is hot reload (the image has the code), except the
      // init directory and a config file that neither Dockerfile bakes into the image
      const build = own(builds, s);
      const unbakedConfig = build?.parsed !== undefined && !projectFiles.isDirectory(src) && isConfigFile(path.posix.basename(src))
        && !dockerfileCopies(build.parsed, build.context, src, v.target) && !dockerfileCopies(build.devParsed, build.context, src, v.target);
      const hotReload = context !== undefined && isInside(src, context) && !isInitPath(v.target) && !unbakedConfig;
      if (hotReload && !keep(v.target)) {
        c.warn('bundle/dev-bind-mount', `services.${s}.volumes[${i}] mounts ${path.posix.relative(project.projectDirectory, src) || '.'} from the service's own build context (hot reload); the image already contains it, so the mount is left out (keep it with x-beanstack.keep_mounts)`, s, pointer);
        return;
      }
      if (inProject) {
        const rel = path.posix.relative(project.projectDirectory, src);
        if (rel === '') {
          c.warn('bundle/project-root-mount', `services.${s}.volumes[${i}] mounts the whole project directory, which cannot be shipped in the bundle; left out (mount a subdirectory instead)`, s, pointer);
          return;
        }
        const base = path.posix.basename(rel);
        if (NEVER_SHIP.includes(base)) {
          c.fail('bundle/never-ship', `services.${s}.volumes[${i}] mounts ${rel}, which would ship a ${base} file (Beanstalk writes its own; secrets must not be in the bundle); pass its variables through environment instead`, pointer);
          return;
        }
        if (rel === 'Dockerrun.aws.json' || rel === 'docker-compose.yml') {
          c.fail('bundle/never-ship', `services.${s}.volumes[${i}] mounts ${rel}, which is the bundle's own file name; rename it`, pointer);
          return;
        }
        const mountedAt = locate(project, pointer);
        files.set(rel, { path: rel, sourcePath: src, ...(mountedAt ? { location: mountedAt } : {}) });
        mounts.push({ kind: 'shipped', source: rel, target: v.target, readOnly: v.readOnly });
        return;
      }
      if (src === '/var/run/docker.sock' || src === '/run/docker.sock') {
        c.warn('bundle/docker-socket', `services.${s}.volumes[${i}] mounts the Docker socket of the instance: the container controls every container of the environment (and the instance); avoid it in production`, s, pointer);
      } else {
        c.warn('bundle/host-path', `services.${s}.volumes[${i}] mounts ${src}, a path of the Elastic Beanstalk instance (not of your machine); its data is instance-local: use a named volume or S3/EFS for data you need to keep`, s, pointer);
      }
      mounts.push({ kind: 'host', source: src, target: v.target, readOnly: v.readOnly });
    });
    // compose configs: file → shipped, content → generated file
    svc.configs.forEach((ref, i) => {
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
        const declaredAt = locate(project, `/configs/${escapePointer(ref.source)}/file`) ?? locate(project, pointer);
        files.set(rel, { path: rel, sourcePath: cfg.file, ...(declaredAt ? { location: declaredAt } : {}) });
        mounts.push({ kind: 'shipped', source: rel, target: targetPath, readOnly: true });
      } else if (cfg.content !== undefined) {
        const rel = `beanstack-configs/${ref.source.replace(/[^A-Za-z0-9_.-]+/g, '-')}`;
        files.set(rel, { path: rel, content: cfg.content });
        mounts.push({ kind: 'shipped', source: rel, target: targetPath, readOnly: true });
      } else {
        c.warn('bundle/config-unsupported', `services.${s}.configs[${i}] "${ref.source}" comes from ${cfg.external ? 'outside the project (external)' : cfg.environment !== undefined ? 'an environment variable' : 'a file outside the project'}, which beanstack cannot ship; left out`, s, pointer);
      }
    });

    const targets = new Map<string, number>();
    mounts.forEach((m) => targets.set(m.target, (targets.get(m.target) ?? 0) + 1));
    for (const [t, n] of [...targets.entries()].sort(([a], [b]) => byString(a, b))) {
      if (n > 1) c.fail('bundle/duplicate-mount', `services.${s} mounts ${n} volumes at ${t}; Docker refuses duplicate mount points`, sp(s, 'volumes'));
    }

    // -- memory
    let memoryMiB = x.memory ?? mib(svc.deploy?.resources?.limits?.memoryBytes) ?? mib(svc.memLimitBytes);
    let memoryReservationMiB = x.memoryReservation ?? mib(svc.deploy?.resources?.reservations?.memoryBytes) ?? mib(svc.memReservationBytes);
    if (target === 'ecs' && memoryMiB === undefined && memoryReservationMiB === undefined) {
      memoryReservationMiB = DEFAULT_MEMORY_RESERVATION_MIB;
      c.warn('bundle/default-memory', `services.${s} sets no memory; it gets a ${DEFAULT_MEMORY_RESERVATION_MIB} MiB reservation (set deploy.resources, mem_limit/mem_reservation or x-beanstack.memory)`, s, sp(s));
    }
    const limitPointer = x.memory !== undefined ? sp(s, 'x-beanstack', 'memory')
      : svc.deploy?.resources?.limits?.memoryBytes !== undefined ? sp(s, 'deploy', 'resources', 'limits', 'memory') : sp(s, 'mem_limit');
    const reservationPointer = x.memoryReservation !== undefined ? sp(s, 'x-beanstack', 'memory_reservation')
      : svc.deploy?.resources?.reservations?.memoryBytes !== undefined ? sp(s, 'deploy', 'resources', 'reservations', 'memory') : sp(s, 'mem_reservation');
    if (target !== 'single') {
      for (const [label, v, ptr] of [['memory', memoryMiB, limitPointer], ['memory reservation', memoryReservationMiB, reservationPointer]] as const) {
        if (v !== undefined && v < MIN_MEMORY_MIB) c.fail('bundle/memory-too-low', `services.${s}: ${label} ${v} MiB is below Docker's minimum of ${MIN_MEMORY_MIB} MiB`, ptr);
      }
      if (memoryMiB !== undefined && memoryReservationMiB !== undefined) {
        if (memoryMiB < memoryReservationMiB) {
          c.fail('bundle/memory-below-reservation', `services.${s}: memory limit ${memoryMiB} MiB is below the reservation ${memoryReservationMiB} MiB; the limit must be greater`, limitPointer);
        } else if (memoryMiB === memoryReservationMiB) {
          memoryReservationMiB = undefined;
        }
      }
    }
    if ((svc.deploy?.replicas ?? 1) > 1 || (svc.scale ?? 1) > 1) {
      c.warn('bundle/replicas', `services.${s} asks for ${svc.deploy?.replicas ?? svc.scale} replicas; Elastic Beanstalk runs one copy per instance: scale with the number of instances`, s, sp(s, svc.deploy?.replicas ? 'deploy' : 'scale'));
    }
    for (const k of Object.keys(svc.deploy?.other ?? {}).sort()) {
      c.warn('bundle/ignored-key', `services.${s}.deploy.${k} is a Swarm setting and is left out`, s, sp(s, 'deploy', k));
    }

    // -- one-shot / essential
    const restartNo = svc.restart === 'no' || svc.deploy?.restartPolicy?.condition === 'none';
    // `restart: "no"` marks a job (migrations, seeding), unless the service publishes ports: a server
    const oneShot = x.oneShot ?? ((restartNo && svc.ports.every((p) => p.published === undefined)) || oneShotTargets.has(s));
    const essential = x.essential ?? !oneShot;
    if (oneShot) {
      c.warn('bundle/one-shot', `services.${s} runs once at each deployment (a non-essential container${target === 'docker' ? ', restart "no"' : ''})`, s, x.oneShot !== undefined ? sp(s, 'x-beanstack', 'one_shot') : svc.restart === 'no' ? sp(s, 'restart') : restartNo ? sp(s, 'deploy', 'restart_policy') : sp(s));
    }

    // -- healthcheck and dependency conditions
    const dependsOn: Record<string, DependsOnCondition> = dict();
    dependsOnOf[s] = dependsOn;
    for (const dep of Object.keys(svc.dependsOn).sort(byString)) {
      if (keptSet.has(dep)) dependsOn[dep] = svc.dependsOn[dep].condition;
      else if (excluded.has(dep)) c.warn('bundle/dependency-excluded', `services.${s} depends on "${dep}", which is left out of the bundle`, s, sp(s, 'depends_on', dep));
    }
    if (target === 'docker' || (target === 'ecs' && options.containerHealthChecks)) {
      for (const [dep, cond] of Object.entries(dependsOn)) {
        const hc = project.services[dep].healthcheck;
        if (cond === 'service_healthy' && (!hc || hc.disable || !hc.test || hc.test[0] === 'NONE')) {
          c.fail('bundle/depends-on-healthcheck', `services.${s}.depends_on.${dep} waits for "${dep}" to be healthy, but "${dep}" has no healthcheck, so it never becomes healthy; add a healthcheck to "${dep}" or use condition: service_started`, sp(s, 'depends_on', dep));
        }
      }
    }
    if (target === 'ecs' && !options.containerHealthChecks) {
      if (svc.healthcheck && svc.healthcheck.test?.[0] !== 'NONE' && !svc.healthcheck.disable) {
        c.warn('bundle/healthcheck-not-mapped', `services.${s}.healthcheck is not written into Dockerrun: Elastic Beanstalk's support for container health checks is undocumented (enable it with the containerHealthChecks option)`, s, sp(s, 'healthcheck'));
      }
      for (const [dep, cond] of Object.entries(dependsOn)) {
        if (cond !== 'service_started') {
          c.warn('bundle/depends-on-condition', `services.${s}.depends_on.${dep}.condition ${cond} is not written into Dockerrun (enable it with the containerHealthChecks option); the app must retry until "${dep}" is ready`, s, sp(s, 'depends_on', dep));
        }
      }
    }

    // -- volumes_from
    const volumesFrom: { service: string; readOnly: boolean }[] = [];
    const vf = svc.other.volumes_from;
    if (Array.isArray(vf)) {
      vf.forEach((entry, i) => {
        if (typeof entry !== 'string') return;
        if (entry.startsWith('container:')) {
          c.fail('bundle/fatal-key', `services.${s}.volumes_from[${i}] "${entry}" names a container outside the project, which does not exist on Elastic Beanstalk; take the volumes from a service of the project, or mount a named volume`, sp(s, 'volumes_from', i));
          return;
        }
        const [ref, mode] = entry.split(':');
        if (!keptSet.has(ref)) {
          c.fail('bundle/volumes-from-missing', `services.${s}.volumes_from[${i}]: service "${ref}" is not part of the bundle`, sp(s, 'volumes_from', i));
          return;
        }
        volumesFrom.push({ service: ref, readOnly: mode === 'ro' });
      });
    }

    // -- logging
    let logging = svc.logging;
    if (logging?.driver && target === 'ecs' && !['awsfirelens', 'awslogs', 'fluentd', 'gelf', 'journald', 'json-file', 'logentries', 'splunk', 'syslog'].includes(logging.driver)) {
      c.warn('bundle/ignored-key', `services.${s}.logging.driver "${logging.driver}" is not an ECS log driver; left out (the default json-file driver is used)`, s, sp(s, 'logging', 'driver'));
      logging = undefined;
    }

    // -- extra hosts
    const extraHosts: { hostname: string; ipAddress: string }[] = [];
    for (const host of Object.keys(svc.extraHosts).sort(byString)) {
      for (const ip of svc.extraHosts[host]) {
        if (ip === 'host-gateway' && target !== 'docker') {
          c.warn('bundle/ignored-key', `services.${s}.extra_hosts ${host}:host-gateway cannot be written into Dockerrun; left out`, s, sp(s, 'extra_hosts'));
          continue;
        }
        extraHosts.push({ hostname: host, ipAddress: ip });
      }
    }

    // -- networks (docker target keeps them)
    const svcNetworks: Record<string, string[]> = dict();
    for (const n of Object.keys(svc.networks).sort(byString)) {
      const cfg = own(svc.networks, n);
      const topNet = own(project.networks, n);
      if (topNet?.external) {
        c.warn('bundle/external-network', `services.${s} joins the external network "${n}", which does not exist on the instance; left out`, s, sp(s, 'networks', n));
        continue;
      }
      if (cfg?.ipv4Address || cfg?.ipv6Address) {
        c.warn('bundle/ignored-key', `services.${s}.networks.${n} fixed IP address is left out; reach the service by name`, s, sp(s, 'networks', n));
      }
      svcNetworks[n] = [...(cfg?.aliases ?? [])].sort(byString);
      if (n !== 'default') networks.add(n);
    }

    // -- ulimits: the names Docker (docker target) or ECS (ecs target) know; soft ≤ hard
    if (target !== 'single') {
      const known = target === 'docker' ? DOCKER_ULIMITS : ECS_ULIMITS;
      for (const [u, limit] of Object.entries(svc.ulimits).sort(([x], [y]) => byString(x, y))) {
        if (!known.includes(u)) {
          c.fail('bundle/ulimit', `services.${s}.ulimits.${u}: ${target === 'docker' ? 'Docker' : 'ECS'} has no ulimit named "${u}"; the names are ${known.join(', ')}`, sp(s, 'ulimits', u));
        } else if (limit.soft > limit.hard) {
          c.fail('bundle/ulimit', `services.${s}.ulimits.${u}: the soft limit ${limit.soft} is above the hard limit ${limit.hard}, which Docker refuses`, sp(s, 'ulimits', u));
        }
      }
    }

    // -- pass-through keys for the docker target
    const passThrough: Record<string, unknown> = dict();
    for (const k of ['blkio_config', 'group_add', 'pids_limit', 'security_opt']) {
      if (hasOwn(svc.other, k)) passThrough[k] = svc.other[k];
    }
    if (svc.containerName !== undefined) passThrough.container_name = svc.containerName;

    planned[s] = {
      service: s,
      containerName: containers[s],
      image,
      ...(build ? { build } : {}),
      essential,
      oneShot,
      ...(memoryMiB !== undefined ? { memoryMiB } : {}),
      ...(memoryReservationMiB !== undefined ? { memoryReservationMiB } : {}),
      ...((svc.deploy?.resources?.limits?.cpus ?? svc.cpus) !== undefined ? { cpus: svc.deploy?.resources?.limits?.cpus ?? svc.cpus } : {}),
      ...(svc.cpuShares !== undefined ? { cpuShares: svc.cpuShares } : {}),
      ...(command ? { command } : {}),
      ...(scrubbedEntrypoint ? { entrypoint: scrubbedEntrypoint } : {}),
      environment: sortRecord(environment),
      readsStackEnvironment: readsStack,
      ports: [],
      exposed: exposedPorts,
      mounts,
      dependsOn,
      volumesFrom,
      ...(healthcheck ? { healthcheck } : {}),
      // the docker target restarts long-running services like ECS restarts an essential container's task
      ...(oneShot ? { restart: 'no' } : svc.restart !== undefined ? { restart: svc.restart } : target === 'docker' ? { restart: 'unless-stopped' } : {}),
      ...(svc.workingDir !== undefined ? { workingDir: svc.workingDir } : {}),
      ...(svc.user !== undefined ? { user: svc.user } : {}),
      ...(svc.hostname !== undefined ? { hostname: svc.hostname } : {}),
      ...(svc.domainname !== undefined ? { domainname: svc.domainname } : {}),
      extraHosts,
      dns: svc.dns,
      dnsSearch: svc.dnsSearch,
      ...(svc.privileged !== undefined ? { privileged: svc.privileged } : {}),
      ...(svc.readOnly !== undefined ? { readOnly: svc.readOnly } : {}),
      ...(svc.init !== undefined ? { init: svc.init } : {}),
      ulimits: svc.ulimits,
      labels: svc.labels,
      ...(logging ? { logging } : {}),
      ...(svc.stopGracePeriodMs !== undefined ? { stopGracePeriodMs: svc.stopGracePeriodMs } : {}),
      ...(svc.stopSignal !== undefined ? { stopSignal: svc.stopSignal } : {}),
      capAdd: svc.capAdd,
      capDrop: svc.capDrop,
      sysctls: svc.sysctls,
      tmpfs: svc.tmpfs,
      ...(svc.shmSizeBytes !== undefined ? { shmSizeBytes: svc.shmSizeBytes } : {}),
      networks: svcNetworks,
      passThrough,
      composeLinks: svc.links.filter((l) => keptSet.has(l.split(':')[0])),
    };
  }

  // ---- one name, one value: Beanstalk passes environment secrets to every container ------------------
  for (const [name, given] of [...secretValuesBy.entries()].sort(([a], [b]) => byString(a, b))) {
    if (new Set(given.map((g) => g.value)).size < 2) continue;
    for (const g of given) {
      const others = given.filter((o) => o.service !== g.service && o.value !== g.value).map((o) => o.service);
      if (others.length === 0) continue;
      c.fail('bundle/secret-conflict', `services.${g.service}.environment.${name} differs from ${name} of ${others.join(', ')}; Elastic Beanstalk provides a secret as one environment variable with one value to every container, so both would get the same value: give one of them another name (e.g. ${g.service.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_${name}) in the compose file and in the app`, g.pointer);
    }
  }

  // ---- schema init containers ------------------------------------------------------------------
  for (const d of dbServices) {
    const initName = own(initFor, d.service);
    const init = dbPlans[d.service].init;
    if (!initName || !init) continue;
    const svc = project.services[d.service];
    const built = own(builds, d.service);
    const given = own(options.images, initName);
    const image: string | undefined = given ?? (built ? `${IMAGE_PLACEHOLDER_PREFIX}${containers[initName].toLowerCase()}` : svc.image);
    let build: ImageBuild | undefined;
    if (built && svc.build) {
      // the database service's own image: it has the engine's client and the files its Dockerfile copied
      const args: Record<string, string> = dict();
      for (const [k, v] of Object.entries(svc.build.args)) if (v !== null) args[k] = v;
      for (const [k, v] of Object.entries(overrides[d.service].args ?? {})) args[k] = v;
      const buildTarget = overrides[d.service].target !== undefined ? overrides[d.service].target ?? undefined : svc.build.target;
      build = {
        service: initName,
        containerName: containers[initName],
        context: built.context,
        dockerfile: built.dockerfile,
        ...(buildTarget !== undefined ? { target: buildTarget } : {}),
        args: sortRecord(args),
        platform: svc.platform ?? svc.build.platforms[0] ?? options.imagePlatform ?? DEFAULT_IMAGE_PLATFORM,
        imageRef: image ?? '',
        placeholder: given === undefined,
      };
      images.push(build);
    }
    if (image === undefined) {
      c.fail('bundle/schema-init-image', `services.${d.service} has schema init files but neither an image nor a build to run its client from`, sp(d.service));
      continue;
    }
    if (!isValidImageReference(image)) {
      c.fail('bundle/invalid-image', `--image ${initName}=${image} is not a valid image reference ([registry/]repository[:tag][@digest], lowercase repository)`);
      continue;
    }
    if (build?.placeholder) {
      c.warn('bundle/placeholder-image', `the schema init container ${initName} runs the image built from ${path.posix.relative(project.projectDirectory, build.context) || '.'}; no image URI was given, so the bundle holds the placeholder ${image} (pass --image ${initName}=<uri>; the CDK stack passes ECR URIs)`, d.service, sp(d.service, 'build'));
    }
    const mounts: PlannedMount[] = [{ kind: 'shipped', source: SCHEMA_INIT_BUNDLE_PATH, target: SCHEMA_INIT_SCRIPT, readOnly: true }];
    files.set(SCHEMA_INIT_BUNDLE_PATH, { path: SCHEMA_INIT_BUNDLE_PATH, content: schemaInitScript(d.engine) });
    for (const m of init.shipped) {
      files.set(m.path, { path: m.path, sourcePath: m.sourcePath, ...(m.location ? { location: m.location } : {}) });
      mounts.push({ kind: 'shipped', source: m.path, target: m.target, readOnly: true });
    }
    for (const role of ['host', 'port', 'user', 'password', 'database'] as const) {
      dbVariables[d.service].push({ service: initName, name: SCHEMA_INIT_VARIABLES[role], role });
    }
    planned[initName] = {
      ...bareService(initName, containers[initName], image),
      ...(build ? { build } : {}),
      essential: false,
      oneShot: true,
      memoryReservationMiB: SCHEMA_INIT_MEMORY_MIB,
      entrypoint: ['/bin/sh', SCHEMA_INIT_SCRIPT],
      readsStackEnvironment: true,
      mounts,
      restart: 'no',
    };
    const waiting: string[] = [];
    for (const s of kept) {
      const reads = dbVariables[d.service].some((v) => v.service === s);
      if (!hasOwn(project.services[s].dependsOn, d.service) && !reads) continue;
      const deps = own(dependsOnOf, s);
      if (!deps) continue;
      deps[initName] = 'service_completed_successfully';
      waiting.push(s);
    }
    const files_ = init.sqlFiles.length > 0 ? init.sqlFiles.join(', ') : 'the files of its image';
    const waits = waiting.length === 0 ? ''
      : target === 'docker' || options.containerHealthChecks ? `; ${waiting.join(', ')} start${waiting.length === 1 ? 's' : ''} after it has finished`
        : `; ${waiting.join(', ')} start${waiting.length === 1 ? 's' : ''} at the same time (the ECS platform waits for it only with the containerHealthChecks option) and must retry until the tables exist`;
    c.warn('bundle/schema-init', `services.${d.service}'s schema init files (${files_}) are applied once to the Amazon RDS database by the container ${initName}, which runs the ${built ? 'image built from its Dockerfile' : `image ${svc.image}`} at each deployment and records what it applied in the table beanstack_schema_init${waits}`, d.service, sp(d.service));
  }

  // ---- web port ------------------------------------------------------------------------------
  let webService: string | undefined;
  if (top.web && keptSet.has(top.web) && hasOwn(portsBy, top.web) && !portsBy[top.web].some((p) => p.port.hostPort === 80 && p.port.protocol === 'tcp')) {
    const ps = portsBy[top.web].filter((p) => p.port.protocol === 'tcp');
    const exposed = own(planned, top.web)?.exposed ?? [];
    const containerPort = ps.length === 1 ? ps[0].port.containerPort : ps.length === 0 && exposed.length === 1 ? exposed[0] : undefined;
    if (containerPort === undefined) {
      c.fail('bundle/host-port-ambiguous', `x-beanstack.web: service "${top.web}" has ${ps.length === 0 ? 'no port' : 'several ports'}; set x-beanstack.host_port and container_port on it`, '/x-beanstack/web');
    } else {
      portsBy[top.web] = [...portsBy[top.web].filter((p) => p !== ps[0]), { port: { hostPort: 80, containerPort, protocol: 'tcp' }, pointer: '/x-beanstack/web' }];
    }
  }
  const on80 = kept.filter((s) => own(portsBy, s)?.some((p) => p.port.hostPort === 80 && p.port.protocol === 'tcp'));
  if (on80.length >= 1) {
    webService = on80[0];
  } else if (target !== 'single') {
    const choice = chooseWebPort(kept, portsBy, project);
    if (choice) {
      const { service: s, mapping: old } = choice;
      portsBy[s] = portsBy[s].map((p) => (p === old ? { port: { ...p.port, hostPort: 80 }, pointer: p.pointer } : p));
      webService = s;
      c.warn('bundle/web-port-remapped', `services.${s} publishes container port ${old.port.containerPort} on host port 80 instead of ${old.port.hostPort}: Elastic Beanstalk's load balancer sends traffic to port 80 of the instance (set x-beanstack.web or host_port to choose another)`, s, old.pointer);
    } else if (target === 'docker') {
      c.fail('bundle/no-web-port', 'no service publishes host port 80, where the Docker platform sends load-balancer traffic, and none can be chosen: set top-level `x-beanstack: { web: <service> }` or `x-beanstack: { host_port: 80 }` on the service that serves HTTP', '/services');
    } else {
      c.warn('bundle/no-web-port', `no service publishes host port 80, where Elastic Beanstalk's load balancer sends traffic; set x-beanstack.host_port: 80 on the service that serves the app (or top-level x-beanstack.web)`, undefined, '/services');
    }
  }

  // ---- duplicate host ports ------------------------------------------------------------------
  const seen = new Map<string, string>();
  for (const s of kept) {
    for (const { port, pointer } of own(portsBy, s) ?? []) {
      const key = `${port.hostPort}/${port.protocol}`;
      const prev = seen.get(key);
      if (prev !== undefined) {
        c.fail('bundle/duplicate-host-port', `services.${s}: host port ${port.hostPort}/${port.protocol} is already published by ${prev}; each host port can be published once`, pointer);
      } else {
        seen.set(key, `services.${s}`);
      }
    }
  }

  // ---- name resolution (ecs): links ------------------------------------------------------------
  const links = target === 'ecs' ? resolveLinks(project, kept, overrides, planned, builds, imageOf, webService, dbNames, projectFiles, c) : dict<readonly PlannedLink[]>();

  c.throwIfProblems('fix the listed settings in the compose file (or its production override file) and run again');

  // ---- health check path -----------------------------------------------------------------------
  const healthCheckPath = top.healthCheckPath
    ?? (webService ? overrides[webService].healthCheckPath ?? healthPathFrom(project.services[webService].healthcheck) : undefined)
    ?? kept.map((s) => overrides[s].healthCheckPath).find((p) => p !== undefined);

  // ---- assemble ------------------------------------------------------------------------------
  const services = [...kept, ...initServices].sort(byString).filter((s) => hasOwn(planned, s)).map((s) => ({
    ...planned[s],
    ports: [...(own(portsBy, s) ?? []).map((p) => p.port)].sort((a, b) => a.containerPort - b.containerPort || a.hostPort - b.hostPort || byString(a.protocol, b.protocol)),
  }));
  if (services.length > 0 && !services.some((p) => p.essential)) {
    c.fail('bundle/no-essential', `every container is one-shot or non-essential (${services.map((p) => p.service).join(', ')}); a task needs at least one essential container`, '/services');
    c.throwIfProblems('mark the long-running service `x-beanstack: { essential: true }`');
  }

  const databases: DatabaseReplacement[] = facts.map((f) => {
    const seenVar = new Set<string>();
    const variables = dbVariables[f.service]
      .filter((v) => {
        const k = `${v.service}\u0000${v.name}`;
        if (seenVar.has(k)) return false;
        seenVar.add(k);
        return true;
      })
      .sort((a, b) => byString(a.service, b.service) || byString(a.name, b.name));
    const major = majorVersion(f.engine, imageOf(f.service));
    return {
      service: f.service,
      engine: f.engine,
      ...(imageOf(f.service) ? { image: imageOf(f.service) } : {}),
      ...(major ? { majorVersion: major } : {}),
      ...(f.databaseName ? { databaseName: f.databaseName } : {}),
      ...(f.username ? { username: f.username } : {}),
      port: f.port,
      variables,
      ...(Object.keys(dbPlans[f.service]?.parameters ?? {}).length > 0 ? { parameters: dbPlans[f.service].parameters } : {}),
      ...(own(initFor, f.service) && own(planned, initFor[f.service])
        ? { schemaInit: { container: containers[initFor[f.service]], service: initFor[f.service], files: dbPlans[f.service].init?.sqlFiles ?? [] } }
        : {}),
    };
  });
  // secrets and database variables must not collide with plain variables of other services
  const requiredSecrets: RequiredSecret[] = [...secrets.entries()]
    .sort(([a], [b]) => byString(a, b))
    .map(([name, e]) => ({ name, services: [...e.services].sort(byString), source: e.source, ...(e.composeSecret ? { composeSecret: e.composeSecret } : {}) }));
  const requiredVariables: RequiredVariable[] = [...required.entries()]
    .sort(([a], [b]) => byString(a, b))
    .map(([name, set]) => ({ name, services: [...set].sort(byString) }));

  // shipped files must exist: every missing one is reported at once, at the line that mounts it
  for (const f of [...files.values()].sort((a, b) => byString(a.path, b.path))) {
    if (!('sourcePath' in f) || projectFiles.exists(f.sourcePath) !== false) continue;
    c.failAt('bundle/missing-shipped-file', `${f.path} is mounted by the compose file and shipped in the bundle, but does not exist (Docker would mount an empty directory there); create it, or remove the mount`, f.location);
  }
  c.throwIfProblems('create the missing files in the project, or remove their mounts');

  // shipped files: a directory covers the files below it
  const paths = [...files.keys()].sort(byString);
  const shipped = paths
    .filter((p) => !paths.some((q) => q !== p && p.startsWith(`${q}/`)))
    .map((p) => files.get(p)!);

  for (const v of [...namedVolumes].sort(byString)) {
    if (dataVolumes.has(v)) continue;
    const top = own(project.volumes, v);
    c.warn('bundle/instance-local-volume', `volume "${v}" becomes ${target === 'docker' ? 'a Docker volume' : `the directory ${path.posix.join(NAMED_VOLUME_ROOT, v)}`} on each instance: its data is instance-local and lost when the instance is replaced${top?.external ? ' (it was external in compose)' : ''}${target === 'docker' ? '' : '; unlike a Docker volume it starts empty, not filled from the image'}; keep data in RDS, S3 or EFS`, undefined, `/volumes/${escapePointer(v)}`);
  }

  return {
    target,
    project,
    services,
    images: images.sort((a, b) => byString(a.service, b.service)),
    databases,
    secrets: requiredSecrets,
    requiredVariables,
    files: shipped,
    namedVolumes: [...namedVolumes].sort(byString),
    networks: [...networks].sort(byString),
    containers,
    links,
    ...(webService ? { webService } : {}),
    ...(healthCheckPath ? { healthCheckPath } : {}),
    warnings: c.warnings,
  };
}

/**
 * Why a variable is a secret, or undefined: its name, a value interpolated from a secret-named
 * variable (`STRIPE: ${STRIPE_SECRET_KEY}`), or its value (credentials in a URL, a token shape, a long
 * random string — lib/secrets.ts).
 */
function secretOf(name: string, value: string | null, template: string | undefined): string | undefined {
  if (isSecretName(name)) return 'its name';
  const from = interpolationReferences(template).find((r) => isSecretName(r));
  if (from !== undefined) return `the value of \${${from}}`;
  return value ? secretValueReason(value) : undefined;
}

/** Memory reserved for a schema init container (a database client and a shell). */
const SCHEMA_INIT_MEMORY_MIB = 64;

/** A planned container with every optional setting empty. */
function bareService(service: string, containerName: string, image: string): PlannedService {
  return {
    service, containerName, image, essential: true, oneShot: false, environment: dict(), readsStackEnvironment: false, ports: [], exposed: [], mounts: [],
    dependsOn: dict(), volumesFrom: [], extraHosts: [], dns: [], dnsSearch: [], ulimits: dict(), labels: dict(), capAdd: [], capDrop: [],
    sysctls: dict(), tmpfs: [], networks: { default: [] }, passThrough: dict(), composeLinks: [],
  };
}

export function sortRecord<T>(r: Readonly<Record<string, T>>): Record<string, T> {
  const out: Record<string, T> = dict();
  for (const k of Object.keys(r).sort(byString)) out[k] = r[k];
  return out;
}
