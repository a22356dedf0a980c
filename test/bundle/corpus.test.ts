/**
 * The 39 compose files of docker/awesome-compose, converted for the ecs and docker targets. Each one
 * converts, and its output passes the schema and cross-field validation (lib/bundle/validate.ts), or
 * it fails with a fatal-key error that is justified below: the app truly cannot run on Elastic
 * Beanstalk.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { composeToBundle, BundleTarget, isSecretName } from '../../lib/bundle';
import { validateDockerrunV2, validateProductionCompose } from '../../lib/bundle/validate';
import { isUserError } from '../../lib/errors';
import { diskReader, load } from './convert/fixture-support';

const CORPUS = path.resolve(__dirname, '../corpus/awesome-compose');

/** Files that cannot run on Elastic Beanstalk, with the reason and the fatal key the error must name. */
const CANNOT_RUN: Readonly<Record<string, { readonly reason: string; readonly mentions: string }>> = {
  'pihole-cloudflared-DoH': {
    reason: 'Pi-hole is a DNS/DHCP server for a home network (udp 53 and 67, fixed IPs on a custom subnet) and asks for NET_ADMIN; a load-balanced web environment cannot serve that',
    mentions: 'services.pihole.cap_add NET_ADMIN',
  },
  plex: {
    reason: 'Plex runs with network_mode: host to be discovered on the local network and streams media from a host directory',
    mentions: 'services.plex.network_mode "host"',
  },
  'wasmedge-kafka-mysql': {
    reason: 'the etl service needs the WasmEdge containerd runtime, which Beanstalk instances do not have',
    mentions: 'services.etl.runtime "io.containerd.wasmedge.v1"',
  },
  'wasmedge-mysql-nginx': {
    reason: 'the backend needs the WasmEdge containerd runtime, which Beanstalk instances do not have',
    mentions: 'services.backend.runtime "io.containerd.wasmedge.v1"',
  },
  wireguard: {
    reason: 'a VPN server needs NET_ADMIN and SYS_MODULE (it loads kernel modules and configures the host network) and the host\'s kernel headers',
    mentions: 'services.wireguard.cap_add NET_ADMIN, SYS_MODULE',
  },
};

if (!fs.existsSync(CORPUS)) throw new Error(`the awesome-compose corpus is missing at ${CORPUS} (it is part of the repository: test/corpus/awesome-compose)`);

const projects = fs.readdirSync(CORPUS)
  .filter((d) => fs.statSync(path.join(CORPUS, d)).isDirectory())
  .sort()
  .map((d) => [d, fs.readdirSync(path.join(CORPUS, d)).find((f) => /^compose\.ya?ml$/.test(f))!] as const);

test('the corpus has its 39 compose files', () => {
  expect(projects).toHaveLength(39);
  expect(projects.every(([, f]) => f !== undefined)).toBe(true);
});

describe.each(['ecs', 'docker'] as BundleTarget[])('%s target', (target) => {
  test.each(projects)('%s', (dir, file) => {
    const project = load(path.join(CORPUS, dir), [file]);
    const expected = CANNOT_RUN[dir];
    // the CDK stack passes an ECR URI for each built service
    const images = Object.fromEntries(Object.values(project.services).filter((s) => s.build).map((s) => [s.name, `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${dir.toLowerCase()}-${s.name}:1.0.0`]));
    let result;
    try {
      result = composeToBundle(project, { target, images, reader: diskReader, executionRoleArn: 'arn:aws:iam::123456789012:role/app-task-execution' });
    } catch (e) {
      if (!isUserError(e) || !expected) throw e;
      expect(e.code).toBe('bundle/fatal-key');
      expect(e.details.map((d) => d.message).join('\n')).toContain(expected.mentions);
      expect(e.details.every((d) => d.location?.file === path.join(CORPUS, dir, file) && d.location.line > 0)).toBe(true);
      return;
    }
    expect(expected).toBeUndefined();
    const main = result.result.files[0] as { path: string; content: string };
    if (target === 'ecs') {
      expect(main.path).toBe('Dockerrun.aws.json');
      const doc = JSON.parse(main.content);
      expect(doc.AWSEBDockerrunVersion).toBe(2);
      const errors = validateDockerrunV2(doc).filter((i) => i.severity === 'error');
      expect(errors).toEqual([]);
    } else {
      expect(main.path).toBe('docker-compose.yml');
      const doc = parseYaml(main.content);
      const errors = validateProductionCompose(doc, { bundleFiles: result.result.files.map((f) => f.path) }).filter((i) => i.severity === 'error');
      expect(errors).toEqual([]);
      expect(main.content).not.toMatch(/^\s+build:/m);
    }
    // never a secret in the artifact: no secret-looking variable, and no variable holding a secret's value
    const doc = target === 'ecs' ? JSON.parse(main.content) : parseYaml(main.content);
    const env: [string, string][] = target === 'ecs'
      ? doc.containerDefinitions.flatMap((c: { environment?: { name: string; value: string }[] }) => (c.environment ?? []).map((e) => [e.name, e.value]))
      : Object.values(doc.services as Record<string, { environment?: Record<string, string> }>).flatMap((svc) => Object.entries(svc.environment ?? {}));
    const secretValues = Object.values(project.services).flatMap((svc) => Object.entries(svc.environment).filter(([k, v]) => isSecretName(k) && typeof v === 'string' && v.length >= 4).map(([, v]) => v as string));
    for (const [name, value] of env) {
      expect(isSecretName(name)).toBe(false);
      for (const secret of secretValues) expect(value.replace(/\$\$/g, '$')).not.toContain(secret);
    }
    const commands: string[] = target === 'ecs'
      ? doc.containerDefinitions.flatMap((c: { command?: string[]; entryPoint?: string[]; healthCheck?: { command: string[] } }) => [...(c.command ?? []), ...(c.entryPoint ?? []), ...(c.healthCheck?.command ?? [])])
      : Object.values(doc.services as Record<string, { command?: string[]; entrypoint?: string[]; healthcheck?: { test?: string[] } }>).flatMap((svc) => [...(svc.command ?? []), ...(svc.entrypoint ?? []), ...(svc.healthcheck?.test ?? [])]);
    for (const text of commands) for (const secret of secretValues) expect(text).not.toContain(secret);
  });
});
