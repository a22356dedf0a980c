/** Validation issues as user errors and diagnostics, located when the file was parsed with positions. */
import * as path from 'path';
import { BundleError, type ErrorDetail, type SourceLocation } from '../../errors';
import { PLACEHOLDER_ISSUE_CODES, type ValidationIssue } from './issues';
import { validateDockerrun } from './dockerrun-v1';

// ---- reporting --------------------------------------------------------------------------------

export interface AssertValidOptions {
  /**
   * Accept placeholder images and roles (previews); they are returned with the warnings.
   *
   * @default false
   */
  readonly allowPlaceholders?: boolean;
  /**
   * JSON pointer → source position (from `parseJsonWithLocations`), so details name line:column.
   *
   * @default - no positions
   */
  readonly locations?: Readonly<Record<string, SourceLocation>>;
}

/** The location of the closest enclosing value that has one. */
export function locate(pointer: string, locations: Readonly<Record<string, SourceLocation>> | undefined): SourceLocation | undefined {
  if (!locations) return undefined;
  let p = pointer;
  for (;;) {
    const loc = locations[p];
    if (loc) return loc;
    if (p === '') return undefined;
    p = p.slice(0, p.lastIndexOf('/'));
  }
}

/** Issues as details of a user error: `path: message [code]`, with line:column when known. */
export function issuesToDetails(issues: readonly ValidationIssue[], locations?: Readonly<Record<string, SourceLocation>>): ErrorDetail[] {
  return issues.map((i) => ({
    message: `${i.path ? i.path + ': ' : ''}${i.message} [${i.code}]`,
    location: locate(i.pointer, locations),
  }));
}

/**
 * Throws a `BundleError` (code `bundle/invalid-dockerrun`) listing every error of `doc` when it is
 * not a valid Dockerrun file; returns the issues that did not fail it otherwise (the warnings, and
 * with `allowPlaceholders` the placeholder issues). `file` names the file in the message.
 */
export function assertValidDockerrun(doc: unknown, file: string, options: AssertValidOptions = {}): ValidationIssue[] {
  const issues = validateDockerrun(doc);
  const errors = issues.filter((i) => i.severity === 'error' && !(options.allowPlaceholders && PLACEHOLDER_ISSUE_CODES.has(i.code)));
  if (errors.length > 0) {
    const onlyPlaceholders = errors.every((e) => PLACEHOLDER_ISSUE_CODES.has(e.code));
    throw new BundleError(`${path.basename(file)} is not a valid Dockerrun.aws.json: ${errors.length} problem${errors.length === 1 ? '' : 's'}`, {
      code: onlyPlaceholders ? 'bundle/dockerrun-placeholder' : 'bundle/invalid-dockerrun',
      location: locate(errors[0].pointer, options.locations),
      details: issuesToDetails(errors, options.locations),
      fix: onlyPlaceholders
        ? 'supply the real image URIs and execution role (e.g. `--image <service>=<uri>`), or deploy through the CDK stack'
        : 'correct the listed keys (docs/dockerrun-validation.md lists every rule and its source)',
    });
  }
  // what did not fail: the warnings, and the placeholders a preview allows
  return issues.filter((i) => !errors.includes(i));
}

