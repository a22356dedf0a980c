/**
 * Every output is validated before it is returned (and so before it is written). A failure here is a
 * bug in the converter, not a user error: the error says so and names every broken rule.
 */
import { BundleError } from '../errors';
import type { BundleTarget, DockerrunV1, DockerrunV2 } from './types';

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

/** Throws when the generated document breaks a rule. */
export function validateOutput(target: BundleTarget, doc: unknown): void {
  const issues = target === 'ecs'
    ? ownChecksV2(doc as DockerrunV2)
    : target === 'single'
      ? ownChecksV1(doc as DockerrunV1)
      : ownChecksCompose(doc as Record<string, unknown>);
  if (issues.length > 0) {
    throw new BundleError(`the generated ${target === 'docker' ? 'docker-compose.yml' : 'Dockerrun.aws.json'} fails validation (a bug in beanstack; please report it with the compose file)`, {
      code: 'bundle/invalid-output',
      details: issues.sort().map((message) => ({ message })),
    });
  }
}
