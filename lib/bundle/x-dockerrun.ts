/**
 * The `x-dockerrun` extension fields that `beanstack import` writes: the Dockerrun fields compose
 * cannot express, kept verbatim so that `beanstack dockerrun` writes them again (docs/import.md).
 *
 * Service level (`services.<name>.x-dockerrun`): Dockerrun v2 container fields (`secrets` references,
 * the Beanstalk log volume `mountPoints`, the rest of `linuxParameters`, `logConfiguration.secretOptions`,
 * port-range `portMappings`, and ECS fields such as `startTimeout`) and Dockerrun v1 fields (`Logging`,
 * `Image: { Update: "false" }`). Top level (`x-dockerrun`): `executionRoleArn` and `authentication` (v2),
 * `Authentication` (v1). Field names are Dockerrun's (camelCase), as import writes them.
 */
import type { ComposeProject } from '../compose/model';
import type { ErrorDetail } from '../errors';
import { escapeSegment } from '../compose/pointer';
import { locate } from './locations';
import type { BundleTarget } from './types';
import { isObject } from '../util/json';

export const DOCKERRUN_EXTENSION = 'x-dockerrun';

/** A secret of a container: the variable and the Secrets Manager / SSM reference it is read from. */
export interface DockerrunSecretRef {
  readonly name: string;
  readonly valueFrom: string;
}

/** A mount of one of Elastic Beanstalk's log volumes (`awseb-logs-<container>`). */
export interface DockerrunLogMount {
  readonly sourceVolume: string;
  readonly containerPath: string;
  readonly readOnly?: boolean;
}

/** What `services.<name>.x-dockerrun` is read back as. */
export interface ServiceDockerrun {
  readonly secrets: readonly DockerrunSecretRef[];
  readonly logMounts: readonly DockerrunLogMount[];
  /** `linuxParameters` fields compose has no key for (written verbatim). */
  readonly linuxParameters?: Readonly<Record<string, unknown>>;
  readonly logSecretOptions: readonly DockerrunSecretRef[];
  /** Port mappings with ranges (written verbatim). */
  readonly portMappings: readonly Readonly<Record<string, unknown>>[];
  /** ECS container fields written verbatim (`startTimeout`, `restartPolicy`, ...), sorted by name. */
  readonly verbatim: Readonly<Record<string, unknown>>;
  /** v1: `Logging` (the container's log directory). */
  readonly v1Logging?: string;
  /** v1: `Image.Update: "false"`. */
  readonly v1NoUpdate: boolean;
  /** The fields given, for messages. */
  readonly fields: readonly string[];
}

/** What the top-level `x-dockerrun` is read back as. */
export interface ProjectDockerrun {
  readonly executionRoleArn?: string;
  readonly authentication?: { readonly bucket: string; readonly key: string };
  readonly v1Authentication?: { readonly Bucket: string; readonly Key: string };
  readonly fields: readonly string[];
}

/** ECS container-definition fields import keeps verbatim (lib/bundle/import.ts UNMAPPED_REASONS and the rest). */
export const VERBATIM_CONTAINER_FIELDS: readonly string[] = [
  'credentialSpecs', 'disableNetworking', 'environmentFiles', 'firelensConfiguration', 'repositoryCredentials', 'resourceRequirements',
  'restartPolicy', 'startTimeout', 'versionConsistency',
];
const SERVICE_FIELDS = ['Image', 'Logging', 'linuxParameters', 'logConfiguration', 'mountPoints', 'portMappings', 'secrets', ...VERBATIM_CONTAINER_FIELDS].sort();
const PROJECT_FIELDS = ['Authentication', 'authentication', 'executionRoleArn'];

/** The x-dockerrun fields (service and top level) each target writes again. */
export const DOCKERRUN_FIELDS_OF = {
  ecs: ['authentication', 'executionRoleArn', 'linuxParameters', 'logConfiguration', 'mountPoints', 'portMappings', 'secrets', ...VERBATIM_CONTAINER_FIELDS],
  single: ['Authentication', 'Image', 'Logging'],
  docker: [],
} as const satisfies Record<BundleTarget, readonly string[]>;

type Json = Record<string, unknown>;

