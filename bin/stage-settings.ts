/**
 * The stage of a synth and its per-stage settings from CDK context (read only by bin/app.ts):
 *
 *   -c stage=staging                 any stage name (constructs/stage.ts says which)
 *   -c preset=prod                   the stage's preset (dev or prod behaviour)
 *   "context": { "beanstack": { "stages": {
 *     "staging": { "preset": "prod", "instanceTypes": "t3.small", "cnamePrefix": "shop-staging" }
 *   } } }                            per-stage settings in cdk.json
 *
 * A stage's entry holds the same settings as the flat context keys of the app (plus `env`, an object
 * of plain environment properties). The stage's entry is the more specific one and wins over a flat
 * key of the same name; when both are set and differ, a warning says which value is used. (The CDK
 * merges cdk.json and `-c` into one context, so a flat key cannot be told from a `-c` flag.)
 *
 * Pure: the context comes in as data.
 */
import { BeanstackError } from '../lib/errors';
import { DEPLOYMENT_STAGES, DeploymentStage, defaultPreset, isDeploymentStage, stageNameProblem } from '../constructs/stage';
import { isObject } from '../lib/util/json';

/** The settings a stage's entry may hold, and their kind. */
export const STAGE_SETTINGS: Readonly<Record<string, 'preset' | 'string' | 'flag' | 'list' | 'env' | 'guard'>> = {
  preset: 'preset',
  account: 'string',
  region: 'string',
  target: 'string',
  cnamePrefix: 'string',
  instanceTypes: 'string',
  platformVersion: 'string',
  certificateArn: 'string',
  healthCheckPath: 'string',
  instanceSubnets: 'string',
  allowHttp: 'flag',
  requireDatabaseTls: 'flag',
  compose: 'list',
  profiles: 'list',
  env: 'env',
  // the cost guard's context (bin/shared/cost-guard-context.ts checks the fields): an object, a preset name or false
  sleep: 'guard',
  budget: 'guard',
  // the stage's own name and its hosted zone (docs/domain.md)
  domain: 'string',
  hostedZoneId: 'string',
  hostedZoneName: 'string',
  hostedZoneLookup: 'flag',
};

export interface StageContext {
  /** The stage's name. */
  readonly stage: string;
  /** The preset given (the stage's entry, else `-c preset`); undefined when none was. */
  readonly preset?: DeploymentStage;
  /** The preset in effect: `preset`, else `defaultPreset(stage)`. */
  readonly effectivePreset: DeploymentStage;
  /** The flat context with the stage's settings applied (`env: { A: '1' }` becomes `env.A`). */
  readonly context: Readonly<Record<string, unknown>>;
  /** Stages declared in cdk.json (`beanstack.stages`), sorted. */
  readonly declaredStages: readonly string[];
  /** Warnings: a flat key shadowed by the stage's entry, a stage without an entry. */
  readonly notes: readonly string[];
}

const CONFIG = 'cdk.json context beanstack';

function configError(where: string, problem: string, fix: string): BeanstackError {
  return new BeanstackError(`${CONFIG}${where} ${problem}`, { code: 'app/stage-config', fix });
}

/** The closest known setting to a misspelt one (`instanceType` → `instanceTypes`). */
function suggestion(key: string): string | undefined {
  const k = key.toLowerCase();
  return Object.keys(STAGE_SETTINGS).find((s) => s.toLowerCase() === k || s.toLowerCase().startsWith(k) || k.startsWith(s.toLowerCase()));
}

/** Checks one setting of a stage's entry; returns the flat context entries it stands for. */
function settingEntries(stage: string, key: string, value: unknown): [string, unknown][] {
  const where = `.stages.${stage}.${key}`;
  const kind = STAGE_SETTINGS[key];
  if (kind === undefined) {
    const near = suggestion(key);
    throw configError(where, 'is not a setting of a stage', `${near ? `did you mean ${near}? ` : ''}a stage's entry may hold ${Object.keys(STAGE_SETTINGS).join(', ')}`);
  }
  switch (kind) {
    case 'preset':
      if (!isDeploymentStage(value)) throw configError(where, `is ${JSON.stringify(value)}, not a preset`, `use ${DEPLOYMENT_STAGES.map((p) => `"${p}"`).join(' or ')}`);
      return [[key, value]];
    case 'string':
      if (typeof value !== 'string' || value.length === 0) throw configError(where, `is ${JSON.stringify(value)}, not a non-empty string`, `write it as a string, e.g. "${key}": "…"`);
      return [[key, value]];
    case 'flag':
      if (typeof value !== 'boolean') throw configError(where, `is ${JSON.stringify(value)}, not true or false`, `write "${key}": true or "${key}": false`);
      return [[key, value]];
    case 'list':
      if (typeof value === 'string' && value.length > 0) return [[key, value]];
      if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v.length > 0)) return [[key, value]];
      throw configError(where, `is ${JSON.stringify(value)}, not a list of names`, `write a list of strings, e.g. "${key}": ["a", "b"], or one comma-separated string`);
    case 'guard':
      if (!isObject(value) && value !== false && !(typeof value === 'string' && value.length > 0)) {
        throw configError(where, `is ${JSON.stringify(value)}, not an object, a name or false`, key === 'sleep' ? 'write e.g. "sleep": { "schedule": "nights-and-weekends", "timezone": "Europe/Berlin" }, or "sleep": false' : 'write e.g. "budget": { "monthly": 25, "email": ["ops@example.com"] }, or "budget": false');
      }
      return [[key, value]];
    case 'env':
      if (!isObject(value)) throw configError(where, `is ${JSON.stringify(value)}, not an object`, `write plain environment properties as "env": { "NAME": "value" }`);
      return Object.keys(value).sort().map((name) => {
        const v = value[name];
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
          throw configError(`${where}.${name}`, `is ${JSON.stringify(v)}, not a string`, `write "${name}": "value"`);
        }
        return [`env.${name}`, String(v)];
      });
  }
}

