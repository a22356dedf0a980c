/**
 * The deployed side of a stack: its CloudFormation status and the physical ids of its resources.
 * Shared by preflight (what happens to an existing stack) and doctor (what to inspect).
 */
import { DescribeStacksCommand, ListStackResourcesCommand, Output } from '@aws-sdk/client-cloudformation';
import { errorName } from './aws-errors';
import type { AwsClients } from './clients';

export interface DeployedResource {
  readonly logicalId: string;
  readonly physicalId?: string;
  readonly type: string;
  readonly status?: string;
}

export interface DeployedStack {
  readonly stackName: string;
  readonly stackId?: string;
  readonly status: string;
  readonly statusReason?: string;
  /** When the last create or update started. */
  readonly lastUpdated?: Date;
  readonly outputs: Readonly<Record<string, string>>;
  readonly resources: readonly DeployedResource[];
}

/** Logical id → physical id. */
export function physicalIds(stack: DeployedStack): Map<string, string> {
  const map = new Map<string, string>();
  for (const r of stack.resources) if (r.physicalId) map.set(r.logicalId, r.physicalId);
  return map;
}

/** The stack, or undefined when no stack of that name exists (deleted stacks do not count). */
export async function describeDeployedStack(clients: AwsClients, stackName: string): Promise<DeployedStack | undefined> {
  let stack;
  try {
    const out = await clients.cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    stack = out.Stacks?.[0];
  } catch (e) {
    // CloudFormation answers a missing stack with ValidationError "Stack with id X does not exist".
    if (errorName(e) === 'ValidationError' && /does not exist/.test((e as Error).message ?? '')) return undefined;
    throw e;
  }
  if (!stack || stack.StackStatus === 'DELETE_COMPLETE') return undefined;
  const resources: DeployedResource[] = [];
  let token: string | undefined;
  do {
    const page = await clients.cloudformation.send(new ListStackResourcesCommand({ StackName: stackName, NextToken: token }));
    for (const r of page.StackResourceSummaries ?? []) {
      resources.push({
        logicalId: r.LogicalResourceId ?? '',
        physicalId: r.PhysicalResourceId,
        type: r.ResourceType ?? '',
        status: r.ResourceStatus,
      });
    }
    token = page.NextToken;
  } while (token);
  resources.sort((a, b) => (a.logicalId < b.logicalId ? -1 : a.logicalId > b.logicalId ? 1 : 0));
  return {
    stackName,
    stackId: stack.StackId,
    status: stack.StackStatus ?? 'UNKNOWN',
    statusReason: stack.StackStatusReason,
    lastUpdated: stack.LastUpdatedTime ?? stack.CreationTime,
    outputs: outputsOf(stack.Outputs),
    resources,
  };
}

function outputsOf(outputs: readonly Output[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of outputs ?? []) if (o.OutputKey && o.OutputValue !== undefined) out[o.OutputKey] = o.OutputValue;
  return out;
}

/** Memoizes an async lookup so checks running concurrently share one call. */
export function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => {
    if (!p) p = fn();
    return p;
  };
}
