import * as path from 'path';
import { Annotations, CfnOutput, RemovalPolicy, Stack, Stage, SymlinkFollowMode, Tags, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { planBundle, renderBundle } from '../lib/bundle';
import type { Plan } from '../lib/bundle';
import { parseServiceOverrides } from '../lib/bundle/x-beanstack';
import { declaresDomain, parseDomainOverride } from '../lib/bundle/x-beanstack-domain';
import { TARGETS } from '../lib/bundle/keys';
import type { BundleDescription, BundleTarget, DatabaseReplacement } from '../lib/bundle/types';
import { loadProject } from '../lib/compose';
import { isRemoteContext } from '../lib/compose/paths';
import type { ComposeProject } from '../lib/compose/model';
import { nodeFileReader } from '../lib/io/node-reader';
import { BeanstackError, Diagnostic, formatLocation, sortDiagnostics } from '../lib/errors';
import { checkBuildContext } from '../lib/io/build-context';
import { withStagingBundle } from '../lib/io/write-bundle';
import { APP_SECRET_TAG } from '../lib/aws/secret-status';
import { BeanstalkEnvironment, EnvironmentSecret } from './beanstalk-environment';
import { CostGuard, costGuardInputs } from './cost-guard';
import { parseCostGuard, BudgetInput, SleepInput } from '../lib/bundle/x-beanstack-cost';
import { checkDomainSetting, Domain, domainSetting } from './domain';
import { Database, DatabaseEngineName, DEFAULT_DATABASE_PORTS, ENGINE_VERSIONS, supportedMajors } from './database';
import { environmentBundleFiles } from './https-redirect';
import { alarmBundleFiles, Alerts, AlarmThresholds } from './alarms';
import { resolveOperations, type ResolvedOperations } from './operations';
import { scalingBundleFiles } from './scaling';
import { EMAIL, TOPIC_ARN } from '../lib/bundle/x-beanstack-ops';
import { InstanceSubnetPlacement, Network } from './network';
import { physicalName } from './names';
import { claimPhysicalNames } from './stage-names';
import { anyString, bool, checkProps, COMMON, listOf, num, object, oneOf, PropCheck, recordOf, str, WARNING_PREFIX } from './props';
import { regionFacts } from './region';
import { defaultPreset, isDeploymentStage } from './stage';
import type { DeploymentStage } from './stage';
import { isValidDatabaseName, isValidMasterUsername } from './validate-database-props';
import { LOAD_PROPS, validateComposeApplicationProps } from './validate-compose-application-props';

export interface ComposeApplicationProps {
  /**
   * Compose files, in merge order (`docker-compose.yml`, then overrides such as
   * `docker-compose.prod.yml`), absolute or relative to `workingDirectory`.
   *
   * @default - the Compose default file names in `workingDirectory`
   */
  readonly composeFiles?: readonly string[];

  /**
   * Directory relative `composeFiles` are resolved against.
   *
   * @default - the directory the CDK app runs in (as aws-cdk-lib resolves relative asset paths)
   */
  readonly workingDirectory?: string;

  /**
   * Variables for `${VAR}` interpolation in the compose files (the shell environment of `docker
   * compose`). The `.env` file of the project is read as Compose does.
   *
   * @default - no variables besides the project's `.env`
   */
  readonly interpolationVariables?: Readonly<Record<string, string | undefined>>;

  /**
   * Compose profiles to activate.
   *
   * @default - none
   */
  readonly profiles?: readonly string[];

  /**
   * An already loaded project (`loadProject` of `beanstack/lib`). An alternative to `composeFiles`,
   * `workingDirectory`, `interpolationVariables` and `profiles`: giving both is refused.
   *
   * @default - loaded from `composeFiles`
   */
  readonly project?: ComposeProject;

  /**
   * Which bundle to build: `ecs` (Dockerrun v2 on the ECS AL2023 platform), `docker` (a production
   * `docker-compose.yml` on the Docker AL2023 platform) or `single` (Dockerrun v1, one container, on
   * the Docker platform).
   *
   * @default 'ecs'
   */
  readonly target?: BundleTarget;

  /**
   * Application name: the Beanstalk application and environment are named `<appName>-<stage>`.
   *
   * @default - the compose project name
   */
  readonly appName?: string;

  /**
   * Name of the stage: any lowercase name (`dev`, `staging`, `pr-42`, `prod`; letters, digits and
   * hyphens, at most 24 characters). It goes into the physical names (`<appName>-<stage>`, the ECS
   * task execution role), so several stages of one app deploy side by side in one account and region.
   *
   * @default 'dev'
   */
  readonly stage?: string;

  /**
   * The preset of the stage: drives sizing, load balancing, deployment policy and data protection of
   * every part (`dev`: one instance, single-AZ database destroyed with the stack; `prod`: load balanced,
   * Multi-AZ, deletion protection, immutable deployments).
   *
   * @default - the stage itself when it is 'dev' or 'prod', otherwise 'dev' (with a warning)
   */
  readonly preset?: DeploymentStage;

  /**
   * CNAME prefix of the environment (`<cnamePrefix>.<region>.elasticbeanstalk.com`); global to the
   * region, so `beanstack preflight` checks it is free. See `BeanstalkEnvironmentProps.cnamePrefix`.
   *
   * @default - Elastic Beanstalk picks a free prefix
   */
  readonly cnamePrefix?: string;

  /**
   * Instance types of the environment (comma-separated, one architecture). The images are built for
   * that architecture.
   *
   * @default 't3.small'
   */
  readonly instanceTypes?: string;

  /**
   * Platform version of the chosen branch.
   *
   * @default - `DEFAULT_PLATFORM_VERSIONS`
   */
  readonly platformVersion?: string;

  /**
   * ACM certificate ARN for HTTPS on the load balancer (port 80 then redirects to 443). Needs a
   * load-balanced environment (the `prod` stage).
   *
   * @default - HTTP only
   */
  readonly certificateArn?: string;

  /**
   * Let the `prod` stage serve plain HTTP when `certificateArn` is not set. Production traffic
   * should be encrypted: without a certificate the prod stage is refused unless this is set, and then
   * a warning says so on every synth.
   *
   * @default false
   */
  readonly allowHttp?: boolean;

  /**
   * The host name the application is served under, e.g. `shop.example.com`: an ACM certificate for
   * it validated by DNS in the hosted zone, the HTTPS listener with HTTP → HTTPS redirect, and Route 53
   * alias records A and AAAA to the load balancer (see `Domain`, docs/domain.md). Needs a
   * load-balanced stage and the hosted zone (`hostedZoneId` and `hostedZoneName`). With
   * `certificateArn` that certificate is used instead of a new one.
   *
   * @default - `x-beanstack.domain` of the compose files for this stage, else none
   */
  readonly domain?: string;

  /**
   * Id of the Route 53 public hosted zone of `domain`, e.g. `Z0123456789ABCDEFGHIJ`.
   *
   * @default - `x-beanstack.domain.hosted_zone_id`
   */
  readonly hostedZoneId?: string;

  /**
   * Name of that hosted zone, e.g. `example.com`; `domain` must be inside it.
   *
   * @default - `x-beanstack.domain.hosted_zone_name`
   */
  readonly hostedZoneName?: string;

  /**
   * Look the zone's id up by `hostedZoneName` at synth (needs credentials; cached in
   * cdk.context.json) instead of naming it.
   *
   * @default - `x-beanstack.domain.hosted_zone_lookup`, else false
   */
  readonly hostedZoneLookup?: boolean;

  /**
   * Make the databases refuse connections without TLS (see `DatabaseProps.requireTls`). Turning it off
   * is warned about.
   *
   * @default true
   */
  readonly requireDatabaseTls?: boolean;

  /**
   * Allow a change of a database's engine version to a new major version (e.g. `postgres:16` →
   * `postgres:17` in the compose file). RDS upgrades in place, with downtime; going back needs a
   * snapshot. Without it the deploy fails (CloudFormation refuses the update). Per database:
   * `x-beanstack: { allow_major_version_upgrade: true }` on the database service.
   *
   * @default - `x-beanstack.allow_major_version_upgrade` of each database service, else false
   */
  readonly allowMajorVersionUpgrade?: boolean;

  /**
   * Health check path.
   *
   * @default - `x-beanstack.health_check_path` of the compose file, else '/'
   */
  readonly healthCheckPath?: string;

  /**
   * Autoscaling minimum and maximum. A single-instance stage (`dev`) refuses more than 1.
   *
   * @default - `x-beanstack.scaling.min`/`max`, else the stage preset (`scalingPreset`: dev 1 and 1, prod 2 and 4)
   */
  readonly minInstances?: number;
  readonly maxInstances?: number;

  /**
   * Add an instance when the instances' average CPU is above this percent for 5 minutes, remove one
   * below half of it (Beanstalk's `aws:autoscaling:trigger`). Load balanced only; not together with
   * `scalingRequestsPerTarget`.
   *
   * @default - `x-beanstack.scaling.cpu`, else the stage preset (prod: 60)
   */
  readonly scalingCpuPercent?: number;

  /**
   * Keep the requests a minute per instance near this number (target tracking on
   * `ALBRequestCountPerTarget`, an `.ebextensions` resource in the bundle). Load balanced only.
   *
   * @default - `x-beanstack.scaling.requests`, else scale on CPU
   */
  readonly scalingRequestsPerTarget?: number;

  /**
   * Email addresses alerted by the alarms and Beanstalk's notifications (an SNS topic with one
   * subscription each; each address confirms once).
   *
   * @default - `x-beanstack.alerts.email`, else none
   */
  readonly alertEmails?: readonly string[];

  /**
   * An existing SNS topic (same region) for the alarms and Beanstalk's notifications.
   *
   * @default - `x-beanstack.alerts.topic_arn`, else a new topic when `alertEmails` is set
   */
  readonly alertTopicArn?: string;

  /**
   * Alarm thresholds, each overriding the one derived from the instance classes. With neither
   * `alertEmails` nor `alertTopicArn` (nor `x-beanstack.alerts`) no alarm is created.
   *
   * @default - `x-beanstack.alerts.thresholds`, else derived (see `AlarmThresholds`)
   */
  readonly alarmThresholds?: AlarmThresholds;

  /**
   * Use this VPC instead of creating one (see `NetworkProps.vpc`).
   *
   * @default - a new VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Where the instances run (see `NetworkProps.instanceSubnets`).
   *
   * @default 'public'
   */
  readonly instanceSubnets?: InstanceSubnetPlacement;

  /**
   * Instance class of every database.
   *
   * @default - see `DatabaseProps.instanceType`
   */
  readonly databaseInstanceType?: ec2.InstanceType;

  /**
   * Plain environment properties for the containers, e.g. the values of variables the compose file
   * leaves unset (`- API_URL`). Never put secrets here.
   *
   * @default - none
   */
  readonly environmentVariables?: Readonly<Record<string, string>>;

  /**
   * Map compose health checks and `depends_on` conditions into the Dockerrun (ECS target; undocumented
   * in Elastic Beanstalk).
   *
   * @default false
   */
  readonly containerHealthChecks?: boolean;

  /**
   * Sleep schedule of a dev stage (constructs/cost-guard.ts, docs/cost-guard.md): the environment
   * scaled to zero and the databases stopped outside the wake hours. Refused on the `prod` stage;
   * `false` turns off the compose file's schedule.
   *
   * @default - `x-beanstack.sleep` of the compose file (left out, with a warning, on `prod`), else never sleeps
   */
  readonly sleep?: SleepInput | false;

  /**
   * Monthly AWS Budgets budget with email alerts (`{ monthly: 30, email: ['team@example.com'] }`);
   * `false` turns off the compose file's.
   *
   * @default - `x-beanstack.budget` of the compose file, else none
   */
  readonly budget?: BudgetInput | false;
}

/** What every prop must be, checked at run time (TypeScript checks only typed callers). */
const PROP_CHECKS: Readonly<Record<string, PropCheck>> = {
  composeFiles: listOf(str(), 'a list of compose file paths such as [\'docker-compose.yml\', \'docker-compose.prod.yml\']'),
  workingDirectory: str(),
  interpolationVariables: recordOf((v) => (v === undefined || typeof v === 'string' ? undefined : 'is not a string; use string values'), 'an object of NAME: value strings'),
  profiles: listOf(str(), 'a list of profile names'),
  project: object('a ComposeProject from loadProject()'),
  target: oneOf(TARGETS),
  appName: str(),
  stage: COMMON.stageName,
  preset: COMMON.stage,
  cnamePrefix: str(),
  instanceTypes: str(),
  platformVersion: str(),
  certificateArn: str(),
  healthCheckPath: str(),
  minInstances: num,
  maxInstances: num,
  scalingCpuPercent: num,
  scalingRequestsPerTarget: num,
  alertEmails: listOf(str(EMAIL, 'an email address such as ops@example.com'), 'a list of email addresses'),
  alertTopicArn: str(TOPIC_ARN, 'an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)'),
  alarmThresholds: object('an object of alarm: threshold (AlarmThresholds)'),
  vpc: COMMON.vpc,
  instanceSubnets: COMMON.instanceSubnets,
  databaseInstanceType: COMMON.instanceType,
  environmentVariables: recordOf(anyString, 'an object of NAME: value strings'),
  containerHealthChecks: bool,
  allowMajorVersionUpgrade: bool,
  allowHttp: bool,
  requireDatabaseTls: bool,
  sleep: (v) => (v === false ? undefined : object("{ schedule: 'nights-and-weekends' }, { wake, sleep, timezone } or false")(v)),
  budget: (v) => (v === false ? undefined : object("{ monthly: 30, email: ['team@example.com'] } or false")(v)),
  domain: str(),
  hostedZoneId: str(),
  hostedZoneName: str(),
  hostedZoneLookup: bool,
};

/**
 * A compose project on Elastic Beanstalk: the compose files are loaded and converted to a bundle;
 * each built service becomes a `DockerImageAsset` (built and pushed to ECR by `cdk deploy`) whose
 * concrete URI goes into the bundle; database services become RDS instances whose settings reach the
 * containers as environment properties and the password as an environment secret; other secrets are
 * created in Secrets Manager for the user to fill; everything runs in a `Network`.
 *
 * The bundle holds literal image URIs and role ARNs, so the stack needs an explicit account and region.
 */
export class ComposeApplication extends Construct {
  /** The loaded compose project. */
  readonly project: ComposeProject;
  /** The bundle as written into the source bundle. */
  readonly bundle: BundleDescription;
  /** The bundle in the cloud assembly: the application version's staged asset (`asset.<hash>`). */
  readonly bundleDirectory: string;
  /** Warnings of loading, converting and wiring, sorted. */
  readonly warnings: readonly Diagnostic[];
  readonly network: Network;
  /** RDS instance per replaced database service. */
  readonly databases: Readonly<Record<string, Database>>;
  /** Image asset per built service. */
  readonly images: Readonly<Record<string, ecrAssets.DockerImageAsset>>;
  /** Concrete ECR image URI per built service. */
  readonly imageUris: Readonly<Record<string, string>>;
  /**
   * Application secret per environment variable name. Each is created holding a random placeholder
   * (an empty secret has no version, and Elastic Beanstalk / ECS fail to start the containers when a
   * referenced secret has no value); the application runs with that placeholder until the user puts
   * the real value (the `FillSecret-<NAME>` output is the command).
   */
  readonly secrets: Readonly<Record<string, secretsmanager.Secret>>;
  readonly environment: BeanstalkEnvironment;
  /** The stage's domain (certificate and alias records), when it has one. */
  readonly domain?: Domain;
  /** `<appName>-<stage>`: the Beanstalk application and environment name. */
  readonly environmentName: string;
  /** Sleep schedule and budget, when the stage has either. */
  readonly costGuard?: CostGuard;
  /** The stage's name (`dev`, `staging`, …): part of the physical names. */
  readonly stageName: string;
  /** The stage's preset, which drove the defaults. */
  readonly preset: DeploymentStage;
  /** The alert topic and alarms, when someone is to be alerted (`alertEmails`, `alertTopicArn`, `x-beanstack.alerts`). */
  readonly alerts?: Alerts;

  constructor(scope: Construct, id: string, props: ComposeApplicationProps = {}) {
    super(scope, id);
    checkProps('ComposeApplication', props, PROP_CHECKS);

    const stack = Stack.of(this);
    const { account, region } = explicitEnvironment(stack);
    const stageName = props.stage ?? 'dev';
    // the preset drives every default; `stage` below is the preset, as the parts take it
    const stage: DeploymentStage = props.preset ?? defaultPreset(stageName);
    const prod = stage === 'prod';
    const target = props.target ?? 'ecs';
    const instanceTypes = props.instanceTypes ?? 't3.small';
    validateComposeApplicationProps({
      stage,
      hasProject: props.project !== undefined,
      loadProps: LOAD_PROPS.filter((n) => props[n] !== undefined),
      instanceSubnets: props.instanceSubnets,
      certificateArn: props.certificateArn,
      allowHttp: props.allowHttp,
      // a compose file not loaded yet may give the stage a domain: checked again once it is
      hasDomain: props.domain !== undefined || props.project === undefined || declaresDomain(props.project),
    });
    const warnings = propsWarnings(props, stageName);

    // ---- the compose project ----
    this.project = props.project ?? loadComposeProject(props, warnings);
    const appName = props.appName ?? this.project.name;
    const environmentName = checkedEnvironmentName(appName, stageName);
    this.environmentName = environmentName;
    this.stageName = stageName;
    this.preset = stage;
    // scaling and alerts: props, else x-beanstack, else the stage preset (the prod stage is the load-balanced one, as in Network)
    const operations = resolveOperations(this.project, stage, prod, props);
    warnings.push(...operations.warnings);

    const architecture = BeanstalkEnvironment.architectureOf(instanceTypes);
    const imagePlatform = architecture === 'arm64' ? 'linux/arm64' : 'linux/amd64';
    const { partition, domainSuffix } = regionFacts(region, (r) => RegionInfo.get(r));

    // ---- the plan: containers, images to build, databases and secrets, decided once ----
    const planned = planBundle(this.project, { target, imagePlatform, containerHealthChecks: props.containerHealthChecks, reader: nodeFileReader });

    // ---- the domain (x-beanstack.domain was validated with the plan): its certificate serves the HTTPS listener ----
    this.domain = this.createDomain(props, stage, stageName, warnings);
    const certificateArn = this.domain?.certificateArn ?? props.certificateArn;

    // ---- images ----
    const { images, imageUris, repositoryArns } = this.buildImages(planned, { account, region, partition, domainSuffix, imagePlatform, architecture, instanceTypes });
    this.images = images;
    this.imageUris = imageUris;

    // ---- databases and secrets: what reaches the containers through the environment ----
    const taskExecutionRoleName = this.claimNames(planned, { appName, stageName, environmentName, region, target, cnamePrefix: props.cnamePrefix });
    const executionRoleArn = taskExecutionRoleName ? BeanstalkEnvironment.taskExecutionRoleArnFor(this, taskExecutionRoleName) : undefined;

    // ---- the bundle that ships: the plan rendered with the images' ECR URIs and the role ----
    const converted = renderBundle(planned, { images: imageUris, ...(executionRoleArn ? { executionRoleArn } : {}) });
    this.bundle = converted.result;
    warnings.push(...converted.warnings);

    // ---- network ----
    const dbPorts = databasePorts(this.bundle);
    this.network = new Network(this, 'Network', { vpc: props.vpc, stage, instanceSubnets: props.instanceSubnets, https: certificateArn !== undefined, databasePorts: [...dbPorts.values()] });

    // ---- databases ----
    const env = new EnvironmentProperties();
    this.databases = this.createDatabases(props, stage, dbPorts, env, warnings);
    const databases = this.databases;

    // ---- application secrets ----
    this.secrets = this.createAppSecrets(environmentName, prod, env, warnings);

    // ---- plain variables: the compose file's unset ones and the single target's ----
    setPlainVariables(this.bundle, props.environmentVariables ?? {}, env, warnings);

    // ---- alerts: the topic and the alarms of this stack (the load balancer's are in the bundle) ----
    const alerts = operations.alerts
      ? new Alerts(this, 'Alerts', { environmentName, emails: operations.alerts.emails, topicArn: operations.alerts.topicArn, loadBalanced: prod, databases, thresholds: operations.alerts.thresholds })
      : undefined;
    this.alerts = alerts;

    // ---- the environment: its application version stages the bundle written here, which then lands once in the assembly ----
    const created = this.createEnvironment(props, {
      stage, prod, target, instanceTypes, environmentName, certificateArn, operations, alerts, env, repositoryArns: [...repositoryArns], taskExecutionRoleName,
    });
    this.environment = created.environment;
    this.bundleDirectory = created.bundleDirectory;
    alerts?.grantPublish(this.environment.serviceRole);

    // ---- cost guard: sleep schedule and budget ----
    this.costGuard = this.createCostGuard(props, stage, environmentName, operations.scaling, warnings);
    this.domain?.aliasTo(this.environment);

    // ---- outputs ----
    this.addOutputs(region, environmentName);

    this.warnings = sortDiagnostics(warnings);
    this.annotate();
  }

  /**
   * The Beanstalk environment, its application version staging the bundle written into the cloud
   * assembly (`withStagingBundle`: it then lands there once), and the staged copy's directory.
   */
  private createEnvironment(props: ComposeApplicationProps, o: {
    readonly stage: DeploymentStage;
    readonly prod: boolean;
    readonly target: BundleTarget;
    readonly instanceTypes: string;
    readonly environmentName: string;
    readonly certificateArn?: string;
    readonly operations: ResolvedOperations;
    readonly alerts?: Alerts;
    readonly env: EnvironmentProperties;
    readonly repositoryArns: readonly string[];
    readonly taskExecutionRoleName?: string;
  }): { environment: BeanstalkEnvironment; bundleDirectory: string } {
    const { operations, environmentName, certificateArn } = o;
    const outdir = Stage.of(this)?.outdir;
    if (!outdir) throw new Error('ComposeApplication must be inside a CDK App or Stage');
    const bundleFiles = { projectDirectory: this.project.projectDirectory, extraFiles: [
      ...environmentBundleFiles({ certificateArn }),
      ...scalingBundleFiles(operations.scaling.target),
      ...(operations.alerts ? alarmBundleFiles({ environmentName, loadBalanced: o.prod, thresholds: operations.alerts.thresholds }) : []),
    ] };
    const written = path.join(outdir, 'beanstack-bundles', `${Stack.of(this).artifactId}-${this.node.addr.slice(0, 12)}`);
    const stagedAt = (environment: BeanstalkEnvironment) => path.resolve(outdir, environment.bundleAsset.assetPath);
    const environment = withStagingBundle(this.bundle, written, bundleFiles, (bundleDirectory) => new BeanstalkEnvironment(this, 'Beanstalk', {
      vpc: this.network.vpc,
      bundleDirectory,
      appSecurityGroup: this.network.appSecurityGroup,
      loadBalancerSecurityGroup: this.network.loadBalancerSecurityGroup,
      instanceSubnets: this.network.instanceSubnets,
      loadBalancerSubnets: this.network.loadBalancerSubnets,
      associatePublicIpAddress: this.network.instancesNeedPublicIp,
      loadBalanced: this.network.loadBalanced,
      platform: o.target === 'ecs' ? 'ecs' : 'docker',
      platformVersion: props.platformVersion,
      applicationName: environmentName,
      environmentName,
      cnamePrefix: props.cnamePrefix,
      instanceTypes: o.instanceTypes,
      minInstances: operations.scaling.min,
      maxInstances: operations.scaling.max,
      scalingTarget: operations.scaling.target,
      alertTopicArn: o.alerts?.topic.topicArn,
      healthCheckPath: props.healthCheckPath ?? this.bundle.healthCheckPath,
      certificateArn,
      environmentVariables: o.env.plainValues(),
      environmentSecrets: o.env.secretValues(),
      imageRepositoryArns: [...o.repositoryArns],
      taskExecutionRoleName: o.taskExecutionRoleName,
      stage: o.stage,
    }), stagedAt);
    return { environment, bundleDirectory: stagedAt(environment) };
  }

  /**
   * The names this stage fixes (environment, CNAME prefix, the task execution role when secrets need
   * one), claimed so two stages of one app never share one; the role's name, if any.
   */
  private claimNames(planned: Plan, n: { appName: string; stageName: string; environmentName: string; region: string; target: BundleTarget; cnamePrefix?: string }): string | undefined {
    const { appName, stageName, environmentName, region, target, cnamePrefix } = n;
    const passwordVariables = planned.databases.flatMap((d) => d.variables.filter((v) => v.role === 'password'));
    const usesSecrets = planned.secrets.length > 0 || passwordVariables.length > 0;
    const taskExecutionRoleName = target === 'ecs' && usesSecrets
      ? physicalName([appName, stageName, region, 'ecs-task-execution'], 64)
      : undefined;
    claimPhysicalNames(this, [
      { kind: 'Beanstalk application and environment name', name: environmentName, unique: 'account-region', fix: 'give each stage its own name (-c stage=<name>, the `stage` prop) or each app its own appName' },
      ...(cnamePrefix !== undefined && !Token.isUnresolved(cnamePrefix) ? [{ kind: 'CNAME prefix', name: cnamePrefix, unique: 'region' as const, fix: `give each stage its own CNAME prefix: "beanstack": { "stages": { "${stageName}": { "cnamePrefix": "${appName}-${stageName}" } } } in cdk.json, or the \`cnamePrefix\` prop` }] : []),
      ...(taskExecutionRoleName ? [{ kind: 'IAM role name', name: taskExecutionRoleName, unique: 'account' as const, fix: 'give each stage its own name (-c stage=<name>, the `stage` prop): the role is named after <appName>-<stage> and the region' }] : []),
    ]);
    return taskExecutionRoleName;
  }

  /** The sleep schedule and the budget, when the stage has either. */
  private createCostGuard(props: ComposeApplicationProps, stage: DeploymentStage, environmentName: string, scaling: { readonly min: number; readonly max: number }, warnings: Diagnostic[]): CostGuard | undefined {
    const guard = costGuardInputs(parseCostGuard(this.project, []), props, stage);
    if (guard.warning) warnings.push(guard.warning);
    if (!guard.sleep && !guard.budget) return undefined;
    return new CostGuard(this, 'CostGuard', {
      environment: this.environment.environment,
      minInstances: scaling.min,
      maxInstances: scaling.max,
      databases: Object.values(this.databases).map((d) => d.instance),
      sleep: guard.sleep,
      budget: guard.budget,
      name: environmentName,
      stage,
    });
  }

  /** The stage's domain, when it has one: its certificate serves the HTTPS listener, its alias records follow once the environment exists. */
  private createDomain(props: ComposeApplicationProps, stage: DeploymentStage, stageName: string, warnings: Diagnostic[]): Domain | undefined {
    const prod = stage === 'prod';
    // keyed by the stage's name (x-beanstack.domain.name: { prod: … }), not its preset: staging is not prod
    const domain = domainSetting(props, parseDomainOverride(this.project, []), stageName);
    validateComposeApplicationProps({ stage, hasProject: false, loadProps: [], instanceSubnets: props.instanceSubnets, certificateArn: props.certificateArn, allowHttp: props.allowHttp, hasDomain: domain !== undefined });
    if (prod && props.certificateArn === undefined && domain === undefined) {
      warnings.push({ code: 'constructs/http-only', message: `the ${stageName === 'prod' ? 'prod stage' : `${stageName} stage (prod preset)`} serves plain HTTP (allowHttp): passwords, cookies and tokens cross the internet unencrypted; give it a domain (docs/domain.md) or set certificateArn to serve HTTPS` });
    }
    if (!domain) return undefined;
    checkDomainSetting(domain, stageName, prod);
    claimPhysicalNames(this, [{ kind: 'domain name', name: domain.domainName, unique: 'account', fix: `give each stage its own name: x-beanstack.domain.name: { ${stageName}: <name> } in the compose file, or "beanstack": { "stages": { "${stageName}": { "domain": "<name>" } } } in cdk.json` }]);
    return new Domain(this, 'Domain', {
      domainName: domain.domainName,
      hostedZoneId: domain.hostedZoneId,
      hostedZoneName: domain.hostedZoneName!,
      hostedZoneLookup: domain.hostedZoneLookup,
      certificateArn: props.certificateArn,
    });
  }

  /** Each warning as a CDK warning annotation, led by the compose file, line and column (relative to the project). */
  private annotate(): void {
    for (const w of this.warnings) {
      // the compose file, line and column first (relative to the project), as beanstack's CLI prints warnings
      const where = w.location ? `${formatLocation(w.location, this.project.projectDirectory)}: ` : '';
      Annotations.of(this).addWarningV2(`${WARNING_PREFIX}:${w.code}`, `${where}${w.service ? `${w.service}: ` : ''}${w.message}`);
  }
  }

  /** One DockerImageAsset per built service, and the ECR URI each container runs. */
  private buildImages(planned: Plan, where: ImageTarget): { images: Record<string, ecrAssets.DockerImageAsset>; imageUris: Record<string, string>; repositoryArns: Set<string> } {
    const { account, region, partition, domainSuffix, imagePlatform, architecture, instanceTypes } = where;
    const images: Record<string, ecrAssets.DockerImageAsset> = {};
    const imageUris: Record<string, string> = {};
    const repositoryArns = new Set<string>();
    const imagesScope = new Construct(this, 'Images');
    for (const build of [...planned.images].sort((a, b) => (a.service < b.service ? -1 : 1))) {
      if (isRemoteContext(build.context) || nodeFileReader.isDirectory?.(build.context) !== true) {
        throw new BeanstackError(`services.${build.service}.build.context '${build.context}' is not a local directory; the CDK builds images from a local build context`, {
          code: 'constructs/build-context',
          fix: `check out the context locally and point services.${build.service}.build.context at it`,
        });
      }
      if (build.platform !== imagePlatform) {
        throw new BeanstackError(`services.${build.service} is built for ${build.platform}, but the instances (${instanceTypes}) are ${architecture}`, {
          code: 'constructs/image-platform',
          fix: `build for ${imagePlatform} (remove build.platforms / platform: from the production compose file) or choose instance types of the image's architecture`,
        });
      }
      // build args that look like secrets never get here: the converter refuses them (bundle/secret-build-arg)
      // no link out of the project, no FIFO, the context and Dockerfile inside the project; links are
      // staged as links (NEVER), as `docker build` sends them, so the copy in cdk.out reads nothing outside
      checkBuildContext(this.project, build);
      const asset = new ecrAssets.DockerImageAsset(imagesScope, build.service, {
        directory: build.context,
        followSymlinks: SymlinkFollowMode.NEVER,
        file: build.dockerfile,
        target: build.target,
        buildArgs: Object.keys(build.args).length > 0 ? { ...build.args } : undefined,
        platform: ecrAssets.Platform.custom(build.platform),
        assetName: build.service.toLowerCase().replace(/[^a-z0-9-]/g, '-'),
      });
      const repositoryName = asset.repository.repositoryName;
      if (Token.isUnresolved(repositoryName) || Token.isUnresolved(asset.imageTag)) {
        throw new Error(`internal: the image asset repository of ${build.service} is not concrete; the stack synthesizer must be the default one`);
      }
      images[build.service] = asset;
      imageUris[build.service] = `${account}.dkr.ecr.${region}.${domainSuffix}/${repositoryName}:${asset.imageTag}`;
      repositoryArns.add(`arn:${partition}:ecr:${region}:${account}:repository/${repositoryName}`);
    }
    return { images, imageUris, repositoryArns };
  }

  /** One RDS Database per database service the bundle replaces; the variables that reached it now reach RDS. */
  private createDatabases(props: ComposeApplicationProps, stage: DeploymentStage, dbPorts: ReadonlyMap<string, number>, env: EnvironmentProperties, warnings: Diagnostic[]): Record<string, Database> {
    const databases: Record<string, Database> = {};
    const databasesScope = new Construct(this, 'Databases');
    for (const replacement of [...this.bundle.databases].sort((a, b) => (a.service < b.service ? -1 : 1))) {
      const engine = replacement.engine as DatabaseEngineName;
      const { version, warning } = chooseEngineVersion(replacement);
      if (warning) warnings.push(warning);
      const { username, warning: userWarning } = chooseUsername(replacement);
      if (userWarning) warnings.push(userWarning);
      const databaseName = replacement.databaseName && isValidDatabaseName(replacement.databaseName) ? replacement.databaseName : 'app';
      if (replacement.databaseName && databaseName !== replacement.databaseName) {
        warnings.push({ code: 'constructs/database-name', service: replacement.service, message: `database name '${replacement.databaseName}' is not valid on RDS; the database is named '${databaseName}' (the variables that carry the name are set accordingly)` });
      }
      const db = new Database(databasesScope, replacement.service, {
        vpc: this.network.vpc,
        engine,
        engineVersion: version,
        securityGroup: this.network.databaseSecurityGroup,
        subnets: this.network.databaseSubnets,
        databaseName,
        username,
        port: dbPorts.get(replacement.service),
        instanceType: props.databaseInstanceType,
        // the prop, else x-beanstack.allow_major_version_upgrade of the database service (the converter reported bad values)
        allowMajorVersionUpgrade: props.allowMajorVersionUpgrade ?? parseServiceOverrides(this.project, replacement.service, []).allowMajorVersionUpgrade,
        ...(replacement.parameters ? { parameters: replacement.parameters } : {}),
        requireTls: props.requireDatabaseTls ?? true,
        stage,
      });
      databases[replacement.service] = db;
      const from = `database ${replacement.service}`;
      for (const v of replacement.variables) {
        switch (v.role) {
          case 'host': env.set(v.name, db.instance.dbInstanceEndpointAddress, from); break;
          case 'port': env.set(v.name, db.instance.dbInstanceEndpointPort, from); break;
          case 'database': env.set(v.name, db.databaseName, from); break;
          case 'user': env.set(v.name, db.username, from); break;
          case 'password': env.setSecret(v.name, { secret: db.secret, jsonKey: 'password' }, from); break;
          case 'url': break; // the converter warned: a URL cannot wrap a secret password
        }
      }
    }
    return databases;
  }

  /** One Secrets Manager secret per application secret of the bundle, each an environment secret. */
  private createAppSecrets(environmentName: string, prod: boolean, env: EnvironmentProperties, warnings: Diagnostic[]): Record<string, secretsmanager.Secret> {
    // Created with a random placeholder, never empty: an AWS::SecretsManager::Secret without
    // SecretString/GenerateSecretString has no AWSCURRENT version, GetSecretValue then fails, and so
    // does the environment-secret bootstrap (ECS: the task cannot start) on the first deploy. The
    // placeholder is random (unguessable, unlike a fixed text), is reported as a warning at synth,
    // and the FillSecret-<NAME> output is the command that sets the real value. GenerateSecretString
    // must never change: CloudFormation would generate a new value over the user's.
    const secrets: Record<string, secretsmanager.Secret> = {};
    const secretsScope = new Construct(this, 'Secrets');
    const placeholderSecrets: string[] = [];
    for (const required of [...this.bundle.secrets].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const secret = new secretsmanager.Secret(secretsScope, required.name, {
        description: `${environmentName}: ${required.name} for ${required.services.join(', ')}. Created with a random placeholder that the application uses until you set the real value: aws secretsmanager put-secret-value --secret-id <this secret> --secret-string <value>, then aws elasticbeanstalk restart-app-server --environment-name ${environmentName}`,
        generateSecretString: { passwordLength: 40, excludePunctuation: true },
        removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'an application secret carried over from the compose file (an API key, a session key): only the application\'s owner can produce a new value, so Secrets Manager cannot rotate it; Beanstalk reads it at instance bootstrap',
      });
      // how `beanstack secrets` finds the secrets the stack expects (lib/aws/secret-status.ts)
      Tags.of(secret).add(APP_SECRET_TAG, required.name);
      secrets[required.name] = secret;
      placeholderSecrets.push(`${required.name} (${required.services.join(', ')})`);
      env.setSecret(required.name, { secret }, `secret ${required.name}`);
    }
    if (placeholderSecrets.length > 0) {
      warnings.push({
        code: 'constructs/secret-placeholder',
        message: `${placeholderSecrets.join(', ')} ${placeholderSecrets.length === 1 ? 'is' : 'are'} created in Secrets Manager with a random placeholder, and the application runs with it until you set the real value — after the first deploy, run beanstack secrets set <NAME> (or the command of each FillSecret-<NAME> stack output; docs/deploy.md, "Application secrets")`,
      });
    }
    return secrets;
  }

  /** The environment's URL, each database's endpoint and secret, and the command that fills each application secret. */
  private addOutputs(region: string, environmentName: string): void {
    const { databases, secrets } = this;
    new CfnOutput(this, 'EnvironmentUrl', { value: this.domain?.url ?? this.environment.url, description: `URL of the ${environmentName} environment` });
    for (const [service, db] of Object.entries(databases)) {
      new CfnOutput(this, `DatabaseEndpoint-${service}`, { value: `${db.instance.dbInstanceEndpointAddress}:${db.instance.dbInstanceEndpointPort}`, description: `endpoint of the RDS instance replacing the compose service ${service}` });
      new CfnOutput(this, `DatabaseSecretName-${service}`, { value: db.secret.secretName, description: `Secrets Manager secret with the credentials of ${service} (username, password, host, port)` });
    }
    for (const [name, secret] of Object.entries(secrets)) {
      const shellVariable = name.replace(/[^A-Za-z0-9_]/g, '_');
      new CfnOutput(this, `SecretName-${name}`, { value: secret.secretName, description: `Secrets Manager secret holding ${name} (a random placeholder until you fill it: see FillSecret-${name})` });
      // The exact command: the value comes from a shell variable named like the secret, so it stays
      // out of the shell history (`read -rs NAME` first); the restart makes the instances read it again.
      new CfnOutput(this, `FillSecret-${name}`, {
        value: `aws secretsmanager put-secret-value --region ${region} --secret-id ${secret.secretArn} --secret-string "$${shellVariable}" && aws elasticbeanstalk restart-app-server --region ${region} --environment-name ${environmentName}`,
        description: `sets the real value of ${name} (first: read -rs ${shellVariable}) and restarts the application so it reads it`,
      });
    }
  }
}

/** The stack's account and region, which the bundle writes literally (ECR URIs, role ARNs). */
function explicitEnvironment(stack: Stack): { account: string; region: string } {
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) {
    throw new BeanstackError(`stack ${stack.stackName} has no explicit account and region, but the bundle's Dockerrun holds literal ECR image URIs (<account>.dkr.ecr.<region>...) and role ARNs`, {
      code: 'constructs/stack-env',
      fix: 'give the stack env: { account, region }; with the beanstack CDK app run `cdk synth -c account=123456789012 -c region=eu-west-1`, or set CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION (the CDK CLI does when it has credentials)',
    });
  }
  return { account: stack.account, region: stack.region };
}

