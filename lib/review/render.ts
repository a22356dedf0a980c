/**
 * The three renderings of a review report: markdown (the PR comment: a summary line, the danger
 * section, then collapsible details; kept under a size limit by truncating details, never the
 * summary; marked with a hidden HTML comment so `beanstack comment` finds it again), text (the
 * terminal) and JSON (tools: sorted keys, 2-space indent, trailing newline).
 */
import { formatDelta, money, moneyRange } from './cost';
import { mdCode, mdFence, mdText, plainLine } from './markdown';
import { CLASS_TITLES, DANGER_CLASSES } from './types';
import { stageLine } from './stage';
import type { BundleReview, DangerClass, Note, ResourceChange, ReviewReport, StackReview } from './types';
import { sortDeep } from '../util/sort-deep';

/** The hidden marker every markdown report starts with. */
export const REVIEW_MARKER = '<!-- beanstack-review -->';

/** GitHub rejects comments over 65,536 characters; stay well below. */
export const DEFAULT_MAX_CHARS = 60000;

const ICONS: Readonly<Record<DangerClass, string>> = {
  'data-loss': '🔴',
  irreversible: '🟠',
  'deploy-fails': '⛔',
  security: '🔒',
  downtime: '🟡',
  routine: '✅',
};

const ACTION_SIGNS: Readonly<Record<ResourceChange['action'], string>> = {
  add: '[+]',
  remove: '[-]',
  orphan: '[-]',
  update: '[~]',
  replace: '[~]',
  'may-replace': '[~]',
  import: '[←]',
};

const ACTION_WORDS: Readonly<Record<ResourceChange['action'], string>> = {
  add: 'add',
  remove: 'destroy',
  orphan: 'orphan (kept, no longer managed)',
  update: 'update',
  replace: 'replace',
  'may-replace': 'may be replaced',
  import: 'import',
};

/** A code span in a table cell. */
const cell = (text: string): string => mdCode(text, { inTable: true });

export interface MarkdownOptions {
  /** @default 60000 */
  readonly maxChars?: number;
  /** A footer line, e.g. `Generated for 1a2b3c4 by beanstack 0.1.0`. */
  readonly footer?: string;
}

function noteLine(n: Note): string {
  const where = n.resource ? ` · ${mdCode(n.resource)}${n.resourceType ? ` (${mdText(n.resourceType)})` : ''}` : '';
  return `- ${ICONS[n.class]} **${CLASS_TITLES[n.class]}** · ${mdText(n.stack)}${where} — ${mdText(n.title)}\n  <br>${mdText(n.reason)}`;
}

function bundleMarkdown(b: BundleReview): string {
  const lines: string[] = [];
  const fmt = b.format === 'dockerrun-v2' ? 'Dockerrun.aws.json v2' : b.format === 'dockerrun-v1' ? 'Dockerrun.aws.json v1' : b.format === 'compose' ? 'docker-compose.yml' : 'bundle';
  lines.push(`**${mdText(b.stack)}** ${mdCode(b.resource)} (${fmt})`);
  lines.push('');
  if (b.containers.length === 0 && b.files.length === 0 && b.settings.length === 0) {
    lines.push('No container changes (the bundle was rebuilt with the same content).');
  }
  if (b.containers.length > 0) {
    lines.push('| container | change |');
    lines.push('|---|---|');
    for (const c of b.containers) {
      const parts: string[] = [];
      if (c.change !== 'changed') parts.push(`**${c.change}**`);
      if (c.image) {
        if (c.image.rebuilt) {
          parts.push(`image rebuilt: build of service **${mdText(c.image.rebuilt)}** changed${c.image.files ? ` (${c.image.files.slice(0, 8).map(cell).join(', ')}${c.image.files.length > 8 ? `, … ${c.image.files.length - 8} more` : ''})` : ''}`);
        } else {
          parts.push(`image ${c.image.old ? cell(c.image.old) : '(none)'} → ${c.image.new ? cell(c.image.new) : '(none)'}`);
        }
      }
      for (const e of c.environment) {
        if (e.change === 'added') parts.push(`env + ${cell(`${e.name}=${e.value}`)}`);
        else if (e.change === 'removed') parts.push(`env − ${cell(e.name)}`);
        else parts.push(`env ${cell(e.name)}: ${cell(e.old)} → ${cell(e.new)}`);
      }
      for (const s of c.settings) parts.push(cell(s));
      lines.push(`| ${cell(c.name)} | ${parts.join('<br>') || 'changed'} |`);
    }
  }
  for (const s of b.settings) lines.push(`- bundle ${mdCode(s)}`);
  if (b.files.length > 0) lines.push(`- bundle files: ${b.files.slice(0, 20).map((f) => mdCode(f)).join(', ')}${b.files.length > 20 ? ` … ${b.files.length - 20} more` : ''}`);
  return lines.join('\n');
}

