import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { ComposeApplication, ComposeApplicationProps } from '../../constructs/compose-application';
import { DATABASE_LEAD_MINUTES, sleepOptionSettings, SLEEP_ACTION, WAKE_ACTION } from '../../constructs/cost-guard';
import { resolveSleep } from '../../lib/bundle/x-beanstack-cost';
import { isUserError } from '../../lib/errors';
import type { ComposeProject } from '../../lib/compose/model';
import { fixtureProject } from './fixtures/project';
import { resourcesOfType, synth, Synthesized } from './helpers';

const SLEEP = { schedule: 'nights-and-weekends', timezone: 'Europe/Berlin' };
const BUDGET = { monthly: 30, email: ['team@example.com', 'lead@example.com'] };

/** The fixture project with the cost guard fields in its top-level x-beanstack. */
function projectWith(fields: Record<string, unknown>): ComposeProject {
  const p = fixtureProject();
  return { ...p, extensions: { 'x-beanstack': { ...(p.extensions['x-beanstack'] as object), ...fields } } } as ComposeProject;
}

function build(props: Partial<ComposeApplicationProps>, project = projectWith({ sleep: SLEEP, budget: BUDGET }), capture?: (a: ComposeApplication) => void) {
  return (stack: Stack) => {
    const a = new ComposeApplication(stack, 'App', { project, ...props });
    capture?.(a);
  };
}

/** The scheduled-action option settings as `<action>/<option>` → value. */
function scheduledActions(s: Synthesized): Record<string, string> {
  const [[, env]] = resourcesOfType(s, 'AWS::ElasticBeanstalk::Environment');
  const out: Record<string, string> = {};
  for (const o of env.Properties.OptionSettings) {
    if (o.Namespace === 'aws:autoscaling:scheduledaction') out[`${o.ResourceName}/${o.OptionName}`] = o.Value;
  }
  return out;
}

describe('cost guard on a dev stage (compose file: nights-and-weekends in Europe/Berlin, a budget)', () => {
  let s: Synthesized;
  let a: ComposeApplication;
  beforeAll(() => { s = synth(build({}, undefined, (x) => { a = x; })); });

  test('synthesizes with zero findings (cdk-nag AwsSolutions and the built-in template checks)', () => {
    expect(s.error).toBeUndefined();
    expect(s.violations).toEqual([]);
  });

  test('the environment scales to zero at 20:00 Berlin winter time and back to one at 08:00 Berlin summer time (UTC crons)', () => {
    expect(scheduledActions(s)).toEqual({
      [`${SLEEP_ACTION}/DesiredCapacity`]: '0',
      [`${SLEEP_ACTION}/MaxSize`]: '0',
      [`${SLEEP_ACTION}/MinSize`]: '0',
      [`${SLEEP_ACTION}/Recurrence`]: '0 19 * * 1-5',
      [`${WAKE_ACTION}/DesiredCapacity`]: '1',
      [`${WAKE_ACTION}/MaxSize`]: '1',
      [`${WAKE_ACTION}/MinSize`]: '1',
      [`${WAKE_ACTION}/Recurrence`]: '0 6 * * 1-5',
    });
    expect(a.costGuard?.sleep?.awakeMinutesPerWeek).toBe(5 * 13 * 60);
  });

  test(`the database stops at the sleep time and starts ${DATABASE_LEAD_MINUTES} minutes before the wake time, through the RDS API (no Lambda)`, () => {
    const db = resourcesOfType(s, 'AWS::RDS::DBInstance')[0][0];
    s.template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    s.template.resourceCountIs('AWS::Lambda::Function', 0);
    s.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 19 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({ Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:::aws-sdk:rds:stopDBInstance']] } }),
    });
    s.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(40 5 ? * MON-FRI *)',
      Target: Match.objectLike({ Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:::aws-sdk:rds:startDBInstance']] } }),
    });
    // both schedules name the database
    for (const [, r] of resourcesOfType(s, 'AWS::Scheduler::Schedule')) {
      expect(JSON.stringify(r.Properties.Target.Input)).toContain(`"Ref":"${db}"`);
    }
  });

  test('the scheduler role may only start and stop this database, and only Scheduler of this account assumes it', () => {
    const db = resourcesOfType(s, 'AWS::RDS::DBInstance')[0][0];
    s.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } } }],
      },
      Policies: [{
        PolicyName: 'StartStopDatabases',
        PolicyDocument: {
          Statement: [{
            Action: ['rds:StartDBInstance', 'rds:StopDBInstance'],
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds:eu-west-1:123456789012:db:', { Ref: db }]] },
          }],
        },
      }],
    });
  });

  test('a monthly cost budget mails both addresses on the actual and on the forecast amount', () => {
    const subscribers = [
      { SubscriptionType: 'EMAIL', Address: 'lead@example.com' },
      { SubscriptionType: 'EMAIL', Address: 'team@example.com' },
    ];
    s.template.resourceCountIs('AWS::Budgets::Budget', 1);
    s.template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: { BudgetName: 'fixture-dev-monthly', BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: 30, Unit: 'USD' } },
      NotificationsWithSubscribers: [
        { Notification: { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 100, ThresholdType: 'PERCENTAGE' }, Subscribers: subscribers },
        { Notification: { NotificationType: 'FORECASTED', ComparisonOperator: 'GREATER_THAN', Threshold: 100, ThresholdType: 'PERCENTAGE' }, Subscribers: subscribers },
      ],
    });
  });
});