/** Warnings the props alone give: a stage without a preset, databases without TLS. */
function propsWarnings(props: ComposeApplicationProps, stageName: string): Diagnostic[] {
  const warnings: Diagnostic[] = [];
  if (props.preset === undefined && !isDeploymentStage(stageName)) {
    warnings.push({ code: 'constructs/stage-preset', message: `stage '${stageName}' has no preset, so it uses the dev preset (one instance, a single-AZ database destroyed with the stack); set one: the \`preset\` prop, -c preset=prod, or "beanstack": { "stages": { "${stageName}": { "preset": "prod" } } } in cdk.json` });
  }
  if (props.requireDatabaseTls === false) {
    warnings.push({ code: 'constructs/database-plain', message: 'the databases accept connections without TLS (requireDatabaseTls: false); inside the VPC the traffic is still unencrypted on the wire' });
  }
  return warnings;
}

/** `<appName>-<stage>` when Elastic Beanstalk accepts it as an environment name. */
function checkedEnvironmentName(appName: string, stageName: string): string {
  const environmentName = `${appName}-${stageName}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{2,38}[A-Za-z0-9]$/.test(environmentName)) {
    throw new BeanstackError(`the environment name '${environmentName}' (\`appName\`-\`stage\`) must be 4 to 40 letters, digits and hyphens`, {
      code: 'constructs/app-name',
      fix: 'set a shorter appName of letters, digits and hyphens (-c appName=myapp) or a shorter stage name, or rename the compose project (top-level name:)',
    });
  }
  return environmentName;
}

