/**
 * What happens to the parts of a database service that Amazon RDS replaces: its data directory (not
 * migrated), its schema init files (applied once by the init container), its server settings (an RDS
 * parameter group), and any other mount (left out). Every decision is reported with its position.
 */
import * as path from 'path';
import type { ComposeProject, ServiceVolume } from '../../compose/model';
import type { SourceLocation } from '../../errors';
import type { Collector } from '../collector';
import { servicePointer as sp } from '../collector';
import { commandSettings, DatabaseSetting, MYSQL_OPTION_PATHS, parseMysqlOptionFile, parsePostgresConf, planParameters } from './db-config';
import { isInside } from './dev-only';
import { BuildFacts, copiedInto } from './image-facts';
import { DATA_DIRECTORIES, INIT_DIRECTORY, INIT_SQL_FILE, NEVER_SHIP } from '../keys';
import { locate } from '../locations';
import type { ProjectFiles } from '../project-files';
import type { DatabaseEngine } from '../types';

/** Init files mounted from the project, shipped in the bundle and mounted the same way into the init container. */
export interface ShippedInit {
  /** Bundle path (relative to the project directory). */
  readonly path: string;
  readonly sourcePath: string;
  /** Container path (`/docker-entrypoint-initdb.d` or a file in it). */
  readonly target: string;
  readonly location?: SourceLocation;
}

export interface DatabaseServicePlan {
  /** DB parameter group parameters from the service's own server settings, sorted. */
  readonly parameters: Readonly<Record<string, string>>;
  /** Schema init files, when the service has any. */
  readonly init?: {
    readonly shipped: readonly ShippedInit[];
    /** Whether the image itself holds init files (its Dockerfile copies them). */
    readonly inImage: boolean;
    /** Names of the SQL files known at conversion time, in the order they run. */
    readonly sqlFiles: readonly string[];
  };
}

const ENGINE_NAME: Readonly<Record<DatabaseEngine, string>> = { mysql: 'MySQL', mariadb: 'MariaDB', postgres: 'PostgreSQL' };

/** Whether a container path is (inside) a known data directory. */
export function isDataDirectory(target: string): boolean {
  return DATA_DIRECTORIES.some((d) => isInside(target, d));
}

/** Whether a container path is the init directory or a file in it. */
export function isInitPath(target: string): boolean {
  return isInside(target, INIT_DIRECTORY);
}

const rel = (project: ComposeProject, p: string) => path.posix.relative(project.projectDirectory, p) || '.';

