/**
 * Resources of a container: memory limit and reservation (MiB; a documented default where the format
 * needs one), CPU, replicas (one copy per instance) and ulimits the format knows.
 */
import { servicePointer as sp } from '../collector';
import { DEFAULT_MEMORY_RESERVATION_MIB, MIN_MEMORY_MIB } from '../keys';
import type { PlanContext } from './context';
import { byString } from '../../util/order';

/** MiB (rounded up) from bytes. */
const mib = (bytes: number | undefined) => (bytes === undefined ? undefined : Math.ceil(bytes / (1024 * 1024)));

export interface PlannedResources {
  readonly memoryMiB?: number;
  readonly memoryReservationMiB?: number;
  readonly cpus?: number;
  readonly cpuShares?: number;
}

export function planResources(ctx: PlanContext, s: string): PlannedResources {
  const { project, c, caps } = ctx;
  const svc = project.services[s];
  const x = ctx.overrides[s];
  const memoryMiB = x.memory ?? mib(svc.deploy?.resources?.limits?.memoryBytes) ?? mib(svc.memLimitBytes);
  let memoryReservationMiB = x.memoryReservation ?? mib(svc.deploy?.resources?.reservations?.memoryBytes) ?? mib(svc.memReservationBytes);
  if (caps.memoryRequired && memoryMiB === undefined && memoryReservationMiB === undefined) {
    memoryReservationMiB = DEFAULT_MEMORY_RESERVATION_MIB;
    c.warn('bundle/default-memory', `services.${s} sets no memory; it gets a ${DEFAULT_MEMORY_RESERVATION_MIB} MiB reservation (set deploy.resources, mem_limit/mem_reservation or x-beanstack.memory)`, s, sp(s));
  }
  const limitPointer = x.memory !== undefined ? sp(s, 'x-beanstack', 'memory')
    : svc.deploy?.resources?.limits?.memoryBytes !== undefined ? sp(s, 'deploy', 'resources', 'limits', 'memory') : sp(s, 'mem_limit');
  const reservationPointer = x.memoryReservation !== undefined ? sp(s, 'x-beanstack', 'memory_reservation')
    : svc.deploy?.resources?.reservations?.memoryBytes !== undefined ? sp(s, 'deploy', 'resources', 'reservations', 'memory') : sp(s, 'mem_reservation');
  if (caps.containerSettings) {
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
  if (caps.containerSettings) {
    // ulimits: the names the format knows; soft ≤ hard
    for (const [u, limit] of Object.entries(svc.ulimits).sort(([a], [b]) => byString(a, b))) {
      if (!caps.ulimits.includes(u)) {
        c.fail('bundle/ulimit', `services.${s}.ulimits.${u}: ${caps.composeNative ? 'Docker' : 'ECS'} has no ulimit named "${u}"; the names are ${caps.ulimits.join(', ')}`, sp(s, 'ulimits', u));
      } else if (limit.soft > limit.hard) {
        c.fail('bundle/ulimit', `services.${s}.ulimits.${u}: the soft limit ${limit.soft} is above the hard limit ${limit.hard}, which Docker refuses`, sp(s, 'ulimits', u));
      }
    }
  }
  const cpus = svc.deploy?.resources?.limits?.cpus ?? svc.cpus;
  return {
    ...(memoryMiB !== undefined ? { memoryMiB } : {}),
    ...(memoryReservationMiB !== undefined ? { memoryReservationMiB } : {}),
    ...(cpus !== undefined ? { cpus } : {}),
    ...(svc.cpuShares !== undefined ? { cpuShares: svc.cpuShares } : {}),
  };
}
