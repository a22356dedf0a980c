/**
 * The `x-beanstack` extension fields: production overrides written into the compose file itself (or
 * into an override file such as `docker-compose.prod.yml`, merged by the loader like any other key).
 *
 * Service level (`services.<name>.x-beanstack`) and top level (`x-beanstack`). Field names follow
 * compose's snake_case. Every field is documented in docs/x-beanstack.md.
 */
import type { ComposeProject } from '../compose/model';
import type { ErrorDetail } from '../errors';
import type { DatabaseEngine } from './types';
import { locate } from './locations';
import { dict, hasOwn } from './dict';
import { escapeSegment } from '../compose/pointer';
import { parseCostGuard, ResolvedBudget, ResolvedSleep } from './x-beanstack-cost';
import { DomainOverride, parseDomainOverride } from './x-beanstack-domain';
import { AlertsOverrides, parseAlerts, parseScaling, ScalingOverrides } from './x-beanstack-ops';
import { isObject } from '../util/json';

export interface ServiceOverrides {
  /** Hard memory limit, MiB. */
  readonly memory?: number;
  /** Soft memory limit (reservation), MiB. */
  readonly memoryReservation?: number;
  /** Whether the task stops when this container stops. */
  readonly essential?: boolean;
  /** Production Dockerfile (relative to the build context). */
  readonly dockerfile?: string;
  /** Production build target (stage); `null` builds the final stage. */
  readonly target?: string | null;
  /** Production build args, merged over `build.args`. */
  readonly args?: Readonly<Record<string, string>>;
  /** Host port to publish the web port on (usually 80). */
  readonly hostPort?: number;
  /** Container port that `hostPort` maps to; @default - the service's only published or exposed port */
  readonly containerPort?: number;
  /** `false`: keep this database as a container; an engine name: replace it by RDS with that engine. */
  readonly database?: DatabaseEngine | boolean;
  /** On a database service replaced by RDS: allow a change to a new major engine version (RDS AllowMajorVersionUpgrade). */
  readonly allowMajorVersionUpgrade?: boolean;
  /** Leave the service out of the bundle (test runners, dev tools). */
  readonly exclude?: boolean;
  /** Container paths of dev mounts to keep, or `true` for all. */
  readonly keepMounts?: readonly string[] | true;
  /** Container ports of debug ports to keep published. */
  readonly keepPorts?: readonly number[];
  /** Health check path of the load balancer (for the web service). */
  readonly healthCheckPath?: string;
  /** Run once per deployment (migrations): a non-essential container. */
  readonly oneShot?: boolean;
  /** Production command; `null` runs the image's default command. */
  readonly command?: readonly string[] | null;
  /** The services this one reaches by name (ECS links); @default - every service before it (docs/bundle.md) */
  readonly connectsTo?: readonly string[];
  /** `false`: do not apply the database service's schema init files to RDS. */
  readonly schemaInit?: boolean;
  /** Variables and build args whose values are not secrets, although their value looks like one. */
  readonly public?: readonly string[];
}

export interface ProjectOverrides {
  /** Services to leave out. */
  readonly exclude: readonly string[];
  /** The database service to replace by RDS, or `false` for none. */
  readonly database?: string | false;
  /** The service that serves traffic on host port 80. */
  readonly web?: string;
  /** Health check path of the load balancer. */
  readonly healthCheckPath?: string;
  /** Sleep schedule of dev stages (x-beanstack-cost.ts, docs/cost-guard.md). */
  readonly sleep?: ResolvedSleep;
  /** Monthly AWS Budgets budget with email alerts (x-beanstack-cost.ts, docs/cost-guard.md). */
  readonly budget?: ResolvedBudget;
  /** The public name and hosted zone (x-beanstack-domain.ts; used by the constructs, not the bundle). */
  readonly domain?: DomainOverride;
  /** Instance counts and the scaling target (lib/bundle/x-beanstack-ops.ts). */
  readonly scaling?: ScalingOverrides;
  /** Who is alerted, and alarm thresholds (lib/bundle/x-beanstack-ops.ts). */
  readonly alerts?: AlertsOverrides;
}

