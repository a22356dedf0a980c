/**
 * Data tables that decide what the converter does with compose keys and values it cannot map one to
 * one. Keeping them as data (not code paths) keeps the policy reviewable in one place and lets the
 * docs (docs/bundle.md) list them verbatim.
 */
import type { BuildConfig } from '../compose/model';
import type { BundleTarget } from './types';

/** What happens to a service key on a target. */
export type KeyPolicy =
  /** The key is mapped (or handled by a dedicated rule). */
  | 'mapped'
  /** Dropped with a `bundle/ignored-key` warning. */
  | 'ignored'
  /** The service cannot run on Elastic Beanstalk: a fatal error lists every such key at once. */
  | 'fatal';

export interface ServiceKeyRule {
  readonly ecs: KeyPolicy;
  readonly docker: KeyPolicy;
  readonly single: KeyPolicy;
  /** Why, shown in the warning or error. */
  readonly reason: string;
}

const rule = (ecs: KeyPolicy, docker: KeyPolicy, single: KeyPolicy, reason: string): ServiceKeyRule => ({ ecs, docker, single, reason });

/**
 * Keys of `ServiceConfig.other` (service keys the model keeps raw) and of a few typed fields that have
 * no Dockerrun equivalent. Keys not listed here and not mapped by the converter are ignored with a
 * warning that says the key is unknown to beanstack.
 */
