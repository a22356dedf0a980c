/** `beanstack deploy` orchestration with injected steps, and `rollback` against mocked Beanstalk. */
import {
  DescribeApplicationVersionsCommand,
  DescribeEnvironmentsCommand,
  DescribeEventsCommand,
  ElasticBeanstalkClient,
  UpdateEnvironmentCommand,
} from '@aws-sdk/client-elastic-beanstalk';
import { mockClient } from 'aws-sdk-client-mock';
import type { CheckResult } from '../../lib/aws/check';
import { DEPLOY_EXIT, DeploySteps, runDeploy } from '../../lib/aws/deploy';
import { executeRollback, planRollback } from '../../lib/aws/rollback';
import { isUserError } from '../../lib/errors';
import { testClients } from './helpers';

const ok: CheckResult = { id: 'x/ok', title: 'ok', group: 'x', status: 'pass', summary: 'fine' };
const warning: CheckResult = { id: 'x/warn', title: 'warn', group: 'x', status: 'warn', summary: 'hmm', fix: 'look' };
const failure: CheckResult = { id: 'x/fail', title: 'fail', group: 'x', status: 'fail', summary: 'broken', fix: 'repair' };

const placeholder: CheckResult = {
  id: 'secrets/placeholder', title: 'Application secrets hold real values', group: 'secrets', status: 'fail',
  summary: '2 of 2 application secrets still hold the random placeholder: API_KEY, SESSION_SECRET', fix: 'set them',
};

function fakeSteps(o: { pre?: CheckResult[]; deployCode?: number; post?: CheckResult[]; url?: string; existed?: boolean; record?: () => Promise<string> }) {
  const calls: string[] = [];
  const out: string[] = [];
  const log: string[] = [];
  const steps: DeploySteps = {
    preflight: async () => { calls.push('preflight'); return o.pre ?? [ok]; },
    cdkDeploy: async () => { calls.push('cdk deploy'); return o.deployCode ?? 0; },
    doctor: async () => { calls.push('doctor'); return o.post ?? [ok]; },
    environmentUrl: async () => { calls.push('url'); return o.url; },
    printReport: (command, results) => { calls.push(`print ${command} (${results.map((r) => r.status).join(',')})`); },
    log: (line) => log.push(line),
    out: (line) => out.push(line),
    ...(o.existed !== undefined ? { stackExists: async () => { calls.push('exists?'); return o.existed!; } } : {}),
    ...(o.record ? { record: () => { calls.push('record'); return o.record!(); } } : {}),
  };
  return { steps, calls, out, log };
}

describe('deploy orchestration', () => {
  test('success: preflight → cdk deploy → doctor → the URL, exit 0', async () => {
    const f = fakeSteps({ url: 'http://shop-dev.eu-west-1.elasticbeanstalk.com' });
    const outcome = await runDeploy(f.steps);
    expect(outcome).toBe('deployed');
    expect(DEPLOY_EXIT[outcome]).toBe(0);
    expect(f.calls).toEqual(['preflight', 'print preflight (pass)', 'cdk deploy', 'doctor', 'print doctor (pass)', 'url']);
    expect(f.out).toEqual(['environment URL: http://shop-dev.eu-west-1.elasticbeanstalk.com']);
  });
  test('a failed preflight check: nothing is deployed, exit 1', async () => {
    const f = fakeSteps({ pre: [ok, failure] });
    const outcome = await runDeploy(f.steps);
    expect(outcome).toBe('preflight-failed');
    expect(DEPLOY_EXIT[outcome]).toBe(1);
    expect(f.calls).toEqual(['preflight', 'print preflight (pass,fail)']);
    expect(f.log.join('\n')).toContain('nothing was deployed');
  });
  test('preflight warnings deploy, unless strict', async () => {
    expect(await runDeploy(fakeSteps({ pre: [warning] }).steps)).toBe('deployed');
    const f = fakeSteps({ pre: [warning] });
    expect(await runDeploy(f.steps, { strict: true })).toBe('preflight-failed');
    expect(f.calls).not.toContain('cdk deploy');
  });
  test('cdk deploy fails: the doctor still reports, rollback is suggested, exit 1', async () => {
    const f = fakeSteps({ deployCode: 1, post: [failure] });
    const outcome = await runDeploy(f.steps);
    expect(outcome).toBe('deploy-failed');
    expect(f.calls).toEqual(['preflight', 'print preflight (pass)', 'cdk deploy', 'doctor', 'print doctor (fail)']);
    expect(f.log.join('\n')).toContain('beanstack rollback');
  });
  test('deployed but unhealthy: the URL is still printed, exit 1', async () => {
    const f = fakeSteps({ post: [failure], url: 'http://x' });
    const outcome = await runDeploy(f.steps);
    expect(outcome).toBe('unhealthy');
    expect(DEPLOY_EXIT[outcome]).toBe(1);
    expect(f.out).toEqual(['environment URL: http://x']);
  });
});