export const SERVICE_FIELDS: readonly string[] = [
  'allow_major_version_upgrade', 'args', 'command', 'connects_to', 'container_port', 'database', 'dockerfile', 'essential', 'exclude',
  'health_check_path', 'host_port', 'keep_mounts', 'keep_ports', 'memory', 'memory_reservation', 'one_shot', 'public', 'schema_init',
  'target',
];

export const PROJECT_FIELDS: readonly string[] = ['alerts', 'budget', 'database', 'domain', 'exclude', 'health_check_path', 'scaling', 'sleep', 'web'];

const ENGINES: readonly DatabaseEngine[] = ['mariadb', 'mysql', 'postgres'];

/** Parses sizes like `512`, `512m`, `1.5g`, `256MiB` into MiB (a bare number is MiB). */
export function parseMemoryMiB(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return Math.ceil(value);
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$/i.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'm').toLowerCase();
  const factor = unit.startsWith('g') ? 1024 : unit.startsWith('m') ? 1 : unit.startsWith('k') ? 1 / 1024 : 1 / (1024 * 1024);
  const mib = Math.ceil(n * factor);
  return mib > 0 ? mib : undefined;
}

class FieldReader {
  constructor(
    private readonly project: ComposeProject,
    private readonly pointer: string,
    private readonly problems: ErrorDetail[],
    private readonly label: string,
  ) {}

  fail(field: string, message: string): void {
    const shown = field.split('/').map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('');
    this.problems.push({ message: `${this.label}${shown}: ${message}`, location: locate(this.project, `${this.pointer}/${field}`) });
  }
}

function checkUnknown(raw: Record<string, unknown>, allowed: readonly string[], r: FieldReader): void {
  for (const key of Object.keys(raw).sort()) {
    if (!allowed.includes(key)) r.fail(key, `unknown field; the fields are ${allowed.join(', ')}`);
  }
}

function port(value: unknown, field: string, r: FieldReader): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535) return n;
  r.fail(field, `expected a port number 1-65535, got ${JSON.stringify(value)}`);
  return undefined;
}

function bool(value: unknown, field: string, r: FieldReader): boolean | undefined {
  if (typeof value === 'boolean') return value;
  r.fail(field, `expected true or false, got ${JSON.stringify(value)}`);
  return undefined;
}

function str(value: unknown, field: string, r: FieldReader): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  r.fail(field, `expected a non-empty string, got ${JSON.stringify(value)}`);
  return undefined;
}

/** Splits a command string like a POSIX shell would (quotes and backslashes; no expansion). */
export function splitCommand(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) cur += text[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

/** `args`: a mapping of scalars, or a list of `NAME=value`; what is neither is reported. */
function buildArgs(v: unknown, r: FieldReader): Record<string, string> | undefined {
  const args: Record<string, string> = dict();
  if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') args[k] = String(x);
      else r.fail(`args/${k}`, `expected a string value, got ${JSON.stringify(x)}`);
    }
    return args;
  }
  if (Array.isArray(v)) {
    v.forEach((item, i) => {
      if (typeof item === 'string' && item.includes('=')) args[item.slice(0, item.indexOf('='))] = item.slice(item.indexOf('=') + 1);
      else r.fail(`args/${i}`, `expected NAME=value, got ${JSON.stringify(item)}`);
    });
    return args;
  }
  r.fail('args', 'expected a mapping of build args');
  return undefined;
}

/** `keep_ports`: a list of container ports. */
function keepPorts(v: unknown, r: FieldReader): number[] | undefined {
  if (!Array.isArray(v)) {
    r.fail('keep_ports', 'expected a list of container ports (e.g. [9229])');
    return undefined;
  }
  const ports: number[] = [];
  v.forEach((p, i) => {
    const n = port(p, `keep_ports/${i}`, r);
    if (n !== undefined) ports.push(n);
  });
  return ports;
}

