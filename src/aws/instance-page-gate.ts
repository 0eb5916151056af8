/**
 * A process-wide cap on DescribeInstances requests in flight. A page of 1,000 EC2 instances is
 * megabytes of XML; with every scope of an organisation paging at once, twenty of them landed
 * together, and while the SDK parsed each in one synchronous stretch the event loop stalled for over
 * a second and the heap peaked with them. Member pages are now read a slice at a time
 * (instance-page-reader.ts), but twenty bodies arriving at once would still be twenty buffers and
 * twenty readers' work interleaved; two at a time keeps the CPU busy (the parse, not the wire, is the
 * cost) while Slack's requests get their turns.
 */
import type { FinalizeRequestMiddleware, MiddlewareStack, RelativeMiddlewareOptions } from '@aws-sdk/types';
import { TaskGate } from '../shared/task-gate';
import { RATE_BUDGET_MIDDLEWARE } from './rate-budget';

/** DescribeInstances requests the process has in flight at most. */
export const INSTANCE_PAGES_AT_ONCE = 2;

/** The SDK middleware's name; tests find it in a client's stack by this. */
export const INSTANCE_PAGE_GATE_MIDDLEWARE = 'patchbotInstancePageGate';

/** After the request budget: a request waiting for its token holds no slot; each attempt takes its own. */
const placement: RelativeMiddlewareOptions = {
  name: INSTANCE_PAGE_GATE_MIDDLEWARE,
  relation: 'after',
  toMiddleware: RATE_BUDGET_MIDDLEWARE,
  override: true,
};

/** A gate for the whole process's DescribeInstances pages. */
export function instancePageGate(): TaskGate {
  return new TaskGate(INSTANCE_PAGES_AT_ONCE);
}

/** Makes an EC2 client's DescribeInstances requests (send, answer and parse) pass through `gate`. */
export function useInstancePageGate<I extends object, O extends object>(
  stack: MiddlewareStack<I, O>,
  gate: TaskGate,
): void {
  const middleware: FinalizeRequestMiddleware<I, O> = (next, context) => (args) =>
    context.commandName === 'DescribeInstancesCommand' ? gate.run(() => next(args)) : next(args);
  stack.addRelativeTo(middleware, placement);
}
