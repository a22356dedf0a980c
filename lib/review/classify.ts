/**
 * The danger classes: reads each resource change with the resource's type, its DeletionPolicy /
 * UpdateReplacePolicy, its physical name and the old and new values, and says in plain language what
 * happens: data loss, irreversible, deploy will fail, security, downtime (downtime.ts), or routine.
 *
 * Rules are data tables where they can be (stateful types, name properties, in-place "may replace"
 * properties, sensitive ports) so a new resource type is one line.
 */
import type { Template, TemplateResource } from './assembly';
import type { RawChange, StackDiffResult } from './stack-diff';
import type { DangerClass, Note } from './types';
import { isSecret, render } from './values';
import { domainNotes } from './classify-domain';
import { compareVersions } from '../util/order';
import { costGuardNotes } from './classify-cost';
import { downtimeNotes } from './downtime';
import { operationsNotes } from './classify-ops';
import { isObject } from '../util/json';

/** Types that hold data: replacing or deleting them loses it. */
export const STATEFUL_TYPES: Readonly<Record<string, string>> = {
  'AWS::RDS::DBInstance': 'database',
  'AWS::RDS::DBCluster': 'database cluster',
  'AWS::EC2::Volume': 'EBS volume',
  'AWS::EFS::FileSystem': 'file system',
  'AWS::SecretsManager::Secret': 'secret',
  'AWS::S3::Bucket': 'bucket',
  'AWS::DynamoDB::Table': 'table',
  'AWS::KMS::Key': 'encryption key',
  'AWS::ECR::Repository': 'image repository',
};

/** Properties that give a resource a fixed physical name: replacing it then fails (the name is taken). */
export const NAME_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  'AWS::RDS::DBInstance': ['DBInstanceIdentifier'],
  'AWS::RDS::DBCluster': ['DBClusterIdentifier'],
  'AWS::RDS::DBSubnetGroup': ['DBSubnetGroupName'],
  'AWS::RDS::DBParameterGroup': ['DBParameterGroupName'],
  'AWS::ElasticBeanstalk::Environment': ['EnvironmentName', 'CNAMEPrefix'],
  'AWS::ElasticBeanstalk::Application': ['ApplicationName'],
  'AWS::EC2::SecurityGroup': ['GroupName'],
  'AWS::IAM::Role': ['RoleName'],
  'AWS::IAM::InstanceProfile': ['InstanceProfileName'],
  'AWS::IAM::ManagedPolicy': ['ManagedPolicyName'],
  'AWS::SecretsManager::Secret': ['Name'],
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'AWS::S3::Bucket': ['BucketName'],
  'AWS::ECR::Repository': ['RepositoryName'],
  'AWS::ElasticLoadBalancingV2::LoadBalancer': ['Name'],
  'AWS::ElasticLoadBalancingV2::TargetGroup': ['Name'],
  'AWS::DynamoDB::Table': ['TableName'],
};

/**
 * RDS properties the resource spec marks "may replace" that update the instance in place (possibly
 * with a short interruption) when changed on an existing instance.
 */
export const IN_PLACE_MAY_REPLACE: ReadonlySet<string> = new Set([
  'AllocatedStorage',
  'AutoMinorVersionUpgrade',
  'BackupRetentionPeriod',
  'CACertificateIdentifier',
  'DBParameterGroupName',
  'Iops',
  'MaxAllocatedStorage',
  'MonitoringInterval',
  'MultiAZ',
  'OptionGroupName',
  'PreferredBackupWindow',
  'PreferredMaintenanceWindow',
  'StorageThroughput',
  'StorageType',
]);

/** Ports of databases and remote administration: never open them to an address range. */
export const SENSITIVE_PORTS: Readonly<Record<number, string>> = {
  22: 'SSH',
  1433: 'SQL Server',
  1521: 'Oracle',
  3306: 'MySQL/MariaDB',
  3389: 'RDP',
  5432: 'PostgreSQL',
  6379: 'Redis',
  9200: 'Elasticsearch',
  11211: 'Memcached',
  27017: 'MongoDB',
};

