/**
 * Shared helpers of the converter's fixture and corpus tests: a file reader on the real disk, project
 * loading with a fixed environment, and stable text forms of warnings and descriptions.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadProject } from '../../../lib/compose';
import type { ComposeProject, FileReader } from '../../../lib/compose/model';
import type { BundleDescription } from '../../../lib/bundle';
import type { Diagnostic } from '../../../lib/errors';

export const diskReader: FileReader = {
  readFile(p: string): string | undefined {
    try {
      return fs.readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  },
  isDirectory(p: string): boolean {
    try {
      return fs.statSync(p).isDirectory();
    } catch {
      return false;
    }
  },
  exists(p: string): boolean {
    return fs.existsSync(p);
  },
  listDirectory(p: string): readonly string[] | undefined {
    try {
      return fs.readdirSync(p).sort();
    } catch {
      return undefined;
    }
  },
};

/** Loads compose files of a directory with an empty, fixed environment (deterministic). */
export function load(dir: string, files: readonly string[], environment: Record<string, string> = {}, profiles?: readonly string[]): ComposeProject {
  return loadProject({
    files: files.map((f) => path.join(dir, f)),
    workingDirectory: dir,
    environment,
    homeDirectory: '/home/user',
    ...(profiles ? { profiles } : {}),
    reader: diskReader,
  }).result;
}

/** `code<TAB>service<TAB>path` per warning, in order, one per line. */
export function warningLines(warnings: readonly Diagnostic[]): string {
  return warnings.map((w) => `${w.code}\t${w.service ?? '-'}\t${w.path ?? '-'}\n`).join('');
}

/** Everything of a description but the files, with absolute paths below `dir` made relative. */
export function summary(d: BundleDescription, dir: string): string {
  const { files, ...rest } = d;
  const text = JSON.stringify(
    { ...rest, files: files.map((f) => ('content' in f ? { path: f.path } : { path: f.path, sourcePath: f.sourcePath })) },
    null,
    2,
  );
  return `${text.split(JSON.stringify(dir).slice(1, -1)).join('<case>')}\n`;
}
