/**
 * `beanstack doctor`: read-only checks of a deployed stack, grouped by resource: the stack, the
 * Elastic Beanstalk environment (health and causes, recent errors, running vs synthesized version),
 * the database (status, endpoint, public access, encryption, backups), the security groups (the
 * database port reachable only from the application, drift from the template) and IAM (the
 * instances' access to the secrets). Each check is one entry of `DOCTOR_CHECKS`.
 */
import { DescribeDBInstancesCommand, DBInstance } from '@aws-sdk/client-rds';
import { DescribeSecurityGroupRulesCommand, SecurityGroupRule } from '@aws-sdk/client-ec2';
import {
  DescribeApplicationVersionsCommand,
  DescribeEnvironmentHealthCommand,
  DescribeEnvironmentsCommand,
  DescribeEventsCommand,
  EnvironmentDescription,
  EventDescription,
} from '@aws-sdk/client-elastic-beanstalk';
import { SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { errorName } from './aws-errors';
import { Check, CheckOutcome, worstOf } from './check';
import type { AwsClients } from './clients';
import { DeployedStack, describeDeployedStack, once, physicalIds } from './deployed';
import { partitionOf, PlannedEnvironment, PlannedIngress, refTarget, StackPlan } from './stack-plan';
import { placeholderSecretsCheck, secretsExistCheck } from './secrets';
import { AlarmReader, alarmStates } from './alarms';

export interface DoctorContext {
  readonly plan: StackPlan;
  readonly clients: AwsClients;
  readonly region: string;
  readonly account: string;
  /** The deployed stack (memoized; undefined when not deployed). */
  readonly stack: () => Promise<DeployedStack | undefined>;
  /** Describes an environment by name (memoized). */
  readonly environment: (name: string) => Promise<EnvironmentDescription | undefined>;
  /** Describes an RDS instance by identifier (memoized). */
  readonly database: (id: string) => Promise<DBInstance | undefined>;
  /** Effective rules of the stack's security groups, by group id (memoized). */
  readonly securityGroupRules: () => Promise<ReadonlyMap<string, readonly SecurityGroupRule[]>>;
  /** Reads alarm states (lib/aws/alarms.ts). @default - CloudWatch through `clients` */
  readonly alarms?: AlarmReader;
}

export function doctorContext(plan: StackPlan, clients: AwsClients, account: string, region: string): DoctorContext {
  const stack = once(() => describeDeployedStack(clients, plan.stackName));
  const envCache = new Map<string, Promise<EnvironmentDescription | undefined>>();
  const dbCache = new Map<string, Promise<DBInstance | undefined>>();
  return {
    plan,
    clients,
    account,
    region,
    stack,
    environment: (name) => {
      if (!envCache.has(name)) {
        envCache.set(name, clients.elasticbeanstalk.send(new DescribeEnvironmentsCommand({ EnvironmentNames: [name], IncludeDeleted: false }))
          .then((out) => (out.Environments ?? []).find((e) => e.Status !== 'Terminated')));
      }
      return envCache.get(name)!;
    },
    database: (id) => {
      if (!dbCache.has(id)) {
        dbCache.set(id, clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id })).then((out) => out.DBInstances?.[0]).catch((e) => {
          if ((e as { name?: string }).name === 'DBInstanceNotFoundFault') return undefined;
          throw e;
        }));
      }
      return dbCache.get(id)!;
    },
    securityGroupRules: once(async () => {
      const deployed = await stack();
      const ids = deployed ? plan.securityGroups.map((g) => physicalIds(deployed).get(g.logicalId)).filter((x): x is string => x !== undefined) : [];
      const byGroup = new Map<string, SecurityGroupRule[]>(ids.map((id) => [id, []]));
      if (ids.length === 0) return byGroup;
      let token: string | undefined;
      do {
        const page = await clients.ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: ids }], NextToken: token, MaxResults: 1000 }));
        for (const r of page.SecurityGroupRules ?? []) if (r.GroupId) byGroup.get(r.GroupId)?.push(r);
        token = page.NextToken;
      } while (token);
      return byGroup;
    }),
  };
}

