import { addDays, dayNumber, dayText, daysBetween, isDayText, utcDay } from '../../src/shared/utc-day';

describe('UTC days', () => {
  it('takes the UTC calendar day of a moment, whatever the local zone', () => {
    expect(utcDay(new Date('2026-03-01T23:59:59.999Z'))).toBe('2026-03-01');
    expect(utcDay(new Date('2026-03-02T00:00:00.000Z'))).toBe('2026-03-02');
  });

  it('numbers days from 1970-01-01 and back', () => {
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(dayNumber('2026-03-01')).toBe(20513);
    expect(dayText(20513)).toBe('2026-03-01');
    expect(addDays('2026-02-27', 2)).toBe('2026-03-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(daysBetween('2026-02-20', '2026-03-01')).toBe(9);
  });

  it('refuses what is not a calendar day', () => {
    for (const bad of ['2026-02-30', '2026-3-1', '2026-03-01T00:00Z', ''])
      expect(() => dayNumber(bad)).toThrow(/not a calendar day/);
    expect(isDayText('2024-02-29')).toBe(true);
    expect(isDayText('2025-02-29')).toBe(false);
  });
});
