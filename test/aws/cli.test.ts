/**
 * The four commands through the real CLI shell (`main`): credential failure, exit codes, table and
 * JSON output. AWS is mocked with aws-sdk-client-mock; credentials come from fake environment
 * variables (the SDK's chain reads them from the process), and the instance metadata service is
 * turned off so nothing waits on it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeAddressesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeInternetGatewaysCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  DescribeApplicationsCommand,
  DescribeApplicationVersionsCommand,
  DescribeEnvironmentsCommand,
  DescribeEventsCommand,
  DescribePlatformVersionCommand,
  ElasticBeanstalkClient,
  ListPlatformVersionsCommand,
  UpdateEnvironmentCommand,
} from '@aws-sdk/client-elastic-beanstalk';
import { DescribeDBEngineVersionsCommand, DescribeOrderableDBInstanceOptionsCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../bin/cli';
import { FIXTURES, stackMissing } from './helpers';

const sts = mockClient(STSClient);
const ec2 = mockClient(EC2Client);
const rds = mockClient(RDSClient);
const eb = mockClient(ElasticBeanstalkClient);
const cfn = mockClient(CloudFormationClient);
const ssm = mockClient(SSMClient);
const sq = mockClient(ServiceQuotasClient);

const AWS_VARS = Object.keys(process.env).filter((k) => k.startsWith('AWS_') || k.startsWith('CDK_'));
const saved: Record<string, string | undefined> = {};
let home: string;

beforeAll(() => {
  for (const k of [...AWS_VARS, 'HOME']) saved[k] = process.env[k];
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-aws-home-'));
});
afterAll(() => {
  for (const k of Object.keys(saved)) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  fs.rmSync(home, { recursive: true, force: true });
});

/** An environment with no credential source at all: no keys, no profile files, no metadata service. */
function noCredentials(): void {
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
  process.env.HOME = home;
  process.env.AWS_CONFIG_FILE = path.join(home, 'no-config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(home, 'no-credentials');
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
}

function fakeCredentials(): void {
  noCredentials();
  process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  let stdout = '';
  let stderr = '';
  const started = Date.now();
  const code = await main(args, {
    cwd: home,
    // anything spawned (the CDK CLI) could only reach a dead local proxy, never AWS
    env: { ...process.env, HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '' },
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    isTty: false,
  });
  return { code, stdout, stderr, ms: Date.now() - started };
}

const APP_DIR = path.join(FIXTURES, 'ecs-single');

function healthyAccount(): void {
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/dev', UserId: 'AIDASAMPLEUSERID' });
  ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/cdk-bootstrap/hnb659fds/version', Type: 'String', Value: '33', Version: 1 } });
  ec2.on(DescribeInstanceTypeOfferingsCommand).resolves({
    InstanceTypeOfferings: ['eu-west-1a', 'eu-west-1b'].map((Location) => ({ InstanceType: 't3.small', LocationType: 'availability-zone', Location })),
  });
  rds.on(DescribeDBEngineVersionsCommand).resolves({ DBEngineVersions: [{ Engine: 'mysql', EngineVersion: '8.4.10', Status: 'available', DBParameterGroupFamily: 'mysql8.4' }] });
  rds.on(DescribeOrderableDBInstanceOptionsCommand).resolves({
    OrderableDBInstanceOptions: [{
      Engine: 'mysql', EngineVersion: '8.4.10', DBInstanceClass: 'db.t4g.micro', StorageType: 'gp3', MultiAZCapable: true, SupportsStorageEncryption: true, Vpc: true,
      AvailabilityZones: [{ Name: 'eu-west-1a' }, { Name: 'eu-west-1b' }, { Name: 'eu-west-1c' }],
    }],
  });
  const branch = 'ECS running on 64bit Amazon Linux 2023';
  const summary = {
    PlatformArn: `arn:aws:elasticbeanstalk:eu-west-1::platform/${branch}/4.7.7`, PlatformVersion: '4.7.7', PlatformStatus: 'Ready' as const,
    PlatformBranchName: branch, PlatformBranchLifecycleState: 'Supported', PlatformLifecycleState: 'Recommended',
  };
  eb.on(DescribePlatformVersionCommand).resolves({ PlatformDescription: summary });
  eb.on(ListPlatformVersionsCommand).resolves({ PlatformSummaryList: [summary] });
  sq.on(GetServiceQuotaCommand).callsFake((input: { ServiceCode: string; QuotaCode: string }) => ({ Quota: { ServiceCode: input.ServiceCode, QuotaCode: input.QuotaCode, Value: input.QuotaCode === 'L-E79EC296' ? 2500 : 5 } }));
  ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-0a1b2c3d', IsDefault: true }] });
  ec2.on(DescribeInternetGatewaysCommand).resolves({ InternetGateways: [{ InternetGatewayId: 'igw-0a1b2c3d' }] });
  ec2.on(DescribeAddressesCommand).resolves({ Addresses: [] });
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: 'sg-0default', GroupName: 'default' }] });
  cfn.on(DescribeStacksCommand).rejects(stackMissing('shop-dev'));
  eb.on(DescribeApplicationsCommand).resolves({ Applications: [] });
  eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [] });
}

