/**
 * `x-beanstack.domain`: the public name of the application, its Route 53 hosted zone named
 * explicitly (id + name, so a synth needs no AWS lookup), and the DNS-name syntax rules the
 * constructs check the same props against (one home for both).
 *
 *   x-beanstack:
 *     domain: shop.example.com                      # every stage (the zone from props / context)
 *
 *   x-beanstack:
 *     domain:
 *       name: { prod: shop.example.com, staging: staging.shop.example.com }   # or one name for all
 *       hosted_zone_id: Z0123456789ABCDEFGHIJ
 *       hosted_zone_name: example.com
 *       hosted_zone_lookup: false                   # true: find the id by name at synth (needs AWS)
 *
 * Pure: problems are collected with the compose file's location, never thrown.
 */
import type { ComposeProject } from '../compose/model';
import type { ErrorDetail, SourceLocation } from '../errors';
import { locate } from './locations';
import { isObject } from '../util/json';

/** The fields of the mapping form of `x-beanstack.domain`. */
export const DOMAIN_FIELDS: readonly string[] = ['hosted_zone_id', 'hosted_zone_lookup', 'hosted_zone_name', 'name'];

/** JSON pointer of the field in the merged project. */
export const DOMAIN_POINTER = '/x-beanstack/domain';

/** `x-beanstack.domain` as written. */
export interface DomainOverride {
  /** One name for every stage, or a name per stage (stages not listed get no domain). */
  readonly name: string | Readonly<Record<string, string>>;
  readonly hostedZoneId?: string;
  readonly hostedZoneName?: string;
  readonly hostedZoneLookup?: boolean;
  /** Where it was written. */
  readonly location?: SourceLocation;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const STAGE_KEY = /^[a-z][a-z0-9-]*$/;

/**
 * What is wrong with `name` as a DNS name the application can be served under, or undefined when it
 * is fine: lowercase letters, digits and hyphens in dot-separated labels of 1–63 characters, at
 * least two labels, 253 characters at most, no trailing dot, no wildcard. The text is `problem; fix`.
 */
export function domainNameProblem(name: string): string | undefined {
  if (name.startsWith('*')) return 'is a wildcard; the application is served under one name, e.g. shop.example.com';
  if (name.endsWith('.')) return `ends with a dot; write it without: ${name.replace(/\.+$/, '')}`;
  if (/^[a-z]+:\/\//i.test(name) || name.includes('/')) return `is a URL; write the host name only, e.g. ${name.replace(/^[a-z]+:\/\//i, '').split('/')[0]}`;
  if (name !== name.toLowerCase()) return `has upper-case letters; write it in lower case: ${name.toLowerCase()}`;
  if (name.length > 253) return 'is longer than 253 characters; use a shorter name';
  const labels = name.split('.');
  if (labels.length < 2) return 'has a single label; use a fully qualified name such as shop.example.com';
  const bad = labels.find((l) => !LABEL.test(l));
  if (bad !== undefined) return `has the label '${bad}'; each dot-separated label is 1 to 63 lower-case letters, digits and hyphens, not starting or ending with a hyphen (internationalized names in punycode, xn--…)`;
  return undefined;
}

/** Whether `name` is `zone` or a name inside it. */
export function isInZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/** `Z0123…` or `/hostedzone/Z0123…` → `Z0123…`; undefined when it is not a hosted zone id. */
export function normalizeHostedZoneId(id: string): string | undefined {
  const bare = id.replace(/^\/hostedzone\//, '');
  return /^Z[A-Z0-9]{1,31}$/.test(bare) ? bare : undefined;
}

/** The name of `override` for `stage`, or undefined when that stage has none. */
export function domainForStage(override: DomainOverride | undefined, stage: string): string | undefined {
  if (override === undefined) return undefined;
  return typeof override.name === 'string' ? override.name : Object.prototype.hasOwnProperty.call(override.name, stage) ? override.name[stage] : undefined;
}

/** Whether the compose files write `x-beanstack.domain` at all (valid or not). */
export function declaresDomain(project: ComposeProject): boolean {
  const top = project.extensions['x-beanstack'];
  return isObject(top) && 'domain' in top;
}

/** Reads the top-level `x-beanstack.domain`; problems are collected, not thrown. */
export function parseDomainOverride(project: ComposeProject, problems: ErrorDetail[]): DomainOverride | undefined {
  if (!declaresDomain(project)) return undefined;
  const raw = (project.extensions['x-beanstack'] as Record<string, unknown>).domain;
  const location = locate(project, DOMAIN_POINTER);
  const fail = (field: string | undefined, message: string) => problems.push({
    message: `x-beanstack.domain${field ? `.${field}` : ''}: ${message}`,
    location: locate(project, field ? `${DOMAIN_POINTER}/${field.replace(/\./g, '/')}` : DOMAIN_POINTER),
  });
  const checkName = (field: string | undefined, v: unknown): v is string => {
    if (typeof v !== 'string' || v.length === 0) {
      fail(field, `expected a domain name such as shop.example.com, got ${JSON.stringify(v)}`);
      return false;
    }
    const problem = domainNameProblem(v);
    if (problem) fail(field, `'${v}' ${problem}`);
    return problem === undefined;
  };
  if (typeof raw === 'string' || raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return checkName(undefined, raw) ? { name: raw as string, location } : undefined;
  }
  let ok = true;
  for (const key of Object.keys(raw).sort()) {
    if (!DOMAIN_FIELDS.includes(key)) {
      fail(key, `unknown field; the fields are ${DOMAIN_FIELDS.join(', ')}`);
      ok = false;
    }
  }
  let name: string | Record<string, string> | undefined;
  if (!('name' in raw)) {
    fail(undefined, 'has no name; add name: shop.example.com (or a name per stage: name: { prod: shop.example.com })');
    ok = false;
  } else if (isObject(raw.name)) {
    const perStage: Record<string, string> = {};
    for (const stage of Object.keys(raw.name).sort()) {
      if (!STAGE_KEY.test(stage)) {
        fail(`name.${stage}`, 'is not a stage name; use the stage names of your deployments (dev, prod, staging, …)');
        ok = false;
      } else if (checkName(`name.${stage}`, raw.name[stage])) {
        perStage[stage] = raw.name[stage] as string;
      } else {
        ok = false;
      }
    }
    name = perStage;
  } else if (checkName('name', raw.name)) {
    name = raw.name;
  } else {
    ok = false;
  }
  let hostedZoneId: string | undefined;
  if ('hosted_zone_id' in raw) {
    const v = raw.hosted_zone_id;
    hostedZoneId = typeof v === 'string' ? normalizeHostedZoneId(v) : undefined;
    if (hostedZoneId === undefined) {
      fail('hosted_zone_id', `expected a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ (aws route53 list-hosted-zones-by-name --dns-name <zone>), got ${JSON.stringify(v)}`);
      ok = false;
    }
  }
  let hostedZoneName: string | undefined;
  if ('hosted_zone_name' in raw) {
    const v = raw.hosted_zone_name;
    const bare = typeof v === 'string' ? v.replace(/\.$/, '') : undefined;
    const problem = bare === undefined || bare.length === 0 ? 'is empty' : domainNameProblem(bare);
    if (problem) {
      fail('hosted_zone_name', `expected the zone's name such as example.com, got ${JSON.stringify(v)} (${problem})`);
      ok = false;
    } else {
      hostedZoneName = bare;
    }
  }
  let hostedZoneLookup: boolean | undefined;
  if ('hosted_zone_lookup' in raw) {
    if (typeof raw.hosted_zone_lookup === 'boolean') hostedZoneLookup = raw.hosted_zone_lookup;
    else {
      fail('hosted_zone_lookup', `expected true or false, got ${JSON.stringify(raw.hosted_zone_lookup)}`);
      ok = false;
    }
  }
  if (ok && hostedZoneName !== undefined && name !== undefined) {
    const names = typeof name === 'string' ? [['name', name]] : Object.entries(name).map(([s, n]) => [`name.${s}`, n]);
    for (const [field, n] of names) {
      if (!isInZone(n, hostedZoneName)) {
        fail(field, `'${n}' is not inside the hosted zone ${hostedZoneName}; use a name ending in .${hostedZoneName}, or the zone that holds ${n}`);
        ok = false;
      }
    }
  }
  if (ok && hostedZoneLookup === true && hostedZoneId !== undefined) {
    fail('hosted_zone_lookup', 'is true, but hosted_zone_id names the zone already; remove hosted_zone_lookup (no AWS call at synth) or hosted_zone_id');
    ok = false;
  }
  if (!ok || name === undefined) return undefined;
  return { name, hostedZoneId, hostedZoneName, hostedZoneLookup, location };
}
