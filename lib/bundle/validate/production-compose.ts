/** The production docker-compose.yml of the Docker platform, as docker-compose 1.29.2 and Compose v2 read it. */
import { IssueList, describe, sortIssues, type Segment, type ValidationIssue } from './issues';
import { arrayOf, isObject } from '../../util/json';
import { isValidImageReference } from './references';
import { IMAGE_PLACEHOLDER_PREFIX } from '../types';
import { suggest } from '../../util/suggest';
import { hasOwn } from '../dict';
import { allDirectoryPrefixes, underAnyOf } from '../../util/path-prefixes';

// ---- production docker-compose.yml (Docker AL2023 platform) -----------------------------------

/*
 * The production compose file must be read by two Compose implementations: the platform's Docker
 * Compose v2 (5.x on Docker AL2023 4.13) and Debian's docker-compose 1.29.2, which local rehearsal
 * and the tests use as an independent oracle. The key tables below are the subset both accept; they
 * follow the compose_spec.json shipped with docker-compose 1.29.2 (compose/config/compose_spec.json),
 * which rejects newer keys such as top-level `name`/`include`, `develop`, `env_file` objects,
 * `ports[].host_ip` and `depends_on.<svc>.required`.
 */

const COMPOSE_TOP_LEVEL_KEYS = ['configs', 'networks', 'secrets', 'services', 'version', 'volumes'];

const COMPOSE_SERVICE_KEYS = [
  'blkio_config', 'build', 'cap_add', 'cap_drop', 'cgroup_parent', 'command', 'configs', 'container_name', 'cpu_count',
  'cpu_percent', 'cpu_period', 'cpu_quota', 'cpu_rt_period', 'cpu_rt_runtime', 'cpu_shares', 'cpus', 'cpuset',
  'credential_spec', 'depends_on', 'deploy', 'device_cgroup_rules', 'devices', 'dns', 'dns_opt', 'dns_search', 'domainname',
  'entrypoint', 'env_file', 'environment', 'expose', 'extends', 'external_links', 'extra_hosts', 'group_add', 'healthcheck',
  'hostname', 'image', 'init', 'ipc', 'isolation', 'labels', 'links', 'logging', 'mac_address', 'mem_limit',
  'mem_reservation', 'mem_swappiness', 'memswap_limit', 'network_mode', 'networks', 'oom_kill_disable', 'oom_score_adj',
  'pid', 'pids_limit', 'platform', 'ports', 'privileged', 'profiles', 'pull_policy', 'read_only', 'restart', 'runtime',
  'scale', 'secrets', 'security_opt', 'shm_size', 'stdin_open', 'stop_grace_period', 'stop_signal', 'storage_opt',
  'sysctls', 'tmpfs', 'tty', 'ulimits', 'user', 'userns_mode', 'volumes', 'volumes_from', 'working_dir',
];

const COMPOSE_BUILD_KEYS = ['args', 'cache_from', 'context', 'dockerfile', 'extra_hosts', 'isolation', 'labels', 'network', 'shm_size', 'target'];
const COMPOSE_PORT_KEYS = ['mode', 'protocol', 'published', 'target'];
const COMPOSE_VOLUME_KEYS = ['bind', 'consistency', 'read_only', 'source', 'target', 'tmpfs', 'type', 'volume'];
const COMPOSE_HEALTHCHECK_KEYS = ['disable', 'interval', 'retries', 'start_period', 'test', 'timeout'];
const COMPOSE_LIMIT_KEYS = ['cpus', 'memory'];
const COMPOSE_RESERVATION_KEYS = ['cpus', 'devices', 'generic_resources', 'memory'];
/** The keys of a long-syntax volume mount's option blocks. */
const COMPOSE_VOLUME_OPTION_KEYS = [['bind', ['propagation']], ['volume', ['nocopy']], ['tmpfs', ['size']]] as const;
/** The keys of `deploy.resources` blocks. */
const COMPOSE_RESOURCE_KEYS = [['limits', COMPOSE_LIMIT_KEYS], ['reservations', COMPOSE_RESERVATION_KEYS]] as const;

