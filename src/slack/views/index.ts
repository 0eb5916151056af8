/** Every view, for callers that want one import; each file can also be imported on its own. */
export type { SlackMessage } from './message';
export { helpView, type CommandHelp } from './help';
export { groupsView, type GroupSummary } from './groups';
export { statusView } from './status';
export { baselineView, type BaselineEntry } from './baseline';
export { windowsView, type WindowViewEntry } from './windows';
export { operationView, KIND_TEXT } from './operation';
export { changeSummary } from './plan';
export { ACTIONS, REJECT_MODAL, REJECT_REASON_MAX, type ActionId } from './actions';
export { rejectModalView } from './reject-modal';
export { approveModalView } from './approve-modal';
export { historyView } from './history';
export { errorView, usageView, forbiddenView, noteView, decisionNoticeView } from './errors';
export { complianceDiffView } from './compliance-diff';
export { scopeHealthView } from './scope-health';
export { countByScope, scopeSpread, scopeSummary, type ScopeCount } from './scope-summary';
export { windowResultView } from './window-result';
export { digestView, percent } from './digest';
export type {
  ComplianceDiff,
  WindowResult,
  WindowTaskResult,
  DigestData,
  DigestGroup,
  NewlyMissingPatch,
} from './poll-types';
