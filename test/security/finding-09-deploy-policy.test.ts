/**
 * Issue 12, finding 9 (LOW): docs/iam/deploy-policy.json granted s3 Get/Put/List,
 * cloudformation:UpdateStack, ecs:RegisterTaskDefinition and autoscaling:UpdateAutoScalingGroup on
 * `*`, and wildcard actions (`ec2:Describe*`). Regression: the document is exactly what
 * lib/aws/permissions.ts derives from the checks' declared actions; no write action and no action
 * that AWS scopes to an ARN is on `*`; every `*` has its reason; no wildcard actions.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DOCTOR_CHECKS } from '../../lib/aws/doctor';
import { WILDCARD_ACTIONS, deployPolicy, readOnlyActions, renderPolicy } from '../../lib/aws/permissions';
import type { PolicyDocument } from '../../lib/aws/permissions';
import { PREFLIGHT_CHECKS } from '../../lib/aws/preflight';

const FILE = path.join(__dirname, '..', '..', 'docs', 'iam', 'deploy-policy.json');
const policy = (): PolicyDocument => JSON.parse(fs.readFileSync(FILE, 'utf8')) as PolicyDocument;
const resources = (r: string | readonly string[]): readonly string[] => (typeof r === 'string' ? [r] : r);

test('the write actions of the issue are scoped to the stack\'s resources, not *', () => {
  const onAnything = new Set(policy().Statement.filter((s) => resources(s.Resource).includes('*')).flatMap((s) => s.Action));
  for (const a of ['cloudformation:UpdateStack', 'autoscaling:UpdateAutoScalingGroup', 's3:GetObject', 's3:PutObject', 's3:ListBucket', 'elasticbeanstalk:UpdateEnvironment', 'sts:AssumeRole']) {
    expect({ action: a, onAnyResource: onAnything.has(a) }).toEqual({ action: a, onAnyResource: false });
  }
});

test('every action on * is one AWS authorizes only on * (or a read-only one), with its reason; no wildcard actions', () => {
  for (const s of policy().Statement) {
    for (const a of s.Action) {
      expect(a).not.toMatch(/\*/);
      if (resources(s.Resource).includes('*')) expect({ a, reason: WILDCARD_ACTIONS[a] }).toEqual({ a, reason: expect.any(String) });
    }
  }
});

test('the document is the one derived from the checks, the CDK bootstrap roles and rollback', () => {
  expect(fs.readFileSync(FILE, 'utf8')).toBe(renderPolicy(deployPolicy(PREFLIGHT_CHECKS, DOCTOR_CHECKS)));
  const actions = new Set(policy().Statement.flatMap((s) => s.Action));
  for (const a of readOnlyActions(PREFLIGHT_CHECKS, DOCTOR_CHECKS)) expect(actions).toContain(a);
});
