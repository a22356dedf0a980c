/**
 * `x-beanstack.domain` in the compose file: both forms, the stage map, and every problem reported
 * at its file, line and column with the fix — the converter refuses them like the other fields.
 */
import { composeToBundle, planBundle } from '../../lib/bundle';
import { domainForStage, domainNameProblem, parseDomainOverride } from '../../lib/bundle/x-beanstack-domain';
import { loadProject } from '../../lib/compose';
import type { ErrorDetail } from '../../lib/errors';
import { memoryReader } from '../compose/core/helpers';

function projectOf(xBeanstack: string) {
  const text = `services:\n  web:\n    image: nginx:1.27\n    ports: ["80:80"]\nx-beanstack:\n${xBeanstack}`;
  return loadProject({ files: [], workingDirectory: '/app', environment: {}, reader: memoryReader({ '/app/compose.yaml': text }) }).result;
}

function parse(xBeanstack: string): { value: ReturnType<typeof parseDomainOverride>; problems: ErrorDetail[] } {
  const problems: ErrorDetail[] = [];
  const value = parseDomainOverride(projectOf(xBeanstack), problems);
  return { value, problems };
}

test('one name for every stage', () => {
  const { value, problems } = parse('  domain: shop.example.com\n');
  expect(problems).toEqual([]);
  expect(value).toMatchObject({ name: 'shop.example.com' });
  expect(value!.location).toMatchObject({ file: '/app/compose.yaml', line: 6 });
  expect([domainForStage(value, 'dev'), domainForStage(value, 'prod')]).toEqual(['shop.example.com', 'shop.example.com']);
});

test('a name per stage with the zone named (id with or without /hostedzone/, zone name with or without the dot)', () => {
  const { value, problems } = parse([
    '  domain:',
    '    name: { prod: shop.example.com, staging: staging.shop.example.com }',
    '    hosted_zone_id: /hostedzone/Z0123456789ABCDEFGHIJ',
    '    hosted_zone_name: example.com.',
    '',
  ].join('\n'));
  expect(problems).toEqual([]);
  expect(value).toMatchObject({ hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com' });
  expect(['dev', 'prod', 'staging'].map((s) => domainForStage(value, s))).toEqual([undefined, 'shop.example.com', 'staging.shop.example.com']);
  expect(domainForStage(value, 'constructor')).toBeUndefined();
});

test.each([
  ['  domain: 42\n', 'x-beanstack.domain: expected a domain name such as shop.example.com, got 42', 6],
  ['  domain: Shop.example.com\n', "x-beanstack.domain: 'Shop.example.com' has upper-case letters; write it in lower case: shop.example.com", 6],
  ['  domain:\n    name: shop.example.org\n    hosted_zone_id: Z0123456789ABCDEFGHIJ\n    hosted_zone_name: example.com\n', "x-beanstack.domain.name: 'shop.example.org' is not inside the hosted zone example.com; use a name ending in .example.com, or the zone that holds shop.example.org", 7],
  ['  domain:\n    name: { Prod: shop.example.com }\n', 'x-beanstack.domain.name.Prod: is not a stage name; use the stage names of your deployments (dev, prod, staging, …)', 7],
  ['  domain:\n    name: shop.example.com\n    hosted_zone_id: example.com\n', 'x-beanstack.domain.hosted_zone_id: expected a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ (aws route53 list-hosted-zones-by-name --dns-name <zone>), got "example.com"', 8],
  ['  domain:\n    name: shop.example.com\n    zone: example.com\n', 'x-beanstack.domain.zone: unknown field; the fields are hosted_zone_id, hosted_zone_lookup, hosted_zone_name, name', 8],
  ['  domain:\n    hosted_zone_name: example.com\n', 'x-beanstack.domain: has no name; add name: shop.example.com (or a name per stage: name: { prod: shop.example.com })', 7],
  ['  domain:\n    name: shop.example.com\n    hosted_zone_id: Z0123456789ABCDEFGHIJ\n    hosted_zone_name: example.com\n    hosted_zone_lookup: true\n', 'x-beanstack.domain.hosted_zone_lookup: is true, but hosted_zone_id names the zone already; remove hosted_zone_lookup (no AWS call at synth) or hosted_zone_id', 10],
])('%j is reported at its line with the fix', (text, message, line) => {
  const { value, problems } = parse(text);
  expect(value).toBeUndefined();
  expect(problems).toEqual([{ message, location: expect.objectContaining({ file: '/app/compose.yaml', line }) }]);
});

test('the converter refuses a bad domain like any x-beanstack field (bundle/x-beanstack, with the location)', () => {
  let err: any;
  try {
    planBundle(projectOf('  domain: shop_example.com\n'));
  } catch (e) {
    err = e;
  }
  expect(err?.details ?? []).toEqual([expect.objectContaining({ message: expect.stringMatching(/^x-beanstack\.domain: 'shop_example\.com' has the label 'shop_example'/), location: expect.objectContaining({ line: 6 }) })]);
});

test('a valid domain does not change the bundle', () => {
  const plain = composeToBundle(projectOf('  web: web\n'));
  const withDomain = composeToBundle(projectOf('  web: web\n  domain: shop.example.com\n'));
  expect(JSON.stringify(withDomain)).toBe(JSON.stringify(plain));
  expect(JSON.stringify(withDomain)).not.toContain('shop.example.com');
});

test.each([
  ['shop.example.com', undefined],
  ['xn--bcher-kva.example', undefined],
  ['example', /single label/],
  ['shop.example.com.', /ends with a dot; write it without: shop\.example\.com/],
  [`${'a'.repeat(64)}.example.com`, /each dot-separated label is 1 to 63/],
  [`${'abcdefghi.'.repeat(26)}com`, /longer than 253/],
])('domainNameProblem(%s)', (name, problem) => {
  const p = domainNameProblem(name);
  if (problem === undefined) expect(p).toBeUndefined();
  else expect(p).toMatch(problem);
});
