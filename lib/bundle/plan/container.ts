/**
 * The rest of a container: its command (without development watchers or secret values), whether it
 * runs once or keeps running, what it waits for, the volumes it takes from others, and the settings
 * the format carries as they are (logging, extra hosts, networks, …).
 */
import type { DependsOnCondition, HealthcheckConfig, LoggingConfig } from '../../compose/model';
import { servicePointer as sp } from '../collector';
import { dict, hasOwn, own } from '../dict';
import { ECS_HEALTHCHECK_LIMITS, PASS_THROUGH_KEYS } from '../keys';
import type { PlanContext } from './context';
import { byString } from '../../util/order';
import { devCommandMatch } from './dev-only';
import { refuseSecretsIn, scrubCommand, shellScriptIndex } from './secrets';
import type { PlannedService } from './types';

/**
 * Brings a healthcheck's timings into the ranges ECS accepts (interval 5–300 s, timeout 2–60 s, retries
 * 1–10, start period 0–300 s), with warning `bundle/healthcheck-clamped` per changed field. Durations are
 * whole seconds in Dockerrun, so they are rounded like the renderer does.
 */
function clampHealthcheck(ctx: PlanContext, hc: HealthcheckConfig, service: string): HealthcheckConfig {
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
    ctx.c.warn('bundle/healthcheck-clamped', `services.${service}.healthcheck.${limit.compose} ${shown} is outside the range ECS accepts (${limit.min}${unit}–${limit.max}${unit}); the container health check uses ${clamped}${unit}`, service, sp(service, 'healthcheck', limit.compose));
    out[key] = isCount ? clamped : clamped * 1000;
  }
  return out;
}

/** Command, entrypoint and healthcheck without secret values; development flags and watchers reported. */
export function planCommand(ctx: PlanContext, s: string, ownSecrets: ReadonlyMap<string, string>): { command?: readonly string[]; entrypoint?: readonly string[]; healthcheck?: HealthcheckConfig } {
  const { project, c, caps } = ctx;
  const svc = project.services[s];
  const x = ctx.overrides[s];
  let command: readonly string[] | undefined = svc.command ?? undefined;
  if (x.command !== undefined) command = x.command ?? undefined;
  else if (command) {
    const dev = devCommandMatch(command);
    if (dev) {
      // left out like the debug ports: the image's own command (CMD) runs in production
      c.warn('bundle/dev-command', `services.${s}.command runs "${dev}", a development watcher, server or debugger, and is left out: the image's own command runs; set x-beanstack.command to run another in production`, s, sp(s, 'command'));
      command = undefined;
    }
  }
  const entrypoint = svc.entrypoint ?? undefined;
  if (!caps.entrypointReset && entrypoint && entrypoint.length === 0) {
    c.fail('bundle/entrypoint-reset', `services.${s}.entrypoint "" clears the image's entrypoint, which Dockerrun v1 cannot express (an empty Entrypoint runs the image's own); build the image without an ENTRYPOINT, or use --target ecs or docker`, sp(s, 'entrypoint'));
  }
  if (svc.stdinOpen) c.warn('bundle/dev-setting', `services.${s}.stdin_open is a development setting and is left out`, s, sp(s, 'stdin_open'));
  if (svc.tty) c.warn('bundle/dev-setting', `services.${s}.tty is a development setting and is left out`, s, sp(s, 'tty'));
  if (svc.develop !== undefined) c.warn('bundle/dev-setting', `services.${s}.develop (watch) is a development setting and is left out`, s, sp(s, 'develop'));

  command = scrubCommand(ctx, s, ownSecrets, command, 'command', sp(s, 'command'), shellScriptIndex(command));
  const scrubbedEntrypoint = scrubCommand(ctx, s, ownSecrets, entrypoint, 'entrypoint', sp(s, 'entrypoint'), shellScriptIndex(entrypoint));
  let healthcheck = svc.healthcheck;
  if (healthcheck?.test && ctx.healthchecksWritten) {
    const inner = shellScriptIndex(healthcheck.test.slice(1));
    const test = scrubCommand(ctx, s, ownSecrets, healthcheck.test, 'healthcheck.test', sp(s, 'healthcheck', 'test'), healthcheck.test[0] === 'CMD-SHELL' ? 1 : inner !== undefined ? inner + 1 : undefined);
    healthcheck = { ...healthcheck, test };
  }
  if (healthcheck && caps.healthchecks === 'option' && ctx.options.containerHealthChecks) healthcheck = clampHealthcheck(ctx, healthcheck, s);
  // labels and logging options are plain text in the bundle too
  refuseSecretsIn(ctx, s, svc.labels, 'labels', 'labels', ['labels']);
  if (svc.logging) refuseSecretsIn(ctx, s, svc.logging.options, 'logging.options', 'logging options', ['logging', 'options']);
  return {
    ...(command ? { command } : {}),
    ...(scrubbedEntrypoint ? { entrypoint: scrubbedEntrypoint } : {}),
    ...(healthcheck ? { healthcheck } : {}),
  };
}

