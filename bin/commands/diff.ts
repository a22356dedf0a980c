/**
 * `beanstack diff`: what a change does to the infrastructure — danger classes (data loss,
 * irreversible, deploy will fail, security, downtime, routine), the containers of the Elastic Beanstalk bundle,
 * cost, an architecture diagram and every stack's resource changes — as a PR comment (markdown),
 * JSON or text.
 *
 * Inputs: `--base DIR --head DIR` (two cloud assemblies); `--base-ref REF`, which synthesizes that
 * commit in a temporary git worktree (node_modules symlinked when package-lock.json is unchanged) and
 * the working tree as head, offline; or `--live`, which diffs against the deployed stacks (needs AWS
 * credentials).
 *
 * Exit codes: 0 report produced; 1 with `--exit-code` when there are changes; 4 when a class named
 * by `--fail-on` is present; 2 bad flags or inputs; 3 a bug.
 */
import * as childProcess from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Option } from 'commander';
import { ExitCode, progressFor } from '../cli-context';
import type { CliContext } from '../cli-context';
import { BeanstackError } from '../../lib/errors';
import { cdkCliPath } from '../../lib/io/cdk-cli';
import type { Progress } from '../../lib/io/progress';
import { digestDescriptor, openRegular } from '../../lib/io/regular-file';
import type { Assembly, AssemblyReader } from '../../lib/review/assembly';
import type { DangerClass } from '../../lib/review/types';
import type { RegisterCommand } from './index';
import { collect } from '../shared/flags';
import { warningLines } from '../shared/warnings';

/** Largest file of an assembly the review reads (CloudFormation's own template limit is 1 MB). */
export const MAX_ASSEMBLY_FILE_BYTES = 64 * 1024 * 1024;

/** A regular file opened for reading (see lib/io/regular-file.ts), or undefined when there is none, or it is a FIFO, socket or device. */
function openForReview(file: string): { fd: number; size: number } | undefined {
  try {
    const f = openRegular(file);
    return f.kind === 'file' ? f : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') return undefined;
    throw e;
  }
}

/**
 * The assembly reader backed by the file system. Only regular files are read (a FIFO or a device in
 * an assembly reads as missing instead of hanging), a file over 64 MiB is a user error, and digests
 * are computed in 1 MiB chunks.
 */
export const nodeAssemblyReader: AssemblyReader = {
  readFile(file: string): string | undefined {
    const f = openForReview(file);
    if (!f) return undefined;
    try {
      if (f.size > MAX_ASSEMBLY_FILE_BYTES) {
        throw new BeanstackError(`${file} is ${f.size} bytes; the review reads files of at most ${MAX_ASSEMBLY_FILE_BYTES} bytes`, {
          code: 'review/file-too-large',
          location: { file, line: 1, column: 1 },
          fix: 'a cloud assembly this large is not what cdk synth writes: synthesize it again, or check what writes this file',
        });
      }
      return fs.readFileSync(f.fd, 'utf8');
    } finally {
      fs.closeSync(f.fd);
    }
  },
  listFiles(dir: string): readonly string[] | undefined {
    let st: fs.Stats;
    try {
      st = fs.statSync(dir);
    } catch {
      return undefined;
    }
    if (!st.isDirectory()) return undefined;
    const out: string[] = [];
    const walk = (d: string, rel: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(path.join(d, e.name), r);
        else if (e.isFile()) out.push(r);
      }
    };
    walk(dir, '');
    return out.sort();
  },
  digest(file: string): string | undefined {
    let f: { fd: number; size: number } | undefined;
    try {
      f = openForReview(file);
    } catch {
      return undefined;
    }
    if (!f) return undefined;
    try {
      return digestDescriptor(f.fd);
    } catch {
      return undefined;
    } finally {
      fs.closeSync(f.fd);
    }
  },
};

export const FAIL_ON_VALUES = ['data-loss', 'irreversible', 'deploy-fails', 'security', 'downtime', 'any'] as const;

