import { loadProject } from '../../../lib/compose';
import { memoryReader as memoryReaderFull } from '../core/helpers';
import { errorOf, fakeLocations, memoryReader, normalize, PROJECT, service } from './helpers';

describe('ports', () => {
  it('expands every short syntax of 05-services.md#ports', () => {
    const s = service({
      ports: ['3000', '3000-3002', '8000:8000', '9090-9091:8080-8081', '8000-9000:80', '127.0.0.1:8001:8001', '::1:6000:6000', '[::1]:6001:6001', '6060:6060/udp', 3001, '127.0.0.1::5000'],
    });
    // "3000" and the first port of "3000-3002" are the same entry: kept once
    expect(s.ports).toEqual([
      { target: 3000, protocol: 'tcp' },
      { target: 3001, protocol: 'tcp' },
      { target: 3002, protocol: 'tcp' },
      { target: 8000, published: '8000', protocol: 'tcp' },
      { target: 8080, published: '9090', protocol: 'tcp' },
      { target: 8081, published: '9091', protocol: 'tcp' },
      { target: 80, published: '8000-9000', protocol: 'tcp' },
      { target: 8001, published: '8001', hostIp: '127.0.0.1', protocol: 'tcp' },
      { target: 6000, published: '6000', hostIp: '::1', protocol: 'tcp' },
      { target: 6001, published: '6001', hostIp: '::1', protocol: 'tcp' },
      { target: 6060, published: '6060', protocol: 'udp' },
      { target: 5000, hostIp: '127.0.0.1', protocol: 'tcp' },
    ]);
  });

  it('expands a published range one entry per port', () => {
    const s = service({ ports: ['127.0.0.1:5000-5002:6000-6002'] });
    expect(s.ports.map((p) => [p.published, p.target])).toEqual([['5000', 6000], ['5001', 6001], ['5002', 6002]]);
  });

  it('reads the long syntax, with published as string', () => {
    const s = service({ ports: [{ name: 'web', target: 80, host_ip: '127.0.0.1', published: 8080, protocol: 'tcp', app_protocol: 'http', mode: 'host' }, { target: '443', published: '8083-9000' }] });
    expect(s.ports).toEqual([
      { name: 'web', target: 80, hostIp: '127.0.0.1', published: '8080', protocol: 'tcp', appProtocol: 'http', mode: 'host' },
      { target: 443, published: '8083-9000', protocol: 'tcp' },
    ]);
  });

  it('rejects unequal ranges and garbage with the location', () => {
    const locations = fakeLocations(['/services/web/ports/0', '/services/web/ports/1']);
    const e = errorOf(() => service({ ports: ['8000-8001:80-82'] }, { locations }));
    expect(e.message).toMatch(/maps 3 container ports to 2 host ports/);
    expect(e.location).toEqual({ file: `${PROJECT}/compose.yaml`, line: 1, column: 3 });
    const g = errorOf(() => service({ ports: ['80', 'eighty:80'] }, { locations }));
    expect(g.message).toMatch(/host port "eighty"/);
    expect(g.location?.line).toBe(2);
    expect(g.fix).toMatch(/HOST:CONTAINER/);
    expect(errorOf(() => service({ ports: ['80/xtp'] })).message).toMatch(/unknown protocol "xtp"/);
    expect(errorOf(() => service({ ports: ['70000'] })).message).toMatch(/container port "70000"/);
  });
});

