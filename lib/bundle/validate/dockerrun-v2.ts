/** Dockerrun.aws.json v2 (ECS platform): the schema and the cross-field rules a schema cannot express. */
import * as path from 'path';
import { EPHEMERAL_PORT_START, IssueList, MIN_CONTAINER_MEMORY_MIB, describe, formatPath, sortIssues, type Segment, type ValidationIssue } from './issues';
import { arrayOf, isObject } from '../../util/json';
import { isReservedHostPort, RESERVED_HOST_PORTS_TEXT } from '../keys';
import { EXECUTION_ROLE_ARN, checkImage } from './references';
import { runSchema, versionIssue } from './schema';

// ---- Dockerrun v2 -----------------------------------------------------------------------------

/**
 * Every problem of a Dockerrun.aws.json v2 document: schema errors plus the cross-field rules of
 * ECS and Elastic Beanstalk. Returns errors and warnings, sorted by position.
 */
export function validateDockerrunV2(doc: unknown): ValidationIssue[] {
  const list = new IssueList();
  if (!isObject(doc)) {
    list.add([], 'dockerrun/not-an-object', `a Dockerrun.aws.json must be a JSON object, not ${describe(doc)}`);
    return list.items;
  }
  const version = versionIssue(doc, 2);
  if (version) list.items.push(version);
  list.items.push(...runSchema(doc, 2));

  const containers = arrayOf(doc.containerDefinitions);
  const v2: DocumentState = {
    list,
    volumeNames: checkVolumes(list, arrayOf(doc.volumes)),
    containers,
    names: containerNames(list, containers),
    hostPorts: new Map(),
    usedVolumes: new Set(),
    startEdges: new Map(),
  };
  containers.forEach((c, i) => {
    if (!isObject(c)) return;
    const container = containerAt(c, i);
    for (const check of CONTAINER_CHECKS) check(v2, container);
  });
  checkEssentialContainer(v2);
  checkStartOrder(v2);
  checkUnusedVolumes(v2);
  checkExecutionRole(list, doc.executionRoleArn, containers.some(usesSecrets));
  return sortIssues(list.items);
}

/** What the checks of one document share: the issues, the names declared, what the containers use. */
interface DocumentState {
  readonly list: IssueList;
  /** Volume name → its index in `volumes` (the first, when repeated). */
  readonly volumeNames: ReadonlyMap<string, number>;
  readonly containers: readonly unknown[];
  /** Container name → its index in `containerDefinitions` (the first, when repeated). */
  readonly names: ReadonlyMap<string, number>;
  /** `<port>/<protocol>` → the path of the mapping that publishes it first. */
  readonly hostPorts: Map<string, string>;
  /** Volume names some mount point mounts. */
  readonly usedVolumes: Set<string>;
  /** Start-order edges (links, volumesFrom, dependsOn): container → containers that must start first, and why. */
  readonly startEdges: Map<string, Map<string, string>>;
}

/** One container definition, where it is, and how messages name it. */
interface ContainerAt {
  readonly c: Record<string, unknown>;
  readonly at: Segment[];
  readonly label: string;
  /** Its name, when it has one. */
  readonly self: string | undefined;
}

function containerAt(c: Record<string, unknown>, i: number): ContainerAt {
  return {
    c,
    at: ['containerDefinitions', i],
    label: typeof c.name === 'string' ? `container ${describe(c.name)}` : `containerDefinitions[${i}]`,
    self: typeof c.name === 'string' ? c.name : undefined,
  };
}

/** The rules every container definition is checked against, in order. */
const CONTAINER_CHECKS: readonly ((v2: DocumentState, container: ContainerAt) => void)[] = [
  (v2, { c, at, label }) => checkImage(v2.list, [...at, 'image'], c.image, label),
  checkMemory,
  checkLinks,
  checkVolumesFrom,
  checkDependsOn,
  checkMountPoints,
  checkPortMappings,
  checkEnvironmentNames,
];

