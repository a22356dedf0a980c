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
import { Option } from 'commander';
import { ExitCode } from '../cli-context';
import type { RegisterCommand } from './index';
import { addComposeOptions, ComposeFlags, loadOptionsFrom } from '../shared/compose-options';

interface ConfigFlags extends ComposeFlags {
  readonly format: 'yaml' | 'json';
  readonly interpolate: boolean;
  readonly quiet?: boolean;
  readonly services?: boolean;
}

export const registerConfig: RegisterCommand = (program, ctx, run) => {
  addComposeOptions(program.command('config').description('print the normalized compose model (like `docker compose config`): long syntax, sorted keys, paths relative to the project directory'))
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('--no-interpolate', 'do not replace ${VARIABLES}')
    .option('-q, --quiet', 'only validate: print nothing but warnings and errors')
    .option('--services', 'print the names of the enabled services, one per line')
    .action(
      run(async (flags: ConfigFlags) => {
        const { loadProject, renderConfig } = await import('../../lib/compose');
        const { nodeFileReader } = await import('../../lib/io/node-reader');
        const { warningLines } = await import('../shared/warnings');
        const { result: project, warnings } = loadProject(loadOptionsFrom(flags, ctx, nodeFileReader, { interpolate: flags.interpolate }));
        ctx.stderr(warningLines(warnings, ctx.cwd));
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
