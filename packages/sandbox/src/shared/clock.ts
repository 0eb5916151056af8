/**
 * The sandbox's source of time. Structurally the same as the bot's Clock, so a test can hand one
 * ManualClock to both without the sandbox importing the bot.
 */
export interface Clock {
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };
