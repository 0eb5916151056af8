/**
 * The AWS side of SlackFirst (src/shared/slack-first.ts): before each attempt of each request, and
 * before it takes a token of its request budget, a request waits while Slack requests await their
 * acknowledgement (at most the SlackFirst's longest wait).
 */
import type { FinalizeRequestMiddleware, MiddlewareStack, RelativeMiddlewareOptions } from '@aws-sdk/types';
import type { SlackFirst } from '../shared/slack-first';
import { RATE_BUDGET_MIDDLEWARE } from './rate-budget';

/** The SDK middleware's name: one per stack, so adding it again replaces it. */
const SLACK_FIRST_MIDDLEWARE = 'patchbotSlackFirst';

/** Inside the retry middleware like the budget, and before it: a request held back holds no token. */
const placement: RelativeMiddlewareOptions = {
  name: SLACK_FIRST_MIDDLEWARE,
  relation: 'before',
  toMiddleware: RATE_BUDGET_MIDDLEWARE,
  override: true,
};

/** Makes every HTTP request of a client (its middleware stack) wait its turn behind Slack's acknowledgements. */
export function useSlackFirst<I extends object, O extends object>(
  stack: MiddlewareStack<I, O>,
  slackFirst: SlackFirst,
): void {
  const middleware: FinalizeRequestMiddleware<I, O> = (next) => async (args) => {
    await slackFirst.turn();
    return next(args);
  };
  stack.addRelativeTo(middleware, placement);
}