/** The environment properties the compose file and the props give (unset variables warned). */
function setPlainVariables(bundle: BundleDescription, given: Readonly<Record<string, string>>, env: EnvironmentProperties, warnings: Diagnostic[]): void {
  for (const [name, value] of Object.entries(bundle.environmentProperties ?? {})) {
    env.set(name, value, 'the compose file');
  }
  for (const required of bundle.requiredVariables ?? []) {
    if (!(required.name in given)) {
      warnings.push({
        code: 'constructs/unset-variable',
        message: `${required.name} (read by ${required.services.join(', ')}) has no value in the compose files and none was given; the containers will not see it — pass it in environmentVariables (beanstack app: -c env.${required.name}=value)`,
      });
    }
  }
  for (const name of Object.keys(given).sort()) {
    env.set(name, given[name], 'environmentVariables');
  }
}

/** The port each replaced database listens on: the compose one when RDS allows it (1150–65535), else the engine's default. */
function databasePorts(bundle: BundleDescription): Map<string, number> {
  const ports = new Map<string, number>();
  for (const db of bundle.databases) {
    const engine = db.engine as DatabaseEngineName;
    ports.set(db.service, db.port >= 1150 && db.port <= 65535 ? db.port : DEFAULT_DATABASE_PORTS[engine]);
  }
  return ports;
}

