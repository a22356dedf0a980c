/**
 * The one map from a thrown error to the exit code and the text on stderr, for the CLI, the CDK app
 * (`beanstack app`, bin/app.ts) and the example (bin/example.ts):
 *
 * - a user error (`isUserError`: bad input, flags, props): exit 2, the warnings gathered before it
 *   (they often explain it), then `error: <file:line:col: message, details, fix>`;
 * - a synth that failed on validation findings (cdk-nag, aws-cdk-lib's template checks): exit 1;
 * - anything else is a bug: exit 3 with the stack.
 */
import { formatError, isUserError } from '../../lib/errors';
import { ExitCode } from '../cli-context';
import { warningLines } from './warnings';

/** Whether `app.synth()` failed because a validation plugin (cdk-nag, the template checks) reported errors. */
export function isValidationFailure(e: unknown): boolean {
  const msg = (e as Error)?.message ?? '';
  return /Validation failed|validation-report\.json/.test(msg);
}

/** The exit code and stderr text of a failure; paths in messages are shown relative to `cwd`. */
export function failure(e: unknown, cwd: string): { readonly code: number; readonly text: string } {
  if (isUserError(e)) {
    return { code: ExitCode.USER_ERROR, text: `${warningLines(e.warnings ?? [], cwd)}error: ${formatError(e, cwd)}\n` };
  }
  if (isValidationFailure(e)) return { code: ExitCode.CHANGED, text: `${(e as Error).message}\n` };
  return { code: ExitCode.INTERNAL_ERROR, text: `internal error (a bug in beanstack; please report it): ${(e as Error)?.stack ?? String(e)}\n` };
}
