/**
 * The `downtime` class: changes that restart or replace something that serves traffic, so users see
 * errors while the deploy runs — with the expected interruption and how to avoid it:
 *
 * - RDS: instance class or storage type changes on a single-AZ database (a stop and start on new
 *   hardware); engine version upgrades on any database (Multi-AZ upgrades both copies at once).
 * - Elastic Beanstalk: instance type or platform changes on a single-instance environment or one
 *   without rolling/immutable configuration updates (every instance replaced at once); an environment
 *   replaced or removed.
 * - Route 53: a record of the app's name removed, replaced or pointed elsewhere (a DNS move).
 *
 * A replaced database is data loss (classify.ts) and a change that cannot deploy is "deploy will
 * fail": neither is repeated here. The same change on a Multi-AZ database, or on an environment with
 * immutable updates, is listed as routine with what still happens (a failover, a slower rollout).
 */
import { IN_PLACE_MAY_REPLACE, optionValue, short, truthy } from './classify';
import type { RawChange, StackDiffResult } from './stack-diff';
import type { DangerClass, Note } from './types';
import { render } from './values';
import { isAddressRecordChange } from './classify-domain';
import { compareVersions } from '../util/order';

/** Elastic Beanstalk options whose change launches new instances. */
const INSTANCE_TYPE_OPTIONS: readonly (readonly [string, string])[] = [
  ['aws:ec2:instances', 'InstanceTypes'],
  ['aws:autoscaling:launchconfiguration', 'InstanceType'],
];

const RECORD_TYPES = new Set(['AWS::Route53::RecordSet', 'AWS::Route53::RecordSetGroup']);

/** Whether the change really replaces the resource (RDS "may replace" properties that update in place excluded). */
function replaces(c: RawChange): boolean {
  if (c.action === 'replace') return true;
  return Object.entries(c.props).some(([p, d]) => d.impact === 'replace' || (d.impact === 'may-replace' && !(c.type.startsWith('AWS::RDS::') && IN_PLACE_MAY_REPLACE.has(p))));
}

function changed(c: RawChange, prop: string): { old: string; new: string } | undefined {
  const o = c.old?.Properties?.[prop];
  const n = c.new?.Properties?.[prop];
  if (o === undefined || n === undefined) return undefined;
  const a = render(o);
  const b = render(n);
  return a === b ? undefined : { old: a, new: b };
}

function note(notes: Note[], stack: string, cls: DangerClass, c: RawChange, title: string, reason: string): void {
  notes.push({ class: cls, stack, logicalId: c.logicalId, resource: c.path, resourceType: c.type, title, reason });
}

function database(notes: Note[], stack: string, c: RawChange): void {
  if (c.action !== 'update' && c.action !== 'may-replace') return;
  if (replaces(c) || c.props.Engine) return;
  const where = short(stack, c.path);
  const multiAz = truthy(c.old?.Properties?.MultiAZ) && truthy(c.new?.Properties?.MultiAZ);
  const cls = changed(c, 'DBInstanceClass');
  if (cls) {
    if (!multiAz) {
      note(notes, stack, 'downtime', c, `database ${where} restarts: DBInstanceClass ${cls.old} → ${cls.new} on a single-AZ instance`,
        'RDS moves a single-AZ instance to a new class by stopping it and starting it on new hardware: the database refuses connections for the whole change, typically 5 to 15 minutes (CloudFormation applies it at once, not in the maintenance window), and every request that needs it fails. To avoid it: turn Multi-AZ on first, in its own deploy (RDS then changes the standby and fails over: one reconnect of about a minute), or deploy this change in a quiet hour you announce.');
    } else {
      note(notes, stack, 'routine', c, `database ${where}: DBInstanceClass ${cls.old} → ${cls.new} on a Multi-AZ instance`,
        'RDS changes the standby first and then fails over to it: open connections drop once and reconnect within about a minute; no restart of minutes.');
    }
  }
  const storage = changed(c, 'StorageType');
  if (storage) {
    const magnetic = storage.old === 'standard' || storage.new === 'standard';
    if (magnetic && !multiAz) {
      note(notes, stack, 'downtime', c, `database ${where}: StorageType ${storage.old} → ${storage.new} on a single-AZ instance`,
        'Moving to or from magnetic (standard) storage makes RDS take a single-AZ instance offline while it converts the volume: minutes of refused connections, longer for large volumes. To avoid it: turn Multi-AZ on first (the conversion then fails over), or schedule the change in a quiet hour you announce.');
    } else {
      note(notes, stack, 'routine', c, `database ${where}: StorageType ${storage.old} → ${storage.new}`,
        `${magnetic ? 'On a Multi-AZ instance RDS converts the standby and fails over (one reconnect of about a minute).' : 'Between SSD types RDS converts the volume online: the database stays available, though I/O can be slower during the storage optimization that follows (hours); a new conversion waits six hours.'}`);
    }
  }
  const version = changed(c, 'EngineVersion');
  if (version && compareVersions(version.new, version.old) > 0) {
    note(notes, stack, 'downtime', c, `database ${where} restarts: engine upgrade ${version.old} → ${version.new}`,
      `RDS upgrades the engine in place and restarts the database: it refuses connections for several minutes for a minor version, longer for a major one${multiAz ? ' — Multi-AZ does not help, RDS upgrades the primary and the standby at the same time' : ''}. To avoid most of it: an RDS Blue/Green Deployment (the switchover takes about a minute), or run the upgrade in a quiet hour you announce.`);
  }
}

