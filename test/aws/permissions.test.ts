/** The IAM policy documents in docs/iam/ match what the code calls. */
import * as fs from 'fs';
import * as path from 'path';
import { DOCTOR_CHECKS } from '../../lib/aws/doctor';
import { CDK_BOOTSTRAP_ROLES, HISTORY_ACTIONS, ROLLBACK_ACTIONS, ROLLBACK_ON_BEHALF_ACTIONS, deployPolicy, readOnlyActions, readOnlyPolicy, renderPolicy, resourcesOf } from '../../lib/aws/permissions';
import { PREFLIGHT_CHECKS } from '../../lib/aws/preflight';

const ROOT = path.join(__dirname, '..', '..');

interface Policy {
  Version: string;
  Statement: Array<{ Sid: string; Effect: string; Action: string[]; Resource: string | string[] }>;
}

const read = (name: string): Policy => JSON.parse(fs.readFileSync(path.join(ROOT, 'docs', 'iam', name), 'utf8'));
const actionsOf = (p: Policy) => [...new Set(p.Statement.flatMap((s) => s.Action))].sort();

test('the read-only policy allows exactly the actions preflight and doctor call', () => {
  const policy = read('preflight-doctor-policy.json');
  expect(policy.Version).toBe('2012-10-17');
  expect(actionsOf(policy)).toEqual(readOnlyActions(PREFLIGHT_CHECKS, DOCTOR_CHECKS));
  // read-only: no action that changes anything
  for (const a of actionsOf(policy)) expect(a).toMatch(/:(Describe|List|Get|Check|Simulate)/);
  expect(policy.Statement.every((s) => s.Effect === 'Allow')).toBe(true);
});

test('no check uses an action missing from the policy; only template-only checks declare none', () => {
  const all = new Set(actionsOf(read('preflight-doctor-policy.json')));
  for (const c of [...PREFLIGHT_CHECKS, ...DOCTOR_CHECKS]) {
    if (c.permissions.length === 0) expect(c.id).toBe('platform/launch-template');
    for (const p of c.permissions) expect(all).toContain(p);
  }
});

test('the deploy policy is the checks, the bootstrap roles, the deployment record and what rollback needs, nothing more', () => {
  const policy = read('deploy-policy.json');
  expect(actionsOf(policy)).toEqual([...new Set(['sts:AssumeRole', ...readOnlyActions(PREFLIGHT_CHECKS, DOCTOR_CHECKS), ...HISTORY_ACTIONS, ...ROLLBACK_ACTIONS, ...ROLLBACK_ON_BEHALF_ACTIONS])].sort());
  const assume = policy.Statement.find((s) => s.Action.includes('sts:AssumeRole'))!;
  expect(assume.Action).toEqual(['sts:AssumeRole']);
  expect(assume.Resource).toEqual(CDK_BOOTSTRAP_ROLES);
  for (const r of CDK_BOOTSTRAP_ROLES) expect(r).toMatch(/^arn:aws:iam::\*:role\/cdk-hnb659fds-(deploy|file-publishing|image-publishing|lookup)-role-\*$/);
  expect(policy.Statement.every((s) => s.Effect === 'Allow')).toBe(true);
});

test('the documents are generated from lib/aws/permissions.ts (edit it, not the JSON)', () => {
  // on a mismatch the expected text below is the new file content
  expect(fs.readFileSync(path.join(ROOT, 'docs', 'iam', 'preflight-doctor-policy.json'), 'utf8')).toBe(renderPolicy(readOnlyPolicy(PREFLIGHT_CHECKS, DOCTOR_CHECKS)));
  expect(fs.readFileSync(path.join(ROOT, 'docs', 'iam', 'deploy-policy.json'), 'utf8')).toBe(renderPolicy(deployPolicy(PREFLIGHT_CHECKS, DOCTOR_CHECKS)));
});

test('every action has a declared scope; an action without one is an error, not *', () => {
  for (const a of [...readOnlyActions(PREFLIGHT_CHECKS, DOCTOR_CHECKS), ...HISTORY_ACTIONS, ...ROLLBACK_ACTIONS, ...ROLLBACK_ON_BEHALF_ACTIONS, 'sts:AssumeRole']) expect(resourcesOf(a, 'on-behalf').length).toBeGreaterThan(0);
  expect(() => resourcesOf('iam:CreateUser', 'checks')).toThrow(/no resource scope declared for iam:CreateUser/);
});

test('the policy documents are deterministic JSON (2 spaces, trailing newline)', () => {
  for (const name of ['preflight-doctor-policy.json', 'deploy-policy.json']) {
    const text = fs.readFileSync(path.join(ROOT, 'docs', 'iam', name), 'utf8');
    expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2) + '\n');
  }
});

test('docs/aws.md documents every check and every statement, and embeds the policy documents verbatim', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'aws.md'), 'utf8');
  for (const c of [...PREFLIGHT_CHECKS, ...DOCTOR_CHECKS]) expect(doc).toContain(`\`${c.id}\``);
  for (const s of [...read('deploy-policy.json').Statement, ...read('preflight-doctor-policy.json').Statement]) expect(doc).toContain(`| \`${s.Sid}\` |`);
  for (const name of ['preflight-doctor-policy.json', 'deploy-policy.json']) {
    expect(doc).toContain('```json\n' + fs.readFileSync(path.join(ROOT, 'docs', 'iam', name), 'utf8') + '```');
  }
});
