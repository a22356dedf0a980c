/**
 * `beanstack preflight`: read-only checks of what a synthesized stack will create against the
 * account and region it deploys to. Each check is one entry of `PREFLIGHT_CHECKS`.
 */
import {
  DescribeAddressesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeInternetGatewaysCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import {
  CheckDNSAvailabilityCommand,
  DescribeApplicationsCommand,
  DescribeEnvironmentsCommand,
  DescribePlatformVersionCommand,
  ListAvailableSolutionStacksCommand,
  ListPlatformVersionsCommand,
} from '@aws-sdk/client-elastic-beanstalk';
import { DescribeDBEngineVersionsCommand, DescribeOrderableDBInstanceOptionsCommand, OrderableDBInstanceOption } from '@aws-sdk/client-rds';
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand } from '@aws-sdk/client-service-quotas';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { describeAwsError, errorName } from './aws-errors';
import { Check, CheckOutcome, worstOf } from './check';
import type { AwsClients } from './clients';
import { DeployedStack, describeDeployedStack, once, physicalIds } from './deployed';
import { DOMAIN_CHECKS } from './domain-checks';
import type { PlannedCounts, StackPlan } from './stack-plan';
import { compareVersions } from '../util/order';

/** The caller, from STS GetCallerIdentity. */
export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
}

export interface PreflightContext {
  readonly plan: StackPlan;
  readonly clients: AwsClients;
  /** The region the stack deploys to. */
  readonly region: string;
  readonly identity: CallerIdentity;
  /**
   * Bootstrap version the installed CDK CLI would deploy; an older bootstrap stack is a warning.
   *
   * @default - not compared
   */
  readonly latestBootstrapVersion?: number;
  /** The deployed stack of the same name (memoized; undefined when there is none). */
  readonly deployed: () => Promise<DeployedStack | undefined>;
}

/** Builds the context, memoizing the lookup of the deployed stack. */
export function preflightContext(
  plan: StackPlan,
  clients: AwsClients,
  identity: CallerIdentity,
  region: string,
  latestBootstrapVersion?: number,
): PreflightContext {
  return {
    plan,
    clients,
    identity,
    region,
    latestBootstrapVersion,
    deployed: once(() => describeDeployedStack(clients, plan.stackName)),
  };
}

const pass = (summary: string, details?: string[]): CheckOutcome => ({ status: 'pass', summary, details });
const warn = (summary: string, fix?: string, details?: string[]): CheckOutcome => ({ status: 'warn', summary, fix, details });
const fail = (summary: string, fix?: string, details?: string[]): CheckOutcome => ({ status: 'fail', summary, fix, details });
const skip = (summary: string): CheckOutcome => ({ status: 'skip', summary });

// ---------------------------------------------------------------- account

const identityCheck: Check<PreflightContext> = {
  id: 'account/identity',
  title: 'Credentials, account and region',
  group: 'account',
  permissions: ['sts:GetCallerIdentity'],
  fix: 'use credentials of the account the stack is bound to (AWS_PROFILE=<profile>), or change env.account in the CDK app',
  run: async (ctx) => {
    const { plan, identity, region } = ctx;
    const who = `${identity.arn} in ${region}`;
    if (plan.account !== undefined && plan.account !== identity.account) {
      return fail(`the stack is bound to account ${plan.account}, but the credentials are for account ${identity.account} (${identity.arn})`);
    }
    if (plan.account === undefined || plan.region === undefined) {
      return warn(`${who}; the stack is environment-agnostic and deploys wherever the credentials point`,
        'bind the stack to an account and region (env: { account, region } in the CDK app) so a wrong profile cannot deploy it elsewhere');
    }
    return pass(who);
  },
};

const bootstrapCheck: Check<PreflightContext> = {
  id: 'account/cdk-bootstrap',
  title: 'CDK bootstrap stack',
  group: 'account',
  permissions: ['ssm:GetParameter'],
  fix: 'run npx cdk bootstrap aws://<account>/<region>',
  run: async (ctx) => {
    const required = ctx.plan.bootstrap;
    if (!required) return skip('the stack uses a synthesizer that needs no bootstrap stack');
    const target = `aws://${ctx.identity.account}/${ctx.region}`;
    const command = `npx cdk bootstrap ${target}`;
    let version: number;
    try {
      const out = await ctx.clients.ssm.send(new GetParameterCommand({ Name: required.ssmParameter }));
      version = Number(out.Parameter?.Value);
    } catch (e) {
      if (errorName(e) === 'ParameterNotFound') {
        return fail(`${target} is not bootstrapped (no SSM parameter ${required.ssmParameter})`, `run ${command} once per account and region`);
      }
      throw e;
    }
    if (!Number.isFinite(version)) return fail(`the bootstrap version parameter ${required.ssmParameter} holds no number`, `run ${command} to repair it`);
    if (version < required.requiredVersion) {
      return fail(`bootstrap version ${version} is older than the ${required.requiredVersion} this stack needs`, `run ${command} to upgrade the bootstrap stack`);
    }
    if (ctx.latestBootstrapVersion !== undefined && version < ctx.latestBootstrapVersion) {
      return warn(`bootstrap version ${version} works (needs ${required.requiredVersion}) but the installed CDK ships version ${ctx.latestBootstrapVersion}`,
        `run ${command} to upgrade (it keeps existing assets)`);
    }
    return pass(`bootstrap version ${version} (needs ${required.requiredVersion} or later)`);
  },
};

