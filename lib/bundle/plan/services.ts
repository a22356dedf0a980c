/**
 * Which services run, and which of their keys the target cannot express: left out (with a warning)
 * or fatal (every fatal key of the project in one error). The policy is data: lib/bundle/keys.ts.
 */
import type { ServiceConfig } from '../../compose/model';
import { servicePointer as sp } from '../collector';
import { dict, hasOwn, own } from '../dict';
import { ALLOWED_IPC_MODES, ALLOWED_NETWORK_MODES, ALLOWED_RUNTIMES, FATAL_CAPABILITIES, SERVICE_KEY_RULES } from '../keys';
import type { PlanContext } from './context';

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

/** Services left out by `x-beanstack` exclude or inactive profiles (warned), by name. */
export function excludedServices(ctx: PlanContext): Set<string> {
  const { project, top, overrides, c } = ctx;
  const excluded = new Set<string>(top.exclude.filter((s) => hasOwn(project.services, s)));
  for (const s of ctx.serviceNames) if (overrides[s].exclude) excluded.add(s);
  const rawTop = project.extensions['x-beanstack'];
  const rawExclude: unknown[] = typeof rawTop === 'object' && rawTop !== null && Array.isArray((rawTop as { exclude?: unknown }).exclude) ? (rawTop as { exclude: unknown[] }).exclude : [];
  for (const s of [...excluded].sort()) {
    c.warn('bundle/excluded-service', `service "${s}" is left out of the bundle (x-beanstack exclude)`, s, overrides[s].exclude ? sp(s, 'x-beanstack', 'exclude') : `/x-beanstack/exclude/${rawExclude.indexOf(s)}`);
  }
  for (const s of [...project.disabledServices].sort()) {
    c.warn('bundle/disabled-service', `service "${s}" is left out: none of its profiles is active (activate one with --profile)`, s);
  }
  return excluded;
}

/** Settings Dockerrun v1 (the single target) has no field for, with why. */
function singleTargetDrops(svc: ServiceConfig): [boolean, string, string][] {
  const limits = svc.deploy?.resources?.limits;
  const reservations = svc.deploy?.resources?.reservations;
  return [
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
    [svc.privileged === true, 'privileged', 'Dockerrun v1 has no privileged field'],
  ];
}

/** Reports the keys of the kept services that the target leaves out, and throws for the fatal ones. */
export function checkServiceKeys(ctx: PlanContext, kept: readonly string[]): void {
  const { project, target, caps, c } = ctx;
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
    } else if (svc.capAdd.length > 0 && !caps.composeNative) {
      c.warn('bundle/ignored-key', `services.${s}.cap_add is left out: Dockerrun has no documented field for Linux capabilities`, s, sp(s, 'cap_add'));
    }
    if (!caps.containerSettings) {
      for (const [present, key, reason] of singleTargetDrops(svc)) {
        if (present) c.warn('bundle/ignored-key', `services.${s}.${key} is left out: ${reason}`, s, sp(s, ...key.split('.')));
      }
    } else if (svc.privileged) {
      c.warn('bundle/privileged', `services.${s} runs privileged: it has full control of the instance; remove privileged unless the app truly needs it`, s, sp(s, 'privileged'));
    }
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
}
