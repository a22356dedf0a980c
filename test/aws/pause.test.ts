/**
 * `beanstack pause` / `resume` against mocked Elastic Beanstalk and RDS clients (aws-sdk-client-mock):
 * the calls made in order, waiting until Ready, pass, fail and AccessDenied.
 */
import {
  DescribeConfigurationSettingsCommand,
  DescribeEnvironmentsCommand,
  ElasticBeanstalkClient,
  EnvironmentDescription,
  UpdateEnvironmentCommand,
} from '@aws-sdk/client-elastic-beanstalk';
import { DescribeDBInstancesCommand, RDSClient, StartDBInstanceCommand, StopDBInstanceCommand } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { pauseStage, PAUSE_ACTION, resumeStage, RESUME_ACTION } from '../../lib/aws/pause';
import { isUserError } from '../../lib/errors';
import { denied, testClients } from './helpers';

const eb = mockClient(ElasticBeanstalkClient);
const rds = mockClient(RDSClient);

const T0 = new Date('2026-12-03T21:30:00Z');
const TARGET = { environmentName: 'shop-dev', databases: ['shop-dev-mysql-1a2b3c'] };

function env(status: string, health: string, extra: Partial<EnvironmentDescription> = {}): EnvironmentDescription {
  return { EnvironmentName: 'shop-dev', ApplicationName: 'shop-dev', EnvironmentId: 'e-abc123', Status: status as never, Health: health as never, VersionLabel: 'v-42', ...extra };
}

/** A fake clock: each wait moves time 15 s on. */
function clock() {
  let t = T0.getTime();
  const lines: string[] = [];
  return { lines, options: { log: (l: string) => lines.push(l), now: () => new Date(t), sleep: async (ms: number) => { t += ms; }, pollMs: 15000 } };
}

const settings = (single: boolean) => ({
  ConfigurationSettings: [{
    OptionSettings: [
      { Namespace: 'aws:elasticbeanstalk:environment', OptionName: 'EnvironmentType', Value: single ? 'SingleInstance' : 'LoadBalanced' },
      { Namespace: 'aws:autoscaling:asg', OptionName: 'MinSize', Value: '2' },
      { Namespace: 'aws:autoscaling:asg', OptionName: 'MaxSize', Value: '4' },
      { Namespace: 'aws:autoscaling:scheduledaction', ResourceName: PAUSE_ACTION, OptionName: 'MinSize', Value: '0' },
    ],
  }],
});

beforeEach(() => {
  eb.reset();
  rds.reset();
});

