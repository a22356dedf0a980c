/**
 * Deployment stages. A stage only changes defaults: every default it drives is also a prop of its
 * own, so a user can keep the `dev` sizing and still turn on, say, deletion protection.
 */

/**
 * `dev`: the cheapest deployment that works (one instance, no Multi-AZ, no deletion protection, data
 * destroyed with the stack). `prod`: load-balanced, Multi-AZ, deletion protection, snapshots on
 * removal, immutable deployments.
 */
export type DeploymentStage = 'dev' | 'prod';

/** Every stage, in the order the docs and messages list them. */
export const DEPLOYMENT_STAGES: readonly DeploymentStage[] = ['dev', 'prod'];

export function isDeploymentStage(value: unknown): value is DeploymentStage {
  return (DEPLOYMENT_STAGES as readonly unknown[]).includes(value);
}
