/**
 * Database services the stack replaces with Amazon RDS: detection from the image, and the variables
 * of other services that pointed at them.
 */
import type { ComposeProject, ServiceConfig } from '../../compose/model';
import type { DatabaseEngine, DatabaseVariableRole } from '../types';
import { DATABASE_IMAGE_VARIABLES, DATABASE_IMAGES, DATABASE_NAME_WORDS, DATABASE_PORTS, DATABASE_URL_SCHEMES } from '../keys';
import { own } from '../dict';
import { escapeSegment } from '../../compose/pointer';

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
  /**
   * Interpolation variables the database's own user / password / database variables are written
   * with (`POSTGRES_PASSWORD: ${DB_PASSWORD}` → `DB_PASSWORD`): another service that writes
   * `${DB_PASSWORD}` means the same value, whether or not `.env` is there to supply it.
   */
  readonly references: Readonly<Record<'user' | 'password' | 'database', ReadonlySet<string>>>;
  /** Words that name the database in variable names (`DB`, `MYSQL`, the service's own name, …). */
  readonly nameWords: ReadonlySet<string>;
}

function env(svc: ServiceConfig, name: string): string | undefined {
  const v = own(svc.environment, name);
  if (typeof v === 'string' && v !== '') return v;
  const f = own(svc.envFileValues, name);
  return f && f.value !== '' ? f.value : undefined;
}

/**
 * The texts the services' variables are written with in the compose file, before interpolation
 * (`${POSTGRES_PASSWORD}`), when interpolation changed them: the project's `templates` indexed once by
 * service, so a lookup costs the same whatever the size of the project.
 */
export class EnvironmentTemplates {
  /** Escaped service segment → the rest of the pointer below `/environment/` (a name or a list index) → template. */
  private readonly byService = new Map<string, Map<string, string>>();

  constructor(private readonly project: ComposeProject) {
    for (const [pointer, text] of Object.entries(project.templates ?? {})) {
      const m = /^\/services\/([^/]*)\/environment\/(.*)$/s.exec(pointer);
      if (!m) continue;
      let entries = this.byService.get(m[1]);
      if (!entries) this.byService.set(m[1], (entries = new Map()));
      entries.set(m[2], text);
    }
  }

  /** The template of variable `name` of `service`, in mapping or list form, when interpolation changed it. */
  of(service: string, name: string): string | undefined {
    const entries = this.byService.get(escapeSegment(service));
    if (!entries) return undefined;
    const direct = entries.get(escapeSegment(name));
    if (direct !== undefined) return direct;
    const svc = own(this.project.services, service);
    const count = svc ? Object.keys(svc.environment).length : 0;
    for (let i = 0; i < count + 8; i++) {
      const t = entries.get(String(i));
      if (t !== undefined && t.startsWith(`${name}=`)) return t.slice(name.length + 1);
    }
    return undefined;
  }
}

/** Names of the variables a template interpolates (`${A}`, `${B:-x}`, `$C`; `$$` is a literal `$`). */
export function interpolationReferences(template: string | undefined): string[] {
  if (!template) return [];
  const out: string[] = [];
  for (const m of template.replace(/\$\$/g, '').matchAll(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))/g)) out.push(m[1] ?? m[2]);
  return out;
}

/** The one variable a template consists of (`${X}`, `${X:-default}`, `$X`), if it is nothing else. */
function soleReference(template: string | undefined): string | undefined {
  if (!template) return undefined;
  const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:[:]?[-?+=][^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))$/.exec(template.trim());
  return m ? m[1] ?? m[2] : undefined;
}

/** Secret path of a service's secret ref. */
export function secretPath(ref: { source: string; target?: string }): string {
  if (!ref.target) return `/run/secrets/${ref.source}`;
  return ref.target.startsWith('/') ? ref.target : `/run/secrets/${ref.target}`;
}

/** Upper-case words of a name (`api.v1-db` → `API`, `V1`, `DB`). */
const wordsOf = (name: string) => name.toUpperCase().split(/[^A-Z0-9]+/).filter((w) => w !== '');

