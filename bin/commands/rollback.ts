/**
 * `beanstack rollback`: redeploys the application version the environment ran before the current
 * one (or --version-label, or --to a label or a recorded git commit), says which, and waits until
 * the environment is Ready, with its events and the elapsed time. Elastic Beanstalk
 * does not roll back a failed ECS task by itself.
 *
 * Exit codes: 0 rolled back and the environment is Ready and not Red (or --dry-run printed the plan);
 * 1 the environment ended Red after the rollback; 2 bad flags, no credentials, nothing to roll back
 * to, the environment is busy; 3 a bug in beanstack.
 */
import { ExitCode } from '../cli-context';
import { BeanstackError } from '../../lib/errors';
import type { RegisterCommand } from './index';
import { addAwsOptions, AwsFlags, timeoutMs } from '../shared/aws-options';

interface RollbackFlags extends AwsFlags {
  readonly environment?: string;
  readonly versionLabel?: string;
  readonly to?: string;
  readonly dryRun?: boolean;
}

export const registerRollback: RegisterCommand = (program, ctx, run) => {
  addAwsOptions(
    program
      .command('rollback')
      .description('redeploy the previous application version of the environment (or --version-label) and wait until it is Ready'),
  )
    .option('--environment <name>', 'environment to roll back (default: the one of the stack)')
    .option('--version-label <label>', 'version to deploy (default: the newest one older than the running one)')
    .option('--to <label|commit>', 'version to deploy: a label, or a git commit (7+ hex digits) beanstack deploy recorded (beanstack history lists them)')
    .option('--dry-run', 'only say which version would be deployed')
    .action(
      run(async (flags: RollbackFlags) => {
        const session = await import('../../lib/aws/session');
        const { createAwsClients } = await import('../../lib/aws/clients');
        const { planRollback, executeRollback } = await import('../../lib/aws/rollback');
        const credentials = await session.credentialProvider({ profile: flags.profile });
        let environmentName = flags.environment;
        let stackRegion: string | undefined;
        let assembly: Awaited<ReturnType<typeof session.loadAssembly>> | undefined;
        if (environmentName === undefined) {
          assembly = await session.loadAssembly({ appDir: flags.appDir, stack: flags.stack, context: flags.context, cwd: ctx.cwd, env: ctx.env, stderr: ctx.stderr });
          stackRegion = assembly.plan.region;
        }
        const region = await session.resolveRegion({ flag: flags.region, stackRegion, env: ctx.env, profile: flags.profile });
        const clients = createAwsClients({ region, credentials, requestTimeoutMs: timeoutMs(flags), endpoint: ctx.env.BEANSTACK_AWS_ENDPOINT });
        try {
          if (environmentName === undefined) {
            const plan = assembly!.plan;
            const { describeDeployedStack, physicalIds } = await import('../../lib/aws/deployed');
            const stack = await describeDeployedStack(clients, plan.stackName);
            if (!stack) {
              throw new BeanstackError(`stack ${plan.stackName} is not deployed in ${region}`, { code: 'aws/not-deployed', fix: 'nothing to roll back; run beanstack deploy' });
            }
            const names = plan.environments.map((e) => physicalIds(stack).get(e.logicalId)).filter((n): n is string => n !== undefined);
            if (names.length !== 1) {
              throw new BeanstackError(`stack ${plan.stackName} has ${names.length} Elastic Beanstalk environments`, {
                code: 'aws/which-environment',
                fix: names.length === 0 ? 'deploy the stack first' : `pass --environment with one of: ${names.join(', ')}`,
              });
            }
            environmentName = names[0];
          }
          if (flags.to !== undefined && flags.versionLabel !== undefined) {
            throw new BeanstackError('--to and --version-label both name the version', { code: 'cli/rollback-target', fix: 'pass one of them' });
          }
          let versionLabel = flags.versionLabel;
          if (flags.to !== undefined) {
            const { deploymentHistory, environmentTarget, findEntry } = await import('../../lib/aws/history');
            const entry = findEntry(await deploymentHistory(clients, await environmentTarget(clients, environmentName)), flags.to);
            versionLabel = entry.label;
            if (entry.record) {
              const r = entry.record;
              ctx.stdout(`--to ${flags.to}: ${entry.label}, deployed ${r.deployedAt}${r.commit ? ` from commit ${r.commit.slice(0, 12)}${r.dirty ? ' with uncommitted changes' : ''}` : ''} with beanstack ${r.beanstackVersion}\n`);
            }
          }
          const rollback = await planRollback(clients, environmentName, versionLabel);
          const when = (d?: Date) => (d ? ` (created ${d.toISOString()})` : '');
          ctx.stdout(`environment ${rollback.environmentName} (application ${rollback.applicationName}) in ${region}\n`);
          ctx.stdout(`  running:     ${rollback.current.label}${when(rollback.current.created)}\n`);
          ctx.stdout(`  rolling back to: ${rollback.target.label}${when(rollback.target.created)}${rollback.target.description ? ` — ${rollback.target.description}` : ''}\n`);
          if (flags.dryRun) return ExitCode.OK;
          const env = await executeRollback(clients, rollback, { log: (line) => ctx.stderr(`${line}\n`) });
          ctx.stdout(`${rollback.environmentName} now runs ${env.VersionLabel ?? rollback.target.label}: ${env.Status}, health ${env.Health ?? '?'}\n`);
          ctx.stdout(`note: the stack still names ${rollback.current.label}; the next beanstack deploy of a changed app replaces both. Run beanstack doctor for details.\n`);
          return env.Health === 'Red' ? ExitCode.CHANGED : ExitCode.OK;
        } finally {
          clients.destroy?.();
          assembly?.dispose();
        }
      }),
    );
};
