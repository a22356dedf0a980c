#!/usr/bin/env -S node --
/**
 * The `beanstack` command line (the `--` in the first line stops Node 20 from reading our own
 * `--env-file` flag as its own). A thin shell: each command lives in `bin/commands/<name>.ts`, which
 * parses its flags, calls the pure stages in `lib/`, and does the I/O. Command modules must not load
 * aws-cdk-lib or the AWS SDK at import time (only inside their action), so `config` and `dockerrun`
 * start close to bare node.
 *
 * What runs as `beanstack` is not this file's plain compile: `npm run build` bundles it, with the
 * `config` and `dockerrun` commands and everything they load, into dist/bin/cli.bundle.js, and
 * dist/bin/cli.js is the launcher (bin/launcher.js) that runs the bundle with a V8 code cache
 * (scripts/build.js, docs/compose-loader.md "Start-up").
 */
import { writeSync } from 'fs';
import { Command, CommanderError } from 'commander';
import { CliContext, ExitCode } from './cli-context';
import { commandsFor } from './commands';
import { packageVersion } from './package-info';
import { failure } from './shared/failure';

/** Commands that call AWS through the SDK (and `diff --live`). */
const AWS_COMMANDS: readonly string[] = ['deploy', 'doctor', 'history', 'preflight', 'rollback', 'secrets'];

/** The Node major the AWS SDK for JavaScript v3 announces as its minimum (its NodeVersionSupportWarning). */
const SDK_NODE_MAJOR = 22;

function nodeMajor(version: string): number {
  return Number(/^v?(\d+)/.exec(version)?.[1] ?? 0);
}

export async function main(argv: readonly string[], ctx: CliContext): Promise<number> {
  const program = new Command('beanstack')
    .description('take a docker-compose.yml to production on AWS Elastic Beanstalk')
    .version(packageVersion(), '-V, --version', 'print the version of beanstack')
    .exitOverride()
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr })
    .showHelpAfterError('(run with --help for usage)');

  const command = argv.find((a) => !a.startsWith('-'));
  // on a terminal only: CI logs and scripts that read stderr get no extra line
  if (command !== undefined && (AWS_COMMANDS.includes(command) || (command === 'diff' && argv.includes('--live'))) && nodeMajor(process.version) < SDK_NODE_MAJOR && ctx.isTty) {
    ctx.stderr(`note: Node ${process.version}: AWS SDK for JavaScript releases after the first week of January 2027 need Node >= ${SDK_NODE_MAJOR}; beanstack runs on Node 20, 22 and 24 — move to 22 or 24\n`);
  }

  let exitCode: number = ExitCode.OK;
  for (const register of commandsFor(argv)) {
    register(program, ctx, (action) => async (...args) => {
      exitCode = await action(...args);
    });
  }

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit through here with code 0
      return e.exitCode === 0 ? ExitCode.OK : ExitCode.USER_ERROR;
    }
    const { code, text } = failure(e, ctx.cwd);
    ctx.stderr(text);
    return code;
  }
}

/** Writes all of `text` to `fd` synchronously, waiting while a non-blocking pipe is full. */
function writeAll(fd: number, text: string): void {
  if (text === '') return;
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

/** Runs the CLI on this process's arguments and sets its exit code. */
export function run(): void {
  // The AWS SDK's documented switch for its 6-line NodeVersionSupportWarning, printed on every SDK
  // load in every child process (the aws-cdk CLI included): main() prints one line instead, on a
  // terminal, for the commands that call AWS. Other process warnings are left alone. A value the
  // user set wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Output goes straight to the file descriptors: creating process.stdout / process.stderr loads
  // Node's stream machinery, which costs a `config` run about a third of bare node's start-up
  // (bench/startup.js). Whether stderr is a terminal is asked only when a command wants to know.
  const ctx: CliContext = {
    cwd: process.cwd(),
    env: process.env,
    stdout: (t) => writeAll(1, t),
    stderr: (t) => writeAll(2, t),
    get isTty() {
      return Boolean(process.stderr.isTTY);
    },
    readStdin: async () => {
      if (process.stdin.isTTY) return { data: Buffer.alloc(0), isTty: true };
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
      return { data: Buffer.concat(chunks), isTty: false };
    },
  };
  main(process.argv.slice(2), ctx).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`internal error: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = ExitCode.INTERNAL_ERROR;
    },
  );
}

if (require.main === module) run();
