/**
 * Semantic validation: what the JSON schema cannot express.
 *
 * - dependency cycles, through `depends_on` and the implicit dependencies of `dependencies.ts`
 *   (`links`, `volumes_from`, `network_mode` / `ipc` / `pid: service:x`); the cycle path is reported;
 * - references to unknown services (`depends_on`, `links`, `volumes_from`, `network_mode`, `ipc`
 *   and `pid` set to `service:x`, `build.additional_contexts` set to `service:x`);
 * - a `tmpfs` entry and a volume mounted at the same container path;
 * - references to services disabled by profiles (an error, except a `depends_on` entry with
 *   `required: false`, which is dropped with a warning — 15-profiles.md, 05-services.md#depends_on);
 * - named volumes, networks, secrets and configs used by services but not declared at the top level.
 *
 * Every problem is found before anything is thrown; they are reported together in `details`, sorted
 * by file, line and column. A single problem is thrown with its own code and fix.
 */
import { ComposeError, Diagnostic, ErrorDetail, SourceLocation } from '../errors';
import { DEPENDENCY_VERBS, DependencySource, ServiceDependency, serviceDependencies, serviceMode } from './dependencies';
import type { ComposeProject, DependsOnConfig, ServiceConfig } from './model';
import { cleanTarget, locate, setKey } from './normalize';
import { escapeSegment, humanPointer, toPointer } from './pointer';
import { serviceProfiles } from './profiles';
import { isObject } from '../util/json';

export interface SemanticInput {
  /** The project after normalization, with only the enabled services. */
  readonly project: ComposeProject;
  /** The raw merged document (to point at list items by index). */
  readonly data: Readonly<Record<string, unknown>>;
}

interface Problem {
  readonly code: string;
  readonly message: string;
  readonly fix: string;
  readonly location?: SourceLocation;
}

/**
 * Checks the project; returns it with non-required dependencies on disabled services removed.
 * @throws ComposeError listing every problem found
 */
export function checkProject(input: SemanticInput): { result: ComposeProject; warnings: Diagnostic[] } {
  const checks = new ModelChecks(input);
  const services: Record<string, ServiceConfig> = {};
  for (const [name, svc] of Object.entries(input.project.services)) {
    setKey(services, name, checkDependsOn(checks, name, svc));
    checkImplicitDependencies(checks, name, svc);
    checkNetworkMode(checks, name, svc);
    checkImageOrBuild(checks, name, svc);
    consistency(name, svc, checks.loc, checks.problems);
    checkMountPaths(checks, name, svc);
    checkDeclaredResources(checks, name, svc);
  }
  checkCycles(checks, services);
  throwProblems(checks.problems);
  return { result: { ...input.project, services }, warnings: checks.warnings };
}

/** What every check reads (the project, the raw services) and collects (problems, warnings). */
class ModelChecks {
  readonly problems: Problem[] = [];
  readonly warnings: Diagnostic[] = [];
  readonly project: ComposeProject;
  /** The raw services of the merged document, disabled ones included. */
  readonly rawServices: Record<string, unknown>;
  private readonly disabled: ReadonlySet<string>;
  /** Every service name, sorted (for the fix of an unknown reference; computed once). */
  private knownNames?: readonly string[];

  constructor(input: SemanticInput) {
    this.project = input.project;
    this.rawServices = (isObject(input.data.services) ? input.data.services : {}) as Record<string, unknown>;
    this.disabled = new Set(input.project.disabledServices);
  }

  readonly loc = (ptr: string): SourceLocation | undefined => locate(this.project.locations, ptr);

  isEnabled(name: string): boolean {
    return Boolean(this.project.services[name]);
  }

  isDisabled(name: string): boolean {
    return this.disabled.has(name);
  }

  /** Pointer to the list item or mapping key of `key` in `service` that `match` accepts (the key itself when none does). */
  refPointer(service: string, key: string, match: (item: unknown) => boolean): string {
    const rawService = this.rawServices[service];
    const raw = isObject(rawService) ? rawService[key] : undefined;
    const base = toPointer(['services', service, key]);
    if (Array.isArray(raw)) {
      const i = raw.findIndex(match);
      return i >= 0 ? `${base}/${i}` : base;
    }
    if (isObject(raw)) {
      const k = Object.keys(raw).find((x) => match(x));
      return k !== undefined ? `${base}/${escapeSegment(k)}` : base;
    }
    return base;
  }

  /** Pointer to the entry of service `from` that creates the dependency `d` (a `depends_on` list item by its index). */
  edgePointer(from: string, d: ServiceDependency): string {
    return d.reason === 'depends_on' ? this.refPointer(from, 'depends_on', namesIt(d.service)) : d.pointer;
  }

