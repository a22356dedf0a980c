/**
 * The domain: x-beanstack.domain / the `domain` prop → an ACM certificate validated by DNS in the
 * named zone, the HTTPS listener with the redirect, and alias records A and AAAA to the load balancer;
 * on the dev and prod stages, and the refusals with their fixes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { HTTPS_REDIRECT_PATH } from '../../constructs/beanstalk-environment';
import { ComposeApplication, ComposeApplicationProps } from '../../constructs/compose-application';
import { Domain } from '../../constructs/domain';
import { ALB_CANONICAL_HOSTED_ZONE_IDS } from '../../constructs/region';
import type { ComposeProject } from '../../lib/compose/model';
import { isUserError } from '../../lib/errors';
import { fixtureProject } from './fixtures/project';
import { newApp, optionSettings, resourcesOfType, synth, Synthesized, TEST_ENV } from './helpers';

const ZONE = { hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com' };

/** The fixture with a top-level x-beanstack.domain, located at line 3 of docker-compose.prod.yml. */
function projectWithDomain(domain: unknown): ComposeProject {
  const p = fixtureProject();
  const file = path.join(p.projectDirectory, 'docker-compose.prod.yml');
  return {
    ...p,
    extensions: { ...p.extensions, 'x-beanstack': { domain } },
    locations: { ...p.locations, '/x-beanstack/domain': { file, line: 3, column: 3 } },
  };
}

function build(props: Partial<ComposeApplicationProps>, capture?: (a: ComposeApplication) => void) {
  return (stack: Stack) => {
    const a = new ComposeApplication(stack, 'App', { project: fixtureProject(), ...props });
    capture?.(a);
  };
}

function make(props: Partial<ComposeApplicationProps>): () => ComposeApplication {
  return () => new ComposeApplication(new Stack(newApp(), 'S', { env: TEST_ENV }), 'App', { project: fixtureProject(), ...props });
}

