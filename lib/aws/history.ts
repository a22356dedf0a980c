/**
 * Deployment history in Elastic Beanstalk itself: `beanstack deploy` writes its record
 * (history-record.ts) into the tags and description of the application version it shipped;
 * `beanstack history` reads every version of the stage's application with its record; `beanstack
 * rollback --to` finds a version by label or commit.
 */
import {
  DescribeApplicationVersionsCommand,
  DescribeEnvironmentsCommand,
  ListTagsForResourceCommand,
  UpdateApplicationVersionCommand,
  UpdateTagsForResourceCommand,
} from '@aws-sdk/client-elastic-beanstalk';
import { BeanstackError } from '../errors';
import type { AwsClients } from './clients';
import { DeployedStack, physicalIds } from './deployed';
import * as path from 'path';
import { AssemblyReader, bundleImages, composeFilesFromAssembly, DeploymentRecord, pinnedDigest, recordDescription, recordFromTags, recordTags } from './history-record';
import { applicationVersions } from './rollback';
import { partitionOf, StackPlan } from './stack-plan';

/** Where the history of a stage lives. */
export interface HistoryTarget {
  readonly applicationName: string;
  readonly environmentName: string;
  /** The version label the environment runs. */
  readonly runningLabel?: string;
  /** The version the deployed stack names (what the last `cdk deploy` shipped). */
  readonly stackLabel?: string;
  /** For version ARNs the API does not return (records are written only with it). */
  readonly account?: string;
  readonly region: string;
}

export interface HistoryEntry {
  readonly label: string;
  readonly created?: Date;
  /** Elastic Beanstalk's processing status (Processed, Unprocessed, Failed, ...). */
  readonly status?: string;
  readonly description?: string;
  /** What beanstack deploy recorded; undefined for versions it did not record. */
  readonly record?: DeploymentRecord;
  /** The environment runs this version. */
  readonly running: boolean;
}

/** What the deploy knows about itself, gathered by the CLI (git, the docker engine, the package). */
export interface RecordInputs {
  readonly commit?: string;
  readonly dirty?: boolean;
  readonly beanstackVersion: string;
  readonly now: Date;
  /** The registry digest of an image reference, when it can be known. */
  readonly digest: (ref: string) => Promise<string | undefined>;
}

/**
 * The record of deploying this assembly: the images of the bundle the stack ships (with their
 * digests), the compose files' hashes the CDK app put into the stack's metadata, git and versions.
 */
export async function deploymentRecord(plan: StackPlan, read: AssemblyReader, inputs: RecordInputs): Promise<DeploymentRecord> {
  const key = plan.environments[0]?.sourceBundleKey;
  const refs = key ? bundleImages(path.join(plan.assemblyDir, `asset.${key.replace(/\.zip$/, '')}`), read) : [];
  const images = [];
  for (const i of refs) {
    const digest = pinnedDigest(i.ref) ?? await inputs.digest(i.ref);
    images.push(digest ? { ...i, digest } : i);
  }
  return {
    ...(inputs.commit !== undefined ? { commit: inputs.commit } : {}),
    ...(inputs.dirty !== undefined ? { dirty: inputs.dirty } : {}),
    beanstackVersion: inputs.beanstackVersion,
    deployedAt: inputs.now.toISOString(),
    images,
    composeFiles: composeFilesFromAssembly(plan.assemblyDir, plan.artifactId, read),
  };
}

/** The stage's environment and application, from the deployed stack (one environment per stack). */
export async function historyTarget(clients: AwsClients, plan: StackPlan, stack: DeployedStack, account: string): Promise<HistoryTarget> {
  const ids = physicalIds(stack);
  const names = plan.environments.map((e) => ids.get(e.logicalId)).filter((n): n is string => n !== undefined);
  if (names.length !== 1) {
    throw new BeanstackError(`stack ${plan.stackName} has ${names.length} Elastic Beanstalk environments`, {
      code: 'aws/which-environment',
      fix: names.length === 0 ? 'deploy the stack first (beanstack deploy)' : 'beanstack history reads stacks with one environment (ComposeApplication creates one)',
    });
  }
  const versionLogicalId = plan.environments[0].versionLogicalId;
  return environmentTarget(clients, names[0], { account, stackLabel: versionLogicalId ? ids.get(versionLogicalId) : undefined });
}

/** The history target of an environment named directly (`rollback --environment`). */
export async function environmentTarget(clients: AwsClients, environmentName: string, o: { readonly account?: string; readonly stackLabel?: string } = {}): Promise<HistoryTarget> {
  const out = await clients.elasticbeanstalk.send(new DescribeEnvironmentsCommand({ EnvironmentNames: [environmentName], IncludeDeleted: false }));
  const env = (out.Environments ?? []).find((e) => e.Status !== 'Terminated');
  if (!env?.ApplicationName) {
    throw new BeanstackError(`there is no environment named ${environmentName}`, { code: 'aws/no-environment', fix: 'it was terminated outside CloudFormation (beanstack deploy recreates it), or check --environment and the region' });
  }
  return {
    applicationName: env.ApplicationName,
    environmentName,
    runningLabel: env.VersionLabel,
    ...(o.stackLabel !== undefined ? { stackLabel: o.stackLabel } : {}),
    ...(o.account !== undefined ? { account: o.account } : {}),
    region: clients.region,
  };
}

