/**
 * Mutation cases of scaling and alerts (lib/review/classify-ops.ts, lib/review/cost.ts): each with
 * exactly the danger classes it must produce. A scaling change and alarm thresholds are routine; losing
 * an alarm, its actions, a subscription or Beanstalk's notifications is a security note.
 */
import * as path from 'path';
import { AssemblyCopy, FIXTURES, FULLSTACK, review } from './helpers';
import type { DangerClass, ReviewReport } from '../../lib/review';
import { renderMarkdown, renderText } from '../../lib/review';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PROD = path.join(FIXTURES, 'fullstack-prod');
const DB = 'AppDatabasesmysqlInstance9D393F6F';
const TOPIC = 'AppAlertsTopicA448AF94';
const ALARM = 'AppAlertsEnvironmentHealth1B2C3D4E';
const SUBSCRIPTION = 'AppAlertsEmailopsexamplecomA1B2C3D4';

/** What `x-beanstack.alerts: { email: [ops@example.com] }` adds to the dev stack (constructs/alarms.ts): a topic, a subscription, two alarms, Beanstalk's notifications. */
function withAlerts(a: AssemblyCopy): void {
  a.editTemplate((t: Json) => {
    t.Resources[TOPIC] = { Type: 'AWS::SNS::Topic', Properties: { DisplayName: 'fullstack-dev alerts' } };
    t.Resources[SUBSCRIPTION] = { Type: 'AWS::SNS::Subscription', Properties: { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: TOPIC } } };
    t.Resources[ALARM] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: 'fullstack-dev-environment-health', Namespace: 'AWS/ElasticBeanstalk', MetricName: 'EnvironmentHealth',
        Dimensions: [{ Name: 'EnvironmentName', Value: 'fullstack-dev' }], Statistic: 'Maximum', Period: 60, EvaluationPeriods: 5, DatapointsToAlarm: 5,
        Threshold: 20, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching', AlarmActions: [{ Ref: TOPIC }], OKActions: [{ Ref: TOPIC }],
      },
    };
    t.Resources.AppAlertsDatabasemysqlCpu5E6F7A8B = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: 'fullstack-dev-db-mysql-cpu', Namespace: 'AWS/RDS', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'DBInstanceIdentifier', Value: { Ref: DB } }],
        Statistic: 'Average', Period: 300, EvaluationPeriods: 3, Threshold: 80, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: TOPIC }], OKActions: [{ Ref: TOPIC }],
      },
    };
  });
  a.setOption('aws:elasticbeanstalk:sns:topics', 'Notification Topic ARN', { Ref: TOPIC });
}

interface Mutation {
  readonly name: string;
  readonly fixture?: string;
  readonly stack?: string;
  readonly base?: (a: AssemblyCopy) => void;
  readonly head: (a: AssemblyCopy) => void;
  readonly classes: readonly DangerClass[];
  readonly check?: (r: ReviewReport) => void;
}

const PROD_STACK = { fixture: PROD, stack: 'fullstack-prod' };

