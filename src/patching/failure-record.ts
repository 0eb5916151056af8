/**
 * What the result thread says about failed instances (op.result.failureDetail): recorded when the
 * operation ends (`due`), filled from GetCommandInvocation on a later tracker pass (`read`), and
 * `posted` once its thread replies are in Slack (each through the post journal). Retry failed reads
 * the failed instances from here, so they stay after the output itself is dropped.
 */
import { z } from 'zod';
import { InstanceLineSchema } from './record-schemas';

/** One failed instance: where and why, and once read its exit code and the last lines of its output. */
export const FailedInstanceSchema = InstanceLineSchema.extend({
  commandId: z.string(),
  status: z.string(),
  statusDetails: z.string().optional(),
  /** The plugin's exit code (GetCommandInvocation's ResponseCode; -1: it never started). */
  responseCode: z.number().int().optional(),
  /** The last lines of standard output, as SSM kept it (its first 24,000 characters). */
  output: z.array(z.string()).optional(),
  /** The last lines of standard error (SSM keeps its first 8,000 characters). */
  errors: z.array(z.string()).optional(),
  /** Where the full output is: SSM's StandardOutputUrl, or the S3 console folder of the configured outputS3. */
  outputUrl: z.string().optional(),
  /** Why the output could not be read (the AWS error's user message), once patchbot gave up asking. */
  readError: z.string().optional(),
});
/** One failed instance of an operation. */
export type FailedInstance = z.infer<typeof FailedInstanceSchema>;

/** The failure detail of an ended operation; see the file comment. */
export const FailureDetailSchema = z.object({
  state: z.enum(['due', 'read', 'posted']),
  /** Passes that tried to read the output and met an error (given up after READ_ATTEMPTS). */
  attempts: z.number().int().min(0).default(0),
  /** The failed instances shown in detail (at most DETAIL_MAX), worst first. */
  instances: z.array(FailedInstanceSchema),
  /** The other failed instances: named in the summary, not read. */
  more: z.array(FailedInstanceSchema).default([]),
});
/** The failure detail of an ended operation. */
export type FailureDetail = z.infer<typeof FailureDetailSchema>;
