import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { HTTPS_REDIRECT_CONFIG, HTTPS_REDIRECT_PATH } from '../../constructs/beanstalk-environment';
import { ComposeApplication, ComposeApplicationProps } from '../../constructs/compose-application';
import { isUserError } from '../../lib/errors';
import { fixtureProject, FIXTURE_SECRET_VALUES, singleContainerProject } from './fixtures/project';
import { newApp, optionSettings, resourcesOfType, synth, Synthesized, walk } from './helpers';

function build(props: Partial<ComposeApplicationProps> = {}, capture?: (a: ComposeApplication) => void) {
  return (stack: Stack) => {
    const app = new ComposeApplication(stack, 'App', { project: fixtureProject(), ...props });
    capture?.(app);
  };
}

function readDockerrun(a: ComposeApplication): any {
  return JSON.parse(fs.readFileSync(path.join(a.bundleDirectory, 'Dockerrun.aws.json'), 'utf8'));
}

describe('ComposeApplication, dev stage, ECS target', () => {
  let s: Synthesized;
  let a: ComposeApplication;
  let options: Record<string, unknown>;
  beforeAll(() => {
    s = synth(build({}, (x) => { a = x; }));
    options = optionSettings(s);
  });

  test('synthesizes with zero findings (cdk-nag AwsSolutions and the built-in template checks)', () => {
    expect(s.error).toBeUndefined();
    expect(s.violations).toEqual([]);
  });

  test('one image asset per built service, for the instances\' platform', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(s.outdir, `${s.stack.artifactId}.assets.json`), 'utf8'));
    const images = Object.values(manifest.dockerImages) as any[];
    expect(images).toHaveLength(3);
    expect(images.map((i) => i.source.platform)).toEqual(['linux/amd64', 'linux/amd64', 'linux/amd64']);
    expect(Object.keys(a.images).sort()).toEqual(['api', 'nginx', 'web']);
  });

  test('the Dockerrun holds concrete ECR URIs built from the assets\' repository and hash', () => {
    const doc = readDockerrun(a);
    const byName = Object.fromEntries(doc.containerDefinitions.map((c: any) => [c.name, c.image]));
    for (const svc of ['api', 'nginx', 'web']) {
      expect(byName[svc]).toBe(`123456789012.dkr.ecr.eu-west-1.amazonaws.com/cdk-hnb659fds-container-assets-123456789012-eu-west-1:${a.images[svc].assetHash}`);
      expect(byName[svc]).not.toMatch(/\$\{|Token|placeholder/);
    }
    expect(a.warnings.map((w) => w.code)).not.toContain('bundle/placeholder-image');
  });

  test('the Dockerrun names the task execution role by its concrete ARN, the role the stack creates', () => {
    const doc = readDockerrun(a);
    expect(doc.executionRoleArn).toBe('arn:aws:iam::123456789012:role/fixture-dev-eu-west-1-ecs-task-execution');
    s.template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'fixture-dev-eu-west-1-ecs-task-execution' });
  });

  test('the source bundle asset is the written bundle', () => {
    const assetDir = path.join(s.outdir, `asset.${a.environment.bundleAsset.assetHash}`);
    expect(a.bundleDirectory).toBe(assetDir);
    expect(fs.readFileSync(path.join(assetDir, 'Dockerrun.aws.json'), 'utf8')).toBe(`${JSON.stringify(readDockerrun(a), null, 2)}\n`);
  });

  test('the bundle lands once in the cloud assembly: the staged asset, no second copy', () => {
    const copies = walk(s.outdir).filter((f) => path.basename(f) === 'Dockerrun.aws.json').map((f) => path.relative(s.outdir, path.dirname(f)));
    expect(copies).toEqual([`asset.${a.environment.bundleAsset.assetHash}`]);
    expect(fs.readdirSync(s.outdir).filter((f) => !/^asset\.|\.json$|^cdk\.out$/.test(f))).toEqual([]);
  });

  test('the MySQL service becomes RDS MySQL 8.4, and the api\'s variables are rewired to it', () => {
    s.template.hasResourceProperties('AWS::RDS::DBInstance', { Engine: 'mysql', EngineVersion: '8.4.10', DBName: 'messages', PubliclyAccessible: false, StorageEncrypted: true });
    expect(options['aws:elasticbeanstalk:application:environment/MYSQL_HOST']).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^AppDatabasesmysql/), 'Endpoint.Address'] });
    expect(options['aws:elasticbeanstalk:application:environment/MYSQL_PORT']).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^AppDatabasesmysql/), 'Endpoint.Port'] });
    expect(options['aws:elasticbeanstalk:application:environment/MYSQL_USER']).toBe('app');
    expect(options['aws:elasticbeanstalk:application:environment/MYSQL_DATABASE']).toBe('messages');
    expect(options['aws:elasticbeanstalk:application:environment/MYSQL_PASSWORD']).toBeUndefined();
    expect(options['aws:elasticbeanstalk:application:environmentsecrets/MYSQL_PASSWORD']).toEqual({
      'Fn::Join': ['', [{ Ref: expect.stringMatching(/^AppDatabasesmysqlInstanceSecretAttachment/) }, ':password::']],
    });
  });

  test('other secrets are created in Secrets Manager and passed as environment secrets', () => {
    const [[secretId]] = resourcesOfType(s, 'AWS::SecretsManager::Secret').filter(([id]) => id.startsWith('AppSecretsSESSIONSECRET'));
    s.template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Delete',
      Properties: { Description: Match.stringLikeRegexp('SESSION_SECRET for api.*put-secret-value'), GenerateSecretString: Match.objectLike({ PasswordLength: 40 }) },
    });
    expect(options['aws:elasticbeanstalk:application:environmentsecrets/SESSION_SECRET']).toEqual({ Ref: secretId });
  });

  test('the instance profile reads exactly the two secrets and pulls only from the assets repository', () => {
    const statements = resourcesOfType(s, 'AWS::IAM::Policy')
      .filter(([id]) => id.startsWith('AppBeanstalkInstanceRole'))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const read = statements.find((x: any) => x.Sid === 'ReadEnvironmentSecrets');
    expect(read.Resource).toHaveLength(2);
    const pull = statements.find((x: any) => x.Sid === 'PullImages');
    expect(pull.Resource).toBe('arn:aws:ecr:eu-west-1:123456789012:repository/cdk-hnb659fds-container-assets-123456789012-eu-west-1');
  });

  test('the environment and application are named <app>-<stage>, health check from x-beanstack', () => {
    s.template.hasResourceProperties('AWS::ElasticBeanstalk::Environment', { EnvironmentName: 'fixture-dev', ApplicationName: 'fixture-dev' });
    s.template.hasResourceProperties('AWS::ElasticBeanstalk::Application', { ApplicationName: 'fixture-dev' });
    expect(options['aws:elasticbeanstalk:application/Application Healthcheck URL']).toBe('/api/health');
  });

  test('outputs: the environment URL, the database endpoint, the secrets\' names', () => {
    const outputs = s.json.Outputs ?? {};
    const keys = Object.keys(outputs).sort();
    expect(keys).toEqual([
      expect.stringMatching(/^AppDatabaseEndpointmysql/),
      expect.stringMatching(/^AppDatabaseSecretNamemysql/),
      expect.stringMatching(/^AppEnvironmentUrl/),
      expect.stringMatching(/^AppFillSecretSESSIONSECRET/),
      expect.stringMatching(/^AppSecretNameSESSIONSECRET/),
    ]);
    const url = Object.entries(outputs).find(([k]) => k.startsWith('AppEnvironmentUrl'))![1];
    expect(url.Value).toEqual({ 'Fn::Join': ['', ['http://', { 'Fn::GetAtt': [expect.stringMatching(/^AppBeanstalkEnvironment/), 'EndpointURL'] }]] });
  });

  // An AWS::SecretsManager::Secret with neither SecretString nor GenerateSecretString has no
  // AWSCURRENT version; GetSecretValue fails, and so would the environment-secret bootstrap (facts
  // §3.5: values are read at instance bootstrap). So app secrets hold a random placeholder, and the
  // user is told — at synth and in the outputs — exactly how to replace it.
  test('app secrets: a random placeholder, a synth warning that says so, and the exact fill command as an output', () => {
    const [[secretId]] = resourcesOfType(s, 'AWS::SecretsManager::Secret').filter(([id]) => id.startsWith('AppSecretsSESSIONSECRET'));
    expect(s.json.Resources[secretId].Properties.SecretString).toBeUndefined();
    expect(s.json.Resources[secretId].Properties.GenerateSecretString).toEqual({ ExcludePunctuation: true, PasswordLength: 40 });
    expect(a.warnings).toEqual(expect.arrayContaining([expect.objectContaining({
      code: 'constructs/secret-placeholder',
      message: expect.stringMatching(/^SESSION_SECRET \(api\) is created in Secrets Manager with a random placeholder, and the application runs with it until you set the real value/),
    })]));
    const [, fill] = Object.entries(s.json.Outputs ?? {}).find(([k]) => k.startsWith('AppFillSecretSESSIONSECRET'))!;
    // the value comes from a shell variable (never the command line); restart-app-server makes the
    // instances read the secret again (facts §3.5: picking up a new value needs RestartAppServer or UpdateEnvironment)
    expect(fill.Value).toEqual({ 'Fn::Join': ['', [
      'aws secretsmanager put-secret-value --region eu-west-1 --secret-id ',
      { Ref: secretId },
      ' --secret-string "$SESSION_SECRET" && aws elasticbeanstalk restart-app-server --region eu-west-1 --environment-name fixture-dev',
    ]] });
  });

  test('no secret value of the compose file reaches the cloud assembly (templates, bundle, staged assets)', () => {
    const hits: string[] = [];
    for (const file of walk(s.outdir)) {
      const text = fs.readFileSync(file).toString('latin1');
      for (const value of FIXTURE_SECRET_VALUES) if (text.includes(value)) hits.push(`${path.relative(s.outdir, file)}: ${value}`);
    }
    expect(hits).toEqual([]);
  });
});

