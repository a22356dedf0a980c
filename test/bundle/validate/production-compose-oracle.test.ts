/**
 * docker-compose 1.29.2 (Debian's, an independent Compose implementation) as an oracle for the
 * "docker-compose 1.29.2 accepts it" rules of validateProductionCompose: the file the validator
 * accepts must pass `docker-compose config`, and each file it refuses for a 1.29.2 reason must fail
 * it. Skipped when docker-compose is not installed (CI installs it).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { validateProductionCompose } from '../../../lib/bundle/validate';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const binary = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find((p) => fs.existsSync(p));

function good(): Doc {
  return {
    services: {
      proxy: { image: 'nginx:1.27', ports: ['80:80'], depends_on: ['api'], volumes: ['./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro'] },
      api: {
        image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.0',
        env_file: ['.env'],
        volumes: [{ type: 'volume', source: 'uploads', target: '/app/uploads' }],
        deploy: { resources: { limits: { memory: '512M' } } },
        healthcheck: { test: ['CMD', 'true'], interval: '30s' },
      },
    },
    volumes: { uploads: {} },
  };
}

/** Whether docker-compose 1.29.2 accepts the document. */
function accepts(doc: Doc): { ok: boolean; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-oracle-'));
  try {
    fs.writeFileSync(path.join(dir, 'docker-compose.yml'), stringify(doc));
    fs.writeFileSync(path.join(dir, '.env'), '');
    execFileSync(binary!, ['-f', 'docker-compose.yml', 'config', '-q'], { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
    return { ok: true, output: '' };
  } catch (e) {
    return { ok: false, output: String((e as { stderr?: Buffer }).stderr ?? e) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const refused: [string, (d: Doc) => void, string][] = [
  ['version "4"', (d) => (d.version = '4'), 'compose/invalid-version'],
  ['top-level name', (d) => (d.name = 'app'), 'compose/unsupported-key'],
  ['long port with host_ip', (d) => (d.services.proxy.ports = [{ target: 80, published: 80, host_ip: '0.0.0.0' }]), 'compose/unsupported-syntax'],
  ['develop', (d) => (d.services.api.develop = { watch: [] }), 'compose/unsupported-key'],
  ['env_file long syntax', (d) => (d.services.api.env_file = [{ path: '.env', required: false }]), 'compose/unsupported-key'],
  ['long port with a published range', (d) => (d.services.proxy.ports = [{ target: 80, published: '80' }, { target: 81, published: '8000-8001' }]), 'compose/unsupported-syntax'],
  ['depends_on required', (d) => (d.services.proxy.depends_on = { api: { condition: 'service_started', required: true } }), 'compose/unsupported-key'],
  ['healthcheck start_interval', (d) => (d.services.api.healthcheck.start_interval = '1s'), 'compose/unsupported-key'],
  ['memory limit as a number', (d) => (d.services.api.deploy.resources.limits.memory = 536870912), 'compose/wrong-type'],
  ['build.platforms', (d) => (d.services.api.build = { context: '.', platforms: ['linux/amd64'] }), 'compose/unsupported-key'],
  ['undeclared named volume', (d) => delete d.volumes, 'compose/unknown-volume'],
  ['depends_on an unknown service', (d) => (d.services.proxy.depends_on = ['web']), 'compose/unknown-service'],
];

(binary ? describe : describe.skip)('docker-compose 1.29.2 agrees with validateProductionCompose', () => {
  test('the good file: no issues, and docker-compose accepts it', () => {
    expect(validateProductionCompose(good())).toEqual([]);
    expect(accepts(good())).toEqual({ ok: true, output: '' });
  });

  test('version "3.8" and no version are both accepted', () => {
    const d = good();
    d.version = '3.8';
    expect(validateProductionCompose(d).filter((i) => i.severity === 'error')).toEqual([]);
    expect(accepts(d).ok).toBe(true);
  });

  test.each(refused)('%s: refused by both', (_name, mutate, code) => {
    const d = good();
    mutate(d);
    expect(validateProductionCompose(d).map((i) => i.code)).toContain(code);
    expect(accepts(d).ok).toBe(false);
  });
});
