/**
 * Validation of Elastic Beanstalk bundle files: Dockerrun.aws.json v2 (ECS platform), v1 (single
 * container) and the production docker-compose.yml of the Docker platform.
 *
 * Pure: data in, issues out. The JSON schemas (schemas/dockerrun-v{1,2}.schema.json, compiled into
 * standalone validators by scripts/build-schemas.js) check shapes and types; the cross-field rules
 * below check what a schema cannot (unique names, memory, links, volumes, host ports, the execution
 * role). Sources of every rule: /work/shared/reference/aws-beanstalk-facts.md §1 and docs/dockerrun-validation.md.
 */
import * as path from 'path';
import { BundleError, type ErrorDetail, type SourceLocation, type Diagnostic } from '../errors';
import { IMAGE_PLACEHOLDER_PREFIX } from './types';
import v1Schema from '../../schemas/dockerrun-v1.schema.json';
import v2Schema from '../../schemas/dockerrun-v2.schema.json';

/** One problem found in a bundle file. */
export interface ValidationIssue {
  /** Human path into the document, e.g. `containerDefinitions[1].memory` (empty for the root). */
  readonly path: string;
  /** JSON pointer of the same place, e.g. `/containerDefinitions/1/memory` (used to find line:column). */
  readonly pointer: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
  /** Stable identifier, e.g. `dockerrun/memory-missing`. */
  readonly code: string;
  /** `error` issues make the file invalid; `warning` issues are reported and allowed. */
  readonly severity: 'error' | 'warning';
}

/** Issue codes that only mean "an image or role is still a placeholder": previews allow them. */
export const PLACEHOLDER_ISSUE_CODES: ReadonlySet<string> = new Set(['dockerrun/image-placeholder', 'dockerrun/execution-role-placeholder']);

/** Host ports the ECS agent reserves on the container instance (ECS task definition parameters, portMappings). */
export const RESERVED_HOST_PORTS: readonly number[] = [22, 2375, 2376, 51678, 51679, 51680];

/** Lowest port of the Linux ephemeral range (`ip_local_port_range` default 32768–60999). */
export const EPHEMERAL_PORT_START = 32768;

/** Docker (≥ 20.10) refuses a memory limit below 6 MiB. */
export const MIN_CONTAINER_MEMORY_MIB = 6;

// ---- the generated schema validators ----------------------------------------------------------

interface AjvError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}
type GeneratedValidator = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

let v1Validator: GeneratedValidator | undefined;
let v2Validator: GeneratedValidator | undefined;

function loadValidator(file: string): GeneratedValidator {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(file) as GeneratedValidator & { default?: GeneratedValidator };
    return mod.default ?? mod;
  } catch (e) {
    throw new Error(`${file}.js is missing: run \`npm run build\` (scripts/build-schemas.js) first (${(e as Error).message})`);
  }
}

function schemaValidator(version: 1 | 2): GeneratedValidator {
  if (version === 1) return (v1Validator ??= loadValidator('./dockerrun-v1-schema.generated'));
  return (v2Validator ??= loadValidator('./dockerrun-v2-schema.generated'));
}

// ---- paths ------------------------------------------------------------------------------------

type Segment = string | number;

function decodePointer(pointer: string): Segment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