describe('ComposeApplication, the bundle in the cloud assembly', () => {
  test('two stages in one app each stage their own bundle once', () => {
    const app = newApp();
    const apps = ['dev', 'prod'].map((stage) => new ComposeApplication(new Stack(app, `S-${stage}`, { env: { account: '123456789012', region: 'eu-west-1' } }), 'App', { project: fixtureProject(), stage, allowHttp: true }));
    app.synth();
    const copies = walk(app.outdir).filter((f) => path.basename(f) === 'Dockerrun.aws.json').map((f) => path.dirname(f)).sort();
    expect(copies).toEqual(apps.map((x) => x.bundleDirectory).sort());
    expect(new Set(copies).size).toBe(2);
  });

  test('with asset staging disabled the asset is the written bundle, kept in the assembly', () => {
    const app = newApp();
    app.node.setContext('aws:cdk:disable-asset-staging', true);
    const a = new ComposeApplication(new Stack(app, 'S', { env: { account: '123456789012', region: 'eu-west-1' } }), 'App', { project: fixtureProject() });
    app.synth();
    expect(a.environment.bundleAsset.assetPath).toBe(a.bundleDirectory);
    expect(readDockerrun(a).containerDefinitions.length).toBeGreaterThan(0);
    expect(walk(app.outdir).filter((f) => path.basename(f) === 'Dockerrun.aws.json')).toEqual([path.join(a.bundleDirectory, 'Dockerrun.aws.json')]);
  });
});

