import { validateDockerrunV1, ValidationIssue } from '../../../lib/bundle/validate';
import { IMAGE_PLACEHOLDER_PREFIX } from '../../../lib/bundle/types';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function good(): Doc {
  return {
    AWSEBDockerrunVersion: '1',
    Authentication: { Bucket: 'my-bucket', Key: 'docker/.dockercfg' },
    Image: { Name: 'janedoe/image', Update: 'true' },
    Ports: [{ ContainerPort: '1234' }],
    Volumes: [{ HostDirectory: '/var/app/mydb', ContainerDirectory: '/etc/mysql' }],
    Logging: '/var/log/nginx',
    Entrypoint: '/app/bin/myapp',
    Command: '--argument',
  };
}

function withChange(change: (d: Doc) => void): Doc {
  const d = good();
  change(d);
  return d;
}

describe('validateDockerrunV1', () => {
  test("the AWS guide's example is valid", () => {
    expect(validateDockerrunV1(good())).toEqual([]);
  });

  test('integer ports are valid too', () => {
    expect(validateDockerrunV1(withChange((d) => (d.Ports = [{ ContainerPort: 8080, HostPort: 80 }])))).toEqual([]);
  });

  const cases: [string, (d: Doc) => void, string, string, 'error' | 'warning'][] = [
    ['version as integer 1', (d) => (d.AWSEBDockerrunVersion = 1), 'dockerrun/version', 'AWSEBDockerrunVersion', 'error'],
    ['version missing', (d) => delete d.AWSEBDockerrunVersion, 'dockerrun/version', 'AWSEBDockerrunVersion', 'error'],
    ['unknown key', (d) => (d.environment = []), 'dockerrun/unknown-key', 'environment', 'error'],
    ['lower-case v2 key', (d) => (d.image = 'x'), 'dockerrun/unknown-key', 'image', 'error'],
    ['Image missing', (d) => delete d.Image, 'dockerrun/image-missing', 'Image', 'error'],
    ['Image.Name missing', (d) => delete d.Image.Name, 'dockerrun/image-missing', 'Image.Name', 'error'],
    ['Image.Name empty', (d) => (d.Image.Name = ''), 'dockerrun/image-missing', 'Image.Name', 'error'],
    ['Image.Name placeholder', (d) => (d.Image.Name = `${IMAGE_PLACEHOLDER_PREFIX}web`), 'dockerrun/image-placeholder', 'Image.Name', 'error'],
    ['Update as boolean', (d) => (d.Image.Update = true), 'dockerrun/invalid-value', 'Image.Update', 'error'],
    ['Ports missing', (d) => delete d.Ports, 'dockerrun/missing-key', 'Ports', 'error'],
    ['Ports empty', (d) => (d.Ports = []), 'dockerrun/invalid-value', 'Ports', 'error'],
    ['ContainerPort missing', (d) => (d.Ports = [{ HostPort: 80 }]), 'dockerrun/missing-key', 'Ports[0].ContainerPort', 'error'],
    ['ContainerPort not numeric', (d) => (d.Ports = [{ ContainerPort: 'http' }]), 'dockerrun/invalid-value', 'Ports[0].ContainerPort', 'error'],
    ['ContainerPort out of range', (d) => (d.Ports = [{ ContainerPort: 70000 }]), 'dockerrun/invalid-value', 'Ports[0].ContainerPort', 'error'],
    ['several ports', (d) => d.Ports.push({ ContainerPort: '9000' }), 'dockerrun/extra-ports', 'Ports', 'warning'],
    ['relative HostDirectory', (d) => (d.Volumes[0].HostDirectory = 'data'), 'dockerrun/relative-path', 'Volumes[0].HostDirectory', 'error'],
    ['relative ContainerDirectory', (d) => (d.Volumes[0].ContainerDirectory = 'etc'), 'dockerrun/relative-path', 'Volumes[0].ContainerDirectory', 'error'],
    ['relative Logging', (d) => (d.Logging = 'logs'), 'dockerrun/relative-path', 'Logging', 'error'],
    ['Authentication with lower-case keys', (d) => (d.Authentication = { bucket: 'b', key: 'k' }), 'dockerrun/unknown-key', 'Authentication.bucket', 'error'],
    ['Command as array', (d) => (d.Command = ['a']), 'dockerrun/wrong-type', 'Command', 'error'],
  ];

  test.each(cases)('%s', (_rule, mutate, code, path, severity) => {
    const issues: ValidationIssue[] = validateDockerrunV1(withChange(mutate));
    const hit = issues.find((i) => i.code === code && i.path === path);
    expect({ hit: hit !== undefined, issues: issues.map((i) => `${i.path} ${i.code}`) }).toEqual(expect.objectContaining({ hit: true }));
    expect(hit!.severity).toBe(severity);
  });

  test('a v1 port error is reported once, not once per alternative', () => {
    const issues = validateDockerrunV1(withChange((d) => (d.Ports = [{ ContainerPort: 'http' }])));
    expect(issues.map((i) => i.path)).toEqual(['Ports[0].ContainerPort']);
    expect(issues[0].message).toMatch(/port number from 1 to 65535/);
  });
});
