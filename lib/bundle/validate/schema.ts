/** The generated JSON-schema validators of Dockerrun v1 and v2, and their errors as readable issues. */
import v1Schema from '../../../schemas/dockerrun-v1.schema.json';
import v2Schema from '../../../schemas/dockerrun-v2.schema.json';
import { IssueList, decodePointer, describe, formatPath, valueAt, type Segment, type ValidationIssue } from './issues';
import { isObject } from '../../util/json';
import { schemaCheck } from '../../util/schema-check';
import { suggest } from '../../util/suggest';

// ---- the generated schema validators ----------------------------------------------------------

export interface AjvError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}
export type GeneratedValidator = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

let v1Validator: GeneratedValidator | undefined;
let v2Validator: GeneratedValidator | undefined;

/** The module a generated validator was compiled to (scripts/build-schemas.js), or a build hint. */
function unwrap(name: string, load: () => unknown): GeneratedValidator {
  try {
    const mod = load() as GeneratedValidator & { default?: GeneratedValidator };
    return mod.default ?? mod;
  } catch (e) {
    throw new Error(`${name}.js is missing: run \`npm run build\` (scripts/build-schemas.js) first (${(e as Error).message})`);
  }
}

export function schemaValidator(version: 1 | 2): GeneratedValidator {
  // literal requires: the CLI bundle (scripts/bundle-cli.js) resolves them at build time
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (version === 1) return (v1Validator ??= unwrap('dockerrun-v1-schema.generated', () => require('../dockerrun-v1-schema.generated')));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (v2Validator ??= unwrap('dockerrun-v2-schema.generated', () => require('../dockerrun-v2-schema.generated')));
}

// ---- schema errors → issues -------------------------------------------------------------------

/** The (sub)schema that describes the value at `segments`, following properties, items and local $refs. */
export function schemaAt(root: Record<string, unknown>, segments: readonly Segment[]): Record<string, unknown> | undefined {
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

export const TYPE_WORDS: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  array: 'an array',
  object: 'an object',
};

export function schemaIssues(doc: unknown, errors: readonly AjvError[], schema: Record<string, unknown>, version: 1 | 2): ValidationIssue[] {
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
        const suggestion = suggest(key, known);
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

export function versionIssue(doc: Record<string, unknown>, version: 1 | 2): ValidationIssue | undefined {
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

let v1Check: ((doc: unknown) => boolean) | undefined;
let v2Check: ((doc: unknown) => boolean) | undefined;

/** Whether the document is valid, answered without the generated validator (lib/util/schema-check.ts). */
function isValid(doc: unknown, version: 1 | 2): boolean {
  if (version === 1) return (v1Check ??= schemaCheck(v1Schema as Record<string, unknown>))(doc);
  return (v2Check ??= schemaCheck(v2Schema as Record<string, unknown>))(doc);
}

export function runSchema(doc: unknown, version: 1 | 2): ValidationIssue[] {
  if (isValid(doc, version)) return [];
  const validate = schemaValidator(version);
  if (validate(doc)) return [];
  const schema = (version === 1 ? v1Schema : v2Schema) as unknown as Record<string, unknown>;
  const errors = (validate.errors ?? []).filter((e) => e.instancePath !== '/AWSEBDockerrunVersion' && !(e.keyword === 'required' && e.params.missingProperty === 'AWSEBDockerrunVersion'));
  return schemaIssues(doc, errors, schema, version);
}

