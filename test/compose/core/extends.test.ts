import { composeError, data, load } from './helpers';

type Services = Record<string, Record<string, unknown>>;
const services = (files: Record<string, string>, options = {}) => data(files, options).services as Services;

describe('extends (05-services.md)', () => {
  test('spec example: mappings merge, the extending service wins', () => {
    const s = services({
      '/app/compose.yaml': 'services:\n  common:\n    image: busybox\n    environment:\n      TZ: utc\n      PORT: 80\n  cli:\n    extends:\n      service: common\n    environment:\n      PORT: 8080\n',
    });
    expect(s.cli).toEqual({ image: 'busybox', environment: { TZ: 'utc', PORT: 8080 } });
    expect(s.common).toEqual({ image: 'busybox', environment: { TZ: 'utc', PORT: 80 } });
  });

  test('spec example: the same with list syntax', () => {
    const s = services({
      '/app/compose.yaml': 'services:\n  common:\n    image: busybox\n    environment:\n      - TZ=utc\n      - PORT=80\n  cli:\n    extends:\n      service: common\n    environment:\n      - PORT=8080\n',
    });
    expect(s.cli.environment).toEqual(['TZ=utc', 'PORT=8080']);
  });

  test('spec example: volumes merge by container path', () => {
    const s = services({
      '/app/compose.yaml':
        'services:\n  common:\n    image: busybox\n    volumes:\n      - common-volume:/var/lib/backup/data:rw\n  cli:\n    extends:\n      service: common\n    volumes:\n      - cli-volume:/var/lib/backup/data:ro\nvolumes:\n  common-volume: {}\n  cli-volume: {}\n',
    });
    expect(s.cli).toEqual({ image: 'busybox', volumes: ['cli-volume:/var/lib/backup/data:ro'] });
  });

  test('spec example: chains are followed', () => {
    const s = services({
      '/app/compose.yaml': 'services:\n  base:\n    image: busybox\n    user: root\n  common:\n    image: busybox\n    extends:\n      service: base\n  cli:\n    extends:\n      service: common\n',
    });
    expect(s.cli).toEqual({ image: 'busybox', user: 'root' });
  });

  test('spec example: sequences are combined without duplicates', () => {
    const s = services({
      '/app/compose.yaml':
        'services:\n  common:\n    image: busybox\n    security_opt:\n      - label:role:ROLE\n    cap_add: [NET_ADMIN]\n  cli:\n    extends:\n      service: common\n    security_opt:\n      - label:user:USER\n    cap_add: [NET_ADMIN, SYS_TIME]\n',
    });
    expect(s.cli.security_opt).toEqual(['label:role:ROLE', 'label:user:USER']);
    expect(s.cli.cap_add).toEqual(['NET_ADMIN', 'SYS_TIME']);
  });

  test('command is replaced, depends_on and every other attribute inherited', () => {
    const s = services({
      '/app/compose.yaml':
        'services:\n  db:\n    image: mysql\n  base:\n    image: app\n    command: ["a"]\n    depends_on: [db]\n    ports: ["80:80"]\n  web:\n    extends: base\n    command: ["b"]\n',
    });
    expect(s.web).toEqual({ image: 'app', command: ['b'], depends_on: ['db'], ports: ['80:80'] });
  });

  test('from another file: paths of the base resolve against its own directory', () => {
    const s = services({
      '/app/compose.yaml': 'services:\n  web:\n    extends:\n      file: common/base.yaml\n      service: webapp\n    environment:\n      MODE: prod\n',
      '/app/common/base.yaml': 'services:\n  webapp:\n    build: ./web\n    env_file: web.env\n    volumes:\n      - ./static:/static\n    environment:\n      MODE: dev\n      LOG: info\n',
    });
    expect(s.web).toEqual({
      build: '/app/common/web',
      env_file: '/app/common/web.env',
      volumes: ['/app/common/static:/static'],
      environment: { MODE: 'prod', LOG: 'info' },
    });
    expect(Object.keys(s)).toEqual(['web']);
  });

  test('nested chains across files, each file relative to its own directory', () => {
    const s = services({
      '/app/compose.yaml': 'services:\n  web:\n    extends:\n      file: ./a/one.yaml\n      service: one\n',
      '/app/a/one.yaml': 'services:\n  one:\n    extends:\n      file: ../b/two.yaml\n      service: two\n    user: one\n',
      '/app/b/two.yaml': 'services:\n  two:\n    image: two\n    build: .\n    user: two\n',
    });
    expect(s.web).toEqual({ image: 'two', build: '/app/b', user: 'one' });
  });

  test('the base file is interpolated with the same variables', () => {
    const s = services(
      {
        '/app/compose.yaml': 'services:\n  web:\n    extends:\n      file: base.yaml\n      service: b\n',
        '/app/base.yaml': 'services:\n  b:\n    image: "app:${TAG}"\n',
      },
      { environment: { TAG: '7' } },
    );
    expect(s.web.image).toBe('app:7');
  });

  test('!reset and !override in the extending service apply to the inherited values', () => {
    const s = services({
      '/app/compose.yaml':
        'services:\n  base:\n    image: x\n    ports: ["80:80"]\n    environment:\n      A: "1"\n      B: "2"\n  web:\n    extends: base\n    ports: !reset []\n    environment: !override\n      C: "3"\n',
    });
    expect(s.web).toEqual({ image: 'x', environment: { C: '3' } });
  });

  test('the tags of an extending service in an override file also apply to the earlier files', () => {
    const s = services(
      {
        '/app/compose.yaml': 'services:\n  web:\n    image: x\n    ports: ["8080:80"]\n',
        '/app/override.yaml': 'services:\n  base:\n    image: y\n    ports: ["9090:90"]\n  web:\n    extends: base\n    ports: !override ["7070:70"]\n',
      },
      { files: ['compose.yaml', 'override.yaml'] },
    );
    expect(s.web).toEqual({ image: 'y', ports: ['7070:70'] });
  });

  test('a service can extend an included service', () => {
    const s = services({
      '/app/compose.yaml': 'include:\n  - lib/compose.yaml\nservices:\n  web:\n    extends: shared\n    user: me\n',
      '/app/lib/compose.yaml': 'services:\n  shared:\n    image: shared\n    build: .\n',
    });
    expect(s.web).toEqual({ image: 'shared', build: '/app/lib', user: 'me' });
  });

  test('an unknown service is an error at the reference', () => {
    const e = composeError(() => load({ '/app/compose.yaml': 'services:\n  web:\n    extends:\n      service: nope\n  base:\n    image: x\n' }));
    expect(e.code).toBe('compose/extends-unknown-service');
    expect(e.location).toEqual({ file: '/app/compose.yaml', line: 4, column: 16 });
    expect(e.fix).toContain('base');
  });

  test('a misspelt service gets a suggestion', () => {
    const e = composeError(() => load({ '/app/compose.yaml': 'services:\n  web:\n    extends: bsae\n  base:\n    image: x\n' }));
    expect(e.message).toBe('service `web` extends `bsae`, but /app/compose.yaml defines no service `bsae` (did you mean `base`?)');
    expect(e.location).toEqual({ file: '/app/compose.yaml', line: 3, column: 14 });
  });

  test('an unknown service in another file names that file', () => {
    const e = composeError(() =>
      load({ '/app/compose.yaml': 'services:\n  web:\n    extends:\n      file: base.yaml\n      service: nope\n', '/app/base.yaml': 'services:\n  b:\n    image: x\n' }),
    );
    expect(e.message).toContain('/app/base.yaml defines no service `nope`');
  });

  test('a missing file is an error at the file reference', () => {
    const e = composeError(() => load({ '/app/compose.yaml': 'services:\n  web:\n    extends:\n      file: missing.yaml\n      service: b\n' }));
    expect(e.code).toBe('compose/file-not-found');
    expect(e.message).toContain('/app/missing.yaml');
    expect(e.location).toEqual({ file: '/app/compose.yaml', line: 4, column: 13 });
  });

  test('a cycle is detected and shown', () => {
    const e = composeError(() =>
      load({ '/app/compose.yaml': 'services:\n  a:\n    extends: b\n    image: x\n  b:\n    extends: c\n  c:\n    extends:\n      service: a\n' }),
    );
    expect(e.code).toBe('compose/extends-cycle');
    expect(e.message).toBe('`extends` cycle: `a` (/app/compose.yaml) extends `b` (/app/compose.yaml) extends `c` (/app/compose.yaml) extends `a` (/app/compose.yaml)');
  });

  test('a chain that runs into a cycle shows the cycle only, each step at its extends; a long chain resolves', () => {
    const e = composeError(() =>
      load({ '/app/compose.yaml': 'services:\n  x:\n    extends: a\n  a:\n    extends: b\n    image: x\n  b:\n    extends: a\n' }),
    );
    expect(e.code).toBe('compose/extends-cycle');
    expect(e.message).toBe('`extends` cycle: `a` (/app/compose.yaml) extends `b` (/app/compose.yaml) extends `a` (/app/compose.yaml)');
    expect(e.details.map((d) => [d.message, d.location?.line])).toEqual([['`a` extends here', 5], ['`b` extends here', 8]]);
    expect(e.location?.line).toBe(5);
    const chain = ['services:', '  s0: { image: "x:0" }', ...Array.from({ length: 3000 }, (_, i) => `  s${i + 1}: { extends: s${i}, image: "x:${i + 1}" }`)].join('\n');
    expect((data({ '/app/compose.yaml': chain }).services as Record<string, { image: string }>).s3000.image).toBe('x:3000');
  });

  test('a self-reference and a cross-file cycle are detected', () => {
    expect(composeError(() => load({ '/app/compose.yaml': 'services:\n  a:\n    extends: a\n' })).code).toBe('compose/extends-cycle');
    const e = composeError(() =>
      load({
        '/app/compose.yaml': 'services:\n  a:\n    extends:\n      file: other.yaml\n      service: b\n',
        '/app/other.yaml': 'services:\n  b:\n    extends:\n      file: compose.yaml\n      service: a\n',
      }),
    );
    expect(e.code).toBe('compose/extends-cycle');
  });
});
