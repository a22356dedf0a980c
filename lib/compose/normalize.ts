/**
 * Normalization: the merged compose document (plain data, paths absolute, `include`/`extends`
 * resolved) → the typed `ComposeProject` model of `model.ts`. Every short syntax is expanded to its
 * long form here; values with units become numbers (milliseconds, bytes); `env_file` files are read
 * through the injected reader.
 *
 * Pure: data in, `{ result, warnings }` out. An unreadable value is a `ComposeError` at the value's
 * `file:line:column`, with the accepted syntax in `fix`.
 */
import * as path from 'path';
import { ComposeError, Diagnostic, SourceLocation, isUserError, locatedAt, withWarnings } from '../errors';
import { ReadBoundary, outsideProjectError } from './boundary';
import type {
  BuildConfig,
  ConfigConfig,
  DependsOnCondition,
  DependsOnConfig,
  DeployConfig,
  EnvFileRef,
  EnvFileValue,
  FileReader,
  HealthcheckConfig,
  LoggingConfig,
  NetworkConfig,
  PortConfig,
  PortProtocol,
  ResourceValues,
  SecretConfig,
  ServiceConfig,
  ServiceFileRef,
  ServiceNetworkConfig,
  ServiceVolume,
  UlimitConfig,
  VolumeConfig,
  VolumeType,
} from './model';
import { isRemoteContext } from './paths';
import { escapeSegment, humanPointer, toPointer } from './pointer';
import { ShellWordsError, splitShellWords } from './shell-words';
import {
  BYTES_SYNTAX,
  CPUS_SYNTAX,
  DURATION_SYNTAX,
  parseBytes,
  parseCpus,
  parseDuration,
  parseFileMode,
  parseInteger,
} from './units';
import { isObject } from '../util/json';

/** One variable read from an env file (the shape `parseDotEnv` returns). */
export interface DotEnvEntry {
  readonly name: string;
  readonly value: string;
  readonly line: number;
}

/** Reads the text of an env file into variables (A1's `parseDotEnv`, injected for testability). */
export type DotEnvParser = (
  text: string,
  file: string,
  options: { readonly raw?: boolean; readonly lookup?: (name: string) => string | undefined },
) => readonly DotEnvEntry[];

export interface NormalizeInput {
  /** The merged document: plain data, paths absolute, `include`/`extends` resolved. */
  readonly data: Readonly<Record<string, unknown>>;
  /** JSON pointer → source position, as produced by the document stage. */
  readonly locations: Readonly<Record<string, SourceLocation>>;
  /** JSON pointer → the text as written, for values the document stage replaced (interpolated, paths made absolute). */
  readonly writtenValues?: Readonly<Record<string, string>>;
  /** Absolute project directory (relative paths left in the document are resolved against it). */
  readonly projectDirectory: string;
  /** The interpolation environment: host `KEY` references in `environment:` resolve from it. */
  readonly environment: Readonly<Record<string, string | undefined>>;
  readonly reader: FileReader;
  /** Which files may be read (`env_file`, `label_file`); @default - any */
  readonly boundary?: ReadBoundary;
  /** For `~` in paths the document stage left unexpanded. @default - `HOME` of `environment` */
  readonly homeDirectory?: string;
  /** Services whose `env_file:` files are read (the ones enabled by profiles). @default - all */
  readonly enabledServices?: ReadonlySet<string>;
  readonly parseDotEnv: DotEnvParser;
}

export interface NormalizedDocument {
  readonly services: Record<string, ServiceConfig>;
  readonly networks: Record<string, NetworkConfig>;
  readonly volumes: Record<string, VolumeConfig>;
  readonly secrets: Record<string, SecretConfig>;
  readonly configs: Record<string, ConfigConfig>;
  readonly extensions: Record<string, unknown>;
}

/** The location of `ptr`, or of its nearest ancestor that has one. */
export function locate(
  locations: Readonly<Record<string, SourceLocation>>,
  ptr: string,
): SourceLocation | undefined {
  let p = ptr;
  for (;;) {
    const loc = locations[p];
    if (loc) return loc;
    if (p === '') return undefined;
    const cut = p.lastIndexOf('/');
    p = cut <= 0 ? '' : p.slice(0, cut);
  }
}

type Obj = Record<string, unknown>;

/** Keys of a service that map to typed fields (everything else goes to `other`). */
const SERVICE_TYPED_KEYS = new Set([
  'build', 'cap_add', 'cap_drop', 'command', 'configs', 'container_name', 'cpu_shares', 'cpus', 'depends_on',
  'deploy', 'develop', 'dns', 'dns_search', 'domainname', 'entrypoint', 'env_file', 'environment', 'expose',
  'external_links', 'extra_hosts', 'healthcheck', 'hostname', 'image', 'init', 'labels', 'links', 'logging',
  'mem_limit', 'mem_reservation', 'memswap_limit', 'network_mode', 'networks', 'platform', 'ports', 'privileged',
  'profiles', 'pull_policy', 'read_only', 'restart', 'scale', 'secrets', 'shm_size', 'stdin_open',
  'stop_grace_period', 'stop_signal', 'sysctls', 'tmpfs', 'tty', 'ulimits', 'user', 'volumes', 'working_dir',
]);