// ---------------------------------------------------------------- compute

const instanceTypeCheck: Check<PreflightContext> = {
  id: 'compute/instance-type-offered',
  title: 'Instance types offered in the availability zones',
  group: 'compute',
  permissions: ['ec2:DescribeInstanceTypeOfferings'],
  fix: 'pick an instance type offered in every availability zone of the VPC (aws ec2 describe-instance-type-offerings --location-type availability-zone)',
  run: async (ctx) => {
    const types = [...new Set(ctx.plan.environments.flatMap((e) => e.instanceTypes))].sort();
    if (types.length === 0) return skip('the stack has no Elastic Beanstalk environment');
    const azs = ctx.plan.availabilityZones;
    const byAz = azs.length > 0;
    const offered = new Map<string, Set<string>>(types.map((t) => [t, new Set<string>()]));
    let token: string | undefined;
    do {
      const page = await ctx.clients.ec2.send(new DescribeInstanceTypeOfferingsCommand({
        LocationType: byAz ? 'availability-zone' : 'region',
        Filters: [
          { Name: 'instance-type', Values: types },
          { Name: 'location', Values: byAz ? [...azs] : [ctx.region] },
        ],
        NextToken: token,
      }));
      for (const o of page.InstanceTypeOfferings ?? []) {
        if (o.InstanceType && o.Location) offered.get(o.InstanceType)?.add(o.Location);
      }
      token = page.NextToken;
    } while (token);
    const where = byAz ? azs.join(', ') : ctx.region;
    const none = types.filter((t) => offered.get(t)!.size === 0);
    if (none.length > 0) {
      return fail(`${none.join(', ')} ${none.length === 1 ? 'is' : 'are'} not offered in ${where}`,
        `use an instance type offered there (is '${none[0]}' spelled right?), e.g. t3.small (x86_64) or t4g.small (arm64)`);
    }
    if (byAz) {
      const partial = types.map((t) => ({ t, missing: azs.filter((az) => !offered.get(t)!.has(az)) })).filter((x) => x.missing.length > 0);
      if (partial.length > 0) {
        return warn(`${partial.map((p) => `${p.t} is not offered in ${p.missing.join(', ')}`).join('; ')}`,
          'instances launched in those zones will fail; pick a type offered in every zone, or a VPC in other zones (maxAzs / cdk.context.json)');
      }
      return pass(`${types.join(', ')} offered in ${where}`);
    }
    return pass(`${types.join(', ')} offered in ${ctx.region} (availability zones unknown at synth: environment-agnostic stack)`);
  },
};

// ---------------------------------------------------------------- database

/** `8.4.10` → `8.4`, `16.13` → `16` (the major line RDS groups versions by). */
function majorOf(engine: string, version: string): string {
  const parts = version.split('.');
  return engine.startsWith('postgres') ? parts[0] : parts.slice(0, 2).join('.');
}

