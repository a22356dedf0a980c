/**
 * `beanstack init` in a scratch project: the files it writes (cdk.json with `npx beanstack app`, the
 * account and region and the recommended feature flags; .gitignore entries), valid YAML workflows
 * pinned by SHA whose commands are the documented ones, values serialized (never pasted),
 * x-beanstack defaults the converter accepts, the printed trust policy, never overwriting without
 * --force, and errors. test/stranger runs the result end to end.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { main } from '../../bin/cli';
import type { CliContext } from '../../bin/cli-context';
import { detectDefaults, fill, mergeGitignore, trustPolicy } from '../../bin/commands/init';
import { composeToBundle } from '../../lib/bundle';
import { loadProject } from '../../lib/compose';
import { nodeFileReader } from '../../lib/io/node-reader';

const REPO = path.join(__dirname, '..', '..');
let dir = '';

const ACCOUNT = ['--account', '111122223333', '--region', 'eu-west-1'];

async function run(args: string[], env: Record<string, string> = {}, account = ACCOUNT): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const ctx: CliContext = { cwd: dir, env: { HOME: dir, ...env }, stdout: () => undefined, stderr: (t) => (stderr += t), isTty: false };
  const code = await main(['init', ...account, ...args], ctx);
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
  it('writes cdk.json (npx beanstack app, account, region, recommended flags), .gitignore, x-beanstack defaults and the two workflows', async () => {
    const r = await run(['--region', 'eu-central-1'], { GITHUB_REPOSITORY: 'acme/shop' });
    expect(r.code).toBe(0);
    for (const f of ['cdk.json', '.gitignore', 'docker-compose.prod.yml', '.github/workflows/beanstack-review.yml', '.github/workflows/beanstack-deploy.yml']) {
      expect(fs.existsSync(path.join(dir, f))).toBe(true);
      expect(r.stderr).toContain(`wrote ${f}`);
    }
    expect(fs.existsSync(path.join(dir, 'bin'))).toBe(false);
    const cdk = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.json'), 'utf8'));
    expect(cdk.app).toBe('npx beanstack app');
    expect(cdk.context).toMatchObject({ account: '111122223333', region: 'eu-central-1', appName: 'shop', compose: 'docker-compose.yml,docker-compose.prod.yml', '@aws-cdk/core:validateAgainstDefaultRules': true });
    // every flag aws-cdk-lib recommends is configured, so the CDK CLI has nothing to nag about
    const { CURRENTLY_RECOMMENDED_FLAGS } = require('aws-cdk-lib/cx-api'); // eslint-disable-line @typescript-eslint/no-require-imports
    expect(Object.keys(CURRENTLY_RECOMMENDED_FLAGS).length).toBeGreaterThan(50);
    for (const [k, v] of Object.entries(CURRENTLY_RECOMMENDED_FLAGS)) expect([k, cdk.context[k]]).toEqual([k, v]);
    expect(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8').split('\n')).toEqual(expect.arrayContaining(['cdk.out/', 'base.out/', 'beanstack-review.md', '.beanstack/', 'node_modules/']));
    expect(r.stderr).toMatch(/detected web service: nginx/);
    expect(r.stderr).toMatch(/detected database service: mysql/);
  });

  it('the workflows are valid YAML: an offline PR review job and an OIDC deploy job, actions pinned by commit SHA', async () => {
    await run([]);
    const review = workflow('beanstack-review.yml');
    expect(Object.keys(review.on)).toEqual(['pull_request']);
    expect(review.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(review.jobs.review.env).toEqual({ BEANSTACK_STAGE: 'prod' });
    const steps = review.jobs.review.steps as Json[];
    expect(steps[0]).toEqual({ uses: 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683', with: { 'fetch-depth': 0, 'persist-credentials': false } });
    expect(runs(review)).toEqual([
      'npm ci',
      expect.stringMatching(/no test specified[\s\S]*then npm test; else echo "no test script: skipped"; fi/),
      'npx beanstack diff --base-ref "origin/$BASE_REF" -c "stage=$BEANSTACK_STAGE" --format markdown --output beanstack-review.md --fail-on data-loss,deploy-fails',
      'npx beanstack comment --file beanstack-review.md',
    ]);
    // offline: no step of the review gets AWS credentials
    expect(JSON.stringify(review)).not.toMatch(/aws-actions|AWS_|role-to-assume/);
    const diff = steps.find((s) => String(s.run).startsWith('npx beanstack diff'))!;
    expect(diff.env).toEqual({ BASE_REF: '${{ github.base_ref }}' });
    const comment = steps.find((s) => String(s.run).startsWith('npx beanstack comment'))!;
    expect(comment.env).toEqual({ GITHUB_TOKEN: '${{ secrets.GITHUB_TOKEN }}' });
    expect(comment.if).toMatch(/!cancelled\(\)/);

    const deploy = workflow('beanstack-deploy.yml');
    expect(deploy.on).toEqual({ push: { branches: ['main'] } });
    expect(deploy.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(deploy.jobs.deploy.environment).toBe('prod');
    expect(deploy.jobs.deploy.steps[0]).toEqual({ uses: 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683', with: { 'persist-credentials': false } });
    const creds = (deploy.jobs.deploy.steps as Json[]).find((s) => String(s.uses).startsWith('aws-actions/configure-aws-credentials'))!;
    expect(creds.uses).toBe('aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502');
    expect(creds.with).toEqual({ 'role-to-assume': '${{ vars.AWS_DEPLOY_ROLE_ARN }}', 'aws-region': 'eu-west-1' });
    expect(JSON.stringify(deploy)).not.toMatch(/aws-access-key-id|AWS_SECRET_ACCESS_KEY/);
    expect(runs(deploy)).toEqual(['npm ci', expect.stringMatching(/no test specified/), 'npx cdk deploy --all --require-approval never -c "stage=$BEANSTACK_STAGE"']);
    // every action is pinned by a full commit SHA with its tag in a comment
    for (const f of ['beanstack-review.yml', 'beanstack-deploy.yml']) {
      const uses = fs.readFileSync(path.join(dir, '.github/workflows', f), 'utf8').split('\n').filter((l) => /\buses:/.test(l));
      expect(uses.length).toBeGreaterThanOrEqual(2);
      for (const l of uses) expect(l).toMatch(/uses: [\w-]+\/[\w-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    }
  });

  it('values are serialized, never pasted: a branch "main, \'**\'" stays one branch; a hostile compose file name stays in its comment', async () => {
    fs.renameSync(path.join(dir, 'docker-compose.yml'), path.join(dir, 'x\nservices: {}\n#.yml'));
    const r = await run(['--branch', "main, '**'", '-f', 'x\nservices: {}\n#.yml']);
    expect(r.code).toBe(0);
    expect(workflow('beanstack-deploy.yml').on).toEqual({ push: { branches: ["main, '**'"] } });
    const prod = parseYaml(fs.readFileSync(path.join(dir, 'docker-compose.prod.yml'), 'utf8'));
    expect(Object.keys(prod)).toEqual(['x-beanstack', 'services']);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'cdk.json'), 'utf8')).context.compose).toBe('x\nservices: {}\n#.yml,docker-compose.prod.yml');
  });

  it('prints the IAM trust policy whose sub matches the deploy job (environment), and suggests environment protection', async () => {
    const r = await run(['--stage', 'prod'], { GITHUB_REPOSITORY: 'acme/shop' });
    const json = r.stderr.slice(r.stderr.indexOf('{'), r.stderr.lastIndexOf('}') + 1);
    const policy = JSON.parse(json);
    expect(policy).toEqual(trustPolicy('111122223333', 'acme/shop', 'prod'));
    expect(policy.Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:sub']).toBe('repo:acme/shop:environment:prod');
    expect(policy.Statement[0].Principal.Federated).toBe('arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com');
    expect(workflow('beanstack-deploy.yml').jobs.deploy.environment).toBe('prod');
    expect(r.stderr).toMatch(/Environments → prod: required reviewers, and deployment branches limited to "main"/);
  });

  it('--stage staging --preset prod: cdk.json gets the stage\'s entry, the workflows deploy that stage', async () => {
    const r = await run(['--stage', 'staging', '--preset', 'prod'], { GITHUB_REPOSITORY: 'acme/shop' });
    expect(r.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'cdk.json'), 'utf8')).context.beanstack).toEqual({ stages: { staging: { preset: 'prod' } } });
    expect(workflow('beanstack-deploy.yml').jobs.deploy.environment).toBe('staging');
    await run(['--stage', 'prod', '--force']);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'cdk.json'), 'utf8')).context.beanstack).toBeUndefined();
  });

  it('the repository comes from the origin remote when GITHUB_REPOSITORY is unset', async () => {
    require('child_process').execFileSync('git', ['init', '-q'], { cwd: dir }); // eslint-disable-line @typescript-eslint/no-require-imports
    require('child_process').execFileSync('git', ['remote', 'add', 'origin', 'git@github.com:acme/shop.git'], { cwd: dir }); // eslint-disable-line @typescript-eslint/no-require-imports
    const r = await run([]);
    expect(r.stderr).toContain('"repo:acme/shop:environment:prod"');
  });

  it("the workflows' commands are the documented ones (docs/review.md, and README.md when it has the section)", async () => {
    await run([]);
    const docs = [fs.readFileSync(path.join(REPO, 'docs/review.md'), 'utf8')];
    const readme = path.join(REPO, 'README.md');
    if (fs.existsSync(readme) && fs.readFileSync(readme, 'utf8').includes('beanstack diff --base-ref')) docs.push(fs.readFileSync(readme, 'utf8'));
    for (const doc of docs) {
      for (const cmd of [...runs(workflow('beanstack-review.yml')), ...runs(workflow('beanstack-deploy.yml'))].filter((c) => !c.includes('\n'))) {
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

  it('.gitignore: missing entries are appended, existing lines kept; nothing to add leaves it alone', () => {
    expect(mergeGitignore('node_modules\n/cdk.out\n.env')).toBe('node_modules\n/cdk.out\n.env\n# beanstack: CDK output, the review\'s assemblies and report, local rehearsal files\nbase.out/\nbeanstack-review.md\n.beanstack/\n');
    expect(mergeGitignore('node_modules/\ncdk.out/\nbase.out/\nbeanstack-review.md\n.beanstack/\n')).toBeUndefined();
  });

  it('never overwrites without --force; a second run is up to date', async () => {
    write('cdk.json', '{ "app": "mine" }\n');
    let r = await run([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/kept cdk\.json: it exists and differs \(use --force to overwrite\)/);
    expect(fs.readFileSync(path.join(dir, 'cdk.json'), 'utf8')).toBe('{ "app": "mine" }\n');
    r = await run(['--force']);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'cdk.json'), 'utf8')).toMatch(/npx beanstack app/);
    r = await run([]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/cdk\.json is up to date/);
    expect(r.stderr).not.toMatch(/wrote \.gitignore/);
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
    [['--stage', 'QA'], /--stage QA: not a stage name[\s\S]*fix: use lowercase letters/],
    [['--stage', 'qa', '--preset', 'production'], /--preset production: not a preset/],
    [['--app-name', '1x'], /--app-name 1x/],
    [['--repository', 'not a repo'], /--repository not a repo: expected OWNER\/NAME/],
  ])('flag error %j', async (args, message) => {
    const r = await run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
  });

  it.each([
    [[], /--account is required[\s\S]*fix: pass --account 111122223333/],
    [['--account', '42', '--region', 'eu-west-1'], /--account 42: not a 12-digit AWS account id/],
    [['--account', '111122223333'], /--region is required/],
  ])('account and region are required: %j', async (account, message) => {
    const r = await run([], {}, account as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
    expect(fs.existsSync(path.join(dir, 'cdk.json'))).toBe(false);
  });

  it('--domain with its zone: cdk.json gives the prod stage its name (no allowHttp); partial or bad flags are user errors with the fix', async () => {
    const r = await run(['--domain', 'shop.example.com', '--hosted-zone-id', '/hostedzone/Z0123456789ABCDEFGHIJ', '--hosted-zone-name', 'example.com.']);
    expect(r.code).toBe(0);
    const cdk = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.json'), 'utf8'));
    expect(cdk.context).toMatchObject({ domain: { prod: 'shop.example.com' }, hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com' });
    expect(cdk.context.allowHttp).toBeUndefined();
    expect(r.stderr).not.toMatch(/allowHttp/);
    fs.rmSync(path.join(dir, 'cdk.json'));
    for (const [args, message] of [
      [['--domain', 'shop.example.com'], /--domain, --hosted-zone-id and --hosted-zone-name go together/],
      [['--domain', 'shop.example.org', '--hosted-zone-id', 'Z0123456789ABCDEFGHIJ', '--hosted-zone-name', 'example.com'], /--domain shop\.example\.org is not inside --hosted-zone-name example\.com/],
      [['--domain', 'Shop.example.com', '--hosted-zone-id', 'Z0123456789ABCDEFGHIJ', '--hosted-zone-name', 'example.com'], /has upper-case letters[\s\S]*fix: write it in lower case: shop\.example\.com/],
      [['--domain', 'shop.example.com', '--hosted-zone-id', 'example', '--hosted-zone-name', 'example.com'], /--hosted-zone-id example: not a Route 53 hosted zone id/],
    ] as const) {
      const bad = await run([...args]);
      expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(message)]);
      expect(fs.existsSync(path.join(dir, 'cdk.json'))).toBe(false);
    }
  });

  it('no compose file', async () => {
    fs.rmSync(path.join(dir, 'docker-compose.yml'));
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no compose file[\s\S]*fix:/);
  });
});

describe('templates', () => {
  it('fill serializes values (JSON strings, valid YAML scalars), leaves GitHub expressions alone and refuses unknown placeholders', () => {
    expect(fill('a: {{x}} ${{ github.ref }}', { x: '1' })).toBe('a: "1" ${{ github.ref }}');
    expect(parseYaml(fill('a: [{{x}}]', { x: "main, '**'\nb: 1" }))).toEqual({ a: ["main, '**'\nb: 1"] });
    expect(fill('{{x}}', { x: { raw: 'k: v' } })).toBe('k: v');
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
