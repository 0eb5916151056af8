import { canonicalZone, formatZoned, isTimeZone, nextWallTime } from '../../src/shared/zoned-time';

describe('wall-clock times in IANA zones', () => {
  it('knows real zones and refuses made-up ones', () => {
    expect(isTimeZone('Asia/Tokyo')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('Europe/Atlantis')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(canonicalZone('asia/tokyo')).toBe('Asia/Tokyo');
  });

  it('finds the next 02:00 in Tokyo: today while ahead, else tomorrow', () => {
    // 16:00Z is 01:00 in Tokyo: 02:00 is an hour ahead.
    expect(nextWallTime(2, 0, 'Asia/Tokyo', new Date('2026-03-01T16:00:00Z')).toISOString()).toBe(
      '2026-03-01T17:00:00.000Z',
    );
    // 17:00Z is 02:00 there already: the next one is a day later.
    expect(nextWallTime(2, 0, 'Asia/Tokyo', new Date('2026-03-01T17:00:00Z')).toISOString()).toBe(
      '2026-03-02T17:00:00.000Z',
    );
  });

  it('keeps the wall time across a DST change, and moves a time in the gap to just after it', () => {
    // Berlin goes from +1 to +2 at 02:00 local on 2027-03-28.
    expect(nextWallTime(4, 0, 'Europe/Berlin', new Date('2027-03-27T12:00:00Z')).toISOString()).toBe(
      '2027-03-28T02:00:00.000Z',
    );
    expect(nextWallTime(2, 30, 'Europe/Berlin', new Date('2027-03-27T12:00:00Z')).toISOString()).toBe(
      '2027-03-28T01:30:00.000Z',
    );
  });

  it('says a moment as the zone reads it, with the offset', () => {
    expect(formatZoned(new Date('2026-03-01T03:00:00Z'), 'Europe/Berlin')).toBe(
      'Sun 1 Mar 04:00 Europe/Berlin (GMT+1)',
    );
    expect(formatZoned(new Date('2026-03-01T17:00:00Z'), 'Asia/Tokyo')).toBe('Mon 2 Mar 02:00 Asia/Tokyo (GMT+9)');
    expect(formatZoned(new Date('2026-03-01T17:00:00Z'), 'Asia/Kolkata')).toBe(
      'Sun 1 Mar 22:30 Asia/Kolkata (GMT+5:30)',
    );
    expect(formatZoned(new Date('2026-03-01T17:00:00Z'), 'UTC')).toBe('Sun 1 Mar 17:00 UTC');
  });
});
