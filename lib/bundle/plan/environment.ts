/**
 * A container's environment: the variables the stack sets from the RDS instance (decided from the
 * compose text), the secrets it provides (by name, source or value; compose secrets; `*_FILE`
 * paths), the variables it must set (no value), and the plain ones written into the bundle.
 */
import * as path from 'path';
import { servicePointer as sp } from '../collector';
import { dict, hasOwn, own } from '../dict';
import { envNameForSecret } from '../names';
import type { DatabaseVariable } from '../types';
import type { PlanContext } from './context';
import { byString } from '../../util/order';
import { connectsToDatabase, DatabaseFacts, groupHostOf, secretPath, variableRole } from './database-facts';
import { isDevEnvironmentValue } from './dev-only';
import { secretOf } from './secrets';
import { escapeSegment } from '../../compose/pointer';

export interface PlannedEnvironment {
  /** Plain variables written into the bundle. */
  readonly environment: Record<string, string>;
  /** Whether the container reads values the stack provides. */
  readonly readsStack: boolean;
  /** The service's own secret values → the variable that holds each (for commands that contain them). */
  readonly ownSecrets: Map<string, string>;
}

/** The database role of a variable, and the database, or only the variable's text as written. */
function databaseRole(ctx: PlanContext, s: string, name: string, value: string | null, fromEnvironment: boolean, values: Readonly<Record<string, string | null>>, facts: readonly DatabaseFacts[], connects: ReadonlySet<string>) {
  const template = fromEnvironment ? ctx.templates.of(s, name) : undefined;
  const groupHost = groupHostOf(name, values);
  for (const f of facts) {
    const role = variableRole(f, { name, value, ...(template !== undefined ? { template } : {}), connects: connects.has(f.service), ...(groupHost !== undefined ? { groupHost } : {}) });
    if (role) return { role, db: f, template };
  }
  return { template };
}

export function planEnvironment(ctx: PlanContext, s: string, facts: readonly DatabaseFacts[]): PlannedEnvironment {
  const { project, c } = ctx;
  const svc = project.services[s];
  const x = ctx.overrides[s];
  let readsStack = false;
  const ownSecrets = new Map<string, string>();
  const environment: Record<string, string> = dict();
  const inlinedFromFiles = new Map<string, string[]>();
  const allNames = new Set([...Object.keys(svc.envFileValues), ...Object.keys(svc.environment)]);
  const secretRefs = new Map(svc.secrets.map((r) => [secretPath(r), r.source]));
  const values: Record<string, string | null> = dict();
  for (const name of allNames) values[name] = hasOwn(svc.environment, name) ? svc.environment[name] : svc.envFileValues[name].value;
  const connects = new Set(facts.filter((f) => connectsToDatabase(svc, f, values)).map((f) => f.service));

  // variables x-dockerrun reads from Secrets Manager / SSM (`secrets` with valueFrom): never a value here
  // (ecs target only; elsewhere they stay variables the environment sets)
  const fromSecretRefs = new Set(ctx.target === 'ecs' ? (own(ctx.dockerrun, s)?.secrets ?? []).map((r) => r.name) : []);
  for (const name of [...allNames].sort(byString)) {
    if (fromSecretRefs.has(name)) {
      if (values[name] !== null) c.warn('bundle/x-dockerrun-secret', `services.${s}.environment.${name} has a value, but x-dockerrun.secrets reads ${name} from a secret reference; the value is left out of the bundle`, s, hasOwn(svc.environment, name) ? sp(s, 'environment', name) : sp(s, 'env_file'));
      continue;
    }
    const fromEnvironment = hasOwn(svc.environment, name);
    const value = values[name];
    const pointer = fromEnvironment ? sp(s, 'environment', name) : sp(s, 'env_file');
    // database variables: decided from the compose text, not from values an untracked .env supplies
    const { role, db, template } = databaseRole(ctx, s, name, value, fromEnvironment, values, facts, connects);
    if (role && db) {
      ctx.dbVariables.add(db.service, { service: s, name, role });
      readsStack = true;
      if (role === 'password' && value !== null) ownSecrets.set(value, name);
      if (role === 'url') {
        c.warn('bundle/database-url', `services.${s}.environment.${name} is a connection URL to "${db.service}"; the stack cannot assemble a URL around a secret password: read host, port, user, password and database from separate variables (reported in the bundle's databases)`, s, pointer);
      }
      if (role === 'password' && value !== null && value.startsWith('/run/secrets/')) {
        c.warn('bundle/secret-file', `services.${s}.environment.${name} points at the file ${value}; Beanstalk provides environment variables, not files: make the app read the password from ${name} itself`, s, pointer);
      }
      continue;
    }
    // *_FILE and /run/secrets/ paths
    if (value !== null && value.startsWith('/run/secrets/')) {
      const plain = name.endsWith('_FILE') ? name.slice(0, -'_FILE'.length) : name;
      ctx.secrets.add(plain, s, 'compose-secret', secretRefs.get(value));
      readsStack = true;
      c.warn('bundle/secret-file', name.endsWith('_FILE')
        ? `services.${s}.environment.${name} points at the secret file ${value}; Beanstalk provides environment variables, not files: the value is provided as ${plain} — make the app read ${plain} instead of ${name}`
        : `services.${s}.environment.${name} points at the secret file ${value}; Beanstalk provides environment variables, not files: the secret's value is provided as ${name} itself — make the app read the value, not a path`, s, pointer);
      continue;
    }
    const secret = (x.public ?? []).includes(name) ? undefined : secretOf(name, value, template);
    if (secret) {
      if (value !== null) ownSecrets.set(value, name);
      ctx.secrets.add(name, s, fromEnvironment ? 'variable' : 'env-file', undefined, { value, pointer });
      readsStack = true;
      if (secret === 'its name') c.warn('bundle/secret-variable', `services.${s}: ${name} looks like a secret; its value is left out of the bundle and provided as a Beanstalk environment secret`, s, pointer);
      else c.warn('bundle/secret-value', `services.${s}: ${name} holds ${secret}; its value is left out of the bundle and provided as a Beanstalk environment secret (if it is not a secret, list ${name} in x-beanstack.public)`, s, pointer);
      continue;
    }
    if (value === null) {
      const set = ctx.required.get(name) ?? new Set<string>();
      set.add(s);
      ctx.required.set(name, set);
      readsStack = true;
      c.warn('bundle/unset-variable', `services.${s}.environment.${name} has no value; the stack must set it as an environment property`, s, pointer);
      continue;
    }
    if (!fromEnvironment) {
      const file = svc.envFileValues[name].file;
      inlinedFromFiles.set(file, [...(inlinedFromFiles.get(file) ?? []), name]);
    }
    if (isDevEnvironmentValue(name, value)) {
      c.warn('bundle/dev-environment', `services.${s}.environment.${name}=${value} runs the app in development mode; override it for production`, s, pointer);
    }
    environment[name] = value;
  }
  for (const [file, names] of [...inlinedFromFiles.entries()].sort(([a], [b]) => byString(a, b))) {
    c.warn('bundle/env-file-inlined', `services.${s}: ${names.join(', ')} from ${path.posix.relative(project.projectDirectory, file) || file} are written into the bundle (they do not look like secrets)`, s, sp(s, 'env_file'));
  }
  // a kept value that contains a secret's value is a secret too
  for (const name of Object.keys(environment)) {
    const value = environment[name];
    const hit = ctx.secrets.values.within(value)[0];
    if (hit === undefined) continue;
    delete environment[name];
    ownSecrets.set(value, name);
    ctx.secrets.add(name, s, 'variable', undefined, { value, pointer: sp(s, 'environment', name) });
    readsStack = true;
    c.warn('bundle/secret-variable', `services.${s}.environment.${name} contains the value of ${ctx.secrets.values.holderOf(hit)}, a secret; it is left out of the bundle and provided as a Beanstalk environment secret`, s, sp(s, 'environment', name));
  }
  if (planComposeSecrets(ctx, s, facts)) readsStack = true;
  warnDatabaseHost(ctx, s, facts);
  return { environment, readsStack, ownSecrets };
}