/** `connects_to`: other services of the project, sorted, each once. */
function connectsTo(v: unknown, project: ComposeProject, service: string, r: FieldReader): string[] | undefined {
  if (!(Array.isArray(v) && v.every((x) => typeof x === 'string'))) {
    r.fail('connects_to', 'expected a list of service names (e.g. [api, cache])');
    return undefined;
  }
  const known = Object.keys(project.services);
  v.forEach((name, i) => {
    if (name === service) r.fail(`connects_to/${i}`, 'a service does not need a link to itself');
    else if (!hasOwn(project.services, name)) r.fail(`connects_to/${i}`, `no service named "${name}"; the services are ${known.sort().join(', ')}`);
  });
  return [...new Set(v as string[])].sort();
}

/** Reads `services.<name>.x-beanstack`; problems are collected, not thrown. */
export function parseServiceOverrides(project: ComposeProject, service: string, problems: ErrorDetail[]): ServiceOverrides {
  const raw = project.services[service]?.extensions['x-beanstack'];
  if (raw === undefined || raw === null) return {};
  const pointer = `/services/${escapeSegment(service)}/x-beanstack`;
  const r = new FieldReader(project, pointer, problems, `services.${service}.x-beanstack`);
  if (!isObject(raw)) {
    problems.push({ message: `services.${service}.x-beanstack: expected a mapping of fields`, location: locate(project, pointer) });
    return {};
  }
  checkUnknown(raw, SERVICE_FIELDS, r);
  const out: { -readonly [K in keyof ServiceOverrides]: ServiceOverrides[K] } = {};
  if ('memory' in raw) {
    out.memory = parseMemoryMiB(raw.memory);
    if (out.memory === undefined) r.fail('memory', `expected MiB as a number or a size like "512m", got ${JSON.stringify(raw.memory)}`);
  }
  if ('memory_reservation' in raw) {
    out.memoryReservation = parseMemoryMiB(raw.memory_reservation);
    if (out.memoryReservation === undefined) r.fail('memory_reservation', `expected MiB as a number or a size like "256m", got ${JSON.stringify(raw.memory_reservation)}`);
  }
  if ('essential' in raw) out.essential = bool(raw.essential, 'essential', r);
  if ('dockerfile' in raw) out.dockerfile = str(raw.dockerfile, 'dockerfile', r);
  if ('target' in raw) out.target = raw.target === null ? null : str(raw.target, 'target', r);
  const args = 'args' in raw ? buildArgs(raw.args, r) : undefined;
  if (args) out.args = args;
  if ('host_port' in raw) out.hostPort = port(raw.host_port, 'host_port', r);
  if ('container_port' in raw) out.containerPort = port(raw.container_port, 'container_port', r);
  if ('database' in raw) {
    const v = raw.database;
    if (typeof v === 'boolean') out.database = v;
    else if (typeof v === 'string' && (ENGINES as readonly string[]).includes(v)) out.database = v as DatabaseEngine;
    else r.fail('database', `expected false, true or one of ${ENGINES.join(', ')}, got ${JSON.stringify(v)}`);
  }
  if ('exclude' in raw) out.exclude = bool(raw.exclude, 'exclude', r);
  if ('allow_major_version_upgrade' in raw) out.allowMajorVersionUpgrade = bool(raw.allow_major_version_upgrade, 'allow_major_version_upgrade', r);
  if ('keep_mounts' in raw) {
    const v = raw.keep_mounts;
    if (v === true) out.keepMounts = true;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string' && x.startsWith('/'))) out.keepMounts = v as string[];
    else r.fail('keep_mounts', 'expected true or a list of container paths (e.g. ["/code/src"])');
  }
  const ports = 'keep_ports' in raw ? keepPorts(raw.keep_ports, r) : undefined;
  if (ports) out.keepPorts = ports;
  if ('health_check_path' in raw) {
    const v = str(raw.health_check_path, 'health_check_path', r);
    if (v !== undefined && !v.startsWith('/')) r.fail('health_check_path', `expected a path starting with "/", got ${JSON.stringify(v)}`);
    else out.healthCheckPath = v;
  }
  if ('one_shot' in raw) out.oneShot = bool(raw.one_shot, 'one_shot', r);
  if ('command' in raw) {
    const v = raw.command;
    if (v === null) out.command = null;
    else if (typeof v === 'string') out.command = splitCommand(v);
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out.command = v as string[];
    else r.fail('command', 'expected a string, a list of strings or null');
  }
  const links = 'connects_to' in raw ? connectsTo(raw.connects_to, project, service, r) : undefined;
  if (links) out.connectsTo = links;
  if ('schema_init' in raw) out.schemaInit = bool(raw.schema_init, 'schema_init', r);
  if ('public' in raw) {
    const v = raw.public;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string' && /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(x))) out.public = [...new Set(v as string[])].sort();
    else r.fail('public', 'expected a list of variable or build arg names (e.g. [PUBLIC_KEY_ID])');
  }
  return out;
}

