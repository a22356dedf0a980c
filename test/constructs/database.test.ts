import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Match } from 'aws-cdk-lib/assertions';
import { Database, ENGINE_VERSIONS, resolveEngineVersion, supportedMajors } from '../../constructs/database';
import { Network } from '../../constructs/network';
import { resourcesOfType, synth, Synthesized, TEST_ENV } from './helpers';

function build(stage: 'dev' | 'prod', extra: Partial<ConstructorParameters<typeof Database>[2]> = {}) {
  return (stack: Stack) => {
    const net = new Network(stack, 'Net', { stage, databasePorts: [extra.engine === 'postgres' ? 5432 : 3306] });
    new Database(stack, 'Db', { vpc: net.vpc, securityGroup: net.databaseSecurityGroup, subnets: net.databaseSubnets, stage, ...extra });
  };
}

describe('Database, MySQL, dev stage', () => {
  let s: Synthesized;
  beforeAll(() => { s = synth(build('dev')); });

  test('synthesizes with zero findings (cdk-nag and the built-in template checks)', () => {
    expect(s.error).toBeUndefined();
    expect(s.violations).toEqual([]);
  });

  test('MySQL 8.4 pinned to a minor version, burstable micro, encrypted gp3, not public', () => {
    s.template.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'mysql',
      EngineVersion: '8.4.10',
      DBInstanceClass: 'db.t4g.micro',
      StorageType: 'gp3',
      AllocatedStorage: '20',
      MaxAllocatedStorage: 100,
      StorageEncrypted: true,
      PubliclyAccessible: false,
      MultiAZ: false,
      DeletionProtection: false,
      BackupRetentionPeriod: 1,
      DBName: 'app',
      Port: '3306',
    });
  });

  test('the subnet group uses the isolated subnets', () => {
    const [[, group]] = resourcesOfType(s, 'AWS::RDS::DBSubnetGroup');
    const isolated = resourcesOfType(s, 'AWS::EC2::Subnet')
      .filter(([, r]) => r.Properties.Tags.some((t: { Key: string; Value: string }) => t.Key === 'aws-cdk:subnet-type' && t.Value === 'Isolated'))
      .map(([id]) => ({ Ref: id }));
    expect(group.Properties.SubnetIds).toEqual(isolated);
  });

  test('credentials are generated into Secrets Manager, never a literal password', () => {
    s.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"app"}', GenerateStringKey: 'password' }),
    });
    const [[, db]] = resourcesOfType(s, 'AWS::RDS::DBInstance');
    expect(JSON.stringify(db.Properties.MasterUserPassword)).toMatch(/resolve:secretsmanager:.*:SecretString:password::/);
  });

  test('utf8mb4 parameter group', () => {
    s.template.hasResourceProperties('AWS::RDS::DBParameterGroup', {
      Family: 'mysql8.4',
      Parameters: Match.objectLike({ character_set_server: 'utf8mb4', collation_server: 'utf8mb4_0900_ai_ci' }),
    });
  });

  test('dev: removed with the stack (no snapshot, no deletion protection), credentials too', () => {
    s.template.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    s.template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
  });
});

describe('Database, MySQL, prod stage', () => {
  let s: Synthesized;
  beforeAll(() => { s = synth(build('prod')); });

  test('synthesizes with zero findings', () => {
    expect(s.error).toBeUndefined();
    expect(s.violations).toEqual([]);
  });

  test('Multi-AZ, deletion protection, 7 days of backups, a bigger instance', () => {
    s.template.hasResourceProperties('AWS::RDS::DBInstance', {
      MultiAZ: true,
      DeletionProtection: true,
      BackupRetentionPeriod: 7,
      DBInstanceClass: 'db.t4g.medium',
      StorageEncrypted: true,
    });
  });

  test('a final snapshot when the instance is removed or replaced; its credentials are retained', () => {
    s.template.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
    s.template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ GenerateSecretString: Match.objectLike({ GenerateStringKey: 'password' }) }) });
  });
});

