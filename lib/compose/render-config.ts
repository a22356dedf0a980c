/**
 * Renders a normalized `ComposeProject` back as a compose document, like `docker compose config`:
 * long syntax everywhere, compose key names, durations as `1m30s`, sizes in bytes.
 *
 * Deterministic: every mapping's keys are sorted (lists keep their order), paths are shown
 * relative to the project directory (`.`, `./backend`) so the output does not depend on the
 * machine, YAML is written so YAML 1.1 readers (docker-compose 1.x) read the same values, JSON is
 * 2-space indented; both end with a newline.
 *
 * Values read from `env_file:` files are NOT printed (only the file references are): they often
 * hold secrets, and the model keeps them apart from `environment` for that reason.
 */
import * as path from 'path';
import type {
  BuildConfig,
  ComposeProject,
  DeployConfig,
  HealthcheckConfig,
  NetworkConfig,
  PortConfig,
  ResourceValues,
  SecretConfig,
  ServiceConfig,
  ServiceFileRef,
  ServiceVolume,
  VolumeConfig,
} from './model';
import { setKey } from './normalize';
import { formatDuration } from './units';
import { sortDeep } from '../util/sort-deep';
import { yamlText } from '../util/yaml-text';

export interface RenderOptions {
  readonly format: 'yaml' | 'json';
  /**
   * Whether the project was loaded with interpolation. Then every `$` of a value is written as `$$`,
   * as `docker compose config` does, so the output is a compose file that loads to the same model;
   * without interpolation values are printed exactly as written.
   * @default true
   */
  readonly interpolated?: boolean;
}

type Obj = Record<string, unknown>;

/** The project as a compose document (plain data, keys in compose spelling, paths relative). */
export function toComposeDocument(project: ComposeProject): Obj {
  const rel = (p: string) => relativePath(project.projectDirectory, p);
  const doc: Obj = { name: project.name };
  const services: Obj = {};
  for (const [name, s] of Object.entries(project.services)) setKey(services, name, renderService(s, rel));
  doc.services = services;
  put(doc, 'networks', mapValues(project.networks, (n) => renderResource(n)));
  put(doc, 'volumes', mapValues(project.volumes, (v) => renderResource(v)));
  put(doc, 'secrets', mapValues(project.secrets, (s) => renderFileObject(s, rel)));
  put(doc, 'configs', mapValues(project.configs, (s) => renderFileObject(s, rel)));
  for (const [k, v] of Object.entries(project.extensions)) setKey(doc, k, v);
  return sortDeep(doc) as Obj;
}

/** `docker compose config`-style text of the project. */
export function renderConfig(project: ComposeProject, options: RenderOptions): string {
  const plain = toComposeDocument(project);
  const doc = options.interpolated === false ? plain : (escapeDollars(plain) as Obj);
  if (options.format === 'json') return JSON.stringify(doc, null, 2) + '\n';
  return yamlText(doc);
}

/**
 * `p` relative to `base` (`.`, `./sub`, `../x`) when both lie under a common directory other than
 * `/` and `p` is at most two levels up; otherwise `p` as is. A path next to the project
 * (`../shared`) is printed the same wherever the project is checked out, and a system path
 * (`/var/run/docker.sock`) stays absolute instead of becoming `../../../var/run/docker.sock`.
 */
export function relativePath(base: string, p: string): string {
  if (!path.posix.isAbsolute(p)) return p;
  const r = path.posix.relative(base, p);
  if (r === '') return '.';
  if (!r.startsWith('..')) return './' + r;
  const ups = r.split('/').filter((x) => x === '..').length;
  const baseDepth = base.split('/').filter(Boolean).length;
  return ups <= 2 && ups < baseDepth ? r : p;
}

