import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Match } from 'aws-cdk-lib/assertions';
import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { BeanstalkEnvironment, BeanstalkEnvironmentProps, environmentBundleFiles, HTTPS_REDIRECT_PATH } from '../../constructs/beanstalk-environment';
import { Database } from '../../constructs/database';
import { Network } from '../../constructs/network';
import { bundleDir, optionSettings, resourcesOfType, synth, Synthesized, TEST_ENV } from './helpers';

const REPO_ARN = 'arn:aws:ecr:eu-west-1:123456789012:repository/cdk-hnb659fds-container-assets-123456789012-eu-west-1';
const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

function build(stage: 'dev' | 'prod', extra: Partial<BeanstalkEnvironmentProps> = {}, capture?: (env: BeanstalkEnvironment, db: Database) => void) {
  // written with the bundle, as ComposeApplication does (writeBundle's extraFiles)
  const dir = bundleDir(environmentBundleFiles(extra));
  return (stack: Stack) => {
    const net = new Network(stack, 'Net', { stage, databasePorts: [3306], https: extra.certificateArn !== undefined });
    const db = new Database(stack, 'Db', { vpc: net.vpc, securityGroup: net.databaseSecurityGroup, subnets: net.databaseSubnets, stage });
    const env = new BeanstalkEnvironment(stack, 'Env', {
      vpc: net.vpc,
      bundleDirectory: dir,
      appSecurityGroup: net.appSecurityGroup,
      loadBalancerSecurityGroup: net.loadBalancerSecurityGroup,
      instanceSubnets: net.instanceSubnets,
      stage,
      environmentVariables: { DB_HOST: db.instance.dbInstanceEndpointAddress, DB_NAME: db.databaseName },
      environmentSecrets: { DB_PASSWORD: { secret: db.secret, jsonKey: 'password' } },
      imageRepositoryArns: [REPO_ARN],
      taskExecutionRoleName: `test-${stage}-task-execution`,
      ...extra,
    });
    capture?.(env, db);
  };
}

function statements(s: Synthesized, roleLogicalIdPrefix: string): any[] {
  return resourcesOfType(s, 'AWS::IAM::Policy')
    .filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref.startsWith(roleLogicalIdPrefix)))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}

