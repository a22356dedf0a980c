import { CloudFormationClient, DescribeStacksCommand, GetTemplateCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeAddressesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeInternetGatewaysCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  CheckDNSAvailabilityCommand,
  DescribeApplicationsCommand,
  DescribeEnvironmentsCommand,
  DescribePlatformVersionCommand,
  ElasticBeanstalkClient,
  ElasticBeanstalkSyntheticServiceException,
  ListPlatformVersionsCommand,
} from '@aws-sdk/client-elastic-beanstalk';
import { DescribeDBEngineVersionsCommand, DescribeOrderableDBInstanceOptionsCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  NoSuchResourceException,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { runChecks } from '../../lib/aws/check';
import { PREFLIGHT_CHECKS, PreflightContext, preflightContext } from '../../lib/aws/preflight';
import { formatReport, formatReportJson } from '../../lib/aws/report';
import type { StackPlan } from '../../lib/aws/stack-plan';
import { denied, FIXTURES, loadPlan, resourceOf, runCheck, setOption, stackMissing, testClients } from './helpers';
import * as fs from 'fs';
import * as path from 'path';

const ec2 = mockClient(EC2Client);
const rds = mockClient(RDSClient);
const eb = mockClient(ElasticBeanstalkClient);
const cfn = mockClient(CloudFormationClient);
const ssm = mockClient(SSMClient);
const sq = mockClient(ServiceQuotasClient);

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const IDENTITY = { account: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/dev` };
const ECS_BRANCH = 'ECS running on 64bit Amazon Linux 2023';
const ECS_ARN = `arn:aws:elasticbeanstalk:${REGION}::platform/${ECS_BRANCH}/4.7.7`;

function ctxFor(plan: StackPlan = loadPlan('ecs-single'), latestBootstrapVersion = 33): PreflightContext {
  return preflightContext(plan, testClients(), IDENTITY, REGION, latestBootstrapVersion);
}

function platformSummary(version: string, status = 'Ready') {
  return {
    PlatformArn: `arn:aws:elasticbeanstalk:${REGION}::platform/${ECS_BRANCH}/${version}`,
    PlatformOwner: 'AWSElasticBeanstalk',
    PlatformStatus: status as 'Ready',
    PlatformCategory: 'ECS',
    OperatingSystemName: 'Amazon Linux',
    OperatingSystemVersion: '2023',
    SupportedTierList: ['WebServer/Standard', 'Worker/SQS/HTTP'],
    SupportedAddonList: ['Log/S3', 'Monitoring/Healthd', 'WorkerDaemon/SQSD'],
    PlatformLifecycleState: version === '4.7.7' ? 'Recommended' : undefined,
    PlatformVersion: version,
    PlatformBranchName: ECS_BRANCH,
    PlatformBranchLifecycleState: 'Supported',
  };
}

function orderable(storageType: string, azs = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], cls = 'db.t4g.micro') {
  return {
    Engine: 'mysql',
    EngineVersion: '8.4.10',
    DBInstanceClass: cls,
    LicenseModel: 'general-public-license',
    AvailabilityZones: azs.map((Name) => ({ Name })),
    MultiAZCapable: true,
    ReadReplicaCapable: true,
    Vpc: true,
    SupportsStorageEncryption: true,
    StorageType: storageType,
    SupportsIops: storageType !== 'gp2',
    SupportsStorageThroughput: storageType === 'gp3',
    MinStorageSize: 20,
    MaxStorageSize: 65536,
    SupportsPerformanceInsights: false,
    SupportedEngineModes: ['provisioned'],
  };
}

function quota(serviceCode: string, quotaCode: string, value: number) {
  return {
    Quota: {
      ServiceCode: serviceCode,
      ServiceName: serviceCode === 'ec2' ? 'Amazon Elastic Compute Cloud (Amazon EC2)' : 'Amazon Virtual Private Cloud (Amazon VPC)',
      QuotaArn: `arn:aws:servicequotas:${REGION}:${ACCOUNT}:${serviceCode}/${quotaCode}`,
      QuotaCode: quotaCode,
      QuotaName: 'quota',
      Value: value,
      Unit: 'None',
      Adjustable: true,
      GlobalQuota: false,
    },
  };
}

/** Every call answered as in a healthy, bootstrapped account with room to spare. */
function happyPath(): void {
  ssm.on(GetParameterCommand).resolves({
    Parameter: {
      Name: '/cdk-bootstrap/hnb659fds/version', Type: 'String', Value: '33', Version: 4,
      LastModifiedDate: new Date('2026-06-01T10:00:00Z'), ARN: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/cdk-bootstrap/hnb659fds/version`, DataType: 'text',
    },
  });
  ec2.on(DescribeInstanceTypeOfferingsCommand).resolves({
    InstanceTypeOfferings: ['eu-west-1a', 'eu-west-1b'].map((Location) => ({ InstanceType: 't3.small', LocationType: 'availability-zone', Location })),
  });
  rds.on(DescribeDBEngineVersionsCommand).resolves({
    DBEngineVersions: [{
      Engine: 'mysql', EngineVersion: '8.4.10', DBParameterGroupFamily: 'mysql8.4', DBEngineDescription: 'MySQL Community Edition',
      DBEngineVersionDescription: 'MySQL 8.4.10', Status: 'available',
      ValidUpgradeTarget: [{ Engine: 'mysql', EngineVersion: '8.4.11', IsMajorVersionUpgrade: false, AutoUpgrade: false, Description: 'MySQL 8.4.11' }],
    }],
  });
  rds.on(DescribeOrderableDBInstanceOptionsCommand).resolves({ OrderableDBInstanceOptions: [orderable('gp2'), orderable('gp3'), orderable('io1')] });
  eb.on(DescribePlatformVersionCommand).resolves({
    PlatformDescription: { ...platformSummary('4.7.7'), PlatformName: ECS_BRANCH, SolutionStackName: '64bit Amazon Linux 2023 v4.7.7 running ECS', Maintainer: 'aws-elasticbeanstalk-platforms@amazon.com' },
  });
  eb.on(ListPlatformVersionsCommand).resolves({ PlatformSummaryList: [platformSummary('4.7.7'), platformSummary('4.7.1'), platformSummary('4.6.3')] });
  sq.on(GetServiceQuotaCommand).callsFake((input: { ServiceCode: string; QuotaCode: string }) => quota(input.ServiceCode, input.QuotaCode, input.QuotaCode === 'L-E79EC296' ? 2500 : 5));
  ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-0a1b2c3d', CidrBlock: '172.31.0.0/16', State: 'available', IsDefault: true, OwnerId: ACCOUNT }] });
  ec2.on(DescribeInternetGatewaysCommand).resolves({ InternetGateways: [{ InternetGatewayId: 'igw-0a1b2c3d', OwnerId: ACCOUNT, Attachments: [{ VpcId: 'vpc-0a1b2c3d', State: 'attached' }] }] });
  ec2.on(DescribeAddressesCommand).resolves({ Addresses: [] });
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: 'sg-0default', GroupName: 'default', VpcId: 'vpc-0a1b2c3d', Description: 'default VPC security group', OwnerId: ACCOUNT }] });
  cfn.on(DescribeStacksCommand).rejects(stackMissing('shop-dev'));
  eb.on(DescribeApplicationsCommand).resolves({ Applications: [] });
  eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [] });
  eb.on(CheckDNSAvailabilityCommand).resolves({ Available: true, FullyQualifiedCNAME: 'shop-dev.eu-west-1.elasticbeanstalk.com' });
}

