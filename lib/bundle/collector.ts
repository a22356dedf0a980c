/**
 * Collects the planner's warnings and problems: warnings are returned with the plan, problems are
 * thrown together as one `BundleError` (every problem at once, sorted by position).
 */
import type { ComposeProject } from '../compose/model';
import { BundleError, Diagnostic, ErrorDetail } from '../errors';
import { locate } from './locations';
import { escapeSegment, humanPointer } from '../compose/pointer';

interface Problem extends ErrorDetail {
  readonly code: string;
}

/** JSON pointer of a service value: `servicePointer('web', 'ports', 0)` → `/services/web/ports/0`. */
export const servicePointer = (service: string, ...rest: (string | number)[]) =>
  `/services/${escapeSegment(service)}${rest.map((r) => `/${escapeSegment(String(r))}`).join('')}`;

export class Collector {
  readonly warnings: Diagnostic[] = [];
  readonly problems: Problem[] = [];
  constructor(readonly project: ComposeProject) {}

  warn(code: string, message: string, service?: string, pointer?: string): void {
    const d: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = { code, message };
    if (service !== undefined) d.service = service;
    if (pointer !== undefined) {
      d.path = humanPointer(pointer);
      const loc = locate(this.project, pointer);
      if (loc) d.location = loc;
    }
    this.warnings.push(d);
  }

  /** A warning at a position of another file (a config file, a Dockerfile). */
  warnAt(code: string, message: string, service: string | undefined, location: ErrorDetail['location']): void {
    const d: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = { code, message };
    if (service !== undefined) d.service = service;
    if (location) d.location = location;
    this.warnings.push(d);
  }

  fail(code: string, message: string, pointer?: string): void {
    const location = pointer !== undefined ? locate(this.project, pointer) : undefined;
    this.problems.push(location ? { code, message, location } : { code, message });
  }

  /** A problem at a position of another file (a missing shipped file's mount, a Dockerfile line). */
  failAt(code: string, message: string, location: ErrorDetail['location']): void {
    this.problems.push(location ? { code, message, location } : { code, message });
  }

  /** Throws every collected problem as one BundleError, sorted by file, line, column, message. */
  throwIfProblems(fix: string): void {
    if (this.problems.length === 0) return;
    const sorted = [...this.problems].sort((a, b) => {
      const ka = [a.location?.file ?? '\uffff', a.location?.line ?? 0, a.location?.column ?? 0, a.message] as const;
      const kb = [b.location?.file ?? '\uffff', b.location?.line ?? 0, b.location?.column ?? 0, b.message] as const;
      for (let i = 0; i < ka.length; i++) {
        if (ka[i] < kb[i]) return -1;
        if (ka[i] > kb[i]) return 1;
      }
      return 0;
    });
    const codes = [...new Set(sorted.map((p) => p.code))];
    const code = codes.length === 1 ? codes[0] : 'bundle/multiple-problems';
    const what = sorted.length === 1 ? '1 problem keeps' : `${sorted.length} problems keep`;
    throw new BundleError(`${what} this compose project from running on Elastic Beanstalk`, {
      code,
      location: sorted.length === 1 ? sorted[0].location : undefined,
      fix,
      details: sorted.map(({ message, location }) => (location ? { message, location } : { message })),
    });
  }
}
