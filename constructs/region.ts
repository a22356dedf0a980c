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

/**
 * The canonical hosted zone id of Application Load Balancers per region: the `HostedZoneId` of a
 * Route 53 alias record to a load balancer's DNS name. Elastic Beanstalk creates the load balancer
 * itself, so the stack cannot read it (`CanonicalHostedZoneID`) from the resource; aws-cdk-lib's
 * RegionInfo has no such fact (it has the zones of Elastic Beanstalk's own `elasticbeanstalk.com`
 * names, `ebsEnvEndpointHostedZoneId`, which need a CNAME prefix). Source: "Elastic Load Balancing
 * endpoints and quotas", https://docs.aws.amazon.com/general/latest/gr/elb.html (the Application
 * Load Balancers column); a region missing here is refused at synth with the fix.
 */
export const ALB_CANONICAL_HOSTED_ZONE_IDS: Readonly<Record<string, string>> = {
  'af-south-1': 'Z268VQBMOI5EKX',
  'ap-east-1': 'Z3DQVH9N71FHZ0',
  'ap-northeast-1': 'Z14GRHDCWA56QT',
  'ap-northeast-2': 'ZWKZPGTI48KDX',
  'ap-northeast-3': 'Z5LXEXXYW11ES',
  'ap-south-1': 'ZP97RAFLXTNZK',
  'ap-south-2': 'Z0173938T07WNTVAEPZN',
  'ap-southeast-1': 'Z1LMS91P8CMLE5',
  'ap-southeast-2': 'Z1GM3OXH4ZPM65',
  'ap-southeast-3': 'Z08888821HLRG5A9ZRTER',
  'ap-southeast-4': 'Z09517862IB2WZLPXG76F',
  'ap-southeast-5': 'Z06010284QMVVW7WO5J',
  'ap-southeast-7': 'Z0390008CMBRTHFGWBCB',
  'ca-central-1': 'ZQSVJUPU6J1EY',
  'ca-west-1': 'Z06473681N0SF6OS049SD',
  'cn-north-1': 'Z1GDH35T77C1KE',
  'cn-northwest-1': 'ZM7IZAIOVVDZF',
  'eu-central-1': 'Z215JYRZR1TBD5',
  'eu-central-2': 'Z06391101F2ZOEP8P5EB3',
  'eu-north-1': 'Z23TAZ6LKFMNIO',
  'eu-south-1': 'Z3ULH7SSC9OV64',
  'eu-south-2': 'Z0956581394HF5D5LXGAP',
  'eu-west-1': 'Z32O12XQLNTSW2',
  'eu-west-2': 'ZHURV8PSTC4K8',
  'eu-west-3': 'Z3Q77PNBQS71R4',
  'il-central-1': 'Z09170902867EHPV2DABU',
  'me-central-1': 'Z08230872XQRWHG2XF6I',
  'me-south-1': 'ZS929ML54UICD',
  'mx-central-1': 'Z023552324OKD1BB28BH5',
  'sa-east-1': 'Z2P70J7HTTTPLU',
  'us-east-1': 'Z35SXDOTRQ7X7K',
  'us-east-2': 'Z3AADJGX6KTTL2',
  'us-gov-east-1': 'Z166TLBEWOO7G0',
  'us-gov-west-1': 'Z33AYJ8TM3BH4J',
  'us-west-1': 'Z368ELLRRE2KJ0',
  'us-west-2': 'Z1H1FL5HABSF5',
};
