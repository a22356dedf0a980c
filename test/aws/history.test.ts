/**
 * Deployment history: the record (tags and description of the application version), writing it
 * after a deploy, reading it back per stage, finding a version by label or commit — against
 * Elastic Beanstalk answers shaped as the SDK returns them, in pass, fail and AccessDenied.
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
  UpdateApplicationVersionCommand,
  UpdateTagsForResourceCommand,
} from '@aws-sdk/client-elastic-beanstalk';
import { mockClient } from 'aws-sdk-client-mock';
import { describeDeployedStack } from '../../lib/aws/deployed';
import { deploymentHistory, deploymentRecord, environmentTarget, findEntry, HistoryTarget, historyTarget, recordDeployment } from '../../lib/aws/history';
import {
  bundleImages,
  COMPOSE_FILES_METADATA,
  composeFileHashes,
  composeFilesFromAssembly,
  DeploymentRecord,
  recordDescription,
  recordFromTags,
  recordTags,
} from '../../lib/aws/history-record';
import { digestFromRepoDigests, localImageDigest, repositoryOf } from '../../lib/local/image-digest';
import { isUserError } from '../../lib/errors';
import { denied, loadPlan, testClients } from './helpers';

const eb = mockClient(ElasticBeanstalkClient);
const cfn = mockClient(CloudFormationClient);

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const ECR = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/cdk-hnb659fds-container-assets-${ACCOUNT}-${REGION}`;
const HASH = (c: string) => c.repeat(64);
const DIGEST = (c: string) => `sha256:${c.repeat(64)}`;
const LABEL = 'shop-dev-appversion592a4adc-q1w2e3r4t5y6';
const COMMIT = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';

const RECORD: DeploymentRecord = {
  commit: COMMIT,
  dirty: true,
  beanstackVersion: '0.1.0',
  deployedAt: '2026-11-23T12:00:00.000Z',
  images: [
    { name: 'api', ref: `${ECR}:${HASH('a')}`, digest: DIGEST('1') },
    { name: 'redis', ref: 'redis:7.4-alpine' },
  ],
  composeFiles: [
    { file: 'docker-compose.yml', sha256: HASH('c') },
    { file: 'docker-compose.prod.yml', sha256: HASH('d') },
  ],
};

beforeEach(() => {
  eb.reset();
  cfn.reset();
});

describe('the record in tags and description', () => {
  test('tags: commit, dirty, version, time, one per image (ref@digest or the tag alone) and per compose file', () => {
    expect(recordTags(RECORD)).toEqual([
      { Key: 'beanstack:commit', Value: COMMIT },
      { Key: 'beanstack:dirty', Value: 'true' },
      { Key: 'beanstack:version', Value: '0.1.0' },
      { Key: 'beanstack:deployed-at', Value: '2026-11-23T12:00:00.000Z' },
      { Key: 'beanstack:image:api', Value: `${ECR}:${HASH('a')}@${DIGEST('1')}` },
      { Key: 'beanstack:image:redis', Value: 'redis:7.4-alpine' },
      { Key: 'beanstack:compose:docker-compose.yml', Value: HASH('c') },
      { Key: 'beanstack:compose:docker-compose.prod.yml', Value: HASH('d') },
    ]);
  });
  test('read back, the record is the same (order of tags does not matter)', () => {
    const back = recordFromTags([...recordTags(RECORD)].reverse());
    expect(back).toEqual({ ...RECORD, images: [...RECORD.images], composeFiles: [...RECORD.composeFiles].sort((a, b) => (a.file < b.file ? -1 : 1)) });
    expect(recordFromTags([{ Key: 'team', Value: 'shop' }])).toBeUndefined();
    expect(recordFromTags(recordTags({ ...RECORD, commit: undefined, dirty: undefined }))).toMatchObject({ beanstackVersion: '0.1.0' });
    expect(recordFromTags(recordTags({ ...RECORD, commit: undefined, dirty: undefined }))!.commit).toBeUndefined();
  });
  test('within the limits: 50 tags, 128-character keys, allowed characters only', () => {
    const many: DeploymentRecord = {
      ...RECORD,
      images: Array.from({ length: 40 }, (_, i) => ({ name: `svc${String(i).padStart(2, '0')}`, ref: `nginx:1.${i}` })),
      composeFiles: Array.from({ length: 20 }, (_, i) => ({ file: `deploy/${'very-long-directory-name/'.repeat(6)}compose #${i}.yml`, sha256: HASH('e') })),
    };
    const tags = recordTags(many);
    expect(tags).toHaveLength(50);
    expect(tags[tags.length - 1]).toEqual({ Key: 'beanstack:truncated', Value: '15' });
    for (const t of tags) {
      expect(t.Key.length).toBeLessThanOrEqual(128);
      expect(t.Value.length).toBeLessThanOrEqual(256);
      expect(t.Key).toMatch(/^[\p{L}\p{N} _.:/=+\-@]+$/u);
    }
    expect(recordFromTags(tags)!.truncated).toBe(15);
  });
  test('description: after what CloudFormation wrote, at most 200 characters', () => {
    expect(recordDescription(RECORD, 'bundle 361968a7f2af')).toBe('bundle 361968a7f2af · git 1a2b3c4d5e6f (dirty), beanstack 0.1.0, 2 images');
    expect(recordDescription({ ...RECORD, commit: undefined }, undefined)).toBe('no git commit, beanstack 0.1.0, 2 images');
    expect(recordDescription(RECORD, 'x'.repeat(199)).length).toBeLessThanOrEqual(200);
  });
});

describe('what a deploy records', () => {
  const files = (entries: Record<string, string>) => (f: string) => entries[f];
  test('images of a Dockerrun v2, v1 or a production compose bundle', () => {
    const v2 = JSON.stringify({ AWSEBDockerrunVersion: 2, containerDefinitions: [{ name: 'web', image: `${ECR}:${HASH('b')}` }, { name: 'api', image: `${ECR}:${HASH('a')}` }] });
    expect(bundleImages('/b', files({ '/b/Dockerrun.aws.json': v2 }))).toEqual([{ name: 'api', ref: `${ECR}:${HASH('a')}` }, { name: 'web', ref: `${ECR}:${HASH('b')}` }]);
    expect(bundleImages('/b', files({ '/b/Dockerrun.aws.json': JSON.stringify({ AWSEBDockerrunVersion: '1', Image: { Name: 'nginx:1.27' } }) }))).toEqual([{ name: 'app', ref: 'nginx:1.27' }]);
    expect(bundleImages('/b', files({ '/b/docker-compose.yml': 'services:\n  web:\n    image: nginx:1.27\n  worker:\n    image: redis@sha256:' + '5'.repeat(64) + '\n' })))
      .toEqual([{ name: 'web', ref: 'nginx:1.27' }, { name: 'worker', ref: `redis@sha256:${'5'.repeat(64)}` }]);
    expect(bundleImages('/b', files({}))).toEqual([]);
  });
  test('compose hashes: sha256 of the bytes, relative paths; read back from the stack metadata file or the manifest', () => {
    const hashes = composeFileHashes(['/p/docker-compose.yml', '/p/deploy/prod.yml'], '/p', (f) => Buffer.from(f === '/p/docker-compose.yml' ? 'services: {}\n' : ''));
    expect(hashes).toEqual([
      { file: 'docker-compose.yml', sha256: 'fa6ccea1ca4e3a031d9e99f25cc05db803aa9bac642c000ddab14f6d9da54b52' }, // sha256sum of the same bytes
      { file: 'deploy/prod.yml', sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
    ]);
    const manifest = { artifacts: { 'shop-dev': { type: 'aws:cloudformation:stack', additionalMetadataFile: 'shop-dev.metadata.json' } } };
    const metadata = { '/shop-dev': [{ type: 'aws:cdk:creationStack', data: [] }, { type: COMPOSE_FILES_METADATA, data: hashes }] };
    expect(composeFilesFromAssembly('/a', 'shop-dev', files({ '/a/manifest.json': JSON.stringify(manifest), '/a/shop-dev.metadata.json': JSON.stringify(metadata) }))).toEqual(hashes);
    const inline = { artifacts: { 'shop-dev': { metadata } } };
    expect(composeFilesFromAssembly('/a', 'shop-dev', files({ '/a/manifest.json': JSON.stringify(inline) }))).toEqual(hashes);
    expect(composeFilesFromAssembly('/a', 'other', files({ '/a/manifest.json': JSON.stringify(inline) }))).toEqual([]);
  });
  test('deploymentRecord: the bundle the stack ships, digests from the engine or the reference, git and versions', async () => {
    const plan = loadPlan('ecs-single');
    const bundle = path.join(plan.assemblyDir, `asset.${plan.environments[0].sourceBundleKey!.replace(/\.zip$/, '')}`);
    const v2 = JSON.stringify({ containerDefinitions: [{ name: 'api', image: `${ECR}:${HASH('a')}` }, { name: 'cache', image: `redis@${DIGEST('9')}` }, { name: 'proxy', image: 'nginx:1.27' }] });
    const asked: string[] = [];
    const record = await deploymentRecord(plan, (f) => (f === path.join(bundle, 'Dockerrun.aws.json') ? v2 : fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined), {
      commit: COMMIT, dirty: false, beanstackVersion: '0.1.0', now: new Date('2026-11-23T12:00:00Z'),
      digest: async (ref) => { asked.push(ref); return ref.startsWith(ECR) ? DIGEST('1') : undefined; },
    });
    expect(record).toEqual({
      commit: COMMIT, dirty: false, beanstackVersion: '0.1.0', deployedAt: '2026-11-23T12:00:00.000Z',
      images: [
        { name: 'api', ref: `${ECR}:${HASH('a')}`, digest: DIGEST('1') },
        { name: 'cache', ref: `redis@${DIGEST('9')}`, digest: DIGEST('9') },
        { name: 'proxy', ref: 'nginx:1.27' },
      ],
      composeFiles: [],
    });
    expect(asked).toEqual([`${ECR}:${HASH('a')}`, 'nginx:1.27']); // a pinned reference needs no engine
  });
});

describe('image digests from the local engine', () => {
  test('the digest of the reference\'s own repository', () => {
    expect(repositoryOf(`${ECR}:${HASH('a')}`)).toBe(ECR);
    expect(repositoryOf('localhost:5000/app')).toBe('localhost:5000/app');
    expect(repositoryOf(`redis:7@${DIGEST('2')}`)).toBe('redis');
    expect(digestFromRepoDigests(`${ECR}:${HASH('a')}`, [`other/repo@${DIGEST('3')}`, `${ECR}@${DIGEST('1')}`])).toBe(DIGEST('1'));
    expect(digestFromRepoDigests('nginx:1.27', [])).toBeUndefined();
  });
  test('through the docker CLI (a stand-in script); no engine or no image → undefined', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-docker-'));
    try {
      const docker = path.join(dir, 'docker');
      fs.writeFileSync(docker, `#!/bin/sh\nif [ "$5" = "${ECR}:${HASH('a')}" ]; then echo '["${ECR}@${DIGEST('1')}"]'; exit 0; fi\necho "Error: No such image: $5" >&2\nexit 1\n`, { mode: 0o755 });
      expect(await localImageDigest(`${ECR}:${HASH('a')}`, { env: process.env, docker })).toBe(DIGEST('1'));
      expect(await localImageDigest('nginx:1.27', { env: process.env, docker })).toBeUndefined();
      expect(await localImageDigest('nginx:1.27', { env: process.env, docker: path.join(dir, 'missing') })).toBeUndefined();
      expect(await localImageDigest('--help', { env: process.env, docker })).toBeUndefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

const target: HistoryTarget = { applicationName: 'shop-dev', environmentName: 'shop-dev', runningLabel: LABEL, stackLabel: LABEL, account: ACCOUNT, region: REGION };
const ARN = `arn:aws:elasticbeanstalk:${REGION}:${ACCOUNT}:applicationversion/shop-dev/${LABEL}`;

describe('recording after a deploy', () => {
  test('a new version: its tags and its description', async () => {
    eb.on(ListTagsForResourceCommand).resolves({ ResourceArn: ARN, ResourceTags: [] });
    eb.on(DescribeApplicationVersionsCommand).resolves({ ApplicationVersions: [{ ApplicationName: 'shop-dev', VersionLabel: LABEL, Description: 'bundle 361968a7f2af', Status: 'Processed' }] });
    eb.on(UpdateTagsForResourceCommand).resolves({});
    eb.on(UpdateApplicationVersionCommand).resolves({});
    const line = await recordDeployment(testClients(), target, RECORD);
    expect(line).toBe(`recorded ${LABEL}: commit 1a2b3c4d5e6f (dirty), beanstack 0.1.0, 2 images (1 with a digest), 2 compose file hashes`);
    expect(eb.commandCalls(UpdateTagsForResourceCommand)[0].args[0].input).toEqual({ ResourceArn: ARN, TagsToAdd: recordTags(RECORD) });
    expect(eb.commandCalls(UpdateApplicationVersionCommand)[0].args[0].input).toEqual({
      ApplicationName: 'shop-dev', VersionLabel: LABEL, Description: 'bundle 361968a7f2af · git 1a2b3c4d5e6f (dirty), beanstack 0.1.0, 2 images',
    });
  });
  test('an unchanged app (the version already has its record) is left alone', async () => {
    eb.on(ListTagsForResourceCommand).resolves({ ResourceArn: ARN, ResourceTags: recordTags({ ...RECORD, deployedAt: '2026-11-20T09:00:00.000Z' }) });
    const line = await recordDeployment(testClients(), target, RECORD);
    expect(line).toBe(`${LABEL} is unchanged since its deploy of 2026-11-20T09:00:00.000Z (commit 1a2b3c4d5e6f): its record stays`);
    expect(eb.commandCalls(UpdateTagsForResourceCommand)).toHaveLength(0);
  });
  test('AccessDenied on the tags: the error names the action', async () => {
    eb.on(ListTagsForResourceCommand).resolves({ ResourceArn: ARN, ResourceTags: [] });
    eb.on(DescribeApplicationVersionsCommand).resolves({ ApplicationVersions: [] });
    eb.on(UpdateTagsForResourceCommand).rejects(denied.eb('elasticbeanstalk:AddTags'));
    await expect(recordDeployment(testClients(), target, RECORD)).rejects.toThrow(/elasticbeanstalk:AddTags/);
    expect(eb.commandCalls(UpdateApplicationVersionCommand)).toHaveLength(0);
  });
});

const version = (label: string, created: string, status = 'Processed') => ({
  ApplicationName: 'shop-dev', VersionLabel: label, DateCreated: new Date(created), Status: status as 'Processed',
  ApplicationVersionArn: `arn:aws:elasticbeanstalk:${REGION}:${ACCOUNT}:applicationversion/shop-dev/${label}`,
  Description: `bundle ${label}`, SourceBundle: { S3Bucket: `cdk-hnb659fds-assets-${ACCOUNT}-${REGION}`, S3Key: `${label}.zip` },
});

function threeVersions(): void {
  eb.on(DescribeApplicationVersionsCommand)
    .resolvesOnce({ ApplicationVersions: [version('v3', '2026-11-22T10:00:00Z'), version('v1-console', '2026-11-10T10:00:00Z')], NextToken: 'p2' })
    .resolves({ ApplicationVersions: [version('v2', '2026-11-21T10:00:00Z')] });
  eb.on(ListTagsForResourceCommand, { ResourceArn: version('v3', '2026-11-22T10:00:00Z').ApplicationVersionArn }).resolves({ ResourceTags: recordTags({ ...RECORD, commit: 'ffff000011112222333344445555666677778888', dirty: false }) });
  eb.on(ListTagsForResourceCommand, { ResourceArn: version('v2', '2026-11-21T10:00:00Z').ApplicationVersionArn }).resolves({ ResourceTags: recordTags(RECORD) });
  eb.on(ListTagsForResourceCommand, { ResourceArn: version('v1-console', '2026-11-10T10:00:00Z').ApplicationVersionArn }).resolves({ ResourceTags: [] });
}

describe('history of a stage', () => {
  test('every version across pages, newest first, with its record; which one runs', async () => {
    threeVersions();
    const entries = await deploymentHistory(testClients(), { ...target, runningLabel: 'v2' });
    expect(entries.map((e) => [e.label, e.running, e.record?.commit?.slice(0, 7) ?? null])).toEqual([
      ['v3', false, 'ffff000'], ['v2', true, '1a2b3c4'], ['v1-console', false, null],
    ]);
    expect(entries[1].record).toMatchObject({ dirty: true, images: RECORD.images });
  });
  test('AccessDenied on ListTagsForResource is passed on with the action', async () => {
    threeVersions();
    eb.on(ListTagsForResourceCommand).rejects(denied.eb('elasticbeanstalk:ListTagsForResource'));
    await expect(deploymentHistory(testClients(), target)).rejects.toThrow(/elasticbeanstalk:ListTagsForResource/);
  });
  test('the target: the stack\'s one environment, its application, the running and the shipped version', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'shop-dev', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date('2026-11-01T00:00:00Z') }] });
    cfn.on(ListStackResourcesCommand).resolves({
      StackResourceSummaries: [
        { LogicalResourceId: 'AppEnvironmentE09B59F9', PhysicalResourceId: 'shop-dev', ResourceType: 'AWS::ElasticBeanstalk::Environment', ResourceStatus: 'UPDATE_COMPLETE', LastUpdatedTimestamp: new Date() },
        { LogicalResourceId: 'AppVersion592A4ADC', PhysicalResourceId: LABEL, ResourceType: 'AWS::ElasticBeanstalk::ApplicationVersion', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date() },
      ],
    });
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [{ EnvironmentName: 'shop-dev', ApplicationName: 'shop-dev', VersionLabel: 'v2', Status: 'Ready' }] });
    const clients = testClients();
    const stack = (await describeDeployedStack(clients, 'shop-dev'))!;
    expect(await historyTarget(clients, loadPlan('ecs-single'), stack, ACCOUNT)).toEqual({
      applicationName: 'shop-dev', environmentName: 'shop-dev', runningLabel: 'v2', stackLabel: LABEL, account: ACCOUNT, region: REGION,
    });
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [] });
    const e = await environmentTarget(clients, 'shop-dev').catch((x) => x);
    expect(e.code).toBe('aws/no-environment');
  });
});

describe('finding a version: label or commit', () => {
  test('a label, else the newest version of a commit prefix', async () => {
    threeVersions();
    const entries = await deploymentHistory(testClients(), target);
    expect(findEntry(entries, 'v1-console').label).toBe('v1-console');
    expect(findEntry(entries, '1a2b3c4').label).toBe('v2');
    expect(findEntry(entries, 'FFFF0000111').label).toBe('v3');
  });
  test('unknown label or commit: a user error listing what there is', async () => {
    threeVersions();
    const entries = await deploymentHistory(testClients(), target);
    const e1 = userError(() => findEntry(entries, 'v9'));
    expect(isUserError(e1)).toBe(true);
    expect(e1.code).toBe('history/no-version');
    expect(e1.fix).toContain('v3, v2, v1-console');
    const e2 = userError(() => findEntry(entries, 'abcdef0'));
    expect(e2.code).toBe('history/no-commit');
    expect(e2.fix).toBe('recorded commits: ffff00001111 (v3), 1a2b3c4d5e6f (v2)');
  });
});

function userError(fn: () => unknown): { code: string; fix: string } {
  try {
    fn();
  } catch (e) {
    return e as { code: string; fix: string };
  }
  throw new Error('expected an error');
}
