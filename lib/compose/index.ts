/**
 * The Compose loader's public API.
 *
 * `loadProject` runs the whole pipeline: read and merge the files (`document.ts`: YAML with
 * positions, interpolation, `.env`, merge, `extends`, `include`, schema validation) → profiles →
 * normalization to the typed model → semantic checks. `renderConfig` prints the model like
 * `docker compose config`.
 *
 * Pure: files are read only through `options.reader`; nothing is printed; errors are thrown as
 * `ComposeError` with `file:line:column`; warnings are returned, sorted.
 */
import * as path from 'path';
import { ComposeError, Diagnostic, SourceLocation, StageResult, sortDiagnostics, withWarnings } from '../errors';
import { projectBoundary } from './boundary';
import { MergedDocument, loadMergedDocument, normalizeProjectName } from './document';
import { parseDotEnv } from './dotenv';
import type { ComposeProject, LoadOptions } from './model';
import { locate, normalizeDocument } from './normalize';
import { toPointer } from './pointer';
import { selectProfiles } from './profiles';
import { checkProject } from './semantic';

export * from './model';
export { renderConfig, toComposeDocument, relativePath } from './render-config';
export type { RenderOptions } from './render-config';
export { splitShellWords, ShellWordsError } from './shell-words';
export { parseBytes, parseCpus, parseDuration, formatDuration } from './units';
export { findCycles } from './semantic';
export { serviceDependencies, startOrder } from './dependencies';
export type { DependencyReason, DependencySource, ServiceDependency } from './dependencies';
export { normalizeProjectName };
export { ReadBoundary, projectBoundary } from './boundary';

/** What Compose accepts as an explicit project name. */
const PROJECT_NAME_RE = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * Loads a compose project: the files of `options`, merged, with profiles applied, normalized and
 * checked.
 * @throws ComposeError for any problem of the input, with its location and a fix
 */
export function loadProject(options: LoadOptions): StageResult<ComposeProject> {
  const merged = loadMergedDocument(options);
  try {
    return fromMergedDocument(merged, options);
  } catch (e) {
    // the warnings found before the error often explain it: the CLI prints them first
    throw withWarnings(e, merged.warnings);
  }
}

/** Profiles, normalization and semantic checks of the merged document. */
function fromMergedDocument(merged: StageResult<MergedDocument>, options: LoadOptions): StageResult<ComposeProject> {
  const doc = merged.result;
  const data = doc.data as Record<string, unknown>;
  if (Object.keys(data).length === 0) {
    // Compose v2 refuses this too ("empty compose file"); an empty override file next to a
    // non-empty base is fine (the merged document is what counts)
    const files = doc.composeFiles;
    throw new ComposeError(`${files.length === 1 ? files[0] : 'the compose files'} ${files.length === 1 ? 'is' : 'are'} empty (no \`services:\` or any other top-level key)`, {
      code: 'compose/empty-file',
      location: files.length ? { file: files[0], line: 1, column: 1 } : undefined,
      fix: 'define at least one service, e.g. `services:` then `  web:` then `    image: nginx`; check that -f names the compose file you meant',
    });
  }
  const rawServices =
    typeof data.services === 'object' && data.services !== null && !Array.isArray(data.services)
      ? (data.services as Record<string, unknown>)
      : {};
  const selection = selectProfiles(rawServices, doc.activeProfiles);

  const normalized = normalizeDocument({
    data,
    locations: doc.locations,
    writtenValues: doc.writtenValues,
    projectDirectory: doc.projectDirectory,
    environment: doc.environment,
    reader: options.reader,
    boundary: projectBoundary(options, doc.projectDirectory, doc.composeFiles),
    homeDirectory: options.homeDirectory,
    enabledServices: selection.enabled,
    parseDotEnv: (text, file, opts) => parseDotEnv(text, file, opts),
  });
  const n = normalized.result;

  const services: ComposeProject['services'] = {};
  for (const [name, svc] of Object.entries(n.services)) {
    if (selection.enabled.has(name)) Object.defineProperty(services, name, { value: svc, enumerable: true, writable: true, configurable: true });
  }

  const project: ComposeProject = {
    name: projectName(options, doc),
    projectDirectory: doc.projectDirectory,
    composeFiles: doc.composeFiles,
    services,
    disabledServices: selection.disabled,
    networks: n.networks,
    volumes: n.volumes,
    secrets: n.secrets,
    configs: n.configs,
    extensions: n.extensions,
    activeProfiles: doc.activeProfiles,
    locations: doc.locations,
    templates: Object.fromEntries(Object.entries(doc.writtenValues).filter(([, text]) => text.includes('$'))),
    ...(doc.homeDirectory !== undefined ? { homeDirectory: doc.homeDirectory } : {}),
    ...(options.allowRead?.length ? { allowRead: options.allowRead.map((p) => path.resolve(options.workingDirectory, p)) } : {}),
  };
  let checked: ReturnType<typeof checkProject>;
  try {
    checked = checkProject({ project, data });
  } catch (e) {
    throw withWarnings(e, normalized.warnings);
  }
  const warnings: Diagnostic[] = [...merged.warnings, ...normalized.warnings, ...checked.warnings];
  return { result: checked.result, warnings: sortDiagnostics(warnings) };
}

/**
 * The project name, in Docker Compose v2's order: `--project-name`, `COMPOSE_PROJECT_NAME` (the
 * environment or the `.env` file), the top-level `name`, the project directory's base name
 * (normalized: lowercase, only `a-z 0-9 _ -`). Explicit names must already be valid.
 */
export function projectName(
  options: Pick<LoadOptions, 'projectName' | 'environment'>,
  doc: {
    readonly name?: string;
    readonly projectDirectory: string;
    readonly environment: Readonly<Record<string, string | undefined>>;
    readonly locations: Readonly<Record<string, SourceLocation>>;
  },
): string {
  const invalid = (value: string, where: string, location?: SourceLocation): never => {
    throw new ComposeError(`invalid project name "${value}" (${where})`, {
      code: 'compose/invalid-project-name',
      location,
      fix: 'use only lowercase letters, digits, dashes and underscores, starting with a letter or digit (e.g. `my-app`)',
    });
  };
  if (options.projectName !== undefined && options.projectName !== '') {
    if (!PROJECT_NAME_RE.test(options.projectName)) invalid(options.projectName, 'from --project-name');
    return options.projectName;
  }
  const derived = normalizeProjectName(path.posix.basename(doc.projectDirectory));
  // the document stage exposes the name it found to interpolation as COMPOSE_PROJECT_NAME (process
  // environment, then the env files, then the top-level `name`, then the directory)
  const fromEnv = options.environment.COMPOSE_PROJECT_NAME || doc.environment.COMPOSE_PROJECT_NAME;
  if (fromEnv && fromEnv !== doc.name && fromEnv !== derived) {
    if (!PROJECT_NAME_RE.test(fromEnv)) invalid(fromEnv, 'from COMPOSE_PROJECT_NAME');
    return fromEnv;
  }
  if (doc.name !== undefined && doc.name !== '') {
    if (!PROJECT_NAME_RE.test(doc.name)) invalid(doc.name, 'the top-level `name`', locate(doc.locations, toPointer(['name'])));
    return doc.name;
  }
  if (derived === '') {
    throw new ComposeError(`cannot derive a project name from the directory "${doc.projectDirectory}"`, {
      code: 'compose/invalid-project-name',
      fix: 'set a top-level `name: my-app` in the compose file, COMPOSE_PROJECT_NAME, or pass --project-name',
    });
  }
  return derived;
}
