/**
 * What the loading stages share: the scope a file is loaded in (its variables and the directory its
 * relative paths are resolved against) and the loader functions `extends` and `include` call back.
 */
import type { Diagnostic, SourceLocation } from '../errors';
import type { Lookup } from './interpolate';
import type { MapNode } from './node';

/** A project being loaded: the top-level project, or one pulled in by `include`. */
export interface Scope {
  /** Identifies the scope in caches. */
  readonly id: number;
  /** Absolute directory relative paths are resolved against. */
  readonly baseDir: string;
  /** The interpolation variables. */
  readonly lookup: Lookup;
  /** The variables as a map (handed down to included projects). */
  readonly environment: Readonly<Record<string, string>>;
  /** Where variables can be set, for messages, e.g. `/app/.env`. */
  readonly envHint: string;
  /** Files whose `include` is being loaded, outermost first (to detect cycles). */
  readonly includeChain: readonly string[];
}

/** The loader functions the `extends` and `include` stages use. */
export interface LoaderHost {
  /**
   * The documents of a file: parsed, interpolated with the scope's variables, validated against
   * the schema and with paths resolved against the scope's base directory. `from` is where the file
   * was referenced (for a missing file).
   */
  loadFileDocuments(file: string, scope: Scope, from?: SourceLocation): readonly MapNode[];
  /** Loads files as one project in `scope` (each file's `include` and `extends` applied, then merged). */
  loadProject(files: readonly string[], scope: Scope, from?: SourceLocation): MapNode;
  /** The same variables with another base directory. */
  withBaseDir(scope: Scope, baseDir: string): Scope;
  /** Reports a warning of the load. */
  warn(warning: Diagnostic): void;
  /** A new scope for an included project. */
  includedScope(parent: Scope, baseDir: string, envFiles: readonly string[], explicitEnvFiles: boolean, includingFile: string, from: SourceLocation): Scope;
}
