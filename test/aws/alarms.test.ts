/**
 * `alerts/alarm-states` of `beanstack doctor` (lib/aws/alarms.ts) against realistic DescribeAlarms
 * answers: pass, fail (an alarm in ALARM), missing alarms, AccessDenied.
 */
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, CloudWatchServiceException, DescribeAlarmsCommand, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { expectedAlarms } from '../../lib/aws/alarms';
import { DOCTOR_CHECKS, doctorContext, DoctorContext } from '../../lib/aws/doctor';
import { loadPlan, runCheck, setOption, testClients } from './helpers';

const cfn = mockClient(CloudFormationClient);
const cw = mockClient(CloudWatchClient);
const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const ENV_ID = 'AppEnvironmentE09B59F9';
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:shop-dev-AppAlertsTopicA448AF94-Zq3Xw9Rt2Yv8`;
const DB_ALARMS = ['cpu', 'free-storage', 'free-memory', 'connections'].map((a) => `shop-dev-db-mysql-${a}`);

/** The ecs-single fixture with alerts, as a load-balanced environment with alarms would synthesize. */
function ctx(): DoctorContext {
  const plan = loadPlan('ecs-single', (t) => {
    t.Resources.AppAlertsEnvironmentHealth = { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: 'shop-dev-environment-health', AlarmActions: [{ Ref: 'AppAlertsTopic' }] } };
    DB_ALARMS.forEach((name, i) => (t.Resources[`AppAlertsDatabase${i}`] = { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: name, AlarmActions: [{ Ref: 'AppAlertsTopic' }] } }));
    setOption(t, 'aws:elasticbeanstalk:customoption', 'BeanstackAlarmTopicArn', { Ref: 'AppAlertsTopic' });
  });
  return doctorContext(plan, testClients(), ACCOUNT, REGION);
}

function alarm(name: string, state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA', extra: Partial<MetricAlarm> = {}): MetricAlarm {
  return {
    AlarmName: name,
    AlarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`,
    ActionsEnabled: true,
    AlarmActions: [TOPIC],
    OKActions: [TOPIC],
    StateValue: state,
    StateReason: state === 'ALARM'
      ? 'Threshold Crossed: 5 out of the last 5 datapoints [25.0 (03/12/26 12:04:00), 25.0 (03/12/26 12:03:00), 25.0 (03/12/26 12:02:00), 25.0 (03/12/26 12:01:00), 25.0 (03/12/26 12:00:00)] were greater than or equal to the threshold (20.0) (minimum 5 datapoints for OK -> ALARM transition).'
      : state === 'OK' ? 'Threshold Crossed: 5 out of the last 5 datapoints were not greater than or equal to the threshold (20.0).' : 'Unchecked: Initial alarm creation',
    StateUpdatedTimestamp: new Date('2026-12-03T12:05:00Z'),
    Namespace: 'AWS/ElasticBeanstalk',
    MetricName: 'EnvironmentHealth',
    ...extra,
  };
}

const ALL = ['shop-dev-environment-health', ...DB_ALARMS, 'shop-dev-http-5xx-rate', 'shop-dev-response-time'].sort();

beforeEach(() => {
  cfn.reset();
  cw.reset();
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'shop-dev', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date('2026-11-01T09:00:00Z') }] });
  cfn.on(ListStackResourcesCommand).resolves({
    StackResourceSummaries: [
      { LogicalResourceId: ENV_ID, PhysicalResourceId: 'shop-dev', ResourceType: 'AWS::ElasticBeanstalk::Environment', ResourceStatus: 'UPDATE_COMPLETE', LastUpdatedTimestamp: new Date() },
      { LogicalResourceId: 'AppAlertsEnvironmentHealth', PhysicalResourceId: 'shop-dev-environment-health', ResourceType: 'AWS::CloudWatch::Alarm', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date() },
    ],
  });
});

test('the expected alarms: the template\'s and, with the topic option, the load balancer\'s two in the bundle', () => {
  expect(expectedAlarms(ctx().plan.template.Resources!, ENV_ID, 'shop-dev')).toEqual(ALL);
});

