/**
 * The application secrets of a stack through the SDK: which ones the synthesized stack expects
 * (secrets tagged `beanstack:app-secret`), where each stands (placeholder, set, not deployed) and
 * when its value was last set — read from metadata only, never from a value — and setting a value.
 * Also the doctor check that fails while a placeholder remains. See secret-status.ts for the rule.
 */
import {
  DescribeSecretCommand,
  DescribeSecretCommandOutput,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  SecretVersionsListEntry,
} from '@aws-sdk/client-secrets-manager';
import { RestartAppServerCommand } from '@aws-sdk/client-elastic-beanstalk';
import { BeanstackError } from '../errors';
import { errorName } from './aws-errors';
import type { Check, CheckOutcome } from './check';
import type { AwsClients } from './clients';
import { DeployedStack, physicalIds } from './deployed';
import type { DoctorContext } from './doctor';
import { APP_SECRET_TAG, AppSecretState, PLACEHOLDER_CHECK_ID, placeholderState, SECRETS_EXIST_CHECK_ID } from './secret-status';
import { RollbackOptions, waitUntilReady } from './rollback';
import type { StackPlan } from './stack-plan';

/** An application secret of the synthesized stack. */
export interface PlannedAppSecret {
  /** The environment variable it fills (the tag's value). */
  readonly name: string;
  readonly logicalId: string;
}

/** Where one application secret stands; never its value. */
export interface AppSecretStatus extends PlannedAppSecret {
  readonly state: AppSecretState;
  /** The secret's ARN, once deployed. */
  readonly arn?: string;
  /** When the current value was stored (the `AWSCURRENT` version's creation). */
  readonly valueSetAt?: Date;
  /** `DescribeSecret`'s `LastChangedDate`: the last change of the value or of the metadata. */
  readonly lastChangedAt?: Date;
  /** When Secrets Manager will delete the secret (deleted outside the stack), if scheduled. */
  readonly deletionDate?: Date;
}

/** IAM actions `appSecretStatuses` calls. */
export const LIST_PERMISSIONS: readonly string[] = ['cloudformation:DescribeStacks', 'cloudformation:ListStackResources', 'secretsmanager:DescribeSecret', 'secretsmanager:ListSecretVersionIds'];

