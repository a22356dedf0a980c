/**
 * The ECS links of a plan: the names each container must resolve (docs/bundle.md, "Service
 * discovery"), from what the compose files say and what the services' config files use, with a
 * located warning for every name that cannot be kept and how to keep it.
 */
import * as path from 'path';
import { serviceDependencies } from '../../compose/dependencies';
import type { ComposeProject } from '../../compose/model';
import { servicePointer as sp } from '../collector';
import type { PlanContext } from './context';
import { dict, own } from '../dict';
import { SERVICE_TIERS } from '../keys';
import { Dependency, HostName, Mention, PlannedLink, resolveNames } from './name-resolution';
import { collectMentions, MentionText, NameOwner } from './mentions';

/** The names a service is reached by under Compose: service name, container_name, hostname, network aliases. */
export function hostNames(project: ComposeProject, service: string): HostName[] {
  const svc = project.services[service];
  const out: HostName[] = [{ name: service }];
  if (svc.containerName) out.push({ name: svc.containerName });
  if (svc.hostname) out.push({ name: svc.hostname });
  for (const [n, cfg] of Object.entries(svc.networks)) for (const a of cfg?.aliases ?? []) out.push({ name: a, network: n });
  return out;
}

/** 0 data store, 1 application, 2 web front end, 3 proxy; by service name, else by image. */
export function serviceTier(service: string, image: string | undefined): number {
  for (const t of SERVICE_TIERS) if (t.pattern.test(service)) return t.tier;
  for (const t of SERVICE_TIERS) if (image && t.pattern.test(image)) return t.tier;
  return 1;
}

const list = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');

