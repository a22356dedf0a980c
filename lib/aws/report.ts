/**
 * Renders check results as a table grouped by resource (text) or as JSON. Deterministic: the order
 * of the checks list, fixed column widths computed from the content, no timestamps, no colours.
 */
import { printable } from '../errors';
import { CheckResult, CheckSummary, summarize } from './check';
import { sortDeep } from '../util/sort-deep';
import { stageLine } from '../review/stage';
import type { StackStage } from '../review/types';

/** Text that may quote AWS (event messages, resource descriptions): one line, no control characters, bounded. */
const fromAws = (text: string, max = 500) => printable(text, max);

export interface Report {
  /** `preflight` or `doctor`. */
  readonly command: string;
  readonly stackName: string;
  /** The stage the stack says it is: the header names it. */
  readonly stage?: StackStage;
  readonly account?: string;
  readonly region?: string;
  readonly results: readonly CheckResult[];
}

/** The fix of the first failed check, else of the first warning. */
export function nextStep(results: readonly CheckResult[]): string | undefined {
  const first = results.find((r) => r.status === 'fail') ?? results.find((r) => r.status === 'warn');
  return first?.fix !== undefined ? `${first.id}: ${first.fix}` : undefined;
}

export function hasFailure(results: readonly CheckResult[], strict = false): boolean {
  return results.some((r) => r.status === 'fail' || (strict && r.status === 'warn'));
}

function summaryLine(s: CheckSummary, total: number): string {
  const parts = [`${s.pass} passed`, `${s.warn} ${s.warn === 1 ? 'warning' : 'warnings'}`, `${s.fail} failed`];
  if (s.skip > 0) parts.push(`${s.skip} skipped`);
  return `${total} checks: ${parts.join(', ')}`;
}

/** The table. */
export function formatReport(report: Report): string {
  const { results } = report;
  const idWidth = Math.max(5, ...results.map((r) => r.id.length));
  const where = report.account && report.region ? `aws://${report.account}/${report.region}` : (report.region ?? 'unknown region');
  const lines: string[] = [`beanstack ${report.command}: ${report.stage ? stageLine(report.stage) : `stack ${report.stackName}`} in ${where}`, ''];
  const groups: string[] = [];
  for (const r of results) if (!groups.includes(r.group)) groups.push(r.group);
  const pad = ' '.repeat(2 + 4 + 2 + idWidth + 2);
  for (const group of groups) {
    lines.push(group);
    for (const r of results.filter((x) => x.group === group)) {
      lines.push(`  ${r.status.padEnd(4)}  ${r.id.padEnd(idWidth)}  ${fromAws(r.summary)}`);
      for (const d of r.details ?? []) lines.push(`${pad}- ${fromAws(d)}`);
      if (r.fix !== undefined) lines.push(`${pad}fix: ${fromAws(r.fix)}`);
    }
  }
  lines.push('', summaryLine(summarize(results), results.length));
  const next = nextStep(results);
  if (next !== undefined) lines.push(`next step: ${next}`);
  return lines.join('\n') + '\n';
}

/** Sorted-key, 2-space JSON with a trailing newline. */
export function formatReportJson(report: Report): string {
  return stableStringify(reportJson(report)) + '\n';
}

/** The JSON value of a report (what `--json` prints). */
export function reportJson(report: Report): Record<string, unknown> {
  return {
    account: report.account ?? null,
    checks: report.results.map((r) => ({
      details: r.details ?? [],
      fix: r.fix ?? null,
      group: r.group,
      id: r.id,
      status: r.status,
      summary: r.summary,
      title: r.title,
    })),
    command: report.command,
    nextStep: nextStep(report.results) ?? null,
    region: report.region ?? null,
    stack: report.stackName,
    ...(report.stage ? { stage: report.stage.stage, preset: report.stage.preset ?? null } : {}),
    summary: summarize(report.results),
  };
}

/** JSON.stringify with object keys sorted at every level. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortDeep(value), null, 2);
}

