/**
 * What `preflight`, `doctor`, `deploy` and `rollback` share before their checks: the cloud assembly
 * (given, or synthesized with the project's cdk.json through the installed CDK CLI), the region, the
 * credentials (the SDK's default provider chain, failing fast with a message that lists the ways to
 * configure them) and the caller's identity.
 *
 * The environment is passed in by `bin/` (never read from `process.env` here), except that the SDK's
 * credential chain itself reads the standard AWS_* variables of the process.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { BeanstackError } from '../errors';
import { cdkCliPath } from '../io/cdk-cli';
import { describeAwsError } from './aws-errors';
import { formatSeconds } from './check';
import { AwsClients, createAwsClients } from './clients';
import type { CallerIdentity } from './preflight';
import { FileReader, readStackPlan, StackPlan } from './stack-plan';

export const nodeFileReader: FileReader = (file) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
};

/** The ways to give the SDK credentials, for the "no credentials" message. */
export const CREDENTIAL_SOURCES: readonly string[] = [
  'a named profile: export AWS_PROFILE=<name> (profiles live in ~/.aws/config and ~/.aws/credentials), or pass --profile <name>',
  'access keys: run `aws configure` once, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys)',
  'IAM Identity Center (SSO): `aws configure sso` once, then `aws sso login --profile <name>` when the session expires',
  'on AWS compute (EC2, ECS, CodeBuild, GitHub OIDC): the role of the instance or task is used automatically',
];

export interface CredentialOptions {
  /** Named profile (`--profile`); otherwise AWS_PROFILE or `default`. */
  readonly profile?: string;
  /**
   * How long resolving credentials may take before beanstack gives up, in milliseconds.
   *
   * @default 1800
   */
  readonly timeoutMs?: number;
  /** The credential provider (tests inject one). @default - the SDK's default chain */
  readonly provider?: AwsCredentialIdentityProvider;
}

/**
 * Resolves credentials once, through the SDK's default chain (environment, SSO, web identity,
 * shared files, process, container and instance metadata), with short metadata timeouts so a laptop
 * without credentials gets its answer in under two seconds.
 */
export async function resolveCredentials(options: CredentialOptions = {}): Promise<AwsCredentialIdentity> {
  return (await credentialProvider(options))();
}

/**
 * Like `resolveCredentials`, but returns the (memoized) provider once it has produced credentials,
 * so long commands (deploy) get refreshed temporary credentials instead of a snapshot that expires.
 */
export async function credentialProvider(options: CredentialOptions = {}): Promise<AwsCredentialIdentityProvider> {
  const provider = options.provider ?? await defaultCredentialChain(options.profile);
  try {
    await resolveWithin(provider, options.timeoutMs ?? 1800);
    return provider;
  } catch (e) {
    const reason = ((e as Error)?.message ?? String(e)).split('\n')[0];
    const sso = /sso|token/i.test(reason) && /expired|refresh|invalid/i.test(reason);
    throw new BeanstackError(sso ? `the AWS SSO session has expired (${reason})` : `no AWS credentials found (${reason})`, {
      code: 'aws/no-credentials',
      fix: sso ? `run aws sso login${options.profile ? ` --profile ${options.profile}` : ''} and try again` : 'configure credentials in one of the ways above and try again',
      details: sso ? [] : CREDENTIAL_SOURCES.map((message) => ({ message })),
    });
  }
}

/**
 * The SDK's default provider chain with short metadata timeouts, so a laptop without credentials
 * gets its answer fast. Memoized: it resolves once and refreshes temporary credentials before they
 * expire.
 */
export async function defaultCredentialChain(profile?: string): Promise<AwsCredentialIdentityProvider> {
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  return defaultProvider({ profile, timeout: 1000, maxRetries: 0 });
}