const WORLD = new Set(['0.0.0.0/0', '::/0']);

type Json = Record<string, unknown>;

function what(c: RawChange): string {
  return STATEFUL_TYPES[c.type] ?? c.type;
}

/** The effective DeletionPolicy (CloudFormation snapshots RDS instances and clusters by default). */
function deletionPolicy(r: TemplateResource | undefined, type: string): string {
  if (r?.DeletionPolicy) return r.DeletionPolicy;
  if (type === 'AWS::RDS::DBCluster') return 'Snapshot (the default for RDS)';
  if (type === 'AWS::RDS::DBInstance' && r?.Properties?.DBClusterIdentifier === undefined) return 'Snapshot (the default for RDS)';
  return 'Delete';
}

function replacePolicy(r: TemplateResource | undefined): string {
  return r?.UpdateReplacePolicy ?? 'Delete';
}

function fixedName(r: TemplateResource | undefined, type: string): { prop: string; value: string } | undefined {
  for (const p of NAME_PROPERTIES[type] ?? []) {
    const v = r?.Properties?.[p];
    if (typeof v === 'string' || (isObject(v) && ('Fn::Join' in v || 'Fn::Sub' in v))) return { prop: p, value: render(v) };
  }
  return undefined;
}

/** Properties whose change really replaces the resource (MAY_REPLACE ones known to update in place removed). */
function replacingProps(c: RawChange): string[] {
  return Object.entries(c.props)
    .filter(([p, d]) => d.impact === 'replace' || (d.impact === 'may-replace' && !(c.type.startsWith('AWS::RDS::') && IN_PLACE_MAY_REPLACE.has(p))))
    .map(([p]) => p)
    .sort();
}

/** Engine major version: `8.0`, `8.4` and `5.7` for MySQL/MariaDB; `16` for PostgreSQL ≥ 10. */
export function majorVersion(engine: string, version: string): string | undefined {
  const parts = version.split('.');
  if (parts.length === 0 || !/^\d+$/.test(parts[0])) return undefined;
  if (/postgres/.test(engine) && Number(parts[0]) >= 10) return parts[0];
  return parts.length >= 2 ? `${parts[0]}.${parts[1]}` : parts[0];
}

interface Rule {
  readonly stack: string;
  readonly notes: Note[];
}

/** A construct path for prose: without the stack prefix and the trailing `/Resource`. */
export function short(stack: string, p: string): string {
  return (p.startsWith(`${stack}/`) ? p.slice(stack.length + 1) : p).replace(/\/(Resource|Default)$/, '');
}

function note(ctx: Rule, cls: DangerClass, c: RawChange | undefined, title: string, reason: string): void {
  ctx.notes.push({
    class: cls,
    stack: ctx.stack,
    ...(c ? { logicalId: c.logicalId, resource: c.path, resourceType: c.type } : {}),
    title,
    reason,
  });
}

function dataLoss(ctx: Rule, c: RawChange, byWhat: string): void {
  const kind = what(c);
  if (c.action === 'remove') {
    const dp = deletionPolicy(c.old, c.type);
    const soft = dp.startsWith('Snapshot')
      ? `DeletionPolicy ${dp}: a final snapshot is taken, so the data can be restored into a new ${kind} by hand, but the running ${kind} and its endpoint are gone.`
      : `DeletionPolicy ${dp}: the ${kind} and everything in it are deleted.`;
    note(ctx, 'data-loss', c, `${kind} ${short(ctx.stack, c.path)} will be DELETED`, `It is removed from the stack. ${soft} To keep it, set its removal policy to RETAIN (or SNAPSHOT) before removing it.`);
    return;
  }
  const rp = replacePolicy(c.new ?? c.old);
  const soft =
    rp === 'Snapshot'
      ? `UpdateReplacePolicy Snapshot softens it: a snapshot of the old ${kind} is taken before it is deleted, and you can restore from it by hand.`
      : rp === 'Retain'
        ? `UpdateReplacePolicy Retain: the old ${kind} is kept (no longer managed, still billed), but the application switches to the new, empty one.`
        : `UpdateReplacePolicy Delete: the old ${kind} and its data are deleted after the new one is created.`;
  const verb = c.action === 'may-replace' ? 'may be REPLACED' : 'will be REPLACED';
  const fresh = c.type === 'AWS::SecretsManager::Secret' ? 'a new secret value is generated and the old one is gone' : `a new, EMPTY ${kind} is created`;
  note(ctx, 'data-loss', c, `${kind} ${short(ctx.stack, c.path)} ${verb} (${byWhat})`, `Changing ${byWhat} cannot be done in place: ${fresh}. ${soft}`);
}

/** Ingress rules of a template: `sg|proto|from-to|peer` → a description. */
function ingressRules(t: Template | undefined): Map<string, { sg: string; proto: string; from: number; to: number; peer: string; cidr: boolean }> {
  const out = new Map<string, { sg: string; proto: string; from: number; to: number; peer: string; cidr: boolean }>();
  const refOf = (v: unknown): string => {
    if (isObject(v) && typeof v.Ref === 'string') return v.Ref;
    if (isObject(v) && Array.isArray(v['Fn::GetAtt'])) return String(v['Fn::GetAtt'][0]);
    return render(v);
  };
  const add = (sg: string, r: Json): void => {
    const proto = String(r.IpProtocol ?? '-1');
    const from = proto === '-1' ? 0 : Number(r.FromPort ?? 0);
    const to = proto === '-1' ? 65535 : Number(r.ToPort ?? from);
    let peer: string;
    let cidr = false;
    if (typeof r.CidrIp === 'string') {
      peer = r.CidrIp;
      cidr = true;
    } else if (typeof r.CidrIpv6 === 'string') {
      peer = r.CidrIpv6;
      cidr = true;
    } else if (r.SourceSecurityGroupId !== undefined) peer = `sg:${refOf(r.SourceSecurityGroupId)}`;
    else if (r.SourcePrefixListId !== undefined) peer = `pl:${render(r.SourcePrefixListId)}`;
    else peer = render(r.SourceSecurityGroupName ?? '?');
    out.set(`${sg}|${proto}|${from}-${to}|${peer}`, { sg, proto, from, to, peer, cidr });
  };
  for (const [id, r] of Object.entries(t?.Resources ?? {})) {
    if (r.Type === 'AWS::EC2::SecurityGroup' && Array.isArray(r.Properties?.SecurityGroupIngress)) {
      for (const i of r.Properties!.SecurityGroupIngress as unknown[]) if (isObject(i)) add(id, i);
    } else if (r.Type === 'AWS::EC2::SecurityGroupIngress' && isObject(r.Properties)) {
      add(refOf(r.Properties.GroupId ?? r.Properties.GroupName), r.Properties);
    }
  }
  return out;
}

/** Security groups attached to databases: logical id → database logical id. */
function databaseGroups(t: Template | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, r] of Object.entries(t?.Resources ?? {})) {
    if (r.Type !== 'AWS::RDS::DBInstance' && r.Type !== 'AWS::RDS::DBCluster') continue;
    const groups = r.Properties?.VPCSecurityGroups ?? r.Properties?.VpcSecurityGroupIds;
    for (const g of Array.isArray(groups) ? groups : []) {
      if (isObject(g) && Array.isArray(g['Fn::GetAtt'])) out.set(String(g['Fn::GetAtt'][0]), id);
      if (isObject(g) && typeof g.Ref === 'string') out.set(g.Ref, id);
    }
  }
  return out;
}

function portText(from: number, to: number, proto: string): string {
  if (proto === '-1') return 'all ports';
  return from === to ? `port ${from}` : `ports ${from}-${to}`;
}

export function optionValue(r: TemplateResource | undefined, ns: string, name: string): unknown {
  const opts = r?.Properties?.OptionSettings;
  if (!Array.isArray(opts)) return undefined;
  const o = opts.find((x) => isObject(x) && x.Namespace === ns && x.OptionName === name);
  return isObject(o) ? o.Value : undefined;
}

