/**
 * The demo workspace as data: one team, the bot, three channels, four people and one user group.
 * The demo's patchbot.yml and the e2e tests name these same ids, so they are exported as constants.
 */

/** A channel in the seed; the bot is a member when its user id is in `members`. */
export interface ChannelSeed {
  id: string;
  name: string;
  members: string[];
  isPrivate?: boolean;
  /** Archived: listed only without `exclude_archived`; posting answers `is_archived`. */
  isArchived?: boolean;
  topic?: string;
}

/** A person in the seed. */
export interface UserSeed {
  id: string;
  /** The handle (`alice`), what Slack calls `name` and slash commands send as `user_name`. */
  name: string;
  realName: string;
  displayName: string;
  /** IANA timezone. */
  tz: string;
}

/** A user group (`@patch-leads`); Slack calls these subteams and gives them `S` ids. */
export interface UserGroupSeed {
  id: string;
  handle: string;
  name: string;
  users: string[];
}

/** The installed app and its bot user. */
export interface BotSeed {
  userId: string;
  botId: string;
  appId: string;
  name: string;
}

/** Everything a workspace starts with. */
export interface WorkspaceSeed {
  team: { id: string; domain: string; name: string };
  /** The Enterprise Grid organisation the workspace belongs to, if any. */
  enterprise?: { id: string; name: string };
  /** The app is installed org-wide in the enterprise (requests may come from its other workspaces). */
  orgInstall?: boolean;
  bot: BotSeed;
  /** The legacy verification token Slack still sends as `token` in every payload. */
  verificationToken: string;
  channels: ChannelSeed[];
  users: UserSeed[];
  userGroups: UserGroupSeed[];
}

/** The demo's ids, by role, for configs and tests. */
export const DEMO_IDS = {
  team: 'T0PATCHBOT',
  bot: { userId: 'U0PATCHBOT', botId: 'B0PATCHBOT', appId: 'A0PATCHBOT' },
  channels: { stg: 'C0STGPATCH', prd: 'C0PRDPATCH', ops: 'C0OPSCHAN1' },
  users: { alice: 'U0ALICE001', bob: 'U0BOB00001', carol: 'U0CAROL001', mallory: 'U0MALLORY1' },
  userGroups: { patchLeads: 'S0LEADS001' },
} as const;

const { users: U, bot: BOT } = DEMO_IDS;
const everyone = [U.alice, U.bob, U.carol, U.mallory];

/**
 * The demo workspace: alice requests and operates, bob approves by user id, carol approves through
 * `@patch-leads`, mallory has no rights. The bot is in #stg-patching and #prd-patching but not in
 * #ops, so posting there answers `not_in_channel`.
 */
export const DEMO_WORKSPACE: WorkspaceSeed = {
  team: { id: DEMO_IDS.team, domain: 'patchbot-demo', name: 'patchbot demo' },
  bot: { ...BOT, name: 'patchbot' },
  verificationToken: 'sandboxverificationtoken',
  channels: [
    { id: DEMO_IDS.channels.stg, name: 'stg-patching', members: [BOT.userId, ...everyone], topic: 'Staging patching' },
    {
      id: DEMO_IDS.channels.prd,
      name: 'prd-patching',
      members: [BOT.userId, ...everyone],
      topic: 'Production patching',
    },
    {
      id: DEMO_IDS.channels.ops,
      name: 'ops',
      members: [U.alice, U.bob, U.carol],
      topic: 'Ops chatter (the bot is not here)',
    },
  ],
  users: [
    { id: U.alice, name: 'alice', realName: 'Alice Requester', displayName: 'alice', tz: 'Europe/Berlin' },
    { id: U.bob, name: 'bob', realName: 'Bob Approver', displayName: 'bob', tz: 'America/New_York' },
    { id: U.carol, name: 'carol', realName: 'Carol Lead', displayName: 'carol', tz: 'Asia/Tokyo' },
    { id: U.mallory, name: 'mallory', realName: 'Mallory Nobody', displayName: 'mallory', tz: 'UTC' },
  ],
  userGroups: [{ id: DEMO_IDS.userGroups.patchLeads, handle: 'patch-leads', name: 'Patch leads', users: [U.carol] }],
};