const pass = (summary: string, details?: string[]): CheckOutcome => ({ status: 'pass', summary, details });
const warn = (summary: string, fix?: string, details?: string[]): CheckOutcome => ({ status: 'warn', summary, fix, details });
const fail = (summary: string, fix?: string, details?: string[]): CheckOutcome => ({ status: 'fail', summary, fix, details });
const skip = (summary: string): CheckOutcome => ({ status: 'skip', summary });
const NOT_DEPLOYED = skip('the stack is not deployed');

/** Known messages of Beanstalk causes and events, and what to do about them (first match wins). */
export const KNOWN_PROBLEMS: readonly { readonly pattern: RegExp; readonly fix: string }[] = [
  { pattern: /Launch Configuration creation operation is not available/i, fix: 'new accounts need launch templates: set DisableIMDSv1=true and RootVolumeType=gp3 (beanstack\'s construct does) and deploy again' },
  { pattern: /No (Solution Stack|Platform) named/i, fix: 'the platform version was retired: run beanstack preflight for the newest version of the branch and set it' },
  { pattern: /AWSEBDockerrunVersion|Invalid Dockerrun/i, fix: 'the bundle does not match the platform: Dockerrun v2 for the ECS platform, docker-compose.yml or Dockerrun v1 for the Docker platform' },
  { pattern: /CannotPullContainer|Failed to pull|pull access denied|manifest unknown/i, fix: 'an image cannot be pulled: check the image URI and tag, and that the instance profile may read the ECR repository (imageRepositoryArns)' },
  { pattern: /instance profile .* does not exist/i, fix: 'the instance profile is missing: deploy the stack again so it creates it' },
  { pattern: /unable to pull secrets|ResourceInitializationError|secretsmanager/i, fix: 'a secret cannot be read: the task execution role (ECS) or the instance profile needs secretsmanager:GetSecretValue on it (see iam/secret-access)' },
  { pattern: /OutOfMemory|out of memory|OOM/i, fix: 'a container ran out of memory: raise its memory limit (mem_limit) or the instance type' },
  { pattern: /Essential container .*exited|essential container/i, fix: 'an essential container stopped: read its log in CloudWatch Logs (/aws/elasticbeanstalk/<environment>/...) and fix the crash, then deploy (or beanstack rollback)' },
  { pattern: /ELB health|health check|Target\.(ResponseCodeMismatch|Timeout|FailedHealthChecks)|Zero Healthy/i, fix: 'nothing answers the load balancer\'s health check: a container must listen on host port 80 and healthCheckPath must return 200' },
  { pattern: /5xx/i, fix: 'the application answers with 5xx errors: read the application logs in CloudWatch Logs' },
  { pattern: /Failed to deploy application|deployment failed|Instance deployment failed/i, fix: 'the deploy failed on the instances: the events before this one name the cause; beanstack rollback redeploys the previous version' },
];

export function fixFor(messages: readonly string[]): string | undefined {
  for (const known of KNOWN_PROBLEMS) {
    if (messages.some((m) => known.pattern.test(m))) return known.fix;
  }
  return undefined;
}

/** Each environment of the plan with its physical name; skips when not deployed. */
async function deployedEnvironments(ctx: DoctorContext): Promise<Array<{ env: PlannedEnvironment; name: string }> | undefined> {
  const stack = await ctx.stack();
  if (!stack) return undefined;
  const ids = physicalIds(stack);
  return ctx.plan.environments
    .map((env) => ({ env, name: ids.get(env.logicalId) ?? '' }))
    .filter((x) => x.name !== '');
}

// ---------------------------------------------------------------- stack