function envProperties(r: TemplateResource | undefined): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const opts = r?.Properties?.OptionSettings;
  for (const o of Array.isArray(opts) ? opts : []) {
    if (isObject(o) && o.Namespace === 'aws:elasticbeanstalk:application:environment' && typeof o.OptionName === 'string') out.set(o.OptionName, o.Value);
  }
  return out;
}

export function truthy(v: unknown): boolean {
  return v === true || v === 'true';
}

/** What the rules of one stack share: its diff, its changes by logical id, and the notes so far. */
interface StackRules extends Rule {
  readonly s: StackDiffResult;
  readonly byId: ReadonlyMap<string, RawChange>;
  /** Application versions added or replaced (their environments roll them out). */
  readonly replacedVersions: Set<string>;
}

/** The rules each change is read with, in order. */
const CHANGE_RULES: readonly ((ctx: StackRules, c: RawChange) => void)[] = [
  dataLossRule,
  fixedNameRule,
  rdsVersionRule,
  rdsStorageAndSecurityRule,
  subnetGroupRule,
  environmentSecurityRule,
  routineRule,
];

/** Classifies every change of one stack. */
export function classifyStack(s: StackDiffResult): Note[] {
  const ctx: StackRules = { stack: s.review.name, notes: [], s, byId: new Map(s.changes.map((c) => [c.logicalId, c])), replacedVersions: new Set() };
  for (const c of s.changes) for (const rule of CHANGE_RULES) rule(ctx, c);
  applicationVersionNotes(ctx);
  ingressNotes(ctx);

  // --- the cost guard's budgets and sleep schedules (classify-cost.ts) ---
  ctx.notes.push(...costGuardNotes(s));

  ctx.notes.push(...downtimeNotes(s));

  // --- the app's public name and its certificate (classify-domain.ts) ---
  ctx.notes.push(...domainNotes(s));

  // --- scaling and alarms (classify-ops.ts) ---
  return [...ctx.notes, ...operationsNotes(s)];
}

const isReplace = (c: RawChange) => c.action === 'replace' || c.action === 'may-replace';

/** Data loss: a stateful resource removed, or replaced by a property change. */
function dataLossRule(ctx: StackRules, c: RawChange): void {
  if (STATEFUL_TYPES[c.type] === undefined) return;
  const replacing = replacingProps(c);
  if (c.action === 'remove') dataLoss(ctx, c, 'removal');
  if (isReplace(c) && replacing.length > 0) {
    const reasons = replacing.map((p) => {
      const d = c.props[p];
      return JSON.stringify(d.new ?? null).includes(' (replaced)') ? `${p}, because the resource it points at is replaced` : `${p} ${render(d.old)} → ${render(d.new)}`;
    });
    dataLoss(ctx, c, reasons.join('; '));
  }
}

/** Deploy will fail: a replacement that keeps its fixed physical name. */
function fixedNameRule(ctx: StackRules, c: RawChange): void {
  if (!isReplace(c) || replacingProps(c).length === 0) return;
  const name = fixedName(c.new, c.type);
  const oldName = fixedName(c.old, c.type);
  if (name && oldName && name.prop === oldName.prop && name.value === oldName.value) {
    note(
      ctx,
      'deploy-fails',
      c,
      `${c.type} ${short(ctx.stack, c.path)} must be replaced but has the fixed name ${name.prop}=${name.value}`,
      `CloudFormation creates the replacement before deleting the old resource, and the name is already taken, so the update fails and rolls back. Remove ${name.prop} (let CloudFormation name it) or change the name in the same deploy.`,
    );
  }
}

const isDatabase = (c: RawChange) => c.type === 'AWS::RDS::DBInstance' || c.type === 'AWS::RDS::DBCluster';

