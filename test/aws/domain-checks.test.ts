/**
 * Preflight's domain checks (lib/aws/domain-checks.ts) against mocked Route 53 answers shaped as the
 * service returns them: the zone exists, is public and holds the name; the name is free or the
 * stack's own — in pass, fail and AccessDenied.
 */
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { GetHostedZoneCommand, ListResourceRecordSetsCommand, NoSuchHostedZone, ResourceRecordSet, Route53Client, Route53ServiceException } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { plannedDomainNames } from '../../lib/aws/domain-checks';
import { PREFLIGHT_CHECKS, preflightContext } from '../../lib/aws/preflight';
import type { StackPlan } from '../../lib/aws/stack-plan';
import { loadPlan, MutableTemplate, runCheck, stackMissing, testClients } from './helpers';

const route53 = mockClient(Route53Client);
const cfn = mockClient(CloudFormationClient);

const ACCOUNT = '123456789012';
const IDENTITY = { account: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/dev` };
const ZONE_ID = 'Z0123456789ABCDEFGHIJ';
const LB = 'awseb-e-k-AWSEBLoa-1RW5ZKXJ2E0QF-1362512396.eu-west-1.elb.amazonaws.com';

/** The docker-prod fixture with the records and certificate of `x-beanstack.domain: shop.example.com` (as constructs/domain.ts writes them). */
function withDomain(t: MutableTemplate): void {
  const env = Object.keys(t.Resources).find((k) => t.Resources[k].Type === 'AWS::ElasticBeanstalk::Environment')!;
  const alias = { HostedZoneId: 'Z32O12XQLNTSW2', DNSName: { 'Fn::Join': ['', ['dualstack.', { 'Fn::GetAtt': [env, 'EndpointURL'] }]] } };
  t.Resources.AppDomainCertificate7F4A1C2B = { Type: 'AWS::CertificateManager::Certificate', Properties: { DomainName: 'shop.example.com', DomainValidationOptions: [{ DomainName: 'shop.example.com', HostedZoneId: ZONE_ID }], ValidationMethod: 'DNS' } };
  t.Resources.AppDomainAliasA0B1C2D3 = { Type: 'AWS::Route53::RecordSet', Properties: { Name: 'shop.example.com.', Type: 'A', HostedZoneId: ZONE_ID, AliasTarget: alias } };
  t.Resources.AppDomainAliasAAAA4E5F6A7B = { Type: 'AWS::Route53::RecordSet', Properties: { Name: 'shop.example.com.', Type: 'AAAA', HostedZoneId: ZONE_ID, AliasTarget: alias } };
}

function ctx(plan: StackPlan = loadPlan('docker-prod', withDomain)) {
  return preflightContext(plan, testClients(), IDENTITY, 'eu-west-1');
}

const hostedZone = (over: Record<string, unknown> = {}) => ({
  HostedZone: {
    Id: `/hostedzone/${ZONE_ID}`,
    Name: 'example.com.',
    CallerReference: 'a1f0c2d4-2026-10-01',
    Config: { Comment: 'shop', PrivateZone: false },
    ResourceRecordSetCount: 6,
    ...over,
  },
  DelegationSet: { NameServers: ['ns-1234.awsdns-26.org', 'ns-567.awsdns-06.net', 'ns-89.awsdns-11.com', 'ns-1890.awsdns-44.co.uk'] },
});

/** What ListResourceRecordSets returns from StartRecordName shop.example.com on: its records, then the next names of the zone. */
const recordsFrom = (atName: ResourceRecordSet[]) => ({
  ResourceRecordSets: [
    ...atName,
    { Name: 'www.example.com.', Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: 'shop.example.com' }] },
  ] as ResourceRecordSet[],
  IsTruncated: false,
  MaxItems: 20,
});

const denied = (action: string) => new Route53ServiceException({
  name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403, requestId: 'c2e4f6a8-0000-4000-8000-000000000000', attempts: 1, totalRetryDelay: 0 },
  message: `User: arn:aws:iam::${ACCOUNT}:user/dev is not authorized to perform: ${action} on resource: arn:aws:route53:::hostedzone/${ZONE_ID} because no identity-based policy allows the ${action} action`,
});

beforeEach(() => {
  route53.reset();
  cfn.reset();
  route53.on(GetHostedZoneCommand, { Id: ZONE_ID }).resolves(hostedZone());
  route53.on(ListResourceRecordSetsCommand).resolves(recordsFrom([
    { Name: 'shop.example.com.', Type: 'MX', TTL: 300, ResourceRecords: [{ Value: '10 inbound-smtp.eu-west-1.amazonaws.com' }] },
  ]));
  cfn.on(DescribeStacksCommand).rejects(stackMissing('shop-prod'));
});

test('the template\'s alias names, by zone', () => {
  expect(plannedDomainNames(loadPlan('docker-prod', withDomain).template)).toEqual([
    { name: 'shop.example.com', hostedZoneId: ZONE_ID, types: ['A', 'AAAA'], logicalIds: ['AppDomainAliasA0B1C2D3', 'AppDomainAliasAAAA4E5F6A7B'] },
  ]);
});

describe('dns/hosted-zone', () => {
  test('skipped without a domain', async () => {
    expect(await runCheck(PREFLIGHT_CHECKS, 'dns/hosted-zone', ctx(loadPlan('docker-prod')))).toMatchObject({ status: 'skip', summary: 'the stack has no domain (no Route 53 records)' });
    expect(route53.calls()).toHaveLength(0);
  });

  test('pass: the public zone exists and holds the name', async () => {
    const r = await runCheck(PREFLIGHT_CHECKS, 'dns/hosted-zone', ctx());
    expect(r).toMatchObject({ status: 'pass', summary: `example.com (${ZONE_ID}, public, 6 records) holds shop.example.com` });
    expect(route53.commandCalls(GetHostedZoneCommand).map((c) => c.args[0].input)).toEqual([{ Id: ZONE_ID }]);
  });

  test('fail: no such zone (the example\'s placeholder) names the command that finds the id', async () => {
    route53.on(GetHostedZoneCommand).rejects(new NoSuchHostedZone({ $metadata: { httpStatusCode: 404 }, message: `No hosted zone found with ID: ${ZONE_ID}` }));
    const r = await runCheck(PREFLIGHT_CHECKS, 'dns/hosted-zone', ctx());
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(`there is no hosted zone ${ZONE_ID} in account ${ACCOUNT} (for shop.example.com)`);
    expect(r.fix).toMatch(/hosted_zone_id \(or -c hostedZoneId\): aws route53 list-hosted-zones-by-name --dns-name example\.com shows it/);
  });

  test('fail: the id is another zone\'s', async () => {
    route53.on(GetHostedZoneCommand).resolves(hostedZone({ Name: 'example.org.' }));
    const r = await runCheck(PREFLIGHT_CHECKS, 'dns/hosted-zone', ctx());
    expect(r).toMatchObject({ status: 'fail', summary: `hosted zone ${ZONE_ID} is example.org, which does not hold shop.example.com` });
  });

  test('fail: a private zone', async () => {
    route53.on(GetHostedZoneCommand).resolves(hostedZone({ Config: { PrivateZone: true } }));
    const r = await runCheck(PREFLIGHT_CHECKS, 'dns/hosted-zone', ctx());
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/is private: the internet cannot resolve shop\.example\.com, and ACM cannot validate the certificate through it/);
  });

  test('AccessDenied: a warning that names the missing permission', async () => {
    route53.on(GetHostedZoneCommand).rejects(denied('route53:GetHostedZone'));
    const r = await runCheck(PREFLIGHT_CHECKS, 'dns/hosted-zone', ctx());
    expect(r.status).toBe('warn');
    expect(r.summary).toBe('could not check: access denied (AccessDenied): missing permission route53:GetHostedZone');
    expect(r.fix).toContain('allow route53:GetHostedZone');
  });
});

describe('dns/name-free', () => {
  test('pass: no A, AAAA or CNAME at the name (its MX record stays)', async () => {
    const r = await runCheck(PREFLIGHT_CHECKS, 'dns/name-free', ctx());
    expect(r).toMatchObject({ status: 'pass', summary: 'shop.example.com is free for A and AAAA (its MX records stay)' });
    expect(route53.commandCalls(ListResourceRecordSetsCommand).map((c) => c.args[0].input)).toEqual([{ HostedZoneId: ZONE_ID, StartRecordName: 'shop.example.com', MaxItems: 20 }]);
  });

  test('fail: another A record holds the name, and the stack is not deployed', async () => {
    route53.on(ListResourceRecordSetsCommand).resolves(recordsFrom([
      { Name: 'shop.example.com.', Type: 'A', TTL: 300, ResourceRecords: [{ Value: '203.0.113.10' }] },
    ]));
    const r = await runCheck(PREFLIGHT_CHECKS, 'dns/name-free', ctx());
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(`shop.example.com is taken in zone ${ZONE_ID}: A 203.0.113.10 (stack shop-prod is not deployed, so it is not the stack's own)`);
    expect(r.fix).toMatch(/CloudFormation cannot create the alias records over it/);
  });

  test('fail: a CNAME excludes every other type', async () => {
    route53.on(ListResourceRecordSetsCommand).resolves(recordsFrom([
      { Name: 'shop.example.com.', Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: 'shops.myshopify.com' }] },
    ]));
    expect(await runCheck(PREFLIGHT_CHECKS, 'dns/name-free', ctx())).toMatchObject({ status: 'fail', summary: expect.stringMatching(/: CNAME shops\.myshopify\.com/) });
  });

  test('pass: the alias records are the deployed stack\'s own', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'shop-prod', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date('2026-10-01T09:00:00Z') }] });
    cfn.on(ListStackResourcesCommand).resolves({
      StackResourceSummaries: [
        { LogicalResourceId: 'AppDomainAliasA0B1C2D3', PhysicalResourceId: 'shop.example.com', ResourceType: 'AWS::Route53::RecordSet', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date('2026-10-01T09:30:00Z') },
        { LogicalResourceId: 'AppDomainAliasAAAA4E5F6A7B', PhysicalResourceId: 'shop.example.com', ResourceType: 'AWS::Route53::RecordSet', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date('2026-10-01T09:30:00Z') },
      ],
    });
    route53.on(ListResourceRecordSetsCommand).resolves(recordsFrom([
      { Name: 'shop.example.com.', Type: 'A', AliasTarget: { HostedZoneId: 'Z32O12XQLNTSW2', DNSName: `dualstack.${LB}.`, EvaluateTargetHealth: false } },
      { Name: 'shop.example.com.', Type: 'AAAA', AliasTarget: { HostedZoneId: 'Z32O12XQLNTSW2', DNSName: `dualstack.${LB}.`, EvaluateTargetHealth: false } },
    ]));
    expect(await runCheck(PREFLIGHT_CHECKS, 'dns/name-free', ctx())).toMatchObject({ status: 'pass', summary: 'shop.example.com A and AAAA belong to stack shop-prod (updated in place)' });
  });

  test('a missing zone is left to dns/hosted-zone', async () => {
    route53.on(ListResourceRecordSetsCommand).rejects(new NoSuchHostedZone({ $metadata: { httpStatusCode: 404 }, message: `No hosted zone found with ID: ${ZONE_ID}` }));
    expect(await runCheck(PREFLIGHT_CHECKS, 'dns/name-free', ctx())).toMatchObject({ status: 'skip', summary: `hosted zone ${ZONE_ID} does not exist (dns/hosted-zone says so)` });
  });

  test('AccessDenied: a warning that names the missing permission', async () => {
    route53.on(ListResourceRecordSetsCommand).rejects(denied('route53:ListResourceRecordSets'));
    const r = await runCheck(PREFLIGHT_CHECKS, 'dns/name-free', ctx());
    expect(r.status).toBe('warn');
    expect(r.summary).toBe('could not check: access denied (AccessDenied): missing permission route53:ListResourceRecordSets');
  });
});
