/** Shared fixtures of the lib/aws tests: plans from the synthesized fixtures, clients, AWS errors. */
import * as fs from 'fs';
import * as path from 'path';
import { CloudFormationServiceException } from '@aws-sdk/client-cloudformation';
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { ElasticBeanstalkSyntheticServiceException } from '@aws-sdk/client-elastic-beanstalk';
import { IAMServiceException } from '@aws-sdk/client-iam';
import { RDSServiceException } from '@aws-sdk/client-rds';
import { ServiceQuotasServiceException } from '@aws-sdk/client-service-quotas';
import { SSMServiceException } from '@aws-sdk/client-ssm';
import { Check, CheckResult, runChecks } from '../../lib/aws/check';
import { AwsClients, createAwsClients } from '../../lib/aws/clients';
import { CfnTemplate, readStackPlan, StackPlan } from '../../lib/aws/stack-plan';

export const FIXTURES = path.join(__dirname, 'fixtures');

export const nodeReader = (file: string): string | undefined => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);

/**
 * The plan of a fixture assembly (`ecs-single`: dev stage, single instance, ECS platform, MySQL 8.4;
 * `docker-prod`: prod stage, load balanced, Docker platform on t4g, Multi-AZ). `mutate` edits the
 * template first (on a copy in a temp dir).
 */
export function loadPlan(name: 'ecs-single' | 'docker-prod', mutate?: (template: MutableTemplate) => void): StackPlan {
  const dir = path.join(FIXTURES, name);
  if (!mutate) return readStackPlan(dir, nodeReader);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const stackId = Object.keys(manifest.artifacts).find((k) => manifest.artifacts[k].type === 'aws:cloudformation:stack')!;
  const templateFile = manifest.artifacts[stackId].properties.templateFile;
  const template = JSON.parse(fs.readFileSync(path.join(dir, templateFile), 'utf8')) as MutableTemplate;
  mutate(template);
  const files: Record<string, string> = {
    [path.join(dir, 'manifest.json')]: JSON.stringify(manifest),
    [path.join(dir, templateFile)]: JSON.stringify(template),
  };
  return readStackPlan(dir, (f) => files[f]);
}