describe('ComposeApplication, prod stage', () => {
  let s: Synthesized;
  let a: ComposeApplication;
  beforeAll(() => { s = synth(build({ stage: 'prod', cnamePrefix: 'fixture-shop', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0b1c2d3e-aaaa-bbbb-cccc-123456789012' }, (x) => { a = x; })); });

  test('the HTTPS redirect is written with the bundle, and ships in the application version', () => {
    const written = fs.readFileSync(path.join(a.bundleDirectory, ...HTTPS_REDIRECT_PATH.split('/')), 'utf8');
    expect(written).toBe(HTTPS_REDIRECT_CONFIG);
    const asset = path.join(s.outdir, a.environment.bundleAsset.assetPath);
    expect(fs.readFileSync(path.join(asset, ...HTTPS_REDIRECT_PATH.split('/')), 'utf8')).toBe(HTTPS_REDIRECT_CONFIG);
    // no staging copy of the bundle besides the asset
    expect(fs.existsSync(path.join(s.outdir, 'beanstack-staging'))).toBe(false);
  });

  test('cnamePrefix reaches the environment (lib/aws preflight reads CNAMEPrefix to check it is free)', () => {
    s.template.hasResourceProperties('AWS::ElasticBeanstalk::Environment', { CNAMEPrefix: 'fixture-shop', EnvironmentName: 'fixture-prod' });
  });

  test('synthesizes with zero findings', () => {
    expect(s.error).toBeUndefined();
    expect(s.violations).toEqual([]);
  });

  test('Multi-AZ, deletion protection and snapshots for the database; app secrets are retained', () => {
    s.template.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Snapshot', Properties: Match.objectLike({ MultiAZ: true, DeletionProtection: true }) });
    s.template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ Description: Match.stringLikeRegexp('SESSION_SECRET') }) });
  });

  test('load balanced and immutable', () => {
    expect(optionSettings(s)).toMatchObject({
      'aws:elasticbeanstalk:environment/EnvironmentType': 'LoadBalanced',
      'aws:elasticbeanstalk:command/DeploymentPolicy': 'Immutable',
    });
  });
});

describe('ComposeApplication targets and architectures', () => {
  test('docker target: a production docker-compose.yml with concrete URIs on the Docker platform', () => {
    let a!: ComposeApplication;
    const s = synth(build({ target: 'docker' }, (x) => { a = x; }));
    expect(s.violations).toEqual([]);
    const compose = fs.readFileSync(path.join(a.bundleDirectory, 'docker-compose.yml'), 'utf8');
    expect(compose).toContain(`image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/cdk-hnb659fds-container-assets-123456789012-eu-west-1:${a.images.api.assetHash}"`);
    const [[, env]] = resourcesOfType(s, 'AWS::ElasticBeanstalk::Environment');
    expect(JSON.stringify(env.Properties.PlatformArn)).toContain('Docker running on 64bit Amazon Linux 2023');
    expect(optionSettings(s)['aws:elasticbeanstalk:application:environmentsecrets/MYSQL_PASSWORD']).toEqual({
      'Fn::Join': ['', [{ Ref: expect.stringMatching(/SecretAttachment/) }, ':password']],
    });
  });

  test('Graviton instances build arm64 images', () => {
    const s = synth(build({ instanceTypes: 't4g.small' }));
    const manifest = JSON.parse(fs.readFileSync(path.join(s.outdir, `${s.stack.artifactId}.assets.json`), 'utf8'));
    expect(new Set((Object.values(manifest.dockerImages) as any[]).map((i) => i.source.platform))).toEqual(new Set(['linux/arm64']));
  });
});

describe('ComposeApplication errors', () => {
  test('a stack without an explicit account and region fails with how to set them', () => {
    const stack = new Stack(new App(), 'NoEnv');
    let error: unknown;
    try {
      new ComposeApplication(stack, 'App', { project: fixtureProject() });
    } catch (e) {
      error = e;
    }
    expect(isUserError(error)).toBe(true);
    expect((error as any).code).toBe('constructs/stack-env');
    expect((error as any).message).toMatch(/no explicit account and region/);
    expect((error as any).fix).toMatch(/-c account=123456789012 -c region=eu-west-1.*CDK_DEFAULT_ACCOUNT/);
  });

  test('an application name that makes an invalid environment name', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    expect(() => new ComposeApplication(stack, 'App', { project: fixtureProject(), appName: 'a'.repeat(40) })).toThrow(/must be 4 to 40 letters/);
  });

  test('a variable set by two sources is a conflict', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    expect(() => new ComposeApplication(stack, 'App', { project: fixtureProject(), environmentVariables: { MYSQL_HOST: 'elsewhere' } }))
      .toThrow(/MYSQL_HOST would be set twice \(database mysql and environmentVariables\)/);
  });
});

