/** Requests and approvals through the Slack stand-in, for the approval end-to-end tests. */
import { DEMO_IDS, settled, type Harness } from '../support/bot';

/** The demo people and channels. */
export const { users, channels } = DEMO_IDS;
/** The action id of the card's Approve button. */
export const APPROVE = 'patchbot.approve';

/** Posts `/patch <text>` as alice and returns the approval card it produced. */
export async function requestCard(h: Harness, text: string, match: RegExp) {
  const seen = new Set(h.slack.messages(channels.prd).map((m) => m.ts));
  await h.slack.driver.slashCommand({ userId: users.alice, channelId: channels.prd, text });
  return h.slack.driver.waitForMessage(channels.prd, (m) => !seen.has(m.ts) && match.test(m.text), 10000);
}

/** Clicks Approve as `userId` and returns what that user was told privately, if anything. */
export async function approve(h: Harness, ts: string, userId: string): Promise<string> {
  const before = h.slack.responses().length;
  const r = await h.slack.driver.blockAction({ userId, channelId: channels.prd, messageTs: ts, actionId: APPROVE });
  expect(r.status).toBe(200);
  await settled(h.bot);
  return JSON.stringify(h.slack.responses().slice(before));
}

/** How many SendCommand calls the simulator has answered. */
export const sends = (h: Harness) => h.sim.stats().calls.SendCommand ?? 0;
