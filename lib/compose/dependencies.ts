/**
 * The dependencies between services: `depends_on`, and the implicit ones the specification gives
 * the same meaning — `links` (05-services.md#links: "express implicit dependency between services
 * in the same way as depends_on"), `volumes_from`, and `network_mode`, `ipc` or `pid` set to
 * `service:<name>` (the other service's container must exist first). Docker Compose v2 (compose-go)
 * adds the same implicit dependencies.
 *
 * Pure functions of the model, for every stage that orders containers: `semantic.ts` refuses their
 * cycles; the converter and local rehearsal can use `serviceDependencies` / `startOrder`.
 */
import type { DependsOnCondition, ServiceConfig } from './model';
import { toPointer } from './pointer';
import { MinHeap } from '../util/min-heap';

/** The key that makes one service depend on another. */
export type DependencyReason = 'depends_on' | 'links' | 'volumes_from' | 'network_mode' | 'ipc' | 'pid';

/** One edge of the dependency graph: the service it starts from needs `service` first. */
export interface ServiceDependency {
  /** The service needed first. */
  readonly service: string;
  readonly reason: DependencyReason;
  /** What to wait for: the `depends_on` condition; `service_started` for the implicit dependencies. */
  readonly condition: DependsOnCondition;
  /** `depends_on` `required` (an optional dependency may name a missing service); `true` for the implicit ones. */
  readonly required: boolean;
  /** `depends_on` `restart`; `false` for the implicit ones. */
  readonly restart: boolean;
  /**
   * JSON pointer of the entry in the compose document (`/services/web/links/0`), for
   * `locate(project.locations, pointer)`; a `depends_on` entry is pointed at by name
   * (`/services/web/depends_on/db`), which `locate` resolves to the `depends_on` key for the list form.
   */
  readonly pointer: string;
}

/** The parts of a service its dependencies are read from. */
export type DependencySource = Pick<ServiceConfig, 'name' | 'dependsOn'> & Partial<Pick<ServiceConfig, 'links' | 'networkMode' | 'other'>>;

/** Phrases for messages: `a links to b`. */
export const DEPENDENCY_VERBS: Readonly<Record<DependencyReason, string>> = {
  depends_on: 'depends on',
  links: 'links to',
  volumes_from: 'mounts volumes from',
  network_mode: 'shares the network stack of',
  ipc: 'shares the IPC namespace of',
  pid: 'shares the PID namespace of',
};

/** The service a `service:<name>` mode names, or `undefined` (`host`, `container:x`, …). */
export function serviceMode(value: unknown): string | undefined {
  return typeof value === 'string' && value.startsWith('service:') ? value.slice('service:'.length) : undefined;
}

/** The service a `volumes_from` entry names (`db`, `db:ro`), or `undefined` for `container:name`. */
export function volumesFromService(entry: unknown): string | undefined {
  if (typeof entry !== 'string' || entry.startsWith('container:')) return undefined;
  return entry.split(':')[0];
}

/**
 * Every service `service` needs first, in this order: `depends_on` (source order), `links`,
 * `volumes_from`, `network_mode`, `ipc`, `pid`. A service named twice (e.g. in `depends_on` and
 * `links`) appears once per reason. Targets are not checked (see `semantic.ts`).
 */
export function serviceDependencies(service: DependencySource): ServiceDependency[] {
  const at = (...segments: (string | number)[]) => toPointer(['services', service.name, ...segments]);
  const implicit = (target: string, reason: DependencyReason, ptr: string): ServiceDependency => ({
    service: target,
    reason,
    condition: 'service_started',
    required: true,
    restart: false,
    pointer: ptr,
  });
  const out: ServiceDependency[] = [];
  for (const [target, dep] of Object.entries(service.dependsOn)) {
    out.push({ service: target, reason: 'depends_on', condition: dep.condition, required: dep.required, restart: dep.restart, pointer: at('depends_on', target) });
  }
  (service.links ?? []).forEach((link, i) => out.push(implicit(link.split(':')[0], 'links', at('links', i))));
  const volumesFrom = service.other?.volumes_from;
  if (Array.isArray(volumesFrom)) {
    volumesFrom.forEach((entry, i) => {
      const target = volumesFromService(entry);
      if (target !== undefined) out.push(implicit(target, 'volumes_from', at('volumes_from', i)));
    });
  }
  const network = serviceMode(service.networkMode);
  if (network !== undefined) out.push(implicit(network, 'network_mode', at('network_mode')));
  for (const key of ['ipc', 'pid'] as const) {
    const target = serviceMode(service.other?.[key]);
    if (target !== undefined) out.push(implicit(target, key, at(key)));
  }
  return out;
}

/**
 * The services in an order where each comes after every service of the set it depends on
 * (`serviceDependencies`); services free to start at the same time come in name order. References
 * to services outside the set (disabled, left out) are ignored. A project from `loadProject` has no
 * cycle; should a hand-built one have one, the services of the cycle follow the others in name order.
 */
export function startOrder(services: Readonly<Record<string, DependencySource>>): string[] {
  const names = Object.keys(services).sort();
  const index = new Map(names.map((n, i) => [n, i]));
  // Kahn's algorithm, the ready services taken in name order (a heap of their indexes in `names`)
  const waiting: number[] = [];
  const dependents: number[][] = names.map(() => []);
  names.forEach((name, i) => {
    const needs = new Set(serviceDependencies(services[name]).map((d) => d.service).filter((s) => s !== name && Object.prototype.hasOwnProperty.call(services, s)));
    waiting.push(needs.size);
    for (const d of needs) dependents[index.get(d)!].push(i);
  });
  const ready = new MinHeap<number>((a, b) => a - b);
  waiting.forEach((n, i) => {
    if (n === 0) ready.push(i);
  });
  const order: string[] = [];
  const done = new Set<string>();
  while (ready.size > 0) {
    const i = ready.pop()!;
    order.push(names[i]);
    done.add(names[i]);
    for (const j of dependents[i]) if (--waiting[j] === 0) ready.push(j);
  }
  for (const n of names) if (!done.has(n)) order.push(n);
  return order;
}
