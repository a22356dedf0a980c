/**
 * `beanstack deploy`: preflight (stop on a failed check) → `cdk deploy` of exactly the assembly that
 * was checked, through the installed aws-cdk CLI, with its progress → doctor → the environment URL.
 *
 * Exit codes: 0 deployed and the doctor found no failure; 1 preflight failed (nothing deployed),
 * cdk deploy failed, or the deployed environment is unhealthy; 2 bad flags, no credentials, no
 * region, no cloud assembly; 3 a bug in beanstack.
 */
import { Option } from 'commander';
import type { CliContext } from '../cli-context';
import type { RegisterCommand } from './index';
import { addAwsOptions, AwsFlags, openCliSession } from '../shared/aws-options';

interface DeployFlags extends AwsFlags {
  readonly strict?: boolean;
  readonly requireApproval: string;
  readonly allowPlaceholderSecrets?: boolean;
}

export const registerDeploy: RegisterCommand = (program, ctx, run) => {
  addAwsOptions(
    program
      .command('deploy')
      .description('preflight, then cdk deploy of the checked stack, then doctor; prints the environment URL'),
  )
    .option('--json', 'print one JSON document: { outcome, preflight, doctor, url }')
    .option('--strict', 'stop on preflight warnings too')
    .option('--allow-placeholder-secrets', 'finish (exit 0) although application secrets still hold their random placeholder')
    .addOption(new Option('--require-approval <level>', 'cdk deploy\'s approval of security-sensitive changes').choices(['never', 'any-change', 'broadening']).default('broadening'))
    .action(
      run(async (flags: DeployFlags) => {
        const session = await openCliSession(ctx, flags);
        try {
          const { runChecks } = await import('../../lib/aws/check');
          const { PREFLIGHT_CHECKS, preflightContext } = await import('../../lib/aws/preflight');
          const { DOCTOR_CHECKS, doctorContext, environmentUrl } = await import('../../lib/aws/doctor');
          const { formatReport, reportJson, stableStringify } = await import('../../lib/aws/report');
          const { installedBootstrapVersion, runCdk } = await import('../../lib/aws/session');
          const { DEPLOY_EXIT, runDeploy } = await import('../../lib/aws/deploy');
          const { describeDeployedStack } = await import('../../lib/aws/deployed');
          const { plan, clients, identity, region } = session;
          // the doctor's context is built after the deploy, so it sees the new stack
          let doctorCtx: ReturnType<typeof doctorContext> | undefined;
          const freshDoctor = () => (doctorCtx = doctorContext(plan, clients, identity.account, region));
          // --json: one document at the end ({ outcome, preflight, doctor, url }), not one per phase
          const json: Record<string, unknown> = {};
          const outcome = await runDeploy({
            preflight: () => runChecks(PREFLIGHT_CHECKS, preflightContext(plan, clients, identity, region, installedBootstrapVersion())),
            cdkDeploy: () => runCdk([
              'deploy', plan.selector,
              '--app', session.assembly.dir,
              '--require-approval', flags.requireApproval,
              '--progress', 'events',
              ...(flags.profile ? ['--profile', flags.profile] : []),
            ], {
              cwd: ctx.cwd,
              env: { ...ctx.env, ...(plan.region === undefined ? { AWS_REGION: region, CDK_DEFAULT_REGION: region } : {}) },
              stdout: ctx.stderr,
              stderr: ctx.stderr,
            }),
            doctor: () => runChecks(DOCTOR_CHECKS, freshDoctor()),
            environmentUrl: () => environmentUrl(doctorCtx ?? freshDoctor()),
            printReport: (command, results) => {
              const report = { command, stackName: plan.stackName, stage: plan.stage, account: identity.account, region, results };
              if (flags.json) json[command] = reportJson(report);
              else ctx.stdout(formatReport(report));
            },
            log: (line) => ctx.stderr(`${line}\n`),
            out: (line) => {
              if (!flags.json) ctx.stdout(`${line}\n`);
            },
            stackExists: async () => (await describeDeployedStack(clients, plan.stackName)) !== undefined,
            record: () => recordThisDeploy(ctx, session),
          }, { strict: flags.strict, allowPlaceholderSecrets: flags.allowPlaceholderSecrets });
          if (flags.json) {
            const url = outcome === 'deployed' || outcome === 'unhealthy' || outcome === 'placeholder-secrets' ? await environmentUrl(doctorCtx ?? freshDoctor()) : undefined;
            ctx.stdout(stableStringify({ doctor: null, preflight: null, ...json, outcome, url: url ?? null }) + '\n');
          }
          return DEPLOY_EXIT[outcome];
        } finally {
          session.close();
        }
      }),
    );
};

/** The deployment record (git, beanstack version, image digests, compose hashes) written into the new application version. */
async function recordThisDeploy(ctx: CliContext, session: Awaited<ReturnType<typeof openCliSession>>): Promise<string> {
  const { describeDeployedStack } = await import('../../lib/aws/deployed');
  const { deploymentRecord, historyTarget, recordDeployment } = await import('../../lib/aws/history');
  const { HISTORY_ACTIONS } = await import('../../lib/aws/permissions');
  const { describeAwsError } = await import('../../lib/aws/aws-errors');
  const { nodeFileReader } = await import('../../lib/aws/session');
  const { localImageDigest } = await import('../../lib/local/image-digest');
  const { gitState } = await import('../shared/git');
  const { packageVersion } = await import('../package-info');
  try {
    const stack = await describeDeployedStack(session.clients, session.plan.stackName);
    if (!stack) return 'the stack is not deployed: nothing to record';
    const target = await historyTarget(session.clients, session.plan, stack, session.identity.account);
    const record = await deploymentRecord(session.plan, nodeFileReader, {
      ...gitState(ctx.cwd, ctx.env),
      beanstackVersion: packageVersion(),
      now: new Date(),
      digest: (ref) => localImageDigest(ref, { env: ctx.env }),
    });
    return await recordDeployment(session.clients, target, record);
  } catch (e) {
    const aws = describeAwsError(e, HISTORY_ACTIONS);
    if (aws) throw new Error(`${aws.message}; ${aws.fix}`);
    throw e;
  }
}
