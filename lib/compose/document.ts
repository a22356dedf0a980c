/**
 * The first half of the loader: compose files on disk (through the injected reader) → one merged,
 * interpolated, schema-validated plain document with source positions.
 *
 * Order, as in Docker Compose v2, for each file given (`-f`, or the default names):
 *   parse YAML (anchors, `<<`, `!reset` / `!override`) → interpolate (per file, before merging) →
 *   validate against the schema → resolve relative paths → load its `include`s → apply `extends`
 *   → merge into the files before it (13-merge.md) → keep one entry per unique key.
 * Then: `build` without `context` gets the project directory, and the merged document is
 * validated once more.
 *
 * Variables: the process environment wins over the `--env-file` files, which replace the project's
 * `.env`. `COMPOSE_PROJECT_NAME` is available to interpolation (from `--project-name`, the
 * environment, the top-level `name`, or the project directory's name). With `interpolate: false`
 * values are kept exactly as written (`$$` stays `$$`) and no attribute is cast.
 *
 * Every user error is a `ComposeError` with a code, the file position and a fix.
 */
import * as path from 'path';
import { ComposeError, Diagnostic, SourceLocation, StageResult, isUserError, locatedAt, withWarnings } from '../errors';
import { ReadBoundary, projectBoundary } from './boundary';
import type { FileReader, LoadOptions } from './model';
import { parseDotEnv } from './dotenv';
import { ExtendsResolver } from './extends';
import { applyInclude } from './include';
import { InterpolationFailure, interpolateNode, substitute } from './interpolate';
import { enforceUnicity, mergeDocuments } from './merge';
import { MapNode, collectLocations, getEntry, mapNode, setEntry, stringValue, toPlain } from './node';
import { defaultBuildContexts, resolveFilePaths } from './paths';
import { schemaError, schemaProblems, validateDocument } from './schema';
import type { LoaderHost, Scope } from './scope';
import { ParsedYamlFile, parseYamlFile } from './yaml';

export interface MergedDocument {
  /**
   * Plain JS data: every file interpolated (unless interpolate=false), schema-validated per file,
   * `include`d files and `extends` resolved, files merged in order per 13-merge.md, `!reset` /
   * `!override` applied, YAML anchors/aliases/merge keys (`<<`) resolved, `x-` extension fields
   * kept (top level and in services). Relative paths already absolute (see paths.ts). `include`,
   * `extends` and the obsolete `version` removed. Profiles NOT yet applied.
   */
  readonly data: Record<string, unknown>;
  /**
   * JSON pointer into `data` (`/services/web/ports/0`) → position of that value in its source file,
   * for every mapping, sequence and scalar, from the file that supplied the final value.
   */
  readonly locations: Readonly<Record<string, SourceLocation>>;
  /** JSON pointer of a mapping entry → position of its key (for messages about a key). */
  readonly keyLocations: Readonly<Record<string, SourceLocation>>;
  /**
   * JSON pointer → the text as written, for the scalars a stage replaced (interpolation, relative
   * paths made absolute), so messages can quote what the user wrote.
   */
  readonly writtenValues: Readonly<Record<string, string>>;
  /** The home directory `~` expanded to, if any. */
  readonly homeDirectory?: string;
  /** Absolute project directory. */
  readonly projectDirectory: string;
  /** Absolute compose files, as given (`-f` order), or the default files found. */
  readonly composeFiles: readonly string[];
  /** The interpolation environment actually used: process environment over the env files (plus `COMPOSE_PROJECT_NAME`). */
  readonly environment: Readonly<Record<string, string>>;
  /** Profiles from options.profiles, else `COMPOSE_PROFILES` (comma-separated) of `environment`. */
  readonly activeProfiles: readonly string[];
  /** Top-level `name` after interpolation and merge, if any. */
  readonly name?: string;
}

/** Compose's default file names, in the order Docker Compose v2 looks for them. */
export const DEFAULT_COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'] as const;
/** The override files Docker Compose v2 adds to a default file found in the same directory. */
export const DEFAULT_OVERRIDE_FILES = [
  'compose.override.yaml',
  'compose.override.yml',
  'docker-compose.override.yaml',
  'docker-compose.override.yml',
] as const;

/** Loads, interpolates, validates and merges the compose files of `options`. */
export function loadMergedDocument(options: LoadOptions): StageResult<MergedDocument> {
  const loader = new Loader(options);
  try {
    return loader.load();
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw withWarnings(
        new ComposeError('the compose files are too deeply nested to load', {
          code: 'compose/too-complex',
          fix: 'flatten deeply nested values and long chains of `extends` or `include`',
        }),
        loader.warnings,
      );
    }
    // the warnings found before the error often explain it (an unset variable, an obsolete `version`)
    throw withWarnings(e, loader.warnings);
  }
}