export function databaseFacts(project: ComposeProject, service: string, engine: DatabaseEngine, templates = new EnvironmentTemplates(project)): DatabaseFacts {
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
  const references = { user: new Set<string>(), password: new Set<string>(), database: new Set<string>() };
  const referencesOf = (role: keyof typeof references, name: string) => {
    for (const r of interpolationReferences(templates.of(service, name))) references[role].add(r);
  };
  const users = new Set<string>();
  let username: string | undefined;
  for (const n of vars.user) {
    const v = env(svc, n);
    if (v && !username) username = v;
    if (v) users.add(v);
    referencesOf('user', n);
  }
  users.add(vars.defaultUser);
  const passwords = new Set<string>();
  const passwordSecretPaths = new Set<string>();
  for (const n of vars.password) {
    const v = env(svc, n);
    if (v) passwords.add(v);
    referencesOf('password', n);
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
    referencesOf('database', n);
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
  const nameWords = new Set<string>(DATABASE_NAME_WORDS);
  for (const h of hostNames) for (const w of wordsOf(h)) nameWords.add(w);
  return { service, engine, hostNames, port, users, passwords, passwordSecretPaths, passwordSecrets, databaseNames, databaseName, username, references, nameWords };
}

/** Host of a connection URL such as `mysql://u:p@db:3306/app` or `jdbc:mysql://db/app`, when its scheme is a database's. */
export function databaseUrlHost(value: string): string | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.:-]*):\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#,]*)/.exec(value.trim());
  if (!m) return undefined;
  const scheme = m[1].toLowerCase().replace(/\+.*$/, '');
  if (!DATABASE_URL_SCHEMES.includes(scheme)) return undefined;
  return m[2];
}

/** The role a variable's name gives it, from its last word (`MYSQL_ROOT_PASSWORD` → password), and its other words. */
export function nameRole(name: string): { role: DatabaseVariableRole; words: readonly string[] } | undefined {
  const libpq = /^PG(HOST|HOSTADDR|PORT|USER|PASSWORD|DATABASE)$/.exec(name.toUpperCase());
  if (libpq) return { role: LIBPQ_ROLES[libpq[1]], words: ['PG'] };
  const words = wordsOf(name);
  if (words.length < 2) return undefined;
  const role = own(ROLE_WORDS, words[words.length - 1]);
  return role ? { role, words: words.slice(0, -1) } : undefined;
}

const LIBPQ_ROLES: Readonly<Record<string, DatabaseVariableRole>> = { HOST: 'host', HOSTADDR: 'host', PORT: 'port', USER: 'user', PASSWORD: 'password', DATABASE: 'database' };

/** A variable's last word → the role it plays for a database. */
const ROLE_WORDS: Readonly<Record<string, DatabaseVariableRole>> = {
  HOST: 'host', HOSTNAME: 'host', SERVER: 'host', ADDR: 'host', ADDRESS: 'host', ENDPOINT: 'host',
  PORT: 'port',
  USER: 'user', USERNAME: 'user', LOGIN: 'user', USR: 'user',
  PASSWORD: 'password', PASSWD: 'password', PASS: 'password', PWD: 'password',
  DATABASE: 'database', DB: 'database', DBNAME: 'database', NAME: 'database', SCHEMA: 'database',
  URL: 'url', URI: 'url', DSN: 'url',
};

/**
 * The host of the variable group a name belongs to: the value of the service's `<PREFIX>_HOST`
 * variable whose prefix is the longest one the name starts with (`DB_HOST` for `DB_ROOT_PASSWORD`).
 */
export function groupHostOf(name: string, variables: Readonly<Record<string, string | null>>): string | undefined {
  const words = nameRole(name)?.words;
  if (!words) return undefined;
  let best: { length: number; value: string } | undefined;
  for (const [other, value] of Object.entries(variables)) {
    const named = nameRole(other);
    if (!named || named.role !== 'host' || value === null) continue;
    const prefix = named.words;
    if (prefix.length > words.length || !prefix.every((w, i) => words[i] === w)) continue;
    if (!best || prefix.length > best.length) best = { length: prefix.length, value };
  }
  return best?.value;
}

