/**
 * The Dockerrun JSON schemas themselves: valid in ajv's strict mode (a misspelt keyword would
 * otherwise be ignored silently), and consistent with the documented key sets.
 */
import Ajv from 'ajv';
import type { ContainerDefinition } from '../../../lib/bundle/types';
import v1 from '../../../schemas/dockerrun-v1.schema.json';
import v2 from '../../../schemas/dockerrun-v2.schema.json';

function strictCompile(schema: object): void {
  const copy = JSON.parse(JSON.stringify(schema));
  delete copy.$schema;
  new Ajv({ strict: true, allErrors: true }).compile(copy);
}

/** ECS RegisterTaskDefinition ContainerDefinition parameters (aws-beanstalk-facts.md §1.3) plus restartPolicy and versionConsistency (newer ECS API). */
const ECS_CONTAINER_PARAMETERS = [
  'name', 'image', 'repositoryCredentials', 'cpu', 'memory', 'memoryReservation', 'links', 'portMappings', 'essential', 'entryPoint',
  'command', 'environment', 'environmentFiles', 'mountPoints', 'volumesFrom', 'linuxParameters', 'secrets', 'dependsOn', 'startTimeout',
  'stopTimeout', 'hostname', 'user', 'workingDirectory', 'disableNetworking', 'privileged', 'readonlyRootFilesystem', 'dnsServers',
  'dnsSearchDomains', 'extraHosts', 'dockerSecurityOptions', 'interactive', 'pseudoTerminal', 'dockerLabels', 'ulimits', 'logConfiguration',
  'healthCheck', 'systemControls', 'resourceRequirements', 'firelensConfiguration', 'credentialSpecs', 'restartPolicy', 'versionConsistency',
].sort();

/**
 * The fields of `ContainerDefinition` in lib/bundle/types.ts (what the converter may write). Typed as
 * a record over `keyof ContainerDefinition`, so the type check fails when a field is added there.
 */
const CONVERTER_FIELDS_MAP: Record<keyof ContainerDefinition, true> = {
  name: true, image: true, essential: true, memory: true, memoryReservation: true, cpu: true, command: true, entryPoint: true, environment: true,
  secrets: true, portMappings: true, links: true, mountPoints: true, volumesFrom: true, workingDirectory: true, user: true, hostname: true,
  extraHosts: true, dnsServers: true, dnsSearchDomains: true, privileged: true, readonlyRootFilesystem: true, ulimits: true, dockerLabels: true,
  logConfiguration: true, healthCheck: true, dependsOn: true, stopTimeout: true,
};
const CONVERTER_FIELDS = Object.keys(CONVERTER_FIELDS_MAP);

describe('Dockerrun JSON schemas', () => {
  test('compile in ajv strict mode', () => {
    expect(() => strictCompile(v1)).not.toThrow();
    expect(() => strictCompile(v2)).not.toThrow();
  });

  test('v2 container definitions accept exactly the ECS container parameters', () => {
    expect(Object.keys(v2.definitions.containerDefinition.properties).sort()).toEqual(ECS_CONTAINER_PARAMETERS);
  });

  test('every field the converter writes is in the v2 schema', () => {
    const keys = Object.keys(v2.definitions.containerDefinition.properties);
    expect(CONVERTER_FIELDS.filter((f) => !keys.includes(f))).toEqual([]);
  });

  test('v2 top level: the documented keys, the version the integer 2; v1: the string "1"', () => {
    expect(Object.keys(v2.properties).sort()).toEqual(['AWSEBDockerrunVersion', 'authentication', 'containerDefinitions', 'executionRoleArn', 'localContainerDefinitions', 'volumes']);
    expect(v2.properties.AWSEBDockerrunVersion.const).toBe(2);
    expect(v1.properties.AWSEBDockerrunVersion.const).toBe('1');
    expect(Object.keys(v1.properties).sort()).toEqual(['AWSEBDockerrunVersion', 'Authentication', 'Command', 'Entrypoint', 'Image', 'Logging', 'Ports', 'Volumes']);
  });

  test('closed objects: additionalProperties is false wherever properties are listed (except string maps)', () => {
    const open: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${at}/${i}`));
      else if (node && typeof node === 'object') {
        const o = node as Record<string, unknown>;
        if (o.properties && o.additionalProperties !== false) open.push(at);
        for (const [k, v] of Object.entries(o)) walk(v, `${at}/${k}`);
      }
    };
    walk(v1, '#');
    walk(v2, '#');
    expect(open).toEqual([]);
  });
});
