/**
 * `beanstack dockerrun`: converts the compose project into an Elastic Beanstalk bundle — a
 * Dockerrun.aws.json v2 (`--target ecs`, default), a production docker-compose.yml (`--target
 * docker`) or a Dockerrun.aws.json v1 (`--target single`) — and writes the bundle directory
 * (`--out`) or prints the main file. Warnings go to stderr, grouped by service.
 *
 * Exit codes: 0 done / up to date; 1 `--check` found the committed bundle stale or holding a
 * placeholder; 2 bad compose files or flags (the message names file:line:column and the fix); 3 a
 * bug in beanstack.
 *
 * Loads only the compose loader and the converter (never aws-cdk-lib), lazily.
 */
import * as path from 'path';
import { Option } from 'commander';
import { ExitCode } from '../cli-context';
import type { CliContext } from '../cli-context';
import { BundleError } from '../../lib/errors';
import { TARGETS } from '../../lib/bundle/keys';
import type { BundleTarget } from '../../lib/bundle/types';
import type { RegisterCommand } from './index';
import { addComposeOptions, ComposeFlags, loadOptionsFrom } from '../shared/compose-options';
import { collect } from '../shared/flags';
import { formatWarnings } from '../shared/warnings';

interface DockerrunFlags extends ComposeFlags {
  readonly target: BundleTarget;
  readonly image: string[];
  readonly executionRoleArn?: string;
  readonly imagePlatform?: string;
  readonly containerHealthChecks?: boolean;
  readonly out?: string;
  readonly check?: boolean;
  readonly quiet?: boolean;
}

/** Parses `--image svc=uri` flags. */
export function parseImageFlags(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0 || eq === v.length - 1) {
      throw new BundleError(`--image ${v}: expected SERVICE=IMAGE_URI`, {
        code: 'cli/image-flag',
        fix: 'write it like --image api=123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.4.2',
      });
    }
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

