import { castValue, substitute, InterpolationFailure } from '../../../lib/compose/interpolate';
import { codes, composeError, data, load } from './helpers';

const env: Record<string, string> = { SET: 'value', EMPTY: '', B: 'bee', PORT: '8080', JSON: '{"json":2}' };
const lookup = (n: string) => (Object.prototype.hasOwnProperty.call(env, n) ? env[n] : undefined);
const sub = (t: string) => substitute(t, lookup).value;

function failure(t: string): InterpolationFailure {
  try {
    substitute(t, lookup);
  } catch (e) {
    if (e instanceof InterpolationFailure) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('substitute (12-interpolation.md)', () => {
  test.each([
    ['$SET', 'value'],
    ['${SET}', 'value'],
    ['x${SET}y', 'xvaluey'],
    ['$SET.txt', 'value.txt'],
    ['$SET_more', ''],
    ['${UNSET:-default}', 'default'],
    ['${EMPTY:-default}', 'default'],
    ['${SET:-default}', 'value'],
    ['${UNSET-default}', 'default'],
    ['${EMPTY-default}', ''],
    ['${SET:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${UNSET:+alt}', ''],
    ['${EMPTY+alt}', 'alt'],
    ['${UNSET+alt}', ''],
    ['${UNSET:-${B}}', 'bee'],
    ['${UNSET:-${ALSO_UNSET:-deep}}', 'deep'],
    ['${UNSET:-a ${B} c}', 'a bee c'],
    ['${SET?$B}', 'value'],
    ['$$SET', '$SET'],
    ['$${SET}', '${SET}'],
    ['price: 5$', 'price: 5$'],
    ['$1 and $ alone', '$1 and $ alone'],
    ['a$-b', 'a$-b'],
    ['${UNSET:-}', ''],
    ['${UNSET:-x:y}', 'x:y'],
    ['${UNSET:-{json}}', '{json}'],
    // compose-go's template tests: a `{` inside the expression opens a level, so a default may hold
    // JSON, and all of it is skipped when the variable is set
    ['ok ${UNSET:-{"json":1}}', 'ok {"json":1}'],
    ['ok ${JSON:-{"json":1}}', 'ok {"json":2}'],
    ['ok ${JSON-{"json":1}}', 'ok {"json":2}'],
    ['${JSON:+{"a":{"b":1}}}!', '{"a":{"b":1}}!'],
    // an unbalanced `{` in a default: the first `}` closes, as before
    ['${UNSET:-a{b}c', 'a{bc'],
  ])('%s → %s', (template, expected) => {
    expect(sub(template)).toBe(expected);
  });

  test('unset variables used without a default are reported once each', () => {
    expect(substitute('$A ${A} ${B:-x} ${C}', lookup).unset).toEqual(['A', 'C']);
  });

  test('defaults are expanded lazily, like a shell', () => {
    expect(sub('${SET:-${NOPE:?never evaluated}}')).toBe('value');
    expect(substitute('${SET:-$NOPE}', lookup).unset).toEqual([]);
  });

  test.each([
    ['${UNSET:?please set it}', 'required variable `UNSET` is not set: please set it'],
    ['${EMPTY:?must not be empty}', 'required variable `EMPTY` is empty: must not be empty'],
    ['${UNSET?}', 'required variable `UNSET` is not set'],
    ['${UNSET?msg with $B}', 'required variable `UNSET` is not set: msg with bee'],
  ])('required %s', (template, message) => {
    const f = failure(template);
    expect(f.kind).toBe('required');
    expect(f.message).toBe(message);
  });

  test('${EMPTY?x} is satisfied by an empty value', () => {
    expect(sub('${EMPTY?x}')).toBe('');
  });

  test.each([
    ['${}', 'expected a variable name'],
    ['${1X}', 'expected a variable name'],
    ['${SET', 'missing closing'],
    ['${UNSET:-${B}', 'missing closing'],
    ['${SET/a/b}', 'Compose supports only'],
    ['${SET:0:2}', 'Compose supports only'],
    ['${ SET }', 'expected a variable name'],
  ])('malformed %s', (template, fragment) => {
    const f = failure(template);
    expect(f.kind).toBe('syntax');
    expect(f.message).toContain(fragment);
  });
});

describe('castValue', () => {
  test('booleans the YAML 1.1 way, integers, floats', () => {
    expect(castValue('yes', 'bool')).toBe(true);
    expect(castValue('Off', 'bool')).toBe(false);
    expect(castValue('maybe', 'bool')).toBeUndefined();
    expect(castValue('42', 'int')).toBe(42);
    expect(castValue('4.2', 'int')).toBeUndefined();
    expect(castValue('0.5', 'float')).toBe(0.5);
    expect(castValue('.5', 'float')).toBe(0.5);
    expect(castValue('1e3', 'float')).toBe(1000);
    expect(castValue('x', 'float')).toBeUndefined();
  });
});

describe('interpolation while loading', () => {
  const compose = (body: string) => ({ '/app/compose.yaml': body });

  test('values are interpolated, keys are not', () => {
    const d = data(
      compose('services:\n  web:\n    image: "nginx:${TAG}"\n    labels:\n      "$KEY": "$VAL"\n    environment:\n      - "$NAME=x"\n'),
      { environment: { TAG: '1.25', KEY: 'k', VAL: 'v', NAME: 'N' } },
    );
    expect(d.services).toEqual({ web: { image: 'nginx:1.25', labels: { $KEY: 'v' }, environment: ['N=x'] } });
  });

  test('$$ becomes $ (spec example)', () => {
    const d = data(compose('services:\n  web:\n    image: busybox\n    command: "$$VAR_NOT_INTERPOLATED_BY_COMPOSE"\n'));
    expect((d.services as never as { web: { command: string } }).web.command).toBe('$VAR_NOT_INTERPOLATED_BY_COMPOSE');
  });

  test('interpolate: false keeps values exactly as written', () => {
    const d = data(compose('services:\n  web:\n    image: "nginx:${TAG}"\n    command: "$$X"\n    read_only: "${RO}"\n'), {
      interpolate: false,
      environment: { TAG: '1' },
    });
    expect(d.services).toEqual({ web: { image: 'nginx:${TAG}', command: '$$X', read_only: '${RO}' } });
  });

  test('an unset variable warns once per name, at its first use, and becomes empty', () => {
    const r = load(compose('services:\n  web:\n    image: "nginx:${TAG}"\n    labels:\n      a: "$TAG"\n  db:\n    image: "$TAG$OTHER"\n'));
    expect(r.result.data.services).toEqual({ web: { image: 'nginx:', labels: { a: '' } }, db: { image: '' } });
    const unset = r.warnings.filter((w) => w.code === 'interpolation/unset-variable');
    expect(unset.map((w) => w.message.split(' ')[1])).toEqual(['`TAG`', '`OTHER`']);
    // the column of the `$` inside the quoted value
    expect(unset[0].location).toEqual({ file: '/app/compose.yaml', line: 3, column: 19 });
    expect(unset[1].location).toEqual({ file: '/app/compose.yaml', line: 7, column: 17 });
    expect(unset[0].service).toBe('web');
    expect(unset[0].path).toBe('services.web.image');
  });

  test('a required variable fails at its location with its message', () => {
    const e = composeError(() => load(compose('services:\n  web:\n    image: nginx\n    environment:\n      DB: "${DB_URL:?set DB_URL to the database URL}"\n')));
    expect(e.code).toBe('compose/interpolation-required');
    expect(e.location).toEqual({ file: '/app/compose.yaml', line: 5, column: 12 });
    expect(e.message).toContain('set DB_URL to the database URL');
    expect(e.fix).toContain('DB_URL');
  });

  test('a malformed ${ fails at its location', () => {
    const e = composeError(() => load(compose('services:\n  web:\n    image: "${TAG"\n')));
    expect(e.code).toBe('compose/interpolation-syntax');
    expect(e.location).toEqual({ file: '/app/compose.yaml', line: 3, column: 13 });
    // plain scalars too; values with escapes or line breaks point at the start of the value
    expect(composeError(() => load(compose('services:\n  web:\n    image: nginx:${1}\n'))).location?.column).toBe(18);
    expect(composeError(() => load(compose('services:\n  web:\n    image: "\\t${1}"\n'))).location?.column).toBe(12);
    expect(composeError(() => load(compose('services:\n  web:\n    command: |\n      echo ${1}\n'))).location).toEqual({ file: '/app/compose.yaml', line: 3, column: 14 });
  });

  test('typed attributes are cast after interpolation', () => {
    const d = data(
      compose(
        'services:\n  web:\n    image: x\n    read_only: ${RO}\n    cpus: ${CPUS}\n    healthcheck:\n      retries: ${RETRIES}\n    mem_limit: ${MEM}\n    ports:\n      - target: ${PORT}\n        published: "8080"\n    ulimits:\n      nofile: ${NOFILE}\nvolumes:\n  data:\n    external: "${EXT}"\n',
      ),
      { environment: { RO: 'true', CPUS: '0.5', RETRIES: '3', MEM: '512m', PORT: '80', NOFILE: '1024', EXT: 'yes' } },
    );
    expect(d.services).toEqual({
      web: {
        image: 'x',
        read_only: true,
        cpus: 0.5,
        healthcheck: { retries: 3 },
        mem_limit: '512m',
        ports: [{ target: 80, published: '8080' }],
        ulimits: { nofile: 1024 },
      },
    });
    expect(d.volumes).toEqual({ data: { external: true } });
  });

  test('a value that cannot be cast is an error at its location', () => {
    const e = composeError(() => load(compose('services:\n  web:\n    image: x\n    privileged: ${P}\n'), { environment: { P: 'sometimes' } }));
    expect(e.code).toBe('compose/invalid-value');
    expect(e.message).toBe('`services.web.privileged` must be a boolean (true or false), not `sometimes`');
    expect(e.location).toEqual({ file: '/app/compose.yaml', line: 4, column: 17 });
  });

  describe('precedence', () => {
    const files = {
      '/app/compose.yaml': 'services:\n  web:\n    image: "${A}-${B}-${C}"\n',
      '/app/.env': 'A=dotenv\nB=dotenv\nC=dotenv\n',
      '/app/other.env': 'B=other\nC=other\n',
    };

    test('the process environment wins over .env', () => {
      const r = load(files, { environment: { A: 'process' } });
      expect((r.result.data.services as never as { web: { image: string } }).web.image).toBe('process-dotenv-dotenv');
      expect(r.result.environment).toMatchObject({ A: 'process', B: 'dotenv', C: 'dotenv' });
    });

    test('--env-file replaces .env; the process environment still wins', () => {
      const r = load(files, { environment: { C: 'process' }, envFiles: ['other.env'] });
      expect((r.result.data.services as never as { web: { image: string } }).web.image).toBe('-other-process');
      expect(codes(r.warnings)).toContain('interpolation/unset-variable');
    });

    test('several --env-file files: later ones win', () => {
      const r = load({ ...files, '/app/third.env': 'C=third\n' }, { envFiles: ['/app/other.env', '/app/third.env'] });
      expect((r.result.data.services as never as { web: { image: string } }).web.image).toBe('-other-third');
    });

    test('a missing --env-file is an error; a missing .env is not', () => {
      expect(composeError(() => load(files, { envFiles: ['nope.env'] })).code).toBe('compose/env-file-not-found');
      expect(() => load({ '/app/compose.yaml': 'services: {}\n' })).not.toThrow();
    });

    test('.env values can use the process environment and earlier values', () => {
      const r = load({ '/app/compose.yaml': 'services: {}\n', '/app/.env': 'A=${HOST_VAR}-x\nB=${A}-y\n' }, { environment: { HOST_VAR: 'h' } });
      expect(r.result.environment).toMatchObject({ A: 'h-x', B: 'h-x-y' });
    });
  });

  test('COMPOSE_PROJECT_NAME is available: from the environment, else top-level name, else the directory', () => {
    const body = 'name: "My_App"\nservices:\n  web:\n    image: "img-${COMPOSE_PROJECT_NAME}"\n';
    expect((data({ '/app/compose.yaml': body }).services as never as { web: { image: string } }).web.image).toBe('img-my_app');
    expect((data({ '/app/compose.yaml': body }, { environment: { COMPOSE_PROJECT_NAME: 'env' } }).services as never as { web: { image: string } }).web.image).toBe('img-env');
    expect((data({ '/app/compose.yaml': body }, { projectName: 'flag' }).services as never as { web: { image: string } }).web.image).toBe('img-flag');
    const noName = 'services:\n  web:\n    image: "img-${COMPOSE_PROJECT_NAME}"\n';
    expect((data({ '/srv/My.Project/compose.yaml': noName }, { workingDirectory: '/srv/My.Project' }).services as never as { web: { image: string } }).web.image).toBe('img-myproject');
  });

  test('profiles come from the option, else COMPOSE_PROFILES', () => {
    const files = { '/app/compose.yaml': 'services: {}\n', '/app/.env': 'COMPOSE_PROFILES=debug, tools,\n' };
    expect(load(files).result.activeProfiles).toEqual(['debug', 'tools']);
    expect(load(files, { profiles: ['prod'] }).result.activeProfiles).toEqual(['prod']);
    expect(load({ '/app/compose.yaml': 'services: {}\n' }).result.activeProfiles).toEqual([]);
  });
});