describe('pause', () => {
  test('pass: a one-time scheduled action to 0 a minute ahead, waits until Ready, then stops the database', async () => {
    eb.on(DescribeEnvironmentsCommand)
      .resolvesOnce({ Environments: [env('Ready', 'Green')] })
      .resolvesOnce({ Environments: [env('Updating', 'Grey')] })
      .resolves({ Environments: [env('Ready', 'Grey')] });
    eb.on(UpdateEnvironmentCommand).resolves(env('Updating', 'Grey'));
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceIdentifier: TARGET.databases[0], DBInstanceStatus: 'available' }] });
    rds.on(StopDBInstanceCommand).resolves({ DBInstance: { DBInstanceStatus: 'stopping' } });
    const c = clock();
    const r = await pauseStage(testClients(), TARGET, c.options);
    expect(r.databases).toEqual({ [TARGET.databases[0]]: 'stopping' });
    const update = eb.commandCalls(UpdateEnvironmentCommand)[0].args[0].input;
    expect(update.OptionSettings).toEqual([
      { Namespace: 'aws:autoscaling:scheduledaction', ResourceName: PAUSE_ACTION, OptionName: 'MinSize', Value: '0' },
      { Namespace: 'aws:autoscaling:scheduledaction', ResourceName: PAUSE_ACTION, OptionName: 'MaxSize', Value: '0' },
      { Namespace: 'aws:autoscaling:scheduledaction', ResourceName: PAUSE_ACTION, OptionName: 'DesiredCapacity', Value: '0' },
      { Namespace: 'aws:autoscaling:scheduledaction', ResourceName: PAUSE_ACTION, OptionName: 'StartTime', Value: '2026-12-03T21:31:00Z' },
    ]);
    expect(update.OptionsToRemove?.map((o) => `${o.ResourceName}/${o.OptionName}`)).toEqual([`${RESUME_ACTION}/MinSize`, `${RESUME_ACTION}/MaxSize`, `${RESUME_ACTION}/DesiredCapacity`, `${RESUME_ACTION}/StartTime`]);
    expect(rds.commandCalls(StopDBInstanceCommand)[0].args[0].input).toEqual({ DBInstanceIdentifier: TARGET.databases[0] });
    expect(c.lines).toEqual([
      '[00:00] shop-dev: scaling to 0 instances (scheduled action beanstack-pause)',
      '[00:15] shop-dev: Updating, health Grey',
      '[00:30] shop-dev: Ready, health Grey',
      `[00:30] database ${TARGET.databases[0]}: stopping (RDS starts a stopped instance by itself after 7 days)`,
    ]);
  });

  test('an already stopped database is left alone', async () => {
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [env('Ready', 'Grey')] });
    eb.on(UpdateEnvironmentCommand).resolves(env('Updating', 'Grey'));
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceStatus: 'stopped' }] });
    const r = await pauseStage(testClients(), TARGET, clock().options);
    expect(r.databases).toEqual({ [TARGET.databases[0]]: 'already stopped' });
    expect(rds.commandCalls(StopDBInstanceCommand)).toHaveLength(0);
  });

  test('fail: an environment that is updating is refused before anything changes', async () => {
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [env('Updating', 'Grey')] });
    const e = await pauseStage(testClients(), TARGET, clock().options).catch((x) => x);
    expect(isUserError(e)).toBe(true);
    expect(e.message).toBe('environment shop-dev is Updating; pause needs it Ready');
    expect(e.fix).toMatch(/wait until the running operation finishes/);
    expect(eb.commandCalls(UpdateEnvironmentCommand)).toHaveLength(0);
  });

  test('fail: no such environment', async () => {
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [] });
    const e = await pauseStage(testClients(), TARGET, clock().options).catch((x) => x);
    expect(e.message).toBe('there is no environment named shop-dev');
  });

  test('AccessDenied on UpdateEnvironment: a user error naming the permission', async () => {
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [env('Ready', 'Green')] });
    eb.on(UpdateEnvironmentCommand).rejects(denied.eb('elasticbeanstalk:UpdateEnvironment'));
    const e = await pauseStage(testClients(), TARGET, clock().options).catch((x) => x);
    expect(isUserError(e)).toBe(true);
    expect(e.message).toBe('cannot update environment shop-dev: access denied (AccessDenied): missing permission elasticbeanstalk:UpdateEnvironment');
    expect(e.fix).toMatch(/^allow elasticbeanstalk:UpdateEnvironment/);
  });

  test('AccessDenied on StopDBInstance', async () => {
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [env('Ready', 'Grey')] });
    eb.on(UpdateEnvironmentCommand).resolves(env('Updating', 'Grey'));
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceStatus: 'available' }] });
    rds.on(StopDBInstanceCommand).rejects(denied.rds('rds:StopDBInstance'));
    const e = await pauseStage(testClients(), TARGET, clock().options).catch((x) => x);
    expect(e.message).toBe(`cannot stop database ${TARGET.databases[0]}: access denied (AccessDenied): missing permission rds:StopDBInstance`);
  });
});

