/**
 * The cost guard (docs/cost-guard.md): a dev stage that sleeps outside its working hours and a
 * monthly budget that mails someone before the bill surprises them.
 *
 * - Sleep: two Elastic Beanstalk scheduled actions (`aws:autoscaling:scheduledaction`) scale the
 *   environment's Auto Scaling group to zero at the sleep time and back at the wake time; EventBridge
 *   Scheduler stops every database at the sleep time and starts it before the wake time with its
 *   universal target (the RDS API called directly: no Lambda), through a role that may only start and
 *   stop these instances. RDS starts a stopped instance by itself after 7 days; the next sleep time
 *   stops it again. Times are UTC (scheduled actions have no time zone): `toUtc` widens the window
 *   over daylight saving time.
 * - Budget: an AWS Budgets cost budget with email alerts on the actual and on the forecast amount.
 */
import { Stack } from 'aws-cdk-lib';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as elasticbeanstalk from 'aws-cdk-lib/aws-elasticbeanstalk';
import { Construct } from 'constructs';
import { BudgetInput, resolveBudget, resolveSleep, ResolvedBudget, ResolvedSleep, SleepInput } from '../lib/bundle/x-beanstack-cost';
import { cronText, schedulerCron, shiftTime } from '../lib/util/sleep-schedule';
import { checkProps, COMMON, int, object, propsError, str } from './props';
import type { DeploymentStage } from './stage';

/** Names of the two scheduled actions (the `ResourceName` of their option settings). */
export const SLEEP_ACTION = 'beanstack-sleep';
export const WAKE_ACTION = 'beanstack-wake';

/** The databases start this many minutes before the environment wakes (starting an RDS instance takes minutes). */
export const DATABASE_LEAD_MINUTES = 20;

/** What the stage preset decides about the cost guard: one function, so a new preset maps with one line. */
export function costGuardDefaults(preset: DeploymentStage): { readonly sleepAllowed: boolean } {
  // a production stage serves users at every hour: it never sleeps
  return { sleepAllowed: preset !== 'prod' };
}

export interface CostGuardProps {
  /** The environment to put to sleep (its `CfnEnvironment` gets the scheduled actions). */
  readonly environment: elasticbeanstalk.CfnEnvironment;

  /**
   * Instances while awake (the scheduled wake action restores these).
   *
   * @default 1
   */
  readonly minInstances?: number;

  /**
   * @default - `minInstances`
   */
  readonly maxInstances?: number;

  /**
   * RDS instances stopped and started on the same schedule.
   *
   * @default - none
   */
  readonly databases?: readonly rds.IDatabaseInstance[];

  /**
   * When the stage sleeps: a preset (`{ schedule: 'nights-and-weekends' }`) or wake and sleep crons
   * (`{ wake: '0 8 * * 1-5', sleep: '0 20 * * 1-5', timezone: 'Europe/Berlin' }`).
   *
   * @default - never sleeps
   */
  readonly sleep?: SleepInput;

  /**
   * A monthly AWS Budgets budget (USD) and who gets its alerts: `{ monthly: 30, email: ['team@example.com'] }`.
   * The budget counts the whole account's cost.
   *
   * @default - no budget
   */
  readonly budget?: BudgetInput;

  /**
   * The name the budget is shown under (`<name>-monthly`).
   *
   * @default - the stack name
   */
  readonly name?: string;

  /**
   * The stage preset: `prod` refuses `sleep`.
   *
   * @default 'dev'
   */
  readonly stage?: DeploymentStage;
}

/** Sleep schedule and budget of one stage. */
export class CostGuard extends Construct {
  /** The checked schedule, when the stage sleeps. */
  readonly sleep?: ResolvedSleep;
  /** The checked budget. */
  readonly budgetSettings?: ResolvedBudget;
  /** The role EventBridge Scheduler assumes to start and stop the databases. */
  readonly schedulerRole?: iam.Role;
  readonly budget?: budgets.CfnBudget;

