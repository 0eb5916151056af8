import { formatDuration, parseDuration, tryParseDuration } from '../../src/config';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['4h', 14_400_000],
    ['2d', 172_800_000],
    ['1h30m', 5_400_000],
    ['1d12h', 129_600_000],
    ['1d2h3m4s', 93_784_000],
    ['0s', 0],
    [' 4h ', 14_400_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'soon', '4', '1.5h', '30m1h', '4 h', '-1h', '4hours', 'h', '1ms'])('rejects %j', (text) => {
    expect(tryParseDuration(text)).toBeUndefined();
    expect(() => parseDuration(text)).toThrow(
      new RangeError(`expected a duration like "4h", got ${JSON.stringify(text)}`),
    );
  });

  it('formats ms back to the shortest text', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(14_400_000)).toBe('4h');
    expect(formatDuration(93_784_000)).toBe('1d2h3m4s');
    expect(formatDuration(0)).toBe('0s');
    expect(parseDuration(formatDuration(129_600_000))).toBe(129_600_000);
  });
});
