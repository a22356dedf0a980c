/**
 * The mutation suite of the domain (constructs/domain.ts): the example's assembly given the records
 * and certificate the Domain construct synthesizes, then changed. A domain change moves traffic and
 * is classified as such; a certificate replacement is routine and says the listener moves; routine
 * changes raise no class.
 */
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { Domain } from '../../constructs/domain';
import { renderText } from '../../lib/review';
import type { DangerClass, ReviewReport } from '../../lib/review';
import { DOMAIN_MOVE_CLASS } from '../../lib/review/classify-domain';
import { AssemblyCopy, FULLSTACK, MutationCase, review, reviewMutation } from './helpers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ENV = 'AppBeanstalkEnvironment524C5E7D';
const ZONE = 'Z0123456789ABCDEFGHIJ';

/** The resources `Domain` synthesizes at App/Domain for `name`, aliased to the fixture's environment. */
function domainResources(name: string): Record<string, Json> {
  const stack = new Stack(new App(), 'fullstack-dev', { env: { account: '123456789012', region: 'eu-west-1' } });
  const env = new CfnResource(stack, 'Environment', { type: 'AWS::ElasticBeanstalk::Environment', properties: { ApplicationName: 'fullstack-dev' } });
  env.overrideLogicalId(ENV);
  const d = new Domain(new Construct(stack, 'App'), 'Domain', { domainName: name, hostedZoneId: ZONE, hostedZoneName: 'example.com' });
  d.aliasTo({ loadBalanced: true, environment: { attrEndpointUrl: env.getAtt('EndpointURL').toString() } } as never);
  const all = Template.fromStack(stack).toJSON().Resources as Record<string, Json>;
  return Object.fromEntries(Object.entries(all).filter(([id]) => id !== ENV));
}

/** Gives the assembly the domain `name`: the records, the certificate and the HTTPS listener that uses it. */
function withDomain(name: string) {
  return (a: AssemblyCopy): void => {
    const resources = domainResources(name);
    const certId = Object.keys(resources).find((k) => resources[k].Type === 'AWS::CertificateManager::Certificate')!;
    a.editTemplate((t) => {
      for (const id of Object.keys(t.Resources)) if (/^AppDomain/.test(id)) delete t.Resources[id];
      Object.assign(t.Resources, resources);
    });
    a.setOption('aws:elbv2:listener:443', 'ListenerEnabled', 'true');
    a.setOption('aws:elbv2:listener:443', 'Protocol', 'HTTPS');
    a.setOption('aws:elbv2:listener:443', 'SSLCertificateArns', { Ref: certId });
  };
}

function editCertificate(fn: (r: Json) => void) {
  return (a: AssemblyCopy): void => {
    a.editTemplate((t) => {
      const id = Object.keys(t.Resources).find((k) => t.Resources[k].Type === 'AWS::CertificateManager::Certificate')!;
      fn(t.Resources[id]);
    });
  };
}

interface Mutation extends MutationCase {
  readonly check: (r: ReviewReport) => void;
}

const titles = (r: ReviewReport, cls: DangerClass) => r.notes.filter((n) => n.class === cls).map((n) => n.title);

