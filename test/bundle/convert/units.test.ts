/**
 * Unit tests of the converter's building blocks: names, links, database detection, secret names,
 * x-beanstack parsing, rendering.
 */
import * as fc from 'fast-check';
import { Document as YamlDocument, isPair, isScalar, parse as parseYaml, visit } from 'yaml';
import { sortDeep } from '../../../lib/util/sort-deep';
import { databaseUrlHost, detectEngine, EnvironmentTemplates, groupHostOf, majorVersion, parseImage, variableRole, databaseFacts, VariableEvidence } from '../../../lib/bundle/plan/database-facts';
import { isSecretName } from '../../../lib/bundle/keys';
import { SecretValues } from '../../../lib/bundle/plan/secrets';
import { mentionsHost, NameResolutionInput, resolveNames } from '../../../lib/bundle/plan/name-resolution';
import { assignNames, envNameForSecret, sanitizeName, volumeSlug } from '../../../lib/bundle/names';
import { renderJson, renderYaml } from '../../../lib/bundle/emit/serialize';
import { duration, escapeDollars } from '../../../lib/bundle/emit/production-compose';
import { shellQuote } from '../../../lib/bundle/emit/dockerrun-v1';
import { parseMemoryMiB, splitCommand } from '../../../lib/bundle/x-beanstack';
import { project, service } from './model-builders';

describe('names', () => {
  test('sanitizes to the ECS charset', () => {
    expect(sanitizeName('web.frontend')).toBe('web-frontend');
    expect(sanitizeName('a b/c')).toBe('a-b-c');
    expect(sanitizeName('x'.repeat(300))).toHaveLength(255);
  });
  test('collisions get stable suffixes that do not depend on input order', () => {
    const a = assignNames(['web.1', 'web-1', 'web_1', 'web:1']);
    const b = assignNames(['web:1', 'web_1', 'web-1', 'web.1']);
    expect(a).toEqual(b);
    expect(a['web-1']).toBe('web-1');
    expect(a['web_1']).toBe('web_1');
    expect(new Set(Object.values(a)).size).toBe(4);
    expect(a['web.1']).toBe('web-1-2');
    expect(a['web:1']).toBe('web-1-3');
  });
  test('many names sanitized alike get the smallest free suffixes (checked against a probe from -2 for each)', () => {
    const reference = (originals: readonly string[]): Record<string, string> => {
      const out: Record<string, string> = {};
      const used = new Set<string>();
      const sorted = [...new Set(originals)].sort();
      for (const o of sorted) if (sanitizeName(o) === o && !used.has(o)) used.add((out[o] = o));
      for (const o of sorted) {
        if (o in out) continue;
        let candidate = sanitizeName(o);
        for (let i = 2; used.has(candidate); i++) candidate = `${sanitizeName(o).slice(0, 250)}-${i}`;
        used.add((out[o] = candidate));
      }
      return out;
    };
    const names = [...Array.from({ length: 300 }, (_, i) => `web.${i % 7}`), ...Array.from({ length: 300 }, (_, i) => `web:${i}`), 'web-1', 'web-2', 'web-0-3', 'web', 'web.', 'web:'];
    expect({ ...assignNames(names) }).toEqual(reference(names));
    expect({ ...assignNames(['a.b', 'a:b', 'a b', 'a-b-2', 'a-b']) }).toEqual({ 'a b': 'a-b-3', 'a-b': 'a-b', 'a-b-2': 'a-b-2', 'a.b': 'a-b-4', 'a:b': 'a-b-5' });
  });
  test('secret names become variable names', () => {
    expect(envNameForSecret('db-password')).toBe('DB_PASSWORD');
    expect(envNameForSecret('1st.key')).toBe('_1ST_KEY');
    expect(volumeSlug('nginx/default.conf')).toBe('nginx-default-conf');
  });
});