beforeEach(() => {
  for (const m of [sts, ec2, rds, eb, cfn, ssm, sq]) m.reset();
});

describe('no credentials', () => {
  test('preflight fails at once, before any AWS call, with the ways to configure them, exit 2', async () => {
    noCredentials();
    const r = await cli(['preflight', '--app-dir', APP_DIR]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: no AWS credentials found/);
    for (const way of ['AWS_PROFILE', 'aws configure', 'aws sso login', 'AWS_ACCESS_KEY_ID']) expect(r.stderr).toContain(way);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(sts.calls()).toHaveLength(0);
  });
  test('doctor, deploy and rollback say the same', async () => {
    noCredentials();
    for (const command of ['doctor', 'deploy', 'rollback']) {
      const r = await cli([command, '--app-dir', APP_DIR]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('no AWS credentials found');
    }
  });
});

describe('preflight', () => {
  test('all checks pass: exit 0 and the table', async () => {
    fakeCredentials();
    healthyAccount();
    const r = await cli(['preflight', '--app-dir', APP_DIR]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^beanstack preflight: stack shop-dev in aws:\/\/123456789012\/eu-west-1\n/);
    expect(r.stdout).toContain('17 checks: 13 passed, 0 warnings, 0 failed, 4 skipped');
    // the clients use the stack's region
    expect(await (ec2.call(0).thisValue as EC2Client).config.region()).toBe('eu-west-1');
  });
  test('a failed check: exit 1, --json has the fix', async () => {
    fakeCredentials();
    healthyAccount();
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: '', $metadata: {} }));
    const r = await cli(['preflight', '--app-dir', APP_DIR, '--json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.summary).toEqual({ pass: 12, warn: 0, fail: 1, skip: 4 });
    expect(json.nextStep).toBe('account/cdk-bootstrap: run npx cdk bootstrap aws://123456789012/eu-west-1 once per account and region');
    expect(r.stdout.endsWith('}\n')).toBe(true);
  });
  test('--strict: a warning fails too', async () => {
    fakeCredentials();
    healthyAccount();
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/cdk-bootstrap/hnb659fds/version', Type: 'String', Value: '20', Version: 1 } });
    expect((await cli(['preflight', '--app-dir', APP_DIR])).code).toBe(0);
    expect((await cli(['preflight', '--app-dir', APP_DIR, '--strict'])).code).toBe(1);
  });
  test('--region contradicting the stack is a user error', async () => {
    fakeCredentials();
    healthyAccount();
    const r = await cli(['preflight', '--app-dir', APP_DIR, '--region', 'us-east-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--region us-east-1 differs from the stack\'s region eu-west-1');
  });
  test('not a cloud assembly: exit 2 with the fix', async () => {
    fakeCredentials();
    const r = await cli(['preflight', '--app-dir', home]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a cloud assembly (no manifest.json)');
  });
  test('no --app-dir and no cdk.json: exit 2', async () => {
    fakeCredentials();
    const r = await cli(['preflight']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no cdk.json in');
  });
  test('rejected credentials are a user error naming the cause', async () => {
    fakeCredentials();
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('The security token included in the request is invalid.'), { name: 'InvalidClientTokenId', $metadata: { httpStatusCode: 403 } }));
    const r = await cli(['preflight', '--app-dir', APP_DIR]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot confirm the AWS identity: the credentials were rejected (InvalidClientTokenId');
  });
});

describe('deploy', () => {
  test('a failed preflight stops before cdk deploy: exit 1, nothing deployed', async () => {
    fakeCredentials();
    healthyAccount();
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: '', $metadata: {} }));
    const r = await cli(['deploy', '--app-dir', APP_DIR]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^beanstack preflight: stack shop-dev/);
    expect(r.stdout).toContain('  fail  account/cdk-bootstrap');
    expect(r.stderr).toContain('preflight found problems (above): nothing was deployed');
    expect(r.stderr).not.toContain('== cdk deploy');
    expect(r.stdout).not.toContain('beanstack doctor');
  });
});

describe('deploy --json', () => {
  test('one JSON document with the outcome', async () => {
    fakeCredentials();
    healthyAccount();
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: '', $metadata: {} }));
    const r = await cli(['deploy', '--app-dir', APP_DIR, '--json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(['doctor', 'outcome', 'preflight', 'url']);
    expect(json).toMatchObject({ outcome: 'preflight-failed', doctor: null, url: null, preflight: { command: 'preflight', summary: { fail: 1 } } });
  });
});

