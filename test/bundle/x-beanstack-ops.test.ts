/**
 * `x-beanstack.scaling` and `x-beanstack.alerts` (lib/bundle/x-beanstack-ops.ts): values, and every
 * problem at once with the compose file's line and column, through the converter.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { planBundle } from '../../lib/bundle';
import { parseProjectOverrides } from '../../lib/bundle/x-beanstack';
import { BundleError } from '../../lib/errors';
import { load } from './convert/fixture-support';

function project(xBeanstack: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-x-ops-'));
  fs.writeFileSync(path.join(dir, 'compose.yaml'), `services:\n  web:\n    image: nginx:1.27\n    ports: ["80:80"]\nx-beanstack:\n${xBeanstack}`);
  return load(dir, ['compose.yaml']);
}

test('scaling and alerts are read, addresses sorted and deduplicated, numbers from strings', () => {
  const p = project('  scaling: { min: 2, max: "6", cpu: 70 }\n  alerts:\n    email: [ops@example.com, dev@example.com, ops@example.com]\n    thresholds: { response_time_seconds: 1.5, database_connections: "300" }\n');
  const problems: never[] = [];
  expect(parseProjectOverrides(p, problems)).toMatchObject({
    scaling: { min: 2, max: 6, cpu: 70 },
    alerts: { email: ['dev@example.com', 'ops@example.com'], thresholds: { response_time_seconds: 1.5, database_connections: 300 } },
  });
  expect(problems).toEqual([]);
  expect(parseProjectOverrides(project('  alerts: { email: ops@example.com }\n  scaling: { requests: 800 }\n'), [])).toMatchObject({ alerts: { email: ['ops@example.com'] }, scaling: { requests: 800 } });
  expect(parseProjectOverrides(project('  alerts: { topic_arn: "arn:aws:sns:eu-west-1:123456789012:ops" }\n'), []).alerts).toEqual({ topicArn: 'arn:aws:sns:eu-west-1:123456789012:ops' });
});

test('every problem at once, with its line and column and the fix', () => {
  const p = project([
    '  scaling:',
    '    min: 0',
    '    max: 2.5',
    '    cpu: 120',
    '    speed: 3',
    '  alerts:',
    '    email: [ops@example.com, not-an-address]',
    '    topic_arn: ops',
    '    thresholds: { cpu: 3, http_5xx_percent: -1 }',
    '',
  ].join('\n'));
  let error: BundleError | undefined;
  try {
    planBundle(p, {});
  } catch (e) {
    error = e as BundleError;
  }
  const lines = error!.details.map((d) => `${d.location?.line}:${d.location?.column} ${d.message}`);
  expect(lines).toEqual([
    '7:10 x-beanstack.scaling.min: expected a whole number of instances, at least 1, got 0',
    '8:10 x-beanstack.scaling.max: expected a whole number of instances, at least 1, got 2.5',
    '9:10 x-beanstack.scaling.cpu: expected an average CPU percent from 1 to 100, got 120',
    '10:12 x-beanstack.scaling.speed: unknown field; the fields are cpu, max, min, requests',
    '12:30 x-beanstack.alerts.email[1]: "not-an-address" is not an email address',
    '13:16 x-beanstack.alerts.topic_arn: expected an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), got "ops"',
    '14:24 x-beanstack.alerts.thresholds.cpu: unknown alarm; the alarms are database_connections, database_cpu_percent, database_free_memory_mib, database_free_storage_gib, environment_health, http_5xx_percent, response_time_seconds',
    '14:45 x-beanstack.alerts.thresholds.http_5xx_percent: expected a positive number, got -1',
  ]);
  expect(error!.fix).toMatch(/docs\/x-beanstack\.md/);
});

test('cross-field problems: both targets, min above max, nobody to alert', () => {
  const problems: { message: string }[] = [];
  parseProjectOverrides(project('  scaling: { min: 5, max: 3, cpu: 50, requests: 100 }\n  alerts: { thresholds: { environment_health: 25 } }\n'), problems as never[]);
  expect(problems.map((x) => x.message)).toEqual([
    'x-beanstack.scaling.requests: give one scaling target, cpu or requests: Elastic Beanstalk scales on one metric; remove one of them',
    'x-beanstack.scaling.min: min (5) is larger than max (3); lower min or raise max',
    'x-beanstack.alerts: names nobody to alert; give email: [address, ...] or topic_arn: <an existing SNS topic>',
  ]);
});