/** Whether a service runs once per deployment (a job) and whether the task needs it running. */
export function planLifecycle(ctx: PlanContext, s: string, oneShotTargets: ReadonlySet<string>): { oneShot: boolean; essential: boolean; restart?: string } {
  const svc = ctx.project.services[s];
  const x = ctx.overrides[s];
  const restartNo = svc.restart === 'no' || svc.deploy?.restartPolicy?.condition === 'none';
  // `restart: "no"` marks a job (migrations, seeding), unless the service publishes ports: a server
  const oneShot = x.oneShot ?? ((restartNo && svc.ports.every((p) => p.published === undefined)) || oneShotTargets.has(s));
  const essential = x.essential ?? !oneShot;
  if (oneShot) {
    ctx.c.warn('bundle/one-shot', `services.${s} runs once at each deployment (a non-essential container${ctx.caps.composeNative ? ', restart "no"' : ''})`, s, x.oneShot !== undefined ? sp(s, 'x-beanstack', 'one_shot') : svc.restart === 'no' ? sp(s, 'restart') : restartNo ? sp(s, 'deploy', 'restart_policy') : sp(s));
  }
  // the docker target restarts long-running services like ECS restarts an essential container's task
  const restart = oneShot ? 'no' : svc.restart !== undefined ? svc.restart : ctx.caps.composeNative ? 'unless-stopped' : undefined;
  return { oneShot, essential, ...(restart !== undefined ? { restart } : {}) };
}

/** The containers a service waits for, with the compose condition; conditions the format cannot write are reported. */
export function planDependencies(ctx: PlanContext, s: string, kept: ReadonlySet<string>, excluded: ReadonlySet<string>): Record<string, DependsOnCondition> {
  const { project, c, caps } = ctx;
  const svc = project.services[s];
  const dependsOn: Record<string, DependsOnCondition> = dict();
  ctx.dependsOnOf[s] = dependsOn;
  for (const dep of Object.keys(svc.dependsOn).sort(byString)) {
    if (kept.has(dep)) dependsOn[dep] = svc.dependsOn[dep].condition;
    else if (excluded.has(dep)) c.warn('bundle/dependency-excluded', `services.${s} depends on "${dep}", which is left out of the bundle`, s, sp(s, 'depends_on', dep));
  }
  if (ctx.healthchecksWritten) {
    for (const [dep, cond] of Object.entries(dependsOn)) {
      const hc = project.services[dep].healthcheck;
      if (cond === 'service_healthy' && (!hc || hc.disable || !hc.test || hc.test[0] === 'NONE')) {
        c.fail('bundle/depends-on-healthcheck', `services.${s}.depends_on.${dep} waits for "${dep}" to be healthy, but "${dep}" has no healthcheck, so it never becomes healthy; add a healthcheck to "${dep}" or use condition: service_started`, sp(s, 'depends_on', dep));
      }
    }
  } else if (caps.healthchecks === 'option') {
    if (svc.healthcheck && svc.healthcheck.test?.[0] !== 'NONE' && !svc.healthcheck.disable) {
      c.warn('bundle/healthcheck-not-mapped', `services.${s}.healthcheck is not written into Dockerrun: Elastic Beanstalk's support for container health checks is undocumented (enable it with the containerHealthChecks option)`, s, sp(s, 'healthcheck'));
    }
    for (const [dep, cond] of Object.entries(dependsOn)) {
      if (cond !== 'service_started') {
        c.warn('bundle/depends-on-condition', `services.${s}.depends_on.${dep}.condition ${cond} is not written into Dockerrun (enable it with the containerHealthChecks option); the app must retry until "${dep}" is ready`, s, sp(s, 'depends_on', dep));
      }
    }
  }
  return dependsOn;
}

