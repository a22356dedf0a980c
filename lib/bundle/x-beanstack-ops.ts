/**
 * The top-level `x-beanstack.scaling` and `x-beanstack.alerts` fields: how many instances run and
 * what adds or removes one, and who hears about it when the environment or its database is unwell.
 * Parsed here, applied by the constructs (constructs/scaling.ts, constructs/alarms.ts); problems are
 * collected with the compose file location, like every other `x-beanstack` field (docs/x-beanstack.md).
 */
import type { ComposeProject } from '../compose/model';
import type { ErrorDetail } from '../errors';
import { locate } from './locations';
import { isObject } from '../util/json';

/** `x-beanstack.scaling`. */
export interface ScalingOverrides {
  /** Fewest instances (Auto Scaling MinSize). */
  readonly min?: number;
  /** Most instances (Auto Scaling MaxSize). */
  readonly max?: number;
  /** Average CPU percent of the instances above which one is added. */
  readonly cpu?: number;
  /** Requests a minute, of the whole environment, above which an instance is added. */
  readonly requests?: number;
}

/** The alarms whose thresholds can be set, in x-beanstack's snake_case. */
export const ALARM_THRESHOLD_FIELDS = [
  'database_connections',
  'database_cpu_percent',
  'database_free_memory_mib',
  'database_free_storage_gib',
  'environment_health',
  'http_5xx_percent',
  'response_time_seconds',
] as const;

export type AlarmThresholdField = (typeof ALARM_THRESHOLD_FIELDS)[number];

/** `x-beanstack.alerts`. */
export interface AlertsOverrides {
  /** Addresses subscribed by email to the stack's alert topic. */
  readonly email?: readonly string[];
  /** An existing SNS topic to send the alerts to instead of a new one. */
  readonly topicArn?: string;
  /** Threshold per alarm, overriding the one derived from the instance classes. */
  readonly thresholds?: Readonly<Partial<Record<AlarmThresholdField, number>>>;
}

const SCALING_FIELDS = ['cpu', 'max', 'min', 'requests'];
const ALERT_FIELDS = ['email', 'thresholds', 'topic_arn'];

/** A plausible email address (SNS checks it for real when it sends the confirmation). */
export const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;
/** An SNS topic ARN. */
export const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

function reporter(project: ComposeProject, problems: ErrorDetail[], field: string) {
  const pointer = `/x-beanstack/${field}`;
  return (sub: string | undefined, message: string): void => {
    const at = sub === undefined ? pointer : `${pointer}/${sub}`;
    const shown = sub === undefined ? '' : sub.split('/').map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('');
    problems.push({ message: `x-beanstack.${field}${shown}: ${message}`, location: locate(project, at) });
  };
}

function unknownFields(raw: Record<string, unknown>, allowed: readonly string[], fail: (sub: string, message: string) => void): void {
  for (const key of Object.keys(raw).sort()) {
    if (!allowed.includes(key)) fail(key, `unknown field; the fields are ${allowed.join(', ')}`);
  }
}

/** A number, or a string holding one (compose interpolation yields strings). */
function numeric(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

/** Reads `x-beanstack.scaling` (undefined when absent); cross-field rules that need the stage are the construct's. */
export function parseScaling(project: ComposeProject, raw: unknown, problems: ErrorDetail[]): ScalingOverrides | undefined {
  if (raw === undefined || raw === null) return undefined;
  const fail = reporter(project, problems, 'scaling');
  if (!isObject(raw)) {
    fail(undefined, 'expected a mapping such as { min: 2, max: 4, cpu: 60 }');
    return undefined;
  }
  unknownFields(raw, SCALING_FIELDS, fail);
  const out: { -readonly [K in keyof ScalingOverrides]: ScalingOverrides[K] } = {};
  for (const key of ['min', 'max'] as const) {
    if (!(key in raw)) continue;
    const n = numeric(raw[key]);
    if (n === undefined || !Number.isInteger(n) || n < 1) fail(key, `expected a whole number of instances, at least 1, got ${JSON.stringify(raw[key])}`);
    else out[key] = n;
  }
  if ('cpu' in raw) {
    const n = numeric(raw.cpu);
    if (n === undefined || n < 1 || n > 100) fail('cpu', `expected an average CPU percent from 1 to 100, got ${JSON.stringify(raw.cpu)}`);
    else out.cpu = n;
  }
  if ('requests' in raw) {
    const n = numeric(raw.requests);
    if (n === undefined || !Number.isInteger(n) || n < 1) fail('requests', `expected a whole number of requests a minute, at least 1, got ${JSON.stringify(raw.requests)}`);
    else out.requests = n;
  }
  if (out.cpu !== undefined && out.requests !== undefined) {
    fail('requests', 'give one scaling target, cpu or requests: Elastic Beanstalk scales on one metric; remove one of them');
  }
  if (out.min !== undefined && out.max !== undefined && out.min > out.max) {
    fail('min', `min (${out.min}) is larger than max (${out.max}); lower min or raise max`);
  }
  return out;
}

/** Reads `x-beanstack.alerts` (undefined when absent). */
export function parseAlerts(project: ComposeProject, raw: unknown, problems: ErrorDetail[]): AlertsOverrides | undefined {
  if (raw === undefined || raw === null) return undefined;
  const fail = reporter(project, problems, 'alerts');
  if (!isObject(raw)) {
    fail(undefined, 'expected a mapping such as { email: [ops@example.com] }');
    return undefined;
  }
  unknownFields(raw, ALERT_FIELDS, fail);
  const out: { -readonly [K in keyof AlertsOverrides]: AlertsOverrides[K] } = {};
  if ('email' in raw) {
    const v = typeof raw.email === 'string' ? [raw.email] : raw.email;
    if (!Array.isArray(v) || v.length === 0) {
      fail('email', 'expected an email address or a list of them, e.g. [ops@example.com]');
    } else {
      const emails: string[] = [];
      v.forEach((e, i) => {
        if (typeof e === 'string' && EMAIL.test(e.trim())) emails.push(e.trim());
        else fail(Array.isArray(raw.email) ? `email/${i}` : 'email', `${JSON.stringify(e)} is not an email address`);
      });
      out.email = [...new Set(emails)].sort();
    }
  }
  if ('topic_arn' in raw) {
    if (typeof raw.topic_arn === 'string' && TOPIC_ARN.test(raw.topic_arn)) out.topicArn = raw.topic_arn;
    else fail('topic_arn', `expected an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), got ${JSON.stringify(raw.topic_arn)}`);
  }
  if ('thresholds' in raw) {
    const t = raw.thresholds;
    if (!isObject(t)) {
      fail('thresholds', `expected a mapping of alarm: threshold; the alarms are ${ALARM_THRESHOLD_FIELDS.join(', ')}`);
    } else {
      const thresholds: Partial<Record<AlarmThresholdField, number>> = {};
      for (const key of Object.keys(t).sort()) {
        if (!(ALARM_THRESHOLD_FIELDS as readonly string[]).includes(key)) {
          fail(`thresholds/${key}`, `unknown alarm; the alarms are ${ALARM_THRESHOLD_FIELDS.join(', ')}`);
          continue;
        }
        const n = numeric(t[key]);
        if (n === undefined || n <= 0) fail(`thresholds/${key}`, `expected a positive number, got ${JSON.stringify(t[key])}`);
        else thresholds[key as AlarmThresholdField] = n;
      }
      out.thresholds = thresholds;
    }
  }
  if (out.email === undefined && out.topicArn === undefined) {
    fail(undefined, 'names nobody to alert; give email: [address, ...] or topic_arn: <an existing SNS topic>');
  }
  return out;
}
