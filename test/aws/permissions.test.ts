/** The IAM policy documents in docs/iam/ match what the code calls. */
import * as fs from 'fs';
import * as path from 'path';
import { DOCTOR_CHECKS } from '../../lib/aws/doctor';
import { ROLLBACK_ACTIONS, readOnlyActions } from '../../lib/aws/permissions';
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

test('the deploy policy adds the bootstrap roles and what rollback calls', () => {
  const policy = read('deploy-policy.json');
  const actions = actionsOf(policy);
  expect(actions).toContain('sts:AssumeRole');
  for (const a of ROLLBACK_ACTIONS) expect(actions).toContain(a);
  const assume = policy.Statement.find((s) => s.Action.includes('sts:AssumeRole'))!;
  expect(assume.Resource).toEqual(expect.arrayContaining(['arn:aws:iam::*:role/cdk-hnb659fds-deploy-role-*']));
});

test('the policy documents are deterministic JSON (2 spaces, trailing newline)', () => {
  for (const name of ['preflight-doctor-policy.json', 'deploy-policy.json']) {
    const text = fs.readFileSync(path.join(ROOT, 'docs', 'iam', name), 'utf8');
    expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2) + '\n');
  }
});

test('docs/aws.md documents every check and embeds the policy documents verbatim', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'aws.md'), 'utf8');
  for (const c of [...PREFLIGHT_CHECKS, ...DOCTOR_CHECKS]) expect(doc).toContain(`\`${c.id}\``);
  for (const name of ['preflight-doctor-policy.json', 'deploy-policy.json']) {
    expect(doc).toContain('```json\n' + fs.readFileSync(path.join(ROOT, 'docs', 'iam', name), 'utf8') + '```');
  }
});
