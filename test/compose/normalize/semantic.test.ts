import type { ComposeProject } from '../../../lib/compose/model';
import { checkProject, findCycles } from '../../../lib/compose/semantic';
import { selectProfiles } from '../../../lib/compose/profiles';
import { errorOf, fakeLocations, normalize, PROJECT } from './helpers';

/**
 * Normalizes, applies profiles and runs the semantic checks, like loadProject without the files.
 * Services written without `image` and `build` get `image: test` unless `asWritten` (the tests are
 * about other checks; `compose/missing-image` has its own test).
 */
function check(input: Record<string, unknown>, active: string[] = [], locations = {}, asWritten = false) {
  const data = asWritten ? input : withImages(input);
  const sel = selectProfiles((data.services ?? {}) as Record<string, unknown>, active);
  const n = normalize(data, { enabledServices: sel.enabled, locations }).result;
  const services = Object.fromEntries(Object.entries(n.services).filter(([k]) => sel.enabled.has(k)));
  const project: ComposeProject = {
    name: 'p', projectDirectory: PROJECT, composeFiles: [], services, disabledServices: sel.disabled, networks: n.networks,
    volumes: n.volumes, secrets: n.secrets, configs: n.configs, extensions: n.extensions, activeProfiles: active, locations,
  };
  return checkProject({ project, data });
}

function withImages(data: Record<string, unknown>): Record<string, unknown> {
  const services = (data.services ?? {}) as Record<string, Record<string, unknown>>;
  return {
    ...data,
    services: Object.fromEntries(Object.entries(services).map(([k, s]) => [k, s.image !== undefined || s.build !== undefined ? s : { image: 'test', ...s }])),
  };
}

