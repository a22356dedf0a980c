/**
 * The IAM permissions the commands need, derived from the check lists (each check declares the
 * actions it calls), so the policy documents in docs/iam/ cannot drift from the code: a test
 * compares them.
 */
import type { Check } from './check';

/** Calls made outside the checks: identity, the deployed stack, the bootstrap version. */
export const SESSION_ACTIONS: readonly string[] = [
  'sts:GetCallerIdentity',
  'cloudformation:DescribeStacks',
  'cloudformation:ListStackResources',
];

/** What `rollback` calls besides the read-only ones. */
export const ROLLBACK_ACTIONS: readonly string[] = [
  'elasticbeanstalk:DescribeApplicationVersions',
  'elasticbeanstalk:DescribeEnvironments',
  'elasticbeanstalk:DescribeEvents',
  'elasticbeanstalk:UpdateEnvironment',
];

/** Sorted, unique actions of some check lists plus the session's. */
export function readOnlyActions(...lists: ReadonlyArray<readonly Check<never>[]>): string[] {
  const all = new Set<string>(SESSION_ACTIONS);
  for (const list of lists) for (const c of list) for (const p of c.permissions) all.add(p);
  return [...all].sort();
}

/** An IAM policy document allowing `actions` on every resource. */
export function policyDocument(sid: string, actions: readonly string[]): object {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: sid, Effect: 'Allow', Action: [...actions].sort(), Resource: '*' }],
  };
}