describe('ComposeApplication prop errors are user errors', () => {
  test.each<[Partial<ComposeApplicationProps>, RegExp]>([
    [{ composeFiles: ['docker-compose.yml'] }, /`project` is an already loaded compose project, but `composeFiles` says how to load one/],
    [{ workingDirectory: '/srv/app', profiles: ['debug'] }, /but `workingDirectory`, `profiles` say how to load one/],
    [{ interpolationVariables: { TAG: '1' } }, /but `interpolationVariables` says how to load one/],
  ])('`project` together with %j is refused (it used to win silently)', (props, message) => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    let error: any;
    try {
      new ComposeApplication(stack, 'App', { project: fixtureProject(), ...props });
    } catch (e) { error = e; }
    expect(isUserError(error)).toBe(true);
    expect(error.message).toMatch(message);
    expect(error.fix).toBe('pass either `project` or `composeFiles`/`workingDirectory`/`interpolationVariables`/`profiles`, not both');
  });

  test('a certificate on the dev stage (single instance) names the prop and the fix', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    let error: any;
    try {
      new ComposeApplication(stack, 'App', { project: fixtureProject(), certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' });
    } catch (e) { error = e; }
    expect(isUserError(error)).toBe(true);
    expect(error.code).toBe('constructs/props');
    expect(error.message).toMatch(/`certificateArn` needs a load balancer, which the dev stage \(one instance\) does not have/);
    expect(error.fix).toBe('deploy the prod stage (-c stage=prod) or remove certificateArn');
  });

  // A single-instance environment is reached through its instance's Elastic IP, which a private
  // subnet (default route to a NAT gateway) cannot receive traffic on.
  test('private instance subnets on the dev stage (single instance) name the prop and the fix', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    let error: any;
    try {
      new ComposeApplication(stack, 'App', { project: fixtureProject(), instanceSubnets: 'private' });
    } catch (e) { error = e; }
    expect(isUserError(error)).toBe(true);
    expect(error.message).toMatch(/`instanceSubnets` 'private' needs a load balancer/);
    expect(error.fix).toBe('deploy the prod stage (-c stage=prod) or use public instance subnets (-c instanceSubnets=public)');
  });
});

