/**
 * The CDK app: one `BeanstackStack` built from CDK context. A project set up by `beanstack init` runs
 * it as `"app": "npx beanstack app"` (bin/commands/app.ts); this repository's own cdk.json runs the
 * compiled file for the example; `beanstack/app` exports `createBeanstackApp` for a TypeScript app. The only place (with
 * bin/example.ts) that reads context and environment variables.
 *
 * Context keys (`cdk synth -c key=value`, or the `context` of cdk.json):
 *   compose          compose files, comma-separated, in merge order
 *                    (default: examples/fullstack/docker-compose.yml,examples/fullstack/docker-compose.prod.yml)
 *   stage            the stage's name: dev, prod or any other (staging, pr-42; lowercase letters, digits and
 *                    hyphens, at most 24 characters; default dev) — several stages deploy side by side
 *   preset           dev | prod: the defaults the stage gets (default: the stage itself when dev or prod, else dev)
 *   beanstack        in cdk.json: { "stages": { "<stage>": { "preset": "prod", "instanceTypes": "t3.small", … } } },
 *                    per-stage settings (bin/stage-settings.ts, docs/stages.md)
 *   appName          application name; the stack and environment are <appName>-<stage> (default: the compose project name)
 *   target           ecs | docker | single (default ecs)
 *   account, region  the AWS account and region (default: CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION,
 *                    which the CDK CLI sets from your credentials; for the example only, the
 *                    placeholders 123456789012 / eu-west-1 so synth works offline)
 *   cnamePrefix      the environment's CNAME prefix (<cnamePrefix>.<region>.elasticbeanstalk.com), which
 *                    `beanstack preflight` checks is free (default: Elastic Beanstalk picks one)
 *   instanceTypes, platformVersion, certificateArn, healthCheckPath, instanceSubnets (public | private),
 *   allowHttp (true: the prod stage may serve plain HTTP without certificateArn, with a warning),
 *   requireDatabaseTls (false: the database accepts connections without TLS, with a warning),
 *   domain, hostedZoneId, hostedZoneName, hostedZoneLookup (true: find the zone's id at synth)
 *                    the stage's host name (in cdk.json also { "<stage>": "<name>" }) and its Route 53
 *                    hosted zone (default: x-beanstack.domain)
 *   profiles (comma-separated), env.<NAME>=<value> (plain environment properties)
 *   sleep, sleep.<field>, budget, budget.<field>   the cost guard (bin/shared/cost-guard-context.ts)
 *   minInstances, maxInstances, scalingCpuPercent, scalingRequestsPerTarget (docs/operations.md; over x-beanstack.scaling)
 *   alertEmails (comma-separated), alertTopicArn (over x-beanstack.alerts)
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Annotations, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BeanstackStack } from '../constructs/stack';
import { DeploymentStage } from '../constructs/stage';
import { resolveStage } from './stage-settings';
import { InstanceSubnetPlacement } from '../constructs/network';
import { TARGETS } from '../lib/bundle/keys';
import type { BundleTarget } from '../lib/bundle/types';
import { COMPOSE_FILES_METADATA, composeFileHashes } from '../lib/aws/history-record';
import { loadProject } from '../lib/compose';
import type { ComposeProject } from '../lib/compose/model';
import { nodeFileReader } from '../lib/io/node-reader';
import { secretReason } from '../lib/secrets';
import { BeanstackError, Diagnostic } from '../lib/errors';
import { failure } from './shared/failure';
import { readCostGuardContext } from './shared/cost-guard-context';
import type { BudgetInput, SleepInput } from '../lib/bundle/x-beanstack-cost';
import { OperationsSettings, readOperationsSettings } from './app-ops';

export { isValidationFailure } from './shared/failure';

/** The README's example: synthesized when no `compose` context is given. */
export const EXAMPLE_COMPOSE_FILES: readonly string[] = [
  'examples/fullstack/docker-compose.yml',
  'examples/fullstack/docker-compose.prod.yml',
];

/** Placeholder account and region of the example (cdk.context.json holds their AZs). */
export const EXAMPLE_ENV = { account: '123456789012', region: 'eu-west-1' } as const;

/** Context the app always sets: aws-cdk-lib's template checks fail the synth. */
export const APP_CONTEXT: Readonly<Record<string, unknown>> = {
  '@aws-cdk/core:validateAgainstDefaultRules': true,
};

