import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { anyString, bool, checkProps, COMMON, num, oneOf, PropCheck, propsError, recordOf, str } from './props';
import type { DeploymentStage } from './stage';
import { compareVersions } from '../lib/util/order';
import { validateDatabaseProps } from './validate-database-props';

export type DatabaseEngineName = 'mysql' | 'mariadb' | 'postgres';

/**
 * The RDS engine version each major version maps to, pinned to a real minor version that
 * aws-cdk-lib's template validation accepts (a bare `8.0` is rejected). The default major of each
 * engine is `DEFAULT_ENGINE_MAJORS` (not the first key: JavaScript orders integer-like keys such as
 * PostgreSQL's `17` numerically, so "the first entry" of `postgres` would be 13). Bump these on
 * purpose: a new minor version is an in-place upgrade of the instance on the next deploy.
 */
export const ENGINE_VERSIONS: Readonly<Record<DatabaseEngineName, Readonly<Record<string, string>>>> = {
  // MySQL 8.0 left RDS standard support in July 2026: 8.4 is the default.
  mysql: { '8.4': '8.4.10', '8.0': '8.0.46' },
  mariadb: { '11.8': '11.8.6', '11.4': '11.4.10', '10.11': '10.11.16', '10.6': '10.6.25' },
  postgres: { '17': '17.9', '18': '18.3', '16': '16.13', '15': '15.17', '14': '14.22', '13': '13.23' },
};

/** The major version a database gets when the compose image names none. */
export const DEFAULT_ENGINE_MAJORS: Readonly<Record<DatabaseEngineName, string>> = {
  mysql: '8.4',
  mariadb: '11.8',
  postgres: '17',
};

/** The majors beanstack deploys for `engine`: the default first, then the others, newest first. */
export function supportedMajors(engine: DatabaseEngineName): string[] {
  const def = DEFAULT_ENGINE_MAJORS[engine];
  const others = Object.keys(ENGINE_VERSIONS[engine]).filter((m) => m !== def).sort((a, b) => compareVersions(b, a));
  return [def, ...others];
}

export const DEFAULT_DATABASE_PORTS: Readonly<Record<DatabaseEngineName, number>> = {
  mysql: 3306,
  mariadb: 3306,
  postgres: 5432,
};

export interface DatabaseProps {
  /** The VPC the database is placed in. */
  readonly vpc: ec2.IVpc;

  /**
   * The database engine.
   *
   * @default 'mysql'
   */
  readonly engine?: DatabaseEngineName;

  /**
   * Major (`8.4`, `16`) or full (`8.4.10`) engine version. A major version is pinned to the minor
   * version listed in `ENGINE_VERSIONS`.
   *
   * @default - `DEFAULT_ENGINE_MAJORS` of the engine (MySQL 8.4, MariaDB 11.8, PostgreSQL 17)
   */
  readonly engineVersion?: string;

  /**
   * Allow a change of `engineVersion` to a new major version (e.g. PostgreSQL 16 → 17). RDS upgrades
   * the instance in place, with downtime, and the old major cannot be restored except from a
   * snapshot; without this, CloudFormation refuses the update and the deploy fails.
   *
   * @default false
   */
  readonly allowMajorVersionUpgrade?: boolean;

  /**
   * Let RDS apply minor engine versions in the maintenance window (security fixes). The template
   * keeps the minor version beanstack pins; CloudFormation only changes the instance's version when
   * the template's version changes.
   *
   * @default true
   */
  readonly autoMinorVersionUpgrade?: boolean;

  /**
   * Refuse connections without TLS: `require_secure_transport` for MySQL and MariaDB, `rds.force_ssl`
   * for PostgreSQL, set in the instance's parameter group. The clients must connect with TLS (most
   * do when the server offers it; the MySQL client of the examples does).
   *
   * @default true
   */
  readonly requireTls?: boolean;

  /**
   * Subnets of the database subnet group. They must span two availability zones.
   *
   * @default - the VPC's isolated subnets
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * Security group of the database. It should accept only the database port, only from the
   * application (see `Network.databaseSecurityGroup`).
   *
   * @default - a new security group with no inbound rule (use `allowFrom`)
   */
  readonly securityGroup?: ec2.ISecurityGroup;

  /**
   * Name of the database created in the instance.
   *
   * @default 'app'
   */
  readonly databaseName?: string;

  /**
   * Master user name; its generated password is stored in Secrets Manager.
   *
   * @default 'app'
   */
  readonly username?: string;

  /**
   * Port the database listens on.
   *
   * @default - the engine's standard port (3306 for MySQL/MariaDB, 5432 for PostgreSQL)
   */
  readonly port?: number;