function renderService(s: ServiceConfig, rel: (p: string) => string): Obj {
  const o: Obj = {};
  put(o, 'image', s.image);
  if (s.build) o.build = renderBuild(s.build, rel);
  if (s.command !== undefined) o.command = s.command;
  if (s.entrypoint !== undefined) o.entrypoint = s.entrypoint;
  put(o, 'environment', s.environment);
  put(
    o,
    'env_file',
    s.envFiles.map((e) => ({ path: rel(e.path), required: e.required, ...(e.format ? { format: e.format } : {}) })),
  );
  put(o, 'ports', s.ports.map(renderPort));
  put(o, 'expose', s.expose);
  put(o, 'volumes', s.volumes.map((v) => renderVolume(v, rel)));
  put(o, 'depends_on', mapValues(s.dependsOn, (d) => ({ condition: d.condition, required: d.required, restart: d.restart })));
  put(o, 'links', s.links);
  put(o, 'external_links', s.externalLinks);
  if (s.healthcheck) o.healthcheck = renderHealthcheck(s.healthcheck);
  if (s.deploy) o.deploy = renderDeploy(s.deploy);
  put(o, 'mem_limit', s.memLimitBytes);
  put(o, 'mem_reservation', s.memReservationBytes);
  put(o, 'memswap_limit', s.memswapLimitBytes);
  put(o, 'shm_size', s.shmSizeBytes);
  put(o, 'cpus', s.cpus);
  put(o, 'cpu_shares', s.cpuShares);
  put(o, 'restart', s.restart);
  if (s.logging) o.logging = { ...(s.logging.driver ? { driver: s.logging.driver } : {}), ...nonEmpty('options', s.logging.options) };
  put(o, 'labels', s.labels);
  put(o, 'secrets', s.secrets.map(renderFileRef));
  put(o, 'configs', s.configs.map(renderFileRef));
  put(o, 'networks', mapValues(s.networks, (n) => (n === null ? null : {
    ...nonEmpty('aliases', n.aliases),
    ...(n.ipv4Address !== undefined ? { ipv4_address: n.ipv4Address } : {}),
    ...(n.ipv6Address !== undefined ? { ipv6_address: n.ipv6Address } : {}),
    ...(n.priority !== undefined ? { priority: n.priority } : {}),
    ...n.other,
  })));
  put(o, 'network_mode', s.networkMode);
  put(o, 'profiles', s.profiles);
  put(o, 'working_dir', s.workingDir);
  put(o, 'user', s.user);
  put(o, 'hostname', s.hostname);
  put(o, 'domainname', s.domainname);
  put(o, 'extra_hosts', s.extraHosts);
  put(o, 'dns', s.dns);
  put(o, 'dns_search', s.dnsSearch);
  put(o, 'privileged', s.privileged);
  put(o, 'read_only', s.readOnly);
  put(o, 'init', s.init);
  put(o, 'stdin_open', s.stdinOpen);
  put(o, 'tty', s.tty);
  put(o, 'ulimits', s.ulimits);
  put(o, 'cap_add', s.capAdd);
  put(o, 'cap_drop', s.capDrop);
  put(o, 'sysctls', s.sysctls);
  put(o, 'tmpfs', s.tmpfs);
  put(o, 'container_name', s.containerName);
  put(o, 'platform', s.platform);
  put(o, 'pull_policy', s.pullPolicy);
  put(o, 'stop_signal', s.stopSignal);
  if (s.stopGracePeriodMs !== undefined) o.stop_grace_period = formatDuration(s.stopGracePeriodMs);
  put(o, 'scale', s.scale);
  put(o, 'develop', s.develop);
  for (const [k, v] of Object.entries(s.other)) setKey(o, k, v);
  for (const [k, v] of Object.entries(s.extensions)) setKey(o, k, v);
  return o;
}

function renderBuild(b: BuildConfig, rel: (p: string) => string): Obj {
  const o: Obj = { context: rel(b.context) };
  put(o, 'dockerfile', b.dockerfile);
  put(o, 'dockerfile_inline', b.dockerfileInline);
  put(o, 'target', b.target);
  put(o, 'args', b.args);
  put(o, 'platforms', b.platforms);
  put(o, 'labels', b.labels);
  put(o, 'cache_from', b.cacheFrom);
  put(o, 'cache_to', b.cacheTo);
  put(o, 'network', b.network);
  put(o, 'shm_size', b.shmSizeBytes);
  put(o, 'tags', b.tags);
  put(o, 'additional_contexts', mapValues(b.additionalContexts, (v) => rel(v)));
  put(o, 'secrets', b.secrets.map(renderFileRef));
  put(o, 'ssh', b.ssh);
  put(o, 'extra_hosts', b.extraHosts);
  put(o, 'no_cache', b.noCache);
  put(o, 'pull', b.pull);
  put(o, 'privileged', b.privileged);
  for (const [k, v] of Object.entries(b.other)) setKey(o, k, v);
  return o;
}

function renderPort(p: PortConfig): Obj {
  const o: Obj = { target: p.target, protocol: p.protocol };
  put(o, 'published', p.published);
  put(o, 'host_ip', p.hostIp);
  put(o, 'mode', p.mode);
  put(o, 'name', p.name);
  put(o, 'app_protocol', p.appProtocol);
  return o;
}

function renderVolume(v: ServiceVolume, rel: (p: string) => string): Obj {
  const o: Obj = { type: v.type, target: v.target, read_only: v.readOnly };
  if (v.source !== undefined) o.source = v.type === 'bind' ? rel(v.source) : v.source;
  if (v.bind) {
    const b: Obj = {};
    put(b, 'create_host_path', v.bind.createHostPath);
    put(b, 'propagation', v.bind.propagation);
    put(b, 'selinux', v.bind.selinux);
    put(o, 'bind', b);
  }
  if (v.volume) put(o, 'volume', { ...v.volume });
  if (v.tmpfs) {
    const t: Obj = {};
    put(t, 'size', v.tmpfs.sizeBytes);
    put(t, 'mode', v.tmpfs.mode);
    put(o, 'tmpfs', t);
  }
  put(o, 'consistency', v.consistency);
  return o;
}

