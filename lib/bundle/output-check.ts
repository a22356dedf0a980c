/**
 * Every output is validated before it is returned (and so before it is written). A failure here is a
 * bug in the converter, not a user error: the error says so and names every broken rule.
 */
import { BundleError, Diagnostic, SourceLocation } from '../errors';
import type { BundleTarget, DockerrunV1, DockerrunV2 } from './types';
import { PLACEHOLDER_ISSUE_CODES, validateDockerrunV1, validateDockerrunV2, validateProductionCompose, ValidationIssue } from './validate';

/** Rules the converter guarantees itself (B2's schema validators check the full documents). */
function ownChecksV2(doc: DockerrunV2): string[] {
  const issues: string[] = [];
  if (doc.AWSEBDockerrunVersion !== 2) issues.push('AWSEBDockerrunVersion must be the integer 2');
  const names = new Set(doc.containerDefinitions.map((c) => c.name));
  if (names.size !== doc.containerDefinitions.length) issues.push('container names must be unique');
  if (!doc.containerDefinitions.some((c) => c.essential !== false)) issues.push('at least one container must be essential');
  const volumes = new Set((doc.volumes ?? []).map((v) => v.name));
  const hostPorts = new Set<string>();
  for (const c of doc.containerDefinitions) {
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(c.name)) issues.push(`container name "${c.name}" has characters outside [A-Za-z0-9_-]`);
    if (!c.memory && !c.memoryReservation) issues.push(`${c.name}: memory or memoryReservation is required`);
    if (c.memory && c.memoryReservation && c.memory <= c.memoryReservation) issues.push(`${c.name}: memory must be greater than memoryReservation`);
    for (const l of c.links ?? []) if (!names.has(l.split(':')[0])) issues.push(`${c.name}: link to missing container ${l}`);
    for (const m of c.mountPoints ?? []) if (!volumes.has(m.sourceVolume)) issues.push(`${c.name}: mount of missing volume ${m.sourceVolume}`);
    for (const p of c.portMappings ?? []) {
      const key = `${p.hostPort}/${p.protocol ?? 'tcp'}`;
      if (p.hostPort !== undefined && hostPorts.has(key)) issues.push(`${c.name}: host port ${key} published twice`);
      hostPorts.add(key);
    }
  }
  return issues;
}

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
  const own = target === 'ecs'
    ? ownChecksV2(doc as DockerrunV2)
    : target === 'single'
      ? ownChecksV1(doc as DockerrunV1)
      : ownChecksCompose(doc as Record<string, unknown>);
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