describe('ports as written', () => {
  const files = (compose: string) => memoryReaderFull({ '/app/compose.yaml': compose });
  const load = (compose: string, environment: Record<string, string> = {}) =>
    loadProject({ files: [], workingDirectory: '/app', environment, reader: files(compose) });

  it('quotes the port as written, with its interpolated value', () => {
    const e = errorOf(() => load('services:\n  web:\n    image: x\n    ports:\n      - "${APP_PORT}:${APP_PORT}"\n', { APP_PORT: 'http' }));
    expect(e.message).toBe('services.web.ports[0]: cannot read "${APP_PORT}:${APP_PORT}" (= "http:http" after interpolation) as a port mapping (container port "http")');
    expect(e.location).toEqual({ file: '/app/compose.yaml', line: 5, column: 9 });
    // written without variables: quoted once
    expect(errorOf(() => load('services:\n  web:\n    image: x\n    ports: ["x:80"]\n')).message).toBe('services.web.ports[0]: cannot read "x:80" as a port mapping (host port "x")');
  });

  it('reports every bad port of a file at once', () => {
    const e = errorOf(() => load('services:\n  web:\n    image: x\n    ports:\n      - "80"\n      - "x:80"\n      - "90000"\n    mem_limit: lots\n')) as ReturnType<typeof errorOf> & { details: { message: string; location?: { line: number } }[] };
    expect(e.code).toBe('compose/invalid-values');
    expect(e.details.map((d) => [d.location?.line, d.message.split(' (')[0]])).toEqual([
      [6, 'services.web.ports[1]: cannot read "x:80" as a port mapping'],
      [7, 'services.web.ports[2]: cannot read "90000" as a port mapping'],
      [8, 'services.web.mem_limit: cannot read "lots" as a byte size'],
    ]);
  });
});

describe('volumes', () => {
  it('reads short syntax: bind, named, anonymous, options', () => {
    const s = service({
      volumes: ['/srv/data:/data', './src:/code/src:ro', 'db-data:/var/lib/mysql', '/code/node_modules', '/a:/b:ro,z', 'cache:/cache:nocopy', '~/x:/x:rw,rshared', 'C:\\data:/data'],
    }, { homeDirectory: '/home/u' });
    expect(s.volumes).toEqual([
      { type: 'bind', source: '/srv/data', target: '/data', readOnly: false, bind: { createHostPath: true } },
      { type: 'bind', source: `${PROJECT}/src`, target: '/code/src', readOnly: true, bind: { createHostPath: true } },
      { type: 'volume', source: 'db-data', target: '/var/lib/mysql', readOnly: false },
      { type: 'volume', target: '/code/node_modules', readOnly: false },
      { type: 'bind', source: '/a', target: '/b', readOnly: true, bind: { createHostPath: true, selinux: 'z' } },
      { type: 'volume', source: 'cache', target: '/cache', readOnly: false, volume: { nocopy: true } },
      { type: 'bind', source: '/home/u/x', target: '/x', readOnly: false, bind: { createHostPath: true, propagation: 'rshared' } },
      { type: 'bind', source: 'C:\\data', target: '/data', readOnly: false, bind: { createHostPath: true } },
    ]);
  });

  it('reads long syntax for every type', () => {
    const s = service({
      volumes: [
        { type: 'volume', source: 'db-data', target: '/data', volume: { nocopy: true, subpath: 'sub' } },
        { type: 'bind', source: '/var/run/postgres.sock', target: '/var/run/postgres.sock', read_only: true, bind: { create_host_path: false, propagation: 'rprivate' } },
        { type: 'tmpfs', target: '/tmp', tmpfs: { size: '64m', mode: '1777' } },
        { type: 'npipe', source: '\\\\.\\pipe\\docker_engine', target: '\\\\.\\pipe\\docker_engine' },
      ],
    });
    expect(s.volumes).toEqual([
      { type: 'volume', source: 'db-data', target: '/data', readOnly: false, volume: { nocopy: true, subpath: 'sub' } },
      { type: 'bind', source: '/var/run/postgres.sock', target: '/var/run/postgres.sock', readOnly: true, bind: { createHostPath: false, propagation: 'rprivate' } },
      { type: 'tmpfs', target: '/tmp', readOnly: false, tmpfs: { sizeBytes: 64 * 1024 * 1024, mode: 0o1777 } },
      { type: 'npipe', source: '\\\\.\\pipe\\docker_engine', target: '\\\\.\\pipe\\docker_engine', readOnly: false },
    ]);
  });

  it('rejects bad specs', () => {
    expect(errorOf(() => service({ volumes: ['a:b:c:d'] })).message).toMatch(/cannot read "a:b:c:d" as a volume/);
    expect(errorOf(() => service({ volumes: ['./x:relative'] })).message).toMatch(/not absolute/);
    expect(errorOf(() => service({ volumes: ['./x:/y:rw,fast'] })).message).toMatch(/unknown volume option "fast"/);
    expect(errorOf(() => service({ volumes: [{ type: 'bind', target: '/x' }] })).message).toMatch(/needs a `source`/);
    expect(errorOf(() => service({ volumes: [{ type: 'floppy', target: '/x' }] })).message).toMatch(/unknown volume type/);
  });
});

describe('build', () => {
  it('reads a string as the context', () => {
    expect(service({ build: './backend' }).build).toEqual({
      context: `${PROJECT}/backend`, args: {}, platforms: [], labels: {}, cacheFrom: [], cacheTo: [], tags: [],
      additionalContexts: {}, secrets: [], ssh: [], extraHosts: {}, other: {},
    });
  });

  it('reads the mapping with args as list and mapping', () => {
    const b = service({
      build: {
        context: '/abs/ctx', dockerfile: 'Dockerfile.dev', target: 'development', args: ['NODE_ENV=development', 'FROM_HOST'],
        platforms: ['linux/amd64'], labels: { a: 'b' }, cache_from: ['x'], shm_size: '2g', ssh: ['default'], isolation: 'default',
        additional_contexts: ['base=../base'], secrets: ['npmrc'], extra_hosts: ['h=1.2.3.4'], no_cache: true,
      },
    }).build!;
    expect(b.context).toBe('/abs/ctx');
    expect(b.args).toEqual({ NODE_ENV: 'development', FROM_HOST: null });
    expect(service({ build: { args: ['FROM_HOST', 'UNSET'] } }, { environment: { FROM_HOST: 'h' } }).build!.args).toEqual({ FROM_HOST: 'h', UNSET: null });
    expect(b.shmSizeBytes).toBe(2 * 1024 ** 3);
    expect(b.additionalContexts).toEqual({ base: '../base' });
    expect(b.secrets).toEqual([{ source: 'npmrc', target: '/run/secrets/npmrc' }]);
    expect(b.extraHosts).toEqual({ h: ['1.2.3.4'] });
    expect(b.other).toEqual({ isolation: 'default' });
    expect(b.noCache).toBe(true);
    expect(service({ build: { args: { A: 1, B: null, C: true } } }).build!.args).toEqual({ A: '1', B: null, C: 'true' });
  });

  it('keeps remote contexts as written', () => {
    expect(service({ build: 'https://github.com/docker/rootfs.git#main' }).build!.context).toBe('https://github.com/docker/rootfs.git#main');
  });
});

describe('command and entrypoint', () => {
  it('splits strings like a POSIX shell, keeps lists, keeps null', () => {
    expect(service({ command: 'npm run start-watch' }).command).toEqual(['npm', 'run', 'start-watch']);
    expect(service({ command: `sh -c 'echo "hi there"' "a b"` }).command).toEqual(['sh', '-c', 'echo "hi there"', 'a b']);
    expect(service({ entrypoint: ['/bin/sh', '-c', 80] }).entrypoint).toEqual(['/bin/sh', '-c', '80']);
    expect(service({ command: null }).command).toBeNull();
    expect(service({}).command).toBeUndefined();
  });

  it('reports an unterminated quote at the location', () => {
    const e = errorOf(() => service({ command: 'echo "oops' }, { locations: fakeLocations(['/services/web/command']) }));
    expect(e.message).toMatch(/unterminated double quote/);
    expect(e.location?.line).toBe(1);
  });
});

