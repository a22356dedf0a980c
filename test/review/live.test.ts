/**
 * `beanstack diff --live` with credentials (static keys in the environment) and CloudFormation
 * mocked with aws-sdk-client-mock: the deployed template becomes the base. No network traffic.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CloudFormationClient, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../bin/cli';
import type { CliContext } from '../../bin/cli-context';
import { AssemblyCopy, FULLSTACK } from './helpers';

const cfn = mockClient(CloudFormationClient);
let saved: NodeJS.ProcessEnv;

beforeEach(() => {
  saved = { ...process.env };
  process.env.AWS_ACCESS_KEY_ID = 'AKIAEXAMPLEEXAMPLE00';
  process.env.AWS_SECRET_ACCESS_KEY = 'test-secret-key';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  cfn.reset();
});

afterEach(() => {
  process.env = saved;
});

async function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = { cwd, env: { HOME: cwd }, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTty: false };
  return { code: await main(['diff', ...args], ctx), stdout, stderr };
}

describe('beanstack diff --live', () => {
  it('diffs the head against the deployed template', async () => {
    const deployed = fs.readFileSync(path.join(FULLSTACK, 'fullstack-dev.template.json'), 'utf8');
    cfn.on(GetTemplateCommand, { StackName: 'fullstack-dev' }).resolves({ TemplateBody: deployed });
    const head = new AssemblyCopy(FULLSTACK).editResource('AppDatabasesmysqlInstance9D393F6F', (r) => (r.Properties.StorageEncrypted = false));
    const r = await run(['--live', '--head', head.dir, '--format', 'json'], path.dirname(head.dir));
    expect(r.stderr).toMatch(/^warning: the base \(.*\) has no validation-report\.json: findings are not compared \(the head has 0\)/);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.base).toBe('deployed stacks');
    expect(report.classes).toEqual(['data-loss', 'security']);
    expect(cfn.commandCalls(GetTemplateCommand)).toHaveLength(1);
  });

  it('a stack that is not deployed yet is new', async () => {
    cfn.on(GetTemplateCommand).rejects(new Error('Stack with id fullstack-dev does not exist'));
    const r = await run(['--live', '--head', FULLSTACK, '--format', 'json'], path.dirname(FULLSTACK));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).stacks[0].status).toBe('added');
  });

  it('access denied is a user error with the fix', async () => {
    cfn.on(GetTemplateCommand).rejects(new Error('User is not authorized to perform: cloudformation:GetTemplate'));
    const r = await run(['--live', '--head', FULLSTACK], path.dirname(FULLSTACK));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/reading the deployed template of fullstack-dev failed[\s\S]*fix: check the credentials can call cloudformation:GetTemplate/);
  });
});
