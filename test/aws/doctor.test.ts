import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { DescribeSecurityGroupRulesCommand, EC2Client, SecurityGroupRule } from '@aws-sdk/client-ec2';
import {
  DescribeApplicationVersionsCommand,
  DescribeEnvironmentHealthCommand,
  DescribeEnvironmentsCommand,
  DescribeEventsCommand,
  ElasticBeanstalkClient,
} from '@aws-sdk/client-elastic-beanstalk';
import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { DBInstance, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { runChecks } from '../../lib/aws/check';
import { DOCTOR_CHECKS, DoctorContext, doctorContext, environmentUrl } from '../../lib/aws/doctor';
import { formatReport } from '../../lib/aws/report';
import { denied, loadPlan, runCheck, stackMissing, testClients } from './helpers';

const ec2 = mockClient(EC2Client);
const rds = mockClient(RDSClient);
const eb = mockClient(ElasticBeanstalkClient);
const cfn = mockClient(CloudFormationClient);
const iam = mockClient(IAMClient);

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:shopdevDatabaseInstanceSecr-AbCdEf`;
const APP_SG = 'sg-0aa11bb22cc33dd44';
const DB_SG = 'sg-0ee55ff66aa77bb88';
const BUNDLE = '361968a7f2afa9d675b71abfb21954482cb05cfd59a62edc62b06dd53048d78a.zip';
const DEPLOYED_AT = new Date('2026-11-20T10:00:00Z');

function ctx(): DoctorContext {
  return doctorContext(loadPlan('ecs-single'), testClients(), ACCOUNT, REGION);
}

const RESOURCES: Array<[string, string, string]> = [
  ['AppApplication609B01FE', 'shop', 'AWS::ElasticBeanstalk::Application'],
  ['AppEnvironmentE09B59F9', 'shop-dev', 'AWS::ElasticBeanstalk::Environment'],
  ['AppInstanceProfile9CE1227B', 'shop-dev-AppInstanceProfile9CE1227B-Xy12Ab34Cd56', 'AWS::IAM::InstanceProfile'],
  ['AppInstanceRole0700670C', 'shop-dev-AppInstanceRole0700670C-1A2B3C4D5E6F', 'AWS::IAM::Role'],
  ['AppTaskExecutionRole3470E42C', 'shop-dev-AppTaskExecutionRole3470E42C-7G8H9I0J1K2L', 'AWS::IAM::Role'],
  ['AppVersion592A4ADC', 'shop-dev-appversion592a4adc-q1w2e3r4t5y6', 'AWS::ElasticBeanstalk::ApplicationVersion'],
  ['DatabaseInstanceAA8A5FDE', 'shop-dev-databaseinstanceaa8a5fde-abcdefghijkl', 'AWS::RDS::DBInstance'],
  ['DatabaseInstanceSecretAttachmentFCA06D38', SECRET_ARN, 'AWS::SecretsManager::SecretTargetAttachment'],
  ['NetworkAppSecurityGroupE3807721', APP_SG, 'AWS::EC2::SecurityGroup'],
  ['NetworkDatabaseSecurityGroup2B3F4679', DB_SG, 'AWS::EC2::SecurityGroup'],
  ['NetworkVpc7FB7348F', 'vpc-0123456789abcdef0', 'AWS::EC2::VPC'],
  ['shopdevDatabaseInstanceSecret7F21706E3fdaad7efa858a3daf9490cf0a702aeb', SECRET_ARN, 'AWS::SecretsManager::Secret'],
];

const DB: DBInstance = {
  DBInstanceIdentifier: 'shop-dev-databaseinstanceaa8a5fde-abcdefghijkl',
  DBInstanceClass: 'db.t4g.micro',
  Engine: 'mysql',
  EngineVersion: '8.4.10',
  DBInstanceStatus: 'available',
  MasterUsername: 'app',
  DBName: 'app',
  Endpoint: { Address: 'shop-dev-databaseinstanceaa8a5fde-abcdefghijkl.c1x2y3z4.eu-west-1.rds.amazonaws.com', Port: 3306, HostedZoneId: 'Z29XKXDKYMONMX' },
  AllocatedStorage: 20,
  BackupRetentionPeriod: 1,
  LatestRestorableTime: new Date('2026-11-23T12:25:00Z'),
  PubliclyAccessible: false,
  StorageEncrypted: true,
  KmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d`,
  StorageType: 'gp3',
  MultiAZ: false,
  DeletionProtection: false,
  VpcSecurityGroups: [{ VpcSecurityGroupId: DB_SG, Status: 'active' }],
};