function resourceMarkdown(r: ResourceChange, maxProps: number): string {
  const lines = [`- ${ACTION_SIGNS[r.action]} ${mdCode(r.path)} ${mdText(r.type)} — **${ACTION_WORDS[r.action]}**${r.assetOnly ? ' (asset content only)' : ''}`];
  for (const p of r.properties.slice(0, maxProps)) {
    const impact = p.impact === 'replace' ? ' (requires replacement)' : p.impact === 'may-replace' ? ' (may cause replacement)' : '';
    const value = p.old !== undefined && p.new !== undefined ? `${mdCode(p.old)} → ${mdCode(p.new)}` : p.new !== undefined ? `added ${mdCode(p.new)}` : p.old !== undefined ? `removed (was ${mdCode(p.old)})` : 'changed';
    lines.push(`  - ${mdCode(p.name)}: ${value}${impact}${p.explanation ? ` — _${mdText(p.explanation)}_` : ''}`);
  }
  if (r.properties.length > maxProps) lines.push(`  - … ${r.properties.length - maxProps} more property changes`);
  return lines.join('\n');
}

function stackHeader(s: StackReview): string {
  const c = s.counts;
  return `${s.name}: ${s.status === 'added' ? 'new stack, ' : s.status === 'removed' ? 'stack removed, ' : ''}${c.add} to add, ${c.update} to update, ${c.replace} to replace, ${c.remove} to remove`;
}

/**
 * The comment being written under a size limit: what is pushed always goes in (the summary), what is
 * tried goes in if it fits with the footer and room for the truncation notice, else counts as truncated.
 */
class MarkdownBudget {
  private static readonly NOTICE_RESERVE = 400;
  readonly out: string[] = [];
  used = 0;
  truncated = 0;

  constructor(readonly max: number, private readonly footer: string) {}

  fits(text: string): boolean {
    return this.used + text.length + 1 + this.footer.length + MarkdownBudget.NOTICE_RESERVE <= this.max;
  }

  push(text: string): void {
    this.out.push(text);
    this.used += text.length + 1;
  }

  /** Adds a block if it fits; otherwise counts it as truncated. */
  tryPush(text: string): boolean {
    if (this.fits(text)) {
      this.push(text);
      return true;
    }
    this.truncated++;
    return false;
  }
}

/** The PR comment. */
export function renderMarkdown(r: ReviewReport, options: MarkdownOptions = {}): string {
  const max = options.maxChars ?? DEFAULT_MAX_CHARS;
  const footer = `\n---\n<sub>beanstack diff${r.base ? ` · base ${mdCode(r.base)}` : ''}${r.head ? ` · head ${mdCode(r.head)}` : ''}${options.footer ? ` · ${mdText(options.footer)}` : ''}</sub>\n`;
  const b = new MarkdownBudget(max, footer);

  // Never truncated: marker, title, summary.
  b.push(REVIEW_MARKER);
  b.push(`**beanstack review** · ${mdText(r.summary)}`);
  if (r.stages && r.stages.length > 0) b.push(`<br>Reviewing ${r.stages.map((x) => mdText(stageLine(x))).join('; ')}`);
  b.push('');

  notesMarkdown(b, r);
  if (r.bundles.length > 0) {
    const block = ['#### 📦 Containers', '', r.bundles.map(bundleMarkdown).join('\n\n'), ''].join('\n');
    if (!b.tryPush(block)) {
      b.tryPush(['#### 📦 Containers', '', ...r.bundles.map((x) => `- **${mdText(x.stack)}** ${mdCode(x.resource)}: ${x.containers.map((c) => `${mdCode(c.name)} ${c.change}`).join(', ') || 'no container changes'}`), ''].join('\n'));
    }
  }
  if (r.findings.introduced.length > 0 || r.findings.resolved.length > 0) b.tryPush(findingsMarkdown(r.findings));
  b.tryPush(costMarkdown(r.cost));
  b.tryPush(['<details><summary>🗺️ Architecture (head)</summary>', '', mdFence(r.diagram, 'mermaid'), '', '</details>', ''].join('\n'));
  // Per-stack details: as many resources as fit, property lines shortened first.
  for (const s of r.stacks) {
    if (s.status !== 'unchanged') stackDetailsMarkdown(b, s);
  }

  if (b.truncated > 0) {
    b.push(`> **Note:** ${b.truncated} detail section${b.truncated === 1 ? '' : 's'} left out to stay under ${max} characters; run \`beanstack diff --format text\` (or \`--format json\`) for everything.`);
  }
  return b.out.join('\n') + footer;
}

