import { Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { DomainOverride, domainForStage, normalizeHostedZoneId } from '../lib/bundle/x-beanstack-domain';
import { BeanstackError, SourceLocation } from '../lib/errors';
import type { BeanstalkEnvironment } from './beanstalk-environment';
import { bool, checkProps, propsError, str } from './props';
import { ALB_CANONICAL_HOSTED_ZONE_IDS } from './region';
import { validateDomainProps } from './validate-domain-props';

export interface DomainProps {
  /**
   * The host name the application is served under, e.g. `shop.example.com` (lower case, no trailing
   * dot, no wildcard). It must be inside `hostedZoneName`.
   */
  readonly domainName: string;

  /** Name of the Route 53 public hosted zone that holds `domainName`, e.g. `example.com`. */
  readonly hostedZoneName: string;

  /**
   * Id of that hosted zone, e.g. `Z0123456789ABCDEFGHIJ` (`aws route53 list-hosted-zones-by-name
   * --dns-name example.com`). Naming the zone keeps `cdk synth` free of AWS calls.
   *
   * @default - required unless `hostedZoneLookup`
   */
  readonly hostedZoneId?: string;

  /**
   * Find the zone's id by `hostedZoneName` at synth (`HostedZone.fromLookup`: needs credentials and
   * caches the answer in cdk.context.json). Only when asked for: the default names the zone.
   *
   * @default false
   */
  readonly hostedZoneLookup?: boolean;

  /**
   * An existing ACM certificate (of the stack's region) that covers `domainName`: no certificate is
   * created, only the alias records.
   *
   * @default - a new certificate for `domainName`, validated by DNS in the zone
   */
  readonly certificateArn?: string;
}

/**
 * The application's own name with HTTPS: an ACM certificate for `domainName` validated by DNS in
 * the named Route 53 hosted zone (CloudFormation writes the validation record into the zone and waits
 * for the certificate), and — through `aliasTo` — Route 53 alias records A and AAAA from
 * `domainName` to the load balancer of an Elastic Beanstalk environment. The environment uses
 * `certificateArn` for its HTTPS listener (and the HTTP → HTTPS redirect of its bundle).
 */
export class Domain extends Construct {
  /** The host name. */
  readonly domainName: string;
  /** The hosted zone (named, or looked up when `hostedZoneLookup`). */
  readonly hostedZone: route53.IHostedZone;
  /** The certificate this construct created (undefined when `certificateArn` was given). */
  readonly certificate?: acm.Certificate;
  /** ARN of the certificate the HTTPS listener uses. */
  readonly certificateArn: string;
  /** `https://<domainName>`. */
  readonly url: string;
  /** The alias records, once `aliasTo` made them. */
  readonly records: route53.RecordSet[] = [];

  constructor(scope: Construct, id: string, props: DomainProps) {
    super(scope, id);
    checkProps('Domain', props, {
      domainName: str(),
      hostedZoneName: str(),
      hostedZoneId: str(),
      hostedZoneLookup: bool,
      certificateArn: str(),
    }, ['domainName', 'hostedZoneName']);
    const lookup = props.hostedZoneLookup ?? false;
    validateDomainProps({ domainName: props.domainName, hostedZoneName: props.hostedZoneName, hostedZoneId: props.hostedZoneId, hostedZoneLookup: lookup });
    const zoneName = props.hostedZoneName.replace(/\.$/, '');

    this.domainName = props.domainName;
    this.url = `https://${props.domainName}`;
    this.hostedZone = lookup
      ? route53.HostedZone.fromLookup(this, 'Zone', { domainName: zoneName, privateZone: false })
      : route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: normalizeHostedZoneId(props.hostedZoneId!)!, zoneName });

    if (props.certificateArn !== undefined) {
      this.certificateArn = props.certificateArn;
    } else {
      this.certificate = new acm.Certificate(this, 'Certificate', {
        domainName: props.domainName,
        validation: acm.CertificateValidation.fromDns(this.hostedZone),
      });
      this.certificateArn = this.certificate.certificateArn;
    }
  }

  /**
   * Points `domainName` at the environment's load balancer: alias records A and AAAA whose target is
   * the environment's `EndpointURL` (for a load-balanced environment, the load balancer's DNS name)
   * in the region's canonical hosted zone of Application Load Balancers
   * (`ALB_CANONICAL_HOSTED_ZONE_IDS`). The `dualstack.` prefix makes Route 53 answer AAAA queries
   * with the load balancer's IPv6 addresses once it has them (an IPv4-only load balancer answers A
   * only).
   */
  aliasTo(environment: BeanstalkEnvironment): route53.RecordSet[] {
    if (!environment.loadBalanced) {
      throw propsError(`\`domain\` '${this.domainName}' needs a load balancer (HTTPS and the alias records end there), but the environment is a single instance; deploy a load-balanced environment (the prod stage, -c stage=prod, or loadBalanced: true), or give the domain only to the stages that have one (x-beanstack.domain.name: { prod: ${this.domainName} })`);
    }
    const region = Stack.of(this).region;
    if (Token.isUnresolved(region)) {
      throw propsError(`\`domain\` '${this.domainName}' needs the stack's region to pick the load balancer's hosted zone; give the stack env: { account, region }`);
    }
    const zoneId = ALB_CANONICAL_HOSTED_ZONE_IDS[region];
    if (zoneId === undefined) {
      throw propsError(`\`domain\` '${this.domainName}': beanstack does not know the load balancers' hosted zone id of region ${region}; add it to ALB_CANONICAL_HOSTED_ZONE_IDS (constructs/region.ts) from https://docs.aws.amazon.com/general/latest/gr/elb.html, or deploy in a listed region`);
    }
    const target: route53.IAliasRecordTarget = {
      bind: () => ({ hostedZoneId: zoneId, dnsName: `dualstack.${environment.environment.attrEndpointUrl}` }),
    };
    const common = {
      zone: this.hostedZone,
      recordName: this.domainName,
      target: route53.RecordTarget.fromAlias(target),
      comment: `beanstack: ${this.domainName} to the load balancer of the Elastic Beanstalk environment`,
    };
    const records = [new route53.ARecord(this, 'AliasA', common), new route53.AaaaRecord(this, 'AliasAAAA', common)];
    this.records.push(...records);
    return records;
  }
}