  /** Checks a reference from `service` to `target`; returns whether it is usable. */
  serviceRef(service: string, target: string, ptr: string, what: string): boolean {
    if (this.isEnabled(target)) return true;
    if (this.disabled.has(target)) {
      this.problems.push({
        code: 'compose/disabled-service-reference',
        message: `service "${service}" ${what} "${target}", which is disabled by profiles`,
        fix: this.profileFix(target),
        location: this.loc(ptr),
      });
    } else {
      this.knownNames ??= Object.keys(this.rawServices).sort();
      this.problems.push({
        code: 'compose/unknown-service',
        message: `service "${service}" ${what} "${target}", which is not defined`,
        fix: `define service "${target}" under \`services:\`, or use one of: ${this.knownNames.join(', ') || '(no services)'}`,
        location: this.loc(ptr),
      });
    }
    return false;
  }

  private profileFix(target: string): string {
    const profiles = serviceProfiles(this.rawServices[target]);
    return profiles.length
      ? `activate one of its profiles (\`--profile ${profiles[0]}\` or COMPOSE_PROFILES=${profiles.join(',')}), or give both services a common profile`
      : 'give both services a common profile';
  }

  warn(code: string, message: string, service: string, ptr: string): void {
    this.warnings.push({ code, message, service, path: humanPointer(ptr), location: this.loc(ptr) });
  }
}

/** Whether a list item or key names service `name` (`db`, `db:alias`, `db=x`, `{ source: db }`). */
const namesIt = (name: string) => (item: unknown) =>
  item === name || (typeof item === 'string' && (item.split(':')[0] === name || item.split('=')[0] === name)) ||
  (isObject(item) && item.source === name);

/**
 * `depends_on`: every target must be an enabled service, except a `required: false` entry, which is
 * dropped with a warning. Returns the service without the dropped entries.
 */
function checkDependsOn(checks: ModelChecks, name: string, svc: ServiceConfig): ServiceConfig {
  const dependsOn: Record<string, DependsOnConfig> = {};
  for (const [target, dep] of Object.entries(svc.dependsOn)) {
    const ptr = checks.refPointer(name, 'depends_on', namesIt(target));
    if (!checks.isEnabled(target) && !dep.required) {
      checks.warn(
        checks.isDisabled(target) ? 'compose/optional-dependency-disabled' : 'compose/optional-dependency-missing',
        checks.isDisabled(target)
          ? `depends_on "${target}" is ignored: the service is disabled by profiles and the dependency has \`required: false\``
          : `depends_on "${target}" is ignored: there is no such service and the dependency has \`required: false\``,
        name,
        ptr,
      );
      continue;
    }
    checks.serviceRef(name, target, ptr, 'depends on');
    setKey(dependsOn, target, dep);
  }
  return dependsOn === svc.dependsOn || sameKeys(dependsOn, svc.dependsOn) ? svc : { ...svc, dependsOn };
}

/**
 * The implicit dependencies (`links`, `volumes_from`, `network_mode` / `ipc` / `pid: service:x`)
 * and `build.additional_contexts` set to `service:x` (build.md#additional_contexts) name enabled services.
 */
function checkImplicitDependencies(checks: ModelChecks, name: string, svc: ServiceConfig): void {
  for (const d of serviceDependencies(svc)) {
    if (d.reason !== 'depends_on') checks.serviceRef(name, d.service, checks.edgePointer(name, d), DEPENDENCY_VERBS[d.reason]);
  }
  for (const [context, value] of Object.entries(svc.build?.additionalContexts ?? {})) {
    const target = serviceMode(value);
    if (target === undefined) continue;
    const rawService = checks.rawServices[name];
    const raw = isObject(rawService) ? rawService.build : undefined;
    const list = isObject(raw) && Array.isArray(raw.additional_contexts) ? raw.additional_contexts : undefined;
    const at = list ? list.findIndex((x) => typeof x === 'string' && x.startsWith(`${context}=`)) : -1;
    const ptr = list ? toPointer(['services', name, 'build', 'additional_contexts', ...(at >= 0 ? [at] : [])]) : toPointer(['services', name, 'build', 'additional_contexts', context]);
    checks.serviceRef(name, target, ptr, 'builds on the image of');
  }
}

/**
 * `network_mode` replaces the service's networks (both set is an error), and published ports mean
 * nothing with `network_mode: host` (05-services.md#ports, a warning).
 */