function rule(id: string, group: string, r: Partial<SecurityGroupRule>): SecurityGroupRule {
  return {
    SecurityGroupRuleId: id, GroupId: group, GroupOwnerId: ACCOUNT, IsEgress: false,
    SecurityGroupRuleArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group-rule/${id}`, ...r,
  };
}

/** The rules the fixture stack defines, as EC2 reports them (egress included). */
const INTENDED_RULES: SecurityGroupRule[] = [
  rule('sgr-0a000000000000001', APP_SG, { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIpv4: '0.0.0.0/0', Description: 'HTTP from the internet (single instance, no load balancer)' }),
  rule('sgr-0a000000000000002', APP_SG, { IsEgress: true, IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' }),
  rule('sgr-0b000000000000001', DB_SG, { IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, ReferencedGroupInfo: { GroupId: APP_SG, UserId: ACCOUNT }, Description: 'from the application instances' }),
  rule('sgr-0b000000000000002', DB_SG, { IsEgress: true, IpProtocol: 'icmp', FromPort: 252, ToPort: 86, CidrIpv4: '255.255.255.255/32' }),
];

function healthy(): void {
  cfn.on(DescribeStacksCommand).resolves({
    Stacks: [{
      StackName: 'shop-dev', StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/shop-dev/6c7e0b30-1f2e-11f1-9d7a-0a1b2c3d4e5f`,
      CreationTime: new Date('2026-11-01T09:00:00Z'), LastUpdatedTime: DEPLOYED_AT, StackStatus: 'UPDATE_COMPLETE',
      Outputs: [
        { OutputKey: 'DatabaseEndpoint', OutputValue: DB.Endpoint!.Address },
        { OutputKey: 'EnvironmentUrl', OutputValue: 'http://shop-dev.eu-west-1.elasticbeanstalk.com' },
      ],
    }],
  });
  cfn.on(ListStackResourcesCommand).resolves({
    StackResourceSummaries: RESOURCES.map(([LogicalResourceId, PhysicalResourceId, ResourceType]) => ({
      LogicalResourceId, PhysicalResourceId, ResourceType, ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: DEPLOYED_AT,
    })),
  });
  eb.on(DescribeEnvironmentHealthCommand).resolves({
    EnvironmentName: 'shop-dev', HealthStatus: 'Ok', Status: 'Ready' as never, Color: 'Green', Causes: [],
    InstancesHealth: { NoData: 0, Unknown: 0, Pending: 0, Ok: 1, Info: 0, Warning: 0, Degraded: 0, Severe: 0 },
    RefreshedAt: new Date('2026-11-23T12:30:00Z'),
  });
  eb.on(DescribeEventsCommand).resolves({ Events: [] });
  eb.on(DescribeEnvironmentsCommand).resolves({
    Environments: [{
      EnvironmentName: 'shop-dev', EnvironmentId: 'e-mx7kq2hz3p', ApplicationName: 'shop', VersionLabel: 'shop-dev-appversion592a4adc-q1w2e3r4t5y6',
      PlatformArn: `arn:aws:elasticbeanstalk:${REGION}::platform/ECS running on 64bit Amazon Linux 2023/4.7.7`,
      EndpointURL: '203.0.113.10', CNAME: 'shop-dev.eu-west-1.elasticbeanstalk.com', Status: 'Ready', Health: 'Green', HealthStatus: 'Ok',
      DateCreated: new Date('2026-11-01T09:05:00Z'), DateUpdated: DEPLOYED_AT,
    }],
  });
  eb.on(DescribeApplicationVersionsCommand).resolves({
    ApplicationVersions: [{
      ApplicationName: 'shop', VersionLabel: 'shop-dev-appversion592a4adc-q1w2e3r4t5y6', Description: 'bundle 361968a7f2af',
      SourceBundle: { S3Bucket: `cdk-hnb659fds-assets-${ACCOUNT}-${REGION}`, S3Key: BUNDLE }, Status: 'Processed', DateCreated: DEPLOYED_AT,
    }],
  });
  rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [DB] });
  ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: INTENDED_RULES });
  iam.on(SimulatePrincipalPolicyCommand).callsFake((input: { ResourceArns: string[] }) => ({
    EvaluationResults: input.ResourceArns.map((arn) => ({ EvalActionName: 'secretsmanager:GetSecretValue', EvalResourceName: arn, EvalDecision: 'allowed', MatchedStatements: [] })),
    IsTruncated: false,
  }));
}