describe('Database engines', () => {
  test('PostgreSQL 16 → 16.13 on 5432, a parameter group that forces TLS; minor versions upgrade automatically', () => {
    const s = synth(build('dev', { engine: 'postgres', engineVersion: '16' }));
    expect(s.violations).toEqual([]);
    s.template.hasResourceProperties('AWS::RDS::DBInstance', { Engine: 'postgres', EngineVersion: '16.13', Port: '5432', AutoMinorVersionUpgrade: true });
    s.template.hasResourceProperties('AWS::RDS::DBParameterGroup', { Family: 'postgres16', Parameters: { 'rds.force_ssl': '1' } });
    const plain = synth(build('dev', { engine: 'postgres', engineVersion: '16', requireTls: false }));
    plain.template.resourceCountIs('AWS::RDS::DBParameterGroup', 0);
  });

  test('MySQL requires TLS (require_secure_transport) over the app\'s own settings', () => {
    const s = synth(build('dev', { engine: 'mysql', parameters: { max_connections: '200', require_secure_transport: 'OFF' } }));
    s.template.hasResourceProperties('AWS::RDS::DBParameterGroup', { Parameters: Match.objectLike({ max_connections: '200', require_secure_transport: 'ON' }) });
  });

  test('MariaDB 10.11 → 10.11.16 with utf8mb4_unicode_ci', () => {
    const s = synth(build('dev', { engine: 'mariadb', engineVersion: '10.11' }));
    expect(s.violations).toEqual([]);
    s.template.hasResourceProperties('AWS::RDS::DBInstance', { Engine: 'mariadb', EngineVersion: '10.11.16' });
    s.template.hasResourceProperties('AWS::RDS::DBParameterGroup', {
      Family: 'mariadb10.11',
      Parameters: Match.objectLike({ collation_server: 'utf8mb4_unicode_ci' }),
    });
  });

  test('every pinned version is one aws-cdk-lib knows (so its template check accepts it)', () => {
    const classes = { mysql: rds.MysqlEngineVersion, mariadb: rds.MariaDbEngineVersion, postgres: rds.PostgresEngineVersion };
    for (const [engine, table] of Object.entries(ENGINE_VERSIONS)) {
      for (const [major, full] of Object.entries(table)) {
        expect(full.startsWith(`${major}.`)).toBe(true);
        const known = (classes as Record<string, any>)[engine][`VER_${full.replace(/\./g, '_')}`];
        expect(known?.fullVersion ?? known?.mysqlFullVersion ?? known?.mariaDbFullVersion ?? known?.postgresFullVersion).toBe(full);
      }
    }
  });

  test('resolveEngineVersion: default, major, full, unknown', () => {
    expect(resolveEngineVersion('mysql')).toEqual({ full: '8.4.10', major: '8.4' });
    expect(resolveEngineVersion('mysql', '8.0')).toEqual({ full: '8.0.46', major: '8.0' });
    expect(resolveEngineVersion('mysql', '8.4.7')).toEqual({ full: '8.4.7', major: '8.4' });
    expect(() => resolveEngineVersion('mysql', '5.7')).toThrow(expect.objectContaining({
      message: "`engineVersion` '5.7' is not a mysql version beanstack can deploy",
      fix: 'use one of 8.4, 8.0 (or a full version of one of them, e.g. 8.4.10)',
    }));
  });

  // Regression: the default used to be "the first key" of ENGINE_VERSIONS, but JavaScript orders
  // integer-like keys numerically, so an unversioned `postgres` image got PostgreSQL 13 (out of RDS
  // standard support) instead of the documented 17.
  test('the default of each engine is the documented one, not the lowest integer-like key', () => {
    expect(resolveEngineVersion('postgres')).toEqual({ full: '17.9', major: '17' });
    expect(resolveEngineVersion('mariadb')).toEqual({ full: '11.8.6', major: '11.8' });
    expect(supportedMajors('postgres')).toEqual(['17', '18', '16', '15', '14', '13']);
    expect(() => resolveEngineVersion('postgres', '12')).toThrow(expect.objectContaining({
      fix: 'use one of 17, 18, 16, 15, 14, 13 (or a full version of one of them, e.g. 17.9)',
    }));
  });

  test('an unversioned MariaDB database synthesizes MariaDB 11.8 with its utf8mb4 parameter group family', () => {
    const s = synth(build('dev', { engine: 'mariadb' }));
    expect(s.violations).toEqual([]);
    s.template.hasResourceProperties('AWS::RDS::DBInstance', { Engine: 'mariadb', EngineVersion: '11.8.6' });
    s.template.hasResourceProperties('AWS::RDS::DBParameterGroup', { Family: 'mariadb11.8' });
  });

  test('an unversioned PostgreSQL database synthesizes PostgreSQL 17', () => {
    const s = synth(build('dev', { engine: 'postgres' }));
    expect(s.violations).toEqual([]);
    s.template.hasResourceProperties('AWS::RDS::DBInstance', { Engine: 'postgres', EngineVersion: '17.9' });
  });
});

describe('Database validation', () => {
  const vpc = () => {
    const stack = new Stack(undefined, 'S', { env: TEST_ENV });
    return { stack, vpc: new ec2.Vpc(stack, 'V', { natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }, { name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }) };
  };
  test.each([
    [{ username: 'rdsadmin' }, /`username` 'rdsadmin' cannot be the master user/],
    [{ databaseName: 'my-db' }, /`databaseName` 'my-db' is not a valid database name/],
    [{ backupRetentionDays: 0 }, /`backupRetentionDays` \(0\) must be from 1 to 35/],
    [{ allocatedStorageGiB: 10 }, /`allocatedStorageGiB` \(10\) must be an integer of at least 20/],
    [{ port: 80 }, /`port` \(80\) is outside the range RDS accepts/],
  ])('%j is rejected', (props, message) => {
    const { stack, vpc: v } = vpc();
    expect(() => new Database(stack, 'Db', { vpc: v, ...props })).toThrow(message);
  });

  test('explicit props win over the stage defaults', () => {
    const s = synth((stack) => {
      const net = new Network(stack, 'Net', { databasePorts: [3306] });
      new Database(stack, 'Db', { vpc: net.vpc, securityGroup: net.databaseSecurityGroup, stage: 'dev', deletionProtection: true, removalPolicy: RemovalPolicy.SNAPSHOT });
    });
    expect(s.violations).toEqual([]);
    s.template.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Snapshot', Properties: Match.objectLike({ DeletionProtection: true, MultiAZ: false }) });
  });
});