const stackStatus: Check<DoctorContext> = {
  id: 'stack/status',
  title: 'CloudFormation stack status',
  group: 'stack',
  permissions: ['cloudformation:DescribeStacks', 'cloudformation:ListStackResources'],
  fix: 'read the stack events in the CloudFormation console',
  run: async (ctx) => {
    const stack = await ctx.stack();
    if (!stack) return fail(`stack ${ctx.plan.stackName} is not deployed in ${ctx.region}`, 'run beanstack deploy');
    const s = stack.status;
    const reason = stack.statusReason ? [`reason: ${stack.statusReason}`] : undefined;
    if (s.endsWith('_IN_PROGRESS')) return warn(`${stack.stackName} is ${s}`, 'wait for the operation to finish and run doctor again', reason);
    if (s === 'UPDATE_ROLLBACK_COMPLETE') return warn(`${stack.stackName}: the last update was rolled back`, 'fix what the stack events name, then deploy again', reason);
    if (/FAILED$|^ROLLBACK_COMPLETE$/.test(s)) return fail(`${stack.stackName} is ${s}`, 'see the stack events; beanstack preflight says how to recover', reason);
    return pass(`${stack.stackName} is ${s}`);
  },
};

// ---------------------------------------------------------------- environment

const HEALTH_STATUS: Readonly<Record<string, 'pass' | 'warn' | 'fail'>> = { Green: 'pass', Yellow: 'warn', Red: 'fail', Grey: 'warn' };

const environmentHealth: Check<DoctorContext> = {
  id: 'environment/health',
  title: 'Environment health and causes',
  group: 'environment',
  permissions: ['elasticbeanstalk:DescribeEnvironmentHealth'],
  fix: 'open the environment\'s Health page in the Elastic Beanstalk console for per-instance causes',
  run: async (ctx) => {
    const envs = await deployedEnvironments(ctx);
    if (!envs) return NOT_DEPLOYED;
    if (envs.length === 0) return skip('the stack has no Elastic Beanstalk environment');
    const outcomes: CheckOutcome[] = [];
    for (const { name } of envs) {
      let h;
      try {
        h = await ctx.clients.elasticbeanstalk.send(new DescribeEnvironmentHealthCommand({ EnvironmentName: name, AttributeNames: ['All'] }));
      } catch (e) {
        // basic health reporting has no causes: fall back to the environment's colour
        if (errorName(e) !== 'InvalidRequestException') throw e;
        const env = await ctx.environment(name);
        if (!env) {
          outcomes.push(fail(`environment ${name} does not exist any more`, 'it was terminated outside CloudFormation: deploy again to recreate it'));
          continue;
        }
        h = { Status: env.Status, Color: env.Health, HealthStatus: env.HealthStatus ?? 'basic health reporting', Causes: [] as string[], InstancesHealth: undefined };
      }
      const color = h.Color ?? 'Grey';
      const instances = h.InstancesHealth;
      const counts = instances
        ? Object.entries(instances).filter(([, n]) => typeof n === 'number' && n > 0).map(([k, n]) => `${n} ${k.toLowerCase()}`).sort()
        : [];
      const summary = `${name}: ${h.Status ?? '?'}, ${color} (${h.HealthStatus ?? '?'})${counts.length > 0 ? `, instances: ${counts.join(', ')}` : ''}`;
      const causes = [...(h.Causes ?? [])];
      const status = HEALTH_STATUS[color] ?? 'warn';
      if (status === 'pass') outcomes.push(pass(summary, causes));
      else outcomes.push({ status, summary, fix: fixFor(causes) ?? (color === 'Grey' ? 'the environment is updating or has no data yet; run doctor again in a few minutes' : undefined), details: causes });
    }
    return worstOf(outcomes.filter((o) => o.status !== 'pass')) ?? pass(outcomes.map((o) => o.summary).join('; '));
  },
};