describe('links', () => {
  const input = (over: Partial<NameResolutionInput> = {}): NameResolutionInput => ({
    services: ['api', 'cache', 'nginx', 'worker'],
    networks: { api: ['default'], cache: ['default'], nginx: ['default'], worker: ['default'] },
    names: { api: [{ name: 'api' }], cache: [{ name: 'cache' }, { name: 'redis.local', network: 'default' }], nginx: [{ name: 'nginx' }], worker: [{ name: 'worker' }] },
    tiers: { api: 1, cache: 0, nginx: 3, worker: 1 },
    explicit: [],
    mentions: [],
    declared: {},
    linkAliases: {},
    ...over,
  });
  const targets = (r: ReturnType<typeof resolveNames>) => Object.fromEntries(Object.entries(r.links).map(([k, v]) => [k, v.map((l) => l.service)]));
  test('every pair keeps one direction: data stores first, proxies last, then by name', () => {
    const r = resolveNames(input());
    expect(r.order).toEqual(['cache', 'api', 'worker', 'nginx']);
    expect(targets(r)).toEqual({ api: ['cache'], nginx: ['api', 'cache', 'worker'], worker: ['api', 'cache'] });
    expect(r.oneWay).toEqual({ api: ['nginx', 'worker'], cache: ['api', 'nginx', 'worker'], worker: ['nginx'] });
    // a network alias with a dot is no ECS link alias
    expect(r.invalidAliases).toContainEqual({ from: 'api', to: 'cache', alias: 'redis.local' });
  });
  test('explicit dependencies and names in use decide the order; a use that would close a cycle is unresolved', () => {
    const r = resolveNames(input({
      explicit: [{ from: 'api', to: 'worker', reason: 'depends_on', pointer: '/services/api/depends_on/worker' }],
      mentions: [{ from: 'worker', to: 'api', name: 'api', where: 'environment API', pointer: '/services/worker/environment/API' }],
    }));
    expect(r.order).toEqual(['cache', 'worker', 'api', 'nginx']);
    expect(r.unresolved.map((m) => `${m.from}->${m.to}`)).toEqual(['worker->api']);
    expect(r.oneWay.worker).toEqual(['nginx']);
  });
  test('explicit cycles are reported; services on different networks do not link', () => {
    const r = resolveNames(input({
      networks: { api: ['back'], cache: ['back'], nginx: ['front'], worker: ['back'] },
      explicit: [
        { from: 'api', to: 'worker', reason: 'depends_on', pointer: '' },
        { from: 'worker', to: 'api', reason: 'links', pointer: '' },
      ],
    }));
    expect(r.explicitCycles).toHaveLength(1);
    expect(r.links.nginx).toBeUndefined();
  });
  test('connects_to declares exactly who a service reaches', () => {
    const r = resolveNames(input({ declared: { nginx: ['api'] }, explicit: [{ from: 'nginx', to: 'api', reason: 'x-beanstack.connects_to', pointer: '' }] }));
    expect(targets(r).nginx).toEqual(['api']);
  });
  test.each([
    ['redis://cache:6379', 'cache', true],
    ['cache', 'cache', true],
    ['http://user:pw@cache/x', 'cache', true],
    ['--host=cache --port 1', 'cache', true],
    ['the cache is warm', 'cache', true],
    ['mongodb://mongo:27017/db', 'db', false],
    ['cachedb', 'cache', false],
    ['my-cache', 'cache', false],
  ])('mentionsHost(%j, %j) = %j', (text, host, expected) => {
    expect(mentionsHost(text, host)).toBe(expected);
  });
});

