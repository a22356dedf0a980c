import { assertValidDockerrun, PLACEHOLDER_ISSUE_CODES, validateDockerrun, validateDockerrunV2, ValidationIssue } from '../../../lib/bundle/validate';
import { IMAGE_PLACEHOLDER_PREFIX } from '../../../lib/bundle/types';
import { isUserError, BundleError } from '../../../lib/errors';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A valid two-container file in the shape of AWS's multi-container sample. */
function good(): Doc {
  return {
    AWSEBDockerrunVersion: 2,
    executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
    volumes: [
      { name: 'php-app', host: { sourcePath: '/var/app/current/php-app' } },
      { name: 'nginx-proxy-conf', host: { sourcePath: '/var/app/current/proxy/conf.d' } },
    ],
    containerDefinitions: [
      {
        name: 'php-app',
        image: 'php:fpm',
        essential: true,
        memory: 128,
        environment: [{ name: 'APP_ENV', value: 'production' }],
        secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf' }],
        mountPoints: [{ sourceVolume: 'php-app', containerPath: '/var/www/html', readOnly: true }],
      },
      {
        name: 'nginx-proxy',
        image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/proxy:1.2.3',
        essential: true,
        memoryReservation: 64,
        memory: 128,
        portMappings: [{ hostPort: 80, containerPort: 80 }],
        links: ['php-app:php'],
        mountPoints: [
          { sourceVolume: 'php-app', containerPath: '/var/www/html', readOnly: true },
          { sourceVolume: 'nginx-proxy-conf', containerPath: '/etc/nginx/conf.d', readOnly: true },
          { sourceVolume: 'awseb-logs-nginx-proxy', containerPath: '/var/log/nginx' },
        ],
        volumesFrom: [{ sourceContainer: 'php-app', readOnly: true }],
      },
    ],
  };
}

const codes = (issues: readonly ValidationIssue[], severity?: 'error' | 'warning') =>
  issues.filter((i) => !severity || i.severity === severity).map((i) => i.code);

function withChange(change: (d: Doc) => void): Doc {
  const d = good();
  change(d);
  return d;
}

describe('validateDockerrunV2', () => {
  test('the good document has no issues', () => {
    expect(validateDockerrunV2(good())).toEqual([]);
  });

  // [rule, mutation, expected code, expected path, severity]
  const cases: [string, (d: Doc) => void, string, string, 'error' | 'warning'][] = [
    ['not an object', () => undefined, 'dockerrun/not-an-object', '', 'error'],
    ['version as string "2"', (d) => (d.AWSEBDockerrunVersion = '2'), 'dockerrun/version', 'AWSEBDockerrunVersion', 'error'],
    ['version missing', (d) => delete d.AWSEBDockerrunVersion, 'dockerrun/version', 'AWSEBDockerrunVersion', 'error'],
    ['unknown top-level key', (d) => (d.family = 'x'), 'dockerrun/unknown-key', 'family', 'error'],
    ['containerDefinitions missing', (d) => delete d.containerDefinitions, 'dockerrun/missing-key', 'containerDefinitions', 'error'],
    ['containerDefinitions empty', (d) => (d.containerDefinitions = []), 'dockerrun/no-containers', 'containerDefinitions', 'error'],
    ['unknown container key', (d) => (d.containerDefinitions[0].memoryreservation = 5), 'dockerrun/unknown-key', 'containerDefinitions[0].memoryreservation', 'error'],
    ['wrong type', (d) => (d.containerDefinitions[0].memory = '128'), 'dockerrun/wrong-type', 'containerDefinitions[0].memory', 'error'],
    ['bad enum', (d) => (d.containerDefinitions[1].portMappings[0].protocol = 'sctp'), 'dockerrun/invalid-value', 'containerDefinitions[1].portMappings[0].protocol', 'error'],
    ['environment value not a string', (d) => (d.containerDefinitions[0].environment[0].value = 3), 'dockerrun/wrong-type', 'containerDefinitions[0].environment[0].value', 'error'],
    ['container name charset', (d) => (d.containerDefinitions[0].name = 'php.app'), 'dockerrun/invalid-name', 'containerDefinitions[0].name', 'error'],
    ['container name too long', (d) => (d.containerDefinitions[0].name = 'a'.repeat(256)), 'dockerrun/invalid-name', 'containerDefinitions[0].name', 'error'],
    ['duplicate container names', (d) => (d.containerDefinitions[1].name = 'php-app'), 'dockerrun/duplicate-name', 'containerDefinitions[1].name', 'error'],
    ['image missing', (d) => delete d.containerDefinitions[0].image, 'dockerrun/image-missing', 'containerDefinitions[0].image', 'error'],
    ['image empty', (d) => (d.containerDefinitions[0].image = ''), 'dockerrun/image-missing', 'containerDefinitions[0].image', 'error'],
    ['image blank', (d) => (d.containerDefinitions[0].image = '  '), 'dockerrun/image-missing', 'containerDefinitions[0].image', 'error'],
    ['image placeholder', (d) => (d.containerDefinitions[0].image = `${IMAGE_PLACEHOLDER_PREFIX}web`), 'dockerrun/image-placeholder', 'containerDefinitions[0].image', 'error'],
    ['image not a reference', (d) => (d.containerDefinitions[0].image = 'My Image:latest'), 'dockerrun/invalid-image', 'containerDefinitions[0].image', 'error'],
    ['image with unresolved variable', (d) => (d.containerDefinitions[0].image = '${REGISTRY}/web'), 'dockerrun/invalid-image', 'containerDefinitions[0].image', 'error'],
    ['no memory at all', (d) => delete d.containerDefinitions[0].memory, 'dockerrun/memory-missing', 'containerDefinitions[0].memory', 'error'],
    ['memory zero', (d) => (d.containerDefinitions[0].memory = 0), 'dockerrun/memory-missing', 'containerDefinitions[0].memory', 'error'],
    ['memory below 6 MiB', (d) => (d.containerDefinitions[0].memory = 4), 'dockerrun/memory-too-low', 'containerDefinitions[0].memory', 'error'],
    ['memoryReservation below 6 MiB', (d) => (d.containerDefinitions[1].memoryReservation = 5), 'dockerrun/memory-too-low', 'containerDefinitions[1].memoryReservation', 'error'],
    ['memoryReservation equal to memory', (d) => (d.containerDefinitions[1].memoryReservation = 128), 'dockerrun/memory-reservation-too-high', 'containerDefinitions[1].memoryReservation', 'error'],
    ['memoryReservation above memory', (d) => (d.containerDefinitions[1].memoryReservation = 256), 'dockerrun/memory-reservation-too-high', 'containerDefinitions[1].memoryReservation', 'error'],
    ['no essential container', (d) => d.containerDefinitions.forEach((c: Doc) => (c.essential = false)), 'dockerrun/no-essential-container', 'containerDefinitions', 'error'],
    ['link to unknown container', (d) => (d.containerDefinitions[1].links = ['php']), 'dockerrun/unknown-link', 'containerDefinitions[1].links[0]', 'error'],
    ['link with two colons', (d) => (d.containerDefinitions[1].links = ['php-app:a:b']), 'dockerrun/invalid-link', 'containerDefinitions[1].links[0]', 'error'],
    ['link to itself', (d) => (d.containerDefinitions[1].links = ['nginx-proxy']), 'dockerrun/invalid-link', 'containerDefinitions[1].links[0]', 'error'],
    ['link + volumesFrom cycle', (d) => (d.containerDefinitions[0].links = ['nginx-proxy']), 'dockerrun/start-order-cycle', 'containerDefinitions[1]', 'error'],
    ['mountPoint of an undeclared volume', (d) => (d.containerDefinitions[0].mountPoints[0].sourceVolume = 'app'), 'dockerrun/unknown-volume', 'containerDefinitions[0].mountPoints[0].sourceVolume', 'error'],
    ['awseb-logs volume of an unknown container', (d) => (d.containerDefinitions[1].mountPoints[2].sourceVolume = 'awseb-logs-nginx'), 'dockerrun/unknown-volume', 'containerDefinitions[1].mountPoints[2].sourceVolume', 'error'],
    ['duplicate mount path', (d) => (d.containerDefinitions[1].mountPoints[1].containerPath = '/var/www/html/'), 'dockerrun/duplicate-mount', 'containerDefinitions[1].mountPoints[1].containerPath', 'error'],
    ['duplicate mount path after normalization', (d) => (d.containerDefinitions[1].mountPoints[1].containerPath = '/var/www/./html'), 'dockerrun/duplicate-mount', 'containerDefinitions[1].mountPoints[1].containerPath', 'error'],
    ['relative container path', (d) => (d.containerDefinitions[0].mountPoints[0].containerPath = 'html'), 'dockerrun/relative-container-path', 'containerDefinitions[0].mountPoints[0].containerPath', 'error'],
    ['relative host sourcePath', (d) => (d.volumes[0].host.sourcePath = 'php-app'), 'dockerrun/relative-source-path', 'volumes[0].host.sourcePath', 'error'],
    ['duplicate volume names', (d) => (d.volumes[1].name = 'php-app'), 'dockerrun/duplicate-volume', 'volumes[1].name', 'error'],
    ['reserved awseb-logs volume name', (d) => (d.volumes[1].name = 'awseb-logs-x'), 'dockerrun/reserved-volume-name', 'volumes[1].name', 'error'],
    ['volume without host path', (d) => (d.volumes[1] = { name: 'nginx-proxy-conf' }), 'dockerrun/unverified-volume', 'volumes[1]', 'warning'],
    ['unused volume', (d) => d.volumes.push({ name: 'spare', host: { sourcePath: '/var/app/current/spare' } }), 'dockerrun/unused-volume', 'volumes[2]', 'warning'],
    ['volumesFrom unknown container', (d) => (d.containerDefinitions[1].volumesFrom[0].sourceContainer = 'php'), 'dockerrun/unknown-volumes-from', 'containerDefinitions[1].volumesFrom[0].sourceContainer', 'error'],
    ['volumesFrom itself', (d) => (d.containerDefinitions[1].volumesFrom[0].sourceContainer = 'nginx-proxy'), 'dockerrun/unknown-volumes-from', 'containerDefinitions[1].volumesFrom[0].sourceContainer', 'error'],
    ['dependsOn unknown container', (d) => (d.containerDefinitions[1].dependsOn = [{ containerName: 'db', condition: 'START' }]), 'dockerrun/unknown-depends-on', 'containerDefinitions[1].dependsOn[0].containerName', 'error'],
    ['dependsOn SUCCESS of an essential container', (d) => (d.containerDefinitions[1].dependsOn = [{ containerName: 'php-app', condition: 'SUCCESS' }]), 'dockerrun/depends-on-essential', 'containerDefinitions[1].dependsOn[0].condition', 'error'],
    [
      'dependsOn cycle',
      (d) => {
        d.containerDefinitions[0].dependsOn = [{ containerName: 'nginx-proxy', condition: 'START' }];
        d.containerDefinitions[1].dependsOn = [{ containerName: 'php-app', condition: 'START' }];
      },
      'dockerrun/start-order-cycle',
      'containerDefinitions[1]',
      'error',
    ],
    ['duplicate host port', (d) => (d.containerDefinitions[0].portMappings = [{ hostPort: 80, containerPort: 9000 }]), 'dockerrun/duplicate-host-port', 'containerDefinitions[1].portMappings[0].hostPort', 'error'],
    ['reserved host port 22', (d) => (d.containerDefinitions[0].portMappings = [{ hostPort: 22, containerPort: 22 }]), 'dockerrun/reserved-host-port', 'containerDefinitions[0].portMappings[0].hostPort', 'error'],
    ['reserved host port 51679', (d) => (d.containerDefinitions[0].portMappings = [{ hostPort: 51679, containerPort: 80 }]), 'dockerrun/reserved-host-port', 'containerDefinitions[0].portMappings[0].hostPort', 'error'],
    ['ephemeral host port', (d) => (d.containerDefinitions[0].portMappings = [{ hostPort: 40000, containerPort: 80 }]), 'dockerrun/ephemeral-host-port', 'containerDefinitions[0].portMappings[0].hostPort', 'warning'],
    ['containerPort missing', (d) => (d.containerDefinitions[1].portMappings[0] = { hostPort: 80 }), 'dockerrun/missing-key', 'containerDefinitions[1].portMappings[0].containerPort', 'error'],
    ['port out of range', (d) => (d.containerDefinitions[1].portMappings[0].containerPort = 70000), 'dockerrun/invalid-value', 'containerDefinitions[1].portMappings[0].containerPort', 'error'],
    ['secrets without executionRoleArn', (d) => delete d.executionRoleArn, 'dockerrun/execution-role-missing', 'executionRoleArn', 'error'],
    ['log secretOptions without executionRoleArn', (d) => {
      delete d.executionRoleArn;
      delete d.containerDefinitions[0].secrets;
      d.containerDefinitions[0].logConfiguration = { logDriver: 'splunk', secretOptions: [{ name: 'splunk-token', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/t' }] };
    }, 'dockerrun/execution-role-missing', 'executionRoleArn', 'error'],
    ['executionRoleArn not an ARN', (d) => (d.executionRoleArn = 'ecsTaskExecutionRole'), 'dockerrun/execution-role-invalid', 'executionRoleArn', 'error'],
    ['executionRoleArn placeholder', (d) => (d.executionRoleArn = 'arn:aws:iam::000000000000:role/beanstack-placeholder-execution-role'), 'dockerrun/execution-role-placeholder', 'executionRoleArn', 'error'],
    ['env var and secret with one name', (d) => (d.containerDefinitions[0].environment.push({ name: 'DB_PASSWORD', value: 'x' })), 'dockerrun/duplicate-environment', 'containerDefinitions[0].secrets[0].name', 'error'],
    ['env var twice', (d) => (d.containerDefinitions[0].environment.push({ name: 'APP_ENV', value: 'x' })), 'dockerrun/duplicate-environment', 'containerDefinitions[0].environment[1].name', 'warning'],
    ['healthCheck interval too short', (d) => (d.containerDefinitions[0].healthCheck = { command: ['CMD-SHELL', 'true'], interval: 1 }), 'dockerrun/invalid-value', 'containerDefinitions[0].healthCheck.interval', 'error'],
  ];

  test.each(cases)('%s', (_rule, mutate, code, path, severity) => {
    const doc = _rule === 'not an object' ? [] : withChange(mutate);
    const issues = validateDockerrunV2(doc);
    const hit = issues.find((i) => i.code === code && i.path === path);
    expect({ hit: hit !== undefined, issues: issues.map((i) => `${i.path} ${i.code}`) }).toEqual(expect.objectContaining({ hit: true }));
    expect(hit!.severity).toBe(severity);
    expect(hit!.message.length).toBeGreaterThan(20);
  });

  test('the rules that are warnings leave the file valid', () => {
    const doc = withChange((d) => (d.containerDefinitions[0].portMappings = [{ hostPort: 40000, containerPort: 80 }]));
    expect(codes(validateDockerrunV2(doc), 'error')).toEqual([]);
  });

  test('memory given as memoryReservation alone is enough', () => {
    const doc = withChange((d) => {
      delete d.containerDefinitions[0].memory;
      d.containerDefinitions[0].memoryReservation = 6;
    });
    expect(validateDockerrunV2(doc)).toEqual([]);
  });

  test('hostPort 0 / absent means a dynamic port and never collides', () => {
    const doc = withChange((d) => {
      d.containerDefinitions[0].portMappings = [{ containerPort: 9000 }, { hostPort: 0, containerPort: 9001 }];
      d.containerDefinitions[1].portMappings.push({ hostPort: 0, containerPort: 81 });
    });
    expect(validateDockerrunV2(doc)).toEqual([]);
  });

  test('the same host port over tcp and udp is allowed', () => {
    const doc = withChange((d) => (d.containerDefinitions[0].portMappings = [{ hostPort: 80, containerPort: 80, protocol: 'udp' }]));
    expect(validateDockerrunV2(doc)).toEqual([]);
  });

  test('unknown keys get a suggestion', () => {
    const issues = validateDockerrunV2(withChange((d) => (d.containerDefinitions[0].entrypoint = ['x'])));
    expect(issues.map((i) => i.message)).toContainEqual(expect.stringContaining('did you mean `entryPoint`?'));
  });

  test('issues are sorted by position and deduplicated', () => {
    const issues = validateDockerrunV2(
      withChange((d) => {
        d.containerDefinitions[1].memory = 2;
        d.containerDefinitions[0].memory = 3;
        d.containerDefinitions[10] = undefined;
      }),
    );
    const paths = issues.map((i) => i.path);
    expect(paths.indexOf('containerDefinitions[0].memory')).toBeLessThan(paths.indexOf('containerDefinitions[1].memory'));
    expect(new Set(issues.map((i) => `${i.pointer} ${i.code} ${i.message}`)).size).toBe(issues.length);
  });

  test('validateDockerrun dispatches on the version', () => {
    expect(codes(validateDockerrun({ AWSEBDockerrunVersion: 3 }))).toEqual(['dockerrun/version']);
    expect(validateDockerrun(good())).toEqual([]);
    expect(validateDockerrun({ AWSEBDockerrunVersion: '1', Image: { Name: 'nginx' }, Ports: [{ ContainerPort: 80 }] })).toEqual([]);
  });
});

describe('assertValidDockerrun', () => {
  test('returns the warnings of a valid file', () => {
    const doc = withChange((d) => (d.containerDefinitions[0].portMappings = [{ hostPort: 40000, containerPort: 80 }]));
    expect(codes(assertValidDockerrun(doc, 'Dockerrun.aws.json'))).toEqual(['dockerrun/ephemeral-host-port']);
  });

  test('throws a BundleError listing every error', () => {
    const doc = withChange((d) => {
      delete d.containerDefinitions[0].memory;
      d.containerDefinitions[1].links = ['nope'];
      d.AWSEBDockerrunVersion = '2';
    });
    let err: unknown;
    try {
      assertValidDockerrun(doc, 'Dockerrun.aws.json');
    } catch (e) {
      err = e;
    }
    expect(isUserError(err)).toBe(true);
    const e = err as BundleError;
    expect(e.code).toBe('bundle/invalid-dockerrun');
    expect(e.message).toBe('Dockerrun.aws.json is not a valid Dockerrun.aws.json: 3 problems');
    expect(e.details.map((d) => d.message)).toEqual([
      expect.stringMatching(/^AWSEBDockerrunVersion: .*\[dockerrun\/version\]$/),
      expect.stringMatching(/^containerDefinitions\[0\]\.memory: .*\[dockerrun\/memory-missing\]$/),
      expect.stringMatching(/^containerDefinitions\[1\]\.links\[0\]: .*\[dockerrun\/unknown-link\]$/),
    ]);
    expect(e.fix).toBeDefined();
  });

  test('placeholders: refused by default, allowed for previews', () => {
    const doc = withChange((d) => {
      d.containerDefinitions[0].image = `${IMAGE_PLACEHOLDER_PREFIX}php-app`;
      d.executionRoleArn = 'arn:aws:iam::000000000000:role/beanstack-placeholder-execution-role';
    });
    expect(() => assertValidDockerrun(doc, 'D.json')).toThrow(expect.objectContaining({ code: 'bundle/dockerrun-placeholder' }));
    expect(assertValidDockerrun(doc, 'D.json', { allowPlaceholders: true }).map((i) => i.code)).toEqual(['dockerrun/image-placeholder', 'dockerrun/execution-role-placeholder']);
    expect([...PLACEHOLDER_ISSUE_CODES].sort()).toEqual(['dockerrun/execution-role-placeholder', 'dockerrun/image-placeholder']);
  });

  test('details carry line:column when locations are given', () => {
    const doc = withChange((d) => (d.containerDefinitions[0].memory = 2));
    try {
      assertValidDockerrun(doc, 'D.json', { locations: { '/containerDefinitions/0/memory': { file: '/p/D.json', line: 9, column: 17 } } });
      throw new Error('not thrown');
    } catch (e) {
      expect((e as BundleError).location).toEqual({ file: '/p/D.json', line: 9, column: 17 });
      expect((e as BundleError).details[0].location).toEqual({ file: '/p/D.json', line: 9, column: 17 });
    }
  });
});