describe('deploy: placeholder secrets and the record', () => {
  test('a first deploy with placeholders does not finish: exit 1, no URL result line, the secrets set command', async () => {
    const f = fakeSteps({ post: [ok, placeholder], url: 'http://shop-dev.eu-west-1.elasticbeanstalk.com', existed: false });
    const outcome = await runDeploy(f.steps);
    expect(outcome).toBe('placeholder-secrets');
    expect(DEPLOY_EXIT[outcome]).toBe(1);
    expect(f.calls).toEqual(['preflight', 'print preflight (pass)', 'exists?', 'cdk deploy', 'doctor', 'print doctor (pass,fail)', 'url']);
    expect(f.out).toEqual([]);
    const log = f.log.join('\n');
    expect(log).toContain('first deploy: the stack created the application secrets just now, with random placeholders (API_KEY, SESSION_SECRET); the deploy is not finished');
    expect(log).toContain('beanstack secrets set NAME < value-file');
    expect(log).toContain('--allow-placeholder-secrets');
    expect(log).toContain('the environment runs at http://shop-dev.eu-west-1.elasticbeanstalk.com');
  });
  test('a later deploy with placeholders left is refused too, worded as such', async () => {
    const f = fakeSteps({ post: [placeholder], existed: true });
    expect(await runDeploy(f.steps)).toBe('placeholder-secrets');
    expect(f.log.join('\n')).toContain('application secrets still hold their random placeholders (API_KEY, SESSION_SECRET)');
  });
  test('--allow-placeholder-secrets finishes with exit 0, the URL and a reminder', async () => {
    const f = fakeSteps({ post: [ok, placeholder], url: 'http://x', existed: false });
    const outcome = await runDeploy(f.steps, { allowPlaceholderSecrets: true });
    expect(outcome).toBe('deployed');
    expect(f.out).toEqual(['environment URL: http://x']);
    expect(f.log.join('\n')).toContain('finished with placeholder application secrets (--allow-placeholder-secrets)');
  });
  test('another doctor failure wins: unhealthy, with the URL', async () => {
    const f = fakeSteps({ post: [failure, placeholder], url: 'http://x' });
    expect(await runDeploy(f.steps, { allowPlaceholderSecrets: true })).toBe('unhealthy');
    expect(await runDeploy(fakeSteps({ post: [failure, placeholder] }).steps)).toBe('unhealthy');
  });
  test('the record runs after a successful cdk deploy, before the doctor; its failure is logged, not fatal', async () => {
    const f = fakeSteps({ record: async () => 'recorded shop-dev-v7' });
    expect(await runDeploy(f.steps)).toBe('deployed');
    expect(f.calls).toEqual(['preflight', 'print preflight (pass)', 'cdk deploy', 'record', 'doctor', 'print doctor (pass)', 'url']);
    expect(f.log).toContain('recorded shop-dev-v7');
    const g = fakeSteps({ record: async () => { throw new Error('access denied (AccessDenied): missing permission elasticbeanstalk:UpdateTagsForResource'); } });
    expect(await runDeploy(g.steps)).toBe('deployed');
    expect(g.log).toContain('the deployment was not recorded (beanstack history will not list it): access denied (AccessDenied): missing permission elasticbeanstalk:UpdateTagsForResource');
    const h = fakeSteps({ deployCode: 1, record: async () => 'never' });
    await runDeploy(h.steps);
    expect(h.calls).not.toContain('record');
  });
});

const eb = mockClient(ElasticBeanstalkClient);

const version = (label: string, created: string, status = 'Unprocessed') => ({
  ApplicationName: 'shop', VersionLabel: label, DateCreated: new Date(created), Status: status as 'Unprocessed',
  Description: `bundle of ${label}`, SourceBundle: { S3Bucket: 'cdk-hnb659fds-assets-123456789012-eu-west-1', S3Key: `${label}.zip` },
});

