/**
 * What a change of the application's domain does (constructs/domain.ts): Route 53 alias records and
 * the ACM certificate of the HTTPS listener. A changed or removed name moves traffic — the old name
 * stops answering — and is downtime; a new name and a replaced certificate are routine, each with what
 * happens during the deploy (a retargeted alias is a DNS move, downtime.ts).
 */
import type { StackDiffResult, RawChange } from './stack-diff';
import type { DangerClass, Note } from './types';
import { render } from './values';
import { isObject } from '../util/json';

/**
 * The class of a change that moves the application's name away (a renamed, re-zoned or removed
 * alias record): clients of the old name lose the site and do not follow to the new one.
 */
export const DOMAIN_MOVE_CLASS: DangerClass = 'downtime';

const RECORD = 'AWS::Route53::RecordSet';
const CERTIFICATE = 'AWS::CertificateManager::Certificate';
const ADDRESS_TYPES = new Set(['A', 'AAAA', 'CNAME']);


/** Whether a change is of an address record (A, AAAA, CNAME): `domainNotes` classifies its additions, removals and replacements; downtime.ts its in-place moves and the other records. */
export function isAddressRecordChange(c: RawChange): boolean {
  return c.type === RECORD && ADDRESS_TYPES.has(typeOf(c.new ?? c.old));
}

function nameOf(r: RawChange['old']): string | undefined {
  const n = r?.Properties?.Name;
  return typeof n === 'string' ? n.replace(/\.$/, '') : undefined;
}

function typeOf(r: RawChange['old']): string {
  return String(r?.Properties?.Type ?? '?');
}

function zoneOf(r: RawChange['old']): string {
  return render(r?.Properties?.HostedZoneId ?? r?.Properties?.HostedZoneName ?? '?');
}

function note(s: StackDiffResult, cls: DangerClass, c: RawChange, title: string, reason: string): Note {
  return { class: cls, stack: s.review.name, logicalId: c.logicalId, resource: c.path, resourceType: c.type, title, reason };
}

/** Types of the address records of `changes`, e.g. `A and AAAA`. */
function types(changes: readonly RawChange[], side: 'old' | 'new'): string {
  return [...new Set(changes.map((c) => typeOf(c[side])))].sort().join(' and ');
}

function group<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) out.set(key(i), [...(out.get(key(i)) ?? []), i]);
  return out;
}

const MOVE_ADVICE = 'To move without an outage, add the new name beside the old one first (both resolve to the environment; the certificate covers both) and remove the old name in a later deploy, after announcing it.';