describe('doctor', () => {
  test('a stack that is not deployed: exit 1, next step deploy', async () => {
    fakeCredentials();
    healthyAccount();
    const r = await cli(['doctor', '--app-dir', APP_DIR]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('  fail  stack/status');
    expect(r.stdout).toContain('next step: stack/status: run beanstack deploy');
  });
});

describe('rollback', () => {
  test('--dry-run says which version it would deploy and changes nothing', async () => {
    fakeCredentials();
    healthyAccount();
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [{ EnvironmentName: 'shop-dev', ApplicationName: 'shop', VersionLabel: 'v3', Status: 'Ready', Health: 'Red' }] });
    eb.on(DescribeApplicationVersionsCommand).resolves({
      ApplicationVersions: [
        { ApplicationName: 'shop', VersionLabel: 'v3', DateCreated: new Date('2026-11-20T10:00:00Z'), Status: 'Unprocessed' },
        { ApplicationName: 'shop', VersionLabel: 'v2', DateCreated: new Date('2026-11-19T10:00:00Z'), Status: 'Unprocessed', Description: 'bundle 0f0e0d0c0b0a' },
      ],
    });
    const r = await cli(['rollback', '--environment', 'shop-dev', '--region', 'eu-west-1', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('running:     v3 (created 2026-11-20T10:00:00.000Z)');
    expect(r.stdout).toContain('rolling back to: v2 (created 2026-11-19T10:00:00.000Z) — bundle 0f0e0d0c0b0a');
    expect(eb.commandCalls(UpdateEnvironmentCommand)).toHaveLength(0);
    expect(eb.commandCalls(DescribeEventsCommand)).toHaveLength(0);
  });
  test('the environment of the stack is found through its resources', async () => {
    fakeCredentials();
    healthyAccount();
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'shop-dev', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date('2026-11-01T00:00:00Z') }] });
    cfn.on(ListStackResourcesCommand).resolves({ StackResourceSummaries: [{ LogicalResourceId: 'AppEnvironmentE09B59F9', PhysicalResourceId: 'shop-dev', ResourceType: 'AWS::ElasticBeanstalk::Environment', ResourceStatus: 'UPDATE_COMPLETE', LastUpdatedTimestamp: new Date() }] });
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [{ EnvironmentName: 'shop-dev', ApplicationName: 'shop', VersionLabel: 'v1', Status: 'Ready' }] });
    eb.on(DescribeApplicationVersionsCommand).resolves({ ApplicationVersions: [{ ApplicationName: 'shop', VersionLabel: 'v1', DateCreated: new Date('2026-11-20T10:00:00Z') }] });
    const r = await cli(['rollback', '--app-dir', APP_DIR, '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('application shop has no version older than the running \'v1\'');
    expect(eb.commandCalls(DescribeEnvironmentsCommand)[0].args[0].input.EnvironmentNames).toEqual(['shop-dev']);
  });
});

describe('pause / resume', () => {
  test('pause finds the environment and the database through the stack\'s resources; a busy environment is refused (exit 2), nothing changes', async () => {
    fakeCredentials();
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'shop-dev', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date('2026-11-01T00:00:00Z') }] });
    cfn.on(ListStackResourcesCommand).resolves({
      StackResourceSummaries: [
        { LogicalResourceId: 'AppEnvironmentE09B59F9', PhysicalResourceId: 'shop-dev', ResourceType: 'AWS::ElasticBeanstalk::Environment', ResourceStatus: 'UPDATE_COMPLETE', LastUpdatedTimestamp: new Date() },
        { LogicalResourceId: 'DatabaseInstanceAA8A5FDE', PhysicalResourceId: 'shop-dev-db-1x2y3z', ResourceType: 'AWS::RDS::DBInstance', ResourceStatus: 'UPDATE_COMPLETE', LastUpdatedTimestamp: new Date() },
      ],
    });
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [{ EnvironmentName: 'shop-dev', ApplicationName: 'shop', Status: 'Updating' }] });
    const r = await cli(['pause', '--app-dir', APP_DIR]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('pause shop-dev and database shop-dev-db-1x2y3z in eu-west-1');
    expect(r.stderr).toContain('environment shop-dev is Updating; pause needs it Ready');
    expect(eb.commandCalls(UpdateEnvironmentCommand)).toHaveLength(0);
  });
  test('resume --environment without --database is a user error with a fix', async () => {
    fakeCredentials();
    const r = await cli(['resume', '--environment', 'shop-dev', '--region', 'eu-west-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--environment needs --database');
  });
});