describe('databases', () => {
  test.each([
    ['mysql:8.0.27', 'mysql', '8.0'],
    ['mariadb:10.6.4-focal', 'mariadb', '10.6'],
    ['postgres:16-alpine', 'postgres', '16'],
    ['postgres:9.6.24', 'postgres', '9.6'],
    ['docker.io/library/postgres:13.2', 'postgres', '13'],
    ['bitnami/mysql', 'mysql', undefined],
    ['mongo:7', undefined, undefined],
  ])('%s → %s %s', (image, engine, major) => {
    expect(detectEngine(image)).toBe(engine);
    if (engine) expect(majorVersion(engine as 'mysql', image)).toBe(major);
  });
  test('image references', () => {
    expect(parseImage('localhost:5000/app')).toEqual({ repository: 'localhost:5000/app' });
    expect(parseImage('app:1@sha256:abc')).toEqual({ repository: 'app', tag: '1', digest: 'sha256:abc' });
  });
  test('connection URLs', () => {
    expect(databaseUrlHost('mysql://u:p@db:3306/x')).toBe('db');
    expect(databaseUrlHost('jdbc:postgresql://pg/x')).toBe('pg');
    expect(databaseUrlHost('postgresql+asyncpg://u@pg:5432/x')).toBe('pg');
    expect(databaseUrlHost('redis://cache:6379')).toBeUndefined();
  });
  test('variable roles', () => {
    const p = project([
      service('db', { image: 'mysql:8.0', environment: { MYSQL_USER: 'shop', MYSQL_PASSWORD: 'pw', MYSQL_DATABASE: 'shopdb' } }),
    ]);
    const f = databaseFacts(p, 'db', 'mysql');
    const role = (name: string, value: string | null, more: Partial<VariableEvidence> = {}) => variableRole(f, { name, value, connects: true, ...more });
    expect(role('DB_HOST', 'db')).toBe('host');
    expect(role('DB_PORT', '3306')).toBe('port');
    expect(role('TIMEOUT', '3306')).toBeUndefined();
    expect(role('DB_USER', 'shop')).toBe('user');
    expect(role('DB_USER', 'root')).toBe('user');
    expect(role('OWNER', 'root')).toBeUndefined();
    expect(role('DB_PASSWORD', 'pw')).toBe('password');
    expect(role('DB_NAME', 'shopdb')).toBe('database');
    expect(role('URL', 'mysql://shop:pw@db/shopdb')).toBe('url');
    expect(role('URL', 'mysql://shop:pw@elsewhere/shopdb')).toBeUndefined();
    // a service that does not reach the database: its DB_* variables are someone else's
    expect(role('DB_PASSWORD', 'pw', { connects: false })).toBeUndefined();
  });
});

test('a user name equal to the database service name is a user, not a host', () => {
  const p = project([service('postgres', { image: 'postgres:16' })]);
  const f = databaseFacts(p, 'postgres', 'postgres');
  const role = (name: string, value: string) => variableRole(f, { name, value, connects: true });
  expect(role('SPRING_DATASOURCE_USERNAME', 'postgres')).toBe('user');
  expect(role('PGHOST', 'postgres')).toBe('host');
  expect(role('PGDATABASE', 'postgres')).toBe('database');
  expect(role('TARGET', 'postgres')).toBe('host');
});

test('the variable name decides between equal values (gitea: user, password and database are all "gitea")', () => {
  const p = project([service('db', { image: 'postgres:14', environment: { POSTGRES_USER: 'gitea', POSTGRES_PASSWORD: 'gitea', POSTGRES_DB: 'gitea' } })]);
  const f = databaseFacts(p, 'db', 'postgres');
  const role = (name: string, value: string) => variableRole(f, { name, value, connects: true });
  expect(role('DB_USER', 'gitea')).toBe('user');
  expect(role('DB_PASSWD', 'gitea')).toBe('password');
  expect(role('DB_NAME', 'gitea')).toBe('database');
  expect(role('DB_HOST', 'db:5432')).toBe('host');
  expect(role('DB_HOST', 'db:6000')).toBeUndefined();
  expect(role('DB_HOST', 'elsewhere')).toBeUndefined();
  // equal to the database password, but not named as the database's: not rewired (pgAdmin's own login)
  expect(role('GREETING', 'gitea')).toBeUndefined();
  expect(role('PGADMIN_DEFAULT_PASSWORD', 'gitea')).toBeUndefined();
});