/** What another service's variable says about the database, for `variableRole`. */
export interface VariableEvidence {
  readonly name: string;
  /** Interpolated value (`''` when an unset variable was interpolated), or null (`- NAME` unset). */
  readonly value: string | null;
  /** The text as written, when interpolation changed it. */
  readonly template?: string;
  /** Whether the service reaches the database at all: depends_on/links, or a host or URL variable naming it. */
  readonly connects: boolean;
  /**
   * Host of the variable group the name belongs to (`DB_HOST`'s value for `DB_PASSWORD`), when the
   * service has one: a group whose host is another server is not this database's.
   */
  readonly groupHost?: string;
}

/** Whether a service reaches a database at all: depends_on or links to it, or a variable holding its host or a URL to it. */
export function connectsToDatabase(svc: ServiceConfig, facts: DatabaseFacts, values: Readonly<Record<string, string | null>>): boolean {
  if (own(svc.dependsOn, facts.service) !== undefined || svc.links.some((l) => l.split(':')[0] === facts.service)) return true;
  return Object.values(values).some((v) => {
    if (v === null || v === '') return false;
    const urlHost = databaseUrlHost(v);
    return urlHost !== undefined ? facts.hostNames.has(urlHost) : isDatabaseHost(facts, v);
  });
}

/** Whether a value is this database's host (`db`, `db:3306`). */
export function isDatabaseHost(facts: DatabaseFacts, value: string): boolean {
  const hostPort = /^([^:/\s]+):(\d+)$/.exec(value);
  return facts.hostNames.has(value) || (hostPort !== null && facts.hostNames.has(hostPort[1]) && Number(hostPort[2]) === facts.port);
}

/**
 * The role a variable of another service plays for a database, or undefined — decided from what the
 * compose file says, so the same compose text gives the same wiring whether or not an untracked
 * `.env` supplies the values: a connection URL or host naming the database; a `${…}` reference to the
 * database's own user/password/database variable; a name that says what it is (`DB_PASSWORD`,
 * `MYSQL_USER`, `PGHOST`, `SPRING_DATASOURCE_URL`) in a service that connects to the database. A value
 * that merely equals the database password (`PGADMIN_DEFAULT_PASSWORD`) is not the database's.
 */
export function variableRole(facts: DatabaseFacts, v: VariableEvidence): DatabaseVariableRole | undefined {
  const value = v.value ?? '';
  const urlHost = value !== '' ? databaseUrlHost(value) : undefined;
  if (urlHost !== undefined) return facts.hostNames.has(urlHost) ? 'url' : undefined;
  const sole = soleReference(v.template);
  if (sole !== undefined) {
    for (const role of ['password', 'user', 'database'] as const) if (facts.references[role].has(sole)) return role;
  }
  const isHost = value !== '' && isDatabaseHost(facts, value);
  const isPasswordPath = value !== '' && (facts.passwordSecretPaths.has(value) || [...facts.passwordSecrets].some((s) => value === `/run/secrets/${s}`));
  if (isPasswordPath) return 'password';
  const named = nameRole(v.name);
  if (!named) return isHost ? 'host' : undefined;
  // an empty host is one the compose file reads from the environment (`${DB_HOST}`): the database's when the name says so
  if (named.role === 'host') return isHost || (value === '' && (v.connects || v.template !== undefined) && named.words.some((w) => facts.nameWords.has(w))) ? 'host' : undefined;
  // the group's own host decides whose variables these are (`CACHE_HOST: redis` → CACHE_* are not)
  if (v.groupHost !== undefined && v.groupHost !== '' && !isDatabaseHost(facts, v.groupHost)) return undefined;
  if (!v.connects || !named.words.some((w) => facts.nameWords.has(w))) return undefined;
  if (named.role === 'port') return value === '' || value === String(facts.port) ? 'port' : undefined;
  if (named.role === 'url') return value === '' ? 'url' : undefined;
  return named.role;
}