/** The application secrets of the synthesized stack, by name. */
export function plannedAppSecrets(plan: StackPlan): PlannedAppSecret[] {
  const resources = plan.template.Resources ?? {};
  const out: PlannedAppSecret[] = [];
  for (const [logicalId, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::SecretsManager::Secret') continue;
    const tags = (r.Properties?.Tags as Array<{ Key?: unknown; Value?: unknown }> | undefined) ?? [];
    const tag = tags.find((t) => t.Key === APP_SECRET_TAG);
    if (typeof tag?.Value === 'string') out.push({ name: tag.Value, logicalId });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The versions of a secret (metadata only), every page. */
async function versionsOf(clients: AwsClients, arn: string): Promise<SecretVersionsListEntry[]> {
  const versions: SecretVersionsListEntry[] = [];
  let token: string | undefined;
  do {
    const page = await clients.secretsmanager.send(new ListSecretVersionIdsCommand({ SecretId: arn, NextToken: token, MaxResults: 100 }));
    versions.push(...(page.Versions ?? []));
    token = page.NextToken;
  } while (token);
  return versions;
}

/** The state of each application secret of `plan`, in name order. `stack` is the deployed stack (undefined: not deployed). */
export async function appSecretStatuses(clients: AwsClients, plan: StackPlan, stack: DeployedStack | undefined): Promise<AppSecretStatus[]> {
  const ids = stack ? physicalIds(stack) : new Map<string, string>();
  const out: AppSecretStatus[] = [];
  for (const planned of plannedAppSecrets(plan)) {
    const arn = ids.get(planned.logicalId);
    if (!arn) {
      out.push({ ...planned, state: 'not-deployed' });
      continue;
    }
    let described: DescribeSecretCommandOutput;
    try {
      described = await clients.secretsmanager.send(new DescribeSecretCommand({ SecretId: arn }));
    } catch (e) {
      if (errorName(e) === 'ResourceNotFoundException') {
        out.push({ ...planned, arn, state: 'missing' });
        continue;
      }
      throw e;
    }
    if (described.DeletedDate) {
      out.push({ ...planned, arn, state: 'missing', deletionDate: described.DeletedDate, lastChangedAt: described.LastChangedDate });
      continue;
    }
    const versions = await versionsOf(clients, arn);
    const { state, valueSetAt } = placeholderState(described.CreatedDate, versions.map((v) => ({ versionId: v.VersionId, stages: v.VersionStages, createdDate: v.CreatedDate })));
    out.push({ ...planned, arn, state, valueSetAt, lastChangedAt: described.LastChangedDate });
  }
  return out;
}

/**
 * Stores `value` as the new current version of the secret. The value goes only into the request;
 * an error is rethrown without it (the SDK's errors never quote the request).
 */
export async function putAppSecret(clients: AwsClients, secret: AppSecretStatus, value: string): Promise<{ readonly versionId?: string }> {
  if (!secret.arn || secret.state === 'not-deployed') {
    throw new BeanstackError(`the secret ${secret.name} is not deployed yet`, { code: 'secrets/not-deployed', fix: 'run beanstack deploy first: it creates the secret (with a placeholder), then set it' });
  }
  if (secret.state === 'missing') {
    throw new BeanstackError(`the secret ${secret.name} (${secret.arn}) ${secret.deletionDate ? `is scheduled for deletion on ${secret.deletionDate.toISOString()}` : 'does not exist any more'}`, {
      code: 'secrets/missing',
      fix: secret.deletionDate
        ? `restore it first: aws secretsmanager restore-secret --secret-id ${secret.arn}`
        : 'it was deleted outside the stack: remove it from the stack and add it back (a deploy re-creates it), then set it',
    });
  }
  const out = await clients.secretsmanager.send(new PutSecretValueCommand({ SecretId: secret.arn, SecretString: value }));
  return { versionId: out.VersionId };
}

/** The physical names of the stack's Elastic Beanstalk environments. */
export function environmentNames(plan: StackPlan, stack: DeployedStack): string[] {
  const ids = physicalIds(stack);
  return plan.environments.map((e) => ids.get(e.logicalId)).filter((n): n is string => n !== undefined).sort();
}

/**
 * Restarts the application servers of an environment so the instances read the environment secrets
 * again (Elastic Beanstalk reads them at bootstrap, update and restart), and waits until it is Ready.
 */
export async function restartForSecrets(clients: AwsClients, environmentName: string, o: RollbackOptions): Promise<void> {
  const started = (o.now ?? (() => new Date()))();
  await clients.elasticbeanstalk.send(new RestartAppServerCommand({ EnvironmentName: environmentName }));
  o.log(`restarting the application servers of ${environmentName} so they read the new values`);
  await waitUntilReady(clients, environmentName, started, { ...o, code: 'secrets/restart-timeout' });
}

// ---------------------------------------------------------------- doctor

const SET_HINT = 'beanstack secrets set NAME < value-file (or --from-env-file FILE for several)';

/** The statuses of one doctor run, shared by its two secrets checks (one set of calls). */
const statusCache = new WeakMap<DoctorContext, Promise<AppSecretStatus[] | undefined>>();
function doctorStatuses(ctx: DoctorContext): Promise<AppSecretStatus[] | undefined> {
  if (!statusCache.has(ctx)) {
    statusCache.set(ctx, ctx.stack().then((stack) => (stack ? appSecretStatuses(ctx.clients, ctx.plan, stack) : undefined)));
  }
  return statusCache.get(ctx)!;
}

const SECRET_PERMISSIONS = ['secretsmanager:DescribeSecret', 'secretsmanager:ListSecretVersionIds'];

/** Doctor: fails while an application secret still holds the random placeholder. */
export const placeholderSecretsCheck: Check<DoctorContext> = {
  id: PLACEHOLDER_CHECK_ID,
  title: 'Application secrets hold real values',
  group: 'secrets',
  permissions: SECRET_PERMISSIONS,
  fix: `set the real values: ${SET_HINT}`,
  run: async (ctx): Promise<CheckOutcome> => {
    if (plannedAppSecrets(ctx.plan).length === 0) return { status: 'skip', summary: 'the stack has no application secret' };
    const statuses = await doctorStatuses(ctx);
    if (!statuses) return { status: 'skip', summary: 'the stack is not deployed' };
    const placeholders = statuses.filter((s) => s.state === 'placeholder').map((s) => s.name);
    if (placeholders.length > 0) {
      return {
        status: 'fail',
        summary: `${placeholders.length} of ${statuses.length} application secret${statuses.length === 1 ? '' : 's'} still hold${placeholders.length === 1 ? 's' : ''} the random placeholder: ${placeholders.join(', ')}`,
        fix: `the application runs with a random value until you set it: ${placeholders.length === 1 ? `beanstack secrets set ${placeholders[0]} < value-file` : SET_HINT}`,
      };
    }
    const deployed = statuses.filter((s) => s.state === 'set');
    const pending = statuses.filter((s) => s.state === 'not-deployed').map((s) => s.name);
    return {
      status: 'pass',
      summary: `${deployed.length} application secret${deployed.length === 1 ? '' : 's'} set${pending.length > 0 ? `; not deployed yet: ${pending.join(', ')}` : ''}`,
    };
  },
};

/** Doctor: fails when a secret the environment reads was deleted (or scheduled for deletion) or has no value. */
export const secretsExistCheck: Check<DoctorContext> = {
  id: SECRETS_EXIST_CHECK_ID,
  title: 'Application secrets exist and have a value',
  group: 'secrets',
  permissions: SECRET_PERMISSIONS,
  fix: 'restore the secret (aws secretsmanager restore-secret --secret-id <arn>) or set a value: beanstack secrets set NAME',
  run: async (ctx): Promise<CheckOutcome> => {
    if (plannedAppSecrets(ctx.plan).length === 0) return { status: 'skip', summary: 'the stack has no application secret' };
    const statuses = await doctorStatuses(ctx);
    if (!statuses) return { status: 'skip', summary: 'the stack is not deployed' };
    const broken = statuses.filter((s) => s.state === 'missing' || s.state === 'no-value');
    if (broken.length > 0) {
      return {
        status: 'fail',
        summary: `${broken.map((s) => `${s.name} (${s.state === 'no-value' ? 'no current value' : s.deletionDate ? `deletion scheduled ${s.deletionDate.toISOString()}` : 'deleted'})`).join(', ')}: the environment cannot read ${broken.length === 1 ? 'it' : 'them'}`,
      };
    }
    const deployed = statuses.filter((s) => s.state !== 'not-deployed').length;
    return { status: 'pass', summary: `${deployed} application secret${deployed === 1 ? '' : 's'} exist${deployed === 1 ? 's' : ''} with a value` };
  },
};