beforeEach(() => {
  for (const m of [ec2, rds, eb, cfn, iam]) m.reset();
  healthy();
});

test('a healthy deployment: every check passes, grouped by resource', async () => {
  const results = await runChecks(DOCTOR_CHECKS, ctx());
  expect(results.map((r) => [r.group, r.id, r.status])).toEqual([
    ['stack', 'stack/status', 'pass'],
    ['environment', 'environment/health', 'pass'],
    ['environment', 'environment/recent-errors', 'pass'],
    ['environment', 'environment/version', 'pass'],
    ['database', 'database/status', 'pass'],
    ['database', 'database/not-public', 'pass'],
    ['database', 'database/encryption', 'pass'],
    ['database', 'database/backups', 'pass'],
    ['network', 'network/database-ingress', 'pass'],
    ['network', 'network/security-group-drift', 'pass'],
    ['iam', 'iam/secret-access', 'pass'],
    ['secrets', 'secrets/exist', 'skip'], // the fixture has no application secret (test/aws/secrets.test.ts has)
    ['secrets', 'secrets/placeholder', 'skip'],
    // the fixture defines no alarms (x-beanstack.alerts unset): test/aws/alarms.test.ts
    ['alerts', 'alerts/alarm-states', 'skip'],
  ]);
  const text = formatReport({ command: 'doctor', stackName: 'shop-dev', account: ACCOUNT, region: REGION, results });
  expect(text).toContain('database\n  pass  database/status');
  expect(text).toContain(`${DB.Endpoint!.Address}:3306`);
  expect(text).toContain(`network/database-ingress      ${DB_SG} admits tcp 3306 only from ${APP_SG} (NetworkAppSecurityGroupE3807721)`);
  expect(text).not.toContain('next step');
  // a secret value is never fetched: the secrets checks read metadata only (DescribeSecret, ListSecretVersionIds)
  expect(text).not.toMatch(/password/i);
});

test('the environment URL comes from the stack output', async () => {
  expect(await environmentUrl(ctx())).toBe('http://shop-dev.eu-west-1.elasticbeanstalk.com');
});

test('not deployed: stack/status fails, every other check is skipped', async () => {
  cfn.on(DescribeStacksCommand).rejects(stackMissing('shop-dev'));
  const results = await runChecks(DOCTOR_CHECKS, ctx());
  expect(results[0]).toMatchObject({ status: 'fail', summary: 'stack shop-dev is not deployed in eu-west-1', fix: 'run beanstack deploy' });
  expect(results.slice(1).every((r) => r.status === 'skip')).toBe(true);
});