  /**
   * Instance class.
   *
   * @default - db.t4g.micro (burstable) for `dev`, db.t4g.medium for `prod`
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * Allocated storage, in GiB (gp3). Storage autoscaling may grow it up to `maxAllocatedStorageGiB`.
   *
   * @default 20
   */
  readonly allocatedStorageGiB?: number;

  /**
   * Upper limit for storage autoscaling, in GiB.
   *
   * @default - 5 times `allocatedStorageGiB`
   */
  readonly maxAllocatedStorageGiB?: number;

  /**
   * Days automated backups are kept (1–35).
   *
   * @default - 1 for `dev`, 7 for `prod`
   */
  readonly backupRetentionDays?: number;

  /**
   * A standby instance in a second availability zone.
   *
   * @default - false for `dev`, true for `prod`
   */
  readonly multiAz?: boolean;

  /**
   * Refuse to delete the instance (the stack cannot be destroyed until it is turned off).
   *
   * @default - false for `dev`, true for `prod`
   */
  readonly deletionProtection?: boolean;

  /**
   * What happens to the instance when it leaves the stack. `SNAPSHOT` keeps a final snapshot.
   *
   * @default - RemovalPolicy.DESTROY for `dev`, RemovalPolicy.SNAPSHOT for `prod`
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Engine parameters set in the instance's DB parameter group, e.g. the `my.cnf` settings of the
   * compose database service (`max_connections`, `sql_mode`). For MySQL and MariaDB they are merged
   * over the utf8mb4 defaults.
   *
   * @default - utf8mb4 character set and collation for MySQL and MariaDB; RDS's defaults for PostgreSQL
   */
  readonly parameters?: Readonly<Record<string, string>>;

  /**
   * Drives the defaults of sizing, backups, Multi-AZ, deletion protection and removal.
   *
   * @default 'dev'
   */
  readonly stage?: DeploymentStage;
}

/**
 * An RDS instance (MySQL, MariaDB or PostgreSQL) that only the application can reach: isolated
 * subnets, not publicly accessible, encrypted storage, generated credentials in Secrets Manager,
 * automated backups, utf8mb4 for MySQL/MariaDB; Multi-AZ, deletion protection and a final snapshot for
 * production.
 */
export class Database extends Construct {
  /** The RDS instance. */
  readonly instance: rds.DatabaseInstance;
  /** The generated secret (retained unless the instance is destroyed with the stack): JSON with `username`, `password`, `host`, `port`, `engine`, `dbInstanceIdentifier`. */
  readonly secret: secretsmanager.ISecret;
  /** The database security group. */
  readonly securityGroup: ec2.ISecurityGroup;
  readonly engine: DatabaseEngineName;
  /** The full engine version, e.g. `8.4.10`. */
  readonly engineVersion: string;
  readonly databaseName: string;
  readonly username: string;
  readonly port: number;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    checkProps('Database', props, DATABASE_PROP_CHECKS, ['vpc']);
    if (props.subnets === undefined && props.vpc.isolatedSubnets.length === 0) {
      throw propsError(`Database prop \`vpc\` has no isolated subnets, where the database goes by default; pass \`subnets\` (e.g. { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, two availability zones), or a VPC with PRIVATE_ISOLATED subnets such as the one of \`Network\``);
    }
    const s = applyDefaults(props);
    validateDatabaseProps({
      engine: s.engine,
      databaseName: s.databaseName,
      username: s.username,
      port: s.port,
      allocatedStorageGiB: s.allocatedStorage,
      maxAllocatedStorageGiB: s.maxAllocatedStorage,
      backupRetentionDays: s.backupRetentionDays,
      parameters: props.parameters ?? {},
    });

    this.engine = s.engine;
    this.engineVersion = s.full;
    this.databaseName = s.databaseName;
    this.username = s.username;
    this.port = s.port;

