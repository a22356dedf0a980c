/**
 * `beanstack pause` / `beanstack resume` (docs/cost-guard.md): a whole stage put to sleep by hand and
 * woken again — the Elastic Beanstalk environment to zero instances, its RDS instances stopped; on
 * resume the databases first (started, waited for), then the instances, waiting until the
 * environment is Ready with an instance answering.
 *
 * The instance count changes through a one-time scheduled action set with UpdateEnvironment
 * (`aws:autoscaling:scheduledaction`, a minute ahead): it works on single-instance environments, and
 * it leaves the environment's declared sizes (`aws:autoscaling:asg`) alone, so resume reads them back.
 * A stage with a sleep schedule still wakes at its next wake time.
 */
import {
  ConfigurationOptionSetting,
  DescribeConfigurationSettingsCommand,
  DescribeEnvironmentsCommand,
  EnvironmentDescription,
  UpdateEnvironmentCommand,
} from '@aws-sdk/client-elastic-beanstalk';
import { DBInstance, DescribeDBInstancesCommand, StartDBInstanceCommand, StopDBInstanceCommand } from '@aws-sdk/client-rds';
import { BeanstackError } from '../errors';
import { describeAwsError } from './aws-errors';
import type { AwsClients } from './clients';

/** The one-time scheduled actions of pause and resume (`ResourceName`). */
export const PAUSE_ACTION = 'beanstack-pause';
export const RESUME_ACTION = 'beanstack-resume';

/** What pause and resume act on. */
export interface StageTarget {
  readonly environmentName: string;
  /** RDS instance identifiers of the stage. */
  readonly databases: readonly string[];
}

/** IAM actions pause and resume call (named when a denial does not say which). */
export const PAUSE_PERMISSIONS: readonly string[] = [
  'elasticbeanstalk:DescribeEnvironments', 'elasticbeanstalk:DescribeConfigurationSettings', 'elasticbeanstalk:UpdateEnvironment',
  'rds:DescribeDBInstances', 'rds:StopDBInstance', 'rds:StartDBInstance',
];

export interface PauseOptions {
  /** Progress lines (the caller prefixes nothing: each line carries the elapsed time). */
  readonly log: (line: string) => void;
  /** Between two polls, in milliseconds. @default 15000 */
  readonly pollMs?: number;
  /** Give up waiting after, in milliseconds. @default 1800000 (30 minutes) */
  readonly timeoutMs?: number;
  /** Waits (tests pass a fake). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** The current time (tests pass a fake). */
  readonly now?: () => Date;
}

export interface PauseResult {
  readonly environment: EnvironmentDescription;
  /** Per database: what it was and what was done (`stopping`, `already stopped`, …). */
  readonly databases: Readonly<Record<string, string>>;
}

class Clock {
  readonly started: number;
  constructor(private readonly o: PauseOptions) {
    this.started = this.now();
  }
  now(): number {
    return (this.o.now ?? (() => new Date()))().getTime();
  }
  log(text: string): void {
    const s = Math.round((this.now() - this.started) / 1000);
    this.o.log(`[${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}] ${text}`);
  }
  async wait(): Promise<void> {
    await (this.o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))))(this.o.pollMs ?? 15000);
  }
  overdue(): boolean {
    return this.now() - this.started > (this.o.timeoutMs ?? 1800000);
  }
}

/** AWS errors become user errors naming the missing permission; anything else is a bug and is rethrown. */
async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof BeanstackError) throw e;
    const d = describeAwsError(e, PAUSE_PERMISSIONS);
    if (!d) throw e;
    throw new BeanstackError(`${what}: ${d.message}`, { code: `aws/pause-${d.kind}`, fix: d.fix });
  }
}