export const SERVICE_KEY_RULES: Readonly<Record<string, ServiceKeyRule>> = {
  blkio_config: rule('ignored', 'mapped', 'ignored', 'block I/O weights are host tuning that Elastic Beanstalk instances do not offer'),
  cap_drop: rule('ignored', 'mapped', 'ignored', 'Dockerrun has no documented field for Linux capabilities'),
  cgroup: rule('fatal', 'fatal', 'fatal', 'sharing the host cgroup namespace is not possible on a managed instance'),
  cgroup_parent: rule('ignored', 'ignored', 'ignored', 'the cgroup parent of a managed instance is chosen by its agent'),
  container_name: rule('ignored', 'mapped', 'ignored', 'Elastic Beanstalk names the containers itself; other containers still reach this one by it (a link alias)'),
  cpu_count: rule('ignored', 'ignored', 'ignored', 'Windows-only CPU setting'),
  cpu_percent: rule('ignored', 'ignored', 'ignored', 'Windows-only CPU setting'),
  cpu_period: rule('ignored', 'ignored', 'ignored', 'CFS tuning is not available in Dockerrun; use `cpus`'),
  cpu_quota: rule('ignored', 'ignored', 'ignored', 'CFS tuning is not available in Dockerrun; use `cpus`'),
  cpu_rt_period: rule('ignored', 'ignored', 'ignored', 'real-time scheduling is not available on Elastic Beanstalk'),
  cpu_rt_runtime: rule('ignored', 'ignored', 'ignored', 'real-time scheduling is not available on Elastic Beanstalk'),
  cpuset: rule('ignored', 'ignored', 'ignored', 'CPU pinning depends on the instance type'),
  credential_spec: rule('fatal', 'fatal', 'fatal', 'gMSA credential specs are Windows-only'),
  device_cgroup_rules: rule('fatal', 'fatal', 'fatal', 'host devices are not available on Elastic Beanstalk instances'),
  devices: rule('fatal', 'fatal', 'fatal', 'host devices are not available on Elastic Beanstalk instances'),
  domainname: rule('ignored', 'mapped', 'ignored', 'Dockerrun has no domain name field'),
  external_links: rule('ignored', 'ignored', 'ignored', 'containers outside the bundle do not exist on the instance'),
  gpus: rule('fatal', 'fatal', 'fatal', 'GPU reservations need a GPU instance type and platform that beanstack does not configure'),
  group_add: rule('ignored', 'mapped', 'ignored', 'Dockerrun has no supplementary-groups field'),
  init: rule('ignored', 'mapped', 'ignored', 'Dockerrun has no documented init-process field'),
  ipc: rule('fatal', 'fatal', 'fatal', 'sharing IPC namespaces between containers or with the host is not possible on Elastic Beanstalk'),
  isolation: rule('fatal', 'fatal', 'fatal', 'container isolation technologies are Windows-only'),
  mac_address: rule('ignored', 'ignored', 'ignored', 'MAC addresses are assigned by the instance network'),
  mem_swappiness: rule('ignored', 'ignored', 'ignored', 'swap tuning is host configuration'),
  memswap_limit: rule('ignored', 'ignored', 'ignored', 'swap tuning is host configuration'),
  network_mode: rule('fatal', 'fatal', 'fatal', 'Elastic Beanstalk runs containers on its own bridge network; host, service: and container: network modes cannot be reproduced'),
  oom_kill_disable: rule('ignored', 'ignored', 'ignored', 'OOM tuning is host configuration'),
  oom_score_adj: rule('ignored', 'ignored', 'ignored', 'OOM tuning is host configuration'),
  pid: rule('fatal', 'fatal', 'fatal', 'sharing the host or another container\'s PID namespace is not possible on Elastic Beanstalk'),
  pids_limit: rule('ignored', 'mapped', 'ignored', 'Dockerrun has no PIDs-limit field'),
  platform: rule('mapped', 'mapped', 'mapped', 'becomes the image platform of the build'),
  pull_policy: rule('ignored', 'ignored', 'ignored', 'Elastic Beanstalk pulls images at each deployment'),
  runtime: rule('fatal', 'fatal', 'fatal', 'Elastic Beanstalk instances only have the default runc runtime'),
  scale: rule('ignored', 'ignored', 'ignored', 'Elastic Beanstalk runs one copy of the bundle per instance; scale with the number of instances'),
  security_opt: rule('ignored', 'mapped', 'ignored', 'Dockerrun has no documented security-options field'),
  shm_size: rule('ignored', 'mapped', 'ignored', 'Dockerrun has no documented shared-memory field'),
  stop_signal: rule('ignored', 'mapped', 'ignored', 'Dockerrun has no stop-signal field; the container receives SIGTERM'),
  storage_opt: rule('ignored', 'ignored', 'ignored', 'storage driver options are host configuration'),
  sysctls: rule('ignored', 'mapped', 'ignored', 'Dockerrun has no documented sysctl field'),
  tmpfs: rule('ignored', 'mapped', 'ignored', 'Dockerrun has no documented tmpfs field'),
  userns_mode: rule('fatal', 'fatal', 'fatal', 'user-namespace modes are host configuration'),
  uts: rule('fatal', 'fatal', 'fatal', 'sharing the host UTS namespace is not possible on Elastic Beanstalk'),
  volumes_from: rule('mapped', 'mapped', 'fatal', 'a single-container bundle has no other container to take volumes from'),
  attach: rule('ignored', 'ignored', 'ignored', 'log attachment is a `docker compose up` option'),
  annotations: rule('ignored', 'ignored', 'ignored', 'OCI annotations are not part of Dockerrun'),
  provider: rule('fatal', 'fatal', 'fatal', 'provider services run on the developer machine, not on Elastic Beanstalk'),
  models: rule('fatal', 'fatal', 'fatal', 'model runners are not available on Elastic Beanstalk'),
  use_api_socket: rule('fatal', 'fatal', 'fatal', 'the Docker API socket of the instance must not be handed to an application'),
};

/** `network_mode` values that are fine (the default bridge network). */
export const ALLOWED_NETWORK_MODES: readonly string[] = ['bridge', 'default'];

/** `ipc` values that are fine (a private IPC namespace). */
export const ALLOWED_IPC_MODES: readonly string[] = ['private', 'none'];

/** `runtime` values that are fine (the default runtime). */
export const ALLOWED_RUNTIMES: readonly string[] = ['runc', 'io.containerd.runc.v2'];

/**
 * Linux capabilities that give a container control over the host kernel or network stack. A service
 * asking for one cannot run safely on a shared managed instance (e.g. WireGuard's NET_ADMIN +
 * SYS_MODULE), so it is a fatal error on every target.
 */