describe('environment and env_file', () => {
  it('reads list and mapping forms, resolving bare names from the loader environment', () => {
    const env = { FROM_HOST: 'h' };
    expect(service({ environment: ['A=1', 'B=', 'C=x=y', 'FROM_HOST', 'MISSING'] }, { environment: env }).environment).toEqual({
      A: '1', B: '', C: 'x=y', FROM_HOST: 'h', MISSING: null,
    });
    expect(service({ environment: { N: 5, T: true, F: false, E: null, FROM_HOST: null, S: 'x' } }, { environment: env }).environment).toEqual({
      N: '5', T: 'true', F: 'false', E: null, FROM_HOST: 'h', S: 'x',
    });
  });

  it('reads env files into envFileValues (last file wins), never into environment', () => {
    const reader = memoryReader({ [`${PROJECT}/a.env`]: 'A=1\nB=2\n', [`${PROJECT}/b.env`]: 'B=3\nC=${HOSTVAR}\n' });
    const s = service({ env_file: ['./a.env', { path: './b.env' }, { path: './none.env', required: false }], environment: { A: 'override' } }, { reader, environment: { HOSTVAR: 'hv' } });
    expect(s.envFiles).toEqual([
      { path: `${PROJECT}/a.env`, required: true },
      { path: `${PROJECT}/b.env`, required: true },
      { path: `${PROJECT}/none.env`, required: false },
    ]);
    expect(s.envFileValues).toEqual({
      A: { value: '1', file: `${PROJECT}/a.env`, line: 1 },
      B: { value: '3', file: `${PROJECT}/b.env`, line: 1 },
      C: { value: 'hv', file: `${PROJECT}/b.env`, line: 2 },
    });
    expect(s.environment).toEqual({ A: 'override' });
  });

  it('reads format: raw without interpolation', () => {
    const reader = memoryReader({ [`${PROJECT}/r.env`]: 'P=${NOT}\n' });
    const s = service({ env_file: [{ path: 'r.env', format: 'raw' }] }, { reader });
    expect(s.envFiles[0].format).toBe('raw');
    expect(s.envFileValues.P.value).toBe('${NOT}');
  });

  it('reports a missing required env file at the env_file entry', () => {
    const locations = fakeLocations(['/services/web/env_file', '/services/web/env_file/0', '/services/web/env_file/1']);
    const e = errorOf(() => service({ env_file: [{ path: './x.env', required: false }, './missing.env'] }, { locations }));
    expect(e.code).toBe('compose/env-file-missing');
    expect(e.message).toContain(`${PROJECT}/missing.env`);
    expect(e.location?.line).toBe(3);
    const single = errorOf(() => service({ env_file: './missing.env' }, { locations }));
    expect(single.location?.line).toBe(1);
  });

  it('suggests the env_file path as the user wrote it', () => {
    const reader = memoryReaderFull({ '/app/compose.yaml': 'services:\n  web:\n    image: x\n    env_file: ./config/missing.env\n' });
    const e = errorOf(() => loadProject({ files: [], workingDirectory: '/app', environment: {}, reader }));
    expect(e.code).toBe('compose/env-file-missing');
    expect(e.message).toBe('env_file "./config/missing.env" does not exist (/app/config/missing.env)');
    expect(e.fix).toBe('create the file, fix the path, or mark it optional with `- path: ./config/missing.env` and `required: false`');
  });

  it('does not read env files of disabled services', () => {
    const r = normalize({ services: { off: { env_file: './missing.env' } } }, { enabledServices: new Set() });
    expect(r.result.services.off.envFileValues).toEqual({});
  });
});

