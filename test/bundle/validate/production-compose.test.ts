import { validateProductionCompose, ValidationIssue } from '../../../lib/bundle/validate';
import { IMAGE_PLACEHOLDER_PREFIX } from '../../../lib/bundle/types';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function good(): Doc {
  return {
    services: {
      proxy: {
        image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/proxy:1.0',
        ports: ['80:80'],
        depends_on: ['api'],
        volumes: ['./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro', '${EB_LOG_BASE_DIR}/proxy:/var/log/nginx'],
      },
      api: {
        image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.0',
        env_file: ['.env'],
        environment: { NODE_ENV: 'production' },
        expose: ['3000'],
        volumes: [{ type: 'volume', source: 'uploads', target: '/app/uploads' }],
        deploy: { resources: { limits: { memory: '512M' }, reservations: { memory: '256M' } } },
        healthcheck: { test: ['CMD', 'true'], interval: '30s' },
      },
    },
    volumes: { uploads: {} },
  };
}
const bundleFiles = ['docker-compose.yml', 'nginx/default.conf', 'config/app.env', 'secrets/key.pem'];

function withChange(change: (d: Doc) => void): Doc {
  const d = good();
  change(d);
  return d;
}

describe('validateProductionCompose', () => {
  test('the good file has no issues, with and without the bundle file list', () => {
    expect(validateProductionCompose(good())).toEqual([]);
    expect(validateProductionCompose(good(), { bundleFiles })).toEqual([]);
  });

  test('version "3.8" is accepted with an obsolete-version warning', () => {
    const issues = validateProductionCompose(withChange((d) => (d.version = '3.8')));
    expect(issues.map((i) => [i.code, i.severity])).toEqual([['compose/obsolete-version', 'warning']]);
  });

  const cases: [string, (d: Doc) => void, string, string, 'error' | 'warning'][] = [
    ['not a mapping', () => undefined, 'compose/not-a-mapping', '', 'error'],
    ['version not accepted by 1.29.2', (d) => (d.version = '4'), 'compose/invalid-version', 'version', 'error'],
    ['version as a number', (d) => (d.version = 3.8), 'compose/invalid-version', 'version', 'error'],
    ['top-level name', (d) => (d.name = 'app'), 'compose/unsupported-key', 'name', 'error'],
    ['no services', (d) => (d.services = {}), 'compose/no-services', 'services', 'error'],
    ['invalid service name', (d) => (d.services['api/v2'] = d.services.api), 'compose/invalid-service-name', 'services["api/v2"]', 'error'],
    ['develop key', (d) => (d.services.api.develop = { watch: [] }), 'compose/unsupported-key', 'services.api.develop', 'error'],
    ['misspelt key', (d) => (d.services.api.enviroment = {}), 'compose/unsupported-key', 'services.api.enviroment', 'error'],
    ['neither image nor build', (d) => delete d.services.api.image, 'compose/image-missing', 'services.api.image', 'error'],
    ['placeholder image', (d) => (d.services.api.image = `${IMAGE_PLACEHOLDER_PREFIX}api`), 'dockerrun/image-placeholder', 'services.api.image', 'error'],
    ['invalid image', (d) => (d.services.api.image = 'API:1'), 'compose/invalid-image', 'services.api.image', 'error'],
    ['build key unknown to 1.29.2', (d) => (d.services.api.build = { context: './api', platforms: ['linux/amd64'] }), 'compose/unsupported-key', 'services.api.build.platforms', 'error'],
    ['no web port', (d) => (d.services.proxy.ports = ['8080:80']), 'compose/no-web-port', 'services', 'error'],
    ['two web ports', (d) => (d.services.api.ports = ['80:3000']), 'compose/several-web-ports', 'services', 'error'],
    ['web port on localhost only', (d) => (d.services.proxy.ports = ['127.0.0.1:80:80']), 'compose/web-port-bound', 'services.proxy.ports[0]', 'error'],
    ['duplicate host port', (d) => (d.services.api.ports = ['8080:3000']) && d.services.proxy.ports.push('8080:81'), 'compose/duplicate-host-port', 'services.api.ports[0]', 'error'],
    ['invalid port', (d) => (d.services.api.ports = ['80:80:80:80']), 'compose/invalid-port', 'services.api.ports[0]', 'error'],
    ['long port with a published range', (d) => (d.services.proxy.ports = [{ target: 80, published: '80' }, { target: 81, published: '8000-8001' }]), 'compose/unsupported-syntax', 'services.proxy.ports[1]', 'error'],
    ['long port with host_ip', (d) => (d.services.proxy.ports = [{ target: 80, published: 80, host_ip: '0.0.0.0' }]), 'compose/unsupported-syntax', 'services.proxy.ports[0]', 'error'],
    ['env_file long syntax', (d) => (d.services.api.env_file = [{ path: '.env', required: false }]), 'compose/unsupported-key', 'services.api.env_file[0]', 'error'],
    ['env_file not in the bundle', (d) => (d.services.api.env_file = ['.env', 'config/prod.env']), 'compose/missing-bundle-file', 'services.api.env_file[1]', 'error'],
    ['env_file absolute', (d) => (d.services.api.env_file = '/home/me/app.env'), 'compose/absolute-path', 'services.api.env_file', 'error'],
    ['env_file outside the bundle', (d) => (d.services.api.env_file = '../secrets.env'), 'compose/path-outside-bundle', 'services.api.env_file', 'error'],
    ['bundled .env', () => undefined, 'compose/bundled-dotenv', 'services.api.env_file[0]', 'warning'],
    ['bind source not in the bundle', (d) => (d.services.proxy.volumes[0] = './nginx/other.conf:/etc/nginx/conf.d/default.conf'), 'compose/missing-bundle-file', 'services.proxy.volumes[0]', 'error'],
    ['bind source outside the bundle', (d) => (d.services.proxy.volumes[0] = '../shared:/shared'), 'compose/path-outside-bundle', 'services.proxy.volumes[0]', 'error'],
    ['bind from a home directory', (d) => (d.services.proxy.volumes[0] = '~/conf:/conf'), 'compose/host-bind', 'services.proxy.volumes[0]', 'error'],
    ['undeclared named volume', (d) => delete d.volumes, 'compose/unknown-volume', 'services.api.volumes[0]', 'error'],
    ['volume long syntax key unknown to 1.29.2', (d) => (d.services.api.volumes[0].volume = { subpath: 'x' }), 'compose/unsupported-key', 'services.api.volumes[0].volume.subpath', 'error'],
    ['depends_on unknown service', (d) => (d.services.proxy.depends_on = ['web']), 'compose/unknown-service', 'services.proxy.depends_on[0]', 'error'],
    ['depends_on required flag', (d) => (d.services.proxy.depends_on = { api: { condition: 'service_started', required: true } }), 'compose/unsupported-key', 'services.proxy.depends_on.api.required', 'error'],
    ['links unknown service', (d) => (d.services.proxy.links = ['web:web']), 'compose/unknown-service', 'services.proxy.links[0]', 'error'],
    ['healthcheck start_interval', (d) => (d.services.api.healthcheck.start_interval = '1s'), 'compose/unsupported-key', 'services.api.healthcheck.start_interval', 'error'],
    ['memory limit as a number', (d) => (d.services.api.deploy.resources.limits.memory = 536870912), 'compose/wrong-type', 'services.api.deploy.resources.limits.memory', 'error'],
    ['secret file not in the bundle', (d) => (d.secrets = { key: { file: './secrets/other.pem' } }), 'compose/missing-bundle-file', 'secrets.key.file', 'error'],
    ['build context not in the bundle', (d) => (d.services.api.build = './api'), 'compose/missing-bundle-file', 'services.api.build', 'error'],
  ];

  test.each(cases)('%s', (rule, mutate, code, path, severity) => {
    const doc = rule === 'not a mapping' ? 'services: {}' : withChange(mutate);
    const files = rule === 'bundled .env' ? [...bundleFiles, '.env'] : bundleFiles;
    const issues: ValidationIssue[] = validateProductionCompose(doc, { bundleFiles: files });
    const hit = issues.find((i) => i.code === code && i.path === path);
    expect({ hit: hit !== undefined, issues: issues.map((i) => `${i.path} ${i.code}`) }).toEqual(expect.objectContaining({ hit: true }));
    expect(hit!.severity).toBe(severity);
  });

  test('paths are only checked against the bundle when its file list is given', () => {
    const doc = withChange((d) => (d.services.api.env_file = ['.env', 'config/prod.env']));
    expect(validateProductionCompose(doc)).toEqual([]);
  });

  test('a directory in the bundle satisfies a bind mount of it', () => {
    const doc = withChange((d) => (d.services.proxy.volumes[0] = './nginx:/etc/nginx/conf.d:ro'));
    expect(validateProductionCompose(doc, { bundleFiles })).toEqual([]);
  });
});

test('a long-syntax port with a numeric string published counts as that port', () => {
  const doc = good();
  doc.services.proxy.ports = [{ target: 80, published: '80' }];
  expect(validateProductionCompose(doc)).toEqual([]);
});
