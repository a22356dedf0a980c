/**
 * Fixture tests of `beanstack import`: each folder under fixtures/ holds a Dockerrun.aws.json, the
 * expected docker-compose.yml and the expected warnings (warnings.json). Run with
 * UPDATE_FIXTURES=1 to rewrite the expectations after a deliberate change (and review the diff).
 */
import * as fs from 'fs';
import * as path from 'path';
import { dockerrunToCompose } from '../../../lib/bundle/import';

const root = path.join(__dirname, 'fixtures');
const cases = fs.readdirSync(root).filter((d) => fs.statSync(path.join(root, d)).isDirectory()).sort();

describe.each(cases)('fixture %s', (name) => {
  const dir = path.join(root, name);
  const input = fs.readFileSync(path.join(dir, 'Dockerrun.aws.json'), 'utf8');
  const { result, warnings } = dockerrunToCompose(input, { file: 'Dockerrun.aws.json' });
  const shown = warnings.map((w) => ({ code: w.code, path: w.path, ...(w.location ? { line: w.location.line, column: w.location.column } : {}), message: w.message }));

  if (process.env.UPDATE_FIXTURES === '1') {
    fs.writeFileSync(path.join(dir, 'docker-compose.yml'), result.yaml);
    fs.writeFileSync(path.join(dir, 'warnings.json'), `${JSON.stringify(shown, null, 2)}\n`);
  }

  test('compose output', () => {
    expect(result.yaml).toBe(fs.readFileSync(path.join(dir, 'docker-compose.yml'), 'utf8'));
  });

  test('warnings', () => {
    expect(shown).toEqual(JSON.parse(fs.readFileSync(path.join(dir, 'warnings.json'), 'utf8')));
  });

  test('deterministic', () => {
    expect(dockerrunToCompose(input, { file: 'Dockerrun.aws.json' }).result.yaml).toBe(result.yaml);
  });
});

// docker-compose 1.29.2 (Debian) is an independent Compose implementation: when it is installed, every
// expected output must be a file it accepts.
const dockerCompose = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find((p) => fs.existsSync(p));
(dockerCompose ? describe : describe.skip)('docker-compose 1.29.2 accepts the imported files', () => {
  test.each(cases)('%s', (name) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { execFileSync } = require('child_process') as typeof import('child_process');
    const out = execFileSync(dockerCompose!, ['-f', path.join(root, name, 'docker-compose.yml'), 'config', '-q'], {
      cwd: path.join(root, name),
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toBe('');
  });
});

test('placeholder images are imported, with a warning', () => {
  const doc = {
    AWSEBDockerrunVersion: 2,
    containerDefinitions: [{ name: 'web', image: 'beanstack-placeholder/web', memory: 128, portMappings: [{ hostPort: 80, containerPort: 8080 }] }],
  };
  const { result, warnings } = dockerrunToCompose(doc);
  expect(result.yaml).toContain('image: "beanstack-placeholder/web"');
  expect(warnings.map((w) => [w.code, w.path])).toEqual([['dockerrun/image-placeholder', 'containerDefinitions[0].image']]);
});

describe('names that are Object.prototype keys', () => {
  test.each(['toString', 'constructor', 'hasOwnProperty', '__proto__'])('a container named %s is imported like any other', (name) => {
    const doc = {
      AWSEBDockerrunVersion: 2,
      containerDefinitions: [
        { name: 'web', image: 'nginx:1.27', memory: 128, links: [name], environment: [{ name, value: 'x' }] },
        { name, image: 'nginx:1.27', memory: 64 },
      ],
      localContainerDefinitions: [{ name: 'valueOf', image: 'nginx:1.27', memory: 64 }],
    };
    const services = dockerrunToCompose(doc).result.project.services as Record<string, Record<string, unknown>>;
    expect(Object.keys(services).sort()).toEqual([name, 'valueOf', 'web'].sort());
    expect(services.web.links).toEqual([name]);
    expect(services.web.environment).toEqual({ [name]: 'x' });
  });

  test('__proto__ as a container, variable, label and volume name is an ordinary key of the compose file', () => {
    const doc = {
      AWSEBDockerrunVersion: 2,
      volumes: [{ name: '__proto__', host: { sourcePath: '/var/lib/beanstack/volumes/__proto__' } }],
      containerDefinitions: [{
        name: '__proto__', image: 'nginx:1.27', memory: 128, portMappings: [{ hostPort: 80, containerPort: 80 }],
        environment: [{ name: '__proto__', value: 'x' }], dockerLabels: JSON.parse('{"__proto__":"y"}') as Record<string, string>,
        mountPoints: [{ sourceVolume: '__proto__', containerPath: '/data' }],
      }],
    };
    const { result } = dockerrunToCompose(doc);
    const services = result.project.services as Record<string, Record<string, unknown>>;
    expect(Object.keys(services)).toEqual(['__proto__']);
    expect(Object.prototype.hasOwnProperty.call(services.__proto__ ?? {}, 'image')).toBe(true);
    expect(result.yaml).toContain('\n  __proto__:\n');
    expect(result.yaml).toContain('      __proto__: "x"\n');
    expect(result.yaml).toContain('      __proto__: "y"\n');
  });
});
