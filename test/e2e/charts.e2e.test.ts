/**
 * Charts through the real bot, the Slack stand-in and the store: the digest posts a PNG chart of
 * the channel's groups after its message, `/patch status PRD chart` posts PRD's, both decode to the
 * expected size with lines drawn, and a chart whose upload answer is lost is not posted twice.
 */
import { CHART_HEIGHT, CHART_WIDTH } from '../../src/slack/views/compliance-chart';
import { DEMO_IDS, type Harness, startHarness } from '../support/bot';
import { seedHistory } from '../support/history';
import { summarisePng } from '../support/png';

const { users, channels } = DEMO_IDS;

/** The plot area of the chart (inside the axes, above the legend). */
const PLOT = { x: 100, y: 60, width: 1000, height: 600 };

/** The bot's messages in the channel that carry a file, oldest first. */
const fileMessages = (h: Harness, channel: string) => h.slack.messages(channel).filter((m) => m.files?.length);

/** The uploaded bytes of the file a message carries, fetched from the stand-in as Slack's url_private. */
async function bytesOf(message: { files?: Array<Record<string, unknown>> }): Promise<Uint8Array> {
  const url = message.files?.[0]?.url_private;
  if (typeof url !== 'string') throw new Error('the message carries no file');
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('image/png');
  return new Uint8Array(await res.arrayBuffer());
}

function expectChart(png: Uint8Array): void {
  const whole = summarisePng(png);
  expect({ width: whole.width, height: whole.height }).toEqual({ width: CHART_WIDTH, height: CHART_HEIGHT });
  const plot = summarisePng(png, PLOT);
  // Lines in several colours, not a blank (or one-colour) picture.
  expect(plot.nonWhite).toBeGreaterThan(3_000);
  expect(plot.colours).toBeGreaterThan(20);
}

describe('charts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await seedHistory(h.dbPath);
  });
  afterAll(() => h.close());
  beforeEach(() => h.slack.reset());

  it('the digest posts its message, then a PNG chart of the channel groups that decodes', async () => {
    await h.bot.runJob('digest');
    const messages = h.slack.messages(channels.prd);
    const charts = fileMessages(h, channels.prd);
    expect(charts).toHaveLength(1);
    // The chart comes right after the digest message it belongs to.
    const digestAt = messages.findIndex((m) => m.text.includes('Daily patch digest'));
    expect(digestAt).toBeGreaterThanOrEqual(0);
    expect(messages.indexOf(messages.find((m) => m.ts === charts[0]?.ts)!)).toBeGreaterThan(digestAt);
    const file = charts[0]!.files![0]!;
    expect(file).toMatchObject({
      mimetype: 'image/png',
      filetype: 'png',
      original_w: CHART_WIDTH,
      original_h: CHART_HEIGHT,
    });
    expect(String(file.name)).toMatch(/^digest-compliance-\d{4}-\d{2}-\d{2}\.png$/);
    expect(String(file.alt_txt)).toMatch(/PRD: \d+% compliant/);
    expect(String(file.alt_txt)).toMatch(/WIN: 70% compliant, 0 missing critical, 3 missing important/);
    expectChart(await bytesOf(charts[0]!));
    // STG has no history: its digest goes without a chart.
    expect(fileMessages(h, channels.stg)).toHaveLength(0);
    expect(h.slack.messages(channels.stg).length).toBeGreaterThan(0);
  });

  it('/patch status PRD chart posts the group chart in the channel', async () => {
    await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text: 'status PRD chart' });
    await h.slack.driver.waitFor(() => fileMessages(h, channels.prd).length > 0, 15_000, 'the chart');
    await h.bot.idle();
    const [chart] = fileMessages(h, channels.prd);
    expect(chart?.text).toContain('PRD: compliance and missing critical and important patches over the last 30 days');
    expect(chart?.files?.[0]).toMatchObject({ title: expect.stringContaining('PRD: compliance') });
    expect(String(chart?.files?.[0]?.alt_txt)).not.toContain('WIN');
    expectChart(await bytesOf(chart!));
  });

  it('a chart whose completion answer is lost is in the channel once, and the digest once', async () => {
    // Shared, then answered internal_error: the bot cannot know, so it must not share again.
    h.slack.failNext('files.completeUploadExternal', 'internal_error', { applied: true });
    await h.bot.runJob('digest');
    // Only PRD's channel has history to draw (STG's has none): one completion, answered with an error, never repeated.
    expect(h.slack.calls('files.completeUploadExternal').map((c) => c.response.error)).toEqual(['internal_error']);
    expect(fileMessages(h, channels.prd)).toHaveLength(1);
    expect(h.slack.messages(channels.prd).filter((m) => m.text.includes('Daily patch digest'))).toHaveLength(1);
  });
});