/** A deployed stack `shop-dev` holding the fixture's environment and application. */
function deployedStack(status = 'UPDATE_COMPLETE', reason?: string): void {
  cfn.on(DescribeStacksCommand).resolves({
    Stacks: [{
      StackName: 'shop-dev', StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/shop-dev/6c7e0b30-1f2e-11f1-9d7a-0a1b2c3d4e5f`,
      CreationTime: new Date('2026-10-01T09:00:00Z'), StackStatus: status as 'UPDATE_COMPLETE', StackStatusReason: reason,
    }],
  });
  cfn.on(ListStackResourcesCommand).resolves({
    StackResourceSummaries: [
      { LogicalResourceId: 'AppEnvironmentE09B59F9', PhysicalResourceId: 'shop-dev', ResourceType: 'AWS::ElasticBeanstalk::Environment', ResourceStatus: 'UPDATE_COMPLETE', LastUpdatedTimestamp: new Date('2026-10-01T09:20:00Z') },
      { LogicalResourceId: 'AppApplication609B01FE', PhysicalResourceId: 'shop', ResourceType: 'AWS::ElasticBeanstalk::Application', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date('2026-10-01T09:01:00Z') },
      { LogicalResourceId: 'NetworkVpc7FB7348F', PhysicalResourceId: 'vpc-0123456789abcdef0', ResourceType: 'AWS::EC2::VPC', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date('2026-10-01T09:01:00Z') },
      { LogicalResourceId: 'NetworkVpcIGW6BEA7B02', PhysicalResourceId: 'igw-0123456789abcdef0', ResourceType: 'AWS::EC2::InternetGateway', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date('2026-10-01T09:01:00Z') },
    ],
  });
}

beforeEach(() => {
  for (const m of [ec2, rds, eb, cfn, ssm, sq]) m.reset();
  happyPath();
});

describe('the whole list on a healthy account', () => {
  test('every check passes or is skipped, and the report is deterministic', async () => {
    const results = await runChecks(PREFLIGHT_CHECKS, ctxFor());
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['account/identity', 'pass'],
      ['account/cdk-bootstrap', 'pass'],
      ['compute/instance-type-offered', 'pass'],
      ['database/engine-version', 'pass'],
      ['database/instance-orderable', 'pass'],
      ['platform/platform-version', 'pass'],
      ['platform/launch-template', 'pass'],
      ['quotas/vpcs', 'pass'],
      ['quotas/internet-gateways', 'pass'],
      ['quotas/elastic-ips', 'pass'],
      ['quotas/security-groups', 'pass'],
      ['names/existing-stack', 'pass'],
      ['names/stack-changes', 'skip'],
      ['names/existing-environment', 'pass'],
      ['names/cname-available', 'skip'],
      ['dns/hosted-zone', 'skip'],
      ['dns/name-free', 'skip'],
    ]);
    const report = { command: 'preflight', stackName: 'shop-dev', account: ACCOUNT, region: REGION, results };
    const text = formatReport(report);
    expect(text).toContain('  pass  compute/instance-type-offered  t3.small offered in eu-west-1a, eu-west-1b\n');
    expect(text).toContain('17 checks: 13 passed, 0 warnings, 0 failed, 4 skipped\n');
    expect(text).not.toContain('next step');
    expect(formatReport(report)).toBe(text);
    const json = JSON.parse(formatReportJson(report));
    expect(json.summary).toEqual({ pass: 13, warn: 0, fail: 0, skip: 4 });
    expect(json.nextStep).toBeNull();
  });

  test('AccessDenied on one check names the missing permission and the others still run', async () => {
    ec2.on(DescribeInstanceTypeOfferingsCommand).rejects(denied.ec2('ec2:DescribeInstanceTypeOfferings'));
    const results = await runChecks(PREFLIGHT_CHECKS, ctxFor());
    const r = results.find((x) => x.id === 'compute/instance-type-offered')!;
    expect(r.status).toBe('warn');
    expect(r.summary).toBe('could not check: access denied (UnauthorizedOperation): missing permission ec2:DescribeInstanceTypeOfferings');
    expect(r.fix).toContain('allow ec2:DescribeInstanceTypeOfferings');
    expect(results.filter((x) => x.status === 'pass')).toHaveLength(12);
  });
});

describe('account/identity', () => {
  test('pass', async () => {
    const r = await runCheck(PREFLIGHT_CHECKS, 'account/identity', ctxFor());
    expect(r).toMatchObject({ status: 'pass', summary: `arn:aws:iam::${ACCOUNT}:user/dev in ${REGION}` });
  });
  test('warn: an environment-agnostic stack', async () => {
    const plan = { ...loadPlan('ecs-single'), account: undefined, region: undefined };
    const r = await runCheck(PREFLIGHT_CHECKS, 'account/identity', ctxFor(plan));
    expect(r.status).toBe('warn');
    expect(r.fix).toContain('env: { account, region }');
  });
  test('fail: credentials of another account', async () => {
    const ctx = preflightContext(loadPlan('ecs-single'), testClients(), { account: '210987654321', arn: 'arn:aws:sts::210987654321:assumed-role/Admin/jane' }, REGION);
    const r = await runCheck(PREFLIGHT_CHECKS, 'account/identity', ctx);
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('the stack is bound to account 123456789012, but the credentials are for account 210987654321 (arn:aws:sts::210987654321:assumed-role/Admin/jane)');
    expect(r.fix).toContain('AWS_PROFILE');
  });
});

describe('account/cdk-bootstrap', () => {
  test('pass', async () => {
    const r = await runCheck(PREFLIGHT_CHECKS, 'account/cdk-bootstrap', ctxFor());
    expect(r).toMatchObject({ status: 'pass', summary: 'bootstrap version 33 (needs 6 or later)' });
    expect(ssm.commandCalls(GetParameterCommand)[0].args[0].input).toEqual({ Name: '/cdk-bootstrap/hnb659fds/version' });
  });
  test('warn: older than what the installed CDK ships', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/cdk-bootstrap/hnb659fds/version', Type: 'String', Value: '21', Version: 1 } });
    const r = await runCheck(PREFLIGHT_CHECKS, 'account/cdk-bootstrap', ctxFor());
    expect(r.status).toBe('warn');
    expect(r.summary).toBe('bootstrap version 21 works (needs 6) but the installed CDK ships version 33');
  });
  test('fail: not bootstrapped', async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: '', $metadata: { httpStatusCode: 400 } }));
    const r = await runCheck(PREFLIGHT_CHECKS, 'account/cdk-bootstrap', ctxFor());
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('aws://123456789012/eu-west-1 is not bootstrapped (no SSM parameter /cdk-bootstrap/hnb659fds/version)');
    expect(r.fix).toBe('run npx cdk bootstrap aws://123456789012/eu-west-1 once per account and region');
  });
  test('fail: older than the stack needs', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/cdk-bootstrap/hnb659fds/version', Type: 'String', Value: '4', Version: 1 } });
    const r = await runCheck(PREFLIGHT_CHECKS, 'account/cdk-bootstrap', ctxFor());
    expect(r).toMatchObject({ status: 'fail', summary: 'bootstrap version 4 is older than the 6 this stack needs' });
  });
  test('AccessDenied', async () => {
    ssm.on(GetParameterCommand).rejects(denied.ssm('ssm:GetParameter'));
    const r = await runCheck(PREFLIGHT_CHECKS, 'account/cdk-bootstrap', ctxFor());
    expect(r).toMatchObject({ status: 'warn', summary: 'could not check: access denied (AccessDeniedException): missing permission ssm:GetParameter' });
  });
});

describe('compute/instance-type-offered', () => {
  test('pass, asking for the stack\'s types in the stack\'s zones', async () => {
    await runCheck(PREFLIGHT_CHECKS, 'compute/instance-type-offered', ctxFor());
    expect(ec2.commandCalls(DescribeInstanceTypeOfferingsCommand)[0].args[0].input).toEqual({
      LocationType: 'availability-zone',
      Filters: [{ Name: 'instance-type', Values: ['t3.small'] }, { Name: 'location', Values: ['eu-west-1a', 'eu-west-1b'] }],
      NextToken: undefined,
    });
  });
  test('pass across pages', async () => {
    ec2.on(DescribeInstanceTypeOfferingsCommand)
      .resolvesOnce({ InstanceTypeOfferings: [{ InstanceType: 't3.small', LocationType: 'availability-zone', Location: 'eu-west-1a' }], NextToken: 'page2' })
      .resolvesOnce({ InstanceTypeOfferings: [{ InstanceType: 't3.small', LocationType: 'availability-zone', Location: 'eu-west-1b' }] });
    const r = await runCheck(PREFLIGHT_CHECKS, 'compute/instance-type-offered', ctxFor());
    expect(r.status).toBe('pass');
    expect(ec2.commandCalls(DescribeInstanceTypeOfferingsCommand)).toHaveLength(2);
  });
  test('warn: missing in one zone', async () => {
    ec2.on(DescribeInstanceTypeOfferingsCommand).resolves({ InstanceTypeOfferings: [{ InstanceType: 't3.small', LocationType: 'availability-zone', Location: 'eu-west-1a' }] });
    const r = await runCheck(PREFLIGHT_CHECKS, 'compute/instance-type-offered', ctxFor());
    expect(r).toMatchObject({ status: 'warn', summary: 't3.small is not offered in eu-west-1b' });
  });
  test('fail: offered nowhere (or misspelt)', async () => {
    const plan = loadPlan('ecs-single', (t) => setOption(t, 'aws:ec2:instances', 'InstanceTypes', 'm7i-flex.large'));
    ec2.on(DescribeInstanceTypeOfferingsCommand).resolves({ InstanceTypeOfferings: [] });
    const r = await runCheck(PREFLIGHT_CHECKS, 'compute/instance-type-offered', ctxFor(plan));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('m7i-flex.large is not offered in eu-west-1a, eu-west-1b');
  });
  test('AccessDenied', async () => {
    ec2.on(DescribeInstanceTypeOfferingsCommand).rejects(denied.ec2('ec2:DescribeInstanceTypeOfferings'));
    const r = await runCheck(PREFLIGHT_CHECKS, 'compute/instance-type-offered', ctxFor());
    expect(r.status).toBe('warn');
    expect(r.summary).toContain('missing permission ec2:DescribeInstanceTypeOfferings');
  });
});

describe('database/engine-version', () => {
  test('pass, naming the newer minor version', async () => {
    const r = await runCheck(PREFLIGHT_CHECKS, 'database/engine-version', ctxFor());
    expect(r).toMatchObject({ status: 'pass', summary: 'mysql 8.4.10 (newer minor: 8.4.11) available' });
  });
  test('warn: deprecated version', async () => {
    rds.on(DescribeDBEngineVersionsCommand).resolves({ DBEngineVersions: [{ Engine: 'mysql', EngineVersion: '8.4.10', Status: 'deprecated', DBParameterGroupFamily: 'mysql8.4' }] });
    const r = await runCheck(PREFLIGHT_CHECKS, 'database/engine-version', ctxFor());
    expect(r).toMatchObject({ status: 'warn', summary: 'mysql 8.4.10 is deprecated in eu-west-1' });
  });
  test('fail: unknown version, suggesting the newest of the major line', async () => {
    rds.on(DescribeDBEngineVersionsCommand, { Engine: 'mysql', EngineVersion: '8.4.10', IncludeAll: true }).resolves({ DBEngineVersions: [] });
    rds.on(DescribeDBEngineVersionsCommand, { Engine: 'mysql', MaxRecords: 100 }).resolves({
      DBEngineVersions: ['8.0.42', '8.4.5', '8.4.7', '8.4.6'].map((v) => ({ Engine: 'mysql', EngineVersion: v, Status: 'available', DBParameterGroupFamily: v.startsWith('8.4') ? 'mysql8.4' : 'mysql8.0' })),
    });
    const r = await runCheck(PREFLIGHT_CHECKS, 'database/engine-version', ctxFor());
    expect(r).toMatchObject({
      status: 'fail',
      summary: 'mysql 8.4.10 is not available in eu-west-1',
      fix: 'use 8.4.7 (newest mysql 8.4 here)',
      details: ['available mysql 8.4 versions: 8.4.5, 8.4.6, 8.4.7'],
    });
  });
  test('AccessDenied', async () => {
    rds.on(DescribeDBEngineVersionsCommand).rejects(denied.rds('rds:DescribeDBEngineVersions'));
    const r = await runCheck(PREFLIGHT_CHECKS, 'database/engine-version', ctxFor());
    expect(r.summary).toBe('could not check: access denied (AccessDenied): missing permission rds:DescribeDBEngineVersions');
  });
  test('skip: no database', async () => {
    const plan = { ...loadPlan('ecs-single'), databases: [] };
    expect((await runCheck(PREFLIGHT_CHECKS, 'database/engine-version', ctxFor(plan))).status).toBe('skip');
  });
});

describe('database/instance-orderable', () => {
  test('pass', async () => {
    const r = await runCheck(PREFLIGHT_CHECKS, 'database/instance-orderable', ctxFor());
    expect(r).toMatchObject({ status: 'pass', summary: 'db.t4g.micro (mysql 8.4.10) with gp3 orderable' });
    expect(rds.commandCalls(DescribeOrderableDBInstanceOptionsCommand)[0].args[0].input).toMatchObject({ Engine: 'mysql', EngineVersion: '8.4.10', DBInstanceClass: 'db.t4g.micro', Vpc: true });
  });
  test('warn: not in every zone of the VPC', async () => {
    rds.on(DescribeOrderableDBInstanceOptionsCommand).resolves({ OrderableDBInstanceOptions: [orderable('gp3', ['eu-west-1a', 'eu-west-1c'])] });
    const r = await runCheck(PREFLIGHT_CHECKS, 'database/instance-orderable', ctxFor());
    expect(r).toMatchObject({ status: 'warn', summary: 'db.t4g.micro (mysql 8.4.10) is not orderable in eu-west-1b' });
  });
  test('fail: class not orderable', async () => {
    rds.on(DescribeOrderableDBInstanceOptionsCommand).resolves({ OrderableDBInstanceOptions: [] });
    const r = await runCheck(PREFLIGHT_CHECKS, 'database/instance-orderable', ctxFor());
    expect(r).toMatchObject({ status: 'fail', summary: 'db.t4g.micro (mysql 8.4.10) is not orderable in eu-west-1' });
  });
  test('fail: not with the storage type', async () => {
    rds.on(DescribeOrderableDBInstanceOptionsCommand).resolves({ OrderableDBInstanceOptions: [orderable('gp2'), orderable('io1')] });
    const r = await runCheck(PREFLIGHT_CHECKS, 'database/instance-orderable', ctxFor());
    expect(r).toMatchObject({ status: 'fail', summary: 'db.t4g.micro (mysql 8.4.10) is not orderable with gp3 storage', fix: 'use storage type gp2 or io1' });
  });
  test('fail: Multi-AZ not possible (prod fixture)', async () => {
    const plan = loadPlan('docker-prod');
    rds.on(DescribeOrderableDBInstanceOptionsCommand).resolves({ OrderableDBInstanceOptions: [{ ...orderable('gp3', undefined, 'db.t4g.medium'), MultiAZCapable: false }] });
    const r = await runCheck(PREFLIGHT_CHECKS, 'database/instance-orderable', ctxFor(plan));
    expect(r).toMatchObject({ status: 'fail', summary: 'db.t4g.medium (mysql 8.4.10) cannot be Multi-AZ with gp3 storage' });
  });
  test('AccessDenied', async () => {
    rds.on(DescribeOrderableDBInstanceOptionsCommand).rejects(denied.rds('rds:DescribeOrderableDBInstanceOptions'));
    const r = await runCheck(PREFLIGHT_CHECKS, 'database/instance-orderable', ctxFor());
    expect(r.summary).toContain('missing permission rds:DescribeOrderableDBInstanceOptions');
  });
});

describe('platform/platform-version', () => {
  test('pass: the newest of its branch', async () => {
    const r = await runCheck(PREFLIGHT_CHECKS, 'platform/platform-version', ctxFor());
    expect(r).toMatchObject({ status: 'pass', summary: `${ECS_BRANCH} 4.7.7 (recommended): newest of the branch` });
    expect(eb.commandCalls(DescribePlatformVersionCommand)[0].args[0].input).toEqual({ PlatformArn: ECS_ARN });
    expect(eb.commandCalls(ListPlatformVersionsCommand)[0].args[0].input.Filters).toEqual([{ Type: 'PlatformBranchName', Operator: '=', Values: [ECS_BRANCH] }]);
  });
  test('warn: a newer version exists (versions compared numerically)', async () => {
    eb.on(ListPlatformVersionsCommand).resolves({ PlatformSummaryList: [platformSummary('4.7.7'), platformSummary('4.10.0'), platformSummary('4.11.0', 'Creating')] });
    const r = await runCheck(PREFLIGHT_CHECKS, 'platform/platform-version', ctxFor());
    expect(r).toMatchObject({ status: 'warn', summary: `${ECS_BRANCH} 4.7.7 is not the newest of its branch: 4.10.0 is`, fix: 'set the platform version to 4.10.0 (-c platformVersion=4.10.0, or platformVersion in the CDK app)' });
  });
  test('fail: the version does not exist', async () => {
    eb.on(DescribePlatformVersionCommand).rejects(new ElasticBeanstalkSyntheticServiceException({
      name: 'InvalidParameterValue', $fault: 'client', $metadata: { httpStatusCode: 400 },
      message: `No Platform named '${ECS_ARN}' found.`,
    }));
    eb.on(ListPlatformVersionsCommand).resolves({ PlatformSummaryList: [platformSummary('4.8.0')] });
    const r = await runCheck(PREFLIGHT_CHECKS, 'platform/platform-version', ctxFor());
    expect(r).toMatchObject({ status: 'fail', summary: `platform ${ECS_BRANCH} 4.7.7 does not exist in eu-west-1`, fix: `use version 4.8.0 (newest of '${ECS_BRANCH}')` });
  });
  test('fail: retired branch', async () => {
    eb.on(DescribePlatformVersionCommand).resolves({ PlatformDescription: { ...platformSummary('4.7.7'), PlatformBranchLifecycleState: 'Retired' } });
    const r = await runCheck(PREFLIGHT_CHECKS, 'platform/platform-version', ctxFor());
    expect(r).toMatchObject({ status: 'fail', summary: `platform branch '${ECS_BRANCH}' is retired` });
  });
  test('the platform ARN (Fn::Join with AWS::Partition) resolves from the template', async () => {
    const plan = loadPlan('docker-prod');
    expect(plan.environments[0].platformArn).toBe(`arn:aws:elasticbeanstalk:${REGION}::platform/Docker running on 64bit Amazon Linux 2023/4.13.7`);
  });
  test('AccessDenied', async () => {
    eb.on(DescribePlatformVersionCommand).rejects(denied.eb('elasticbeanstalk:DescribePlatformVersion'));
    const r = await runCheck(PREFLIGHT_CHECKS, 'platform/platform-version', ctxFor());
    expect(r.summary).toContain('missing permission elasticbeanstalk:DescribePlatformVersion');
  });
});

describe('platform/launch-template', () => {
  test('pass: the construct forces launch templates', async () => {
    const r = await runCheck(PREFLIGHT_CHECKS, 'platform/launch-template', ctxFor());
    expect(r.status).toBe('pass');
  });
  test('warn: a plain launch configuration, which new accounts cannot create', async () => {
    const plan = loadPlan('ecs-single', (t) => {
      const env = resourceOf(t, 'AWS::ElasticBeanstalk::Environment');
      env.Properties.OptionSettings = env.Properties.OptionSettings.filter((o: { OptionName: string }) => o.OptionName !== 'DisableIMDSv1' && o.OptionName !== 'RootVolumeType');
    });
    const r = await runCheck(PREFLIGHT_CHECKS, 'platform/launch-template', ctxFor(plan));
    expect(r.status).toBe('warn');
    expect(r.summary).toContain('shop-dev would use a launch configuration');
    expect(r.fix).toContain('DisableIMDSv1=true');
  });
  test('pass: Spot also forces a launch template', async () => {
    const plan = loadPlan('ecs-single', (t) => {
      const env = resourceOf(t, 'AWS::ElasticBeanstalk::Environment');
      env.Properties.OptionSettings = env.Properties.OptionSettings.filter((o: { OptionName: string }) => o.OptionName !== 'DisableIMDSv1' && o.OptionName !== 'RootVolumeType');
      setOption(t, 'aws:ec2:instances', 'EnableSpot', 'true');
    });
    expect((await runCheck(PREFLIGHT_CHECKS, 'platform/launch-template', ctxFor(plan))).status).toBe('pass');
  });
});

describe('quotas', () => {
  test('the plan counts what the stack and Beanstalk create', () => {
    expect(loadPlan('ecs-single').counts).toEqual({ vpcs: 1, internetGateways: 1, elasticIps: 1, securityGroups: 2, natGateways: 0 });
    // prod: the load balancer's group is given (ManagedSecurityGroup), the instances' default group disabled
    expect(loadPlan('docker-prod').counts).toEqual({ vpcs: 1, internetGateways: 1, elasticIps: 0, securityGroups: 3, natGateways: 0 });
  });
  test('pass: with headroom', async () => {
    const r = await runCheck(PREFLIGHT_CHECKS, 'quotas/vpcs', ctxFor());
    expect(r).toMatchObject({ status: 'pass', summary: '1 of 5 used, the stack adds 1' });
    expect(sq.commandCalls(GetServiceQuotaCommand)[0].args[0].input).toEqual({ ServiceCode: 'vpc', QuotaCode: 'L-F678F1CE' });
  });
  test('warn: little headroom left', async () => {
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: ['a', 'b', 'c'].map((x) => ({ VpcId: `vpc-${x}`, State: 'available' })) });
    const r = await runCheck(PREFLIGHT_CHECKS, 'quotas/vpcs', ctxFor());
    expect(r).toMatchObject({ status: 'warn', summary: '3 of 5 used, the stack adds 1: 1 left afterwards' });
  });
  test('fail: over the quota, counted across pages', async () => {
    ec2.on(DescribeVpcsCommand)
      .resolvesOnce({ Vpcs: ['a', 'b', 'c'].map((x) => ({ VpcId: `vpc-${x}` })), NextToken: 'n' })
      .resolvesOnce({ Vpcs: ['d', 'e'].map((x) => ({ VpcId: `vpc-${x}` })) });
    const r = await runCheck(PREFLIGHT_CHECKS, 'quotas/vpcs', ctxFor());
    expect(r).toMatchObject({ status: 'fail', summary: '5 of 5 used, the stack adds 1: over the quota by 1' });
    expect(r.fix).toBe('delete unused VPCs, or request more: Service Quotas → Amazon VPC → VPCs per Region (L-F678F1CE)');
  });
  test('the default quota applies when none was ever changed', async () => {
    sq.on(GetServiceQuotaCommand).rejects(new NoSuchResourceException({ message: 'The request failed because the specified service does not exist.', $metadata: { httpStatusCode: 400 } }));
    sq.on(GetAWSDefaultServiceQuotaCommand).resolves(quota('ec2', 'L-0263D0A3', 5));
    ec2.on(DescribeAddressesCommand).resolves({ Addresses: [1, 2, 3, 4, 5].map((i) => ({ AllocationId: `eipalloc-${i}`, PublicIp: `203.0.113.${i}`, Domain: 'vpc' })) });
    const r = await runCheck(PREFLIGHT_CHECKS, 'quotas/elastic-ips', ctxFor());
    expect(r).toMatchObject({ status: 'fail', summary: '5 of 5 used, the stack adds 1: over the quota by 1' });
  });
  test('skip: the stack creates none (load balanced: no Elastic IP)', async () => {
    const r = await runCheck(PREFLIGHT_CHECKS, 'quotas/elastic-ips', ctxFor(loadPlan('docker-prod')));
    expect(r).toMatchObject({ status: 'skip', summary: 'the stack creates none' });
  });
  test('skip: an update of a deployed stack adds no VPC', async () => {
    deployedStack();
    const r = await runCheck(PREFLIGHT_CHECKS, 'quotas/vpcs', ctxFor());
    expect(r).toMatchObject({ status: 'skip', summary: 'the update adds none' });
  });
  test('AccessDenied', async () => {
    sq.on(GetServiceQuotaCommand).rejects(denied.quotas('servicequotas:GetServiceQuota'));
    const r = await runCheck(PREFLIGHT_CHECKS, 'quotas/security-groups', ctxFor());
    expect(r.summary).toContain('missing permission servicequotas:GetServiceQuota');
  });
});

describe('names/existing-stack', () => {
  test('pass: no stack yet', async () => {
    const r = await runCheck(PREFLIGHT_CHECKS, 'names/existing-stack', ctxFor());
    expect(r).toMatchObject({ status: 'pass', summary: 'no stack named shop-dev: deploy creates it' });
  });
  test('pass: updated in place', async () => {
    deployedStack('UPDATE_COMPLETE');
    const r = await runCheck(PREFLIGHT_CHECKS, 'names/existing-stack', ctxFor());
    expect(r).toMatchObject({ status: 'pass', summary: 'shop-dev exists (UPDATE_COMPLETE): deploy updates it in place' });
  });
  test('warn: the last update rolled back', async () => {
    deployedStack('UPDATE_ROLLBACK_COMPLETE', 'The following resource(s) failed to update: [AppEnvironmentE09B59F9].');
    const r = await runCheck(PREFLIGHT_CHECKS, 'names/existing-stack', ctxFor());
    expect(r.status).toBe('warn');
    expect(r.details).toEqual(['reason: The following resource(s) failed to update: [AppEnvironmentE09B59F9].']);
  });
  test('fail: a failed first create must be deleted', async () => {
    deployedStack('ROLLBACK_COMPLETE');
    const r = await runCheck(PREFLIGHT_CHECKS, 'names/existing-stack', ctxFor());
    expect(r.status).toBe('fail');
    expect(r.fix).toBe('delete it first (npx cdk destroy shop-dev, or aws cloudformation delete-stack --stack-name shop-dev), then deploy');
  });
  test('fail: an operation in progress', async () => {
    deployedStack('UPDATE_IN_PROGRESS');
    const r = await runCheck(PREFLIGHT_CHECKS, 'names/existing-stack', ctxFor());
    expect(r).toMatchObject({ status: 'fail', summary: 'shop-dev is UPDATE_IN_PROGRESS: another operation is running' });
  });
  test('AccessDenied', async () => {
    cfn.on(DescribeStacksCommand).rejects(denied.cfn('cloudformation:DescribeStacks'));
    const r = await runCheck(PREFLIGHT_CHECKS, 'names/existing-stack', ctxFor());
    expect(r.summary).toContain('missing permission cloudformation:DescribeStacks');
  });
});

describe('names/existing-environment', () => {
  const foreign = {
    EnvironmentName: 'shop-dev', EnvironmentId: 'e-abcd1234ef', ApplicationName: 'legacy-shop', Status: 'Ready' as const, Health: 'Green' as const,
    CNAME: 'shop-dev.eu-west-1.elasticbeanstalk.com', PlatformArn: ECS_ARN, VersionLabel: 'v42', DateCreated: new Date('2025-01-01T00:00:00Z'),
  };
  test('pass: names are free', async () => {
    const r = await runCheck(PREFLIGHT_CHECKS, 'names/existing-environment', ctxFor());
    expect(r).toMatchObject({ status: 'pass', summary: 'environment shop-dev (new)' });
    expect(eb.commandCalls(DescribeApplicationsCommand)[0].args[0].input).toEqual({ ApplicationNames: ['shop'] });
  });
  test('pass: this stack\'s own environment is updated in place', async () => {
    deployedStack();
    eb.on(DescribeApplicationsCommand).resolves({ Applications: [{ ApplicationName: 'shop', ApplicationArn: `arn:aws:elasticbeanstalk:${REGION}:${ACCOUNT}:application/shop` }] });
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [{ ...foreign, ApplicationName: 'shop' }] });
    const r = await runCheck(PREFLIGHT_CHECKS, 'names/existing-environment', ctxFor());
    expect(r).toMatchObject({ status: 'pass', summary: 'application shop (this stack\'s); environment shop-dev (this stack\'s, Ready/Green: updated in place)' });
  });
  test('warn: own environment still terminating', async () => {
    deployedStack();
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [{ ...foreign, ApplicationName: 'shop', Status: 'Terminating' }] });
    const r = await runCheck(PREFLIGHT_CHECKS, 'names/existing-environment', ctxFor());
    expect(r).toMatchObject({ status: 'warn', summary: 'environment shop-dev is terminating' });
  });
  test('fail: the name belongs to an environment outside the stack', async () => {
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [foreign] });
    const r = await runCheck(PREFLIGHT_CHECKS, 'names/existing-environment', ctxFor());
    expect(r).toMatchObject({ status: 'fail', summary: 'an environment named shop-dev already exists (application legacy-shop, Ready) and is not part of stack shop-dev' });
  });
  test('AccessDenied', async () => {
    eb.on(DescribeApplicationsCommand).rejects(denied.eb('elasticbeanstalk:DescribeApplications'));
    const r = await runCheck(PREFLIGHT_CHECKS, 'names/existing-environment', ctxFor());
    expect(r.summary).toContain('missing permission elasticbeanstalk:DescribeApplications');
  });
});

describe('names/cname-available', () => {
  const withPrefix = () => loadPlan('ecs-single', (t) => { resourceOf(t, 'AWS::ElasticBeanstalk::Environment').Properties.CNAMEPrefix = 'shop-dev'; });
  test('pass: free', async () => {
    const r = await runCheck(PREFLIGHT_CHECKS, 'names/cname-available', ctxFor(withPrefix()));
    expect(r).toMatchObject({ status: 'pass', summary: 'shop-dev.eu-west-1.elasticbeanstalk.com is free' });
  });
  test('pass: taken by this stack\'s own environment', async () => {
    deployedStack();
    eb.on(CheckDNSAvailabilityCommand).resolves({ Available: false, FullyQualifiedCNAME: 'shop-dev.eu-west-1.elasticbeanstalk.com' });
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [{ EnvironmentName: 'shop-dev', CNAME: 'shop-dev.eu-west-1.elasticbeanstalk.com', Status: 'Ready' }] });
    const r = await runCheck(PREFLIGHT_CHECKS, 'names/cname-available', ctxFor(withPrefix()));
    expect(r).toMatchObject({ status: 'pass', summary: 'shop-dev.eu-west-1.elasticbeanstalk.com belongs to this stack\'s environment' });
  });
  test('fail: taken', async () => {
    eb.on(CheckDNSAvailabilityCommand).resolves({ Available: false, FullyQualifiedCNAME: 'shop-dev.eu-west-1.elasticbeanstalk.com' });
    const r = await runCheck(PREFLIGHT_CHECKS, 'names/cname-available', ctxFor(withPrefix()));
    expect(r).toMatchObject({ status: 'fail', summary: 'the CNAME prefix \'shop-dev\' is taken in eu-west-1' });
  });
  test('AccessDenied', async () => {
    eb.on(CheckDNSAvailabilityCommand).rejects(denied.eb('elasticbeanstalk:CheckDNSAvailability'));
    const r = await runCheck(PREFLIGHT_CHECKS, 'names/cname-available', ctxFor(withPrefix()));
    expect(r.summary).toContain('missing permission elasticbeanstalk:CheckDNSAvailability');
  });
});

describe('names/stack-changes', () => {
  const deployedTemplate = (mutate?: (t: any) => void) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const t = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'ecs-single', 'shop-dev.template.json'), 'utf8'));
    mutate?.(t);
    cfn.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify(t), StagesAvailable: ['Original', 'Processed'] });
  };
  test('skip: a new stack', async () => {
    const r = await runCheck(PREFLIGHT_CHECKS, 'names/stack-changes', ctxFor());
    expect(r).toMatchObject({ status: 'skip', summary: 'new stack: every resource is created' });
  });
  test('pass: nothing changes', async () => {
    deployedStack();
    deployedTemplate();
    const r = await runCheck(PREFLIGHT_CHECKS, 'names/stack-changes', ctxFor());
    expect(r).toMatchObject({ status: 'pass', summary: 'no resource changes' });
    expect(cfn.commandCalls(GetTemplateCommand)[0].args[0].input).toEqual({ StackName: 'shop-dev', TemplateStage: 'Original' });
  });
  test('warn: the database would be replaced (data loss)', async () => {
    deployedStack();
    deployedTemplate((t) => { t.Resources.DatabaseInstanceAA8A5FDE.Properties.DBName = 'legacy'; });
    const r = await runCheck(PREFLIGHT_CHECKS, 'names/stack-changes', ctxFor());
    expect(r.status).toBe('warn');
    expect(r.summary).toMatch(/to replace/);
    expect(r.details!.join('\n')).toMatch(/^data-loss: .*REPLACED/m);
  });
  test('fail: an engine downgrade cannot deploy', async () => {
    deployedStack();
    deployedTemplate((t) => { t.Resources.DatabaseInstanceAA8A5FDE.Properties.EngineVersion = '8.4.11'; });
    const r = await runCheck(PREFLIGHT_CHECKS, 'names/stack-changes', ctxFor());
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('the deploy would fail');
    expect(r.summary).toContain('8.4.11 → 8.4.10');
  });
  test('AccessDenied', async () => {
    deployedStack();
    cfn.on(GetTemplateCommand).rejects(denied.cfn('cloudformation:GetTemplate'));
    const r = await runCheck(PREFLIGHT_CHECKS, 'names/stack-changes', ctxFor());
    expect(r.summary).toContain('missing permission cloudformation:GetTemplate');
  });
});
