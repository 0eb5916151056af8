/**
 * The workspace directory: team, bot, channels with members, users and user groups, with the
 * look-ups the Web API needs (a channel by id or `#name`, membership). Messages live in messages.ts.
 */
import type { BotSeed, ChannelSeed, UserGroupSeed, UserSeed, WorkspaceSeed } from './seed';

/** The workspace's people, places and groups; built from a seed, changeable by tests. */
export class Workspace {
  readonly team: WorkspaceSeed['team'];
  readonly enterprise: WorkspaceSeed['enterprise'];
  readonly orgInstall: boolean;
  readonly bot: BotSeed;
  readonly verificationToken: string;
  private readonly channels = new Map<string, ChannelSeed>();
  private readonly users = new Map<string, UserSeed>();
  private readonly groups = new Map<string, UserGroupSeed>();

  constructor(private readonly seed: WorkspaceSeed) {
    this.team = { ...seed.team };
    this.enterprise = seed.enterprise ? { ...seed.enterprise } : undefined;
    this.orgInstall = seed.orgInstall === true && seed.enterprise !== undefined;
    this.bot = { ...seed.bot };
    this.verificationToken = seed.verificationToken;
    this.load();
  }

  /** Back to the seed: membership and groups as they started. */
  reset(): void {
    this.channels.clear();
    this.users.clear();
    this.groups.clear();
    this.load();
  }

  private load(): void {
    for (const c of this.seed.channels) this.channels.set(c.id, { ...c, members: [...c.members] });
    for (const u of this.seed.users) this.users.set(u.id, { ...u });
    for (const g of this.seed.userGroups) this.groups.set(g.id, { ...g, users: [...g.users] });
  }

  /** All channels, in seed order. */
  listChannels(): ChannelSeed[] {
    return [...this.channels.values()];
  }

  /** All people, in seed order (the bot is not among them). */
  listUsers(): UserSeed[] {
    return [...this.users.values()];
  }

  /** All user groups. */
  listUserGroups(): UserGroupSeed[] {
    return [...this.groups.values()];
  }

  /** A channel by id (`C0...`), by `#name` or by bare name, as chat.postMessage accepts. */
  channel(ref: string): ChannelSeed | undefined {
    const byId = this.channels.get(ref);
    if (byId) return byId;
    const name = ref.startsWith('#') ? ref.slice(1) : ref;
    return [...this.channels.values()].find((c) => c.name === name);
  }

  /** A person by id. */
  user(id: string): UserSeed | undefined {
    return this.users.get(id);
  }

  /** A user group by id. */
  userGroup(id: string): UserGroupSeed | undefined {
    return this.groups.get(id);
  }

  /** Whether the user (or the bot, by its user id) is in the channel. */
  isMember(channelId: string, userId: string): boolean {
    return this.channels.get(channelId)?.members.includes(userId) ?? false;
  }

  /** Adds or removes the bot from a channel (invite it, kick it). */
  setBotMembership(channelId: string, member: boolean): void {
    const channel = this.channels.get(channelId);
    if (!channel) throw new Error(`no channel ${channelId}`);
    channel.members = channel.members.filter((m) => m !== this.bot.userId);
    if (member) channel.members.push(this.bot.userId);
  }

  /** Archives or unarchives a channel (posting to an archived one answers `is_archived`). */
  setArchived(channelId: string, archived: boolean): void {
    const channel = this.channels.get(channelId);
    if (!channel) throw new Error(`no channel ${channelId}`);
    channel.isArchived = archived;
  }

  /** Replaces a user group's members. */
  setUserGroupMembers(groupId: string, users: string[]): void {
    const group = this.groups.get(groupId);
    if (!group) throw new Error(`no user group ${groupId}`);
    group.users = [...users];
  }
}