function environmentOptions(r: RawChange['new']): { single: boolean; rolling: boolean; policy: string } {
  return {
    single: optionValue(r, 'aws:elasticbeanstalk:environment', 'EnvironmentType') === 'SingleInstance',
    rolling: truthy(optionValue(r, 'aws:autoscaling:updatepolicy:rollingupdate', 'RollingUpdateEnabled')),
    policy: render(optionValue(r, 'aws:elasticbeanstalk:command', 'DeploymentPolicy') ?? 'AllAtOnce'),
  };
}

function environment(notes: Note[], stack: string, c: RawChange): void {
  const where = short(stack, c.path);
  if (c.action === 'remove') {
    note(notes, stack, 'downtime', c, `environment ${where} is REMOVED`,
      'Elastic Beanstalk terminates the instances and the load balancer: the application stops answering at its URL for good. If traffic should move elsewhere, point it there first and remove the environment in a later deploy.');
    return;
  }
  if (c.action === 'replace' || (c.action === 'may-replace' && replaces(c))) {
    // a fixed EnvironmentName or CNAMEPrefix makes the replacement fail ("deploy will fail"): nothing is interrupted
    const fixed = ['EnvironmentName', 'CNAMEPrefix'].some((p) => c.old?.Properties?.[p] !== undefined && render(c.old?.Properties?.[p]) === render(c.new?.Properties?.[p]));
    if (fixed) return;
    const why = Object.entries(c.props).filter(([, d]) => d.impact !== 'update').map(([p]) => p).sort().join(', ');
    note(notes, stack, 'downtime', c, `environment ${where} is REPLACED${why ? ` (${why})` : ''}`,
      'CloudFormation creates a new environment (new instances, a new load balancer or Elastic IP, a new URL unless the CNAME prefix is fixed) and then terminates the old one: clients of the old address get errors, and the new one needs 5 to 15 minutes to become healthy. To avoid it: a blue/green move — create the new environment beside the old one, swap their CNAMEs (aws elasticbeanstalk swap-environment-cnames), then remove the old one.');
    return;
  }
  if (c.action !== 'update' || !c.old || !c.new) return;
  const o = environmentOptions(c.new);
  const atOnce = o.single || !o.rolling;
  const shape = o.single ? 'a single-instance environment' : `an environment without rolling configuration updates (DeploymentPolicy ${o.policy})`;
  const avoid = 'To avoid it: a load-balanced environment with immutable configuration updates (the prod preset: RollingUpdateEnabled true, RollingUpdateType Immutable) keeps the old instances serving until the new ones are healthy; otherwise deploy in a quiet hour you announce.';
  for (const [ns, name] of INSTANCE_TYPE_OPTIONS) {
    const a = optionValue(c.old, ns, name);
    const b = optionValue(c.new, ns, name);
    if (a === undefined || b === undefined || render(a) === render(b)) continue;
    if (atOnce) {
      note(notes, stack, 'downtime', c, `environment ${where} replaces its instances: ${name} ${render(a)} → ${render(b)} on ${shape}`,
        `Elastic Beanstalk terminates ${o.single ? 'the instance and launches a new one' : 'every instance at once and launches new ones'} of the new type: the application is down until ${o.single ? 'it has' : 'they have'} pulled the images and ${o.single ? 'passes' : 'pass'} the health check, typically 5 to 10 minutes. ${avoid}`);
    } else {
      note(notes, stack, 'routine', c, `environment ${where}: ${name} ${render(a)} → ${render(b)} with rolling updates`,
        'Elastic Beanstalk replaces the instances in batches (immutable: a new set beside the old one), so the application keeps serving during the change.');
    }
  }
  const platform = changed(c, 'PlatformArn') ?? changed(c, 'SolutionStackName');
  if (platform) {
    if (atOnce) {
      note(notes, stack, 'downtime', c, `environment ${where} updates its platform on ${shape}`,
        `${platform.old} → ${platform.new}: Elastic Beanstalk updates ${o.single ? 'the instance' : 'every instance at once'} (replaced or restarted with the new platform), so the application is down for several minutes. ${avoid} Managed platform updates in the weekly maintenance window are the other way.`);
    } else {
      note(notes, stack, 'routine', c, `environment ${where}: platform update with rolling updates`,
        `${platform.old} → ${platform.new}: Elastic Beanstalk updates the instances in batches (immutable: a new set beside the old one), so the application keeps serving.`);
    }
  }
}