function renderHealthcheck(h: HealthcheckConfig): Obj {
  const o: Obj = {};
  put(o, 'test', h.test);
  if (h.intervalMs !== undefined) o.interval = formatDuration(h.intervalMs);
  if (h.timeoutMs !== undefined) o.timeout = formatDuration(h.timeoutMs);
  if (h.startPeriodMs !== undefined) o.start_period = formatDuration(h.startPeriodMs);
  if (h.startIntervalMs !== undefined) o.start_interval = formatDuration(h.startIntervalMs);
  put(o, 'retries', h.retries);
  put(o, 'disable', h.disable);
  return o;
}

function renderResources(r: ResourceValues & { devices?: readonly unknown[]; genericResources?: readonly unknown[] }): Obj {
  const o: Obj = {};
  put(o, 'cpus', r.cpus);
  // the schema types deploy memory as a string; a plain number of bytes is a valid byte value
  if (r.memoryBytes !== undefined) o.memory = String(r.memoryBytes);
  put(o, 'pids', r.pids);
  put(o, 'devices', r.devices);
  put(o, 'generic_resources', r.genericResources);
  return o;
}

function renderDeploy(d: DeployConfig): Obj {
  const o: Obj = {};
  put(o, 'mode', d.mode);
  put(o, 'replicas', d.replicas);
  if (d.resources) {
    const r: Obj = {};
    if (d.resources.limits) r.limits = renderResources(d.resources.limits);
    if (d.resources.reservations) r.reservations = renderResources(d.resources.reservations);
    o.resources = r;
  }
  if (d.restartPolicy) {
    const p = d.restartPolicy;
    const r: Obj = {};
    put(r, 'condition', p.condition);
    if (p.delayMs !== undefined) r.delay = formatDuration(p.delayMs);
    put(r, 'max_attempts', p.maxAttempts);
    if (p.windowMs !== undefined) r.window = formatDuration(p.windowMs);
    o.restart_policy = r;
  }
  put(o, 'labels', d.labels);
  for (const [k, v] of Object.entries(d.other)) setKey(o, k, v);
  return o;
}

function renderFileRef(r: ServiceFileRef): Obj {
  const o: Obj = { source: r.source };
  put(o, 'target', r.target);
  put(o, 'uid', r.uid);
  put(o, 'gid', r.gid);
  // modes are written in octal, as people write them (0440)
  if (r.mode !== undefined) o.mode = '0' + r.mode.toString(8);
  return o;
}

function renderResource(r: NetworkConfig | VolumeConfig): Obj {
  const o: Obj = {};
  put(o, 'name', r.name);
  put(o, 'driver', r.driver);
  put(o, 'driver_opts', r.driverOpts);
  if (r.external) o.external = true;
  if ('internal' in r) put(o, 'internal', r.internal);
  if ('attachable' in r) put(o, 'attachable', r.attachable);
  put(o, 'labels', r.labels);
  for (const [k, v] of Object.entries(r.other)) setKey(o, k, v);
  return o;
}

function renderFileObject(s: SecretConfig, rel: (p: string) => string): Obj {
  const o: Obj = {};
  put(o, 'name', s.name);
  if (s.file !== undefined) o.file = rel(s.file);
  put(o, 'environment', s.environment);
  put(o, 'content', s.content);
  if (s.external) o.external = true;
  put(o, 'labels', s.labels);
  for (const [k, v] of Object.entries(s.other)) setKey(o, k, v);
  return o;
}

/** Sets `o[key]` unless the value is undefined, an empty list or an empty mapping. */
function put(o: Obj, key: string, value: unknown): void {
  if (value === undefined) return;
  if (Array.isArray(value) && value.length === 0) return;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0) return;
  setKey(o, key, value);
}

function nonEmpty(key: string, value: unknown): Obj {
  const o: Obj = {};
  put(o, key, value);
  return o;
}

function mapValues<T>(rec: Readonly<Record<string, T>>, fn: (v: T) => unknown): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(rec)) setKey(out, k, fn(v));
  return out;
}

/** Writes every `$` of a string value as `$$` (keys are never interpolated, so they stay). */
function escapeDollars(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(/\$/g, '$$$$');
  if (Array.isArray(v)) return v.map(escapeDollars);
  if (typeof v === 'object' && v !== null) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) setKey(out, k, escapeDollars(x));
    return out;
  }
  return v;
}

