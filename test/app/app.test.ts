/**
 * The CDK app (bin/app.ts) on the README's example: offline synth of both stages, zero findings of
 * cdk-nag and aws-cdk-lib's own checks, no secret in the cloud assembly, and pinned logical IDs of
 * the stateful resources.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BeanstackApp, createBeanstackApp, EXAMPLE_ENV, main, readSettings } from '../../bin/app';
import { COMPOSE_FILES_METADATA, composeFilesFromAssembly } from '../../lib/aws/history-record';
import { runExample } from '../../bin/example';
import { isUserError } from '../../lib/errors';
import { readViolations, walk } from '../constructs/helpers';

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLE_DIR = path.join(ROOT, 'examples', 'fullstack');

interface Synth {
  readonly built: BeanstackApp;
  readonly outdir: string;
  readonly template: any;
  readonly manifest: any;
}

function synthExample(stage: 'dev' | 'prod'): Synth {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `beanstack-app-${stage}-`));
  // the CDK CLI passes cdk.json's and cdk.context.json's context; so does this test
  const cliContext = { ...JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context, ...JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.context.json'), 'utf8')) };
  // no allowHttp: the example's prod stage has a domain (a placeholder zone in docker-compose.prod.yml)
  const built = createBeanstackApp({ cwd: ROOT, env: {}, context: { ...cliContext, stage }, outdir });
  built.app.synth();
  return {
    built,
    outdir,
    template: JSON.parse(fs.readFileSync(path.join(outdir, built.stack.templateFile), 'utf8')),
    manifest: JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')),
  };
}

/** Values in the example's compose and .env files that are secrets (by variable name). */
function exampleSecretValues(): string[] {
  const values = new Set<string>();
  for (const file of walk(EXAMPLE_DIR)) {
    const base = path.basename(file);
    if (!/^(docker-)?compose.*\.ya?ml$|^\.env/.test(base)) continue;
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/([A-Z0-9_]*(PASSWORD|SECRET|TOKEN|API_KEY|PRIVATE_KEY)[A-Z0-9_]*)\s*[:=]\s*["']?([^"'\s#]+)/g)) {
      if (!m[3].startsWith('$') && !m[3].startsWith('/run/secrets')) values.add(m[3]);
    }
  }
  return [...values].sort();
}

