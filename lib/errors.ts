/**
 * Errors and diagnostics shared by every stage.
 *
 * A user error (bad input, bad flags) is a `BeanstackError`: the CLI prints its message (and nothing
 * else) and exits 2. Anything else that is thrown is a bug: the CLI prints the stack and exits 3.
 * User errors are recognised by the `isUserError` flag, not `instanceof`, so errors that cross
 * module copies (jest, a second install) are still recognised.
 */
import { byString } from './util/order';

/** A position in a source file; `line` and `column` are 1-based. */
export interface SourceLocation {
  /** Absolute path of the file (the CLI shows it relative to the working directory). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** One problem inside a user error that reports several at once (e.g. every fatal key of a file). */
export interface ErrorDetail {
  readonly message: string;
  readonly location?: SourceLocation;
}

export interface BeanstackErrorOptions {
  /** Stable identifier tests and tools can match, e.g. `compose/yaml-syntax`. */
  readonly code: string;
  readonly location?: SourceLocation;
  /** How to fix it, one sentence. */
  readonly fix?: string;
  readonly details?: readonly ErrorDetail[];
}

export class BeanstackError extends Error {
  readonly isUserError = true;
  readonly code: string;
  readonly location?: SourceLocation;
  readonly fix?: string;
  readonly details: readonly ErrorDetail[];
  /**
   * Warnings the failing stage had gathered before the error (e.g. the unset variable that left a
   * port empty): the CLI prints them before the error. Attached with `withWarnings`.
   */
  warnings: readonly Diagnostic[] = [];

  constructor(message: string, options: BeanstackErrorOptions) {
    super(message);
    this.name = 'BeanstackError';
    this.code = options.code;
    this.location = options.location;
    this.fix = options.fix;
    this.details = options.details ?? [];
  }
}

/**
 * Adds the warnings gathered before `e` was thrown (in front of those it already carries, sorted,
 * each once) when `e` is a user error, and returns `e` for `throw withWarnings(e, warnings)`.
 */
export function withWarnings(e: unknown, warnings: readonly Diagnostic[]): unknown {
  if (isUserError(e) && warnings.length > 0) {
    const seen = new Set<string>();
    const all: Diagnostic[] = [];
    for (const w of [...warnings, ...e.warnings]) {
      const key = JSON.stringify([w.code, w.message, w.location]);
      if (!seen.has(key)) {
        seen.add(key);
        all.push(w);
      }
    }
    e.warnings = sortDiagnostics(all);
  }
  return e;
}

/** A compose file cannot be loaded: always names file, line and column when the input has them. */
export class ComposeError extends BeanstackError {
  constructor(message: string, options: BeanstackErrorOptions) {
    super(message, options);
    this.name = 'ComposeError';
  }
}

/** The compose model cannot be turned into an Elastic Beanstalk bundle. */
export class BundleError extends BeanstackError {
  constructor(message: string, options: BeanstackErrorOptions) {
    super(message, options);
    this.name = 'BundleError';
  }
}

/** A loader error without a position (a reader's), located where the file was named. */
export function locatedAt(e: BeanstackError, location: SourceLocation): ComposeError {
  const copy = new ComposeError(e.message, { code: e.code, location, ...(e.fix ? { fix: e.fix } : {}), details: e.details });
  copy.warnings = e.warnings;
  return copy;
}

export function isUserError(e: unknown): e is BeanstackError {
  return typeof e === 'object' && e !== null && (e as { isUserError?: unknown }).isUserError === true;
}

/** A recoverable problem, reported and carried on. */
export interface Diagnostic {
  /** Stable identifier, e.g. `interpolation/unset-variable`, `bundle/dev-bind-mount`. */
  readonly code: string;
  readonly message: string;
  /** The service it concerns, when it concerns one. */
  readonly service?: string;
  /** Human path into the compose model, e.g. `services.web.ports[0]`. */
  readonly path?: string;
  readonly location?: SourceLocation;
}

/** What every pure stage returns. */
export interface StageResult<T> {
  readonly result: T;
  readonly warnings: readonly Diagnostic[];
}

/** `file:line:column` with the file shown relative to `relativeTo` when it lies below it. */
export function formatLocation(location: SourceLocation, relativeTo?: string): string {
  let file = location.file;
  if (relativeTo && file.startsWith(relativeTo.endsWith('/') ? relativeTo : relativeTo + '/')) {
    file = file.slice(relativeTo.length + (relativeTo.endsWith('/') ? 0 : 1));
  }
  return `${file}:${location.line}:${location.column}`;
}

/** The full text of a user error: location, message, the details, and the fix. */
export function formatError(e: BeanstackError, relativeTo?: string): string {
  const lines: string[] = [];
  lines.push(e.location ? `${formatLocation(e.location, relativeTo)}: ${e.message}` : e.message);
  for (const d of e.details) {
    lines.push(`  - ${d.location ? `${formatLocation(d.location, relativeTo)}: ` : ''}${d.message}`);
  }
  if (e.fix) lines.push(`  fix: ${e.fix}`);
  return lines.join('\n');
}

/** One warning as the CLI prints it: `file:line:col: message` (file relative to `relativeTo` when below it). */
export function formatDiagnostic(d: Diagnostic, relativeTo?: string): string {
  return `${d.location ? `${formatLocation(d.location, relativeTo)}: ` : ''}${d.message}`;
}

/** Sorts diagnostics deterministically: by service, path, code, message. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => byString(a.service ?? '', b.service ?? '') || byString(a.path ?? '', b.path ?? '') || byString(a.code, b.code) || byString(a.message, b.message));
}

/** Control characters (C0, DEL, C1) and bidirectional overrides: what text from outside must not bring into a message or a report. */
export const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g;

/**
 * Text that came from outside (an API's message, a library's error about untrusted input) made safe
 * for one line of a message: unprintable runs become one space, at most `max` characters.
 */
export function printable(text: string, max = 200): string {
  const t = text.replace(UNPRINTABLE, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
