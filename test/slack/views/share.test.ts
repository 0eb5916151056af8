/** The Share in channel button: within Block Kit's limits, and its value read back by the click handler's schema. */
import { ShareRequestSchema } from '../../../src/slack/actions';
import { SLACK_LIMITS } from '../../../src/slack/limits';
import { statusView } from '../../../src/slack/views/status';
import {
  SHARE_ACTION,
  shareCommandText,
  shareValue,
  withShareButton,
  type ShareRequest,
} from '../../../src/slack/views/share';
import { expectWithinLimits, hugeStatus, smallStatus } from './fixtures';

type Button = { type: string; action_id: string; value: string; text: { text: string } };
const shareButton = (blocks: unknown[]): Button | undefined =>
  (blocks as Array<{ type: string; elements?: Button[] }>)
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? [])
    .find((e) => e.action_id === SHARE_ACTION);

describe('withShareButton', () => {
  it('adds one Share in channel button at the end, and keeps the answer and its thread', () => {
    const answer = statusView(hugeStatus());
    const shared = withShareButton(answer, { command: 'status', group: 'PRD' });
    expectWithinLimits(shared);
    expect(shared.blocks.slice(0, -1)).toEqual(answer.blocks.slice(0, shared.blocks.length - 1));
    expect(shared.thread).toEqual(answer.thread);
    const button = shareButton(shared.blocks.slice(-1));
    expect(button?.text.text).toBe('Share in channel');
    expect(button!.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
    expect(button!.value.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
  });

  it('keeps the button within 50 blocks', () => {
    const answer = statusView(smallStatus());
    const full = { ...answer, blocks: Array.from({ length: 50 }, () => answer.blocks[0]!) };
    const shared = withShareButton(full, { command: 'status', group: 'PRD' });
    expect(shared.blocks).toHaveLength(50);
    expect(shareButton(shared.blocks)).toBeDefined();
  });
});

describe('the button value', () => {
  it.each<ShareRequest>([
    { command: 'status', group: 'PRD' },
    { command: 'baseline', group: 'stg.web-1_a' },
    { command: 'windows' },
    { command: 'windows', group: 'PRD' },
  ])('%j reads back as itself and runs the command with public', (request) => {
    const parsed = ShareRequestSchema.safeParse(shareValue(request));
    expect(parsed.success && parsed.data).toEqual(request);
    expect(shareCommandText(request)).toBe([request.command, request.group, 'public'].filter(Boolean).join(' '));
  });

  it.each([
    ['not JSON', 'status PRD'],
    ['a command that changes things', '{"command":"install","group":"PRD"}'],
    ['a group that is not a name', '{"command":"status","group":"PRD public now"}'],
    ['a mention', '{"command":"status","group":"<!channel>"}'],
    ['extra keys', '{"command":"status","group":"PRD","user":"U0BOB00001"}'],
    ['an array', '["status","PRD"]'],
    ['too long', `{"command":"status","group":"PRD","x":"${'x'.repeat(2000)}"}`],
  ])('refuses %s', (_what, value) => expect(ShareRequestSchema.safeParse(value).success).toBe(false));
});