const environmentEvents: Check<DoctorContext> = {
  id: 'environment/recent-errors',
  title: 'Errors since the last deploy',
  group: 'environment',
  permissions: ['elasticbeanstalk:DescribeEvents'],
  fix: 'read the events before these in the Elastic Beanstalk console (Events) and the logs (Logs → Request logs)',
  run: async (ctx) => {
    const envs = await deployedEnvironments(ctx);
    if (!envs) return NOT_DEPLOYED;
    if (envs.length === 0) return skip('the stack has no Elastic Beanstalk environment');
    const stack = (await ctx.stack())!;
    const errors: EventDescription[] = [];
    for (const { name } of envs) {
      const out = await ctx.clients.elasticbeanstalk.send(new DescribeEventsCommand({
        EnvironmentName: name,
        Severity: 'ERROR',
        StartTime: stack.lastUpdated,
        MaxRecords: 20,
      }));
      errors.push(...(out.Events ?? []).filter((e) => e.Severity === 'ERROR' || e.Severity === 'FATAL'));
    }
    const since = stack.lastUpdated ? ` since ${stack.lastUpdated.toISOString()}` : '';
    if (errors.length === 0) return pass(`no error events${since}`);
    errors.sort((a, b) => (b.EventDate?.getTime() ?? 0) - (a.EventDate?.getTime() ?? 0));
    const messages = errors.map((e) => e.Message ?? '');
    const details = errors.slice(0, 5).map((e) => `${e.EventDate?.toISOString() ?? '?'} ${e.Severity} ${oneLine(e.Message ?? '')}`);
    return warn(`${errors.length} error event${errors.length === 1 ? '' : 's'}${since}; newest: ${oneLine(messages[0]).slice(0, 160)}`, fixFor(messages), details);
  },
};

const environmentVersion: Check<DoctorContext> = {
  id: 'environment/version',
  title: 'Running version vs the synthesized one',
  group: 'environment',
  permissions: ['elasticbeanstalk:DescribeEnvironments', 'elasticbeanstalk:DescribeApplicationVersions'],
  fix: 'run beanstack deploy to ship the synthesized bundle',
  run: async (ctx) => {
    const envs = await deployedEnvironments(ctx);
    if (!envs) return NOT_DEPLOYED;
    if (envs.length === 0) return skip('the stack has no Elastic Beanstalk environment');
    const outcomes: CheckOutcome[] = [];
    for (const { env, name } of envs) {
      const e = await ctx.environment(name);
      if (!e) {
        outcomes.push(fail(`environment ${name} does not exist any more`, 'it was terminated outside CloudFormation: deploy again to recreate it'));
        continue;
      }
      const label = e.VersionLabel;
      if (!label) {
        outcomes.push(warn(`${name} runs no application version`));
        continue;
      }
      const out = await ctx.clients.elasticbeanstalk.send(new DescribeApplicationVersionsCommand({ ApplicationName: e.ApplicationName, VersionLabels: [label] }));
      const key = out.ApplicationVersions?.[0]?.SourceBundle?.S3Key;
      const short = (k: string | undefined) => (k ? k.replace(/\.zip$/, '').slice(0, 12) : '?');
      if (e.Status === 'Updating' || e.Status === 'Launching') {
        outcomes.push(warn(`${name} is ${e.Status.toLowerCase()} (running ${label})`, 'wait for the deploy to finish and run doctor again'));
      } else if (env.sourceBundleKey === undefined) {
        outcomes.push(pass(`${name} runs ${label} (bundle ${short(key)}); the synthesized bundle is unknown`));
      } else if (key === env.sourceBundleKey) {
        outcomes.push(pass(`${name} runs ${label}, the synthesized bundle ${short(key)}`));
      } else {
        outcomes.push(warn(`${name} runs ${label} (bundle ${short(key)}), not the synthesized bundle ${short(env.sourceBundleKey)}`,
          'the app changed since the last deploy, or a rollback is in place: run beanstack deploy to ship the synthesized bundle'));
      }
    }
    return worstOf(outcomes.filter((o) => o.status !== 'pass')) ?? pass(outcomes.map((o) => o.summary).join('; '));
  },
};

// ---------------------------------------------------------------- database