/** The notes that need attention (as many as fit), then the routine ones folded. */
function notesMarkdown(b: MarkdownBudget, r: ReviewReport): void {
  const danger = r.notes.filter((n) => n.class !== 'routine');
  const routine = r.notes.filter((n) => n.class === 'routine');
  if (danger.length > 0) {
    b.push('#### ⚠️ Needs attention');
    b.push('');
    let shown = 0;
    for (const n of danger) {
      if (!b.tryPush(noteLine(n))) break;
      shown++;
    }
    if (shown < danger.length) b.push(`- … and ${danger.length - shown} more (see the JSON report)`);
    b.push('');
  } else if (r.hasChanges) {
    b.push('No data loss, irreversible, failing, security-relevant or downtime changes found.');
    b.push('');
  }
  if (routine.length > 0) {
    const block = ['<details><summary>✅ Routine changes (' + routine.length + ')</summary>', '', ...routine.map(noteLine), '', '</details>', ''].join('\n');
    b.tryPush(block);
  }
}

function findingsMarkdown(findings: ReviewReport['findings']): string {
  const lines = ['#### 🔍 Validation findings (cdk-nag and built-in checks)', ''];
  for (const f of findings.introduced) lines.push(`- ➕ introduced: **${mdText(f.rule)}** (${mdText(f.plugin)}, ${mdText(f.severity)}) on ${mdCode(f.resource)} — ${mdText(f.description)}`);
  for (const f of findings.resolved) lines.push(`- ➖ resolved: **${mdText(f.rule)}** on ${mdCode(f.resource)}`);
  lines.push('');
  return lines.join('\n');
}

/** The cost table, the sleep lines, and the details folded. */
function costMarkdown(c: ReviewReport['cost']): string {
  const lines = [
    '#### 💰 Estimated monthly cost',
    '',
    '| base | head | delta |',
    '|---:|---:|---:|',
    `| ${moneyRange(c.base)} | ${moneyRange(c.head)} | ${formatDelta(c.delta)} |`,
    '',
    // escaped like every line: a `$…$` pair could render as math
    ...sleepLines(c).map((l) => `${mdText(l)}\n`),
    `<details><summary>Cost details (on-demand ${mdText(c.currency)}, ${mdText(c.regions.join(', ')) || 'no region'}; prices of ${mdText(c.pricesDate)})</summary>`,
    '',
    '| item | quantity | head monthly |',
    '|---|---|---:|',
    ...c.head.lines.map((l) => `| ${mdText(l.item)} | ${mdText(l.quantity)} | ${moneyRange(l)} |`),
    '',
    ...c.head.unpriced.map((u) => `- not priced: ${mdText(u)}`),
    ...c.assumptions.map((a) => `- ${mdText(a)}`),
    `- prices: ${mdText(c.pricesSource)}`,
    '',
    '</details>',
    '',
  ];
  return lines.join('\n');
}

/** One stack's folded details: its resources (property lines dropped first when short of room), then other, IAM and security group changes. */
function stackDetailsMarkdown(b: MarkdownBudget, s: StackReview): void {
  const open = `<details><summary>${mdText(stackHeader(s))}</summary>\n`;
  const close = '\n</details>\n';
  if (!b.fits(open + close)) {
    b.truncated++;
    return;
  }
  b.push(open);
  b.used += close.length; // reserve the closing tag
  let omitted = 0;
  for (const res of s.resources) {
    const full = resourceMarkdown(res, 12);
    if (b.fits(full)) b.push(full);
    else {
      const short = resourceMarkdown(res, 0);
      if (b.fits(short)) b.push(short);
      else omitted++;
    }
  }
  const extras: string[] = [];
  if (s.other.length > 0) extras.push('', '**Other changes**', '', ...s.other.map((o) => `- ${mdCode(o)}`));
  if (s.iam.length > 0) extras.push('', '**IAM statement changes**', '', ...s.iam.map((o) => `- ${mdCode(o)}`));
  if (s.securityGroups.length > 0) extras.push('', '**Security group changes**', '', ...s.securityGroups.map((o) => `- ${mdCode(o)}`));
  if (extras.length > 0 && !b.tryPush(extras.join('\n'))) omitted++;
  if (omitted > 0) {
    b.truncated += omitted;
    b.push(`- … ${omitted} more entries truncated`);
  }
  b.used -= close.length;
  b.push(close);
}