interface DiffFlags {
  readonly base?: string;
  readonly head?: string;
  readonly baseRef?: string;
  readonly live?: boolean;
  readonly format: 'markdown' | 'json' | 'text';
  readonly output?: string;
  readonly exitCode?: boolean;
  readonly failOn?: string;
  readonly maxChars?: string;
  readonly context: string[];
  readonly build: boolean;
  readonly keepWorktree?: boolean;
  readonly region?: string;
}

/** Parses `--fail-on data-loss,security`. */
export function parseFailOn(value: string | undefined): DangerClass[] {
  if (value === undefined) return [];
  const out = new Set<DangerClass>();
  for (const v of value.split(',').map((x) => x.trim()).filter((x) => x.length > 0)) {
    if (!(FAIL_ON_VALUES as readonly string[]).includes(v)) {
      throw new BeanstackError(`--fail-on ${v}: not a danger class`, { code: 'cli/fail-on', fix: `use one or more of ${FAIL_ON_VALUES.join(', ')}, comma-separated (e.g. --fail-on data-loss,security)` });
    }
    if (v === 'any') ['data-loss', 'irreversible', 'deploy-fails', 'security', 'downtime'].forEach((c) => out.add(c as DangerClass));
    else out.add(v as DangerClass);
  }
  return [...out];
}

function writeAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function run(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): { code: number; stdout: string; stderr: string } {
  const r = childProcess.spawnSync(cmd, args as string[], { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function runAsync(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = childProcess.spawn(cmd, args as string[], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    // decoded across chunks: a character's UTF-8 bytes can straddle two reads of the pipe
    p.stdout.setEncoding('utf8');
    p.stderr.setEncoding('utf8');
    p.stdout.on('data', (d: string) => (stdout += d));
    p.stderr.on('data', (d: string) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export interface SynthOptions {
  readonly projectDir: string;
  readonly outDir: string;
  readonly context: readonly string[];
  readonly build: boolean;
  readonly env: NodeJS.ProcessEnv;
  /** What is synthesized, for messages (`base origin/main`, `head (working tree)`). */
  readonly what: string;
  /** Reports the build and the synth as named steps. */
  readonly progress?: Progress;
}

function step<T>(o: Pick<SynthOptions, 'progress'>, name: string, work: () => Promise<T>): Promise<T> {
  return o.progress ? o.progress.step(name, work) : work();
}

/**
 * Builds (when the project has a build script) and synthesizes a project into `outDir`, offline.
 * Returns a warning when synth failed on validation findings but still wrote the assembly.
 */
export async function synthProject(o: SynthOptions): Promise<string | undefined> {
  if (!fs.existsSync(path.join(o.projectDir, 'cdk.json'))) {
    throw new BeanstackError(`${o.what}: ${path.join(o.projectDir, 'cdk.json')} is missing, so there is no CDK app to synthesize`, {
      code: 'review/no-cdk-json',
      fix: 'run beanstack diff from the project root (where cdk.json is), or create one with beanstack init',
    });
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(o.projectDir, 'package.json'), 'utf8').toString() || '{}') as { scripts?: Record<string, string> };
  if (o.build && pkg.scripts?.build) {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const b = await step(o, `${o.what}: npm run build`, () => runAsync(npm, ['run', 'build', '--silent'], o.projectDir, o.env));
    if (b.code !== 0) {
      throw new BeanstackError(`${o.what}: npm run build failed (exit ${b.code})\n${tail(b.stdout + b.stderr)}`, { code: 'review/build-failed', fix: 'fix the build error (or pass --no-build when the app needs no build step)' });
    }
  }
  const args = [cdkCliPath(o.projectDir), 'synth', '--no-lookups', '--quiet', '--no-notices', '--no-version-reporting', '-o', o.outDir];
  for (const c of o.context) args.push('-c', c);
  const s = await step(o, `${o.what}: cdk synth`, () => runAsync(process.execPath, args, o.projectDir, o.env));
  if (s.code !== 0) {
    const manifest = path.join(o.outDir, 'manifest.json');
    const report = path.join(o.outDir, 'validation-report.json');
    if (fs.existsSync(manifest) && fs.existsSync(report)) {
      return `${o.what}: cdk synth failed (exit ${s.code}), most likely on validation findings; reviewing the assembly it wrote`;
    }
    throw new BeanstackError(`${o.what}: cdk synth failed (exit ${s.code})\n${tail(s.stderr + s.stdout)}`, {
      code: 'review/synth-failed',
      fix: 'run `npx cdk synth --no-lookups` in that tree to see the whole error; lookups need their values committed in cdk.context.json',
    });
  }
  return undefined;
}

interface BaseRefResult {
  /** The base's assembly; undefined when the base has no CDK app (everything is new). */
  readonly baseDir?: string;
  readonly headDir: string;
  readonly baseLabel: string;
  readonly headLabel: string;
  readonly warnings: string[];
  readonly cleanup: () => void;
}

/** Synthesizes REF in a temporary worktree and the working tree as head. */
export async function synthBaseRef(ctx: CliContext, ref: string, flags: Pick<DiffFlags, 'context' | 'build' | 'head' | 'keepWorktree'>): Promise<BaseRefResult> {
  const env: NodeJS.ProcessEnv = { ...ctx.env, CI: ctx.env.CI ?? 'true' };
  const progress = progressFor(ctx);
  const top = run('git', ['rev-parse', '--show-toplevel'], ctx.cwd, env);
  if (top.code !== 0) {
    throw new BeanstackError(`--base-ref needs a git repository, but ${ctx.cwd} is not in one`, { code: 'review/not-git', fix: 'run it inside the project repository, or pass --base DIR --head DIR' });
  }
  const root = top.stdout.trim();
  const sub = path.relative(root, ctx.cwd);
  const rev = run('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], ctx.cwd, env);
  if (rev.code !== 0) {
    throw new BeanstackError(`--base-ref ${ref}: no such commit in this repository`, {
      code: 'review/bad-ref',
      fix: `fetch it first (git fetch origin ${ref.replace(/^origin\//, '')}; in GitHub Actions use actions/checkout with fetch-depth: 0)`,
    });
  }
  const sha = rev.stdout.trim();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-diff-'));
  const worktree = path.join(tmp, 'base');
  const cleanup = (): void => {
    if (flags.keepWorktree) return;
    run('git', ['worktree', 'remove', '--force', worktree], root, env);
    fs.rmSync(tmp, { recursive: true, force: true });
    run('git', ['worktree', 'prune'], root, env);
  };
  try {
    const add = run('git', ['worktree', 'add', '--detach', '--quiet', worktree, sha], root, env);
    if (add.code !== 0) throw new BeanstackError(`git worktree add failed: ${tail(add.stderr)}`, { code: 'review/worktree', fix: 'check that git can write to the repository and the temporary directory' });
    const baseProject = path.join(worktree, sub);
    const warnings: string[] = [];
    const baseOut = path.join(tmp, 'base.out');
    const headOut = flags.head ? path.resolve(ctx.cwd, flags.head) : path.join(tmp, 'head.out');
    const common = { context: flags.context, build: flags.build, env, progress };
    // The PR that adds beanstack: the base has no CDK app yet, so everything is new.
    const baseHasApp = fs.existsSync(path.join(baseProject, 'cdk.json'));
    if (baseHasApp) {
      // Reuse the installed dependencies when the lockfile did not change.
      const lockHead = path.join(ctx.cwd, 'package-lock.json');
      const lockBase = path.join(baseProject, 'package-lock.json');
      const sameLock = fs.existsSync(lockHead) && fs.existsSync(lockBase) && fs.readFileSync(lockHead).equals(fs.readFileSync(lockBase));
      if (sameLock && fs.existsSync(path.join(ctx.cwd, 'node_modules'))) {
        fs.symlinkSync(path.join(ctx.cwd, 'node_modules'), path.join(baseProject, 'node_modules'), 'dir');
      } else {
        warnings.push('package-lock.json differs from the base commit: installing the base dependencies with npm ci (slower)');
        const ci = await progress.step(`base ${ref}: npm ci`, () => runAsync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ci', '--no-audit', '--no-fund'], baseProject, env));
        if (ci.code !== 0) throw new BeanstackError(`npm ci in the base worktree failed\n${tail(ci.stderr)}`, { code: 'review/npm-ci', fix: 'check that the base commit installs (npm ci) on its own' });
      }
    } else {
      warnings.push(`the base ${ref} has no cdk.json: reviewing everything as new`);
    }
    const [wb, wh] = await Promise.all([
      baseHasApp ? synthProject({ ...common, projectDir: baseProject, outDir: baseOut, what: `base ${ref}` }) : Promise.resolve(undefined),
      flags.head ? Promise.resolve(undefined) : synthProject({ ...common, projectDir: ctx.cwd, outDir: headOut, what: 'head (working tree)' }),
    ]);
    if (wb) warnings.push(wb);
    if (wh) warnings.push(wh);
    const headSha = run('git', ['rev-parse', '--short', 'HEAD'], ctx.cwd, env).stdout.trim();
    const dirty = run('git', ['status', '--porcelain', '--untracked-files=no'], ctx.cwd, env).stdout.trim().length > 0;
    return {
      ...(baseHasApp ? { baseDir: baseOut } : {}),
      headDir: headOut,
      baseLabel: `${ref} (${sha.slice(0, 7)})`,
      headLabel: flags.head ? flags.head : `${headSha}${dirty ? ' + uncommitted changes' : ''}`,
      warnings,
      cleanup,
    };
  } catch (e) {
    cleanup();
    throw e;
  }
}

/** `--live`: the deployed templates of the head's stacks, read through lib/aws, become the base (needs credentials). */
async function liveBase(ctx: CliContext, head: Assembly, region: string | undefined): Promise<Assembly> {
  const { readDeployedTemplates } = await import('../../lib/aws/templates');
  const { templatesAssembly } = await import('../../lib/review');
  const templates = await readDeployedTemplates(head.stacks, { region: region ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION });
  return templatesAssembly('deployed stacks', head.stacks.filter((s) => templates.has(s.id)).map((s) => ({
    id: s.id,
    displayName: s.displayName,
    ...(s.account ? { account: s.account } : {}),
    ...(s.region ? { region: s.region } : {}),
    template: templates.get(s.id)!,
  })));
}

async function action(ctx: CliContext, flags: DiffFlags): Promise<number> {
  const { loadAssembly, reviewAssemblies, renderJson, renderMarkdown, renderText, templatesAssembly, DEFAULT_MAX_CHARS } = await import('../../lib/review');
  const modes = [flags.base !== undefined, flags.baseRef !== undefined, flags.live === true].filter(Boolean).length;
  if (modes !== 1) {
    throw new BeanstackError(modes === 0 ? 'beanstack diff needs something to compare with' : '--base, --base-ref and --live are alternatives', {
      code: 'cli/diff-inputs',
      fix: 'pass one of --base DIR (with --head DIR), --base-ref origin/main (synthesizes both offline) or --live (compares with the deployed stacks)',
    });
  }
  const failOn = parseFailOn(flags.failOn);
  const maxChars = flags.maxChars === undefined ? DEFAULT_MAX_CHARS : Number(flags.maxChars);
  if (!Number.isInteger(maxChars) || maxChars < 2000) {
    throw new BeanstackError(`--max-chars ${flags.maxChars}: expected a whole number of at least 2000`, { code: 'cli/max-chars', fix: 'e.g. --max-chars 60000 (GitHub allows 65536)' });
  }

  let baseDir: string | undefined;
  let headDir: string;
  let baseLabel: string | undefined;
  let headLabel: string | undefined;
  const notes: string[] = [];
  let cleanup = (): void => undefined;
  if (flags.baseRef !== undefined) {
    const r = await synthBaseRef(ctx, flags.baseRef, flags);
    baseDir = r.baseDir;
    headDir = r.headDir;
    baseLabel = r.baseLabel;
    headLabel = r.headLabel;
    notes.push(...r.warnings);
    cleanup = r.cleanup;
  } else {
    headDir = path.resolve(ctx.cwd, flags.head ?? 'cdk.out');
    if (flags.live) {
      baseLabel = 'deployed stacks';
    } else {
      baseDir = path.resolve(ctx.cwd, flags.base!);
      baseLabel = path.relative(ctx.cwd, baseDir) || '.';
    }
    headLabel = headLabel ?? (path.relative(ctx.cwd, headDir) || '.');
  }
  try {
    for (const [flag, dir] of [['--base', baseDir], ['--head', headDir]] as const) {
      if (dir !== undefined && !fs.existsSync(dir)) {
        throw new BeanstackError(`${flag} ${path.relative(ctx.cwd, dir) || dir}: no such directory`, { code: 'cli/no-assembly', fix: 'synthesize it first: npx cdk synth -o <dir> (or use --base-ref)' });
      }
    }
    const head = loadAssembly(headDir, nodeAssemblyReader);
    // no base app (--base-ref of the commit before beanstack): an empty assembly without findings, in memory
    const base = flags.live ? await liveBase(ctx, head, flags.region)
      : baseDir === undefined ? templatesAssembly(baseLabel ?? 'base', [], { findings: [] })
        : loadAssembly(baseDir, nodeAssemblyReader);
    const { result, warnings } = reviewAssemblies({ base, head, reader: nodeAssemblyReader, ...(baseLabel ? { baseLabel } : {}), ...(headLabel ? { headLabel } : {}) });
    const text = flags.format === 'json' ? renderJson(result) : flags.format === 'text' ? renderText(result) : renderMarkdown(result, { maxChars });
    for (const n of notes) ctx.stderr(`note: ${n}\n`);
    ctx.stderr(warningLines(warnings, ctx.cwd, { withCode: true }));
    if (flags.output) {
      writeAtomic(path.resolve(ctx.cwd, flags.output), text);
      ctx.stderr(`${result.summary}\nwrote ${flags.output}\n`);
    } else {
      ctx.stdout(text);
    }
    if (failOn.some((c) => result.classes.includes(c))) {
      ctx.stderr(`failing: the change has ${failOn.filter((c) => result.classes.includes(c)).join(', ')} (--fail-on ${flags.failOn})\n`);
      return ExitCode.DANGER;
    }
    if (flags.exitCode && result.hasChanges) return ExitCode.CHANGED;
    return ExitCode.OK;
  } finally {
    cleanup();
  }
}

export const registerDiff: RegisterCommand = (program, ctx, wrap) => {
  program
    .command('diff')
    .description('review what a change does to the infrastructure (data loss, security, containers, cost), offline')
    .option('--base <dir>', 'cloud assembly of the base (cdk synth -o <dir>)')
    .option('--head <dir>', 'cloud assembly of the head (default: cdk.out; with --base-ref: synthesize the working tree)')
    .option('--base-ref <ref>', 'synthesize this commit in a temporary git worktree as the base (e.g. origin/main)')
    .option('--live', 'compare with the deployed stacks (needs AWS credentials)')
    .addOption(new Option('--format <format>', 'output format').choices(['markdown', 'json', 'text']).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--exit-code', 'exit 1 when there are changes (like git diff --exit-code)')
    .option('--fail-on <classes>', `exit 4 when one of these classes is present: ${FAIL_ON_VALUES.join(', ')} (comma-separated)`)
    .option('--max-chars <n>', 'markdown size limit; details are truncated, never the summary', String(60000))
    .option('-c, --context <key=value>', 'CDK context for the synths of --base-ref (repeatable)', collect, [])
    .option('--no-build', 'with --base-ref: do not run npm run build before synth')
    .option('--keep-worktree', 'with --base-ref: keep the temporary worktree and assemblies (debugging)')
    .option('--region <region>', 'with --live: region of stacks that have none')
    .action(wrap((flags: DiffFlags) => action(ctx, flags)));
};
