/**
 * The normalized compose project: what `loadProject` returns and every later stage consumes.
 *
 * Every short syntax of the Compose Specification is expanded to its long form here, so later stages
 * never look at raw YAML. Paths are absolute (the `config` command prints them relative to the
 * project directory). Durations are milliseconds, sizes are bytes. Keys of records are kept in the
 * order of the source; writers sort where order is free.
 *
 * The model is plain data (JSON-serializable) and is never mutated by later stages.
 */
import type { SourceLocation } from '../errors';

export interface ComposeProject {
  /**
   * Project name: `--project-name`, else `COMPOSE_PROJECT_NAME` (environment or `.env`), else top-level
   * `name`, else the project directory's base name (normalized) — Docker Compose v2's precedence.
   */
  readonly name: string;
  /** Absolute project directory (the first compose file's directory unless given). */
  readonly projectDirectory: string;
  /** Absolute paths of the compose files, in the order given (the files pulled in by `include` are not listed). */
  readonly composeFiles: readonly string[];
  /** Services enabled by the active profiles, by name. */
  readonly services: Readonly<Record<string, ServiceConfig>>;
  /** Services left out because none of their profiles is active (kept so later stages can say so). */
  readonly disabledServices: readonly string[];
  readonly networks: Readonly<Record<string, NetworkConfig>>;
  readonly volumes: Readonly<Record<string, VolumeConfig>>;
  readonly secrets: Readonly<Record<string, SecretConfig>>;
  readonly configs: Readonly<Record<string, ConfigConfig>>;
  /** Top-level `x-*` extension fields (including `x-beanstack`), after interpolation and merging. */
  readonly extensions: Readonly<Record<string, unknown>>;
  /** Profiles that were active while loading. */
  readonly activeProfiles: readonly string[];
  /**
   * Where each value came from: JSON pointer into the merged document (`/services/web/ports/0`)
   * → the position of that value in its source file. Covers mappings, sequences and their items.
   */
  readonly locations: Readonly<Record<string, SourceLocation>>;
  /**
   * The text as written of every scalar that `${…}` interpolation changed, by the same pointers as
   * `locations` (`/services/api/environment/PGPASSWORD` → `${POSTGRES_PASSWORD}`), so later stages
   * can decide from what the compose file says rather than from values an untracked `.env` supplies.
   */
  readonly templates?: Readonly<Record<string, string>>;
  /** The home directory `~` in paths was expanded to (bind sources below it are the developer's files). */
  readonly homeDirectory?: string;
  /** Absolute files and directories outside the project directory the command line allowed (`--allow-read`): build contexts may be there too. */
  readonly allowRead?: readonly string[];
}

export interface ServiceConfig {
  readonly name: string;
  readonly image?: string;
  readonly build?: BuildConfig;
  /** `null` when the file explicitly resets it; absent when not set. Strings are split like a POSIX shell would. */
  readonly command?: readonly string[] | null;
  readonly entrypoint?: readonly string[] | null;
  /**
   * Variables from `environment:` only. A `null` value means "take it from the host environment"
   * (`- FOO` with no `=`), resolved to a string when the loader's environment has it.
   */
  readonly environment: Readonly<Record<string, string | null>>;
  /** The `env_file:` entries, resolved to absolute paths. */
  readonly envFiles: readonly EnvFileRef[];
  /**
   * Variables read from `env_file:` files, kept apart from `environment` so later stages decide what
   * may be written into an artifact. `environment` wins over these when both set a name.
   */
  readonly envFileValues: Readonly<Record<string, EnvFileValue>>;
  readonly ports: readonly PortConfig[];
  /** `expose:` entries as strings (`"3000"`, `"8000-8010/udp"`). */
  readonly expose: readonly string[];
  readonly volumes: readonly ServiceVolume[];
  readonly dependsOn: Readonly<Record<string, DependsOnConfig>>;
  readonly links: readonly string[];
  readonly externalLinks: readonly string[];
  readonly healthcheck?: HealthcheckConfig;
  readonly deploy?: DeployConfig;
  /** `mem_limit`, in bytes. */
  readonly memLimitBytes?: number;
  /** `mem_reservation`, in bytes. */
  readonly memReservationBytes?: number;
  readonly memswapLimitBytes?: number;
  readonly shmSizeBytes?: number;
  readonly cpus?: number;
  readonly cpuShares?: number;
  /** `no` | `always` | `on-failure[:N]` | `unless-stopped` */
  readonly restart?: string;
  readonly logging?: LoggingConfig;
  readonly labels: Readonly<Record<string, string>>;
  readonly secrets: readonly ServiceFileRef[];
  readonly configs: readonly ServiceFileRef[];
  /** Networks the service joins; `null` value = joined with no options. */
  readonly networks: Readonly<Record<string, ServiceNetworkConfig | null>>;
  readonly networkMode?: string;
  readonly profiles: readonly string[];
  readonly workingDir?: string;
  readonly user?: string;
  readonly hostname?: string;
  readonly domainname?: string;
  /** `extra_hosts` as `host` → addresses (the list form `host:ip` / `host=ip` and the mapping form). */
  readonly extraHosts: Readonly<Record<string, readonly string[]>>;
  readonly dns: readonly string[];
  readonly dnsSearch: readonly string[];
  readonly privileged?: boolean;
  readonly readOnly?: boolean;
  readonly init?: boolean;
  readonly stdinOpen?: boolean;
  readonly tty?: boolean;
  readonly ulimits: Readonly<Record<string, UlimitConfig>>;
  readonly capAdd: readonly string[];
  readonly capDrop: readonly string[];
  readonly sysctls: Readonly<Record<string, string>>;
  /** `tmpfs:` service key (not tmpfs volumes), as container paths with optional options. */
  readonly tmpfs: readonly string[];
  readonly containerName?: string;
  readonly platform?: string;
  readonly pullPolicy?: string;
  readonly stopSignal?: string;
  readonly stopGracePeriodMs?: number;
  readonly scale?: number;
  /** `develop:` (watch) — dev only; kept so the converter can report it. */
  readonly develop?: unknown;
  /** `x-*` fields of the service (e.g. `x-beanstack`). */
  readonly extensions: Readonly<Record<string, unknown>>;
  /**
   * Every other service key the schema allows that has no typed field here (e.g. `cgroup`, `pid`,
   * `ipc`, `security_opt`, `devices`, `userns_mode`, `runtime`), with its value after
   * interpolation, keyed by its compose name; the values whose type the specification fixes are
   * checked and written one way (`blkio_config` rates and weights and `mem_swappiness` as numbers).
   * The converter's key tables decide about these; `serviceDependencies` reads `volumes_from`,
   * `ipc` and `pid` from here.
   */
  readonly other: Readonly<Record<string, unknown>>;
}

