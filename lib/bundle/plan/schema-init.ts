/**
 * The schema init container of a replaced database (docs/bundle.md, "Databases"): the database
 * service's own image running the shipped init script against RDS once, the containers that wait for
 * it, and the variables the stack sets for it.
 */
import { servicePointer as sp } from '../collector';
import { dict, hasOwn, own, sortRecord } from '../dict';
import { DEFAULT_IMAGE_PLATFORM, SCHEMA_INIT_MEMORY_MIB } from '../keys';
import type { PlanContext } from './context';
import { contextShown, sourceRef } from './image';
import type { PlannedDatabases } from './databases';
import { schemaInitScript, SCHEMA_INIT_BUNDLE_PATH, SCHEMA_INIT_SCRIPT, SCHEMA_INIT_VARIABLES } from './schema-init-script';
import type { PlannedImage, PlannedMount, PlannedService } from './types';

/** A planned container with every optional setting empty. */
function bareService(service: string, containerName: string): PlannedService {
  return {
    service, containerName, essential: true, oneShot: false, environment: dict(), readsStackEnvironment: false, ports: [], exposed: [], mounts: [],
    dependsOn: dict(), volumesFrom: [], extraHosts: [], dns: [], dnsSearch: [], ulimits: dict(), labels: dict(), capAdd: [], capDrop: [],
    sysctls: dict(), tmpfs: [], networks: { default: [] }, passThrough: dict(), composeLinks: [],
  };
}

/** Plans each replaced database's schema init container; `containers` holds their sanitized names. */
export function planSchemaInit(ctx: PlanContext, dbs: PlannedDatabases, kept: readonly string[], containers: Readonly<Record<string, string>>): void {
  const { project, c } = ctx;
  for (const d of dbs.replaced) {
    const initName = own(dbs.initFor, d.service);
    const init = dbs.plans[d.service].init;
    if (!initName || !init) continue;
    const svc = project.services[d.service];
    const built = own(ctx.builds, d.service);
    let build: PlannedImage | undefined;
    if (built && svc.build) {
      // the database service's own image: it has the engine's client and the files its Dockerfile copied
      const args: Record<string, string> = dict();
      for (const [k, v] of Object.entries(svc.build.args)) if (v !== null) args[k] = v;
      for (const [k, v] of Object.entries(ctx.overrides[d.service].args ?? {})) args[k] = v;
      const target = ctx.overrides[d.service].target !== undefined ? ctx.overrides[d.service].target ?? undefined : svc.build.target;
      build = {
        service: initName,
        containerName: containers[initName],
        context: built.context,
        dockerfile: built.dockerfile,
        ...(target !== undefined ? { target } : {}),
        args: sortRecord(args),
        platform: svc.platform ?? svc.build.platforms[0] ?? ctx.options.imagePlatform ?? DEFAULT_IMAGE_PLATFORM,
        reportedAs: { service: d.service, source: sourceRef(ctx, sp(d.service, 'build')), context: contextShown(ctx, built.context) },
      };
      ctx.images.push(build);
    } else if (!svc.image) {
      c.fail('bundle/schema-init-image', `services.${d.service} has schema init files but neither an image nor a build to run its client from`, sp(d.service));
      continue;
    }
    const mounts: PlannedMount[] = [{ kind: 'shipped', source: SCHEMA_INIT_BUNDLE_PATH, target: SCHEMA_INIT_SCRIPT, readOnly: true }];
    ctx.shipped.set(SCHEMA_INIT_BUNDLE_PATH, { path: SCHEMA_INIT_BUNDLE_PATH, content: schemaInitScript(d.engine) });
    for (const m of init.shipped) {
      ctx.shipped.set(m.path, { path: m.path, sourcePath: m.sourcePath, ...(m.location ? { location: m.location } : {}) });
      mounts.push({ kind: 'shipped', source: m.path, target: m.target, readOnly: true });
    }
    for (const role of ['host', 'port', 'user', 'password', 'database'] as const) {
      ctx.dbVariables.add(d.service, { service: initName, name: SCHEMA_INIT_VARIABLES[role], role });
    }
    ctx.planned[initName] = {
      ...bareService(initName, containers[initName]),
      ...(build ? { build } : { image: svc.image }),
      essential: false,
      oneShot: true,
      memoryReservationMiB: SCHEMA_INIT_MEMORY_MIB,
      entrypoint: ['/bin/sh', SCHEMA_INIT_SCRIPT],
      readsStackEnvironment: true,
      mounts,
      restart: 'no',
    };
    // the services that use the database wait for the init container
    const waiting: string[] = [];
    for (const s of kept) {
      const reads = ctx.dbVariables.reads(d.service, s);
      if (!hasOwn(project.services[s].dependsOn, d.service) && !reads) continue;
      const deps = own(ctx.dependsOnOf, s);
      if (!deps) continue;
      deps[initName] = 'service_completed_successfully';
      waiting.push(s);
    }
    const files = init.sqlFiles.length > 0 ? init.sqlFiles.join(', ') : 'the files of its image';
    const waits = waiting.length === 0 ? ''
      : ctx.healthchecksWritten ? `; ${waiting.join(', ')} start${waiting.length === 1 ? 's' : ''} after it has finished`
        : `; ${waiting.join(', ')} start${waiting.length === 1 ? 's' : ''} at the same time (the ECS platform waits for it only with the containerHealthChecks option) and must retry until the tables exist`;
    c.warn('bundle/schema-init', `services.${d.service}'s schema init files (${files}) are applied once to the Amazon RDS database by the container ${initName}, which runs the ${built ? 'image built from its Dockerfile' : `image ${svc.image}`} at each deployment and records what it applied in the table beanstack_schema_init${waits}`, d.service, sp(d.service));
  }
}
