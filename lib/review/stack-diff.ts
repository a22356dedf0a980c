/**
 * Diffs one stack's base and head templates with `@aws-cdk/cloudformation-diff` and turns the result
 * into plain data: resource changes with their properties' old → new values (booleans included),
 * CDK noise removed (AWS::CDK::Metadata, the CheckBootstrapVersion rule, the BootstrapVersion
 * parameter), asset-hash-only changes marked and explained by the asset they point to.
 */
import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import type { ResourceDifference, TemplateDiff } from '@aws-cdk/cloudformation-diff';
import { BeanstackError, printable } from '../errors';
import type { Assembly, StackArtifact, Template, TemplateResource } from './assembly';
import type { PropertyChange, ResourceAction, ResourceChange, StackReview } from './types';
import { display, hashesIn, leafDiff, withoutHashes } from './values';

/** A resource change with the raw data the classifier reads. */
export interface RawChange {
  readonly stack: string;
  readonly logicalId: string;
  readonly path: string;
  readonly type: string;
  readonly action: ResourceAction;
  readonly old?: TemplateResource;
  readonly new?: TemplateResource;
  /** Changed properties with cloudformation-diff's impact. */
  readonly props: Readonly<Record<string, { readonly impact: 'replace' | 'may-replace' | 'update'; readonly old: unknown; readonly new: unknown }>>;
  /** Changed non-property keys (DeletionPolicy, UpdateReplacePolicy, DependsOn, Metadata, Condition). */
  readonly others: readonly string[];
  readonly view: ResourceChange;
}

export interface StackDiffResult {
  readonly review: StackReview;
  readonly changes: readonly RawChange[];
  /** IAM permissions widened (cloudformation-diff's verdict, security groups excluded). */
  readonly iamBroadened: boolean;
  readonly base?: StackArtifact;
  readonly head?: StackArtifact;
}

