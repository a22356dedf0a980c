/**
 * The container engine behind `beanstack local`: the few operations the rehearsal needs, so the
 * runner can be tested with a fake engine and the Docker implementation (`docker-cli.ts`) stays thin.
 *
 * Every object the rehearsal creates carries the label `LABEL_PROJECT` (and `LABEL_RUN`), which is
 * how `beanstack local --down` finds what to remove.
 */
import { BeanstackError, SourceLocation } from '../errors';

/** Label on every container, network and volume a rehearsal creates: the project name. */
export const LABEL_PROJECT = 'org.beanstack.local.project';
/** Label with the id of one rehearsal run. */
export const LABEL_RUN = 'org.beanstack.local.run';
/** Label with the Dockerrun container name (or `database:<service>` for an RDS stand-in). */
export const LABEL_CONTAINER = 'org.beanstack.local.container';
/** Label on built images: the content hash the tag was computed from. */
export const LABEL_CONTENT_HASH = 'org.beanstack.content-hash';

export interface EngineInfo {
  readonly serverVersion: string;
  readonly apiVersion: string;
  /** Whether the engine reports that memory limits are enforced (cgroup memory controller present). */
  readonly memoryLimit: boolean;
  readonly cgroupVersion?: string;
  readonly operatingSystem?: string;
  /** Whether BuildKit (buildx) is used for builds; the classic builder otherwise. */
  readonly buildKit: boolean;
}

export interface BuildRequest {
  /** Absolute build context directory. */
  readonly context: string;
  /** Dockerfile path relative to the context. */
  readonly dockerfile: string;
  readonly target?: string;
  readonly args: Readonly<Record<string, string>>;
  readonly platform?: string;
  readonly tag: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Build without the engine's layer cache. */
  readonly noCache?: boolean;
}

export interface PortPublish {
  readonly hostIp: string;
  /** Absent: a random free host port. */
  readonly hostPort?: number;
  readonly containerPort: number;
  readonly protocol: 'tcp' | 'udp';
}

