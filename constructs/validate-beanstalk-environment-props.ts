/**
 * What each prop of `BeanstalkEnvironment` may hold, and its cross-prop rules as a table (aws-rds keeps
 * `validateDatabaseInstanceProps` the same way): each rule is a condition on the props with their
 * defaults applied and the message that names the prop, the value and the fix. Checked in order
 * before any resource is created; the first that holds is thrown.
 */
import { DEFAULT_PLATFORM_VERSIONS } from './beanstalk-platform';
import { anyString, bool, checkRules, COMMON, int, listOf, num, object, oneOf, PropCheck, PropsRule, recordOf, str } from './props';

/** Retention periods CloudWatch Logs accepts (`RetentionInDays` of the log options). */
export const LOG_RETENTION_DAYS: readonly number[] = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** What each prop may hold (`checkProps`, before the defaults are applied). */
export const BEANSTALK_ENVIRONMENT_PROP_CHECKS: Readonly<Record<string, PropCheck>> = {
  vpc: COMMON.vpc,
  bundleDirectory: str(),
  appSecurityGroup: COMMON.securityGroup,
  loadBalancerSecurityGroup: COMMON.securityGroup,
  instanceSubnets: COMMON.subnets,
  loadBalancerSubnets: COMMON.subnets,
  associatePublicIpAddress: bool,
  platform: oneOf(Object.keys(DEFAULT_PLATFORM_VERSIONS)),
  platformVersion: str(),
  applicationName: str(),
  environmentName: str(),
  cnamePrefix: str(),
  instanceTypes: str(),
  loadBalanced: bool,
  minInstances: num,
  maxInstances: num,
  scalingTarget: object('{ cpuPercent } or { requestsPerTarget }'),
  alertTopicArn: str(/^arn:aws[a-z-]*:sns:/, 'an SNS topic ARN'),
  healthCheckPath: str(),
  certificateArn: str(),
  environmentVariables: recordOf(anyString, 'an object of NAME: value strings'),
  environmentSecrets: recordOf(object('{ secret, jsonKey? }'), 'an object of NAME: { secret, jsonKey? }'),
  imageRepositoryArns: listOf(str(/^arn:/, 'an ECR repository ARN'), 'a list of ECR repository ARNs'),
  taskExecutionRoleName: str(),
  maxApplicationVersions: int(1, 1000),
  logRetentionDays: num,
  managedUpdateWindow: str(),
  stage: COMMON.stage,
};

/** The props without a default. */
export const BEANSTALK_ENVIRONMENT_REQUIRED_PROPS: readonly string[] = ['vpc', 'bundleDirectory', 'appSecurityGroup'];

/** The props the rules read, with their defaults applied. */
export interface ResolvedEnvironmentProps {
  readonly platform: string;
  readonly platformVersion: string;
  /** The default version of the platform, for the fix. */
  readonly defaultPlatformVersion: string;
  readonly loadBalanced: boolean;
  readonly minInstances: number;
  readonly maxInstances: number;
  readonly hasLoadBalancerSecurityGroup: boolean;
  readonly certificateArn?: string;
  /** Whether the certificate ARN is a token (checked at deploy time only). */
  readonly certificateArnIsToken: boolean;
  readonly healthCheckPath: string;
  readonly environmentName?: string;
  readonly cnamePrefix?: string;
  readonly cnamePrefixIsToken: boolean;
  readonly logRetentionDays: number;
  readonly managedUpdateWindow: string;
  readonly variableNames: readonly string[];
  readonly secretNames: readonly string[];
  /** Whether `instanceSubnets` selects public subnets. */
  readonly publicInstanceSubnets: boolean;
}

