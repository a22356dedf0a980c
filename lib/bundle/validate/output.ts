/**
 * Every output is validated before it is returned (and so before it is written). A rule broken by a
 * service's setting is that setting's located user error; anything else is a bug in the converter,
 * and the error says so and names every broken rule.
 */
import { BundleError, Diagnostic, SourceLocation } from '../../errors';
import type { BundleTarget, DockerrunV1 } from '../types';
import { validateDockerrunV1 } from './dockerrun-v1';
import { validateDockerrunV2 } from './dockerrun-v2';
import { PLACEHOLDER_ISSUE_CODES, type ValidationIssue } from './issues';
import { validateProductionCompose } from './production-compose';

function ownChecksV1(doc: DockerrunV1): string[] {
  const issues: string[] = [];
  if (doc.AWSEBDockerrunVersion !== '1') issues.push('AWSEBDockerrunVersion must be the string "1"');
  if (!doc.Image?.Name) issues.push('Image.Name is required');
  if (!doc.Ports?.[0]?.ContainerPort) issues.push('Ports[0].ContainerPort is required');
  return issues;
}

function ownChecksCompose(doc: Record<string, unknown>): string[] {
  const issues: string[] = [];
  const services = doc.services as Record<string, Record<string, unknown>> | undefined;
  if (!services || Object.keys(services).length === 0) issues.push('services must not be empty');
  for (const [name, s] of Object.entries(services ?? {})) {
    if (typeof s.image !== 'string') issues.push(`services.${name}.image is required`);
    if ('build' in s) issues.push(`services.${name}.build must not be in a production bundle`);
    for (const f of (s.env_file as string[] | undefined) ?? []) if (f !== '.env') issues.push(`services.${name}.env_file ${f} is not Beanstalk's .env`);
  }
  return issues;
}

/**
 * Validates a generated document with the converter's own rules and the bundle validators
 * (lib/bundle/validate.ts: JSON schemas + cross-field rules). Throws when it breaks a rule;
 * returns the validators' warnings as diagnostics. Placeholder images and roles are allowed here
 * (the converter already warns about them; `--check` and deploy refuse them).
 */
export function validateOutput(
  target: BundleTarget,
  doc: unknown,
  bundleFiles?: readonly string[],
  sourceOf?: (path: string) => { readonly service: string; readonly location?: SourceLocation } | undefined,
): Diagnostic[] {
  // Dockerrun v2's validator checks everything the converter guarantees (names, essential, memory,
  // links, volumes, host ports); v1 and the compose file get these few checks of their own
  const own = target === 'ecs' ? [] : target === 'single' ? ownChecksV1(doc as DockerrunV1) : ownChecksCompose(doc as Record<string, unknown>);
  const issues: ValidationIssue[] = target === 'ecs'
    ? validateDockerrunV2(doc)
    : target === 'single'
      ? validateDockerrunV1(doc)
      : validateProductionCompose(doc, bundleFiles ? { bundleFiles } : {});
  const errors = issues.filter((i) => i.severity === 'error' && !PLACEHOLDER_ISSUE_CODES.has(i.code));
  const file = target === 'docker' ? 'docker-compose.yml' : 'Dockerrun.aws.json';
  // a rule the output breaks because of a setting of one service is that service's problem: located
  const traced = errors.map((i) => ({ issue: i, source: sourceOf?.(i.path) }));
  if (own.length === 0 && traced.length > 0 && traced.every((t) => t.source !== undefined)) {
    throw new BundleError(`${traced.length === 1 ? 'a setting' : `${traced.length} settings`} of the compose file cannot be expressed in ${file}`, {
      code: 'bundle/inexpressible-setting',
      location: traced.length === 1 ? traced[0].source!.location : undefined,
      fix: 'change the listed setting of the service (it is valid for Docker Compose, but not for Elastic Beanstalk\'s format); if you think beanstack should accept it, report it with the compose file',
      details: traced.map(({ issue, source }) => ({
        message: `services.${source!.service}: ${issue.message} (${file} ${issue.path}) [${issue.code}]`,
        ...(source!.location ? { location: source!.location } : {}),
      })),
    });
  }
  if (own.length > 0 || errors.length > 0) {
    throw new BundleError(`the generated ${file} fails validation (a bug in beanstack; please report it with the compose file)`, {
      code: 'bundle/invalid-output',
      details: [
        ...own.sort().map((message) => ({ message })),
        ...errors.map((i) => ({ message: `${i.path ? `${i.path}: ` : ''}${i.message} [${i.code}]` })),
      ],
    });
  }
  return issues
    .filter((i) => i.severity === 'warning')
    .map((i) => ({ code: i.code, message: `${file}${i.path ? ` ${i.path}` : ''}: ${i.message}` }));
}
