/** The pollers' data the views render: the domain's own types, named here for the views' imports. */
export type {
  ComplianceDiff,
  DigestData,
  DigestGroup,
  NewlyMissingPatch,
  WindowResult,
  WindowTaskResult,
} from '../../patching/poll/poll-results';
