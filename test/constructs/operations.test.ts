/**
 * Scaling and alerts on the dev and prod presets (constructs/scaling.ts, constructs/alarms.ts,
 * constructs/operations.ts): what the template and the bundle hold, and the refusals.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { databaseClassMemoryGiB, databaseThresholds, defaultMaxConnections, ALARMS_BUNDLE_PATH } from '../../constructs/alarms';
import { ComposeApplication, ComposeApplicationProps } from '../../constructs/compose-application';
import { SCALING_POLICY_PATH, scalingPreset, scalingTriggerOptions } from '../../constructs/scaling';
import type { ComposeProject } from '../../lib/compose/model';
import { BeanstackError } from '../../lib/errors';
import { fixtureProject } from './fixtures/project';
import { optionSettings, resourcesOfType, synth, Synthesized } from './helpers';

const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/0b1c2d3e-aaaa-bbbb-cccc-123456789012';

function withX(x: Record<string, unknown>): ComposeProject {
  const p = fixtureProject();
  return { ...p, extensions: { ...p.extensions, 'x-beanstack': { ...(p.extensions['x-beanstack'] as object), ...x } } };
}

function build(props: Partial<ComposeApplicationProps>, capture?: (a: ComposeApplication) => void) {
  return (stack: Stack) => {
    const a = new ComposeApplication(stack, 'App', { project: fixtureProject(), ...props });
    capture?.(a);
  };
}

function bundleFile(a: ComposeApplication, file: string): string | undefined {
  const p = path.join(a.bundleDirectory, file);
  return fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined;
}

function refusal(props: Partial<ComposeApplicationProps>): BeanstackError {
  try {
    synth(build(props));
  } catch (e) {
    return e as BeanstackError;
  }
  throw new Error('expected a refusal');
}

describe('presets', () => {
  test('dev runs one instance, prod two to four on a 60% CPU target', () => {
    expect(scalingPreset('dev')).toEqual({ min: 1, max: 1 });
    expect(scalingPreset('prod')).toEqual({ min: 2, max: 4, target: { cpuPercent: 60 } });
  });

  test('a CPU target scales out above it and in below half of it; a requests target leaves only a 90% CPU safety net', () => {
    const cpu = Object.fromEntries(scalingTriggerOptions({ cpuPercent: 70 }).map((o) => [o.optionName, o.value]));
    expect(cpu).toMatchObject({ MeasureName: 'CPUUtilization', Statistic: 'Average', Unit: 'Percent', UpperThreshold: '70', LowerThreshold: '35', UpperBreachScaleIncrement: '1', LowerBreachScaleIncrement: '-1' });
    const requests = Object.fromEntries(scalingTriggerOptions({ requestsPerTarget: 500 }).map((o) => [o.optionName, o.value]));
    expect(requests).toMatchObject({ MeasureName: 'CPUUtilization', UpperThreshold: '90', LowerThreshold: '0' });
    expect(scalingTriggerOptions(undefined)).toEqual([]);
  });
});

describe('alarm thresholds from the instance classes', () => {
  test('class memory and the engines\' default max_connections', () => {
    expect(databaseClassMemoryGiB('db.t4g.micro')).toBe(1);
    expect(databaseClassMemoryGiB('db.t4g.medium')).toBe(4);
    expect(databaseClassMemoryGiB('db.m6g.large')).toBe(8);
    expect(databaseClassMemoryGiB('db.r6g.2xlarge')).toBe(64);
    expect(databaseClassMemoryGiB('db.z1d.large')).toBeUndefined();
    expect(defaultMaxConnections('mysql', 1)).toBe(85);
    expect(defaultMaxConnections('postgres', 1)).toBe(112);
    expect(defaultMaxConnections('postgres', 512)).toBe(5000);
  });

  test('defaults derived, overrides win', () => {
    expect(databaseThresholds('mysql', 'db.t4g.micro', 20)).toEqual({ cpuPercent: 80, freeStorageGiB: 2, freeMemoryMiB: 102, connections: 68 });
    expect(databaseThresholds('postgres', 'db.t4g.medium', 100, { databaseConnections: 300, databaseCpuPercent: 90 })).toEqual({ cpuPercent: 90, freeStorageGiB: 10, freeMemoryMiB: 410, connections: 300 });
    expect(databaseThresholds('mysql', 'db.x9.huge', 5).freeMemoryMiB).toBeUndefined();
  });
});

describe('dev stage with alerts', () => {
  let s: Synthesized;
  let a: ComposeApplication;
  let options: Record<string, unknown>;
  beforeAll(() => {
    s = synth(build({ project: withX({ alerts: { email: ['ops@example.com', 'dev@example.com'] } }) }, (x) => { a = x; }));
    options = optionSettings(s);
  });

  test('zero findings', () => {
    expect(s.error).toBeUndefined();
    expect(s.violations).toEqual([]);
  });

  test('one instance: no Auto Scaling size or trigger options, and no scaling bundle file', () => {
    expect(options['aws:elasticbeanstalk:environment/EnvironmentType']).toBe('SingleInstance');
    expect(Object.keys(options).filter((k) => k.startsWith('aws:autoscaling:asg/') || k.startsWith('aws:autoscaling:trigger/'))).toEqual([]);
    expect(bundleFile(a, SCALING_POLICY_PATH)).toBeUndefined();
  });

  test('a topic with one email subscription per address, and Beanstalk\'s notifications on it', () => {
    const [[topicId, topic]] = resourcesOfType(s, 'AWS::SNS::Topic');
    expect(topic.Properties.DisplayName).toBe('fixture-dev alerts');
    const subs = resourcesOfType(s, 'AWS::SNS::Subscription').map(([, r]) => r.Properties);
    expect(subs.map((p) => [p.Protocol, p.Endpoint, p.TopicArn])).toEqual([['email', 'dev@example.com', { Ref: topicId }], ['email', 'ops@example.com', { Ref: topicId }]]);
    expect(options['aws:elasticbeanstalk:sns:topics/Notification Topic ARN']).toEqual({ Ref: topicId });
    // no load balancer: no bundle alarms, no option for them
    expect(options['aws:elasticbeanstalk:customoption/BeanstackAlarmTopicArn']).toBeUndefined();
    expect(bundleFile(a, ALARMS_BUNDLE_PATH)).toBeUndefined();
  });

  test('the environment-health alarm and four database alarms, thresholds from db.t4g.micro and 20 GiB, all on the topic', () => {
    const [[topicId]] = resourcesOfType(s, 'AWS::SNS::Topic');
    const alarms: Record<string, any> = Object.fromEntries(resourcesOfType(s, 'AWS::CloudWatch::Alarm').map(([, r]) => [r.Properties.AlarmName, r.Properties]));
    expect(Object.keys(alarms).sort()).toEqual(['fixture-dev-db-mysql-connections', 'fixture-dev-db-mysql-cpu', 'fixture-dev-db-mysql-free-memory', 'fixture-dev-db-mysql-free-storage', 'fixture-dev-environment-health']);
    expect(alarms['fixture-dev-environment-health']).toMatchObject({
      Namespace: 'AWS/ElasticBeanstalk', MetricName: 'EnvironmentHealth', Dimensions: [{ Name: 'EnvironmentName', Value: 'fixture-dev' }],
      Statistic: 'Maximum', Threshold: 20, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 5, DatapointsToAlarm: 5, TreatMissingData: 'notBreaching',
    });
    expect(alarms['fixture-dev-db-mysql-connections']).toMatchObject({ MetricName: 'DatabaseConnections', Namespace: 'AWS/RDS', Threshold: 68 });
    expect(alarms['fixture-dev-db-mysql-free-storage']).toMatchObject({ MetricName: 'FreeStorageSpace', Threshold: 2 * 1024 ** 3, ComparisonOperator: 'LessThanThreshold' });
    expect(alarms['fixture-dev-db-mysql-free-memory']).toMatchObject({ MetricName: 'FreeableMemory', Threshold: 102 * 1024 ** 2 });
    expect(alarms['fixture-dev-db-mysql-cpu']).toMatchObject({ MetricName: 'CPUUtilization', Threshold: 80 });
    for (const p of Object.values(alarms)) {
      expect(p.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(p.OKActions).toEqual([{ Ref: topicId }]);
    }
  });

  test('the email addresses are in the template only, never in the bundle', () => {
    for (const file of fs.readdirSync(a.bundleDirectory, { recursive: true }) as string[]) {
      const p = path.join(a.bundleDirectory, file);
      if (fs.statSync(p).isFile()) expect(fs.readFileSync(p, 'utf8')).not.toContain('@example.com');
    }
  });
});

describe('prod stage', () => {
  let s: Synthesized;
  let a: ComposeApplication;
  let options: Record<string, unknown>;
  beforeAll(() => {
    s = synth(build({
      stage: 'prod', certificateArn: CERT, alertEmails: ['ops@example.com'], maxInstances: 6,
      alarmThresholds: { responseTimeSeconds: 1.5, databaseConnections: 500 },
      project: withX({ scaling: { min: 3, cpu: 70 }, alerts: { email: ['ignored@example.com'], thresholds: { http_5xx_percent: 2, database_connections: 400 } } }),
    }, (x) => { a = x; }));
    options = optionSettings(s);
  });

  test('zero findings', () => {
    expect(s.error).toBeUndefined();
    expect(s.violations).toEqual([]);
  });

  test('min from x-beanstack, max from the prop, the CPU target as Beanstalk\'s trigger', () => {
    expect(options['aws:autoscaling:asg/MinSize']).toBe('3');
    expect(options['aws:autoscaling:asg/MaxSize']).toBe('6');
    expect(options['aws:autoscaling:trigger/MeasureName']).toBe('CPUUtilization');
    expect(options['aws:autoscaling:trigger/UpperThreshold']).toBe('70');
    expect(options['aws:autoscaling:trigger/LowerThreshold']).toBe('35');
    expect(bundleFile(a, SCALING_POLICY_PATH)).toBeUndefined();
  });

  test('the prop\'s addresses win over x-beanstack\'s; thresholds merge, the prop winning', () => {
    const subs = resourcesOfType(s, 'AWS::SNS::Subscription').map(([, r]) => r.Properties.Endpoint);
    expect(subs).toEqual(['ops@example.com']);
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'fixture-prod-db-mysql-connections', Threshold: 500 });
    // db.t4g.medium (the prod default): 4 GiB
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'fixture-prod-db-mysql-free-memory', Threshold: 410 * 1024 ** 2 });
  });

  test('the load balancer\'s alarms are bundle resources on Beanstalk\'s load balancer, reading the topic from an environment option', () => {
    const [[topicId]] = resourcesOfType(s, 'AWS::SNS::Topic');
    expect(options['aws:elasticbeanstalk:customoption/BeanstackAlarmTopicArn']).toEqual({ Ref: topicId });
    expect(options['aws:elasticbeanstalk:customoption/BeanstackLoadBalancerAlarmMetrics']).toBe('4');
    const doc = JSON.parse(bundleFile(a, ALARMS_BUNDLE_PATH)!);
    const rate = doc.Resources.BeanstackHttp5xxRate.Properties;
    expect(rate.AlarmName).toBe('fixture-prod-http-5xx-rate');
    expect(rate.Threshold).toBe(2);
    expect(rate.AlarmActions).toEqual([{ 'Fn::GetOptionSetting': { Namespace: 'aws:elasticbeanstalk:customoption', OptionName: 'BeanstackAlarmTopicArn' } }]);
    expect(rate.Metrics.map((m: any) => m.MetricStat?.Metric.MetricName ?? m.Expression)).toEqual(['100 * (FILL(elb, 0) + FILL(app, 0)) / requests', 'HTTPCode_ELB_5XX_Count', 'HTTPCode_Target_5XX_Count', 'RequestCount']);
    expect(rate.Metrics[1].MetricStat.Metric.Dimensions).toEqual([{ Name: 'LoadBalancer', Value: { 'Fn::GetAtt': ['AWSEBV2LoadBalancer', 'LoadBalancerFullName'] } }]);
    const time = doc.Resources.BeanstackResponseTime.Properties;
    expect(time).toMatchObject({ AlarmName: 'fixture-prod-response-time', MetricName: 'TargetResponseTime', ExtendedStatistic: 'p95', Threshold: 1.5 });
  });

  test('Beanstalk\'s service role may publish to the topic', () => {
    const [[topicId]] = resourcesOfType(s, 'AWS::SNS::Topic');
    s.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sns:Publish', Resource: { Ref: topicId } })]) },
      Roles: [{ Ref: Match.stringLikeRegexp('^AppBeanstalkServiceRole') }],
    });
  });
});

describe('prod stage, requests target and an existing topic', () => {
  let s: Synthesized;
  let a: ComposeApplication;
  let options: Record<string, unknown>;
  const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ops-alerts';
  beforeAll(() => {
    s = synth(build({ stage: 'prod', certificateArn: CERT, project: withX({ scaling: { requests: 800 }, alerts: { topic_arn: TOPIC } }) }, (x) => { a = x; }));
    options = optionSettings(s);
  });

  test('zero findings, no topic created, everything on the existing one', () => {
    expect(s.error).toBeUndefined();
    expect(s.violations).toEqual([]);
    expect(resourcesOfType(s, 'AWS::SNS::Topic')).toEqual([]);
    expect(options['aws:elasticbeanstalk:sns:topics/Notification Topic ARN']).toBe(TOPIC);
    for (const [, r] of resourcesOfType(s, 'AWS::CloudWatch::Alarm')) expect(r.Properties.AlarmActions).toEqual([TOPIC]);
  });

  test('a target-tracking policy on requests per target in the bundle; the trigger is a 90% CPU safety net that never scales in', () => {
    const doc = JSON.parse(bundleFile(a, SCALING_POLICY_PATH)!);
    expect(doc.Resources.BeanstackRequestsPerTarget.Properties).toMatchObject({
      AutoScalingGroupName: { Ref: 'AWSEBAutoScalingGroup' },
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: { TargetValue: 800, PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget' } },
    });
    expect(options['aws:autoscaling:trigger/UpperThreshold']).toBe('90');
    expect(options['aws:autoscaling:trigger/LowerThreshold']).toBe('0');
    expect(options['aws:autoscaling:asg/MinSize']).toBe('2');
    expect(options['aws:autoscaling:asg/MaxSize']).toBe('4');
  });
});

describe('refusals name the prop or field and the fix', () => {
  test('more than one instance on the single-instance dev stage', () => {
    const e = refusal({ maxInstances: 3 });
    expect(e.message).toBe('`maxInstances` (3) needs a load balancer, but this environment is a single instance reached through its Elastic IP');
    expect(e.fix).toBe('set `maxInstances` to 1, or deploy a stage with a load balancer (-c stage=prod)');
  });

  test('the x-beanstack field is named when it is the source', () => {
    const e = refusal({ project: withX({ scaling: { max: 2 } }) });
    expect(e.message).toMatch(/^x-beanstack\.scaling\.max \(2\) needs a load balancer/);
    expect(e.fix).toMatch(/^set x-beanstack\.scaling\.max to 1/);
  });

  test('min above max, a target on a single instance, both targets', () => {
    expect(refusal({ stage: 'prod', certificateArn: CERT, minInstances: 5, maxInstances: 3 }).message).toBe('`minInstances` (5) is larger than `maxInstances` (3)');
    expect(refusal({ scalingCpuPercent: 50 }).message).toMatch(/^`scalingCpuPercent` sets a scaling target, but a single-instance environment never scales/);
    expect(refusal({ stage: 'prod', certificateArn: CERT, scalingCpuPercent: 50, scalingRequestsPerTarget: 100 }).message).toMatch(/^`scalingCpuPercent` and `scalingRequestsPerTarget` are both set/);
    expect(refusal({ stage: 'prod', certificateArn: CERT, scalingCpuPercent: 150 }).message).toBe('`scalingCpuPercent` (150) must be an average CPU percent from 1 to 100');
    expect(refusal({ stage: 'prod', certificateArn: CERT, minInstances: 0 }).fix).toBe('an environment with no instance serves nothing — set `minInstances` to 1 or more');
  });

  test('a malformed alert address or topic', () => {
    const email = refusal({ alertEmails: ['not-an-address'] });
    expect([email.message, email.fix]).toEqual(['ComposeApplication prop `alertEmails` [0] is \'not-an-address\'', 'use an email address such as ops@example.com']);
    expect(refusal({ alertTopicArn: 'ops-alerts' }).message).toBe('ComposeApplication prop `alertTopicArn` is \'ops-alerts\'');
  });
});