/** Resolves `provider` once, giving up after `timeoutMs`; rejects with the provider's own error or the timeout. */
export async function resolveWithin(provider: AwsCredentialIdentityProvider, timeoutMs: number): Promise<AwsCredentialIdentity> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      provider(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no credential source answered within ${formatSeconds(timeoutMs)}`)), timeoutMs);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** The region: the flag, the stack's own, the environment, the profile. */
export async function resolveRegion(options: {
  readonly flag?: string;
  readonly stackRegion?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly profile?: string;
}): Promise<string> {
  const direct = options.flag ?? options.stackRegion ?? options.env.AWS_REGION ?? options.env.AWS_DEFAULT_REGION;
  let region = direct;
  if (!region) {
    // the profile's `region` in ~/.aws/config
    try {
      const { STSClient } = await import('@aws-sdk/client-sts');
      const probe = new STSClient(options.profile ? { profile: options.profile } : {});
      region = await probe.config.region();
      probe.destroy();
    } catch {
      region = undefined;
    }
  }
  if (!region) {
    throw new BeanstackError('no AWS region configured', {
      code: 'aws/no-region',
      fix: 'pass --region <region>, export AWS_REGION=<region>, set `region` in your profile (aws configure), or bind the stack to a region (env.region in the CDK app)',
    });
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new BeanstackError(`'${region}' is not an AWS region name`, { code: 'aws/bad-region', fix: 'use a region name such as eu-west-1 or us-east-1' });
  }
  return region;
}

/** Who the credentials belong to; a rejected key is a user error that says so. */
export async function callerIdentity(clients: AwsClients): Promise<CallerIdentity> {
  try {
    const out = await clients.sts.send(new GetCallerIdentityCommand({}));
    return { account: out.Account ?? '', arn: out.Arn ?? '' };
  } catch (e) {
    const d = describeAwsError(e, ['sts:GetCallerIdentity']);
    if (!d) throw e;
    throw new BeanstackError(`cannot confirm the AWS identity: ${d.message}`, { code: `aws/identity-${d.kind}`, fix: d.fix });
  }
}

/** The newest bootstrap version the installed aws-cdk CLI deploys (read from its bootstrap template). */
export function installedBootstrapVersion(read: FileReader = nodeFileReader): number | undefined {
  let dir: string;
  try {
    dir = path.dirname(require.resolve('aws-cdk/package.json'));
  } catch {
    return undefined;
  }
  const text = read(path.join(dir, 'lib', 'api', 'bootstrap', 'bootstrap-template.yaml'));
  const m = text ? /BootstrapVersion:[\s\S]*?Value:\s*'(\d+)'/.exec(text.slice(text.lastIndexOf('BootstrapVersion:'))) : null;
  return m ? Number(m[1]) : undefined;
}


export interface RunProcessOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Receives the child's stdout (default: dropped). */
  readonly stdout?: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Runs `node <cdk> ...args` and resolves to its exit code. */
export function runCdk(args: readonly string[], options: RunProcessOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cdkCliPath(options.cwd), ...args], {
      cwd: options.cwd,
      env: options.env as NodeJS.ProcessEnv,
      stdio: ['inherit', 'pipe', 'pipe'],
    });
    // decoded across chunks: a character's UTF-8 bytes can straddle two reads of the pipe
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => options.stdout?.(d));
    child.stderr.on('data', (d: string) => options.stderr(d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

export interface AssemblyOptions {
  /** `--app-dir`: an existing cloud assembly. */
  readonly appDir?: string;
  /** `--stack`. */
  readonly stack?: string;
  /** `-c key=value` for the synth. */
  readonly context?: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stderr: (text: string) => void;
  /** Account/region that resolve pseudo parameters of an environment-agnostic template. */
  readonly fallbackEnv?: { readonly account?: string; readonly region?: string };
}

export interface LoadedAssembly {
  readonly plan: StackPlan;
  /** The directory to deploy (`cdk deploy --app <dir>`). */
  readonly dir: string;
  /** Removes a temporary synth directory. */
  readonly dispose: () => void;
}

/** The cloud assembly: `--app-dir`, or a fresh `cdk synth` of the project into a temp dir. */
export async function loadAssembly(o: AssemblyOptions): Promise<LoadedAssembly> {
  const contextText = nodeFileReader(path.join(o.cwd, 'cdk.context.json'));
  let context: Record<string, unknown> | undefined;
  try {
    context = contextText ? JSON.parse(contextText) : undefined;
  } catch {
    context = undefined;
  }
  if (o.appDir !== undefined) {
    const dir = path.resolve(o.cwd, o.appDir);
    const plan = readStackPlan(dir, nodeFileReader, { stackName: o.stack, context, fallbackEnv: o.fallbackEnv });
    return { plan, dir, dispose: () => undefined };
  }
  if (nodeFileReader(path.join(o.cwd, 'cdk.json')) === undefined) {
    throw new BeanstackError(`no cdk.json in ${o.cwd}, so there is no CDK app to synthesize`, {
      code: 'aws/no-cdk-app',
      fix: 'run in the project directory (where cdk.json is), or pass --app-dir <cloud assembly dir> (e.g. cdk.out after npx cdk synth)',
    });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-synth-'));
  const dispose = () => fs.rmSync(dir, { recursive: true, force: true });
  const args = ['synth', '--quiet', '--no-notices', '--output', dir, ...(o.context ?? []).flatMap((c) => ['--context', c])];
  o.stderr(`synthesizing the CDK app (cdk ${args.join(' ')})\n`);
  const code = await runCdk(args, { cwd: o.cwd, env: o.env, stderr: o.stderr });
  if (code !== 0) {
    dispose();
    throw new BeanstackError(`cdk synth failed (exit ${code})`, {
      code: 'aws/synth-failed',
      fix: 'fix the errors printed above, or pass --app-dir with an assembly you synthesized yourself',
    });
  }
  try {
    const plan = readStackPlan(dir, nodeFileReader, { stackName: o.stack, context, fallbackEnv: o.fallbackEnv });
    return { plan, dir, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}

export interface SessionOptions extends AssemblyOptions {
  readonly region?: string;
  readonly profile?: string;
  /** Per-attempt timeout of each AWS call, in milliseconds. */
  readonly requestTimeoutMs?: number;
  /** Endpoint override (tests). */
  readonly endpoint?: string;
  /** Credential provider (tests). */
  readonly credentialProvider?: AwsCredentialIdentityProvider;
}

export interface Session {
  readonly assembly: LoadedAssembly;
  readonly plan: StackPlan;
  readonly clients: AwsClients;
  readonly region: string;
  readonly identity: CallerIdentity;
  /** Releases the clients and the temporary assembly. */
  readonly close: () => void;
}

/**
 * Credentials first (the fastest way to fail), then the assembly, then the identity. The region of
 * an environment-bound stack wins over the configured one: it is where `cdk deploy` goes.
 */
export async function openSession(o: SessionOptions): Promise<Session> {
  const credentials = await credentialProvider({ profile: o.profile, provider: o.credentialProvider });
  // region known before synth when flagged/configured; the stack's own region decides after
  const early = o.region ?? o.env.AWS_REGION ?? o.env.AWS_DEFAULT_REGION;
  const assembly = await loadAssembly({ ...o, fallbackEnv: { region: early } });
  try {
    const region = await resolveRegion({ flag: o.region, stackRegion: assembly.plan.region, env: o.env, profile: o.profile });
    if (o.region !== undefined && assembly.plan.region !== undefined && o.region !== assembly.plan.region) {
      throw new BeanstackError(`--region ${o.region} differs from the stack's region ${assembly.plan.region}`, {
        code: 'aws/region-mismatch',
        fix: `drop --region (the stack deploys to ${assembly.plan.region}) or change env.region in the CDK app`,
      });
    }
    let plan = assembly.plan;
    if (plan.region === undefined && region !== early) {
      // re-read so pseudo parameters resolve with the region the profile gave
      plan = readStackPlan(plan.assemblyDir, nodeFileReader, { stackName: plan.artifactId, fallbackEnv: { region } });
    }
    const clients = createAwsClients({ region, credentials, requestTimeoutMs: o.requestTimeoutMs, endpoint: o.endpoint });
    let identity: CallerIdentity;
    try {
      identity = await callerIdentity(clients);
    } catch (e) {
      clients.destroy?.();
      throw e;
    }
    return {
      assembly,
      plan,
      clients,
      region,
      identity,
      close: () => {
        clients.destroy?.();
        assembly.dispose();
      },
    };
  } catch (e) {
    assembly.dispose();
    throw e;
  }
}
