import { absolutePath, isRemoteContext } from '../../../lib/compose/paths';
import { composeError, data, load } from './helpers';

type Services = Record<string, Record<string, unknown>>;
const services = (body: string, options = {}) => data({ '/app/compose.yaml': body }, options).services as Services;

describe('path resolution (like compose-go paths)', () => {
  test('build context as a string and as a mapping, additional contexts', () => {
    const s = services(
      'services:\n  a:\n    build: ./api\n  b:\n    build:\n      context: ../shared/web\n      dockerfile: docker/Dockerfile\n      additional_contexts:\n        assets: ./assets\n        base: docker-image://alpine:3\n  c:\n    build:\n      context: .\n      additional_contexts:\n        - lib=../lib\n        - img=docker-image://busybox\n',
    );
    expect(s.a.build).toBe('/app/api');
    expect(s.b.build).toEqual({ context: '/shared/web', dockerfile: 'docker/Dockerfile', additional_contexts: { assets: '/app/assets', base: 'docker-image://alpine:3' } });
    expect(s.c.build).toEqual({ context: '/app', additional_contexts: ['lib=/lib', 'img=docker-image://busybox'] });
  });

  test('remote build contexts are left as written', () => {
    const s = services(
      'services:\n  a:\n    build: https://github.com/docker/rootfs.git#main\n  b:\n    build:\n      context: git@github.com:me/app.git\n  c:\n    build: github.com/me/app\n',
    );
    expect(s.a.build).toBe('https://github.com/docker/rootfs.git#main');
    expect(s.b.build).toEqual({ context: 'git@github.com:me/app.git' });
    expect(s.c.build).toBe('github.com/me/app');
    expect(isRemoteContext('service:base')).toBe(true);
  });

  // One rule for the loader, the converter and the CDK construct (issue 13: paths.ts counted
  // `service:` as remote, lib/bundle/dev-only.ts did not, and the construct had a third regex): a
  // context is remote exactly when the loader leaves it as written instead of resolving it to an
  // absolute directory, so no later stage can take a URL or a named context for a directory.
  test.each([
    ['https://github.com/docker/rootfs.git#main', true],
    ['git://example.com/app.git', true],
    ['ssh://git@example.com/app.git', true],
    ['git@github.com:me/app.git', true],
    ['github.com/me/app', true],
    ['docker-image://alpine:3', true],
    ['service:base', true],
    ['./app', false],
    ['../shared/web', false],
    ['/srv/app', false],
    ['app', false],
  ])('build context %s: remote %s, and left as written exactly when remote', (context, remote) => {
    expect(isRemoteContext(context)).toBe(remote);
    const built = services(`services:\n  a:\n    build:\n      context: '${context}'\n`).a.build as { context: string };
    expect(built.context === context && !context.startsWith('/')).toBe(remote);
    if (!remote) expect(built.context.startsWith('/')).toBe(true);
  });

  test('a build mapping without context builds the project directory', () => {
    expect(services('services:\n  a:\n    build:\n      dockerfile: Dockerfile.dev\n').a.build).toEqual({ context: '/app', dockerfile: 'Dockerfile.dev' });
  });

  test('env_file and label_file in every form', () => {
    const s = services(
      'services:\n  a:\n    image: x\n    env_file: .env.web\n    label_file: ./labels\n  b:\n    image: x\n    env_file:\n      - ./a.env\n      - path: ../b.env\n        required: false\n      - /abs/c.env\n',
    );
    expect(s.a.env_file).toBe('/app/.env.web');
    expect(s.a.label_file).toBe('/app/labels');
    expect(s.b.env_file).toEqual(['/app/a.env', { path: '/b.env', required: false }, '/abs/c.env']);
  });

  test('bind mounts in short and long syntax; named volumes and container paths untouched', () => {
    const s = services(
      'services:\n  a:\n    image: x\n    volumes:\n      - ./src:/app/src:ro\n      - ../data:/data\n      - data:/var/lib/mysql\n      - /var/run/docker.sock:/var/run/docker.sock\n      - /anonymous\n      - ~/cache:/cache\n      - .:/code\n      - type: bind\n        source: ./conf\n        target: /etc/conf\n      - type: volume\n        source: ./not-a-path\n        target: /v\nvolumes:\n  data: {}\n',
      { homeDirectory: '/home/dev' },
    );
    expect(s.a.volumes).toEqual([
      '/app/src:/app/src:ro',
      '/data:/data',
      'data:/var/lib/mysql',
      '/var/run/docker.sock:/var/run/docker.sock',
      '/anonymous',
      '/home/dev/cache:/cache',
      '/app:/code',
      { type: 'bind', source: '/app/conf', target: '/etc/conf' },
      { type: 'volume', source: './not-a-path', target: '/v' },
    ]);
  });

  test('~ comes from homeDirectory, else HOME of the environment', () => {
    expect(services('services:\n  a:\n    image: x\n    volumes: ["~:/h"]\n', { environment: { HOME: '/root' } }).a.volumes).toEqual(['/root:/h']);
    expect(absolutePath('~/x', { baseDir: '/app' })).toBe('~/x');
    expect(absolutePath('~/x', { baseDir: '/app', homeDirectory: '/u' })).toBe('/u/x');
  });

  test('extends.file, develop.watch paths, secrets/configs files, local bind volumes', () => {
    const d = data({
      '/app/compose.yaml':
        'services:\n  a:\n    image: x\n    develop:\n      watch:\n        - path: ./src\n          action: sync\n          target: /src\nsecrets:\n  s:\n    file: ./secret.txt\n  e:\n    environment: TOKEN\nconfigs:\n  c:\n    file: conf/app.conf\nvolumes:\n  local:\n    driver: local\n    driver_opts:\n      o: bind\n      type: none\n      device: ./data\n  nfs:\n    driver_opts:\n      device: ./untouched\n',
    });
    expect((d.services as Services).a.develop).toEqual({ watch: [{ path: '/app/src', action: 'sync', target: '/src' }] });
    expect(d.secrets).toEqual({ s: { file: '/app/secret.txt' }, e: { environment: 'TOKEN' } });
    expect(d.configs).toEqual({ c: { file: '/app/conf/app.conf' } });
    expect(d.volumes).toEqual({
      local: { driver: 'local', driver_opts: { o: 'bind', type: 'none', device: '/app/data' } },
      nfs: { driver_opts: { device: './untouched' } },
    });
  });

  test('every -f file is resolved against the project directory (Compose: relative to the first file)', () => {
    const d = data(
      { '/app/compose.yaml': 'services:\n  a:\n    build: .\n', '/app/deploy/override.yaml': 'services:\n  a:\n    volumes: ["./logs:/logs"]\n' },
      { files: ['compose.yaml', 'deploy/override.yaml'] },
    );
    expect((d.services as Services).a).toEqual({ build: '/app', volumes: ['/app/logs:/logs'] });
  });

  test('--project-directory changes the base', () => {
    const r = load({ '/app/compose.yaml': 'services:\n  a:\n    build: ./api\n' }, { files: ['compose.yaml'], projectDirectory: '/elsewhere' });
    expect(r.result.projectDirectory).toBe('/elsewhere');
    expect((r.result.data.services as Services).a.build).toBe('/elsewhere/api');
  });

  test('paths are resolved after interpolation', () => {
    expect(services('services:\n  a:\n    build: ${DIR}\n', { environment: { DIR: './from-env' } }).a.build).toBe('/app/from-env');
  });
});