describe.each(['dev', 'prod'] as const)('the example, %s stage', (stage) => {
  let s: Synth;
  beforeAll(() => { s = synthExample(stage); });

  test('synthesizes offline: cdk.context.json answers every lookup, placeholder account and region', () => {
    expect(s.manifest.missing).toBeUndefined();
    const subnets = Object.values(s.template.Resources).filter((r: any) => r.Type === 'AWS::EC2::Subnet') as any[];
    expect([...new Set(subnets.map((r) => r.Properties.AvailabilityZone))].sort()).toEqual(['eu-west-1a', 'eu-west-1b']);
    expect(s.built.stack.account).toBe(EXAMPLE_ENV.account);
    expect(s.built.stack.region).toBe(EXAMPLE_ENV.region);
    expect(s.built.stack.stackName).toBe(`fullstack-${stage}`);
  });

  test('the compose files and their sha256 are in the stack\'s metadata (the deploy record reads them), not in the template', () => {
    const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined);
    expect(composeFilesFromAssembly(s.outdir, s.built.stack.artifactId, read)).toEqual(['docker-compose.yml', 'docker-compose.prod.yml'].map((f) => ({
      file: `examples/fullstack/${f}`,
      sha256: createHash('sha256').update(fs.readFileSync(path.join(EXAMPLE_DIR, f))).digest('hex'),
    })));
    expect(JSON.stringify(s.template)).not.toContain(COMPOSE_FILES_METADATA);
  });

  test('validation-report.json: zero findings of cdk-nag AwsSolutions and the built-in checks', () => {
    expect(fs.existsSync(path.join(s.outdir, 'validation-report.json'))).toBe(true);
    expect(readViolations(s.outdir)).toEqual([]);
    expect(s.built.app.node.tryGetContext('@aws-cdk/core:validateAgainstDefaultRules')).toBe(true);
  });

  test('no secret value of the example and no plaintext password anywhere in the cloud assembly', () => {
    const secrets = exampleSecretValues();
    expect(secrets).toEqual(expect.arrayContaining(['dev-password', 'dev-root-password']));
    const hits: string[] = [];
    const files = walk(s.outdir);
    expect(files.some((f) => f.includes(`${path.sep}asset.`))).toBe(true); // staged assets are scanned too
    for (const file of files) {
      const text = fs.readFileSync(file).toString('latin1');
      for (const value of secrets) if (text.includes(value)) hits.push(`${path.relative(s.outdir, file)}: ${value}`);
    }
    expect(hits).toEqual([]);

    // every password-like property of the template is a Secrets Manager reference
    const visit = (node: unknown, where: string): void => {
      if (Array.isArray(node)) node.forEach((n, i) => visit(n, `${where}[${i}]`));
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (/password/i.test(k) && typeof v === 'string') expect([where, k, v]).toEqual([where, k, expect.stringMatching(/^\{\{resolve:secretsmanager:/)]);
          visit(v, `${where}.${k}`);
        }
      }
    };
    visit(s.template.Resources, 'Resources');
    // no password or secret variable is a plain environment property
    const env = Object.values(s.template.Resources).find((r: any) => r.Type === 'AWS::ElasticBeanstalk::Environment') as any;
    const plain = env.Properties.OptionSettings.filter((o: any) => o.Namespace === 'aws:elasticbeanstalk:application:environment').map((o: any) => o.OptionName);
    expect(plain.filter((n: string) => /PASSWORD|SECRET|TOKEN/.test(n))).toEqual([]);
    const secretVars = env.Properties.OptionSettings.filter((o: any) => o.Namespace === 'aws:elasticbeanstalk:application:environmentsecrets').map((o: any) => o.OptionName);
    expect(secretVars).toContain('MYSQL_PASSWORD');
  });

  test('the domain of docker-compose.prod.yml (placeholder zone): prod serves https://shop.example.com with no allowHttp; dev keeps its Elastic Beanstalk URL', () => {
    const records = Object.values(s.template.Resources).filter((r: any) => r.Type === 'AWS::Route53::RecordSet') as any[];
    const certificates = Object.values(s.template.Resources).filter((r: any) => r.Type === 'AWS::CertificateManager::Certificate') as any[];
    const warnings = s.built.stack.application.warnings.map((w) => w.code);
    expect(warnings).not.toContain('constructs/http-only');
    if (stage === 'dev') {
      expect([records.length, certificates.length, s.built.stack.application.domain]).toEqual([0, 0, undefined]);
      return;
    }
    expect(records.map((r) => [r.Properties.Name, r.Properties.Type, r.Properties.HostedZoneId, r.Properties.AliasTarget.HostedZoneId]).sort())
      .toEqual([['shop.example.com.', 'A', 'Z00000000000EXAMPLE', 'Z32O12XQLNTSW2'], ['shop.example.com.', 'AAAA', 'Z00000000000EXAMPLE', 'Z32O12XQLNTSW2']]);
    expect(certificates.map((c) => [c.Properties.DomainName, c.Properties.ValidationMethod, c.Properties.DomainValidationOptions]))
      .toEqual([['shop.example.com', 'DNS', [{ DomainName: 'shop.example.com', HostedZoneId: 'Z00000000000EXAMPLE' }]]]);
  });

  test('logical IDs of the stateful resources are pinned (a change would replace them)', () => {
    const ids = (type: string) => Object.entries(s.template.Resources).filter(([, r]: [string, any]) => r.Type === type).map(([id]) => id).sort();
    expect({
      vpc: ids('AWS::EC2::VPC'),
      database: ids('AWS::RDS::DBInstance'),
      databaseSecret: ids('AWS::SecretsManager::Secret'),
      application: ids('AWS::ElasticBeanstalk::Application'),
      environment: ids('AWS::ElasticBeanstalk::Environment'),
    }).toEqual({
      vpc: ['AppNetworkVpc798168CC'],
      database: ['AppDatabasesmysqlInstance9D393F6F'],
      databaseSecret: [`fullstack${stage}AppDatabasesmysqlInstanceSecret${stage === 'dev' ? '6095980D' : 'C301EFC6'}3fdaad7efa858a3daf9490cf0a702aeb`],
      application: ['AppBeanstalkApplication2826D632'],
      environment: ['AppBeanstalkEnvironment524C5E7D'],
    });
  });
});