describe('depends_on, healthcheck, units', () => {
  it('reads depends_on lists and mappings', () => {
    expect(service({ depends_on: ['db'] }).dependsOn).toEqual({ db: { condition: 'service_started', restart: false, required: true } });
    expect(service({ depends_on: { db: { condition: 'service_healthy', restart: true }, cache: { required: false } } }).dependsOn).toEqual({
      db: { condition: 'service_healthy', restart: true, required: true },
      cache: { condition: 'service_started', restart: false, required: false },
    });
    expect(errorOf(() => service({ depends_on: { db: { condition: 'service_ready' } } })).fix).toMatch(/service_healthy/);
  });

  it('reads healthchecks', () => {
    expect(service({ healthcheck: { test: 'curl -f http://localhost || exit 1', interval: '1m30s', timeout: '10s', start_period: '500ms', start_interval: '1h', retries: 3 } }).healthcheck).toEqual({
      test: ['CMD-SHELL', 'curl -f http://localhost || exit 1'], intervalMs: 90_000, timeoutMs: 10_000, startPeriodMs: 500, startIntervalMs: 3_600_000, retries: 3,
    });
    expect(service({ healthcheck: { disable: true } }).healthcheck).toEqual({ disable: true });
    expect(service({ healthcheck: { test: ['NONE'] } }).healthcheck).toEqual({ test: ['NONE'] });
    expect(errorOf(() => service({ healthcheck: { test: ['curl'] } })).message).toMatch(/must start with "CMD"/);
  });

  it('reads memory and cpu values with units', () => {
    const s = service({ mem_limit: '512m', mem_reservation: '1g', memswap_limit: -1, shm_size: '1.5GB', cpus: '0.5', cpu_shares: 512 });
    expect([s.memLimitBytes, s.memReservationBytes, s.memswapLimitBytes, s.shmSizeBytes, s.cpus, s.cpuShares]).toEqual([
      512 * 1024 ** 2, 1024 ** 3, -1, Math.floor(1.5 * 1024 ** 3), 0.5, 512,
    ]);
    const d = service({ deploy: { resources: { limits: { memory: '50M', cpus: '0.25', pids: 100 }, reservations: { memory: 20971520 } }, replicas: 2, restart_policy: { condition: 'on-failure', delay: '5s', max_attempts: 3 }, placement: { constraints: ['x'] } } }).deploy!;
    expect(d.resources).toEqual({ limits: { memoryBytes: 50 * 1024 ** 2, cpus: 0.25, pids: 100 }, reservations: { memoryBytes: 20971520 } });
    expect(d.restartPolicy).toEqual({ condition: 'on-failure', delayMs: 5000, maxAttempts: 3 });
    expect(d.other).toEqual({ placement: { constraints: ['x'] } });
  });

  it('reports an unparsable size at its location with the accepted syntax', () => {
    const locations = fakeLocations(['/services/web', '/services/web/deploy/resources/limits/memory']);
    const e = errorOf(() => service({ deploy: { resources: { limits: { memory: 'lots' } } } }, { locations }));
    expect(e.message).toBe('services.web.deploy.resources.limits.memory: cannot read "lots" as a byte size');
    expect(e.location).toEqual({ file: `${PROJECT}/compose.yaml`, line: 2, column: 3 });
    expect(e.fix).toMatch(/512m/);
    expect(e.isUserError).toBe(true);
    expect(errorOf(() => service({ mem_limit: 'lots' })).fix).toMatch(/1g/);
    expect(errorOf(() => service({ cpus: 'two' })).fix).toMatch(/0\.5/);
    expect(errorOf(() => service({ stop_grace_period: '10 sec' })).fix).toMatch(/1m30s/);
  });
});

