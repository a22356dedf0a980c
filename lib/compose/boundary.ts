/**
 * The read boundary of a compose project: the loader reads a file only when it lies inside the
 * project directory — after resolving symbolic links, when the reader can — or when the person running
 * beanstack named it (a compose file given with `-f`, an `--env-file`, a path given with
 * `--allow-read`). A repository is untrusted input: its `include`, `extends`, `env_file` and
 * `label_file` must not pull `/etc/shadow` or `~/.aws/credentials` into the model, and from there
 * into a bundle, an asset or an error message.
 */
import * as path from 'path';
import { ComposeError, SourceLocation } from '../errors';
import { isInside } from '../util/inside';
import type { FileReader, LoadOptions } from './model';


export class ReadBoundary {
  private readonly roots: readonly string[];
  private readonly realRoots: readonly string[];
  private readonly named: ReadonlySet<string>;
  private readonly realNamed: ReadonlySet<string>;

  /**
   * @param projectDirectory the absolute project directory
   * @param named absolute files the command line named (`-f`, `--env-file`)
   * @param allowed absolute files or directories the command line allowed (`--allow-read`)
   */
  constructor(private readonly reader: FileReader, readonly projectDirectory: string, named: readonly string[], allowed: readonly string[] = []) {
    this.roots = [projectDirectory, ...allowed].map((r) => path.resolve(r));
    this.realRoots = this.roots.map((r) => this.real(r) ?? r);
    this.named = new Set(named.map((f) => path.resolve(f)));
    this.realNamed = new Set([...this.named].map((f) => this.real(f) ?? f));
  }

  private real(p: string): string | undefined {
    try {
      return this.reader.realPath?.(p);
    } catch {
      return undefined;
    }
  }

  /**
   * Why `file` may not be read (a sentence naming where it leads), or `undefined` when it may. A file
   * that does not exist may be "read" (the caller reports it missing) when its path is inside.
   */
  refusal(file: string): string | undefined {
    const abs = path.resolve(file);
    if (this.named.has(abs)) return undefined;
    if (!this.roots.some((r) => isInside(abs, r))) {
      return `${abs} is outside the project directory ${this.projectDirectory}`;
    }
    const real = this.real(abs);
    if (real === undefined || this.realNamed.has(real) || this.realRoots.some((r) => isInside(real, r))) return undefined;
    return `${abs} leads through a symbolic link to ${real}, outside the project directory ${this.projectDirectory}`;
  }

  /** Whether the path as written (before links are resolved) is inside the boundary or named. */
  writtenInside(file: string): boolean {
    const abs = path.resolve(file);
    return this.named.has(abs) || this.roots.some((r) => isInside(abs, r));
  }

  /** Throws the located user error when `file` may not be read. */
  check(file: string, what: string, location?: SourceLocation): void {
    const why = this.refusal(file);
    if (why !== undefined) throw outsideProjectError(`${what}: ${why}`, file, location);
  }
}

/** The boundary of a loaded project: its directory, the command line's compose and env files, `allowRead`. */
export function projectBoundary(options: LoadOptions, projectDirectory: string, composeFiles: readonly string[]): ReadBoundary {
  const cwd = path.resolve(options.workingDirectory);
  return new ReadBoundary(options.reader, projectDirectory, [...composeFiles, ...(options.envFiles ?? []).map((f) => path.resolve(cwd, f))],
    (options.allowRead ?? []).map((p) => path.resolve(cwd, p)));
}

/** The user error for a read the boundary refuses. */
export function outsideProjectError(message: string, file: string, location?: SourceLocation): ComposeError {
  return new ComposeError(`${message}; beanstack reads no file outside the project that the command line does not name`, {
    code: 'compose/outside-project',
    ...(location ? { location } : {}),
    fix: `move the file into the project directory, or allow it explicitly with --allow-read ${path.resolve(file)}`,
  });
}