test('the text a variable is written with, in mapping or list form, by service', () => {
  const p = project([
    service('api', { environment: { DB_PASSWORD: 'x', 'A/B': 'y', 'C~D': 'z' } }),
    service('worker', { environment: { TOKEN: 't', OTHER: 'o', DB_PASSWORD: 'x' } }),
  ], {
    templates: {
      '/services/api/environment/DB_PASSWORD': '${PASSWORD}',
      '/services/api/environment/A~1B': '${SLASH}',
      '/services/api/environment/C~0D': '${TILDE}',
      '/services/worker/environment/1': 'TOKEN=${TOKEN:-t}',
      '/services/worker/environment/0': 'DB_PASSWORD=${PASSWORD}',
      '/services/worker/environment/12': 'OTHER=${TOO_FAR}',
      '/services/other/environment/TOKEN': '${NOT_OURS}',
      '/services/api/command/0': '${NOT_ENVIRONMENT}',
    },
  });
  const templates = new EnvironmentTemplates(p);
  expect(templates.of('api', 'DB_PASSWORD')).toBe('${PASSWORD}');
  expect(templates.of('api', 'A/B')).toBe('${SLASH}');
  expect(templates.of('api', 'C~D')).toBe('${TILDE}');
  expect(templates.of('worker', 'TOKEN')).toBe('${TOKEN:-t}');
  expect(templates.of('worker', 'DB_PASSWORD')).toBe('${PASSWORD}');
  // list items are looked for up to 8 places past the number of variables
  expect(templates.of('worker', 'OTHER')).toBeUndefined();
  expect(templates.of('api', 'TOKEN')).toBeUndefined();
  expect(templates.of('nobody', 'TOKEN')).toBeUndefined();
  expect(new EnvironmentTemplates(project([service('api')])).of('api', 'X')).toBeUndefined();
});

test('database variables come from the compose text, with or without the .env that fills them', () => {
  const p = project([service('db', { image: 'postgres:16', environment: { POSTGRES_PASSWORD: 'from-dotenv' } })]);
  const withTemplates = { ...p, templates: { '/services/db/environment/POSTGRES_PASSWORD': '${POSTGRES_PASSWORD}' } };
  const f = databaseFacts(withTemplates, 'db', 'postgres');
  for (const value of ['from-dotenv', '']) {
    // a reference to the database's own variable, in a service with no other tie to it
    expect(variableRole(f, { name: 'APP_SECRET_X', value, template: '${POSTGRES_PASSWORD}', connects: false })).toBe('password');
    // a name that says what it is, in a service that reaches the database
    expect(variableRole(f, { name: 'PGPASSWORD', value, template: '${POSTGRES_PASSWORD}', connects: true })).toBe('password');
    expect(variableRole(f, { name: 'DB_HOST', value: value === '' ? '' : 'db', template: '${DB_HOST}', connects: false })).toBe('host');
  }
  // the group's host names another server: CACHE_* / REDIS_* belong to it
  expect(variableRole(f, { name: 'DB_PASSWORD', value: 'x', connects: true, groupHost: 'other-db' })).toBeUndefined();
  expect(groupHostOf('DB_ROOT_PASSWORD', { DB_HOST: 'db', CACHE_HOST: 'redis' })).toBe('db');
  expect(groupHostOf('CACHE_PASSWORD', { DB_HOST: 'db', CACHE_HOST: 'redis' })).toBe('redis');
});

describe('secret values', () => {
  test('the values found in a text come in the order they were added, each once, with what holds them', () => {
    const values = new SecretValues();
    const many = Array.from({ length: 2000 }, (_, i) => `not-in-the-text-${String(i).padStart(5, '0')}`);
    values.add('zz-second-secret-value', 'B');
    for (const v of many) values.add(v, 'OTHER');
    values.add('aa-first-secret-value', 'A');
    values.add('zz-second-secret-value', 'C');
    values.add('abc', 'D');
    expect(values.within('x aa-first-secret-value y zz-second-secret-value aa-first-secret-value abc')).toEqual(['zz-second-secret-value', 'aa-first-secret-value']);
    expect(values.holderOf('zz-second-secret-value')).toBe('B');
    expect(values.holderOf('abc')).toBeUndefined();
    expect(values.within('nothing secret here')).toEqual([]);
  });
});

