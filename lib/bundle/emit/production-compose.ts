/**
 * The `docker` target: a production docker-compose.yml for "Docker running on 64bit Amazon Linux
 * 2023". Images come prebuilt (no `build:`), environment properties reach services through
 * `env_file: .env` (Beanstalk writes that file; the bundle never ships one), every `$` is escaped as
 * `$$` so compose does not interpolate values, and the file stays readable by docker-compose 1.29.2.
 */
import type { HealthcheckConfig } from '../../compose/model';
import type { Plan, PlannedService } from '../plan/types';
import type { ImageRefs } from './dockerrun-v2';
import { dict } from '../dict';
import { byString } from '../../util/order';


/** A compose duration from milliseconds (`1m30s`, `500ms`). */
export function duration(ms: number): string {
  if (ms % 1000 !== 0) return `${ms}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}

/** Escapes `$` for compose interpolation, deeply, in string values (keys are not interpolated). */
export function escapeDollars(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$/g, '$$$$');
  if (Array.isArray(value)) return value.map(escapeDollars);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = dict();
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = escapeDollars(v);
    return out;
  }
  return value;
}

function healthcheck(hc: HealthcheckConfig): Record<string, unknown> {
  return {
    ...(hc.test ? { test: [...hc.test] } : {}),
    ...(hc.intervalMs !== undefined ? { interval: duration(hc.intervalMs) } : {}),
    ...(hc.timeoutMs !== undefined ? { timeout: duration(hc.timeoutMs) } : {}),
    ...(hc.retries !== undefined ? { retries: hc.retries } : {}),
    ...(hc.startPeriodMs !== undefined ? { start_period: duration(hc.startPeriodMs) } : {}),
    ...(hc.disable ? { disable: true } : {}),
  };
}

function mountString(m: PlannedService['mounts'][number]): string | Record<string, unknown> {
  if (m.kind === 'tmpfs') return { type: 'tmpfs', target: m.target };
  const source = m.kind === 'shipped' ? `./${m.source}` : m.source;
  return `${source}:${m.target}${m.readOnly ? ':ro' : ''}`;
}

function service(s: PlannedService, image: string): Record<string, unknown> {
  const deps = Object.entries(s.dependsOn).sort(([a], [b]) => byString(a, b));
  const plainDeps = deps.every(([, c]) => c === 'service_started');
  // the implicit default network needs no mention, unless it carries aliases or other networks are listed
  const networks = Object.entries(s.networks).filter(([n, aliases]) => n !== 'default' || aliases.length > 0 || Object.keys(s.networks).length > 1);
  const anyAliases = networks.some(([, a]) => a.length > 0);
  const out: Record<string, unknown> = {
    image,
    ...(s.entrypoint ? { entrypoint: [...s.entrypoint] } : {}),
    ...(s.command ? { command: [...s.command] } : {}),
    ...(Object.keys(s.environment).length > 0 ? { environment: { ...s.environment } } : {}),
    ...(s.readsStackEnvironment ? { env_file: ['.env'] } : {}),
    ...(s.ports.length > 0 ? { ports: s.ports.map((p) => `${p.hostPort}:${p.containerPort}${p.protocol === 'udp' ? '/udp' : ''}`) } : {}),
    ...(s.mounts.length > 0 ? { volumes: [...s.mounts].sort((a, b) => byString(a.target, b.target)).map(mountString) } : {}),
    ...(s.composeLinks.length > 0 ? { links: [...s.composeLinks].sort(byString) } : {}),
    ...(s.volumesFrom.length > 0 ? { volumes_from: s.volumesFrom.map((v) => `${v.service}${v.readOnly ? ':ro' : ''}`) } : {}),
    ...(deps.length > 0 ? { depends_on: plainDeps ? deps.map(([d]) => d) : Object.fromEntries(deps.map(([d, c]) => [d, { condition: c }])) } : {}),
    ...(s.healthcheck ? { healthcheck: healthcheck(s.healthcheck) } : {}),
    ...(s.restart !== undefined ? { restart: s.restart } : {}),
    ...(s.memoryMiB !== undefined ? { mem_limit: `${s.memoryMiB}m` } : {}),
    ...(s.memoryReservationMiB !== undefined ? { mem_reservation: `${s.memoryReservationMiB}m` } : {}),
    ...(s.cpus !== undefined ? { cpus: s.cpus } : {}),
    ...(s.cpuShares !== undefined ? { cpu_shares: s.cpuShares } : {}),
    ...(s.workingDir !== undefined ? { working_dir: s.workingDir } : {}),
    ...(s.user !== undefined ? { user: s.user } : {}),
    ...(s.hostname !== undefined ? { hostname: s.hostname } : {}),
    ...(s.domainname !== undefined ? { domainname: s.domainname } : {}),
    ...(s.extraHosts.length > 0 ? { extra_hosts: s.extraHosts.map((h) => `${h.hostname}:${h.ipAddress}`) } : {}),
    ...(s.dns.length > 0 ? { dns: [...s.dns] } : {}),
    ...(s.dnsSearch.length > 0 ? { dns_search: [...s.dnsSearch] } : {}),
    ...(s.privileged ? { privileged: true } : {}),
    ...(s.readOnly ? { read_only: true } : {}),
    ...(s.init !== undefined ? { init: s.init } : {}),
    ...(Object.keys(s.ulimits).length > 0 ? { ulimits: Object.fromEntries(Object.entries(s.ulimits).map(([k, u]) => [k, { soft: u.soft, hard: u.hard }])) } : {}),
    ...(Object.keys(s.labels).length > 0 ? { labels: { ...s.labels } } : {}),
    ...(s.logging?.driver ? { logging: { driver: s.logging.driver, ...(Object.keys(s.logging.options).length > 0 ? { options: { ...s.logging.options } } : {}) } } : {}),
    ...(s.stopGracePeriodMs !== undefined ? { stop_grace_period: duration(s.stopGracePeriodMs) } : {}),
    ...(s.stopSignal !== undefined ? { stop_signal: s.stopSignal } : {}),
    ...(s.capAdd.length > 0 ? { cap_add: [...s.capAdd] } : {}),
    ...(s.capDrop.length > 0 ? { cap_drop: [...s.capDrop] } : {}),
    ...(Object.keys(s.sysctls).length > 0 ? { sysctls: { ...s.sysctls } } : {}),
    ...(s.tmpfs.length > 0 ? { tmpfs: [...s.tmpfs] } : {}),
    ...(s.shmSizeBytes !== undefined ? { shm_size: `${s.shmSizeBytes}b` } : {}),
    ...(networks.length > 0
      ? { networks: anyAliases ? Object.fromEntries(networks.map(([n, a]) => [n, a.length > 0 ? { aliases: [...a] } : null])) : networks.map(([n]) => n) }
      : {}),
    ...s.passThrough,
  };
  return escapeDollars(out) as Record<string, unknown>;
}

/** Renders the plan as a compose document (an object; render.ts turns it into bytes). */
export function toProductionCompose(plan: Plan, images: ImageRefs): Record<string, unknown> {
  const services: Record<string, unknown> = dict();
  for (const s of plan.services) services[s.service] = service(s, images[s.service]);
  const volumes: Record<string, unknown> = dict();
  for (const v of plan.namedVolumes) {
    volumes[v.name] = v.driver || Object.keys(v.driverOpts).length > 0
      ? { ...(v.driver ? { driver: v.driver } : {}), ...(Object.keys(v.driverOpts).length > 0 ? { driver_opts: { ...v.driverOpts } } : {}) }
      : {};
  }
  const networks: Record<string, unknown> = dict();
  for (const n of plan.networks) {
    networks[n.name] = {
      ...(n.driver ? { driver: n.driver } : {}),
      ...(n.internal ? { internal: true } : {}),
      ...(n.attachable ? { attachable: true } : {}),
      ...(Object.keys(n.driverOpts).length > 0 ? { driver_opts: { ...n.driverOpts } } : {}),
      ...(Object.keys(n.labels).length > 0 ? { labels: { ...n.labels } } : {}),
    };
  }
  return {
    services,
    ...(Object.keys(volumes).length > 0 ? { volumes } : {}),
    ...(Object.keys(networks).length > 0 ? { networks } : {}),
  };
}
