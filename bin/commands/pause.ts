/**
 * `beanstack pause` / `beanstack resume`: a whole stage put to sleep by hand and woken again (the
 * cost guard, docs/cost-guard.md). pause: the environment to zero instances, then its databases
 * stopped. resume: the databases started and waited for, then the instances back, waiting until the
 * environment is Ready with a healthy instance. Progress goes to stderr with the elapsed time.
 *
 * Exit codes: 0 done; 2 bad flags, no credentials, a denied call, the stage not deployed or busy;
 * 3 a bug in beanstack.
 */
import { ExitCode } from '../cli-context';
import type { CliContext } from '../cli-context';
import { BeanstackError } from '../../lib/errors';
import type { RegisterCommand } from './index';
import { addAwsOptions, AwsFlags, timeoutMs } from '../shared/aws-options';
import { collect } from '../shared/flags';

interface PauseFlags extends AwsFlags {
  readonly environment?: string;
  readonly database?: readonly string[];
}

async function run(verb: 'pause' | 'resume', flags: PauseFlags, ctx: CliContext): Promise<number> {
  const session = await import('../../lib/aws/session');
  const { createAwsClients } = await import('../../lib/aws/clients');
  const { pauseStage, resumeStage } = await import('../../lib/aws/pause');
  const credentials = await session.credentialProvider({ profile: flags.profile });
  let environmentName = flags.environment;
  let databases = [...(flags.database ?? [])];
  let assembly: Awaited<ReturnType<typeof session.loadAssembly>> | undefined;
  if (environmentName === undefined) {
    assembly = await session.loadAssembly({ appDir: flags.appDir, stack: flags.stack, context: flags.context, cwd: ctx.cwd, env: ctx.env, stderr: ctx.stderr });
  } else if (flags.database === undefined) {
    throw new BeanstackError('--environment needs --database for each database of the stage (or none: pass --database none)', { code: 'cli/pause-databases', fix: 'leave out --environment to read both from the stack, or add --database <identifier> (repeatable)' });
  }
  databases = databases.filter((d) => d !== 'none');
  const region = await session.resolveRegion({ flag: flags.region, stackRegion: assembly?.plan.region, env: ctx.env, profile: flags.profile });
  const clients = createAwsClients({ region, credentials, requestTimeoutMs: timeoutMs(flags), endpoint: ctx.env.BEANSTACK_AWS_ENDPOINT });
  try {
    if (environmentName === undefined) {
      const plan = assembly!.plan;
      const { describeDeployedStack, physicalIds } = await import('../../lib/aws/deployed');
      const stack = await describeDeployedStack(clients, plan.stackName);
      if (!stack) throw new BeanstackError(`stack ${plan.stackName} is not deployed in ${region}`, { code: 'aws/not-deployed', fix: `nothing to ${verb}; run beanstack deploy` });
      const ids = physicalIds(stack);
      const names = plan.environments.map((e) => ids.get(e.logicalId)).filter((n): n is string => n !== undefined);
      if (names.length !== 1) {
        throw new BeanstackError(`stack ${plan.stackName} has ${names.length} Elastic Beanstalk environments`, {
          code: 'aws/which-environment',
          fix: names.length === 0 ? 'deploy the stack first' : `pass --environment with one of: ${names.join(', ')}`,
        });
      }
      environmentName = names[0];
      databases = plan.databases.map((d) => ids.get(d.logicalId)).filter((n): n is string => n !== undefined);
    }
    ctx.stdout(`${verb} ${environmentName}${databases.length > 0 ? ` and database${databases.length === 1 ? '' : 's'} ${databases.join(', ')}` : ''} in ${region}\n`);
    const options = { log: (line: string) => ctx.stderr(`${line}\n`) };
    const target = { environmentName, databases };
    const r = verb === 'pause' ? await pauseStage(clients, target, options) : await resumeStage(clients, target, options);
    const dbs = Object.entries(r.databases).map(([id, s]) => `${id} ${s}`).join(', ');
    ctx.stdout(verb === 'pause'
      ? `${environmentName} is paused: 0 instances${dbs ? `; database ${dbs}` : ''}. beanstack resume wakes it (a sleep schedule wakes it at its next wake time).\n`
      : `${environmentName} is running: ${r.environment.Status}, health ${r.environment.Health ?? '?'}${dbs ? `; database ${dbs}` : ''}.\n`);
    return ExitCode.OK;
  } finally {
    clients.destroy?.();
    assembly?.dispose();
  }
}

function register(verb: 'pause' | 'resume', description: string): RegisterCommand {
  return (program, ctx, runAction) => {
    addAwsOptions(program.command(verb).description(description))
      .option('--environment <name>', 'environment of the stage (default: the one of the stack)')
      .option('--database <identifier>', 'RDS instance of the stage, with --environment; repeatable ("none" for a stage without one)', collect)
      .action(runAction(async (flags: PauseFlags) => run(verb, flags, ctx)));
  };
}

export const registerPause = register('pause', 'put a whole stage to sleep: the environment to 0 instances, its databases stopped');
export const registerResume = register('resume', 'wake a paused stage: the databases started, the instances back, waiting until the environment is Ready');
