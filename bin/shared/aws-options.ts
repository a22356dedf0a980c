/**
 * The flags of the commands that call AWS (preflight, doctor, deploy, rollback), and the session they
 * open: one definition, so their help and behaviour cannot drift. The SDK is loaded only when a
 * session is opened.
 */
import type { Command } from 'commander';
import { BeanstackError } from '../../lib/errors';
import type { CliContext } from '../cli-context';
import { collect } from './flags';

/** Flags shared by preflight, doctor, deploy and rollback. */
export interface AwsFlags {
  readonly appDir?: string;
  readonly stack?: string;
  readonly context: string[];
  readonly region?: string;
  readonly profile?: string;
  readonly timeout: string;
  readonly json?: boolean;
}

/** Adds the shared flags to a command. */
export function addAwsOptions(command: Command): Command {
  return command
    .option('--app-dir <dir>', 'cloud assembly to read (e.g. cdk.out); default: synthesize the project with its cdk.json into a temp dir')
    .option('--stack <name>', 'stack of the assembly (default: its only stack)')
    .option('-c, --context <key=value>', 'CDK context for the synth, e.g. -c stage=prod; repeatable', collect, [])
    .option('--region <region>', 'AWS region (default: the stack\'s region, then AWS_REGION, then the profile\'s)')
    .option('--profile <name>', 'named AWS profile (default: AWS_PROFILE or default)')
    .option('--timeout <seconds>', 'time one AWS call may take before it is retried', '10');
}

/** `--timeout` in milliseconds; a user error when it is not a positive number. */
export function timeoutMs(flags: AwsFlags): number {
  const s = Number(flags.timeout);
  if (!Number.isFinite(s) || s <= 0 || s > 600) {
    throw new BeanstackError(`--timeout '${flags.timeout}' is not a number of seconds`, { code: 'cli/bad-timeout', fix: 'pass --timeout with a number from 1 to 600, e.g. --timeout 20' });
  }
  return Math.round(s * 1000);
}

/** Opens the AWS session of a command (credentials, assembly, region, identity). */
export async function openCliSession(ctx: CliContext, flags: AwsFlags) {
  const { openSession } = await import('../../lib/aws/session');
  return openSession({
    appDir: flags.appDir,
    stack: flags.stack,
    context: flags.context,
    cwd: ctx.cwd,
    env: ctx.env,
    stderr: ctx.stderr,
    region: flags.region,
    profile: flags.profile,
    requestTimeoutMs: timeoutMs(flags),
    // tests and local emulators: every call goes to this URL (never set in normal use)
    endpoint: ctx.env.BEANSTACK_AWS_ENDPOINT,
  });
}