describe('stack/status', () => {
  test('warn: in progress', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'shop-dev', StackStatus: 'UPDATE_IN_PROGRESS', CreationTime: DEPLOYED_AT }] });
    expect((await runCheck(DOCTOR_CHECKS, 'stack/status', ctx())).status).toBe('warn');
  });
  test('fail: a failed state', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'shop-dev', StackStatus: 'UPDATE_ROLLBACK_FAILED', CreationTime: DEPLOYED_AT, StackStatusReason: 'Resource handler returned message: "..."' }] });
    const r = await runCheck(DOCTOR_CHECKS, 'stack/status', ctx());
    expect(r).toMatchObject({ status: 'fail', summary: 'shop-dev is UPDATE_ROLLBACK_FAILED' });
  });
  test('AccessDenied', async () => {
    cfn.on(DescribeStacksCommand).rejects(denied.cfn('cloudformation:DescribeStacks'));
    const r = await runCheck(DOCTOR_CHECKS, 'stack/status', ctx());
    expect(r).toMatchObject({ status: 'warn', summary: 'could not check: access denied (AccessDenied): missing permission cloudformation:DescribeStacks' });
  });
});

describe('environment/health', () => {
  test('pass', async () => {
    const r = await runCheck(DOCTOR_CHECKS, 'environment/health', ctx());
    expect(r).toMatchObject({ status: 'pass', summary: 'shop-dev: Ready, Green (Ok), instances: 1 ok' });
  });
  test('warn: yellow with causes', async () => {
    eb.on(DescribeEnvironmentHealthCommand).resolves({
      EnvironmentName: 'shop-dev', HealthStatus: 'Warning', Status: 'Ready' as never, Color: 'Yellow',
      Causes: ['15.2 % of the requests are failing with HTTP 5xx.'],
      InstancesHealth: { Ok: 0, Warning: 1 },
    });
    const r = await runCheck(DOCTOR_CHECKS, 'environment/health', ctx());
    expect(r.status).toBe('warn');
    expect(r.details).toEqual(['15.2 % of the requests are failing with HTTP 5xx.']);
    expect(r.fix).toContain('5xx');
  });
  test('fail: red, with the fix the cause points to', async () => {
    eb.on(DescribeEnvironmentHealthCommand).resolves({
      EnvironmentName: 'shop-dev', HealthStatus: 'Severe', Status: 'Ready' as never, Color: 'Red',
      Causes: ['ECS task stopped due to: Essential container in task exited. (api: CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.eu-west-1.amazonaws.com/cdk-hnb659fds-container-assets-123456789012-eu-west-1:abc: not found)'],
      InstancesHealth: { Severe: 1 },
    });
    const r = await runCheck(DOCTOR_CHECKS, 'environment/health', ctx());
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('shop-dev: Ready, Red (Severe), instances: 1 severe');
    expect(r.fix).toContain('an image cannot be pulled');
  });
  test('basic health reporting: falls back to the environment\'s colour', async () => {
    eb.on(DescribeEnvironmentHealthCommand).rejects(Object.assign(new Error('Environment health reporting is not enhanced.'), { name: 'InvalidRequestException', $metadata: { httpStatusCode: 400 } }));
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [{ EnvironmentName: 'shop-dev', ApplicationName: 'shop', Status: 'Ready', Health: 'Red' }] });
    const r = await runCheck(DOCTOR_CHECKS, 'environment/health', ctx());
    expect(r).toMatchObject({ status: 'fail', summary: 'shop-dev: Ready, Red (basic health reporting)' });
  });
  test('AccessDenied', async () => {
    eb.on(DescribeEnvironmentHealthCommand).rejects(denied.eb('elasticbeanstalk:DescribeEnvironmentHealth'));
    expect((await runCheck(DOCTOR_CHECKS, 'environment/health', ctx())).summary).toContain('missing permission elasticbeanstalk:DescribeEnvironmentHealth');
  });
});