/** Lowercase letters, digits, `_` and `-`, not starting with `_` or `-` (Compose's project-name rule). */
export function normalizeProjectName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
}

class Loader implements LoaderHost {
  readonly warnings: Diagnostic[] = [];
  private readonly warned = new Set<string>();
  private readonly parsed = new Map<string, ParsedYamlFile>();
  /** The text of each file read (undefined: there is none): a file is read once per load, however often it is looked at. */
  private readonly texts = new Map<string, string | undefined>();
  private readonly loadedFiles = new Map<string, readonly MapNode[]>();
  private readonly scopes = new Map<string, Scope>();
  private readonly versionWarned = new Set<string>();
  private readonly extendsResolver = new ExtendsResolver(this);
  private readonly reader: FileReader;
  private readonly workingDirectory: string;
  private readonly homeDirectory?: string;
  private readonly interpolate: boolean;
  private nextScopeId = 1;
  /** What may be read once the project directory is known (see boundary.ts). */
  private boundary?: ReadBoundary;

  constructor(private readonly options: LoadOptions) {
    this.reader = options.reader;
    this.workingDirectory = path.resolve(options.workingDirectory);
    this.homeDirectory = options.homeDirectory ?? options.environment.HOME;
    this.interpolate = options.interpolate ?? true;
  }