export function resolveLinks(ctx: PlanContext, kept: readonly string[], webService: string | undefined, replaced: ReadonlySet<string>): Record<string, readonly PlannedLink[]> {
  const { project, overrides, planned, builds, files, c } = ctx;
  const keptSet = new Set(kept);
  const names: Record<string, HostName[]> = dict();
  const networks: Record<string, string[]> = dict();
  const tiers: Record<string, number> = dict();
  const explicit: Dependency[] = [];
  const declared: Record<string, readonly string[]> = dict();
  const linkAliases: Record<string, Record<string, string[]>> = dict();
  for (const s of kept) {
    const svc = project.services[s];
    names[s] = hostNames(project, s);
    networks[s] = Object.keys(svc.networks);
    tiers[s] = s === webService ? 3 : serviceTier(s, ctx.imageOf(s));
    // depends_on and the dependencies the specification gives the same meaning (links, volumes_from, …)
    for (const d of serviceDependencies(svc)) explicit.push({ from: s, to: d.service, reason: d.reason, pointer: d.pointer });
    for (const l of svc.links) {
      const [to, alias] = l.split(':');
      if (alias && alias !== to) {
        const byTarget = (linkAliases[s] ??= dict());
        (byTarget[to] ??= []).push(alias);
      }
    }
    const connects = overrides[s].connectsTo;
    if (connects) {
      declared[s] = connects.filter((t) => keptSet.has(t));
      connects.forEach((t, i) => explicit.push({ from: s, to: t, reason: 'x-beanstack.connects_to', pointer: sp(s, 'x-beanstack', 'connects_to', i) }));
    }
  }

  // every name of every service, so that a use of a service that is not in the bundle is reported too
  const owners: NameOwner[] = [];
  for (const t of Object.keys(project.services).sort()) for (const h of hostNames(project, t)) owners.push({ name: h.name, service: t });
  for (const t of project.disabledServices) owners.push({ name: t, service: t });
  const mentions: Mention[] = [];
  for (const s of kept) {
    const p = own(planned, s);
    if (!p) continue;
    const texts: MentionText[] = [
      ...Object.entries(p.environment).map(([k, v]) => ({ where: `environment ${k}`, text: v, pointer: sp(s, 'environment', k) })),
      ...(p.command ? [{ where: 'command', text: p.command.join(' '), pointer: sp(s, 'command') }] : []),
      ...(p.entrypoint ? [{ where: 'entrypoint', text: p.entrypoint.join(' '), pointer: sp(s, 'entrypoint') }] : []),
    ];
    const configPaths = [
      ...p.mounts.filter((m) => m.kind === 'shipped').map((m) => path.posix.join(project.projectDirectory, m.source)),
      ...(own(builds, s)?.copies ?? []).flatMap((copy) => copy.sources.map((src) => path.posix.resolve(own(builds, s)!.context, src))),
    ];
    mentions.push(...collectMentions(s, texts, configPaths, owners, files));
  }

  const resolution = resolveNames({ services: kept, networks, names, tiers, explicit, mentions, declared, linkAliases });
  for (const e of resolution.explicitCycles) {
    c.fail('bundle/link-cycle', `services.${e.from} and services.${e.to} need each other (${e.reason}); links on the ECS platform go one way and cannot form a cycle: remove one of the two dependencies, or use --target docker, where Compose networking is kept`, e.pointer);
  }
  const where = (m: Mention) => (m.location ? `${path.posix.relative(project.projectDirectory, m.location.file)}:${m.location.line}` : `services.${m.from}.${m.where.replace(/^environment /, 'environment.')}`);
  const report = (m: Mention, message: string) => {
    if (m.location) c.warnAt('bundle/name-unresolvable', message, m.from, m.location);
    else c.warn('bundle/name-unresolvable', message, m.from, m.pointer);
  };
  for (const m of resolution.unresolved) {
    report(m, `${where(m)} uses the name "${m.name}" of services.${m.to}, but on the ECS platform links go one way and ${m.to} already reaches ${m.from}; "${m.name}" will not resolve in ${m.from}: declare who talks to whom with x-beanstack.connects_to, or use --target docker, where Compose networking is kept`);
  }
  for (const m of resolution.undeclared) {
    report(m, `${where(m)} uses the name "${m.name}" of services.${m.to}, but x-beanstack.connects_to of ${m.from} does not list ${m.to}, so there is no link and "${m.name}" will not resolve in ${m.from}: add ${m.to} to connects_to`);
  }
  const seen = new Set<string>();
  for (const m of mentions) {
    if (keptSet.has(m.to) || m.from === m.to) continue;
    const key = `${m.from}\u0000${m.to}\u0000${m.where}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const why = replaced.has(m.to)
      ? `${m.to} is replaced by Amazon RDS: read the database host from a variable (the stack sets it to the RDS endpoint)`
      : `${m.to} is not part of the bundle (left out or not in an active profile): keep it, or stop using its name`;
    report(m, `${where(m)} uses the name "${m.name}", which will not resolve on Elastic Beanstalk: ${why}`);
  }
  for (const s of Object.keys(resolution.oneWay).sort()) {
    // data stores and brokers answer connections; they do not open them to application services
    if (tiers[s] === 0) continue;
    const lost = resolution.oneWay[s];
    c.warn('bundle/name-one-way', `services.${s} cannot reach ${list(lost)} by name on the ECS platform: links go one way and ${lost.length === 1 ? 'that service reaches' : 'those services reach'} ${s} (nothing in the compose files or config files shows ${s} uses ${lost.length === 1 ? 'it' : 'them'}); if it does, declare x-beanstack.connects_to, or use --target docker, where Compose networking is kept`, s, sp(s));
  }
  const aliasSeen = new Set<string>();
  for (const a of resolution.invalidAliases) {
    const key = `${a.to}\u0000${a.alias}`;
    if (aliasSeen.has(key)) continue;
    aliasSeen.add(key);
    c.warn('bundle/link-alias', `the name "${a.alias}" of services.${a.to} cannot be a link alias on the ECS platform (letters, digits, _ and - only), so other containers cannot reach it by that name; use a name of letters, digits, _ and -`, a.to, sp(a.to));
  }
  return resolution.links;
}