const engineVersionCheck: Check<PreflightContext> = {
  id: 'database/engine-version',
  title: 'RDS engine version available',
  group: 'database',
  permissions: ['rds:DescribeDBEngineVersions'],
  fix: 'use an engine version RDS offers in this region (aws rds describe-db-engine-versions --engine <engine>)',
  run: async (ctx) => {
    const dbs = ctx.plan.databases;
    if (dbs.length === 0) return skip('the stack has no RDS instance');
    const problems: CheckOutcome[] = [];
    const found: string[] = [];
    for (const db of dbs) {
      if (!db.engine || !db.engineVersion) {
        problems.push(warn(`${db.logicalId}: engine or version is not a literal in the template, so it cannot be checked`, 'set a full engine version (e.g. 8.4.10) in the CDK app'));
        continue;
      }
      const out = await ctx.clients.rds.send(new DescribeDBEngineVersionsCommand({ Engine: db.engine, EngineVersion: db.engineVersion, IncludeAll: true }));
      const v = (out.DBEngineVersions ?? []).find((x) => x.EngineVersion === db.engineVersion);
      if (!v) {
        const major = majorOf(db.engine, db.engineVersion);
        const all = await ctx.clients.rds.send(new DescribeDBEngineVersionsCommand({ Engine: db.engine, MaxRecords: 100 }));
        const same = (all.DBEngineVersions ?? [])
          .map((x) => x.EngineVersion ?? '')
          .filter((x) => majorOf(db.engine!, x) === major)
          .sort(compareVersions);
        problems.push(fail(`${db.engine} ${db.engineVersion} is not available in ${ctx.region}`,
          same.length > 0 ? `use ${same[same.length - 1]} (newest ${db.engine} ${major} here)` : `use a ${db.engine} version RDS offers in ${ctx.region}`,
          same.length > 0 ? [`available ${db.engine} ${major} versions: ${same.join(', ')}`] : undefined));
        continue;
      }
      if (v.Status && v.Status !== 'available') {
        problems.push(warn(`${db.engine} ${db.engineVersion} is ${v.Status} in ${ctx.region}`, 'move to a supported version of the engine before RDS upgrades it for you'));
        continue;
      }
      const newer = (v.ValidUpgradeTarget ?? [])
        .filter((t) => !t.IsMajorVersionUpgrade && t.EngineVersion)
        .map((t) => t.EngineVersion!)
        .sort(compareVersions);
      found.push(`${db.engine} ${db.engineVersion}${newer.length > 0 ? ` (newer minor: ${newer[newer.length - 1]})` : ''}`);
    }
    return worstOf(problems) ?? pass(`${found.join('; ')} available`);
  },
};

const orderableCheck: Check<PreflightContext> = {
  id: 'database/instance-orderable',
  title: 'RDS instance class orderable with the storage type',
  group: 'database',
  permissions: ['rds:DescribeOrderableDBInstanceOptions'],
  fix: 'pick an instance class RDS sells for this engine version and storage type (aws rds describe-orderable-db-instance-options)',
  run: async (ctx) => {
    const dbs = ctx.plan.databases;
    if (dbs.length === 0) return skip('the stack has no RDS instance');
    const problems: CheckOutcome[] = [];
    const found: string[] = [];
    for (const db of dbs) {
      if (!db.engine || !db.engineVersion || !db.instanceClass) {
        problems.push(warn(`${db.logicalId}: engine, version or class is not a literal in the template, so it cannot be checked`));
        continue;
      }
      const options: OrderableDBInstanceOption[] = [];
      let marker: string | undefined;
      do {
        const page = await ctx.clients.rds.send(new DescribeOrderableDBInstanceOptionsCommand({
          Engine: db.engine, EngineVersion: db.engineVersion, DBInstanceClass: db.instanceClass, Vpc: true, Marker: marker,
        }));
        options.push(...(page.OrderableDBInstanceOptions ?? []));
        marker = page.Marker;
      } while (marker);
      const what = `${db.instanceClass} (${db.engine} ${db.engineVersion})`;
      if (options.length === 0) {
        problems.push(fail(`${what} is not orderable in ${ctx.region}`, `pick another class, e.g. db.t4g.micro or db.t3.micro, that RDS offers for ${db.engine} ${db.engineVersion}`));
        continue;
      }
      const withStorage = options.filter((o) => o.StorageType === db.storageType);
      if (withStorage.length === 0) {
        const types = [...new Set(options.map((o) => o.StorageType ?? '?'))].sort();
        problems.push(fail(`${what} is not orderable with ${db.storageType} storage`, `use storage type ${types.join(' or ')}`));
        continue;
      }
      if (db.multiAz && !withStorage.some((o) => o.MultiAZCapable)) {
        problems.push(fail(`${what} cannot be Multi-AZ with ${db.storageType} storage`, 'pick a larger instance class or turn off multiAz'));
        continue;
      }
      if (db.storageEncrypted && !withStorage.some((o) => o.SupportsStorageEncryption)) {
        problems.push(fail(`${what} does not support storage encryption`, 'pick a current-generation class (db.t4g, db.t3, db.m6g, ...); beanstack always encrypts'));
        continue;
      }
      const offeredAzs = new Set(withStorage.flatMap((o) => (o.AvailabilityZones ?? []).map((a) => a.Name ?? '')));
      const missing = ctx.plan.availabilityZones.filter((az) => !offeredAzs.has(az));
      if (ctx.plan.availabilityZones.length > 0 && missing.length === ctx.plan.availabilityZones.length) {
        problems.push(fail(`${what} is not orderable in any zone of the VPC (${ctx.plan.availabilityZones.join(', ')})`, 'pick another instance class or VPC zones'));
        continue;
      }
      if (missing.length > 0) {
        problems.push(warn(`${what} is not orderable in ${missing.join(', ')}`, 'RDS places the instance (and a Multi-AZ standby) in the other zones; pick a class offered in every zone to keep the choice'));
        continue;
      }
      found.push(`${what} with ${db.storageType}${db.multiAz ? ', Multi-AZ' : ''}`);
    }
    return worstOf(problems) ?? pass(`${found.join('; ')} orderable`);
  },
};