describe('BeanstalkEnvironment, ECS platform, dev stage', () => {
  let s: Synthesized;
  let env: BeanstalkEnvironment;
  let options: Record<string, unknown>;
  beforeAll(() => {
    s = synth(build('dev', {}, (e) => { env = e; }));
    options = optionSettings(s);
  });

  test('synthesizes with zero findings', () => {
    expect(s.error).toBeUndefined();
    expect(s.violations).toEqual([]);
  });

  test('selects the platform by PlatformArn, never SolutionStackName', () => {
    const [[, e]] = resourcesOfType(s, 'AWS::ElasticBeanstalk::Environment');
    expect(e.Properties.SolutionStackName).toBeUndefined();
    expect(e.Properties.PlatformArn).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticbeanstalk:eu-west-1::platform/ECS running on 64bit Amazon Linux 2023/4.7.7']],
    });
  });

  test('single instance in the VPC, public IP, IMDSv2 only, gp3, own security group only', () => {
    expect(options).toMatchObject({
      'aws:elasticbeanstalk:environment/EnvironmentType': 'SingleInstance',
      'aws:ec2:vpc/AssociatePublicIpAddress': 'true',
      'aws:ec2:instances/InstanceTypes': 't3.small',
      'aws:ec2:instances/SupportedArchitectures': 'x86_64',
      'aws:autoscaling:launchconfiguration/DisableIMDSv1': 'true',
      'aws:autoscaling:launchconfiguration/RootVolumeType': 'gp3',
      'aws:autoscaling:launchconfiguration/DisableDefaultEC2SecurityGroup': 'true',
      'aws:elasticbeanstalk:command/DeploymentPolicy': 'AllAtOnce',
      'aws:elasticbeanstalk:healthreporting:system/SystemType': 'enhanced',
      'aws:elasticbeanstalk:managedactions/ManagedActionsEnabled': 'true',
      'aws:elasticbeanstalk:managedactions:platformupdate/UpdateLevel': 'patch',
      'aws:elasticbeanstalk:cloudwatch:logs/StreamLogs': 'true',
      'aws:elasticbeanstalk:cloudwatch:logs/RetentionInDays': '7',
      'aws:elasticbeanstalk:application/Application Healthcheck URL': '/',
    });
    expect(options['aws:ec2:vpc/VPCId']).toEqual({ Ref: expect.stringMatching(/^NetVpc/) });
    expect(JSON.stringify(options['aws:ec2:vpc/Subnets'])).toMatch(/NetVpcpublicSubnet1.*NetVpcpublicSubnet2/);
    expect(options['aws:autoscaling:launchconfiguration/SecurityGroups']).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^NetAppSecurityGroup/), 'GroupId'] });
    expect(options['aws:autoscaling:asg/MinSize']).toBeUndefined();
    expect(options['aws:elasticbeanstalk:environment/LoadBalancerType']).toBeUndefined();
  });

  test('database settings are environment properties; the password is an ECS-form secret reference', () => {
    expect(options['aws:elasticbeanstalk:application:environment/DB_HOST']).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^DbInstance/), 'Endpoint.Address'] });
    expect(options['aws:elasticbeanstalk:application:environment/DB_NAME']).toBe('app');
    expect(options['aws:elasticbeanstalk:application:environment/DB_PASSWORD']).toBeUndefined();
    expect(options['aws:elasticbeanstalk:application:environmentsecrets/DB_PASSWORD']).toEqual({
      'Fn::Join': ['', [{ Ref: expect.stringMatching(/^DbInstanceSecretAttachment/) }, ':password::']],
    });
  });

  test('instance profile: trusts EC2, Beanstalk ECS policies, SSM, ECR pull scoped to the repository, our secret only', () => {
    s.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })] },
      ManagedPolicyArns: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AWSElasticBeanstalkWebTier']] },
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AWSElasticBeanstalkMulticontainerDocker']] },
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore']] },
      ],
    });
    const st = statements(s, 'EnvInstanceRole');
    const pull = st.find((x) => x.Sid === 'PullImages');
    expect(pull.Resource).toBe(REPO_ARN);
    expect(pull.Action).toEqual(['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer']);
    expect(st.find((x) => x.Sid === 'EcrLogin')).toMatchObject({ Action: 'ecr:GetAuthorizationToken', Resource: '*' });
    expect(st.find((x) => x.Sid === 'ReadEnvironmentSecrets')).toMatchObject({
      Action: 'secretsmanager:GetSecretValue',
      Resource: { Ref: expect.stringMatching(/^DbInstanceSecretAttachment/) },
    });
    // nothing else may use a wildcard resource
    for (const x of st) {
      if (x.Resource === '*') expect(x.Action).toBe('ecr:GetAuthorizationToken');
    }
  });

  test('ECS task execution role: fixed name, trusts ecs-tasks, passable only to ECS by the instances', () => {
    s.template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'test-dev-task-execution',
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ecs-tasks.amazonaws.com' } })] },
    });
    expect(env.taskExecutionRoleArn).toBe('arn:aws:iam::123456789012:role/test-dev-task-execution');
    const pass = statements(s, 'EnvInstanceRole').find((x) => x.Sid === 'PassTaskExecutionRole');
    expect(pass).toMatchObject({
      Action: 'iam:PassRole',
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^EnvTaskExecutionRole/), 'Arn'] },
    });
    const exec = statements(s, 'EnvTaskExecutionRole');
    expect(exec.map((x) => x.Sid).sort()).toEqual(['EcrLogin', 'PullImages', 'ReadEnvironmentSecrets']);
  });

  test('service role: trusts Elastic Beanstalk with the external id, enhanced health and managed updates', () => {
    s.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({
          Principal: { Service: 'elasticbeanstalk.amazonaws.com' },
          Condition: { StringEquals: { 'sts:ExternalId': 'elasticbeanstalk' } },
        })],
      },
      ManagedPolicyArns: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSElasticBeanstalkEnhancedHealth']] },
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AWSElasticBeanstalkManagedUpdatesCustomerRolePolicy']] },
      ],
    });
    expect(options['aws:elasticbeanstalk:environment/ServiceRole']).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^EnvServiceRole/), 'Arn'] });
    expect(options['aws:elasticbeanstalk:managedactions/ServiceRoleForManagedUpdates']).toEqual({ Ref: expect.stringMatching(/^EnvServiceRole/) });
  });

  test('application version lifecycle and an application version from the S3 asset', () => {
    s.template.hasResourceProperties('AWS::ElasticBeanstalk::Application', {
      ResourceLifecycleConfig: {
        ServiceRole: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EnvServiceRole'), 'Arn'] },
        VersionLifecycleConfig: { MaxCountRule: { Enabled: true, MaxCount: 25, DeleteSourceFromS3: true } },
      },
    });
    s.template.hasResourceProperties('AWS::ElasticBeanstalk::ApplicationVersion', {
      SourceBundle: { S3Bucket: 'cdk-hnb659fds-assets-123456789012-eu-west-1', S3Key: Match.stringLikeRegexp('^[0-9a-f]{64}\\.zip$') },
    });
  });

  test('the source bundle asset is the bundle directory, staged into the assembly', () => {
    const asset = fs.readdirSync(s.outdir).filter((f) => f.startsWith('asset.'));
    expect(asset).toHaveLength(1);
    expect(fs.existsSync(path.join(s.outdir, asset[0], 'Dockerrun.aws.json'))).toBe(true);
  });

  test('exposes the image platform that matches the instances', () => {
    expect(env.architecture).toBe('x86_64');
    expect(env.imagePlatform).toBe('linux/amd64');
  });
});

