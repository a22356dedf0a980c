/**
 * Alarms that reach a person: an SNS topic (or an existing one) with email subscriptions, and
 * CloudWatch alarms on what users notice — the environment's health, the load balancer's 5xx rate
 * and response time — and on what takes a database down — CPU, free storage, free memory and
 * connections — with thresholds derived from the instance classes, each overridable.
 *
 * The environment-health and database alarms are resources of this stack. The load balancer is
 * created by Elastic Beanstalk in its own stack, so its name is unknown here: its two alarms are
 * `.ebextensions` resources in the bundle (`alarmBundleFiles`) that reference the load balancer
 * Beanstalk creates and read the topic from an environment option (`ALARM_TOPIC_OPTION`).
 *
 * Every alarm is named `<environment name>-<alarm>`, so `beanstack doctor` finds them all by prefix.
 */
import { Annotations, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { AlertsOverrides } from '../lib/bundle/x-beanstack-ops';
import { EMAIL, TOPIC_ARN } from '../lib/bundle/x-beanstack-ops';
import { ALARM_TOPIC_OPTION, alarmName, LOAD_BALANCER_ALARMS } from '../lib/alarm-names';
import type { OptionSetting } from './beanstalk-option-settings';
import type { Database } from './database';
import { checkProps, listOf, object, propsError, str, WARNING_PREFIX } from './props';

/** Thresholds per alarm; each overrides the derived default. */
export interface AlarmThresholds {
  /**
   * EnvironmentHealth value (0 ok, 1 info, 5 unknown, 10 no data, 15 warning, 20 degraded, 25 severe) at or above which the alarm fires.
   *
   * @default 20 (Degraded, for 5 minutes)
   */
  readonly environmentHealth?: number;
  /**
   * Percent of requests answered with a 5xx, by the load balancer or the application.
   *
   * @default 5 (for 5 minutes)
   */
  readonly http5xxPercent?: number;
  /**
   * 95th percentile of the application's response time, seconds.
   *
   * @default 2 (for 5 minutes)
   */
  readonly responseTimeSeconds?: number;
  /**
   * Average CPU of a database, percent.
   *
   * @default 80 (for 15 minutes)
   */
  readonly databaseCpuPercent?: number;
  /**
   * Free storage of a database, GiB.
   *
   * @default - 10% of its allocated storage, at least 1
   */
  readonly databaseFreeStorageGiB?: number;
  /**
   * Freeable memory of a database, MiB.
   *
   * @default - 10% of its instance class's memory
   */
  readonly databaseFreeMemoryMiB?: number;
  /**
   * Connections to a database.
   *
   * @default - 80% of the engine's default max_connections for the instance class's memory
   */
  readonly databaseConnections?: number;
}

export interface AlertsProps {
  /** The Beanstalk environment's name: the dimension of its health metric and the prefix of every alarm name. */
  readonly environmentName: string;
  /**
   * Addresses subscribed by email to the topic (each confirms once, from the mail SNS sends).
   *
   * @default - none (give `topicArn`)
   */
  readonly emails?: readonly string[];
  /**
   * An existing SNS topic (same region) to send the alarms and Beanstalk's notifications to.
   *
   * @default - a new topic
   */
  readonly topicArn?: string;
  /** Whether the environment has a load balancer (its alarms then go into the bundle: `alarmBundleFiles`). */
  readonly loadBalanced: boolean;
  /**
   * The databases to watch, by service name.
   *
   * @default - none
   */
  readonly databases?: Readonly<Record<string, Database>>;
  /**
   * @default - derived from the instance classes (see each field)
   */
  readonly thresholds?: AlarmThresholds;
}

export { ALARM_TOPIC_OPTION };

/** The environment option that tells the cost estimate how many alarm metrics the bundle's alarms hold. */
export const ALARM_METRICS_OPTION: Readonly<{ namespace: string; optionName: string }> = { namespace: 'aws:elasticbeanstalk:customoption', optionName: 'BeanstackLoadBalancerAlarmMetrics' };

/** Path of the load balancer's alarms in the source bundle. */
export const ALARMS_BUNDLE_PATH = '.ebextensions/beanstack-alarms.config';

/** Alarm metrics of the bundle's alarms: the 5xx rate reads three metrics, the response time one. */
export const LOAD_BALANCER_ALARM_METRICS = 4;

export const DEFAULT_THRESHOLDS = {
  environmentHealth: 20,
  http5xxPercent: 5,
  responseTimeSeconds: 2,
  databaseCpuPercent: 80,
} as const;

/** Memory of an RDS instance class, GiB (the burstable, general-purpose and memory-optimized families). */
export function databaseClassMemoryGiB(instanceClass: string): number | undefined {
  const m = /^db\.([a-z]+)(\d+)([a-z]*)\.(micro|small|medium|large|xlarge|(\d+)xlarge)$/.exec(instanceClass);
  if (!m) return undefined;
  const [, family, , , size, n] = m;
  if (family === 't') return { micro: 1, small: 2, medium: 4, large: 8, xlarge: 16 }[size] ?? (n ? 16 * Number(n) : undefined);
  const perXlarge = family === 'm' ? 16 : family === 'r' ? 32 : family === 'x' ? 64 : undefined;
  if (perXlarge === undefined) return undefined;
  if (size === 'large') return perXlarge / 2;
  if (size === 'xlarge') return perXlarge;
  return n ? perXlarge * Number(n) : undefined;
}

/**
 * The engine's default `max_connections` for an instance class's memory (RDS parameter group
 * formulas: MySQL/MariaDB `{DBInstanceClassMemory/12582880}`, PostgreSQL
 * `LEAST({DBInstanceClassMemory/9531392}, 5000)`), with the class's nominal memory for
 * DBInstanceClassMemory (RDS reserves a little of it, so the real value is slightly lower).
 */
export function defaultMaxConnections(engine: string, memoryGiB: number): number {
  const bytes = memoryGiB * 1024 ** 3;
  return engine.includes('postgres') ? Math.min(Math.floor(bytes / 9531392), 5000) : Math.floor(bytes / 12582880);
}

/** The derived thresholds of one database, overrides applied. */
export function databaseThresholds(engine: string, instanceClass: string, allocatedStorageGiB: number, overrides: AlarmThresholds = {}): {
  cpuPercent: number; freeStorageGiB: number; freeMemoryMiB?: number; connections?: number;
} {
  const memory = databaseClassMemoryGiB(instanceClass);
  return {
    cpuPercent: overrides.databaseCpuPercent ?? DEFAULT_THRESHOLDS.databaseCpuPercent,
    freeStorageGiB: overrides.databaseFreeStorageGiB ?? Math.max(1, Math.round(allocatedStorageGiB / 10)),
    freeMemoryMiB: overrides.databaseFreeMemoryMiB ?? (memory !== undefined ? Math.round((memory * 1024) / 10) : undefined),
    connections: overrides.databaseConnections ?? (memory !== undefined ? Math.floor(defaultMaxConnections(engine, memory) * 0.8) : undefined),
  };
}

/** `x-beanstack.alerts.thresholds` in the props' terms. */
export function thresholdsFromOverrides(x: AlertsOverrides['thresholds']): AlarmThresholds {
  if (!x) return {};
  return {
    environmentHealth: x.environment_health,
    http5xxPercent: x.http_5xx_percent,
    responseTimeSeconds: x.response_time_seconds,
    databaseCpuPercent: x.database_cpu_percent,
    databaseFreeStorageGiB: x.database_free_storage_gib,
    databaseFreeMemoryMiB: x.database_free_memory_mib,
    databaseConnections: x.database_connections,
  };
}

/** The environment options the alarms need: Beanstalk's notifications on the topic, and the topic and metric count for the bundle's alarms. */
export function alertOptionSettings(topicArn: string, loadBalanced: boolean): OptionSetting[] {
  return [
    { namespace: 'aws:elasticbeanstalk:sns:topics', optionName: 'Notification Topic ARN', value: topicArn },
    ...(loadBalanced ? [
      { namespace: ALARM_TOPIC_OPTION.namespace, optionName: ALARM_TOPIC_OPTION.optionName, value: topicArn },
      { namespace: ALARM_METRICS_OPTION.namespace, optionName: ALARM_METRICS_OPTION.optionName, value: String(LOAD_BALANCER_ALARM_METRICS) },
    ] : []),
  ];
}

/** The bundle file with the load balancer's alarms (none for a single instance). */
export function alarmBundleFiles(props: { readonly environmentName: string; readonly loadBalanced: boolean; readonly thresholds?: AlarmThresholds }): Array<{ path: string; content: string }> {
  if (!props.loadBalanced) return [];
  const t = props.thresholds ?? {};
  const topic = { 'Fn::GetOptionSetting': { Namespace: ALARM_TOPIC_OPTION.namespace, OptionName: ALARM_TOPIC_OPTION.optionName } };
  const lb = [{ Name: 'LoadBalancer', Value: { 'Fn::GetAtt': ['AWSEBV2LoadBalancer', 'LoadBalancerFullName'] } }];
  const stat = (id: string, metric: string) => ({ Id: id, ReturnData: false, MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: metric, Dimensions: lb }, Period: 60, Stat: 'Sum' } });
  const common = {
    AlarmActions: [topic],
    OKActions: [topic],
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    EvaluationPeriods: 5,
    DatapointsToAlarm: 5,
    TreatMissingData: 'notBreaching',
  };
  const doc = {
    Resources: {
      BeanstackHttp5xxRate: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: alarmName(props.environmentName, LOAD_BALANCER_ALARMS[0]),
          AlarmDescription: `${props.environmentName}: more than ${t.http5xxPercent ?? DEFAULT_THRESHOLDS.http5xxPercent}% of requests answered with a 5xx for 5 minutes (load balancer and application); read the application logs`,
          ...common,
          Threshold: t.http5xxPercent ?? DEFAULT_THRESHOLDS.http5xxPercent,
          Metrics: [
            { Id: 'rate', Label: '5xx percent', ReturnData: true, Expression: '100 * (FILL(elb, 0) + FILL(app, 0)) / requests' },
            stat('elb', 'HTTPCode_ELB_5XX_Count'),
            stat('app', 'HTTPCode_Target_5XX_Count'),
            stat('requests', 'RequestCount'),
          ],
        },
      },
      BeanstackResponseTime: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: alarmName(props.environmentName, LOAD_BALANCER_ALARMS[1]),
          AlarmDescription: `${props.environmentName}: 95% of responses slower than ${t.responseTimeSeconds ?? DEFAULT_THRESHOLDS.responseTimeSeconds} s for 5 minutes`,
          ...common,
          Threshold: t.responseTimeSeconds ?? DEFAULT_THRESHOLDS.responseTimeSeconds,
          Namespace: 'AWS/ApplicationELB',
          MetricName: 'TargetResponseTime',
          Dimensions: lb,
          ExtendedStatistic: 'p95',
          Period: 60,
        },
      },
    },
  };
  return [{ path: ALARMS_BUNDLE_PATH, content: `${JSON.stringify(doc, null, 2)}\n` }];
}

