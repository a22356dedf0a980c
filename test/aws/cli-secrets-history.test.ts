/**
 * `beanstack secrets`, `history` and `rollback --to` through the real CLI shell (`main`), AWS mocked
 * with aws-sdk-client-mock, fake credentials from the environment: exit codes, output, and that a
 * secret value never reaches stdout, stderr or argv handling.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeApplicationVersionsCommand,
  DescribeEnvironmentsCommand,
  ElasticBeanstalkClient,
  ListTagsForResourceCommand,
  UpdateEnvironmentCommand,
} from '@aws-sdk/client-elastic-beanstalk';
import { DescribeSecretCommand, ListSecretVersionIdsCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../bin/cli';
import { recordTags } from '../../lib/aws/history-record';
import { assemblyCopy, withAppSecrets } from './helpers';

const sts = mockClient(STSClient);
const cfn = mockClient(CloudFormationClient);
const sm = mockClient(SecretsManagerClient);
const eb = mockClient(ElasticBeanstalkClient);

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const CREATED = new Date('2026-11-01T09:03:12Z');
const API_KEY_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:AppSecretsAPIKEY5F1E2D3C-AbCdEf`;
const SESSION_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:AppSecretsSESSIONSECRET9A8B7C6D-AbCdEf`;
const VALUE = 'sk_live_51NzQx7-never-printed';
const LABEL = 'shop-dev-appversion592a4adc-q1w2e3r4t5y6';

const saved: Record<string, string | undefined> = {};
let home: string;
let assembly: { dir: string; dispose: () => void };

beforeAll(() => {
  for (const k of Object.keys(process.env).filter((x) => x.startsWith('AWS_')).concat('HOME')) saved[k] = process.env[k];
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-secrets-home-'));
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
  Object.assign(process.env, {
    HOME: home, AWS_CONFIG_FILE: path.join(home, 'no-config'), AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'no-credentials'), AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  });
  assembly = assemblyCopy('ecs-single', withAppSecrets);
});
afterAll(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
  for (const k of Object.keys(saved)) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  fs.rmSync(home, { recursive: true, force: true });
  assembly.dispose();
});

async function cli(args: string[], stdin?: { data: string; isTty?: boolean }): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    cwd: home,
    env: { ...process.env, HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '' },
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    isTty: false,
    ...(stdin ? { readStdin: async () => ({ data: Buffer.from(stdin.data), isTty: stdin.isTty ?? false }) } : {}),
  });
  return { code, stdout, stderr };
}

beforeEach(() => {
  for (const m of [sts, cfn, sm, eb]) m.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/dev`, UserId: 'AIDASAMPLEUSERID' });
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'shop-dev', StackStatus: 'UPDATE_COMPLETE', CreationTime: CREATED }] });
  cfn.on(ListStackResourcesCommand).resolves({
    StackResourceSummaries: [
      ['AppEnvironmentE09B59F9', 'shop-dev', 'AWS::ElasticBeanstalk::Environment'],
      ['AppVersion592A4ADC', LABEL, 'AWS::ElasticBeanstalk::ApplicationVersion'],
      ['AppSecretsAPIKEY5F1E2D3C', API_KEY_ARN, 'AWS::SecretsManager::Secret'],
      ['AppSecretsSESSIONSECRET9A8B7C6D', SESSION_ARN, 'AWS::SecretsManager::Secret'],
    ].map(([LogicalResourceId, PhysicalResourceId, ResourceType]) => ({ LogicalResourceId, PhysicalResourceId, ResourceType, ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: CREATED })),
  });
  sm.on(DescribeSecretCommand).resolves({ CreatedDate: CREATED, LastChangedDate: CREATED });
  sm.on(ListSecretVersionIdsCommand, { SecretId: API_KEY_ARN }).resolves({ Versions: [{ VersionId: 'v1', VersionStages: ['AWSCURRENT'], CreatedDate: CREATED }] });
  sm.on(ListSecretVersionIdsCommand, { SecretId: SESSION_ARN }).resolves({ Versions: [{ VersionId: 'v2', VersionStages: ['AWSCURRENT'], CreatedDate: new Date('2026-11-02T08:00:00Z') }] });
  sm.on(PutSecretValueCommand).resolves({ ARN: API_KEY_ARN, VersionId: 'v3', VersionStages: ['AWSCURRENT'] });
});

describe('beanstack secrets list', () => {
  test('the table: placeholder, set, not deployed; exit 1 while a placeholder remains', async () => {
    const r = await cli(['secrets', 'list', '--app-dir', assembly.dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe([
      'application secrets of shop-dev in eu-west-1',
      '  NAME            STATE         VALUE SET',
      '  API_KEY         PLACEHOLDER   generated 2026-11-01T09:03:12.000Z',
      '  SESSION_SECRET  set           2026-11-02T08:00:00.000Z',
      '  STRIPE_TOKEN    not deployed  -',
      'the application runs with random values until you set it: beanstack secrets set API_KEY < value-file, or beanstack secrets set --from-env-file FILE',
      '',
    ].join('\n'));
  });
  test('--json; exit 0 once nothing holds a placeholder', async () => {
    sm.on(ListSecretVersionIdsCommand, { SecretId: API_KEY_ARN }).resolves({ Versions: [{ VersionId: 'v3', VersionStages: ['AWSCURRENT'], CreatedDate: new Date('2026-11-24T08:00:00Z') }] });
    const r = await cli(['secrets', 'list', '--app-dir', assembly.dir, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.secrets.map((s: { name: string; state: string }) => `${s.name}=${s.state}`)).toEqual(['API_KEY=set', 'SESSION_SECRET=set', 'STRIPE_TOKEN=not-deployed']);
    expect(doc.secrets[0]).toMatchObject({ arn: API_KEY_ARN, valueSetAt: '2026-11-24T08:00:00.000Z' });
  });
});

describe('beanstack secrets set', () => {
  test('from stdin: stored, nothing printed of it', async () => {
    const r = await cli(['secrets', 'set', 'API_KEY', '--app-dir', assembly.dir, '--no-restart'], { data: `${VALUE}\n` });
    expect(r.code).toBe(0);
    expect(sm.commandCalls(PutSecretValueCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: API_KEY_ARN, SecretString: VALUE }]);
    expect(r.stderr).toContain('API_KEY: new value stored (it replaced the placeholder)');
    expect(r.stdout + r.stderr).not.toContain(VALUE);
  });
  test('--from-env-file sets several; an unknown name stops everything before any write', async () => {
    const file = path.join(home, 'secrets.env');
    fs.writeFileSync(file, `API_KEY=${VALUE}\nSESSION_SECRET='s3ss$on'\n`);
    const ok = await cli(['secrets', 'set', '--from-env-file', file, '--app-dir', assembly.dir, '--no-restart']);
    expect(ok.code).toBe(0);
    expect(sm.commandCalls(PutSecretValueCommand).map((c) => c.args[0].input.SecretString)).toEqual([VALUE, 's3ss$on']);
    sm.resetHistory();
    fs.writeFileSync(file, `API_KEY=${VALUE}\nAPI_KYE=typo\n`);
    const bad = await cli(['secrets', 'set', '--from-env-file', file, '--app-dir', assembly.dir, '--no-restart']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`error: ${file}:2: the stack has no application secret named API_KYE`);
    expect(bad.stderr).toContain('fix: did you mean API_KEY?');
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(bad.stdout + bad.stderr).not.toContain(VALUE);
  });
  test('a value in argv is refused and not echoed; a terminal on stdin is refused before any AWS call', async () => {
    const argv = await cli(['secrets', 'set', 'API_KEY', VALUE, '--app-dir', assembly.dir]);
    expect(argv.code).toBe(2);
    expect(argv.stderr).toContain('too many arguments');
    expect(argv.stdout + argv.stderr).not.toContain(VALUE);
    const tty = await cli(['secrets', 'set', 'API_KEY', '--app-dir', assembly.dir], { data: '', isTty: true });
    expect(tty.code).toBe(2);
    expect(tty.stderr).toContain('no value for API_KEY on stdin (it is a terminal: typing the value would show it)');
    expect(sts.calls()).toHaveLength(0);
    expect(sm.calls()).toHaveLength(0);
  });
  test('AccessDenied on PutSecretValue: exit 2, the permission named, the value not', async () => {
    sm.on(PutSecretValueCommand).rejects(Object.assign(new Error(`User: arn:aws:iam::${ACCOUNT}:user/dev is not authorized to perform: secretsmanager:PutSecretValue on resource: ${API_KEY_ARN} because no identity-based policy allows the secretsmanager:PutSecretValue action`), {
      name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 400 },
    }));
    const r = await cli(['secrets', 'set', 'API_KEY', '--app-dir', assembly.dir], { data: VALUE });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('secretsmanager:PutSecretValue');
    expect(r.stdout + r.stderr).not.toContain(VALUE);
  });
});

describe('beanstack history and rollback --to', () => {
  const COMMIT = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';
  const record = { commit: COMMIT, dirty: false, beanstackVersion: '0.1.0', deployedAt: '2026-11-21T10:00:00.000Z', images: [{ name: 'api', ref: 'repo:tag', digest: `sha256:${'1'.repeat(64)}` }], composeFiles: [] };
  beforeEach(() => {
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [{ EnvironmentName: 'shop-dev', ApplicationName: 'shop-dev', VersionLabel: 'v3', Status: 'Ready', Health: 'Green' }] });
    eb.on(DescribeApplicationVersionsCommand).resolves({
      ApplicationVersions: [
        { ApplicationName: 'shop-dev', VersionLabel: 'v3', ApplicationVersionArn: `arn:aws:elasticbeanstalk:${REGION}:${ACCOUNT}:applicationversion/shop-dev/v3`, DateCreated: new Date('2026-11-22T10:00:00Z'), Status: 'Processed' },
        { ApplicationName: 'shop-dev', VersionLabel: 'v2', ApplicationVersionArn: `arn:aws:elasticbeanstalk:${REGION}:${ACCOUNT}:applicationversion/shop-dev/v2`, DateCreated: new Date('2026-11-21T10:00:00Z'), Status: 'Processed' },
      ],
    });
    eb.on(ListTagsForResourceCommand, { ResourceArn: `arn:aws:elasticbeanstalk:${REGION}:${ACCOUNT}:applicationversion/shop-dev/v2` }).resolves({ ResourceTags: recordTags(record) });
    eb.on(ListTagsForResourceCommand, { ResourceArn: `arn:aws:elasticbeanstalk:${REGION}:${ACCOUNT}:applicationversion/shop-dev/v3` }).resolves({ ResourceTags: recordTags({ ...record, commit: 'ffff000011112222333344445555666677778888', dirty: true, deployedAt: '2026-11-22T10:00:00.000Z' }) });
  });
  test('history: newest first, the running one starred, + for a dirty tree', async () => {
    const r = await cli(['history', '--app-dir', assembly.dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([
      'deployments of shop-dev (environment shop-dev, application shop-dev) in eu-west-1, newest first',
      '   LABEL  DEPLOYED (or created)  COMMIT         BEANSTACK  IMAGES',
      '*  v3     2026-11-22T10:00:00Z   ffff00001111+  0.1.0      1 (1 with digest)',
      '   v2     2026-11-21T10:00:00Z   1a2b3c4d5e6f   0.1.0      1 (1 with digest)',
      '* runs now; + uncommitted changes at deploy time',
      'go back to one: beanstack rollback --to <label|commit>',
      '',
    ].join('\n'));
    const json = JSON.parse((await cli(['history', '--app-dir', assembly.dir, '--json'])).stdout);
    expect(json.versions[1]).toMatchObject({ label: 'v2', running: false, record: { commit: COMMIT, images: [{ name: 'api', digest: `sha256:${'1'.repeat(64)}` }] } });
  });
  test('rollback --to <commit> --dry-run: the version of that commit, nothing changed', async () => {
    const r = await cli(['rollback', '--to', '1a2b3c4', '--app-dir', assembly.dir, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--to 1a2b3c4: v2, deployed 2026-11-21T10:00:00.000Z from commit 1a2b3c4d5e6f with beanstack 0.1.0');
    expect(r.stdout).toContain('rolling back to: v2');
    expect(eb.commandCalls(UpdateEnvironmentCommand)).toHaveLength(0);
  });
  test('rollback --to an unknown commit: exit 2 with the recorded ones', async () => {
    const r = await cli(['rollback', '--to', 'abcdef0', '--app-dir', assembly.dir, '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no recorded deployment of commit abcdef0');
    expect(r.stderr).toContain('ffff00001111 (v3), 1a2b3c4d5e6f (v2)');
  });
});
