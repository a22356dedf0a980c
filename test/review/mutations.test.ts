/**
 * The mutation suite: template and bundle changes applied to the example app's synthesized assembly
 * (test/review/fixtures/fullstack-dev), each with the danger classes it must produce — no more, no
 * fewer. Routine changes must not raise any danger class.
 */
import { AssemblyCopy, FULLSTACK, MutationCase, review, reviewMutation } from './helpers';
import type { ReviewReport } from '../../lib/review';
import { renderJson, renderMarkdown, renderText } from '../../lib/review';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

type Mutation = MutationCase;

const DB = 'AppDatabasesmysqlInstance9D393F6F';
const DB_SG = 'AppNetworkDatabaseSecurityGroup3';

function notesText(r: ReviewReport): string {
  return r.notes.map((n) => `${n.class}: ${n.title} :: ${n.reason}`).join('\n');
}

const MUTATIONS: Mutation[] = [
  {
    name: 'DB subnet group gets a name (subnet group replaced → DB replaced)',
    head: (a) => a.editResource('AppDatabasesmysqlInstanceSubnetGroup', (r) => (r.Properties.DBSubnetGroupName = 'fullstack-db')),
    classes: ['data-loss'],
    check: (r) => {
      const n = r.notes.find((x) => x.class === 'data-loss' && x.logicalId?.startsWith(DB))!;
      expect(n.title).toMatch(/will be REPLACED/);
      expect(n.reason).toMatch(/EMPTY/);
      expect(n.reason).toMatch(/UpdateReplacePolicy Delete/);
    },
  },
  {
    name: 'DB subnet group moves to other subnets (update, aws-cdk#31426)',
    head: (a) =>
      a.editResource('AppDatabasesmysqlInstanceSubnetGroup', (r) => {
        r.Properties.SubnetIds = [{ Ref: 'AppNetworkVpcpublicSubnet1Subnet5B0CD6D5' }, { Ref: 'AppNetworkVpcpublicSubnet2SubnetE8EBE6BD' }];
      }),
    classes: ['data-loss'],
    check: (r) => expect(notesText(r)).toMatch(/31426/),
  },
  {
    name: 'StorageEncrypted true → false',
    head: (a) => a.editResource(DB, (r) => (r.Properties.StorageEncrypted = false)),
    classes: ['data-loss', 'security'],
    check: (r) => {
      expect(notesText(r)).toMatch(/StorageEncrypted true → false/);
      expect(notesText(r)).toMatch(/encryption at rest turned OFF/);
      // the boolean values are shown (cloudformation-diff's formatter drops them)
      const prop = r.stacks[0].resources.find((x) => x.logicalId.startsWith(DB))!.properties.find((p) => p.name === 'StorageEncrypted')!;
      expect([prop.old, prop.new, prop.impact]).toEqual(['true', 'false', 'replace']);
    },
  },
  {
    name: 'StorageEncrypted false → true (encrypting an existing database replaces it)',
    base: (a) => a.editResource(DB, (r) => (r.Properties.StorageEncrypted = false)),
    head: () => undefined,
    headFromOriginal: true,
    classes: ['data-loss'],
  },
  {
    name: 'DBInstanceIdentifier set',
    head: (a) => a.editResource(DB, (r) => (r.Properties.DBInstanceIdentifier = 'fullstack-db')),
    classes: ['data-loss'],
  },
  {
    name: 'engine mysql → postgres',
    head: (a) =>
      a.editResource(DB, (r) => {
        r.Properties.Engine = 'postgres';
        r.Properties.EngineVersion = '16.4';
      }),
    classes: ['data-loss'],
    check: (r) => expect(notesText(r)).toMatch(/Engine mysql → postgres/),
  },
  {
    name: 'engine major upgrade 8.0 → 8.4',
    base: (a) => a.editResource(DB, (r) => (r.Properties.EngineVersion = '8.0.43')),
    head: () => undefined,
    headFromOriginal: true,
    // the upgrade also restarts the database (downtime, mutations-downtime.test.ts)
    classes: ['irreversible', 'deploy-fails', 'downtime'],
    check: (r) => {
      const n = r.notes.find((x) => x.class === 'irreversible')!;
      expect(n.title).toMatch(/major version upgrade 8\.0\.43 → 8\.4\.10/);
      expect(n.reason).toMatch(/AllowMajorVersionUpgrade/);
      const f = r.notes.find((x) => x.class === 'deploy-fails')!;
      expect(f.title).toMatch(/without AllowMajorVersionUpgrade/);
      expect(f.reason).toMatch(/allow_major_version_upgrade: true/);
    },
  },
  {
    name: 'engine major upgrade 8.0 → 8.4 with AllowMajorVersionUpgrade: irreversible, the deploy works',
    base: (a) => a.editResource(DB, (r) => (r.Properties.EngineVersion = '8.0.43')),
    head: (a) => a.editResource(DB, (r) => (r.Properties.AllowMajorVersionUpgrade = true)),
    headFromOriginal: true,
    classes: ['irreversible', 'downtime'],
  },
  {
    name: 'engine minor upgrade 8.4.10 → 8.4.11 is neither data loss nor irreversible (it restarts the database: downtime)',
    head: (a) => a.editResource(DB, (r) => (r.Properties.EngineVersion = '8.4.11')),
    classes: ['downtime'],
  },
  {
    name: 'engine downgrade 8.4 → 8.0 fails',
    head: (a) => a.editResource(DB, (r) => (r.Properties.EngineVersion = '8.0.43')),
    classes: ['deploy-fails'],
  },
  {
    name: 'ingress 0.0.0.0/0 on 3306',
    head: (a) => a.editResource(DB_SG, (r) => (r.Properties.SecurityGroupIngress = [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306 }])),
    classes: ['security'],
    check: (r) => {
      expect(notesText(r)).toMatch(/opens port 3306 to the whole internet/);
      expect(notesText(r)).toMatch(/MySQL/);
      expect(r.stacks[0].securityGroups.join('\n')).toMatch(/Everyone \(IPv4\)/);
    },
  },
  {
    name: 'ingress from the app security group on 3306 (least privilege) is not alarmed',
    head: (a) =>
      a.editTemplate((t) => {
        t.Resources.ExtraIngress = {
          Type: 'AWS::EC2::SecurityGroupIngress',
          Properties: { GroupId: { 'Fn::GetAtt': ['AppNetworkDatabaseSecurityGroup36710F5E', 'GroupId'] }, SourceSecurityGroupId: { 'Fn::GetAtt': ['AppNetworkAppSecurityGroup4A87DE72', 'GroupId'] }, IpProtocol: 'tcp', FromPort: 3307, ToPort: 3307 },
        };
      }),
    classes: [],
  },
  {
    name: 'office CIDR on the DB port',
    head: (a) => a.editResource(DB_SG, (r) => (r.Properties.SecurityGroupIngress = [{ CidrIp: '203.0.113.0/24', IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306 }])),
    classes: ['security'],
  },
  {
    name: 'nginx image bump (its build context changed) is routine',
    head: (a) => a.rebuildService('nginx', 'default.conf', 'server { listen 80; location / { return 204; } }\n'),
    classes: [],
    routine: true,
    check: (r) => {
      expect(r.bundles).toHaveLength(1);
      const c = r.bundles[0].containers;
      expect(c.map((x) => x.name)).toEqual(['nginx']);
      expect(c[0].image?.rebuilt).toBe('nginx');
      expect(c[0].image?.files).toEqual(['~ default.conf']);
      expect(r.notes.some((n) => n.class === 'routine' && /rolls out the new bundle/.test(n.title))).toBe(true);
    },
  },
  {
    name: 'container environment variable added, memory raised, port changed',
    head: (a) =>
      a.editDockerrun((d) => {
        const api = d.containerDefinitions.find((c: Json) => c.name === 'api');
        api.environment.push({ name: 'LOG_LEVEL', value: 'debug' });
        api.memory = 512;
        const fe = d.containerDefinitions.find((c: Json) => c.name === 'frontend');
        fe.portMappings = [{ containerPort: 3000, hostPort: 3001 }];
      }),
    classes: [],
    routine: true,
    check: (r) => {
      const byName = Object.fromEntries(r.bundles[0].containers.map((c) => [c.name, c]));
      expect(byName.api.environment).toEqual([{ name: 'LOG_LEVEL', change: 'added', value: 'debug' }]);
      expect(byName.api.settings).toEqual(['mem_limit: 256m → 512m']);
      expect(byName.frontend.settings).toEqual(['ports: 3000:3000 → 3001:3000']);
    },
  },
  {
    name: 'plaintext secret written into a container environment',
    head: (a) =>
      a.editDockerrun((d) => {
        d.containerDefinitions[0].environment.push({ name: 'STRIPE_API_KEY', value: 'sk_live_SUPERSECRET123' });
      }),
    classes: ['security'],
    routine: true,
    check: (r) => {
      for (const text of [renderJson(r), renderMarkdown(r), renderText(r)]) expect(text).not.toContain('SUPERSECRET');
      expect(r.bundles[0].containers[0].environment[0]).toEqual({ name: 'STRIPE_API_KEY', change: 'added', value: '(secret value hidden)' });
    },
  },
  {
    name: 'instance type t3.small → t3.medium changes the cost (and replaces the single instance: downtime)',
    head: (a) => a.setOption('aws:ec2:instances', 'InstanceTypes', 't3.medium'),
    classes: ['downtime'],
    check: (r) => {
      // eu-west-1: (0.0456 - 0.0228) × 730
      expect(r.cost.delta).toBeCloseTo(16.64, 1);
      expect(r.stacks[0].resources[0].properties[0]).toMatchObject({ name: 'OptionSettings[aws:ec2:instances/InstanceTypes]', old: 't3.small', new: 't3.medium' });
    },
  },
  {
    name: 'database made publicly accessible',
    head: (a) => a.editResource(DB, (r) => (r.Properties.PubliclyAccessible = true)),
    classes: ['security'],
  },
  {
    name: 'deletion protection turned off',
    base: (a) => a.editResource(DB, (r) => (r.Properties.DeletionProtection = true)),
    head: () => undefined,
    headFromOriginal: true,
    classes: ['security'],
  },
  {
    name: 'database removed (DeletionPolicy Delete)',
    head: (a) => a.editTemplate((t) => delete t.Resources[DB]),
    classes: ['data-loss'],
    check: (r) => expect(notesText(r)).toMatch(/DELETED.*DeletionPolicy Delete: the database and everything in it are deleted/s),
  },
  {
    name: 'database replaced with UpdateReplacePolicy Snapshot (softened, not removed)',
    base: (a) => a.editResource(DB, (r) => (r.UpdateReplacePolicy = 'Snapshot')),
    head: (a) => a.editResource(DB, (r) => (r.Properties.DBName = 'orders')),
    classes: ['data-loss'],
    check: (r) => expect(notesText(r)).toMatch(/UpdateReplacePolicy Snapshot softens it/),
  },
  {
    name: 'environment replaced while its EnvironmentName is fixed',
    head: (a) => a.editResource('AppBeanstalkEnvironment', (r) => (r.Properties.ApplicationName = 'other-app')),
    classes: ['deploy-fails'],
    check: (r) => expect(notesText(r)).toMatch(/EnvironmentName=fullstack-dev/),
  },
  {
    name: 'IAM permissions widened',
    head: (a) => a.editResource('AppBeanstalkInstanceRoleDefaultPolicy', (r) => r.Properties.PolicyDocument.Statement.push({ Action: 's3:*', Effect: 'Allow', Resource: '*' })),
    classes: ['security'],
    check: (r) => expect(notesText(r)).toMatch(/s3:\*/),
  },
  {
    name: 'IMDSv1 re-enabled',
    head: (a) => a.setOption('aws:autoscaling:launchconfiguration', 'DisableIMDSv1', 'false'),
    classes: ['security'],
  },
  {
    name: 'plaintext secret as an environment property',
    head: (a) => a.setOption('aws:elasticbeanstalk:application:environment', 'DB_PASSWORD', 'hunter2-plaintext'),
    classes: ['security'],
    check: (r) => {
      for (const text of [renderJson(r), renderMarkdown(r), renderText(r)]) expect(text).not.toContain('hunter2');
    },
  },
  {
    name: 'backup retention 1 → 7 ("may replace" in the spec, in place in practice)',
    head: (a) => a.editResource(DB, (r) => (r.Properties.BackupRetentionPeriod = 7)),
    classes: [],
  },
  {
    name: 'Multi-AZ on doubles the database cost, no data loss',
    head: (a) => a.editResource(DB, (r) => (r.Properties.MultiAZ = true)),
    classes: [],
    check: (r) => expect(r.cost.delta).toBeGreaterThan(12),
  },
  {
    name: 'storage grows 20 → 50 GiB (cannot shrink back)',
    head: (a) => a.editResource(DB, (r) => (r.Properties.AllocatedStorage = '50')),
    classes: ['irreversible'],
  },
  {
    name: 'storage shrinks 20 → 10 GiB fails',
    head: (a) => a.editResource(DB, (r) => (r.Properties.AllocatedStorage = '10')),
    classes: ['deploy-fails'],
  },
  {
    name: 'NAT gateway added',
    head: (a) =>
      a.editTemplate((t) => {
        t.Resources.Nat = { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: { Ref: 'AppNetworkVpcpublicSubnet1Subnet5B0CD6D5' }, AllocationId: { 'Fn::GetAtt': ['NatEip', 'AllocationId'] } } };
        t.Resources.NatEip = { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } };
      }),
    classes: [],
    check: (r) => expect(r.cost.delta).toBeCloseTo((0.048 + 0.005) * 730, 1),
  },
  {
    name: 'new cdk-nag / built-in finding introduced',
    head: (a) =>
      a.setFindings({
        version: '55.0.0',
        title: 'Validation Report',
        pluginReports: [
          {
            pluginName: 'CloudFormation Validate',
            conclusion: 'success',
            violations: [
              {
                ruleName: 'W2508',
                description: 'SecurityGroupIngress: Security group allows 0.0.0.0/0 access to sensitive port 3306 (range 3306-3306)',
                severity: 'warning',
                violatingConstructs: [{ constructPath: 'fullstack-dev/App/Network/DatabaseSecurityGroup/Resource', cloudFormationResource: { templatePath: 'fullstack-dev.template.json', logicalId: 'AppNetworkDatabaseSecurityGroup36710F5E' } }],
              },
            ],
          },
        ],
      }),
    classes: ['security'],
    check: (r) => {
      expect(r.findings.introduced.map((f) => f.rule)).toEqual(['W2508']);
      expect(r.hasChanges).toBe(true);
    },
  },
];

describe('mutation suite', () => {
  it('has at least 15 cases', () => {
    expect(MUTATIONS.length).toBeGreaterThanOrEqual(15);
  });

  it.each(MUTATIONS.map((m) => [m.name, m] as const))('%s', (_name, m) => {
    const r = reviewMutation(m);
    expect({ classes: r.classes, notes: notesText(r) }).toEqual({ classes: [...m.classes], notes: expect.any(String) });
    expect(r.hasChanges).toBe(true);
    if (m.routine) expect(r.notes.some((n) => n.class === 'routine')).toBe(true);
    // every note explains itself
    for (const n of r.notes) expect(n.reason.length).toBeGreaterThan(20);
    m.check?.(r);
  });

  it('an identical assembly has no changes and no notes', () => {
    const r = review(FULLSTACK, new AssemblyCopy(FULLSTACK).dir);
    expect(r.hasChanges).toBe(false);
    expect(r.notes).toEqual([]);
    expect(r.summary).toMatch(/^✅ No infrastructure changes/);
  });
});