/** Reads the top-level `x-beanstack`; problems are collected, not thrown. */
export function parseProjectOverrides(project: ComposeProject, problems: ErrorDetail[]): ProjectOverrides {
  const raw = project.extensions['x-beanstack'];
  if (raw === undefined || raw === null) return { exclude: [] };
  const pointer = '/x-beanstack';
  const r = new FieldReader(project, pointer, problems, 'x-beanstack');
  if (!isObject(raw)) {
    problems.push({ message: 'x-beanstack: expected a mapping of fields', location: locate(project, pointer) });
    return { exclude: [] };
  }
  checkUnknown(raw, PROJECT_FIELDS, r);
  let exclude: string[] = [];
  let database: string | false | undefined;
  let web: string | undefined;
  let healthCheckPath: string | undefined;
  if ('exclude' in raw) {
    const v = raw.exclude;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) exclude = [...(v as string[])].sort();
    else r.fail('exclude', 'expected a list of service names');
  }
  if ('database' in raw) {
    const v = raw.database;
    if (v === false) database = false;
    else if (typeof v === 'string') database = v;
    else r.fail('database', `expected a service name or false, got ${JSON.stringify(v)}`);
  }
  if ('web' in raw) web = str(raw.web, 'web', r);
  if ('health_check_path' in raw) {
    const v = str(raw.health_check_path, 'health_check_path', r);
    if (v !== undefined && !v.startsWith('/')) r.fail('health_check_path', `expected a path starting with "/", got ${JSON.stringify(v)}`);
    else healthCheckPath = v;
  }
  const known = new Set([...Object.keys(project.services), ...project.disabledServices]);
  exclude.forEach((name, i) => {
    if (!known.has(name)) r.fail(`exclude/${i}`, `no service named "${name}"; the services are ${[...known].sort().join(', ')}`);
  });
  if (typeof database === 'string' && !hasOwn(project.services, database)) {
    r.fail('database', `no service named "${database}"; the services are ${Object.keys(project.services).sort().join(', ')}`);
  }
  if (web !== undefined && !hasOwn(project.services, web)) {
    r.fail('web', `no service named "${web}"; the services are ${Object.keys(project.services).sort().join(', ')}`);
  }
  const costGuard = parseCostGuard(project, problems);
  const domain = parseDomainOverride(project, problems);
  const scaling = parseScaling(project, raw.scaling, problems);
  const alerts = parseAlerts(project, raw.alerts, problems);
  return { exclude, database, web, healthCheckPath, ...costGuard, domain, ...(scaling ? { scaling } : {}), ...(alerts ? { alerts } : {}) };
}

