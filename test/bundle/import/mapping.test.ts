/**
 * Import mapping rules the fixtures do not reach: each test names the Dockerrun input, the compose
 * it must produce and the warning (code and Dockerrun path) it must report.
 */
import { dockerrunToCompose } from '../../../lib/bundle/import';

type Doc = Record<string, unknown>;

const base = (container: Doc, top: Doc = {}): Doc => ({
  AWSEBDockerrunVersion: 2,
  ...top,
  containerDefinitions: [{ name: 'app', image: 'nginx:1.27', memory: 128, ...container }],
});

function run(doc: Doc) {
  const { result, warnings } = dockerrunToCompose(doc);
  const services = result.project.services as Record<string, Record<string, unknown>>;
  return { result, services, warnings: warnings.map((w) => `${w.code} ${w.path}`) };
}

describe('import mapping', () => {
  test('dependsOn COMPLETE becomes service_completed_successfully, with a warning', () => {
    const doc: Doc = {
      AWSEBDockerrunVersion: 2,
      containerDefinitions: [
        { name: 'app', image: 'nginx:1.27', memory: 128, dependsOn: [{ containerName: 'init', condition: 'COMPLETE' }, { containerName: 'cache', condition: 'HEALTHY' }], links: ['cache', 'init:setup'] },
        { name: 'init', image: 'busybox:1.36', memory: 32, essential: false },
        { name: 'cache', image: 'redis:7.4', memory: 64, healthCheck: { command: ['CMD', 'redis-cli', 'ping'] } },
      ],
    };
    const { services, warnings } = run(doc);
    expect(services.app.depends_on).toEqual({ cache: { condition: 'service_healthy' }, init: { condition: 'service_completed_successfully' } });
    // the bare link is covered by depends_on; the alias needs links
    expect(services.app.links).toEqual(['init:setup']);
    expect(services.init.restart).toBe('no');
    expect(services.cache.healthcheck).toEqual({ test: ['CMD', 'redis-cli', 'ping'] });
    expect(warnings).toContain('import/depends-on-complete containerDefinitions[0].dependsOn[0].condition');
  });

  test('port ranges and Service Connect names are kept or left out with warnings', () => {
    const { services, warnings } = run(base({ portMappings: [{ containerPort: 80, hostPort: 80, name: 'web', appProtocol: 'http' }, { containerPortRange: '8000-8010' }] }));
    expect(services.app.ports).toEqual(['80:80']);
    expect((services.app['x-dockerrun'] as Doc).portMappings).toEqual([{ containerPortRange: '8000-8010' }]);
    expect(warnings).toEqual(['import/unmapped-key containerDefinitions[0].portMappings[0]', 'import/unmapped-key containerDefinitions[0].portMappings[1]']);
  });

  test('linuxParameters: mapped parts become compose keys, devices stay in x-dockerrun', () => {
    const { services, warnings } = run(
      base({ linuxParameters: { capabilities: { add: ['SYS_PTRACE'] }, devices: [{ hostPath: '/dev/fuse' }], maxSwap: 0, tmpfs: [{ containerPath: '/scratch', size: 32, mountOptions: ['noexec'] }] } }),
    );
    expect(services.app.cap_add).toEqual(['SYS_PTRACE']);
    expect(services.app.tmpfs).toEqual(['/scratch:size=32m,noexec']);
    expect((services.app['x-dockerrun'] as Doc).linuxParameters).toEqual({ devices: [{ hostPath: '/dev/fuse' }], maxSwap: 0 });
    expect(warnings).toEqual(['import/unmapped-key containerDefinitions[0].linuxParameters.devices', 'import/unmapped-key containerDefinitions[0].linuxParameters.maxSwap']);
  });

  test('disableNetworking, restartPolicy and environmentFiles are kept in x-dockerrun', () => {
    const { services, warnings } = run(
      base({ disableNetworking: true, restartPolicy: { enabled: true }, environmentFiles: [{ value: 'arn:aws:s3:::bucket/app.env', type: 's3' }] }),
    );
    expect(services.app['x-dockerrun']).toEqual({ disableNetworking: true, environmentFiles: [{ type: 's3', value: 'arn:aws:s3:::bucket/app.env' }], restartPolicy: { enabled: true } });
    expect(services.app.network_mode).toBeUndefined();
    expect(warnings.sort()).toEqual([
      'import/unmapped-key containerDefinitions[0].disableNetworking',
      'import/unmapped-key containerDefinitions[0].environmentFiles',
      'import/unmapped-key containerDefinitions[0].restartPolicy',
    ]);
  });

  test('Docker-managed volumes keep their driver, options and labels', () => {
    const { result } = run(
      base(
        { mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }] },
        { volumes: [{ name: 'data', dockerVolumeConfiguration: { scope: 'shared', autoprovision: true, driver: 'local', driverOpts: { type: 'tmpfs' }, labels: { team: 'a' } } }] },
      ),
    );
    expect(result.project.volumes).toEqual({ data: { driver: 'local', driver_opts: { type: 'tmpfs' }, labels: { team: 'a' } } });
    expect((result.project.services as Record<string, Doc>).app.volumes).toEqual(['data:/data']);
  });

  test('a mount of the whole bundle becomes a mount of the project directory, with a warning', () => {
    const { services, warnings } = run(base({ mountPoints: [{ sourceVolume: 'app', containerPath: '/srv', readOnly: true }] }, { volumes: [{ name: 'app', host: { sourcePath: '/var/app/current' } }] }));
    expect(services.app.volumes).toEqual(['.:/srv:ro']);
    expect(warnings).toContain('import/bundle-root-mount containerDefinitions[0].mountPoints[0]');
  });

  test('paths with a colon and one-letter volume names use the long syntax', () => {
    const { services } = run(
      base(
        { mountPoints: [{ sourceVolume: 'x', containerPath: '/x' }, { sourceVolume: 'odd', containerPath: '/odd' }] },
        { volumes: [{ name: 'x', host: { sourcePath: '/var/lib/beanstack/volumes/x' } }, { name: 'odd', host: { sourcePath: '/srv/a:b' } }] },
      ),
    );
    expect(services.app.volumes).toEqual([
      { type: 'bind', source: '/srv/a:b', target: '/odd' },
      { type: 'volume', source: 'x', target: '/x' },
    ]);
  });

  test('a local container named like a deployed one is left out', () => {
    const { services, warnings } = run({ ...base({}), localContainerDefinitions: [{ name: 'app', image: 'nginx:1.27', memory: 64 }] });
    expect(Object.keys(services)).toEqual(['app']);
    expect(warnings).toContain('import/duplicate-local-container localContainerDefinitions[0].name');
  });

  test('v1: HostPort, Image.Update "false" and Authentication', () => {
    const doc = {
      AWSEBDockerrunVersion: '1',
      Authentication: { Bucket: 'b', Key: 'k' },
      Image: { Name: 'registry.example.com:5000/team/my_app:2', Update: 'false' },
      Ports: [{ ContainerPort: 8080, HostPort: 8000 }, { ContainerPort: '9000' }],
    };
    const { result, services, warnings } = run(doc);
    expect(Object.keys(services)).toEqual(['my_app']);
    expect(services.my_app).toMatchObject({ ports: ['8000:8080'], expose: ['8080', '9000'], 'x-dockerrun': { Image: { Update: 'false' } } });
    expect(result.project['x-dockerrun']).toEqual({ Authentication: { Bucket: 'b', Key: 'k' } });
    expect(warnings.sort()).toEqual(['dockerrun/extra-ports Ports', 'import/authentication Authentication', 'import/unmapped-key Image.Update', 'import/v1-host-port Ports[0].HostPort']);
  });

  test('$ is escaped everywhere compose interpolates', () => {
    const { result } = run(base({ command: ['echo', '$HOME'], dockerLabels: { price: '$5' }, workingDirectory: '/srv/$x' }));
    expect(result.yaml).toContain('"$$HOME"');
    expect(result.yaml).toContain('price: "$$5"');
    expect(result.yaml).toContain('working_dir: "/srv/$$x"');
  });
});