// ---------------------------------------------------------------- platform

const platformCheck: Check<PreflightContext> = {
  id: 'platform/platform-version',
  title: 'Elastic Beanstalk platform version current',
  group: 'platform',
  permissions: ['elasticbeanstalk:DescribePlatformVersion', 'elasticbeanstalk:ListPlatformVersions', 'elasticbeanstalk:ListAvailableSolutionStacks'],
  fix: 'set the platform version to the newest of its branch (platformVersion in the CDK app)',
  run: async (ctx) => {
    const envs = ctx.plan.environments;
    if (envs.length === 0) return skip('the stack has no Elastic Beanstalk environment');
    const problems: CheckOutcome[] = [];
    const found: string[] = [];
    for (const env of envs) {
      if (env.solutionStackName && !env.platformArn) {
        const out = await ctx.clients.elasticbeanstalk.send(new ListAvailableSolutionStacksCommand({}));
        if (!(out.SolutionStacks ?? []).includes(env.solutionStackName)) {
          problems.push(fail(`no solution stack named '${env.solutionStackName}' in ${ctx.region}`, 'select the platform by PlatformArn with a current version'));
        } else {
          found.push(env.solutionStackName);
        }
        continue;
      }
      const arn = env.platformArn;
      if (!arn) {
        problems.push(warn(`${env.logicalId}: the platform ARN is not a literal in the template`, 'set PlatformArn to a literal ARN'));
        continue;
      }
      let desc;
      try {
        desc = (await ctx.clients.elasticbeanstalk.send(new DescribePlatformVersionCommand({ PlatformArn: arn }))).PlatformDescription;
      } catch (e) {
        if (/^InvalidParameter/.test(errorName(e) ?? '') || /No Platform|not found|does not exist/i.test((e as Error).message ?? '')) {
          desc = undefined;
        } else {
          throw e;
        }
      }
      const [branch, version] = splitPlatformArn(arn);
      if (!desc) {
        const newest = branch ? await newestOfBranch(ctx, branch) : undefined;
        problems.push(fail(`platform ${branch ?? arn} ${version ?? ''} does not exist in ${ctx.region}`.replace(/ +in/, ' in'),
          newest ? `use version ${newest} (newest of '${branch}')` : 'use a platform ARN from aws elasticbeanstalk list-platform-versions'));
        continue;
      }
      const branchName = desc.PlatformBranchName ?? branch;
      const current = desc.PlatformVersion ?? version ?? '?';
      if (desc.PlatformBranchLifecycleState === 'Retired') {
        problems.push(fail(`platform branch '${branchName}' is retired`, 'move to a supported branch: ECS running on 64bit Amazon Linux 2023 or Docker running on 64bit Amazon Linux 2023'));
        continue;
      }
      const newest = branchName ? await newestOfBranch(ctx, branchName) : undefined;
      if (desc.PlatformBranchLifecycleState === 'Deprecated') {
        problems.push(warn(`platform branch '${branchName}' is deprecated`, 'plan the move to a supported branch before it is retired'));
        continue;
      }
      if (newest && compareVersions(newest, current) > 0) {
        problems.push(warn(`${branchName} ${current} is not the newest of its branch: ${newest} is`, `set the platform version to ${newest} (-c platformVersion=${newest}, or platformVersion in the CDK app)`));
        continue;
      }
      found.push(`${branchName} ${current}${desc.PlatformLifecycleState === 'Recommended' ? ' (recommended)' : ''}`);
    }
    return worstOf(problems) ?? pass(`${found.join('; ')}: newest of the branch`);
  },
};

