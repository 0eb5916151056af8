/** The notice poster's digest chart: uploaded after a posted digest, never when it was refused, and its failure never fails the digest. */
import type { DigestChart, Notice } from '../../src/jobs/notices';
import { chartPeriod } from '../../src/patching/chart-period';
import type { FileAttachment } from '../../src/patching/attachment';
import { silentLogger } from '../../src/logger';
import { SlackNoticePoster } from '../../src/slack/notice-poster';
import { SlackError } from '../../src/errors';

const NOW = new Date('2026-03-10T12:00:00Z');
const period = chartPeriod(NOW);
const chart: DigestChart = {
  groups: ['PRD'],
  period,
  rows: [
    {
      group: 'PRD',
      day: period.toDay,
      instances: 10,
      compliant: 9,
      critical: 1,
      important: 0,
      pendingReboot: 0,
      unreachable: 0,
      oldestScanAt: null,
      recordedAt: NOW,
    },
  ],
};
const digest = (withChart: boolean): Notice => ({
  notice: 'digest',
  now: NOW,
  data: { channel: 'C1', generatedAt: NOW, since: undefined, groups: [], failures: [] } as never,
  ...(withChart ? { chart } : {}),
});

function fakePoster(refusal?: string, uploadError?: Error) {
  const order: string[] = [];
  const files: FileAttachment[] = [];
  return {
    order,
    files,
    post: async () => {
      order.push('message');
      return refusal ? [refusal] : undefined;
    },
    postFile: async (_channel: string, file: FileAttachment) => {
      order.push('file');
      files.push(file);
      if (uploadError) throw uploadError;
    },
  };
}

describe('SlackNoticePoster: the digest chart', () => {
  it('uploads the chart, as a PNG, after the digest message', async () => {
    const poster = fakePoster();
    expect(await new SlackNoticePoster(poster, silentLogger()).post('C1', digest(true))).toBeUndefined();
    expect(poster.order).toEqual(['message', 'file']);
    expect(poster.files[0]).toMatchObject({
      filename: 'digest-compliance-2026-03-10.png',
      title: expect.stringContaining('Compliance'),
    });
    expect(Buffer.from(poster.files[0]!.bytes.subarray(0, 4)).toString('hex')).toBe('89504e47');
  });

  it('uploads nothing without history, or when the channel refused the digest', async () => {
    const none = fakePoster();
    await new SlackNoticePoster(none).post('C1', digest(false));
    expect(none.order).toEqual(['message']);
    const refused = fakePoster('not in channel');
    expect(await new SlackNoticePoster(refused).post('C1', digest(true))).toEqual(['not in channel']);
    expect(refused.order).toEqual(['message']);
  });

  it('a chart that fails leaves the digest posted (so it is not posted again)', async () => {
    const failing = fakePoster(
      undefined,
      new SlackError('SLACK_UNAVAILABLE', 'lost', { method: 'files.completeUploadExternal' }),
    );
    expect(await new SlackNoticePoster(failing, silentLogger()).post('C1', digest(true))).toBeUndefined();
    expect(failing.order).toEqual(['message', 'file']);
  });
});
