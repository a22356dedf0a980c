/**
 * `beanstack preflight`: read-only checks of the synthesized stack against the AWS account and
 * region it deploys to, before a 20-minute deploy fails late.
 *
 * Exit codes: 0 no check failed (warnings allowed unless --strict); 1 a check failed; 2 bad flags,
 * no credentials, no region, no cloud assembly; 3 a bug in beanstack.
 *
 * The AWS SDK is loaded inside the action only, so other commands start fast.
 */
import { ExitCode } from '../cli-context';
import { addAwsOptions, AwsFlags, openCliSession } from '../shared/aws-options';
import type { RegisterCommand } from './index';

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
          const report = { command: 'preflight', stackName: session.plan.stackName, stage: session.plan.stage, account: session.identity.account, region: session.region, results };
          ctx.stdout(flags.json ? formatReportJson(report) : formatReport(report));
          return hasFailure(results, flags.strict) ? ExitCode.CHANGED : ExitCode.OK;
        } finally {
          session.close();
        }
      }),
    );
};
