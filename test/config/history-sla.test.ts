/** history.retentionDays and sla (top level, and a group's override). */
import { parseConfigText } from '../../src/config';
import { GROUP, messagesOf } from './helpers';

const DAY = 86_400_000;
const parse = (text: string) => parseConfigText(text, 'p.yml', {});

describe('history and sla', () => {
  it('defaults to 400 days of history and 7d / 30d for Critical / Important, on every group', () => {
    const config = parse(`groups:\n  PRD:\n    ${GROUP}\n`);
    expect(config.history).toEqual({ retentionDays: 400 });
    expect(config.sla).toEqual({ criticalMs: 7 * DAY, importantMs: 30 * DAY });
    expect(config.groups[0]!.sla).toEqual({ criticalMs: 7 * DAY, importantMs: 30 * DAY });
  });

  it('reads them at the top level, and a group overrides either severity', () => {
    const config = parse(
      `history:\n  retentionDays: 90\nsla:\n  Critical: 3d\n  Important: 14d\ngroups:\n  PRD:\n    ${GROUP}\n    sla:\n      Critical: 1d\n  DEV:\n    ${GROUP}\n`,
    );
    expect(config.history.retentionDays).toBe(90);
    expect(config.sla).toEqual({ criticalMs: 3 * DAY, importantMs: 14 * DAY });
    expect(config.groups.find((g) => g.name === 'PRD')!.sla).toEqual({ criticalMs: 1 * DAY, importantMs: 14 * DAY });
    expect(config.groups.find((g) => g.name === 'DEV')!.sla).toEqual({ criticalMs: 3 * DAY, importantMs: 14 * DAY });
  });

  it('refuses an SLA that is not whole days, a retention out of range, and unknown severities', () => {
    expect(messagesOf(`sla:\n  Critical: 36h\ngroups:\n  PRD:\n    ${GROUP}\n`)).toEqual([
      expect.stringMatching(/^sla\.Critical: expected a whole number of days like "7d"/),
    ]);
    expect(messagesOf(`history:\n  retentionDays: 0\ngroups:\n  PRD:\n    ${GROUP}\n`)).toEqual([
      expect.stringMatching(/^history\.retentionDays: expected a whole number of days from 1 to 3650/),
    ]);
    expect(messagesOf(`sla:\n  Low: 90d\ngroups:\n  PRD:\n    ${GROUP}\n`)).toEqual([
      expect.stringContaining('expected one of: Critical, Important'),
    ]);
    expect(messagesOf(`groups:\n  PRD:\n    ${GROUP}\n    sla:\n      Important: soon\n`)).toEqual([
      expect.stringMatching(/^groups\.PRD\.sla\.Important: expected a duration like "4h"/),
    ]);
  });
});
