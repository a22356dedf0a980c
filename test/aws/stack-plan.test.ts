/** Reading the synthesized stack: what preflight checks and doctor compares. */
import * as path from 'path';
import { planFromTemplate, readStackPlan, Resolver } from '../../lib/aws/stack-plan';
import { isUserError } from '../../lib/errors';
import { loadPlan, nodeReader } from './helpers';

describe('the dev fixture (single instance, ECS, MySQL)', () => {
  const plan = loadPlan('ecs-single');
  test('identity, environment and bootstrap requirement', () => {
    expect(plan).toMatchObject({ artifactId: 'shop-dev', selector: 'shop-dev', stackName: 'shop-dev', account: '123456789012', region: 'eu-west-1', bootstrap: { requiredVersion: 6, ssmParameter: '/cdk-bootstrap/hnb659fds/version' } });
    expect(plan.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b']);
    expect(plan.availabilityZonesSource).toBe('template');
  });
  test('the environment', () => {
    expect(plan.environments).toEqual([{
      logicalId: 'AppEnvironmentE09B59F9',
      environmentName: 'shop-dev',
      applicationName: 'shop',
      applicationLogicalId: 'AppApplication609B01FE',
      cnamePrefix: undefined,
      platformArn: 'arn:aws:elasticbeanstalk:eu-west-1::platform/ECS running on 64bit Amazon Linux 2023/4.7.7',
      solutionStackName: undefined,
      instanceTypes: ['t3.small'],
      loadBalanced: false,
      managedSecurityGroups: 0,
      elasticIps: 1,
      instanceSecurityGroups: ['NetworkAppSecurityGroupE3807721'],
      instanceProfileLogicalId: 'AppInstanceProfile9CE1227B',
      versionLogicalId: 'AppVersion592A4ADC',
      sourceBundleKey: '361968a7f2afa9d675b71abfb21954482cb05cfd59a62edc62b06dd53048d78a.zip',
      secretEnvironment: { DB_PASSWORD: 'shopdevDatabaseInstanceSecret7F21706E3fdaad7efa858a3daf9490cf0a702aeb' },
      launchTemplate: true,
    }]);
  });
  test('the database', () => {
    expect(plan.databases).toEqual([{
      logicalId: 'DatabaseInstanceAA8A5FDE', engine: 'mysql', engineVersion: '8.4.10', instanceClass: 'db.t4g.micro', storageType: 'gp3',
      multiAz: false, port: 3306, publiclyAccessible: false, storageEncrypted: true, backupRetentionDays: 1,
      securityGroups: ['NetworkDatabaseSecurityGroup2B3F4679'], secretLogicalId: 'shopdevDatabaseInstanceSecret7F21706E3fdaad7efa858a3daf9490cf0a702aeb',
    }]);
  });
  test('intended ingress: inline rules and separate SecurityGroupIngress resources', () => {
    expect(plan.securityGroups).toEqual([
      { logicalId: 'NetworkAppSecurityGroupE3807721', description: 'Elastic Beanstalk instances: HTTP from the load balancer only', ingress: [{ protocol: 'tcp', fromPort: 80, toPort: 80, cidrIpv4: '0.0.0.0/0' }] },
      { logicalId: 'NetworkDatabaseSecurityGroup2B3F4679', description: 'Database: port 3306 from the application instances only', ingress: [{ protocol: 'tcp', fromPort: 3306, toPort: 3306, sourceSecurityGroup: 'NetworkAppSecurityGroupE3807721' }] },
    ]);
  });
});

test('the prod fixture: load balanced on t4g with Multi-AZ', () => {
  const plan = loadPlan('docker-prod');
  expect(plan.environments[0]).toMatchObject({ instanceTypes: ['t4g.small'], loadBalanced: true, elasticIps: 0 });
  expect(plan.databases[0]).toMatchObject({ multiAz: true, instanceClass: 'db.t4g.medium', backupRetentionDays: 7 });
});

describe('an environment-agnostic template', () => {
  const template = {
    Resources: {
      Subnet: { Type: 'AWS::EC2::Subnet', Properties: { AvailabilityZone: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] } } },
      Env: {
        Type: 'AWS::ElasticBeanstalk::Environment',
        Properties: {
          ApplicationName: 'app',
          PlatformArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticbeanstalk:', { Ref: 'AWS::Region' }, '::platform/Docker running on 64bit Amazon Linux 2023/4.13.7']] },
          OptionSettings: [{ Namespace: 'aws:elasticbeanstalk:environment', OptionName: 'EnvironmentType', Value: 'LoadBalanced' }],
        },
      },
    },
  };
  test('pseudo parameters stay unresolved without a region, and the AZs unknown', () => {
    const plan = planFromTemplate(template, { assemblyDir: '/x', artifactId: 'S', stackName: 'S' });
    expect(plan.environments[0].platformArn).toBeUndefined();
    expect(plan.environments[0].instanceTypes).toEqual(['t3.micro']);
    expect(plan.availabilityZones).toEqual([]);
    expect(plan.availabilityZonesSource).toBe('unknown');
    // Beanstalk's own instance and load-balancer groups count against the quota
    expect(plan.counts.securityGroups).toBe(2);
  });
  test('the fallback region resolves them', () => {
    const plan = planFromTemplate(template, { assemblyDir: '/x', artifactId: 'S', stackName: 'S', fallbackEnv: { region: 'cn-north-1' } });
    expect(plan.environments[0].platformArn).toBe('arn:aws-cn:elasticbeanstalk:cn-north-1::platform/Docker running on 64bit Amazon Linux 2023/4.13.7');
  });
  test('the availability zones come from cdk.context.json when the subnets do not name them', () => {
    const plan = planFromTemplate(template, {
      assemblyDir: '/x', artifactId: 'S', stackName: 'S', account: '111122223333', region: 'us-east-1',
      context: { 'availability-zones:account=111122223333:region=us-east-1': ['us-east-1b', 'us-east-1a'] },
    });
    expect(plan.availabilityZones).toEqual(['us-east-1a', 'us-east-1b']);
    expect(plan.availabilityZonesSource).toBe('context');
  });
});