/** The domain of one stage, from the props (or CDK context) over the compose file's `x-beanstack.domain`. */
export interface DomainSetting {
  readonly domainName: string;
  readonly hostedZoneId?: string;
  readonly hostedZoneName?: string;
  readonly hostedZoneLookup: boolean;
  /** `prop`: the `domain` prop (`-c domain=`); `compose`: `x-beanstack.domain`, written at `location`. */
  readonly from: 'prop' | 'compose';
  readonly location?: SourceLocation;
}

/** The props of `ComposeApplication` a domain is read from. */
export interface DomainSettingProps {
  readonly domain?: string;
  readonly hostedZoneId?: string;
  readonly hostedZoneName?: string;
  readonly hostedZoneLookup?: boolean;
}

/**
 * The domain of `stage`: the `domain` prop, else the compose file's name for that stage; the zone
 * from the props, else the compose file. Undefined when the stage has no domain.
 */
export function domainSetting(props: DomainSettingProps, override: DomainOverride | undefined, stage: string): DomainSetting | undefined {
  const fromCompose = domainForStage(override, stage);
  const domainName = props.domain ?? fromCompose;
  if (domainName === undefined) return undefined;
  return {
    domainName,
    hostedZoneId: props.hostedZoneId ?? override?.hostedZoneId,
    hostedZoneName: props.hostedZoneName ?? override?.hostedZoneName,
    hostedZoneLookup: props.hostedZoneLookup ?? override?.hostedZoneLookup ?? false,
    from: props.domain !== undefined ? 'prop' : 'compose',
    location: props.domain !== undefined ? undefined : override?.location,
  };
}

/**
 * Refuses a domain the stage cannot serve — no load balancer, or no hosted zone named — naming
 * where the domain was set (the prop, or the compose file's line) and the fix.
 */
export function checkDomainSetting(s: DomainSetting, stage: string, loadBalanced: boolean): void {
  const where = s.from === 'prop' ? '`domain`' : 'x-beanstack.domain';
  if (!loadBalanced) {
    throw new BeanstackError(`${where} gives the ${stage} stage the name ${s.domainName}, but the ${stage} stage is a single instance without a load balancer (HTTPS and the alias records end at the load balancer)`, {
      code: 'constructs/domain-single-instance',
      location: s.location,
      fix: s.from === 'prop'
        ? `deploy a load-balanced stage (-c stage=prod), or leave -c domain out for the ${stage} stage`
        : `give the domain only to the stages with a load balancer (x-beanstack.domain.name: { prod: ${s.domainName} }), or deploy the prod stage (-c stage=prod)`,
    });
  }
  if (s.hostedZoneName === undefined) {
    throw new BeanstackError(`${where} ${s.domainName} names no Route 53 hosted zone`, {
      code: 'constructs/domain-zone',
      location: s.location,
      fix: 'name the public hosted zone that holds it: hosted_zone_id and hosted_zone_name in x-beanstack.domain, or -c hostedZoneId=Z… -c hostedZoneName=example.com (aws route53 list-hosted-zones-by-name --dns-name example.com shows the id)',
    });
  }
}