const launchTemplateCheck: Check<PreflightContext> = {
  id: 'platform/launch-template',
  title: 'Instances launched from a launch template',
  group: 'platform',
  permissions: [],
  fix: 'set the option aws:autoscaling:launchconfiguration DisableIMDSv1=true (and RootVolumeType=gp3), which makes Elastic Beanstalk use a launch template (beanstack\'s construct does)',
  run: async (ctx) => {
    const envs = ctx.plan.environments;
    if (envs.length === 0) return skip('the stack has no Elastic Beanstalk environment');
    const legacy = envs.filter((e) => !e.launchTemplate).map((e) => e.environmentName ?? e.logicalId);
    if (legacy.length > 0) {
      return warn(`${legacy.join(', ')} would use a launch configuration, which accounts created after 2024-10-01 cannot create ("The Launch Configuration creation operation is not available in your account")`);
    }
    return pass('the option settings force a launch template (DisableIMDSv1 / gp3 root volume)');
  },
};

/** `arn:aws:elasticbeanstalk:eu-west-1::platform/ECS running on 64bit Amazon Linux 2023/4.7.7` → [branch, version]. */
export function splitPlatformArn(arn: string): [string | undefined, string | undefined] {
  const m = /:platform\/(.+)\/(\d+(?:\.\d+)*)$/.exec(arn);
  return m ? [m[1], m[2]] : [undefined, undefined];
}

async function newestOfBranch(ctx: PreflightContext, branch: string): Promise<string | undefined> {
  const versions: string[] = [];
  let token: string | undefined;
  do {
    const page = await ctx.clients.elasticbeanstalk.send(new ListPlatformVersionsCommand({
      Filters: [{ Type: 'PlatformBranchName', Operator: '=', Values: [branch] }],
      NextToken: token,
    }));
    for (const p of page.PlatformSummaryList ?? []) {
      if (p.PlatformVersion && (p.PlatformStatus === undefined || p.PlatformStatus === 'Ready')) versions.push(p.PlatformVersion);
    }
    token = page.NextToken;
  } while (token);
  return versions.sort(compareVersions).pop();
}

// ---------------------------------------------------------------- quotas

interface QuotaSpec {
  readonly id: string;
  readonly title: string;
  readonly serviceCode: string;
  readonly quotaCode: string;
  readonly quotaName: string;
  /** Resource types of the stack counted by this quota. */
  readonly resourceTypes: readonly string[];
  readonly planned: (counts: PlannedCounts) => number;
  /** Elastic Beanstalk creates these itself: count them as existing once the environment exists. */
  readonly environmentManaged?: (plan: StackPlan) => number;
  readonly usage: (clients: AwsClients) => Promise<number>;
  readonly permissions: readonly string[];
  readonly freeUp: string;
}

/** Used at or above this share of the quota after the deploy is a warning. */
const QUOTA_HEADROOM = 0.8;

async function countPages(next: (token?: string) => Promise<{ count: number; token?: string }>): Promise<number> {
  let total = 0;
  let token: string | undefined;
  do {
    const page = await next(token);
    total += page.count;
    token = page.token;
  } while (token);
  return total;
}

const QUOTAS: readonly QuotaSpec[] = [
  {
    id: 'quotas/vpcs',
    title: 'VPCs per region',
    serviceCode: 'vpc',
    quotaCode: 'L-F678F1CE',
    quotaName: 'VPCs per Region',
    resourceTypes: ['AWS::EC2::VPC'],
    planned: (c) => c.vpcs,
    usage: (clients) => countPages(async (token) => {
      const out = await clients.ec2.send(new DescribeVpcsCommand({ NextToken: token, MaxResults: 1000 }));
      return { count: out.Vpcs?.length ?? 0, token: out.NextToken };
    }),
    permissions: ['ec2:DescribeVpcs'],
    freeUp: 'delete unused VPCs',
  },
  {
    id: 'quotas/internet-gateways',
    title: 'Internet gateways per region',
    serviceCode: 'vpc',
    quotaCode: 'L-A4707A72',
    quotaName: 'Internet gateways per Region',
    resourceTypes: ['AWS::EC2::InternetGateway'],
    planned: (c) => c.internetGateways,
    usage: (clients) => countPages(async (token) => {
      const out = await clients.ec2.send(new DescribeInternetGatewaysCommand({ NextToken: token, MaxResults: 1000 }));
      return { count: out.InternetGateways?.length ?? 0, token: out.NextToken };
    }),
    permissions: ['ec2:DescribeInternetGateways'],
    freeUp: 'delete unused VPCs with their internet gateways',
  },
  {
    id: 'quotas/elastic-ips',
    title: 'Elastic IP addresses',
    serviceCode: 'ec2',
    quotaCode: 'L-0263D0A3',
    quotaName: 'EC2-VPC Elastic IPs',
    resourceTypes: ['AWS::EC2::EIP'],
    planned: (c) => c.elasticIps,
    environmentManaged: (plan) => plan.environments.reduce((n, e) => n + e.elasticIps, 0),
    usage: async (clients) => {
      const out = await clients.ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: 'domain', Values: ['vpc'] }] }));
      return out.Addresses?.length ?? 0;
    },
    permissions: ['ec2:DescribeAddresses'],
    freeUp: 'release unassociated Elastic IPs',
  },
  {
    id: 'quotas/security-groups',
    title: 'Security groups per region',
    serviceCode: 'vpc',
    quotaCode: 'L-E79EC296',
    quotaName: 'VPC security groups per Region',
    resourceTypes: ['AWS::EC2::SecurityGroup'],
    planned: (c) => c.securityGroups,
    environmentManaged: (plan) => plan.environments.reduce((n, e) => n + e.managedSecurityGroups, 0),
    usage: (clients) => countPages(async (token) => {
      const out = await clients.ec2.send(new DescribeSecurityGroupsCommand({ NextToken: token, MaxResults: 1000 }));
      return { count: out.SecurityGroups?.length ?? 0, token: out.NextToken };
    }),
    permissions: ['ec2:DescribeSecurityGroups'],
    freeUp: 'delete unused security groups',
  },
];