test('Resolver: Fn::Sub over pseudo parameters only', () => {
  const r = new Resolver({ region: 'eu-west-1', account: '123456789012' });
  expect(r.string({ 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' })).toBe('cdk-hnb659fds-assets-123456789012-eu-west-1');
  expect(r.string({ 'Fn::Sub': '${Bucket}/x' })).toBeUndefined();
  expect(r.string({ 'Fn::GetAtt': ['Db', 'Endpoint.Address'] })).toBeUndefined();
});

describe('user errors name the problem and the fix', () => {
  const files = (map: Record<string, string>) => (f: string) => map[f];
  test('not an assembly', () => {
    const e = (() => { try { readStackPlan('/nowhere', nodeReader); return undefined; } catch (x) { return x; } })() as Error & { fix: string };
    expect(isUserError(e)).toBe(true);
    expect(e.message).toBe('/nowhere is not a cloud assembly (no manifest.json)');
    expect(e.fix).toContain('--app-dir');
  });
  test('several stacks need --stack; an unknown --stack lists them', () => {
    const manifest = JSON.stringify({ artifacts: { B: { type: 'aws:cloudformation:stack', properties: { templateFile: 'B.json' } }, A: { type: 'aws:cloudformation:stack', properties: { templateFile: 'A.json' } } } });
    const read = files({ '/a/manifest.json': manifest, '/a/A.json': '{}', '/a/B.json': '{}' });
    expect(() => readStackPlan('/a', read)).toThrow('the cloud assembly has 2 stacks');
    expect(() => readStackPlan('/a', read, { stackName: 'C' })).toThrow("the cloud assembly has no stack named 'C'");
    expect(readStackPlan('/a', read, { stackName: 'B' }).stackName).toBe('B');
  });
  test('stacks of a nested assembly (a CDK Stage) are found', () => {
    const read = files({
      '/a/manifest.json': JSON.stringify({ artifacts: { 'assembly-Prod': { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Prod' } } } }),
      [path.join('/a', 'assembly-Prod', 'manifest.json')]: JSON.stringify({ artifacts: { ProdShop: { type: 'aws:cloudformation:stack', displayName: 'Prod/Shop', environment: 'aws://unknown-account/unknown-region', properties: { templateFile: 'ProdShop.template.json', stackName: 'Prod-Shop' } } } }),
      [path.join('/a', 'assembly-Prod', 'ProdShop.template.json')]: '{"Resources":{}}',
    });
    const plan = readStackPlan('/a', read);
    // cdk deploy selects it by its display path
    expect(plan).toMatchObject({ stackName: 'Prod-Shop', artifactId: 'ProdShop', selector: 'Prod/Shop', account: undefined, region: undefined });
  });
  test('a broken template', () => {
    const read = files({ '/a/manifest.json': JSON.stringify({ artifacts: { A: { type: 'aws:cloudformation:stack', properties: { templateFile: 'A.json' } } } }), '/a/A.json': '{' });
    expect(() => readStackPlan('/a', read)).toThrow(/^the template \/a\/A.json is not JSON/);
  });
});