  constructor(scope: Construct, id: string, props: CostGuardProps) {
    super(scope, id);
    checkProps('CostGuard', props, {
      environment: object('the CfnEnvironment of a BeanstalkEnvironment (its .environment)'),
      minInstances: int(1, 10000),
      maxInstances: int(1, 10000),
      sleep: object("{ schedule: 'nights-and-weekends' } or { wake: '0 8 * * 1-5', sleep: '0 20 * * 1-5', timezone: 'Europe/Berlin' }"),
      budget: object("{ monthly: 30, email: ['team@example.com'] }"),
      name: str(),
      stage: COMMON.stage,
    }, ['environment']);
    const stage = props.stage ?? 'dev';
    const minInstances = props.minInstances ?? 1;
    const maxInstances = props.maxInstances ?? minInstances;
    if (maxInstances < minInstances) throw propsError(`CostGuard prop \`maxInstances\` ${maxInstances} is below \`minInstances\` ${minInstances}; give maxInstances ≥ minInstances`);

    if (props.sleep !== undefined) {
      if (!costGuardDefaults(stage).sleepAllowed) {
        throw propsError(`CostGuard prop \`sleep\` is set on the ${stage} stage, which serves users at every hour; remove sleep from the ${stage} stage (sleep schedules are for dev stages; beanstack pause stops a stage by hand)`);
      }
      const r = resolveSleep(props.sleep);
      if (!r.result) {
        const p = r.problems[0];
        throw propsError(`CostGuard prop \`sleep.${p.field}\` ${p.message}`);
      }
      this.sleep = r.result;
      this.schedulerRole = this.addSleep(props.environment, r.result, minInstances, maxInstances, props.databases ?? []);
    }
    if (props.budget !== undefined) {
      const r = resolveBudget(props.budget);
      if (!r.result) {
        const p = r.problems[0];
        throw propsError(`CostGuard prop \`budget.${p.field.replace(/\/(\d+)$/, '[$1]')}\` ${p.message}`);
      }
      this.budgetSettings = r.result;
      this.budget = budgetResource(this, r.result, props.name ?? Stack.of(this).stackName);
    }
  }

  /** Adds the scheduled actions and the database schedules; returns the schedules' role (none without databases). */
  private addSleep(env: elasticbeanstalk.CfnEnvironment, sleep: ResolvedSleep, min: number, max: number, databases: readonly rds.IDatabaseInstance[]): iam.Role | undefined {
    const existing = Array.isArray(env.optionSettings) ? env.optionSettings : [];
    env.optionSettings = [...existing, ...sleepOptionSettings(sleep, min, max)];
    if (databases.length === 0) return undefined;
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: 'beanstack cost guard: EventBridge Scheduler stops and starts the stage\'s databases on its sleep schedule',
      inlinePolicies: {
        StartStopDatabases: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: ['rds:StartDBInstance', 'rds:StopDBInstance'], resources: databases.map((d) => d.instanceArn) })],
        }),
      },
    });
    const start = shiftTime(sleep.utcWake, -DATABASE_LEAD_MINUTES);
    databases.forEach((db, i) => {
      const scope = databases.length === 1 ? this : new Construct(this, `Database${i}`);
      for (const [name, action, at] of [['StartDatabase', 'startDBInstance', start], ['StopDatabase', 'stopDBInstance', sleep.utcSleep]] as const) {
        new scheduler.CfnSchedule(scope, name, {
          description: `beanstack cost guard: ${action === 'stopDBInstance' ? 'stop the database when the stage goes to sleep' : `start the database ${DATABASE_LEAD_MINUTES} minutes before the stage wakes`}`,
          flexibleTimeWindow: { mode: 'OFF' },
          scheduleExpression: schedulerCron(at),
          scheduleExpressionTimezone: 'UTC',
          state: 'ENABLED',
          target: {
            arn: `arn:${stack.partition}:scheduler:::aws-sdk:rds:${action}`,
            roleArn: role.roleArn,
            input: stack.toJsonString({ DbInstanceIdentifier: db.instanceIdentifier }),
            // an instance already stopped or started answers InvalidDBInstanceState: nothing to retry
            retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
          },
        });
      }
    });
    return role;
  }
}