/** RDS engine versions: a major upgrade is irreversible (and needs AllowMajorVersionUpgrade); a downgrade fails. */
function rdsVersionRule(ctx: StackRules, c: RawChange): void {
  if (!isDatabase(c)) return;
  const p = c.props;
  const engine = String(c.new?.Properties?.Engine ?? c.old?.Properties?.Engine ?? '');
  if (!(p.EngineVersion && typeof p.EngineVersion.old === 'string' && typeof p.EngineVersion.new === 'string' && !p.Engine)) return;
  const ma = majorVersion(engine, p.EngineVersion.old);
  const mb = majorVersion(engine, p.EngineVersion.new);
  if (ma && mb && ma !== mb) {
    if (compareVersions(mb, ma) > 0) {
      const allowed = truthy(c.new?.Properties?.AllowMajorVersionUpgrade);
      note(ctx, 'irreversible', c, `${engine} major version upgrade ${p.EngineVersion.old} → ${p.EngineVersion.new} on ${short(ctx.stack, c.path)}`, `RDS upgrades the database in place, with downtime, and a major version cannot be downgraded afterwards: going back means restoring a snapshot taken before the upgrade (losing later writes). Test the application on ${mb} first${allowed ? '' : ', and set AllowMajorVersionUpgrade: true or the deploy fails'}.`);
      if (!allowed) {
        note(ctx, 'deploy-fails', c, `${engine} major version upgrade ${p.EngineVersion.old} → ${p.EngineVersion.new} on ${short(ctx.stack, c.path)} without AllowMajorVersionUpgrade`, 'RDS refuses a major version upgrade unless AllowMajorVersionUpgrade is true, so the update fails and rolls back. Allow it on the database service (x-beanstack: { allow_major_version_upgrade: true }, or the construct prop allowMajorVersionUpgrade), or keep the current major version.');
      }
    } else {
      note(ctx, 'deploy-fails', c, `${engine} version downgrade ${p.EngineVersion.old} → ${p.EngineVersion.new} on ${short(ctx.stack, c.path)}`, 'RDS cannot downgrade a database engine; the update fails. Keep the current version or restore a snapshot into a new instance.');
    }
  } else if (ma && mb && compareVersions(p.EngineVersion.new, p.EngineVersion.old) < 0) {
    note(ctx, 'deploy-fails', c, `${engine} minor version downgrade ${p.EngineVersion.old} → ${p.EngineVersion.new} on ${short(ctx.stack, c.path)}`, 'RDS cannot downgrade a database engine; the update fails.');
  }
}

/** RDS storage (it never shrinks), public access, encryption and deletion protection. */
function rdsStorageAndSecurityRule(ctx: StackRules, c: RawChange): void {
  if (!isDatabase(c)) return;
  const p = c.props;
  if (p.AllocatedStorage && p.AllocatedStorage.old !== undefined && p.AllocatedStorage.new !== undefined) {
    const a = Number(p.AllocatedStorage.old);
    const b = Number(p.AllocatedStorage.new);
    if (b < a) note(ctx, 'deploy-fails', c, `storage shrinks ${a} → ${b} GiB on ${short(ctx.stack, c.path)}`, 'RDS cannot reduce allocated storage; the update fails. Keep the current size.');
    else if (b > a) note(ctx, 'irreversible', c, `storage grows ${a} → ${b} GiB on ${short(ctx.stack, c.path)}`, 'RDS can grow storage in place but never shrink it again; the extra storage is billed from now on.');
  }
  if (!truthy(p.PubliclyAccessible?.old) && truthy(p.PubliclyAccessible?.new)) {
    note(ctx, 'security', c, `database ${short(ctx.stack, c.path)} becomes publicly accessible`, 'PubliclyAccessible true gives the database a public DNS name and address: with a permissive security group it is reachable from the internet. Keep it private; connect through the application or a bastion.');
  }
  if (c.action !== 'add' && truthy(p.StorageEncrypted?.old) && !truthy(p.StorageEncrypted?.new) && 'StorageEncrypted' in p) {
    note(ctx, 'security', c, `encryption at rest turned OFF on ${short(ctx.stack, c.path)}`, 'StorageEncrypted false stores the data and its snapshots unencrypted.');
  }
  if (truthy(p.DeletionProtection?.old) && !truthy(p.DeletionProtection?.new)) {
    note(ctx, 'security', c, `deletion protection turned OFF on ${short(ctx.stack, c.path)}`, 'Without DeletionProtection a stack deletion or a mistaken replacement can delete the database.');
  }
}

