/**
 * Preflight checks of the domain (`x-beanstack.domain`): the Route 53 hosted zone the stack writes
 * its alias records into exists, is public and holds the name; and the name is not already taken by
 * a record the stack does not own (CloudFormation would fail to create the alias records, after
 * waiting for the certificate).
 */
import { GetHostedZoneCommand, ListResourceRecordSetsCommand, ResourceRecordSet } from '@aws-sdk/client-route-53';
import { errorName } from './aws-errors';
import { Check, CheckOutcome, worstOf } from './check';
import { physicalIds } from './deployed';
import type { PreflightContext } from './preflight';
import type { CfnTemplate } from './stack-plan';

/** An alias name of the stack: the zone it is written into and the record types. */
export interface PlannedDomainName {
  /** Without the trailing dot, lower case. */
  readonly name: string;
  /** Undefined when the template does not name the zone literally. */
  readonly hostedZoneId?: string;
  /** Record types the stack creates for the name (A, AAAA). */
  readonly types: readonly string[];
  /** Logical ids of those records. */
  readonly logicalIds: readonly string[];
}

/** `shop.example.com.` / `Shop.Example.com` → `shop.example.com`. */
export function dnsName(name: string): string {
  return name.replace(/\.$/, '').toLowerCase();
}

/** The record names the template creates (`AWS::Route53::RecordSet`), by zone and name, sorted. */
export function plannedDomainNames(template: CfnTemplate): PlannedDomainName[] {
  const byKey = new Map<string, { name: string; hostedZoneId?: string; types: string[]; logicalIds: string[] }>();
  for (const id of Object.keys(template.Resources ?? {}).sort()) {
    const r = template.Resources![id];
    if (r.Type !== 'AWS::Route53::RecordSet' || typeof r.Properties?.Name !== 'string') continue;
    const name = dnsName(r.Properties.Name);
    const zone = typeof r.Properties.HostedZoneId === 'string' ? r.Properties.HostedZoneId.replace(/^\/hostedzone\//, '') : undefined;
    const key = `${zone ?? '?'}|${name}`;
    const entry = byKey.get(key) ?? { name, hostedZoneId: zone, types: [], logicalIds: [] };
    if (typeof r.Properties.Type === 'string') entry.types.push(r.Properties.Type);
    entry.logicalIds.push(id);
    byKey.set(key, entry);
  }
  return [...byKey.values()].map((e) => ({ ...e, types: [...new Set(e.types)].sort() })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const pass = (summary: string): CheckOutcome => ({ status: 'pass', summary });
const fail = (summary: string, fix?: string, details?: string[]): CheckOutcome => ({ status: 'fail', summary, fix, details });
const warn = (summary: string, fix?: string): CheckOutcome => ({ status: 'warn', summary, fix });
const skip = (summary: string): CheckOutcome => ({ status: 'skip', summary });

const LIST_ZONES = (zone: string) => `aws route53 list-hosted-zones-by-name --dns-name ${zone}`;

export const hostedZoneCheck: Check<PreflightContext> = {
  id: 'dns/hosted-zone',
  title: 'Route 53 hosted zone of the domain',
  group: 'dns',
  permissions: ['route53:GetHostedZone'],
  fix: 'name the public hosted zone that holds the domain: hosted_zone_id and hosted_zone_name in x-beanstack.domain (or -c hostedZoneId / -c hostedZoneName)',
  run: async (ctx) => {
    const names = plannedDomainNames(ctx.plan.template);
    if (names.length === 0) return skip('the stack has no domain (no Route 53 records)');
    const problems: CheckOutcome[] = [];
    const found: string[] = [];
    for (const zoneId of [...new Set(names.map((n) => n.hostedZoneId))].sort()) {
      const inZone = names.filter((n) => n.hostedZoneId === zoneId).map((n) => n.name);
      const parent = inZone[0].split('.').slice(1).join('.');
      if (zoneId === undefined) {
        problems.push(warn(`the hosted zone of ${inZone.join(', ')} is not a literal in the template, so it cannot be checked`, 'name the zone by its id (hostedZoneId) rather than a reference'));
        continue;
      }
      let zone;
      try {
        zone = (await ctx.clients.route53.send(new GetHostedZoneCommand({ Id: zoneId }))).HostedZone;
      } catch (e) {
        if (errorName(e) === 'NoSuchHostedZone') {
          problems.push(fail(`there is no hosted zone ${zoneId} in account ${ctx.identity.account} (for ${inZone.join(', ')})`,
            `put the id of your public zone in x-beanstack.domain.hosted_zone_id (or -c hostedZoneId): ${LIST_ZONES(parent)} shows it; the example's Z00000000000EXAMPLE is a placeholder`));
          continue;
        }
        throw e;
      }
      const zoneName = dnsName(zone?.Name ?? '');
      const outside = inZone.filter((n) => !(n === zoneName || n.endsWith(`.${zoneName}`)));
      if (outside.length > 0) {
        problems.push(fail(`hosted zone ${zoneId} is ${zoneName}, which does not hold ${outside.join(', ')}`, `use the id of the zone of ${outside[0]} (${LIST_ZONES(parent)}), and set hosted_zone_name to that zone's name`));
        continue;
      }
      if (zone?.Config?.PrivateZone) {
        problems.push(fail(`hosted zone ${zoneId} (${zoneName}) is private: the internet cannot resolve ${inZone.join(', ')}, and ACM cannot validate the certificate through it`, `use the public hosted zone of ${zoneName} (${LIST_ZONES(zoneName)} lists both)`));
        continue;
      }
      found.push(`${zoneName} (${zoneId}, public, ${zone?.ResourceRecordSetCount ?? '?'} records) holds ${inZone.join(', ')}`);
    }
    return worstOf(problems) ?? pass(found.join('; '));
  },
};

/** Record types that cannot coexist with an alias A/AAAA of the same name (CNAME excludes every other type). */
function conflicts(existing: ResourceRecordSet, types: readonly string[]): boolean {
  return existing.Type === 'CNAME' || types.includes(existing.Type ?? '');
}

function describeRecord(r: ResourceRecordSet): string {
  const value = r.AliasTarget?.DNSName ? `alias to ${r.AliasTarget.DNSName}` : (r.ResourceRecords ?? []).map((x) => x.Value).join(', ');
  return `${r.Type} ${value}`.trim();
}

export const nameFreeCheck: Check<PreflightContext> = {
  id: 'dns/name-free',
  title: 'Domain name free in the hosted zone',
  group: 'dns',
  permissions: ['route53:ListResourceRecordSets', 'cloudformation:DescribeStacks', 'cloudformation:ListStackResources'],
  fix: 'delete the existing record (after moving its traffic), or choose another name in x-beanstack.domain',
  run: async (ctx) => {
    const names = plannedDomainNames(ctx.plan.template).filter((n) => n.hostedZoneId !== undefined);
    if (names.length === 0) return skip('the stack has no domain (no Route 53 records in a named zone)');
    const deployed = await ctx.deployed();
    const owned = new Set(deployed ? [...physicalIds(deployed).values()].map(dnsName) : []);
    const problems: CheckOutcome[] = [];
    const found: string[] = [];
    for (const n of names) {
      let records: ResourceRecordSet[];
      try {
        const out = await ctx.clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: n.hostedZoneId, StartRecordName: n.name, MaxItems: 20 }));
        records = (out.ResourceRecordSets ?? []).filter((r) => dnsName(r.Name ?? '') === n.name);
      } catch (e) {
        if (errorName(e) === 'NoSuchHostedZone') {
          problems.push(skip(`hosted zone ${n.hostedZoneId} does not exist (dns/hosted-zone says so)`));
          continue;
        }
        throw e;
      }
      const clashing = records.filter((r) => conflicts(r, n.types));
      if (clashing.length === 0) {
        found.push(`${n.name} is free for ${n.types.join(' and ')}${records.length > 0 ? ` (its ${[...new Set(records.map((r) => r.Type))].sort().join(', ')} records stay)` : ''}`);
        continue;
      }
      if (owned.has(n.name) && clashing.every((r) => r.Type !== 'CNAME' && r.AliasTarget !== undefined)) {
        found.push(`${n.name} ${clashing.map((r) => r.Type).sort().join(' and ')} belong to stack ${ctx.plan.stackName} (updated in place)`);
        continue;
      }
      problems.push(fail(`${n.name} is taken in zone ${n.hostedZoneId}: ${clashing.map(describeRecord).join('; ')}${deployed ? '' : ` (stack ${ctx.plan.stackName} is not deployed, so it is not the stack's own)`}`,
        `CloudFormation cannot create the alias records over it: delete the record once its traffic is moved (aws route53 change-resource-record-sets), or choose another name in x-beanstack.domain`));
    }
    return worstOf(problems) ?? pass(found.join('; '));
  },
};

/** The domain checks, in report order. */
export const DOMAIN_CHECKS: readonly Check<PreflightContext>[] = [hostedZoneCheck, nameFreeCheck];
