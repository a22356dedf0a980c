/**
 * Issue 12, finding 11 (LOW, the review part): `beanstack diff` exited 3 (a crash with a stack trace)
 * on `Resources: {X: null}` or a `null` policy statement in a template. The head assembly comes from
 * the pull request, so its shapes are untrusted: regression for those two, and for the other shapes
 * that crashed or escaped the review the same way (Properties that are not an object, values nested
 * too deep, a nested assembly that contains itself, asset paths outside the assembly, a FIFO where
 * the review reads a file — which hung it).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../bin/cli';
import type { CliContext } from '../../bin/cli-context';
import { AssemblyCopy, FULLSTACK, tmpDir } from '../review/helpers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function diff(base: string, head: string): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const ctx: CliContext = { cwd: path.dirname(head), env: { HOME: path.dirname(head) }, stdout: () => undefined, stderr: (t) => (stderr += t), isTty: false };
  const code = await main(['diff', '--base', base, '--head', head], ctx);
  return { code, stderr };
}

const TEMPLATE = 'fullstack-dev.template.json';
let base = '';

beforeAll(() => {
  base = new AssemblyCopy(FULLSTACK, undefined, path.join(tmpDir(), 'base.out')).dir;
});

function lineOf(dir: string, needle: string): number {
  const text = fs.readFileSync(path.join(dir, TEMPLATE), 'utf8');
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}

test('Resources: {X: null} is a user error naming file, line, column and the fix (was exit 3)', async () => {
  const head = new AssemblyCopy(FULLSTACK).editTemplate((t) => (t.Resources.X = null));
  const r = await diff(base, head.dir);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(new RegExp(`${TEMPLATE}:${lineOf(head.dir, '"X"')}:\\d+`));
  expect(r.stderr).toMatch(/Resources\.X is null; a resource must be an object with a Type/);
  expect(r.stderr).toMatch(/fix: /);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
});

test('a null policy statement is a user error (was exit 3)', async () => {
  const head = new AssemblyCopy(FULLSTACK).editTemplate((t) => {
    const policy = Object.values<Json>(t.Resources).find((r) => r.Type === 'AWS::IAM::Policy')!;
    policy.Properties.PolicyDocument.Statement.push(null);
  });
  const r = await diff(base, head.dir);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/PolicyDocument\.Statement\[\d+\] is null; a policy statement must be an object/);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
});

test.each([
  ['Properties that are a string', (t: Json) => (t.Resources.AppNetworkVpc798168CC.Properties = 'x'), /Properties is the string "x"; it must be an object/],
  ['a resource without a Type', (t: Json) => (t.Resources.Y = { Properties: {} }), /Resources\.Y\.Type is undefined/],
  ['a logical id CloudFormation refuses', (t: Json) => (t.Resources['a-b'] = { Type: 'AWS::SNS::Topic' }), /not a valid logical id/],
  ['a list for Outputs', (t: Json) => (t.Outputs = []), /Outputs is a list; it must be an object/],
])('%s is a user error', async (_what, edit, message) => {
  const head = new AssemblyCopy(FULLSTACK).editTemplate(edit);
  const r = await diff(base, head.dir);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
});

test('values nested 100,000 levels deep are a user error, not a stack overflow', async () => {
  const head = new AssemblyCopy(FULLSTACK);
  const file = path.join(head.dir, TEMPLATE);
  // JSON.parse reads this; every recursive walk of it (JSON.stringify included) overflows the stack
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"Resources": {', `"Resources": {"Deep": {"Type": "AWS::SNS::Topic", "Properties": {"X": ${'['.repeat(100000)}${']'.repeat(100000)}}},`));
  const r = await diff(base, head.dir);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/Resources\.Deep\.Properties\.X\[0\]\[0\].* nests values more than 64 levels deep/);
});

test('a nested assembly that contains itself is read once, not forever', async () => {
  const head = new AssemblyCopy(FULLSTACK);
  const manifest = JSON.parse(fs.readFileSync(path.join(head.dir, 'manifest.json'), 'utf8'));
  manifest.artifacts.Loop = { type: 'cdk:cloud-assembly', properties: { directoryName: '.', displayName: 'Loop' } };
  fs.writeFileSync(path.join(head.dir, 'manifest.json'), JSON.stringify(manifest));
  const r = await diff(base, head.dir);
  expect(r.code).toBe(0);
});

test('an asset path outside the assembly is refused, not read into the report', async () => {
  const head = new AssemblyCopy(FULLSTACK);
  const file = path.join(head.dir, 'fullstack-dev.assets.json');
  const assets = JSON.parse(fs.readFileSync(file, 'utf8'));
  const hash = Object.keys(assets.files).find((h) => !assets.files[h].source.path.endsWith('.template.json'))!;
  assets.files[hash].source.path = '../../../../../../etc';
  fs.writeFileSync(file, JSON.stringify(assets));
  const r = await diff(base, head.dir);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/the source of file asset [0-9a-f]+ '\.\.\/.*\/etc' is outside the cloud assembly/);
});

test('a FIFO in the assembly reads as missing instead of hanging', async () => {
  const head = new AssemblyCopy(FULLSTACK);
  const report = path.join(head.dir, 'validation-report.json');
  fs.rmSync(report);
  execFileSync('mkfifo', [report]);
  const started = Date.now();
  const r = await diff(base, head.dir);
  process.stdout.write(`finding 11: diff with a FIFO in the assembly took ${Date.now() - started} ms\n`);
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/has no validation-report\.json/);
}, 20000);