/** Notes of the Route 53 address records and ACM certificates of one stack. */
export function domainNotes(s: StackDiffResult): Note[] {
  const notes: Note[] = [];
  const records = s.changes.filter(isAddressRecordChange);

  // a name (or its zone) replaced: one note per old → new name
  const moved = records.filter((c) => (c.action === 'replace' || c.action === 'may-replace') && ('Name' in c.props || 'HostedZoneId' in c.props || 'HostedZoneName' in c.props));
  for (const [, cs] of group(moved, (c) => `${nameOf(c.old)}|${nameOf(c.new)}|${zoneOf(c.old)}|${zoneOf(c.new)}`)) {
    const [c] = cs;
    const from = nameOf(c.old) ?? '?';
    const to = nameOf(c.new) ?? '?';
    const sameName = from === to;
    notes.push(note(s, DOMAIN_MOVE_CLASS, c,
      sameName ? `${from} moves to hosted zone ${zoneOf(c.new)}: traffic follows only where that zone is delegated` : `domain ${from} → ${to}: traffic moves to the new name and ${from} stops answering`,
      sameName
        ? `The ${types(cs, 'new')} alias records of ${from} are replaced in hosted zone ${zoneOf(c.new)} and deleted from ${zoneOf(c.old)}. Unless the registrar delegates ${from} to the new zone's name servers, the name stops resolving when the old records go. Delegate first, then deploy.`
        : `The ${types(cs, 'new')} alias records are replaced: CloudFormation creates ${to} (after ACM validated its certificate) and deletes ${from} at the end of the deploy. Anyone using ${from} — bookmarks, links, OAuth redirect URIs, cookies scoped to it — loses the site and is not sent to ${to}; resolvers may answer from cache for up to a minute. ${MOVE_ADVICE}`));
  }

  // a name removed (and not re-created under another name in the same deploy)
  const movedAway = new Set(moved.map((c) => nameOf(c.old)));
  const removed = records.filter((c) => c.action === 'remove' && !movedAway.has(nameOf(c.old)));
  const added = records.filter((c) => c.action === 'add');
  const addedNames = new Set(added.map((c) => nameOf(c.new)));
  for (const [name, cs] of group(removed, (c) => nameOf(c.old) ?? '?')) {
    const replacement = [...addedNames].filter((n) => n !== name);
    notes.push(note(s, DOMAIN_MOVE_CLASS, cs[0],
      replacement.length > 0 ? `domain ${name} → ${replacement.join(', ')}: traffic moves to the new name and ${name} stops answering` : `domain ${name} is removed: it stops answering`,
      `Its ${types(cs, 'old')} alias records are deleted from hosted zone ${zoneOf(cs[0].old)}; whoever uses ${name} loses the site${replacement.length > 0 ? ` and is not sent to ${replacement.join(', ')}` : ''}. ${MOVE_ADVICE}`));
  }

  // a new name: routine
  for (const [name, cs] of group(added, (c) => nameOf(c.new) ?? '?')) {
    notes.push(note(s, 'routine', cs[0], `domain ${name} starts answering: ${types(cs, 'new')} alias records to the load balancer`,
      `Route 53 alias records in hosted zone ${zoneOf(cs[0].new)}; nothing answered at ${name} before (preflight's dns/name-free checks that no other record holds it).`));
  }

  // the alias target changing in place is a DNS move: downtime.ts says what it does to traffic

  // certificates
  for (const c of s.changes.filter((x) => x.type === CERTIFICATE)) {
    const domain = render(c.new?.Properties?.DomainName ?? c.old?.Properties?.DomainName);
    if (c.action === 'add') {
      notes.push(note(s, 'routine', c, `certificate for ${domain} is requested, validated by DNS`, 'ACM issues it once the validation record CloudFormation writes into the hosted zone resolves (usually minutes; the deploy waits, and fails if the zone is not the one the internet resolves).'));
    } else if (c.action === 'replace' || c.action === 'may-replace') {
      const why = Object.keys(c.props).sort().map((p) => `${p} ${render(c.props[p].old)} → ${render(c.props[p].new)}`).join('; ');
      notes.push(note(s, 'routine', c, `certificate replacement for ${domain}: the HTTPS listener moves to a new certificate`, `Changing ${why} needs a new certificate: ACM issues it after DNS validation (the deploy waits), the environment's HTTPS listener switches to it, and the old one is deleted at the end. Browsers see no interruption; a client that pins the old certificate breaks.`));
    } else if (c.action === 'remove') {
      notes.push(note(s, 'routine', c, `certificate for ${domain} is deleted`, 'Nothing uses it any more once the deploy finished (the listener\'s certificate is another one, or HTTPS is off: see the environment\'s notes).'));
    }
  }

  // HTTPS turned off on the environment's load balancer
  for (const c of s.changes.filter((x) => x.type === 'AWS::ElasticBeanstalk::Environment' && x.old && x.new)) {
    const cert = (r: RawChange['old']) => {
      const opts = r?.Properties?.OptionSettings;
      return Array.isArray(opts) && opts.some((o) => isObject(o) && o.Namespace === 'aws:elbv2:listener:443' && o.OptionName === 'SSLCertificateArns');
    };
    if (cert(c.old) && !cert(c.new)) {
      notes.push(note(s, 'security', c, `HTTPS turned OFF on ${c.path.replace(/\/(Resource|Default)$/, '')}`, 'The load balancer loses its certificate: the site is served over plain HTTP, so passwords, cookies and tokens cross the internet unencrypted. Keep a domain or certificateArn on the stage (allowHttp is the explicit, warned opt-out).'));
    }
  }
  return notes;
}
