/**
 * The `single` target: Dockerrun.aws.json v1 for one container on the Docker platform. Beanstalk's
 * nginx proxies port 80 to the container port, so host ports are not written; variables become
 * environment properties the stack sets (v1 has no environment field).
 */
import { BundleError } from '../../errors';
import type { Plan } from '../plan/types';
import { hostSourcePath, ImageRefs } from './dockerrun-v2';
import type { DockerrunV1 } from '../types';

/** Quotes one argument for a POSIX shell when it needs it. */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function toDockerrunV1(plan: Plan, images: ImageRefs): DockerrunV1 {
  if (plan.services.length !== 1) {
    throw new BundleError(`the single target runs one container, but the bundle has ${plan.services.length}: ${plan.services.map((s) => s.service).join(', ')}`, {
      code: 'bundle/single-container',
      location: plan.servicesLocation,
      fix: 'use --target ecs or --target docker for several containers, or leave the others out with x-beanstack: { exclude: true }',
    });
  }
  const s = plan.services[0];
  const tcp = s.ports.filter((p) => p.protocol === 'tcp');
  const containerPort = tcp.find((p) => p.hostPort === 80)?.containerPort ?? tcp[0]?.containerPort ?? s.exposed[0];
  if (containerPort === undefined) {
    throw new BundleError(`services.${s.service} publishes and exposes no port; Dockerrun v1 needs the port the app listens on`, {
      code: 'bundle/single-no-port',
      location: s.location,
      fix: `add \`expose: ["<port>"]\` or \`ports: ["<port>"]\` to services.${s.service}`,
    });
  }
  const volumes = s.mounts
    .filter((m) => m.kind !== 'tmpfs')
    .map((m) => ({ HostDirectory: hostSourcePath(m.kind as 'shipped' | 'named' | 'host', m.source), ContainerDirectory: m.target }))
    .sort((a, b) => (a.ContainerDirectory < b.ContainerDirectory ? -1 : a.ContainerDirectory > b.ContainerDirectory ? 1 : 0));
  // x-dockerrun (v1 fields): registry authentication, Image.Update "false", the log directory
  const auth = plan.dockerrun?.v1Authentication;
  return {
    AWSEBDockerrunVersion: '1',
    ...(auth ? { Authentication: { Bucket: auth.Bucket, Key: auth.Key } } : {}),
    Image: { Name: images[s.service], Update: s.dockerrun?.v1NoUpdate ? 'false' : 'true' },
    Ports: [{ ContainerPort: containerPort }],
    ...(volumes.length > 0 ? { Volumes: volumes } : {}),
    ...(s.command && s.command.length > 0 ? { Command: s.command.map(shellQuote).join(' ') } : {}),
    ...(s.entrypoint && s.entrypoint.length > 0 ? { Entrypoint: s.entrypoint.map(shellQuote).join(' ') } : {}),
    ...(s.dockerrun?.v1Logging !== undefined ? { Logging: s.dockerrun.v1Logging } : {}),
  };
}