const MUTATIONS: Mutation[] = [
  {
    name: 'scaling 2–4 → 3–6 on prod: routine, the cost range moves',
    ...PROD_STACK,
    head: (a) => a.setOption('aws:autoscaling:asg', 'MinSize', '3').setOption('aws:autoscaling:asg', 'MaxSize', '6'),
    classes: [],
    check: (r) => {
      const n = r.notes.find((x) => x.class === 'routine' && x.title.startsWith('scaling of'))!;
      expect(n.title).toBe('scaling of App/Beanstalk/Environment: min 2 → 3, max 4 → 6');
      // eu-west-1, one more t3.small with its 8 GiB gp3 root volume and public IPv4 address
      expect(r.cost.delta).toBeCloseTo(0.0228 * 730 + 8 * 0.088 + 0.005 * 730, 1);
      const instances = r.cost.head.lines.find((l) => l.item.includes('instances'))!;
      expect(instances.quantity).toBe('3–6 × t3.small');
      expect(instances.monthlyMax).toBeCloseTo(6 * 0.0228 * 730, 1);
      expect(r.cost.head.monthlyMax! - r.cost.head.monthly).toBeCloseTo(3 * (0.0228 * 730 + 8 * 0.088 + 0.005 * 730), 1);
      expect(renderMarkdown(r)).toMatch(/\| \$\d+\.\d\d–\$\d+\.\d\d \| [+]\$20\.99\/month \|/);
      expect(renderText(r)).toMatch(/→ \$\d+\.\d\d–\$\d+\.\d\d per month/);
    },
  },
  {
    name: 'a CPU target added on prod: routine',
    ...PROD_STACK,
    head: (a) => {
      for (const [o, v] of [['MeasureName', 'CPUUtilization'], ['Statistic', 'Average'], ['Unit', 'Percent'], ['UpperThreshold', '60'], ['LowerThreshold', '30']]) a.setOption('aws:autoscaling:trigger', o, v);
    },
    classes: [],
    check: (r) => {
      expect(r.notes.map((n) => n.title)).toContain('scaling of App/Beanstalk/Environment: trigger metric (default) → CPUUtilization, scale out above (default) → 60, scale in below (default) → 30');
      expect(r.cost.delta).toBe(0);
    },
  },
  {
    name: 'alerts added to dev: nothing alarmed, the alarms are priced',
    head: withAlerts,
    classes: [],
    check: (r) => {
      const line = r.cost.head.lines.find((l) => l.item.endsWith('CloudWatch alarms'))!;
      expect([line.quantity, line.monthly]).toEqual(['2 alarm metrics (standard resolution)', 0.2]);
      expect(r.cost.delta).toBeCloseTo(0.2, 2);
    },
  },
  {
    name: 'alarm removal: security',
    base: withAlerts,
    head: (a) => a.editTemplate((t: Json) => delete t.Resources[ALARM]),
    classes: ['security'],
    check: (r) => {
      const n = r.notes.find((x) => x.class === 'security')!;
      expect(n.title).toBe('alarm fullstack-dev-environment-health removed');
      expect(n.reason).toMatch(/nobody is told/);
      expect(r.cost.delta).toBeCloseTo(-0.1, 2);
    },
  },
  {
    name: 'an alarm\'s actions removed: security',
    base: withAlerts,
    head: (a) => a.editResource(ALARM, (x) => { x.Properties.AlarmActions = []; }),
    classes: ['security'],
    check: (r) => expect(r.notes.find((x) => x.class === 'security')!.title).toBe('alarm fullstack-dev-environment-health no longer notifies anyone'),
  },
  {
    name: 'the email subscription removed: security, the address not repeated',
    base: withAlerts,
    head: (a) => a.editTemplate((t: Json) => delete t.Resources[SUBSCRIPTION]),
    classes: ['security'],
    check: (r) => {
      expect(r.notes.find((x) => x.class === 'security')!.title).toMatch(/^alert subscription .* removed \(email\)$/);
      expect(r.notes.map((x) => `${x.title} ${x.reason}`).join('\n')).not.toContain('ops@example.com');
    },
  },
  {
    name: 'Beanstalk\'s notifications removed: security',
    base: withAlerts,
    head: (a) => a.setOption('aws:elasticbeanstalk:sns:topics', 'Notification Topic ARN', undefined),
    classes: ['security'],
  },
  {
    name: 'an alarm threshold raised: routine',
    base: withAlerts,
    head: (a) => a.editResource(ALARM, (x) => { x.Properties.Threshold = 25; }),
    classes: [],
  },
];

describe('mutation suite: scaling and alerts', () => {
  it.each(MUTATIONS.map((m) => [m.name, m] as const))('%s', (_name, m) => {
    const base = new AssemblyCopy(m.fixture ?? FULLSTACK, m.stack);
    if (m.base) m.base(base);
    const head = new AssemblyCopy(base.dir, m.stack);
    m.head(head);
    const r = review(base.dir, head.dir);
    expect({ classes: r.classes, notes: r.notes.map((n) => `${n.class}: ${n.title}`) }).toEqual({ classes: [...m.classes], notes: expect.any(Array) });
    expect(r.hasChanges).toBe(true);
    for (const n of r.notes) expect(n.reason.length).toBeGreaterThan(20);
    m.check?.(r);
  });
});