test('pass: every alarm OK or still without data, read by the environment\'s prefix, pages followed', async () => {
  cw.on(DescribeAlarmsCommand, { AlarmNamePrefix: 'shop-dev-', NextToken: undefined }).resolves({ MetricAlarms: ALL.slice(0, 4).map((n) => alarm(n, 'OK')), NextToken: 'page-2' });
  cw.on(DescribeAlarmsCommand, { NextToken: 'page-2' }).resolves({ MetricAlarms: ALL.slice(4).map((n, i) => alarm(n, i === 0 ? 'INSUFFICIENT_DATA' : 'OK')) });
  const r = await runCheck(DOCTOR_CHECKS, 'alerts/alarm-states', ctx());
  expect(r).toMatchObject({ status: 'pass', summary: '7 alarms: 6 OK, 0 in ALARM, 1 without data yet' });
  expect(cw.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input.AlarmNamePrefix)).toEqual(['shop-dev-', 'shop-dev-']);
});

test('fail: an alarm in ALARM, with its reason and since when', async () => {
  cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: ALL.map((n) => alarm(n, n === 'shop-dev-environment-health' ? 'ALARM' : 'OK')) });
  const r = await runCheck(DOCTOR_CHECKS, 'alerts/alarm-states', ctx());
  expect(r.status).toBe('fail');
  expect(r.summary).toBe('shop-dev-environment-health in ALARM (7 alarms: 6 OK, 1 in ALARM, 0 without data yet)');
  expect(r.details?.[0]).toMatch(/^shop-dev-environment-health since 2026-12-03T12:05:00.000Z: Threshold Crossed: 5 out of the last 5 datapoints/);
  expect(r.fix).toMatch(/CloudWatch console/);
});

test('warn: the load balancer\'s alarms not created yet; an alarm whose actions were disabled', async () => {
  cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: ALL.filter((n) => !n.includes('http') && !n.includes('response')).map((n) => alarm(n, 'OK')) });
  const missing = await runCheck(DOCTOR_CHECKS, 'alerts/alarm-states', ctx());
  expect(missing).toMatchObject({ status: 'warn', summary: '2 alarms of the template not found in CloudWatch: shop-dev-http-5xx-rate, shop-dev-response-time (5 alarms: 5 OK, 0 in ALARM, 0 without data yet)' });
  cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: ALL.map((n) => alarm(n, 'OK', n.endsWith('-cpu') ? { ActionsEnabled: false } : {})) });
  const silent = await runCheck(DOCTOR_CHECKS, 'alerts/alarm-states', ctx());
  expect(silent).toMatchObject({ status: 'warn', summary: 'shop-dev-db-mysql-cpu notifies nobody (actions disabled or none) (7 alarms: 7 OK, 0 in ALARM, 0 without data yet)' });
});

test('AccessDenied: says which permission is missing', async () => {
  cw.on(DescribeAlarmsCommand).rejects(new CloudWatchServiceException({
    name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403, requestId: 'c2f3d4e5-0000-4000-8000-000000000000', attempts: 1, totalRetryDelay: 0 },
    message: 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: cloudwatch:DescribeAlarms because no identity-based policy allows the cloudwatch:DescribeAlarms action',
  }));
  const r = await runCheck(DOCTOR_CHECKS, 'alerts/alarm-states', ctx());
  expect(r).toMatchObject({ status: 'warn', summary: 'could not check: access denied (AccessDenied): missing permission cloudwatch:DescribeAlarms' });
});

test('a stack without alarms skips; an undeployed one too', async () => {
  const plain = doctorContext(loadPlan('ecs-single'), testClients(), ACCOUNT, REGION);
  expect(await runCheck(DOCTOR_CHECKS, 'alerts/alarm-states', plain)).toMatchObject({ status: 'skip', summary: 'the stack defines no alarms (set x-beanstack.alerts: docs/operations.md)' });
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [] });
  expect((await runCheck(DOCTOR_CHECKS, 'alerts/alarm-states', ctx())).status).toBe('skip');
  expect(cw.commandCalls(DescribeAlarmsCommand)).toHaveLength(0);
});
