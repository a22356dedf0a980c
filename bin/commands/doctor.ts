/**
 * `beanstack doctor`: read-only checks of a deployed stack, grouped by resource — environment health
 * and its causes, recent error events, the running vs the synthesized version, the database (status,
 * endpoint, public access, encryption, backups), security-group intent and drift, and the instances'
 * access to the database secret — each with the next step to take.
 *
 * Exit codes: 0 no check failed; 1 a check failed, the stack is not deployed, or (--strict) a check warned; 2 bad flags, no
 * credentials, no region, no cloud assembly; 3 a bug in beanstack.
 */
import { ExitCode } from '../cli-context';
import type { RegisterCommand } from './index';
import { addAwsOptions, AwsFlags, openCliSession } from '../shared/aws-options';

export const registerDoctor: RegisterCommand = (program, ctx, run) => {
  addAwsOptions(
    program
      .command('doctor')
      .description('diagnose a deployed stack, read-only: environment health and causes, recent errors, running version, database, security groups, secret access; exit 1 on a failed check'),
  )
    .option('--json', 'print the results as JSON')
    .option('--strict', 'exit 1 on warnings too (including checks that could not run)')
    .action(
      run(async (flags: AwsFlags & { strict?: boolean }) => {
        const session = await openCliSession(ctx, flags);
        try {
          const { runChecks } = await import('../../lib/aws/check');
          const { DOCTOR_CHECKS, doctorContext, environmentUrl } = await import('../../lib/aws/doctor');
          const { formatReport, formatReportJson, hasFailure } = await import('../../lib/aws/report');
          const checkCtx = doctorContext(session.plan, session.clients, session.identity.account, session.region);
          const results = await runChecks(DOCTOR_CHECKS, checkCtx);
          const report = { command: 'doctor', stackName: session.plan.stackName, stage: session.plan.stage, account: session.identity.account, region: session.region, results };
          ctx.stdout(flags.json ? formatReportJson(report) : formatReport(report));
          if (!flags.json) {
            // the calls behind it were made (and reported) by the checks; a failure here adds nothing
            const url = await environmentUrl(checkCtx).catch(() => undefined);
            if (url) ctx.stdout(`environment URL: ${url}\n`);
          }
          return hasFailure(results, flags.strict) ? ExitCode.CHANGED : ExitCode.OK;
        } finally {
          session.close();
        }
      }),
    );
};
