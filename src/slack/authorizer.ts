import type { WebClient } from '@slack/web-api';
import type { Authorizer } from '../../commands/types';
import type { Clock } from '../clock';
import type { Logger } from '../logger';

/** How long a user group's member list is trusted before Slack is asked again. */
const MEMBERS_TTL_MS = 5 * 60_000;

/**
 * Decides whether a user is one of a list of principals: user ids (U…/W…) match directly, user
 * groups (S…) through usergroups.users.list, cached for five minutes. A group Slack cannot list
 * grants nothing (and is logged), so a misconfigured approver group fails closed.
 */
export class SlackAuthorizer implements Authorizer {
  private readonly members = new Map<string, { users: Set<string>; at: number }>();

  constructor(
    private readonly client: WebClient,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Whether `userId` is one of `principals`. */
  async isAnyOf(userId: string, principals: readonly string[]): Promise<boolean> {
    if (principals.includes(userId)) return true;
    for (const group of principals.filter((p) => p.startsWith('S'))) {
      if ((await this.membersOf(group)).has(userId)) return true;
    }
    return false;
  }

  private async membersOf(usergroup: string): Promise<Set<string>> {
    const now = this.clock.now().getTime();
    const cached = this.members.get(usergroup);
    if (cached && now - cached.at < MEMBERS_TTL_MS) return cached.users;
    try {
      const res = await this.client.usergroups.users.list({ usergroup });
      const users = new Set(res.users ?? []);
      this.members.set(usergroup, { users, at: now });
      return users;
    } catch (err) {
      this.logger.warn({ err, usergroup }, 'could not list user group members; treating it as empty (add usergroups:read to the app?)');
      return cached?.users ?? new Set();
    }
  }
}