const RESTART_RE = /^(no|always|unless-stopped|on-failure(:\d+)?)$/;
/** 05-services.md#profiles: "`profiles` follow the regex format of `[a-zA-Z0-9][a-zA-Z0-9_.-]+`". */
const PROFILE_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const PROTOCOLS: readonly PortProtocol[] = ['tcp', 'udp', 'sctp'];
const VOLUME_TYPES: readonly VolumeType[] = ['bind', 'volume', 'tmpfs', 'npipe', 'cluster', 'image'];
const CONDITIONS: readonly DependsOnCondition[] = ['service_started', 'service_healthy', 'service_completed_successfully'];
const PROPAGATIONS = new Set(['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);
const CONSISTENCIES = new Set(['consistent', 'cached', 'delegated']);

/** Normalizes the whole merged document. */
export function normalizeDocument(input: NormalizeInput): { result: NormalizedDocument; warnings: Diagnostic[] } {
  const normalizer = new Normalizer(input);
  try {
    return normalizer.run();
  } catch (e) {
    throw withWarnings(e, normalizer.warnings);
  }
}

class Normalizer {
  readonly warnings: Diagnostic[] = [];
  private readonly home: string | undefined;

  constructor(private readonly input: NormalizeInput) {
    this.home = input.homeDirectory ?? input.environment.HOME;
  }

  run(): { result: NormalizedDocument; warnings: Diagnostic[] } {
    const data = this.input.data;
    const services: Record<string, ServiceConfig> = {};
    const rawServices = data.services;
    if (rawServices !== undefined && rawServices !== null && !isObject(rawServices)) {
      this.fail(toPointer(['services']), '`services` must be a mapping of service names to service definitions', 'write `services:` followed by indented `name:` entries');
    }
    for (const [name, raw] of Object.entries(rawServices ?? {})) {
      this.collect(() => setKey(services, name, this.service(name, raw)));
    }
    const networks = this.topLevel('networks', (n, raw, p) => this.network(raw, p));
    const volumes = this.topLevel('volumes', (n, raw, p) => this.volumeDef(raw, p));
    const secrets = this.topLevel('secrets', (n, raw, p) => this.fileObject(raw, p, 'secrets'));
    const configs = this.topLevel('configs', (n, raw, p) => this.fileObject(raw, p, 'configs'));

    // the implicit default network (05-services.md "implicit default network")
    const enabled = this.input.enabledServices;
    const usesDefault = Object.values(services).some(
      (s) => (!enabled || enabled.has(s.name)) && Object.prototype.hasOwnProperty.call(s.networks, 'default'),
    );
    if (usesDefault && !networks.default) {
      networks.default = { driverOpts: {}, external: false, labels: {}, other: {} };
    }

    this.throwCollected();
    const extensions: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(data)) if (k.startsWith('x-')) setKey(extensions, k, v);
    return { result: { services, networks, volumes, secrets, configs, extensions }, warnings: this.warnings };
  }

  // ---------------------------------------------------------------------------------------------
  // errors and small readers

  /** User errors found so far: one per service or top-level entry, reported together. */
  private readonly errors: ComposeError[] = [];

  /** Runs `fn`, keeping a ComposeError it throws for the report instead of stopping. */
  private collect(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      if (e instanceof ComposeError) this.errors.push(e);
      else throw e;
    }
  }

  /** Throws the collected errors: a single one as is, several as one error listing them all, sorted by position. */
  private throwCollected(): void {
    if (this.errors.length === 0) return;
    if (this.errors.length === 1) throw this.errors[0];
    const sorted = [...this.errors].sort((a, b) => {
      const ka: (string | number)[] = [a.location?.file ?? '', a.location?.line ?? 0, a.location?.column ?? 0, a.message];
      const kb: (string | number)[] = [b.location?.file ?? '', b.location?.line ?? 0, b.location?.column ?? 0, b.message];
      for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
      return 0;
    });
    throw new ComposeError(`the compose file has ${sorted.length} invalid values`, {
      code: 'compose/invalid-values',
      location: sorted[0].location,
      fix: 'fix each value listed above',
      details: sorted.map((e) => ({ message: e.fix ? `${e.message} (${e.fix})` : e.message, ...(e.location ? { location: e.location } : {}) })),
    });
  }

  private fail(ptr: string, message: string, fix: string, code = 'compose/invalid-value'): never {
    throw new ComposeError(message, { code, location: locate(this.input.locations, ptr), fix });
  }

  private warn(code: string, message: string, ptr: string, service?: string): void {
    this.warnings.push({ code, message, service, path: humanPointer(ptr), location: locate(this.input.locations, ptr) });
  }

  /**
   * A string value quoted for a message: as written, with the value it became when the document
   * stage changed it (`"${PORT}" (= "" after interpolation)`).
   */
  private shown(value: string, ptr: string): string {
    const written = this.input.writtenValues?.[ptr];
    return written !== undefined && written !== value ? `"${written}" (= "${value}" after interpolation)` : `"${value}"`;
  }

  private describe(v: unknown): string {
    if (typeof v === 'string') return `"${v}"`;
    if (v === null) return 'null';
    if (Array.isArray(v)) return 'a list';
    if (typeof v === 'object') return 'a mapping';
    return String(v);
  }

  /** A scalar as Compose turns it into a string (null → ''). */
  private scalar(v: unknown, ptr: string, what: string): string {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
    if (v === null || v === undefined) return '';
    return this.fail(ptr, `${what} must be a string, number or boolean, not ${this.describe(v)}`, `write ${what} as a single value`);
  }

  private optString(v: unknown, ptr: string, what: string): string | undefined {
    return v === undefined || v === null ? undefined : this.scalar(v, ptr, what);
  }

  private bool(v: unknown, ptr: string, what: string): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string') {
      const t = v.trim().toLowerCase();
      if (t === 'true' || t === 'yes' || t === 'on' || t === '1') return true;
      if (t === 'false' || t === 'no' || t === 'off' || t === '0') return false;
    }
    return this.fail(ptr, `${what} must be true or false, not ${this.describe(v)}`, `write \`${what.split('.').pop()}: true\` or \`false\``);
  }

  private int(v: unknown, ptr: string, what: string, min?: number, max?: number): number | undefined {
    if (v === undefined || v === null) return undefined;
    const n = parseInteger(v, { min, max });
    if (n === undefined) {
      const range = min !== undefined ? (max !== undefined ? ` between ${min} and ${max}` : ` of at least ${min}`) : '';
      this.fail(ptr, `${what} must be a whole number${range}, not ${this.describe(v)}`, `write ${what} as an integer such as \`${Math.max(min ?? 0, 1)}\``);
    }
    return n;
  }

  private duration(v: unknown, ptr: string, what: string): number | undefined {
    if (v === undefined || v === null) return undefined;
    const ms = parseDuration(v);
    if (ms === undefined) this.fail(ptr, `${what}: cannot read ${this.describe(v)} as a duration`, `write ${DURATION_SYNTAX}`);
    return ms;
  }

  private bytes(v: unknown, ptr: string, what: string): number | undefined {
    if (v === undefined || v === null) return undefined;
    const n = parseBytes(v);
    if (n === undefined) this.fail(ptr, `${what}: cannot read ${this.describe(v)} as a byte size`, `write ${BYTES_SYNTAX}`);
    return n;
  }

  private cpus(v: unknown, ptr: string, what: string): number | undefined {
    if (v === undefined || v === null) return undefined;
    const n = parseCpus(v);
    if (n === undefined) this.fail(ptr, `${what}: cannot read ${this.describe(v)} as a number of CPUs`, `write ${CPUS_SYNTAX}`);
    return n;
  }

  private fileMode(v: unknown, ptr: string, what: string): number | undefined {
    if (v === undefined || v === null) return undefined;
    const n = parseFileMode(v);
    if (n === undefined) this.fail(ptr, `${what}: cannot read ${this.describe(v)} as a file mode`, 'write an octal mode such as `0440` (as a string: `"0440"`) or a decimal number such as `288`');
    return n;
  }

  private map(v: unknown, ptr: string, what: string): Obj {
    if (v === undefined || v === null) return {};
    if (!isObject(v)) this.fail(ptr, `${what} must be a mapping, not ${this.describe(v)}`, `write ${what} as indented \`key: value\` lines`);
    return v;
  }

  private list(v: unknown, ptr: string, what: string): unknown[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail(ptr, `${what} must be a list, not ${this.describe(v)}`, `write ${what} as \`- item\` lines`);
    return v;
  }

  /** A string or a list of strings (`dns: 8.8.8.8` / `dns: [8.8.8.8]`). */
  private stringOrList(v: unknown, ptr: string, what: string): string[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) return [this.scalar(v, ptr, what)];
    return v.map((item, i) => this.scalar(item, ptr + '/' + i, `${what}[${i}]`));
  }

  private stringList(v: unknown, ptr: string, what: string): string[] {
    return this.list(v, ptr, what).map((item, i) => this.scalar(item, ptr + '/' + i, `${what}[${i}]`));
  }

  /**
   * A list of `KEY=VALUE` strings or a mapping, as entries. `KEY` alone in the list, or a null value
   * in the mapping, gives `null`.
   */
  private keyValues(v: unknown, ptr: string, what: string, separator = '='): [string, string | null, string][] {
    if (v === undefined || v === null) return [];
    const out: [string, string | null, string][] = [];
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        const p = ptr + '/' + i;
        const text = this.scalar(item, p, `${what}[${i}]`);
        const at = text.indexOf(separator);
        if (at < 0) out.push([text, null, p]);
        else out.push([text.slice(0, at), text.slice(at + separator.length), p]);
      });
      return out;
    }
    if (!isObject(v)) this.fail(ptr, `${what} must be a mapping or a list of "KEY${separator}VALUE" strings, not ${this.describe(v)}`, `write ${what} as \`KEY: value\` lines or \`- KEY${separator}value\` items`);
    for (const [k, val] of Object.entries(v)) {
      const p = ptr + '/' + escapeSegment(k);
      out.push([k, val === null || val === undefined ? null : this.scalar(val, p, `${what}.${k}`), p]);
    }
    return out;
  }

  /** Labels-like: nulls become ''. */
  private stringMap(v: unknown, ptr: string, what: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, val] of this.keyValues(v, ptr, what)) setKey(out, k, val ?? '');
    return out;
  }

  /** Resolves a path the document stage may have left relative. */
  private absPath(p: string): string {
    if (p === '~' || p.startsWith('~/')) {
      if (this.home) return path.posix.join(this.home, p.slice(1));
      return p;
    }
    if (/^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\')) return p;
    // `/etc/pihole/` and `/etc/pihole` are the same host path: keep one spelling
    if (path.posix.isAbsolute(p)) return cleanTarget(p);
    return path.posix.resolve(this.input.projectDirectory, p);
  }

  private topLevel<T>(key: string, fn: (name: string, raw: unknown, ptr: string) => T): Record<string, T> {
    const raw = this.input.data[key];
    const p = toPointer([key]);
    const out: Record<string, T> = {};
    for (const [name, value] of Object.entries(this.map(raw, p, `\`${key}\``))) {
      if (name.startsWith('x-')) continue;
      this.collect(() => setKey(out, name, fn(name, value, p + '/' + escapeSegment(name))));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // services

  private service(name: string, raw: unknown): ServiceConfig {
    const sp = toPointer(['services', name]);
    const s = this.map(raw, sp, `service "${name}"`);
    const at = (key: string) => sp + '/' + escapeSegment(key);
    const what = (key: string) => `services.${name}.${key}`;

    const other: Record<string, unknown> = {};
    const extensions: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s)) {
      if (k.startsWith('x-')) setKey(extensions, k, v);
      else if (!SERVICE_TYPED_KEYS.has(k) && k !== 'extends' && k !== 'label_file') setKey(other, k, v);
    }
    this.typedOther(other, sp, `services.${name}`);

    const environment: Record<string, string | null> = {};
    for (const [k, v] of this.keyValues(s.environment, at('environment'), what('environment'))) {
      setKey(environment, k, v !== null ? v : (this.input.environment[k] ?? null));
    }

    const envFiles = this.envFileRefs(s.env_file, at('env_file'), what('env_file'));
    const enabled = !this.input.enabledServices || this.input.enabledServices.has(name);
    const envFileValues = enabled ? this.readEnvFiles(envFiles, at('env_file')) : {};

    const restart = this.optString(s.restart, at('restart'), what('restart'));
    if (restart !== undefined && !RESTART_RE.test(restart)) {
      this.fail(at('restart'), `${what('restart')}: unknown restart policy "${restart}"`, 'use one of `no`, `always`, `on-failure`, `on-failure:N` or `unless-stopped`');
    }

    const networkMode = this.optString(s.network_mode, at('network_mode'), what('network_mode'));
    const networks = this.serviceNetworks(s.networks, at('networks'), what('networks'));
    if (s.networks === undefined && networkMode === undefined) networks.default = null;

    const ulimits = this.ulimits(s.ulimits, at('ulimits'), what('ulimits'));

    const service: ServiceConfig = {
      name,
      ...opt('image', this.optString(s.image, at('image'), what('image'))),
      ...opt('build', s.build === undefined || s.build === null ? undefined : this.build(s.build, at('build'), what('build'))),
      ...(s.command !== undefined ? { command: this.commandLine(s.command, at('command'), what('command')) } : {}),
      ...(s.entrypoint !== undefined ? { entrypoint: this.commandLine(s.entrypoint, at('entrypoint'), what('entrypoint')) } : {}),
      environment,
      envFiles,
      envFileValues,
      ports: this.ports(s.ports, at('ports'), what('ports')),
      expose: this.stringList(s.expose, at('expose'), what('expose')),
      volumes: this.serviceVolumes(s.volumes, at('volumes'), what('volumes')),
      dependsOn: this.dependsOn(s.depends_on, at('depends_on'), what('depends_on')),
      links: this.stringList(s.links, at('links'), what('links')),
      externalLinks: this.stringList(s.external_links, at('external_links'), what('external_links')),
      ...opt('healthcheck', s.healthcheck === undefined || s.healthcheck === null ? undefined : this.healthcheck(s.healthcheck, at('healthcheck'), what('healthcheck'))),
      ...opt('deploy', s.deploy === undefined || s.deploy === null ? undefined : this.deploy(s.deploy, at('deploy'), what('deploy'))),
      ...opt('memLimitBytes', this.bytes(s.mem_limit, at('mem_limit'), what('mem_limit'))),
      ...opt('memReservationBytes', this.bytes(s.mem_reservation, at('mem_reservation'), what('mem_reservation'))),
      ...opt('memswapLimitBytes', this.memswap(s.memswap_limit, at('memswap_limit'), what('memswap_limit'))),
      ...opt('shmSizeBytes', this.bytes(s.shm_size, at('shm_size'), what('shm_size'))),
      ...opt('cpus', this.cpus(s.cpus, at('cpus'), what('cpus'))),
      ...opt('cpuShares', this.int(s.cpu_shares, at('cpu_shares'), what('cpu_shares'), 0)),
      ...opt('restart', restart),
      ...opt('logging', s.logging === undefined || s.logging === null ? undefined : this.logging(s.logging, at('logging'), what('logging'))),
      labels: { ...(enabled ? this.labelFiles(s.label_file, at('label_file'), what('label_file')) : {}), ...this.stringMap(s.labels, at('labels'), what('labels')) },
      secrets: this.fileRefs(s.secrets, at('secrets'), what('secrets'), 'secret'),
      configs: this.fileRefs(s.configs, at('configs'), what('configs'), 'config'),
      networks,
      ...opt('networkMode', networkMode),
      profiles: this.profiles(s.profiles, at('profiles'), what('profiles')),
      ...opt('workingDir', this.optString(s.working_dir, at('working_dir'), what('working_dir'))),
      ...opt('user', this.optString(s.user, at('user'), what('user'))),
      ...opt('hostname', this.optString(s.hostname, at('hostname'), what('hostname'))),
      ...opt('domainname', this.optString(s.domainname, at('domainname'), what('domainname'))),
      extraHosts: this.extraHosts(s.extra_hosts, at('extra_hosts'), what('extra_hosts')),
      dns: this.stringOrList(s.dns, at('dns'), what('dns')),
      dnsSearch: this.stringOrList(s.dns_search, at('dns_search'), what('dns_search')),
      ...opt('privileged', this.bool(s.privileged, at('privileged'), what('privileged'))),
      ...opt('readOnly', this.bool(s.read_only, at('read_only'), what('read_only'))),
      ...opt('init', this.bool(s.init, at('init'), what('init'))),
      ...opt('stdinOpen', this.bool(s.stdin_open, at('stdin_open'), what('stdin_open'))),
      ...opt('tty', this.bool(s.tty, at('tty'), what('tty'))),
      ulimits,
      capAdd: this.stringList(s.cap_add, at('cap_add'), what('cap_add')),
      capDrop: this.stringList(s.cap_drop, at('cap_drop'), what('cap_drop')),
      sysctls: this.stringMap(s.sysctls, at('sysctls'), what('sysctls')),
      tmpfs: this.stringOrList(s.tmpfs, at('tmpfs'), what('tmpfs')),
      ...opt('containerName', this.optString(s.container_name, at('container_name'), what('container_name'))),
      ...opt('platform', this.optString(s.platform, at('platform'), what('platform'))),
      ...opt('pullPolicy', this.optString(s.pull_policy, at('pull_policy'), what('pull_policy'))),
      ...opt('stopSignal', this.optString(s.stop_signal, at('stop_signal'), what('stop_signal'))),
      ...opt('stopGracePeriodMs', this.duration(s.stop_grace_period, at('stop_grace_period'), what('stop_grace_period'))),
      ...opt('scale', this.int(s.scale, at('scale'), what('scale'), 0)),
      ...opt('develop', s.develop === null ? undefined : s.develop),
      extensions,
      other,
    };
    return service;
  }

  /** `ulimits`: each limit a number (soft and hard alike) or `{ soft, hard }`, both given. */
  private ulimits(raw: unknown, ptr: string, key: string): Record<string, UlimitConfig> {
    const ulimits: Record<string, UlimitConfig> = {};
    for (const [k, v] of Object.entries(this.map(raw, ptr, key))) {
      const p = ptr + '/' + escapeSegment(k);
      if (isObject(v)) {
        const soft = this.int(v.soft, p + '/soft', `${key}.${k}.soft`);
        const hard = this.int(v.hard, p + '/hard', `${key}.${k}.hard`);
        if (soft === undefined || hard === undefined) {
          this.fail(p, `${key}.${k} needs both \`soft\` and \`hard\``, `write \`${k}: { soft: 20000, hard: 40000 }\` or a single number`);
        }
        setKey(ulimits, k, { soft, hard });
      } else {
        const n = this.int(v, p, `${key}.${k}`);
        if (n === undefined) this.fail(p, `${key}.${k} has no value`, `write \`${k}: 65535\` or \`${k}: { soft: 20000, hard: 40000 }\``);
        setKey(ulimits, k, { soft: n, hard: n });
      }
    }
    return ulimits;
  }

  /**
   * Values kept under `other` whose type the specification fixes, checked and written one way:
   * `blkio_config` rates (05-services.md#blkio_config: byte values for `*_bps`, integers for
   * `*_iops`, weights 10–1000) become numbers; `mem_swappiness` (05-services.md#mem_swappiness) is
   * an integer 0–100.
   */
  private typedOther(other: Record<string, unknown>, ptr: string, what: string): void {
    if (other.mem_swappiness !== undefined && other.mem_swappiness !== null) {
      setKey(other, 'mem_swappiness', this.int(other.mem_swappiness, ptr + '/mem_swappiness', `${what}.mem_swappiness`, 0, 100));
    }
    if (!isObject(other.blkio_config)) return;
    const bp = ptr + '/blkio_config';
    const bw = `${what}.blkio_config`;
    const blkio: Obj = {};
    for (const [key, value] of Object.entries(other.blkio_config)) {
      const p = bp + '/' + escapeSegment(key);
      const w = `${bw}.${key}`;
      let typed: unknown = value;
      if (key === 'weight') typed = this.int(value, p, w, 10, 1000);
      else if (Array.isArray(value) && ['weight_device', 'device_read_bps', 'device_write_bps', 'device_read_iops', 'device_write_iops'].includes(key)) {
        const field = key === 'weight_device' ? 'weight' : 'rate';
        typed = value.map((item, i) => {
          if (!isObject(item) || item[field] === undefined || item[field] === null) return item;
          const ip = `${p}/${i}/${field}`;
          const iw = `${w}[${i}].${field}`;
          const n = key === 'weight_device' ? this.int(item[field], ip, iw, 10, 1000) : key.endsWith('_bps') ? this.bytes(item[field], ip, iw) : this.int(item[field], ip, iw, 0);
          return { ...item, [field]: n };
        });
      }
      setKey(blkio, key, typed);
    }
    setKey(other, 'blkio_config', blkio);
  }

  /** `profiles` (05-services.md#profiles): names match `[a-zA-Z0-9][a-zA-Z0-9_.-]+`. */
  private profiles(v: unknown, ptr: string, what: string): string[] {
    const names = this.stringList(v, ptr, what);
    names.forEach((name, i) => {
      if (!PROFILE_RE.test(name)) {
        this.fail(
          `${ptr}/${i}`,
          `${what}[${i}]: "${name}" is not a valid profile name`,
          'use letters, digits, `_`, `.` and `-`, starting with a letter or digit, at least two characters (e.g. `debug`)',
          'compose/invalid-profile',
        );
      }
    });
    return names;
  }

  /** `memswap_limit: -1` means unlimited swap; kept as -1. */
  private memswap(v: unknown, ptr: string, what: string): number | undefined {
    if (v === -1 || v === '-1') return -1;
    return this.bytes(v, ptr, what);
  }

  private commandLine(v: unknown, ptr: string, what: string): string[] | null {
    if (v === null) return null;
    if (Array.isArray(v)) return v.map((item, i) => this.scalar(item, ptr + '/' + i, `${what}[${i}]`));
    const text = this.scalar(v, ptr, what);
    try {
      return splitShellWords(text);
    } catch (e) {
      if (e instanceof ShellWordsError) {
        this.fail(ptr, `${what}: cannot split ${this.describe(text)} into words: ${e.message} at character ${e.index + 1}`, 'close the quote or escape it with a backslash, or write the command as a list: `["prog", "arg one"]`');
      }
      throw e;
    }
  }

  // ---- env_file

  private envFileRefs(v: unknown, ptr: string, what: string): EnvFileRef[] {
    if (v === undefined || v === null) return [];
    const items = Array.isArray(v) ? v : [v];
    return items.map((item, i) => {
      const p = Array.isArray(v) ? ptr + '/' + i : ptr;
      if (isObject(item)) {
        if (item.path === undefined || item.path === null) {
          this.fail(p, `${what}[${i}] has no \`path\``, 'write `- path: ./app.env` (with optional `required: false` and `format: raw`)');
        }
        const format = this.optString(item.format, p + '/format', `${what}[${i}].format`);
        if (format !== undefined && format !== 'raw') {
          this.fail(p + '/format', `${what}[${i}].format: unknown env_file format "${format}"`, 'leave `format` out for the Compose `.env` syntax, or write `format: raw`');
        }
        return {
          path: this.absPath(this.scalar(item.path, p + '/path', `${what}[${i}].path`)),
          required: this.bool(item.required, p + '/required', `${what}[${i}].required`) ?? true,
          ...opt('format', format),
        };
      }
      return { path: this.absPath(this.scalar(item, p, `${what}[${i}]`)), required: true };
    });
  }

  /**
   * `label_file:` (05-services.md#label_file): `KEY=VALUE` files read in order, a later file winning;
   * `labels:` wins over them. Every file must exist.
   */
  private labelFiles(v: unknown, ptr: string, what: string): Record<string, string> {
    const labels: Record<string, string> = {};
    if (v === undefined || v === null) return labels;
    const files = Array.isArray(v) ? v.map((f, i) => [f, ptr + '/' + i] as const) : [[v, ptr] as const];
    for (const [raw, p] of files) {
      const file = this.absPath(this.scalar(raw, p, what));
      this.checkReadable(file, p, 'label_file');
      const text = this.readFile(file, p);
      if (text === undefined) {
        if (this.input.reader.isDirectory?.(file)) {
          this.fail(p, `label_file "${file}" is a directory, not a file`, 'name the file inside it (one `KEY=VALUE` label per line)', 'compose/label-file-missing');
        }
        this.fail(p, `label_file "${file}" does not exist`, 'create the file (one `KEY=VALUE` label per line) or fix the path', 'compose/label-file-missing');
      }
      for (const entry of this.input.parseDotEnv(text, file, { lookup: (n) => this.input.environment[n] })) setKey(labels, entry.name, entry.value);
    }
    return labels;
  }

  private readEnvFiles(refs: readonly EnvFileRef[], ptr: string): Record<string, EnvFileValue> {
    const values: Record<string, EnvFileValue> = {};
    refs.forEach((ref, i) => {
      const p = Array.isArray(this.pointerValue(ptr)) ? ptr + '/' + i : ptr;
      this.checkReadable(ref.path, p, 'env_file');
      const text = this.readFile(ref.path, p);
      if (text === undefined) {
        if (this.input.reader.isDirectory?.(ref.path)) {
          // a directory is never "optional": `required: false` is for files that may be absent
          this.fail(p, `env_file "${ref.path}" is a directory, not a file`, 'name the file inside it (one `KEY=VALUE` per line), e.g. `env_file: ./config/app.env`', 'compose/env-file-missing');
        }
        if (ref.required) {
          // quote the path as the user wrote it (relative, with variables) and say where it was looked for
          const written = this.input.writtenValues?.[p] ?? this.input.writtenValues?.[p + '/path'];
          const asWritten = written !== undefined && written !== ref.path ? written : ref.path;
          this.fail(
            p,
            `env_file "${asWritten}" does not exist${asWritten !== ref.path ? ` (${ref.path})` : ''}`,
            `create the file, fix the path, or mark it optional with \`- path: ${asWritten}\` and \`required: false\``,
            'compose/env-file-missing',
          );
        }
        return;
      }
      const lookup = (name: string): string | undefined => values[name]?.value ?? this.input.environment[name];
      for (const entry of this.input.parseDotEnv(text, ref.path, { raw: ref.format === 'raw', lookup })) {
        setKey(values, entry.name, { value: entry.value, file: ref.path, line: entry.line });
      }
    });
    return values;
  }

  /** Refuses a file outside the project (see boundary.ts), located where it is named. */
  private checkReadable(file: string, ptr: string, what: string): void {
    const why = this.input.boundary?.refusal(file);
    if (why !== undefined) throw outsideProjectError(`${what}: ${why}`, file, this.input.locations[ptr] ?? this.input.locations[ptr + '/path']);
  }

  /** The reader's text; a reader error without a position (a FIFO, a huge file) is located where the file is named. */
  private readFile(file: string, ptr: string): string | undefined {
    try {
      return this.input.reader.readFile(file);
    } catch (e) {
      const at = this.input.locations[ptr] ?? this.input.locations[ptr + '/path'];
      throw isUserError(e) && !e.location && at ? locatedAt(e, at) : e;
    }
  }

  private pointerValue(ptr: string): unknown {
    let cur: unknown = this.input.data;
    for (const seg of ptr.split('/').slice(1)) {
      const key = seg.replace(/~1/g, '/').replace(/~0/g, '~');
      if (Array.isArray(cur)) cur = cur[Number(key)];
      else if (isObject(cur)) cur = cur[key];
      else return undefined;
    }
    return cur;
  }

  // ---- ports

  /** Port entries; an entry identical to an earlier one (e.g. `"3000"` next to `"3000-3002"`) is kept once. */
  private ports(v: unknown, ptr: string, what: string): PortConfig[] {
    const all = this.portEntries(v, ptr, what);
    const seen = new Set<string>();
    return all.filter((p) => {
      const key = JSON.stringify([p.target, p.published, p.hostIp, p.protocol, p.mode, p.name, p.appProtocol]);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /** Each entry is read on its own: every bad entry of the list is reported (the others are still read). */
  private portEntries(v: unknown, ptr: string, what: string): PortConfig[] {
    const out: PortConfig[] = [];
    this.list(v, ptr, what).forEach((item, i) => this.collect(() => {
      const p = ptr + '/' + i;
      const w = `${what}[${i}]`;
      if (isObject(item)) {
        const target = this.int(item.target, p + '/target', `${w}.target`, 0, 65535);
        if (target === undefined) this.fail(p, `${w} has no \`target\` (the container port)`, 'write `target: 80` (and `published: "8080"` to publish it)');
        const protocol = this.protocol(item.protocol, p + '/protocol', `${w}.protocol`);
        const published = item.published === undefined || item.published === null ? undefined : this.scalar(item.published, p + '/published', `${w}.published`);
        if (published !== undefined && published !== '' && !/^\d+(-\d+)?$/.test(published)) {
          this.fail(p + '/published', `${w}.published: "${published}" is not a port or a port range`, 'write a host port such as `"8080"` or a range such as `"8000-8010"`');
        }
        out.push({
          target,
          ...opt('published', published === '' ? undefined : published),
          ...opt('hostIp', this.optString(item.host_ip, p + '/host_ip', `${w}.host_ip`)),
          protocol,
          ...opt('mode', this.optString(item.mode, p + '/mode', `${w}.mode`)),
          ...opt('name', this.optString(item.name, p + '/name', `${w}.name`)),
          ...opt('appProtocol', this.optString(item.app_protocol, p + '/app_protocol', `${w}.app_protocol`)),
        });
        return;
      }
      if (typeof item === 'number') {
        if (!Number.isInteger(item) || item < 0 || item > 65535) this.fail(p, `${w}: ${item} is not a port number`, 'write a port between 1 and 65535');
        out.push({ target: item, protocol: 'tcp' });
        return;
      }
      out.push(...this.shortPort(this.scalar(item, p, w), p, w));
    }));
    return out;
  }

  private protocol(v: unknown, ptr: string, what: string): PortProtocol {
    if (v === undefined || v === null) return 'tcp';
    const text = this.scalar(v, ptr, what).toLowerCase();
    if (!(PROTOCOLS as readonly string[]).includes(text)) this.fail(ptr, `${what}: unknown protocol "${text}"`, 'use `tcp`, `udp` or `sctp`');
    return text as PortProtocol;
  }

  /** `[[IP:](port|range):](port|range)[/protocol]` → one entry per container port. */
  private shortPort(spec: string, ptr: string, what: string): PortConfig[] {
    const syntax = 'write `"CONTAINER"`, `"HOST:CONTAINER"` or `"IP:HOST:CONTAINER"`, each port a number or a range `A-B`, with an optional `/tcp` or `/udp` (for example `"127.0.0.1:8080:80/tcp"`)';
    let rest = spec.trim();
    let protocol: PortProtocol = 'tcp';
    const slash = rest.lastIndexOf('/');
    if (slash >= 0) {
      protocol = this.protocol(rest.slice(slash + 1), ptr, what);
      rest = rest.slice(0, slash);
    }
    let hostIp: string | undefined;
    let hostPart: string | undefined;
    let containerPart: string;
    const lastColon = rest.lastIndexOf(':');
    if (lastColon < 0) {
      containerPart = rest;
    } else {
      containerPart = rest.slice(lastColon + 1);
      const host = rest.slice(0, lastColon);
      if (host.startsWith('[') && host.endsWith(']')) {
        // "[::1]:80" is only an IP with a random host port
        hostIp = host.slice(1, -1);
        hostPart = '';
      } else {
        const hostColon = host.lastIndexOf(':');
        if (hostColon < 0) hostPart = host;
        else {
          hostPart = host.slice(hostColon + 1);
          hostIp = host.slice(0, hostColon);
          if (hostIp.startsWith('[') && hostIp.endsWith(']')) hostIp = hostIp.slice(1, -1);
          if (hostIp === '') this.fail(ptr, `${what}: ${this.shown(spec, ptr)} has an empty host IP`, syntax);
        }
      }
    }
    const range = (text: string): [number, number] | undefined => {
      const m = /^(\d+)(?:-(\d+))?$/.exec(text);
      if (!m) return undefined;
      const a = parseInt(m[1], 10);
      const b = m[2] !== undefined ? parseInt(m[2], 10) : a;
      if (a > 65535 || b > 65535 || b < a) return undefined;
      return [a, b];
    };
    const container = range(containerPart);
    if (!container) this.fail(ptr, `${what}: cannot read ${this.shown(spec, ptr)} as a port mapping (container port "${containerPart}")`, syntax);
    let host: [number, number] | undefined;
    if (hostPart !== undefined && hostPart !== '') {
      host = range(hostPart);
      if (!host) this.fail(ptr, `${what}: cannot read ${this.shown(spec, ptr)} as a port mapping (host port "${hostPart}")`, syntax);
    }
    const count = container[1] - container[0];
    const base = (target: number, published?: string): PortConfig => ({
      target,
      ...opt('published', published),
      ...opt('hostIp', hostIp),
      protocol,
    });
    if (!host) {
      const out: PortConfig[] = [];
      for (let t = container[0]; t <= container[1]; t++) out.push(base(t));
      return out;
    }
    if (count === 0) {
      return [base(container[0], host[0] === host[1] ? String(host[0]) : `${host[0]}-${host[1]}`)];
    }
    if (host[1] - host[0] !== count) {
      this.fail(ptr, `${what}: ${this.shown(spec, ptr)} maps ${count + 1} container ports to ${host[1] - host[0] + 1} host ports`, 'give host and container ranges of the same length, e.g. `"9090-9091:8080-8081"`');
    }
    const out: PortConfig[] = [];
    for (let k = 0; k <= count; k++) out.push(base(container[0] + k, String(host[0] + k)));
    return out;
  }

  // ---- volumes

  /** Like ports, every bad entry is reported. */
  private serviceVolumes(v: unknown, ptr: string, what: string): ServiceVolume[] {
    const out: ServiceVolume[] = [];
    this.list(v, ptr, what).forEach((item, i) => this.collect(() => {
      const p = ptr + '/' + i;
      const w = `${what}[${i}]`;
      out.push(isObject(item) ? this.longVolume(item, p, w) : this.shortVolume(this.scalar(item, p, w), p, w));
    }));
    return out;
  }

  private isPathLike(source: string): boolean {
    return (
      source.startsWith('/') ||
      source.startsWith('.') ||
      source.startsWith('~') ||
      source.startsWith('\\\\') ||
      /^[A-Za-z]:[\\/]/.test(source) ||
      source.includes('/')
    );
  }

  /** `[SOURCE:]TARGET[:MODE]` with MODE a comma-separated list (`ro`, `rw`, `z`, `Z`, `nocopy`, propagation). */
  private shortVolume(spec: string, ptr: string, what: string): ServiceVolume {
    const syntax = 'write `"SOURCE:/container/path"` or `"SOURCE:/container/path:ro"` where SOURCE is a path (`./data`, `/srv/data`) or a volume name, or `"/container/path"` for an anonymous volume';
    if (spec === '') this.fail(ptr, `${what} is empty`, syntax);
    // split on ':' but keep Windows drive letters ("C:\data:/data") together
    const parts: string[] = [];
    let cur = '';
    for (let i = 0; i < spec.length; i++) {
      const c = spec[i];
      if (c === ':' && !(cur.length === 1 && /[A-Za-z]/.test(cur) && /[\\/]/.test(spec[i + 1] ?? ''))) {
        parts.push(cur);
        cur = '';
      } else cur += c;
    }
    parts.push(cur);
    if (parts.length > 3 || parts.some((x) => x === '')) this.fail(ptr, `${what}: cannot read "${spec}" as a volume`, syntax);
    if (parts.length === 1) {
      return { type: 'volume', target: cleanTarget(parts[0]), readOnly: false };
    }
    const [source, rawTarget, mode] = parts;
    const target = cleanTarget(rawTarget);
    if (!target.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(target)) {
      this.fail(ptr, `${what}: the container path "${target}" of "${spec}" is not absolute`, syntax);
    }
    let readOnly = false;
    let selinux: string | undefined;
    let propagation: string | undefined;
    let consistency: string | undefined;
    let nocopy: boolean | undefined;
    for (const option of mode !== undefined ? mode.split(',') : []) {
      if (option === 'ro') readOnly = true;
      else if (option === 'rw') readOnly = false;
      else if (option === 'z' || option === 'Z') selinux = option;
      else if (option === 'nocopy') nocopy = true;
      else if (PROPAGATIONS.has(option)) propagation = option;
      else if (CONSISTENCIES.has(option)) consistency = option;
      else this.fail(ptr, `${what}: unknown volume option "${option}" in "${spec}"`, 'use `ro` or `rw`, optionally with `z`/`Z` (SELinux), `nocopy`, or a propagation mode (`rshared`, `rslave`, …), separated by commas');
    }
    if (this.isPathLike(source)) {
      return {
        type: 'bind',
        source: this.absPath(source),
        target,
        readOnly,
        bind: { createHostPath: true, ...opt('propagation', propagation), ...opt('selinux', selinux) },
        ...opt('consistency', consistency),
      };
    }
    return {
      type: 'volume',
      source,
      target,
      readOnly,
      ...(nocopy ? { volume: { nocopy } } : {}),
      ...opt('consistency', consistency),
    };
  }

  private longVolume(item: Obj, ptr: string, what: string): ServiceVolume {
    const typeText = this.optString(item.type, ptr + '/type', `${what}.type`);
    if (typeText === undefined) this.fail(ptr, `${what} has no \`type\``, 'add `type: bind`, `type: volume` or `type: tmpfs`');
    if (!(VOLUME_TYPES as readonly string[]).includes(typeText)) {
      this.fail(ptr + '/type', `${what}.type: unknown volume type "${typeText}"`, 'use `bind`, `volume`, `tmpfs`, `npipe`, `cluster` or `image`');
    }
    const type = typeText as VolumeType;
    const target = this.optString(item.target, ptr + '/target', `${what}.target`);
    if (target === undefined || target === '') this.fail(ptr, `${what} has no \`target\` (the path in the container)`, 'add `target: /path/in/container`');
    let source = this.optString(item.source, ptr + '/source', `${what}.source`);
    if (source === '') source = undefined;
    if (type === 'bind') {
      if (source === undefined) this.fail(ptr, `${what}: a bind mount needs a \`source\` (the host path)`, 'add `source: ./path/on/host`');
      source = this.absPath(source);
    }
    if (type === 'tmpfs' && source !== undefined) {
      this.fail(ptr + '/source', `${what}: a tmpfs mount has no \`source\``, 'remove `source`, or use `type: volume` / `type: bind`');
    }
    const bindRaw = this.map(item.bind, ptr + '/bind', `${what}.bind`);
    const volRaw = this.map(item.volume, ptr + '/volume', `${what}.volume`);
    const tmpfsRaw = this.map(item.tmpfs, ptr + '/tmpfs', `${what}.tmpfs`);
    const bind =
      type === 'bind'
        ? {
            createHostPath: this.bool(bindRaw.create_host_path, ptr + '/bind/create_host_path', `${what}.bind.create_host_path`) ?? true,
            ...opt('propagation', this.optString(bindRaw.propagation, ptr + '/bind/propagation', `${what}.bind.propagation`)),
            ...opt('selinux', this.optString(bindRaw.selinux, ptr + '/bind/selinux', `${what}.bind.selinux`)),
          }
        : undefined;
    const volume = {
      ...opt('nocopy', this.bool(volRaw.nocopy, ptr + '/volume/nocopy', `${what}.volume.nocopy`)),
      ...opt('subpath', this.optString(volRaw.subpath, ptr + '/volume/subpath', `${what}.volume.subpath`)),
    };
    const tmpfs = {
      ...opt('sizeBytes', this.bytes(tmpfsRaw.size, ptr + '/tmpfs/size', `${what}.tmpfs.size`)),
      ...opt('mode', this.fileMode(tmpfsRaw.mode, ptr + '/tmpfs/mode', `${what}.tmpfs.mode`)),
    };
    return {
      type,
      ...opt('source', source),
      target: cleanTarget(target),
      readOnly: this.bool(item.read_only, ptr + '/read_only', `${what}.read_only`) ?? false,
      ...opt('bind', bind),
      ...(Object.keys(volume).length ? { volume } : {}),
      ...(Object.keys(tmpfs).length ? { tmpfs } : {}),
      ...opt('consistency', this.optString(item.consistency, ptr + '/consistency', `${what}.consistency`)),
    };
  }

  // ---- build

  private build(v: unknown, ptr: string, what: string): BuildConfig {
    if (!isObject(v)) {
      const context = this.scalar(v, ptr, what);
      return this.buildFrom({ context }, ptr, what, true);
    }
    return this.buildFrom(v, ptr, what, false);
  }

  private buildFrom(b: Obj, ptr: string, what: string, short: boolean): BuildConfig {
    const typed = new Set([
      'context', 'dockerfile', 'dockerfile_inline', 'target', 'args', 'platforms', 'labels', 'cache_from', 'cache_to',
      'network', 'shm_size', 'tags', 'additional_contexts', 'secrets', 'ssh', 'extra_hosts', 'no_cache', 'pull', 'privileged',
    ]);
    const at = (k: string) => (short ? ptr : ptr + '/' + k);
    const rawContext = this.optString(b.context, at('context'), `${what}.context`) ?? '.';
    const context = isRemoteContext(rawContext) ? rawContext : this.absPath(rawContext);
    const args: Record<string, string | null> = {};
    // a bare `ARG` takes the loader environment's value, as `environment:` does; unset → null, which
    // build.md#args defines as "the build arg won't be set"
    for (const [k, val] of this.keyValues(b.args, at('args'), `${what}.args`)) setKey(args, k, val ?? this.input.environment[k] ?? null);
    const additionalContexts: Record<string, string> = {};
    for (const [k, val, p] of this.keyValues(b.additional_contexts, at('additional_contexts'), `${what}.additional_contexts`)) {
      if (val === null) this.fail(p, `${what}.additional_contexts.${k} has no value`, 'write `name: ./path`, `name: docker-image://image` or `name: service:other`');
      setKey(additionalContexts, k, val);
    }
    const ssh: string[] = [];
    if (isObject(b.ssh)) {
      for (const [k, val] of this.keyValues(b.ssh, at('ssh'), `${what}.ssh`)) ssh.push(val === null ? k : `${k}=${val}`);
    } else ssh.push(...this.stringOrList(b.ssh, at('ssh'), `${what}.ssh`));
    const other: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(b)) if (!typed.has(k)) setKey(other, k, val);
    return {
      context,
      ...opt('dockerfile', this.optString(b.dockerfile, at('dockerfile'), `${what}.dockerfile`)),
      ...opt('dockerfileInline', this.optString(b.dockerfile_inline, at('dockerfile_inline'), `${what}.dockerfile_inline`)),
      ...opt('target', this.optString(b.target, at('target'), `${what}.target`)),
      args,
      platforms: this.stringList(b.platforms, at('platforms'), `${what}.platforms`),
      labels: this.stringMap(b.labels, at('labels'), `${what}.labels`),
      cacheFrom: this.stringList(b.cache_from, at('cache_from'), `${what}.cache_from`),
      cacheTo: this.stringList(b.cache_to, at('cache_to'), `${what}.cache_to`),
      ...opt('network', this.optString(b.network, at('network'), `${what}.network`)),
      ...opt('shmSizeBytes', this.bytes(b.shm_size, at('shm_size'), `${what}.shm_size`)),
      tags: this.stringList(b.tags, at('tags'), `${what}.tags`),
      additionalContexts,
      secrets: this.fileRefs(b.secrets, at('secrets'), `${what}.secrets`, 'secret'),
      ssh,
      extraHosts: this.extraHosts(b.extra_hosts, at('extra_hosts'), `${what}.extra_hosts`),
      ...opt('noCache', this.bool(b.no_cache, at('no_cache'), `${what}.no_cache`)),
      ...opt('pull', this.bool(b.pull, at('pull'), `${what}.pull`)),
      ...opt('privileged', this.bool(b.privileged, at('privileged'), `${what}.privileged`)),
      other,
    };
  }

  // ---- depends_on, healthcheck, deploy, logging

  private dependsOn(v: unknown, ptr: string, what: string): Record<string, DependsOnConfig> {
    const out: Record<string, DependsOnConfig> = {};
    if (v === undefined || v === null) return out;
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        setKey(out, this.scalar(item, ptr + '/' + i, `${what}[${i}]`), { condition: 'service_started', restart: false, required: true });
      });
      return out;
    }
    for (const [name, raw] of Object.entries(this.map(v, ptr, what))) {
      const p = ptr + '/' + escapeSegment(name);
      const d = this.map(raw, p, `${what}.${name}`);
      const condition = this.optString(d.condition, p + '/condition', `${what}.${name}.condition`) ?? 'service_started';
      if (!(CONDITIONS as readonly string[]).includes(condition)) {
        this.fail(p + '/condition', `${what}.${name}.condition: unknown condition "${condition}"`, 'use `service_started`, `service_healthy` or `service_completed_successfully`');
      }
      setKey(out, name, {
        condition: condition as DependsOnCondition,
        restart: this.bool(d.restart, p + '/restart', `${what}.${name}.restart`) ?? false,
        required: this.bool(d.required, p + '/required', `${what}.${name}.required`) ?? true,
      });
    }
    return out;
  }

  private healthcheck(v: unknown, ptr: string, what: string): HealthcheckConfig {
    const h = this.map(v, ptr, what);
    let test: string[] | undefined;
    if (h.test !== undefined && h.test !== null) {
      if (Array.isArray(h.test)) {
        test = h.test.map((x, i) => this.scalar(x, ptr + '/test/' + i, `${what}.test[${i}]`));
        if (test.length === 0 || !['NONE', 'CMD', 'CMD-SHELL'].includes(test[0])) {
          this.fail(ptr + '/test', `${what}.test: a list must start with "CMD", "CMD-SHELL" or "NONE"`, 'write `test: ["CMD", "curl", "-f", "http://localhost"]` or a string, which runs in a shell');
        }
      } else {
        const text = this.scalar(h.test, ptr + '/test', `${what}.test`);
        test = text === 'NONE' ? ['NONE'] : ['CMD-SHELL', text];
      }
    }
    return {
      ...opt('test', test),
      ...opt('intervalMs', this.duration(h.interval, ptr + '/interval', `${what}.interval`)),
      ...opt('timeoutMs', this.duration(h.timeout, ptr + '/timeout', `${what}.timeout`)),
      ...opt('startPeriodMs', this.duration(h.start_period, ptr + '/start_period', `${what}.start_period`)),
      ...opt('startIntervalMs', this.duration(h.start_interval, ptr + '/start_interval', `${what}.start_interval`)),
      ...opt('retries', this.int(h.retries, ptr + '/retries', `${what}.retries`, 0)),
      ...opt('disable', this.bool(h.disable, ptr + '/disable', `${what}.disable`)),
    };
  }

  private resources(v: unknown, ptr: string, what: string, reservations: boolean): ResourceValues & { devices?: unknown[]; genericResources?: unknown[] } {
    const r = this.map(v, ptr, what);
    return {
      ...opt('cpus', this.cpus(r.cpus, ptr + '/cpus', `${what}.cpus`)),
      ...opt('memoryBytes', this.bytes(r.memory, ptr + '/memory', `${what}.memory`)),
      ...opt('pids', this.int(r.pids, ptr + '/pids', `${what}.pids`)),
      ...(reservations && Array.isArray(r.devices) ? { devices: r.devices } : {}),
      ...(reservations && Array.isArray(r.generic_resources) ? { genericResources: r.generic_resources } : {}),
    };
  }

  private deploy(v: unknown, ptr: string, what: string): DeployConfig {
    const d = this.map(v, ptr, what);
    const typed = new Set(['mode', 'replicas', 'resources', 'restart_policy', 'labels']);
    const other: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(d)) if (!typed.has(k)) setKey(other, k, val);
    // deploy.md#update_config, #rollback_config: `delay` and `monitor` are durations (kept as written)
    for (const key of ['update_config', 'rollback_config']) {
      const c = other[key];
      if (!isObject(c)) continue;
      for (const field of ['delay', 'monitor']) this.duration(c[field], `${ptr}/${key}/${field}`, `${what}.${key}.${field}`);
    }
    const res = d.resources === undefined || d.resources === null ? undefined : this.map(d.resources, ptr + '/resources', `${what}.resources`);
    const rp = d.restart_policy === undefined || d.restart_policy === null ? undefined : this.map(d.restart_policy, ptr + '/restart_policy', `${what}.restart_policy`);
    return {
      ...opt('mode', this.optString(d.mode, ptr + '/mode', `${what}.mode`)),
      ...opt('replicas', this.int(d.replicas, ptr + '/replicas', `${what}.replicas`, 0)),
      ...opt(
        'resources',
        res && {
          ...(res.limits !== undefined && res.limits !== null ? { limits: this.resources(res.limits, ptr + '/resources/limits', `${what}.resources.limits`, false) } : {}),
          ...(res.reservations !== undefined && res.reservations !== null
            ? { reservations: this.resources(res.reservations, ptr + '/resources/reservations', `${what}.resources.reservations`, true) }
            : {}),
        },
      ),
      ...opt(
        'restartPolicy',
        rp && {
          ...opt('condition', this.optString(rp.condition, ptr + '/restart_policy/condition', `${what}.restart_policy.condition`)),
          ...opt('delayMs', this.duration(rp.delay, ptr + '/restart_policy/delay', `${what}.restart_policy.delay`)),
          ...opt('maxAttempts', this.int(rp.max_attempts, ptr + '/restart_policy/max_attempts', `${what}.restart_policy.max_attempts`, 0)),
          ...opt('windowMs', this.duration(rp.window, ptr + '/restart_policy/window', `${what}.restart_policy.window`)),
        },
      ),
      labels: this.stringMap(d.labels, ptr + '/labels', `${what}.labels`),
      other,
    };
  }

  private logging(v: unknown, ptr: string, what: string): LoggingConfig {
    const l = this.map(v, ptr, what);
    return {
      ...opt('driver', this.optString(l.driver, ptr + '/driver', `${what}.driver`)),
      options: this.stringMap(l.options, ptr + '/options', `${what}.options`),
    };
  }

  // ---- secrets/configs refs, networks, extra_hosts

  private fileRefs(v: unknown, ptr: string, what: string, kind: 'secret' | 'config'): ServiceFileRef[] {
    return this.list(v, ptr, what).map((item, i) => {
      const p = ptr + '/' + i;
      const w = `${what}[${i}]`;
      let ref: ServiceFileRef;
      if (isObject(item)) {
        const source = this.optString(item.source, p + '/source', `${w}.source`);
        if (source === undefined || source === '') this.fail(p, `${w} has no \`source\``, `add \`source: <name of a top-level ${kind}>\``);
        ref = {
          source,
          ...opt('target', this.optString(item.target, p + '/target', `${w}.target`)),
          ...opt('uid', this.optString(item.uid, p + '/uid', `${w}.uid`)),
          ...opt('gid', this.optString(item.gid, p + '/gid', `${w}.gid`)),
          ...opt('mode', this.fileMode(item.mode, p + '/mode', `${w}.mode`)),
        };
      } else {
        ref = { source: this.scalar(item, p, w) };
      }
      if (kind === 'secret') {
        const target = ref.target ?? ref.source;
        ref = { ...ref, target: target.startsWith('/') ? target : `/run/secrets/${target}` };
      }
      return ref;
    });
  }

  private serviceNetworks(v: unknown, ptr: string, what: string): Record<string, ServiceNetworkConfig | null> {
    const out: Record<string, ServiceNetworkConfig | null> = {};
    if (v === undefined || v === null) return out;
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        setKey(out, this.scalar(item, ptr + '/' + i, `${what}[${i}]`), null);
      });
      return out;
    }
    for (const [name, raw] of Object.entries(this.map(v, ptr, what))) {
      const p = ptr + '/' + escapeSegment(name);
      if (raw === null || raw === undefined) {
        setKey(out, name, null);
        continue;
      }
      const n = this.map(raw, p, `${what}.${name}`);
      const other: Record<string, unknown> = {};
      for (const [k, val] of Object.entries(n)) if (!['aliases', 'ipv4_address', 'ipv6_address', 'priority'].includes(k)) setKey(other, k, val);
      setKey(out, name, {
        aliases: this.stringList(n.aliases, p + '/aliases', `${what}.${name}.aliases`),
        ...opt('ipv4Address', this.optString(n.ipv4_address, p + '/ipv4_address', `${what}.${name}.ipv4_address`)),
        ...opt('ipv6Address', this.optString(n.ipv6_address, p + '/ipv6_address', `${what}.${name}.ipv6_address`)),
        ...opt('priority', this.int(n.priority, p + '/priority', `${what}.${name}.priority`)),
        other,
      });
    }
    return out;
  }

  private extraHosts(v: unknown, ptr: string, what: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    const add = (host: string, ip: string) => {
      const clean = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
      if (!Object.prototype.hasOwnProperty.call(out, host)) setKey(out, host, []);
      out[host].push(clean);
    };
    if (v === undefined || v === null) return out;
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        const p = ptr + '/' + i;
        const text = this.scalar(item, p, `${what}[${i}]`);
        const eq = text.indexOf('=');
        const colon = text.indexOf(':');
        const at = eq >= 0 ? eq : colon;
        if (at <= 0 || at === text.length - 1) {
          this.fail(p, `${what}[${i}]: cannot read "${text}" as a host entry`, 'write `"hostname=IP"` (or `"hostname:IP"`), e.g. `"db.local=10.0.0.5"`');
        }
        add(text.slice(0, at), text.slice(at + 1));
      });
      return out;
    }
    for (const [host, raw] of Object.entries(this.map(v, ptr, what))) {
      const p = ptr + '/' + escapeSegment(host);
      if (Array.isArray(raw)) raw.forEach((ip, i) => add(host, this.scalar(ip, p + '/' + i, `${what}.${host}[${i}]`)));
      else add(host, this.scalar(raw, p, `${what}.${host}`));
    }
    return out;
  }

  // ---- top-level elements

  private externalFlag(raw: Obj, ptr: string, what: string): { external: boolean; legacyName?: string } {
    const e = raw.external;
    if (isObject(e)) {
      // legacy `external: { name: x }` (compose file format 3.x)
      return { external: true, ...opt('legacyName', this.optString(e.name, ptr + '/external/name', `${what}.external.name`)) };
    }
    return { external: this.bool(e, ptr + '/external', `${what}.external`) ?? false };
  }

  private network(raw: unknown, ptr: string): NetworkConfig {
    const what = humanPointer(ptr);
    const n = this.map(raw, ptr, what);
    const { external, legacyName } = this.externalFlag(n, ptr, what);
    const other: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(n)) {
      if (!['name', 'driver', 'driver_opts', 'external', 'internal', 'attachable', 'labels'].includes(k)) setKey(other, k, v);
    }
    return {
      ...opt('name', this.optString(n.name, ptr + '/name', `${what}.name`) ?? legacyName),
      ...opt('driver', this.optString(n.driver, ptr + '/driver', `${what}.driver`)),
      driverOpts: this.stringMap(n.driver_opts, ptr + '/driver_opts', `${what}.driver_opts`),
      external,
      ...opt('internal', this.bool(n.internal, ptr + '/internal', `${what}.internal`)),
      ...opt('attachable', this.bool(n.attachable, ptr + '/attachable', `${what}.attachable`)),
      labels: this.stringMap(n.labels, ptr + '/labels', `${what}.labels`),
      other,
    };
  }

  private volumeDef(raw: unknown, ptr: string): VolumeConfig {
    const what = humanPointer(ptr);
    const v = this.map(raw, ptr, what);
    const { external, legacyName } = this.externalFlag(v, ptr, what);
    const other: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) {
      if (!['name', 'driver', 'driver_opts', 'external', 'labels'].includes(k)) setKey(other, k, val);
    }
    return {
      ...opt('name', this.optString(v.name, ptr + '/name', `${what}.name`) ?? legacyName),
      ...opt('driver', this.optString(v.driver, ptr + '/driver', `${what}.driver`)),
      driverOpts: this.stringMap(v.driver_opts, ptr + '/driver_opts', `${what}.driver_opts`),
      external,
      labels: this.stringMap(v.labels, ptr + '/labels', `${what}.labels`),
      other,
    };
  }

  private fileObject(raw: unknown, ptr: string, kind: 'secrets' | 'configs'): SecretConfig {
    const what = humanPointer(ptr);
    const s = this.map(raw, ptr, what);
    const { external, legacyName } = this.externalFlag(s, ptr, what);
    const file = this.optString(s.file, ptr + '/file', `${what}.file`);
    const environment = this.optString(s.environment, ptr + '/environment', `${what}.environment`);
    const content = this.optString(s.content, ptr + '/content', `${what}.content`);
    const sources = [file !== undefined, environment !== undefined, content !== undefined, external].filter(Boolean).length;
    const single = kind === 'secrets' ? '`file`, `environment` or `external: true`' : '`file`, `environment`, `content` or `external: true`';
    if (kind === 'secrets' && content !== undefined) {
      this.fail(ptr + '/content', `${what}: secrets have no \`content\``, 'put the value in a file (`file: ./secret.txt`) or a variable (`environment: MY_SECRET`)');
    }
    if (sources === 0) this.fail(ptr, `${what} has no source`, `give exactly one of ${single}`);
    if (sources > 1) this.fail(ptr, `${what} has more than one source`, `give exactly one of ${single}`);
    if (environment !== undefined && this.input.environment[environment] === undefined) {
      this.warn('compose/secret-variable-unset', `${what}: the variable "${environment}" is not set`, ptr + '/environment');
    }
    const other: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s)) {
      if (!['name', 'file', 'environment', 'content', 'external', 'labels'].includes(k)) setKey(other, k, v);
    }
    return {
      ...opt('name', this.optString(s.name, ptr + '/name', `${what}.name`) ?? legacyName),
      ...opt('file', file === undefined ? undefined : this.absPath(file)),
      ...opt('environment', environment),
      ...opt('content', content),
      external,
      labels: this.stringMap(s.labels, ptr + '/labels', `${what}.labels`),
      other,
    };
  }
}

/**
 * Sets an own, enumerable property — also for keys such as `__proto__`, which plain assignment
 * would treat as the prototype. Every record keyed by user input is written through this.
 */
export function setKey<T>(o: Record<string, T>, key: string, value: NoInfer<T>): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A POSIX container path without `.`/`..` segments, doubled or trailing slashes (Windows paths unchanged). */
export function cleanTarget(target: string): string {
  if (!target.startsWith('/')) return target;
  const clean = path.posix.normalize(target);
  return clean.length > 1 && clean.endsWith('/') ? clean.slice(0, -1) : clean;
}

/** `{ key: value }` when value is defined, else `{}` — keeps absent optional fields absent. */
function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}