/** Unique, unreserved volume names, absolute host paths; the declared names. */
function checkVolumes(list: IssueList, volumes: readonly unknown[]): Map<string, number> {
  const volumeNames = new Map<string, number>();
  volumes.forEach((v, i) => {
    if (!isObject(v) || typeof v.name !== 'string') return;
    if (volumeNames.has(v.name)) {
      list.add(['volumes', i, 'name'], 'dockerrun/duplicate-volume', `volume name ${describe(v.name)} is already used by volumes[${volumeNames.get(v.name)}]; give every volume a unique name`);
    } else {
      volumeNames.set(v.name, i);
    }
    if (v.name.startsWith('awseb-logs-')) {
      list.add(['volumes', i, 'name'], 'dockerrun/reserved-volume-name', `volume name ${describe(v.name)} starts with \`awseb-logs-\`, which Elastic Beanstalk reserves for its log volumes; rename it`);
    }
    const host = v.host;
    if (isObject(host) && typeof host.sourcePath === 'string' && !host.sourcePath.startsWith('/')) {
      list.add(['volumes', i, 'host', 'sourcePath'], 'dockerrun/relative-source-path', `sourcePath ${describe(host.sourcePath)} is relative; use an absolute host path such as /var/app/current/${host.sourcePath.replace(/^\.\//, '')} (the bundle is unpacked to /var/app/current)`);
    }
    if (v.dockerVolumeConfiguration !== undefined || !isObject(host) || host.sourcePath === undefined) {
      list.add(['volumes', i], 'dockerrun/unverified-volume', `volume ${describe(v.name)} is not a host.sourcePath volume; Elastic Beanstalk documents only host.sourcePath volumes, so a Docker-managed volume may not work`, 'warning');
    }
  });
  return volumeNames;
}

/** Unique container names; the declared names. */
function containerNames(list: IssueList, containers: readonly unknown[]): Map<string, number> {
  const names = new Map<string, number>();
  containers.forEach((c, i) => {
    if (!isObject(c) || typeof c.name !== 'string') return;
    if (names.has(c.name)) {
      list.add(['containerDefinitions', i, 'name'], 'dockerrun/duplicate-name', `container name ${describe(c.name)} is already used by containerDefinitions[${names.get(c.name)}]; container names must be unique`);
    } else {
      names.set(c.name, i);
    }
  });
  return names;
}

function addStartEdge(v2: DocumentState, from: string | undefined, to: string, why: string): void {
  if (!from) return;
  const m = v2.startEdges.get(from) ?? new Map<string, string>();
  if (!m.has(to)) m.set(to, why);
  v2.startEdges.set(from, m);
}

/** memory or memoryReservation set, neither below Docker's minimum, the reservation below the limit. */
function checkMemory({ list }: DocumentState, { c, at, label }: ContainerAt): void {
  const memory = typeof c.memory === 'number' ? c.memory : undefined;
  const reservation = typeof c.memoryReservation === 'number' ? c.memoryReservation : undefined;
  if (!memory && !reservation) {
    list.add(
      [...at, 'memory'],
      'dockerrun/memory-missing',
      `${label} sets neither memory nor memoryReservation (non-zero MiB); ECS needs one of them on every container because Dockerrun v2 has no task-level memory. Set memoryReservation (soft limit, e.g. 256) and/or memory (hard limit)`,
    );
  }
  for (const key of ['memory', 'memoryReservation'] as const) {
    const m = c[key];
    if (typeof m === 'number' && Number.isInteger(m) && m > 0 && m < MIN_CONTAINER_MEMORY_MIB) {
      list.add([...at, key], 'dockerrun/memory-too-low', `${label} has ${key} ${m} MiB; Docker refuses less than ${MIN_CONTAINER_MEMORY_MIB} MiB, so set at least ${MIN_CONTAINER_MEMORY_MIB}`);
    }
  }
  if (memory && reservation && reservation >= memory) {
    list.add(
      [...at, 'memoryReservation'],
      'dockerrun/memory-reservation-too-high',
      `${label} has memoryReservation ${reservation} MiB, not less than memory ${memory} MiB; ECS requires memory (the hard limit) to be greater than memoryReservation`,
    );
  }
}