describe('ComposeApplication, single target (Dockerrun v1)', () => {
  let s: Synthesized;
  let a: ComposeApplication;
  beforeAll(() => {
    s = synth((stack) => {
      a = new ComposeApplication(stack, 'App', { project: singleContainerProject(), target: 'single', environmentVariables: { UPSTREAM: 'https://upstream.example.com' } });
    });
  });

  test('synthesizes with zero findings on the Docker platform', () => {
    expect(s.violations).toEqual([]);
    const [[, env]] = resourcesOfType(s, 'AWS::ElasticBeanstalk::Environment');
    expect(JSON.stringify(env.Properties.PlatformArn)).toContain('Docker running on 64bit Amazon Linux 2023');
  });

  test('Dockerrun v1 with the concrete image; its variables become environment properties (v1 has none)', () => {
    const doc = JSON.parse(fs.readFileSync(path.join(a.bundleDirectory, 'Dockerrun.aws.json'), 'utf8'));
    expect(doc.AWSEBDockerrunVersion).toBe('1');
    expect(doc.Image.Name).toBe(a.imageUris.web);
    const options = optionSettings(s);
    expect(options['aws:elasticbeanstalk:application:environment/GREETING']).toBe('hello');
    expect(options['aws:elasticbeanstalk:application:environment/UPSTREAM']).toBe('https://upstream.example.com');
    expect(options['aws:elasticbeanstalk:application:environmentsecrets/API_TOKEN']).toEqual({ Ref: expect.stringMatching(/^AppSecretsAPITOKEN/) });
    expect(options['aws:elasticbeanstalk:application:environment/API_TOKEN']).toBeUndefined();
    expect(a.warnings.map((w) => w.code)).not.toContain('constructs/unset-variable');
  });

  test('an unset compose variable without a value is reported', () => {
    const stack = new Stack(newApp(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    const x = new ComposeApplication(stack, 'App', { project: singleContainerProject(), target: 'single' });
    expect(x.warnings).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'constructs/unset-variable', message: expect.stringMatching(/^UPSTREAM \(read by web\) has no value.*-c env\.UPSTREAM=value/) })]));
  });
});

test('a build arg that looks like a secret (by name or by value) is refused before it reaches the asset manifest', () => {
  const project = fixtureProject();
  const api = project.services.api;
  const cases: Record<string, string>[] = [{ NODE_VERSION: '22', NPM_TOKEN: 'x' }, { NODE_VERSION: '22', REGISTRY_AUTH: 'ghp_0123456789abcdefghijABCDEFGHIJ012345' }];
  for (const args of cases) {
    const withArgs = { ...project, services: { ...project.services, api: { ...api, build: { ...api.build!, args } } } };
    const stack = new Stack(newApp(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    expect(() => new ComposeApplication(stack, 'App', { project: withArgs })).toThrow(expect.objectContaining({ code: 'bundle/secret-build-arg' }));
  }
});

test('the prod stage serves HTTPS: without a certificate it is refused unless allowHttp, which is warned about; the databases require TLS unless told not to', () => {
  const make = (props: Partial<ComposeApplicationProps>) => {
    const stack = new Stack(newApp(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    return new ComposeApplication(stack, 'App', { project: fixtureProject(), stage: 'prod', ...props });
  };
  expect(() => make({})).toThrow(/the prod stage serves HTTPS, but `certificateArn` is not set/);
  expect(make({ allowHttp: true }).warnings.map((w) => w.code)).toContain('constructs/http-only');
  expect(make({ allowHttp: true, requireDatabaseTls: false }).warnings.map((w) => w.code)).toContain('constructs/database-plain');
});
