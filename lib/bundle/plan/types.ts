/**
 * The plan: everything the emitters need to render a bundle for one Elastic Beanstalk platform —
 * containers, their images to build, mounts, ports, links, variables, secrets, databases and shipped
 * files — decided once from the compose model. Image references and the execution role are not in
 * it: they are known only after the images are built or named, and `renderBundle` takes them.
 * Emitters read the plan only, never the compose model.
 */
import type { DependsOnCondition, HealthcheckConfig, LoggingConfig, UlimitConfig } from '../../compose/model';
import type { Diagnostic, SourceLocation } from '../../errors';
import type { PlannedLink } from './name-resolution';
import type { ProjectDockerrun, ServiceDockerrun } from '../x-dockerrun';
import type { BundleFile, BundleTarget, DatabaseReplacement, ImageBuildSpec, RequiredSecret, RequiredVariable } from '../types';

/** A mount of a planned container. */
export interface PlannedMount {
  /**
   * `shipped`: a file/dir of the bundle (`source` is its bundle path); `named`: a named volume
   * (`source` is its name); `host`: a path of the instance (`source` is absolute); `tmpfs`.
   */
  readonly kind: 'shipped' | 'named' | 'host' | 'tmpfs';
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

export interface PlannedPort {
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol: 'tcp' | 'udp';
}

/** Where a compose value is, for messages made after planning (rendering). */
export interface SourceRef {
  /** `services.web.build` */
  readonly path: string;
  readonly location?: SourceLocation;
}

/** An image the bundle needs built: from a compose `build:` (or a database service's, for its schema init container). */
/** An image the bundle needs built: from a compose `build:` (or a database service's, for its schema init container). */
export interface PlannedImage extends ImageBuildSpec {
  /** The compose service the image is reported under, the `build` it comes from, and its context as shown in messages. */
  readonly reportedAs: { readonly service: string; readonly source: SourceRef; readonly context: string };
}

export interface PlannedService {
  readonly service: string;
  readonly containerName: string;
  /** The image of an `image:` service; built services get theirs when rendering. */
  readonly image?: string;
  readonly build?: PlannedImage;
  /** The service's definition in the compose file (for messages about the whole container). */
  readonly location?: SourceLocation;
  readonly essential: boolean;
  readonly oneShot: boolean;
  readonly memoryMiB?: number;
  readonly memoryReservationMiB?: number;
  readonly cpus?: number;
  readonly cpuShares?: number;
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  /** Plain variables kept in the artifact. */
  readonly environment: Readonly<Record<string, string>>;
  /** Whether the service reads variables the stack provides (db values, secrets, required variables). */
  readonly readsStackEnvironment: boolean;
  readonly ports: readonly PlannedPort[];
  /** TCP container ports the service listens on without a host port (`ports: ["3000"]`, then `expose`), in compose order. */
  readonly exposed: readonly number[];
  readonly mounts: readonly PlannedMount[];
  /** Services of the bundle this one depends on, with the compose condition. */
  readonly dependsOn: Readonly<Record<string, DependsOnCondition>>;
  /** Kept services whose volumes this one mounts (`volumes_from`). */
  readonly volumesFrom: readonly { readonly service: string; readonly readOnly: boolean }[];
  readonly healthcheck?: HealthcheckConfig;
  readonly restart?: string;
  readonly workingDir?: string;
  readonly user?: string;
  readonly hostname?: string;
  readonly domainname?: string;
  readonly extraHosts: readonly { readonly hostname: string; readonly ipAddress: string }[];
  readonly dns: readonly string[];
  readonly dnsSearch: readonly string[];
  readonly privileged?: boolean;
  readonly readOnly?: boolean;
  readonly init?: boolean;
  readonly ulimits: Readonly<Record<string, UlimitConfig>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly logging?: LoggingConfig;
  readonly stopGracePeriodMs?: number;
  readonly stopSignal?: string;
  readonly capAdd: readonly string[];
  readonly capDrop: readonly string[];
  readonly sysctls: Readonly<Record<string, string>>;
  readonly tmpfs: readonly string[];
  readonly shmSizeBytes?: number;
  /** Networks the service joins (docker target), with aliases. */
  readonly networks: Readonly<Record<string, readonly string[]>>;
  /** Raw compose keys passed through unchanged on the docker target. */
  readonly passThrough: Readonly<Record<string, unknown>>;
  /** compose `links` to services of the bundle (`service` or `service:alias`), kept on the docker target for their aliases. */
  readonly composeLinks: readonly string[];
  /** `x-dockerrun`: Dockerrun fields compose cannot express, written again on the ecs and single targets. */
  readonly dockerrun?: ServiceDockerrun;
}

/** A named volume of the bundle and the compose options the docker target keeps. */
export interface PlannedVolume {
  readonly name: string;
  readonly driver?: string;
  readonly driverOpts: Readonly<Record<string, string>>;
}

/** A network of the bundle (docker target) and its compose options. */
export interface PlannedNetwork {
  readonly name: string;
  readonly driver?: string;
  readonly internal?: boolean;
  readonly attachable?: boolean;
  readonly driverOpts: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
}

export interface Plan {
  readonly target: BundleTarget;
  /** Sorted by service name. */
  readonly services: readonly PlannedService[];
  /** Images to build, sorted by service. */
  readonly images: readonly PlannedImage[];
  readonly databases: readonly DatabaseReplacement[];
  readonly secrets: readonly RequiredSecret[];
  readonly requiredVariables: readonly RequiredVariable[];
  /** Shipped files (not the main file), sorted by path. */
  readonly files: readonly BundleFile[];
  /** Named volumes used by kept services, sorted by name. */
  readonly namedVolumes: readonly PlannedVolume[];
  /** Networks used by kept services (docker target), sorted by name. */
  readonly networks: readonly PlannedNetwork[];
  readonly containers: Readonly<Record<string, string>>;
  /** service → the services it links to and the names they are reached by (ecs target), targets sorted. */
  readonly links: Readonly<Record<string, readonly PlannedLink[]>>;
  readonly webService?: string;
  readonly healthCheckPath?: string;
  /** Whether container health checks and start conditions are written (docker target; ecs with the containerHealthChecks option). */
  readonly healthchecksWritten: boolean;
  /** `services:` of the compose file, for messages about the bundle as a whole. */
  readonly servicesLocation?: SourceLocation;
  /** The top-level `x-dockerrun` (execution role, registry authentication). */
  readonly dockerrun?: ProjectDockerrun;
  readonly warnings: readonly Diagnostic[];
}