/** Each link is `name[:alias]` of another container. */
function checkLinks(v2: DocumentState, { c, at, label, self }: ContainerAt): void {
  const { list, names } = v2;
  arrayOf(c.links).forEach((l, j) => {
    if (typeof l !== 'string') return;
    const [target, alias, extra] = l.split(':');
    if (extra !== undefined || target === '' || alias === '') {
      list.add([...at, 'links', j], 'dockerrun/invalid-link', `link ${describe(l)} must be \`name\` or \`name:alias\``);
      return;
    }
    if (target === self) {
      list.add([...at, 'links', j], 'dockerrun/invalid-link', `${label} links to itself; remove the link`);
    } else if (!names.has(target)) {
      list.add([...at, 'links', j], 'dockerrun/unknown-link', `${label} links to ${describe(target)}, which is not a container of this file${names.size > 1 ? `; the other containers are ${[...names.keys()].filter((n) => n !== self).sort().join(', ')}` : ''}`);
    } else {
      addStartEdge(v2, self, target, 'links');
    }
  });
}

/** Each volumesFrom names another container. */
function checkVolumesFrom(v2: DocumentState, { c, at, label, self }: ContainerAt): void {
  arrayOf(c.volumesFrom).forEach((v, j) => {
    if (!isObject(v) || typeof v.sourceContainer !== 'string') return;
    if (v.sourceContainer === self) {
      v2.list.add([...at, 'volumesFrom', j, 'sourceContainer'], 'dockerrun/unknown-volumes-from', `${label} takes volumes from itself; remove the entry`);
    } else if (!v2.names.has(v.sourceContainer)) {
      v2.list.add([...at, 'volumesFrom', j, 'sourceContainer'], 'dockerrun/unknown-volumes-from', `${label} takes volumes from ${describe(v.sourceContainer)}, which is not a container of this file`);
    } else {
      addStartEdge(v2, self, v.sourceContainer, 'volumesFrom');
    }
  });
}

/** Each dependsOn names another container, and waits for the exit of a non-essential one only. */
function checkDependsOn(v2: DocumentState, { c, at, label, self }: ContainerAt): void {
  const { list, names } = v2;
  arrayOf(c.dependsOn).forEach((d, j) => {
    if (!isObject(d) || typeof d.containerName !== 'string') return;
    if (d.containerName === self || !names.has(d.containerName)) {
      list.add([...at, 'dependsOn', j, 'containerName'], 'dockerrun/unknown-depends-on', `${label} depends on ${describe(d.containerName)}, which is ${d.containerName === self ? 'itself' : 'not a container of this file'}`);
      return;
    }
    addStartEdge(v2, self, d.containerName, 'dependsOn');
    const target = v2.containers[names.get(d.containerName)!];
    if ((d.condition === 'COMPLETE' || d.condition === 'SUCCESS') && isObject(target) && target.essential !== false) {
      list.add(
        [...at, 'dependsOn', j, 'condition'],
        'dockerrun/depends-on-essential',
        `${label} waits for ${describe(d.containerName)} to ${d.condition === 'SUCCESS' ? 'exit successfully' : 'exit'}, but that container is essential, so its exit stops the task; set "essential": false on ${describe(d.containerName)}`,
      );
    }
  });
}

