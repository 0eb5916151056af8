/**
 * The Slack stand-in and a WebClient for a file of Web API tests, and what they share; `slack` and `client`
 * are live bindings, so the tests read the running pair.
 */
import { webApi } from '@slack/bolt';
import { DEMO_IDS, type SlackStandIn } from '@patchbot/sandbox/slack';
import { standIn, webClient } from './helpers';

/** Slack's error codes as WebClient reports them. */
export const { ErrorCode } = webApi;
/** Demo people who are, and are not, members of the channels. */
export const { alice, carol, mallory } = DEMO_IDS.users;
/** Demo channels, by id. */
export const { prd: PRD, stg: STG, ops: OPS } = DEMO_IDS.channels;

/** The platform error's `data.error` from a failed call. */
export async function platformError(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    const e = err as { code?: string; data?: { ok?: boolean; error?: string } };
    expect(e.code).toBe(ErrorCode.PlatformError);
    expect(e.data?.ok).toBe(false);
    return e.data?.error ?? '<none>';
  }
  throw new Error('the call succeeded');
}

/** A mrkdwn section block. */
export const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

/** The running stand-in (set by `useStandIn`'s beforeAll). */
export let slack: SlackStandIn;
/** A WebClient pointed at `slack`. */
export let client: webApi.WebClient;

/** Starts the stand-in and its client before the file's tests, resets it before each, and closes it after them. */
export function useStandIn(): void {
  beforeAll(async () => {
    slack = await standIn();
    client = webClient(slack);
  });
  afterAll(() => slack?.close());
  beforeEach(() => slack.reset());
}