/** `volumes_from` services of the bundle (a `container:` outside the project is fatal). */
export function planVolumesFrom(ctx: PlanContext, s: string, kept: ReadonlySet<string>): { service: string; readOnly: boolean }[] {
  const volumesFrom: { service: string; readOnly: boolean }[] = [];
  const vf = ctx.project.services[s].other.volumes_from;
  if (!Array.isArray(vf)) return volumesFrom;
  vf.forEach((entry, i) => {
    if (typeof entry !== 'string') return;
    if (entry.startsWith('container:')) {
      ctx.c.fail('bundle/fatal-key', `services.${s}.volumes_from[${i}] "${entry}" names a container outside the project, which does not exist on Elastic Beanstalk; take the volumes from a service of the project, or mount a named volume`, sp(s, 'volumes_from', i));
      return;
    }
    const [ref, mode] = entry.split(':');
    if (!kept.has(ref)) {
      ctx.c.fail('bundle/volumes-from-missing', `services.${s}.volumes_from[${i}]: service "${ref}" is not part of the bundle`, sp(s, 'volumes_from', i));
      return;
    }
    volumesFrom.push({ service: ref, readOnly: mode === 'ro' });
  });
  return volumesFrom;
}

/** Settings the format writes as they are: logging, extra hosts, networks, and the docker target's pass-through keys. */
export function planSettings(ctx: PlanContext, s: string): Pick<PlannedService, 'extraHosts' | 'networks' | 'passThrough'> & { logging?: LoggingConfig } {
  const { project, c, caps } = ctx;
  const svc = project.services[s];
  let logging = svc.logging;
  if (logging?.driver && caps.logDrivers && !caps.logDrivers.includes(logging.driver)) {
    c.warn('bundle/ignored-key', `services.${s}.logging.driver "${logging.driver}" is not an ECS log driver; left out (the default json-file driver is used)`, s, sp(s, 'logging', 'driver'));
    logging = undefined;
  }
  const extraHosts: { hostname: string; ipAddress: string }[] = [];
  for (const host of Object.keys(svc.extraHosts).sort(byString)) {
    for (const ip of svc.extraHosts[host]) {
      if (ip === 'host-gateway' && !caps.composeNative) {
        c.warn('bundle/ignored-key', `services.${s}.extra_hosts ${host}:host-gateway cannot be written into Dockerrun; left out`, s, sp(s, 'extra_hosts'));
        continue;
      }
      extraHosts.push({ hostname: host, ipAddress: ip });
    }
  }
  const networks: Record<string, string[]> = dict();
  for (const n of Object.keys(svc.networks).sort(byString)) {
    const cfg = own(svc.networks, n);
    if (own(project.networks, n)?.external) {
      c.warn('bundle/external-network', `services.${s} joins the external network "${n}", which does not exist on the instance; left out`, s, sp(s, 'networks', n));
      continue;
    }
    if (cfg?.ipv4Address || cfg?.ipv6Address) {
      c.warn('bundle/ignored-key', `services.${s}.networks.${n} fixed IP address is left out; reach the service by name`, s, sp(s, 'networks', n));
    }
    networks[n] = [...(cfg?.aliases ?? [])].sort(byString);
    if (n !== 'default') ctx.networks.add(n);
  }
  const passThrough: Record<string, unknown> = dict();
  for (const k of PASS_THROUGH_KEYS) if (hasOwn(svc.other, k)) passThrough[k] = svc.other[k];
  if (svc.containerName !== undefined) passThrough.container_name = svc.containerName;
  return { ...(logging ? { logging } : {}), extraHosts, networks, passThrough };
}
