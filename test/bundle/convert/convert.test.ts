/**
 * composeToBundle on hand-built models: the rules that matter most, checked on specific properties
 * (the fixture folders check whole outputs through the loader).
 */
import { composeToBundle, EXECUTION_ROLE_PLACEHOLDER } from '../../../lib/bundle';
import { BundleError, formatError } from '../../../lib/errors';
import { build, project, ROOT, service, started } from './model-builders';
import { validateOutput } from '../../../lib/bundle/validate/output';

const at = (line: number, column = 5) => ({ file: `${ROOT}/compose.yaml`, line, column });

function error(fn: () => unknown): BundleError {
  try {
    fn();
  } catch (e) {
    if (e instanceof BundleError) return e;
    throw e;
  }
  throw new Error('expected a BundleError');
}

test('a fatal error lists every fatal key of the file at once, sorted by position, with file:line', () => {
  const p = project([
    service('vpn', { image: 'linuxserver/wireguard:1', capAdd: ['NET_ADMIN'], other: { devices: ['/dev/net/tun'] } }),
    service('media', { image: 'plex:1', networkMode: 'host' }),
    service('web', { image: 'nginx:1.27', ports: [{ target: 80, published: '80', protocol: 'tcp' }] }),
  ], {
    locations: {
      '/services/vpn/cap_add': at(4),
      '/services/vpn/devices': at(6),
      '/services/media/network_mode': at(10),
    },
  });
  const e = error(() => composeToBundle(p));
  expect(e.code).toBe('bundle/fatal-key');
  expect(e.details.map((d) => `${d.location?.line}: ${d.message.split(':')[0]}`)).toEqual([
    '4: services.vpn.cap_add NET_ADMIN',
    '6: services.vpn.devices',
    '10: services.media.network_mode "host"',
  ]);
  expect(formatError(e, ROOT)).toContain('compose.yaml:10:5: services.media.network_mode "host"');
  expect(e.fix).toMatch(/exclude/);
});

test('container names are sanitized with a stable mapping and links keep the original name as alias', () => {
  const p = project([
    service('web.frontend', { image: 'nginx:1.27', ports: [{ target: 80, published: '80', protocol: 'tcp' }], dependsOn: { 'api.v1': started } }),
    service('api.v1', { image: 'example/api:1', environment: { CACHE: 'redis://cache:6379' } }),
    service('cache', { image: 'redis:7', containerName: 'my_cache' }),
  ]);
  const { result, warnings } = composeToBundle(p);
  expect(result.containers).toEqual({ 'api.v1': 'api-v1', cache: 'cache', 'web.frontend': 'web-frontend' });
  const doc = JSON.parse((result.files[0] as { content: string }).content);
  expect(doc.AWSEBDockerrunVersion).toBe(2);
  const byName = Object.fromEntries(doc.containerDefinitions.map((c: { name: string }) => [c.name, c]));
  // ECS link aliases are letters, digits, _ and -: the name api.v1 cannot be kept, and says so
  expect(byName['web-frontend'].links).toEqual(['api-v1', 'cache', 'cache:my_cache']);
  expect(byName['api-v1'].links).toEqual(['cache', 'cache:my_cache']);
  expect(byName.cache.links).toBeUndefined();
  expect(warnings.filter((w) => w.code === 'bundle/link-alias').map((w) => w.message)).toEqual([
    'the name "api.v1" of services.api.v1 cannot be a link alias on the ECS platform (letters, digits, _ and - only), so other containers cannot reach it by that name; use a name of letters, digits, _ and -',
  ]);
});

