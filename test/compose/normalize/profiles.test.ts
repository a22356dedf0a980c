import { activeProfiles, isEnabled, selectProfiles } from '../../../lib/compose/profiles';

// the illustrative example of compose-spec 15-profiles.md
const services = {
  foo: { image: 'foo' },
  bar: { image: 'bar', profiles: ['test'] },
  baz: { image: 'baz', depends_on: ['bar'], profiles: ['test'] },
  zot: { image: 'zot', depends_on: ['bar'], profiles: ['debug'] },
};

describe('profiles', () => {
  it.each([
    [[], ['foo']],
    [['test'], ['bar', 'baz', 'foo']],
    [['debug'], ['foo', 'zot']],
    [['debug', 'test'], ['bar', 'baz', 'foo', 'zot']],
    [['*'], ['bar', 'baz', 'foo', 'zot']],
    [['other'], ['foo']],
  ])('active %p enables %p', (active, enabled) => {
    const s = selectProfiles(services, active);
    expect([...s.enabled].sort()).toEqual(enabled);
    expect(s.disabled).toEqual(Object.keys(services).filter((n) => !enabled.includes(n)).sort());
  });

  it('services without profiles are always on', () => {
    expect(isEnabled([], [])).toBe(true);
    expect(isEnabled(['a'], [])).toBe(false);
  });

  it('takes --profile flags over COMPOSE_PROFILES, comma-separated, de-duplicated', () => {
    expect(activeProfiles(['a', 'b,c', 'a'], 'x')).toEqual(['a', 'b', 'c']);
    expect(activeProfiles([], ' x , y,,')).toEqual(['x', 'y']);
    expect(activeProfiles(undefined, undefined)).toEqual([]);
  });
});