describe('secret names', () => {
  test.each(['DB_PASSWORD', 'MYSQL_ROOT_PASSWORD', 'JWT_SECRET', 'GITHUB_TOKEN', 'STRIPE_API_KEY', 'AWS_SECRET_ACCESS_KEY', 'PRIVATE_KEY', 'GOOGLE_APPLICATION_CREDENTIALS', 'DB_PASS', 'SENTRY_DSN'])('%s is secret', (n) => {
    expect(isSecretName(n)).toBe(true);
  });
  test.each(['DB_HOST', 'PORT', 'NODE_ENV', 'PASSWORD_FILE', 'DB_PASSWORD_FILE', 'PASSPORT_STRATEGY', 'TOKEN_TYPE', 'KEYCLOAK_URL'])('%s is not secret', (n) => {
    expect(isSecretName(n)).toBe(false);
  });
  test('the word rules say what the regular expressions they replaced said (generated names)', () => {
    // the definition before: one case-insensitive expression per rule, on the whole name
    const patterns = [/PASSWORD/i, /PASSWD/i, /(^|_)PASS($|_)/i, /(^|_)PWD($|_)/i, /SECRET/i, /TOKEN/i, /API_?KEY/i, /ACCESS_?KEY/i, /PRIVATE_?KEY/i, /SIGNING_?KEY/i,
      /ENCRYPTION_?KEY/i, /(^|_)SALT($|_)/i, /CREDENTIAL/i, /(^|_)DSN($|_)/i, /SESSION_?KEY/i, /CLIENT_?KEY/i, /MASTER_?KEY/i, /LICENSE_?KEY/i, /WEBHOOK_?URL/i,
      /(^|_)(APP|JWT|AUTH|HMAC|CRYPT|CRYPTO|ENC|SIGN|COOKIE|CSRF|OAUTH|WEBHOOK)_?KEY($|_)/i, /(^|_)PAT$/i];
    const exempt = ['PASSWORD_FILE', 'TOKEN_TYPE', 'AUTH_TYPE', 'AUTH_MODE', 'SECRET_PATH'];
    const reference = (n: string) => !(n.toUpperCase().endsWith('_FILE') || exempt.includes(n.toUpperCase())) && patterns.some((p) => p.test(n));
    const pieces = ['PASS', 'pass', 'PASSWORD', 'PASSWD', 'PWD', 'SECRET', 'TOKEN', 'API', 'ACCESS', 'PRIVATE', 'SIGNING', 'ENCRYPTION', 'SALT', 'CREDENTIAL', 'DSN', 'SESSION',
      'CLIENT', 'MASTER', 'LICENSE', 'WEBHOOK', 'URL', 'APP', 'Jwt', 'AUTH', 'HMAC', 'CRYPT', 'CRYPTO', 'ENC', 'SIGN', 'COOKIE', 'CSRF', 'OAUTH', 'KEY', 'key', 'PAT', 'pat',
      'FILE', 'TYPE', 'MODE', 'PATH', 'DB', 'X', 'S', '_', '_', '__', '1'];
    fc.assert(fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 6 }), fc.string({ maxLength: 3 }), (parts, noise) => {
      for (const name of [parts.join(''), parts.join('_'), parts.join('') + noise, noise + parts.join('_')]) expect([name, isSecretName(name)]).toEqual([name, reference(name)]);
    }), { numRuns: 3000 });
  });
});

describe('x-beanstack values', () => {
  test.each([
    [512, 512], ['512', 512], ['512m', 512], ['1g', 1024], ['1.5G', 1536], ['256MiB', 256], ['1048576b', 1], ['2048k', 2],
  ])('memory %j = %j MiB', (v, mib) => expect(parseMemoryMiB(v)).toBe(mib));
  test.each([['lots'], [-1], [0], [null], ['12x']])('memory %j is invalid', (v) => expect(parseMemoryMiB(v)).toBeUndefined());
  test('commands split like a shell', () => {
    expect(splitCommand(`gunicorn app:wsgi --bind "0.0.0.0:8000" --log 'a b' x\\ y`)).toEqual(['gunicorn', 'app:wsgi', '--bind', '0.0.0.0:8000', '--log', 'a b', 'x y']);
    expect(splitCommand(`''`)).toEqual(['']);
  });
  test('shell quoting round-trips', () => {
    const args = ['a b', "it's", '', '$HOME', 'plain'];
    expect(splitCommand(args.map(shellQuote).join(' '))).toEqual(args);
  });
});

