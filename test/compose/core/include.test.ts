import { composeError, data, load } from './helpers';

type Services = Record<string, Record<string, unknown>>;

describe('include (14-include.md)', () => {
  test('short syntax: resources are copied in, paths relative to the included file', () => {
    const d = data({
      '/app/compose.yaml': 'include:\n  - ../commons/compose.yaml\nservices:\n  webapp:\n    image: web\n    depends_on:\n      - included-service\n',
      '/commons/compose.yaml':
        'services:\n  included-service:\n    build: ./svc\n    volumes:\n      - ./data:/data\n      - cache:/cache\nvolumes:\n  cache: {}\nnetworks:\n  shared: {}\nsecrets:\n  token:\n    file: ./token.txt\nx-ignored: 1\nname: other\n',
    });
    expect(d.services).toEqual({
      webapp: { image: 'web', depends_on: ['included-service'] },
      'included-service': { build: '/commons/svc', volumes: ['/commons/data:/data', 'cache:/cache'] },
    });
    expect(d.volumes).toEqual({ cache: {} });
    expect(d.networks).toEqual({ shared: {} });
    expect(d.secrets).toEqual({ token: { file: '/commons/token.txt' } });
    expect(d['x-ignored']).toBeUndefined();
    expect(d.name).toBeUndefined();
    expect(d.include).toBeUndefined();
  });

  test('the included .env provides defaults; the including project overrides them', () => {
    const d = data(
      {
        '/app/compose.yaml': 'include:\n  - lib/compose.yaml\nservices: {}\n',
        '/app/.env': 'SHARED=from-app\n',
        '/app/lib/compose.yaml': 'services:\n  lib:\n    image: "${SHARED}-${OWN}-${HOSTV}"\n',
        '/app/lib/.env': 'SHARED=from-lib\nOWN=own\nHOSTV=lib\n',
      },
      { environment: { HOSTV: 'host' } },
    );
    expect((d.services as Services).lib.image).toBe('from-app-own-host');
  });

  test('long syntax: path list merged, project_directory and env_file', () => {
    const d = data({
      '/app/compose.yaml':
        'include:\n  - path:\n      - ../commons/compose.yaml\n      - ./commons-override.yaml\n    project_directory: ..\n    env_file:\n      - ../another/.env\n      - ../another/dev.env\nservices: {}\n',
      '/commons/compose.yaml': 'services:\n  api:\n    image: "api:${TAG}"\n    build: ./commons\n',
      '/app/commons-override.yaml': 'services:\n  api:\n    environment:\n      MODE: ${MODE}\n',
      '/another/.env': 'TAG=1\nMODE=base\n',
      '/another/dev.env': 'MODE=dev\n',
    });
    expect((d.services as Services).api).toEqual({ image: 'api:1', build: '/commons', environment: { MODE: 'dev' } });
  });

  test('includes nest, each relative to its own project directory', () => {
    const d = data({
      '/app/compose.yaml': 'include:\n  - a/compose.yaml\n',
      '/app/a/compose.yaml': 'include:\n  - ../b/compose.yaml\nservices:\n  a:\n    build: .\n',
      '/app/b/compose.yaml': 'services:\n  b:\n    build: .\n',
    });
    expect(d.services).toEqual({ a: { build: '/app/a' }, b: { build: '/app/b' } });
  });

  test('include paths can be interpolated', () => {
    const d = data(
      { '/app/compose.yaml': 'include:\n  - ${LIB_DIR:?set LIB_DIR}/compose.yaml\n', '/lib/compose.yaml': 'services:\n  l:\n    image: l\n' },
      { environment: { LIB_DIR: '/lib' } },
    );
    expect(d.services).toEqual({ l: { image: 'l' } });
  });

  test('a cycle is an error showing the chain', () => {
    const e = composeError(() =>
      load({
        '/app/compose.yaml': 'include:\n  - a.yaml\n',
        '/app/a.yaml': 'include:\n  - b.yaml\n',
        '/app/b.yaml': 'include:\n  - a.yaml\n',
      }),
    );
    expect(e.code).toBe('compose/include-cycle');
    expect(e.message).toBe('`include` cycle: /app/a.yaml includes /app/b.yaml includes /app/a.yaml');
    expect(e.location).toEqual({ file: '/app/b.yaml', line: 2, column: 5 });
  });

  test('a file including itself', () => {
    expect(composeError(() => load({ '/app/compose.yaml': 'include:\n  - compose.yaml\n' })).code).toBe('compose/include-cycle');
  });

  test('a resource defined by the file and by an include is an error at both places', () => {
    const e = composeError(() =>
      load({
        '/app/compose.yaml': 'include:\n  - lib.yaml\nservices:\n  db:\n    image: postgres:16\n',
        '/app/lib.yaml': 'services:\n  db:\n    image: mysql:8\n',
      }),
    );
    expect(e.code).toBe('compose/include-conflict');
    expect(e.message).toBe('service `db` is defined here and also by the included /app/lib.yaml');
    expect(e.location).toEqual({ file: '/app/compose.yaml', line: 4, column: 3 });
    expect(e.details[0].location).toEqual({ file: '/app/lib.yaml', line: 2, column: 3 });
  });

  test('identical definitions (a diamond) are not a conflict', () => {
    const d = data({
      '/app/compose.yaml': 'include:\n  - a.yaml\n  - b.yaml\n',
      '/app/a.yaml': 'include:\n  - common.yaml\nservices:\n  a:\n    image: a\n',
      '/app/b.yaml': 'include:\n  - common.yaml\nservices:\n  b:\n    image: b\n',
      '/app/common.yaml': 'services:\n  db:\n    image: db\n',
    });
    expect(Object.keys(d.services as object).sort()).toEqual(['a', 'b', 'db']);
  });

  test('a later -f file may override an included service', () => {
    const d = data(
      {
        '/app/compose.yaml': 'include:\n  - lib.yaml\n',
        '/app/lib.yaml': 'services:\n  db:\n    image: mysql:8\n',
        '/app/override.yaml': 'services:\n  db:\n    image: mysql:8.4\n',
      },
      { files: ['compose.yaml', 'override.yaml'] },
    );
    expect(d.services).toEqual({ db: { image: 'mysql:8.4' } });
  });

  test('a missing included file or env_file is an error at the include entry', () => {
    const e = composeError(() => load({ '/app/compose.yaml': 'services: {}\ninclude:\n  - missing.yaml\n' }));
    expect(e.code).toBe('compose/file-not-found');
    expect(e.location).toEqual({ file: '/app/compose.yaml', line: 3, column: 5 });
    const e2 = composeError(() =>
      load({ '/app/compose.yaml': 'include:\n  - path: lib.yaml\n    env_file: nope.env\n', '/app/lib.yaml': 'services: {}\n' }),
    );
    expect(e2.code).toBe('compose/env-file-not-found');
  });

  test('locations of included resources point into the included file', () => {
    const r = load({ '/app/compose.yaml': 'include:\n  - lib.yaml\n', '/app/lib.yaml': 'services:\n  db:\n    image: mysql\n' });
    expect(r.result.locations['/services/db/image']).toEqual({ file: '/app/lib.yaml', line: 3, column: 12 });
    expect(r.result.composeFiles).toEqual(['/app/compose.yaml']);
  });
});