describe('BeanstalkEnvironment, ECS platform, prod stage with a certificate', () => {
  let s: Synthesized;
  let options: Record<string, unknown>;
  beforeAll(() => {
    s = synth(build('prod', { certificateArn: CERT, healthCheckPath: '/healthz' }));
    options = optionSettings(s);
  });

  test('synthesizes with zero findings', () => {
    expect(s.error).toBeUndefined();
    expect(s.violations).toEqual([]);
  });

  test('load balanced: application load balancer, our security group, autoscaling 2–4, immutable deployments', () => {
    expect(options).toMatchObject({
      'aws:elasticbeanstalk:environment/EnvironmentType': 'LoadBalanced',
      'aws:elasticbeanstalk:environment/LoadBalancerType': 'application',
      'aws:autoscaling:asg/MinSize': '2',
      'aws:autoscaling:asg/MaxSize': '4',
      'aws:elasticbeanstalk:command/DeploymentPolicy': 'Immutable',
      'aws:autoscaling:updatepolicy:rollingupdate/RollingUpdateType': 'Immutable',
      'aws:elasticbeanstalk:environment:process:default/HealthCheckPath': '/healthz',
      'aws:ec2:vpc/ELBScheme': 'public',
      'aws:elasticbeanstalk:cloudwatch:logs/RetentionInDays': '90',
      'aws:elasticbeanstalk:cloudwatch:logs/DeleteOnTerminate': 'false',
    });
    const lbSg = { 'Fn::GetAtt': [expect.stringMatching(/^NetLoadBalancerSecurityGroup/), 'GroupId'] };
    expect(options['aws:elbv2:loadbalancer/SecurityGroups']).toEqual(lbSg);
    expect(options['aws:elbv2:loadbalancer/ManagedSecurityGroup']).toEqual(lbSg);
  });

  test('HTTPS listener on 443 with the certificate, and port 80 redirects to it', () => {
    expect(options).toMatchObject({
      'aws:elbv2:listener:443/ListenerEnabled': 'true',
      'aws:elbv2:listener:443/Protocol': 'HTTPS',
      'aws:elbv2:listener:443/SSLCertificateArns': CERT,
    });
    const asset = fs.readdirSync(s.outdir).find((f) => f.startsWith('asset.'))!;
    const redirect = fs.readFileSync(path.join(s.outdir, asset, ...HTTPS_REDIRECT_PATH.split('/')), 'utf8');
    expect(redirect).toMatch(/Type: redirect/);
    expect(redirect).toMatch(/Port: "443"/);
    expect(redirect).toMatch(/StatusCode: HTTP_301/);
    expect(fs.existsSync(path.join(s.outdir, asset, 'Dockerrun.aws.json'))).toBe(true);
  });
});