function encodePointer(segments: readonly Segment[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** `['containerDefinitions', 1, 'memory']` → `containerDefinitions[1].memory`. */
export function formatPath(segments: readonly Segment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

class IssueList {
  readonly items: ValidationIssue[] = [];
  add(segments: readonly Segment[], code: string, message: string, severity: 'error' | 'warning' = 'error'): void {
    this.items.push({ path: formatPath(segments), pointer: encodePointer(segments), message, code, severity });
  }
}

/** Sorts issues by document position (path segments in numeric order), then code and message. */
export function sortIssues(issues: readonly ValidationIssue[]): ValidationIssue[] {
  const cmpSeg = (a: Segment[], b: Segment[]): number => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const x = a[i];
      const y = b[i];
      if (x === y) continue;
      if (typeof x === 'number' && typeof y === 'number') return x - y;
      return String(x) < String(y) ? -1 : 1;
    }
    return a.length - b.length;
  };
  const seen = new Set<string>();
  return [...issues]
    .filter((i) => {
      const k = `${i.pointer}\u0000${i.code}\u0000${i.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => cmpSeg(decodePointer(a.pointer), decodePointer(b.pointer)) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
}

// ---- small helpers ----------------------------------------------------------------------------

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

function arrayOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? v.slice(0, 57) + '...' : v);
  return String(v);
}

function valueAt(doc: unknown, segments: readonly Segment[]): unknown {
  let cur: unknown = doc;
  for (const s of segments) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[s as string];
  }
  return cur;
}

function levenshtein(a: string, b: string): number {
  const dp: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

/** The closest known key (case-insensitive equality first, then edit distance ≤ 2), if any. */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const exact = known.find((k) => k.toLowerCase() === lower);
  if (exact) return exact;
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of [...known].sort()) {
    const d = levenshtein(lower, k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
/** The image reference grammar of distribution/reference (`[domain/]path[:tag][@digest]`). */
const IMAGE_REFERENCE = new RegExp(
  `^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`,
);

/** Whether `image` is a syntactically valid Docker image reference. */
export function isValidImageReference(image: string): boolean {
  return image.length <= 255 + 128 + 80 && IMAGE_REFERENCE.test(image);
}

const EXECUTION_ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::[0-9]{12}:role\/[\w+=,.@/-]{1,512}$/;

/** Whether `s` is an IAM role ARN (`arn:aws:iam::123456789012:role/name`, any partition). */
export function isRoleArn(s: string): boolean {
  return EXECUTION_ROLE_ARN.test(s);
}

function checkImage(list: IssueList, at: Segment[], image: unknown, label: string): void {
  if (typeof image !== 'string') return; // the schema reports missing / wrong type
  if (image.trim() === '') {
    list.add(at, 'dockerrun/image-missing', `${label} has an empty image; set the image URI (e.g. an ECR repository URI with a tag)`);
  } else if (image.startsWith(IMAGE_PLACEHOLDER_PREFIX)) {
    list.add(
      at,
      'dockerrun/image-placeholder',
      `${label} still has the placeholder image ${describe(image)}; pass the real image URI (\`--image <service>=<uri>\`) or deploy through the CDK stack, which fills in the ECR URI`,
    );
  } else if (!isValidImageReference(image)) {
    list.add(
      at,
      'dockerrun/invalid-image',
      `${label} has image ${describe(image)}, which is not a valid image reference; use [registry/]repository[:tag][@digest] with a lowercase repository and no spaces or unresolved \${...} variables`,
    );
  }
}

// ---- schema errors → issues -------------------------------------------------------------------

/** The (sub)schema that describes the value at `segments`, following properties, items and local $refs. */
function schemaAt(root: Record<string, unknown>, segments: readonly Segment[]): Record<string, unknown> | undefined {
  const deref = (node: unknown): Record<string, unknown> | undefined => {
    let cur = node;
    for (let i = 0; i < 10 && isObject(cur) && typeof cur.$ref === 'string'; i++) {
      cur = cur.$ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((acc, k) => (isObject(acc) ? acc[k] : undefined), root);
    }
    return isObject(cur) ? cur : undefined;
  };
  let cur = deref(root);
  for (const s of segments) {
    if (!cur) return undefined;
    if (typeof s === 'number') cur = deref(cur.items);
    else cur = deref(isObject(cur.properties) && s in cur.properties ? cur.properties[s] : cur.additionalProperties);
  }
  return cur;
}

const TYPE_WORDS: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  array: 'an array',
  object: 'an object',
};

function schemaIssues(doc: unknown, errors: readonly AjvError[], schema: Record<string, unknown>, version: 1 | 2): ValidationIssue[] {
  const list = new IssueList();
  const label = `Dockerrun v${version}`;
  // an anyOf failure is reported once, without the failures of its branches
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  for (const e of errors) {
    const at = decodePointer(e.instancePath);
    const where = formatPath(at) || 'the document';
    const value = valueAt(doc, at);
    if (e.keyword !== 'anyOf' && anyOfPaths.has(e.instancePath) && e.schemaPath.includes('/anyOf/')) continue;
    switch (e.keyword) {
      case 'required': {
        const key = String(e.params.missingProperty);
        list.add([...at, key], key === 'image' || key === 'Name' || key === 'Image' ? 'dockerrun/image-missing' : 'dockerrun/missing-key', `${where} is missing the required key \`${key}\``);
        break;
      }
      case 'additionalProperties': {
        const key = String(e.params.additionalProperty);
        const parent = schemaAt(schema, at);
        const known = Object.keys(isObject(parent?.properties) ? parent.properties : {});
        const suggestion = suggestKey(key, known);
        const hint = suggestion
          ? `; did you mean \`${suggestion}\`?`
          : known.length > 0 && known.length <= 12
            ? `; allowed keys: ${[...known].sort().join(', ')}`
            : `; see docs/dockerrun-validation.md for the keys ${label} accepts`;
        list.add([...at, key], 'dockerrun/unknown-key', `\`${key}\` is not a ${label} key here${hint}`);
        break;
      }
      case 'type': {
        const t = String(e.params.type);
        list.add(at, 'dockerrun/wrong-type', `${where} must be ${TYPE_WORDS[t] ?? t}, not ${describe(value)}`);
        break;
      }
      case 'const':
      case 'enum': {
        const allowed = e.keyword === 'const' ? [e.params.allowedValue] : (e.params.allowedValues as unknown[]);
        list.add(at, 'dockerrun/invalid-value', `${where} must be ${allowed.length === 1 ? JSON.stringify(allowed[0]) : 'one of ' + allowed.map((a) => JSON.stringify(a)).join(', ')}, not ${describe(value)}`);
        break;
      }
      case 'pattern': {
        const last = at[at.length - 1];
        if (last === 'name') {
          list.add(at, 'dockerrun/invalid-name', `name ${describe(value)} may contain only letters, digits, hyphens and underscores, 1 to 255 characters (ECS container and volume names)`);
        } else {
          list.add(at, 'dockerrun/invalid-value', `${where} ${describe(value)} does not match ${String(e.params.pattern)}`);
        }
        break;
      }
      case 'anyOf': {
        const last = String(at[at.length - 1] ?? '');
        if (/Port$/.test(last)) {
          list.add(at, 'dockerrun/invalid-value', `${where} must be a port number from 1 to 65535 (an integer or a numeric string such as "8080"), not ${describe(value)}`);
        } else {
          list.add(at, 'dockerrun/invalid-value', `${where} has an invalid value ${describe(value)}`);
        }
        break;
      }
      case 'minimum':
      case 'maximum': {
        const limit = Number(e.params.limit);
        list.add(at, 'dockerrun/invalid-value', `${where} must be ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${limit}, not ${describe(value)}`);
        break;
      }
      case 'minItems': {
        if (formatPath(at) === 'containerDefinitions') {
          list.add(at, 'dockerrun/no-containers', 'containerDefinitions is empty; a Dockerrun v2 file needs at least one container');
        } else {
          list.add(at, 'dockerrun/invalid-value', `${where} must have at least ${String(e.params.limit)} item(s)`);
        }
        break;
      }
      case 'minLength': {
        const last = at[at.length - 1];
        if (last === 'image' || last === 'Name') {
          list.add(at, 'dockerrun/image-missing', `${where} is empty; set the image URI (e.g. an ECR repository URI with a tag)`);
        } else {
          list.add(at, 'dockerrun/invalid-value', `${where} must not be empty`);
        }
        break;
      }
      default:
        list.add(at, 'dockerrun/invalid-value', `${where} ${e.message ?? 'is invalid'}`);
    }
  }
  return list.items;
}

function versionIssue(doc: Record<string, unknown>, version: 1 | 2): ValidationIssue | undefined {
  const v = doc.AWSEBDockerrunVersion;
  const list = new IssueList();
  if (v === undefined) {
    list.add(['AWSEBDockerrunVersion'], 'dockerrun/version', `AWSEBDockerrunVersion is missing; add "AWSEBDockerrunVersion": ${version === 2 ? '2' : '"1"'}`);
  } else if (version === 2 && v === '2') {
    list.add(['AWSEBDockerrunVersion'], 'dockerrun/version', 'AWSEBDockerrunVersion must be the integer 2, not the string "2" (awsdocs/elastic-beanstalk-samples#58); write "AWSEBDockerrunVersion": 2');
  } else if (version === 1 && v === 1) {
    list.add(['AWSEBDockerrunVersion'], 'dockerrun/version', 'AWSEBDockerrunVersion must be the string "1", as in the Elastic Beanstalk guide; write "AWSEBDockerrunVersion": "1"');
  } else if (version === 2 && v !== 2) {
    list.add(
      ['AWSEBDockerrunVersion'],
      'dockerrun/version',
      `AWSEBDockerrunVersion is ${describe(v)}, but the ECS platform reads only version 2 ("Unsupported AWSEBDockerrunVersion"); write "AWSEBDockerrunVersion": 2`,
    );
  } else if (version === 1 && v !== '1') {
    list.add(['AWSEBDockerrunVersion'], 'dockerrun/version', `AWSEBDockerrunVersion is ${describe(v)}, but a single-container file is version "1"; write "AWSEBDockerrunVersion": "1"`);
  }
  return list.items[0];
}

function runSchema(doc: unknown, version: 1 | 2): ValidationIssue[] {
  const validate = schemaValidator(version);
  if (validate(doc)) return [];
  const schema = (version === 1 ? v1Schema : v2Schema) as unknown as Record<string, unknown>;
  const errors = (validate.errors ?? []).filter((e) => e.instancePath !== '/AWSEBDockerrunVersion' && !(e.keyword === 'required' && e.params.missingProperty === 'AWSEBDockerrunVersion'));
  return schemaIssues(doc, errors, schema, version);
}

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

  // volumes
  const volumeNames = new Map<string, number>();
  arrayOf(doc.volumes).forEach((v, i) => {
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

  const containers = arrayOf(doc.containerDefinitions);
  const names = new Map<string, number>();
  containers.forEach((c, i) => {
    if (!isObject(c) || typeof c.name !== 'string') return;
    if (names.has(c.name)) {
      list.add(['containerDefinitions', i, 'name'], 'dockerrun/duplicate-name', `container name ${describe(c.name)} is already used by containerDefinitions[${names.get(c.name)}]; container names must be unique`);
    } else {
      names.set(c.name, i);
    }
  });

  let essentialCount = 0;
  let usesSecrets = false;
  const hostPorts = new Map<string, string>();
  const usedVolumes = new Set<string>();
  /** Start-order edges (links, volumesFrom, dependsOn): container → containers that must start first. */
  const startEdges = new Map<string, Map<string, string>>();
  const addEdge = (from: string | undefined, to: string, why: string) => {
    if (!from) return;
    const m = startEdges.get(from) ?? new Map<string, string>();
    if (!m.has(to)) m.set(to, why);
    startEdges.set(from, m);
  };

  containers.forEach((c, i) => {
    if (!isObject(c)) return;
    const at: Segment[] = ['containerDefinitions', i];
    const label = typeof c.name === 'string' ? `container ${describe(c.name)}` : `containerDefinitions[${i}]`;
    const self = typeof c.name === 'string' ? c.name : undefined;
    if (c.essential !== false) essentialCount++;

    checkImage(list, [...at, 'image'], c.image, label);

    // memory
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

    // links
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
        addEdge(self, target, 'links');
      }
    });

    // volumesFrom
    arrayOf(c.volumesFrom).forEach((v, j) => {
      if (!isObject(v) || typeof v.sourceContainer !== 'string') return;
      if (v.sourceContainer === self) {
        list.add([...at, 'volumesFrom', j, 'sourceContainer'], 'dockerrun/unknown-volumes-from', `${label} takes volumes from itself; remove the entry`);
      } else if (!names.has(v.sourceContainer)) {
        list.add([...at, 'volumesFrom', j, 'sourceContainer'], 'dockerrun/unknown-volumes-from', `${label} takes volumes from ${describe(v.sourceContainer)}, which is not a container of this file`);
      } else {
        addEdge(self, v.sourceContainer, 'volumesFrom');
      }
    });

    // dependsOn
    arrayOf(c.dependsOn).forEach((d, j) => {
      if (!isObject(d) || typeof d.containerName !== 'string') return;
      if (d.containerName === self || !names.has(d.containerName)) {
        list.add([...at, 'dependsOn', j, 'containerName'], 'dockerrun/unknown-depends-on', `${label} depends on ${describe(d.containerName)}, which is ${d.containerName === self ? 'itself' : 'not a container of this file'}`);
      } else {
        addEdge(self, d.containerName, 'dependsOn');
        const target = containers[names.get(d.containerName)!];
        if ((d.condition === 'COMPLETE' || d.condition === 'SUCCESS') && isObject(target) && target.essential !== false) {
          list.add(
            [...at, 'dependsOn', j, 'condition'],
            'dockerrun/depends-on-essential',
            `${label} waits for ${describe(d.containerName)} to ${d.condition === 'SUCCESS' ? 'exit successfully' : 'exit'}, but that container is essential, so its exit stops the task; set "essential": false on ${describe(d.containerName)}`,
          );
        }
      }
    });

    // mountPoints
    const containerPaths = new Map<string, number>();
    arrayOf(c.mountPoints).forEach((m, j) => {
      if (!isObject(m)) return;
      const src = m.sourceVolume;
      if (typeof src === 'string') {
        usedVolumes.add(src);
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

    // ports
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
      if (RESERVED_HOST_PORTS.includes(host)) {
        list.add([...at, 'portMappings', j, 'hostPort'], 'dockerrun/reserved-host-port', `host port ${host} is reserved on ECS container instances (${RESERVED_HOST_PORTS.join(', ')}); publish another port`);
      } else if (host >= EPHEMERAL_PORT_START) {
        list.add([...at, 'portMappings', j, 'hostPort'], 'dockerrun/ephemeral-host-port', `host port ${host} is in the ephemeral port range (${EPHEMERAL_PORT_START} and up), where it can collide with outgoing connections; prefer a port below ${EPHEMERAL_PORT_START}`, 'warning');
      }
    });

    if (arrayOf(c.secrets).length > 0) usesSecrets = true;
    if (isObject(c.logConfiguration) && arrayOf(c.logConfiguration.secretOptions).length > 0) usesSecrets = true;

    // duplicate environment names
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
  });

  if (containers.length > 0 && essentialCount === 0) {
    list.add(['containerDefinitions'], 'dockerrun/no-essential-container', 'every container has "essential": false; a task needs at least one essential container (the one whose exit stops the task), so mark the main container essential');
  }

  const cycle = findCycle(new Map([...startEdges].map(([k, m]) => [k, [...m.keys()]])));
  if (cycle) {
    const steps = cycle.slice(0, -1).map((from, k) => `${from} → ${cycle[k + 1]} (${startEdges.get(from)!.get(cycle[k + 1])})`);
    list.add(
      ['containerDefinitions', names.get(cycle[0])!],
      'dockerrun/start-order-cycle',
      `links, volumesFrom and dependsOn form a cycle: ${steps.join(', ')}; each of them makes a container start after the other, so none can start: remove one of them`,
    );
  }

  for (const [name, i] of volumeNames) {
    if (!usedVolumes.has(name)) {
      list.add(['volumes', i], 'dockerrun/unused-volume', `volume ${describe(name)} is not mounted by any container; remove it or add a mountPoint`, 'warning');
    }
  }

  // the execution role
  const role = doc.executionRoleArn;
  if (typeof role === 'string') {
    if (role.includes('beanstack-placeholder')) {
      list.add(['executionRoleArn'], 'dockerrun/execution-role-placeholder', 'executionRoleArn is still a placeholder; pass the ECS task execution role ARN (`--execution-role-arn`) or deploy through the CDK stack, which creates the role');
    } else if (!EXECUTION_ROLE_ARN.test(role)) {
      list.add(['executionRoleArn'], 'dockerrun/execution-role-invalid', `executionRoleArn ${describe(role)} is not an IAM role ARN (arn:aws:iam::123456789012:role/name)`);
    }
  } else if (role === undefined && usesSecrets) {
    list.add(['executionRoleArn'], 'dockerrun/execution-role-missing', 'containers use secrets, which ECS reads with the task execution role; add "executionRoleArn": "arn:aws:iam::<account>:role/<role>" (a role with secretsmanager:GetSecretValue / ssm:GetParameters on those secrets)');
  }

  return sortIssues(list.items);
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

// ---- Dockerrun v1 -----------------------------------------------------------------------------

/** Every problem of a Dockerrun.aws.json v1 (single container) document, sorted by position. */
export function validateDockerrunV1(doc: unknown): ValidationIssue[] {
  const list = new IssueList();
  if (!isObject(doc)) {
    list.add([], 'dockerrun/not-an-object', `a Dockerrun.aws.json must be a JSON object, not ${describe(doc)}`);
    return list.items;
  }
  const version = versionIssue(doc, 1);
  if (version) list.items.push(version);
  list.items.push(...runSchema(doc, 1));
  if (isObject(doc.Image)) checkImage(list, ['Image', 'Name'], doc.Image.Name, 'Image');
  const ports = arrayOf(doc.Ports);
  if (ports.length > 1) {
    list.add(['Ports'], 'dockerrun/extra-ports', `Ports lists ${ports.length} ports, but Elastic Beanstalk's proxy forwards only to the first (${describe(isObject(ports[0]) ? ports[0].ContainerPort : undefined)}); the others are not reachable`, 'warning');
  }
  arrayOf(doc.Volumes).forEach((v, i) => {
    if (!isObject(v)) return;
    for (const key of ['HostDirectory', 'ContainerDirectory'] as const) {
      const p = v[key];
      if (typeof p === 'string' && p !== '' && !p.startsWith('/')) {
        list.add(['Volumes', i, key], 'dockerrun/relative-path', `${key} ${describe(p)} must be an absolute path${key === 'HostDirectory' ? ' (the bundle is unpacked to /var/app/current)' : ''}`);
      }
    }
  });
  if (typeof doc.Logging === 'string' && doc.Logging !== '' && !doc.Logging.startsWith('/')) {
    list.add(['Logging'], 'dockerrun/relative-path', `Logging ${describe(doc.Logging)} must be an absolute directory inside the container, e.g. /var/log/app`);
  }
  return sortIssues(list.items);
}

/**
 * Validates a Dockerrun document of either version, chosen by `AWSEBDockerrunVersion` (v2 when it is
 * 2 or "2", v1 when it is "1" or 1; an object without a usable version is checked as v2).
 */
export function validateDockerrun(doc: unknown): ValidationIssue[] {
  const v = isObject(doc) ? doc.AWSEBDockerrunVersion : undefined;
  if (v === '1' || v === 1) return validateDockerrunV1(doc);
  if (isObject(doc) && v !== 2 && v !== '2' && v !== undefined) {
    const list = new IssueList();
    list.add(
      ['AWSEBDockerrunVersion'],
      'dockerrun/version',
      `AWSEBDockerrunVersion ${describe(v)} is not supported; use 2 (the ECS platform, containerDefinitions) or "1" (a single container)${v === 3 || v === '3' ? '; version 3 only holds registry authentication next to a docker-compose.yml' : ''}`,
    );
    return list.items;
  }
  return validateDockerrunV2(doc);
}

// ---- reporting --------------------------------------------------------------------------------

export interface AssertValidOptions {
  /**
   * Accept placeholder images and roles (previews); they are returned with the warnings.
   *
   * @default false
   */
  readonly allowPlaceholders?: boolean;
  /**
   * JSON pointer → source position (from `parseJsonWithLocations`), so details name line:column.
   *
   * @default - no positions
   */
  readonly locations?: Readonly<Record<string, SourceLocation>>;
}

/** The location of the closest enclosing value that has one. */
export function locate(pointer: string, locations: Readonly<Record<string, SourceLocation>> | undefined): SourceLocation | undefined {
  if (!locations) return undefined;
  let p = pointer;
  for (;;) {
    const loc = locations[p];
    if (loc) return loc;
    if (p === '') return undefined;
    p = p.slice(0, p.lastIndexOf('/'));
  }
}

/** Issues as details of a user error: `path: message [code]`, with line:column when known. */
export function issuesToDetails(issues: readonly ValidationIssue[], locations?: Readonly<Record<string, SourceLocation>>): ErrorDetail[] {
  return issues.map((i) => ({
    message: `${i.path ? i.path + ': ' : ''}${i.message} [${i.code}]`,
    location: locate(i.pointer, locations),
  }));
}

/** Issues as diagnostics (warnings carried on by a stage). */
export function issuesToDiagnostics(issues: readonly ValidationIssue[], file?: string, locations?: Readonly<Record<string, SourceLocation>>): Diagnostic[] {
  return issues.map((i) => ({
    code: i.code,
    message: i.message,
    path: file ? `${file}${i.path ? ' ' + i.path : ''}` : i.path,
    location: locate(i.pointer, locations),
  }));
}

/**
 * Throws a `BundleError` (code `bundle/invalid-dockerrun`) listing every error of `doc` when it is
 * not a valid Dockerrun file; returns the issues that did not fail it otherwise (the warnings, and
 * with `allowPlaceholders` the placeholder issues). `file` names the file in the message.
 */
export function assertValidDockerrun(doc: unknown, file: string, options: AssertValidOptions = {}): ValidationIssue[] {
  const issues = validateDockerrun(doc);
  const errors = issues.filter((i) => i.severity === 'error' && !(options.allowPlaceholders && PLACEHOLDER_ISSUE_CODES.has(i.code)));
  if (errors.length > 0) {
    const onlyPlaceholders = errors.every((e) => PLACEHOLDER_ISSUE_CODES.has(e.code));
    throw new BundleError(`${path.basename(file)} is not a valid Dockerrun.aws.json: ${errors.length} problem${errors.length === 1 ? '' : 's'}`, {
      code: onlyPlaceholders ? 'bundle/dockerrun-placeholder' : 'bundle/invalid-dockerrun',
      location: locate(errors[0].pointer, options.locations),
      details: issuesToDetails(errors, options.locations),
      fix: onlyPlaceholders
        ? 'supply the real image URIs and execution role (e.g. `--image <service>=<uri>`), or deploy through the CDK stack'
        : 'correct the listed keys (docs/dockerrun-validation.md lists every rule and its source)',
    });
  }
  // what did not fail: the warnings, and the placeholders a preview allows
  return issues.filter((i) => !errors.includes(i));
}

// ---- JSON with positions ----------------------------------------------------------------------

/** A parsed JSON document and the position of every value (JSON pointer → location). */
export interface LocatedJson {
  readonly value: unknown;
  readonly locations: Record<string, SourceLocation>;
}

/**
 * Parses strict JSON (RFC 8259) and records where each value starts. A syntax error throws a
 * `BundleError` (code `bundle/json-syntax`) naming `file:line:column`. Duplicate keys are an error,
 * because JSON.parse would silently keep the last one.
 */
export function parseJsonWithLocations(text: string, file: string): LocatedJson {
  const locations: Record<string, SourceLocation> = Object.create(null) as Record<string, SourceLocation>;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineStart = 0;
  const fail = (message: string, at = pos): never => {
    // recompute line/column for `at` (it may be behind `pos`)
    let l = 1;
    let ls = 0;
    for (let k = 0; k < at && k < text.length; k++) {
      if (text.charCodeAt(k) === 10) {
        l++;
        ls = k + 1;
      }
    }
    throw new BundleError(`${path.basename(file)} is not valid JSON: ${message}`, {
      code: 'bundle/json-syntax',
      location: { file, line: l, column: at - ls + 1 },
      fix: 'fix the JSON syntax at that position (Dockerrun.aws.json is plain JSON: no comments, no trailing commas, double-quoted keys)',
    });
  };
  const here = (): SourceLocation => ({ file, line, column: pos - lineStart + 1 });
  const ws = (): void => {
    for (;;) {
      const ch = text[pos];
      if (ch === ' ' || ch === '\t' || ch === '\r') pos++;
      else if (ch === '\n') {
        pos++;
        line++;
        lineStart = pos;
      } else if (ch === '/' && (text[pos + 1] === '/' || text[pos + 1] === '*')) fail('comments are not allowed in JSON');
      else return;
    }
  };
  const show = (ch: string | undefined): string => (ch === undefined ? 'end of file' : JSON.stringify(ch));
  const parseString = (): string => {
    const start = pos;
    pos++; // opening quote
    let out = '';
    for (;;) {
      const ch = text[pos];
      if (ch === undefined) fail('unterminated string', start);
      if (ch === '"') {
        pos++;
        return out;
      }
      if (ch === '\n' || ch.charCodeAt(0) < 0x20) fail('control character in string (escape it, e.g. \\n)');
      if (ch === '\\') {
        const e = text[pos + 1];
        const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in map) {
          out += map[e];
          pos += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) {
          out += String.fromCharCode(parseInt(text.slice(pos + 2, pos + 6), 16));
          pos += 6;
        } else {
          fail(`invalid escape \\${e ?? ''}`);
        }
      } else {
        out += ch;
        pos++;
      }
    }
  };
  const parseValue = (pointer: string, depth: number): unknown => {
    if (depth > 200) fail('nesting is too deep');
    ws();
    locations[pointer] = here();
    const ch = text[pos];
    if (ch === '{') {
      pos++;
      const obj: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      ws();
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[pos] !== '"') fail(text[pos] === '}' ? 'trailing comma before }' : `expected a double-quoted key, found ${show(text[pos])}`);
        const keyStart = pos;
        const key = parseString();
        if (Object.prototype.hasOwnProperty.call(obj, key)) fail(`duplicate key ${JSON.stringify(key)}`, keyStart);
        ws();
        if (text[pos] !== ':') fail(`expected ':' after key ${JSON.stringify(key)}, found ${show(text[pos])}`);
        pos++;
        const child = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        Object.defineProperty(obj, key, { value: parseValue(child, depth + 1), enumerable: true, writable: true, configurable: true });
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return obj;
        }
        fail(`expected ',' or '}', found ${show(text[pos])}`);
      }
    }
    if (ch === '[') {
      pos++;
      const arr: unknown[] = [];
      ws();
      if (text[pos] === ']') {
        pos++;
        return arr;
      }
      for (;;) {
        ws();
        if (text[pos] === ']') fail('trailing comma before ]');
        arr.push(parseValue(`${pointer}/${arr.length}`, depth + 1));
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return arr;
        }
        fail(`expected ',' or ']', found ${show(text[pos])}`);
      }
    }
    if (ch === '"') return parseString();
    const num = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(pos, pos + 400));
    if (num && num[0] !== '-') {
      pos += num[0].length;
      return Number(num[0]);
    }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return value;
      }
    }
    if (ch === "'") fail('strings and keys must use double quotes');
    return fail(ch === undefined ? 'unexpected end of file (the file is empty or truncated)' : `unexpected ${show(ch)}`);
  };
  const value = parseValue('', 0);
  ws();
  if (pos < text.length) fail(`unexpected ${show(text[pos])} after the end of the document`);
  return { value, locations };
}