/** The compose project of the props' compose files (the loader's warnings added to `warnings`). */
function loadComposeProject(props: ComposeApplicationProps, warnings: Diagnostic[]): ComposeProject {
  const loaded = loadProject({
    files: props.composeFiles ?? [],
    // relative to the directory the CDK app runs in, as aws-cdk-lib resolves asset paths
    workingDirectory: path.resolve(props.workingDirectory ?? '.'),
    environment: props.interpolationVariables ?? {},
    profiles: props.profiles,
    reader: nodeFileReader,
  });
  warnings.push(...loaded.warnings);
  return loaded.result;
}

/** Where the images go and what they run on. */
interface ImageTarget {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly domainSuffix: string;
  readonly imagePlatform: string;
  readonly architecture: string;
  readonly instanceTypes: string;
}

/**
 * The environment properties of the one Beanstalk environment. Every container sees every property,
 * so a name is set once: a second, different value is a user error naming both sources.
 */
class EnvironmentProperties {
  private readonly plain: Record<string, { value: string; from: string }> = {};
  private readonly secrets: Record<string, { value: EnvironmentSecret; from: string }> = {};

  set(name: string, value: string, from: string): void {
    const existing = this.plain[name] ?? this.secrets[name];
    if (existing && !(name in this.plain && this.plain[name].value === value)) throw conflict(name, existing.from, from);
    this.plain[name] = { value, from };
  }

