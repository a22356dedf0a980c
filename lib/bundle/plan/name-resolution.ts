/**
 * Name resolution on the ECS platform. Under Compose every service resolves every other service on a
 * network it shares (service names, `container_name`s, network aliases). ECS bridge-mode containers
 * resolve each other only through `links`, which go one way and cannot form a cycle. So beanstack
 * orders the containers and links each one to every container before it that shares a compose network
 * with it: every pair keeps one direction, and the order decides which one:
 *
 * 1. explicit dependencies — `depends_on`, `links`, `volumes_from`, `x-beanstack.connects_to` — put
 *    the dependency first;
 * 2. names a service is seen to use — in its environment values, command, and the config files it is
 *    given (nginx `proxy_pass`, `upstream`, …) — put the named service first, unless that would close a
 *    cycle;
 * 3. then by role: data stores and brokers, application services, web front ends, proxies and the web
 *    service last (they reach everything else); then by name.
 *
 * A service with `x-beanstack.connects_to` links to exactly the services it lists (plus its explicit
 * dependencies). Names that cannot be kept are reported by the planner, each with its fix.
 */
import type { SourceLocation } from '../../errors';
import { dict, own } from '../dict';
import { byString } from '../../util/order';
import { MinHeap } from '../../util/min-heap';

/** An edge "`from` needs `to` first" with where it comes from. */
export interface Dependency {
  readonly from: string;
  readonly to: string;
  /** `depends_on`, `links`, `volumes_from`, `x-beanstack.connects_to`. */
  readonly reason: string;
  /** JSON pointer of the compose value that says so. */
  readonly pointer: string;
}

/** `from` uses the name `name` of `to` somewhere (a host in a variable, a config file). */
export interface Mention {
  readonly from: string;
  readonly to: string;
  readonly name: string;
  /** `environment DB_HOST`, `command`, `nginx/default.conf`. */
  readonly where: string;
  /** JSON pointer (compose values) or position (config files). */
  readonly pointer?: string;
  readonly location?: SourceLocation;
}

/** A name by which a service is reached: on every network it joins, or on one. */
export interface HostName {
  readonly name: string;
  readonly network?: string;
}

export interface NameResolutionInput {
  /** Services in the bundle, sorted. */
  readonly services: readonly string[];
  /** Networks each service joins. */
  readonly networks: Readonly<Record<string, readonly string[]>>;
  /** Names each service is reached by under Compose (its service name first). */
  readonly names: Readonly<Record<string, readonly HostName[]>>;
  /** 0 data store, 1 application, 2 web front end, 3 proxy / web service. */
  readonly tiers: Readonly<Record<string, number>>;
  readonly explicit: readonly Dependency[];
  readonly mentions: readonly Mention[];
  /** `x-beanstack.connects_to` per service that sets it. */
  readonly declared: Readonly<Record<string, readonly string[]>>;
  /** Extra aliases from compose `links: [to:alias]`, by from → to. */
  readonly linkAliases: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

/** One link of a container: the target service and the names it is reached by. */
export interface PlannedLink {
  readonly service: string;
  /** Names besides the container's own, valid as ECS link aliases, sorted. */
  readonly aliases: readonly string[];
}

export interface NameResolution {
  /** Start order: each service after the ones it links to. */
  readonly order: readonly string[];
  /** Links by service, targets sorted. */
  readonly links: Readonly<Record<string, readonly PlannedLink[]>>;
  /** Explicit dependencies that would close a cycle (errors). */
  readonly explicitCycles: readonly Dependency[];
  /** Names a service uses that resolve only the other way round (a link would close a cycle). */
  readonly unresolved: readonly Mention[];
  /** Names a service with `x-beanstack.connects_to` uses of services it does not list. */
  readonly undeclared: readonly Mention[];
  /** Per service: the services whose names it cannot resolve although Compose would, with no sign it uses them. */
  readonly oneWay: Readonly<Record<string, readonly string[]>>;
  /** Names that ECS cannot carry as a link alias (letters, digits, `_` and `-` only). */
  readonly invalidAliases: readonly { readonly from: string; readonly to: string; readonly alias: string }[];
}

/** What ECS accepts as a link alias: up to 255 letters, digits, underscores and hyphens. */
export const LINK_ALIAS_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;


/** Adds edges that keep the graph acyclic; returns the ones that would close a cycle. */
class Dag {
  private readonly after = new Map<string, Set<string>>();

  has(from: string, to: string): boolean {
    return this.after.get(from)?.has(to) ?? false;
  }

  /** Whether `to` already (transitively) needs `from`. */
  private reaches(from: string, to: string): boolean {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n === to) return true;
      if (seen.has(n)) continue;
      seen.add(n);
      for (const m of this.after.get(n) ?? []) stack.push(m);
    }
    return false;
  }

  add(from: string, to: string): boolean {
    if (from === to || this.has(from, to)) return true;
    if (this.reaches(to, from)) return false;
    if (!this.after.has(from)) this.after.set(from, new Set());
    this.after.get(from)!.add(to);
    return true;
  }

  needs(from: string): ReadonlySet<string> {
    return this.after.get(from) ?? new Set();
  }
}

