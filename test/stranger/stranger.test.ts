/**
 * The stranger: a developer with their own app — a Node API, nginx serving a built frontend, postgres,
 * and a git-ignored `.env` holding the database password (`PGPASSWORD: ${POSTGRES_PASSWORD}`) — who
 * installs beanstack from a packed tarball as from the registry, next to the minimum and then the
 * latest supported aws-cdk-lib, and follows the README:
 *
 *   npm install --save-dev beanstack aws-cdk-lib constructs aws-cdk
 *   npx beanstack init --account … --region …
 *   npx cdk synth                    (no credentials, no edits)
 *
 * then runs the review workflow that init wrote — its `run:` steps as written, in a git repository
 * with a base commit and a fake GitHub API on 127.0.0.1 — on the pull request that adopts beanstack
 * and on one that upgrades postgres 16 → 17 (`--fail-on deploy-fails` fails it until the upgrade is
 * allowed), checks the database wiring with `.env` present and absent (the template must be
 * byte-identical), uses the constructs from TypeScript against the project's own aws-cdk-lib, and
 * runs the README's `config --env-file` as typed. Installs come from the npm registry (the
 * workplace's snapshot) through the local cache; nothing else leaves the machine.
 *
 * Prints the time from init to the first synth (npm install excluded) and the package size.
 */
import { spawn, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { FakeGitHub, startFakeGitHub } from '../github/fake-github';

const REPO = path.resolve(__dirname, '../..');
const PKG = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
  version: string;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
/** The supported range's lower bounds (package.json peerDependencies) and the versions this repository develops with. */
const MINIMUM = { 'aws-cdk-lib': /^>=(\d+\.\d+\.\d+) /.exec(PKG.peerDependencies['aws-cdk-lib'])![1], constructs: /^\^(\d+\.\d+\.\d+)$/.exec(PKG.peerDependencies.constructs)![1] };
const LATEST = { 'aws-cdk-lib': PKG.devDependencies['aws-cdk-lib'], constructs: PKG.devDependencies.constructs };
const CDK_CLI = PKG.devDependencies['aws-cdk'];
const ACCOUNT = '111122223333';
const DB_PASSWORD = 'stranger-dev-password-4711';

jest.setTimeout(20 * 60 * 1000);

let work = '';
let app = '';
let tarball = '';
let github: FakeGitHub;

/** The environment of every command: no AWS credentials of any kind, this test's Node first on PATH, npm quiet and cache-first. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(AWS_|CDK_|GITHUB_|JEST|npm_)/.test(k) || k === 'CI') continue;
    env[k] = v;
  }
  return {
    ...env,
    PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`,
    AWS_SHARED_CREDENTIALS_FILE: path.join(work, 'no-aws', 'credentials'),
    AWS_CONFIG_FILE: path.join(work, 'no-aws', 'config'),
    AWS_EC2_METADATA_DISABLED: 'true',
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_prefer_offline: 'true',
    ...extra,
  };
}

function sh(command: string, options: { cwd?: string; env?: Record<string, string>; ok?: boolean } = {}): SpawnSyncReturns<string> {
  const r = spawnSync('bash', ['-c', command], { cwd: options.cwd ?? app, env: cleanEnv(options.env), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (options.ok !== false && r.status !== 0) {
    throw new Error(`\`${command}\` exited ${r.status}\n--- stdout\n${r.stdout.slice(-4000)}\n--- stderr\n${r.stderr.slice(-4000)}`);
  }
  return r;
}

/** Like `sh`, without blocking this process: the fake GitHub API runs in it and must answer. */
function shAsync(command: string, env: Record<string, string>): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], { cwd: app, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (stdout += d));
    child.stderr.on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? 1, stdout, stderr }));
  });
}

function git(args: string): void {
  sh(`git -c user.name=Stranger -c user.email=stranger@example.invalid ${args}`);
}

function write(rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(app, rel)), { recursive: true });
  fs.writeFileSync(path.join(app, rel), text);
}