function versionArn(t: HistoryTarget, label: string): string | undefined {
  return t.account === undefined ? undefined : `arn:${partitionOf(t.region)}:elasticbeanstalk:${t.region}:${t.account}:applicationversion/${t.applicationName}/${label}`;
}

/**
 * Writes the record into the tags and description of the version the stack names. A version that
 * already carries a record is left alone (an unchanged app: CloudFormation kept the version, which
 * was recorded when it was first deployed). Resolves to the line to log.
 */
export async function recordDeployment(clients: AwsClients, t: HistoryTarget, record: DeploymentRecord): Promise<string> {
  const label = t.stackLabel;
  const arn = label ? versionArn(t, label) : undefined;
  if (!label || !arn) return 'the stack names no application version: nothing to record';
  const existing = await clients.elasticbeanstalk.send(new ListTagsForResourceCommand({ ResourceArn: arn }));
  const before = recordFromTags(existing.ResourceTags ?? []);
  if (before) {
    return `${label} is unchanged since its deploy of ${before.deployedAt}${before.commit ? ` (commit ${before.commit.slice(0, 12)})` : ''}: its record stays`;
  }
  const described = await clients.elasticbeanstalk.send(new DescribeApplicationVersionsCommand({ ApplicationName: t.applicationName, VersionLabels: [label] }));
  const previous = described.ApplicationVersions?.[0]?.Description;
  await clients.elasticbeanstalk.send(new UpdateTagsForResourceCommand({ ResourceArn: arn, TagsToAdd: recordTags(record) }));
  await clients.elasticbeanstalk.send(new UpdateApplicationVersionCommand({ ApplicationName: t.applicationName, VersionLabel: label, Description: recordDescription(record, previous) }));
  const git = record.commit ? `commit ${record.commit.slice(0, 12)}${record.dirty ? ' (dirty)' : ''}` : 'no git commit';
  const digests = record.images.filter((i) => i.digest).length;
  return `recorded ${label}: ${git}, beanstack ${record.beanstackVersion}, ${record.images.length} image${record.images.length === 1 ? '' : 's'} (${digests} with a digest), ${record.composeFiles.length} compose file hash${record.composeFiles.length === 1 ? '' : 'es'}`;
}

/** Every version of the application, newest first, with its record and whether it runs. */
export async function deploymentHistory(clients: AwsClients, t: HistoryTarget): Promise<HistoryEntry[]> {
  const versions = await applicationVersions(clients, t.applicationName);
  const entries: HistoryEntry[] = [];
  for (const v of versions) {
    if (!v.VersionLabel) continue;
    const arn = v.ApplicationVersionArn ?? versionArn(t, v.VersionLabel);
    const tags = arn ? (await clients.elasticbeanstalk.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).ResourceTags ?? [] : [];
    entries.push({
      label: v.VersionLabel,
      created: v.DateCreated,
      status: v.Status,
      description: v.Description,
      record: recordFromTags(tags),
      running: v.VersionLabel === t.runningLabel,
    });
  }
  return entries.sort((a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

/**
 * The entry `to` names: a version label, else a commit (at least 7 hex digits, a prefix of the
 * recorded commit; the newest version of that commit). A user error lists what there is.
 */
export function findEntry(entries: readonly HistoryEntry[], to: string): HistoryEntry {
  const byLabel = entries.find((e) => e.label === to);
  if (byLabel) return byLabel;
  const known = entries.filter((e) => e.record?.commit).map((e) => `${e.record!.commit!.slice(0, 12)} (${e.label})`);
  if (!/^[0-9a-f]{7,40}$/i.test(to)) {
    throw new BeanstackError(`no application version is labelled '${to}'`, {
      code: 'history/no-version',
      fix: entries.length === 0 ? 'the application has no version yet' : `pass a label or a commit (7+ hex digits) from beanstack history, e.g. ${entries.slice(0, 3).map((e) => e.label).join(', ')}`,
    });
  }
  const byCommit = entries.filter((e) => e.record?.commit?.toLowerCase().startsWith(to.toLowerCase()));
  if (byCommit.length === 0) {
    throw new BeanstackError(`no recorded deployment of commit ${to}`, {
      code: 'history/no-commit',
      fix: known.length === 0 ? 'no version has a beanstack record yet (versions deployed before beanstack recorded history): pass a label' : `recorded commits: ${known.slice(0, 5).join(', ')}${known.length > 5 ? ', ...' : ''}`,
    });
  }
  return byCommit[0];
}