  setSecret(name: string, value: EnvironmentSecret, from: string): void {
    const existing = this.plain[name] ?? this.secrets[name];
    const same = name in this.secrets && this.secrets[name].value.secret === value.secret && this.secrets[name].value.jsonKey === value.jsonKey;
    if (existing && !same) throw conflict(name, existing.from, from);
    this.secrets[name] = { value, from };
  }

  plainValues(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.plain).map(([k, v]) => [k, v.value]));
  }

  secretValues(): Record<string, EnvironmentSecret> {
    return Object.fromEntries(Object.entries(this.secrets).map(([k, v]) => [k, v.value]));
  }
}

function conflict(name: string, first: string, second: string): BeanstackError {
  return new BeanstackError(`the environment variable ${name} would be set twice (${first} and ${second}); Elastic Beanstalk environment properties are shared by every container`, {
    code: 'constructs/variable-conflict',
    fix: `give the variable a different name in one of the services, e.g. ${name}_2`,
  });
}


function chooseEngineVersion(db: DatabaseReplacement): { version?: string; warning?: Diagnostic } {
  const table = ENGINE_VERSIONS[db.engine as DatabaseEngineName];
  const majors = supportedMajors(db.engine as DatabaseEngineName);
  if (db.majorVersion === undefined) {
    return {
      warning: { code: 'constructs/database-version', service: db.service, message: `the image ${db.image ?? db.engine} names no version; RDS runs ${db.engine} ${table[majors[0]]} (pin the image tag, e.g. ${db.engine}:${majors[0]}, to choose)` },
    };
  }
  if (db.majorVersion in table) return { version: db.majorVersion };
  const sameMajor = majors.find((m) => m.startsWith(`${db.majorVersion}.`));
  if (sameMajor) return { version: sameMajor };
  return {
    warning: { code: 'constructs/database-version', service: db.service, message: `${db.engine} ${db.majorVersion} (image ${db.image ?? db.engine}) is not a version beanstack deploys on RDS; RDS runs ${db.engine} ${table[majors[0]]} — test the app against it or use one of ${majors.join(', ')}` },
  };
}

function chooseUsername(db: DatabaseReplacement): { username: string; warning?: Diagnostic } {
  const u = db.username;
  if (u === undefined) return { username: 'app' };
  if (isValidMasterUsername(db.engine as DatabaseEngineName, u)) return { username: u };
  return {
    username: 'app',
    warning: { code: 'constructs/database-user', service: db.service, message: `'${u}' cannot be the RDS master user; the user is 'app' (the variables that carry the user name are set accordingly)` },
  };
}