/** Parses `beanstack` of the context (an object in cdk.json, or JSON text from `-c beanstack=…`). */
function stagesConfig(raw: unknown): Record<string, Record<string, unknown>> {
  if (raw === undefined || raw === null || raw === '') return {};
  let config = raw;
  if (typeof raw === 'string') {
    try {
      config = JSON.parse(raw);
    } catch {
      throw configError('', 'is text that is not JSON', 'set it in cdk.json as an object: "beanstack": { "stages": { "staging": { "preset": "prod" } } }');
    }
  }
  if (!isObject(config)) throw configError('', `is ${JSON.stringify(config)}, not an object`, 'write "beanstack": { "stages": { "<stage>": { … } } }');
  for (const key of Object.keys(config)) {
    if (key !== 'stages') throw configError(`.${key}`, 'is not a beanstack setting', 'the beanstack context holds "stages": { "<stage>": { … } }');
  }
  const stages = config.stages ?? {};
  if (!isObject(stages)) throw configError('.stages', `is ${JSON.stringify(stages)}, not an object`, 'write "stages": { "staging": { "preset": "prod" } }');
  const out: Record<string, Record<string, unknown>> = {};
  for (const name of Object.keys(stages).sort()) {
    const problem = stageNameProblem(name);
    if (problem !== undefined) {
      throw configError(`.stages.${name}`, 'is not a valid stage name', problem.slice(problem.indexOf('; ') + 2));
    }
    const entry = stages[name];
    if (!isObject(entry)) throw configError(`.stages.${name}`, `is ${JSON.stringify(entry)}, not an object`, `write "${name}": { "preset": "prod", … }`);
    for (const [k, v] of Object.entries(entry)) settingEntries(name, k, v);
    out[name] = entry;
  }
  return out;
}

/** The stage of this synth, its preset, and the context with its settings applied. */
export function resolveStage(context: Readonly<Record<string, unknown>>): StageContext {
  const rawStage = context.stage;
  const stage = rawStage === undefined || rawStage === null || rawStage === '' ? 'dev' : typeof rawStage === 'string' ? rawStage : String(rawStage);
  const problem = stageNameProblem(stage);
  if (problem !== undefined) {
    const i = problem.indexOf('; ');
    throw new BeanstackError(`context stage ${problem.slice(0, i)}`, { code: 'app/stage', fix: `${problem.slice(i + 2)}: -c stage=<name>` });
  }
  const stages = stagesConfig(context.beanstack);
  const declaredStages = Object.keys(stages);
  const notes: string[] = [];
  const entry = stages[stage];
  if (entry === undefined && declaredStages.length > 0 && !isDeploymentStage(stage)) {
    notes.push(`stage '${stage}' has no entry in ${CONFIG}.stages (declared: ${declaredStages.join(', ')}), so none of those settings apply; check the name or add "${stage}": { … }`);
  }
  const merged: Record<string, unknown> = { ...context };
  for (const key of Object.keys(entry ?? {}).sort()) {
    for (const [flat, value] of settingEntries(stage, key, entry![key])) {
      const before = context[flat];
      if (before !== undefined && before !== null && before !== '' && String(before) !== String(value)) {
        notes.push(`${CONFIG}.stages.${stage}.${key} (${JSON.stringify(value)}) is used instead of the context value ${flat}=${JSON.stringify(before)}; remove one of them to silence this`);
      }
      merged[flat] = value;
    }
  }
  const rawPreset = merged.preset;
  let preset: DeploymentStage | undefined;
  if (rawPreset !== undefined && rawPreset !== null && rawPreset !== '') {
    if (!isDeploymentStage(rawPreset)) {
      throw new BeanstackError(`context preset '${String(rawPreset)}' is not a preset`, { code: 'app/preset', fix: 'use -c preset=dev or -c preset=prod' });
    }
    preset = rawPreset;
  }
  return { stage, ...(preset ? { preset } : {}), effectivePreset: preset ?? defaultPreset(stage), context: merged, declaredStages, notes };
}
