/**
 * Runtime validation of construct props. TypeScript checks types only at compile time; a JavaScript
 * or transpile-only app can pass anything (`preset: 'production'` would otherwise build a dev
 * database). Each construct declares a checker per prop; a bad value throws a `propsError` that names
 * the construct, the prop, the value given and the fix, before anything is created.
 *
 * Tokens (values resolved at deploy time) pass: they cannot be checked at synth.
 */
import { Token } from 'aws-cdk-lib';
import { BeanstackError } from '../lib/errors';
import { DEPLOYMENT_STAGES, stageNameProblem } from './stage';

/** The id of every construct-level warning starts with this (R5: stable ids tests can assert). */
export const WARNING_PREFIX = '@beanstack/constructs';

/**
 * A construct prop is invalid (R4). The message names the prop and what was given; the text after the
 * first `; ` is the fix. A `BeanstackError` (code `constructs/props`), so the CDK app reports it as a
 * user error (exit 2) rather than a crash.
 */
export function propsError(text: string): BeanstackError {
  const i = text.indexOf('; ');
  return i < 0
    ? new BeanstackError(text, { code: 'constructs/props' })
    : new BeanstackError(text.slice(0, i), { code: 'constructs/props', fix: text.slice(i + 2) });
}

/** A cross-prop rule of a construct (aws-rds keeps them as such a table): when `condition` holds, the props are refused with `message`. */
export interface PropsRule {
  readonly condition: boolean;
  /** What is wrong, naming the prop and the value; the fix after `; `. */
  readonly message: string;
}

/** Throws the `propsError` of the first rule whose condition holds. */
export function checkRules(rules: readonly PropsRule[]): void {
  const broken = rules.find((r) => r.condition);
  if (broken) throw propsError(broken.message);
}

/** Checks one prop value; returns what is wrong with it and the fix (`problem; fix`), or undefined when it is valid. */
export type PropCheck = (value: unknown) => string | undefined;

const show = (v: unknown): string => {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (Array.isArray(v)) return 'a list';
  return `a ${typeof v}`;
};

/** One of a fixed set of strings. */
export function oneOf(allowed: readonly string[]): PropCheck {
  return (v) => (typeof v === 'string' && allowed.includes(v) ? undefined : `is ${show(v)}, not one of the allowed values; use ${allowed.map((a) => `'${a}'`).join(' or ')}`);
}

export const bool: PropCheck = (v) => (typeof v === 'boolean' ? undefined : `is ${show(v)}, not a boolean; use true or false`);

/** A number (the construct checks its range with a message of its own). */
export const num: PropCheck = (v) => (typeof v === 'number' ? undefined : `is ${show(v)}, not a number; use a number`);

/** An integer from `min` to `max`. */
export function int(min: number, max: number): PropCheck {
  return (v) => (typeof v === 'number' && (Token.isUnresolved(v) || (Number.isInteger(v) && v >= min && v <= max)) ? undefined : `is ${show(v)}; use a whole number from ${min} to ${max}`);
}

/** A string (non-empty unless `allowEmpty`), optionally matching `pattern` (described by `hint`). */
export function str(pattern?: RegExp, hint?: string): PropCheck {
  return (v) => {
    if (typeof v !== 'string') return `is ${show(v)}, not a string; use ${hint ?? 'a string'}`;
    if (Token.isUnresolved(v)) return undefined;
    if (v.length === 0) return `is empty; use ${hint ?? 'a non-empty string'}`;
    return pattern && !pattern.test(v) ? `is '${v}'; use ${hint}` : undefined;
  };
}

/** Any string, empty included (environment variable values). */
export const anyString: PropCheck = (v) => (typeof v === 'string' ? undefined : `is ${show(v)}, not a string; use a string`);

/** A list whose items pass `item`. */
export function listOf(item: PropCheck, hint: string): PropCheck {
  return (v) => {
    if (!Array.isArray(v)) return `is ${show(v)}, not a list; use ${hint}`;
    for (let i = 0; i < v.length; i++) {
      const p = item(v[i]);
      if (p !== undefined) return `[${i}] ${p}`;
    }
    return undefined;
  };
}

/** A plain object whose values pass `value`. */
export function recordOf(value: PropCheck, hint: string): PropCheck {
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return `is ${show(v)}, not an object; use ${hint}`;
    for (const k of Object.keys(v)) {
      const p = value((v as Record<string, unknown>)[k]);
      if (p !== undefined) return `['${k}'] ${p}`;
    }
    return undefined;
  };
}

/** An object that has the members of an aws-cdk-lib interface (`IVpc` has `vpcId`, …). */
export function cdkObject(kind: string, ...members: string[]): PropCheck {
  return (v) => (typeof v === 'object' && v !== null && members.every((m) => m in v) ? undefined : `is ${show(v)}, not ${kind}; pass ${kind} (an aws-cdk-lib object)`);
}

/** Any plain object (subnet selections, compose projects). */
export function object(hint: string): PropCheck {
  return (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? undefined : `is ${show(v)}; use ${hint}`);
}

/**
 * Checks `props` against `checks` (undefined values are defaults and pass; `required` props must be
 * present). Throws on the first problem: `Database prop \`stage\` is 'production', …; use 'dev' or 'prod'`.
 */
export function checkProps(construct: string, props: unknown, checks: Readonly<Record<string, PropCheck>>, required: readonly string[] = []): void {
  if (props !== undefined && (typeof props !== 'object' || props === null || Array.isArray(props))) {
    throw propsError(`${construct} props are ${show(props)}; pass an object of props`);
  }
  const p = (props ?? {}) as Record<string, unknown>;
  for (const name of required) {
    if (p[name] === undefined) throw propsError(`${construct} prop \`${name}\` is required; pass it`);
  }
  for (const name of Object.keys(checks)) {
    const v = p[name];
    if (v === undefined) continue;
    const problem = checks[name](v);
    if (problem !== undefined) throw propsError(`${construct} prop \`${name}\` ${problem}`);
  }
}

/** Checkers shared by several constructs. */
export const COMMON = {
  stage: oneOf(DEPLOYMENT_STAGES),
  /** Any stage name (ComposeApplication, BeanstackStack); the others take a preset as `stage`. */
  stageName: stageNameProblem as PropCheck,
  vpc: cdkObject('an ec2.IVpc', 'vpcId', 'isolatedSubnets', 'publicSubnets'),
  securityGroup: cdkObject('an ec2.ISecurityGroup', 'securityGroupId', 'connections'),
  instanceType: cdkObject('an ec2.InstanceType', 'toString'),
  instanceSubnets: oneOf(['public', 'private']),
  subnets: object('an ec2.SubnetSelection such as { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }'),
} as const;
