/**
 * The bundle description: what `composeToBundle` (lib/bundle) returns and what the CDK constructs,
 * `beanstack dockerrun` and `beanstack local` consume.
 *
 * Paths inside a bundle are POSIX paths relative to the bundle root (the root of the source-bundle
 * zip, which Beanstalk unpacks to `/var/app/current`).
 */
import type { FileReader } from '../compose/model';
import type { Diagnostic, SourceLocation } from '../errors';

/** Which Elastic Beanstalk platform the bundle is for (not an image platform such as linux/amd64). */
export type BundleTarget = 'ecs' | 'docker' | 'single';

export type DatabaseEngine = 'mysql' | 'mariadb' | 'postgres';

export interface BundleOptions {
  /** @default 'ecs' */
  readonly target?: BundleTarget;
  /**
   * Image URI per built service (`--image svc=uri`; the CDK stack passes ECR URIs). A built service
   * without one gets a placeholder (see `IMAGE_PLACEHOLDER_PREFIX`) and a warning.
   */
  readonly images?: Readonly<Record<string, string>>;
  /**
   * ECS task execution role ARN written as Dockerrun `executionRoleArn` (ecs target). Needed when the
   * bundle uses environment secrets.
   *
   * @default - a placeholder and a warning when secrets are used
   */
  readonly executionRoleArn?: string;
  /**
   * Map compose `healthcheck` → `healthCheck` and depends_on conditions → `dependsOn` (ecs target).
   * Elastic Beanstalk's support for them is undocumented.
   *
   * @default false
   */
  readonly containerHealthChecks?: boolean;
  /**
   * Image platform of the built images (must match the instance types' architecture).
   *
   * @default 'linux/amd64'
   */
  readonly imagePlatform?: string;
  /**
   * Reads the project's files: Dockerfiles (the image a database service is built from, the files a
   * build copies), config files a service is given (the host names it uses), schema init scripts.
   * Only files below the project directory are read.
   *
   * @default - none: decisions that need a file are made from the compose files alone
   */
  readonly reader?: FileReader;
}

/** A file of the bundle: generated text, or a file of the user's project copied in. */
export type BundleFile =
  | { readonly path: string; readonly content: string }
  | {
    readonly path: string;
    readonly sourcePath: string;
    /** Where the compose file mounts it (for the error when the file is missing at write time). */
    readonly location?: SourceLocation;
  };

/** What an image is built from: the same for the plan, the rehearsal's builds and the CDK image assets. */
export interface ImageBuildSpec {
  readonly service: string;
  /** Sanitized container name in the bundle. */
  readonly containerName: string;
  /** Absolute build context directory. */
  readonly context: string;
  /** Dockerfile relative to the context (production dockerfile when overridden). */
  readonly dockerfile: string;
  readonly target?: string;
  /** Build args, with values resolved. */
  readonly args: Readonly<Record<string, string>>;
  /** Image platform, e.g. `linux/amd64`. */
  readonly platform: string;
}

/** An image of a rendered bundle: what it is built from, and the reference the bundle names it by. */
export interface ImageBuild extends ImageBuildSpec {
  /** The image reference written into the bundle (the given URI, or a placeholder). */
  readonly imageRef: string;
  /** True when `imageRef` is a placeholder (no URI was supplied). */
  readonly placeholder: boolean;
}

export type DatabaseVariableRole = 'host' | 'port' | 'user' | 'password' | 'database' | 'url';

/** An environment variable of an app service that pointed at a database service. */
export interface DatabaseVariable {
  /** The service that reads it. */
  readonly service: string;
  readonly name: string;
  readonly role: DatabaseVariableRole;
}

/** A compose database service that the stack replaces with RDS. */
export interface DatabaseReplacement {
  readonly service: string;
  readonly engine: DatabaseEngine;
  readonly image?: string;
  /** Major version from the image tag (`8.4`, `16`), when it has one. */
  readonly majorVersion?: string;
  /** Database name the compose file asks for (e.g. MYSQL_DATABASE), when it names one. */
  readonly databaseName?: string;
  /** Application user the compose file asks for (e.g. MYSQL_USER), when it names one. */
  readonly username?: string;
  readonly port: number;
  /** Variables of other services to be set from the RDS instance, sorted by service and name. */
  readonly variables: readonly DatabaseVariable[];
  /**
   * Server settings of the compose service (its `my.cnf`, `postgres -c` flags) that the stack sets in
   * an RDS DB parameter group, sorted by name.
   */
  readonly parameters?: Readonly<Record<string, string>>;
  /**
   * The container that applies the service's schema init files (`/docker-entrypoint-initdb.d`) to the
   * RDS database once, and the SQL files known at conversion time.
   */
  readonly schemaInit?: { readonly container: string; readonly service: string; readonly files: readonly string[] };
}

/** A secret value the stack must provide as a Beanstalk environment secret. */
export interface RequiredSecret {
  /** Environment variable name the containers read. */
  readonly name: string;
  /** Services that read it, sorted. */
  readonly services: readonly string[];
  /** Where it came from. */
  readonly source: 'compose-secret' | 'variable' | 'env-file';
  /** For `compose-secret`: the compose secret's name. */
  readonly composeSecret?: string;
}