export interface ProductionComposeOptions {
  /**
   * POSIX paths (relative to the bundle root) of every file in the bundle. When given, relative
   * paths of the compose file (env files, bind mounts, build contexts, secret files) must exist in it.
   *
   * @default - paths are not checked against the bundle
   */
  readonly bundleFiles?: readonly string[];
}

/** Normalizes a relative path (`./a/../b` → `b`); `undefined` when it leaves the bundle root. */
function bundlePath(p: string): string | undefined {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

/**
 * Every problem of the production docker-compose.yml of the `docker` target (Docker AL2023
 * platform): what docker-compose 1.29.2 would refuse, the one service that must publish host port
 * 80, `.env` handling, and relative paths that would not exist in the bundle.
 */
export function validateProductionCompose(doc: unknown, options: ProductionComposeOptions = {}): ValidationIssue[] {
  const list = new IssueList();
  if (!isObject(doc)) {
    list.add([], 'compose/not-a-mapping', `a docker-compose.yml must be a mapping with a \`services\` key, not ${describe(doc)}`);
    return list.items;
  }
  const check = new ComposeChecks(list, options.bundleFiles);
  check.unknownKeys([], doc, COMPOSE_TOP_LEVEL_KEYS, 'the top level');
  checkVersion(list, doc.version);
  if (!isObject(doc.services) || Object.keys(doc.services).length === 0) {
    list.add(['services'], 'compose/no-services', 'the production compose file needs a `services` mapping with at least one service');
    return sortIssues(list.items);
  }
  const file: FileState = {
    services: doc.services,
    volumes: isObject(doc.volumes) ? doc.volumes : {},
    webPublishers: [],
    hostPorts: new Map(),
    bundledDotenv: check.files?.has('.env') ?? false,
  };
  for (const name of Object.keys(file.services)) checkService(check, file, name);
  checkSectionFiles(check, doc);
  checkWebPort(list, file.webPublishers);
  return sortIssues(list.items);
}

/** The issues of one file, and the two checks every part of it uses: paths into the bundle, known keys. */
class ComposeChecks {
  /** The bundle's files, normalized; `undefined` when paths are not checked against the bundle. */
  readonly files: ReadonlySet<string> | undefined;
  /** Every directory the bundle's files lie in. */
  private readonly directories: ReadonlySet<string> | undefined;

  constructor(readonly list: IssueList, bundleFiles: readonly string[] | undefined) {
    this.files = bundleFiles ? new Set(bundleFiles.map((f) => bundlePath(f) ?? f)) : undefined;
    this.directories = this.files ? allDirectoryPrefixes(this.files) : undefined;
  }

  /** A relative path that stays in the bundle and exists there (`bind` sources may be absolute). */
  checkPath(at: Segment[], p: string, what: string, kind: 'file' | 'directory' | 'bind'): void {
    if (p.startsWith('/') || p.startsWith('~')) {
      if (kind !== 'bind') this.list.add(at, 'compose/absolute-path', `${what} ${describe(p)} is an absolute path of this machine; it does not exist on the instance, so use a path relative to the bundle root`);
      return;
    }
    const rel = bundlePath(p);
    if (rel === undefined) {
      this.list.add(at, 'compose/path-outside-bundle', `${what} ${describe(p)} points outside the bundle (the bundle root is /var/app/current on the instance); copy the file into the bundle and use a path below it`);
    } else if (!this.existsInBundle(rel)) {
      this.list.add(at, 'compose/missing-bundle-file', `${what} ${describe(p)} is not in the bundle; add ${rel} to the bundle or remove the reference`);
    }
  }

  /** The keys of `obj` docker-compose 1.29.2 accepts (`known`) or extensions (`x-`). */
  unknownKeys(at: Segment[], obj: Record<string, unknown>, known: readonly string[], what: string): void {
    for (const key of Object.keys(obj)) {
      if (key.startsWith('x-') || known.includes(key)) continue;
      const suggestion = suggest(key, known);
      this.list.add(
        [...at, key],
        'compose/unsupported-key',
        `\`${key}\` is not a key of ${what} that docker-compose 1.29.2 accepts${suggestion ? `; did you mean \`${suggestion}\`?` : '; remove it from the production compose file'}`,
      );
    }
  }

  private existsInBundle(p: string): boolean {
    const files = this.files;
    if (!files) return true;
    if (p === '') return true;
    if (files.has(p)) return true;
    if (this.directories!.has(p)) return true;
    // a shipped directory covers the files below it (the planner lists only the directory)
    return underAnyOf(p, files);
  }
}

/** What the checks of the services share. */
interface FileState {
  readonly services: Record<string, unknown>;
  /** The top-level `volumes`. */
  readonly volumes: Record<string, unknown>;
  /** Services publishing host port 80/tcp, in file order. */
  readonly webPublishers: string[];
  /** `<port>/<protocol>` → the service that published it last. */
  readonly hostPorts: Map<string, string>;
  /** Whether the bundle ships a `.env` of its own. */
  readonly bundledDotenv: boolean;
}

/** One service, where it is, and its name. */
interface ServiceAt {
  readonly svc: Record<string, unknown>;
  readonly at: Segment[];
  readonly name: string;
}

/** The rules every service is checked against, in order. */
const SERVICE_CHECKS: readonly ((check: ComposeChecks, file: FileState, service: ServiceAt) => void)[] = [
  checkImageAndBuild,
  checkEnvFiles,
  checkPorts,
  checkServiceVolumes,
  checkServiceReferences,
  checkNestedKeys,
];

function checkVersion(list: IssueList, v: unknown): void {
  if (v === undefined) return;
  if (typeof v !== 'string' || !/^[23](\.\d+)?$/.test(v)) {
    list.add(['version'], 'compose/invalid-version', `version ${describe(v)} is not accepted by docker-compose 1.29.2 (it wants a string such as "3.8"); remove the key, Compose v2 does not need it`);
  } else {
    list.add(['version'], 'compose/obsolete-version', 'the `version` key is obsolete: Docker Compose v2 on the platform ignores it with a warning; remove it', 'warning');
  }
}

function checkService(check: ComposeChecks, file: FileState, name: string): void {
  const at: Segment[] = ['services', name];
  const svc = file.services[name];
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) {
    check.list.add(at, 'compose/invalid-service-name', `service name ${describe(name)} may contain only letters, digits, '.', '_' and '-'`);
  }
  if (!isObject(svc)) {
    check.list.add(at, 'compose/wrong-type', `service ${describe(name)} must be a mapping, not ${describe(svc)}`);
    return;
  }
  check.unknownKeys(at, svc, COMPOSE_SERVICE_KEYS, 'a service');
  for (const rule of SERVICE_CHECKS) rule(check, file, { svc, at, name });
}

/** An image (a real, valid reference) or a build whose context is in the bundle. */
function checkImageAndBuild(check: ComposeChecks, _file: FileState, { svc, at, name }: ServiceAt): void {
  const { list } = check;
  if (svc.image === undefined && svc.build === undefined) {
    list.add([...at, 'image'], 'compose/image-missing', `service ${describe(name)} has neither image nor build; set the image URI`);
  }
  if (typeof svc.image === 'string') {
    if (svc.image.startsWith(IMAGE_PLACEHOLDER_PREFIX)) {
      list.add([...at, 'image'], 'dockerrun/image-placeholder', `service ${describe(name)} still has the placeholder image ${describe(svc.image)}; pass the real image URI (\`--image ${name}=<uri>\`) or deploy through the CDK stack`);
    } else if (!/\$/.test(svc.image) && !isValidImageReference(svc.image)) {
      list.add([...at, 'image'], 'compose/invalid-image', `service ${describe(name)} has image ${describe(svc.image)}, which is not a valid image reference`);
    }
  }
  if (typeof svc.build === 'string') {
    check.checkPath([...at, 'build'], svc.build, 'build context', 'directory');
  } else if (isObject(svc.build)) {
    check.unknownKeys([...at, 'build'], svc.build, COMPOSE_BUILD_KEYS, '`build`');
    if (typeof svc.build.context === 'string' && !/^[a-z]+:\/\//.test(svc.build.context) && !svc.build.context.startsWith('git@')) {
      check.checkPath([...at, 'build', 'context'], svc.build.context, 'build context', 'directory');
    }
  }
}

/** env_file: paths in the bundle; `.env` is Elastic Beanstalk's, unless the bundle ships one. */
function checkEnvFiles(check: ComposeChecks, file: FileState, { svc, at }: ServiceAt): void {
  const envFiles = typeof svc.env_file === 'string' ? [svc.env_file] : Array.isArray(svc.env_file) ? svc.env_file : svc.env_file === undefined ? [] : null;
  if (envFiles === null) {
    check.list.add([...at, 'env_file'], 'compose/wrong-type', 'env_file must be a path or a list of paths');
    return;
  }
  envFiles.forEach((f, i) => {
    const fat: Segment[] = typeof svc.env_file === 'string' ? [...at, 'env_file'] : [...at, 'env_file', i];
    if (typeof f !== 'string') {
      check.list.add(fat, 'compose/unsupported-key', `env_file entries must be paths; docker-compose 1.29.2 does not accept the long form ${describe(f)} (path/required)`);
      return;
    }
    const rel = bundlePath(f);
    if (rel === '.env') {
      if (file.bundledDotenv) {
        check.list.add(fat, 'compose/bundled-dotenv', 'the bundle contains a .env file, so Elastic Beanstalk will not write its environment properties (and secrets) into .env; remove .env from the bundle', 'warning');
      }
      return; // Elastic Beanstalk writes .env at the bundle root on deploy
    }
    check.checkPath(fat, f, 'env_file', 'file');
  });
}

/** ports: valid, each host port published by one service; who publishes port 80 on all addresses. */
function checkPorts(check: ComposeChecks, file: FileState, { svc, at, name }: ServiceAt): void {
  const { list } = check;
  const ports = svc.ports === undefined ? [] : Array.isArray(svc.ports) ? svc.ports : null;
  if (ports === null) list.add([...at, 'ports'], 'compose/wrong-type', 'ports must be a list');
  (ports ?? []).forEach((p, i) => {
    const pat: Segment[] = [...at, 'ports', i];
    const parsed = parseComposePort(p);
    if ('error' in parsed) {
      list.add(pat, parsed.code, parsed.error);
      return;
    }
    if (isObject(p)) check.unknownKeys(pat, p, COMPOSE_PORT_KEYS, 'a port');
    for (const host of parsed.published) {
      const key = `${host}/${parsed.protocol}`;
      if (file.hostPorts.has(key) && file.hostPorts.get(key) !== name) {
        list.add(pat, 'compose/duplicate-host-port', `host port ${key} is also published by service ${describe(file.hostPorts.get(key))}; every host port can be published by one service`);
      }
      file.hostPorts.set(key, name);
      if (host === 80 && parsed.protocol === 'tcp') {
        if (parsed.hostIp && parsed.hostIp !== '0.0.0.0' && parsed.hostIp !== '::') {
          list.add(pat, 'compose/web-port-bound', `service ${describe(name)} publishes port 80 only on ${parsed.hostIp}; the load balancer cannot reach it there, so publish "80:<container port>" on all addresses`);
        }
        if (!file.webPublishers.includes(name)) file.webPublishers.push(name);
      }
    }
  });
}

/** volumes: known keys, bind sources in the bundle, named volumes declared. */
function checkServiceVolumes(check: ComposeChecks, file: FileState, { svc, at, name }: ServiceAt): void {
  const vols = svc.volumes === undefined ? [] : Array.isArray(svc.volumes) ? svc.volumes : null;
  if (vols === null) check.list.add([...at, 'volumes'], 'compose/wrong-type', 'volumes must be a list');
  (vols ?? []).forEach((v, i) => {
    const vat: Segment[] = [...at, 'volumes', i];
    const mount = volumeMount(check, vat, v);
    if (!mount) return;
    const { type, source } = mount;
    // `${EB_LOG_BASE_DIR}/web` and other interpolated sources are resolved on the instance
    if (source === undefined || source === '' || source.includes('$')) return;
    if (type === 'bind') {
      if (source.startsWith('~')) {
        check.list.add(vat, 'compose/host-bind', `service ${describe(name)} bind-mounts ${describe(source)} from a home directory, which does not exist on the Elastic Beanstalk instance; use a path relative to the bundle`);
      } else if (!source.startsWith('/')) {
        check.checkPath(vat, source, 'bind mount source', 'bind');
      }
    } else if (type === 'volume' && !hasOwn(file.volumes, source)) {
      check.list.add(vat, 'compose/unknown-volume', `named volume ${describe(source)} is not declared under the top-level \`volumes\`; docker-compose refuses undeclared named volumes`);
    }
  });
}

/** The type and source of a volume mount (short or long syntax, its keys checked); `undefined` for an anonymous or malformed one. */
function volumeMount(check: ComposeChecks, vat: Segment[], v: unknown): { type?: string; source?: string } | undefined {
  if (typeof v === 'string') {
    const parts = v.split(':');
    if (parts.length === 1) return undefined; // anonymous volume
    const source = parts[0];
    return { type: source.startsWith('/') || source.startsWith('.') || source.startsWith('~') ? 'bind' : 'volume', source };
  }
  if (isObject(v)) {
    check.unknownKeys(vat, v, COMPOSE_VOLUME_KEYS, 'a volume mount');
    for (const [sub, allowed] of COMPOSE_VOLUME_OPTION_KEYS) {
      if (isObject(v[sub])) check.unknownKeys([...vat, sub], v[sub] as Record<string, unknown>, allowed, `\`${sub}\``);
    }
    return { type: typeof v.type === 'string' ? v.type : undefined, source: typeof v.source === 'string' ? v.source : undefined };
  }
  check.list.add(vat, 'compose/wrong-type', `a volume mount must be a string or a mapping, not ${describe(v)}`);
  return undefined;
}

/** depends_on and links name services of this file. */
function checkServiceReferences(check: ComposeChecks, file: FileState, { svc, at }: ServiceAt): void {
  const { list } = check;
  const { services } = file;
  if (Array.isArray(svc.depends_on)) {
    svc.depends_on.forEach((d, i) => {
      if (typeof d === 'string' && !hasOwn(services, d)) list.add([...at, 'depends_on', i], 'compose/unknown-service', `depends on ${describe(d)}, which is not a service of this file`);
    });
  } else if (isObject(svc.depends_on)) {
    for (const [d, cfg] of Object.entries(svc.depends_on)) {
      if (!hasOwn(services, d)) list.add([...at, 'depends_on', d], 'compose/unknown-service', `depends on ${describe(d)}, which is not a service of this file`);
      if (isObject(cfg)) check.unknownKeys([...at, 'depends_on', d], cfg, ['condition'], '`depends_on`');
    }
  }
  arrayOf(svc.links).forEach((l, i) => {
    if (typeof l === 'string' && !hasOwn(services, l.split(':')[0])) list.add([...at, 'links', i], 'compose/unknown-service', `links to ${describe(l.split(':')[0])}, which is not a service of this file`);
  });
}

/** healthcheck and deploy.resources: known keys; memory as a string with a unit. */
function checkNestedKeys(check: ComposeChecks, _file: FileState, { svc, at }: ServiceAt): void {
  if (isObject(svc.healthcheck)) check.unknownKeys([...at, 'healthcheck'], svc.healthcheck, COMPOSE_HEALTHCHECK_KEYS, '`healthcheck`');
  if (!isObject(svc.deploy) || !isObject(svc.deploy.resources)) return;
  for (const [k, allowed] of COMPOSE_RESOURCE_KEYS) {
    const r = svc.deploy.resources[k];
    if (!isObject(r)) continue;
    check.unknownKeys([...at, 'deploy', 'resources', k], r, allowed, `\`deploy.resources.${k}\``);
    if (r.memory !== undefined && typeof r.memory !== 'string') {
      check.list.add([...at, 'deploy', 'resources', k, 'memory'], 'compose/wrong-type', `deploy.resources.${k}.memory must be a string with a unit such as "256M" (docker-compose 1.29.2 refuses numbers), not ${describe(r.memory)}`);
    }
  }
}

/** The files of top-level secrets and configs are in the bundle. */
function checkSectionFiles(check: ComposeChecks, doc: Record<string, unknown>): void {
  for (const kind of ['secrets', 'configs'] as const) {
    const section = doc[kind];
    if (!isObject(section)) continue;
    for (const [n, cfg] of Object.entries(section)) {
      if (isObject(cfg) && typeof cfg.file === 'string') check.checkPath([kind, n, 'file'], cfg.file, `${kind.slice(0, -1)} file`, 'file');
    }
  }
}

/** Exactly one service publishes host port 80. */
function checkWebPort(list: IssueList, webPublishers: readonly string[]): void {
  if (webPublishers.length === 0) {
    list.add(['services'], 'compose/no-web-port', 'no service publishes host port 80; the Docker platform routes load-balancer traffic to port 80 of the instance, so publish "80:<container port>" on the service that serves HTTP');
  } else if (webPublishers.length > 1) {
    list.add(['services'], 'compose/several-web-ports', `services ${webPublishers.map((s) => describe(s)).join(', ')} all publish host port 80; exactly one service (the web entry point) may`);
  }
}

interface ParsedPort {
  readonly published: number[];
  readonly protocol: string;
  readonly hostIp?: string;
}

interface PortError {
  readonly error: string;
  readonly code: string;
}

/** Parses one compose `ports` entry as docker-compose 1.29.2 accepts it. */
function parseComposePort(p: unknown): ParsedPort | PortError {
  const invalid = (error: string): PortError => ({ error, code: 'compose/invalid-port' });
  const unsupported = (error: string): PortError => ({ error, code: 'compose/unsupported-syntax' });
  if (typeof p === 'number') return Number.isInteger(p) && p > 0 && p < 65536 ? { published: [], protocol: 'tcp' } : invalid(`invalid port ${describe(p)}`);
  if (typeof p === 'string') {
    const m = /^(?:(?:(\[[0-9a-fA-F:]+\]|[0-9.]+):)?(\d+(?:-\d+)?)?:)?(\d+(?:-\d+)?)(?:\/(tcp|udp|sctp))?$/.exec(p);
    if (!m) return invalid(`port ${describe(p)} is not [[host ip:]host port:]container port[/protocol]`);
    const published: number[] = [];
    if (m[2] !== undefined) {
      const [a, b] = m[2].split('-').map(Number);
      for (let x = a; x <= (b ?? a) && published.length < 65536; x++) published.push(x);
    }
    return { published, protocol: m[4] ?? 'tcp', hostIp: m[1]?.replace(/^\[|\]$/g, '') };
  }
  if (isObject(p)) {
    if (typeof p.target !== 'number') return invalid('a long-syntax port needs an integer `target`');
    // docker-compose 1.29.2 converts a numeric string, but not a range
    const published = typeof p.published === 'string' && /^\d+$/.test(p.published) ? Number(p.published) : p.published;
    if (published !== undefined && typeof published !== 'number') {
      return unsupported(`published ${describe(p.published)} must be one port number; docker-compose 1.29.2 does not accept a range in the long syntax`);
    }
    if (p.host_ip !== undefined) return unsupported('`host_ip` in the long port syntax is not accepted by docker-compose 1.29.2; use the short syntax "ip:host:container"');
    return { published: typeof published === 'number' ? [published] : [], protocol: typeof p.protocol === 'string' ? p.protocol : 'tcp' };
  }
  return invalid(`a port must be a string, a number or a mapping, not ${describe(p)}`);
}