describe('the other keys', () => {
  it('reads labels, extra_hosts, ulimits, networks, secrets, configs, logging, restart, extensions, other', () => {
    const s = service({
      labels: ['a=b', 'flag'],
      extra_hosts: ['somehost:162.242.195.82', 'v6host=[::1]', 'myhostv6:::1'],
      ulimits: { nproc: 65535, nofile: { soft: 20000, hard: 40000 } },
      networks: { front: null, back: { aliases: ['db'], ipv4_address: '172.16.238.10', priority: 5 } },
      secrets: ['db-password', { source: 'tls', target: 'cert.pem', mode: '0440', uid: 103 }],
      configs: ['cfg', { source: 'other', target: '/etc/other', mode: 292 }],
      logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': 3 } },
      restart: 'on-failure:3',
      sysctls: { 'net.core.somaxconn': 1024 },
      dns: '8.8.8.8',
      tmpfs: '/run',
      'x-beanstack': { public: true },
      cgroup: 'host',
      volumes_from: ['other:ro'],
      stop_grace_period: '1m',
      privileged: true,
    });
    expect(s.labels).toEqual({ a: 'b', flag: '' });
    expect(s.extraHosts).toEqual({ somehost: ['162.242.195.82'], v6host: ['::1'], myhostv6: ['::1'] });
    expect(s.ulimits).toEqual({ nproc: { soft: 65535, hard: 65535 }, nofile: { soft: 20000, hard: 40000 } });
    expect(s.networks).toEqual({ front: null, back: { aliases: ['db'], ipv4Address: '172.16.238.10', priority: 5, other: {} } });
    expect(s.secrets).toEqual([{ source: 'db-password', target: '/run/secrets/db-password' }, { source: 'tls', target: '/run/secrets/cert.pem', mode: 0o440, uid: '103' }]);
    expect(s.configs).toEqual([{ source: 'cfg' }, { source: 'other', target: '/etc/other', mode: 292 }]);
    expect(s.logging).toEqual({ driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } });
    expect(s.restart).toBe('on-failure:3');
    expect(s.sysctls).toEqual({ 'net.core.somaxconn': '1024' });
    expect(s.dns).toEqual(['8.8.8.8']);
    expect(s.tmpfs).toEqual(['/run']);
    expect(s.extensions).toEqual({ 'x-beanstack': { public: true } });
    expect(s.other).toEqual({ cgroup: 'host', volumes_from: ['other:ro'] });
    expect(s.stopGracePeriodMs).toBe(60_000);
    expect(s.privileged).toBe(true);
    expect(service({ extra_hosts: { a: '1.1.1.1', b: ['2.2.2.2', '3.3.3.3'] } }).extraHosts).toEqual({ a: ['1.1.1.1'], b: ['2.2.2.2', '3.3.3.3'] });
    expect(errorOf(() => service({ restart: 'sometimes' })).fix).toMatch(/unless-stopped/);
  });

  it('joins the implicit default network unless networks or network_mode are set', () => {
    const r = normalize({ services: { a: {}, b: { network_mode: 'host' }, c: { networks: ['x'] } }, networks: { x: null } });
    expect(r.result.services.a.networks).toEqual({ default: null });
    expect(r.result.services.b.networks).toEqual({});
    expect(r.result.services.c.networks).toEqual({ x: null });
    expect(Object.keys(r.result.networks).sort()).toEqual(['default', 'x']);
    expect(normalize({ services: { b: { network_mode: 'host' } } }).result.networks).toEqual({});
  });

  it('keeps keys like __proto__ as ordinary keys', () => {
    const env = JSON.parse('{"__proto__": "x", "A": "1"}');
    const s = service({ environment: env });
    expect(Object.keys(s.environment)).toEqual(['__proto__', 'A']);
    expect(Object.getPrototypeOf(s.environment)).toBe(Object.prototype);
  });
});