export interface BundleDescription {
  readonly target: BundleTarget;
  /** Files to write into the bundle directory, sorted by path (the Dockerrun / compose file first). */
  readonly files: readonly BundleFile[];
  readonly images: readonly ImageBuild[];
  readonly databases: readonly DatabaseReplacement[];
  readonly secrets: readonly RequiredSecret[];
  /** Sanitized container name per service that became a container. */
  readonly containers: Readonly<Record<string, string>>;
  /** Health check path for the load balancer / local rehearsal, when known. */
  readonly healthCheckPath?: string;
  /** The service whose port 80 serves traffic (the one Beanstalk routes to). */
  readonly webService?: string;
  /**
   * Variables whose value is not known at conversion time (`- FOO` with no value and no value in the
   * environment): the stack must set them as environment properties. Sorted by name.
   */
  readonly requiredVariables?: readonly RequiredVariable[];
  /**
   * Plain environment properties the stack must set because the bundle format cannot carry them
   * (the `single` target: Dockerrun v1 has no environment field). Sorted by name.
   */
  readonly environmentProperties?: Readonly<Record<string, string>>;
  /** The `executionRoleArn` written into Dockerrun v2 (ecs target with secrets), possibly a placeholder. */
  readonly executionRoleArn?: string;
}

/** A variable the stack must provide as a plain environment property. */
export interface RequiredVariable {
  readonly name: string;
  /** Services that read it, sorted. */
  readonly services: readonly string[];
}

/** Result of a conversion: the description plus sorted warnings. */
export interface BundleResult {
  readonly result: BundleDescription;
  readonly warnings: readonly Diagnostic[];
}

/** Marks an image reference that is not a real image; `--check` and deploy refuse bundles with it. */
export const IMAGE_PLACEHOLDER_PREFIX = 'beanstack-placeholder/';

/** Written as Dockerrun `executionRoleArn` when secrets are used and no ARN was given; `--check` and deploy refuse it. */
export const EXECUTION_ROLE_PLACEHOLDER = 'arn:aws:iam::000000000000:role/beanstack-placeholder-execution-role';

// ---- Dockerrun.aws.json shapes ---------------------------------------------------------------

export interface KeyValuePair {
  readonly name: string;
  readonly value: string;
}

export interface PortMapping {
  readonly hostPort?: number;
  readonly containerPort: number;
  readonly protocol?: 'tcp' | 'udp';
}

export interface MountPoint {
  readonly sourceVolume: string;
  readonly containerPath: string;
  readonly readOnly?: boolean;
}

export interface ContainerDefinition {
  readonly name: string;
  readonly image: string;
  readonly essential?: boolean;
  readonly memory?: number;
  readonly memoryReservation?: number;
  readonly cpu?: number;
  readonly command?: readonly string[];
  readonly entryPoint?: readonly string[];
  readonly environment?: readonly KeyValuePair[];
  readonly secrets?: readonly { readonly name: string; readonly valueFrom: string }[];
  /** Port ranges kept in x-dockerrun are written verbatim (`containerPortRange`). */
  readonly portMappings?: readonly PortMapping[];
  readonly links?: readonly string[];
  readonly mountPoints?: readonly MountPoint[];
  readonly volumesFrom?: readonly { readonly sourceContainer: string; readonly readOnly?: boolean }[];
  readonly workingDirectory?: string;
  readonly user?: string;
  readonly hostname?: string;
  readonly extraHosts?: readonly { readonly hostname: string; readonly ipAddress: string }[];
  readonly dnsServers?: readonly string[];
  readonly dnsSearchDomains?: readonly string[];
  readonly privileged?: boolean;
  readonly readonlyRootFilesystem?: boolean;
  readonly ulimits?: readonly { readonly name: string; readonly softLimit: number; readonly hardLimit: number }[];
  readonly dockerLabels?: Readonly<Record<string, string>>;
  readonly logConfiguration?: {
    readonly logDriver: string;
    readonly options?: Readonly<Record<string, string>>;
    readonly secretOptions?: readonly { readonly name: string; readonly valueFrom: string }[];
  };
  /** From x-dockerrun (verbatim). */
  readonly linuxParameters?: Readonly<Record<string, unknown>>;
  readonly healthCheck?: {
    readonly command: readonly string[];
    readonly interval?: number;
    readonly timeout?: number;
    readonly retries?: number;
    readonly startPeriod?: number;
  };
  readonly dependsOn?: readonly { readonly containerName: string; readonly condition: 'START' | 'COMPLETE' | 'SUCCESS' | 'HEALTHY' }[];
  readonly stopTimeout?: number;
  /** ECS fields kept in x-dockerrun (`startTimeout`, `restartPolicy`, `repositoryCredentials`, ...), written verbatim. */
  readonly [verbatim: string]: unknown;
}

export interface DockerrunVolume {
  readonly name: string;
  readonly host: { readonly sourcePath: string };
}

export interface DockerrunV2 {
  readonly AWSEBDockerrunVersion: 2;
  readonly executionRoleArn?: string;
  /** Registry credentials in S3 (from x-dockerrun.authentication). */
  readonly authentication?: { readonly bucket: string; readonly key: string };
  readonly volumes?: readonly DockerrunVolume[];
  readonly containerDefinitions: readonly ContainerDefinition[];
}

export interface DockerrunV1 {
  readonly AWSEBDockerrunVersion: '1';
  readonly Authentication?: { readonly Bucket: string; readonly Key: string };
  readonly Image: { readonly Name: string; readonly Update?: 'true' | 'false' };
  readonly Ports: readonly { readonly ContainerPort: number; readonly HostPort?: number }[];
  readonly Volumes?: readonly { readonly HostDirectory: string; readonly ContainerDirectory: string }[];
  readonly Logging?: string;
  readonly Command?: string;
  readonly Entrypoint?: string;
}