async function deployedDatabases(ctx: DoctorContext): Promise<Array<{ logicalId: string; id: string; db: DBInstance | undefined }> | undefined> {
  const stack = await ctx.stack();
  if (!stack) return undefined;
  const ids = physicalIds(stack);
  const out = [];
  for (const planned of ctx.plan.databases) {
    const id = ids.get(planned.logicalId);
    if (id) out.push({ logicalId: planned.logicalId, id, db: await ctx.database(id) });
  }
  return out;
}

/** A check over each deployed RDS instance. */
function databaseCheck(
  spec: Omit<Check<DoctorContext>, 'run' | 'permissions' | 'group'>,
  judge: (db: DBInstance, id: string) => CheckOutcome,
): Check<DoctorContext> {
  return {
    ...spec,
    group: 'database',
    permissions: ['rds:DescribeDBInstances'],
    run: async (ctx) => {
      const dbs = await deployedDatabases(ctx);
      if (!dbs) return NOT_DEPLOYED;
      if (dbs.length === 0) return skip('the stack has no RDS instance');
      const outcomes = dbs.map(({ id, db }) => (db ? judge(db, id) : fail(`RDS instance ${id} does not exist any more`, 'it was deleted outside CloudFormation: restore it from a snapshot, or deploy to create a new one')));
      return worstOf(outcomes.filter((o) => o.status !== 'pass')) ?? pass(outcomes.map((o) => o.summary).join('; '));
    },
  };
}

const TRANSIENT_DB_STATES = new Set(['backing-up', 'modifying', 'maintenance', 'upgrading', 'starting', 'rebooting', 'creating', 'configuring-enhanced-monitoring', 'configuring-log-exports', 'renaming', 'resetting-master-credentials', 'storage-optimization', 'moving-to-vpc']);

const databaseStatus = databaseCheck({
  id: 'database/status',
  title: 'RDS status and endpoint',
  fix: 'see the RDS console (Logs & events) for the instance',
}, (db, id) => {
  const s = db.DBInstanceStatus ?? '?';
  const endpoint = db.Endpoint?.Address ? `${db.Endpoint.Address}:${db.Endpoint.Port ?? '?'}` : 'no endpoint yet';
  const text = `${id}: ${s}, ${db.Engine ?? '?'} ${db.EngineVersion ?? '?'}, ${endpoint}`;
  if (s === 'available') return pass(text);
  if (TRANSIENT_DB_STATES.has(s)) return warn(text, 'the instance is busy; run doctor again when it is available');
  if (s === 'storage-full') return fail(text, 'raise allocatedStorageGiB / maxAllocatedStorageGiB and deploy');
  if (s === 'stopped' || s === 'stopping') return fail(text, `start it: aws rds start-db-instance --db-instance-identifier ${id}`);
  return fail(text);
});

const databaseNotPublic = databaseCheck({
  id: 'database/not-public',
  title: 'RDS not publicly accessible',
  fix: 'turn public access off: aws rds modify-db-instance --db-instance-identifier <id> --no-publicly-accessible --apply-immediately',
}, (db, id) => (db.PubliclyAccessible
  ? fail(`${id} is publicly accessible (changed outside the stack, which sets it to false)`,
    `turn it off: aws rds modify-db-instance --db-instance-identifier ${id} --no-publicly-accessible --apply-immediately`)
  : pass(`${id} is not publicly accessible`)));

const databaseEncryption = databaseCheck({
  id: 'database/encryption',
  title: 'RDS storage encrypted',
  fix: 'encryption cannot be turned on in place: snapshot, copy the snapshot with encryption, restore',
}, (db, id) => (db.StorageEncrypted
  ? pass(`${id} storage is encrypted${db.KmsKeyId ? ` (KMS key ${db.KmsKeyId.split('/').pop()})` : ''}`)
  : fail(`${id} storage is not encrypted`)));

