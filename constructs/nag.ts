import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * Acknowledgements of cdk-nag findings. Rules that report several findings per resource (IAM4 per
 * managed policy, IAM5 per wildcard) are acknowledged per finding, never wholesale, so a new managed
 * policy or a new wildcard still shows up in `validation-report.json`.
 */

/** Acknowledges `AwsSolutions-IAM4` for exactly these managed policies of `role`. */
export function acknowledgeManagedPolicies(role: IConstruct, policies: readonly iam.IManagedPolicy[], reason: string): void {
  for (const policy of policies) {
    Validations.of(role).acknowledge({ id: `AwsSolutions-IAM4[Policy::${flatten(role, policy.managedPolicyArn)}]`, reason });
  }
}

/** Acknowledges `AwsSolutions-IAM5` for one wildcard resource (an ARN with `*`, or `*` itself). */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flatten(scope, resource)}]`, reason });
}

/**
 * The flat form cdk-nag gives a CloudFormation value in a finding id: `Fn::Join` joined, `Ref`/`Fn::GetAtt`
 * as `<Name>` / `<Name.Attr>`, `Fn::Sub` placeholders as `<...>`.
 */
function flatten(scope: IConstruct, value: string): string {
  const visit = (node: unknown): string => {
    if (node === undefined) return '';
    if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/}/g, '>');
    const obj = node as Record<string, unknown>;
    if (obj['Fn::Join']) {
      const [delimiter, items] = obj['Fn::Join'] as [string, unknown[]];
      return items.map(visit).join(delimiter);
    }
    if (obj['Fn::Sub']) return visit(obj['Fn::Sub']);
    if (obj['Fn::GetAtt']) {
      const [resource, attribute] = obj['Fn::GetAtt'] as [unknown, unknown];
      return `<${visit(resource)}.${visit(attribute)}>`;
    }
    if (obj['Fn::ImportValue']) return visit(obj['Fn::ImportValue']);
    if (obj.Ref) return `<${visit(obj.Ref)}>`;
    return JSON.stringify(node);
  };
  return visit(Stack.of(scope).resolve(value));
}