/** The terminal rendering. */
export function renderText(r: ReviewReport): string {
  const lines: string[] = [r.summary, ...(r.stages ?? []).map((x) => `reviewing ${stageLine(x)}`), ''];
  for (const cls of DANGER_CLASSES) {
    const notes = r.notes.filter((n) => n.class === cls);
    if (notes.length === 0) continue;
    lines.push(`${CLASS_TITLES[cls].toUpperCase()} (${notes.length})`);
    for (const n of notes) {
      lines.push(`  ${ICONS[n.class]} ${n.stack}${n.resource ? ` ${n.resource}` : ''}: ${n.title}`);
      lines.push(`     ${n.reason}`);
    }
    lines.push('');
  }
  for (const b of r.bundles) {
    lines.push(`CONTAINERS ${b.stack} ${b.resource} (${b.format})`);
    if (b.containers.length === 0) lines.push('  no container changes');
    for (const c of b.containers) {
      lines.push(`  ${c.change === 'added' ? '+' : c.change === 'removed' ? '-' : '~'} ${c.name}`);
      if (c.image) lines.push(c.image.rebuilt ? `      image rebuilt (build of service ${c.image.rebuilt} changed${c.image.files ? `: ${c.image.files.join(', ')}` : ''})` : `      image ${c.image.old ?? '(none)'} → ${c.image.new ?? '(none)'}`);
      for (const e of c.environment) lines.push(e.change === 'added' ? `      env + ${e.name}=${e.value}` : e.change === 'removed' ? `      env - ${e.name}` : `      env ~ ${e.name}: ${e.old} → ${e.new}`);
      for (const s of c.settings) lines.push(`      ${s}`);
    }
    for (const s of b.settings) lines.push(`  bundle ${s}`);
    for (const f of b.files) lines.push(`  file ${f}`);
    lines.push('');
  }
  if (r.findings.introduced.length > 0 || r.findings.resolved.length > 0) {
    lines.push('FINDINGS');
    for (const f of r.findings.introduced) lines.push(`  + ${f.rule} (${f.plugin}, ${f.severity}) ${f.resource}: ${f.description}`);
    for (const f of r.findings.resolved) lines.push(`  - ${f.rule} ${f.resource}`);
    lines.push('');
  }
  lines.push(`COST (on-demand ${r.cost.currency}, prices of ${r.cost.pricesDate}): ${moneyRange(r.cost.base)} → ${moneyRange(r.cost.head)} per month (${formatDelta(r.cost.delta)})`);
  for (const l of sleepLines(r.cost)) lines.push(`  ${l}`);
  for (const u of r.cost.head.unpriced) lines.push(`  not priced: ${u}`);
  lines.push('');
  for (const s of r.stacks) {
    if (s.status === 'unchanged') {
      lines.push(`STACK ${s.name}: no changes`, '');
      continue;
    }
    lines.push(`STACK ${stackHeader(s)}`);
    for (const res of s.resources) {
      lines.push(`  ${ACTION_SIGNS[res.action]} ${res.type} ${res.path} ${ACTION_WORDS[res.action]}${res.assetOnly ? ' (asset content only)' : ''}`);
      for (const p of res.properties) {
        const impact = p.impact === 'replace' ? ' (requires replacement)' : p.impact === 'may-replace' ? ' (may cause replacement)' : '';
        const value = p.old !== undefined && p.new !== undefined ? `${p.old} → ${p.new}` : p.new !== undefined ? `+ ${p.new}` : p.old !== undefined ? `- ${p.old}` : 'changed';
        lines.push(`      ${p.name}: ${value}${impact}${p.explanation ? ` [${p.explanation}]` : ''}`);
      }
    }
    for (const o of s.other) lines.push(`  ${o}`);
    for (const o of s.iam) lines.push(`  IAM ${o}`);
    for (const o of s.securityGroups) lines.push(`  SG ${o}`);
    lines.push('');
  }
  // data never starts a line or sends an escape sequence to the terminal; only the empty lines at the
  // end go (a data line that is blank after cleaning stays a line, as it is in every other report)
  return `${lines.map(plainLine).join('\n').replace(/\n+$/, '')}\n`;
}


/** The JSON rendering: sorted keys, 2-space indent, trailing newline. */
export function renderJson(r: ReviewReport): string {
  return `${JSON.stringify(sortDeep(r), null, 2)}\n`;
}

/** The estimate with and without the sleep schedules (the cost guard), when a side has one. */
function sleepLines(c: ReviewReport['cost']): string[] {
  const out: string[] = [];
  for (const [name, side] of [['base', c.base], ['head', c.head]] as const) {
    if (side.alwaysOn === undefined) continue;
    out.push(`${name} with its sleep schedule: ${money(side.monthly)}/month; always on: ${money(side.alwaysOn)}/month (the schedule saves ${money(Math.round((side.alwaysOn - side.monthly) * 100) / 100)}/month)`);
  }
  return out;
}