export interface AppSettings {
  readonly composeFiles: readonly string[];
  /** True when the example's compose files are used (and may take the placeholder account). */
  readonly isExample: boolean;
  /** The stage's name (part of the physical names). */
  readonly stage: string;
  /** The preset given for the stage (its cdk.json entry, else -c preset); undefined when none was. */
  readonly preset?: DeploymentStage;
  /** The preset in effect (`preset`, else the stage's default). */
  readonly effectivePreset: DeploymentStage;
  /** Warnings about the stage's settings (a shadowed context key, a stage without an entry). */
  readonly stageNotes: readonly string[];
  readonly target: BundleTarget;
  readonly appName?: string;
  readonly account?: string;
  readonly region?: string;
  /** True when `account`/`region` are the example's placeholders. */
  readonly placeholderEnv: boolean;
  readonly cnamePrefix?: string;
  readonly instanceTypes?: string;
  readonly platformVersion?: string;
  readonly certificateArn?: string;
  /** Context allowHttp: the prod stage may serve plain HTTP without a certificate. */
  readonly allowHttp?: boolean;
  /** Context requireDatabaseTls (default true). */
  readonly requireDatabaseTls?: boolean;
  /** Context domain, hostedZoneId, hostedZoneName, hostedZoneLookup (docs/domain.md). */
  readonly domain?: string;
  readonly hostedZoneId?: string;
  readonly hostedZoneName?: string;
  readonly hostedZoneLookup?: boolean;
  readonly healthCheckPath?: string;
  readonly instanceSubnets?: InstanceSubnetPlacement;
  readonly profiles?: readonly string[];
  readonly environmentVariables: Readonly<Record<string, string>>;
  /** Context sleep / budget (the cost guard); undefined: the compose file's. */
  readonly sleep?: SleepInput | false;
  readonly budget?: BudgetInput | false;
  /** Context minInstances, maxInstances, scalingCpuPercent, scalingRequestsPerTarget, alertEmails, alertTopicArn (bin/app-ops.ts). */
  readonly operations: OperationsSettings;
}

/**
 * The stack's account and region: context, else CDK_DEFAULT_ACCOUNT/REGION; the example alone falls
 * back to a placeholder (`placeholderEnv`) so it synthesizes without credentials.
 */
function accountAndRegion(str: (key: string) => string | undefined, env: Readonly<Record<string, string | undefined>>, isExample: boolean): { account?: string; region?: string; placeholderEnv: boolean } {
  // CDK_DEFAULT_ACCOUNT/REGION come as a pair from the CDK CLI's credentials; the CLI sets
  // CDK_DEFAULT_REGION alone (us-east-1) when there are none, which must not move the example.
  const envAccount = env.CDK_DEFAULT_ACCOUNT || undefined;
  let account = str('account') ?? envAccount;
  let region = str('region') ?? (envAccount !== undefined || !isExample ? env.CDK_DEFAULT_REGION || undefined : undefined);
  let placeholderEnv = false;
  if (isExample && account === undefined) {
    account = EXAMPLE_ENV.account;
    placeholderEnv = true;
  }
  if (isExample && region === undefined) {
    region = EXAMPLE_ENV.region;
    placeholderEnv = true;
  }
  if (account !== undefined && !/^\d{12}$/.test(account)) {
    throw new BeanstackError(`account '${account}' is not a 12-digit AWS account id`, { code: 'app/account', fix: 'pass -c account=<12 digits> or set CDK_DEFAULT_ACCOUNT' });
  }
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    throw new BeanstackError(`region '${region}' is not an AWS region name`, { code: 'app/region', fix: 'pass -c region=eu-west-1 (for example) or set CDK_DEFAULT_REGION' });
  }
  return { account, region, placeholderEnv };
}

/** Context `env.<NAME>`: plain environment properties, sorted by name; a secret is refused. */
function contextEnvironmentVariables(context: Readonly<Record<string, unknown>>): Record<string, string> {
  const environmentVariables: Record<string, string> = {};
  for (const key of Object.keys(context).sort()) {
    if (!key.startsWith('env.')) continue;
    const name = key.slice(4);
    const value = String(context[key]);
    // an environment property is plain text in the template, tree.json and the console: never a secret
    const secret = secretReason(name, value);
    if (secret !== undefined) {
      throw new BeanstackError(`context ${key} is a secret (${secret === 'its name' ? 'by its name' : secret}); an environment property is written in plain text into the template, tree.json and the Elastic Beanstalk console`, {
        code: 'app/secret-property',
        fix: `declare ${name} in the compose file's environment (e.g. \`${name}:\` without a value): the stack then creates it as an environment secret in Secrets Manager, and \`beanstack secrets\`/docs/deploy.md say how to set its value`,
      });
    }
    environmentVariables[name] = value;
  }
  return environmentVariables;
}

