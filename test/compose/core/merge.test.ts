import { composeError, data, load } from './helpers';

/** Merges base and override (as `-f compose.yaml -f override.yaml`) and returns the services. */
function merged(base: string, override: string, env: Record<string, string> = {}): Record<string, Record<string, unknown>> {
  return data({ '/app/compose.yaml': base, '/app/override.yaml': override }, { files: ['compose.yaml', 'override.yaml'], environment: env })
    .services as Record<string, Record<string, unknown>>;
}

describe('13-merge.md examples', () => {
  test('mapping: missing entries added, conflicting ones merged', () => {
    expect(
      merged('services:\n  foo:\n    image: a\n    labels:\n      key1: value1\n      key2: value2\n', 'services:\n  foo:\n    labels:\n      key2: VALUE\n      key3: value3\n').foo
        .labels,
    ).toEqual({ key1: 'value1', key2: 'VALUE', key3: 'value3' });
    expect(merged('services:\n  foo:\n    image: a\n    user: root\n', 'services:\n  foo:\n    hostname: h\n').foo).toEqual({ image: 'a', user: 'root', hostname: 'h' });
  });

  test('sequence: appended', () => {
    expect(merged('services:\n  foo:\n    image: a\n    dns:\n      - 1.1.1.1\n', 'services:\n  foo:\n    dns:\n      - 8.8.8.8\n').foo.dns).toEqual(['1.1.1.1', '8.8.8.8']);
  });

  test('shell commands: command, entrypoint and healthcheck.test are replaced', () => {
    const s = merged(
      'services:\n  foo:\n    image: a\n    command: ["echo", "foo"]\n    entrypoint: ["/a"]\n    healthcheck:\n      test: ["CMD", "a"]\n      retries: 3\n',
      'services:\n  foo:\n    command: ["echo", "bar"]\n    entrypoint: /b\n    healthcheck:\n      test: ["CMD", "b"]\n',
    ).foo;
    expect(s.command).toEqual(['echo', 'bar']);
    expect(s.entrypoint).toBe('/b');
    expect(s.healthcheck).toEqual({ test: ['CMD', 'b'], retries: 3 });
  });

  test('unique resources: a volume with the same target is replaced in place', () => {
    expect(merged('services:\n  foo:\n    image: a\n    volumes:\n      - foo:/work\n      - logs:/logs\n', 'services:\n  foo:\n    volumes:\n      - bar:/work\n').foo.volumes).toEqual([
      'bar:/work',
      'logs:/logs',
    ]);
  });

  test('unique resources: volumes by target across short and long syntax', () => {
    expect(
      merged('services:\n  foo:\n    image: a\n    volumes:\n      - foo:/work\n', 'services:\n  foo:\n    volumes:\n      - type: volume\n        source: bar\n        target: /work\n').foo.volumes,
    ).toEqual([{ type: 'volume', source: 'bar', target: '/work' }]);
  });

  test('unique resources: ports by {ip, published, target, protocol}', () => {
    const s = merged(
      'services:\n  foo:\n    image: a\n    ports:\n      - "8080:80"\n      - "127.0.0.1:9000:9000"\n      - "53:53/udp"\n',
      'services:\n  foo:\n    ports:\n      - "0.0.0.0:8080:80"\n      - "9000:9000"\n      - target: 53\n        published: "53"\n        protocol: udp\n      - "8443:443"\n',
    ).foo;
    expect(s.ports).toEqual(['0.0.0.0:8080:80', '127.0.0.1:9000:9000', { target: 53, published: '53', protocol: 'udp' }, '9000:9000', '8443:443']);
  });

  test('unique resources: secrets and configs by target', () => {
    const s = merged(
      'services:\n  foo:\n    image: a\n    secrets:\n      - db\n      - source: api\n        target: /run/secrets/key\n    configs:\n      - app\nsecrets:\n  db:\n    file: ./db\n  api:\n    file: ./api\n  db2:\n    file: ./db2\nconfigs:\n  app:\n    file: ./app\n',
      'services:\n  foo:\n    secrets:\n      - source: db2\n        target: db\n      - source: api\n        target: key\n        mode: 0400\n    configs:\n      - source: app\n        target: /app\n',
    ).foo;
    expect(s.secrets).toEqual([
      { source: 'db2', target: 'db' },
      { source: 'api', target: 'key', mode: 256 },
    ]);
    expect(s.configs).toEqual([{ source: 'app', target: '/app' }]);
  });

  test('reset value: !reset removes attributes and keys (spec example)', () => {
    const s = merged(
      'services:\n  app:\n    image: myapp\n    ports:\n      - "8080:80"\n    environment:\n      FOO: BAR\n      KEEP: "1"\n',
      'services:\n  app:\n    image: myapp\n    ports: !reset []\n    environment:\n      FOO: !reset null\n',
    ).app;
    expect(s).toEqual({ image: 'myapp', environment: { KEEP: '1' } });
  });

  test('!reset removes a key of a list-form environment and a whole service', () => {
    const d = data(
      {
        '/app/compose.yaml': 'services:\n  app:\n    image: a\n    environment:\n      - FOO=BAR\n      - KEEP=1\n  debug:\n    image: b\n',
        '/app/override.yaml': 'services:\n  app:\n    environment:\n      FOO: !reset null\n  debug: !reset {}\n',
      },
      { files: ['compose.yaml', 'override.yaml'] },
    );
    expect(d.services).toEqual({ app: { image: 'a', environment: { KEEP: '1' } } });
  });

  test('replace value: !override replaces instead of appending (spec example)', () => {
    expect(merged('services:\n  app:\n    image: myapp\n    ports:\n      - "8080:80"\n', 'services:\n  app:\n    ports: !override\n      - "8443:443"\n').app).toEqual({
      image: 'myapp',
      ports: ['8443:443'],
    });
  });

  test('!override on a mapping drops the keys of the earlier file', () => {
    expect(
      merged('services:\n  app:\n    image: a\n    environment:\n      A: "1"\n      B: "2"\n', 'services:\n  app:\n    environment: !override\n      C: "3"\n').app.environment,
    ).toEqual({ C: '3' });
  });

  test('tagged scalars keep their YAML type and a !reset value is never interpolated or cast', () => {
    const s = merged(
      'services:\n  app:\n    image: x\n    read_only: true\n    privileged: false\n    stop_grace_period: 10s\n',
      'services:\n  app:\n    read_only: !reset null\n    privileged: !override true\n    stop_grace_period: !reset ${UNSET:?never checked}\n',
    ).app;
    expect(s).toEqual({ image: 'x', privileged: true });
  });

  test('!reset in the first file just leaves the attribute out', () => {
    expect(data({ '/app/compose.yaml': 'services:\n  app:\n    image: a\n    ports: !reset ["1:1"]\n' }).services).toEqual({ app: { image: 'a' } });
  });
});