describe('BeanstalkEnvironment, Docker platform', () => {
  test('uses the Docker AL2023 branch and the EB `<arn>:<key>` secret form; no task execution role', () => {
    const s = synth(build('dev', { platform: 'docker', taskExecutionRoleName: undefined }));
    expect(s.violations).toEqual([]);
    const [[, e]] = resourcesOfType(s, 'AWS::ElasticBeanstalk::Environment');
    expect(JSON.stringify(e.Properties.PlatformArn)).toContain('platform/Docker running on 64bit Amazon Linux 2023/4.13.7');
    expect(optionSettings(s)['aws:elasticbeanstalk:application:environmentsecrets/DB_PASSWORD']).toEqual({
      'Fn::Join': ['', [{ Ref: expect.stringMatching(/^DbInstanceSecretAttachment/) }, ':password']],
    });
    expect(resourcesOfType(s, 'AWS::IAM::Role').some(([, r]) => JSON.stringify(r).includes('ecs-tasks.amazonaws.com'))).toBe(false);
    expect(JSON.stringify(s.json)).not.toContain('AWSElasticBeanstalkMulticontainerDocker');
  });
});

describe('platform changes update the environment in place (@aws-cdk/cloudformation-diff)', () => {
  test('a new platformVersion changes PlatformArn: an update, not a replacement', () => {
    const before = synth(build('dev', { platformVersion: '4.7.6' }));
    const after = synth(build('dev', { platformVersion: '4.7.7' }));
    const diff = fullDiff(before.json, after.json);
    const [[envId]] = resourcesOfType(after, 'AWS::ElasticBeanstalk::Environment');
    const change = diff.resources.get(envId);
    expect(change.propertyUpdates.PlatformArn).toBeDefined();
    expect(change.changeImpact).toBe(ResourceImpact.WILL_UPDATE);
  });

  test('whereas changing SolutionStackName would replace it (why beanstack never uses it)', () => {
    const s = synth(build('dev'));
    const [[envId, env]] = resourcesOfType(s, 'AWS::ElasticBeanstalk::Environment');
    const withStack = (name: string) => {
      const t = JSON.parse(JSON.stringify(s.json));
      delete t.Resources[envId].Properties.PlatformArn;
      t.Resources[envId].Properties.SolutionStackName = name;
      return t;
    };
    expect(env.Properties.PlatformArn).toBeDefined();
    const diff = fullDiff(withStack('64bit Amazon Linux 2023 v4.7.6 running ECS'), withStack('64bit Amazon Linux 2023 v4.7.7 running ECS'));
    expect(diff.resources.get(envId).changeImpact).toBe(ResourceImpact.WILL_REPLACE);
  });
});

describe('BeanstalkEnvironment architecture', () => {
  test.each([
    ['t3.small', 'x86_64'],
    ['t4g.small', 'arm64'],
    ['m7g.large,m6g.large', 'arm64'],
    ['c7gn.xlarge', 'arm64'],
    ['m7i-flex.large', 'x86_64'],
    ['g4dn.xlarge', 'x86_64'],
    ['a1.medium', 'arm64'],
  ])('%s → %s', (types, arch) => {
    expect(BeanstalkEnvironment.architectureOf(types)).toBe(arch);
  });

  test('arm64 instances set SupportedArchitectures and the image platform', () => {
    let env!: BeanstalkEnvironment;
    const s = synth(build('dev', { instanceTypes: 't4g.small' }, (e) => { env = e; }));
    expect(optionSettings(s)['aws:ec2:instances/SupportedArchitectures']).toBe('arm64');
    expect(env.imagePlatform).toBe('linux/arm64');
  });
});

