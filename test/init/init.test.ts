/**
 * `beanstack init` in a scratch project: the files it writes, valid YAML workflows whose commands
 * are the documented ones, x-beanstack defaults the converter accepts, never overwriting without
 * --force, and errors.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { main } from '../../bin/cli';
import type { CliContext } from '../../bin/cli-context';
import { detectDefaults, fill } from '../../bin/commands/init';
import { composeToBundle } from '../../lib/bundle';
import { loadProject } from '../../lib/compose';
import { nodeFileReader } from '../../lib/io/node-reader';

const REPO = path.join(__dirname, '..', '..');
let dir = '';

async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const ctx: CliContext = { cwd: dir, env: { HOME: dir, ...env }, stdout: () => undefined, stderr: (t) => (stderr += t), isTty: false };
  const code = await main(['init', ...args], ctx);
  return { code, stderr };
}

function write(rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
}

const COMPOSE = `name: shop
services:
  nginx:
    build: ./nginx
    ports: ["3050:80"]
  api:
    build: ./api
    environment:
      MYSQL_HOST: mysql
      MYSQL_PASSWORD: dev-password
  mysql:
    image: mysql:8.4
    environment:
      MYSQL_ROOT_PASSWORD: dev-password
      MYSQL_DATABASE: shop
`;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-init-'));
  write('docker-compose.yml', COMPOSE);
  write('nginx/Dockerfile', 'FROM nginx\n');
  write('api/Dockerfile', 'FROM node\n');
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function workflow(name: string): Json {
  return parseYaml(fs.readFileSync(path.join(dir, '.github/workflows', name), 'utf8'));
}

function runs(wf: Json): string[] {
  return Object.values(wf.jobs as Record<string, Json>).flatMap((j) => (j.steps as Json[]).filter((s) => typeof s.run === 'string').map((s) => s.run as string));
}

describe('beanstack init', () => {
  it('writes cdk.json, bin/app.ts, x-beanstack defaults and the two workflows', async () => {
    const r = await run(['--region', 'eu-central-1'], { GITHUB_REPOSITORY: 'acme/shop' });
    expect(r.code).toBe(0);
    for (const f of ['cdk.json', 'bin/app.ts', 'docker-compose.prod.yml', '.github/workflows/beanstack-review.yml', '.github/workflows/beanstack-deploy.yml']) {
      expect(fs.existsSync(path.join(dir, f))).toBe(true);
      expect(r.stderr).toContain(`wrote ${f}`);
    }
    const cdk = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.json'), 'utf8'));
    expect(cdk.context).toMatchObject({ appName: 'shop', compose: 'docker-compose.yml,docker-compose.prod.yml', '@aws-cdk/core:validateAgainstDefaultRules': true });
    expect(cdk.app).toBe('npx ts-node --transpile-only --prefer-ts-exts bin/app.ts');
    expect(r.stderr).toMatch(/detected web service: nginx/);
    expect(r.stderr).toMatch(/detected database service: mysql/);
  });

  it('the workflows are valid YAML: PR review job and OIDC deploy job', async () => {
    await run([]);
    const review = workflow('beanstack-review.yml');
    expect(Object.keys(review.on)).toEqual(['pull_request']);
    expect(review.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    const steps = review.jobs.review.steps as Json[];
    expect(steps[0]).toEqual({ uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } });
    expect(runs(review)).toEqual([
      'npm ci',
      'npm test --if-present',
      'npx beanstack diff --base-ref origin/${{ github.base_ref }} -c stage=prod --format markdown --output beanstack-review.md --fail-on data-loss,deploy-fails',
      'npx beanstack comment --file beanstack-review.md',
    ]);
    const comment = steps.find((s) => String(s.run).startsWith('npx beanstack comment'))!;
    expect(comment.env).toEqual({ GITHUB_TOKEN: '${{ secrets.GITHUB_TOKEN }}' });
    expect(comment.if).toMatch(/!cancelled\(\)/);

    const deploy = workflow('beanstack-deploy.yml');
    expect(deploy.on).toEqual({ push: { branches: ['main'] } });
    expect(deploy.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const creds = (deploy.jobs.deploy.steps as Json[]).find((s) => String(s.uses).startsWith('aws-actions/configure-aws-credentials'))!;
    expect(creds.with).toEqual({ 'role-to-assume': '${{ vars.AWS_DEPLOY_ROLE_ARN }}', 'aws-region': 'eu-west-1' });
    expect(JSON.stringify(deploy)).not.toMatch(/aws-access-key-id|AWS_SECRET_ACCESS_KEY/);
    expect(runs(deploy)).toEqual(['npm ci', 'npm test --if-present', 'npx cdk deploy --all --require-approval never -c stage=prod']);
  });

  it("the workflows' commands are the documented ones (docs/review.md, and README.md when it has the section)", async () => {
    await run([]);
    const docs = [fs.readFileSync(path.join(REPO, 'docs/review.md'), 'utf8')];
    const readme = path.join(REPO, 'README.md');
    if (fs.existsSync(readme) && fs.readFileSync(readme, 'utf8').includes('beanstack diff --base-ref')) docs.push(fs.readFileSync(readme, 'utf8'));
    for (const doc of docs) {
      for (const cmd of [...runs(workflow('beanstack-review.yml')), ...runs(workflow('beanstack-deploy.yml'))]) {
        expect({ cmd, documented: doc.includes(cmd) }).toEqual({ cmd, documented: true });
      }
    }
  });

  it('the x-beanstack defaults load and convert with the compose file', async () => {
    await run([]);
    const text = fs.readFileSync(path.join(dir, 'docker-compose.prod.yml'), 'utf8');
    expect(text).toMatch(/web: nginx {2}# the service that serves HTTP on port 80/);
    expect(text).toMatch(/database: mysql/);
    const loaded = loadProject({ files: ['docker-compose.yml', 'docker-compose.prod.yml'], workingDirectory: dir, environment: {}, reader: nodeFileReader });
    const { result } = composeToBundle(loaded.result, { target: 'ecs' });
    expect(result.webService).toBe('nginx');
    expect(result.databases.map((d) => d.service)).toEqual(['mysql']);
  });

  it('bin/app.ts imports only what beanstack exports', async () => {
    await run([]);
    const app = fs.readFileSync(path.join(dir, 'bin/app.ts'), 'utf8');
    const imports = [...app.matchAll(/import \{ ([^}]+) \} from 'beanstack\/dist\/([^']+)'/g)];
    expect(imports.length).toBe(2);
    for (const [, names, mod] of imports) {
      const m = require(path.join(REPO, mod)); // eslint-disable-line @typescript-eslint/no-require-imports
      for (const n of names.split(',').map((x) => x.trim())) expect(typeof m[n]).toBe('function');
    }
    expect(app).toContain("compose: 'docker-compose.yml,docker-compose.prod.yml'");
  });

  it('never overwrites without --force; a second run is up to date', async () => {
    write('cdk.json', '{ "app": "mine" }\n');
    let r = await run([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/kept cdk\.json: it exists and differs \(use --force to overwrite\)/);
    expect(fs.readFileSync(path.join(dir, 'cdk.json'), 'utf8')).toBe('{ "app": "mine" }\n');
    r = await run(['--force']);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'cdk.json'), 'utf8')).toMatch(/ts-node/);
    r = await run([]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/cdk\.json is up to date/);
    expect(r.stderr).toMatch(/kept docker-compose\.prod\.yml: it exists/);
  });

  it('--dry-run writes nothing; --no-workflows skips them', async () => {
    let r = await run(['--dry-run']);
    expect(r.stderr).toMatch(/would write cdk\.json/);
    expect(fs.readdirSync(dir).sort()).toEqual(['api', 'docker-compose.yml', 'nginx']);
    r = await run(['--no-workflows']);
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(dir, '.github'))).toBe(false);
  });

  it('a broken compose file is a user error with file:line:column and nothing is written', async () => {
    write('docker-compose.yml', 'services:\n  web:\n    image: [unclosed\n');
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/docker-compose\.yml:\d+:\d+/);
    expect(fs.existsSync(path.join(dir, 'cdk.json'))).toBe(false);
  });

  it.each([
    [['--region', 'mars'], /--region mars: not an AWS region name/],
    [['--stage', 'qa'], /--stage qa: not a stage/],
    [['--app-name', '1x'], /--app-name 1x/],
  ])('flag error %j', async (args, message) => {
    const r = await run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
  });

  it('no compose file', async () => {
    fs.rmSync(path.join(dir, 'docker-compose.yml'));
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no compose file[\s\S]*fix:/);
  });
});

describe('templates', () => {
  it('fill leaves GitHub expressions alone and refuses unknown placeholders', () => {
    expect(fill('a {{x}} ${{ github.ref }}', { x: '1' })).toBe('a 1 ${{ github.ref }}');
    expect(() => fill('{{nope}}', {})).toThrow(/no value/);
  });

  it('detectDefaults without a web service leaves a hint', () => {
    const loaded = loadProject({ files: ['docker-compose.yml'], workingDirectory: dir, environment: {}, reader: nodeFileReader });
    const p = { ...loaded.result, services: { worker: { ...loaded.result.services.api, name: 'worker', ports: [] } } };
    const d = detectDefaults(p);
    expect(d.web).toBeUndefined();
    expect(d.text).toMatch(/# web: <service>/);
    expect(parseYaml(d.text)).toEqual({ 'x-beanstack': {}, services: { worker: { 'x-beanstack': { memory: 256 } } } });
  });
});