export const FATAL_CAPABILITIES: readonly string[] = [
  'ALL', 'BPF', 'DAC_READ_SEARCH', 'MAC_ADMIN', 'MAC_OVERRIDE', 'NET_ADMIN', 'PERFMON', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_MODULE', 'SYS_PTRACE', 'SYS_RAWIO', 'SYS_RESOURCE', 'SYS_TIME',
];

/**
 * Build targets that name a development stage. A service built with one of these, and no production
 * target in `x-beanstack.target` or an override file, is built from the Dockerfile's final stage.
 */
export const DEV_BUILD_TARGETS: readonly string[] = [
  'build', 'builder', 'debug', 'dev', 'develop', 'development', 'local', 'test', 'testing', 'tests', 'watch',
];

/** Dockerfile names that look like development Dockerfiles (matched case-insensitively). */
export const DEV_DOCKERFILE_PATTERN = /(^|[./_-])(dev|develop|development|local|debug)([./_-]|$)/i;

/**
 * Container ports that are debuggers (Node inspector, JDWP, debugpy, Delve, Xdebug, Ruby debug). They
 * are dropped unless the production overrides publish them.
 */
export const DEBUG_PORTS: Readonly<Record<number, string>> = {
  1234: 'Ruby debug (rdbg)',
  2345: 'Delve (Go debugger)',
  5005: 'JDWP (Java debugger)',
  5678: 'debugpy (Python debugger)',
  9003: 'Xdebug 3',
  9229: 'Node.js inspector',
  9230: 'Node.js inspector',
};

/** Host ports ECS reserves on the container instance (ECS task definition parameters). */
export const RESERVED_HOST_PORTS: readonly (number | readonly [number, number])[] = [22, 2375, 2376, [51678, 51680]];

/** Whether ECS reserves `port` on the container instance. */
export function isReservedHostPort(port: number): boolean {
  return RESERVED_HOST_PORTS.some((r) => (typeof r === 'number' ? r === port : port >= r[0] && port <= r[1]));
}

/** The reserved ports as people read them: `22, 2375, 2376, 51678-51680`. */
export const RESERVED_HOST_PORTS_TEXT = RESERVED_HOST_PORTS.map((r) => (typeof r === 'number' ? String(r) : `${r[0]}-${r[1]}`)).join(', ');

/** Secrets by name and value have one home, lib/secrets.ts (shared with the review). */
export { isSecretName } from '../secrets';

/**
 * Variables whose value says the app runs in development mode (warned about, never changed: the app
 * owner decides).
 */
export const DEV_ENVIRONMENT_VALUES: Readonly<Record<string, readonly string[]>> = {
  APP_ENV: ['dev', 'development', 'local'],
  ASPNETCORE_ENVIRONMENT: ['Development'],
  DEBUG: ['1', 'true', 'True', 'TRUE'],
  DJANGO_DEBUG: ['1', 'true', 'True', 'TRUE'],
  ENV: ['dev', 'development', 'local'],
  FLASK_DEBUG: ['1', 'true', 'True'],
  FLASK_ENV: ['development'],
  NODE_ENV: ['development', 'dev'],
  RAILS_ENV: ['development'],
  RACK_ENV: ['development'],
  SPRING_PROFILES_ACTIVE: ['dev', 'development', 'local'],
};

/** Words in a command that mean a file watcher, a dev server or a debugger. */
export const DEV_COMMAND_PATTERNS: readonly RegExp[] = [
  /\bnodemon\b/,
  /\bstart-watch\b/,
  /\bts-node-dev\b/,
  /(^|\s)--watch\b/,
  /(^|\s)--reload\b/,
  /\bnpm run dev\b/,
  /\byarn dev\b/,
  /\bpnpm dev\b/,
  /\bflask run\b.*--debug/,
  /\bmanage\.py runserver\b/,
  /\bng serve\b/,
  /\bvue-cli-service serve\b/,
  /\breact-scripts start\b/,
  /\bair\b -c/,
  // debuggers: an inspector or debug server listening in production is a remote-code-execution door
  /(^|\s)--inspect(-brk)?(=\S*)?(?=\s|$)/,
  /\bdebugpy\b/,
  /\bdlv\b.*\b(debug|exec)\b/,
  /(^|\s)-agentlib:jdwp\S*/,
];

