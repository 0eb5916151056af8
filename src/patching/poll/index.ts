/** The pollers (issue 5): compliance diffs, maintenance-window results and the digest's data. */
export * from './poll-results';
export {
  pollCompliance,
  pollComplianceResult,
  type CompliancePollResult,
  type PollDeps,
} from './compliance';
export { firstKeptDay, historyDay, mergeDays, pruneHistory, recordHistoryDay, type HistoryDeps } from './history-day';
export { ScopeHealth, type ScopeHealthChange } from './scope-health';
export {
  WINDOW_LOOKBACK_MS,
  isFinished,
  markPosted,
  pollWindows,
  type WindowPoll,
  type WindowPollDeps,
  type WindowPollGateway,
} from './windows';
export { FIRST_DIGEST_LOOKBACK_MS, MOST_MISSED_LIMIT, buildDigest, mostMissed, recordDigest } from './digest';
