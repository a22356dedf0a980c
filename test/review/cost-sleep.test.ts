/**
 * The cost estimate's reading of sleep schedules from a template (lib/review/cost-sleep.ts).
 */
import { awakeSchedules } from '../../lib/review/cost-sleep';
import { estimateCost } from '../../lib/review/cost';
import type { Assembly } from '../../lib/review';

const action = (name: string, min: number, max: number, recurrence: string) => [
  { Namespace: 'aws:autoscaling:scheduledaction', ResourceName: name, OptionName: 'MinSize', Value: String(min) },
  { Namespace: 'aws:autoscaling:scheduledaction', ResourceName: name, OptionName: 'MaxSize', Value: String(max) },
  { Namespace: 'aws:autoscaling:scheduledaction', ResourceName: name, OptionName: 'Recurrence', Value: recurrence },
];

const env = (...settings: object[][]) => ({
  Type: 'AWS::ElasticBeanstalk::Environment',
  Properties: { OptionSettings: [{ Namespace: 'aws:ec2:instances', OptionName: 'InstanceTypes', Value: 't3.small' }, { Namespace: 'aws:elasticbeanstalk:environment', OptionName: 'EnvironmentType', Value: 'SingleInstance' }, ...settings.flat()] },
});

const schedule = (verb: 'start' | 'stop', expression: string, state = 'ENABLED') => ({
  Type: 'AWS::Scheduler::Schedule',
  Properties: {
    ScheduleExpression: expression,
    State: state,
    Target: { Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:scheduler:::aws-sdk:rds:${verb}DBInstance`]] }, Input: { 'Fn::Join': ['', ['{"DbInstanceIdentifier":"', { Ref: 'Db' }, '"}']] } },
  },
});

const DB = { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceClass: 'db.t4g.micro', Engine: 'mysql', AllocatedStorage: 20, StorageType: 'gp3' } };

describe('awakeSchedules', () => {
  test('an environment with a sleep and a wake action, a database with a stop and a start schedule', () => {
    const m = awakeSchedules({
      Env: env(action('beanstack-sleep', 0, 0, '0 20 * * 1-5'), action('beanstack-wake', 1, 1, '0 8 * * 1-5')) as never,
      Db: DB as never,
      Start: schedule('start', 'cron(0 8 ? * MON-FRI *)') as never,
      Stop: schedule('stop', 'cron(0 20 ? * MON-FRI *)') as never,
    });
    expect(m.get('Env')).toEqual({ fraction: 60 / 168, text: 'awake 60 hours a week' });
    expect(m.get('Db')).toEqual({ fraction: 60 / 168, text: 'awake 60 hours a week' });
  });

  test('only a wake action, a disabled schedule, an unreadable cron: always on', () => {
    const m = awakeSchedules({
      Env: env(action('scale-up', 2, 4, '0 8 * * 1-5')) as never,
      Db: DB as never,
      Start: schedule('start', 'cron(0 8 ? * MON-FRI *)') as never,
      Stop: schedule('stop', 'cron(0 20 ? * MON-FRI *)', 'DISABLED') as never,
      Other: env(action('s', 0, 0, '*/5 20 * * *'), action('w', 1, 1, '0 8 * * *')) as never,
    });
    expect([...m.keys()]).toEqual([]);
  });

  test('estimateCost: the sleeping lines carry the always-on figure; the side sums both', () => {
    const asm: Assembly = {
      directory: '/x',
      stacks: [{ id: 'S', displayName: 'S', region: 'us-east-1', template: { Resources: { E: env(action('a', 0, 0, '0 20 * * *'), action('b', 1, 1, '0 8 * * *')) } as never }, templateFile: 'S.template.json', paths: {} }],
      fileAssets: [],
      imageAssets: [],
    };
    const c = estimateCost(undefined, asm);
    const instances = c.head.lines.find((l) => l.item.includes('instances'))!;
    expect(instances.alwaysOn).toBeCloseTo(0.0208 * 730, 2);
    expect(instances.monthly).toBeCloseTo(0.0208 * 730 / 2, 2);
    expect(c.head.lines.find((l) => l.item.includes('Elastic IP'))!.alwaysOn).toBeUndefined();
    expect(c.head.alwaysOn).toBeGreaterThan(c.head.monthly);
  });
});