/** The stranger's app, as it is before beanstack. */
function writeApp(): void {
  write('docker-compose.yml', `services:
  api:
    build: ./api
    command: node --inspect=0.0.0.0:9229 server.js
    ports: ["3000:3000", "9229:9229"]
    environment:
      PGHOST: db
      PGPORT: "5432"
      PGUSER: app
      PGDATABASE: shop
      PGPASSWORD: \${POSTGRES_PASSWORD}
    depends_on: [db]
  web:
    build: ./web
    ports: ["8080:80"]
    depends_on: [api]
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: app
      POSTGRES_DB: shop
      POSTGRES_PASSWORD: \${POSTGRES_PASSWORD}
    volumes: [db-data:/var/lib/postgresql/data]
volumes:
  db-data:
`);
  write('.env', `POSTGRES_PASSWORD=${DB_PASSWORD}\n`);
  write('.env.staging', 'POSTGRES_PASSWORD=staging-password\n');
  write('.gitignore', 'node_modules\n.env\n.env.*\n');
  write('api/server.js', "const http = require('http');\nhttp.createServer((req, res) => res.end(JSON.stringify({ ok: true }))).listen(3000);\n");
  write('api/Dockerfile', 'FROM node:22-alpine\nWORKDIR /app\nCOPY server.js .\nCMD ["node", "server.js"]\n');
  write('web/src/index.html', '<h1>shop</h1>\n');
  write('web/nginx.conf', 'server {\n  listen 80;\n  location /api/ { proxy_pass http://api:3000/; }\n  location / { root /usr/share/nginx/html; }\n}\n');
  write('web/Dockerfile', 'FROM node:22-alpine AS build\nWORKDIR /src\nCOPY src/ ./src/\nRUN mkdir -p dist && cp src/index.html dist/\nFROM nginx:1.27-alpine\nCOPY nginx.conf /etc/nginx/conf.d/default.conf\nCOPY --from=build /src/dist /usr/share/nginx/html\n');
  // what `npm init -y` writes: its placeholder test script fails
  write('package.json', `${JSON.stringify({ name: 'shop', version: '1.0.0', scripts: { test: 'echo "Error: no test specified" && exit 1' } }, null, 2)}\n`);
}

function template(): string {
  return fs.readFileSync(path.join(app, 'cdk.out', 'shop-dev.template.json'), 'utf8');
}

/** How PGPASSWORD reaches the API container: the environment secret's value in the template. */
function pgPasswordWiring(text: string): unknown {
  const t = JSON.parse(text) as { Resources: Record<string, { Type: string; Properties: { OptionSettings?: { Namespace: string; OptionName: string; Value: unknown }[] } }> };
  const env = Object.values(t.Resources).find((r) => r.Type === 'AWS::ElasticBeanstalk::Environment')!;
  return env.Properties.OptionSettings!.find((o) => o.OptionName === 'PGPASSWORD')?.Value;
}

function expectWiredToTheDatabaseSecret(text: string): void {
  expect(text).not.toContain(DB_PASSWORD);
  const value = JSON.stringify(pgPasswordWiring(text));
  expect(value).toMatch(/"Ref":"AppDatabasesdbInstanceSecretAttachment[0-9A-F]{8}"/);
  expect(value).toContain(':password::');
}

/**
 * The review workflow's `run:` steps, run as GitHub Actions would: bash, the job's and the step's
 * env. `installed`: node_modules is already what `npm ci` would give (the first run proved that step).
 */
async function runReviewWorkflow(baseRef: string, installed = false): Promise<{ code: number; output: string }> {
  const wf = parseYaml(fs.readFileSync(path.join(app, '.github/workflows/beanstack-review.yml'), 'utf8')) as {
    jobs: { review: { env?: Record<string, string>; steps: { run?: string; env?: Record<string, string>; if?: string }[] } };
  };
  const job = wf.jobs.review;
  const event = path.join(work, 'event.json');
  fs.writeFileSync(event, JSON.stringify({ number: 7, pull_request: { number: 7 } }));
  // what the runner sets, and the `${{ }}` expressions of the workflow
  const expressions: Record<string, string> = { '${{ github.base_ref }}': baseRef, '${{ secrets.GITHUB_TOKEN }}': 'write-token' };
  const runner = { GITHUB_REPOSITORY: 'acme/shop', GITHUB_EVENT_PATH: event, GITHUB_API_URL: github.url, GITHUB_STEP_SUMMARY: path.join(work, 'summary.md'), CI: 'true' };
  let output = '';
  for (const step of job.steps.filter((s) => s.run !== undefined && !(installed && s.run === 'npm ci'))) {
    const env: Record<string, string> = { ...runner, ...job.env };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expressions[v] ?? v;
    const r = await shAsync(step.run!, env);
    output += `$ ${step.run}\n${r.stdout}${r.stderr}`;
    if (r.status !== 0) return { code: r.status ?? 1, output };
  }
  return { code: 0, output };
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-stranger-'));
  app = path.join(work, 'shop');
  fs.mkdirSync(app);
  github = await startFakeGitHub({ token: 'write-token' });
  const packed = spawnSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: REPO, env: cleanEnv(), encoding: 'utf8' });
  if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  const info = JSON.parse(packed.stdout)[0] as { filename: string; size: number; unpackedSize: number; entryCount: number };
  tarball = path.join(work, info.filename);
  // eslint-disable-next-line no-console
  console.log(`beanstack ${PKG.version} package: ${(info.size / 1024).toFixed(0)} KiB packed, ${(info.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${info.entryCount} files; Node ${process.version}`);
});