// ---- production docker-compose.yml (Docker AL2023 platform) -----------------------------------

/*
 * The production compose file must be read by two Compose implementations: the platform's Docker
 * Compose v2 (5.x on Docker AL2023 4.13) and Debian's docker-compose 1.29.2, which local rehearsal
 * and the tests use as an independent oracle. The key tables below are the subset both accept; they
 * follow the compose_spec.json shipped with docker-compose 1.29.2 (compose/config/compose_spec.json),
 * which rejects newer keys such as top-level `name`/`include`, `develop`, `env_file` objects,
 * `ports[].host_ip` and `depends_on.<svc>.required`.
 */

const COMPOSE_TOP_LEVEL_KEYS = ['configs', 'networks', 'secrets', 'services', 'version', 'volumes'];

const COMPOSE_SERVICE_KEYS = [
  'blkio_config', 'build', 'cap_add', 'cap_drop', 'cgroup_parent', 'command', 'configs', 'container_name', 'cpu_count',
  'cpu_percent', 'cpu_period', 'cpu_quota', 'cpu_rt_period', 'cpu_rt_runtime', 'cpu_shares', 'cpus', 'cpuset',
  'credential_spec', 'depends_on', 'deploy', 'device_cgroup_rules', 'devices', 'dns', 'dns_opt', 'dns_search', 'domainname',
  'entrypoint', 'env_file', 'environment', 'expose', 'extends', 'external_links', 'extra_hosts', 'group_add', 'healthcheck',
  'hostname', 'image', 'init', 'ipc', 'isolation', 'labels', 'links', 'logging', 'mac_address', 'mem_limit',
  'mem_reservation', 'mem_swappiness', 'memswap_limit', 'network_mode', 'networks', 'oom_kill_disable', 'oom_score_adj',
  'pid', 'pids_limit', 'platform', 'ports', 'privileged', 'profiles', 'pull_policy', 'read_only', 'restart', 'runtime',
  'scale', 'secrets', 'security_opt', 'shm_size', 'stdin_open', 'stop_grace_period', 'stop_signal', 'storage_opt',
  'sysctls', 'tmpfs', 'tty', 'ulimits', 'user', 'userns_mode', 'volumes', 'volumes_from', 'working_dir',
];