describe('environment/recent-errors', () => {
  test('pass: asks for errors since the last deploy', async () => {
    const r = await runCheck(DOCTOR_CHECKS, 'environment/recent-errors', ctx());
    expect(r).toMatchObject({ status: 'pass', summary: 'no error events since 2026-11-20T10:00:00.000Z' });
    expect(eb.commandCalls(DescribeEventsCommand)[0].args[0].input).toEqual({ EnvironmentName: 'shop-dev', Severity: 'ERROR', StartTime: DEPLOYED_AT, MaxRecords: 20 });
  });
  test('warn: newest first, with the fix the message points to', async () => {
    eb.on(DescribeEventsCommand).resolves({
      Events: [
        { EventDate: new Date('2026-11-20T10:05:00Z'), Message: 'Instance deployment failed. For details, see \'eb-engine.log\'.', ApplicationName: 'shop', EnvironmentName: 'shop-dev', Severity: 'ERROR' },
        { EventDate: new Date('2026-11-20T10:07:00Z'), Message: 'Creating Auto Scaling launch configuration failed Reason: Resource handler returned message: "The Launch Configuration creation operation is not available in your account. Use launch templates to create configuration templates for your Auto Scaling groups."', ApplicationName: 'shop', EnvironmentName: 'shop-dev', Severity: 'ERROR' },
      ],
    });
    const r = await runCheck(DOCTOR_CHECKS, 'environment/recent-errors', ctx());
    expect(r.status).toBe('warn');
    expect(r.summary).toMatch(/^2 error events since 2026-11-20T10:00:00.000Z; newest: Creating Auto Scaling launch configuration failed/);
    expect(r.details![0]).toMatch(/^2026-11-20T10:07:00.000Z ERROR Creating/);
    expect(r.fix).toContain('launch templates');
  });
  test('AccessDenied', async () => {
    eb.on(DescribeEventsCommand).rejects(denied.eb('elasticbeanstalk:DescribeEvents'));
    expect((await runCheck(DOCTOR_CHECKS, 'environment/recent-errors', ctx())).summary).toContain('missing permission elasticbeanstalk:DescribeEvents');
  });
});

describe('environment/version', () => {
  test('pass: runs the synthesized bundle', async () => {
    const r = await runCheck(DOCTOR_CHECKS, 'environment/version', ctx());
    expect(r).toMatchObject({ status: 'pass', summary: 'shop-dev runs shop-dev-appversion592a4adc-q1w2e3r4t5y6, the synthesized bundle 361968a7f2af' });
  });
  test('warn: another bundle runs (changed since, or rolled back)', async () => {
    eb.on(DescribeApplicationVersionsCommand).resolves({ ApplicationVersions: [{ ApplicationName: 'shop', VersionLabel: 'v-old', SourceBundle: { S3Bucket: 'b', S3Key: '0f0e0d0c0b0a09080706050403020100aabbccddeeff00112233445566778899.zip' } }] });
    const r = await runCheck(DOCTOR_CHECKS, 'environment/version', ctx());
    expect(r).toMatchObject({ status: 'warn', summary: 'shop-dev runs shop-dev-appversion592a4adc-q1w2e3r4t5y6 (bundle 0f0e0d0c0b0a), not the synthesized bundle 361968a7f2af' });
  });
  test('fail: the environment was terminated outside the stack', async () => {
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [{ EnvironmentName: 'shop-dev', Status: 'Terminated' }] });
    const r = await runCheck(DOCTOR_CHECKS, 'environment/version', ctx());
    expect(r).toMatchObject({ status: 'fail', summary: 'environment shop-dev does not exist any more' });
  });
  test('AccessDenied', async () => {
    eb.on(DescribeApplicationVersionsCommand).rejects(denied.eb('elasticbeanstalk:DescribeApplicationVersions'));
    expect((await runCheck(DOCTOR_CHECKS, 'environment/version', ctx())).summary).toContain('missing permission elasticbeanstalk:DescribeApplicationVersions');
  });
});

