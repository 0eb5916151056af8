/**
 * Slack's external file upload as the stand-in plays it: files.getUploadURLExternal, the bytes
 * POSTed to the upload URL (raw or as a form), files.completeUploadExternal sharing the file in a
 * channel, a DM (conversations.open) or a thread, and the file served back for the demo page.
 */
import { DEMO_IDS } from '@patchbot/sandbox/slack';
import { alice, client, OPS, PRD, platformError, slack, useStandIn } from './web-api-world';

const PNG = Buffer.concat([
  Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
  Buffer.from([0, 0, 4, 0xb0, 0, 0, 3, 0x20]), // 1200 × 800
  Buffer.alloc(40, 7),
]);

async function upload(bytes: Buffer, init: RequestInit = {}): Promise<{ fileId: string; status: number }> {
  const url = await client.files.getUploadURLExternal({ filename: 'chart.png', length: bytes.length });
  expect(url.upload_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/upload\/v1\//);
  expect(new URL(url.upload_url as string).origin).not.toBe(new URL(slack.url).origin);
  const res = await fetch(url.upload_url as string, { method: 'POST', body: bytes, ...init });
  return { fileId: url.file_id as string, status: res.status };
}

describe('files: external upload', () => {
  useStandIn();

  it('shares an uploaded PNG in the channel as a message carrying the file', async () => {
    const { fileId, status } = await upload(PNG);
    expect(status).toBe(200);
    const done = await client.files.completeUploadExternal({
      files: [{ id: fileId, title: 'PRD compliance' }],
      channel_id: PRD,
      initial_comment: 'The last 30 days',
    });
    expect(done.files?.[0]).toMatchObject({ id: fileId, title: 'PRD compliance' });
    const [message] = slack.messages(PRD);
    expect(message).toMatchObject({ text: 'The last 30 days', via: 'files.completeUploadExternal' });
    expect(message?.files?.[0]).toMatchObject({
      id: fileId,
      name: 'chart.png',
      title: 'PRD compliance',
      mimetype: 'image/png',
      filetype: 'png',
      size: PNG.length,
      original_w: 1200,
      original_h: 800,
    });
    const got = await fetch(message?.files?.[0]?.url_private as string);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await got.arrayBuffer()).equals(PNG)).toBe(true);
    const history = await client.conversations.history({ channel: PRD });
    expect(history.messages?.[0]).toMatchObject({ upload: true, files: [{ id: fileId }] });
    // The demo page gets the file by the stand-in's own path, with its size for the image.
    const state = (await (await fetch(`${slack.url}/_ui/state?channel=${PRD}&user=${alice}`)).json()) as {
      messages: Array<{ files?: unknown[] }>;
    };
    expect(state.messages[0]?.files).toEqual([
      expect.objectContaining({
        id: fileId,
        mimetype: 'image/png',
        url: `/files-pri/${fileId}/chart.png`,
        width: 1200,
        height: 800,
      }),
    ]);
  });

  it('takes the bytes as a multipart form too, and keeps the alt text', async () => {
    const url = (await client.apiCall('files.getUploadURLExternal', {
      filename: 'chart.png',
      length: PNG.length,
      alt_txt: 'A chart',
    })) as unknown as { upload_url: string; file_id: string };
    const form = new FormData();
    form.append('filename', new Blob([PNG]), 'chart.png');
    const res = await fetch(url.upload_url as string, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    await client.files.completeUploadExternal({ files: [{ id: url.file_id as string }], channel_id: PRD });
    expect(slack.files()[0]).toMatchObject({ altText: 'A chart', state: 'completed' });
    expect(slack.files()[0]?.bytes?.equals(PNG)).toBe(true);
  });

  it('refuses bytes that are not the declared length, and a URL it never gave', async () => {
    const url = await client.files.getUploadURLExternal({ filename: 'x.png', length: PNG.length + 1 });
    expect((await fetch(url.upload_url as string, { method: 'POST', body: PNG })).status).toBe(400);
    expect((await fetch(`${url.upload_url}x`, { method: 'POST', body: PNG })).status).toBe(404);
    // The bytes never arrived: completing is refused, and nothing is posted.
    expect(
      await platformError(
        client.files.completeUploadExternal({ files: [{ id: url.file_id as string }], channel_id: PRD }),
      ),
    ).toBe('file_not_found');
    expect(slack.messages(PRD)).toEqual([]);
  });

  it('answers Slack errors: missing arguments, unknown ids, a second completion, channels', async () => {
    expect(await platformError(client.apiCall('files.getUploadURLExternal', { filename: 'a.png', length: 0 }))).toBe(
      'missing_argument',
    );
    expect(
      await platformError(
        client.apiCall('files.getUploadURLExternal', { filename: 'a.png', length: 3, alt_txt: 'x'.repeat(1001) }),
      ),
    ).toBe('alt_txt_too_large');
    expect(
      await platformError(client.files.completeUploadExternal({ files: [{ id: 'F0NOSUCH01' }], channel_id: PRD })),
    ).toBe('file_not_found');
    const { fileId } = await upload(PNG);
    // The bot is not in #ops: refused as chat.postMessage would be, and the file is still not completed.
    expect(await platformError(client.files.completeUploadExternal({ files: [{ id: fileId }], channel_id: OPS }))).toBe(
      'not_in_channel',
    );
    expect(
      await platformError(client.files.completeUploadExternal({ files: [{ id: fileId }], channel_id: 'C0NOSUCH99' })),
    ).toBe('channel_not_found');
    await client.files.completeUploadExternal({ files: [{ id: fileId }], channel_id: PRD });
    // Completing is once only: a repeat (say, after a lost answer) is refused and posts nothing more.
    expect(await platformError(client.files.completeUploadExternal({ files: [{ id: fileId }], channel_id: PRD }))).toBe(
      'file_not_found',
    );
    expect(slack.messages(PRD)).toHaveLength(1);
  });

  it('shares in a thread, and in a DM opened with conversations.open', async () => {
    const parent = await client.chat.postMessage({ channel: PRD, text: 'digest' });
    const a = await upload(PNG);
    await client.files.completeUploadExternal({
      files: [{ id: a.fileId }],
      channel_id: PRD,
      thread_ts: parent.ts as string,
    });
    expect(slack.messages(PRD).map((m) => m.thread_ts)).toEqual([parent.ts, parent.ts]);

    const dm = await client.conversations.open({ users: alice });
    expect(dm.channel?.id).toBe(`D${alice.slice(1)}`);
    const b = await upload(PNG);
    await client.files.completeUploadExternal({
      files: [{ id: b.fileId, title: 'audit' }],
      channel_id: dm.channel?.id as string,
    });
    expect(slack.messages(dm.channel?.id as string)[0]?.files?.[0]).toMatchObject({ id: b.fileId, title: 'audit' });
    expect(await platformError(client.conversations.open({ users: 'U0NOSUCH99' }))).toBe('user_not_found');
    expect(DEMO_IDS.users.alice).toBe(alice);
  });
});