/**
 * Images of database servers the stack replaces with Amazon RDS, by the last path component of the
 * image repository.
 */
export const DATABASE_IMAGES: Readonly<Record<string, 'mysql' | 'mariadb' | 'postgres'>> = {
  mariadb: 'mariadb',
  'mariadb-server': 'mariadb',
  mysql: 'mysql',
  'mysql-server': 'mysql',
  postgres: 'postgres',
  postgresql: 'postgres',
};

/**
 * Words that say a variable is about a database (`DB_PASSWORD`, `SPRING_DATASOURCE_URL`,
 * `WORDPRESS_DB_HOST`, `MYSQL_USER`); the database service's own name and host names count too.
 */
export const DATABASE_NAME_WORDS: readonly string[] = [
  'DATABASE', 'DATASOURCE', 'DB', 'JDBC', 'KNEX', 'MARIADB', 'MYSQL', 'PG', 'POSTGRES', 'POSTGRESQL', 'PSQL', 'RDS', 'SEQUELIZE', 'SQL', 'TYPEORM',
];

/** Default port of each engine. */
export const DATABASE_PORTS: Readonly<Record<'mysql' | 'mariadb' | 'postgres', number>> = {
  mariadb: 3306,
  mysql: 3306,
  postgres: 5432,
};

/** Variables of the database image that name its database, user and password (and their `_FILE` twins). */
export const DATABASE_IMAGE_VARIABLES: Readonly<Record<'mysql' | 'mariadb' | 'postgres', {
  readonly database: readonly string[];
  readonly user: readonly string[];
  readonly password: readonly string[];
  /** User name when none is configured (MySQL's root; Postgres' postgres). */
  readonly defaultUser: string;
}>> = {
  mariadb: {
    database: ['MARIADB_DATABASE', 'MYSQL_DATABASE'],
    user: ['MARIADB_USER', 'MYSQL_USER'],
    password: ['MARIADB_PASSWORD', 'MYSQL_PASSWORD', 'MARIADB_ROOT_PASSWORD', 'MYSQL_ROOT_PASSWORD'],
    defaultUser: 'root',
  },
  mysql: {
    database: ['MYSQL_DATABASE'],
    user: ['MYSQL_USER'],
    password: ['MYSQL_PASSWORD', 'MYSQL_ROOT_PASSWORD'],
    defaultUser: 'root',
  },
  postgres: {
    database: ['POSTGRES_DB'],
    user: ['POSTGRES_USER'],
    password: ['POSTGRES_PASSWORD'],
    defaultUser: 'postgres',
  },
};

/** URL schemes of database connection strings, per engine family. */
export const DATABASE_URL_SCHEMES: readonly string[] = [
  'jdbc:mariadb', 'jdbc:mysql', 'jdbc:postgresql', 'mariadb', 'mysql', 'mysql2', 'mysqlx', 'postgres', 'postgresql',
];

/** Default memory reservation (MiB) of a container that sets no memory. */
export const DEFAULT_MEMORY_RESERVATION_MIB = 256;

/** Smallest memory value Docker accepts (Docker ≥ 20.10 reserves 6 MiB). */
export const MIN_MEMORY_MIB = 6;

/** Default image platform of built images (Beanstalk's default instance types are x86_64). */
export const DEFAULT_IMAGE_PLATFORM = 'linux/amd64';

/** Where named volumes live on the instance (outside `/var/app/current`, which each deploy replaces). */
export const NAMED_VOLUME_ROOT = '/var/lib/beanstack/volumes';

/** Where Beanstalk unpacks the source bundle. */
export const BUNDLE_ROOT_ON_INSTANCE = '/var/app/current';

/** Names of files a bundle must never ship (Beanstalk writes `.env` on the Docker platform). */
export const NEVER_SHIP: readonly string[] = ['.env'];

/** Targets in a fixed order (for docs and flag validation). */
export const TARGETS: readonly BundleTarget[] = ['ecs', 'docker', 'single'];