describe('readSettings', () => {
  test('defaults: the example with the placeholder account and region', () => {
    const s = readSettings({}, {});
    expect(s).toMatchObject({ isExample: true, stage: 'dev', target: 'ecs', account: '123456789012', region: 'eu-west-1', placeholderEnv: true });
    expect(s.composeFiles).toEqual(['examples/fullstack/docker-compose.yml', 'examples/fullstack/docker-compose.prod.yml']);
  });

  test('the CLI without credentials (CDK_DEFAULT_REGION alone) keeps the placeholders', () => {
    expect(readSettings({}, { CDK_DEFAULT_REGION: 'us-east-1' })).toMatchObject({ account: '123456789012', region: 'eu-west-1', placeholderEnv: true });
  });

  test('CDK_DEFAULT_ACCOUNT/REGION override the placeholders; -c account/region override both', () => {
    const env = { CDK_DEFAULT_ACCOUNT: '111122223333', CDK_DEFAULT_REGION: 'us-west-2' };
    expect(readSettings({}, env)).toMatchObject({ account: '111122223333', region: 'us-west-2', placeholderEnv: false });
    expect(readSettings({ account: '444455556666', region: 'ap-southeast-2' }, env)).toMatchObject({ account: '444455556666', region: 'ap-southeast-2' });
  });

  test('own compose files take no placeholder', () => {
    const s = readSettings({ compose: 'app/compose.yaml, app/compose.prod.yaml', stage: 'prod', appName: 'shop', target: 'docker' }, {});
    expect(s).toMatchObject({ isExample: false, stage: 'prod', appName: 'shop', target: 'docker', account: undefined, region: undefined, placeholderEnv: false });
    expect(s.composeFiles).toEqual(['app/compose.yaml', 'app/compose.prod.yaml']);
  });

  test('-c cnamePrefix reaches the settings (preflight checks the CNAME is free)', () => {
    expect(readSettings({ cnamePrefix: 'fullstack-shop' }, {}).cnamePrefix).toBe('fullstack-shop');
    expect(readSettings({}, {}).cnamePrefix).toBeUndefined();
  });

  test('-c domain, hostedZoneId, hostedZoneName and hostedZoneLookup reach the settings', () => {
    expect(readSettings({ domain: 'shop.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com', hostedZoneLookup: 'false' }, {}))
      .toMatchObject({ domain: 'shop.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com', hostedZoneLookup: false });
    expect(readSettings({}, {})).toMatchObject({ domain: undefined, hostedZoneId: undefined, hostedZoneName: undefined, hostedZoneLookup: undefined });
    // cdk.json's per-stage form (beanstack init --domain writes it): the stage's name, none for the others
    expect(readSettings({ domain: { prod: 'shop.example.com' }, stage: 'prod' }, {}).domain).toBe('shop.example.com');
    expect(readSettings({ domain: { prod: 'shop.example.com' } }, {}).domain).toBeUndefined();
    expect(() => readSettings({ domain: { prod: 42 } }, {})).toThrow(/context domain\.prod must be a host name, got 42/);
  });

    test('env.NAME context keys become environment properties', () => {
    expect(readSettings({ 'env.API_URL': 'https://api.example.com', 'env.WORKERS': 4 }, {}).environmentVariables).toEqual({ API_URL: 'https://api.example.com', WORKERS: '4' });
  });

  test.each([
    [{ stage: 'Staging' }, /context stage is 'Staging'/, /lowercase letters, digits and hyphens.*-c stage=<name>/],
    [{ target: 'k8s' }, /context target 'k8s' is not a bundle target/, /-c target=ecs/],
    [{ account: '42' }, /account '42' is not a 12-digit AWS account id/, /-c account=/],
    [{ region: 'Europe' }, /region 'Europe' is not an AWS region name/, /-c region=/],
  ])('%j is a user error with a fix', (context, message, fix) => {
    let error: any;
    try { readSettings(context, {}); } catch (e) { error = e; }
    expect(isUserError(error)).toBe(true);
    expect(error.message).toMatch(message);
    expect(error.fix).toMatch(fix);
  });
});