/** A changed DB subnet group may move (replace) the databases in it, which cdk diff does not show. */
function subnetGroupRule(ctx: StackRules, c: RawChange): void {
  const { s, byId } = ctx;
  if (!(c.type === 'AWS::RDS::DBSubnetGroup' && (c.action === 'update' || isReplace(c)) && s.head)) return;
  for (const [dbId, db] of Object.entries(s.head.template.Resources ?? {})) {
    if (db.Type !== 'AWS::RDS::DBInstance') continue;
    const ref = db.Properties?.DBSubnetGroupName;
    if (!(isObject(ref) && ref.Ref === c.logicalId)) continue;
    const dbChange = byId.get(dbId);
    const already = ctx.notes.some((n) => n.class === 'data-loss' && n.logicalId === dbId);
    if (!already) {
      const pseudo: RawChange = dbChange ?? { stack: s.review.name, logicalId: dbId, path: s.head.paths[dbId] ?? dbId, type: db.Type, action: 'may-replace', new: db, old: db, props: {}, others: [], view: { logicalId: dbId, path: s.head.paths[dbId] ?? dbId, type: db.Type, action: 'may-replace', properties: [], assetOnly: false } };
      const rp = replacePolicy(db);
      note(ctx, 'data-loss', pseudo, `database ${short(ctx.stack, pseudo.path)} may be REPLACED: its DB subnet group ${short(ctx.stack, c.path)} changes`, `Changing the subnets of a DB subnet group under a running instance can make RDS move or replace the instance, and cdk diff does not show it (aws/aws-cdk#31426). A replaced instance starts EMPTY; UpdateReplacePolicy is ${rp}. Move the database with a snapshot restore you control.`);
    }
  }
}

/** Beanstalk environments: IMDSv1 re-enabled, a plaintext secret in an environment property. */
function environmentSecurityRule(ctx: StackRules, c: RawChange): void {
  if (c.type !== 'AWS::ElasticBeanstalk::Environment') return;
  if (c.old && c.new) {
    if (truthy(optionValue(c.old, 'aws:autoscaling:launchconfiguration', 'DisableIMDSv1')) && !truthy(optionValue(c.new, 'aws:autoscaling:launchconfiguration', 'DisableIMDSv1'))) {
      note(ctx, 'security', c, `IMDSv1 re-enabled on ${short(ctx.stack, c.path)}`, 'IMDSv1 lets a request-forgery bug in any container read the instance role credentials. Keep DisableIMDSv1 true.');
    }
  }
  if (c.new) {
    const oldEnv = envProperties(c.old);
    for (const [k, v] of envProperties(c.new)) {
      if (isSecret(k, v) && typeof v === 'string' && v.length > 0 && !v.includes('{{resolve:') && oldEnv.get(k) !== v) {
        note(ctx, 'security', c, `environment property ${k} holds a plaintext secret on ${short(ctx.stack, c.path)}`, `The value is stored in the template and shown in the Elastic Beanstalk console. Pass it as an environment secret (Secrets Manager) instead; the value is not shown here.`);
      }
    }
  }
}

/** Routine: new application versions (noted with their environment afterwards) and asset-only updates. */
function routineRule(ctx: StackRules, c: RawChange): void {
  if (c.type === 'AWS::ElasticBeanstalk::ApplicationVersion' && (c.action === 'replace' || c.action === 'add' || c.action === 'may-replace')) {
    ctx.replacedVersions.add(c.logicalId);
  }
  if (c.action === 'update' && c.view.assetOnly && c.type !== 'AWS::ElasticBeanstalk::ApplicationVersion') {
    note(ctx, 'routine', c, `${short(ctx.stack, c.path)}: new asset content`, `Only asset hashes change (${c.view.properties[0]?.explanation ?? 'new content'}); the resource is updated in place.`);
  }
}

