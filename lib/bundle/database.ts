/**
 * Database services the stack replaces with Amazon RDS: detection from the image, and the variables
 * of other services that pointed at them.
 */
import type { ComposeProject, ServiceConfig } from '../compose/model';
import type { DatabaseEngine, DatabaseVariableRole } from './types';
import { DATABASE_IMAGE_VARIABLES, DATABASE_IMAGES, DATABASE_PORTS, DATABASE_URL_SCHEMES } from './keys';
import { own } from './dict';

/** Image reference split into repository and tag (digest references have no tag). */
export function parseImage(image: string): { repository: string; tag?: string; digest?: string } {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) return { repository: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  return { repository: rest, digest };
}

/** The engine of a database image (`mysql:8.0`, `bitnami/mariadb`, `postgres:16-alpine`), if it is one. */
export function detectEngine(image: string | undefined): DatabaseEngine | undefined {
  if (!image) return undefined;
  const { repository } = parseImage(image);
  const base = repository.slice(repository.lastIndexOf('/') + 1).toLowerCase();
  return own(DATABASE_IMAGES, base);
}

/** `8.0` from `8.0.27`, `10.6` from `10.6.4-focal`, `16` from `16-alpine`, for the engine's version scheme. */
export function majorVersion(engine: DatabaseEngine, image: string | undefined): string | undefined {
  if (!image) return undefined;
  const { tag } = parseImage(image);
  if (!tag) return undefined;
  const m = /^(\d+)(?:\.(\d+))?/.exec(tag);
  if (!m) return undefined;
  if (engine === 'postgres') return Number(m[1]) >= 10 ? m[1] : m[2] !== undefined ? `${m[1]}.${m[2]}` : m[1];
  return m[2] !== undefined ? `${m[1]}.${m[2]}` : m[1];
}

/** What identifies one replaced database in other services' variables. */
export interface DatabaseFacts {
  readonly service: string;
  readonly engine: DatabaseEngine;
  /** Host names other services use: service name, container_name, hostname, network aliases. */
  readonly hostNames: ReadonlySet<string>;
  readonly port: number;
  readonly users: ReadonlySet<string>;
  readonly passwords: ReadonlySet<string>;
  /** `/run/secrets/<name>` paths and compose secret names that hold the database password. */
  readonly passwordSecretPaths: ReadonlySet<string>;
  readonly passwordSecrets: ReadonlySet<string>;
  readonly databaseNames: ReadonlySet<string>;
  readonly databaseName?: string;
  readonly username?: string;
}

function env(svc: ServiceConfig, name: string): string | undefined {
  const v = own(svc.environment, name);
  if (typeof v === 'string' && v !== '') return v;
  const f = own(svc.envFileValues, name);
  return f && f.value !== '' ? f.value : undefined;
}

/** Secret path of a service's secret ref. */
export function secretPath(ref: { source: string; target?: string }): string {
  if (!ref.target) return `/run/secrets/${ref.source}`;
  return ref.target.startsWith('/') ? ref.target : `/run/secrets/${ref.target}`;
}

export function databaseFacts(project: ComposeProject, service: string, engine: DatabaseEngine): DatabaseFacts {
  const svc = project.services[service];
  const vars = DATABASE_IMAGE_VARIABLES[engine];
  const hostNames = new Set<string>([service]);
  if (svc.containerName) hostNames.add(svc.containerName);
  if (svc.hostname) hostNames.add(svc.hostname);
  for (const n of Object.values(svc.networks)) for (const a of n?.aliases ?? []) hostNames.add(a);
  for (const o of Object.values(project.services)) {
    for (const l of o.links) {
      const [target, alias] = l.split(':');
      if (target === service && alias) hostNames.add(alias);
    }
  }
  const users = new Set<string>();
  let username: string | undefined;
  for (const n of vars.user) {
    const v = env(svc, n);
    if (v && !username) username = v;
    if (v) users.add(v);
  }
  users.add(vars.defaultUser);
  const passwords = new Set<string>();
  const passwordSecretPaths = new Set<string>();
  for (const n of vars.password) {
    const v = env(svc, n);
    if (v) passwords.add(v);
    const file = env(svc, `${n}_FILE`);
    if (file) passwordSecretPaths.add(file);
  }
  const passwordSecrets = new Set<string>();
  for (const ref of svc.secrets) {
    if (passwordSecretPaths.has(secretPath(ref))) passwordSecrets.add(ref.source);
  }
  const databaseNames = new Set<string>();
  let databaseName: string | undefined;
  for (const n of vars.database) {
    const v = env(svc, n);
    if (v) {
      databaseNames.add(v);
      databaseName ??= v;
    }
  }
  if (engine === 'postgres' && !databaseName) {
    // the postgres image names the default database after the user
    databaseNames.add(username ?? 'postgres');
  }
  let port = DATABASE_PORTS[engine];
  const published = svc.ports.find((p) => p.target !== undefined);
  if (published && svc.ports.length === 1) port = published.target;
  return { service, engine, hostNames, port, users, passwords, passwordSecretPaths, passwordSecrets, databaseNames, databaseName, username };
}

/** Host of a connection URL such as `mysql://u:p@db:3306/app` or `jdbc:mysql://db/app`, when its scheme is a database's. */
export function databaseUrlHost(value: string): string | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.:-]*):\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#,]*)/.exec(value.trim());
  if (!m) return undefined;
  const scheme = m[1].toLowerCase().replace(/\+.*$/, '');
  if (!DATABASE_URL_SCHEMES.includes(scheme)) return undefined;
  return m[2];
}

/**
 * The role a variable plays for a database, or undefined. `name`/`value` are one variable of another
 * service.
 */
export function variableRole(facts: DatabaseFacts, name: string, value: string): DatabaseVariableRole | undefined {
  if (value === '') return undefined;
  const urlHost = databaseUrlHost(value);
  if (urlHost !== undefined) return facts.hostNames.has(urlHost) ? 'url' : undefined;
  // `db:5432`: the host with its port (the stack sets the RDS endpoint; RDS listens on the engine's port)
  const hostPort = /^([^:/\s]+):(\d+)$/.exec(value);
  const isHost = facts.hostNames.has(value) || (hostPort !== null && facts.hostNames.has(hostPort[1]) && Number(hostPort[2]) === facts.port);
  const isPassword = facts.passwords.has(value) || facts.passwordSecretPaths.has(value)
    || [...facts.passwordSecrets].some((s) => value === `/run/secrets/${s}`);
  // the variable's name says what it is; the value confirms it
  if (/(HOST|SERVER|ADDR|ENDPOINT)/i.test(name)) return isHost ? 'host' : undefined;
  if (/PORT/i.test(name)) return value === String(facts.port) ? 'port' : undefined;
  if (/(USER|LOGIN|UID)/i.test(name)) return facts.users.has(value) ? 'user' : isPassword && /(PASS|PWD)/i.test(name) ? 'password' : undefined;
  if (/(PASS|PWD|SECRET)/i.test(name)) return isPassword ? 'password' : undefined;
  if (/(DB|DATABASE|NAME|SCHEMA)/i.test(name) && facts.databaseNames.has(value)) return 'database';
  // no telling name: a password value or a host name is still the database's
  if (isPassword) return 'password';
  if (isHost) return 'host';
  return undefined;
}