async function environment(clients: AwsClients, name: string): Promise<EnvironmentDescription> {
  const out = await call(`cannot read environment ${name}`, () => clients.elasticbeanstalk.send(new DescribeEnvironmentsCommand({ EnvironmentNames: [name], IncludeDeleted: false })));
  const env = (out.Environments ?? []).find((e) => e.Status !== 'Terminated');
  if (!env || !env.ApplicationName) throw new BeanstackError(`there is no environment named ${name}`, { code: 'aws/no-environment', fix: 'check --environment / --stack and the region' });
  return env;
}

async function database(clients: AwsClients, id: string): Promise<DBInstance> {
  const out = await call(`cannot read database ${id}`, () => clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id })));
  const db = out.DBInstances?.[0];
  if (!db) throw new BeanstackError(`there is no database ${id}`, { code: 'aws/no-database', fix: 'check the stack is deployed in this region' });
  return db;
}

/** A one-time scheduled action a minute from now (Auto Scaling refuses a start time in the past). */
function oneTimeAction(name: string, size: { min: number; max: number }, at: Date): ConfigurationOptionSetting[] {
  const start = new Date(Math.ceil((at.getTime() + 60000) / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return [
    ['MinSize', String(size.min)], ['MaxSize', String(size.max)], ['DesiredCapacity', String(size.min)], ['StartTime', start],
  ].map(([OptionName, Value]) => ({ Namespace: 'aws:autoscaling:scheduledaction', ResourceName: name, OptionName, Value }));
}

const removeAction = (name: string) => ['MinSize', 'MaxSize', 'DesiredCapacity', 'StartTime'].map((OptionName) => ({ Namespace: 'aws:autoscaling:scheduledaction', ResourceName: name, OptionName }));

async function updateAndWait(clients: AwsClients, env: EnvironmentDescription, settings: ConfigurationOptionSetting[], remove: { Namespace: string; ResourceName: string; OptionName: string }[], clock: Clock, until: (e: EnvironmentDescription) => boolean, waitingFor: string): Promise<EnvironmentDescription> {
  const name = env.EnvironmentName!;
  await call(`cannot update environment ${name}`, () => clients.elasticbeanstalk.send(new UpdateEnvironmentCommand({ EnvironmentName: name, OptionSettings: settings, OptionsToRemove: remove })));
  let last = '';
  for (;;) {
    await clock.wait();
    const e = await environment(clients, name);
    const state = `${e.Status}, health ${e.Health ?? '?'}`;
    if (state !== last) clock.log(`${name}: ${state}`);
    last = state;
    if (until(e)) return e;
    if (clock.overdue()) {
      throw new BeanstackError(`${name} is not ${waitingFor} in time (it is ${state})`, { code: 'aws/pause-timeout', fix: 'follow it in the Elastic Beanstalk console; beanstack doctor shows its state' });
    }
  }
}

function checkReady(env: EnvironmentDescription, verb: string): void {
  if (env.Status !== 'Ready') {
    throw new BeanstackError(`environment ${env.EnvironmentName} is ${env.Status}; ${verb} needs it Ready`, { code: 'aws/environment-busy', fix: 'wait until the running operation finishes (beanstack doctor shows the status), then run again' });
  }
}

/** Scales the environment to zero, then stops the databases (without waiting for them to be stopped). */
export async function pauseStage(clients: AwsClients, target: StageTarget, o: PauseOptions): Promise<PauseResult> {
  const clock = new Clock(o);
  const env = await environment(clients, target.environmentName);
  checkReady(env, 'pause');
  clock.log(`${target.environmentName}: scaling to 0 instances (scheduled action ${PAUSE_ACTION})`);
  const at = new Date(clock.now());
  const paused = await updateAndWait(clients, env, oneTimeAction(PAUSE_ACTION, { min: 0, max: 0 }, at), removeAction(RESUME_ACTION), clock, (e) => e.Status === 'Ready', 'Ready');
  const databases: Record<string, string> = {};
  for (const id of target.databases) {
    const db = await database(clients, id);
    const status = db.DBInstanceStatus ?? '?';
    if (status === 'available') {
      await call(`cannot stop database ${id}`, () => clients.rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: id })));
      databases[id] = 'stopping';
      clock.log(`database ${id}: stopping (RDS starts a stopped instance by itself after 7 days)`);
    } else if (status === 'stopped' || status === 'stopping') {
      databases[id] = `already ${status}`;
      clock.log(`database ${id}: already ${status}`);
    } else {
      throw new BeanstackError(`database ${id} is ${status} and cannot be stopped now`, { code: 'aws/database-busy', fix: 'wait until it is available (beanstack doctor shows it), then run beanstack pause again' });
    }
  }
  return { environment: paused, databases };
}

