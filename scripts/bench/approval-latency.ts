/**
 * Approval-to-send latency: `/patch install PRD` asked through the front, its approval card
 * awaited, then bob's Approve click sent through the front and the time taken until the simulator's
 * change journal holds the SendCommand. Each round first releases a new critical patch to PRD (and
 * rescans), so every install has something to send; the next round waits for the install to end,
 * as one change per group runs at a time.
 */
import type { SlackMessage } from '../../packages/sandbox/src/slack';
import { DEMO_IDS } from '../../packages/sandbox/src/slack';
import type { ReplicaFront } from './replica-front';

/** One round: the click's acknowledgement and the send, from the click, in ms. */
export interface ApprovalRound {
  ackMs: number;
  sendMs: number;
  /** Whether the click landed on a replica other than the leader (its approval reaches the leader through the database). */
  onFollower: boolean;
}

const { users, channels } = DEMO_IDS;
/** What a card says once its operation is over (the words of src/patching/verdict.ts). */
const ENDED = /\b(succeeded|finished with problems|failed|was cancelled|was not sent)\b/;
const POLL_MS = 5;
const isTop = (m: SlackMessage) => (m.thread_ts ?? m.ts) === m.ts;

/** Runs `rounds` approvals through `front`, reporting each as it ends. */
export async function approvalRounds(
  front: ReplicaFront,
  rounds: number,
  report: (round: ApprovalRound, index: number) => void,
): Promise<ApprovalRound[]> {
  const { sim, slack, proxy } = front;
  const leader = await front.leader();
  const done: ApprovalRound[] = [];
  for (let i = 0; i < rounds; i++) {
    await sim.releasePatch({
      title: `ALAS2-2026-${7001 + i}`,
      classification: 'Security',
      severity: 'Critical',
      releasedDaysAgo: 40,
      group: 'PRD',
      rescan: true,
    });
    const seen = new Set(slack.messages(channels.prd).map((m) => m.ts));
    const asked = await slack.driver.slashCommand({
      userId: users.alice,
      channelId: channels.prd,
      text: 'install PRD',
    });
    if (asked.status !== 200) throw new Error(`/patch install PRD answered ${asked.status}`);
    const card = await slack.driver.waitForMessage(
      channels.prd,
      (m) => !seen.has(m.ts) && isTop(m) && /waiting for approval/.test(m.text),
      20_000,
    );
    const sentBefore = (await sim.changes('SendCommand')).length;
    const started = performance.now();
    const click = await slack.driver.blockAction({
      userId: users.bob,
      channelId: channels.prd,
      messageTs: card.ts,
      actionId: 'patchbot.approve',
    });
    const ackMs = performance.now() - started;
    if (click.status !== 200) throw new Error(`the Approve click answered ${click.status}`);
    const landed = proxy.routed.at(-1)?.upstream;
    while ((await sim.changes('SendCommand')).length === sentBefore) {
      if (performance.now() - started > 30_000) throw new Error(`round ${i + 1}: no SendCommand 30 s after the click`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const round = { ackMs, sendMs: performance.now() - started, onFollower: landed !== leader.name };
    done.push(round);
    report(round, i);
    await slack.driver.waitForUpdate(channels.prd, card.ts, (m) => ENDED.test(m.text), 60_000);
  }
  return done;
}
