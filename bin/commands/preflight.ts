/**
 * `beanstack preflight`: read-only checks of the synthesized stack against the AWS account and
 * region it deploys to, before a 20-minute deploy fails late.
 *
 * Exit codes: 0 no check failed (warnings allowed unless --strict); 1 a check failed; 2 bad flags,
 * no credentials, no region, no cloud assembly; 3 a bug in beanstack.
 *
 * The AWS SDK is loaded inside the action only, so other commands start fast.
 */
import type { Command } from 'commander';
import { BeanstackError } from '../../lib/errors';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../cli-context';
import type { RegisterCommand } from './index';

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

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
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

export const registerPreflight: RegisterCommand = (program, ctx, run) => {
  addAwsOptions(
    program
      .command('preflight')
      .description('check, read-only, that the synthesized stack can deploy: identity, CDK bootstrap, instance types, RDS engine/class, platform version, quotas, names; exit 1 on a failed check'),
  )
    .option('--json', 'print the results as JSON')
    .option('--strict', 'exit 1 on warnings too')
    .action(
      run(async (flags: AwsFlags & { strict?: boolean }) => {
        const session = await openCliSession(ctx, flags);
        try {
          const { runChecks } = await import('../../lib/aws/check');
          const { PREFLIGHT_CHECKS, preflightContext } = await import('../../lib/aws/preflight');
          const { formatReport, formatReportJson, hasFailure } = await import('../../lib/aws/report');
          const { installedBootstrapVersion } = await import('../../lib/aws/session');
          const checkCtx = preflightContext(session.plan, session.clients, session.identity, session.region, installedBootstrapVersion());
          const results = await runChecks(PREFLIGHT_CHECKS, checkCtx);
          const report = { command: 'preflight', stackName: session.plan.stackName, account: session.identity.account, region: session.region, results };
          ctx.stdout(flags.json ? formatReportJson(report) : formatReport(report));
          return hasFailure(results, flags.strict) ? ExitCode.CHANGED : ExitCode.OK;
        } finally {
          session.close();
        }
      }),
    );
};