function checkNetworkMode(checks: ModelChecks, name: string, svc: ServiceConfig): void {
  if (svc.networkMode !== undefined && Object.keys(svc.networks).length > 0) {
    checks.problems.push({
      code: 'compose/network-mode-and-networks',
      message: `service "${name}" sets both \`network_mode\` and \`networks\``,
      fix: 'remove one of them: `network_mode` replaces the service\'s networks',
      location: checks.loc(toPointer(['services', name, 'network_mode'])),
    });
  }
  if (svc.networkMode === 'host' && svc.ports.some((p) => p.published !== undefined)) {
    checks.warn('compose/ports-with-host-network', 'published ports are ignored with `network_mode: host`: the container already uses the host\'s ports', name, toPointer(['services', name, 'ports']));
  }
}

/**
 * 05-services.md#image: "`image` may be omitted from a Compose file as long as a `build` section is
 * declared" (Compose v2: "service has neither an image nor a build context specified"). A `provider`
 * service (05-services.md#provider) is run by a plugin and needs neither.
 */
function checkImageOrBuild(checks: ModelChecks, name: string, svc: ServiceConfig): void {
  if (svc.image !== undefined || svc.build !== undefined || svc.other.provider !== undefined) return;
  checks.problems.push({
    code: 'compose/missing-image',
    message: `service "${name}" has neither an \`image\` nor a \`build\` section`,
    fix: `add \`image: <name:tag>\` or \`build: <directory>\` to service "${name}"; if this file only overrides another one, pass the base file before it (\`-f compose.yaml -f <this file>\`)`,
    location: checks.loc(toPointer(['services', name])),
  });
}

/** A `tmpfs` entry and a volume on one container path (compose-go refuses it; the engine would too). */
function checkMountPaths(checks: ModelChecks, name: string, svc: ServiceConfig): void {
  if (svc.tmpfs.length === 0) return;
  const firstAt = new Map<string, number>();
  svc.volumes.forEach((v, i) => {
    if (!firstAt.has(v.target)) firstAt.set(v.target, i);
  });
  for (const entry of svc.tmpfs) {
    const target = cleanTarget(entry.split(':')[0]);
    const i = firstAt.get(target);
    if (i === undefined) continue;
    checks.problems.push({
      code: 'compose/duplicate-mount',
      message: `service "${name}" mounts both \`tmpfs\` ${target} and \`volumes[${i}]\` at ${target}`,
      fix: `keep one of the two mounts for ${target}: a \`tmpfs\` entry and a volume cannot share a container path`,
      location: checks.loc(toPointer(['services', name, 'volumes', i])),
    });
  }
}

/** Named volumes, networks, secrets and configs a service uses must be declared at the top level. */
function checkDeclaredResources(checks: ModelChecks, name: string, svc: ServiceConfig): void {
  const { project, problems, loc } = checks;
  svc.volumes.forEach((v, i) => {
    if (v.type === 'volume' && v.source !== undefined && !project.volumes[v.source]) {
      problems.push({
        code: 'compose/undeclared-volume',
        message: `service "${name}" uses the named volume "${v.source}", which is not declared under the top-level \`volumes:\``,
        fix: `add \`${v.source}:\` under a top-level \`volumes:\` key, or write a path (\`./${v.source}\`) for a bind mount`,
        location: loc(toPointer(['services', name, 'volumes', i])),
      });
    }
  });
  for (const net of Object.keys(svc.networks)) {
    if (!project.networks[net]) {
      problems.push({
        code: 'compose/undeclared-network',
        message: `service "${name}" joins the network "${net}", which is not declared under the top-level \`networks:\``,
        fix: `add \`${net}:\` under a top-level \`networks:\` key`,
        location: loc(checks.refPointer(name, 'networks', (x) => x === net)),
      });
    }
  }
  const fileRefs = (kind: 'secrets' | 'configs', refs: readonly { source: string }[], base: (i: number) => string) => {
    refs.forEach((ref, i) => {
      if (project[kind][ref.source]) return;
      problems.push({
        code: kind === 'secrets' ? 'compose/undeclared-secret' : 'compose/undeclared-config',
        message: `service "${name}" uses the ${kind.slice(0, -1)} "${ref.source}", which is not declared under the top-level \`${kind}:\``,
        fix: `add \`${ref.source}:\` with a \`file:\` under a top-level \`${kind}:\` key`,
        location: loc(base(i)),
      });
    });
  };
  fileRefs('secrets', svc.secrets, (i) => toPointer(['services', name, 'secrets', i]));
  fileRefs('configs', svc.configs, (i) => toPointer(['services', name, 'configs', i]));
  if (svc.build) fileRefs('secrets', svc.build.secrets, (i) => toPointer(['services', name, 'build', 'secrets', i]));
}