const databaseBackups = databaseCheck({
  id: 'database/backups',
  title: 'RDS automated backups',
  fix: 'set backupRetentionDays (1 to 35) and deploy',
}, (db, id) => {
  const days = db.BackupRetentionPeriod ?? 0;
  if (days === 0) return fail(`${id} has automated backups turned off`, 'set backupRetentionDays (1 to 35) and deploy; without it no point-in-time restore is possible');
  const latest = db.LatestRestorableTime ? `, restorable to ${db.LatestRestorableTime.toISOString()}` : '';
  const protection = db.DeletionProtection ? ', deletion protection on' : ', deletion protection off';
  return pass(`${id} keeps backups ${days} day${days === 1 ? '' : 's'}${latest}${protection}`);
});

// ---------------------------------------------------------------- network

interface EffectiveRule {
  readonly id: string;
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly source: string;
}

function effectiveIngress(rules: readonly SecurityGroupRule[]): EffectiveRule[] {
  return rules.filter((r) => !r.IsEgress).map((r) => ({
    id: r.SecurityGroupRuleId ?? '?',
    protocol: (r.IpProtocol ?? '-1').toLowerCase(),
    fromPort: r.FromPort === -1 ? undefined : r.FromPort,
    toPort: r.ToPort === -1 ? undefined : r.ToPort,
    source: r.ReferencedGroupInfo?.GroupId ?? r.CidrIpv4 ?? r.CidrIpv6 ?? r.PrefixListId ?? '?',
  }));
}

function plannedSource(rule: PlannedIngress, ids: ReadonlyMap<string, string>): string {
  if (rule.sourceSecurityGroup) return ids.get(rule.sourceSecurityGroup) ?? `<${rule.sourceSecurityGroup}>`;
  return rule.cidrIpv4 ?? rule.cidrIpv6 ?? rule.prefixListId ?? '?';
}

const ruleKey = (r: { protocol: string; fromPort?: number; toPort?: number; source: string }) =>
  `${r.protocol}|${r.protocol === '-1' ? '' : r.fromPort ?? ''}|${r.protocol === '-1' ? '' : r.toPort ?? ''}|${r.source}`;

function describeRule(r: EffectiveRule, names: ReadonlyMap<string, string>): string {
  const ports = r.protocol === '-1' ? 'all traffic' : r.fromPort === r.toPort ? `${r.protocol} ${r.fromPort}` : `${r.protocol} ${r.fromPort}-${r.toPort}`;
  return `${r.id}: ${ports} from ${names.get(r.source) ?? r.source}`;
}

const databaseIngress: Check<DoctorContext> = {
  id: 'network/database-ingress',
  title: 'Database port reachable only from the application',
  group: 'network',
  permissions: ['ec2:DescribeSecurityGroupRules'],
  fix: 'revoke the rules added outside the stack (aws ec2 revoke-security-group-ingress) and restore the intended one',
  run: async (ctx) => {
    const stack = await ctx.stack();
    if (!stack) return NOT_DEPLOYED;
    if (ctx.plan.databases.length === 0) return skip('the stack has no RDS instance');
    const ids = physicalIds(stack);
    const rules = await ctx.securityGroupRules();
    const appGroups = new Set(ctx.plan.environments.flatMap((e) => e.instanceSecurityGroups).map((l) => ids.get(l)).filter((x): x is string => x !== undefined));
    const names = groupNames(ctx, ids);
    const outcomes: CheckOutcome[] = [];
    for (const db of ctx.plan.databases) {
      const port = db.port;
      for (const sgLogical of db.securityGroups) {
        const sg = ids.get(sgLogical);
        if (!sg) continue;
        const ingress = effectiveIngress(rules.get(sg) ?? []);
        const foreign = ingress.filter((r) => !(appGroups.has(r.source) && r.protocol === 'tcp' && r.fromPort === port && r.toPort === port));
        const fromApp = ingress.filter((r) => appGroups.has(r.source) && r.protocol === 'tcp' && r.fromPort === port && r.toPort === port);
        if (foreign.length > 0) {
          outcomes.push(fail(`${sg} (database) admits more than port ${port} from the application: ${foreign.length} rule${foreign.length === 1 ? '' : 's'} not in the stack`,
            `revoke ${foreign.length === 1 ? 'it' : 'them'} (CloudFormation does not undo changes made outside it): aws ec2 revoke-security-group-ingress --group-id ${sg} --security-group-rule-ids ${foreign.map((r) => r.id).join(' ')}`,
            foreign.map((r) => `drift: ${describeRule(r, names)}`)));
        } else if (fromApp.length === 0) {
          const app = [...appGroups][0];
          outcomes.push(fail(`${sg} (database) has no rule admitting port ${port} from the application security group: the application cannot reach the database`,
            app && port !== undefined
              ? `restore it (CloudFormation does not notice rules removed outside it): aws ec2 authorize-security-group-ingress --group-id ${sg} --protocol tcp --port ${port} --source-group ${app}`
              : 'restore the rule the stack defines (CloudFormation does not notice rules removed outside it)'));
        } else {
          outcomes.push(pass(`${sg} admits tcp ${port} only from ${[...appGroups].map((g) => names.get(g) ?? g).join(', ')}`));
        }
      }
    }
    if (outcomes.length === 0) return skip('the database security groups are not deployed');
    return worstOf(outcomes.filter((o) => o.status !== 'pass')) ?? pass(outcomes.map((o) => o.summary).join('; '));
  },
};