function shellArg(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The command that regenerates the bundle (the same flags, without --check). */
function regenerateCommand(flags: DockerrunFlags): string {
  const args = ['beanstack', 'dockerrun'];
  for (const f of flags.file ?? []) args.push('-f', f);
  if (flags.projectDirectory) args.push('--project-directory', flags.projectDirectory);
  if (flags.projectName) args.push('-p', flags.projectName);
  for (const e of flags.envFile ?? []) args.push('--env-file', e);
  for (const p of flags.profile ?? []) args.push('--profile', p);
  if (flags.target !== 'ecs') args.push('--target', flags.target);
  for (const i of flags.image) args.push('--image', i);
  if (flags.executionRoleArn) args.push('--execution-role-arn', flags.executionRoleArn);
  if (flags.imagePlatform) args.push('--image-platform', flags.imagePlatform);
  if (flags.containerHealthChecks) args.push('--container-health-checks');
  if (flags.out) args.push('--out', flags.out);
  return args.map(shellArg).join(' ');
}

async function action(ctx: CliContext, flags: DockerrunFlags): Promise<number> {
  const { loadProject } = await import('../../lib/compose');
  const { composeToBundle, IMAGE_PLACEHOLDER_PREFIX, EXECUTION_ROLE_PLACEHOLDER } = await import('../../lib/bundle');
  const { nodeFileReader } = await import('../../lib/io/node-reader');
  const { isRoleArn } = await import('../../lib/bundle/validate');
  const { withWarnings } = await import('../../lib/errors');
  if (flags.check && !flags.out) {
    throw new BundleError('--check compares the bundle in --out with the compose files, but --out is missing', {
      code: 'cli/check-needs-out',
      fix: 'pass the committed bundle directory, e.g. --check --out eb-bundle',
    });
  }
  const images = parseImageFlags(flags.image);
  if (flags.executionRoleArn !== undefined && !isRoleArn(flags.executionRoleArn)) {
    throw new BundleError(`--execution-role-arn ${flags.executionRoleArn}: not an IAM role ARN`, {
      code: 'cli/execution-role-arn',
      fix: 'pass the ARN of the ECS task execution role, e.g. --execution-role-arn arn:aws:iam::123456789012:role/my-app-execution',
    });
  }
  const loaded = loadProject(loadOptionsFrom(flags, ctx, nodeFileReader));
  let converted: ReturnType<typeof composeToBundle>;
  try {
    converted = composeToBundle(loaded.result, {
      target: flags.target,
      images,
      reader: nodeFileReader,
      ...(flags.executionRoleArn ? { executionRoleArn: flags.executionRoleArn } : {}),
      ...(flags.imagePlatform ? { imagePlatform: flags.imagePlatform } : {}),
      ...(flags.containerHealthChecks ? { containerHealthChecks: true } : {}),
    });
  } catch (e) {
    // the loader's warnings are printed before the conversion error (an unset variable may explain it)
    throw withWarnings(e, loaded.warnings);
  }
  const { result: bundle, warnings } = converted;
  if (!flags.quiet) ctx.stderr(formatWarnings([...loaded.warnings, ...warnings], ctx.cwd));
  const main = bundle.files[0];
  const mainContent = 'content' in main ? main.content : '';

  if (flags.check) {
    const { diffBundle } = await import('../../lib/io/write-bundle');
    const out = path.resolve(ctx.cwd, flags.out!);
    const shown = path.relative(ctx.cwd, out) || '.';
    const problems: string[] = [];
    for (const img of bundle.images.filter((i) => i.placeholder)) {
      problems.push(`service ${img.service} has no image URI: the bundle would hold the placeholder ${img.imageRef} (pass --image ${img.service}=<uri>)`);
    }
    for (const s of Object.keys(images).sort()) {
      if (images[s].startsWith(IMAGE_PLACEHOLDER_PREFIX)) problems.push(`--image ${s} is a placeholder`);
    }
    if (bundle.executionRoleArn === EXECUTION_ROLE_PLACEHOLDER) problems.push('the bundle uses secrets but holds a placeholder execution role (pass --execution-role-arn)');
    for (const d of diffBundle(bundle, out, { projectDirectory: loaded.result.projectDirectory })) {
      problems.push(d.kind === 'missing' ? `${shown}/${d.path} is missing` : d.kind === 'extra' ? `${shown}/${d.path} is not part of the bundle any more` : `${shown}/${d.path} differs from what the compose files produce`);
    }
    if (problems.length > 0) {
      ctx.stderr(`the bundle in ${shown} is stale or not deployable:\n${problems.map((p) => `  - ${p}`).join('\n')}\nregenerate it with:\n  ${regenerateCommand(flags)}\n`);
      return ExitCode.CHANGED;
    }
    ctx.stderr(`${shown} is up to date\n`);
    return ExitCode.OK;
  }

  if (flags.out) {
    const { writeBundle } = await import('../../lib/io/write-bundle');
    const out = path.resolve(ctx.cwd, flags.out);
    const sourceFiles = [...loaded.result.composeFiles, ...(flags.envFile ?? []).map((f) => path.resolve(ctx.cwd, f))];
    const { written, skipped } = writeBundle(bundle, out, { projectDirectory: loaded.result.projectDirectory, sourceFiles });
    const shown = path.relative(ctx.cwd, out) || '.';
    for (const s of skipped) ctx.stderr(`note: ${s} was not copied into the bundle (never shipped: the deny-list or .beanstackignore)\n`);
    ctx.stderr(`wrote ${shown}/ (${written.length} file${written.length === 1 ? '' : 's'}: ${main.path}${written.length > 1 ? ' and shipped files' : ''})\n`);
    return ExitCode.OK;
  }
  ctx.stdout(mainContent);
  const shipped = bundle.files.length - 1;
  if (shipped > 0) ctx.stderr(`note: ${shipped} shipped file${shipped === 1 ? '' : 's'} (${bundle.files.slice(1).map((f) => f.path).join(', ')}) not written; pass --out DIR to write the whole bundle\n`);
  return ExitCode.OK;
}

export const registerDockerrun: RegisterCommand = (program, ctx, run) => {
  addComposeOptions(program.command('dockerrun').description('convert the compose project into an Elastic Beanstalk bundle: Dockerrun.aws.json v2 (ecs), a production docker-compose.yml (docker) or Dockerrun.aws.json v1 (single)'))
    .addOption(new Option('--target <target>', 'Elastic Beanstalk platform: ecs = ECS on AL2023 (Dockerrun v2), docker = Docker on AL2023 (docker-compose.yml), single = one container (Dockerrun v1)').choices(TARGETS).default('ecs'))
    .option('--image <service=uri>', 'image URI of a built service (repeatable); without it the bundle holds a placeholder', collect, [])
    .option('--execution-role-arn <arn>', 'ECS task execution role for environment secrets (ecs target)')
    .option('--image-platform <platform>', 'platform of the built images (default: linux/amd64)')
    .option('--container-health-checks', 'write compose healthchecks and depends_on conditions into Dockerrun (undocumented on Elastic Beanstalk)')
    .option('-o, --out <dir>', 'write the bundle directory (main file and shipped files) instead of printing the main file')
    .option('--check', 'exit 1 when the bundle in --out is stale or holds a placeholder, saying which file differs')
    .option('-q, --quiet', 'do not print warnings')
    .action(run(async (flags: DockerrunFlags) => action(ctx, flags)));
};