function record(notes: Note[], stack: string, c: RawChange): void {
  if (c.action === 'add') return;
  const r = c.new ?? c.old;
  const name = render(r?.Properties?.Name ?? r?.Properties?.HostedZoneName ?? short(stack, c.path));
  const type = r?.Properties?.Type !== undefined ? ` ${render(r.Properties.Type)}` : '';
  if (c.action === 'orphan') return;
  if (c.action === 'remove') {
    note(notes, stack, 'downtime', c, `DNS record ${name}${type} is REMOVED`,
      'Once resolvers\' cached answers expire (the record\'s TTL; 60 seconds for alias records) the name no longer resolves and users cannot reach the app by it. If the name should move, point it at the new target first and remove the old record in a later deploy.');
    return;
  }
  if (c.action === 'replace' || (c.action === 'may-replace' && replaces(c))) {
    note(notes, stack, 'downtime', c, `DNS record ${name}${type} is REPLACED`,
      'CloudFormation deletes the old record and creates the new one: for the old name (or type) that is a removal, and clients see answers change as caches expire. Move names in two deploys (add the new record, then remove the old one) so one always answers.');
    return;
  }
  const moved = ['AliasTarget', 'ResourceRecords', 'RecordSets', 'Weight', 'SetIdentifier', 'Failover', 'Region'].filter((p) => c.props[p] !== undefined);
  if (moved.length === 0) return;
  note(notes, stack, 'downtime', c, `DNS move: ${name}${type} points elsewhere (${moved.join(', ')})`,
    'Traffic for the name moves to the new target as cached answers expire (the TTL; 60 seconds for alias records): for that time some users reach the old target and some the new one. Keep the old target serving until the TTL has passed (remove it in a later deploy), and lower the TTL a day ahead for records that are not aliases.');
}

/** The downtime notes (and the routine notes of the same changes done without an outage) of one stack. */
export function downtimeNotes(s: StackDiffResult): Note[] {
  const notes: Note[] = [];
  const stack = s.review.name;
  for (const c of s.changes) {
    if (c.type === 'AWS::RDS::DBInstance') database(notes, stack, c);
    else if (c.type === 'AWS::ElasticBeanstalk::Environment') environment(notes, stack, c);
    // an address record of the app's name added, removed or replaced is classify-domain.ts's (one note per name, with how to move without an outage)
    else if (RECORD_TYPES.has(c.type) && !(isAddressRecordChange(c) && c.action !== 'update')) record(notes, stack, c);
  }
  return notes;
}