    const instanceEngine = engineFor(s.engine, s.full, s.major);
    this.securityGroup = props.securityGroup ?? new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `${s.engine} database: no inbound rule until allowFrom() is called`,
      allowAllOutbound: false,
    });
    const parameterGroup = this.createParameterGroup(props, s.engine, instanceEngine);
    this.instance = this.createInstance(props, s, instanceEngine, parameterGroup);
    this.secret = this.instance.secret!;
    // The credentials outlive a prod instance: its final snapshot restores with this master password.
    const generatedSecret = this.instance.node.findChild('Secret') as secretsmanager.Secret;
    generatedSecret.applyRemovalPolicy(s.removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN);
    this.acknowledgeFindings(generatedSecret, s);
  }

  /** Allows `peer` to reach the database port. */
  allowFrom(peer: ec2.IConnectable, description = 'from the application'): void {
    this.securityGroup.connections.allowFrom(peer, ec2.Port.tcp(this.port), description);
  }

  /**
   * utf8mb4 for MySQL/MariaDB (the compose-era images default to it; RDS defaults to latin1 on
   * older engines), then the app's own settings, then TLS only. PostgreSQL keeps RDS's default
   * parameter group (UTF8 databases) unless the app has settings.
   */
  private createParameterGroup(props: DatabaseProps, engine: DatabaseEngineName, instanceEngine: rds.IInstanceEngine): rds.ParameterGroup | undefined {
    const own = props.parameters ?? {};
    const defaults: Record<string, string> = engine === 'postgres' ? {} : {
      character_set_client: 'utf8mb4',
      character_set_connection: 'utf8mb4',
      character_set_database: 'utf8mb4',
      character_set_results: 'utf8mb4',
      character_set_server: 'utf8mb4',
      collation_connection: engine === 'mysql' ? 'utf8mb4_0900_ai_ci' : 'utf8mb4_unicode_ci',
      collation_server: engine === 'mysql' ? 'utf8mb4_0900_ai_ci' : 'utf8mb4_unicode_ci',
    };
    // TLS only: RDS refuses plain connections (the app's settings may not turn it off; requireTls may)
    const tlsParameters: Record<string, string> = (props.requireTls ?? true) ? (engine === 'postgres' ? { 'rds.force_ssl': '1' } : { require_secure_transport: 'ON' }) : {};
    const parameters = { ...defaults, ...own, ...tlsParameters };
    return Object.keys(parameters).length === 0 ? undefined : new rds.ParameterGroup(this, 'Parameters', {
      engine: instanceEngine,
      description: Object.keys(own).length > 0 ? 'beanstack: the app\'s server settings' : 'beanstack: utf8mb4 character set and collation',
      parameters,
    });
  }

  /** The instance: isolated, private, encrypted gp3 storage, generated credentials, backups, log exports. */
  private createInstance(props: DatabaseProps, s: DatabaseSettings, instanceEngine: rds.IInstanceEngine, parameterGroup: rds.ParameterGroup | undefined): rds.DatabaseInstance {
    return new rds.DatabaseInstance(this, 'Instance', {
      engine: instanceEngine,
      instanceType: s.instanceType,
      vpc: props.vpc,
      vpcSubnets: props.subnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [this.securityGroup],
      publiclyAccessible: false,
      port: s.port,
      databaseName: s.databaseName,
      credentials: rds.Credentials.fromGeneratedSecret(s.username),
      parameterGroup,
      storageType: rds.StorageType.GP3,
      allocatedStorage: s.allocatedStorage,
      maxAllocatedStorage: s.maxAllocatedStorage,
      storageEncrypted: true,
      backupRetention: Duration.days(s.backupRetentionDays),
      multiAz: s.multiAz,
      deletionProtection: s.deletionProtection,
      removalPolicy: s.removalPolicy,
      autoMinorVersionUpgrade: props.autoMinorVersionUpgrade ?? true,
      allowMajorVersionUpgrade: props.allowMajorVersionUpgrade ?? false,
      copyTagsToSnapshot: true,
      cloudwatchLogsExports: logExports(s.engine),
    });
  }

  /** The cdk-nag findings this database answers by design, each with its reason. */
  private acknowledgeFindings(generatedSecret: secretsmanager.Secret, s: DatabaseSettings): void {
    if (this.port === DEFAULT_DATABASE_PORTS[s.engine]) {
      Validations.of(this.instance).acknowledge({
        id: 'AwsSolutions-RDS11',
        reason: 'the standard port is kept so compose-era clients and drivers work unchanged; the instance sits in isolated subnets and its security group admits the port only from the application security group',
      });
    }
    if (!s.multiAz) {
      Validations.of(this.instance).acknowledge({
        id: 'AwsSolutions-RDS3',
        reason: 'dev stage: a single-AZ instance keeps the cost of a disposable development database low; the prod stage (or multiAz: true) turns Multi-AZ on',
      });
    }
    if (!s.deletionProtection) {
      Validations.of(this.instance).acknowledge({
        id: 'AwsSolutions-RDS10',
        reason: 'dev stage: the development database is disposable and must go away with `cdk destroy`; the prod stage (or deletionProtection: true) turns deletion protection on',
      });
    }
    // `instance.secret` is the attachment; the finding is on the generated secret itself.
    Validations.of(generatedSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Elastic Beanstalk reads environment secrets only when instances bootstrap, so an automatic rotation would break running containers until the next deploy; the isolated VPC also gives a rotation Lambda no route to Secrets Manager. Rotate by hand, then redeploy (docs/deploy.md)',
    });
  }
}