describe('semantic checks', () => {
  it('rejects a service with neither image nor build, at the service (05-services.md#image)', () => {
    const locations = fakeLocations(['/services/web']);
    const e = errorOf(() => check({ services: { web: { ports: ['80:80'] } } }, [], locations, true));
    expect(e.code).toBe('compose/missing-image');
    expect(e.message).toBe('service "web" has neither an `image` nor a `build` section');
    expect(e.location?.line).toBe(1);
    expect(e.fix).toContain('-f compose.yaml -f <this file>');
    // build alone, image alone, a provider service, and a disabled service are fine
    expect(() => check({ services: { a: { build: '.' }, b: { image: 'b' }, c: { provider: { type: 'model' } }, d: { profiles: ['off'] } } }, [], {}, true)).not.toThrow();
  });


  it('rejects attributes the specification requires to agree (compose-go checkConsistency)', () => {
    const one = (svc: Record<string, unknown>) => errorOf(() => check({ services: { web: { image: 'x', ...svc } } }));
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ cpus: 0.5, deploy: { resources: { limits: { cpus: '1' } } } }, 'compose/inconsistent-values', /`cpus` to 0\.5 but `deploy\.resources\.limits\.cpus` to 1/],
      [{ mem_limit: '512m', deploy: { resources: { limits: { memory: '1g' } } } }, 'compose/inconsistent-values', /`mem_limit` to 536870912 bytes but `deploy\.resources\.limits\.memory` to 1073741824 bytes/],
      [{ mem_reservation: '128m', deploy: { resources: { reservations: { memory: '256m' } } } }, 'compose/inconsistent-values', /`mem_reservation`/],
      [{ pids_limit: 10, deploy: { resources: { limits: { pids: 20 } } } }, 'compose/inconsistent-values', /`pids_limit` to 10/],
      [{ scale: 2, deploy: { replicas: 3 } }, 'compose/inconsistent-values', /`scale` to 2 but `deploy\.replicas` to 3/],
      [{ build: { context: '.', dockerfile: 'Dockerfile', dockerfile_inline: 'FROM scratch' } }, 'compose/dockerfile-and-inline', /both `build\.dockerfile` and `build\.dockerfile_inline`/],
      [{ platform: 'linux/amd64', build: { context: '.', platforms: ['linux/arm64'] } }, 'compose/platform-not-built', /"linux\/amd64", which its `build\.platforms` \(linux\/arm64\)/],
      [{ container_name: 'web', deploy: { replicas: 2 } }, 'compose/container-name-with-replicas', /`container_name` and `deploy\.replicas` 2/],
      [{ develop: { watch: [{ path: './src', action: 'rebuild' }, { path: './src', action: 'sync+restart' }] } }, 'compose/watch-without-target', /`action: sync\+restart` has no `target`/],
    ];
    for (const [svc, code, message] of cases) {
      const e = one(svc);
      expect([e.code, e.message]).toEqual([code, expect.stringMatching(message)]);
    }
    // equal values written differently agree
    expect(() => check({ services: { web: { image: 'x', mem_limit: '512m', cpus: '1.0', scale: 2, deploy: { replicas: 2, resources: { limits: { memory: '512M', cpus: 1 } } } } } })).not.toThrow();
    expect(() => check({ services: { web: { image: 'x', platform: 'linux/amd64', container_name: 'web', build: { context: '.', platforms: ['linux/amd64', 'linux/arm64'] }, develop: { watch: [{ path: './src', action: 'sync', target: '/app' }, { path: './pkg', action: 'restart' }] } } } })).not.toThrow();
  });

  it('accepts a valid project', () => {
    const r = check({
      services: { web: { depends_on: ['db'], links: ['db:database'], volumes: ['data:/d', './x:/x'], networks: ['front'], secrets: ['pw'] }, db: { image: 'db' } },
      volumes: { data: null }, networks: { front: null }, secrets: { pw: { file: './pw.txt' } },
    });
    expect(Object.keys(r.result.services)).toEqual(['web', 'db']);
    expect(r.warnings).toEqual([]);
  });

  it('reports a depends_on cycle with its path and location', () => {
    const locations = fakeLocations(['/services/a/depends_on/0', '/services/b/depends_on/b', '/services/c/depends_on/0']);
    const e = errorOf(() => check({ services: { a: { depends_on: ['b'] }, b: { depends_on: { c: { condition: 'service_started' } } }, c: { depends_on: ['a'] } } }, [], locations));
    expect(e.code).toBe('compose/dependency-cycle');
    expect(e.message).toBe('depends_on cycle: a -> b -> c -> a');
    expect(e.location?.line).toBe(1);
  });

  it('finds self-dependencies and separate cycles once each', () => {
    expect(findCycles({ a: { dependsOn: { a: dep } } })).toEqual([['a', 'a']]);
    expect(findCycles({ a: { dependsOn: { b: dep } }, b: { dependsOn: { a: dep } }, c: { dependsOn: { d: dep } }, d: { dependsOn: { c: dep } } })).toEqual([['a', 'b', 'a'], ['c', 'd', 'c']]);
    expect(findCycles({ a: { dependsOn: { b: dep } }, b: { dependsOn: {} } })).toEqual([]);
  });

  it('walks a dependency chain of 100,000 services without running out of stack', () => {
    const name = (i: number) => `s${i}`;
    const services: Record<string, { dependsOn: Record<string, typeof dep> }> = {};
    for (let i = 0; i < 100000; i++) services[name(i)] = { dependsOn: i + 1 < 100000 ? { [name(i + 1)]: dep } : {} };
    expect(findCycles(services)).toEqual([]);
    services[name(99999)] = { dependsOn: { [name(0)]: dep } };
    const [cycle, ...rest] = findCycles(services);
    expect(rest).toEqual([]);
    expect(cycle).toHaveLength(100001);
    expect([cycle[0], cycle[1], cycle[100000]]).toEqual(['s0', 's1', 's0']);
  });

  it('reports every unknown reference together, sorted by location', () => {
    const locations = fakeLocations([
      '/services/web/depends_on/0', '/services/web/links/0', '/services/web/volumes_from/0', '/services/web/volumes/0',
      '/services/web/networks/0', '/services/web/secrets/0', '/services/web/configs/0', '/services/side/network_mode',
    ]);
    const e = errorOf(() => check({
      services: {
        web: { depends_on: ['ghost'], links: ['phantom:alias'], volumes_from: ['spirit:ro', 'container:raw'], volumes: ['undeclared:/data'], networks: ['nonet'], secrets: ['nosecret'], configs: ['noconfig'] },
        side: { network_mode: 'service:wraith' },
      },
    }, [], locations)) as ReturnType<typeof errorOf> & { details: { message: string; location?: { line: number } }[] };
    expect(e.code).toBe('compose/invalid-model');
    expect(e.message).toBe('the compose model has 8 problems');
    expect(e.details.map((d) => d.location?.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(e.details.map((d) => d.message.split(' (')[0])).toEqual([
      'service "web" depends on "ghost", which is not defined',
      'service "web" links to "phantom", which is not defined',
      'service "web" mounts volumes from "spirit", which is not defined',
      'service "web" uses the named volume "undeclared", which is not declared under the top-level `volumes:`',
      'service "web" joins the network "nonet", which is not declared under the top-level `networks:`',
      'service "web" uses the secret "nosecret", which is not declared under the top-level `secrets:`',
      'service "web" uses the config "noconfig", which is not declared under the top-level `configs:`',
      'service "side" shares the network stack of "wraith", which is not defined',
    ]);
  });

  it('rejects references to services disabled by profiles, naming the profile', () => {
    // 15-profiles.md: with `debug` active, zot depends on bar which is disabled → invalid
    const data = { services: { bar: { profiles: ['test'] }, zot: { depends_on: ['bar'], profiles: ['debug'] } } };
    const e = errorOf(() => check(data, ['debug']));
    expect(e.code).toBe('compose/disabled-service-reference');
    expect(e.message).toBe('service "zot" depends on "bar", which is disabled by profiles');
    expect(e.fix).toContain('--profile test');
    expect(Object.keys(check(data, ['debug', 'test']).result.services).sort()).toEqual(['bar', 'zot']);
  });

  it('drops a non-required dependency on a disabled service with a warning', () => {
    const r = check({ services: { bar: { profiles: ['test'] }, web: { depends_on: { bar: { required: false } } } } });
    expect(r.result.services.web.dependsOn).toEqual({});
    expect(r.warnings.map((w) => w.code)).toEqual(['compose/optional-dependency-disabled']);
  });

  it('rejects `ipc` and `pid` sharing the namespace of an undefined service (1.29.2 and compose-go refuse it)', () => {
    const locations = fakeLocations(['/services/a/ipc', '/services/a/pid']);
    const e = errorOf(() => check({ services: { a: { ipc: 'service:nope', pid: 'service:nope2' }, b: { ipc: 'shareable', pid: 'host' } } }, [], locations)) as ReturnType<typeof errorOf> & { details: { message: string; location?: { line: number } }[] };
    expect(e.code).toBe('compose/invalid-model');
    expect(e.details.map((d) => [d.location?.line, d.message.split(' (')[0]])).toEqual([
      [1, 'service "a" shares the IPC namespace of "nope", which is not defined'],
      [2, 'service "a" shares the PID namespace of "nope2", which is not defined'],
    ]);
    const disabled = errorOf(() => check({ services: { a: { ipc: 'service:b' }, b: { profiles: ['debug'] } } }));
    expect([disabled.code, disabled.message]).toEqual(['compose/disabled-service-reference', 'service "a" shares the IPC namespace of "b", which is disabled by profiles']);
    expect(() => check({ services: { a: { ipc: 'service:b', pid: 'service:b' }, b: { ipc: 'shareable' } } })).not.toThrow();
  });

  it('reports cycles through links, volumes_from, network_mode, ipc and pid like depends_on cycles (05-services.md#links)', () => {
    const one = (services: Record<string, unknown>, locations = {}) => errorOf(() => check({ services }, [], locations));
    const links = one({ a: { links: ['b'] }, b: { links: ['a:alias'] } }, fakeLocations(['/services/a/links/0']));
    expect([links.code, links.message, links.location?.line]).toEqual(['compose/dependency-cycle', 'dependency cycle: a -> b -> a (a links to b, b links to a)', 1]);
    expect(links.fix).toBe('remove one of the entries of the cycle: `depends_on`, `links`, `volumes_from` and `network_mode`, `ipc` or `pid` set to `service:<name>` each make a service start after the one it names');
    expect(one({ a: { volumes_from: ['b:ro'] }, b: { volumes_from: ['a'] } }).message).toBe('dependency cycle: a -> b -> a (a mounts volumes from b, b mounts volumes from a)');
    expect(one({ a: { network_mode: 'service:b' }, b: { network_mode: 'service:a' } }).message).toBe('dependency cycle: a -> b -> a (a shares the network stack of b, b shares the network stack of a)');
    expect(one({ a: { ipc: 'service:b' }, b: { pid: 'service:a' } }).message).toBe('dependency cycle: a -> b -> a (a shares the IPC namespace of b, b shares the PID namespace of a)');
    const mixed = one({ a: { links: ['b'] }, b: { depends_on: ['c'] }, c: { volumes_from: ['a'] } }, fakeLocations(['/services/a/links/0', '/services/b/depends_on/0', '/services/c/volumes_from/0']));
    expect([mixed.message, mixed.location?.line]).toEqual(['dependency cycle: a -> b -> c -> a (a links to b, b depends on c, c mounts volumes from a)', 1]);
    expect(one({ a: { links: ['a'] } }).message).toBe('dependency cycle: a -> a (a links to a)');
    // a pure depends_on cycle keeps its message
    expect(one({ a: { depends_on: ['b'] }, b: { depends_on: ['a'] } }).message).toBe('depends_on cycle: a -> b -> a');
    // no cycle: a chain through every kind of reference
    expect(() => check({ services: { a: { links: ['b'] }, b: { volumes_from: ['c'] }, c: { network_mode: 'service:d' }, d: { ipc: 'service:e' }, e: { pid: 'service:f' }, f: {} } })).not.toThrow();
  });

  it('rejects a tmpfs and a volume on the same container path (compose-go refuses it)', () => {
    const locations = fakeLocations(['/services/web/volumes/1']);
    const e = errorOf(() => check({ services: { web: { tmpfs: ['/tmp', '/run:size=64m'], volumes: ['./src:/src', 'data:/run/'] } }, volumes: { data: null } }, [], locations));
    expect([e.code, e.message, e.location?.line]).toEqual(['compose/duplicate-mount', 'service "web" mounts both `tmpfs` /run and `volumes[1]` at /run', 1]);
    expect(e.fix).toBe('keep one of the two mounts for /run: a `tmpfs` entry and a volume cannot share a container path');
    expect(() => check({ services: { web: { tmpfs: '/tmp', volumes: ['./tmp:/tmp2', { type: 'tmpfs', target: '/cache' }] } } })).not.toThrow();
  });

  it('rejects `build.additional_contexts` naming an unknown service (compose-go refuses it)', () => {
    const locations = fakeLocations(['/services/web/build/additional_contexts/base', '/services/api/build/additional_contexts/0']);
    const e = errorOf(() => check({
      services: {
        web: { build: { context: '.', additional_contexts: { base: 'service:nope', img: 'docker-image://alpine', src: './src' } } },
        api: { build: { context: '.', additional_contexts: ['base=service:ghost'] } },
        ok: { build: { context: '.', additional_contexts: { base: 'service:web' } } },
      },
    }, [], locations)) as ReturnType<typeof errorOf> & { details: { message: string; location?: { line: number } }[] };
    expect(e.details.map((d) => [d.location?.line, d.message.split(' (')[0]])).toEqual([
      [1, 'service "web" builds on the image of "nope", which is not defined'],
      [2, 'service "api" builds on the image of "ghost", which is not defined'],
    ]);
  });

  it('rejects network_mode together with networks', () => {
    expect(errorOf(() => check({ services: { a: { network_mode: 'host', networks: ['n'] } }, networks: { n: null } })).code).toBe('compose/network-mode-and-networks');
  });
});

const dep = { condition: 'service_started' as const, restart: false, required: true };

describe('warnings', () => {
  it('warns about published ports with network_mode: host', () => {
    const r = check({ services: { a: { network_mode: 'host', ports: ['8080:80'] } } });
    expect(r.warnings.map((w) => [w.code, w.service, w.path])).toEqual([['compose/ports-with-host-network', 'a', 'services.a.ports']]);
  });
});