const ANSI = /\u001b\[[0-9;]*m/g;
const NOISE_TYPES = new Set(['AWS::CDK::Metadata']);

function impactOf(i: ResourceImpact | undefined): 'replace' | 'may-replace' | 'update' {
  if (i === ResourceImpact.WILL_REPLACE) return 'replace';
  if (i === ResourceImpact.MAY_REPLACE) return 'may-replace';
  return 'update';
}

function actionOf(c: ResourceDifference): ResourceAction {
  if (c.isImport) return 'import';
  if (c.isAddition) return 'add';
  if (c.isRemoval) return c.changeImpact === ResourceImpact.WILL_ORPHAN ? 'orphan' : 'remove';
  if (c.resourceTypeChanged) return 'replace';
  switch (c.changeImpact) {
    case ResourceImpact.WILL_REPLACE:
      return 'replace';
    case ResourceImpact.MAY_REPLACE:
      return 'may-replace';
    case ResourceImpact.WILL_DESTROY:
      return 'remove';
    case ResourceImpact.WILL_ORPHAN:
      return 'orphan';
    default:
      return 'update';
  }
}

/** Strips the CDK bookkeeping the CLI also hides. */
function stripNoise(t: Template | undefined): Template {
  if (!t) return {};
  const copy: Record<string, unknown> = { ...t };
  if (t.Resources) {
    copy.Resources = Object.fromEntries(Object.entries(t.Resources).filter(([, r]) => !NOISE_TYPES.has(r?.Type)));
  }
  if (t.Rules && typeof t.Rules === 'object') {
    const rules = Object.fromEntries(Object.entries(t.Rules).filter(([k]) => k !== 'CheckBootstrapVersion'));
    if (Object.keys(rules).length > 0) copy.Rules = rules;
    else delete copy.Rules;
  }
  if (t.Parameters && typeof t.Parameters === 'object') {
    const params = Object.fromEntries(Object.entries(t.Parameters).filter(([k]) => k !== 'BootstrapVersion'));
    if (Object.keys(params).length > 0) copy.Parameters = params;
    else delete copy.Parameters;
  }
  // The template description never matters to a deploy.
  delete copy.Description;
  return copy as Template;
}

/** What an asset hash points to, for explanations: `asset "App/Beanstalk/Bundle" (2 files changed)`. */
export type HashExplainer = (hash: string) => string | undefined;

export function makeHashExplainer(base: Assembly | undefined, head: Assembly): HashExplainer {
  interface Entry {
    readonly kind: 'file' | 'image';
    readonly name: string;
    readonly files: Readonly<Record<string, string>>;
  }
  const index = new Map<string, Entry>();
  const baseByName = new Map<string, Entry>();
  const add = (a: Assembly | undefined, isBase: boolean): void => {
    if (!a) return;
    for (const f of a.fileAssets) {
      const e: Entry = { kind: 'file', name: f.displayName ?? f.hash.slice(0, 12), files: f.files };
      if (isBase) baseByName.set(`file|${e.name}`, e);
      else index.set(f.hash, e);
      for (const k of f.objectKeys) {
        const h = /^([0-9a-f]{64})/.exec(k);
        if (h && !isBase) index.set(h[1], e);
      }
    }
    for (const i of a.imageAssets) {
      const e: Entry = { kind: 'image', name: i.displayName ?? i.hash.slice(0, 12), files: i.files };
      if (isBase) baseByName.set(`image|${e.name}`, e);
      else for (const t of [i.hash, ...i.imageTags]) index.set(t, e);
    }
  };
  add(base, true);
  add(head, false);
  return (hash) => {
    const e = index.get(hash);
    if (!e) return undefined;
    const before = baseByName.get(`${e.kind}|${e.name}`);
    let files = '';
    if (before) {
      const keys = [...new Set([...Object.keys(before.files), ...Object.keys(e.files)])].sort();
      const changed = keys.filter((k) => before.files[k] !== e.files[k]).map((k) => (before.files[k] === undefined ? `+${k}` : e.files[k] === undefined ? `-${k}` : `~${k}`));
      if (changed.length > 0) files = ` (${changed.slice(0, 5).join(', ')}${changed.length > 5 ? `, … ${changed.length - 5} more` : ''})`;
    }
    return `${e.kind === 'image' ? 'image of service' : 'asset'} ${e.name}${files}`;
  };
}

function propertyViews(name: string, kind: 'property' | 'other', impact: PropertyChange['impact'], oldV: unknown, newV: unknown, explain: HashExplainer): { views: PropertyChange[]; assetOnly: boolean } {
  const assetOnly = oldV !== undefined && newV !== undefined && withoutHashes(oldV) === withoutHashes(newV);
  let explanation: string | undefined;
  if (assetOnly) {
    const newHashes = hashesIn(newV).filter((h) => !hashesIn(oldV).includes(h));
    const names = [...new Set(newHashes.map((h) => explain(h)).filter((x): x is string => x !== undefined))].sort();
    explanation = names.length > 0 ? `asset hash only: the content of ${names.join(', ')} changed` : 'asset hash only: the content of an asset changed';
  } else if (JSON.stringify(newV ?? null).includes(' (replaced)')) {
    explanation = 'points at a resource that is replaced';
  }
  const leaves = leafDiff(oldV, newV, '', name);
  if (leaves.length === 1 && leaves[0].path === '') {
    return {
      views: [
        {
          name,
          kind,
          ...(oldV !== undefined ? { old: display(name, oldV) } : {}),
          ...(newV !== undefined ? { new: display(name, newV) } : {}),
          impact,
          ...(explanation ? { explanation } : {}),
        },
      ],
      assetOnly,
    };
  }
  return {
    views: leaves.map((l) => ({
      name: `${name}${l.path}`,
      kind,
      ...(l.hasOld ? { old: display(l.name, l.old) } : {}),
      ...(l.hasNew ? { new: display(l.name, l.new) } : {}),
      impact,
      ...(explanation ? { explanation } : {}),
    })),
    assetOnly,
  };
}

function tableRows(rows: string[][]): string[] {
  // rows[0] is the header; the first column is +/-.
  return rows.slice(1).map((r) => r.map((c) => c.replace(ANSI, '').replace(/\s*\n\s*/g, ' ')).filter((c, i) => i === 0 || c.length > 0).join(' '));
}

/** One changed resource: its property and other changes as the review shows them, and the raw values for the classifiers. */
function resourceChange(name: string, logicalId: string, c: ResourceDifference, path: string, explain: HashExplainer): RawChange {
  const type = c.newResourceType ?? c.oldResourceType ?? 'unknown';
  const action = actionOf(c);
  const props: Record<string, { impact: 'replace' | 'may-replace' | 'update'; old: unknown; new: unknown }> = {};
  const views: PropertyChange[] = [];
  let allAsset = true;
  let any = false;
  if (c.isUpdate) {
    for (const [prop, pd] of Object.entries(c.propertyUpdates).sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!pd.isDifferent) continue;
      const impact = c.resourceTypeChanged ? 'replace' : impactOf(pd.changeImpact);
      props[prop] = { impact, old: pd.oldValue, new: pd.newValue };
      const v = propertyViews(prop, 'property', impact, pd.oldValue, pd.newValue, explain);
      views.push(...v.views);
      allAsset = allAsset && v.assetOnly;
      any = true;
    }
  }
  const others: string[] = [];
  if (c.isUpdate) {
    for (const [key, od] of Object.entries(c.otherChanges).sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!od.isDifferent) continue;
      others.push(key);
      const v = propertyViews(key, 'other', 'update', od.oldValue, od.newValue, explain);
      views.push(...v.views);
      allAsset = allAsset && (key === 'Metadata' || v.assetOnly);
      any = true;
    }
  }
  const view: ResourceChange = {
    logicalId,
    path,
    type,
    action,
    properties: views,
    assetOnly: c.isUpdate && any && allAsset,
  };
  return {
    stack: name,
    logicalId,
    path: view.path,
    type,
    action,
    ...(c.oldValue ? { old: c.oldValue as TemplateResource } : {}),
    ...(c.newValue ? { new: c.newValue as TemplateResource } : {}),
    props,
    others,
    view,
  };
}

