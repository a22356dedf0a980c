import type { DockerrunV2 } from '../../lib/bundle/types';
import { localHostPath, planEcs, EcsPlanInput } from '../../lib/local/ecs-plan';

const dockerrun: DockerrunV2 = {
  AWSEBDockerrunVersion: 2,
  volumes: [
    { name: 'app-config', host: { sourcePath: '/var/app/current/config' } },
    { name: 'volume-data', host: { sourcePath: '/var/lib/beanstack/data' } },
  ],
  containerDefinitions: [
    {
      name: 'nginx', image: 'repo/nginx:1', essential: true, memory: 128, links: ['api', 'frontend:web'],
      portMappings: [{ hostPort: 80, containerPort: 8080 }],
      mountPoints: [{ sourceVolume: 'app-config', containerPath: '/etc/nginx/conf.d', readOnly: true }, { sourceVolume: 'awseb-logs-nginx', containerPath: '/var/log/nginx' }],
    },
    { name: 'frontend', image: 'repo/frontend:1', memoryReservation: 64 },
    {
      name: 'api', image: 'repo/api:1', memory: 256, entryPoint: ['node', '--enable-source-maps'], command: ['src/server.js'],
      environment: [{ name: 'NODE_ENV', value: 'production' }], secrets: [{ name: 'API_KEY', valueFrom: 'arn:aws:secretsmanager:x' }],
      mountPoints: [{ sourceVolume: 'volume-data', containerPath: '/data' }], dependsOn: [{ containerName: 'migrate', condition: 'SUCCESS' }],
    },
    { name: 'migrate', image: 'repo/api:1', essential: false, memory: 64, command: ['node', 'migrate.js'] },
  ],
};

const input: EcsPlanInput = {
  dockerrun,
  prefix: 'beanstack-demo-',
  network: 'beanstack-demo',
  bundleDir: '/tmp/bundle',
  hostDir: '/tmp/state/host',
  images: { 'repo/api:1': 'beanstack-local/demo-api:abc' },
  environmentProperties: { MYSQL_HOST: 'mysql.rds.beanstack.internal', MYSQL_PASSWORD: 'pw' },
  secretValues: { API_KEY: 'k' },
  bindAddress: '127.0.0.1',
  publish: {},
  labels: { 'org.beanstack.local.project': 'demo' },
};

