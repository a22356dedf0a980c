/**
 * `beanstack secrets`: which application secrets the stack expects, placeholder or set (from
 * metadata only), setting a value, and the doctor check — against Secrets Manager answers shaped as
 * the SDK returns them, in pass, fail and AccessDenied.
 */
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { DescribeEnvironmentsCommand, DescribeEventsCommand, ElasticBeanstalkClient, RestartAppServerCommand } from '@aws-sdk/client-elastic-beanstalk';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { DOCTOR_CHECKS, doctorContext } from '../../lib/aws/doctor';
import { describeDeployedStack } from '../../lib/aws/deployed';
import { runChecks } from '../../lib/aws/check';
import { appSecretStatuses, placeholderSecretsCheck, plannedAppSecrets, putAppSecret, restartForSecrets, secretsExistCheck } from '../../lib/aws/secrets';
import {
  APP_SECRET_TAG,
  checkSecretNames,
  placeholderState,
  secretsFromEnvFile,
  secretValueFrom,
} from '../../lib/aws/secret-status';
import { isUserError } from '../../lib/errors';
import { loadPlan, runCheck, testClients, withAppSecrets } from './helpers';

const sm = mockClient(SecretsManagerClient);
const cfn = mockClient(CloudFormationClient);
const eb = mockClient(ElasticBeanstalkClient);

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const CREATED = new Date('2026-11-01T09:03:12Z');
const arnOf = (id: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${id}-AbCdEf`;
const API_KEY_ARN = arnOf('AppSecretsAPIKEY5F1E2D3C');
const SESSION_ARN = arnOf('AppSecretsSESSIONSECRET9A8B7C6D');

const RESOURCES: Array<[string, string, string]> = [
  ['AppApplication609B01FE', 'shop', 'AWS::ElasticBeanstalk::Application'],
  ['AppEnvironmentE09B59F9', 'shop-dev', 'AWS::ElasticBeanstalk::Environment'],
  ['AppSecretsAPIKEY5F1E2D3C', API_KEY_ARN, 'AWS::SecretsManager::Secret'],
  ['AppSecretsSESSIONSECRET9A8B7C6D', SESSION_ARN, 'AWS::SecretsManager::Secret'],
];

function deployedStack(): void {
  cfn.on(DescribeStacksCommand).resolves({
    Stacks: [{ StackName: 'shop-dev', CreationTime: CREATED, LastUpdatedTime: new Date('2026-11-20T10:00:00Z'), StackStatus: 'UPDATE_COMPLETE', Outputs: [] }],
  });
  cfn.on(ListStackResourcesCommand).resolves({
    StackResourceSummaries: RESOURCES.map(([LogicalResourceId, PhysicalResourceId, ResourceType]) => ({ LogicalResourceId, PhysicalResourceId, ResourceType, ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: CREATED })),
  });
}

/** Secrets Manager's answers: API_KEY still holds the generated version, SESSION_SECRET was set on 2026-11-02. */
function secretsManager(): void {
  sm.on(DescribeSecretCommand, { SecretId: API_KEY_ARN }).resolves({
    ARN: API_KEY_ARN, Name: 'AppSecretsAPIKEY5F1E2D3C-xYz', Description: 'shop-dev: API_KEY for api.',
    CreatedDate: CREATED, LastChangedDate: new Date('2026-11-20T10:01:00Z'), LastAccessedDate: new Date('2026-11-23T00:00:00Z'),
    Tags: [{ Key: APP_SECRET_TAG, Value: 'API_KEY' }], VersionIdsToStages: { 'c9f1b7e2-1111-4a5b-9c8d-000000000001': ['AWSCURRENT'] },
  });
  sm.on(ListSecretVersionIdsCommand, { SecretId: API_KEY_ARN }).resolves({
    ARN: API_KEY_ARN, Name: 'AppSecretsAPIKEY5F1E2D3C-xYz',
    Versions: [{ VersionId: 'c9f1b7e2-1111-4a5b-9c8d-000000000001', VersionStages: ['AWSCURRENT'], CreatedDate: new Date(CREATED.getTime() + 1000), KmsKeyIds: ['DefaultEncryptionKey'] }],
  });
  sm.on(DescribeSecretCommand, { SecretId: SESSION_ARN }).resolves({
    ARN: SESSION_ARN, Name: 'AppSecretsSESSIONSECRET9A8B7C6D-aBc', CreatedDate: CREATED, LastChangedDate: new Date('2026-11-02T08:00:00Z'),
    Tags: [{ Key: APP_SECRET_TAG, Value: 'SESSION_SECRET' }],
    VersionIdsToStages: { 'v-generated': ['AWSPREVIOUS'], 'v-real': ['AWSCURRENT'] },
  });
  sm.on(ListSecretVersionIdsCommand, { SecretId: SESSION_ARN })
    .resolvesOnce({ Versions: [{ VersionId: 'v-generated', VersionStages: ['AWSPREVIOUS'], CreatedDate: CREATED }], NextToken: 'page-2' })
    .resolves({ Versions: [{ VersionId: 'v-real', VersionStages: ['AWSCURRENT'], CreatedDate: new Date('2026-11-02T08:00:00Z') }] });
}

const accessDenied = (action: string) => new SecretsManagerServiceException({
  name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 400, requestId: 'b1f2c3d4-0000-4000-8000-000000000000', attempts: 1, totalRetryDelay: 0 },
  message: `User: arn:aws:iam::${ACCOUNT}:user/dev is not authorized to perform: ${action} on resource: ${API_KEY_ARN} because no identity-based policy allows the ${action} action`,
});

beforeEach(() => {
  sm.reset();
  cfn.reset();
  eb.reset();
});

const plan = () => loadPlan('ecs-single', withAppSecrets);

describe('the secrets the stack expects', () => {
  test('the tagged secrets of the template, by name; the database secret is not one', () => {
    expect(plannedAppSecrets(plan())).toEqual([
      { name: 'API_KEY', logicalId: 'AppSecretsAPIKEY5F1E2D3C' },
      { name: 'SESSION_SECRET', logicalId: 'AppSecretsSESSIONSECRET9A8B7C6D' },
      { name: 'STRIPE_TOKEN', logicalId: 'AppSecretsSTRIPETOKEN1A2B3C4D' },
    ]);
    expect(plannedAppSecrets(loadPlan('ecs-single'))).toEqual([]);
  });
});

describe('placeholder or set, from metadata only', () => {
  test('placeholder, set (versions on two pages), not deployed; no value is ever read', async () => {
    deployedStack();
    secretsManager();
    const clients = testClients();
    const statuses = await appSecretStatuses(clients, plan(), await describeDeployedStack(clients, 'shop-dev'));
    expect(statuses).toEqual([
      { name: 'API_KEY', logicalId: 'AppSecretsAPIKEY5F1E2D3C', arn: API_KEY_ARN, state: 'placeholder', valueSetAt: new Date(CREATED.getTime() + 1000), lastChangedAt: new Date('2026-11-20T10:01:00Z') },
      { name: 'SESSION_SECRET', logicalId: 'AppSecretsSESSIONSECRET9A8B7C6D', arn: SESSION_ARN, state: 'set', valueSetAt: new Date('2026-11-02T08:00:00Z'), lastChangedAt: new Date('2026-11-02T08:00:00Z') },
      { name: 'STRIPE_TOKEN', logicalId: 'AppSecretsSTRIPETOKEN1A2B3C4D', state: 'not-deployed' },
    ]);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    expect(sm.commandCalls(ListSecretVersionIdsCommand, { SecretId: SESSION_ARN }).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'page-2']);
  });
  test('a secret deleted outside the stack, or scheduled for deletion, is missing', async () => {
    deployedStack();
    secretsManager();
    sm.on(DescribeSecretCommand, { SecretId: API_KEY_ARN }).rejects(new ResourceNotFoundException({ $metadata: { httpStatusCode: 400 }, message: "Secrets Manager can't find the specified secret." }));
    sm.on(DescribeSecretCommand, { SecretId: SESSION_ARN }).resolves({ ARN: SESSION_ARN, CreatedDate: CREATED, DeletedDate: new Date('2026-12-01T00:00:00Z') });
    const clients = testClients();
    const statuses = await appSecretStatuses(clients, plan(), await describeDeployedStack(clients, 'shop-dev'));
    expect(statuses.map((s) => [s.name, s.state, s.deletionDate?.toISOString()])).toEqual([
      ['API_KEY', 'missing', undefined], ['SESSION_SECRET', 'missing', '2026-12-01T00:00:00.000Z'], ['STRIPE_TOKEN', 'not-deployed', undefined],
    ]);
  });
  test('the rule: the current version created with the secret is the placeholder', () => {
    const at = (s: number) => new Date(CREATED.getTime() + s * 1000);
    expect(placeholderState(CREATED, [{ stages: ['AWSCURRENT'], createdDate: at(0) }]).state).toBe('placeholder');
    expect(placeholderState(CREATED, [{ stages: ['AWSCURRENT'], createdDate: at(60) }]).state).toBe('placeholder');
    expect(placeholderState(CREATED, [{ stages: ['AWSCURRENT'], createdDate: at(61) }]).state).toBe('set');
    expect(placeholderState(CREATED, [{ stages: ['AWSPREVIOUS'], createdDate: at(0) }, { stages: ['AWSCURRENT'], createdDate: at(3600) }])).toEqual({ state: 'set', valueSetAt: at(3600) });
    expect(placeholderState(CREATED, [{ stages: ['AWSPENDING'], createdDate: at(0) }]).state).toBe('no-value');
    expect(placeholderState(undefined, [{ stages: ['AWSCURRENT'] }]).state).toBe('placeholder');
    expect(placeholderState(undefined, [{ stages: ['AWSPREVIOUS'] }, { stages: ['AWSCURRENT'] }]).state).toBe('set');
  });
});

describe('doctor: secrets/placeholder', () => {
  const ctx = () => doctorContext(plan(), testClients(), ACCOUNT, REGION);
  test('both are doctor checks', () => {
    expect(DOCTOR_CHECKS).toEqual(expect.arrayContaining([secretsExistCheck, placeholderSecretsCheck]));
  });
  test('fails while a placeholder remains, with the secrets set command', async () => {
    deployedStack();
    secretsManager();
    const r = await runCheck(DOCTOR_CHECKS, 'secrets/placeholder', ctx());
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('1 of 3 application secrets still holds the random placeholder: API_KEY');
    expect(r.fix).toContain('beanstack secrets set API_KEY < value-file');
  });
  test('passes once every deployed secret is set, naming those not deployed yet', async () => {
    deployedStack();
    secretsManager();
    sm.on(ListSecretVersionIdsCommand, { SecretId: API_KEY_ARN }).resolves({ Versions: [{ VersionId: 'v2', VersionStages: ['AWSCURRENT'], CreatedDate: new Date('2026-11-21T00:00:00Z') }] });
    const r = await runCheck(DOCTOR_CHECKS, 'secrets/placeholder', ctx());
    expect(r).toMatchObject({ status: 'pass', summary: '2 application secrets set; not deployed yet: STRIPE_TOKEN' });
  });
  test('a deleted secret fails secrets/exist; the placeholder check still names the placeholders', async () => {
    deployedStack();
    secretsManager();
    sm.on(DescribeSecretCommand, { SecretId: SESSION_ARN }).rejects(new ResourceNotFoundException({ $metadata: { httpStatusCode: 400 }, message: "Secrets Manager can't find the specified secret." }));
    const c = ctx();
    const [exist, placeholder] = await runChecks([secretsExistCheck, placeholderSecretsCheck], c);
    expect(exist).toMatchObject({ status: 'fail', summary: 'SESSION_SECRET (deleted): the environment cannot read it' });
    expect(exist.fix).toContain('restore-secret');
    expect(placeholder).toMatchObject({ status: 'fail', summary: '1 of 3 application secrets still holds the random placeholder: API_KEY' });
    // one set of calls for both checks
    expect(sm.commandCalls(DescribeSecretCommand)).toHaveLength(2);
  });
  test('secrets/exist passes when every deployed secret has a value', async () => {
    deployedStack();
    secretsManager();
    expect(await runCheck(DOCTOR_CHECKS, 'secrets/exist', ctx())).toMatchObject({ status: 'pass', summary: '2 application secrets exist with a value' });
  });
  test('AccessDenied names the missing permission', async () => {
    deployedStack();
    sm.on(DescribeSecretCommand).rejects(accessDenied('secretsmanager:DescribeSecret'));
    const r = await runCheck(DOCTOR_CHECKS, 'secrets/placeholder', ctx());
    expect(r.status).not.toBe('pass');
    expect(`${r.summary} ${r.fix}`).toContain('secretsmanager:DescribeSecret');
  });
  test('skips a stack without application secrets, or not deployed', async () => {
    expect((await runCheck(DOCTOR_CHECKS, 'secrets/placeholder', doctorContext(loadPlan('ecs-single'), testClients(), ACCOUNT, REGION))).status).toBe('skip');
    cfn.on(DescribeStacksCommand).rejects(Object.assign(new Error('Stack with id shop-dev does not exist'), { name: 'ValidationError', $metadata: { httpStatusCode: 400 } }));
    expect((await runCheck(DOCTOR_CHECKS, 'secrets/placeholder', ctx())).summary).toBe('the stack is not deployed');
  });
});

describe('setting a value', () => {
  const VALUE = 'sk_live_51NzQx7Secret-Value-That-Must-Not-Leak';
  const placeholder = { name: 'API_KEY', logicalId: 'AppSecretsAPIKEY5F1E2D3C', arn: API_KEY_ARN, state: 'placeholder' as const };
  test('PutSecretValue with the ARN and the value, nothing else', async () => {
    sm.on(PutSecretValueCommand).resolves({ ARN: API_KEY_ARN, Name: 'AppSecretsAPIKEY5F1E2D3C-xYz', VersionId: '5f0c3a4e-2222-4b6c-8d9e-000000000002', VersionStages: ['AWSCURRENT'] });
    expect(await putAppSecret(testClients(), placeholder, VALUE)).toEqual({ versionId: '5f0c3a4e-2222-4b6c-8d9e-000000000002' });
    expect(sm.commandCalls(PutSecretValueCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: API_KEY_ARN, SecretString: VALUE }]);
  });
  test('AccessDenied: the error names the permission and never the value', async () => {
    sm.on(PutSecretValueCommand).rejects(accessDenied('secretsmanager:PutSecretValue'));
    const e = await putAppSecret(testClients(), placeholder, VALUE).catch((x) => x);
    expect(e.name).toBe('AccessDeniedException');
    expect(e.message).toContain('secretsmanager:PutSecretValue');
    expect(JSON.stringify({ ...e, message: e.message, stack: e.stack })).not.toContain(VALUE);
  });
  test('a secret not deployed, or deleted, is refused before any call', async () => {
    const e1 = await putAppSecret(testClients(), { ...placeholder, arn: undefined, state: 'not-deployed' }, VALUE).catch((x) => x);
    expect(e1.code).toBe('secrets/not-deployed');
    const e2 = await putAppSecret(testClients(), { ...placeholder, state: 'missing', deletionDate: new Date('2026-12-01T00:00:00Z') }, VALUE).catch((x) => x);
    expect(e2.fix).toBe(`restore it first: aws secretsmanager restore-secret --secret-id ${API_KEY_ARN}`);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });
  test('restart: RestartAppServer, then wait until Ready', async () => {
    eb.on(RestartAppServerCommand).resolves({});
    eb.on(DescribeEventsCommand).resolves({ Events: [{ EventDate: new Date('2026-11-23T12:00:05Z'), Severity: 'INFO', Message: 'restartAppServer is starting.' }] });
    eb.on(DescribeEnvironmentsCommand).resolvesOnce({ Environments: [{ EnvironmentName: 'shop-dev', Status: 'Updating' }] }).resolves({ Environments: [{ EnvironmentName: 'shop-dev', Status: 'Ready', Health: 'Green' }] });
    const log: string[] = [];
    await restartForSecrets(testClients(), 'shop-dev', { log: (l) => log.push(l), sleep: async () => undefined });
    expect(eb.commandCalls(RestartAppServerCommand)[0].args[0].input).toEqual({ EnvironmentName: 'shop-dev' });
    expect(log[0]).toBe('restarting the application servers of shop-dev so they read the new values');
    expect(log).toContain('  2026-11-23T12:00:05.000Z INFO restartAppServer is starting.');
    expect(log[log.length - 1]).toMatch(/^ {2}shop-dev is Ready \(\d+ s\)$/);
  });
  test('restart refused by Elastic Beanstalk (environment busy) is passed on', async () => {
    eb.on(RestartAppServerCommand).rejects(Object.assign(new Error('Environment named shop-dev is in an invalid state for this operation. Must be Ready.'), { name: 'InvalidParameterValue', $metadata: { httpStatusCode: 400 } }));
    await expect(restartForSecrets(testClients(), 'shop-dev', { log: () => undefined, sleep: async () => undefined })).rejects.toThrow(/invalid state/);
  });
});

describe('values: stdin, files, env files', () => {
  test('one trailing newline is dropped; empty, binary and oversized values are refused without quoting them', () => {
    expect(secretValueFrom(Buffer.from('s3cr3t\n'), 'stdin')).toBe('s3cr3t');
    expect(secretValueFrom(Buffer.from('s3cr3t\r\n'), 'stdin')).toBe('s3cr3t');
    expect(secretValueFrom(Buffer.from('two\nlines\n\n'), 'stdin')).toBe('two\nlines\n');
    expect(() => secretValueFrom(Buffer.from('\n'), 'stdin')).toThrow('stdin: the value is empty');
    expect(() => secretValueFrom(Buffer.from([0xff, 0xfe, 0x00]), 'f.bin')).toThrow('f.bin: the value is not UTF-8 text');
    const big = secretValueFromError(Buffer.alloc(70_000, 'a'));
    expect(big.message).toBe('stdin: the value has 70000 bytes; Secrets Manager stores at most 65536');
  });
  test('an env file: compose .env syntax, quotes, comments; nothing interpolated', () => {
    const text = "# app secrets\nAPI_KEY=sk_live_abc\nexport SESSION_SECRET='pa$$ word # not a comment'\nSTRIPE_TOKEN=\"tok\\nline2\" # comment\n";
    expect(secretsFromEnvFile(text, '/p/secrets.env')).toEqual([
      { name: 'API_KEY', value: 'sk_live_abc', line: 2 },
      { name: 'SESSION_SECRET', value: 'pa$$ word # not a comment', line: 3 },
      { name: 'STRIPE_TOKEN', value: 'tok\nline2', line: 4 },
    ]);
  });
  test('a $ outside single quotes is refused rather than stored changed', () => {
    const e = errorOf(() => secretsFromEnvFile('API_KEY=ab$cdef\n', '/p/secrets.env'));
    expect(e.code).toBe('secrets/env-file-variable');
    expect(e.message).not.toContain('cdef');
  });
  test('a syntax error keeps file, line and column but never the line', () => {
    const e = errorOf(() => secretsFromEnvFile('API_KEY=fine\nSESSION_SECRET="unterminated-hunter2\n', '/p/secrets.env'));
    expect(e.code).toBe('secrets/env-file-syntax');
    expect(e.location).toMatchObject({ file: '/p/secrets.env', line: 2 });
    expect(`${e.message} ${e.fix}`).not.toContain('hunter2');
    const e2 = errorOf(() => secretsFromEnvFile('bad name hunter2=x\n', '/p/secrets.env'));
    expect(e2.message).not.toContain('hunter2');
  });
  test('an empty value or an empty file is refused', () => {
    expect(errorOf(() => secretsFromEnvFile('API_KEY=\n', '/p/s.env')).message).toBe('/p/s.env:1: API_KEY: the value is empty');
    expect(errorOf(() => secretsFromEnvFile('# nothing\n', '/p/s.env')).code).toBe('secrets/env-file-empty');
  });
  test('an unknown name is refused with the closest known one', () => {
    const e = errorOf(() => checkSecretNames(['API_KYE'], ['API_KEY', 'SESSION_SECRET'], '/p/s.env:3'));
    expect(e.message).toBe('/p/s.env:3: the stack has no application secret named API_KYE');
    expect(e.fix).toBe('did you mean API_KEY? the stack expects: API_KEY, SESSION_SECRET');
    expect(() => checkSecretNames(['API_KEY'], ['API_KEY'], 'stdin')).not.toThrow();
  });
});

function errorOf(fn: () => unknown): { code: string; message: string; fix?: string; location?: unknown } {
  try {
    fn();
  } catch (e) {
    expect(isUserError(e)).toBe(true);
    return e as never;
  }
  throw new Error('expected a user error');
}

function secretValueFromError(data: Buffer): { message: string } {
  return errorOf(() => secretValueFrom(data, 'stdin'));
}