/** Changes outside Resources: parameters, outputs, conditions, mappings and rules, one line each. */
function otherChanges(diff: TemplateDiff): string[] {
  const other: string[] = [];
  const section = (title: string, coll: TemplateDiff['outputs']): void => {
    for (const id of [...coll.logicalIds].sort()) {
      const d = coll.get(id);
      if (!d || !d.isDifferent) continue;
      const what = d.isAddition ? 'added' : d.isRemoval ? 'removed' : `${display(id, d.oldValue, 80)} → ${display(id, d.newValue, 80)}`;
      other.push(`${title}.${id}: ${what}`);
    }
  };
  section('Parameters', diff.parameters);
  section('Outputs', diff.outputs);
  section('Conditions', diff.conditions);
  section('Mappings', diff.mappings);
  section('Rules', diff.unknown);
  return other;
}

/** Diffs one stack. `base` or `head` is undefined when the stack is added or removed. */
export function diffStack(name: string, base: StackArtifact | undefined, head: StackArtifact | undefined, explain: HashExplainer): StackDiffResult {
  const oldT = stripNoise(base?.template);
  const newT = stripNoise(head?.template);
  let diff: TemplateDiff;
  try {
    diff = fullDiff(oldT as never, newT as never);
  } catch (e) {
    // the templates passed the shape checks (template-shape.ts); what cloudformation-diff still
    // cannot read is a malformed template all the same, not a bug of the review
    throw new BeanstackError(`stack ${name}: the templates cannot be compared (${printable(String((e as Error)?.message ?? e))})`, {
      code: 'review/template-shape',
      fix: 'CloudFormation would most likely reject this template too: check the resource the message names, fix the code that writes it, then synthesize again',
    });
  }
  const paths: Record<string, string> = { ...(base?.paths ?? {}), ...(head?.paths ?? {}) };
  const changes: RawChange[] = [];
  const counts = { add: 0, update: 0, replace: 0, remove: 0 };

  for (const logicalId of diff.resources.logicalIds.sort()) {
    const c = diff.resources.get(logicalId);
    if (!c || !c.isDifferent) continue;
    const change = resourceChange(name, logicalId, c, paths[logicalId] ?? logicalId, explain);
    const action = change.action;
    if (action === 'add') counts.add++;
    else if (action === 'remove' || action === 'orphan') counts.remove++;
    else if (action === 'replace') counts.replace++;
    else counts.update++;
    changes.push(change);
  }

  const other = otherChanges(diff);
  const iam = diff.iamChanges.hasChanges ? [...tableRows(diff.iamChanges.summarizeStatements()), ...tableRows(diff.iamChanges.summarizeManagedPolicies())] : [];
  const securityGroups = diff.securityGroupChanges.hasChanges ? tableRows(diff.securityGroupChanges.summarize()) : [];

  const status: StackReview['status'] = !base ? 'added' : !head ? 'removed' : changes.length > 0 || other.length > 0 ? 'changed' : 'unchanged';
  const region = head?.region ?? base?.region;
  return {
    review: { name, status, ...(region ? { region } : {}), resources: changes.map((c) => c.view), other, iam, securityGroups, counts },
    changes,
    iamBroadened: diff.iamChanges.permissionsBroadened,
    ...(base ? { base } : {}),
    ...(head ? { head } : {}),
  };
}
