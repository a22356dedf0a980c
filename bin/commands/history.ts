/**
 * `beanstack history`: the deployments of a stage, newest first — every application version of the
 * stage's Elastic Beanstalk application with what `beanstack deploy` recorded in its tags (git
 * commit and dirty flag, beanstack version, image digests, compose file hashes) and which one runs.
 *
 * Exit codes: 0 listed; 2 bad flags, no credentials, the stack is not deployed; 3 a bug in beanstack.
 */
import { ExitCode } from '../cli-context';
import { BeanstackError } from '../../lib/errors';
import type { RegisterCommand } from './index';
import { addAwsOptions, AwsFlags, openCliSession } from '../shared/aws-options';

export const registerHistory: RegisterCommand = (program, ctx, run) => {
  addAwsOptions(
    program
      .command('history')
      .description('list the deployments of the stage, newest first: version label, time, git commit (+ = uncommitted changes), beanstack version, images; * marks the running one'),
  )
    .option('--json', 'print every version with its full record (image digests, compose file hashes) as JSON')
    .action(
      run(async (flags: AwsFlags) => {
        const session = await openCliSession(ctx, flags);
        try {
          const { describeDeployedStack } = await import('../../lib/aws/deployed');
          const { deploymentHistory, historyTarget } = await import('../../lib/aws/history');
          const { stableStringify } = await import('../../lib/aws/report');
          const stack = await describeDeployedStack(session.clients, session.plan.stackName);
          if (!stack) {
            throw new BeanstackError(`stack ${session.plan.stackName} is not deployed in ${session.region}`, { code: 'aws/not-deployed', fix: 'there is no history yet: run beanstack deploy' });
          }
          const target = await historyTarget(session.clients, session.plan, stack, session.identity.account);
          const entries = await deploymentHistory(session.clients, target);
          if (flags.json) {
            ctx.stdout(stableStringify({
              stackName: session.plan.stackName,
              region: session.region,
              applicationName: target.applicationName,
              environmentName: target.environmentName,
              running: target.runningLabel ?? null,
              versions: entries.map((e) => ({
                label: e.label,
                created: e.created?.toISOString() ?? null,
                status: e.status ?? null,
                description: e.description ?? null,
                running: e.running,
                record: e.record ?? null,
              })),
            }) + '\n');
            return ExitCode.OK;
          }
          ctx.stdout(`deployments of ${session.plan.stackName} (environment ${target.environmentName}, application ${target.applicationName}) in ${session.region}, newest first\n`);
          if (entries.length === 0) {
            ctx.stdout('  no application version\n');
            return ExitCode.OK;
          }
          const rows = entries.map((e) => {
            const r = e.record;
            const images = r ? `${r.images.length} (${r.images.filter((i) => i.digest).length} with digest)` : '-';
            return [
              e.running ? '*' : ' ',
              e.label,
              r?.deployedAt.replace(/\.\d{3}Z$/, 'Z') ?? e.created?.toISOString().replace(/\.\d{3}Z$/, 'Z') ?? '-',
              r ? (r.commit ? `${r.commit.slice(0, 12)}${r.dirty ? '+' : ''}` : 'no git') : '-',
              r?.beanstackVersion ?? '-',
              images,
            ];
          });
          const header = [' ', 'LABEL', 'DEPLOYED (or created)', 'COMMIT', 'BEANSTACK', 'IMAGES'];
          const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
          for (const row of [header, ...rows]) ctx.stdout(`${row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}\n`);
          const unrecorded = entries.filter((e) => !e.record).length;
          ctx.stdout(`* runs now; + uncommitted changes at deploy time${unrecorded > 0 ? `; - not recorded (${unrecorded} version${unrecorded === 1 ? '' : 's'} deployed without beanstack deploy, or before it recorded history)` : ''}\n`);
          ctx.stdout('go back to one: beanstack rollback --to <label|commit>\n');
          return ExitCode.OK;
        } finally {
          session.close();
        }
      }),
    );
};