async function quotaValue(clients: AwsClients, spec: QuotaSpec): Promise<number> {
  try {
    const out = await clients.servicequotas.send(new GetServiceQuotaCommand({ ServiceCode: spec.serviceCode, QuotaCode: spec.quotaCode }));
    if (out.Quota?.Value !== undefined) return out.Quota.Value;
  } catch (e) {
    // Accounts that never changed a quota have no applied value: the default applies.
    if (errorName(e) !== 'NoSuchResourceException') throw e;
  }
  const out = await clients.servicequotas.send(new GetAWSDefaultServiceQuotaCommand({ ServiceCode: spec.serviceCode, QuotaCode: spec.quotaCode }));
  if (out.Quota?.Value === undefined) throw new Error(`Service Quotas returned no value for ${spec.quotaCode}`);
  return out.Quota.Value;
}

function quotaCheck(spec: QuotaSpec): Check<PreflightContext> {
  return {
    id: spec.id,
    title: spec.title,
    group: 'quotas',
    permissions: ['servicequotas:GetServiceQuota', 'servicequotas:GetAWSDefaultServiceQuota', ...spec.permissions],
    fix: `${spec.freeUp}, or request more: Service Quotas → ${spec.serviceCode === 'ec2' ? 'Amazon EC2' : 'Amazon VPC'} → ${spec.quotaName} (${spec.quotaCode})`,
    run: async (ctx) => {
      let planned = spec.planned(ctx.plan.counts);
      let deployed: DeployedStack | undefined;
      let caveat = '';
      try {
        deployed = await ctx.deployed();
      } catch (e) {
        // names/existing-stack reports this error; the quota is still worth checking
        if (!describeAwsError(e)) throw e;
        caveat = ' (the existing stack could not be read, so everything counts as new)';
      }
      if (deployed) {
        // an update only adds what the deployed stack does not have yet
        const existing = deployed.resources.filter((r) => spec.resourceTypes.includes(r.type)).length
          + (spec.environmentManaged && deployed.resources.some((r) => r.type === 'AWS::ElasticBeanstalk::Environment') ? spec.environmentManaged(ctx.plan) : 0);
        planned = Math.max(0, planned - existing);
      }
      if (planned === 0) return skip(deployed ? 'the update adds none' : 'the stack creates none');
      // one after the other, so a denied call is reported the same way every run
      const limit = await quotaValue(ctx.clients, spec);
      const used = await spec.usage(ctx.clients);
      const after = used + planned;
      const text = `${used} of ${limit} used, the stack adds ${planned}${caveat}`;
      if (after > limit) return fail(`${text}: over the quota by ${after - limit}`);
      if (after >= limit * QUOTA_HEADROOM) return warn(`${text}: ${limit - after} left afterwards`);
      return pass(text);
    },
  };
}

// ---------------------------------------------------------------- names