describe('BeanstalkEnvironment validation', () => {
  function attempt(props: Partial<BeanstalkEnvironmentProps>) {
    const stack = new Stack(undefined, 'S', { env: TEST_ENV });
    const net = new Network(stack, 'Net', { stage: props.stage ?? 'dev', flowLogs: false, loadBalanced: props.loadBalanced });
    return () => new BeanstalkEnvironment(stack, 'Env', {
      vpc: net.vpc,
      bundleDirectory: bundleDir(),
      appSecurityGroup: net.appSecurityGroup,
      loadBalancerSecurityGroup: net.loadBalancerSecurityGroup,
      ...props,
    });
  }
  test.each<[Partial<BeanstalkEnvironmentProps>, RegExp]>([
    [{ stage: 'prod', minInstances: 3, maxInstances: 1 }, /`minInstances` \(3\) must not exceed `maxInstances` \(1\)/],
    [{ certificateArn: CERT }, /`certificateArn` needs a load-balanced environment/],
    [{ stage: 'prod', certificateArn: 'my-cert' }, /`certificateArn` 'my-cert' is not an ACM certificate ARN/],
    [{ instanceTypes: 't3.small,t4g.small' }, /mixes x86_64 and arm64/],
    [{ instanceTypes: 'large' }, /'large', which is not an EC2 instance type/],
    [{ platformVersion: 'latest' }, /`platformVersion` 'latest' is not a platform version/],
    [{ environmentName: 'a_b' }, /`environmentName` 'a_b' must be 4 to 40 letters/],
    [{ bundleDirectory: '/nonexistent/bundle' }, /`bundleDirectory` '\/nonexistent\/bundle' is not a directory/],
    [{ healthCheckPath: 'health' }, /`healthCheckPath` 'health' must start with \//],
    [{ managedUpdateWindow: 'Sunday 3am' }, /`managedUpdateWindow` 'Sunday 3am' must look like Sun:03:00/],
    // CNAMEPrefix: 4–63 characters (EB API CheckDNSAvailability / CreateEnvironment), a DNS label
    [{ cnamePrefix: 'ab' }, /`cnamePrefix` 'ab' must be 4 to 63 letters, digits and hyphens/],
    [{ cnamePrefix: 'my_app' }, /`cnamePrefix` 'my_app' must be 4 to 63/],
    [{ cnamePrefix: '-myapp' }, /`cnamePrefix` '-myapp' must be 4 to 63/],
    // RetentionInDays of aws:elasticbeanstalk:cloudwatch:logs takes CloudWatch Logs retention periods only
    [{ logRetentionDays: 10 }, /`logRetentionDays` \(10\) is not a CloudWatch Logs retention period/],
  ])('%j is rejected', (props, message) => {
    expect(attempt(props)).toThrow(message);
  });

  // A single-instance environment is reached through its instance's Elastic IP; in a private subnet
  // (route to a NAT, not the internet gateway) nothing can reach it.
  test('a single instance in private subnets is rejected', () => {
    const stack = new Stack(undefined, 'S', { env: TEST_ENV });
    const net = new Network(stack, 'Net', { stage: 'dev', flowLogs: false, instanceSubnets: 'private' });
    expect(() => new BeanstalkEnvironment(stack, 'Env', {
      vpc: net.vpc, bundleDirectory: bundleDir(), appSecurityGroup: net.appSecurityGroup, instanceSubnets: net.instanceSubnets,
    })).toThrow(/a single-instance environment \(no load balancer\) needs its instance in a public subnet/);
  });

  test('a variable in both environmentVariables and environmentSecrets is rejected', () => {
    const stack = new Stack(undefined, 'S', { env: TEST_ENV });
    const vpc = new ec2.Vpc(stack, 'V', { natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }, { name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const db = new Database(stack, 'Db', { vpc });
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    expect(() => new BeanstalkEnvironment(stack, 'Env', {
      vpc, bundleDirectory: bundleDir(), appSecurityGroup: sg,
      environmentVariables: { DB_PASSWORD: 'x' },
      environmentSecrets: { DB_PASSWORD: { secret: db.secret, jsonKey: 'password' } },
    })).toThrow(/DB_PASSWORD is both in `environmentVariables` and `environmentSecrets`/);
  });
});

describe('BeanstalkEnvironment warnings (stable ids)', () => {
  test('a platform version older than JSON-key extraction of secrets is reported', () => {
    const s = synth(build('dev', { platformVersion: '4.2.9' }));
    const warnings = s.stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data)));
    expect(warnings).toEqual(expect.arrayContaining([
      expect.stringMatching(/platform version 4\.2\.9 predates JSON-key extraction of environment secrets.*\[ack: @beanstack\/constructs:platformTooOldForJsonKeys\]/),
    ]));
  });

  test('current platform versions raise no warning', () => {
    const s = synth(build('dev'));
    const warnings = s.stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:warning'));
    expect(warnings).toEqual([]);
  });
});