const securityGroupDrift: Check<DoctorContext> = {
  id: 'network/security-group-drift',
  title: 'Security group rules match the stack',
  group: 'network',
  permissions: ['ec2:DescribeSecurityGroupRules'],
  fix: 'CloudFormation does not undo changes made outside it: revoke the added rules (aws ec2 revoke-security-group-ingress --group-id <sg> --security-group-rule-ids <sgr-...>) and re-create the missing ones, or put the rules you want into the CDK app',
  run: async (ctx) => {
    const stack = await ctx.stack();
    if (!stack) return NOT_DEPLOYED;
    const ids = physicalIds(stack);
    const rules = await ctx.securityGroupRules();
    const names = groupNames(ctx, ids);
    const drift: string[] = [];
    let checked = 0;
    for (const group of ctx.plan.securityGroups) {
      const sg = ids.get(group.logicalId);
      if (!sg) continue;
      checked++;
      const actual = effectiveIngress(rules.get(sg) ?? []);
      const planned = group.ingress.map((r) => ({ protocol: r.protocol, fromPort: r.fromPort, toPort: r.toPort, source: plannedSource(r, ids) }));
      const plannedKeys = new Set(planned.map(ruleKey));
      const actualKeys = new Set(actual.map(ruleKey));
      for (const r of actual) if (!plannedKeys.has(ruleKey(r))) drift.push(`${names.get(sg) ?? sg}: added ${describeRule(r, names)}`);
      for (const r of planned) {
        if (!actualKeys.has(ruleKey(r))) {
          drift.push(`${names.get(sg) ?? sg}: missing ${describeRule({ id: 'rule', ...r }, names).replace(/^rule: /, '')}`);
        }
      }
    }
    if (checked === 0) return skip('the stack has no security group');
    if (drift.length > 0) return warn(`${drift.length} ingress rule${drift.length === 1 ? ' differs' : 's differ'} from the stack`, undefined, drift.sort());
    return pass(`the ingress rules of ${checked} security group${checked === 1 ? '' : 's'} match the stack`);
  },
};

/** Physical group id → `sg-… (LogicalId)`. */
function groupNames(ctx: DoctorContext, ids: ReadonlyMap<string, string>): Map<string, string> {
  const names = new Map<string, string>();
  for (const g of ctx.plan.securityGroups) {
    const id = ids.get(g.logicalId);
    if (id) names.set(id, `${id} (${g.logicalId})`);
  }
  return names;
}

// ---------------------------------------------------------------- iam

