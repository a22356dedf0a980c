/**
 * `beanstack rollback`: redeploys the application version an environment ran before the current
 * one (Elastic Beanstalk does not roll back a failed ECS task by itself), says which one, and waits
 * until the environment is Ready again.
 */
import {
  ApplicationVersionDescription,
  DescribeApplicationVersionsCommand,
  DescribeEnvironmentsCommand,
  DescribeEventsCommand,
  EnvironmentDescription,
  UpdateEnvironmentCommand,
} from '@aws-sdk/client-elastic-beanstalk';
import { BeanstackError } from '../errors';
import type { AwsClients } from './clients';

export interface VersionInfo {
  readonly label: string;
  readonly created?: Date;
  readonly description?: string;
  readonly sourceBundle?: string;
}

export interface RollbackPlan {
  readonly environmentName: string;
  readonly applicationName: string;
  readonly current: VersionInfo;
  readonly target: VersionInfo;
}

/** Versions that can be deployed (not failed, not still being built). */
const DEPLOYABLE = new Set<string | undefined>([undefined, 'Processed', 'Unprocessed']);

function info(v: ApplicationVersionDescription): VersionInfo {
  return {
    label: v.VersionLabel ?? '?',
    created: v.DateCreated,
    description: v.Description,
    sourceBundle: v.SourceBundle ? `s3://${v.SourceBundle.S3Bucket}/${v.SourceBundle.S3Key}` : undefined,
  };
}

/** Every version of an application (all pages). */
export async function applicationVersions(clients: AwsClients, applicationName: string): Promise<ApplicationVersionDescription[]> {
  const versions: ApplicationVersionDescription[] = [];
  let token: string | undefined;
  do {
    const page = await clients.elasticbeanstalk.send(new DescribeApplicationVersionsCommand({ ApplicationName: applicationName, MaxRecords: 100, NextToken: token }));
    versions.push(...(page.ApplicationVersions ?? []));
    token = page.NextToken;
  } while (token);
  return versions;
}

/** Decides what to roll back to: `versionLabel`, else the newest version created before the current one. */
export async function planRollback(clients: AwsClients, environmentName: string, versionLabel?: string): Promise<RollbackPlan> {
  const envs = await clients.elasticbeanstalk.send(new DescribeEnvironmentsCommand({ EnvironmentNames: [environmentName], IncludeDeleted: false }));
  const env = (envs.Environments ?? []).find((e) => e.Status !== 'Terminated');
  if (!env || !env.ApplicationName) {
    throw new BeanstackError(`there is no environment named ${environmentName}`, { code: 'aws/no-environment', fix: 'check --environment / --stack and the region' });
  }
  if (env.Status !== 'Ready') {
    throw new BeanstackError(`environment ${environmentName} is ${env.Status}; a rollback needs it Ready`, {
      code: 'aws/environment-busy',
      fix: 'wait until the running operation finishes (beanstack doctor shows the status), then roll back',
    });
  }
  const versions = await applicationVersions(clients, env.ApplicationName);
  const current = versions.find((v) => v.VersionLabel === env.VersionLabel);
  const currentInfo: VersionInfo = current ? info(current) : { label: env.VersionLabel ?? '(none)' };

  if (versionLabel !== undefined) {
    const wanted = versions.find((v) => v.VersionLabel === versionLabel);
    if (!wanted) {
      throw new BeanstackError(`application ${env.ApplicationName} has no version '${versionLabel}'`, {
        code: 'aws/no-version',
        fix: `pick one of: ${versions.slice(0, 10).map((v) => v.VersionLabel).join(', ')}${versions.length > 10 ? ', ...' : ''}`,
      });
    }
    if (!DEPLOYABLE.has(wanted.Status)) {
      throw new BeanstackError(`version '${versionLabel}' is ${wanted.Status} and cannot be deployed`, { code: 'aws/version-not-deployable', fix: 'pick another version (--to or --version-label; beanstack history lists them)' });
    }
    if (wanted.VersionLabel === env.VersionLabel) {
      throw new BeanstackError(`${environmentName} already runs '${versionLabel}'`, { code: 'aws/already-running', fix: 'pick another version (--to or --version-label; beanstack history lists them)' });
    }
    return { environmentName, applicationName: env.ApplicationName, current: currentInfo, target: info(wanted) };
  }

  const before = current?.DateCreated?.getTime() ?? Number.POSITIVE_INFINITY;
  const candidates = versions
    .filter((v) => v.VersionLabel !== env.VersionLabel && DEPLOYABLE.has(v.Status) && (v.DateCreated?.getTime() ?? 0) < before)
    .sort((a, b) => (b.DateCreated?.getTime() ?? 0) - (a.DateCreated?.getTime() ?? 0) || ((a.VersionLabel ?? '') < (b.VersionLabel ?? '') ? -1 : 1));
  if (candidates.length === 0) {
    throw new BeanstackError(`application ${env.ApplicationName} has no version older than the running '${currentInfo.label}'`, {
      code: 'aws/no-previous-version',
      fix: 'there is nothing to roll back to; fix the app and deploy, or pass --version-label',
    });
  }
  return { environmentName, applicationName: env.ApplicationName, current: currentInfo, target: info(candidates[0]) };
}

