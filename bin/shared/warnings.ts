/**
 * How every command prints warnings on stderr: one line each (`warning: file:line:col: message`), or
 * grouped by service with the code (the converter's many warnings: `dockerrun`, `import`, `local`).
 */
import { Diagnostic, formatDiagnostic, formatLocation } from '../../lib/errors';

/** One `warning: …` line per diagnostic; with `withCode`, the code in brackets after the message. */
export function warningLines(warnings: readonly Diagnostic[], cwd: string, options: { readonly withCode?: boolean } = {}): string {
  return warnings.map((w) => `warning: ${formatDiagnostic(w, cwd)}${options.withCode ? ` [${w.code}]` : ''}\n`).join('');
}

/** Warnings grouped by service (project-wide ones first), each with its location and code. */
export function formatWarnings(warnings: readonly Diagnostic[], cwd: string): string {
  if (warnings.length === 0) return '';
  const groups = new Map<string, Diagnostic[]>();
  for (const w of warnings) {
    const key = w.service ?? '';
    groups.set(key, [...(groups.get(key) ?? []), w]);
  }
  const lines: string[] = [`${warnings.length} warning${warnings.length === 1 ? '' : 's'}:`];
  for (const key of [...groups.keys()].sort()) {
    lines.push(key === '' ? '  project' : `  service ${key}`);
    for (const w of groups.get(key)!) {
      const where = w.location ? `${formatLocation(w.location, cwd)}: ` : '';
      lines.push(`    ${where}${w.message} [${w.code}]`);
    }
  }
  return `${lines.join('\n')}\n`;
}