/** compose `secrets:` of a service: environment secrets (or the RDS password); true when there are any. */
function planComposeSecrets(ctx: PlanContext, s: string, facts: readonly DatabaseFacts[]): boolean {
  const { project, c } = ctx;
  const svc = project.services[s];
  let any = false;
  svc.secrets.forEach((ref, i) => {
    const p = secretPath(ref);
    const pointer = sp(s, 'secrets', i);
    const dbf = facts.find((f) => f.passwordSecrets.has(ref.source));
    const coveredByVariable = Object.values(svc.environment).some((v) => v === p) || Object.values(svc.envFileValues).some((v) => v.value === p);
    if (coveredByVariable) return;
    const name = envNameForSecret(ref.source);
    any = true;
    if (dbf) {
      const variable: DatabaseVariable = { service: s, name, role: 'password' };
      ctx.dbVariables.add(dbf.service, variable);
      c.warn('bundle/secret-file', `services.${s} reads the database password from the file ${p}; Beanstalk provides environment variables, not files: make the app read ${name} instead (the stack sets it to the RDS password)`, s, pointer);
      return;
    }
    const top = own(project.secrets, ref.source);
    if (top?.external) c.warn('bundle/external-secret', `secret "${ref.source}" is external; the stack creates a Beanstalk environment secret ${name} that you fill in`, s, `/secrets/${escapeSegment(ref.source)}`);
    ctx.secrets.add(name, s, 'compose-secret', ref.source);
    c.warn('bundle/secret-file', `services.${s} reads secret "${ref.source}" from the file ${p}; Beanstalk provides environment variables, not files: make the app read the environment variable ${name} instead`, s, pointer);
  });
  return any;
}

/** A service that depends on the database but has no variable for its host will not reach RDS. */
function warnDatabaseHost(ctx: PlanContext, s: string, facts: readonly DatabaseFacts[]): void {
  const svc = ctx.project.services[s];
  for (const f of facts) {
    const usesDb = hasOwn(svc.dependsOn, f.service) || svc.links.some((l) => l.split(':')[0] === f.service);
    const hasHost = ctx.dbVariables.reads(f.service, s, ['host', 'url']);
    if (usesDb && !hasHost) {
      ctx.c.warn('bundle/database-host', `services.${s} depends on "${f.service}" but no variable of it holds the database host; the name "${f.service}" will not resolve to Amazon RDS: make the app read the host from a variable (e.g. DB_HOST) and set it in the compose file`, s, sp(s, 'depends_on', f.service));
    }
  }
}
