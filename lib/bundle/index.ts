/**
 * Compose → Elastic Beanstalk bundle: the public API of lib/bundle.
 *
 * `planBundle(project, options)` decides everything once (pure: the normalized compose model from
 * `loadProject` in, a `Plan` out, or one `BundleError` listing every problem); `renderBundle(plan,
 * { images, executionRoleArn })` turns a plan into the bundle description (files to write, images to
 * build, databases the stack replaces by RDS, secrets it must provide) with sorted warnings.
 * `composeToBundle` does both, for callers that have the image references up front.
 */
import type { ComposeProject } from '../compose/model';
import { planBundle } from './plan';
import { renderBundle } from './render-bundle';
import type { BundleOptions, BundleResult } from './types';

export * from './types';
export { planBundle } from './plan';
export type { Plan, PlanOptions, PlannedImage, PlannedMount, PlannedPort, PlannedService } from './plan';
export { renderBundle, MAIN_FILE, COMPOSE_HEADER } from './render-bundle';
export type { RenderOptions } from './render-bundle';
export { renderJson, renderYaml } from './emit/serialize';
export { SERVICE_KEY_RULES, isSecretName } from './keys';
export { SERVICE_FIELDS, PROJECT_FIELDS } from './x-beanstack';

/** Plans and renders in one step. */
export function composeToBundle(project: ComposeProject, options: BundleOptions = {}): BundleResult {
  const { images, executionRoleArn, ...planOptions } = options;
  return renderBundle(planBundle(project, planOptions), { ...(images ? { images } : {}), ...(executionRoleArn ? { executionRoleArn } : {}) });
}