const COMPOSE_BUILD_KEYS = ['args', 'cache_from', 'context', 'dockerfile', 'extra_hosts', 'isolation', 'labels', 'network', 'shm_size', 'target'];
const COMPOSE_PORT_KEYS = ['mode', 'protocol', 'published', 'target'];
const COMPOSE_VOLUME_KEYS = ['bind', 'consistency', 'read_only', 'source', 'target', 'tmpfs', 'type', 'volume'];
const COMPOSE_HEALTHCHECK_KEYS = ['disable', 'interval', 'retries', 'start_period', 'test', 'timeout'];
const COMPOSE_LIMIT_KEYS = ['cpus', 'memory'];
const COMPOSE_RESERVATION_KEYS = ['cpus', 'devices', 'generic_resources', 'memory'];

export interface ProductionComposeOptions {
  /**
   * POSIX paths (relative to the bundle root) of every file in the bundle. When given, relative
   * paths of the compose file (env files, bind mounts, build contexts, secret files) must exist in it.
   *
   * @default - paths are not checked against the bundle
   */
  readonly bundleFiles?: readonly string[];
}

/** Normalizes a relative path (`./a/../b` → `b`); `undefined` when it leaves the bundle root. */
function bundlePath(p: string): string | undefined {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

/**
 * Every problem of the production docker-compose.yml of the `docker` target (Docker AL2023
 * platform): what docker-compose 1.29.2 would refuse, the one service that must publish host port
 * 80, `.env` handling, and relative paths that would not exist in the bundle.
 */
export function validateProductionCompose(doc: unknown, options: ProductionComposeOptions = {}): ValidationIssue[] {
  const list = new IssueList();
  if (!isObject(doc)) {
    list.add([], 'compose/not-a-mapping', `a docker-compose.yml must be a mapping with a \`services\` key, not ${describe(doc)}`);
    return list.items;
  }
  const files = options.bundleFiles ? new Set(options.bundleFiles.map((f) => bundlePath(f) ?? f)) : undefined;
  const existsInBundle = (p: string): boolean => {
    if (!files) return true;
    if (p === '') return true;
    if (files.has(p)) return true;
    const prefix = p + '/';
    for (const f of files) if (f.startsWith(prefix)) return true;
    // a shipped directory covers the files below it (the planner lists only the directory)
    for (const f of files) if (p.startsWith(f + '/')) return true;
    return false;
  };
  const checkPath = (at: Segment[], p: string, what: string, kind: 'file' | 'directory' | 'bind'): void => {
    if (p.startsWith('/') || p.startsWith('~')) {
      if (kind !== 'bind') list.add(at, 'compose/absolute-path', `${what} ${describe(p)} is an absolute path of this machine; it does not exist on the instance, so use a path relative to the bundle root`);
      return;
    }
    const rel = bundlePath(p);
    if (rel === undefined) {
      list.add(at, 'compose/path-outside-bundle', `${what} ${describe(p)} points outside the bundle (the bundle root is /var/app/current on the instance); copy the file into the bundle and use a path below it`);
    } else if (!existsInBundle(rel)) {
      list.add(at, 'compose/missing-bundle-file', `${what} ${describe(p)} is not in the bundle; add ${rel} to the bundle or remove the reference`);
    }
  };
  const unknownKeys = (at: Segment[], obj: Record<string, unknown>, known: readonly string[], what: string): void => {
    for (const key of Object.keys(obj)) {
      if (key.startsWith('x-') || known.includes(key)) continue;
      const suggestion = suggestKey(key, known);
      list.add(
        [...at, key],
        'compose/unsupported-key',
        `\`${key}\` is not a key of ${what} that docker-compose 1.29.2 accepts${suggestion ? `; did you mean \`${suggestion}\`?` : '; remove it from the production compose file'}`,
      );
    }
  };

  unknownKeys([], doc, COMPOSE_TOP_LEVEL_KEYS, 'the top level');

  // version
  if (doc.version !== undefined) {
    const v = doc.version;
    if (typeof v !== 'string' || !/^[23](\.\d+)?$/.test(v)) {
      list.add(['version'], 'compose/invalid-version', `version ${describe(v)} is not accepted by docker-compose 1.29.2 (it wants a string such as "3.8"); remove the key, Compose v2 does not need it`);
    } else {
      list.add(['version'], 'compose/obsolete-version', 'the `version` key is obsolete: Docker Compose v2 on the platform ignores it with a warning; remove it', 'warning');
    }
  }

  if (!isObject(doc.services) || Object.keys(doc.services).length === 0) {
    list.add(['services'], 'compose/no-services', 'the production compose file needs a `services` mapping with at least one service');
    return sortIssues(list.items);
  }
  const services = doc.services;
  const serviceNames = Object.keys(services);
  const volumes = isObject(doc.volumes) ? doc.volumes : {};
  const webPublishers: string[] = [];
  const hostPorts = new Map<string, string>();
  const bundled = files?.has('.env') ?? false;

  for (const name of serviceNames) {
    const at: Segment[] = ['services', name];
    const svc = services[name];
    if (!/^[a-zA-Z0-9._-]+$/.test(name)) {
      list.add(at, 'compose/invalid-service-name', `service name ${describe(name)} may contain only letters, digits, '.', '_' and '-'`);
    }
    if (!isObject(svc)) {
      list.add(at, 'compose/wrong-type', `service ${describe(name)} must be a mapping, not ${describe(svc)}`);
      continue;
    }
    unknownKeys(at, svc, COMPOSE_SERVICE_KEYS, 'a service');

    // image / build
    if (svc.image === undefined && svc.build === undefined) {
      list.add([...at, 'image'], 'compose/image-missing', `service ${describe(name)} has neither image nor build; set the image URI`);
    }
    if (typeof svc.image === 'string') {
      if (svc.image.startsWith(IMAGE_PLACEHOLDER_PREFIX)) {
        list.add([...at, 'image'], 'dockerrun/image-placeholder', `service ${describe(name)} still has the placeholder image ${describe(svc.image)}; pass the real image URI (\`--image ${name}=<uri>\`) or deploy through the CDK stack`);
      } else if (!/\$/.test(svc.image) && !isValidImageReference(svc.image)) {
        list.add([...at, 'image'], 'compose/invalid-image', `service ${describe(name)} has image ${describe(svc.image)}, which is not a valid image reference`);
      }
    }
    if (typeof svc.build === 'string') {
      checkPath([...at, 'build'], svc.build, 'build context', 'directory');
    } else if (isObject(svc.build)) {
      unknownKeys([...at, 'build'], svc.build, COMPOSE_BUILD_KEYS, '`build`');
      if (typeof svc.build.context === 'string' && !/^[a-z]+:\/\//.test(svc.build.context) && !svc.build.context.startsWith('git@')) {
        checkPath([...at, 'build', 'context'], svc.build.context, 'build context', 'directory');
      }
    }

    // env_file
    const envFiles = typeof svc.env_file === 'string' ? [svc.env_file] : Array.isArray(svc.env_file) ? svc.env_file : svc.env_file === undefined ? [] : null;
    if (envFiles === null) {
      list.add([...at, 'env_file'], 'compose/wrong-type', 'env_file must be a path or a list of paths');
    } else {
      envFiles.forEach((f, i) => {
        const fat: Segment[] = typeof svc.env_file === 'string' ? [...at, 'env_file'] : [...at, 'env_file', i];
        if (typeof f !== 'string') {
          list.add(fat, 'compose/unsupported-key', `env_file entries must be paths; docker-compose 1.29.2 does not accept the long form ${describe(f)} (path/required)`);
          return;
        }
        const rel = bundlePath(f);
        if (rel === '.env') {
          if (bundled) {
            list.add(fat, 'compose/bundled-dotenv', 'the bundle contains a .env file, so Elastic Beanstalk will not write its environment properties (and secrets) into .env; remove .env from the bundle', 'warning');
          }
          return; // Elastic Beanstalk writes .env at the bundle root on deploy
        }
        checkPath(fat, f, 'env_file', 'file');
      });
    }

    // ports
    const ports = svc.ports === undefined ? [] : Array.isArray(svc.ports) ? svc.ports : null;
    if (ports === null) list.add([...at, 'ports'], 'compose/wrong-type', 'ports must be a list');
    (ports ?? []).forEach((p, i) => {
      const pat: Segment[] = [...at, 'ports', i];
      const parsed = parseComposePort(p);
      if ('error' in parsed) {
        list.add(pat, parsed.code, parsed.error);
        return;
      }
      if (isObject(p)) unknownKeys(pat, p, COMPOSE_PORT_KEYS, 'a port');
      for (const host of parsed.published) {
        const key = `${host}/${parsed.protocol}`;
        if (hostPorts.has(key) && hostPorts.get(key) !== name) {
          list.add(pat, 'compose/duplicate-host-port', `host port ${key} is also published by service ${describe(hostPorts.get(key))}; every host port can be published by one service`);
        }
        hostPorts.set(key, name);
        if (host === 80 && parsed.protocol === 'tcp') {
          if (parsed.hostIp && parsed.hostIp !== '0.0.0.0' && parsed.hostIp !== '::') {
            list.add(pat, 'compose/web-port-bound', `service ${describe(name)} publishes port 80 only on ${parsed.hostIp}; the load balancer cannot reach it there, so publish "80:<container port>" on all addresses`);
          }
          if (!webPublishers.includes(name)) webPublishers.push(name);
        }
      }
    });

    // volumes
    const vols = svc.volumes === undefined ? [] : Array.isArray(svc.volumes) ? svc.volumes : null;
    if (vols === null) list.add([...at, 'volumes'], 'compose/wrong-type', 'volumes must be a list');
    (vols ?? []).forEach((v, i) => {
      const vat: Segment[] = [...at, 'volumes', i];
      let type: string | undefined;
      let source: string | undefined;
      if (typeof v === 'string') {
        const parts = v.split(':');
        if (parts.length === 1) return; // anonymous volume
        source = parts[0];
        type = source.startsWith('/') || source.startsWith('.') || source.startsWith('~') ? 'bind' : 'volume';
      } else if (isObject(v)) {
        unknownKeys(vat, v, COMPOSE_VOLUME_KEYS, 'a volume mount');
        for (const [sub, allowed] of [['bind', ['propagation']], ['volume', ['nocopy']], ['tmpfs', ['size']]] as const) {
          if (isObject(v[sub])) unknownKeys([...vat, sub], v[sub] as Record<string, unknown>, allowed, `\`${sub}\``);
        }
        type = typeof v.type === 'string' ? v.type : undefined;
        source = typeof v.source === 'string' ? v.source : undefined;
      } else {
        list.add(vat, 'compose/wrong-type', `a volume mount must be a string or a mapping, not ${describe(v)}`);
        return;
      }
      // `${EB_LOG_BASE_DIR}/web` and other interpolated sources are resolved on the instance
      if (source === undefined || source === '' || source.includes('$')) return;
      if (type === 'bind') {
        if (source.startsWith('~')) {
          list.add(vat, 'compose/host-bind', `service ${describe(name)} bind-mounts ${describe(source)} from a home directory, which does not exist on the Elastic Beanstalk instance; use a path relative to the bundle`);
        } else if (!source.startsWith('/')) {
          checkPath(vat, source, 'bind mount source', 'bind');
        }
      } else if (type === 'volume' && !hasOwn(volumes, source)) {
        list.add(vat, 'compose/unknown-volume', `named volume ${describe(source)} is not declared under the top-level \`volumes\`; docker-compose refuses undeclared named volumes`);
      }
    });

    // depends_on and links
    if (Array.isArray(svc.depends_on)) {
      svc.depends_on.forEach((d, i) => {
        if (typeof d === 'string' && !hasOwn(services, d)) list.add([...at, 'depends_on', i], 'compose/unknown-service', `depends on ${describe(d)}, which is not a service of this file`);
      });
    } else if (isObject(svc.depends_on)) {
      for (const [d, cfg] of Object.entries(svc.depends_on)) {
        if (!hasOwn(services, d)) list.add([...at, 'depends_on', d], 'compose/unknown-service', `depends on ${describe(d)}, which is not a service of this file`);
        if (isObject(cfg)) unknownKeys([...at, 'depends_on', d], cfg, ['condition'], '`depends_on`');
      }
    }
    arrayOf(svc.links).forEach((l, i) => {
      if (typeof l === 'string' && !hasOwn(services, l.split(':')[0])) list.add([...at, 'links', i], 'compose/unknown-service', `links to ${describe(l.split(':')[0])}, which is not a service of this file`);
    });

    if (isObject(svc.healthcheck)) unknownKeys([...at, 'healthcheck'], svc.healthcheck, COMPOSE_HEALTHCHECK_KEYS, '`healthcheck`');
    if (isObject(svc.deploy) && isObject(svc.deploy.resources)) {
      for (const [k, allowed] of [['limits', COMPOSE_LIMIT_KEYS], ['reservations', COMPOSE_RESERVATION_KEYS]] as const) {
        const r = svc.deploy.resources[k];
        if (!isObject(r)) continue;
        unknownKeys([...at, 'deploy', 'resources', k], r, allowed, `\`deploy.resources.${k}\``);
        if (r.memory !== undefined && typeof r.memory !== 'string') {
          list.add([...at, 'deploy', 'resources', k, 'memory'], 'compose/wrong-type', `deploy.resources.${k}.memory must be a string with a unit such as "256M" (docker-compose 1.29.2 refuses numbers), not ${describe(r.memory)}`);
        }
      }
    }
  }

  for (const kind of ['secrets', 'configs'] as const) {
    const section = doc[kind];
    if (!isObject(section)) continue;
    for (const [n, cfg] of Object.entries(section)) {
      if (isObject(cfg) && typeof cfg.file === 'string') checkPath([kind, n, 'file'], cfg.file, `${kind.slice(0, -1)} file`, 'file');
    }
  }

  if (webPublishers.length === 0) {
    list.add(['services'], 'compose/no-web-port', 'no service publishes host port 80; the Docker platform routes load-balancer traffic to port 80 of the instance, so publish "80:<container port>" on the service that serves HTTP');
  } else if (webPublishers.length > 1) {
    list.add(['services'], 'compose/several-web-ports', `services ${webPublishers.map((s) => describe(s)).join(', ')} all publish host port 80; exactly one service (the web entry point) may`);
  }
  return sortIssues(list.items);
}

