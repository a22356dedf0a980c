import { loadProject } from '../../../lib/compose';
import { composeError, data, load, memoryReader } from './helpers';

type Services = Record<string, Record<string, unknown>>;

describe('include (14-include.md)', () => {
  test('short syntax: resources are copied in, paths relative to the included file', () => {
    const d = data({
      '/app/compose.yaml': 'include:\n  - ../commons/compose.yaml\nservices:\n  webapp:\n    image: web\n    depends_on:\n      - included-service\n',
      '/commons/compose.yaml':
        'services:\n  included-service:\n    build: ./svc\n    volumes:\n      - ./data:/data\n      - cache:/cache\nvolumes:\n  cache: {}\nnetworks:\n  shared: {}\nsecrets:\n  token:\n    file: ./token.txt\nx-ignored: 1\nname: other\n',
       }, { allowRead: ['/commons'] });
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
       }, { allowRead: ['/commons', '/another'] });
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
      { environment: { LIB_DIR: '/lib' }, allowRead: ['/lib'] },
    );
    expect(d.services).toEqual({ l: { image: 'l' } });
  });

  test('a file outside the project directory is read only when the command line allows it (--allow-read)', () => {
    const files = {
      '/app/compose.yaml': 'include:\n  - ../commons/compose.yaml\nservices:\n  webapp:\n    image: web\n',
      '/commons/compose.yaml': 'services:\n  other:\n    image: other\n',
    };
    const e = composeError(() => load(files));
    expect(e.code).toBe('compose/outside-project');
    expect(e.location).toMatchObject({ file: '/app/compose.yaml', line: 2 });
    expect(e.message).toContain('/commons/compose.yaml is outside the project directory /app');
    expect(e.fix).toContain('--allow-read /commons/compose.yaml');
    expect(Object.keys(data(files, { allowRead: ['/commons/compose.yaml'] }).services as Services)).toEqual(['webapp', 'other']);
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

  test('a resource defined by the file and by an include: the including file wins, with a warning at both places', () => {
    // 14-include.md: "Compose displays a warning if resource names conflict and doesn't try to merge
    // them"; Docker Compose v2 (compose-go) keeps the including file's definition
    const r = load({
      '/app/compose.yaml': 'include:\n  - lib.yaml\nservices:\n  db:\n    image: postgres:16\nvolumes:\n  data: {}\n',
      '/app/lib.yaml': 'services:\n  db:\n    image: mysql:8\n    environment: { ONLY_IN_LIB: "1" }\n  cache:\n    image: redis\nvolumes:\n  data:\n    driver: local\n',
    });
    expect(r.result.data.services).toEqual({ db: { image: 'postgres:16' }, cache: { image: 'redis' } });
    expect(r.result.data.volumes).toEqual({ data: {} });
    const conflicts = r.warnings.filter((w) => w.code === 'compose/include-conflict');
    expect(conflicts.map((w) => [w.message, w.location])).toEqual([
      [
        'service `db` is defined here and also by the included /app/lib.yaml:2:3; this definition is used and the included one is ignored (Compose does not merge them): rename one of the two, or remove this one to use the included definition',
        { file: '/app/compose.yaml', line: 4, column: 3 },
      ],
      [
        'volume `data` is defined here and also by the included /app/lib.yaml:8:3; this definition is used and the included one is ignored (Compose does not merge them): rename one of the two, or remove this one to use the included definition',
        { file: '/app/compose.yaml', line: 7, column: 3 },
      ],
    ]);
    // two included files defining one name differently: the first include's definition is kept
    const two = load({
      '/app/compose.yaml': 'include:\n  - a.yaml\n  - b.yaml\n',
      '/app/a.yaml': 'services:\n  db:\n    image: a\n',
      '/app/b.yaml': 'services:\n  db:\n    image: b\n',
    });
    expect(two.result.data.services).toEqual({ db: { image: 'a' } });
    expect(two.warnings.filter((w) => w.code === 'compose/include-conflict').map((w) => w.location)).toEqual([{ file: '/app/a.yaml', line: 2, column: 3 }]);
  });

  test("an included service's build without a context builds the included project directory (build.md#context)", () => {
    const d = data({
      '/app/compose.yaml': 'include:\n  - sub/compose.yaml\n  - path: other/compose.yaml\n    project_directory: other/root\nservices:\n  main:\n    build:\n      dockerfile: Dockerfile.main\n',
      '/app/sub/compose.yaml': 'services:\n  app:\n    build:\n      dockerfile: Dockerfile.dev\n    env_file: app.env\n',
      '/app/other/compose.yaml': 'services:\n  other:\n    build:\n      target: dev\n',
    });
    expect(d.services).toEqual({
      main: { build: { dockerfile: 'Dockerfile.main', context: '/app' } },
      app: { build: { dockerfile: 'Dockerfile.dev', context: '/app/sub' }, env_file: '/app/sub/app.env' },
      other: { build: { target: 'dev', context: '/app/other/root' } },
    });
  });

  test("key-only environment entries and build args of an included file are resolved from that file's own .env", () => {
    const files = {
      '/app/compose.yaml': 'include:\n  - module/compose.yaml\nservices:\n  main:\n    image: main\n    environment: [MAIN_VAR]\n',
      '/app/.env': 'MAIN_VAR=m\nSHADOWED=from-app\n',
      '/app/module/compose.yaml':
        'services:\n  mod:\n    build:\n      context: .\n      args: [VAR_NAME]\n    environment:\n      - VAR_NAME\n      - X=${VAR_NAME}\n      - SHADOWED\n      - UNSET_ANYWHERE\n',
      '/app/module/.env': 'VAR_NAME=v\nSHADOWED=from-module\n',
    };
    const { result } = loadProject({ files: [], workingDirectory: '/app', environment: {}, reader: memoryReader(files) });
    // the including project's variables win over the included .env (14-include.md)
    expect(result.services.mod.environment).toEqual({ VAR_NAME: 'v', X: 'v', SHADOWED: 'from-app', UNSET_ANYWHERE: null });
    expect(result.services.mod.build?.args).toEqual({ VAR_NAME: 'v' });
    expect(result.services.main.environment).toEqual({ MAIN_VAR: 'm' });
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