describe('database', () => {
  test('status: pass / warn / fail', async () => {
    expect((await runCheck(DOCTOR_CHECKS, 'database/status', ctx())).summary).toBe(`${DB.DBInstanceIdentifier}: available, mysql 8.4.10, ${DB.Endpoint!.Address}:3306`);
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ ...DB, DBInstanceStatus: 'backing-up' }] });
    expect((await runCheck(DOCTOR_CHECKS, 'database/status', ctx())).status).toBe('warn');
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ ...DB, DBInstanceStatus: 'storage-full' }] });
    const r = await runCheck(DOCTOR_CHECKS, 'database/status', ctx());
    expect(r).toMatchObject({ status: 'fail', fix: 'raise allocatedStorageGiB / maxAllocatedStorageGiB and deploy' });
  });
  test('status: fail when deleted outside the stack', async () => {
    rds.on(DescribeDBInstancesCommand).rejects(Object.assign(new Error(`DBInstance ${DB.DBInstanceIdentifier} not found.`), { name: 'DBInstanceNotFoundFault', $metadata: { httpStatusCode: 404 } }));
    expect((await runCheck(DOCTOR_CHECKS, 'database/status', ctx())).summary).toBe(`RDS instance ${DB.DBInstanceIdentifier} does not exist any more`);
  });
  test('not-public: pass / fail', async () => {
    expect((await runCheck(DOCTOR_CHECKS, 'database/not-public', ctx())).status).toBe('pass');
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ ...DB, PubliclyAccessible: true }] });
    const r = await runCheck(DOCTOR_CHECKS, 'database/not-public', ctx());
    expect(r.status).toBe('fail');
    expect(r.fix).toBe(`turn it off: aws rds modify-db-instance --db-instance-identifier ${DB.DBInstanceIdentifier} --no-publicly-accessible --apply-immediately`);
  });
  test('encryption: pass / fail', async () => {
    expect((await runCheck(DOCTOR_CHECKS, 'database/encryption', ctx())).summary).toBe(`${DB.DBInstanceIdentifier} storage is encrypted (KMS key 1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d)`);
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ ...DB, StorageEncrypted: false, KmsKeyId: undefined }] });
    expect((await runCheck(DOCTOR_CHECKS, 'database/encryption', ctx())).status).toBe('fail');
  });
  test('backups: pass / fail', async () => {
    expect((await runCheck(DOCTOR_CHECKS, 'database/backups', ctx())).summary)
      .toBe(`${DB.DBInstanceIdentifier} keeps backups 1 day, restorable to 2026-11-23T12:25:00.000Z, deletion protection off`);
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ ...DB, BackupRetentionPeriod: 0 }] });
    expect((await runCheck(DOCTOR_CHECKS, 'database/backups', ctx())).status).toBe('fail');
  });
  test('AccessDenied: every database check says so, the others still run', async () => {
    rds.on(DescribeDBInstancesCommand).rejects(denied.rds('rds:DescribeDBInstances'));
    const results = await runChecks(DOCTOR_CHECKS, ctx());
    for (const r of results.filter((x) => x.group === 'database')) {
      expect(r).toMatchObject({ status: 'warn', summary: 'could not check: access denied (AccessDenied): missing permission rds:DescribeDBInstances' });
    }
    expect(results.filter((x) => x.group !== 'database').map((x) => x.status)).toEqual(results.filter((x) => x.group !== 'database').map((x) => (x.group === 'secrets' || x.group === 'alerts' ? 'skip' : 'pass')));
  });
});

