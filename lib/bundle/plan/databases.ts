/**
 * The database service Amazon RDS replaces: which one (from its image or the image its Dockerfile
 * starts from, or x-beanstack), what identifies it in other services' variables, what becomes of its
 * data, settings and schema init files, and the name of its schema init container.
 */
import { servicePointer as sp } from '../collector';
import { dict, hasOwn, own } from '../dict';
import type { DatabaseEngine } from '../types';
import type { PlanContext } from './context';
import { databaseFacts, DatabaseFacts } from './database-facts';
import { DatabaseServicePlan, planDatabaseService } from './database-service';

export interface PlannedDatabases {
  readonly replaced: readonly { readonly service: string; readonly engine: DatabaseEngine }[];
  readonly facts: readonly DatabaseFacts[];
  readonly plans: Readonly<Record<string, DatabaseServicePlan>>;
  /** Replaced database → the name of its schema init container. */
  readonly initFor: Readonly<Record<string, string>>;
}

const ENGINE_NAMES: Readonly<Record<DatabaseEngine, string>> = { postgres: 'PostgreSQL', mysql: 'MySQL', mariadb: 'MariaDB' };

/** The database services that could be replaced, and the one that is. Throws when it is ambiguous. */
function chooseDatabases(ctx: PlanContext, excluded: ReadonlySet<string>): { service: string; engine: DatabaseEngine }[] {
  const { project, top, overrides, c } = ctx;
  const candidates: { service: string; engine: DatabaseEngine }[] = [];
  for (const s of ctx.serviceNames) {
    if (excluded.has(s)) continue;
    const x = overrides[s].database;
    const detected = ctx.engineOf(s);
    if (x === false) continue;
    if (typeof x === 'string') candidates.push({ service: s, engine: x });
    else if (x === true) {
      if (detected) candidates.push({ service: s, engine: detected });
      else c.fail('bundle/database-engine', `services.${s}.x-beanstack.database: cannot tell the engine of "${ctx.imageOf(s) ?? s}"; write mysql, mariadb or postgres`, sp(s, 'x-beanstack', 'database'));
    } else if (detected) candidates.push({ service: s, engine: detected });
  }
  let chosen = candidates;
  if (top.database === false) chosen = [];
  else if (typeof top.database === 'string') {
    const name = top.database;
    const engine = own(overrides, name)?.database;
    const e = typeof engine === 'string' ? engine : ctx.engineOf(name);
    if (!e) {
      c.fail('bundle/database-engine', `x-beanstack.database: cannot tell the engine of service "${name}" (image ${project.services[name].image ?? 'none'}); add x-beanstack.database: mysql, mariadb or postgres to the service`, '/x-beanstack/database');
      chosen = [];
    } else {
      chosen = [{ service: name, engine: e }];
    }
  } else if (candidates.length > 1) {
    c.fail('bundle/several-databases', `several database services could be replaced by Amazon RDS: ${candidates.map((d) => `${d.service} (${d.engine})`).join(', ')}; the stack creates one database`, '/services');
  }
  c.throwIfProblems('name the one to replace with a top-level `x-beanstack: { database: <service> }`, and mark the others `x-beanstack: { database: false }` to keep them as containers');
  return chosen;
}

export function planDatabases(ctx: PlanContext, excluded: ReadonlySet<string>): PlannedDatabases {
  const { project, overrides, c } = ctx;
  const replaced = chooseDatabases(ctx, excluded);
  const facts = replaced.map((d) => databaseFacts(project, d.service, d.engine, ctx.templates));
  const plans: Record<string, DatabaseServicePlan> = dict();
  const initFor: Record<string, string> = dict();
  for (const d of replaced) {
    const built = own(ctx.builds, d.service);
    const from = built ? `built from ${ctx.imageOf(d.service) ?? 'its Dockerfile'}` : ctx.imageOf(d.service) ?? d.engine;
    c.warn('bundle/database-replaced', `service "${d.service}" (${from}) is replaced by Amazon RDS for ${ENGINE_NAMES[d.engine]}; its data is not migrated`, d.service, sp(d.service));
    const plan = planDatabaseService(project, d.service, d.engine, built, ctx.files, c);
    plans[d.service] = plan;
    if (!plan.init) continue;
    if (overrides[d.service].schemaInit === false) {
      c.warn('bundle/schema-init', `services.${d.service}'s schema init files are not applied to Amazon RDS (x-beanstack.schema_init: false)`, d.service, sp(d.service, 'x-beanstack', 'schema_init'));
      continue;
    }
    if (!ctx.caps.multipleContainers) {
      c.warn('bundle/schema-init', `services.${d.service} has schema init files (/docker-entrypoint-initdb.d); a single-container bundle cannot run the init container that applies them to Amazon RDS: apply them yourself once, or use --target ecs or docker`, d.service, sp(d.service));
      continue;
    }
    let name = `${d.service}-init`;
    for (let n = 2; hasOwn(project.services, name) || Object.values(initFor).includes(name); n++) name = `${d.service}-init-${n}`;
    initFor[d.service] = name;
  }
  return { replaced, facts, plans, initFor };
}
