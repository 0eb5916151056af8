/**
 * How long one Slack Web API call may take before patchbot gives up on it (WebClient's `timeout`,
 * per attempt). Without it a hung connection holds the call, and whatever awaits it, for as long as
 * the socket lives. Slack answers in well under a second when it is well.
 */
export const WEB_API_TIMEOUT_MS = 10_000;
