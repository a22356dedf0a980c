/**
 * The rules of `Domain`, as a table (the aws-rds shape the other constructs follow): each a
 * condition on the props and the message that names the prop, the value and the fix. Checked in
 * order before any resource is created; the first that holds is thrown. The DNS-name syntax is the
 * compose file's (`x-beanstack-domain.ts`), so both say the same.
 */
import { domainNameProblem, isInZone, normalizeHostedZoneId } from '../lib/bundle/x-beanstack-domain';
import { checkRules, PropsRule } from './props';

/** The props the rules read. */
export interface ResolvedDomainProps {
  readonly domainName: string;
  readonly hostedZoneName: string;
  readonly hostedZoneId?: string;
  readonly hostedZoneLookup: boolean;
}

/** The rules, in the order they are checked. */
export function domainRules(p: ResolvedDomainProps): PropsRule[] {
  const nameProblem = domainNameProblem(p.domainName);
  const zoneName = p.hostedZoneName.replace(/\.$/, '');
  const zoneProblem = domainNameProblem(zoneName);
  return [
    {
      condition: nameProblem !== undefined,
      message: `\`domain\` '${p.domainName}' ${nameProblem}`,
    },
    {
      condition: zoneProblem !== undefined,
      message: `\`hostedZoneName\` '${p.hostedZoneName}' ${zoneProblem}`,
    },
    {
      condition: !isInZone(p.domainName, zoneName),
      message: `\`domain\` '${p.domainName}' is not inside the hosted zone \`hostedZoneName\` '${zoneName}'; use a name ending in .${zoneName}, or name the zone that holds ${p.domainName} (hostedZoneId and hostedZoneName)`,
    },
    {
      condition: p.hostedZoneLookup && p.hostedZoneId !== undefined,
      message: '`hostedZoneLookup` is true, but `hostedZoneId` names the zone already; remove hostedZoneLookup (no AWS lookup at synth) or hostedZoneId',
    },
    {
      condition: !p.hostedZoneLookup && p.hostedZoneId === undefined,
      message: `\`hostedZoneId\` is not set: the hosted zone of ${zoneName} is named by its id, so a synth needs no AWS call; pass it (-c hostedZoneId=Z…, from aws route53 list-hosted-zones-by-name --dns-name ${zoneName}), or set hostedZoneLookup: true to look it up at synth (needs credentials)`,
    },
    {
      condition: p.hostedZoneId !== undefined && normalizeHostedZoneId(p.hostedZoneId) === undefined,
      message: `\`hostedZoneId\` '${p.hostedZoneId}' is not a Route 53 hosted zone id; use the id such as Z0123456789ABCDEFGHIJ (aws route53 list-hosted-zones-by-name --dns-name ${zoneName})`,
    },
  ];
}

/** Throws the `propsError` of the first rule that the props break. */
export function validateDomainProps(p: ResolvedDomainProps): void {
  checkRules(domainRules(p));
}
