/**
 * `beanstack config`: loads the compose project exactly as `dockerrun`/`bundle` will and prints the
 * normalized model, like `docker compose config` — deterministic, paths relative to the project
 * directory, warnings on stderr.
 *
 * Exit codes: 0 printed; 2 the compose files (or flags) are wrong — the message names
 * file:line:column and the fix; 3 a bug in beanstack.
 *
 * Loads only the compose loader (never aws-cdk-lib), lazily, so the command starts fast.
 */
import * as path from 'path';
import { Option } from 'commander';
import { ExitCode } from '../cli-context';
import type { RegisterCommand } from './index';

/** Repeatable flag: each occurrence is appended (no default, so the help shows none). */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

interface ConfigFlags {
  readonly file?: string[];
  readonly projectDirectory?: string;
  readonly projectName?: string;
  readonly envFile?: string[];
  readonly profile?: string[];
  readonly format: 'yaml' | 'json';
  readonly interpolate: boolean;
  readonly quiet?: boolean;
  readonly services?: boolean;
}

export const registerConfig: RegisterCommand = (program, ctx, run) => {
  program
    .command('config')
    .description('print the normalized compose model (like `docker compose config`): long syntax, sorted keys, paths relative to the project directory')
    .option('-f, --file <path>', 'compose file; repeat to merge several (default: compose.yaml, compose.yml, docker-compose.yaml or docker-compose.yml, with its .override file)', collect)
    .option('--project-directory <dir>', 'project directory (default: the directory of the first compose file)')
    .option('-p, --project-name <name>', 'project name (default: COMPOSE_PROJECT_NAME, the top-level `name`, or the project directory name)')
    .option('--env-file <path>', 'environment file for interpolation; repeatable (default: .env of the project directory)', collect)
    .option('--profile <name>', 'activate a profile; repeatable (default: COMPOSE_PROFILES)', collect)
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('--no-interpolate', 'do not replace ${VARIABLES}')
    .option('-q, --quiet', 'only validate: print nothing but warnings and errors')
    .option('--services', 'print the names of the enabled services, one per line')
    .action(
      run(async (flags: ConfigFlags) => {
        const { loadProject, renderConfig } = await import('../../lib/compose');
        const { nodeFileReader } = await import('../../lib/io/node-reader');
        const { formatLocation } = await import('../../lib/errors');
        const { result: project, warnings } = loadProject({
          files: flags.file ?? [],
          workingDirectory: ctx.cwd,
          ...(flags.projectDirectory !== undefined ? { projectDirectory: path.resolve(ctx.cwd, flags.projectDirectory) } : {}),
          ...(flags.projectName !== undefined ? { projectName: flags.projectName } : {}),
          environment: ctx.env,
          ...(flags.envFile ? { envFiles: flags.envFile.map((f) => path.resolve(ctx.cwd, f)) } : {}),
          ...(flags.profile ? { profiles: flags.profile } : {}),
          interpolate: flags.interpolate,
          ...(ctx.env.HOME ? { homeDirectory: ctx.env.HOME } : {}),
          reader: nodeFileReader,
        });
        for (const w of warnings) {
          const where = w.location ? `${formatLocation(w.location, ctx.cwd)}: ` : '';
          ctx.stderr(`warning: ${where}${w.message}\n`);
        }
        if (flags.quiet) return ExitCode.OK;
        if (flags.services) {
          const names = Object.keys(project.services).sort();
          ctx.stdout(names.map((n) => n + '\n').join(''));
          return ExitCode.OK;
        }
        ctx.stdout(renderConfig(project, { format: flags.format, interpolated: flags.interpolate }));
        return ExitCode.OK;
      }),
    );
};