describe('Docker Compose v2 merge rules', () => {
  test('environment merges by key across list and mapping forms; the later value wins, null included', () => {
    const s = merged(
      'services:\n  a:\n    image: x\n    environment:\n      - A=1\n      - B=2\n      - C\n',
      'services:\n  a:\n    environment:\n      B: "20"\n      D: "4"\n      A: null\n',
    ).a;
    expect(s.environment).toEqual({ A: null, B: '20', C: null, D: '4' });
  });

  test('two list-form environments stay a list, one entry per key', () => {
    expect(merged('services:\n  a:\n    image: x\n    environment:\n      - A=1\n      - B=2\n', 'services:\n  a:\n    environment:\n      - A=10\n').a.environment).toEqual(['A=10', 'B=2']);
  });

  test('labels, build args and sysctls merge by key', () => {
    const s = merged(
      'services:\n  a:\n    build:\n      context: .\n      args:\n        - V=1\n    labels:\n      - com.x=1\n    sysctls:\n      net.core.somaxconn: 1024\n',
      'services:\n  a:\n    build:\n      args:\n        V: "2"\n        W: "3"\n    labels:\n      com.y: "2"\n    sysctls:\n      - net.ipv4.tcp_syncookies=0\n',
    ).a;
    expect((s.build as Record<string, unknown>).args).toEqual({ V: '2', W: '3' });
    expect(s.labels).toEqual({ 'com.x': '1', 'com.y': '2' });
    expect(s.sysctls).toEqual({ 'net.core.somaxconn': 1024, 'net.ipv4.tcp_syncookies': '0' });
  });

  test('depends_on and networks merge as mappings', () => {
    const s = merged(
      'services:\n  a:\n    image: x\n    depends_on: [db]\n    networks: [front]\n  db:\n    image: y\n  cache:\n    image: z\nnetworks:\n  front: {}\n  back: {}\n',
      'services:\n  a:\n    depends_on:\n      cache:\n        condition: service_healthy\n    networks:\n      back:\n        aliases: [api]\n',
    ).a;
    expect(s.depends_on).toEqual({
      db: { condition: 'service_started', required: true },
      cache: { condition: 'service_healthy' },
    });
    expect(s.networks).toEqual({ front: null, back: { aliases: ['api'] } });
  });

  test('build: a string context merges with a mapping', () => {
    expect(merged('services:\n  a:\n    build: ./app\n', 'services:\n  a:\n    build:\n      dockerfile: Dockerfile.prod\n').a.build).toEqual({
      context: '/app/app',
      dockerfile: 'Dockerfile.prod',
    });
    expect(merged('services:\n  a:\n    build:\n      context: ./app\n      target: dev\n', 'services:\n  a:\n    build: ./other\n').a.build).toEqual({
      context: '/app/other',
      target: 'dev',
    });
  });

  test('extra_hosts merge by host, keeping every distinct address', () => {
    expect(
      merged('services:\n  a:\n    image: x\n    extra_hosts:\n      - "db:10.0.0.1"\n      - "cache=10.0.0.2"\n', 'services:\n  a:\n    extra_hosts:\n      db: 10.0.0.9\n      cache: 10.0.0.2\n      v6: "::1"\n').a
        .extra_hosts,
    ).toEqual({ db: ['10.0.0.1', '10.0.0.9'], cache: '10.0.0.2', v6: '::1' });
  });

  test('dns / tmpfs / env_file as a string append as one item, without duplicates', () => {
    const s = merged(
      'services:\n  a:\n    image: x\n    dns: 1.1.1.1\n    tmpfs: /run:size=64m\n    env_file: a.env\n',
      'services:\n  a:\n    dns: [1.1.1.1, 8.8.8.8]\n    tmpfs: [/run:size=128m, /tmp]\n    env_file:\n      - path: a.env\n        required: false\n      - b.env\n',
    ).a;
    expect(s.dns).toEqual(['1.1.1.1', '8.8.8.8']);
    expect(s.tmpfs).toEqual(['/run:size=128m', '/tmp']);
    expect(s.env_file).toEqual([{ path: '/app/a.env', required: false }, '/app/b.env']);
  });

  test('cap_add, expose and profiles keep one of each value', () => {
    const s = merged(
      'services:\n  a:\n    image: x\n    cap_add: [NET_ADMIN]\n    expose: [3000, "4000"]\n    profiles: [dev]\n',
      'services:\n  a:\n    cap_add: [NET_ADMIN, SYS_TIME]\n    expose: ["3000", 4000, 5000]\n    profiles: [dev, debug]\n',
    ).a;
    expect(s.cap_add).toEqual(['NET_ADMIN', 'SYS_TIME']);
    expect(s.expose).toEqual(['3000', 4000, 5000]);
    expect(s.profiles).toEqual(['dev', 'debug']);
  });

  test('logging merges with the same driver and is replaced by another driver', () => {
    expect(
      merged('services:\n  a:\n    image: x\n    logging:\n      driver: json-file\n      options:\n        max-size: 10m\n', 'services:\n  a:\n    logging:\n      options:\n        max-file: "3"\n').a.logging,
    ).toEqual({ driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } });
    expect(
      merged('services:\n  a:\n    image: x\n    logging:\n      driver: json-file\n      options:\n        max-size: 10m\n', 'services:\n  a:\n    logging:\n      driver: awslogs\n      options:\n        awslogs-group: g\n').a.logging,
    ).toEqual({ driver: 'awslogs', options: { 'awslogs-group': 'g' } });
  });

  test('ulimits entries are replaced', () => {
    expect(merged('services:\n  a:\n    image: x\n    ulimits:\n      nofile:\n        soft: 1\n        hard: 2\n', 'services:\n  a:\n    ulimits:\n      nofile: 65535\n').a.ulimits).toEqual({ nofile: 65535 });
  });

  test('a null in the override keeps the earlier value; a null earlier value is replaced', () => {
    expect(merged('services:\n  a:\n    image: x\n    user: root\n', 'services:\n  a:\n    user:\n').a.user).toBe('root');
    expect(merged('services:\n  a:\n', 'services:\n  a:\n    image: y\n').a).toEqual({ image: 'y' });
  });

  test('x- extensions merge like mappings, top level and in services', () => {
    const d = data(
      { '/app/compose.yaml': 'x-common:\n  a: 1\nservices:\n  s:\n    image: x\n    x-meta:\n      a: 1\n', '/app/override.yaml': 'x-common:\n  b: 2\nservices:\n  s:\n    x-meta:\n      b: 2\n' },
      { files: ['compose.yaml', 'override.yaml'] },
    );
    expect(d['x-common']).toEqual({ a: 1, b: 2 });
    expect((d.services as Record<string, Record<string, unknown>>).s['x-meta']).toEqual({ a: 1, b: 2 });
  });

  test('top-level resources merge; name and scalars are replaced', () => {
    const d = data(
      {
        '/app/compose.yaml': 'name: one\nservices:\n  s:\n    image: x\nvolumes:\n  data:\n    driver: local\n',
        '/app/override.yaml': 'name: two\nvolumes:\n  data:\n    labels:\n      a: b\n  more: {}\n',
      },
      { files: ['compose.yaml', 'override.yaml'] },
    );
    expect(d.name).toBe('two');
    expect(d.volumes).toEqual({ data: { driver: 'local', labels: { a: 'b' } }, more: {} });
  });

  test('a mapping merged with a sequence is an error naming both places', () => {
    const e = composeError(() => merged('services:\n  a:\n    image: x\n    x-data:\n      k: v\n', 'services:\n  a:\n    x-data: [1]\n'));
    expect(e.code).toBe('compose/merge-type-conflict');
    expect(e.message).toContain('`services.a.x-data`');
    expect(e.location).toEqual({ file: '/app/override.yaml', line: 3, column: 13 });
    expect(e.details[0].location).toEqual({ file: '/app/compose.yaml', line: 5, column: 7 });
  });

  test('locations point into the file that supplied each final value', () => {
    const r = load(
      { '/app/compose.yaml': 'services:\n  a:\n    image: x\n    user: root\n', '/app/override.yaml': 'services:\n  a:\n    image: y\n' },
      { files: ['compose.yaml', 'override.yaml'] },
    );
    expect(r.result.locations['/services/a/image']).toEqual({ file: '/app/override.yaml', line: 3, column: 12 });
    expect(r.result.locations['/services/a/user']).toEqual({ file: '/app/compose.yaml', line: 4, column: 11 });
  });

  test('several documents in one file merge in order', () => {
    expect(data({ '/app/compose.yaml': 'services:\n  a:\n    image: x\n---\nservices:\n  a:\n    user: root\n' }).services).toEqual({ a: { image: 'x', user: 'root' } });
  });
});