  load(): StageResult<MergedDocument> {
    const processEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.options.environment)) if (v !== undefined) processEnv[k] = v;

    const composeFiles = this.composeFiles(processEnv);
    const projectDirectory = this.options.projectDirectory
      ? path.resolve(this.workingDirectory, this.options.projectDirectory)
      : path.dirname(composeFiles[0]);

    const explicitEnvFiles = this.options.envFiles !== undefined;
    const envFiles = explicitEnvFiles
      ? this.options.envFiles!.map((f) => path.resolve(this.workingDirectory, f))
      : [path.join(projectDirectory, '.env')];
    this.boundary = projectBoundary(this.options, projectDirectory, composeFiles);
    const dotenv = this.readEnvFiles(envFiles, (n) => processEnv[n], explicitEnvFiles);
    const environment: Record<string, string> = { ...dotenv, ...processEnv };
    if (this.options.projectName !== undefined && this.options.projectName !== '') {
      environment.COMPOSE_PROJECT_NAME = this.options.projectName;
    } else if (environment.COMPOSE_PROJECT_NAME === undefined) {
      environment.COMPOSE_PROJECT_NAME = this.projectNameFromFiles(composeFiles, environment) ?? normalizeProjectName(path.basename(projectDirectory));
    }

    const envHint = envFiles.filter((f) => this.readText(f) !== undefined).join(', ') || path.join(projectDirectory, '.env');
    const root = this.newScope(projectDirectory, environment, envHint, []);
    let merged = this.loadProject(composeFiles, root);
    merged = defaultBuildContexts(merged, projectDirectory);

    const data = toPlain(merged) as Record<string, unknown>;
    const locations: Record<string, SourceLocation> = {};
    const keyLocations: Record<string, SourceLocation> = {};
    const writtenValues: Record<string, string> = {};
    collectLocations(merged, '', locations, keyLocations, writtenValues);
    const problems = schemaProblems(data, () => ({ locations, keyLocations }));
    if (problems.length > 0) throw schemaError(problems, `the merge of ${composeFiles.join(', ')}`);

    const activeProfiles =
      this.options.profiles !== undefined
        ? [...this.options.profiles]
        : (environment.COMPOSE_PROFILES ?? '')
            .split(',')
            .map((p) => p.trim())
            .filter((p) => p !== '');
    const name = typeof data.name === 'string' ? data.name : undefined;
    return {
      result: {
        data,
        locations,
        keyLocations,
        writtenValues,
        ...(this.homeDirectory !== undefined ? { homeDirectory: this.homeDirectory } : {}),
        projectDirectory,
        composeFiles,
        environment,
        activeProfiles,
        ...(name !== undefined ? { name } : {}),
      },
      warnings: this.warnings,
    };
  }

  /** `-f` files, else `COMPOSE_FILE`, else the default names in the working directory or a parent. */
  private composeFiles(processEnv: Readonly<Record<string, string>>): string[] {
    let given = [...this.options.files];
    if (given.length === 0) {
      // like Docker Compose v2, COMPOSE_FILE may also come from the env files of the working directory
      let env: Readonly<Record<string, string>> = processEnv;
      let fromDotEnv: ReadBoundary | undefined;
      if (!env.COMPOSE_FILE) {
        const explicit = this.options.envFiles !== undefined;
        const envFiles = explicit
          ? this.options.envFiles!.map((f) => path.resolve(this.workingDirectory, f))
          : [path.join(this.workingDirectory, '.env')];
        // the working directory's .env is the repository's: it may name files only inside that directory
        this.boundary = new ReadBoundary(this.reader, this.workingDirectory, explicit ? envFiles : [], this.options.allowRead?.map((p) => path.resolve(this.workingDirectory, p)));
        env = { ...this.readEnvFiles(envFiles, (n) => processEnv[n], false), ...processEnv };
        if (env.COMPOSE_FILE) fromDotEnv = this.boundary;
        this.boundary = undefined;
      }
      if (env.COMPOSE_FILE) given = env.COMPOSE_FILE.split(env.COMPOSE_PATH_SEPARATOR || ':').filter((f) => f !== '');
      for (const f of fromDotEnv ? given : []) fromDotEnv!.check(path.resolve(this.workingDirectory, f), 'COMPOSE_FILE (from the .env file)');
    }
    if (given.length > 0) {
      return given.map((f) => {
        if (f === '-') {
          throw new ComposeError('reading a compose file from standard input (`-f -`) is not supported', {
            code: 'compose/stdin-not-supported',
            fix: 'write the compose file to disk and pass its path with -f',
          });
        }
        const file = path.resolve(this.workingDirectory, f);
        if (this.safeRead(file) === undefined && this.reader.isDirectory?.(file)) {
          throw new ComposeError(`${file} is a directory, not a compose file`, {
            code: 'compose/file-not-found',
            fix: `pass the compose file inside it, e.g. -f ${path.join(f, DEFAULT_COMPOSE_FILES[0])}`,
          });
        }
        if (this.safeRead(file) === undefined) {
          throw new ComposeError(`compose file ${file} not found`, {
            code: 'compose/file-not-found',
            fix: `check the path given with -f${path.isAbsolute(f) ? '' : ` (relative paths are resolved against ${this.workingDirectory})`}`,
          });
        }
        return file;
      });
    }
    for (let dir = this.workingDirectory; ; dir = path.dirname(dir)) {
      const found = DEFAULT_COMPOSE_FILES.map((n) => path.join(dir, n)).filter((f) => this.safeRead(f) !== undefined);
      if (found.length > 0) {
        if (found.length > 1) {
          this.warnings.push({
            code: 'compose/multiple-default-files',
            message: `found several compose files in ${dir} (${found.map((f) => path.basename(f)).join(', ')}); using ${path.basename(found[0])}`,
          });
        }
        const overrides = DEFAULT_OVERRIDE_FILES.map((n) => path.join(dir, n)).filter((f) => this.safeRead(f) !== undefined);
        if (overrides.length > 1) {
          this.warnings.push({
            code: 'compose/multiple-default-files',
            message: `found several override files in ${dir} (${overrides.map((f) => path.basename(f)).join(', ')}); using ${path.basename(overrides[0])}`,
          });
        }
        return overrides.length > 0 ? [found[0], overrides[0]] : [found[0]];
      }
      if (path.dirname(dir) === dir) break;
    }
    throw new ComposeError(`no compose file found in ${this.workingDirectory} or any parent directory`, {
      code: 'compose/file-not-found',
      fix: `create ${DEFAULT_COMPOSE_FILES[0]} (Compose also accepts ${DEFAULT_COMPOSE_FILES.slice(1).join(', ')}) or pass the file with -f`,
    });
  }

  /** The top-level `name` of the files (the last one set), interpolated, normalized. */
  private projectNameFromFiles(files: readonly string[], environment: Readonly<Record<string, string>>): string | undefined {
    let name: string | undefined;
    for (const file of files) {
      for (const doc of this.parse(file).documents) {
        const raw = stringValue(getEntry(doc, 'name'));
        if (raw === undefined || raw === '') continue;
        let value = raw;
        if (this.interpolate) {
          try {
            value = substitute(raw, (n) => environment[n]).value;
          } catch (e) {
            if (!(e instanceof InterpolationFailure)) throw e;
            continue; // reported when the file itself is interpolated
          }
        }
        const normalized = normalizeProjectName(value);
        if (normalized !== '') name = normalized;
      }
    }
    return name;
  }

  private newScope(baseDir: string, environment: Readonly<Record<string, string>>, envHint: string, includeChain: readonly string[]): Scope {
    return {
      id: this.nextScopeId++,
      baseDir,
      environment,
      lookup: (n) => (Object.prototype.hasOwnProperty.call(environment, n) ? environment[n] : undefined),
      envHint,
      includeChain,
    };
  }

  warn(warning: Diagnostic): void {
    this.warnings.push(warning);
  }

  withBaseDir(scope: Scope, baseDir: string): Scope {
    if (scope.baseDir === baseDir) return scope;
    const key = `${scope.id}\0${baseDir}`;
    let derived = this.scopes.get(key);
    if (!derived) {
      derived = { ...scope, id: this.nextScopeId++, baseDir };
      this.scopes.set(key, derived);
    }
    return derived;
  }

  includedScope(parent: Scope, baseDir: string, envFiles: readonly string[], explicitEnvFiles: boolean, includingFile: string, from: SourceLocation): Scope {
    const dotenv = this.readEnvFiles(envFiles, (n) => parent.environment[n], explicitEnvFiles, from);
    const environment = { ...dotenv, ...parent.environment };
    const existing = envFiles.filter((f) => this.safeRead(f) !== undefined);
    const hint = existing.length > 0 ? `${existing.join(', ')} or ${parent.envHint}` : parent.envHint;
    return this.newScope(baseDir, environment, hint, [...parent.includeChain, includingFile]);
  }

  loadFileDocuments(file: string, scope: Scope, from?: SourceLocation): readonly MapNode[] {
    const key = `${file}\0${scope.id}`;
    const cached = this.loadedFiles.get(key);
    if (cached) return cached;
    const docs = this.parse(file, from).documents.map((raw) => {
      let doc = raw as MapNode;
      const version = doc.entries.get('version');
      if (version) {
        if (!this.versionWarned.has(file)) {
          this.versionWarned.add(file);
          this.warnings.push({
            code: 'compose/obsolete-version',
            message: `the top-level \`version\` is obsolete and ignored; remove it (${file})`,
            path: 'version',
            location: version.keyLoc,
          });
        }
        doc = setEntry(doc, 'version', undefined);
      }
      if (this.interpolate) {
        doc = interpolateNode(doc, [], { lookup: scope.lookup, warnings: this.warnings, warned: this.warned, sourceHint: scope.envHint }) as MapNode;
      }
      // Compose validates after removing duplicate entries of the unique sequences (ports, volumes, …)
      validateDocument(enforceUnicity(doc, []), file);
      return resolveFilePaths(doc, { baseDir: scope.baseDir, homeDirectory: this.homeDirectory });
    });
    this.loadedFiles.set(key, docs);
    return docs;
  }

  loadProject(files: readonly string[], scope: Scope, from?: SourceLocation): MapNode {
    let merged: MapNode | undefined;
    for (const file of files) {
      for (const loaded of this.loadFileDocuments(file, scope, from)) {
        let doc = applyInclude(loaded, file, scope, this, this.homeDirectory);
        doc = this.extendsResolver.resolveDocument(doc, file, scope);
        merged = mergeDocuments(merged, doc);
      }
    }
    return merged ?? mapNode(new Map(), { file: files[0], line: 1, column: 1 });
  }

  private parse(file: string, from?: SourceLocation): ParsedYamlFile {
    let parsed = this.parsed.get(file);
    if (!parsed) {
      this.boundary?.check(file, 'compose file', from);
      const text = this.safeRead(file, from);
      if (text === undefined) {
        throw new ComposeError(`compose file ${file} not found`, {
          code: 'compose/file-not-found',
          location: from,
          fix: 'check the path; relative paths are resolved against the directory of the file that names them',
        });
      }
      parsed = parseYamlFile(text, file);
      this.warnings.push(...parsed.warnings);
      this.parsed.set(file, parsed);
    }
    return parsed;
  }

  /** Reads env files in order into one map (later files win); a missing explicit file is an error. */
  private readEnvFiles(
    files: readonly string[],
    lookup: (name: string) => string | undefined,
    required: boolean,
    from?: SourceLocation,
  ): Record<string, string> {
    const values: Record<string, string> = {};
    for (const file of files) {
      // an optional env file (the .env of an included project) outside the boundary is not read
      if (!required && this.boundary && !this.boundary.writtenInside(file)) continue;
      this.boundary?.check(file, 'env file', from);
      const text = this.safeRead(file, from);
      if (text === undefined) {
        if (!required) continue;
        throw new ComposeError(`env file ${file} not found`, {
          code: 'compose/env-file-not-found',
          location: from,
          fix: 'check the path of the env file, or remove it from the command line / `env_file`',
        });
      }
      for (const entry of parseDotEnv(text, file, { lookup: (n) => lookup(n) ?? values[n] })) values[entry.name] = entry.value;
    }
    return values;
  }

  /** The reader's text of a file, read once per load. */
  private readText(file: string): string | undefined {
    if (this.texts.has(file)) return this.texts.get(file);
    const text = this.reader.readFile(file);
    this.texts.set(file, text);
    return text;
  }

  /** The reader's text of a file; a reader failure becomes a `ComposeError`, located where the file is named. */
  private safeRead(file: string, from?: SourceLocation): string | undefined {
    try {
      return this.readText(file);
    } catch (e) {
      if (isUserError(e)) throw from && !e.location ? locatedAt(e, from) : e;
      throw new ComposeError(`cannot read ${file}: ${(e as Error).message}`, {
        code: 'compose/file-unreadable',
        fix: 'check the file permissions',
      });
    }
  }
}
