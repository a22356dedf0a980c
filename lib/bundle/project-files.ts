/**
 * The project's files as the planner may look at them: Dockerfiles, config files it ships or an image
 * bakes in, schema init scripts. Everything goes through the injected `FileReader` (the planner stays
 * pure), only below the project directory, with limits on how much is read, and a missing or
 * unreadable file is simply not there (the build or the bundle writer reports it where it matters).
 */
import * as path from 'path';
import type { FileReader } from '../compose/model';
import { isInside } from './plan/dev-only';

/** Largest file the planner reads (config files and Dockerfiles are small). */
export const MAX_SCANNED_FILE_BYTES = 256 * 1024;
/** Most files listed below one directory. */
const MAX_LISTED_FILES = 200;
/** Deepest directory level listed. */
const MAX_LIST_DEPTH = 4;
/** Directories never listed (dependencies, VCS data, build output). */
const SKIPPED_DIRECTORIES = new Set(['.git', '.hg', '.svn', 'node_modules', 'vendor', '.venv', 'venv', '__pycache__', 'dist', 'build', 'target', '.next', '.cache']);

export class ProjectFiles {
  private readonly cache = new Map<string, string | undefined>();

  constructor(private readonly reader: FileReader | undefined, readonly projectDirectory: string) {}

  /** Whether files can be read at all (no reader: a pure in-memory conversion). */
  get available(): boolean {
    return this.reader !== undefined;
  }

  /** Text of a file of the project, or undefined (missing, outside the project, too large, unreadable). */
  read(file: string): string | undefined {
    if (!this.reader || !isInside(file, this.projectDirectory)) return undefined;
    if (this.cache.has(file)) return this.cache.get(file);
    let text: string | undefined;
    try {
      text = this.reader.readFile(file);
    } catch {
      text = undefined;
    }
    if (text !== undefined && text.length > MAX_SCANNED_FILE_BYTES) text = undefined;
    this.cache.set(file, text);
    return text;
  }

  /** Whether something exists at a path of the project (undefined: cannot tell without a reader). */
  exists(file: string): boolean | undefined {
    if (!this.reader?.exists) return undefined;
    try {
      return this.reader.exists(file);
    } catch {
      return undefined;
    }
  }

  isDirectory(file: string): boolean {
    if (!this.reader?.isDirectory || !isInside(file, this.projectDirectory)) return false;
    try {
      return this.reader.isDirectory(file);
    } catch {
      return false;
    }
  }

  /** Entry names of a directory of the project, sorted, or undefined. */
  list(dir: string): readonly string[] | undefined {
    if (!this.reader?.listDirectory || !isInside(dir, this.projectDirectory)) return undefined;
    try {
      return this.reader.listDirectory(dir);
    } catch {
      return undefined;
    }
  }

  /**
   * Files below `dir` (or `dir` itself when it is a file) whose base name `keep` accepts, as absolute
   * paths in sorted order, within the listing limits.
   */
  files(dir: string, keep: (name: string) => boolean): string[] {
    const out: string[] = [];
    const walk = (d: string, depth: number) => {
      const entries = this.list(d);
      if (!entries) return;
      for (const e of entries) {
        if (out.length >= MAX_LISTED_FILES) return;
        const p = path.posix.join(d, e);
        if (this.isDirectory(p)) {
          if (depth < MAX_LIST_DEPTH && !SKIPPED_DIRECTORIES.has(e)) walk(p, depth + 1);
        } else if (keep(e)) {
          out.push(p);
        }
      }
    };
    if (this.isDirectory(dir)) walk(dir, 0);
    else if (keep(path.posix.basename(dir)) && this.read(dir) !== undefined) out.push(dir);
    return out;
  }
}
