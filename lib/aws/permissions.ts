/**
 * The IAM permissions the commands need, derived from the check lists (each check declares the
 * actions it calls) and from the resources each action is scoped to here, so the policy documents in
 * docs/iam/ cannot drift from the code: a test compares them with `readOnlyPolicy()` and
 * `deployPolicy()`.
 *
 * Least privilege: an action is allowed on `*` only when it is in `WILDCARD_ACTIONS`, each with the
 * reason (AWS authorizes it on no narrower resource, or it is read-only and reads resources whose
 * names the stack chooses at deploy time). Every other action is scoped to the ARNs of the stack's
 * own resources as CDK and Elastic Beanstalk name them: the CDK bootstrap roles and assets bucket
 * (qualifier `hnb659fds`, the default), Elastic Beanstalk's environment stacks (`awseb-e-*`), Auto
 * Scaling groups, log groups and bucket (`elasticbeanstalk-*`).
 */
import type { Check } from './check';

/** Calls made outside the checks: identity, the deployed stack, the bootstrap version. */
export const SESSION_ACTIONS: readonly string[] = [
  'sts:GetCallerIdentity',
  'cloudformation:DescribeStacks',
  'cloudformation:ListStackResources',
];

/** What `rollback` calls besides the read-only ones. */
export const ROLLBACK_ACTIONS: readonly string[] = [
  'elasticbeanstalk:DescribeApplicationVersions',
  'elasticbeanstalk:DescribeEnvironments',
  'elasticbeanstalk:DescribeEvents',
  'elasticbeanstalk:UpdateEnvironment',
];

/** What `deploy` calls to record the deployment in the application version (lib/aws/history.ts). */
export const HISTORY_ACTIONS: readonly string[] = [
  'elasticbeanstalk:AddTags',
  'elasticbeanstalk:ListTagsForResource',
  'elasticbeanstalk:UpdateApplicationVersion',
  'elasticbeanstalk:UpdateTagsForResource',
];

/**
 * What Elastic Beanstalk does **with the caller's permissions** while it carries out
 * `UpdateEnvironment` (rollback): it updates the environment's own CloudFormation stack, suspends and
 * resumes its Auto Scaling processes, registers the ECS task definition, reads the source bundle and
 * writes to its bucket and log groups. A narrowing of the AWS managed policy
 * `AdministratorAccess-AWSElasticBeanstalk`, not verified against a live account.
 */
export const ROLLBACK_ON_BEHALF_ACTIONS: readonly string[] = [
  'autoscaling:DescribeAutoScalingGroups',
  'autoscaling:DescribeLaunchConfigurations',
  'autoscaling:DescribeScalingActivities',
  'autoscaling:ResumeProcesses',
  'autoscaling:SuspendProcesses',
  'autoscaling:UpdateAutoScalingGroup',
  'cloudformation:DescribeStackEvents',
  'cloudformation:DescribeStackResource',
  'cloudformation:DescribeStackResources',
  'cloudformation:DescribeStacks',
  'cloudformation:GetTemplate',
  'cloudformation:ListStackResources',
  'cloudformation:UpdateStack',
  'ec2:DescribeImages',
  'ec2:DescribeInstances',
  'ec2:DescribeLaunchTemplateVersions',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSubnets',
  'ec2:DescribeVpcs',
  'ecs:DescribeClusters',
  'ecs:DescribeContainerInstances',
  'ecs:DescribeTaskDefinition',
  'ecs:DescribeTasks',
  'ecs:ListContainerInstances',
  'ecs:ListTasks',
  'ecs:RegisterTaskDefinition',
  'elasticloadbalancing:DescribeInstanceHealth',
  'elasticloadbalancing:DescribeLoadBalancers',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetHealth',
  'logs:CreateLogGroup',
  'logs:DescribeLogGroups',
  'logs:PutRetentionPolicy',
  's3:GetBucketLocation',
  's3:GetBucketPolicy',
  's3:GetObject',
  's3:ListBucket',
  's3:PutObject',
];

/** The CDK bootstrap qualifier the documents are written for (`cdk bootstrap` default). */
export const CDK_QUALIFIER = 'hnb659fds';

/** The bootstrap roles `cdk deploy` assumes: the deploy role does the deploying, the others publish assets and look up context. */
export const CDK_BOOTSTRAP_ROLES: readonly string[] = ['deploy', 'file-publishing', 'image-publishing', 'lookup'].map((r) => `arn:aws:iam::*:role/cdk-${CDK_QUALIFIER}-${r}-role-*`);

