/**
 * FileUploader against the Slack stand-in: the three steps of the external upload, the bytes
 * arriving intact, refusals with their fix, a 429 waited out, and a lost completion answer that is
 * never repeated (so the file is in the channel once).
 */
import { DEMO_IDS, type SlackStandIn, waitFor } from '@patchbot/sandbox/slack';
import { SlackError } from '../../src/errors';
import { silentLogger } from '../../src/logger';
import { FileUploader } from '../../src/slack/file-upload';
import { deliverFile } from '../../src/slack/deliver-file';
import { chartPeriod } from '../../src/patching/chart-period';
import { standIn, webClient } from '../sandbox/slack/helpers';

const { prd: PRD, ops: OPS } = DEMO_IDS.channels;
const file = {
  filename: 'prd-compliance-2026-12-02.png',
  title: 'PRD compliance, last 30 days',
  bytes: new Uint8Array(Buffer.from('89504e470d0a1a0a0000000d494844520000000a0000000a08060000008d32cfbd', 'hex')),
  altText: 'PRD: 90% compliant',
};

let slack: SlackStandIn;
let uploader: FileUploader;

beforeAll(async () => {
  slack = await standIn();
  uploader = new FileUploader(
    webClient(slack, { retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 20 } }),
    silentLogger(),
    {
      timeoutMs: 1_000,
    },
  );
});
afterAll(() => slack.close());
beforeEach(() => slack.reset());

async function failure(p: Promise<unknown>): Promise<SlackError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(SlackError);
    return err as SlackError;
  }
  throw new Error('the upload succeeded');
}

describe('FileUploader', () => {
  it('asks for a URL with name, length and alt text, sends the bytes, and shares the file once in the channel', async () => {
    const { fileId } = await uploader.upload(file, { channel: PRD, comment: 'Compliance, last 30 days' });
    expect(slack.calls('files.getUploadURLExternal')[0]?.args).toMatchObject({
      filename: file.filename,
      length: String(file.bytes.length),
      alt_txt: file.altText,
    });
    expect(slack.calls('files.completeUploadExternal')[0]?.args).toMatchObject({
      files: [{ id: fileId, title: file.title }],
      channel_id: PRD,
      initial_comment: 'Compliance, last 30 days',
    });
    const messages = slack.messages(PRD);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.files?.[0]).toMatchObject({ id: fileId, name: file.filename, mimetype: 'image/png' });
    expect(slack.files()[0]?.bytes?.equals(Buffer.from(file.bytes))).toBe(true);
  });

  it('names the fix when the channel refuses the file', async () => {
    const err = await failure(uploader.upload(file, { channel: OPS }));
    expect(err.slackCode).toBe('not_in_channel');
    expect(err.method).toBe('files.completeUploadExternal');
    expect(err.userMessage).toMatch(/invite/);
    expect(slack.messages(OPS)).toEqual([]);
  });

  it('waits out a 429 on completion and shares the file once', async () => {
    slack.rateLimitNext('files.completeUploadExternal', 1, 1);
    await uploader.upload(file, { channel: PRD });
    expect(slack.calls('files.completeUploadExternal').map((c) => c.status)).toEqual([429, 200]);
    expect(slack.messages(PRD)).toHaveLength(1);
  });

  it('does not complete again when the answer is lost: the file is in the channel once, and the caller is told it is uncertain', async () => {
    // Done, then answered internal_error: Slack documents that the call may have happened all the same.
    slack.failNext('files.completeUploadExternal', 'internal_error', { applied: true });
    const err = await failure(uploader.upload(file, { channel: PRD }));
    expect(err.slackCode).toBe('internal_error');
    expect(err.code).toBe('SLACK_UNAVAILABLE');
    expect(slack.calls('files.completeUploadExternal')).toHaveLength(1);
    expect(slack.messages(PRD)).toHaveLength(1);
  });

  it('does not complete again after a timeout either', async () => {
    slack.hangNext('files.completeUploadExternal', 3_000);
    const err = await failure(uploader.upload(file, { channel: PRD }));
    expect(err.code).toBe('SLACK_UNAVAILABLE');
    expect(err.userMessage).toMatch(/may be in the channel already/);
    // The stand-in records the call it dropped once it sees the client gone.
    const calls = await waitFor(() => {
      const c = slack.calls('files.completeUploadExternal');
      return c.length > 0 && c;
    });
    expect(calls.map((c) => c.status)).toEqual([0]);
    expect(slack.messages(PRD)).toEqual([]);
  });
});

describe('deliverFile', () => {
  const responses: Array<{ text?: string }> = [];
  const target = (channelId: string) => ({
    client: webClient(slack),
    respond: (async (r: { text?: string }) => {
      responses.push(r);
    }) as never,
    channelId,
    userId: DEMO_IDS.users.alice,
    logger: silentLogger(),
  });
  beforeEach(() => {
    responses.length = 0;
  });

  it('sends a file for the requester to their DM with the bot (conversations.open)', async () => {
    const done = await deliverFile({ kind: 'file', file, to: 'requester', comment: 'Your export' }, target(PRD));
    expect(done).toBe('private');
    expect(slack.calls('conversations.open')[0]?.args).toMatchObject({ users: DEMO_IDS.users.alice });
    const dm = `D${DEMO_IDS.users.alice.slice(1)}`;
    expect(slack.messages(dm)[0]).toMatchObject({ text: 'Your export', files: [{ name: file.filename }] });
    expect(slack.messages(PRD)).toEqual([]);
    // Where they typed the command they would otherwise see nothing: they are told where the file went.
    expect(responses).toEqual([
      expect.objectContaining({
        response_type: 'ephemeral',
        text: expect.stringMatching(/sent `.+` to your direct messages/),
      }),
    ]);
  });

  it('draws a chart and shares it here; a refusing channel is told to the requester privately', async () => {
    const period = chartPeriod(new Date('2026-12-02T00:00:00Z'));
    const chart = { title: 'PRD', slug: 'prd', groups: ['PRD'], period, rows: [] };
    expect(await deliverFile({ kind: 'chart', chart, to: 'here' }, target(PRD))).toBe('channel');
    expect(slack.messages(PRD)[0]?.files?.[0]).toMatchObject({
      name: 'prd-compliance-2026-12-02.png',
      mimetype: 'image/png',
    });
    expect(await deliverFile({ kind: 'chart', chart, to: 'here' }, target(OPS))).toBe('none');
    expect(responses[0]?.text).toMatch(/couldn't share prd-compliance-2026-12-02\.png.*invite/);
  });
});