afterAll(async () => {
  await github?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('a stranger\'s app: install, init, synth offline with no edits, review PRs with the generated workflow, DB wiring without .env, minimum and latest aws-cdk-lib', async () => {
  // ---- the repository as the stranger has it: the app on main, pushed to origin ----
  writeApp();
  sh(`git init -q -b main && git init -q --bare ${path.join(work, 'origin.git')} && git remote add origin ${path.join(work, 'origin.git')}`);
  const installStarted = Date.now();
  sh(`npm install --save-dev ${tarball} aws-cdk-lib@${MINIMUM['aws-cdk-lib']} constructs@${MINIMUM.constructs} aws-cdk@${CDK_CLI}`);
  const installSeconds = (Date.now() - installStarted) / 1000;
  const installed = JSON.parse(fs.readFileSync(path.join(app, 'node_modules/aws-cdk-lib/package.json'), 'utf8')).version;
  expect(installed).toBe(MINIMUM['aws-cdk-lib']);
  // peer dependencies: one copy of constructs, the project's own
  expect(fs.existsSync(path.join(app, 'node_modules/beanstack/node_modules/constructs'))).toBe(false);
  expect(fs.existsSync(path.join(app, 'node_modules/beanstack/node_modules/aws-cdk-lib'))).toBe(false);
  git('add -A && git -c user.name=Stranger -c user.email=s@example.invalid commit -qm "the shop" && git push -q origin main');

  // ---- the README, as typed: init, then synth with no credentials and no edits ----
  git('checkout -q -b adopt-beanstack');
  const started = Date.now();
  const init = sh(`npx beanstack init --account ${ACCOUNT} --region eu-west-1`);
  expect(init.stderr).toContain('"token.actions.githubusercontent.com:sub": "repo:OWNER/REPOSITORY:environment:prod"');
  const synth = sh('npx cdk synth --quiet');
  const initToSynth = (Date.now() - started) / 1000;
  // eslint-disable-next-line no-console
  console.log(`init → first synth: ${initToSynth.toFixed(1)} s (target ≤ 60 s; npm install before it: ${installSeconds.toFixed(1)} s) with aws-cdk-lib ${MINIMUM['aws-cdk-lib']}`);
  const noise = synth.stdout + synth.stderr;
  expect(noise).not.toMatch(/feature flags are not configured/);
  expect(noise).not.toMatch(/NodeVersionSupportWarning|dist\/constructs|node_modules\/beanstack\/dist/);
  // warnings point at the compose file
  expect(noise).toMatch(/docker-compose\.yml:\d+:\d+: api: services\.api\.ports\[1\] publishes 9229/);
  // the inspector's command is left out with its port: the image's own command runs in production
  expect(noise).toMatch(/docker-compose\.yml:\d+:\d+: api: services\.api\.command runs "--inspect=0\.0\.0\.0:9229", .*left out/);

  // ---- DB wiring from the compose file's structure: with and without .env, the same template ----
  const withEnv = template();
  expectWiredToTheDatabaseSecret(withEnv);
  fs.renameSync(path.join(app, '.env'), path.join(work, 'dot-env'));
  sh('npx cdk synth --quiet');
  const withoutEnv = template();
  fs.renameSync(path.join(work, 'dot-env'), path.join(app, '.env'));
  expectWiredToTheDatabaseSecret(withoutEnv);
  expect(withoutEnv === withEnv).toBe(true);

  // ---- the README's config command as typed (Node 20 must not take --env-file for itself) ----
  const config = sh('npx beanstack config --env-file .env.staging --services');
  expect(config.stdout).toBe('api\ndb\nweb\n');
  expect(sh('npx beanstack --version').stdout.trim()).toBe(PKG.version);

  // ---- the construct library from TypeScript, against the project's aws-cdk-lib and constructs ----
  write('infra/app.ts', `import { App, Stack } from 'aws-cdk-lib';
import { BeanstackStack, BeanstalkEnvironment, ComposeApplication, Database, Network } from 'beanstack';

const app = new App({ outdir: 'infra/cdk.out' });
const stack = new BeanstackStack(app, 'shop-lib', { env: { account: '${ACCOUNT}', region: 'eu-west-1' }, composeFiles: ['docker-compose.yml', 'docker-compose.prod.yml'], workingDirectory: '.' });
const other = new Stack(app, 'extra', { env: { account: '${ACCOUNT}', region: 'eu-west-1' } });
const network = new Network(other, 'Net');
new Database(other, 'Db', { vpc: network.vpc, engine: 'postgres' });
const kinds: unknown[] = [ComposeApplication, BeanstalkEnvironment, stack.application];
app.synth();
console.log(\`synthesized \${kinds.length} \${stack.stackName}\`);
`);
  write('infra/tsconfig.json', JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, skipLibCheck: true, outDir: 'build', rootDir: '.', types: [] }, include: ['app.ts'] }));
  sh(`${JSON.stringify(process.execPath)} ${JSON.stringify(require.resolve('typescript/bin/tsc'))} -p infra`);
  expect(sh('node infra/build/app.js').stdout).toMatch(/synthesized 3 shop-lib/);
  fs.rmSync(path.join(app, 'infra'), { recursive: true, force: true });

  // ---- the pull request that adopts beanstack: the generated review workflow, offline ----
  git('add -A && git -c user.name=Stranger -c user.email=s@example.invalid commit -qm "adopt beanstack" && git fetch -q origin');
  const adopt = await runReviewWorkflow('main');
  expect({ code: adopt.code, tail: adopt.code === 0 ? '' : adopt.output.slice(-3000) }).toEqual({ code: 0, tail: '' });
  expect(adopt.output).toMatch(/no test script: skipped/);
  expect(adopt.output).toMatch(/the base origin\/main has no cdk\.json: reviewing everything as new/);
  const posted = github.comments.get(7) ?? [];
  expect(posted).toHaveLength(1);
  expect(posted[0].body).toMatch(/^<!-- beanstack-review -->/);
  expect(posted[0].body).not.toContain(DB_PASSWORD);

  // ---- merged; the next pull request upgrades postgres 16 → 17 ----
  git('checkout -q main && git merge -q --ff-only adopt-beanstack && git push -q origin main && git checkout -q -b postgres-17');
  write('docker-compose.yml', fs.readFileSync(path.join(app, 'docker-compose.yml'), 'utf8').replace('image: postgres:16', 'image: postgres:17'));
  git('commit -qam "postgres 17" && git fetch -q origin');
  const upgrade = await runReviewWorkflow('main', true);
  expect(upgrade.code).toBe(4);
  expect(upgrade.output).toMatch(/failing: the change has deploy-fails \(--fail-on data-loss,deploy-fails\)/);
  expect(fs.readFileSync(path.join(app, 'beanstack-review.md'), 'utf8')).toMatch(/without AllowMajorVersionUpgrade/);
  // allowed on the database service: the deploy would work, the review passes
  write('docker-compose.prod.yml', `${fs.readFileSync(path.join(app, 'docker-compose.prod.yml'), 'utf8')}`.replace(/\nservices:\n/, '\nservices:\n  db:\n    x-beanstack:\n      allow_major_version_upgrade: true\n'));
  git('commit -qam "allow the major upgrade"');
  const allowed = await runReviewWorkflow('main', true);
  expect({ code: allowed.code, tail: allowed.code === 0 ? '' : allowed.output.slice(-3000) }).toEqual({ code: 0, tail: '' });
  expect(github.comments.get(7)).toHaveLength(1); // the one comment, updated

  // ---- the latest supported aws-cdk-lib, as a stranger installing today gets it: init, then synth ----
  sh(`npm install --save-dev aws-cdk-lib@${LATEST['aws-cdk-lib']} constructs@${LATEST.constructs}`);
  fs.rmSync(path.join(app, 'cdk.json')); // its flags are those of the minimum; the newer release recommends more
  sh(`npx beanstack init --account ${ACCOUNT} --region eu-west-1 --no-workflows`);
  const latest = sh('npx cdk synth --quiet');
  expect(latest.stdout + latest.stderr).not.toMatch(/feature flags are not configured/);
  expectWiredToTheDatabaseSecret(template());
  // eslint-disable-next-line no-console
  console.log(`synth with aws-cdk-lib ${LATEST['aws-cdk-lib']}: ok`);
});
