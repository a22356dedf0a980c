/**
 * `beanstack dockerrun`, run in-process through the CLI's `main()`, plus one run of the built CLI as a
 * process to check it does not load aws-cdk-lib.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../bin/cli';
import type { CliContext } from '../../bin/cli-context';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let dir = '';

async function run(args: string[], cwd = dir): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    cwd,
    env: { HOME: '/home/tester' },
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    isTty: false,
  };
  const code = await main(['dockerrun', ...args], ctx);
  return { code, stdout, stderr };
}

function write(rel: string, text: string): void {
  const p = path.join(dir, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
}

const COMPOSE = `services:
  web:
    build:
      context: ./web
      dockerfile: Dockerfile.dev
    ports:
      - "3050:80"
    volumes:
      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro
    environment:
      API_URL: http://api:3000
      SESSION_SECRET: dev-secret
  api:
    image: example/api:1.4.2
    environment:
      DB_HOST: db
      DB_PASSWORD: dev-password
  db:
    image: mysql:8.0.36
    environment:
      MYSQL_ROOT_PASSWORD: dev-password
`;
const PROD = `services:
  web:
    build:
      dockerfile: Dockerfile
`;
const URI = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.0.0';
const ROLE = 'arn:aws:iam::123456789012:role/task-execution';

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-dockerrun-'));
  write('compose.yaml', COMPOSE);
  write('compose.prod.yaml', PROD);
  write('web/Dockerfile', 'FROM scratch\n');
  write('web/Dockerfile.dev', 'FROM scratch\n');
  write('nginx/default.conf', 'server { listen 80; }\n');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('prints the Dockerrun to stdout and warnings grouped by service to stderr', async () => {
  const r = await run(['-f', 'compose.yaml']);
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout);
  expect(doc.AWSEBDockerrunVersion).toBe(2);
  expect(doc.containerDefinitions.map((c: { name: string }) => c.name)).toEqual(['api', 'web']);
  expect(r.stdout).not.toContain('dev-password');
  expect(r.stdout).not.toContain('dev-secret');
  expect(r.stderr).toMatch(/warnings:\n {2}project\n/);
  expect(r.stderr).toContain('  service web\n');
  expect(r.stderr).toMatch(/compose\.yaml:\d+:\d+: services\.web is built from web; no image URI was given.*\[bundle\/placeholder-image\]/);
  expect(r.stderr).toContain('[bundle/dev-dockerfile]');
  expect(r.stderr).toContain('note: 1 shipped file (nginx/default.conf) not written; pass --out DIR');
});

test('is deterministic: the same flags give the same bytes', async () => {
  const a = await run(['-f', 'compose.yaml', '--image', `web=${URI}`]);
  const b = await run(['-f', 'compose.yaml', '--image', `web=${URI}`]);
  expect(a.stdout).toBe(b.stdout);
  expect(a.stdout.endsWith('}\n')).toBe(true);
});

test('--out writes the bundle; --check passes on it and fails with the file and the command when stale', async () => {
  const args = ['-f', 'compose.yaml', '-f', 'compose.prod.yaml', '--image', `web=${URI}`, '--execution-role-arn', ROLE, '--out', 'bundle'];
  const w = await run(args);
  expect(w.code).toBe(0);
  expect(w.stderr).toContain('wrote bundle/ (2 files');
  expect(fs.readFileSync(path.join(dir, 'bundle', 'nginx', 'default.conf'), 'utf8')).toBe('server { listen 80; }\n');
  const doc = JSON.parse(fs.readFileSync(path.join(dir, 'bundle', 'Dockerrun.aws.json'), 'utf8'));
  expect(doc.executionRoleArn).toBe(ROLE);
  expect(doc.volumes).toEqual([{ name: 'app-nginx-default-conf', host: { sourcePath: '/var/app/current/nginx/default.conf' } }]);

  const ok = await run([...args, '--check']);
  expect(ok.code).toBe(0);
  expect(ok.stderr).toContain('bundle is up to date');

  write('compose.yaml', COMPOSE.replace('API_URL: http://api:3000', 'API_URL: http://api:4000'));
  const stale = await run([...args, '--check']);
  expect(stale.code).toBe(1);
  expect(stale.stderr).toContain('bundle/Dockerrun.aws.json differs from what the compose files produce');
  expect(stale.stderr).toContain(`regenerate it with:\n  beanstack dockerrun -f compose.yaml -f compose.prod.yaml --image web=${URI} --execution-role-arn ${ROLE} --out bundle\n`);

  write('nginx/default.conf', 'server { listen 8080; }\n');
  const shipped = await run([...args, '--check']);
  expect(shipped.stderr).toContain('bundle/nginx/default.conf differs');
});

test('--check refuses a placeholder image and a placeholder execution role', async () => {
  await run(['-f', 'compose.yaml', '--out', 'bundle']);
  const r = await run(['-f', 'compose.yaml', '--out', 'bundle', '--check']);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('service web has no image URI');
  expect(r.stderr).toContain('placeholder execution role');
});

test('--target docker writes docker-compose.yml; --target single refuses several containers', async () => {
  const d = await run(['-f', 'compose.yaml', '--target', 'docker', '--image', `web=${URI}`]);
  expect(d.code).toBe(0);
  expect(d.stdout).toContain('services:\n  api:\n');
  expect(d.stdout).toContain('env_file:\n      - ".env"');
  const s = await run(['-f', 'compose.yaml', '--target', 'single']);
  expect(s.code).toBe(2);
  expect(s.stderr).toContain('the single target runs one container, but the bundle has 2: api, web');
  expect(s.stderr).toContain('fix: use --target ecs or --target docker');
});

test('user errors exit 2 with file:line:column and the fix', async () => {
  write('compose.yaml', 'services:\n  web:\n    image: example/web:1\n    network_mode: host\n');
  const r = await run([]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('compose.yaml:4:19: services.web.network_mode "host"');
  expect(r.stderr).toContain('fix: remove these keys');
  const bad = await run(['--image', 'web']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--image web: expected SERVICE=IMAGE_URI');
  const check = await run(['--check']);
  expect(check.code).toBe(2);
  expect(check.stderr).toContain('--out is missing');
  const target = await run(['--target', 'k8s']);
  expect(target.code).toBe(2);
});

test('a conversion error comes after the warnings of the loader (the unset variable that explains it)', async () => {
  write('compose.yaml', 'services:\n  web:\n    image: example/web:1\n    network_mode: ${NET_MODE:-host}\n    environment:\n      TOKEN: ${UNSET_TOKEN}\n');
  const r = await run(['-q']);
  expect(r.code).toBe(2);
  const lines = r.stderr.split('\n');
  expect(lines[0]).toMatch(/^warning: compose\.yaml:6:\d+: variable `UNSET_TOKEN` is not set/);
  expect(lines[1]).toMatch(/^error: compose\.yaml:4:19: /);
});

test('service names that are Object.prototype members convert on every target (regression: exit 3)', async () => {
  write('compose.yaml', 'services:\n  toString:\n    image: nginx:1.25\n    ports: ["80:80"]\n  constructor:\n    image: redis:7.2\n');
  for (const target of ['ecs', 'docker']) {
    const r = await run(['--target', target]);
    expect(r.stderr).not.toContain('a bug in beanstack');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('toString');
    expect(r.stdout).toContain('constructor');
  }
  const single = await run(['--target', 'single']);
  expect(single.code).toBe(2);
  expect(single.stderr).toContain('compose.yaml:2:3: the single target runs one container, but the bundle has 2: constructor, toString');
  const img = await run(['--image', 'valueOf=example/app:1']);
  expect(img.code).toBe(2);
  expect(img.stderr).toContain('no service "valueOf" runs in the bundle');
});

test('--container-health-checks clamps healthcheck timings to the ECS ranges with a located warning (regression: exit 3)', async () => {
  write('compose.yaml', 'services:\n  web:\n    image: nginx:1.25\n    ports: ["80:80"]\n    healthcheck:\n      test: ["CMD", "true"]\n      timeout: 90s\n');
  const r = await run(['--container-health-checks']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout).containerDefinitions[0].healthCheck.timeout).toBe(60);
  expect(r.stderr).toContain('compose.yaml:7:16: services.web.healthcheck.timeout 90s is outside the range ECS accepts (2s–60s); the container health check uses 60s [bundle/healthcheck-clamped]');
});

test('a malformed --execution-role-arn and an unwritable --out are flag errors (regression: exit 3 / "a bug")', async () => {
  const role = await run(['--execution-role-arn', 'nope']);
  expect(role.code).toBe(2);
  expect(role.stderr).toContain('--execution-role-arn nope: not an IAM role ARN');
  expect(role.stderr).not.toContain('a bug in beanstack');
  write('blocker', 'a file where --out needs a directory\n');
  const out = await run(['--image', `web=${URI}`, '--out', path.join(dir, 'blocker', 'bundle')]);
  expect(out.code).toBe(2);
  expect(out.stderr).toMatch(/cannot write the bundle to --out .*blocker\/bundle: (ENOTDIR|EEXIST)/);
  expect(out.stderr).toMatch(/fix: .*blocker is a file where --out needs a directory/);
});

test('refuses to write the bundle over the project directory', async () => {
  const r = await run(['-f', 'compose.yaml', '--out', '.']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('is the project directory or contains it');
  expect(fs.existsSync(path.join(dir, 'compose.yaml'))).toBe(true);
});

const built = path.resolve(__dirname, '../../dist/bin/cli.js');
(fs.existsSync(built) ? test : test.skip)('the built CLI converts without loading aws-cdk-lib or the AWS SDK', () => {
  const hook = path.join(dir, 'hook.js');
  fs.writeFileSync(hook, `
    const Module = require('module');
    const load = Module._load;
    Module._load = function (request, ...rest) {
      if (/^aws-cdk-lib|^@aws-sdk\\//.test(request)) { process.stderr.write('LOADED ' + request + '\\n'); process.exit(9); }
      return load.call(this, request, ...rest);
    };
  `);
  const out = execFileSync(process.execPath, ['-r', hook, built, 'dockerrun', '-q', '-f', 'compose.yaml'], { cwd: dir, encoding: 'utf8' });
  expect(JSON.parse(out).AWSEBDockerrunVersion).toBe(2);
});