export interface BindMount {
  /** Absolute host path. */
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

export interface ContainerSpec {
  /** Engine-wide container name. */
  readonly name: string;
  readonly image: string;
  /** Pull the image when it is not local (the RDS stand-in); built images are never pulled. @default false */
  readonly pullMissing?: boolean;
  readonly network: string;
  /** DNS names of this container on `network` (besides its name). */
  readonly aliases?: readonly string[];
  /** Legacy links `container:alias` (ECS bridge-mode semantics: the alias resolves in this container only). */
  readonly links?: readonly { readonly container: string; readonly alias: string }[];
  readonly env: Readonly<Record<string, string>>;
  readonly entrypoint?: readonly string[];
  readonly command?: readonly string[];
  readonly ports?: readonly PortPublish[];
  readonly mounts?: readonly BindMount[];
  readonly volumesFrom?: readonly { readonly container: string; readonly readOnly: boolean }[];
  /** Hard memory limit, MiB. */
  readonly memoryMiB?: number;
  /** Memory reservation, MiB. */
  readonly memoryReservationMiB?: number;
  readonly cpuShares?: number;
  readonly workingDir?: string;
  readonly user?: string;
  readonly hostname?: string;
  readonly extraHosts?: readonly { readonly hostname: string; readonly ipAddress: string }[];
  readonly dns?: readonly string[];
  readonly dnsSearch?: readonly string[];
  readonly privileged?: boolean;
  readonly readOnlyRootFilesystem?: boolean;
  readonly ulimits?: readonly { readonly name: string; readonly soft: number; readonly hard: number }[];
  readonly stopTimeoutSeconds?: number;
  readonly healthCheck?: {
    readonly command: readonly string[];
    readonly intervalSeconds?: number;
    readonly timeoutSeconds?: number;
    readonly retries?: number;
    readonly startPeriodSeconds?: number;
  };
  readonly labels: Readonly<Record<string, string>>;
}

export interface ContainerState {
  readonly name: string;
  readonly running: boolean;
  /** `created`, `running`, `exited`, ... */
  readonly status: string;
  readonly exitCode: number;
  readonly oomKilled: boolean;
  readonly error?: string;
  /** Restart policy name (`no`, `always`, `unless-stopped`, `on-failure`). */
  readonly restartPolicy?: string;
  /** Health status when the container has a health check: `starting`, `healthy`, `unhealthy`. */
  readonly health?: string;
  /** Published ports: `5000/tcp` → host port. */
  readonly ports: Readonly<Record<string, number>>;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ResourceList {
  readonly containers: readonly string[];
  readonly networks: readonly string[];
  readonly volumes: readonly string[];
}

/** A line of output from a long-running engine operation (build, push, logs). */
export type LineSink = (line: string) => void;

/** A running log follower; `stop()` ends it. */
export interface LogFollower {
  stop(): void;
  /** Resolves when the stream ends (the container stopped or `stop()` was called). */
  readonly done: Promise<void>;
}

export interface Engine {
  /** Engine version and capabilities; throws `EngineUnavailableError` when no engine answers. */
  info(): Promise<EngineInfo>;
  /** Image id of a local image reference, or `undefined` when there is none. */
  imageId(ref: string): Promise<string | undefined>;
  /** Labels of a local image, or `undefined` when there is none. */
  imageLabels(ref: string): Promise<Readonly<Record<string, string>> | undefined>;
  build(request: BuildRequest, onLine: LineSink): Promise<void>;
  tag(source: string, target: string): Promise<void>;
  push(ref: string, onLine: LineSink): Promise<void>;
  pull(ref: string, onLine: LineSink): Promise<void>;
  removeImage(ref: string): Promise<void>;
  /** `repository:tag` of every local image of a repository. */
  listTags(repository: string): Promise<string[]>;
  createNetwork(name: string, labels: Readonly<Record<string, string>>): Promise<void>;
  connectNetwork(network: string, container: string, aliases: readonly string[]): Promise<void>;
  /** Creates and starts a container; resolves when it is started. */
  run(spec: ContainerSpec): Promise<void>;
  inspect(container: string): Promise<ContainerState | undefined>;
  /** Resolves with the exit code when the container stops. */
  wait(container: string): Promise<number>;
  /** The last `tail` lines of a container's output (stdout and stderr). */
  logs(container: string, tail: number): Promise<string[]>;
  /** Follows the output of a container from its start; each line is passed to `onLine`. */
  followLogs(container: string, onLine: LineSink): LogFollower;
  stop(container: string, timeoutSeconds: number): Promise<void>;
  /** Force-removes containers with their anonymous volumes; missing ones are ignored. */
  removeContainers(containers: readonly string[]): Promise<void>;
  removeNetworks(networks: readonly string[]): Promise<void>;
  removeVolumes(volumes: readonly string[]): Promise<void>;
  /** Everything carrying `label=value` (all states). */
  list(label: string, value: string): Promise<ResourceList>;
  /** Ends every wait and log follower still running (so a detached CLI can exit). */
  close(): void;
  /** Whether the compose implementation interpolates `$` in env files (Compose v2 does; docker-compose 1.x does not). */
  composeInterpolatesEnvFiles(): Promise<boolean>;
  /** Runs a compose command (docker target) in `directory`; resolves with the exit code. */
  compose(args: readonly string[], directory: string, env: Readonly<Record<string, string>>, onLine: LineSink): Promise<number>;
}

/** No engine answered (or it answered with an error that makes the rehearsal impossible). */
export class EngineUnavailableError extends BeanstackError {
  constructor(message: string, fix: string) {
    super(message, { code: 'local/no-engine', fix });
    this.name = 'EngineUnavailableError';
  }
}

/** An engine operation failed in a way the user can act on (build error, port in use, ...). */
export class LocalError extends BeanstackError {
  constructor(message: string, options: { code: string; fix?: string; location?: SourceLocation; details?: readonly { message: string; location?: SourceLocation }[] }) {
    super(message, options);
    this.name = 'LocalError';
  }
}