/** Each mount point mounts a declared volume (or a container's log volume) at its own absolute path. */
function checkMountPoints(v2: DocumentState, { c, at, label }: ContainerAt): void {
  const { list, names, volumeNames } = v2;
  const containerPaths = new Map<string, number>();
  arrayOf(c.mountPoints).forEach((m, j) => {
    if (!isObject(m)) return;
    const src = m.sourceVolume;
    if (typeof src === 'string') {
      v2.usedVolumes.add(src);
      if (src.startsWith('awseb-logs-')) {
        const owner = src.slice('awseb-logs-'.length);
        if (!names.has(owner)) {
          list.add([...at, 'mountPoints', j, 'sourceVolume'], 'dockerrun/unknown-volume', `sourceVolume ${describe(src)} names container ${describe(owner)}, which is not a container of this file; Elastic Beanstalk creates awseb-logs-<container name> for each container`);
        }
      } else if (!volumeNames.has(src)) {
        list.add([...at, 'mountPoints', j, 'sourceVolume'], 'dockerrun/unknown-volume', `sourceVolume ${describe(src)} is not declared in volumes; add {"name": ${JSON.stringify(src)}, "host": {"sourcePath": "..."}} to volumes or fix the name`);
      }
    }
    if (typeof m.containerPath === 'string') {
      if (!m.containerPath.startsWith('/')) {
        list.add([...at, 'mountPoints', j, 'containerPath'], 'dockerrun/relative-container-path', `containerPath ${describe(m.containerPath)} must be an absolute path inside the container`);
      }
      const norm = path.posix.normalize(m.containerPath).replace(/\/+$/, '') || '/';
      if (containerPaths.has(norm)) {
        list.add([...at, 'mountPoints', j, 'containerPath'], 'dockerrun/duplicate-mount', `${label} mounts two volumes at ${describe(norm)} (also mountPoints[${containerPaths.get(norm)}]); Docker refuses duplicate mount points`);
      } else {
        containerPaths.set(norm, j);
      }
    }
  });
}

/** Each port mapping has a container port; a fixed host port is published once, outside the reserved and ephemeral ranges. */
function checkPortMappings(v2: DocumentState, { c, at }: ContainerAt): void {
  const { list, hostPorts } = v2;
  arrayOf(c.portMappings).forEach((p, j) => {
    if (!isObject(p)) return;
    if (p.containerPort === undefined && p.containerPortRange === undefined) {
      list.add([...at, 'portMappings', j, 'containerPort'], 'dockerrun/missing-key', `${formatPath([...at, 'portMappings', j])} is missing the required key \`containerPort\` (the port the container listens on)`);
    }
    const host = p.hostPort;
    if (typeof host !== 'number' || host === 0) return; // dynamic host port
    const protocol = p.protocol === 'udp' ? 'udp' : 'tcp';
    const key = `${host}/${protocol}`;
    const here = `${formatPath([...at, 'portMappings', j])}`;
    if (hostPorts.has(key)) {
      list.add([...at, 'portMappings', j, 'hostPort'], 'dockerrun/duplicate-host-port', `host port ${key} is already published by ${hostPorts.get(key)}; every host port can be published once per protocol`);
    } else {
      hostPorts.set(key, here);
    }
    if (isReservedHostPort(host)) {
      list.add([...at, 'portMappings', j, 'hostPort'], 'dockerrun/reserved-host-port', `host port ${host} is reserved on ECS container instances (${RESERVED_HOST_PORTS_TEXT}); publish another port`);
    } else if (host >= EPHEMERAL_PORT_START) {
      list.add([...at, 'portMappings', j, 'hostPort'], 'dockerrun/ephemeral-host-port', `host port ${host} is in the ephemeral port range (${EPHEMERAL_PORT_START} and up), where it can collide with outgoing connections; prefer a port below ${EPHEMERAL_PORT_START}`, 'warning');
    }
  });
}

/** Each variable is set once: in environment or in secrets. */
function checkEnvironmentNames({ list }: DocumentState, { c, at, label }: ContainerAt): void {
  const envNames = new Map<string, number>();
  arrayOf(c.environment).forEach((e, j) => {
    if (!isObject(e) || typeof e.name !== 'string') return;
    if (envNames.has(e.name)) {
      list.add([...at, 'environment', j, 'name'], 'dockerrun/duplicate-environment', `${label} sets ${e.name} twice (also environment[${envNames.get(e.name)}]); keep one`, 'warning');
    } else {
      envNames.set(e.name, j);
    }
  });
  arrayOf(c.secrets).forEach((s, j) => {
    if (isObject(s) && typeof s.name === 'string' && envNames.has(s.name)) {
      list.add([...at, 'secrets', j, 'name'], 'dockerrun/duplicate-environment', `${label} sets ${s.name} both as a secret and in environment[${envNames.get(s.name)}]; keep one`);
    }
  });
}