export interface BuildConfig {
  /** Absolute path, or a remote context (git URL) as written. */
  readonly context: string;
  /** Dockerfile path as written (relative to `context`); absent means `Dockerfile`. */
  readonly dockerfile?: string;
  readonly dockerfileInline?: string;
  readonly target?: string;
  /** Build args; a bare `ARG` takes the loader environment's value; `null` = not set (no value, not in the environment). */
  readonly args: Readonly<Record<string, string | null>>;
  readonly platforms: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly cacheFrom: readonly string[];
  readonly cacheTo: readonly string[];
  readonly network?: string;
  readonly shmSizeBytes?: number;
  readonly tags: readonly string[];
  readonly additionalContexts: Readonly<Record<string, string>>;
  readonly secrets: readonly ServiceFileRef[];
  readonly ssh: readonly string[];
  readonly extraHosts: Readonly<Record<string, readonly string[]>>;
  readonly noCache?: boolean;
  readonly pull?: boolean;
  readonly privileged?: boolean;
  /** Other `build` keys kept raw (e.g. `isolation`, `ulimits`, `entitlements`). */
  readonly other: Readonly<Record<string, unknown>>;
}

export interface EnvFileRef {
  /** Absolute path. */
  readonly path: string;
  /** @default true */
  readonly required: boolean;
  /** `raw` keeps values as written; absent means compose's own `.env` syntax. */
  readonly format?: string;
}

export interface EnvFileValue {
  readonly value: string;
  /** Absolute path of the env file it came from. */
  readonly file: string;
  readonly line: number;
}

export type PortProtocol = 'tcp' | 'udp' | 'sctp';

export interface PortConfig {
  /** Container port. Ranges in the short syntax expand to one entry per port. */
  readonly target: number;
  /** Host port or range as a string (`"8080"`, `"8000-8010"`); absent when not published. */
  readonly published?: string;
  readonly hostIp?: string;
  readonly protocol: PortProtocol;
  /** `ingress` | `host` */
  readonly mode?: string;
  readonly name?: string;
  readonly appProtocol?: string;
}

export type VolumeType = 'bind' | 'volume' | 'tmpfs' | 'npipe' | 'cluster' | 'image';

export interface ServiceVolume {
  readonly type: VolumeType;
  /**
   * bind: absolute host path (relative sources resolved against the project directory, `~`
   * expanded); volume: the named volume (absent for an anonymous volume); image: the image.
   */
  readonly source?: string;
  /** Absolute path inside the container. */
  readonly target: string;
  readonly readOnly: boolean;
  readonly bind?: { readonly createHostPath?: boolean; readonly propagation?: string; readonly selinux?: string };
  readonly volume?: { readonly nocopy?: boolean; readonly subpath?: string };
  readonly tmpfs?: { readonly sizeBytes?: number; readonly mode?: number };
  readonly consistency?: string;
}

export type DependsOnCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface DependsOnConfig {
  readonly condition: DependsOnCondition;
  /** @default false */
  readonly restart: boolean;
  /** @default true */
  readonly required: boolean;
}