/** Actions allowed on `*`, with the reason. */
export const WILDCARD_ACTIONS: Readonly<Record<string, string>> = Object.fromEntries([
  ...[
    'sts:GetCallerIdentity',
    'ec2:DescribeAddresses', 'ec2:DescribeImages', 'ec2:DescribeInstanceTypeOfferings', 'ec2:DescribeInstances', 'ec2:DescribeInternetGateways', 'ec2:DescribeLaunchTemplateVersions',
    'ec2:DescribeSecurityGroupRules', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs',
    'autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeLaunchConfigurations', 'autoscaling:DescribeScalingActivities',
    'elasticloadbalancing:DescribeInstanceHealth', 'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth',
    'ecs:DescribeTaskDefinition',
    'logs:DescribeLogGroups',
    'servicequotas:GetAWSDefaultServiceQuota', 'servicequotas:GetServiceQuota',
    'elasticbeanstalk:CheckDNSAvailability', 'elasticbeanstalk:ListAvailableSolutionStacks', 'elasticbeanstalk:ListPlatformVersions',
    'rds:DescribeDBEngineVersions', 'rds:DescribeOrderableDBInstanceOptions',
  ].map((a) => [a, 'AWS authorizes this action on no narrower resource (resource `*` only)']),
  ...[
    'ecs:DescribeClusters', 'ecs:DescribeContainerInstances', 'ecs:DescribeTasks', 'ecs:ListContainerInstances', 'ecs:ListTasks',
    'elasticbeanstalk:DescribeApplicationVersions', 'elasticbeanstalk:DescribeApplications', 'elasticbeanstalk:DescribeEnvironmentHealth', 'elasticbeanstalk:DescribeEnvironments',
    'elasticbeanstalk:DescribeEvents', 'elasticbeanstalk:DescribePlatformVersion',
    'rds:DescribeDBInstances',
    'cloudwatch:DescribeAlarms',
  ].map((a) => [a, 'read-only, of resources whose names Elastic Beanstalk, RDS or ECS choose at deploy time']),
  ['ecs:RegisterTaskDefinition', 'creates a task definition whose family Elastic Beanstalk names at deploy time; the usual scope in AWS policies, including AWSElasticBeanstalkRoleECS'],
]);

/** The resources of every action that is not on `*`. */
const SCOPED: Readonly<Record<string, readonly string[]>> = {
  'sts:AssumeRole': CDK_BOOTSTRAP_ROLES,
  'ssm:GetParameter': ['arn:aws:ssm:*:*:parameter/cdk-bootstrap/*/version'],
  'iam:SimulatePrincipalPolicy': ['arn:aws:iam::*:role/*'],
  'elasticbeanstalk:UpdateEnvironment': ['arn:aws:elasticbeanstalk:*:*:environment/*/*'],
  'elasticbeanstalk:AddTags': ['arn:aws:elasticbeanstalk:*:*:applicationversion/*/*'],
  'elasticbeanstalk:ListTagsForResource': ['arn:aws:elasticbeanstalk:*:*:applicationversion/*/*'],
  'elasticbeanstalk:UpdateApplicationVersion': ['arn:aws:elasticbeanstalk:*:*:applicationversion/*/*'],
  'elasticbeanstalk:UpdateTagsForResource': ['arn:aws:elasticbeanstalk:*:*:applicationversion/*/*'],
  'secretsmanager:DescribeSecret': ['arn:aws:secretsmanager:*:*:secret:*'],
  'secretsmanager:ListSecretVersionIds': ['arn:aws:secretsmanager:*:*:secret:*'],
  'autoscaling:ResumeProcesses': ['arn:aws:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/awseb-e-*'],
  'autoscaling:SuspendProcesses': ['arn:aws:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/awseb-e-*'],
  'autoscaling:UpdateAutoScalingGroup': ['arn:aws:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/awseb-e-*'],
  'logs:CreateLogGroup': ['arn:aws:logs:*:*:log-group:/aws/elasticbeanstalk/*'],
  'logs:PutRetentionPolicy': ['arn:aws:logs:*:*:log-group:/aws/elasticbeanstalk/*'],
  's3:GetObject': [`arn:aws:s3:::cdk-${CDK_QUALIFIER}-assets-*/*`, 'arn:aws:s3:::elasticbeanstalk-*/*'],
  's3:PutObject': ['arn:aws:s3:::elasticbeanstalk-*/*'],
  's3:ListBucket': [`arn:aws:s3:::cdk-${CDK_QUALIFIER}-assets-*`, 'arn:aws:s3:::elasticbeanstalk-*'],
  's3:GetBucketLocation': [`arn:aws:s3:::cdk-${CDK_QUALIFIER}-assets-*`, 'arn:aws:s3:::elasticbeanstalk-*'],
  's3:GetBucketPolicy': [`arn:aws:s3:::cdk-${CDK_QUALIFIER}-assets-*`, 'arn:aws:s3:::elasticbeanstalk-*'],
  'route53:GetHostedZone': ['arn:aws:route53:::hostedzone/*'],
  'route53:ListResourceRecordSets': ['arn:aws:route53:::hostedzone/*'],
};

