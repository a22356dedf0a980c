/**
 * `beanstack diff --base-ref`: a scratch git repository holding a small CDK app (plain JS, no build
 * step) — the base commit is synthesized in a temporary worktree (node_modules symlinked because the
 * lockfile is unchanged), the working tree as head, with the installed aws-cdk CLI, offline.
 */
import * as childProcess from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../bin/cli';
import type { CliContext } from '../../bin/cli-context';

const REPO = path.join(__dirname, '..', '..');
let dir = '';

const APP = (ingress: string): string => `const cdk = require('aws-cdk-lib');
const ec2 = require('aws-cdk-lib/aws-ec2');
const app = new cdk.App();
const stack = new cdk.Stack(app, 'Web', { env: { account: '123456789012', region: 'eu-west-1' } });
const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16' });
const sg = new ec2.CfnSecurityGroup(stack, 'Sg', { groupDescription: 'web', vpcId: vpc.ref, securityGroupIngress: [${ingress}] });
app.synth();
`;

function git(...args: string[]): void {
  childProcess.execFileSync('git', args, { cwd: dir, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
}

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = { cwd: dir, env: { ...process.env, HOME: dir, CDK_DISABLE_CLI_TELEMETRY: 'true' }, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTty: false };
  const code = await main(['diff', ...args], ctx);
  return { code, stdout, stderr };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beanstack-baseref-'));
  fs.writeFileSync(path.join(dir, 'app.js'), APP("{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '0.0.0.0/0' }"));
  fs.writeFileSync(path.join(dir, 'cdk.json'), JSON.stringify({ app: 'node app.js' }));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'scratch', private: true }));
  fs.writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ name: 'scratch', lockfileVersion: 3, packages: {} }));
  fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\ncdk.out\n');
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'base');
  // the change under review, uncommitted: SSH opened to the world
  fs.writeFileSync(path.join(dir, 'app.js'), APP("{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIp: '0.0.0.0/0' }, { ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '0.0.0.0/0' }"));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('beanstack diff --base-ref', () => {
  it('synthesizes the base commit in a worktree and the working tree as head, offline', async () => {
    const r = await run(['--base-ref', 'main', '--format', 'json', '--fail-on', 'security']);
    expect(r.stderr).toMatch(/failing: the change has security/);
    expect(r.code).toBe(4);
    const report = JSON.parse(r.stdout);
    expect(report.base).toMatch(/^main \([0-9a-f]{7}\)$/);
    expect(report.head).toMatch(/^[0-9a-f]{7} \+ uncommitted changes$/);
    // the security-group rule, and aws-cdk-lib's built-in check W2508 that the change introduces
    expect(report.notes.map((n: { title: string }) => n.title)).toEqual(['Sg opens port 22 to the whole internet (0.0.0.0/0)', 'new finding W2508 (CloudFormation Validate, warning) on Web/Sg']);
    // the temporary worktree is gone
    const list = childProcess.execFileSync('git', ['worktree', 'list'], { cwd: dir, encoding: 'utf8' });
    expect(list.trim().split('\n')).toHaveLength(1);
  }, 180000);

  it('a base commit without a CDK app (the PR that adopts beanstack) reviews everything as new', async () => {
    const first = childProcess.execFileSync('git', ['rev-list', '--max-parents=0', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
    // an orphan commit with only a README as the base
    fs.writeFileSync(path.join(dir, 'README.md'), 'hello\n');
    const tree = childProcess.execFileSync('git', ['mktree'], { cwd: dir, input: `100644 blob ${childProcess.execFileSync('git', ['hash-object', '-w', 'README.md'], { cwd: dir, encoding: 'utf8' }).trim()}\tREADME.md\n`, encoding: 'utf8' }).trim();
    const orphan = childProcess.execFileSync('git', ['commit-tree', tree, '-m', 'before beanstack'], { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } }).trim();
    fs.rmSync(path.join(dir, 'README.md'));
    expect(first).not.toBe(orphan);
    const r = await run(['--base-ref', orphan, '--format', 'json']);
    expect(r.stderr).toMatch(/has no cdk\.json/);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/has no cdk\.json: reviewing everything as new/);
    expect(JSON.parse(r.stdout).stacks.map((s: { status: string }) => s.status)).toEqual(['added']);
  }, 180000);

  it('an unknown ref is a user error with the fix', async () => {
    const r = await run(['--base-ref', 'origin/nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--base-ref origin\/nope: no such commit[\s\S]*fix: fetch it first/);
  });
});
