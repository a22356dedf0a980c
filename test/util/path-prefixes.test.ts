import * as fc from 'fast-check';
import { allDirectoryPrefixes, directoryPrefixes, underAnyOf } from '../../lib/util/path-prefixes';

describe('path prefixes', () => {
  it('lists the directory prefixes of a path, shortest first', () => {
    expect(directoryPrefixes('a/b/c')).toEqual(['a', 'a/b']);
    expect(directoryPrefixes('/x/y')).toEqual(['', '/x']);
    expect(directoryPrefixes('file')).toEqual([]);
    expect(directoryPrefixes('a//b')).toEqual(['a', 'a/']);
  });

  it('answers like comparing the path with every other path (startsWith q + "/")', () => {
    const segment = fc.constantFrom('a', 'b', 'ab', '', '.');
    const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
    fc.assert(fc.property(fc.array(path, { maxLength: 12 }), path, (paths, p) => {
      const set = new Set(paths);
      expect(underAnyOf(p, set)).toBe(paths.some((q) => p.startsWith(`${q}/`)));
      expect(allDirectoryPrefixes(paths).has(p)).toBe(paths.some((f) => f.startsWith(`${p}/`)));
    }));
  });
});
