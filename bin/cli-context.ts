/**
 * What a command needs from the outside world. `bin/cli.ts` builds the real one from the process;
 * tests build one with captured output.
 */
export interface CliContext {
  /** Absolute working directory. */
  readonly cwd: string;
  /** The process environment (commands pass it down; `lib/` never reads `process.env`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress output, colours). */
  readonly isTty: boolean;
  /**
   * Reads all of stdin (`beanstack secrets set`), and whether stdin is a terminal.
   *
   * @default - no stdin: commands that need it say so
   */
  readonly readStdin?: () => Promise<{ readonly data: Buffer; readonly isTty: boolean }>;
}

/** Documented exit codes of every command. */
export const ExitCode = {
  OK: 0,
  /** `--check` found stale output; `diff --exit-code` found changes; preflight found a failure. */
  CHANGED: 1,
  /** Bad input or flags: the message says what and how to fix it. */
  USER_ERROR: 2,
  /** A bug in beanstack: the stack trace is printed. */
  INTERNAL_ERROR: 3,
  /** `diff --fail-on` matched a danger class. */
  DANGER: 4,
} as const;

/**
 * The action of a command resolves to its exit code; user errors are thrown as `BeanstackError` and
 * mapped to exit 2 by the shell.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandAction = (...args: any[]) => Promise<number>;

/**
 * The progress reporter of a command (lib/io/progress.js): a spinner when stderr is a terminal and
 * the run is not in CI, plain lines otherwise.
 */
export function progressFor(ctx: Pick<CliContext, 'stderr' | 'isTty' | 'env'>): import('../lib/io/progress').Progress {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createProgress } = require('../lib/io/progress') as typeof import('../lib/io/progress');
  return createProgress({ write: ctx.stderr, tty: ctx.isTty && !ctx.env.CI });
}