/** Reads the settings from CDK context (`context`) and environment variables (`env`). */
export function readSettings(rawContext: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>>): AppSettings {
  // the stage's own settings (cdk.json beanstack.stages.<stage>) applied over the flat keys
  const staged = resolveStage(rawContext);
  const context = staged.context;
  const str = (key: string): string | undefined => {
    const v = context[key];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new BeanstackError(`context ${key} must be a string, got ${JSON.stringify(v)}`, { code: 'app/context', fix: `pass it as -c ${key}=<value>` });
    }
    return String(v);
  };
  const list = (key: string): string[] | undefined => {
    const v = context[key];
    if (Array.isArray(v)) return v.map(String);
    const s = str(key);
    return s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter((x) => x.length > 0);
  };

  const composeFiles = list('compose') ?? [...EXAMPLE_COMPOSE_FILES];
  const isExample = list('compose') === undefined;
  const stage = staged.stage;
  const target = str('target') ?? 'ecs';
  if (!(TARGETS as readonly string[]).includes(target)) {
    throw new BeanstackError(`context target '${target}' is not a bundle target`, { code: 'app/target', fix: 'use -c target=ecs (Dockerrun v2), docker (production compose) or single (Dockerrun v1)' });
  }
  const instanceSubnets = str('instanceSubnets');
  if (instanceSubnets !== undefined && instanceSubnets !== 'public' && instanceSubnets !== 'private') {
    throw new BeanstackError(`context instanceSubnets '${instanceSubnets}' is not valid`, { code: 'app/instance-subnets', fix: 'use -c instanceSubnets=public (no NAT) or private (NAT gateways)' });
  }
  const { account, region, placeholderEnv } = accountAndRegion(str, env, isExample);
  const environmentVariables = contextEnvironmentVariables(context);
  const flag = (key: string): boolean | undefined => {
    const v = context[key] ?? str(key);
    if (v === undefined) return undefined;
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
    throw new BeanstackError(`context ${key} '${String(v)}' is not true or false`, { code: 'app/flag', fix: `pass -c ${key}=true or -c ${key}=false` });
  };
  return {
    composeFiles,
    isExample,
    stage,
    ...(staged.preset ? { preset: staged.preset } : {}),
    effectivePreset: staged.effectivePreset,
    stageNotes: staged.notes,
    target: target as BundleTarget,
    appName: str('appName'),
    account,
    region,
    placeholderEnv,
    cnamePrefix: str('cnamePrefix'),
    instanceTypes: str('instanceTypes'),
    platformVersion: str('platformVersion'),
    certificateArn: str('certificateArn'),
    healthCheckPath: str('healthCheckPath'),
    instanceSubnets: instanceSubnets as InstanceSubnetPlacement | undefined,
    profiles: list('profiles'),
    environmentVariables,
    allowHttp: flag('allowHttp'),
    requireDatabaseTls: flag('requireDatabaseTls'),
    ...readCostGuardContext(context),
    domain: stageDomain(context.domain, stage, str),
    hostedZoneId: str('hostedZoneId'),
    hostedZoneName: str('hostedZoneName'),
    hostedZoneLookup: flag('hostedZoneLookup'),
    operations: readOperationsSettings(str, list),
  };
}

/**
 * Context `domain`: one host name (-c domain=shop.example.com), or in cdk.json an object of stage →
 * host name (`"domain": { "prod": "shop.example.com" }`, as `beanstack init --domain` writes it).
 */
function stageDomain(value: unknown, stage: string, str: (key: string) => string | undefined): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return str('domain');
  const entries = value as Record<string, unknown>;
  const bad = Object.keys(entries).find((k) => typeof entries[k] !== 'string');
  if (bad !== undefined) {
    throw new BeanstackError(`context domain.${bad} must be a host name, got ${JSON.stringify(entries[bad])}`, { code: 'app/context', fix: 'write "domain": { "prod": "shop.example.com" } in cdk.json, or pass -c domain=shop.example.com' });
  }
  return Object.prototype.hasOwnProperty.call(entries, stage) ? entries[stage] as string : undefined;
}