test('secrets and database credentials never appear in any artifact', () => {
  const p = project([
    service('api', {
      build: build('api'),
      ports: [{ target: 3000, published: '80', protocol: 'tcp' }],
      environment: { DB_HOST: 'db', DB_PASSWORD: 'hunter2-db', JWT_SECRET: 'hunter2-jwt', PLAIN: 'visible' },
      envFileValues: { STRIPE_API_KEY: { value: 'hunter2-stripe', file: `${ROOT}/.env.api`, line: 1 } },
    }),
    service('db', { image: 'mysql:8.0', environment: { MYSQL_ROOT_PASSWORD: 'hunter2-db' } }),
  ]);
  for (const target of ['ecs', 'docker', 'single'] as const) {
    const { result, warnings } = composeToBundle(p, { target, images: { api: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1' } });
    const everything = JSON.stringify({ result, warnings });
    expect(everything).not.toContain('hunter2');
    expect(everything).toContain('visible');
    expect(result.secrets.map((s) => `${s.name}:${s.source}`)).toEqual(['JWT_SECRET:variable', 'STRIPE_API_KEY:env-file']);
    expect(result.databases[0].variables.map((v) => `${v.name}:${v.role}`)).toEqual(['DB_HOST:host', 'DB_PASSWORD:password']);
    if (target === 'ecs') expect(result.executionRoleArn).toBe(EXECUTION_ROLE_PLACEHOLDER);
  }
});

test('--image for a service that is not in the bundle is a user error naming the services', () => {
  const p = project([service('web', { image: 'nginx:1.27', ports: [{ target: 80, published: '80', protocol: 'tcp' }] })]);
  const e = error(() => composeToBundle(p, { images: { wbe: 'example/x:1' } }));
  expect(e.code).toBe('bundle/image-option');
  expect(e.details[0].message).toContain('the services are web');
});

test('a placeholder image is marked on the image build and warned about', () => {
  const p = project([service('web', { build: build('web'), ports: [{ target: 80, published: '80', protocol: 'tcp' }] })]);
  const { result, warnings } = composeToBundle(p);
  expect(result.images).toEqual([expect.objectContaining({ service: 'web', placeholder: true, imageRef: 'beanstack-placeholder/web', dockerfile: 'Dockerfile', platform: 'linux/amd64', context: `${ROOT}/web` })]);
  expect(warnings.map((w) => w.code)).toContain('bundle/placeholder-image');
});

test('depends_on a replaced database without a host variable warns that the name will not resolve', () => {
  const p = project([
    service('api', { image: 'example/api:1', ports: [{ target: 80, published: '80', protocol: 'tcp' }], dependsOn: { db: started } }),
    service('db', { image: 'postgres:16' }),
  ]);
  const { result, warnings } = composeToBundle(p);
  expect(result.databases).toEqual([expect.objectContaining({ service: 'db', engine: 'postgres', majorVersion: '16', port: 5432, variables: [] })]);
  expect(warnings.find((w) => w.code === 'bundle/database-host')?.service).toBe('api');
  const doc = JSON.parse((result.files[0] as { content: string }).content);
  expect(doc.containerDefinitions.map((c: { name: string }) => c.name)).toEqual(['api']);
  expect(doc.containerDefinitions[0].links).toBeUndefined();
});

test('waiting for a service to be healthy needs its healthcheck when conditions are written', () => {
  const p = project([
    service('web', { image: 'example/web:1', ports: [{ target: 80, published: '80', protocol: 'tcp' }], dependsOn: { cache: { condition: 'service_healthy', restart: false, required: true } } }),
    service('cache', { image: 'redis:7' }),
  ]);
  expect(error(() => composeToBundle(p, { containerHealthChecks: true })).code).toBe('bundle/depends-on-healthcheck');
  expect(error(() => composeToBundle(p, { target: 'docker' })).details[0].message).toContain('"cache" has no healthcheck');
  // without the option nothing is written, so nothing can hang
  expect(composeToBundle(p).warnings.map((w) => w.code)).toContain('bundle/depends-on-condition');
});

test('an output rule broken by one service\'s setting is that setting\'s located user error, not "a bug in beanstack"', () => {
  const location = { file: '/app/compose.yaml', line: 7, column: 9 };
  const doc = {
    AWSEBDockerrunVersion: 2,
    containerDefinitions: [{ name: 'web', image: 'nginx:1.27', essential: true, memoryReservation: 64, mountPoints: [{ sourceVolume: 'v', containerPath: 'relative/path' }] }],
    volumes: [{ name: 'v', host: { sourcePath: '/var/app/current/x' } }],
  };
  const traced = (): unknown => validateOutput('ecs', doc, undefined, () => ({ service: 'web', location }));
  expect(traced).toThrow(expect.objectContaining({ code: 'bundle/inexpressible-setting', location }));
  // without a source the same failure is still reported, as beanstack's own
  expect(() => validateOutput('ecs', doc)).toThrow(expect.objectContaining({ code: 'bundle/invalid-output' }));
});
