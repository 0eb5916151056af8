/**
 * How long one Slack Web API call may take before patchbot gives up on it (WebClient's `timeout`,
 * per attempt). Without it a hung connection holds the call, and whatever awaits it, for as long as
 * the socket lives. Slack answers in well under a second when it is well.
 */
export const WEB_API_TIMEOUT_MS = 10_000;

/**
 * How long the HTTP receiver keeps an idle connection open for the next request (Node's default is
 * 5 s). Node takes one new connection per turn of its event loop, so a burst that arrives on new
 * connections queues in the kernel behind the bot's other work; kept connections skip that queue.
 * Longer than the 60 s idle timeout of the load balancers usually in front (AWS ALB's default), so
 * the balancer, not the bot, closes an idle connection and never sends a request on one being closed.
 */
export const HTTP_KEEP_ALIVE_MS = 65_000;

/**
 * How long stopping waits for the requests still open on the HTTP receiver before it closes their
 * connections: Slack's 3 s to acknowledge. Node's `server.close` otherwise waits on a request until
 * it ends, and one that is never finished (a client dribbling its body) would hold a SIGTERM until
 * Node's 300 s request timeout, past any orchestrator's grace period.
 */
export const HTTP_STOP_GRACE_MS = 3_000;