const MUTATIONS: Mutation[] = [
  {
    name: 'domain change (shop.example.com → store.example.com): traffic moves, one note for A and AAAA; the certificate replacement is routine',
    base: withDomain('shop.example.com'),
    head: withDomain('store.example.com'),
    classes: [DOMAIN_MOVE_CLASS],
    check: (r) => {
      expect(titles(r, DOMAIN_MOVE_CLASS)).toEqual(['domain shop.example.com → store.example.com: traffic moves to the new name and shop.example.com stops answering']);
      const move = r.notes.find((n) => n.class === DOMAIN_MOVE_CLASS)!;
      expect(move.reason).toMatch(/The A and AAAA alias records are replaced: CloudFormation creates store\.example\.com .* deletes shop\.example\.com at the end of the deploy/);
      expect(move.reason).toMatch(/add the new name beside the old one first/);
      expect(titles(r, 'routine')).toContain('certificate replacement for store.example.com: the HTTPS listener moves to a new certificate');
      expect(r.stacks[0].resources.filter((x) => x.type === 'AWS::Route53::RecordSet').map((x) => x.action)).toEqual(['replace', 'replace']);
    },
  },
  {
    name: 'certificate replacement (a second name on the certificate): routine, says the listener moves to the new certificate',
    base: withDomain('shop.example.com'),
    head: editCertificate((c) => {
      c.Properties.SubjectAlternativeNames = ['www.shop.example.com'];
      c.Properties.DomainValidationOptions.push({ DomainName: 'www.shop.example.com', HostedZoneId: ZONE });
    }),
    classes: [],
    check: (r) => {
      const n = r.notes.find((x) => /certificate replacement/.test(x.title))!;
      expect(n).toMatchObject({ class: 'routine', title: 'certificate replacement for shop.example.com: the HTTPS listener moves to a new certificate' });
      expect(n.reason).toMatch(/^Changing .*SubjectAlternativeNames.* needs a new certificate: ACM issues it after DNS validation \(the deploy waits\), the environment's HTTPS listener switches to it/);
      expect(r.notes.filter((x) => x.class !== 'routine')).toEqual([]);
    },
  },
  {
    name: 'certificate replacement (key algorithm): routine',
    base: withDomain('shop.example.com'),
    head: editCertificate((c) => { c.Properties.KeyAlgorithm = 'EC_prime256v1'; }),
    classes: [],
    check: (r) => expect(titles(r, 'routine')).toEqual(['certificate replacement for shop.example.com: the HTTPS listener moves to a new certificate']),
  },
  {
    name: 'a domain added: routine (the name starts answering, the certificate is requested)',
    head: withDomain('shop.example.com'),
    classes: [],
    check: (r) => {
      expect(titles(r, 'routine')).toEqual(expect.arrayContaining([
        'domain shop.example.com starts answering: A and AAAA alias records to the load balancer',
        'certificate for shop.example.com is requested, validated by DNS',
      ]));
    },
  },
  {
    name: 'the domain removed: the name stops answering, and HTTPS is turned off',
    base: withDomain('shop.example.com'),
    head: () => undefined,
    headFromOriginal: true,
    classes: ['security', DOMAIN_MOVE_CLASS],
    check: (r) => {
      expect(titles(r, DOMAIN_MOVE_CLASS)).toEqual(['domain shop.example.com is removed: it stops answering']);
      expect(titles(r, 'security')).toEqual(['HTTPS turned OFF on fullstack-dev/App/Beanstalk/Environment']);
    },
  },
  {
    name: 'a new bundle under an unchanged domain: routine, no domain note',
    base: withDomain('shop.example.com'),
    head: (a) => a.editDockerrun((d) => { d.containerDefinitions[0].memoryReservation = 96; }),
    classes: [],
    check: (r) => {
      expect(r.notes.some((n) => n.class === 'routine')).toBe(true);
      expect(r.notes.filter((n) => /domain|certificate|HTTPS/.test(n.title))).toEqual([]);
    },
  },
];

describe('domain mutation suite', () => {
  it.each(MUTATIONS.map((m) => [m.name, m] as const))('%s', (_name, m) => {
    const r = reviewMutation(m);
    expect(r.classes).toEqual([...m.classes]);
    expect(r.hasChanges).toBe(true);
    for (const n of r.notes) expect(n.reason.length).toBeGreaterThan(20);
    m.check(r);
  });

  it('the terminal report says the domain change moves traffic', () => {
    const base = new AssemblyCopy(FULLSTACK);
    withDomain('shop.example.com')(base);
    const head = new AssemblyCopy(base.dir);
    withDomain('store.example.com')(head);
    const text = renderText(review(base.dir, head.dir));
    expect(text).toContain('domain shop.example.com → store.example.com: traffic moves to the new name and shop.example.com stops answering');
    expect(text).toContain('certificate replacement for store.example.com: the HTTPS listener moves to a new certificate');
  });
});
