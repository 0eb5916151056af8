/** Reads the approval card's buttons, and the times and handles its tests share. */
import type { SlackMessage } from '../../../src/slack/views/message';
import { NOW } from './fixtures';

/** A button as Block Kit JSON holds it. */
export type Button = {
  type: string;
  action_id: string;
  value: string;
  style?: string;
  text: { text: string };
  confirm?: { title: { text: string }; text: { text: string } };
};
/** The message's actions blocks. */
export const actionBlocks = (m: SlackMessage) =>
  (m.blocks as Array<{ type: string; elements?: Button[] }>).filter((b) => b.type === 'actions');
/** Every button of the message. */
export const buttons = (m: SlackMessage): Button[] => actionBlocks(m).flatMap((b) => b.elements ?? []);
/** The button with this action id, if any. */
export const button = (m: SlackMessage, actionId: string) => buttons(m).find((b) => b.action_id === actionId);
/** The fixtures' now, less this many minutes. */
export const at = (minutesBeforeNow: number) => new Date(NOW.getTime() - minutesBeforeNow * 60_000);
/** The handle the Slack layer resolved for the fixtures' approver user group. */
export const HANDLES = new Map([['S0OPS0001', 'ops-leads']]);