describe('resume', () => {
  test('pass (single instance): starts the database and waits until available, then one instance back, waits until Ready and Green', async () => {
    eb.on(DescribeEnvironmentsCommand)
      .resolvesOnce({ Environments: [env('Ready', 'Grey')] })
      .resolvesOnce({ Environments: [env('Updating', 'Grey')] })
      .resolvesOnce({ Environments: [env('Ready', 'Grey')] })
      .resolves({ Environments: [env('Ready', 'Green')] });
    eb.on(DescribeConfigurationSettingsCommand).resolves(settings(true));
    eb.on(UpdateEnvironmentCommand).resolves(env('Updating', 'Grey'));
    rds.on(DescribeDBInstancesCommand)
      .resolvesOnce({ DBInstances: [{ DBInstanceStatus: 'stopped' }] })
      .resolvesOnce({ DBInstances: [{ DBInstanceStatus: 'starting' }] })
      .resolves({ DBInstances: [{ DBInstanceStatus: 'available' }] });
    rds.on(StartDBInstanceCommand).resolves({});
    const c = clock();
    const r = await resumeStage(testClients(), TARGET, c.options);
    expect(r.environment.Health).toBe('Green');
    expect(r.databases).toEqual({ [TARGET.databases[0]]: 'started' });
    const update = eb.commandCalls(UpdateEnvironmentCommand)[0].args[0].input;
    expect(Object.fromEntries(update.OptionSettings!.map((o) => [`${o.ResourceName}/${o.OptionName}`, o.Value]))).toEqual({
      [`${RESUME_ACTION}/MinSize`]: '1', [`${RESUME_ACTION}/MaxSize`]: '1', [`${RESUME_ACTION}/DesiredCapacity`]: '1', [`${RESUME_ACTION}/StartTime`]: '2026-12-03T21:31:30Z',
    });
    expect(update.OptionsToRemove?.every((o) => o.ResourceName === PAUSE_ACTION)).toBe(true);
    expect(c.lines).toEqual([
      `[00:00] database ${TARGET.databases[0]}: starting`,
      `[00:30] database ${TARGET.databases[0]}: available`,
      '[00:30] shop-dev: scaling to 1 instance (scheduled action beanstack-resume)',
      '[00:45] shop-dev: Updating, health Grey',
      '[01:00] shop-dev: Ready, health Grey',
      '[01:15] shop-dev: Ready, health Green',
    ]);
  });

  test('a load-balanced environment gets its declared min–max back', async () => {
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [env('Ready', 'Green')] });
    eb.on(DescribeConfigurationSettingsCommand).resolves(settings(false));
    eb.on(UpdateEnvironmentCommand).resolves(env('Updating', 'Grey'));
    const r = await resumeStage(testClients(), { environmentName: 'shop-dev', databases: [] }, clock().options);
    expect(r.databases).toEqual({});
    const update = eb.commandCalls(UpdateEnvironmentCommand)[0].args[0].input;
    expect(update.OptionSettings!.filter((o) => o.OptionName !== 'StartTime').map((o) => `${o.OptionName}=${o.Value}`)).toEqual(['MinSize=2', 'MaxSize=4', 'DesiredCapacity=2']);
  });

  test('fail: a database still stopping is refused with a fix; nothing else changes', async () => {
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [env('Ready', 'Grey')] });
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceStatus: 'stopping' }] });
    const e = await resumeStage(testClients(), TARGET, clock().options).catch((x) => x);
    expect(e.message).toBe(`database ${TARGET.databases[0]} is stopping and cannot be started now`);
    expect(e.fix).toMatch(/wait until it is stopped/);
    expect(eb.commandCalls(UpdateEnvironmentCommand)).toHaveLength(0);
  });

  test('fail: the environment never gets healthy: a timeout that says where to look', async () => {
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [env('Ready', 'Red')] });
    eb.on(DescribeConfigurationSettingsCommand).resolves(settings(true));
    eb.on(UpdateEnvironmentCommand).resolves(env('Updating', 'Grey'));
    const e = await resumeStage(testClients(), { environmentName: 'shop-dev', databases: [] }, { ...clock().options, timeoutMs: 120000 }).catch((x) => x);
    expect(e.message).toBe('shop-dev is not Ready with a healthy instance in time (it is Ready, health Red)');
    expect(e.fix).toMatch(/beanstack doctor/);
  });

  test('AccessDenied on StartDBInstance', async () => {
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [env('Ready', 'Grey')] });
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceStatus: 'stopped' }] });
    rds.on(StartDBInstanceCommand).rejects(denied.rds('rds:StartDBInstance'));
    const e = await resumeStage(testClients(), TARGET, clock().options).catch((x) => x);
    expect(isUserError(e)).toBe(true);
    expect(e.message).toBe(`cannot start database ${TARGET.databases[0]}: access denied (AccessDenied): missing permission rds:StartDBInstance`);
  });
});