describe('rendering', () => {
  test('JSON has sorted keys, 2 spaces and a trailing newline', () => {
    expect(renderJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe('{\n  "a": {\n    "d": [\n      3,\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n');
  });
  test('YAML double-quotes strings and risky keys so YAML 1.1 readers see strings', () => {
    const text = renderYaml({ services: { no: { ports: ['22:22', '80:80'], environment: { ON: 'yes', '1x': 'off' }, restart: 'no', cpus: 0.5 } } }, ['header']);
    expect(text).toContain('"no":');
    expect(text).toContain('- "22:22"');
    expect(text).toContain('"ON": "yes"');
    expect(text).toContain('"1x": "off"');
    expect(text).toContain('restart: "no"');
    expect(text).toContain('cpus: 0.5');
    expect(text.startsWith('# header\n')).toBe(true);
    expect(parseYaml(text)).toEqual({ services: { no: { cpus: 0.5, environment: { '1x': 'off', ON: 'yes' }, ports: ['22:22', '80:80'], restart: 'no' } } });
  });
  test('YAML is written byte for byte as the yaml package writes the document (checked on random data)', () => {
    /** The definition: the package's document, keys and strings styled, no line width. */
    const reference = (value: unknown, header?: readonly string[]): string => {
      const doc = new YamlDocument(sortDeep(value));
      visit(doc, {
        Pair(_, pair) {
          if (isPair(pair) && isScalar(pair.key) && typeof pair.key.value === 'string') {
            pair.key.type = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|<<|)$|^[-+.\d:?&*!|>'"%@`#,[\]{}]|[:#]\s|\s$|^\s/.test(pair.key.value) ? 'QUOTE_DOUBLE' : 'PLAIN';
          }
        },
        Scalar(key, node) {
          if (key !== 'key' && typeof node.value === 'string') node.type = 'QUOTE_DOUBLE';
        },
      });
      if (header && header.length > 0) doc.commentBefore = header.map((l) => ` ${l}`).join('\n');
      return doc.toString({ indent: 2, lineWidth: 0, minContentWidth: 0, indentSeq: true });
    };
    const text = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.constantFrom('', ' ', 'no', 'on', 'null', '~', '<<', '80:80', 'a: b', 'a #b', ' lead', 'trail ', '---', '...x', '%x', '@x', '9', '1e3', '0x1F', '.inf', 'a\nb', 'a \nb', 'a\n b', '\n', 'x\n', 'a\u0000b\u0007\u000b\u001b\u0085\u00a0\u2028\u2029\ud800'),
      fc.array(fc.constantFrom('word ', 'more', '\n', ' ', '\n\n', '"', '\\', '\t', 'é'), { maxLength: 30 }).map((parts) => parts.join('')),
      // around the length from which line breaks are written as line breaks
      fc.integer({ min: 32, max: 38 }).map((n) => `${'x'.repeat(n)}\ny`),
    );
    const key = fc.oneof(text, fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_./-]{0,8}$/), fc.constantFrom('10', '9', '0', '01', '-1', '4294967294', '4294967295', 'x'.repeat(1030), 'y'.repeat(1020)));
    const leaf = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constantFrom(0.5, -0, 1e21, 1e-7, NaN, Infinity, -Infinity));
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('list'), tie('map')),
      list: fc.array(tie('tree'), { maxLength: 4 }),
      map: fc.dictionary(key, tie('tree'), { maxKeys: 5 }),
    }));
    const header = fc.option(fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('', ' ', 'a\nb')), { maxLength: 3 }), { nil: undefined });
    fc.assert(fc.property(fc.oneof(fc.dictionary(key, tree, { maxKeys: 6 }), fc.array(tree, { maxLength: 4 })), header, (value, h) => {
      expect(renderYaml(value, h)).toBe(reference(value, h));
    }), { numRuns: 3000 });
    // the cases the direct writer leaves to the package come out the same too
    for (const odd of [{ 'a b': 1 }, { a: [1, undefined] }, { ['k'.repeat(2000)]: 1 }, { 'x\u0001': 2 }, "top-level string"]) expect(renderYaml(odd, ['h'])).toBe(reference(odd, ['h']));
  });
  test('compose durations and $ escaping', () => {
    expect(duration(45000)).toBe('45s');
    expect(duration(90000)).toBe('1m30s');
    expect(duration(3600000)).toBe('1h');
    expect(duration(1500)).toBe('1500ms');
    expect(duration(0)).toBe('0s');
    expect(escapeDollars({ a: ['$x', 'b$$'], n: 1 })).toEqual({ a: ['$$x', 'b$$$$'], n: 1 });
  });
});