/** What each prop may hold (checkProps). */
const DATABASE_PROP_CHECKS: Readonly<Record<string, PropCheck>> = {
  vpc: COMMON.vpc,
  engine: oneOf(Object.keys(ENGINE_VERSIONS)),
  engineVersion: str(/^\d+(\.\d+)*$/, 'a major version such as 8.4 or 17, or a full version such as 8.4.10'),
  subnets: COMMON.subnets,
  securityGroup: COMMON.securityGroup,
  databaseName: str(),
  username: str(),
  port: num,
  instanceType: COMMON.instanceType,
  allocatedStorageGiB: num,
  maxAllocatedStorageGiB: num,
  backupRetentionDays: num,
  multiAz: bool,
  deletionProtection: bool,
  allowMajorVersionUpgrade: bool,
  autoMinorVersionUpgrade: bool,
  requireTls: bool,
  parameters: recordOf(anyString, 'an object of parameter name: value strings'),
  removalPolicy: oneOf(Object.values(RemovalPolicy) as string[]),
  stage: COMMON.stage,
};

/** The props with their documented defaults applied (once, in one place), and the engine version resolved. */
interface DatabaseSettings {
  readonly engine: DatabaseEngineName;
  /** The full engine version, e.g. `8.4.10`, and its major version. */
  readonly full: string;
  readonly major: string;
  readonly databaseName: string;
  readonly username: string;
  readonly port: number;
  readonly instanceType: ec2.InstanceType;
  readonly allocatedStorage: number;
  readonly maxAllocatedStorage: number;
  readonly backupRetentionDays: number;
  readonly multiAz: boolean;
  readonly deletionProtection: boolean;
  readonly removalPolicy: RemovalPolicy;
}

function applyDefaults(props: DatabaseProps): DatabaseSettings {
  const stage = props.stage ?? 'dev';
  const prod = stage === 'prod';
  const engine = props.engine ?? 'mysql';
  if (!(engine in ENGINE_VERSIONS)) {
    throw propsError(`\`engine\` must be one of ${Object.keys(ENGINE_VERSIONS).join(', ')}, got '${String(engine)}'`);
  }
  const { full, major } = resolveEngineVersion(engine, props.engineVersion);
  const allocatedStorage = props.allocatedStorageGiB ?? 20;
  return {
    engine,
    full,
    major,
    databaseName: props.databaseName ?? 'app',
    username: props.username ?? 'app',
    port: props.port ?? DEFAULT_DATABASE_PORTS[engine],
    instanceType: props.instanceType
      ?? ec2.InstanceType.of(ec2.InstanceClass.BURSTABLE4_GRAVITON, prod ? ec2.InstanceSize.MEDIUM : ec2.InstanceSize.MICRO),
    allocatedStorage,
    maxAllocatedStorage: props.maxAllocatedStorageGiB ?? allocatedStorage * 5,
    backupRetentionDays: props.backupRetentionDays ?? (prod ? 7 : 1),
    multiAz: props.multiAz ?? prod,
    deletionProtection: props.deletionProtection ?? prod,
    removalPolicy: props.removalPolicy ?? (prod ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY),
  };
}

/** The full and major version for `requested` (a major version, a full version, or undefined). */
export function resolveEngineVersion(engine: DatabaseEngineName, requested?: string): { full: string; major: string } {
  const table = ENGINE_VERSIONS[engine];
  const majors = supportedMajors(engine);
  if (requested === undefined) {
    return { full: table[majors[0]], major: majors[0] };
  }
  if (table[requested] !== undefined) {
    return { full: table[requested], major: requested };
  }
  const major = majors.find((m) => requested.startsWith(`${m}.`));
  if (major !== undefined && /^\d+(\.\d+)+$/.test(requested)) {
    return { full: requested, major };
  }
  throw propsError(`\`engineVersion\` '${requested}' is not a ${engine} version beanstack can deploy; use one of ${majors.join(', ')} (or a full version of one of them, e.g. ${table[majors[0]]})`);
}

function engineFor(engine: DatabaseEngineName, full: string, major: string): rds.IInstanceEngine {
  switch (engine) {
    case 'mysql':
      return rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.of(full, major) });
    case 'mariadb':
      return rds.DatabaseInstanceEngine.mariaDb({ version: rds.MariaDbEngineVersion.of(full, major) });
    case 'postgres':
      return rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.of(full, major) });
  }
}

function logExports(engine: DatabaseEngineName): string[] {
  return engine === 'postgres' ? ['postgresql'] : ['error', 'slowquery'];
}
