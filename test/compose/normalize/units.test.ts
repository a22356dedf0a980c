import { formatDuration, parseBytes, parseCpus, parseDuration, parseFileMode, parseInteger } from '../../../lib/compose/units';

describe('units', () => {
  it.each([
    ['10s', 10_000], ['1m30s', 90_000], ['500ms', 500], ['1h', 3_600_000], ['1h5m30s20ms', 3_930_020], ['1.5s', 1500], ['0', 0], ['100us', 0.1], [5, 5000],
  ])('duration %p → %p ms', (input, ms) => expect(parseDuration(input)).toBe(ms));

  it.each(['', '10', '10 s', 's', '1d', 'lots', '-1s', null, {}])('rejects duration %p', (input) => expect(parseDuration(input)).toBeUndefined());

  it.each([[90_000, '1m30s'], [0, '0s'], [500, '500ms'], [3_930_020, '1h5m30s20ms'], [1500, '1s500ms']])('formats %p ms as %p', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ['512m', 536870912], ['1g', 1073741824], ['1.5GB', 1610612736], ['50M', 52428800], ['2b', 2], ['1024kb', 1048576], ['2048k', 2097152], ['1gb', 1073741824], ['10MiB', 10485760], ['10Mi', 10485760], ['1 GB', 1073741824], [1048576, 1048576], ['100', 100],
  ])('bytes %p → %p', (input, n) => expect(parseBytes(input)).toBe(n));

  it.each(['lots', '1x', '-5m', '', 'm', true, '1.2.3m', '5 m b'])('rejects bytes %p', (input) => expect(parseBytes(input)).toBeUndefined());

  it('reads cpus, integers and file modes', () => {
    expect(parseCpus('0.5')).toBe(0.5);
    expect(parseCpus(2)).toBe(2);
    expect(parseCpus('two')).toBeUndefined();
    expect(parseCpus(-1)).toBeUndefined();
    expect(parseInteger('42')).toBe(42);
    expect(parseInteger('4.2')).toBeUndefined();
    expect(parseInteger(5, { max: 4 })).toBeUndefined();
    expect(parseFileMode('0440')).toBe(0o440);
    expect(parseFileMode(288)).toBe(288);
    expect(parseFileMode('9')).toBeUndefined();
  });
});
