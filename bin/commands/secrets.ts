/**
 * `beanstack secrets list` and `beanstack secrets set`: the application secrets of the stack of a
 * stage (the secrets the compose file declares, created by the stack with a random placeholder),
 * without the console. Values come from stdin or a file, never from argv, and are never printed.
 *
 * Exit codes: list — 0 every deployed secret holds a real value, 1 a placeholder (or a deleted
 * secret) remains; set — 0 stored (and the environment Ready again); 2 bad flags, an unknown name,
 * an empty value, a stack that is not deployed, no credentials; 3 a bug in beanstack.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CliContext, ExitCode } from '../cli-context';
import { BeanstackError } from '../../lib/errors';
import type { RegisterCommand } from './index';
import { addAwsOptions, AwsFlags, openCliSession } from '../shared/aws-options';

interface SetFlags extends AwsFlags {
  readonly fromFile?: string;
  readonly fromEnvFile?: string;
  readonly restart: boolean;
}

const STATE_TEXT: Readonly<Record<string, string>> = {
  'placeholder': 'PLACEHOLDER',
  'set': 'set',
  'no-value': 'NO VALUE',
  'not-deployed': 'not deployed',
  'missing': 'DELETED',
};

export const registerSecrets: RegisterCommand = (program, ctx, run) => {
  const secrets = program
    .command('secrets')
    .description('the application secrets of the stack: list which it expects and which still hold the placeholder, set values (never from argv)');

  addAwsOptions(
    secrets
      .command('list')
      .description('list the application secrets the stack expects: placeholder or set, and when each value was set; exit 1 while a placeholder remains'),
  )
    .option('--json', 'print the list as JSON')
    .action(
      run(async (flags: AwsFlags) => {
        const session = await openCliSession(ctx, flags);
        try {
          const { describeDeployedStack } = await import('../../lib/aws/deployed');
          const { appSecretStatuses } = await import('../../lib/aws/secrets');
          const { stableStringify } = await import('../../lib/aws/report');
          const stack = await describeDeployedStack(session.clients, session.plan.stackName);
          const statuses = await appSecretStatuses(session.clients, session.plan, stack);
          const date = (d?: Date) => d?.toISOString() ?? null;
          if (flags.json) {
            ctx.stdout(stableStringify({
              stackName: session.plan.stackName,
              region: session.region,
              deployed: stack !== undefined,
              secrets: statuses.map((s) => ({
                name: s.name, state: s.state, arn: s.arn ?? null, valueSetAt: date(s.valueSetAt), lastChangedAt: date(s.lastChangedAt), deletionDate: date(s.deletionDate),
              })),
            }) + '\n');
          } else {
            ctx.stdout(`application secrets of ${session.plan.stackName} in ${session.region}${stack ? '' : ' (the stack is not deployed)'}\n`);
            if (statuses.length === 0) ctx.stdout('  none: the compose file declares no secret variable\n');
            const width = Math.max(4, ...statuses.map((s) => s.name.length));
            if (statuses.length > 0) ctx.stdout(`  ${'NAME'.padEnd(width)}  ${'STATE'.padEnd(12)}  VALUE SET\n`);
            for (const s of statuses) {
              const when = s.state === 'placeholder' ? `generated ${date(s.valueSetAt) ?? '?'}` : s.deletionDate ? `deletion on ${date(s.deletionDate)}` : date(s.valueSetAt) ?? '-';
              ctx.stdout(`  ${s.name.padEnd(width)}  ${STATE_TEXT[s.state].padEnd(12)}  ${when}\n`);
            }
            const placeholders = statuses.filter((s) => s.state === 'placeholder');
            if (placeholders.length > 0) {
              ctx.stdout(`the application runs with random values until you set ${placeholders.length === 1 ? 'it' : 'them'}: beanstack secrets set ${placeholders[0].name} < value-file, or beanstack secrets set --from-env-file FILE\n`);
            }
          }
          return statuses.some((s) => s.state === 'placeholder' || s.state === 'missing' || s.state === 'no-value') ? ExitCode.CHANGED : ExitCode.OK;
        } finally {
          session.close();
        }
      }),
    );

  addAwsOptions(
    secrets
      .command('set [name]')
      .description('set the value of an application secret from stdin or --from-file (never from argv), or several from --from-env-file; then restart the application servers so they read it'),
  )
    .option('--from-file <file>', 'read the value from this file (one trailing newline is dropped)')
    .option('--from-env-file <file>', 'set every NAME=value of this env file (compose .env syntax; values are not interpolated)')
    .option('--no-restart', 'do not restart the application servers (they read the new value at the next deploy or restart)')
    // a value typed after NAME would sit in the shell history and the process list: refused, never read
    .allowExcessArguments(false)
    .action(
      run(async (name: string | undefined, flags: SetFlags) => {
        const { checkSecretNames } = await import('../../lib/aws/secret-status');
        // the values, read and checked before any AWS call
        const values = await readValues(ctx, name, flags);
        const session = await openCliSession(ctx, flags);
        try {
          const { describeDeployedStack } = await import('../../lib/aws/deployed');
          const { appSecretStatuses, environmentNames, putAppSecret, restartForSecrets } = await import('../../lib/aws/secrets');
          const stack = await describeDeployedStack(session.clients, session.plan.stackName);
          if (!stack) {
            throw new BeanstackError(`stack ${session.plan.stackName} is not deployed in ${session.region}`, { code: 'secrets/not-deployed', fix: 'run beanstack deploy first: it creates the secrets (with placeholders), then set them' });
          }
          const statuses = await appSecretStatuses(session.clients, session.plan, stack);
          for (const v of values) checkSecretNames([v.name], statuses.map((s) => s.name), v.source);
          for (const v of values) {
            const status = statuses.find((s) => s.name === v.name)!;
            await putAppSecret(session.clients, status, v.value);
            ctx.stderr(`${v.name}: new value stored (it replaced ${status.state === 'placeholder' ? 'the placeholder' : 'the previous value'})\n`);
          }
          if (!flags.restart) {
            ctx.stderr('not restarted (--no-restart): the instances read the new values at the next deploy or restart (aws elasticbeanstalk restart-app-server)\n');
            return ExitCode.OK;
          }
          for (const env of environmentNames(session.plan, stack)) {
            await restartForSecrets(session.clients, env, { log: (line) => ctx.stderr(`${line}\n`) });
          }
          return ExitCode.OK;
        } finally {
          session.close();
        }
      }),
    );
};

/** The values to set, from --from-env-file, --from-file or stdin; read and checked before any AWS call. */
async function readValues(ctx: CliContext, n: string | undefined, f: SetFlags): Promise<Array<{ name: string; value: string; source: string }>> {
  const { secretValueFrom, secretsFromEnvFile } = await import('../../lib/aws/secret-status');
  const sources = [f.fromFile !== undefined, f.fromEnvFile !== undefined].filter((x) => x).length;
  if (f.fromEnvFile !== undefined) {
    if (n !== undefined || sources > 1) {
      throw new BeanstackError('--from-env-file names the secrets itself', { code: 'cli/secrets-usage', fix: 'run beanstack secrets set --from-env-file FILE without NAME and without --from-file' });
    }
    const file = path.resolve(ctx.cwd, f.fromEnvFile);
    return secretsFromEnvFile(readText(file, '--from-env-file'), file).map((e) => ({ name: e.name, value: e.value, source: `${file}:${e.line}` }));
  }
  if (n === undefined) {
    throw new BeanstackError('which secret? give its NAME', { code: 'cli/secrets-usage', fix: 'beanstack secrets set NAME < value-file, beanstack secrets set NAME --from-file FILE, or beanstack secrets set --from-env-file FILE (beanstack secrets list shows the names)' });
  }
  if (f.fromFile !== undefined) {
    const file = path.resolve(ctx.cwd, f.fromFile);
    return [{ name: n, value: secretValueFrom(readBytes(file, '--from-file'), file), source: '--from-file' }];
  }
  const stdin = ctx.readStdin ? await ctx.readStdin() : undefined;
  if (!stdin || stdin.isTty) {
    throw new BeanstackError(`no value for ${n} on stdin${stdin?.isTty ? ' (it is a terminal: typing the value would show it)' : ''}`, {
      code: 'cli/secrets-stdin',
      fix: `pipe it in (beanstack secrets set ${n} < value-file; or read -rs V && printf %s "$V" | beanstack secrets set ${n}), or pass --from-file FILE`,
    });
  }
  return [{ name: n, value: secretValueFrom(stdin.data, 'stdin'), source: 'stdin' }];
}

function readBytes(file: string, flag: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new BeanstackError(`${flag} ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot be read'}`, { code: 'cli/secrets-file', fix: 'name a readable file' });
  }
}

function readText(file: string, flag: string): string {
  return readBytes(file, flag).toString('utf8');
}