interface ParsedPort {
  readonly published: number[];
  readonly protocol: string;
  readonly hostIp?: string;
}

interface PortError {
  readonly error: string;
  readonly code: string;
}

/** Parses one compose `ports` entry as docker-compose 1.29.2 accepts it. */
function parseComposePort(p: unknown): ParsedPort | PortError {
  const invalid = (error: string): PortError => ({ error, code: 'compose/invalid-port' });
  const unsupported = (error: string): PortError => ({ error, code: 'compose/unsupported-syntax' });
  if (typeof p === 'number') return Number.isInteger(p) && p > 0 && p < 65536 ? { published: [], protocol: 'tcp' } : invalid(`invalid port ${describe(p)}`);
  if (typeof p === 'string') {
    const m = /^(?:(?:(\[[0-9a-fA-F:]+\]|[0-9.]+):)?(\d+(?:-\d+)?)?:)?(\d+(?:-\d+)?)(?:\/(tcp|udp|sctp))?$/.exec(p);
    if (!m) return invalid(`port ${describe(p)} is not [[host ip:]host port:]container port[/protocol]`);
    const published: number[] = [];
    if (m[2] !== undefined) {
      const [a, b] = m[2].split('-').map(Number);
      for (let x = a; x <= (b ?? a) && published.length < 65536; x++) published.push(x);
    }
    return { published, protocol: m[4] ?? 'tcp', hostIp: m[1]?.replace(/^\[|\]$/g, '') };
  }
  if (isObject(p)) {
    if (typeof p.target !== 'number') return invalid('a long-syntax port needs an integer `target`');
    // docker-compose 1.29.2 converts a numeric string, but not a range
    const published = typeof p.published === 'string' && /^\d+$/.test(p.published) ? Number(p.published) : p.published;
    if (published !== undefined && typeof published !== 'number') {
      return unsupported(`published ${describe(p.published)} must be one port number; docker-compose 1.29.2 does not accept a range in the long syntax`);
    }
    if (p.host_ip !== undefined) return unsupported('`host_ip` in the long port syntax is not accepted by docker-compose 1.29.2; use the short syntax "ip:host:container"');
    return { published: typeof published === 'number' ? [published] : [], protocol: typeof p.protocol === 'string' ? p.protocol : 'tcp' };
  }
  return invalid(`a port must be a string, a number or a mapping, not ${describe(p)}`);
}