const existingStackCheck: Check<PreflightContext> = {
  id: 'names/existing-stack',
  title: 'Existing CloudFormation stack',
  group: 'names',
  permissions: ['cloudformation:DescribeStacks', 'cloudformation:ListStackResources'],
  fix: 'see the CloudFormation console for the stack events',
  run: async (ctx) => {
    const name = ctx.plan.stackName;
    const stack = await ctx.deployed();
    if (!stack) return pass(`no stack named ${name}: deploy creates it`);
    const s = stack.status;
    const reason = stack.statusReason ? [`reason: ${stack.statusReason}`] : undefined;
    if (s.endsWith('_IN_PROGRESS')) {
      return fail(`${name} is ${s}: another operation is running`, 'wait until it finishes (aws cloudformation wait stack-update-complete), then deploy', reason);
    }
    if (s === 'ROLLBACK_COMPLETE' || s === 'ROLLBACK_FAILED' || s === 'CREATE_FAILED') {
      return fail(`${name} is ${s}: its first create failed and CloudFormation cannot update it`,
        `delete it first (npx cdk destroy ${ctx.plan.selector}, or aws cloudformation delete-stack --stack-name ${name}), then deploy`, reason);
    }
    if (s === 'UPDATE_ROLLBACK_FAILED') {
      return fail(`${name} is ${s}`, `repair it with aws cloudformation continue-update-rollback --stack-name ${name}, then deploy`, reason);
    }
    if (s === 'DELETE_FAILED') {
      return fail(`${name} is ${s}`, `finish the delete (aws cloudformation delete-stack --stack-name ${name}, retaining what blocks it), then deploy`, reason);
    }
    if (s === 'UPDATE_ROLLBACK_COMPLETE') {
      return warn(`${name} exists; its last update was rolled back: deploy updates it in place`, 'look at the events of the failed update before deploying the same change again', reason);
    }
    return pass(`${name} exists (${s}): deploy updates it in place`);
  },
};

/** Classes of the review's notes that make the changes check warn or fail. */
const CHANGE_STATUS: Readonly<Record<string, 'fail' | 'warn' | 'pass'>> = {
  'deploy-fails': 'fail',
  'data-loss': 'warn',
  'irreversible': 'warn',
  'security': 'warn',
  'downtime': 'warn',
  'routine': 'pass',
};

const stackChangesCheck: Check<PreflightContext> = {
  id: 'names/stack-changes',
  title: 'What the deploy changes in the existing stack',
  group: 'names',
  permissions: ['cloudformation:GetTemplate', 'cloudformation:DescribeStacks', 'cloudformation:ListStackResources'],
  fix: 'read the changes above (beanstack diff explains each); if they are intended, deploy',
  run: async (ctx) => {
    const deployed = await ctx.deployed();
    if (!deployed) return skip('new stack: every resource is created');
    if (/_IN_PROGRESS$|FAILED$|^ROLLBACK_COMPLETE$/.test(deployed.status)) return skip(`the stack is ${deployed.status} (see names/existing-stack)`);
    const out = await ctx.clients.cloudformation.send(new GetTemplateCommand({ StackName: ctx.plan.stackName, TemplateStage: 'Original' }));
    let current: Record<string, unknown>;
    try {
      current = JSON.parse(out.TemplateBody ?? '{}');
    } catch {
      return warn('the deployed template is not JSON (deployed by another tool?), so the changes cannot be compared', 'compare by hand: npx cdk diff');
    }
    // the review's diff and danger classification of templates in memory, loaded only here (cloudformation-diff is large)
    const { reviewTemplateChange } = await import('../review');
    const change = reviewTemplateChange({ id: ctx.plan.artifactId, displayName: ctx.plan.stackName, stackName: ctx.plan.stackName, template: ctx.plan.template as Record<string, unknown> }, current);
    const { add, update, replace, remove } = change.counts;
    const counted = [[add, 'to add'], [update, 'to update'], [replace, 'to replace'], [remove, 'to remove']]
      .filter(([n]) => (n as number) > 0).map(([n, what]) => `${n} ${what}`);
    const summary = counted.length === 0 ? 'no resource changes' : `${counted.join(', ')}`;
    const notes = change.notes.filter((n) => CHANGE_STATUS[n.class] !== 'pass');
    if (notes.length === 0) return pass(summary);
    const status = notes.some((n) => CHANGE_STATUS[n.class] === 'fail') ? 'fail' : 'warn';
    const details = notes.map((n) => `${n.class}: ${n.title}`);
    return status === 'fail'
      ? fail(`${summary}; the deploy would fail: ${notes.find((n) => n.class === 'deploy-fails')!.title}`, notes.find((n) => n.class === 'deploy-fails')!.reason, details)
      : warn(`${summary}; ${notes.length} change${notes.length === 1 ? '' : 's'} to review`, 'make sure these are intended (beanstack diff explains each); data loss cannot be undone', details);
  },
};