/**
 * The topic, its subscriptions and the alarms of this stack (environment health, each database).
 * Pass `alertOptionSettings(alerts.topic.topicArn, …)` to the environment and write
 * `alarmBundleFiles` into its bundle for the load balancer's alarms.
 */
export class Alerts extends Construct {
  /** Where the alarms and Beanstalk's notifications go. */
  readonly topic: sns.ITopic;
  /** The alarms of this stack, by name. */
  readonly alarms: Readonly<Record<string, cloudwatch.Alarm>>;

  constructor(scope: Construct, id: string, props: AlertsProps) {
    super(scope, id);
    checkProps('Alerts', props, {
      environmentName: str(),
      emails: listOf(str(EMAIL, 'an email address such as ops@example.com'), 'a list of email addresses'),
      topicArn: str(TOPIC_ARN, 'an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)'),
      databases: object('an object of service name: Database'),
      thresholds: object('an object of alarm: threshold (AlarmThresholds)'),
    }, ['environmentName']);
    const emails = [...new Set(props.emails ?? [])].sort();
    if (emails.length === 0 && props.topicArn === undefined) {
      throw propsError('Alerts props `emails` and `topicArn` are both empty: nobody would be alerted; give emails: [\'ops@example.com\'] or topicArn of an existing SNS topic');
    }
    const t = props.thresholds ?? {};
    for (const [k, v] of Object.entries(t)) {
      if (v !== undefined && !(typeof v === 'number' && v > 0)) throw propsError(`Alerts prop \`thresholds.${k}\` is ${JSON.stringify(v)}; use a positive number`);
    }

    if (props.topicArn !== undefined) {
      this.topic = sns.Topic.fromTopicArn(this, 'Topic', props.topicArn);
    } else {
      const topic = new sns.Topic(this, 'Topic', { displayName: `${props.environmentName} alerts`.slice(0, 100), enforceSSL: true });
      Validations.of(topic).acknowledge({
        id: 'AwsSolutions-SNS2',
        reason: 'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key, and a customer-managed key costs $1/month; the messages are alarm state changes and Beanstalk events, which hold no application data',
      });
      this.topic = topic;
    }
    for (const email of emails) {
      new sns.Subscription(this, `Email-${email}`, { topic: this.topic, protocol: sns.SubscriptionProtocol.EMAIL, endpoint: email });
    }

    const action = new actions.SnsAction(this.topic);
    const alarms: Record<string, cloudwatch.Alarm> = {};
    const add = (name: string, alarmId: string, alarmProps: cloudwatch.AlarmProps) => {
      const alarm = new cloudwatch.Alarm(this, alarmId, { ...alarmProps, alarmName: name, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      alarms[name] = alarm;
    };

    const env = props.environmentName;
    const health = t.environmentHealth ?? DEFAULT_THRESHOLDS.environmentHealth;
    add(alarmName(env, 'environment-health'), 'EnvironmentHealth', {
      alarmDescription: `${env}: Elastic Beanstalk's enhanced health at ${health} (20 degraded, 25 severe) or worse for 5 minutes; beanstack doctor names the causes`,
      metric: new cloudwatch.Metric({ namespace: 'AWS/ElasticBeanstalk', metricName: 'EnvironmentHealth', dimensionsMap: { EnvironmentName: env }, statistic: 'Maximum', period: Duration.minutes(1) }),
      threshold: health,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
    });

    const databases = props.databases ?? {};
    for (const service of Object.keys(databases).sort()) {
      const db = databases[service];
      const cfn = db.instance.node.defaultChild as rds.CfnDBInstance;
      // the class is a lazy value of the RDS construct: resolved here, as the synth would
      const instanceClass = String(Stack.of(this).resolve(cfn.dbInstanceClass) ?? '');
      const storage = Number(Stack.of(this).resolve(cfn.allocatedStorage) ?? 20);
      const d = databaseThresholds(db.engine, instanceClass, Token.isUnresolved(storage) ? 20 : storage, t);
      const five = Duration.minutes(5);
      const prefix = alarmName(env, `db-${service}`);
      add(`${prefix}-cpu`, `Database-${service}-Cpu`, {
        alarmDescription: `${env}: database ${service} above ${d.cpuPercent}% CPU for 15 minutes; a bigger instance class or fewer expensive queries`,
        metric: db.instance.metricCPUUtilization({ period: five, statistic: 'Average' }),
        threshold: d.cpuPercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 3,
      });
      add(`${prefix}-free-storage`, `Database-${service}-FreeStorage`, {
        alarmDescription: `${env}: database ${service} has less than ${d.freeStorageGiB} GiB free storage (of ${storage} GiB allocated); storage autoscaling grows it unless it grew in the last 6 hours or reached its maximum`,
        metric: db.instance.metricFreeStorageSpace({ period: five, statistic: 'Minimum' }),
        threshold: d.freeStorageGiB * 1024 ** 3,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
      });
      if (d.freeMemoryMiB === undefined || d.connections === undefined) {
        Annotations.of(this).addWarningV2(`${WARNING_PREFIX}:alarmsUnknownClass`, `the memory of ${instanceClass} is not known to beanstack, so database ${service} has no free-memory and connections alarms; set thresholds databaseFreeMemoryMiB and databaseConnections (x-beanstack.alerts.thresholds database_free_memory_mib, database_connections)`);
      }
      if (d.freeMemoryMiB !== undefined) {
        add(`${prefix}-free-memory`, `Database-${service}-FreeMemory`, {
          alarmDescription: `${env}: database ${service} has less than ${d.freeMemoryMiB} MiB freeable memory for 15 minutes (${instanceClass}); it will swap and slow down`,
          metric: db.instance.metricFreeableMemory({ period: five, statistic: 'Average' }),
          threshold: d.freeMemoryMiB * 1024 ** 2,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: 3,
        });
      }
      if (d.connections !== undefined) {
        add(`${prefix}-connections`, `Database-${service}-Connections`, {
          alarmDescription: `${env}: database ${service} at ${d.connections} connections or more for 15 minutes (80% of ${db.engine}'s default max_connections on ${instanceClass}); new connections will be refused`,
          metric: db.instance.metricDatabaseConnections({ period: five, statistic: 'Maximum' }),
          threshold: d.connections,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 3,
        });
      }
    }
    this.alarms = alarms;
  }

  /** Lets Beanstalk's service role publish its notifications to the topic. */
  grantPublish(role: iam.IRole): void {
    this.topic.grantPublish(role);
  }
}