/**
 * A new application version: the environment that deploys it rolls it out (cloudformation-diff does
 * not show that environment update).
 */
function applicationVersionNotes(ctx: StackRules): void {
  const { s, byId, replacedVersions } = ctx;
  if (replacedVersions.size === 0 || !s.head) return;
  for (const [envId, env] of Object.entries(s.head.template.Resources ?? {})) {
    if (env.Type !== 'AWS::ElasticBeanstalk::Environment') continue;
    const label = env.Properties?.VersionLabel;
    const v = isObject(label) && typeof label.Ref === 'string' ? label.Ref : undefined;
    if (!v || !replacedVersions.has(v)) continue;
    const ver = byId.get(v)!;
    const policy = render(optionValue(env, 'aws:elasticbeanstalk:command', 'DeploymentPolicy') ?? 'AllAtOnce');
    const envPath = short(ctx.stack, s.head.paths[envId] ?? envId);
    note(
      ctx,
      'routine',
      ver,
      `new application version: ${envPath} rolls out the new bundle`,
      `A changed source bundle always creates a new application version (a "replacement" that loses nothing); the environment deploys it with DeploymentPolicy ${policy}. Old versions stay in the application until the lifecycle policy removes them.`,
    );
  }
}

/** Security groups: ingress opened to the internet, or a sensitive port opened to an address range. */
function ingressNotes(ctx: StackRules): void {
  const { s, byId } = ctx;
  const before = ingressRules(s.base?.template);
  const after = ingressRules(s.head?.template);
  const dbGroups = databaseGroups(s.head?.template);
  for (const [key, r] of after) {
    if (before.has(key)) continue;
    const sgPath = short(ctx.stack, s.head?.paths[r.sg] ?? r.sg);
    const dbOf = dbGroups.get(r.sg);
    const ports = portText(r.from, r.to, r.proto);
    const sensitive = Object.entries(SENSITIVE_PORTS).filter(([p]) => r.proto === '-1' || (Number(p) >= r.from && Number(p) <= r.to)).map(([p, n]) => `${p} (${n})`);
    const sgChange = byId.get(r.sg) ?? ([...byId.values()].find((c) => c.type === 'AWS::EC2::SecurityGroupIngress' && JSON.stringify(c.new?.Properties ?? {}).includes(r.sg)));
    const pseudo = sgChange ?? undefined;
    if (WORLD.has(r.peer)) {
      const web = r.proto !== '-1' && r.from === r.to && (r.from === 80 || r.from === 443) && !dbOf;
      if (!web) {
        note(ctx, 'security', pseudo, `${sgPath} opens ${ports} to the whole internet (${r.peer})`, `${sensitive.length > 0 ? `It includes ${sensitive.join(', ')}. ` : ''}${dbOf ? 'This group protects a database. ' : ''}Anyone can connect; allow only the security group that needs access (e.g. the application's), or a known address range.`);
      }
    } else if (r.cidr && (sensitive.length > 0 || dbOf)) {
      note(ctx, 'security', pseudo, `${sgPath} admits ${r.peer} on ${ports}`, `${sensitive.length > 0 ? `${sensitive.join(', ')} ` : 'A database port '}opened to an address range rather than to the application's security group; make sure the range is yours and needed.`);
    }
  }
}

/** Security notes for IAM permissions widened in a stack that existed before. */
export function iamNotes(s: StackDiffResult): Note[] {
  if (!s.iamBroadened || s.review.status === 'added') return [];
  const added = s.review.iam.filter((r) => r.startsWith('+'));
  if (added.length === 0) return [];
  const shown = added.slice(0, 5).map((r) => r.replace(/^\+\s*/, '')).join('; ');
  return [
    {
      class: 'security',
      stack: s.review.name,
      title: `IAM permissions widened (${added.length} statement${added.length === 1 ? '' : 's'} added)`,
      reason: `New permissions: ${shown}${added.length > 5 ? '; …' : ''}. Check each action and resource is needed (least privilege).`,
    },
  ];
}