class Reader {
  constructor(private readonly project: ComposeProject, readonly pointer: string, private readonly problems: ErrorDetail[], private readonly label: string) {}

  fail(field: string, message: string): void {
    const shown = field === '' ? '' : field.split('/').map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('');
    this.problems.push({ message: `${this.label}${shown}: ${message}`, location: locate(this.project, field === '' ? this.pointer : `${this.pointer}/${field}`) });
  }

  unknown(raw: Json, allowed: readonly string[]): void {
    for (const key of Object.keys(raw).sort()) if (!allowed.includes(key)) this.fail(key, `unknown field; the fields are ${allowed.join(', ')}`);
  }

  /** A mapping of exactly string fields `keys`. */
  strings<K extends string>(value: unknown, field: string, keys: readonly K[]): Record<K, string> | undefined {
    if (!isObject(value)) {
      this.fail(field, `expected a mapping with ${keys.join(' and ')}, got ${JSON.stringify(value)}`);
      return undefined;
    }
    let ok = true;
    for (const k of keys) {
      if (typeof value[k] !== 'string' || value[k] === '') {
        this.fail(`${field}/${k}`, `expected a non-empty string, got ${JSON.stringify(value[k])}`);
        ok = false;
      }
    }
    for (const k of Object.keys(value).sort()) {
      if (!(keys as readonly string[]).includes(k)) {
        this.fail(`${field}/${k}`, `unknown field; the fields are ${keys.join(', ')}`);
        ok = false;
      }
    }
    return ok ? (Object.fromEntries(keys.map((k) => [k, value[k] as string])) as Record<K, string>) : undefined;
  }

  list(value: unknown, field: string): unknown[] {
    if (Array.isArray(value)) return value;
    this.fail(field, `expected a list, got ${JSON.stringify(value)}`);
    return [];
  }

  refs(value: unknown, field: string): DockerrunSecretRef[] {
    const out: DockerrunSecretRef[] = [];
    this.list(value, field).forEach((s, i) => {
      const ref = this.strings(s, `${field}/${i}`, ['name', 'valueFrom'] as const);
      if (ref) out.push(ref);
    });
    return out;
  }
}