/** Topological order, ready services taken by (tier, name). */
function order(services: readonly string[], dag: Dag, tiers: Readonly<Record<string, number>>): string[] {
  const inBundle = new Set(services);
  const pending = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const s of services) {
    const needs = [...dag.needs(s)].filter((t) => inBundle.has(t));
    pending.set(s, needs.length);
    for (const t of needs) {
      const list = dependents.get(t);
      if (list) list.push(s);
      else dependents.set(t, [s]);
    }
  }
  const before = (a: string, b: string) => (own(tiers, a) ?? 1) - (own(tiers, b) ?? 1) || byString(a, b);
  const ready = new MinHeap<string>(before);
  for (const s of services) if (pending.get(s) === 0) ready.push(s);
  const out: string[] = [];
  for (let s = ready.pop(); s !== undefined; s = ready.pop()) {
    out.push(s);
    for (const d of dependents.get(s) ?? []) {
      const left = pending.get(d)! - 1;
      pending.set(d, left);
      if (left === 0) ready.push(d);
    }
  }
  return out;
}

/** Resolves who links to whom; see the module comment for the rule. */
export function resolveNames(input: NameResolutionInput): NameResolution {
  const dag = new Dag();
  const explicitCycles: Dependency[] = [];
  const inBundle = new Set(input.services);
  const sortedDeps = [...input.explicit].sort((a, b) => byString(a.from, b.from) || byString(a.to, b.to) || byString(a.reason, b.reason));
  for (const d of sortedDeps) {
    if (!inBundle.has(d.from) || !inBundle.has(d.to)) continue;
    if (!dag.add(d.from, d.to) && !explicitCycles.some((e) => e.from === d.from && e.to === d.to)) explicitCycles.push(d);
  }
  const unresolved: Mention[] = [];
  const undeclared: Mention[] = [];
  const sortedMentions = [...input.mentions].sort((a, b) => byString(a.from, b.from) || byString(a.to, b.to) || byString(a.where, b.where));
  for (const m of sortedMentions) {
    if (!inBundle.has(m.from) || !inBundle.has(m.to) || m.from === m.to) continue;
    if (own(input.declared, m.from) && !input.declared[m.from].includes(m.to)) {
      undeclared.push(m);
      continue;
    }
    if (!dag.add(m.from, m.to)) unresolved.push(m);
  }
  const sequence = order(input.services, dag, input.tiers);
  const position = new Map(sequence.map((s, i) => [s, i]));
  const shares = (a: string, b: string) => (own(input.networks, a) ?? []).some((n) => (own(input.networks, b) ?? []).includes(n));

  /** The services each service names without a link to them (unresolved or undeclared). */
  const mentionedBy = new Map<string, Set<string>>();
  for (const m of [...unresolved, ...undeclared]) {
    const set = mentionedBy.get(m.from);
    if (set) set.add(m.to);
    else mentionedBy.set(m.from, new Set([m.to]));
  }
  const links: Record<string, PlannedLink[]> = dict();
  const oneWay: Record<string, string[]> = dict();
  const invalidAliases: { from: string; to: string; alias: string }[] = [];
  for (const s of sequence) {
    const declared = own(input.declared, s);
    const targets = sequence
      .filter((t) => t !== s && position.get(t)! < position.get(s)! && shares(s, t))
      .filter((t) => !declared || declared.includes(t) || dag.needs(s).has(t))
      .sort(byString);
    const shared = (t: string) => (own(input.networks, s) ?? []).filter((n) => (own(input.networks, t) ?? []).includes(n));
    const planned: PlannedLink[] = [];
    for (const t of targets) {
      const nets = shared(t);
      const names = new Set<string>();
      for (const h of own(input.names, t) ?? []) if (h.network === undefined || nets.includes(h.network)) names.add(h.name);
      for (const a of own(own(input.linkAliases, s) ?? {}, t) ?? []) names.add(a);
      const aliases: string[] = [];
      for (const n of [...names].sort(byString)) {
        if (LINK_ALIAS_PATTERN.test(n)) aliases.push(n);
        else invalidAliases.push({ from: s, to: t, alias: n });
      }
      planned.push({ service: t, aliases });
    }
    if (planned.length > 0) links[s] = planned;
    const mentioned = mentionedBy.get(s) ?? new Set<string>();
    const linked = new Set(targets);
    const lost = input.services.filter((t) => t !== s && shares(s, t) && !linked.has(t) && !mentioned.has(t)).sort(byString);
    if (lost.length > 0) oneWay[s] = lost;
  }
  return { order: sequence, links, explicitCycles, unresolved, undeclared, oneWay, invalidAliases };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether `text` uses `host` as a host name: at the start, after `//`, `@`, `=`, whitespace, a quote
 * or a comma, and followed by the end, `:`, `/`, whitespace, a quote, a comma or `;`.
 */
export function mentionsHost(text: string, host: string): boolean {
  return hostMentionIndex(text, host) >= 0;
}

/** Index of the first use of `host` as a host name in `text` (see `mentionsHost`), or -1. */
export function hostMentionIndex(text: string, host: string): number {
  if (host === '') return -1;
  const re = new RegExp(`(^|[\\s,;=@'"(]|//)${escapeRegExp(host)}(?=$|[\\s,;:/'")])`);
  const m = re.exec(text);
  return m ? m.index + m[1].length : -1;
}