describe('compose file discovery', () => {
  test('the default names in the working directory, with the override file', () => {
    const r = load({ '/app/compose.yaml': 'services:\n  a:\n    image: x\n', '/app/compose.override.yaml': 'services:\n  a:\n    user: me\n' });
    expect(r.result.composeFiles).toEqual(['/app/compose.yaml', '/app/compose.override.yaml']);
    expect((r.result.data.services as Services).a).toEqual({ image: 'x', user: 'me' });
  });

  test('docker-compose.yml in a parent directory', () => {
    const r = load({ '/repo/docker-compose.yml': 'services:\n  a:\n    build: .\n' }, { workingDirectory: '/repo/src/deep' });
    expect(r.result.composeFiles).toEqual(['/repo/docker-compose.yml']);
    expect(r.result.projectDirectory).toBe('/repo');
    expect((r.result.data.services as Services).a.build).toBe('/repo');
  });

  test('several default files: the first name wins, with a warning', () => {
    const r = load({ '/app/compose.yaml': 'services: {}\n', '/app/docker-compose.yml': 'services: {}\n' });
    expect(r.result.composeFiles).toEqual(['/app/compose.yaml']);
    expect(r.warnings.map((w) => w.code)).toEqual(['compose/multiple-default-files']);
  });

  test('no compose file at all', () => {
    const e = composeError(() => load({}));
    expect(e.code).toBe('compose/file-not-found');
    expect(e.message).toContain('/app');
    expect(e.fix).toContain('compose.yaml');
  });

  test('a missing -f file is named with its absolute path', () => {
    const e = composeError(() => load({ '/app/compose.yaml': 'services: {}\n' }, { files: ['prod.yaml'] }));
    expect(e.code).toBe('compose/file-not-found');
    expect(e.message).toBe('compose file /app/prod.yaml not found');
    expect(e.fix).toContain('/app');
  });

  test('a directory given with -f is explained', () => {
    const e = composeError(() => load({ '/app/deploy/compose.yaml': 'services: {}\n' }, { files: ['deploy'] }));
    expect(e.message).toBe('/app/deploy is a directory, not a compose file');
    expect(e.fix).toBe('pass the compose file inside it, e.g. -f deploy/compose.yaml');
  });

  test('COMPOSE_FILE lists the files when -f is not given', () => {
    const r = load(
      { '/app/a.yaml': 'services:\n  a:\n    image: x\n', '/app/b.yaml': 'services:\n  b:\n    image: y\n' },
      { environment: { COMPOSE_FILE: 'a.yaml:b.yaml' } },
    );
    expect(r.result.composeFiles).toEqual(['/app/a.yaml', '/app/b.yaml']);
  });

  test('COMPOSE_FILE may come from the .env of the working directory', () => {
    const r = load({
      '/app/.env': 'COMPOSE_FILE=compose.yaml:compose.prod.yaml\n',
      '/app/compose.yaml': 'services:\n  a:\n    image: x\n',
      '/app/compose.prod.yaml': 'services:\n  a:\n    restart: always\n',
      '/app/compose.override.yaml': 'services:\n  a:\n    user: dev\n',
    });
    expect(r.result.composeFiles).toEqual(['/app/compose.yaml', '/app/compose.prod.yaml']);
    expect(r.result.data.services).toEqual({ a: { image: 'x', restart: 'always' } });
  });

  test('the obsolete version is warned about and dropped', () => {
    const r = load({ '/app/compose.yaml': 'version: "3.8"\nservices:\n  a:\n    image: x\n' });
    expect(r.result.data).toEqual({ services: { a: { image: 'x' } } });
    expect(r.warnings[0]).toMatchObject({ code: 'compose/obsolete-version', location: { file: '/app/compose.yaml', line: 1, column: 1 } });
  });

  test('a reader failure is a ComposeError', () => {
    const e = composeError(() =>
      load({}, {
        reader: {
          readFile: () => {
            throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
          },
        },
      } as never),
    );
    expect(e.code).toBe('compose/file-unreadable');
  });
});
