/**
 * PR infrastructure review: two cloud assemblies in, one report out.
 *
 *   const base = loadAssembly('base.out', reader);
 *   const head = loadAssembly('cdk.out', reader);
 *   const { result, warnings } = reviewAssemblies({ base, head, reader });
 *   renderMarkdown(result) / renderText(result) / renderJson(result)
 *
 * Pure: files are read through the injected reader; nothing is printed.
 */
import type { Diagnostic, StageResult } from '../errors';
import { templatesAssembly } from './assembly';
import type { Assembly, AssemblyReader, Finding, Template, TemplateStack } from './assembly';
import { classifyStack, iamNotes } from './classify';
import { parseBundle, reviewBundles } from './containers';
import { estimateCost, formatDelta, money } from './cost';
import type { PriceTable } from './cost';
import { renderDiagram } from './mermaid';
import type { DiagramBundle, DiagramStack } from './mermaid';
import { diffStack, makeHashExplainer } from './stack-diff';
import type { StackDiffResult } from './stack-diff';
import { CLASS_TITLES, DANGER_CLASSES } from './types';
import type { BundleReview, DangerClass, FindingChange, Note, ReviewReport, StackReview, StackStage } from './types';
import { stageOfTags } from './stage';
import { HIDDEN, isSecretName } from './values';

export { loadAssembly, readFindings, templatesAssembly } from './assembly';
export type { Assembly, AssemblyReader, Finding, StackArtifact, Template, TemplateStack } from './assembly';
export { renderMarkdown, renderText, renderJson, REVIEW_MARKER, DEFAULT_MAX_CHARS } from './render';
export type { MarkdownOptions } from './render';
export * from './types';

export interface ReviewInput {
  /** Undefined when there is no base (a first deploy): everything is new. */
  readonly base?: Assembly;
  readonly head: Assembly;
  readonly reader: AssemblyReader;
  /** Shown in the report, e.g. `origin/main (1a2b3c4)`. */
  readonly baseLabel?: string;
  readonly headLabel?: string;
  /** @default - the table in prices.json */
  readonly prices?: PriceTable;
}

export const CLASS_ICONS: Readonly<Record<DangerClass, string>> = {
  'data-loss': '🔴',
  irreversible: '🟠',
  'deploy-fails': '⛔',
  security: '🔒',
  downtime: '🟡',
  routine: '✅',
};

function findingKey(f: Finding): string {
  return `${f.plugin}|${f.rule}|${f.constructPath || f.logicalId || ''}`;
}

function findingChange(f: Finding): FindingChange {
  return { rule: f.rule, plugin: f.plugin, severity: f.severity, description: f.description, resource: f.constructPath || f.logicalId || '(app)' };
}