describe('BeanstalkEnvironment CNAME prefix', () => {
  // preflight's names/cname-available check (lib/aws/preflight.ts) reads CNAMEPrefix from the template
  test('cnamePrefix becomes the environment\'s CNAMEPrefix', () => {
    const s = synth(build('dev', { cnamePrefix: 'my-app-dev' }));
    expect(s.violations).toEqual([]);
    s.template.hasResourceProperties('AWS::ElasticBeanstalk::Environment', { CNAMEPrefix: 'my-app-dev' });
  });

  test('without it, Elastic Beanstalk picks the prefix', () => {
    const s = synth(build('dev'));
    const [[, e]] = resourcesOfType(s, 'AWS::ElasticBeanstalk::Environment');
    expect(e.Properties.CNAMEPrefix).toBeUndefined();
  });
});

/**
 * The complete inventory of option settings: a misspelt namespace or option name is only found by
 * Elastic Beanstalk, 20 minutes into the first deploy. Every key below is checked against
 * the AWS Elastic Beanstalk Developer Guide, "General options for all environments" (`command-options-general`):
 *   aws:ec2:vpc VPCId/Subnets/AssociatePublicIpAddress/ELBSubnets/ELBScheme (§3.1);
 *   aws:ec2:instances InstanceTypes/SupportedArchitectures and aws:autoscaling:launchconfiguration
 *   IamInstanceProfile/SecurityGroups/DisableDefaultEC2SecurityGroup/DisableIMDSv1/RootVolumeType (§3.2);
 *   aws:autoscaling:asg MinSize/MaxSize (§3.2); aws:elasticbeanstalk:environment EnvironmentType/
 *   ServiceRole/LoadBalancerType (§3.3); environment properties and environmentsecrets (§3.4, §3.5);
 *   process:default HealthCheckPath/Port/Protocol, `Application Healthcheck URL`, healthreporting
 *   SystemType, command DeploymentPolicy, updatepolicy:rollingupdate, managedactions(+:platformupdate),
 *   cloudwatch:logs(+:health) (§3.6); aws:elbv2:loadbalancer SecurityGroups/ManagedSecurityGroup and
 *   aws:elbv2:listener:443 ListenerEnabled/Protocol/SSLCertificateArns/SSLPolicy/DefaultProcess and
 *   aws:elasticbeanstalk:hostmanager LogPublicationControl (DG-live `command-options-general`).
 */