/** Dependency cycles (only between enabled services): `depends_on` and the implicit dependencies. */
function checkCycles(checks: ModelChecks, services: Readonly<Record<string, ServiceConfig>>): void {
  for (const cycle of findCycles(services)) {
    const edges: ServiceDependency[] = [];
    for (let i = 0; i + 1 < cycle.length; i++) {
      edges.push(serviceDependencies(services[cycle[i]]).find((d) => d.service === cycle[i + 1])!);
    }
    const first = edges[0];
    const onlyDependsOn = edges.every((d) => d.reason === 'depends_on');
    checks.problems.push({
      code: 'compose/dependency-cycle',
      message: onlyDependsOn
        ? `depends_on cycle: ${cycle.join(' -> ')}`
        : `dependency cycle: ${cycle.join(' -> ')} (${edges.map((d, i) => `${cycle[i]} ${DEPENDENCY_VERBS[d.reason]} ${d.service}`).join(', ')})`,
      fix: onlyDependsOn
        ? 'remove one of the `depends_on` entries of the cycle'
        : 'remove one of the entries of the cycle: `depends_on`, `links`, `volumes_from` and `network_mode`, `ipc` or `pid` set to `service:<name>` each make a service start after the one it names',
      location: checks.loc(checks.edgePointer(cycle[0], first)),
    });
  }
}

/** Throws the problems found: one with its own code and fix, several as one error listing them sorted by position. */
function throwProblems(problems: readonly Problem[]): void {
  if (problems.length === 1) {
    const p = problems[0];
    throw new ComposeError(p.message, { code: p.code, location: p.location, fix: p.fix });
  }
  if (problems.length > 1) {
    const sorted = [...problems].sort(compareProblems);
    const details: ErrorDetail[] = sorted.map((p) => ({ message: `${p.message} (${p.fix})`, ...(p.location ? { location: p.location } : {}) }));
    throw new ComposeError(`the compose model has ${sorted.length} problems`, {
      code: 'compose/invalid-model',
      location: sorted[0].location,
      fix: 'fix each problem listed above',
      details,
    });
  }
}

/**
 * Every elementary cycle reachable in the dependency graph (`depends_on` and the implicit
 * dependencies of `dependencies.ts`, between the services given), each once, rotated to start at
 * its smallest service name (`a -> b -> a`).
 */
export function findCycles(services: Readonly<Record<string, Omit<DependencySource, 'name'>>>): string[][] {
  const has = (name: string) => Object.prototype.hasOwnProperty.call(services, name);
  const state = new Map<string, 1 | 2>();
  /** The path of the depth-first walk, and where each service on it stands. */
  const stack: string[] = [];
  const positions = new Map<string, number>();
  const seen = new Set<string>();
  const cycles: string[][] = [];
  // an explicit stack of frames, not recursion: a chain of thousands of services cannot overflow it
  const frames: { readonly node: string; readonly targets: readonly string[]; next: number }[] = [];
  const enter = (node: string) => {
    state.set(node, 1);
    positions.set(node, stack.length);
    stack.push(node);
    const targets = [...new Set(serviceDependencies({ ...services[node], name: node }).map((d) => d.service))].sort();
    frames.push({ node, targets, next: 0 });
  };
  for (const name of Object.keys(services).sort()) {
    if (state.has(name)) continue;
    enter(name);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      if (frame.next === frame.targets.length) {
        frames.pop();
        stack.pop();
        positions.delete(frame.node);
        state.set(frame.node, 2);
        continue;
      }
      const target = frame.targets[frame.next++];
      if (!has(target)) continue;
      const s = state.get(target);
      if (s === 1) {
        const cycle = stack.slice(positions.get(target));
        const minAt = cycle.indexOf([...cycle].sort()[0]);
        const rotated = [...cycle.slice(minAt), ...cycle.slice(0, minAt)];
        const key = rotated.join('\0');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...rotated, rotated[0]]);
        }
      } else if (s === undefined) enter(target);
    }
  }
  return cycles;
}

/**
 * Attributes the specification says must agree with each other (Compose v2 refuses the project
 * when they do not, in compose-go's `checkConsistency`):
 * - `cpus`, `mem_limit`, `mem_reservation`, `pids_limit`, `scale` "must be consistent" with their
 *   `deploy` counterparts (05-services.md#cpus, #mem_limit, #mem_reservation, #pids_limit, #scale);
 * - `dockerfile` and `dockerfile_inline` are exclusive (build.md#dockerfile);
 * - non-empty `build.platforms` must contain the service's `platform` (build.md#platforms);
 * - a `container_name` cannot be used with more than one replica (05-services.md#container_name);
 * - a `develop.watch` entry with a sync action needs a `target` (develop.md#target).
 */