/** The two scheduled actions: to zero at the sleep time, back to `min`–`max` at the wake time (UTC crons). */
export function sleepOptionSettings(sleep: ResolvedSleep, min: number, max: number): elasticbeanstalk.CfnEnvironment.OptionSettingProperty[] {
  const action = (resourceName: string, minSize: number, maxSize: number, at: string) => [
    { namespace: 'aws:autoscaling:scheduledaction', resourceName, optionName: 'DesiredCapacity', value: String(minSize) },
    { namespace: 'aws:autoscaling:scheduledaction', resourceName, optionName: 'MaxSize', value: String(maxSize) },
    { namespace: 'aws:autoscaling:scheduledaction', resourceName, optionName: 'MinSize', value: String(minSize) },
    { namespace: 'aws:autoscaling:scheduledaction', resourceName, optionName: 'Recurrence', value: at },
  ];
  return [...action(SLEEP_ACTION, 0, 0, cronText(sleep.utcSleep)), ...action(WAKE_ACTION, min, max, cronText(sleep.utcWake))];
}

function budgetResource(scope: Construct, budget: ResolvedBudget, name: string): budgets.CfnBudget {
  const subscribers = budget.email.map((address) => ({ subscriptionType: 'EMAIL', address }));
  return new budgets.CfnBudget(scope, 'Budget', {
    budget: {
      budgetName: `${name}-monthly`,
      budgetType: 'COST',
      timeUnit: 'MONTHLY',
      budgetLimit: { amount: budget.monthly, unit: 'USD' },
    },
    notificationsWithSubscribers: (['ACTUAL', 'FORECASTED'] as const).map((notificationType) => ({
      notification: { notificationType, comparisonOperator: 'GREATER_THAN', threshold: 100, thresholdType: 'PERCENTAGE' },
      subscribers,
    })),
  });
}

/**
 * The cost guard of a compose application: the prop, else the compose file's `x-beanstack.sleep` /
 * `.budget` (`false` turns the compose file's off for this stage). On a stage whose preset does not
 * sleep, the compose file's schedule is left out with a warning (the compose file is shared by every
 * stage); the prop is refused there by `CostGuard`.
 */
export function costGuardInputs(
  fromCompose: { readonly sleep?: ResolvedSleep; readonly budget?: ResolvedBudget },
  props: { readonly sleep?: SleepInput | false; readonly budget?: BudgetInput | false },
  stage: DeploymentStage,
): { sleep?: SleepInput; budget?: BudgetInput; warning?: { code: string; message: string } } {
  const composeSleep = fromCompose.sleep;
  let sleep: SleepInput | undefined = props.sleep === false ? undefined : props.sleep;
  let warning: { code: string; message: string } | undefined;
  if (props.sleep === undefined && composeSleep) {
    if (costGuardDefaults(stage).sleepAllowed) {
      sleep = composeSleep.schedule !== undefined
        ? { schedule: composeSleep.schedule, timezone: composeSleep.timezone }
        : { wake: composeSleep.wake, sleep: composeSleep.sleep, timezone: composeSleep.timezone };
    } else {
      warning = { code: 'constructs/sleep-ignored', message: `x-beanstack.sleep is ignored on the ${stage} stage: a production stage serves users at every hour and never sleeps (the schedule applies to dev stages)` };
    }
  }
  const budget = props.budget === false ? undefined : props.budget ?? fromCompose.budget;
  return { ...(sleep ? { sleep } : {}), ...(budget ? { budget } : {}), ...(warning ? { warning } : {}) };
}