/** Reads `services.<service>.x-dockerrun`; problems (each located) go to `problems`. */
export function parseServiceDockerrun(project: ComposeProject, service: string, problems: ErrorDetail[]): ServiceDockerrun | undefined {
  const raw = project.services[service]?.extensions[DOCKERRUN_EXTENSION];
  if (raw === undefined || raw === null) return undefined;
  const r = new Reader(project, `/services/${escapeSegment(service)}/${DOCKERRUN_EXTENSION}`, problems, `services.${service}.${DOCKERRUN_EXTENSION}`);
  if (!isObject(raw)) {
    r.fail('', 'expected a mapping of Dockerrun fields (beanstack import writes it)');
    return undefined;
  }
  r.unknown(raw, SERVICE_FIELDS);
  const secrets = 'secrets' in raw ? r.refs(raw.secrets, 'secrets') : [];
  const logMounts: DockerrunLogMount[] = [];
  if ('mountPoints' in raw) {
    r.list(raw.mountPoints, 'mountPoints').forEach((m, i) => {
      const at = `mountPoints/${i}`;
      const readOnly = isObject(m) ? m.readOnly : undefined;
      const mount = r.strings(isObject(m) ? Object.fromEntries(Object.entries(m).filter(([k]) => k !== 'readOnly')) : m, at, ['containerPath', 'sourceVolume'] as const);
      if (readOnly !== undefined && typeof readOnly !== 'boolean') r.fail(`${at}/readOnly`, `expected true or false, got ${JSON.stringify(readOnly)}`);
      if (!mount) return;
      if (!mount.sourceVolume.startsWith('awseb-logs-')) {
        r.fail(`${at}/sourceVolume`, `only Elastic Beanstalk's log volumes (awseb-logs-<container>) are kept here, got "${mount.sourceVolume}"; mount other volumes with the service's \`volumes\``);
        return;
      }
      if (!mount.containerPath.startsWith('/')) {
        r.fail(`${at}/containerPath`, `expected an absolute container path, got "${mount.containerPath}"`);
        return;
      }
      logMounts.push({ containerPath: mount.containerPath, sourceVolume: mount.sourceVolume, ...(readOnly === true ? { readOnly: true } : {}) });
    });
  }
  let linuxParameters: Json | undefined;
  if ('linuxParameters' in raw) {
    if (isObject(raw.linuxParameters)) linuxParameters = raw.linuxParameters;
    else r.fail('linuxParameters', `expected a mapping of ECS linuxParameters fields, got ${JSON.stringify(raw.linuxParameters)}`);
  }
  let logSecretOptions: DockerrunSecretRef[] = [];
  if ('logConfiguration' in raw) {
    const lc = raw.logConfiguration;
    if (!isObject(lc)) r.fail('logConfiguration', `expected a mapping with secretOptions, got ${JSON.stringify(lc)}`);
    else {
      for (const k of Object.keys(lc)) if (k !== 'secretOptions') r.fail(`logConfiguration/${k}`, 'unknown field; the fields are secretOptions (set the log driver and options with `logging`)');
      if ('secretOptions' in lc) logSecretOptions = r.refs(lc.secretOptions, 'logConfiguration/secretOptions');
    }
  }
  const portMappings: Json[] = [];
  if ('portMappings' in raw) {
    r.list(raw.portMappings, 'portMappings').forEach((p, i) => {
      if (isObject(p)) portMappings.push(p);
      else r.fail(`portMappings/${i}`, `expected an ECS port mapping, got ${JSON.stringify(p)}`);
    });
  }
  const verbatim: Json = {};
  for (const k of VERBATIM_CONTAINER_FIELDS) if (k in raw) verbatim[k] = raw[k];
  let v1Logging: string | undefined;
  if ('Logging' in raw) {
    if (typeof raw.Logging === 'string' && raw.Logging.startsWith('/')) v1Logging = raw.Logging;
    else r.fail('Logging', `expected the container's absolute log directory, got ${JSON.stringify(raw.Logging)}`);
  }
  let v1NoUpdate = false;
  if ('Image' in raw) {
    if (isObject(raw.Image) && Object.keys(raw.Image).length === 1 && raw.Image.Update === 'false') v1NoUpdate = true;
    else r.fail('Image', `expected { Update: "false" }, got ${JSON.stringify(raw.Image)}`);
  }
  return {
    secrets, logMounts, ...(linuxParameters ? { linuxParameters } : {}), logSecretOptions, portMappings, verbatim,
    ...(v1Logging !== undefined ? { v1Logging } : {}), v1NoUpdate, fields: Object.keys(raw).sort(),
  };
}

/** Reads the top-level `x-dockerrun`; problems (each located) go to `problems`. */
export function parseProjectDockerrun(project: ComposeProject, problems: ErrorDetail[]): ProjectDockerrun | undefined {
  const raw = project.extensions[DOCKERRUN_EXTENSION];
  if (raw === undefined || raw === null) return undefined;
  const r = new Reader(project, `/${DOCKERRUN_EXTENSION}`, problems, DOCKERRUN_EXTENSION);
  if (!isObject(raw)) {
    r.fail('', 'expected a mapping of Dockerrun fields (beanstack import writes it)');
    return undefined;
  }
  r.unknown(raw, PROJECT_FIELDS);
  let executionRoleArn: string | undefined;
  if ('executionRoleArn' in raw) {
    if (typeof raw.executionRoleArn === 'string' && /^arn:\S+:iam::\S*:role\/\S+$/.test(raw.executionRoleArn)) executionRoleArn = raw.executionRoleArn;
    else r.fail('executionRoleArn', `expected an IAM role ARN (arn:aws:iam::<account>:role/<name>), got ${JSON.stringify(raw.executionRoleArn)}`);
  }
  const authentication = 'authentication' in raw ? r.strings(raw.authentication, 'authentication', ['bucket', 'key'] as const) : undefined;
  const v1Authentication = 'Authentication' in raw ? r.strings(raw.Authentication, 'Authentication', ['Bucket', 'Key'] as const) : undefined;
  return {
    ...(executionRoleArn !== undefined ? { executionRoleArn } : {}),
    ...(authentication ? { authentication } : {}),
    ...(v1Authentication ? { v1Authentication } : {}),
    fields: Object.keys(raw).sort(),
  };
}
