import { ComposeError, isUserError } from '../../../lib/errors';
import { loadMergedDocument, MergedDocument } from '../../../lib/compose/document';
import type { FileReader, LoadOptions } from '../../../lib/compose/model';
import type { Diagnostic, StageResult } from '../../../lib/errors';

/** An in-memory file tree: absolute path → text; directories are implied by the paths. */
export function memoryReader(files: Record<string, string>): FileReader & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    readFile(p: string) {
      reads.push(p);
      return Object.prototype.hasOwnProperty.call(files, p) ? files[p] : undefined;
    },
    isDirectory(p: string) {
      const prefix = p.endsWith('/') ? p : p + '/';
      return Object.keys(files).some((f) => f.startsWith(prefix));
    },
  };
}

/** Loads with defaults: working directory /app, empty environment, HOME=/home/dev. */
export function load(
  files: Record<string, string>,
  options: Partial<Omit<LoadOptions, 'reader'>> = {},
): StageResult<MergedDocument> {
  return loadMergedDocument({
    files: options.files ?? [],
    workingDirectory: options.workingDirectory ?? '/app',
    environment: options.environment ?? {},
    reader: memoryReader(files),
    ...options,
  } as LoadOptions);
}

/** The data of a load. */
export function data(files: Record<string, string>, options: Partial<Omit<LoadOptions, 'reader'>> = {}): Record<string, unknown> {
  return load(files, options).result.data;
}

/** The ComposeError a function throws (fails the test when it throws nothing or something else). */
export function composeError(fn: () => unknown): ComposeError {
  try {
    fn();
  } catch (e) {
    if (isUserError(e) && e instanceof ComposeError) return e;
    throw e;
  }
  throw new Error('expected a ComposeError, nothing was thrown');
}

export function codes(warnings: readonly Diagnostic[]): string[] {
  return warnings.map((w) => w.code);
}
