import { serviceDependencies, startOrder } from '../../../lib/compose';
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
});
