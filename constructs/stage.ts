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

/**
 * Stage names and presets. A stage is any name (`dev`, `staging`, `pr-42`, `prod`): it goes into the
 * physical names (stack, Beanstalk application and environment `<appName>-<stage>`, the ECS task
 * execution role), so several stages of one app live side by side in one account and region. Its
 * *preset* (`DeploymentStage`: `dev` or `prod`) drives every default a stage drives (sizing, load
 * balancing, Multi-AZ, deletion protection, deployment policy, log retention).
 */

/** The longest stage name: `<appName>-<stage>` must fit the 40 characters of a Beanstalk environment name with room for the app. */
export const STAGE_NAME_MAX_LENGTH = 24;

/**
 * Lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen. Lowercase
 * only: IAM role names and CNAME prefixes are case-insensitive, so `Dev` and `dev` would collide.
 */
export const STAGE_NAME_PATTERN = /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/;

/** What is wrong with a stage name (`problem; fix`), or undefined when it is valid. */
export function stageNameProblem(name: unknown): string | undefined {
  const rule = `use lowercase letters, digits and hyphens, starting with a letter, at most ${STAGE_NAME_MAX_LENGTH} characters (e.g. dev, staging, pr-42, prod)`;
  if (typeof name !== 'string') return `is not a string; ${rule}`;
  if (name.length === 0) return `is empty; ${rule}`;
  if (name.length > STAGE_NAME_MAX_LENGTH) return `is '${name}', ${name.length} characters long; ${rule}`;
  if (!STAGE_NAME_PATTERN.test(name)) return `is '${name}'; ${rule}`;
  return undefined;
}

/**
 * The preset of a stage without an explicit one: the stage's own name when it is `dev` or `prod`,
 * otherwise `dev` (the cheap one; a synth warning says so — give production-like stages
 * `preset: 'prod'`).
 */
export function defaultPreset(stage: string): DeploymentStage {
  return isDeploymentStage(stage) ? stage : 'dev';
}