function sortNotes(notes: Note[]): Note[] {
  const rank = (c: DangerClass) => DANGER_CLASSES.indexOf(c);
  return notes.sort((a, b) => rank(a.class) - rank(b.class) || (a.stack < b.stack ? -1 : a.stack > b.stack ? 1 : 0) || ((a.resource ?? '') < (b.resource ?? '') ? -1 : (a.resource ?? '') > (b.resource ?? '') ? 1 : 0) || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
}

/** Merges notes of the same class about the same resource (e.g. two replacing properties). */
function dedupe(notes: Note[]): Note[] {
  const seen = new Map<string, Note>();
  const out: Note[] = [];
  for (const n of notes) {
    const key = n.logicalId ? `${n.class}|${n.stack}|${n.logicalId}|${n.title}` : `${n.class}|${n.stack}|${n.title}|${n.reason}`;
    if (seen.has(key)) continue;
    seen.set(key, n);
    out.push(n);
  }
  return out;
}

/**
 * The change of one stack between two templates held in memory (the deployed one and the one about
 * to be deployed): its resource counts and the danger notes of each change. No assets, no findings.
 */
export function reviewTemplateChange(stack: TemplateStack, base: Template): { readonly counts: StackReview['counts']; readonly notes: readonly Note[] } {
  const [before] = templatesAssembly('deployed stack', [{ ...stack, template: base }]).stacks;
  const [after] = templatesAssembly('synthesized stack', [stack]).stacks;
  const diff = diffStack(after.displayName, before, after, () => undefined);
  return { counts: diff.review.counts, notes: classifyStack(diff) };
}

/** Reviews the change from `base` to `head`. */
export function reviewAssemblies(input: ReviewInput): StageResult<ReviewReport> {
  const { base, head, reader } = input;
  const warnings: Diagnostic[] = [];
  const explain = makeHashExplainer(base, head);
  const names = [...new Set([...(base?.stacks ?? []).map((s) => s.displayName), ...head.stacks.map((s) => s.displayName)])].sort();
  const diffs: StackDiffResult[] = names.map((n) =>
    diffStack(
      n,
      base?.stacks.find((s) => s.displayName === n),
      head.stacks.find((s) => s.displayName === n),
      explain,
    ),
  );

  const notes: Note[] = [];
  const bundles: BundleReview[] = [];
  for (const d of diffs) {
    notes.push(...classifyStack(d), ...iamNotes(d));
    bundles.push(...reviewBundles(d, base, head, reader));
  }
  notes.push(...bundleSecretNotes(bundles));
  const findings = compareFindings(base, head, warnings);
  notes.push(...findings.notes);
  const sorted = sortNotes(dedupe(notes));

  const cost = estimateCost(base, head, input.prices);
  for (const u of cost.head.unpriced) warnings.push({ code: 'review/unpriced', message: `no price for ${u}; it is left out of the estimate` });
  const diagram = renderDiagram(diagramStacks(diffs, bundles, head, reader));

  const { introduced, resolved, compared } = findings;
  const hasChanges = diffs.some((d) => d.review.status !== 'unchanged') || introduced.length > 0;
  const classes = DANGER_CLASSES.filter((c) => c !== 'routine' && sorted.some((n) => n.class === c));
  const report: ReviewReport = {
    schemaVersion: 1,
    summary: summaryLine(diffs, sorted, classes, hasChanges, cost.base.monthly, cost.head.monthly, cost.delta),
    hasChanges,
    classes,
    notes: sorted,
    stacks: diffs.map((d) => d.review),
    bundles,
    findings: { introduced, resolved, compared },
    cost,
    diagram,
    ...stagesOf(diffs),
    ...(input.baseLabel ? { base: input.baseLabel } : {}),
    ...(input.headLabel ? { head: input.headLabel } : {}),
  };
  return { result: report, warnings };
}

/** Plaintext secrets written into a bundle's container environment. */
function bundleSecretNotes(bundles: readonly BundleReview[]): Note[] {
  const notes: Note[] = [];
  for (const b of bundles) {
    for (const c of b.containers) {
      for (const e of c.environment) {
        const value = e.change === 'added' ? e.value : e.change === 'changed' ? e.new : '';
        // masked by its value (a URL with a password, a token) or a secret by its name
        if (e.change === 'removed' || !(isSecretName(e.name) || value === HIDDEN)) continue;
        if (value === '' || value.startsWith('secret from ')) continue;
        notes.push({
          class: 'security',
          stack: b.stack,
          resource: b.resource,
          resourceType: 'AWS::ElasticBeanstalk::ApplicationVersion',
          title: `container ${c.name}: ${e.name} is a plaintext secret in the bundle`,
          reason: 'The value is stored in the source bundle (S3) and shown in the task definition. Use a compose secret or x-beanstack secrets so it comes from Secrets Manager; the value is not shown here.',
        });
      }
    }
  }
  return notes;
}

/**
 * The findings the PR introduces and resolves (when both sides have a validation report; a warning
 * says which has none), and a security note for each introduced one.
 */
function compareFindings(base: Assembly | undefined, head: Assembly, warnings: Diagnostic[]): { introduced: FindingChange[]; resolved: FindingChange[]; compared: boolean; notes: Note[] } {
  const compared = base?.findings !== undefined && head.findings !== undefined;
  if (head.findings === undefined) {
    warnings.push({ code: 'review/no-validation-report', message: `${head.directory} has no validation-report.json: cdk-nag and built-in findings are not compared` });
  } else if (base !== undefined && base.findings === undefined) {
    warnings.push({ code: 'review/no-validation-report', message: `the base (${base.directory}) has no validation-report.json: findings are not compared (the head has ${head.findings.length})` });
  }
  if (head.findings === undefined || (base !== undefined && base.findings === undefined)) return { introduced: [], resolved: [], compared, notes: [] };
  const before = new Set((base?.findings ?? []).map(findingKey));
  const after = new Set(head.findings.map(findingKey));
  const uniq = (list: readonly Finding[], other: Set<string>) => {
    const m = new Map<string, Finding>();
    for (const f of list) if (!other.has(findingKey(f))) m.set(findingKey(f), f);
    return [...m.keys()].sort().map((k) => findingChange(m.get(k)!));
  };
  const introduced = base === undefined ? [] : uniq(head.findings, before);
  const resolved = uniq(base?.findings ?? [], after);
  const notes: Note[] = introduced.map((f) => ({
    class: 'security',
    stack: head.stacks.find((s) => f.resource.startsWith(`${s.displayName}/`))?.displayName ?? '(app)',
    resource: f.resource,
    title: `new finding ${f.rule} (${f.plugin}, ${f.severity}) on ${f.resource}`,
    reason: `${f.description} This PR introduces it; fix it, or acknowledge it with Validations.of(construct).acknowledge({ id: '${f.rule}', reason }) if it is intended.`,
  }));
  return { introduced, resolved, compared, notes };
}

/** What the diagram draws of each head stack: the added and changed resources, each environment's bundle. */
function diagramStacks(diffs: readonly StackDiffResult[], bundles: readonly BundleReview[], head: Assembly, reader: AssemblyReader): DiagramStack[] {
  const out: DiagramStack[] = [];
  for (const d of diffs) {
    if (!d.head) continue;
    const added = new Set(d.changes.filter((c) => c.action === 'add').map((c) => c.logicalId));
    const changed = new Set(d.changes.filter((c) => c.action !== 'add').map((c) => c.logicalId));
    out.push({ stack: d.head, added, changed, bundles: environmentBundles(d, bundles, head, reader) });
  }
  return out;
}

/** The head bundle of each environment of a stack (read from its file asset), with the containers the PR adds or changes. */
function environmentBundles(d: StackDiffResult, bundles: readonly BundleReview[], head: Assembly, reader: AssemblyReader): Map<string, DiagramBundle> {
  const envBundles = new Map<string, DiagramBundle>();
  const stack = d.head!;
  for (const [envId, env] of Object.entries(stack.template.Resources ?? {})) {
    if (env.Type !== 'AWS::ElasticBeanstalk::Environment') continue;
    const label = env.Properties?.VersionLabel as { Ref?: string } | undefined;
    const ver = label?.Ref ? stack.template.Resources?.[label.Ref] : undefined;
    const key = (ver?.Properties?.SourceBundle as { S3Key?: unknown } | undefined)?.S3Key;
    const asset = typeof key === 'string' ? head.fileAssets.find((f) => f.objectKeys.includes(key) || key.startsWith(f.hash)) : undefined;
    const main = asset ? ['Dockerrun.aws.json', 'docker-compose.yml', 'docker-compose.yaml'].find((f) => asset.files[f] !== undefined) : undefined;
    const text = asset && main ? reader.readFile(`${asset.path}/${main}`) : undefined;
    const model = main && text !== undefined ? parseBundle(main, text) : undefined;
    if (!model) continue;
    const review = bundles.find((b) => b.stack === d.review.name && label?.Ref !== undefined && b.resource === (stack.paths[label.Ref] ?? label.Ref));
    envBundles.set(envId, {
      model,
      changedContainers: new Set((review?.containers ?? []).filter((c) => c.change === 'changed').map((c) => c.name)),
      addedContainers: new Set((review?.containers ?? []).filter((c) => c.change === 'added').map((c) => c.name)),
    });
  }
  return envBundles;
}

/** `{ stages }` when a stack says which stage it is (head tags, else base), else nothing. */
function stagesOf(diffs: readonly StackDiffResult[]): { stages?: StackStage[] } {
  const stages = diffs.map((d) => stageOfTags(d.review.name, (d.head ?? d.base)?.tags)).filter((x): x is StackStage => x !== undefined);
  return stages.length > 0 ? { stages } : {};
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function summaryLine(diffs: StackDiffResult[], notes: Note[], classes: DangerClass[], hasChanges: boolean, before: number, after: number, delta: number): string {
  const costText = `cost ${money(before)} → ${money(after)}/month (${formatDelta(delta)})`;
  if (!hasChanges) return `✅ No infrastructure changes · ${costText.replace(`${money(before)} → `, '')}`;
  const counts = { add: 0, update: 0, replace: 0, remove: 0 };
  let versions = 0;
  for (const d of diffs) {
    counts.add += d.review.counts.add;
    counts.update += d.review.counts.update;
    counts.replace += d.review.counts.replace;
    counts.remove += d.review.counts.remove;
    // A new application version is a routine "replacement": counted apart.
    const v = d.changes.filter((c) => c.type === 'AWS::ElasticBeanstalk::ApplicationVersion' && c.action === 'replace').length;
    counts.replace -= v;
    versions += v;
  }
  const changed = diffs.filter((d) => d.review.status !== 'unchanged').length;
  const danger = classes.map((c) => `${CLASS_ICONS[c]} ${CLASS_TITLES[c].toLowerCase()} (${notes.filter((n) => n.class === c).length})`);
  const lead = danger.length > 0 ? danger.join(' · ') : '✅ no dangerous changes';
  const version = versions > 0 ? `, ${plural(versions, 'new application version')}` : '';
  return `${lead} — ${plural(changed, 'stack')} changed: ${counts.add} to add, ${counts.update} to update, ${counts.replace} to replace, ${counts.remove} to remove${version} · ${costText}`;
}
