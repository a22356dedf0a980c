/**
 * The command table. Each entry registers one command on the program; `run` wraps the command's
 * action so the shell receives its exit code. Keep this list sorted by command name.
 */
import type { Command } from 'commander';
import type { CliContext, CommandAction } from '../cli-context';

export type RegisterCommand = (
  program: Command,
  ctx: CliContext,
  run: (action: CommandAction) => (...args: any[]) => Promise<void>, // eslint-disable-line @typescript-eslint/no-explicit-any
) => void;

export const COMMANDS: readonly RegisterCommand[] = [
  require('./comment').registerComment as RegisterCommand,
  require('./config').registerConfig as RegisterCommand,
  require('./deploy').registerDeploy as RegisterCommand,
  require('./diff').registerDiff as RegisterCommand,
  require('./doctor').registerDoctor as RegisterCommand,
  require('./dockerrun').registerDockerrun as RegisterCommand,
  require('./import').registerImport as RegisterCommand,
  require('./init').registerInit as RegisterCommand,
  require('./local').registerLocal as RegisterCommand,
  require('./preflight').registerPreflight as RegisterCommand,
  require('./rollback').registerRollback as RegisterCommand,
];