export interface RollbackOptions {
  /** Between two status polls, in milliseconds. @default 10000 */
  readonly pollMs?: number;
  /** Give up waiting after, in milliseconds. @default 1800000 (30 minutes) */
  readonly timeoutMs?: number;
  /** Waits (tests pass a fake). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** The current time (tests pass a fake). */
  readonly now?: () => Date;
  /** Progress lines. */
  readonly log: (line: string) => void;
}

/** Deploys the plan's target version and waits until the environment is Ready; returns its final state. */
export async function executeRollback(clients: AwsClients, plan: RollbackPlan, o: RollbackOptions): Promise<EnvironmentDescription> {
  const now = o.now ?? (() => new Date());
  const started = now();
  await clients.elasticbeanstalk.send(new UpdateEnvironmentCommand({ EnvironmentName: plan.environmentName, VersionLabel: plan.target.label }));
  o.log(`deploying ${plan.target.label} to ${plan.environmentName}`);
  return waitUntilReady(clients, plan.environmentName, started, { ...o, code: 'aws/rollback-timeout' });
}

/**
 * Polls the environment until it is Ready again (after UpdateEnvironment or RestartAppServer, which
 * answer with Status Updating), printing each new event with its time and the elapsed time.
 */
export async function waitUntilReady(clients: AwsClients, environmentName: string, started: Date, o: RollbackOptions & { readonly code?: string }): Promise<EnvironmentDescription> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = o.now ?? (() => new Date());
  const seen = new Set<string>();
  const deadline = started.getTime() + (o.timeoutMs ?? 1800000);
  for (;;) {
    await sleep(o.pollMs ?? 10000);
    const events = await clients.elasticbeanstalk.send(new DescribeEventsCommand({ EnvironmentName: environmentName, StartTime: started, MaxRecords: 50 }));
    for (const e of [...(events.Events ?? [])].reverse()) {
      const key = `${e.EventDate?.toISOString()}|${e.Message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      o.log(`  ${[e.EventDate?.toISOString(), e.Severity, e.Message].filter((x) => x).join(' ')}`);
    }
    const out = await clients.elasticbeanstalk.send(new DescribeEnvironmentsCommand({ EnvironmentNames: [environmentName], IncludeDeleted: false }));
    const env = out.Environments?.[0];
    const elapsed = Math.round((now().getTime() - started.getTime()) / 1000);
    if (env && env.Status === 'Ready') {
      o.log(`  ${environmentName} is Ready (${elapsed} s)`);
      return env;
    }
    o.log(`  ${environmentName}: ${env?.Status ?? 'unknown'} (${elapsed} s)`);
    if (now().getTime() > deadline) {
      throw new BeanstackError(`${environmentName} did not become Ready in time (it is ${env?.Status ?? 'unknown'})`, {
        code: o.code ?? 'aws/wait-timeout',
        fix: 'follow it in the Elastic Beanstalk console; beanstack doctor shows its state',
      });
    }
  }
}
