/**
 * A signed `/patch help` as Slack's form body, for tests that send it through their own HTTP client
 * (to hold it half-sent, or to watch the connection it goes on) instead of the Slack stand-in.
 */
import { DEMO_WORKSPACE, signingHeaders } from '@patchbot/sandbox/slack';
import { DEMO_IDS, SIGNING_SECRET } from './bot';

/** The form body of alice's `/patch help` in #prd and its headers, signed now; its answer goes to a closed port. */
export function signedHelpCommand(): { body: string; headers: Record<string, string | number> } {
  const body = new URLSearchParams({
    command: '/patch',
    text: 'help',
    user_id: DEMO_IDS.users.alice,
    channel_id: DEMO_IDS.channels.prd,
    team_id: DEMO_WORKSPACE.team.id,
    api_app_id: DEMO_IDS.bot.appId,
    response_url: 'http://127.0.0.1:9/response',
  }).toString();
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': Buffer.byteLength(body),
      ...signingHeaders(SIGNING_SECRET, Math.floor(Date.now() / 1000), body),
    },
  };
}