describe('createBeanstackApp with own compose files', () => {
  test('without an account and region it fails at synth with how to set them', () => {
    let error: any;
    try {
      createBeanstackApp({
        cwd: ROOT,
        env: {},
        context: { compose: 'examples/fullstack/docker-compose.yml,examples/fullstack/docker-compose.prod.yml' },
        outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-noenv-')),
      });
    } catch (e) { error = e; }
    expect(isUserError(error)).toBe(true);
    expect(error.code).toBe('constructs/stack-env');
    expect(error.fix).toMatch(/-c account=.*-c region=/);
  });
});

describe('npm start (bin/example.ts)', () => {
  test('prints the summary and exits 0', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-example-'));
    const r = runExample(['--out', out], {}, ROOT);
    expect(r.exitCode).toBe(0);
    expect(r.output).toMatch(/stack fullstack-dev: stage dev, target ecs, account 123456789012 \(placeholder\), region eu-west-1/);
    expect(r.output).toMatch(/containers \(3\): api, frontend, nginx; web: nginx/);
    expect(r.output).toMatch(/images to build at `cdk deploy` \(3\)/);
    expect(r.output).toMatch(/mysql +mysql 8\.4\.10, database messages, user app/);
    expect(r.output).toMatch(/validation: .*validation-report\.json: 0 finding\(s\)/);
    expect(fs.existsSync(path.join(out, 'fullstack-dev.template.json'))).toBe(true);
  });

  test('--stage prod: HTTPS under the example\'s domain without allowHttp, no http-only warning, exit 0', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-example-'));
    const r = runExample(['--stage', 'prod', '--out', out], {}, ROOT);
    expect(r.exitCode).toBe(0);
    expect(r.output).toMatch(/domain: https:\/\/shop\.example\.com \(certificate validated by DNS, alias records A and AAAA in hosted zone Z00000000000EXAMPLE example\.com/);
    expect(r.output).not.toMatch(/http-only|allowHttp/);
  });

    test('a bad flag is a user error (exit 2)', () => {
    expect(runExample(['--bogus'], {}, ROOT)).toMatchObject({ exitCode: 2, output: expect.stringMatching(/unknown argument --bogus/) });
    expect(runExample(['--stage', 'QA!', '--out', fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-example-'))], {}, ROOT))
      .toMatchObject({ exitCode: 2, output: expect.stringMatching(/context stage is 'QA!'/) });
  });

  test('--stage staging: the prod preset from cdk.json (beanstack.stages.staging), zero findings', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-example-'));
    const r = runExample(['--stage', 'staging', '--out', out], {}, ROOT);
    expect(r.exitCode).toBe(0);
    expect(r.output).toMatch(/stack fullstack-staging: stage staging \(preset prod\), target ecs/);
    expect(r.output).toMatch(/validation: .*validation-report\.json: 0 finding\(s\)/);
  });
});

describe('main (what the CDK CLI runs)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of ['CDK_CONTEXT_JSON', 'CDK_OUTDIR']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  test('synthesizes into CDK_OUTDIR with the CLI\'s context and exits 0', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-main-'));
    process.env.CDK_OUTDIR = out;
    process.env.CDK_CONTEXT_JSON = JSON.stringify({ ...JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.context.json'), 'utf8')), stage: 'dev' });
    const errors: string[] = [];
    expect(main(ROOT, { CDK_DEFAULT_REGION: 'us-east-1' }, (t) => errors.push(t))).toBe(0);
    expect(errors).toEqual([]);
    expect(fs.existsSync(path.join(out, 'fullstack-dev.template.json'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'validation-report.json'))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).missing).toBeUndefined();
  });

  test('a missing compose file is a user error: exit 2, file and fix on stderr', () => {
    process.env.CDK_OUTDIR = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-main-'));
    process.env.CDK_CONTEXT_JSON = JSON.stringify({ compose: 'nowhere/compose.yaml' });
    const errors: string[] = [];
    expect(main(ROOT, {}, (t) => errors.push(t))).toBe(2);
    expect(errors.join('')).toMatch(/^error: .*nowhere\/compose\.yaml/);
  });
});