export interface MutableTemplate extends CfnTemplate {
  Resources: Record<string, { Type: string; Properties: Record<string, any> }>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Resource of the given type (the first in logical-id order). */
export function resourceOf(t: MutableTemplate, type: string): { Type: string; Properties: Record<string, any> } { // eslint-disable-line @typescript-eslint/no-explicit-any
  const id = Object.keys(t.Resources).sort().find((k) => t.Resources[k].Type === type);
  if (!id) throw new Error(`no ${type}`);
  return t.Resources[id];
}

/** Sets an option setting of the first Beanstalk environment. */
export function setOption(t: MutableTemplate, namespace: string, name: string, value: unknown): void {
  const env = resourceOf(t, 'AWS::ElasticBeanstalk::Environment');
  const list = env.Properties.OptionSettings as Array<{ Namespace: string; OptionName: string; Value: unknown }>;
  const existing = list.find((o) => o.Namespace === namespace && o.OptionName === name);
  if (existing) existing.Value = value;
  else list.push({ Namespace: namespace, OptionName: name, Value: value });
}

/** Clients with fake static credentials: no credential chain, no network (tests mock `send`). */
export function testClients(region = 'eu-west-1'): AwsClients {
  return createAwsClients({
    region,
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    maxAttempts: 1,
  });
}

/** Runs one check of `checks` by id. */
export async function runCheck<C>(checks: readonly Check<C>[], id: string, ctx: C): Promise<CheckResult> {
  const check = checks.find((c) => c.id === id);
  if (!check) throw new Error(`no check ${id}`);
  const [result] = await runChecks([check], ctx);
  return result;
}

const USER = 'arn:aws:iam::123456789012:user/dev';
const meta = { httpStatusCode: 403, requestId: 'b1f2c3d4-0000-4000-8000-000000000000', attempts: 1, totalRetryDelay: 0 };

/** The error each service returns for a denied call, shaped as the SDK throws it. */
export const denied = {
  ec2: (action: string) => new EC2ServiceException({
    name: 'UnauthorizedOperation', $fault: 'client', $metadata: meta,
    message: `You are not authorized to perform this operation. User: ${USER} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
  }),
  rds: (action: string) => new RDSServiceException({
    name: 'AccessDenied', $fault: 'client', $metadata: meta,
    message: `User: ${USER} is not authorized to perform: ${action} on resource: arn:aws:rds:eu-west-1:123456789012:db:* because no identity-based policy allows the ${action} action`,
  }),
  eb: (action: string) => new ElasticBeanstalkSyntheticServiceException({
    name: 'AccessDenied', $fault: 'client', $metadata: meta,
    message: `User: ${USER} is not authorized to perform: ${action} on resource: arn:aws:elasticbeanstalk:eu-west-1:123456789012:platform/ECS running on 64bit Amazon Linux 2023/4.7.7 because no identity-based policy allows the ${action} action`,
  }),
  cfn: (action: string) => new CloudFormationServiceException({
    name: 'AccessDenied', $fault: 'client', $metadata: meta,
    message: `User: ${USER} is not authorized to perform: ${action} on resource: arn:aws:cloudformation:eu-west-1:123456789012:stack/shop-dev/* because no identity-based policy allows the ${action} action`,
  }),
  ssm: (action: string) => new SSMServiceException({
    name: 'AccessDeniedException', $fault: 'client', $metadata: meta,
    message: `User: ${USER} is not authorized to perform: ${action} on resource: arn:aws:ssm:eu-west-1:123456789012:parameter/cdk-bootstrap/hnb659fds/version because no identity-based policy allows the ${action} action`,
  }),
  quotas: (action: string) => new ServiceQuotasServiceException({
    name: 'AccessDeniedException', $fault: 'client', $metadata: meta,
    message: `User: ${USER} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
  }),
  iam: (action: string) => new IAMServiceException({
    name: 'AccessDenied', $fault: 'client', $metadata: meta,
    message: `User: ${USER} is not authorized to perform: ${action} on resource: arn:aws:iam::123456789012:role/shop-dev-AppInstanceRole0700670C-1A2B3C4D5E6F because no identity-based policy allows the ${action} action`,
  }),
};

/** CloudFormation's answer for a stack that does not exist. */
export function stackMissing(name: string): CloudFormationServiceException {
  return new CloudFormationServiceException({
    name: 'ValidationError', $fault: 'client', $metadata: { httpStatusCode: 400 },
    message: `Stack with id ${name} does not exist`,
  });
}

/** The ecs-single fixture with three application secrets, as ComposeApplication synthesizes them (tag beanstack:app-secret). */
export function withAppSecrets(t: MutableTemplate): void {
  for (const [id, name] of [['AppSecretsAPIKEY5F1E2D3C', 'API_KEY'], ['AppSecretsSESSIONSECRET9A8B7C6D', 'SESSION_SECRET'], ['AppSecretsSTRIPETOKEN1A2B3C4D', 'STRIPE_TOKEN']]) {
    t.Resources[id] = {
      Type: 'AWS::SecretsManager::Secret',
      Properties: {
        Description: `shop-dev: ${name} for api. Created with a random placeholder`,
        GenerateSecretString: { ExcludePunctuation: true, PasswordLength: 40 },
        Tags: [{ Key: 'beanstack:app-secret', Value: name }],
      },
    };
  }
}

/** A copy of a fixture assembly in a temp dir, its template edited by `mutate` (for the CLI's --app-dir). */
export function assemblyCopy(name: 'ecs-single' | 'docker-prod', mutate: (template: MutableTemplate) => void, extra: Record<string, string> = {}): { dir: string; dispose: () => void } {
  const from = path.join(FIXTURES, name);
  const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), `beanstack-${name}-`));
  for (const f of fs.readdirSync(from)) fs.copyFileSync(path.join(from, f), path.join(dir, f));
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const stackId = Object.keys(manifest.artifacts).find((k) => manifest.artifacts[k].type === 'aws:cloudformation:stack')!;
  const templateFile = path.join(dir, manifest.artifacts[stackId].properties.templateFile);
  const template = JSON.parse(fs.readFileSync(templateFile, 'utf8')) as MutableTemplate;
  mutate(template);
  fs.writeFileSync(templateFile, JSON.stringify(template));
  for (const [rel, text] of Object.entries(extra)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return { dir, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
