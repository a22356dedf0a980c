/**
 * The compose-project flags shared by `config`, `dockerrun` and `local` (one definition, so their
 * help and behaviour cannot drift), and the loader options they mean.
 */
import type { Command } from 'commander';
import * as path from 'path';
import type { FileReader, LoadOptions } from '../../lib/compose/model';
import type { CliContext } from '../cli-context';
import { collect } from './flags';

export interface ComposeFlags {
  readonly file?: string[];
  readonly projectDirectory?: string;
  readonly projectName?: string;
  readonly envFile?: string[];
  readonly profile?: string[];
  readonly allowRead?: string[];
}

/** Adds -f, --project-directory, -p, --env-file, --profile and --allow-read. */
export function addComposeOptions(command: Command): Command {
  return command
    .option('-f, --file <path>', 'compose file; repeat to merge an override file, e.g. -f docker-compose.yml -f docker-compose.prod.yml (default: compose.yaml, compose.yml, docker-compose.yaml or docker-compose.yml, with its .override file)', collect)
    .option('--project-directory <dir>', 'project directory (default: the directory of the first compose file)')
    .option('-p, --project-name <name>', 'project name (default: COMPOSE_PROJECT_NAME, the top-level `name`, or the project directory name)')
    .option('--env-file <path>', 'environment file for interpolation; repeatable (default: .env of the project directory)', collect)
    .option('--profile <name>', 'activate a profile; repeatable (default: COMPOSE_PROFILES)', collect)
    .option('--allow-read <path>', 'let the compose files read this file or directory outside the project directory (include, extends, env_file, label_file); repeatable (default: nothing outside the project but the files named with -f and --env-file)', collect);
}

/** The loader options these flags mean, relative to the command's working directory. */
export function loadOptionsFrom(flags: ComposeFlags, ctx: CliContext, reader: FileReader, extra: Partial<LoadOptions> = {}): LoadOptions {
  return {
    files: flags.file ?? [],
    workingDirectory: ctx.cwd,
    ...(flags.projectDirectory !== undefined ? { projectDirectory: path.resolve(ctx.cwd, flags.projectDirectory) } : {}),
    ...(flags.projectName !== undefined ? { projectName: flags.projectName } : {}),
    environment: ctx.env,
    ...(flags.envFile?.length ? { envFiles: flags.envFile.map((f) => path.resolve(ctx.cwd, f)) } : {}),
    ...(flags.profile?.length ? { profiles: flags.profile } : {}),
    ...(flags.allowRead?.length ? { allowRead: flags.allowRead.map((p) => path.resolve(ctx.cwd, p)) } : {}),
    ...(ctx.env.HOME ? { homeDirectory: ctx.env.HOME } : {}),
    ...extra,
    reader,
  };
}