/** Whether a container definition reads secrets (its own or its log driver's). */
function usesSecrets(c: unknown): boolean {
  if (!isObject(c)) return false;
  return arrayOf(c.secrets).length > 0 || (isObject(c.logConfiguration) && arrayOf(c.logConfiguration.secretOptions).length > 0);
}

function checkEssentialContainer({ list, containers }: DocumentState): void {
  const essentialCount = containers.filter((c) => isObject(c) && c.essential !== false).length;
  if (containers.length > 0 && essentialCount === 0) {
    list.add(['containerDefinitions'], 'dockerrun/no-essential-container', 'every container has "essential": false; a task needs at least one essential container (the one whose exit stops the task), so mark the main container essential');
  }
}

/** links, volumesFrom and dependsOn form no cycle. */
function checkStartOrder({ list, names, startEdges }: DocumentState): void {
  const cycle = findCycle(new Map([...startEdges].map(([k, m]) => [k, [...m.keys()]])));
  if (!cycle) return;
  const steps = cycle.slice(0, -1).map((from, k) => `${from} → ${cycle[k + 1]} (${startEdges.get(from)!.get(cycle[k + 1])})`);
  list.add(
    ['containerDefinitions', names.get(cycle[0])!],
    'dockerrun/start-order-cycle',
    `links, volumesFrom and dependsOn form a cycle: ${steps.join(', ')}; each of them makes a container start after the other, so none can start: remove one of them`,
  );
}

function checkUnusedVolumes({ list, volumeNames, usedVolumes }: DocumentState): void {
  for (const [name, i] of volumeNames) {
    if (!usedVolumes.has(name)) {
      list.add(['volumes', i], 'dockerrun/unused-volume', `volume ${describe(name)} is not mounted by any container; remove it or add a mountPoint`, 'warning');
    }
  }
}

/** The execution role: a real IAM role ARN, present when containers read secrets. */
function checkExecutionRole(list: IssueList, role: unknown, secretsUsed: boolean): void {
  if (typeof role === 'string') {
    if (role.includes('beanstack-placeholder')) {
      list.add(['executionRoleArn'], 'dockerrun/execution-role-placeholder', 'executionRoleArn is still a placeholder; pass the ECS task execution role ARN (`--execution-role-arn`) or deploy through the CDK stack, which creates the role');
    } else if (!EXECUTION_ROLE_ARN.test(role)) {
      list.add(['executionRoleArn'], 'dockerrun/execution-role-invalid', `executionRoleArn ${describe(role)} is not an IAM role ARN (arn:aws:iam::123456789012:role/name)`);
    }
  } else if (role === undefined && secretsUsed) {
    list.add(['executionRoleArn'], 'dockerrun/execution-role-missing', 'containers use secrets, which ECS reads with the task execution role; add "executionRoleArn": "arn:aws:iam::<account>:role/<role>" (a role with secretsmanager:GetSecretValue / ssm:GetParameters on those secrets)');
  }
}

function findCycle(edges: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    state.set(n, 1);
    stack.push(n);
    for (const m of [...(edges.get(n) ?? [])].sort()) {
      if (state.get(m) === 1) return [...stack.slice(stack.indexOf(m)), m];
      if (!state.has(m)) {
        const c = visit(m);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 2);
    return undefined;
  };
  for (const n of [...edges.keys()].sort()) {
    if (!state.has(n)) {
      const c = visit(n);
      if (c) return c;
    }
  }
  return undefined;
}

