import * as fc from 'fast-check';
import { serviceDependencies, startOrder } from '../../../lib/compose';
import type { DependencySource } from '../../../lib/compose';
import { service, normalize } from './helpers';

describe('serviceDependencies (the implicit dependencies of 05-services.md)', () => {
  it('lists depends_on, links, volumes_from, network_mode, ipc and pid with the reason of each edge', () => {
    const s = service({
      depends_on: { db: { condition: 'service_healthy', required: false }, cache: { condition: 'service_started', restart: true } },
      links: ['db:database', 'search'],
      volumes_from: ['files:ro', 'container:outside', 'logs'],
      network_mode: 'service:proxy',
      ipc: 'service:shm',
      pid: 'service:init',
    });
    expect(serviceDependencies(s)).toEqual([
      { service: 'db', reason: 'depends_on', condition: 'service_healthy', required: false, restart: false, pointer: '/services/web/depends_on/db' },
      { service: 'cache', reason: 'depends_on', condition: 'service_started', required: true, restart: true, pointer: '/services/web/depends_on/cache' },
      { service: 'db', reason: 'links', condition: 'service_started', required: true, restart: false, pointer: '/services/web/links/0' },
      { service: 'search', reason: 'links', condition: 'service_started', required: true, restart: false, pointer: '/services/web/links/1' },
      { service: 'files', reason: 'volumes_from', condition: 'service_started', required: true, restart: false, pointer: '/services/web/volumes_from/0' },
      { service: 'logs', reason: 'volumes_from', condition: 'service_started', required: true, restart: false, pointer: '/services/web/volumes_from/2' },
      { service: 'proxy', reason: 'network_mode', condition: 'service_started', required: true, restart: false, pointer: '/services/web/network_mode' },
      { service: 'shm', reason: 'ipc', condition: 'service_started', required: true, restart: false, pointer: '/services/web/ipc' },
      { service: 'init', reason: 'pid', condition: 'service_started', required: true, restart: false, pointer: '/services/web/pid' },
    ]);
  });

  it('ignores the modes that name no service', () => {
    const s = service({ network_mode: 'host', ipc: 'shareable', pid: 'host', volumes_from: ['container:c'] });
    expect(serviceDependencies(s)).toEqual([]);
    expect(serviceDependencies(service({ network_mode: 'container:abc', ipc: 'container:abc', pid: 'container:abc' }))).toEqual([]);
  });
});

describe('startOrder', () => {
  it('starts every service after the ones it depends on, implicitly or not; ties in name order', () => {
    const { services } = normalize({
      services: {
        web: { image: 'w', links: ['api'], depends_on: ['db'] },
        api: { image: 'a', volumes_from: ['files'], network_mode: 'service:proxy' },
        proxy: { image: 'p' },
        files: { image: 'f', ipc: 'service:shm' },
        shm: { image: 's', ipc: 'shareable' },
        db: { image: 'd', pid: 'service:shm' },
        alone: { image: 'x' },
      },
    }).result;
    expect(startOrder(services)).toEqual(['alone', 'proxy', 'shm', 'db', 'files', 'api', 'web']);
  });

  it('ignores references to services that are not in the set (disabled or left out)', () => {
    const { services } = normalize({ services: { web: { image: 'w', depends_on: { gone: { required: false } }, links: ['db'] }, db: { image: 'd' } } }).result;
    const { db: _db, ...withoutDb } = services;
    expect(startOrder(withoutDb)).toEqual(['web']);
    expect(startOrder(services)).toEqual(['db', 'web']);
  });

  it('takes, at each step, the first service in name order whose dependencies have started (checked against that definition)', () => {
    /** The definition, as a quadratic search. */
    const reference = (services: Readonly<Record<string, DependencySource>>): string[] => {
      const names = Object.keys(services).sort();
      const needs = (n: string) => serviceDependencies(services[n]).map((d) => d.service).filter((s) => s !== n && s in services);
      const done = new Set<string>();
      const order: string[] = [];
      for (;;) {
        const next = names.find((n) => !done.has(n) && needs(n).every((d) => done.has(d)));
        if (next === undefined) break;
        order.push(next);
        done.add(next);
      }
      return [...order, ...names.filter((n) => !done.has(n))];
    };
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const graph = fc.dictionary(fc.constantFrom(...names), fc.uniqueArray(fc.constantFrom(...names, 'missing'), { maxLength: 4 }));
    fc.assert(fc.property(graph, (edges) => {
      const services: Record<string, DependencySource> = {};
      for (const [name, deps] of Object.entries(edges)) {
        services[name] = { name, dependsOn: Object.fromEntries(deps.map((d) => [d, { condition: 'service_started', required: true, restart: false }])) };
      }
      expect(startOrder(services)).toEqual(reference(services));
    }));
  });

  it('orders a chain of 20,000 services', () => {
    const services: Record<string, DependencySource> = {};
    const name = (i: number) => `s${String(i).padStart(5, '0')}`;
    for (let i = 0; i < 20000; i++) services[name(i)] = { name: name(i), dependsOn: i === 0 ? {} : { [name(i - 1)]: { condition: 'service_started', required: true, restart: false } } };
    const order = startOrder(services);
    expect(order).toHaveLength(20000);
    expect(order[0]).toBe(name(0));
    expect(order[19999]).toBe(name(19999));
  });
});
