/**
 * The command table. Each entry registers one command on the program; `run` wraps the command's
 * action so the shell receives its exit code. Keep the table sorted by command name.
 */
import type { Command } from 'commander';
import type { CliContext, CommandAction } from '../cli-context';

export type RegisterCommand = (
  program: Command,
  ctx: CliContext,
  run: (action: CommandAction) => (...args: any[]) => Promise<void>, // eslint-disable-line @typescript-eslint/no-explicit-any
) => void;

/**
 * Command name → its module, loaded on demand: a run of `beanstack config` loads only the config
 * module (start-up time is a feature: `config` and `dockerrun` must start close to bare node), while
 * `--help` and unknown commands load them all.
 */
export const COMMAND_MODULES: Readonly<Record<string, () => RegisterCommand>> = {
  app: () => require('./app').registerApp,
  comment: () => require('./comment').registerComment,
  config: () => require('./config').registerConfig,
  deploy: () => require('./deploy').registerDeploy,
  diff: () => require('./diff').registerDiff,
  doctor: () => require('./doctor').registerDoctor,
  history: () => require('./history').registerHistory,
  dockerrun: () => require('./dockerrun').registerDockerrun,
  import: () => require('./import').registerImport,
  init: () => require('./init').registerInit,
  local: () => require('./local').registerLocal,
  pause: () => require('./pause').registerPause,
  preflight: () => require('./preflight').registerPreflight,
  resume: () => require('./pause').registerResume,
  rollback: () => require('./rollback').registerRollback,
  secrets: () => require('./secrets').registerSecrets,
};

/**
 * The commands to register for these arguments: the named one; none for `--version` alone (it needs
 * no command, and loading them all took longer than a `config` run); else all (help, unknown, none).
 */
export function commandsFor(argv: readonly string[]): RegisterCommand[] {
  const name = argv.find((a) => !a.startsWith('-'));
  if (name === undefined && argv.some((a) => a === '-V' || a === '--version') && !argv.some((a) => a === '-h' || a === '--help')) return [];
  const load = name !== undefined && Object.prototype.hasOwnProperty.call(COMMAND_MODULES, name) ? COMMAND_MODULES[name] : undefined;
  return load ? [load()] : Object.keys(COMMAND_MODULES).map((n) => COMMAND_MODULES[n]());
}