describe('top-level elements', () => {
  it('reads networks, volumes, secrets, configs and extensions', () => {
    const r = normalize({
      services: {},
      networks: { front: { driver: 'bridge', driver_opts: { mtu: 1500 }, ipam: { config: [] } }, ext: { external: true, name: 'shared' }, legacy: { external: { name: 'old' } } },
      volumes: { data: null, ext: { external: true } },
      secrets: { pw: { file: './db/password.txt' }, env: { environment: 'TOKEN' } },
      configs: { inline: { content: 'hello' } },
      'x-common': { a: 1 },
    }, { environment: { TOKEN: 't' } });
    expect(r.result.networks.front).toEqual({ driver: 'bridge', driverOpts: { mtu: '1500' }, external: false, labels: {}, other: { ipam: { config: [] } } });
    expect(r.result.networks.ext).toEqual({ name: 'shared', driverOpts: {}, external: true, labels: {}, other: {} });
    expect(r.result.networks.legacy.name).toBe('old');
    expect(r.result.volumes).toEqual({ data: { driverOpts: {}, external: false, labels: {}, other: {} }, ext: { driverOpts: {}, external: true, labels: {}, other: {} } });
    expect(r.result.secrets.pw.file).toBe(`${PROJECT}/db/password.txt`);
    expect(r.result.secrets.env.environment).toBe('TOKEN');
    expect(r.result.configs.inline.content).toBe('hello');
    expect(r.result.extensions).toEqual({ 'x-common': { a: 1 } });
    expect(r.warnings).toEqual([]);
  });

  it('rejects a secret without a source or with two', () => {
    expect(errorOf(() => normalize({ secrets: { s: {} } })).message).toMatch(/has no source/);
    expect(errorOf(() => normalize({ secrets: { s: { file: 'a', environment: 'B' } } })).message).toMatch(/more than one source/);
  });

  it('warns about a secret from an unset variable', () => {
    const r = normalize({ secrets: { s: { environment: 'UNSET_VAR' } } });
    expect(r.warnings.map((w) => w.code)).toEqual(['compose/secret-variable-unset']);
  });
});

describe('typed values kept under other', () => {
  it('reads blkio rates as byte values and iops as integers (05-services.md#blkio_config)', () => {
    const s = service({
      blkio_config: {
        weight: '300',
        weight_device: [{ path: '/dev/sda', weight: 400 }],
        device_read_bps: [{ path: '/dev/sdb', rate: '12mb' }],
        device_write_bps: [{ path: '/dev/sdb', rate: 1024 }],
        device_read_iops: [{ path: '/dev/sdb', rate: '120' }],
        device_write_iops: [{ path: '/dev/sdb', rate: 30 }],
      },
    });
    expect(s.other.blkio_config).toEqual({
      weight: 300,
      weight_device: [{ path: '/dev/sda', weight: 400 }],
      device_read_bps: [{ path: '/dev/sdb', rate: 12582912 }],
      device_write_bps: [{ path: '/dev/sdb', rate: 1024 }],
      device_read_iops: [{ path: '/dev/sdb', rate: 120 }],
      device_write_iops: [{ path: '/dev/sdb', rate: 30 }],
    });
  });

  it('rejects a blkio rate, an update delay and a swappiness that are not what they must be', () => {
    const locations = fakeLocations(['/services/web/blkio_config/device_read_bps/0/rate']);
    const rate = errorOf(() => service({ blkio_config: { device_read_bps: [{ path: '/dev/sda', rate: 'lots' }] } }, { locations }));
    expect([rate.code, rate.message, rate.location?.line]).toEqual(['compose/invalid-value', 'services.web.blkio_config.device_read_bps[0].rate: cannot read "lots" as a byte size', 1]);
    expect(errorOf(() => service({ blkio_config: { device_write_iops: [{ path: '/dev/sda', rate: '1k' }] } })).message).toBe('services.web.blkio_config.device_write_iops[0].rate must be a whole number of at least 0, not "1k"');
    expect(errorOf(() => service({ blkio_config: { weight: 5 } })).message).toBe('services.web.blkio_config.weight must be a whole number between 10 and 1000, not 5');
    expect(errorOf(() => service({ deploy: { update_config: { delay: 'lots' } } })).message).toBe('services.web.deploy.update_config.delay: cannot read "lots" as a duration');
    expect(errorOf(() => service({ deploy: { rollback_config: { monitor: '5 minutes' } } })).message).toBe('services.web.deploy.rollback_config.monitor: cannot read "5 minutes" as a duration');
    expect(errorOf(() => service({ mem_swappiness: 'lots' })).message).toBe('services.web.mem_swappiness must be a whole number between 0 and 100, not "lots"');
    expect(errorOf(() => service({ mem_swappiness: 150 })).message).toBe('services.web.mem_swappiness must be a whole number between 0 and 100, not 150');
    // valid values: durations kept as written, swappiness as a number
    const s = service({ mem_swappiness: '60', deploy: { update_config: { delay: '10s', monitor: '1m30s', parallelism: 2 } } });
    expect(s.other.mem_swappiness).toBe(60);
    expect(s.deploy?.other.update_config).toEqual({ delay: '10s', monitor: '1m30s', parallelism: 2 });
  });
});