/** The user error `fn` throws, as the CLI prints it: the message, then the fix. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isUserError(e)).toBe(true);
    const err = e as { message: string; fix?: string };
    return `${err.message}; fix: ${err.fix ?? ''}`;
  }
  throw new Error('did not throw');
}

describe('prod stage with a domain from x-beanstack.domain (per stage, placeholder zone: no AWS at synth)', () => {
  let s: Synthesized;
  let a: ComposeApplication;
  beforeAll(() => {
    const project = projectWithDomain({ name: { prod: 'shop.example.com' }, hosted_zone_id: ZONE.hostedZoneId, hosted_zone_name: 'example.com' });
    s = synth(build({ project, stage: 'prod' }, (x) => { a = x; }));
  });

  test('synthesizes without allowHttp, with zero findings (cdk-nag AwsSolutions and the template checks)', () => {
    expect(s.error).toBeUndefined();
    expect(s.violations).toEqual([]);
    expect(a.warnings.map((w) => w.code)).not.toContain('constructs/http-only');
  });

  test('an ACM certificate for the name, validated by DNS in the named zone (CloudFormation writes the validation record)', () => {
    s.template.resourceCountIs('AWS::CertificateManager::Certificate', 1);
    s.template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'shop.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'shop.example.com', HostedZoneId: 'Z0123456789ABCDEFGHIJ' }],
    });
  });

  test('the HTTPS listener uses that certificate, and the bundle carries the HTTP → HTTPS redirect', () => {
    const [certId] = resourcesOfType(s, 'AWS::CertificateManager::Certificate')[0];
    const options = optionSettings(s);
    expect(options['aws:elbv2:listener:443/Protocol']).toBe('HTTPS');
    expect(options['aws:elbv2:listener:443/SSLCertificateArns']).toEqual({ Ref: certId });
    expect(fs.existsSync(path.join(a.bundleDirectory, HTTPS_REDIRECT_PATH))).toBe(true);
    // the load balancer admits 443 from the internet
    s.template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: Match.arrayWith([Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 })]),
    });
  });

  test('alias records A and AAAA to the environment\'s load balancer, in the region\'s ALB hosted zone', () => {
    const [envId] = resourcesOfType(s, 'AWS::ElasticBeanstalk::Environment')[0];
    for (const type of ['A', 'AAAA']) {
      s.template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'shop.example.com.',
        Type: type,
        HostedZoneId: 'Z0123456789ABCDEFGHIJ',
        AliasTarget: {
          HostedZoneId: 'Z32O12XQLNTSW2',
          DNSName: { 'Fn::Join': ['', ['dualstack.', { 'Fn::GetAtt': [envId, 'EndpointURL'] }]] },
        },
      });
    }
    s.template.resourceCountIs('AWS::Route53::RecordSet', 2);
    expect(ALB_CANONICAL_HOSTED_ZONE_IDS['eu-west-1']).toBe('Z32O12XQLNTSW2');
  });

  test('the EnvironmentUrl output is the domain over HTTPS', () => {
    const outputs = s.json.Outputs ?? {};
    const url = Object.entries(outputs).find(([k]) => k.startsWith('AppEnvironmentUrl'))![1];
    expect(url.Value).toBe('https://shop.example.com');
  });
});

describe('dev stage of the same compose file', () => {
  test('a name given to prod only leaves dev on its Elastic Beanstalk URL: no certificate, no records', () => {
    const project = projectWithDomain({ name: { prod: 'shop.example.com' }, ...{ hosted_zone_id: ZONE.hostedZoneId, hosted_zone_name: 'example.com' } });
    const s = synth(build({ project }));
    expect(s.error).toBeUndefined();
    expect(s.violations).toEqual([]);
    s.template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    s.template.resourceCountIs('AWS::Route53::RecordSet', 0);
    expect(optionSettings(s)['aws:elbv2:listener:443/Protocol']).toBeUndefined();
  });

  test('a name for every stage is refused on the single-instance dev stage, at its line, with the fix', () => {
    const project = projectWithDomain({ name: 'shop.example.com', hosted_zone_id: ZONE.hostedZoneId, hosted_zone_name: 'example.com' });
    let err: any;
    try {
      make({ project })();
    } catch (e) {
      err = e;
    }
    expect(isUserError(err)).toBe(true);
    expect(err.code).toBe('constructs/domain-single-instance');
    expect(err.message).toMatch(/x-beanstack\.domain gives the dev stage the name shop\.example\.com, but the dev stage is a single instance without a load balancer/);
    expect(err.location).toEqual(expect.objectContaining({ line: 3, column: 3 }));
    expect(err.fix).toMatch(/x-beanstack\.domain\.name: \{ prod: shop\.example\.com \}/);
  });

  test('the prop on dev names the prop and its fix', () => {
    expect(make({ domain: 'shop.example.com', ...ZONE })).toThrow(expect.objectContaining({ code: 'constructs/domain-single-instance', message: expect.stringMatching(/^`domain` gives the dev stage/), fix: expect.stringMatching(/-c stage=prod/) }));
  });
});

describe('the domain prop (CDK context -c domain=…) on prod', () => {
  test('the prop wins over x-beanstack.domain; the zone comes from the compose file when the props name none', () => {
    const project = projectWithDomain({ name: 'old.example.com', hosted_zone_id: ZONE.hostedZoneId, hosted_zone_name: 'example.com' });
    const s = synth(build({ project, stage: 'prod', domain: 'www.example.com' }));
    expect(s.error).toBeUndefined();
    s.template.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'www.example.com' });
    s.template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'www.example.com.', Type: 'A' });
  });

  test('with certificateArn, that certificate serves the listener and none is created; the records are still made', () => {
    const arn = 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
    const s = synth(build({ stage: 'prod', domain: 'shop.example.com', ...ZONE, certificateArn: arn }));
    expect(s.error).toBeUndefined();
    s.template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    expect(optionSettings(s)['aws:elbv2:listener:443/SSLCertificateArns']).toBe(arn);
    s.template.resourceCountIs('AWS::Route53::RecordSet', 2);
  });

  test('the prod stage without domain, certificate or allowHttp names all three ways out', () => {
    expect(refusal(make({ stage: 'prod' }))).toMatch(/give it its domain \(x-beanstack\.domain, or -c domain=shop\.example\.com -c hostedZoneId=Z… -c hostedZoneName=example\.com/);
  });

  test.each([
    ['a name outside the zone', { domain: 'shop.example.org', ...ZONE }, /`domain` 'shop\.example\.org' is not inside the hosted zone `hostedZoneName` 'example\.com'; fix: use a name ending in \.example\.com/],
    ['upper case', { domain: 'Shop.Example.com', ...ZONE }, /`domain` 'Shop\.Example\.com' has upper-case letters; fix: write it in lower case: shop\.example\.com/],
    ['a URL', { domain: 'https://shop.example.com/', ...ZONE }, /is a URL; fix: write the host name only, e\.g\. shop\.example\.com/],
    ['a wildcard', { domain: '*.example.com', ...ZONE }, /is a wildcard/],
    ['a label ending in a hyphen', { domain: 'shop-.example.com', ...ZONE }, /has the label 'shop-'/],
    ['no zone id and no lookup', { domain: 'shop.example.com', hostedZoneName: 'example.com' }, /`hostedZoneId` is not set.*-c hostedZoneId=Z…/],
    ['a zone name as zone id', { domain: 'shop.example.com', hostedZoneName: 'example.com', hostedZoneId: 'example.com' }, /`hostedZoneId` 'example\.com' is not a Route 53 hosted zone id/],
    ['a zone id and a lookup', { domain: 'shop.example.com', ...ZONE, hostedZoneLookup: true }, /`hostedZoneLookup` is true, but `hostedZoneId` names the zone already/],
  ])('%s is refused naming the prop and the fix', (_label, props, message) => {
    expect(refusal(make({ stage: 'prod', ...props }))).toMatch(message);
  });

  test('a bad x-beanstack.domain on prod is the converter\'s located error, not "no domain"', () => {
    const project = projectWithDomain({ name: 'Shop.example.com', hosted_zone_id: ZONE.hostedZoneId, hosted_zone_name: 'example.com' });
    expect(make({ project, stage: 'prod' })).toThrow(expect.objectContaining({
      code: 'bundle/x-beanstack',
      details: [expect.objectContaining({ message: expect.stringMatching(/^x-beanstack\.domain\.name: 'Shop\.example\.com' has upper-case letters/) })],
    }));
  });

  test('a domain with no zone anywhere is refused with where to name it', () => {
    expect(make({ stage: 'prod', domain: 'shop.example.com' })).toThrow(expect.objectContaining({ code: 'constructs/domain-zone', fix: expect.stringMatching(/hosted_zone_id and hosted_zone_name in x-beanstack\.domain, or -c hostedZoneId=Z… -c hostedZoneName=example\.com/) }));
  });
});

describe('Domain on its own', () => {
  test('the zone is looked up only when asked: HostedZone.fromLookup by name, which the CDK CLI answers (a synth without that context reports it missing)', () => {
    const app = newApp();
    const stack = new Stack(app, 'S', { env: TEST_ENV });
    new Domain(stack, 'D', { domainName: 'shop.example.com', hostedZoneName: 'example.com', hostedZoneLookup: true });
    const missing = app.synth().manifest.missing ?? [];
    expect(missing.map((m) => [m.provider, (m.props as any).domainName, (m.props as any).privateZone])).toEqual([['hosted-zone', 'example.com', false]]);
  });

  test('a region without a known ALB hosted zone is refused with where to add it', () => {
    const stack = new Stack(newApp(), 'S', { env: { account: '123456789012', region: 'xx-nowhere-1' } });
    const d = new Domain(stack, 'D', { domainName: 'shop.example.com', ...ZONE });
    expect(refusal(() => d.aliasTo({ loadBalanced: true } as any))).toMatch(/hosted zone id of region xx-nowhere-1; fix: add it to ALB_CANONICAL_HOSTED_ZONE_IDS \(constructs\/region\.ts\)/);
  });

  test('a single-instance environment is refused with the fix', () => {
    const stack = new Stack(newApp(), 'S', { env: TEST_ENV });
    const d = new Domain(stack, 'D', { domainName: 'shop.example.com', ...ZONE });
    expect(refusal(() => d.aliasTo({ loadBalanced: false } as any))).toMatch(/needs a load balancer.*but the environment is a single instance; fix: deploy a load-balanced environment/);
  });

  test('every ALB zone id in the fact table looks like a hosted zone id, one per region', () => {
    const entries = Object.entries(ALB_CANONICAL_HOSTED_ZONE_IDS);
    expect(entries.length).toBeGreaterThanOrEqual(30);
    for (const [region, id] of entries) {
      expect(region).toMatch(/^[a-z]{2}(-[a-z]+)+-\d$/);
      expect(id).toMatch(/^Z[A-Z0-9]{8,31}$/);
    }
  });
});