describe('planEcs', () => {
  const plan = planEcs(input);
  const byName = Object.fromEntries(plan.containers.map((c) => [c.name, c]));

  test('start order follows links and dependsOn', () => {
    const order = plan.containers.map((c) => c.name);
    expect(order.indexOf('migrate')).toBeLessThan(order.indexOf('api'));
    expect(order.indexOf('api')).toBeLessThan(order.indexOf('nginx'));
    expect(order.indexOf('frontend')).toBeLessThan(order.indexOf('nginx'));
  });

  test('links become engine links with the link alias; names are prefixed so only links resolve', () => {
    expect(byName.nginx.spec.links).toEqual([{ container: 'beanstack-demo-api', alias: 'api' }, { container: 'beanstack-demo-frontend', alias: 'web' }]);
    expect(byName.nginx.spec.name).toBe('beanstack-demo-nginx');
    expect(byName.nginx.spec.network).toBe('beanstack-demo');
  });

  test('ports are published on the bind address; host port 80 marks the web container', () => {
    expect(byName.nginx.spec.ports).toEqual([{ hostIp: '127.0.0.1', hostPort: 80, containerPort: 8080, protocol: 'tcp' }]);
    expect(plan.webContainer).toBe('nginx');
    expect(plan.webContainerPort).toBe(8080);
    const remapped = planEcs({ ...input, publish: { 80: 0 } });
    expect(remapped.containers.find((c) => c.name === 'nginx')!.spec.ports).toEqual([{ hostIp: '127.0.0.1', containerPort: 8080, protocol: 'tcp' }]);
  });

  test('/var/app/current maps to the bundle, other host paths and EB log volumes to the run directory', () => {
    expect(byName.nginx.spec.mounts).toEqual([
      { source: '/tmp/bundle/config', target: '/etc/nginx/conf.d', readOnly: true },
      { source: '/tmp/state/host/var/log/containers/nginx', target: '/var/log/nginx', readOnly: false },
    ]);
    expect(byName.api.spec.mounts).toEqual([{ source: '/tmp/state/host/var/lib/beanstack/data', target: '/data', readOnly: false }]);
    expect(byName.api.hostDirectories).toEqual(['/tmp/state/host/var/lib/beanstack/data']);
  });

  test('environment, secrets and the environment properties of every container', () => {
    expect(byName.api.spec.env).toEqual({ NODE_ENV: 'production', API_KEY: 'k', MYSQL_HOST: 'mysql.rds.beanstack.internal', MYSQL_PASSWORD: 'pw' });
    expect(byName.frontend.spec.env).toEqual({ MYSQL_HOST: 'mysql.rds.beanstack.internal', MYSQL_PASSWORD: 'pw' });
  });

  test('images, entryPoint, command, memory and essential', () => {
    expect(byName.api.spec.image).toBe('beanstack-local/demo-api:abc');
    expect(byName.nginx.spec.image).toBe('repo/nginx:1');
    expect(byName.api.spec.entrypoint).toEqual(['node', '--enable-source-maps']);
    expect(byName.api.spec.command).toEqual(['src/server.js']);
    expect(byName.api.spec.memoryMiB).toBe(256);
    expect(byName.frontend.spec.memoryReservationMiB).toBe(64);
    expect(byName.migrate.essential).toBe(false);
    expect(byName.frontend.essential).toBe(true);
    expect(byName.api.dependsOn).toEqual([{ container: 'migrate', condition: 'SUCCESS' }]);
    expect(byName.api.spec.labels['org.beanstack.local.container']).toBe('api');
  });

  test('a secret without a value is a user error that names the flag', () => {
    expect(() => planEcs({ ...input, secretValues: {} })).toThrow(/API_KEY.*no value/);
  });

  test('link cycles, unknown links, duplicate host ports and no essential container are reported', () => {
    const cyc: DockerrunV2 = { AWSEBDockerrunVersion: 2, containerDefinitions: [{ name: 'a', image: 'x', links: ['b'] }, { name: 'b', image: 'x', links: ['a'] }] };
    expect(() => planEcs({ ...input, dockerrun: cyc })).toThrow(/cycle/);
    const unknown: DockerrunV2 = { AWSEBDockerrunVersion: 2, containerDefinitions: [{ name: 'a', image: 'x', links: ['db'] }] };
    expect(() => planEcs({ ...input, dockerrun: unknown })).toThrow(/"db", which does not exist/);
    const dup: DockerrunV2 = { AWSEBDockerrunVersion: 2, containerDefinitions: [{ name: 'a', image: 'x', portMappings: [{ hostPort: 80, containerPort: 80 }] }, { name: 'b', image: 'x', portMappings: [{ hostPort: 80, containerPort: 81 }] }] };
    expect(() => planEcs({ ...input, dockerrun: dup })).toThrow(/both publish host port 80/);
    const none: DockerrunV2 = { AWSEBDockerrunVersion: 2, containerDefinitions: [{ name: 'a', image: 'x', essential: false }] };
    expect(() => planEcs({ ...input, dockerrun: none })).toThrow(/no container is essential/);
  });

  test('host paths may not leave the bundle', () => {
    expect(localHostPath('/var/app/current', '/b', '/h')).toBe('/b');
    expect(localHostPath('/var/app/current/x/y', '/b', '/h')).toBe('/b/x/y');
    expect(localHostPath('/var/app/current/../../etc', '/b', '/h')).toBe('/h/var/etc');
  });
});