const ENV_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{2,38}[A-Za-z0-9]$/;
const CNAME_PREFIX = /^[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$/;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;
const UPDATE_WINDOW = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun):([01]\d|2[0-3]):[0-5]\d$/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** The rules, in the order they are checked. */
export function beanstalkEnvironmentRules(p: ResolvedEnvironmentProps): PropsRule[] {
  const badName = [...p.variableNames, ...p.secretNames].find((n) => !VARIABLE_NAME.test(n));
  const both = p.secretNames.filter((n) => p.variableNames.includes(n));
  return [
    {
      condition: p.platform !== 'ecs' && p.platform !== 'docker',
      message: `\`platform\` must be 'ecs' or 'docker', got '${p.platform}'`,
    },
    {
      condition: !/^\d+\.\d+\.\d+$/.test(p.platformVersion),
      message: `\`platformVersion\` '${p.platformVersion}' is not a platform version; use X.Y.Z, e.g. ${p.defaultPlatformVersion}`,
    },
    {
      condition: p.loadBalanced && (!Number.isInteger(p.minInstances) || p.minInstances < 1),
      message: `\`minInstances\` (${p.minInstances}) must be an integer of at least 1`,
    },
    {
      condition: p.loadBalanced && (!Number.isInteger(p.maxInstances) || p.maxInstances < p.minInstances),
      message: `\`minInstances\` (${p.minInstances}) must not exceed \`maxInstances\` (${p.maxInstances}); lower minInstances or raise maxInstances`,
    },
    {
      condition: p.loadBalanced && !p.hasLoadBalancerSecurityGroup,
      message: '`loadBalancerSecurityGroup` is required when the environment is load balanced; pass Network.loadBalancerSecurityGroup or set loadBalanced: false',
    },
    {
      condition: p.certificateArn !== undefined && !p.loadBalanced,
      message: '`certificateArn` needs a load-balanced environment (HTTPS terminates at the load balancer); set loadBalanced: true or remove certificateArn',
    },
    {
      condition: p.certificateArn !== undefined && !p.certificateArnIsToken && !CERTIFICATE_ARN.test(p.certificateArn),
      message: `\`certificateArn\` '${p.certificateArn}' is not an ACM certificate ARN; use arn:aws:acm:<region>:<account>:certificate/<id>`,
    },
    {
      condition: !p.healthCheckPath.startsWith('/'),
      message: `\`healthCheckPath\` '${p.healthCheckPath}' must start with /`,
    },
    {
      condition: p.environmentName !== undefined && !ENV_NAME.test(p.environmentName),
      message: `\`environmentName\` '${p.environmentName}' must be 4 to 40 letters, digits and hyphens, not starting or ending with a hyphen`,
    },
    {
      condition: p.cnamePrefix !== undefined && !p.cnamePrefixIsToken && !CNAME_PREFIX.test(p.cnamePrefix),
      message: `\`cnamePrefix\` '${p.cnamePrefix}' must be 4 to 63 letters, digits and hyphens, not starting or ending with a hyphen; it becomes <cnamePrefix>.<region>.elasticbeanstalk.com`,
    },
    {
      // aws:elasticbeanstalk:cloudwatch:logs RetentionInDays takes the CloudWatch Logs retention periods only.
      condition: !LOG_RETENTION_DAYS.includes(p.logRetentionDays),
      message: `\`logRetentionDays\` (${p.logRetentionDays}) is not a CloudWatch Logs retention period; use one of ${LOG_RETENTION_DAYS.join(', ')}`,
    },
    {
      condition: !UPDATE_WINDOW.test(p.managedUpdateWindow),
      message: `\`managedUpdateWindow\` '${p.managedUpdateWindow}' must look like Sun:03:00 (day, then UTC time)`,
    },
    {
      condition: badName !== undefined,
      message: `environment variable name '${badName}' is not valid; use letters, digits and underscores, starting with a letter or underscore`,
    },
    {
      condition: both.length > 0,
      message: `${both.join(', ')} ${both.length === 1 ? 'is' : 'are'} both in \`environmentVariables\` and \`environmentSecrets\`; keep each variable in one of them`,
    },
    {
      // A single-instance environment is reached through the Elastic IP of its instance, which only
      // works in a public subnet (an EIP on an instance in a private subnet has no route from the internet).
      condition: !p.loadBalanced && !p.publicInstanceSubnets,
      message: 'a single-instance environment (no load balancer) needs its instance in a public subnet: it is reached through its Elastic IP; set loadBalanced: true (the prod stage) or keep the instances in public subnets',
    },
  ];
}

/** Throws the `propsError` of the first rule that the props break. */
export function validateBeanstalkEnvironmentProps(p: ResolvedEnvironmentProps): void {
  checkRules(beanstalkEnvironmentRules(p));
}
