import { BeanstackError } from '../lib/errors';

/**
 * Deployment stages and the small helpers every construct shares.
 *
 * A stage only changes defaults: every default it drives is also a prop of its own, so a user can
 * keep the `dev` sizing and still turn on, say, deletion protection.
 */

/**
 * `dev`: the cheapest deployment that works (one instance, no Multi-AZ, no deletion protection, data
 * destroyed with the stack). `prod`: load-balanced, Multi-AZ, deletion protection, snapshots on
 * removal, immutable deployments.
 */
export type DeploymentStage = 'dev' | 'prod';

export const DEPLOYMENT_STAGES: readonly DeploymentStage[] = ['dev', 'prod'];

export function isDeploymentStage(value: unknown): value is DeploymentStage {
  return value === 'dev' || value === 'prod';
}

/** The id of every construct-level warning starts with this (R5: stable ids tests can assert). */
export const WARNING_PREFIX = '@beanstack/constructs';

/**
 * A name of `[A-Za-z0-9-]` built from parts, at most `maxLength` characters. When the parts are too
 * long the name is cut and ends with a short hash of the full name, so two long names stay distinct.
 */
export function physicalName(parts: readonly string[], maxLength: number): string {
  const full = parts
    .map((p) => p.replace(/[^A-Za-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, ''))
    .filter((p) => p.length > 0)
    .join('-');
  if (full.length <= maxLength) return full;
  const hash = fnv1a(full).slice(0, 8);
  return `${full.slice(0, maxLength - hash.length - 1).replace(/-$/, '')}-${hash}`;
}

/**
 * Partition and DNS suffix of a region, without RegionInfo's fact tables for the common partitions
 * (RegionInfo.get costs milliseconds per call). Other partitions (ISO) ask RegionInfo.
 */
export function regionFacts(region: string, lookup: (region: string) => { partition?: string; domainSuffix?: string }): { partition: string; domainSuffix: string } {
  if (region.startsWith('cn-')) return { partition: 'aws-cn', domainSuffix: 'amazonaws.com.cn' };
  if (region.startsWith('us-gov-')) return { partition: 'aws-us-gov', domainSuffix: 'amazonaws.com' };
  if (/^[a-z]{2}-iso/.test(region)) {
    const facts = lookup(region);
    return { partition: facts.partition ?? 'aws', domainSuffix: facts.domainSuffix ?? 'amazonaws.com' };
  }
  return { partition: 'aws', domainSuffix: 'amazonaws.com' };
}

/** FNV-1a 32-bit as 8 hex digits: a stable short hash without loading `crypto` in hot paths. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * A construct prop is invalid (R4). The message names the prop and what was given; the text after the
 * first `; ` is the fix. A `BeanstackError` (code `constructs/props`), so the CDK app reports it as a
 * user error (exit 2) rather than a crash.
 */
export function propsError(text: string): BeanstackError {
  const i = text.indexOf('; ');
  return i < 0
    ? new BeanstackError(text, { code: 'constructs/props' })
    : new BeanstackError(text.slice(0, i), { code: 'constructs/props', fix: text.slice(i + 2) });
}