describe('network', () => {
  test('fail: the database port opened to the internet (drift)', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [...INTENDED_RULES, rule('sgr-0c000000000000009', DB_SG, { IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, CidrIpv4: '0.0.0.0/0', Description: 'debug' })],
    });
    const results = await runChecks(DOCTOR_CHECKS, ctx());
    const ingress = results.find((r) => r.id === 'network/database-ingress')!;
    expect(ingress).toMatchObject({
      status: 'fail',
      summary: `${DB_SG} (database) admits more than port 3306 from the application: 1 rule not in the stack`,
      details: ['drift: sgr-0c000000000000009: tcp 3306 from 0.0.0.0/0'],
      fix: `revoke it (CloudFormation does not undo changes made outside it): aws ec2 revoke-security-group-ingress --group-id ${DB_SG} --security-group-rule-ids sgr-0c000000000000009`,
    });
    const drift = results.find((r) => r.id === 'network/security-group-drift')!;
    expect(drift).toMatchObject({ status: 'warn', details: [`${DB_SG} (NetworkDatabaseSecurityGroup2B3F4679): added sgr-0c000000000000009: tcp 3306 from 0.0.0.0/0`] });
  });
  test('fail: the application rule was removed', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: INTENDED_RULES.filter((r) => r.SecurityGroupRuleId !== 'sgr-0b000000000000001') });
    const results = await runChecks(DOCTOR_CHECKS, ctx());
    const ingress = results.find((r) => r.id === 'network/database-ingress')!;
    expect(ingress.summary).toContain('the application cannot reach the database');
    expect(ingress.fix).toContain(`aws ec2 authorize-security-group-ingress --group-id ${DB_SG} --protocol tcp --port 3306 --source-group ${APP_SG}`);
    expect(results.find((r) => r.id === 'network/security-group-drift')!.details).toEqual([
      `${DB_SG} (NetworkDatabaseSecurityGroup2B3F4679): missing tcp 3306 from ${APP_SG} (NetworkAppSecurityGroupE3807721)`,
    ]);
  });
  test('the rules of all the stack\'s groups are read in one call', async () => {
    await runChecks(DOCTOR_CHECKS, ctx());
    const calls = ec2.commandCalls(DescribeSecurityGroupRulesCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0].args[0].input.Filters).toEqual([{ Name: 'group-id', Values: [APP_SG, DB_SG] }]);
  });
  test('AccessDenied', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).rejects(denied.ec2('ec2:DescribeSecurityGroupRules'));
    const r = await runCheck(DOCTOR_CHECKS, 'network/database-ingress', ctx());
    expect(r.summary).toContain('missing permission ec2:DescribeSecurityGroupRules');
  });
});

describe('iam/secret-access', () => {
  test('pass: simulates GetSecretValue for the instance role and the ECS task execution role', async () => {
    const r = await runCheck(DOCTOR_CHECKS, 'iam/secret-access', ctx());
    expect(r.status).toBe('pass');
    const calls = iam.commandCalls(SimulatePrincipalPolicyCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      { PolicySourceArn: `arn:aws:iam::${ACCOUNT}:role/shop-dev-AppInstanceRole0700670C-1A2B3C4D5E6F`, ActionNames: ['secretsmanager:GetSecretValue'], ResourceArns: [SECRET_ARN] },
      { PolicySourceArn: `arn:aws:iam::${ACCOUNT}:role/shop-dev-AppTaskExecutionRole3470E42C-7G8H9I0J1K2L`, ActionNames: ['secretsmanager:GetSecretValue'], ResourceArns: [SECRET_ARN] },
    ]);
  });
  test('fail: implicitly denied', async () => {
    iam.on(SimulatePrincipalPolicyCommand).resolves({
      EvaluationResults: [{ EvalActionName: 'secretsmanager:GetSecretValue', EvalResourceName: SECRET_ARN, EvalDecision: 'implicitDeny', MatchedStatements: [], MissingContextValues: [] }],
      IsTruncated: false,
    });
    const r = await runCheck(DOCTOR_CHECKS, 'iam/secret-access', ctx());
    expect(r.status).toBe('fail');
    expect(r.details).toContain(`${SECRET_ARN} (implicitDeny)`);
  });
  test('AccessDenied', async () => {
    iam.on(SimulatePrincipalPolicyCommand).rejects(denied.iam('iam:SimulatePrincipalPolicy'));
    expect((await runCheck(DOCTOR_CHECKS, 'iam/secret-access', ctx())).summary).toContain('missing permission iam:SimulatePrincipalPolicy');
  });
});
