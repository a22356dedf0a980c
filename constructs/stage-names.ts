/**
 * Stages side by side: the physical names a stage fixes must not be taken by another stage. IAM role
 * names are unique per account, Beanstalk application and environment names per account and region,
 * and CNAME prefixes per region across all accounts. Every `ComposeApplication` of one CDK app claims
 * the names it fixes here; a second one that would reuse a name is refused at synth, naming both
 * stacks, instead of failing 20 minutes into a deploy. (`beanstack preflight` checks the names against
 * the account itself.)
 */
import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { BeanstackError } from '../lib/errors';

/** A physical name a construct fixes. */
export interface FixedName {
  /** What it names, for messages: `Beanstalk environment name`, `CNAME prefix`, `IAM role name`. */
  readonly kind: string;
  readonly name: string;
  /** Where it must be unique. */
  readonly unique: 'account' | 'account-region' | 'region';
  /** How to choose another one. */
  readonly fix: string;
}

const CLAIMS = new WeakMap<object, Map<string, string>>();

/**
 * Claims `names` for the stack of `scope` in its CDK app; throws a user error when another stack of
 * the same app already holds one of them in the same account / region. Names compare case-insensitively
 * (IAM and DNS do).
 */
export function claimPhysicalNames(scope: Construct, names: readonly FixedName[]): void {
  const stack = Stack.of(scope);
  const root = scope.node.root;
  let claims = CLAIMS.get(root);
  if (!claims) {
    claims = new Map();
    CLAIMS.set(root, claims);
  }
  for (const n of names) {
    const where = n.unique === 'account' ? `account ${stack.account}` : n.unique === 'region' ? `region ${stack.region}` : `aws://${stack.account}/${stack.region}`;
    const key = `${n.kind}|${where}|${n.name.toLowerCase()}`;
    const holder = claims.get(key);
    if (holder !== undefined && holder !== stack.node.path) {
      throw new BeanstackError(`the ${n.kind} '${n.name}' of stack ${stack.stackName} is already used by stack ${holder} of this app (${where}); two stages cannot share it`, {
        code: 'constructs/name-collision',
        fix: n.fix,
      });
    }
    claims.set(key, stack.node.path);
  }
}