/** Starts the databases and waits until they are available, then brings the instances back and waits until the environment is Ready with an instance. */
export async function resumeStage(clients: AwsClients, target: StageTarget, o: PauseOptions): Promise<PauseResult> {
  const clock = new Clock(o);
  const env = await environment(clients, target.environmentName);
  checkReady(env, 'resume');
  const databases: Record<string, string> = {};
  for (const id of target.databases) {
    const db = await database(clients, id);
    const status = db.DBInstanceStatus ?? '?';
    if (status === 'stopped') {
      await call(`cannot start database ${id}`, () => clients.rds.send(new StartDBInstanceCommand({ DBInstanceIdentifier: id })));
      databases[id] = 'started';
      clock.log(`database ${id}: starting`);
    } else if (status === 'available') {
      databases[id] = 'already available';
      clock.log(`database ${id}: already available`);
      continue;
    } else if (status === 'starting') {
      databases[id] = 'started';
      clock.log(`database ${id}: already starting`);
    } else {
      throw new BeanstackError(`database ${id} is ${status} and cannot be started now`, { code: 'aws/database-busy', fix: status === 'stopping' ? 'wait until it is stopped (a few minutes), then run beanstack resume again' : 'wait until the running operation finishes, then run beanstack resume again' });
    }
    for (;;) {
      await clock.wait();
      const now = (await database(clients, id)).DBInstanceStatus ?? '?';
      if (now === 'available') {
        clock.log(`database ${id}: available`);
        break;
      }
      if (clock.overdue()) throw new BeanstackError(`database ${id} is not available in time (it is ${now})`, { code: 'aws/pause-timeout', fix: 'follow it in the RDS console; run beanstack resume again once it is available' });
    }
  }
  const config = await call(`cannot read the configuration of ${target.environmentName}`, () => clients.elasticbeanstalk.send(new DescribeConfigurationSettingsCommand({ ApplicationName: env.ApplicationName, EnvironmentName: target.environmentName })));
  const options = config.ConfigurationSettings?.[0]?.OptionSettings ?? [];
  const option = (ns: string, name: string) => options.find((x) => x.Namespace === ns && x.OptionName === name && !x.ResourceName)?.Value;
  const single = option('aws:elasticbeanstalk:environment', 'EnvironmentType') === 'SingleInstance';
  const size = single ? { min: 1, max: 1 } : { min: Number(option('aws:autoscaling:asg', 'MinSize') ?? 1), max: Number(option('aws:autoscaling:asg', 'MaxSize') ?? 4) };
  clock.log(`${target.environmentName}: scaling to ${size.min === size.max ? size.min : `${size.min}–${size.max}`} instance${size.max === 1 ? '' : 's'} (scheduled action ${RESUME_ACTION})`);
  const resumed = await updateAndWait(
    clients, env, oneTimeAction(RESUME_ACTION, size, new Date(clock.now())), removeAction(PAUSE_ACTION), clock,
    // Grey (no instance reports) or Red (none healthy yet): keep waiting; Green or Yellow: an instance serves
    (e) => e.Status === 'Ready' && (e.Health === 'Green' || e.Health === 'Yellow'),
    'Ready with a healthy instance',
  );
  return { environment: resumed, databases };
}
