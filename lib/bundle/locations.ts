/**
 * Source positions for the converter's messages, from the model's `locations` map (JSON pointer →
 * position in its source file).
 */
import type { ComposeProject } from '../compose/model';
import type { SourceLocation } from '../errors';

/**
 * The position of the value at `pointer`, or of its nearest ancestor that has one (a default value
 * has no position of its own, its mapping does).
 */
export function locate(project: ComposeProject, pointer: string): SourceLocation | undefined {
  let p = pointer;
  for (;;) {
    const loc = project.locations[p];
    if (loc) return loc;
    if (p === '' || p === '/') return undefined;
    const cut = p.lastIndexOf('/');
    p = cut <= 0 ? '' : p.slice(0, cut);
  }
}

/**
 * Whether the value at `pointer` was written in an override file (any compose file but the first),
 * i.e. is a production override the user gave on purpose.
 */
export function fromOverrideFile(project: ComposeProject, pointer: string): boolean {
  if (project.composeFiles.length < 2) return false;
  const loc = project.locations[pointer];
  return loc !== undefined && loc.file !== project.composeFiles[0];
}