/** Plans the parts of a replaced database service; see the module comment. */
export function planDatabaseService(
  project: ComposeProject,
  service: string,
  engine: DatabaseEngine,
  build: BuildFacts | undefined,
  files: ProjectFiles,
  c: Collector,
): DatabaseServicePlan {
  const svc = project.services[service];
  const settings: DatabaseSetting[] = [];
  const shipped: ShippedInit[] = [];
  const sqlFiles = new Set<string>();
  const readSettings = (file: string, where: string) => {
    const text = files.read(file);
    if (text === undefined) return;
    settings.push(...(engine === 'postgres' ? parsePostgresConf(text, where) : parseMysqlOptionFile(text, where)));
  };
  const optionFiles = (p: string) => files.files(p, (n) => (engine === 'postgres' ? /\.conf$/i.test(n) : /\.cnf$/i.test(n)));
  const isOptionPath = (target: string) => engine === 'postgres' ? /^\/etc\/postgresql(\/|$)/.test(target) : MYSQL_OPTION_PATHS.some((o) => isInside(target, o));

  // ---- mounts: data, init files, server settings, the rest
  svc.volumes.forEach((v: ServiceVolume, i) => {
    const pointer = sp(service, 'volumes', i);
    const what = v.type === 'bind' && v.source ? rel(project, v.source) : v.source ? `volume "${v.source}"` : 'an anonymous volume';
    if (isDataDirectory(v.target)) {
      c.warn('bundle/database-data', `services.${service}.volumes[${i}] mounts ${what} at ${v.target}, the database's data directory: Amazon RDS starts with an empty database and this data is not migrated (load a dump of it into RDS if the app needs it)`, service, pointer);
      return;
    }
    if (isInitPath(v.target) && v.type === 'bind' && v.source && isInside(v.source, project.projectDirectory)) {
      const p = rel(project, v.source);
      if (NEVER_SHIP.includes(path.posix.basename(p))) {
        c.fail('bundle/never-ship', `services.${service}.volumes[${i}] mounts ${p}, which would ship a ${path.posix.basename(p)} file; schema init files are .sql files`, pointer);
        return;
      }
      const loc = locate(project, pointer);
      shipped.push({ path: p, sourcePath: v.source, target: v.target, ...(loc ? { location: loc } : {}) });
      const names = files.isDirectory(v.source) ? files.list(v.source) ?? [] : [path.posix.basename(v.target)];
      for (const n of names) if (INIT_SQL_FILE.test(n) || /\.sh$/.test(n)) sqlFiles.add(n);
      return;
    }
    if (v.type === 'bind' && v.source && isOptionPath(v.target)) {
      for (const f of optionFiles(v.source)) readSettings(f, rel(project, f));
      return;
    }
    c.warn('bundle/database-mount', `services.${service}.volumes[${i}] (${what} at ${v.target}) is left out: the database runs on Amazon RDS`, service, pointer);
  });

  // ---- what the Dockerfile copies: init files, option files
  let inImage = false;
  if (build) {
    for (const { source } of copiedInto(build, INIT_DIRECTORY)) {
      const names = files.isDirectory(source) ? files.files(source, (n) => INIT_SQL_FILE.test(n) || /\.sh$/.test(n)).map((f) => path.posix.basename(f)) : [path.posix.basename(source)];
      const found = names.filter((n) => INIT_SQL_FILE.test(n) || /\.sh$/.test(n));
      if (found.length > 0 || !files.available) inImage = true;
      for (const n of found) sqlFiles.add(n);
    }
    for (const { source, copy } of copiedInto(build, engine === 'postgres' ? '/etc/postgresql' : '/etc')) {
      if (!isOptionPath(copy.destination) && !(engine !== 'postgres' && copy.destination === '/etc')) continue;
      for (const f of optionFiles(source)) readSettings(f, rel(project, f));
    }
  }

  // ---- server settings on the command line
  if (svc.command) settings.push(...commandSettings(engine, svc.command));
  if (engine === 'postgres') {
    const configFile = settings.find((s) => s.name === 'config_file');
    if (configFile && build) {
      for (const { source, copy } of copiedInto(build, configFile.value)) {
        if (copy.destination === configFile.value || isInside(configFile.value, copy.destination)) readSettings(source, rel(project, source));
      }
    }
  }
  const plan = planParameters(engine, settings);
  const names = Object.keys(plan.parameters);
  if (names.length > 0) {
    c.warn('bundle/database-parameters', `services.${service}'s server settings ${names.map((n) => `${n}=${plan.parameters[n]}`).join(', ')} are set in the RDS DB parameter group`, service, sp(service));
  }
  for (const [list, why] of [[plan.managed, 'Amazon RDS manages it'], [plan.unknown, `beanstack does not know it as a modifiable RDS for ${ENGINE_NAME[engine]} parameter; set it in a parameter group yourself if RDS allows it`]] as const) {
    for (const s of list) c.warn('bundle/database-setting-dropped', `${s.where}: the server setting ${s.name}=${s.value} of services.${service} is left out: ${why}`, service, sp(service, ...(s.where === 'command' ? ['command'] : [])));
  }

  const ordered = [...sqlFiles].sort();
  for (const n of ordered.filter((f) => /\.sh$/.test(f))) {
    c.warn('bundle/schema-init-script', `services.${service}: the init script ${n} runs inside the database container, which Amazon RDS replaces; it is not run (convert it to a .sql file)`, service, sp(service));
  }
  const sql = ordered.filter((f) => INIT_SQL_FILE.test(f));
  const hasInit = shipped.length > 0 || inImage;
  return {
    parameters: plan.parameters,
    ...(hasInit ? { init: { shipped, inImage, sqlFiles: sql } } : {}),
  };
}