describe('cost guard on the prod stage', () => {
  const PROD = { stage: 'prod' as const, cnamePrefix: 'fixture-shop', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0b1c2d3e-aaaa-bbbb-cccc-123456789012' };
  let s: Synthesized;
  let a: ComposeApplication;
  beforeAll(() => { s = synth(build(PROD, undefined, (x) => { a = x; })); });

  test('the compose file\'s sleep schedule is left out, with a warning; the budget stays', () => {
    expect(s.error).toBeUndefined();
    expect(s.violations).toEqual([]);
    expect(scheduledActions(s)).toEqual({});
    s.template.resourceCountIs('AWS::Scheduler::Schedule', 0);
    s.template.hasResourceProperties('AWS::Budgets::Budget', { Budget: Match.objectLike({ BudgetName: 'fixture-prod-monthly', BudgetLimit: { Amount: 30, Unit: 'USD' } }) });
    expect(a.warnings.find((w) => w.code === 'constructs/sleep-ignored')?.message).toMatch(/ignored on the prod stage/);
  });

  test('a sleep prop on prod is refused as a user error with a fix', () => {
    let error: unknown;
    try {
      synth(build({ ...PROD, sleep: { schedule: 'nights' } }));
    } catch (e) {
      error = e;
    }
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(/CostGuard prop `sleep` is set on the prod stage/);
    expect((error as { fix?: string }).fix).toMatch(/remove sleep from the prod stage/);
  });
});

describe('cost guard props', () => {
  test('sleep: false and budget: false turn the compose file\'s off', () => {
    const s = synth(build({ sleep: false, budget: false }));
    expect(scheduledActions(s)).toEqual({});
    s.template.resourceCountIs('AWS::Scheduler::Schedule', 0);
    s.template.resourceCountIs('AWS::Budgets::Budget', 0);
  });

  test('explicit wake and sleep crons in UTC, no budget', () => {
    const s = synth(build({ sleep: { wake: '30 7 * * MON-FRI', sleep: '0 18 * * 1-5' } }, projectWith({})));
    expect(scheduledActions(s)[`${WAKE_ACTION}/Recurrence`]).toBe('30 7 * * 1-5');
    expect(scheduledActions(s)[`${SLEEP_ACTION}/Recurrence`]).toBe('0 18 * * 1-5');
    s.template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(10 7 ? * MON-FRI *)' });
    s.template.resourceCountIs('AWS::Budgets::Budget', 0);
  });

  test.each([
    [{ sleep: { wake: '0 8 * *', sleep: '0 20 * * 1-5' } }, /sleep\.wake`.*4 fields, not 5/, /minute hour \* \* days/],
    [{ sleep: { schedule: 'weekends' } }, /sleep\.schedule`.*"weekends" is not a schedule/, /nights-and-weekends, nights/],
    [{ sleep: { schedule: 'nights', timezone: 'Mars/Olympus' } }, /sleep\.timezone`.*not a time zone/, /IANA name/],
    [{ budget: { monthly: -5, email: ['a@example.com'] } }, /budget\.monthly`.*positive number/, undefined],
    [{ budget: { monthly: 20, email: ['a@example.com', 'not-an-address'] } }, /budget\.email\[1\]`.*not an email address/, /name@example.com/],
  ])('%j is refused naming the prop', (props, message, fix) => {
    let error: unknown;
    try {
      synth(build(props as Partial<ComposeApplicationProps>, projectWith({})));
    } catch (e) {
      error = e;
    }
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
    if (fix) expect((error as { fix?: string }).fix).toMatch(fix);
  });
});

describe('sleepOptionSettings', () => {
  test('a load-balanced environment wakes to its min–max range', () => {
    const sleep = resolveSleep({ schedule: 'nights' }).result!;
    const settings = sleepOptionSettings(sleep, 2, 4).filter((o) => o.resourceName === WAKE_ACTION);
    expect(Object.fromEntries(settings.map((o) => [o.optionName, o.value]))).toEqual({ DesiredCapacity: '2', MaxSize: '4', MinSize: '2', Recurrence: '0 8 * * *' });
  });
});