/** CloudFormation actions: on any stack for the checks (the stack's name is the app's), on Elastic Beanstalk's own stacks for the rest. */
const CFN_READ = new Set(['cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'cloudformation:ListStackResources']);

/** Sorted, unique actions of some check lists plus the session's. */
export function readOnlyActions(...lists: ReadonlyArray<readonly Check<never>[]>): string[] {
  const all = new Set<string>(SESSION_ACTIONS);
  for (const list of lists) for (const c of list) for (const p of c.permissions) all.add(p);
  return [...all].sort();
}

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: string | readonly string[];
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/** The resources `action` is allowed on, in a statement for `purpose`. Throws for an action with no entry (a test catches it). */
export function resourcesOf(action: string, purpose: 'checks' | 'on-behalf'): readonly string[] {
  if (action.startsWith('cloudformation:')) {
    return purpose === 'checks' && CFN_READ.has(action) ? ['arn:aws:cloudformation:*:*:stack/*/*'] : ['arn:aws:cloudformation:*:*:stack/awseb-e-*/*'];
  }
  const scoped = SCOPED[action];
  if (scoped) return scoped;
  if (WILDCARD_ACTIONS[action] !== undefined) return ['*'];
  throw new Error(`no resource scope declared for ${action}: add it to WILDCARD_ACTIONS (with the reason) or SCOPED in lib/aws/permissions.ts`);
}

/** Statements for `actions`, one per distinct resource list, named `${sid}` plus a suffix per scope. */
function statements(sid: string, actions: readonly string[], purpose: 'checks' | 'on-behalf'): PolicyStatement[] {
  const groups = new Map<string, string[]>();
  for (const a of [...new Set(actions)].sort()) {
    const key = JSON.stringify(resourcesOf(a, purpose));
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  const suffix = (resources: readonly string[]): string => {
    const r = resources.join(' ');
    if (r === '*') return 'AnyResource';
    if (r.includes(':role/cdk-')) return 'CdkBootstrapRoles';
    if (r.includes('parameter/cdk-bootstrap')) return 'CdkBootstrapVersion';
    if (r.includes(':role/*')) return 'StackRoles';
    if (r.includes('stack/awseb-e-')) return 'BeanstalkStacks';
    if (r.includes(':stack/')) return 'Stacks';
    if (r.includes(':environment/')) return 'Environments';
    if (r.includes(':applicationversion/')) return 'ApplicationVersions';
    if (r.includes(':secret:')) return 'Secrets';
    if (r.includes('autoScalingGroupName/awseb-e-')) return 'BeanstalkAutoScalingGroups';
    if (r.includes('log-group:/aws/elasticbeanstalk')) return 'BeanstalkLogGroups';
    if (r.includes(':hostedzone/')) return 'HostedZones';
    if (r.includes(':::') && r.includes('/*')) return r.includes('cdk-') ? 'BundleObjects' : 'BeanstalkBucketObjects';
    if (r.includes(':::')) return 'Buckets';
    throw new Error(`no statement name for ${r}`);
  };
  return [...groups.entries()]
    .map(([key, acts]) => {
      const resources = JSON.parse(key) as string[];
      return { Sid: `${sid}${suffix(resources)}`, Effect: 'Allow' as const, Action: acts, Resource: resources.length === 1 ? resources[0] : resources };
    })
    .sort((a, b) => (a.Sid < b.Sid ? -1 : 1));
}

/** docs/iam/preflight-doctor-policy.json: what `preflight` and `doctor` call, read-only. */
export function readOnlyPolicy(...checkLists: ReadonlyArray<readonly Check<never>[]>): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements('Checks', readOnlyActions(...checkLists), 'checks') };
}

/**
 * docs/iam/deploy-policy.json: everything the CI principal that runs `beanstack deploy` and
 * `beanstack rollback` needs — the read-only checks, `sts:AssumeRole` on the CDK bootstrap roles
 * (`cdk deploy` does the deploying through the deploy role), the tags and description of the
 * application version that record the deployment, `UpdateEnvironment` and what Elastic Beanstalk
 * does with the caller's permissions during it.
 */
export function deployPolicy(...checkLists: ReadonlyArray<readonly Check<never>[]>): PolicyDocument {
  const checks = readOnlyActions(...checkLists);
  return {
    Version: '2012-10-17',
    Statement: [
      ...statements('Deploy', ['sts:AssumeRole'], 'checks'),
      ...statements('Checks', checks, 'checks'),
      ...statements('Rollback', ROLLBACK_ACTIONS.filter((a) => !checks.includes(a)), 'checks'),
      ...statements('History', HISTORY_ACTIONS.filter((a) => !checks.includes(a)), 'checks'),
      ...statements('RollbackOnBehalf', ROLLBACK_ON_BEHALF_ACTIONS, 'on-behalf'),
    ],
  };
}

/** A policy document as the files in docs/iam/ hold it: 2-space JSON with a trailing newline. */
export function renderPolicy(doc: PolicyDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