export interface BeanstackApp {
  readonly app: App;
  readonly stack: BeanstackStack;
  readonly settings: AppSettings;
  readonly project: ComposeProject;
  /** Warnings of loading the compose files (the stack's own are `stack.application.warnings`). */
  readonly loadWarnings: readonly Diagnostic[];
}

export interface CreateAppOptions {
  /** Working directory: relative compose files resolve against it. */
  readonly cwd: string;
  /** Environment variables (CDK_DEFAULT_*, and compose interpolation). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Extra context (tests, bin/example.ts); the CLI's context (cdk.json, -c) comes through the environment. */
  readonly context?: Readonly<Record<string, unknown>>;
  /** @default - the CLI's CDK_OUTDIR, else a temporary directory */
  readonly outdir?: string;
  /**
   * Add the stack to this app instead of a new one (several stages in one assembly); `context` then
   * overlays the app's context for this stack's settings.
   *
   * @default - a new App with cdk-nag's AwsSolutions checks
   */
  readonly app?: App;
}

/** Builds the app: cdk-nag as a validation plugin, one stack from the settings. */
export function createBeanstackApp(options: CreateAppOptions): BeanstackApp {
  // autoSynth off: main() synthesizes once; a half-built app (after a user error) must never be synthesized on exit
  const app = options.app ?? new App({ outdir: options.outdir, context: { ...APP_CONTEXT, ...options.context }, autoSynth: false });
  if (!options.app) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const settings = readSettings(options.app ? { ...app.node.getAllContext(), ...options.context } : app.node.getAllContext(), options.env);

  const loaded = loadProject({
    files: settings.composeFiles,
    workingDirectory: options.cwd,
    environment: options.env,
    profiles: settings.profiles,
    reader: nodeFileReader,
  });
  const project = loaded.result;
  const appName = settings.appName ?? project.name;
  const stack = new BeanstackStack(app, `${appName}-${settings.stage}`, {
    env: settings.account !== undefined && settings.region !== undefined ? { account: settings.account, region: settings.region } : undefined,
    project,
    appName,
    stage: settings.stage,
    preset: settings.preset,
    target: settings.target,
    cnamePrefix: settings.cnamePrefix,
    instanceTypes: settings.instanceTypes,
    platformVersion: settings.platformVersion,
    certificateArn: settings.certificateArn,
    allowHttp: settings.allowHttp,
    requireDatabaseTls: settings.requireDatabaseTls,
    domain: settings.domain,
    hostedZoneId: settings.hostedZoneId,
    hostedZoneName: settings.hostedZoneName,
    hostedZoneLookup: settings.hostedZoneLookup,
    healthCheckPath: settings.healthCheckPath,
    instanceSubnets: settings.instanceSubnets,
    environmentVariables: settings.environmentVariables,
    sleep: settings.sleep,
    budget: settings.budget,
    ...settings.operations,
    // the preset tag only where it differs from the stage's name (dev and prod stacks keep their tags)
    tags: { 'beanstack:app': appName, 'beanstack:stage': settings.stage, ...(settings.effectivePreset !== settings.stage ? { 'beanstack:preset': settings.effectivePreset } : {}) },
  });
  for (const note of settings.stageNotes) Annotations.of(stack).addWarningV2('@beanstack/app:stage-config', note);
  // the compose files' sha256 for beanstack deploy's record (lib/aws/history-record.ts); manifest only, not the template
  stack.node.addMetadata(COMPOSE_FILES_METADATA, composeFileHashes(project.composeFiles, options.cwd, (f) => fs.readFileSync(f)));
  for (const w of loaded.warnings) {
    Annotations.of(stack).addWarningV2(`@beanstack/compose:${w.code}`, `${w.location ? `${path.relative(options.cwd, w.location.file)}:${w.location.line}:${w.location.column}: ` : ''}${w.message}`);
  }
  return { app, stack, settings, project, loadWarnings: loaded.warnings };
}


/** Runs the app as the CDK CLI does (`node dist/bin/app.js`); returns the exit code. */
export function main(cwd: string = process.cwd(), env: Readonly<Record<string, string | undefined>> = process.env, stderr: (text: string) => void = (t) => process.stderr.write(t)): number {
  try {
    const { app } = createBeanstackApp({ cwd, env });
    app.synth();
    return 0;
  } catch (e) {
    const { code, text } = failure(e, cwd);
    stderr(text);
    return code;
  }
}

if (require.main === module) {
  process.exitCode = main();
}
