/**
 * The deployed templates of stacks, read from CloudFormation (`GetTemplate`, stage `Original`): the
 * base of `beanstack diff --live`. Credentials come from the SDK's default chain, resolved once with
 * a time limit; a stack that is not deployed has no template (everything in it is new).
 */
import { CloudFormationClient, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { BeanstackError } from '../errors';
import { defaultCredentialChain, resolveWithin } from './session';

/** A stack whose deployed template is wanted. */
export interface DeployedStackRef {
  /** Artifact id (the key of the result). */
  readonly id: string;
  /** CloudFormation stack name. @default - the id */
  readonly stackName?: string;
  /** Shown in messages. */
  readonly displayName: string;
  /** @default - `DeployedTemplatesOptions.region` */
  readonly region?: string;
}

export interface DeployedTemplatesOptions {
  /** Region of stacks that have none (`--region`, then AWS_REGION / AWS_DEFAULT_REGION); @default - the SDK's */
  readonly region?: string;
  /** How long resolving credentials may take, in milliseconds. @default 5000 */
  readonly credentialTimeoutMs?: number;
  /** The credential provider (tests). @default - the SDK's default chain */
  readonly provider?: AwsCredentialIdentityProvider;
}

/**
 * The deployed template of each stack, by id; stacks that do not exist are left out. Missing
 * credentials and failed reads are user errors that say how to fix them.
 */
export async function readDeployedTemplates(stacks: readonly DeployedStackRef[], options: DeployedTemplatesOptions = {}): Promise<Map<string, Record<string, unknown>>> {
  const provider = options.provider ?? await defaultCredentialChain();
  try {
    await resolveWithin(provider, options.credentialTimeoutMs ?? 5000);
  } catch (e) {
    throw new BeanstackError(`--live needs AWS credentials, and none were found (${((e as Error)?.message ?? String(e)).split('\n')[0]})`, {
      code: 'review/no-credentials',
      fix: 'configure credentials (AWS_PROFILE, or an OIDC role in CI), or review offline with --base-ref origin/main / --base DIR',
    });
  }
  const out = new Map<string, Record<string, unknown>>();
  for (const s of stacks) {
    const client = new CloudFormationClient({ region: s.region ?? options.region, credentials: provider });
    let body: string | undefined;
    try {
      body = (await client.send(new GetTemplateCommand({ StackName: s.stackName ?? s.id, TemplateStage: 'Original' }))).TemplateBody;
    } catch (e) {
      if (!/does not exist/.test((e as Error).message)) {
        throw new BeanstackError(`reading the deployed template of ${s.displayName} failed: ${(e as Error).message}`, { code: 'review/live', fix: 'check the credentials can call cloudformation:GetTemplate in the stack\'s region' });
      }
    } finally {
      client.destroy();
    }
    if (body === undefined) continue;
    out.set(s.id, await parseTemplateBody(body));
  }
  return out;
}

/** A template body as CloudFormation returns it: JSON, or YAML for stacks deployed from YAML. */
async function parseTemplateBody(body: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    const { parse } = await import('yaml');
    return parse(body) as Record<string, unknown>;
  }
}