/**
 * Server settings beanstack carries into the RDS DB parameter group: parameters RDS documents as
 * modifiable for the engine family (MySQL and MariaDB share the list). Others are reported, not set.
 */
export const RDS_PARAMETERS: Readonly<Record<'mysql' | 'postgres', readonly string[]>> = {
  mysql: [
    'autocommit', 'binlog_format', 'character_set_client', 'character_set_connection', 'character_set_database', 'character_set_filesystem',
    'character_set_results', 'character_set_server', 'collation_connection', 'collation_server', 'connect_timeout', 'event_scheduler',
    'explicit_defaults_for_timestamp', 'ft_min_word_len', 'general_log', 'group_concat_max_len', 'init_connect', 'innodb_autoinc_lock_mode',
    'innodb_buffer_pool_size', 'innodb_file_per_table', 'innodb_ft_min_token_size', 'innodb_large_prefix', 'innodb_lock_wait_timeout',
    'innodb_log_buffer_size', 'innodb_print_all_deadlocks', 'innodb_strict_mode', 'interactive_timeout', 'join_buffer_size', 'local_infile',
    'log_bin_trust_function_creators', 'log_output', 'long_query_time', 'lower_case_table_names', 'max_allowed_packet', 'max_connect_errors',
    'max_connections', 'max_heap_table_size', 'net_read_timeout', 'net_write_timeout', 'performance_schema', 'read_buffer_size',
    'require_secure_transport', 'slow_query_log', 'sort_buffer_size', 'sql_mode', 'table_open_cache', 'thread_cache_size', 'time_zone',
    'tmp_table_size', 'transaction_isolation', 'tx_isolation', 'wait_timeout',
  ],
  postgres: [
    'autovacuum', 'checkpoint_timeout', 'client_encoding', 'datestyle', 'deadlock_timeout', 'default_text_search_config',
    'default_transaction_isolation', 'effective_cache_size', 'idle_in_transaction_session_timeout', 'lc_messages', 'lc_monetary',
    'lc_numeric', 'lc_time', 'lock_timeout', 'log_connections', 'log_disconnections', 'log_min_duration_statement', 'log_statement',
    'maintenance_work_mem', 'max_connections', 'max_wal_size', 'min_wal_size', 'random_page_cost', 'search_path', 'shared_buffers',
    'statement_timeout', 'temp_buffers', 'timezone', 'track_activity_query_size', 'work_mem',
  ],
};

/** Server settings RDS decides itself (paths, networking, TLS files, replication identity): dropped with a note. */
export const RDS_MANAGED_PARAMETERS: Readonly<Record<'mysql' | 'postgres', readonly string[]>> = {
  mysql: [
    'basedir', 'bind_address', 'datadir', 'default_authentication_plugin', 'log_bin', 'log_error', 'pid_file', 'plugin_dir', 'port',
    'secure_file_priv', 'server_id', 'skip_host_cache', 'skip_name_resolve', 'skip_networking', 'socket', 'ssl_ca', 'ssl_cert', 'ssl_key',
    'symbolic_links', 'tmpdir', 'user',
  ],
  postgres: [
    'config_file', 'data_directory', 'hba_file', 'ident_file', 'listen_addresses', 'port', 'ssl', 'ssl_ca_file', 'ssl_cert_file', 'ssl_key_file',
    'unix_socket_directories',
  ],
};

/**
 * Container paths that hold a database's or store's data. A mount there is data, not source code or
 * configuration: it is never shipped in the bundle.
 */
export const DATA_DIRECTORIES: readonly string[] = [
  '/bitnami', '/data/db', '/usr/share/elasticsearch/data', '/var/lib/clickhouse', '/var/lib/influxdb', '/var/lib/mariadb', '/var/lib/mongodb',
  '/var/lib/mysql', '/var/lib/neo4j/data', '/var/lib/postgresql', '/var/lib/postgresql/data', '/var/lib/rabbitmq', '/var/lib/redis', '/var/opt/mssql',
];

/** Where the official database images look for schema init scripts. */
export const INIT_DIRECTORY = '/docker-entrypoint-initdb.d';

