import type { WebClient } from '@slack/web-api';
import type { Authorizer } from '../patching/decision';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { SlackError } from '../errors';
import { principal, said } from '../sentence';
import { adviceLine, slackAdvice } from './error-advice';

/** How long a user group's member list is trusted before Slack is asked again. */
const MEMBERS_TTL_MS = 5 * 60_000;

/**
 * Decides whether a user is one of a list of principals: user ids (U…/W…) match directly, user
 * groups (S…) through usergroups.users.list, cached for five minutes. A group Slack cannot list
 * grants nothing, so a misconfigured approver group fails closed; but when that leaves the user out,
 * the answer is the SlackError saying why (the bot lacks usergroups:read, a revoked token...), not
 * "you are not an operator": the user may well be one.
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
    let unlisted: SlackError | undefined;
    for (const group of principals.filter((p) => p.startsWith('S'))) {
      const members = await this.membersOf(group);
      if (members instanceof SlackError) unlisted ??= members;
      else if (members.has(userId)) return true;
    }
    if (unlisted) throw unlisted;
    return false;
  }

  /** The group's members (from cache when fresh, or stale when Slack fails), or the error saying why Slack would not list them. */
  private async membersOf(usergroup: string): Promise<Set<string> | SlackError> {
    const now = this.clock.now().getTime();
    const cached = this.members.get(usergroup);
    if (cached && now - cached.at < MEMBERS_TTL_MS) return cached.users;
    try {
      const res = await this.client.usergroups.users.list({ usergroup });
      const users = new Set(res.users ?? []);
      this.members.set(usergroup, { users, at: now });
      return users;
    } catch (err) {
      const advice = slackAdvice(err, { method: 'usergroups.users.list' });
      this.logger.warn(
        { err, usergroup, slackError: advice?.code },
        `could not list the members of user group ${usergroup}: ${advice ? adviceLine(advice) : 'see the error'}`,
      );
      if (cached) return cached.users;
      const text = advice?.text ?? ['Slack did not answer usergroups.users.list.'];
      return new SlackError(
        advice?.appProblem ? 'SLACK_AUTH' : 'SLACK_UNAVAILABLE',
        `usergroups.users.list ${usergroup}: ${advice?.code ?? 'failed'}`,
        { method: 'usergroups.users.list', slackCode: advice?.code },
        {
          userText: said`patchbot cannot tell whether you are in ${principal(usergroup)}, so it does not let this through. ${text}`,
          cause: err,
        },
      );
    }
  }
}