export interface HealthcheckConfig {
  /** `["NONE"]`, `["CMD", ...]` or `["CMD-SHELL", "..."]` (a string test becomes CMD-SHELL). */
  readonly test?: readonly string[];
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
  readonly startPeriodMs?: number;
  readonly startIntervalMs?: number;
  readonly retries?: number;
  readonly disable?: boolean;
}

export interface ResourceValues {
  readonly cpus?: number;
  readonly memoryBytes?: number;
  readonly pids?: number;
}

export interface DeployConfig {
  readonly mode?: string;
  readonly replicas?: number;
  readonly resources?: {
    readonly limits?: ResourceValues;
    readonly reservations?: ResourceValues & { readonly devices?: readonly unknown[]; readonly genericResources?: readonly unknown[] };
  };
  readonly restartPolicy?: {
    readonly condition?: string;
    readonly delayMs?: number;
    readonly maxAttempts?: number;
    readonly windowMs?: number;
  };
  readonly labels: Readonly<Record<string, string>>;
  /** Other `deploy` keys kept raw (placement, update_config, rollback_config, endpoint_mode). */
  readonly other: Readonly<Record<string, unknown>>;
}

export interface LoggingConfig {
  readonly driver?: string;
  readonly options: Readonly<Record<string, string>>;
}

export interface ServiceFileRef {
  readonly source: string;
  /** Path in the container (`/run/secrets/<source>` for secrets when not given) or as written for configs. */
  readonly target?: string;
  readonly uid?: string;
  readonly gid?: string;
  readonly mode?: number;
}

export interface ServiceNetworkConfig {
  readonly aliases: readonly string[];
  readonly ipv4Address?: string;
  readonly ipv6Address?: string;
  readonly priority?: number;
  readonly other: Readonly<Record<string, unknown>>;
}

export interface UlimitConfig {
  readonly soft: number;
  readonly hard: number;
}

export interface NetworkConfig {
  readonly name?: string;
  readonly driver?: string;
  readonly driverOpts: Readonly<Record<string, string>>;
  readonly external: boolean;
  readonly internal?: boolean;
  readonly attachable?: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly other: Readonly<Record<string, unknown>>;
}

export interface VolumeConfig {
  readonly name?: string;
  readonly driver?: string;
  readonly driverOpts: Readonly<Record<string, string>>;
  readonly external: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly other: Readonly<Record<string, unknown>>;
}

/** A top-level secret or config: exactly one source. */
export interface SecretConfig {
  readonly name?: string;
  /** Absolute path. */
  readonly file?: string;
  /** Name of a variable of the loader's environment. */
  readonly environment?: string;
  /** Inline content (configs only). */
  readonly content?: string;
  readonly external: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly other: Readonly<Record<string, unknown>>;
}

export type ConfigConfig = SecretConfig;

/** Reads files for the loader. Injected so tests run on in-memory trees. */
export interface FileReader {
  /** Text of the file, or `undefined` when there is no file at that absolute path. */
  readFile(path: string): string | undefined;
  /** Whether a directory exists at that absolute path (for build contexts, bind mounts). */
  isDirectory?(path: string): boolean;
  /**
   * Names of the entries of a directory, sorted (for files a bundle ships, such as schema init SQL),
   * or `undefined` when there is no directory at that absolute path.
   */
  listDirectory?(path: string): readonly string[] | undefined;
  /** Whether anything exists at that absolute path (without reading it). */
  exists?(path: string): boolean;
  /**
   * The absolute path with every symbolic link resolved, or `undefined` when nothing exists there.
   * With it the loader refuses files that only look inside the project (a link to `/etc/shadow`);
   * without it (in-memory readers) paths are compared as written.
   */
  realPath?(path: string): string | undefined;
}

export interface LoadOptions {
  /** Compose files as given (`-f`), absolute or relative to `workingDirectory`. Empty → the default names. */
  readonly files: readonly string[];
  /** Absolute working directory used to resolve relative `files` and the default file search. */
  readonly workingDirectory: string;
  /** `--project-directory`; @default - the directory of the first compose file */
  readonly projectDirectory?: string;
  /** The environment variables to interpolate with (the loader never reads the real environment itself; bin/ passes it). */
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** `--env-file` paths; @default - `.env` of the project directory when it exists */
  readonly envFiles?: readonly string[];
  /** `--profile`; @default - `COMPOSE_PROFILES` from the environment */
  readonly profiles?: readonly string[];
  /** `--no-interpolate`; @default true */
  readonly interpolate?: boolean;
  /** `--project-name`; @default - see `ComposeProject.name` */
  readonly projectName?: string;
  /** The user's home directory for `~` in paths; @default - `HOME` of `environment` */
  readonly homeDirectory?: string;
  /**
   * Files or directories outside the project directory the compose files may read (`include`,
   * `extends`, `env_file`, `label_file`), as `--allow-read` names them. Files named in `files` and
   * `envFiles` are always readable; nothing else outside the project is.
   * @default - none
   */
  readonly allowRead?: readonly string[];
  readonly reader: FileReader;
}
