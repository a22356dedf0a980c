import * as path from 'path';
import * as fc from 'fast-check';
import { isInside } from '../../lib/util/inside';

/** The definition: `path.relative` reaches `child` from `parent` without leaving it. */
function reference(child: string, parent: string): boolean {
  const rel = path.posix.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith('../') && !path.posix.isAbsolute(rel));
}

describe('isInside', () => {
  it.each([
    ['/p', '/p', true],
    ['/p/a', '/p', true],
    ['/pa', '/p', false],
    ['/p/..a', '/p', true],
    ['/p/../q', '/p', false],
    ['/p/./a', '/p', true],
    ['/p/a/', '/p', true],
    ['/', '/p', false],
    ['/p', '/', true],
    ['a', '.', true],
    ['../a', '.', false],
  ])('%s inside %s: %s', (child, parent, expected) => {
    expect(isInside(child, parent, path.posix)).toBe(expected);
  });

  it('agrees with path.relative on any pair of paths', () => {
    const segment = fc.constantFrom('a', 'b', '.', '..', '', '..a', 'a..', '.a');
    const p = fc.tuple(fc.boolean(), fc.array(segment, { maxLength: 5 })).map(([abs, segs]) => (abs ? '/' : '') + segs.join('/'));
    fc.assert(fc.property(p, p, (child, parent) => isInside(child, parent, path.posix) === reference(child, parent)), { numRuns: 20000 });
  });
});
