/**
 * `optionSettings` and the props rules of BeanstalkEnvironment as pure functions: no stack, no
 * synth (the synth tests in beanstalk-environment.test.ts check the same settings in the template).
 */
import { environmentBundleFiles, HTTPS_REDIRECT_PATH, optionSettings, OptionSettingsInput } from '../../constructs/beanstalk-environment';
import { beanstalkEnvironmentRules, ResolvedEnvironmentProps } from '../../constructs/validate-beanstalk-environment-props';
import { databaseRules, isValidMasterUsername } from '../../constructs/validate-database-props';

const DEV: OptionSettingsInput = {
  platform: 'ecs',
  stage: 'dev',
  vpcId: 'vpc-1',
  instanceSubnetIds: ['subnet-a', 'subnet-b'],
  loadBalancerSubnetIds: [],
  associatePublicIpAddress: true,
  instanceTypes: 't3.small',
  architecture: 'x86_64',
  instanceProfileName: 'profile',
  appSecurityGroupId: 'sg-app',
  serviceRoleArn: 'arn:aws:iam::123456789012:role/service',
  serviceRoleName: 'service',
  loadBalanced: false,
  minInstances: 2,
  maxInstances: 4,
  healthCheckPath: '/',
  managedUpdateWindow: 'Sun:03:00',
  logRetentionDays: 7,
  environmentVariables: { B: '2', A: '1' },
  environmentSecrets: { DB_PASSWORD: { secretArn: 'arn:secret', jsonKey: 'password' }, API_KEY: { secretArn: 'arn:api' } },
};

const asMap = (input: OptionSettingsInput) => Object.fromEntries(optionSettings(input).map((o) => [`${o.namespace}/${o.optionName}`, o.value]));

describe('optionSettings (pure)', () => {
  test('a single-instance dev environment: no load-balancer namespaces, logs deleted with it', () => {
    const o = asMap(DEV);
    expect(o).toMatchObject({
      'aws:ec2:vpc/Subnets': 'subnet-a,subnet-b',
      'aws:elasticbeanstalk:environment/EnvironmentType': 'SingleInstance',
      'aws:elasticbeanstalk:command/DeploymentPolicy': 'AllAtOnce',
      'aws:elasticbeanstalk:cloudwatch:logs/DeleteOnTerminate': 'true',
      'aws:autoscaling:launchconfiguration/DisableIMDSv1': 'true',
    });
    expect(Object.keys(o).some((k) => k.startsWith('aws:elbv2') || k.startsWith('aws:autoscaling:asg'))).toBe(false);
  });

  test('sorted by namespace, then option name; variables and secrets by name', () => {
    const list = optionSettings(DEV);
    const keys = list.map((o) => `${o.namespace}\u0000${o.optionName}`);
    expect(keys).toEqual([...keys].sort());
    expect(list.filter((o) => o.namespace === 'aws:elasticbeanstalk:application:environment').map((o) => o.optionName)).toEqual(['A', 'B']);
  });

  test('secrets: the ECS form <arn>:<key>:: on ecs, <arn>:<key> on docker, the bare ARN without a key', () => {
    expect(asMap(DEV)['aws:elasticbeanstalk:application:environmentsecrets/DB_PASSWORD']).toBe('arn:secret:password::');
    expect(asMap({ ...DEV, platform: 'docker' })['aws:elasticbeanstalk:application:environmentsecrets/DB_PASSWORD']).toBe('arn:secret:password');
    expect(asMap(DEV)['aws:elasticbeanstalk:application:environmentsecrets/API_KEY']).toBe('arn:api');
  });

  test('prod, load balanced, with a certificate: ALB, autoscaling, HTTPS listener, immutable deployments, logs kept', () => {
    const o = asMap({ ...DEV, stage: 'prod', loadBalanced: true, loadBalancerSubnetIds: ['subnet-p'], loadBalancerSecurityGroupId: 'sg-lb', certificateArn: 'arn:cert', logRetentionDays: 90 });
    expect(o).toMatchObject({
      'aws:ec2:vpc/ELBSubnets': 'subnet-p',
      'aws:elbv2:loadbalancer/SecurityGroups': 'sg-lb',
      'aws:elbv2:loadbalancer/ManagedSecurityGroup': 'sg-lb',
      'aws:autoscaling:asg/MinSize': '2',
      'aws:elbv2:listener:443/SSLCertificateArns': 'arn:cert',
      'aws:elbv2:listener:443/SSLPolicy': 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      'aws:elasticbeanstalk:command/DeploymentPolicy': 'Immutable',
      'aws:autoscaling:updatepolicy:rollingupdate/RollingUpdateType': 'Immutable',
      'aws:elasticbeanstalk:cloudwatch:logs/DeleteOnTerminate': 'false',
      'aws:elasticbeanstalk:cloudwatch:logs/RetentionInDays': '90',
    });
  });

  test('the HTTPS redirect is a bundle file exactly when there is a certificate', () => {
    expect(environmentBundleFiles({})).toEqual([]);
    expect(environmentBundleFiles({ certificateArn: 'arn:cert' }).map((f) => f.path)).toEqual([HTTPS_REDIRECT_PATH]);
  });
});

describe('props rules as data', () => {
  const OK: ResolvedEnvironmentProps = {
    platform: 'ecs', platformVersion: '4.7.7', defaultPlatformVersion: '4.7.7', loadBalanced: false, minInstances: 2, maxInstances: 4,
    hasLoadBalancerSecurityGroup: false, certificateArnIsToken: false, healthCheckPath: '/', cnamePrefixIsToken: false,
    logRetentionDays: 7, managedUpdateWindow: 'Sun:03:00', variableNames: ['A'], secretNames: ['B'], publicInstanceSubnets: true,
  };
  const broken = (p: ResolvedEnvironmentProps) => beanstalkEnvironmentRules(p).filter((r) => r.condition).map((r) => r.message);

  test('valid props break no rule; each rule names its prop', () => {
    expect(broken(OK)).toEqual([]);
    expect(broken({ ...OK, loadBalanced: true })).toEqual([expect.stringMatching(/^`loadBalancerSecurityGroup` is required/)]);
    expect(broken({ ...OK, secretNames: ['A'] })).toEqual([expect.stringMatching(/^A is both in `environmentVariables` and `environmentSecrets`/)]);
    expect(broken({ ...OK, certificateArn: 'x' })).toEqual([expect.stringMatching(/^`certificateArn` needs a load-balanced environment/), expect.stringMatching(/^`certificateArn` 'x' is not an ACM certificate ARN/)]);
    expect(broken({ ...OK, publicInstanceSubnets: false })).toEqual([expect.stringMatching(/^a single-instance environment/)]);
  });

  test('the RDS master user name rule is per engine (one home for the construct and ComposeApplication)', () => {
    expect(isValidMasterUsername('mysql', 'root')).toBe(false);
    expect(isValidMasterUsername('postgres', 'root')).toBe(true);
    expect(isValidMasterUsername('postgres', 'rds_superuser')).toBe(false);
    expect(isValidMasterUsername('mysql', 'a_very_long_user_name')).toBe(false);
    const rules = databaseRules({ engine: 'mysql', databaseName: 'app', username: 'root', port: 3306, allocatedStorageGiB: 20, maxAllocatedStorageGiB: 100, backupRetentionDays: 1, parameters: {} });
    expect(rules.filter((r) => r.condition).map((r) => r.message)).toEqual([expect.stringMatching(/^`username` 'root' cannot be the master user of mysql/)]);
  });
});
