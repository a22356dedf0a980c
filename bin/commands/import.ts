/**
 * `beanstack import`: the reverse of `beanstack dockerrun` — reads a Dockerrun.aws.json (v2 or v1),
 * validates it, and writes a docker-compose.yml that runs the same containers locally and converts
 * back to the same Dockerrun file. Fields compose cannot express are kept under `x-dockerrun` and
 * reported as warnings on stderr.
 *
 * Exit codes: 0 written; 2 the input is missing, not JSON (file:line:column), not a valid Dockerrun
 * file (every problem listed), or the output exists without --force; 3 a bug in beanstack.
 *
 * Loads only lib/bundle's validator and importer (never aws-cdk-lib), lazily.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ExitCode } from '../cli-context';
import type { CliContext } from '../cli-context';
import { BundleError } from '../../lib/errors';
import type { RegisterCommand } from './index';

interface ImportFlags {
  readonly out: string;
  readonly force?: boolean;
  readonly quiet?: boolean;
}

/**
 * Writes `content` to `file` without ever leaving a half-written file: the text goes to a temporary
 * file next to it, which is then linked (exclusive: fails when `file` exists) or renamed (`--force`).
 */
export function writeFileAtomic(file: string, content: string, overwrite: boolean): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  fs.writeFileSync(tmp, content, { flag: 'wx' });
  try {
    if (overwrite) {
      fs.renameSync(tmp, file);
    } else {
      fs.linkSync(tmp, file);
      fs.unlinkSync(tmp);
    }
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

async function action(ctx: CliContext, input: string | undefined, flags: ImportFlags): Promise<number> {
  const { dockerrunToCompose } = await import('../../lib/bundle/import');
  const { formatWarnings } = await import('../shared/warnings');

  const inputPath = path.resolve(ctx.cwd, input ?? 'Dockerrun.aws.json');
  const shownInput = path.relative(ctx.cwd, inputPath) || inputPath;
  let text: string;
  try {
    if (fs.statSync(inputPath).isDirectory()) {
      throw new BundleError(`${shownInput} is a directory`, { code: 'import/input-missing', fix: `pass the Dockerrun file itself, e.g. beanstack import ${path.join(shownInput, 'Dockerrun.aws.json')}` });
    }
    text = fs.readFileSync(inputPath, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new BundleError(`${shownInput} does not exist`, {
        code: 'import/input-missing',
        fix: 'check the path, or pass the Dockerrun file: beanstack import path/to/Dockerrun.aws.json',
      });
    }
    if (typeof code === 'string') {
      throw new BundleError(`cannot read ${shownInput}: ${(e as Error).message}`, { code: 'import/input-unreadable', fix: 'check the file and its permissions' });
    }
    throw e;
  }

  // the importer reports positions with the absolute path; the shell shows it relative to cwd
  const { result, warnings } = dockerrunToCompose(text, { file: inputPath });
  if (!flags.quiet) ctx.stderr(formatWarnings(warnings, ctx.cwd));

  if (flags.out === '-') {
    ctx.stdout(result.yaml);
    return ExitCode.OK;
  }
  const outPath = path.resolve(ctx.cwd, flags.out);
  const shownOut = path.relative(ctx.cwd, outPath) || outPath;
  if (outPath === inputPath) {
    throw new BundleError(`-o ${flags.out} would overwrite the Dockerrun file being imported`, { code: 'import/output-is-input', fix: 'write the compose file to another path, e.g. -o docker-compose.yml' });
  }
  if (fs.existsSync(outPath) && !flags.force) {
    throw new BundleError(`${shownOut} already exists`, {
      code: 'import/output-exists',
      fix: `pass --force to overwrite it, or -o another.yml (-o - prints to stdout)`,
    });
  }
  if (fs.existsSync(outPath) && fs.statSync(outPath).isDirectory()) {
    throw new BundleError(`${shownOut} is a directory`, { code: 'import/output-is-directory', fix: `pass a file name, e.g. -o ${path.join(shownOut, 'docker-compose.yml')}` });
  }
  if (!fs.existsSync(path.dirname(outPath))) {
    throw new BundleError(`the directory of ${shownOut} does not exist`, { code: 'import/output-directory-missing', fix: `create ${path.relative(ctx.cwd, path.dirname(outPath)) || path.dirname(outPath)} first` });
  }
  try {
    writeFileAtomic(outPath, result.yaml, Boolean(flags.force));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new BundleError(`${shownOut} already exists`, { code: 'import/output-exists', fix: 'pass --force to overwrite it, or -o another.yml (-o - prints to stdout)' });
    }
    if (typeof code === 'string') {
      throw new BundleError(`cannot write ${shownOut}: ${(e as Error).message}`, { code: 'import/output-unwritable', fix: 'check the directory and its permissions, or write elsewhere with -o' });
    }
    throw e;
  }
  const services = Object.keys((result.project.services ?? {}) as Record<string, unknown>);
  ctx.stderr(
    `wrote ${shownOut} (${services.length} service${services.length === 1 ? '' : 's'}: ${services.join(', ')}) from ${shownInput} (Dockerrun v${result.version})\n` +
      `next: \`docker compose -f ${shownOut} up\` runs it locally; \`beanstack dockerrun -f ${shownOut}\` converts it back\n`,
  );
  return ExitCode.OK;
}

export const registerImport: RegisterCommand = (program, ctx, run) => {
  program
    .command('import')
    .description('convert a Dockerrun.aws.json (v2 or v1) into a docker-compose.yml; fields compose cannot express are kept under x-dockerrun')
    .argument('[dockerrun]', 'the Dockerrun file to read', 'Dockerrun.aws.json')
    .option('-o, --out <file>', 'compose file to write (- prints it to stdout)', 'docker-compose.yml')
    .option('--force', 'overwrite the output file when it exists')
    .option('-q, --quiet', 'do not print warnings')
    .addHelpText('after', '\nExit codes: 0 written; 2 missing/invalid input or existing output (use --force); 3 internal error.')
    .action(run(async (input: string | undefined, flags: ImportFlags) => action(ctx, input, flags)));
};
