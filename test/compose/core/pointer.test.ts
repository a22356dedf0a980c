import { childPointer, escapeSegment, humanPath, humanPointer, parsePointer, toPointer, unescapeSegment } from '../../../lib/compose/pointer';

describe('JSON pointers', () => {
  test('escape and unescape ~ and /', () => {
    expect(escapeSegment('a/b~c')).toBe('a~1b~0c');
    expect(unescapeSegment('a~1b~0c')).toBe('a/b~c');
    expect(unescapeSegment('~01')).toBe('~1');
  });

  test('build and split pointers', () => {
    expect(toPointer(['services', 'web', 'labels', 'com.example/x', 0])).toBe('/services/web/labels/com.example~1x/0');
    expect(toPointer([])).toBe('');
    expect(parsePointer('/services/web/labels/com.example~1x/0')).toEqual(['services', 'web', 'labels', 'com.example/x', '0']);
    expect(parsePointer('')).toEqual([]);
    expect(childPointer('/services', 'a/b')).toBe('/services/a~1b');
  });

  test('human paths tell indexes from keys with the data', () => {
    expect(humanPath(['services', 'web', 'ports', 0])).toBe('services.web.ports[0]');
    expect(humanPath([])).toBe('(top level)');
    expect(humanPath(['services', 'web', 'labels', 'com.example/x'])).toBe('services.web.labels["com.example/x"]');
    const data = { services: { '1': { ports: ['80'] } } };
    expect(humanPointer('/services/1/ports/0', data)).toBe('services.1.ports[0]');
    expect(humanPointer('/services/web/ports/0')).toBe('services.web.ports[0]');
  });
});