const existingEnvironmentCheck: Check<PreflightContext> = {
  id: 'names/existing-environment',
  title: 'Environment and application names free',
  group: 'names',
  permissions: ['elasticbeanstalk:DescribeEnvironments', 'elasticbeanstalk:DescribeApplications', 'cloudformation:DescribeStacks', 'cloudformation:ListStackResources'],
  fix: 'choose another name (environmentName / applicationName in the CDK app) or terminate the one that holds it',
  run: async (ctx) => {
    const envs = ctx.plan.environments;
    if (envs.length === 0) return skip('the stack has no Elastic Beanstalk environment');
    const deployed = await ctx.deployed();
    const owned = deployed ? new Set(physicalIds(deployed).values()) : new Set<string>();
    const problems: CheckOutcome[] = [];
    const found: string[] = [];
    const appNames = [...new Set(envs.map((e) => e.applicationName).filter((n): n is string => n !== undefined))].sort();
    if (appNames.length > 0) {
      const out = await ctx.clients.elasticbeanstalk.send(new DescribeApplicationsCommand({ ApplicationNames: appNames }));
      for (const app of out.Applications ?? []) {
        if (!app.ApplicationName) continue;
        if (owned.has(app.ApplicationName)) found.push(`application ${app.ApplicationName} (this stack's)`);
        else problems.push(fail(`an application named ${app.ApplicationName} already exists and is not part of stack ${ctx.plan.stackName}`));
      }
    }
    for (const env of envs) {
      if (!env.environmentName) {
        found.push(`${env.logicalId} (name generated by CloudFormation)`);
        continue;
      }
      const out = await ctx.clients.elasticbeanstalk.send(new DescribeEnvironmentsCommand({ EnvironmentNames: [env.environmentName], IncludeDeleted: false }));
      const live = (out.Environments ?? []).filter((e) => e.Status !== 'Terminated');
      if (live.length === 0) {
        found.push(`environment ${env.environmentName} (new)`);
        continue;
      }
      const e = live[0];
      if (owned.has(env.environmentName) || (e.EnvironmentId !== undefined && owned.has(e.EnvironmentId))) {
        if (e.Status === 'Terminating') {
          problems.push(warn(`environment ${env.environmentName} is terminating`, 'wait until it is terminated before deploying'));
        } else {
          found.push(`environment ${env.environmentName} (this stack's, ${e.Status ?? '?'}/${e.Health ?? '?'}: updated in place)`);
        }
        continue;
      }
      problems.push(fail(`an environment named ${env.environmentName} already exists (application ${e.ApplicationName ?? '?'}, ${e.Status ?? '?'}) and is not part of stack ${ctx.plan.stackName}`));
    }
    return worstOf(problems) ?? pass(found.join('; '));
  },
};

const cnameCheck: Check<PreflightContext> = {
  id: 'names/cname-available',
  title: 'Environment CNAME available',
  group: 'names',
  permissions: ['elasticbeanstalk:CheckDNSAvailability', 'elasticbeanstalk:DescribeEnvironments'],
  fix: 'choose another CNAME prefix; it is global to the region',
  run: async (ctx) => {
    const envs = ctx.plan.environments.filter((e) => e.cnamePrefix !== undefined);
    if (envs.length === 0) return skip('no CNAME prefix configured (Elastic Beanstalk picks a free one)');
    const problems: CheckOutcome[] = [];
    const found: string[] = [];
    for (const env of envs) {
      const prefix = env.cnamePrefix!;
      const out = await ctx.clients.elasticbeanstalk.send(new CheckDNSAvailabilityCommand({ CNAMEPrefix: prefix }));
      if (out.Available) {
        found.push(`${out.FullyQualifiedCNAME ?? prefix} is free`);
        continue;
      }
      // Taken: fine when it is this stack's own environment.
      const deployed = await ctx.deployed();
      const envId = deployed ? physicalIds(deployed).get(env.logicalId) : undefined;
      if (envId) {
        const desc = await ctx.clients.elasticbeanstalk.send(new DescribeEnvironmentsCommand({ EnvironmentNames: [envId], IncludeDeleted: false }));
        const cname = desc.Environments?.[0]?.CNAME ?? '';
        if (cname.split('.')[0] === prefix) {
          found.push(`${cname} belongs to this stack's environment`);
          continue;
        }
      }
      problems.push(fail(`the CNAME prefix '${prefix}' is taken in ${ctx.region}`));
    }
    return worstOf(problems) ?? pass(found.join('; '));
  },
};

/** Every preflight check, in report order. */
export const PREFLIGHT_CHECKS: readonly Check<PreflightContext>[] = [
  identityCheck,
  bootstrapCheck,
  instanceTypeCheck,
  engineVersionCheck,
  orderableCheck,
  platformCheck,
  launchTemplateCheck,
  ...QUOTAS.map(quotaCheck),
  existingStackCheck,
  stackChangesCheck,
  existingEnvironmentCheck,
  cnameCheck,
  ...DOMAIN_CHECKS,
];