function consistency(name: string, svc: ServiceConfig, loc: (ptr: string) => SourceLocation | undefined, problems: Problem[]): void {
  const limits = svc.deploy?.resources?.limits;
  const reservations = svc.deploy?.resources?.reservations;
  const pidsLimit = typeof svc.other.pids_limit === 'number' ? svc.other.pids_limit : undefined;
  const pairs: [string, number | undefined, string[], number | undefined][] = [
    ['cpus', svc.cpus, ['deploy', 'resources', 'limits', 'cpus'], limits?.cpus],
    ['mem_limit', svc.memLimitBytes, ['deploy', 'resources', 'limits', 'memory'], limits?.memoryBytes],
    ['mem_reservation', svc.memReservationBytes, ['deploy', 'resources', 'reservations', 'memory'], reservations?.memoryBytes],
    ['pids_limit', pidsLimit, ['deploy', 'resources', 'limits', 'pids'], limits?.pids],
    ['scale', svc.scale, ['deploy', 'replicas'], svc.deploy?.replicas],
  ];
  for (const [key, value, deployPath, deployValue] of pairs) {
    if (value === undefined || deployValue === undefined || value === deployValue) continue;
    const deployKey = deployPath.join('.');
    const unit = key.startsWith('mem_') ? ' bytes' : '';
    const where = loc(toPointer(['services', name, ...deployPath]));
    problems.push({
      code: 'compose/inconsistent-values',
      message: `service "${name}" sets \`${key}\` to ${value}${unit} but \`${deployKey}\` to ${deployValue}${unit}${where ? ` (at line ${where.line})` : ''}`,
      fix: `keep only one of the two, or give both the same value: the specification requires them to be consistent`,
      location: loc(toPointer(['services', name, key])),
    });
  }
  const build = svc.build;
  if (build?.dockerfile !== undefined && build.dockerfileInline !== undefined) {
    problems.push({
      code: 'compose/dockerfile-and-inline',
      message: `service "${name}" sets both \`build.dockerfile\` and \`build.dockerfile_inline\``,
      fix: 'keep one: `dockerfile` names a file in the build context, `dockerfile_inline` holds its text',
      location: loc(toPointer(['services', name, 'build', 'dockerfile_inline'])),
    });
  }
  if (build && build.platforms.length > 0 && svc.platform !== undefined && !build.platforms.includes(svc.platform)) {
    problems.push({
      code: 'compose/platform-not-built',
      message: `service "${name}" runs on platform "${svc.platform}", which its \`build.platforms\` (${build.platforms.join(', ')}) do not include`,
      fix: `add "${svc.platform}" to \`build.platforms\`, or change \`platform\``,
      location: loc(toPointer(['services', name, 'build', 'platforms'])),
    });
  }
  // develop.md#target: the sync actions copy `path` to `target` (compose-go requires it)
  const watch = isObject(svc.develop) && Array.isArray(svc.develop.watch) ? svc.develop.watch : [];
  watch.forEach((w, i) => {
    if (!isObject(w) || typeof w.action !== 'string' || !w.action.startsWith('sync') || (typeof w.target === 'string' && w.target !== '')) return;
    problems.push({
      code: 'compose/watch-without-target',
      message: `service "${name}": the \`develop.watch\` entry with \`action: ${w.action}\` has no \`target\``,
      fix: 'add `target:` (the container path the files of `path` are copied to), or use `action: rebuild`',
      location: loc(toPointer(['services', name, 'develop', 'watch', i])),
    });
  });
  const replicas = svc.scale ?? svc.deploy?.replicas;
  if (svc.containerName !== undefined && replicas !== undefined && replicas > 1) {
    problems.push({
      code: 'compose/container-name-with-replicas',
      message: `service "${name}" sets \`container_name\` and ${svc.scale !== undefined ? '`scale`' : '`deploy.replicas`'} ${replicas}: container names must be unique`,
      fix: 'remove `container_name` (Compose then names each replica itself), or run one replica',
      location: loc(toPointer(['services', name, 'container_name'])),
    });
  }
}

function compareProblems(a: Problem, b: Problem): number {
  const ka: (string | number)[] = [a.location?.file ?? '', a.location?.line ?? 0, a.location?.column ?? 0, a.message];
  const kb: (string | number)[] = [b.location?.file ?? '', b.location?.line ?? 0, b.location?.column ?? 0, b.message];
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] < kb[i]) return -1;
    if (ka[i] > kb[i]) return 1;
  }
  return 0;
}

function sameKeys(a: object, b: object): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i]);
}