describe('rollback', () => {
  beforeEach(() => {
    eb.reset();
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [{ EnvironmentName: 'shop-dev', ApplicationName: 'shop', VersionLabel: 'v4', Status: 'Ready', Health: 'Red' }] });
    eb.on(DescribeApplicationVersionsCommand)
      .resolvesOnce({
        ApplicationVersions: [version('v5-newer-unused', '2026-11-21T00:00:00Z'), version('v4', '2026-11-20T00:00:00Z'), version('v3-broken', '2026-11-19T00:00:00Z', 'Failed')],
        NextToken: 'p2',
      })
      .resolvesOnce({ ApplicationVersions: [version('v2', '2026-11-18T00:00:00Z'), version('v1', '2026-11-17T00:00:00Z')] });
  });

  test('the previous version is the newest deployable one older than the running one (across pages)', async () => {
    const plan = await planRollback(testClients(), 'shop-dev');
    expect(plan.current.label).toBe('v4');
    expect(plan.target).toMatchObject({ label: 'v2', description: 'bundle of v2', sourceBundle: 's3://cdk-hnb659fds-assets-123456789012-eu-west-1/v2.zip' });
  });
  test('--version-label picks one; an unknown label is a user error listing real ones', async () => {
    expect((await planRollback(testClients(), 'shop-dev', 'v1')).target.label).toBe('v1');
    eb.on(DescribeApplicationVersionsCommand).resolves({ ApplicationVersions: [version('v4', '2026-11-20T00:00:00Z'), version('v1', '2026-11-17T00:00:00Z')] });
    const e = await planRollback(testClients(), 'shop-dev', 'v9').catch((x) => x);
    expect(isUserError(e)).toBe(true);
    expect(e.fix).toBe('pick one of: v4, v1');
  });
  test('a busy environment is refused', async () => {
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [{ EnvironmentName: 'shop-dev', ApplicationName: 'shop', VersionLabel: 'v4', Status: 'Updating' }] });
    const e = await planRollback(testClients(), 'shop-dev').catch((x) => x);
    expect(e.code).toBe('aws/environment-busy');
  });
  test('execute: UpdateEnvironment with the label, then wait for Ready, streaming the events', async () => {
    eb.on(UpdateEnvironmentCommand).resolves({ EnvironmentName: 'shop-dev', Status: 'Updating', VersionLabel: 'v2' });
    eb.on(DescribeEventsCommand).resolves({
      Events: [
        { EventDate: new Date('2026-11-23T12:01:00Z'), Severity: 'INFO', Message: 'Environment update completed successfully.' },
        { EventDate: new Date('2026-11-23T12:00:00Z'), Severity: 'INFO', Message: 'Environment update is starting.' },
      ],
    });
    eb.on(DescribeEnvironmentsCommand)
      .resolvesOnce({ Environments: [{ EnvironmentName: 'shop-dev', Status: 'Updating' }] })
      .resolves({ Environments: [{ EnvironmentName: 'shop-dev', Status: 'Ready', Health: 'Green', VersionLabel: 'v2' }] });
    const log: string[] = [];
    const sleeps: number[] = [];
    const plan = { environmentName: 'shop-dev', applicationName: 'shop', current: { label: 'v4' }, target: { label: 'v2' } };
    const env = await executeRollback(testClients(), plan, { log: (l) => log.push(l), sleep: async (ms) => { sleeps.push(ms); }, pollMs: 5 });
    expect(env).toMatchObject({ Status: 'Ready', Health: 'Green', VersionLabel: 'v2' });
    expect(eb.commandCalls(UpdateEnvironmentCommand)[0].args[0].input).toEqual({ EnvironmentName: 'shop-dev', VersionLabel: 'v2' });
    expect(sleeps).toEqual([5, 5]);
    // each event once, oldest first; the status lines carry the elapsed time (printed, not asserted)
    expect(log.filter((l) => !/ \(\d+ s\)$/.test(l))).toEqual([
      'deploying v2 to shop-dev',
      '  2026-11-23T12:00:00.000Z INFO Environment update is starting.',
      '  2026-11-23T12:01:00.000Z INFO Environment update completed successfully.',
    ]);
    expect(log.filter((l) => / \(\d+ s\)$/.test(l)).map((l) => l.replace(/\d+ s/, 'N s'))).toEqual(['  shop-dev: Updating (N s)', '  shop-dev is Ready (N s)']);
  });
  test('execute: gives up after the timeout with a user error', async () => {
    eb.on(UpdateEnvironmentCommand).resolves({});
    eb.on(DescribeEventsCommand).resolves({ Events: [] });
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [{ EnvironmentName: 'shop-dev', Status: 'Updating' }] });
    let t = 0;
    const plan = { environmentName: 'shop-dev', applicationName: 'shop', current: { label: 'v4' }, target: { label: 'v2' } };
    const e = await executeRollback(testClients(), plan, {
      log: () => undefined, sleep: async () => { t += 60000; }, now: () => new Date(t), timeoutMs: 180000,
    }).catch((x) => x);
    expect(e.code).toBe('aws/rollback-timeout');
    expect(e.message).toBe('shop-dev did not become Ready in time (it is Updating)');
  });
});