describe('profiles', () => {
  it('rejects a profile name outside [a-zA-Z0-9][a-zA-Z0-9_.-]+ (05-services.md#profiles)', () => {
    const locations = fakeLocations(['/services/web/profiles/1']);
    const e = errorOf(() => service({ profiles: ['debug', 'invalid profile!'] }, { locations }));
    expect([e.code, e.message, e.location?.line]).toEqual(['compose/invalid-profile', 'services.web.profiles[1]: "invalid profile!" is not a valid profile name', 1]);
    expect(e.fix).toBe('use letters, digits, `_`, `.` and `-`, starting with a letter or digit, at least two characters (e.g. `debug`)');
    expect(errorOf(() => service({ profiles: ['-x'] })).code).toBe('compose/invalid-profile');
    expect(service({ profiles: ['debug', 'dev.local', 'a_b-c', '9x'] }).profiles).toEqual(['debug', 'dev.local', 'a_b-c', '9x']);
  });
});

describe('several invalid values', () => {
  it('reports one problem per service and top-level entry together, sorted by position', () => {
    const locations = fakeLocations(['/services/a/mem_limit', '/services/b/ports/0', '/secrets/s', '/services/c/restart']);
    const e = errorOf(() => normalize({ services: { c: { restart: 'sometimes' }, a: { mem_limit: 'lots' }, b: { ports: ['x:80'] } }, secrets: { s: {} } }, { locations })) as ReturnType<typeof errorOf> & {
      details: { message: string; location?: { line: number } }[];
    };
    expect(e.code).toBe('compose/invalid-values');
    expect(e.message).toBe('the compose file has 4 invalid values');
    expect(e.details.map((d) => d.location?.line)).toEqual([1, 2, 3, 4]);
    expect(e.details[0].message).toMatch(/^services\.a\.mem_limit: cannot read "lots" as a byte size \(write a byte size/);
  });

  it('throws a single problem as it is', () => {
    expect(errorOf(() => normalize({ services: { a: { mem_limit: 'lots' } } })).code).toBe('compose/invalid-value');
  });
});

describe('label_file', () => {
  it('reads label files in order, labels: winning, and drops label_file from other', () => {
    const reader = memoryReader({ [`${PROJECT}/a.labels`]: 'tier=web\nteam=a\n', [`${PROJECT}/b.labels`]: 'team=b\nowner=${OWNER}\n' });
    const s = service({ label_file: ['./a.labels', './b.labels'], labels: { tier: 'frontend' } }, { reader, environment: { OWNER: 'ops' } });
    expect(s.labels).toEqual({ tier: 'frontend', team: 'b', owner: 'ops' });
    expect(s.other).toEqual({});
  });

  it('reports a missing label file at its entry', () => {
    const locations = fakeLocations(['/services/web/label_file']);
    const e = errorOf(() => service({ label_file: './none.labels' }, { locations }));
    expect(e.code).toBe('compose/label-file-missing');
    expect(e.location?.line).toBe(1);
  });
});
