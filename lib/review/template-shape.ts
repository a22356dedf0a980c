/**
 * The shape a CloudFormation template must have before the review reads it. A pull request controls
 * the head template (its CDK app writes it), so the template is untrusted input: a resource that is
 * `null`, `Properties` that are a string, a policy `Statement` that is `null` or a value nested a
 * hundred thousand levels deep made the review crash (exit 3). CloudFormation rejects all of these
 * too, so they are reported as the malformed input they are: a user error naming the file, the line
 * and column, the path in the template and the fix.
 *
 * Checked: the top-level sections are objects; every logical id is alphanumeric (CloudFormation's
 * rule, which also keeps the diagram's node ids distinct); every resource is an object with a
 * non-empty string `Type`, object `Properties` / `Metadata`, string `DeletionPolicy` /
 * `UpdateReplacePolicy` / `Condition`, string or string-list `DependsOn`; every policy document
 * anywhere in `Properties` (an object with a `Statement`) has an object or a list of objects as
 * `Statement`; values nest at most 64 levels.
 */
import { parseJsonWithLocations } from '../bundle/validate';
import { BeanstackError, type ErrorDetail, type SourceLocation } from '../errors';
import { toPointer } from '../compose/pointer';
import { isObject } from '../util/json';

type Json = Record<string, unknown>;

/** Deeper than any template CDK writes (about 15 levels); deep enough values would exhaust the stack. */
export const MAX_TEMPLATE_DEPTH = 64;

const SECTIONS = ['Resources', 'Parameters', 'Outputs', 'Conditions', 'Mappings', 'Rules', 'Metadata'];
const MAX_PROBLEMS = 20;

interface Problem {
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return v.length > 40 ? 'a string' : `the string ${JSON.stringify(v)}`;
  return `${typeof v} ${String(v)}`;
}

function human(path: ReadonlyArray<string | number>): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : /^[A-Za-z0-9_]+$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`)).join('');
}

/** The first level of `v` deeper than `max`, as a path, or undefined. Iterative: no recursion on data. */
function tooDeep(v: unknown, max: number): Array<string | number> | undefined {
  const stack: Array<{ v: unknown; path: Array<string | number> }> = [{ v, path: [] }];
  while (stack.length > 0) {
    const { v: x, path } = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    if (path.length >= max) return path;
    if (Array.isArray(x)) x.forEach((c, i) => stack.push({ v: c, path: [...path, i] }));
    else for (const k of Object.keys(x)) stack.push({ v: (x as Json)[k], path: [...path, k] });
  }
  return undefined;
}

/** Policy documents (objects with a `Statement`) below `v` whose statements are not objects. */
function policyProblems(v: unknown, path: Array<string | number>, out: Problem[]): void {
  if (out.length >= MAX_PROBLEMS) return;
  if (Array.isArray(v)) {
    v.forEach((c, i) => policyProblems(c, [...path, i], out));
    return;
  }
  if (!isObject(v)) return;
  if ('Statement' in v) {
    const st = v.Statement;
    const list = Array.isArray(st) ? st : [st];
    list.forEach((s, i) => {
      if (!isObject(s)) out.push({ path: Array.isArray(st) ? [...path, 'Statement', i] : [...path, 'Statement'], message: `is ${kind(s)}; a policy statement must be an object with Effect, Action and Resource` });
    });
  }
  for (const k of Object.keys(v)) policyProblems(v[k], [...path, k], out);
}

/** Every way `template` departs from the shape above (at most 20). */
export function templateProblems(template: unknown): Problem[] {
  const out: Problem[] = [];
  if (!isObject(template)) return [{ path: [], message: `is ${kind(template)}; a template must be a JSON object` }];
  const deep = tooDeep(template, MAX_TEMPLATE_DEPTH);
  if (deep) return [{ path: deep.slice(0, 8), message: `nests values more than ${MAX_TEMPLATE_DEPTH} levels deep` }];
  for (const s of SECTIONS) {
    if (s in template && !isObject(template[s])) out.push({ path: [s], message: `is ${kind(template[s])}; it must be an object` });
  }
  const resources = isObject(template.Resources) ? template.Resources : {};
  for (const [id, r] of Object.entries(resources)) {
    if (out.length >= MAX_PROBLEMS) break;
    const at = ['Resources', id];
    if (!/^[A-Za-z0-9]{1,255}$/.test(id)) out.push({ path: at, message: 'is not a valid logical id: CloudFormation allows only letters and digits (A-Za-z0-9)' });
    if (!isObject(r)) {
      out.push({ path: at, message: `is ${kind(r)}; a resource must be an object with a Type` });
      continue;
    }
    if (typeof r.Type !== 'string' || r.Type === '') out.push({ path: [...at, 'Type'], message: `is ${kind(r.Type)}; it must be a resource type such as AWS::S3::Bucket` });
    for (const k of ['Properties', 'Metadata']) if (k in r && !isObject(r[k])) out.push({ path: [...at, k], message: `is ${kind(r[k])}; it must be an object` });
    for (const k of ['DeletionPolicy', 'UpdateReplacePolicy', 'Condition']) if (k in r && typeof r[k] !== 'string') out.push({ path: [...at, k], message: `is ${kind(r[k])}; it must be a string` });
    if ('DependsOn' in r && typeof r.DependsOn !== 'string' && !(Array.isArray(r.DependsOn) && r.DependsOn.every((d) => typeof d === 'string'))) {
      out.push({ path: [...at, 'DependsOn'], message: `is ${kind(r.DependsOn)}; it must be a logical id or a list of them` });
    }
    if (isObject(r.Properties)) policyProblems(r.Properties, [...at, 'Properties'], out);
  }
  for (const s of ['Parameters', 'Outputs', 'Mappings', 'Rules']) {
    const section = template[s];
    if (!isObject(section)) continue;
    for (const [id, v] of Object.entries(section)) if (!isObject(v) && out.length < MAX_PROBLEMS) out.push({ path: [s, id], message: `is ${kind(v)}; it must be an object` });
  }
  return out.slice(0, MAX_PROBLEMS);
}

/**
 * Throws a user error (`review/template-shape`) listing every problem of `template` with its line and
 * column in `text`; returns when there is none.
 */
export function assertTemplateShape(template: unknown, text: string, file: string, stack: string): void {
  const problems = templateProblems(template);
  if (problems.length === 0) return;
  let locations: Readonly<Record<string, SourceLocation>> = {};
  try {
    locations = parseJsonWithLocations(text, file).locations;
  } catch {
    // duplicate keys or the like: positions unknown, the paths still say where
  }
  const locate = (path: ReadonlyArray<string | number>): SourceLocation => {
    for (let n = path.length; n >= 0; n--) {
      const loc = locations[toPointer(path.slice(0, n))];
      if (loc) return loc;
    }
    return { file, line: 1, column: 1 };
  };
  const details: ErrorDetail[] = problems.map((p) => ({ message: `${human(p.path) || '(the template)'} ${p.message}`, location: locate(p.path) }));
  const first = problems[0];
  throw new BeanstackError(`the template of stack ${stack} is malformed: ${details[0].message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, {
    code: 'review/template-shape',
    location: locate(first.path),
    fix: 'CloudFormation would reject this template too: fix the construct or the code that writes it, then synthesize again',
    details,
  });
}