/** Schema init files the ECS/Docker init container applies (what the official entrypoints run). */
export const INIT_SQL_FILE = /\.sql(\.gz|\.xz|\.zst|\.bz2)?$/i;

/**
 * Roles of services, from their name or image, for the order of ECS links (docs/bundle.md, "Service
 * discovery"): the first pattern that matches decides; 1 (an application service) otherwise.
 */
export const SERVICE_TIERS: readonly { readonly tier: number; readonly role: string; readonly pattern: RegExp }[] = [
  { tier: 3, role: 'proxy', pattern: /(^|[/_.-])(nginx|openresty|traefik|caddy|haproxy|envoy|httpd|apache2?|varnish|proxy|reverse-proxy|gateway|ingress|lb|loadbalancer)([/_.:-]|$)/i },
  { tier: 2, role: 'web front end', pattern: /(^|[/_.-])(frontend|front|client|ui|web|www|webapp|spa|grafana|kibana|pgadmin4?|adminer|phpmyadmin|portainer|prometheus)([/_.:-]|$)/i },
  {
    tier: 0,
    role: 'data store',
    pattern: /(^|[/_.-])(mysql|mariadb|postgres|postgresql|postgis|timescaledb|mongo|mongodb|redis|redismod|redis-stack|valkey|keydb|dragonfly|memcached|rabbitmq|kafka|zookeeper|elasticsearch|opensearch|cassandra|couchdb|couchbase|neo4j|influxdb|clickhouse|minio|nats|etcd|consul|mssql|sqlserver|cockroach|db|database|cache|queue|broker|mq)([/_.:-]|$)/i,
  },
];

/**
 * What each target (Elastic Beanstalk platform and bundle format) can express: the planner asks this
 * table instead of branching on the target's name.
 */
export interface TargetCapabilities {
  /** Name of the format in messages. */
  readonly format: string;
  /** More than one container. */
  readonly multipleContainers: boolean;
  /** Containers reach each other through links only (so names must be kept as links). */
  readonly linksOnly: boolean;
  /** Compose networks, aliases, restart policies, tmpfs, capabilities, sysctls… are kept natively. */
  readonly composeNative: boolean;
  /** Container settings beyond image, ports, volumes, command and entrypoint (labels, user, memory, …). */
  readonly containerSettings: boolean;
  /** Ulimit names the format accepts. */
  readonly ulimits: readonly string[];
  /** Log drivers the format accepts (undefined: any). */
  readonly logDrivers?: readonly string[];
  /** Every container needs memory or a memory reservation. */
  readonly memoryRequired: boolean;
  /** Health checks and start conditions: written natively, only with the containerHealthChecks option, or not at all. */
  readonly healthchecks: 'native' | 'option' | 'none';
  /** A port published on a random host port is still reached (Beanstalk's proxy reaches the container port). */
  readonly containerPortReached: boolean;
  /** An empty entrypoint clears the image's. */
  readonly entrypointReset: boolean;
  /** The tool that reads the format, for messages about what it cannot express. */
  readonly reader: string;
}

/** Ulimit names an ECS container definition accepts. */
export const ECS_ULIMITS: readonly string[] = ['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack'];

export const TARGET_CAPABILITIES: Readonly<Record<BundleTarget, TargetCapabilities>> = {
  ecs: {
    format: 'Dockerrun', multipleContainers: true, linksOnly: true, composeNative: false, containerSettings: true, ulimits: ECS_ULIMITS,
    logDrivers: ['awsfirelens', 'awslogs', 'fluentd', 'gelf', 'journald', 'json-file', 'logentries', 'splunk', 'syslog'],
    memoryRequired: true, healthchecks: 'option', containerPortReached: false, entrypointReset: true, reader: 'Dockerrun',
  },
  docker: {
    format: 'the production compose file', multipleContainers: true, linksOnly: false, composeNative: true, containerSettings: true, ulimits: ['as', ...ECS_ULIMITS],
    memoryRequired: false, healthchecks: 'native', containerPortReached: false, entrypointReset: true, reader: 'docker-compose 1.29.2',
  },
  single: {
    format: 'Dockerrun v1', multipleContainers: false, linksOnly: false, composeNative: false, containerSettings: false, ulimits: [],
    memoryRequired: false, healthchecks: 'none', containerPortReached: true, entrypointReset: false, reader: 'Dockerrun',
  },
};