describe('BeanstalkEnvironment option-setting inventory', () => {
  const COMMON = [
    'aws:autoscaling:launchconfiguration/DisableDefaultEC2SecurityGroup',
    'aws:autoscaling:launchconfiguration/DisableIMDSv1',
    'aws:autoscaling:launchconfiguration/IamInstanceProfile',
    'aws:autoscaling:launchconfiguration/RootVolumeType',
    'aws:autoscaling:launchconfiguration/SecurityGroups',
    'aws:ec2:instances/InstanceTypes',
    'aws:ec2:instances/SupportedArchitectures',
    'aws:ec2:vpc/AssociatePublicIpAddress',
    'aws:ec2:vpc/Subnets',
    'aws:ec2:vpc/VPCId',
    'aws:elasticbeanstalk:application/Application Healthcheck URL',
    'aws:elasticbeanstalk:application:environment/DB_HOST',
    'aws:elasticbeanstalk:application:environment/DB_NAME',
    'aws:elasticbeanstalk:application:environmentsecrets/DB_PASSWORD',
    'aws:elasticbeanstalk:cloudwatch:logs/DeleteOnTerminate',
    'aws:elasticbeanstalk:cloudwatch:logs/RetentionInDays',
    'aws:elasticbeanstalk:cloudwatch:logs/StreamLogs',
    'aws:elasticbeanstalk:cloudwatch:logs:health/DeleteOnTerminate',
    'aws:elasticbeanstalk:cloudwatch:logs:health/HealthStreamingEnabled',
    'aws:elasticbeanstalk:cloudwatch:logs:health/RetentionInDays',
    'aws:elasticbeanstalk:command/DeploymentPolicy',
    'aws:elasticbeanstalk:environment/EnvironmentType',
    'aws:elasticbeanstalk:environment/ServiceRole',
    'aws:elasticbeanstalk:healthreporting:system/SystemType',
    'aws:elasticbeanstalk:hostmanager/LogPublicationControl',
    'aws:elasticbeanstalk:managedactions/ManagedActionsEnabled',
    'aws:elasticbeanstalk:managedactions/PreferredStartTime',
    'aws:elasticbeanstalk:managedactions/ServiceRoleForManagedUpdates',
    'aws:elasticbeanstalk:managedactions:platformupdate/InstanceRefreshEnabled',
    'aws:elasticbeanstalk:managedactions:platformupdate/UpdateLevel',
  ];
  const LOAD_BALANCED = [
    'aws:autoscaling:asg/MaxSize',
    'aws:autoscaling:asg/MinSize',
    // the prod preset's CPU target (constructs/scaling.ts)
    ...['BreachDuration', 'LowerBreachScaleIncrement', 'LowerThreshold', 'MeasureName', 'Period', 'Statistic', 'Unit', 'UpperBreachScaleIncrement', 'UpperThreshold'].map((o) => `aws:autoscaling:trigger/${o}`),
    'aws:autoscaling:updatepolicy:rollingupdate/RollingUpdateEnabled',
    'aws:autoscaling:updatepolicy:rollingupdate/RollingUpdateType',
    'aws:ec2:vpc/ELBScheme',
    'aws:ec2:vpc/ELBSubnets',
    'aws:elasticbeanstalk:environment/LoadBalancerType',
    'aws:elasticbeanstalk:environment:process:default/HealthCheckPath',
    'aws:elasticbeanstalk:environment:process:default/Port',
    'aws:elasticbeanstalk:environment:process:default/Protocol',
    'aws:elbv2:loadbalancer/ManagedSecurityGroup',
    'aws:elbv2:loadbalancer/SecurityGroups',
  ];
  const HTTPS = [
    'aws:elbv2:listener:443/DefaultProcess',
    'aws:elbv2:listener:443/ListenerEnabled',
    'aws:elbv2:listener:443/Protocol',
    'aws:elbv2:listener:443/SSLCertificateArns',
    'aws:elbv2:listener:443/SSLPolicy',
  ];

  test('dev (single instance): exactly the documented options', () => {
    expect(Object.keys(optionSettings(synth(build('dev')))).sort()).toEqual([...COMMON].sort());
  });

  test('prod with a certificate: plus load balancer, autoscaling, immutable updates and the HTTPS listener', () => {
    expect(Object.keys(optionSettings(synth(build('prod', { certificateArn: CERT })))).sort()).toEqual([...COMMON, ...LOAD_BALANCED, ...HTTPS].sort());
  });

  test('values that have a documented format', () => {
    const o = optionSettings(synth(build('prod', { certificateArn: CERT, managedUpdateWindow: 'Tue:09:00' })));
    expect(o).toMatchObject({
      // §3.6: PreferredStartTime is day:hour:minute ("Tue:09:00"); UpdateLevel patch|minor
      'aws:elasticbeanstalk:managedactions/PreferredStartTime': 'Tue:09:00',
      'aws:elasticbeanstalk:managedactions:platformupdate/UpdateLevel': 'patch',
      // §3.6: DeploymentPolicy AllAtOnce|Rolling|RollingWithAdditionalBatch|Immutable|TrafficSplitting
      'aws:elasticbeanstalk:command/DeploymentPolicy': 'Immutable',
      // §3.3: LoadBalancerType defaults to classic through CFN; ALB must be explicit
      'aws:elasticbeanstalk:environment/LoadBalancerType': 'application',
      // §3.2: the architecture names EB accepts are arm64 | x86_64 | i386
      'aws:ec2:instances/SupportedArchitectures': 'x86_64',
      'aws:elasticbeanstalk:environment:process:default/Port': '80',
      'aws:elasticbeanstalk:healthreporting:system/SystemType': 'enhanced',
    });
  });
});