const secretAccess: Check<DoctorContext> = {
  id: 'iam/secret-access',
  title: 'Instances can read the database secret',
  group: 'iam',
  permissions: ['iam:SimulatePrincipalPolicy'],
  fix: 'grant secretsmanager:GetSecretValue on the secret to the instance role (environmentSecrets in the construct does) and deploy',
  run: async (ctx) => {
    const stack = await ctx.stack();
    if (!stack) return NOT_DEPLOYED;
    const ids = physicalIds(stack);
    const resources = ctx.plan.template.Resources ?? {};
    const partition = partitionOf(ctx.region);
    const outcomes: CheckOutcome[] = [];
    for (const env of ctx.plan.environments) {
      const secretLogicalIds = [...new Set([
        ...Object.values(env.secretEnvironment),
        ...ctx.plan.databases.map((d) => d.secretLogicalId).filter((x): x is string => x !== undefined),
      ])].sort();
      const secretArns = secretLogicalIds.map((l) => ids.get(l)).filter((x): x is string => x !== undefined && x.startsWith('arn:'));
      if (secretArns.length === 0) continue;
      // the instance role, and the ECS task execution role that resolves secrets on the ECS platform
      const profile = env.instanceProfileLogicalId ? resources[env.instanceProfileLogicalId] : undefined;
      const roleLogicalIds = [
        ...(((profile?.Properties?.Roles as unknown[]) ?? []).map(refTarget).filter((x): x is string => x !== undefined)),
        ...Object.keys(resources).filter((id) => resources[id].Type === 'AWS::IAM::Role'
          && JSON.stringify(resources[id].Properties?.AssumeRolePolicyDocument ?? {}).includes('ecs-tasks.amazonaws.com')),
      ];
      for (const roleLogical of [...new Set(roleLogicalIds)].sort()) {
        const roleName = ids.get(roleLogical);
        if (!roleName) continue;
        const roleArn = `arn:${partition}:iam::${ctx.account}:role/${roleName}`;
        const out = await ctx.clients.iam.send(new SimulatePrincipalPolicyCommand({
          PolicySourceArn: roleArn,
          ActionNames: ['secretsmanager:GetSecretValue'],
          ResourceArns: secretArns,
        }));
        const deniedTo = (out.EvaluationResults ?? []).filter((r) => r.EvalDecision !== 'allowed').map((r) => `${r.EvalResourceName ?? '?'} (${r.EvalDecision ?? '?'})`);
        if (deniedTo.length > 0) {
          outcomes.push(fail(`role ${roleName} cannot read ${deniedTo.length} secret${deniedTo.length === 1 ? '' : 's'}: the environment variables from them stay empty`, undefined, deniedTo));
        } else {
          outcomes.push(pass(`role ${roleName} may read ${secretArns.length} secret${secretArns.length === 1 ? '' : 's'}`));
        }
      }
    }
    if (outcomes.length === 0) return skip('no environment reads a secret of the stack');
    return worstOf(outcomes.filter((o) => o.status !== 'pass')) ?? pass(outcomes.map((o) => o.summary).join('; '));
  },
};

/** Every doctor check, in report order (grouped by resource). */
export const DOCTOR_CHECKS: readonly Check<DoctorContext>[] = [
  stackStatus,
  environmentHealth,
  environmentEvents,
  environmentVersion,
  databaseStatus,
  databaseNotPublic,
  databaseEncryption,
  databaseBackups,
  databaseIngress,
  securityGroupDrift,
  secretAccess,
  secretsExistCheck,
  placeholderSecretsCheck,
  alarmStates,
];

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The environment URL of a deployed stack: an output that looks like one, else the environment's CNAME. */
export async function environmentUrl(ctx: DoctorContext): Promise<string | undefined> {
  const stack = await ctx.stack();
  if (!stack) return undefined;
  const keys = Object.keys(stack.outputs).sort();
  const byName = keys.find((k) => /url/i.test(k) && /^https?:\/\//.test(stack.outputs[k]));
  if (byName) return stack.outputs[byName];
  const envs = await deployedEnvironments(ctx);
  for (const { name } of envs ?? []) {
    const e = await ctx.environment(name);
    if (e?.CNAME) return `http://${e.CNAME}`;
    if (e?.EndpointURL) return `http://${e.EndpointURL}`;
  }
  return undefined;
}
