/** Facts about a region the constructs need at synth: its partition and DNS suffix. */

/**
 * Partition and DNS suffix of a region, without RegionInfo's fact tables for the common partitions
 * (RegionInfo.get costs milliseconds per call). Other partitions (ISO) ask `lookup` (RegionInfo.get).
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