/** Keys of `ServiceConfig.other` the docker target writes back unchanged. */
export const PASS_THROUGH_KEYS: readonly string[] = ['blkio_config', 'group_add', 'pids_limit', 'security_opt'];

/** Container paths where a volume only hides dependencies of the image during development. */
export const DEPENDENCY_DIRS = /\/(node_modules|\.venv|bower_components)\/?$/;

/** Service names and images that usually front an app (reverse proxies, web UIs): candidates for host port 80. */
export const WEB_LIKE = /(^|[/_.-])(nginx|traefik|caddy|haproxy|envoy|httpd|apache|proxy|gateway|ingress|frontend|front|web|www|ui|client|app|kibana|grafana)([/_.:-]|$)/i;

/** Container ports that usually serve HTTP, in order of preference. */
export const HTTP_PORTS: readonly number[] = [80, 8080, 3000, 8000, 5000, 4200, 8081, 9000];

/** ECS container health check limits, in seconds (retries: a count). */
export const ECS_HEALTHCHECK_LIMITS = {
  interval: { min: 5, max: 300, compose: 'interval' },
  timeout: { min: 2, max: 60, compose: 'timeout' },
  retries: { min: 1, max: 10, compose: 'retries' },
  startPeriod: { min: 0, max: 300, compose: 'start_period' },
} as const;

/** Memory reserved for a schema init container (a database client and a shell). */
export const SCHEMA_INIT_MEMORY_MIB = 64;

/** Shortest value treated as a secret when searching commands and other values for it. */
export const MIN_SECRET_LENGTH = 4;

/**
 * Build settings the deploy pipeline's image build (context, Dockerfile, target, args, platform) does
 * not carry: each present one is reported (`bundle/build-setting-ignored`).
 */
export const BUILD_SETTINGS_NOT_CARRIED: readonly { readonly key: (b: BuildConfig) => string; readonly present: (b: BuildConfig) => boolean; readonly reason: string }[] = [
  { key: () => 'secrets', present: (b) => b.secrets.length > 0, reason: 'build secrets are not passed to the image build; a RUN --mount=type=secret step finds no secret' },
  { key: () => 'ssh', present: (b) => b.ssh.length > 0, reason: 'no SSH agent is forwarded to the image build; fetch private dependencies another way' },
  { key: () => 'additional_contexts', present: (b) => Object.keys(b.additionalContexts).length > 0, reason: 'additional build contexts are not passed to the image build; a COPY --from=<context> step fails' },
  { key: () => 'network', present: (b) => b.network !== undefined && b.network !== 'default', reason: 'the image build uses the default build network' },
  { key: () => 'extra_hosts', present: (b) => Object.keys(b.extraHosts).length > 0, reason: 'the image build resolves names with the default resolver' },
  { key: () => 'shm_size', present: (b) => b.shmSizeBytes !== undefined, reason: 'the image build uses the default shared memory size' },
  { key: () => 'privileged', present: (b) => b.privileged === true, reason: 'the image build is not privileged' },
  { key: (b) => (b.cacheFrom.length > 0 ? 'cache_from' : 'cache_to'), present: (b) => b.cacheFrom.length > 0 || b.cacheTo.length > 0, reason: 'build caches are not configured by the deploy pipeline' },
  { key: () => 'labels', present: (b) => Object.keys(b.labels).length > 0, reason: 'image labels are not added by the deploy pipeline; set LABEL in the Dockerfile' },
  { key: () => 'tags', present: (b) => b.tags.length > 0, reason: 'the deploy pipeline tags images itself' },
  { key: () => 'no_cache', present: (b) => b.noCache === true, reason: 'the deploy pipeline decides about the build cache' },
  { key: () => 'pull', present: (b) => b.pull === true, reason: 'the deploy pipeline decides whether base images are pulled' },
];
