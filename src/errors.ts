/**
 * The one error hierarchy. Every error the bot raises on purpose is a PatchbotError with a stable
 * `code` (for logs, tests and metrics), a developer `message`, and a `userMessage` that says what
 * happened and what to do. The user message is plain text: views escape it before it reaches Slack.
 * A message that names people or channels is given as `userText` (src/sentence.ts), which the Slack
 * layer renders with mentions and handles; `userMessage` is then its plain form (ids as they are).
 */
import { plainSentence, type Sentence } from './sentence';

/** Stable error codes; tests and log queries key on them, so never rename one. */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'INPUT_INVALID'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'AWS_ACCESS_DENIED'
  | 'AWS_THROTTLED'
  | 'AWS_NOT_FOUND'
  | 'AWS_INVALID_REQUEST'
  | 'AWS_CREDENTIALS'
  | 'AWS_UNAVAILABLE'
  | 'AWS_ERROR'
  | 'STORE_ERROR'
  | 'SLACK_AUTH'
  | 'SLACK_UNAVAILABLE'
  | 'SLACK_ERROR'
  | 'REQUEST_REFUSED'
  | 'CALENDAR_UNREADABLE'
  | 'INTERNAL';

/** Options shared by every PatchbotError constructor. */
export interface PatchbotErrorOptions {
  userMessage?: string;
  /** The user message when it names people or channels; the Slack layer shows this one. */
  userText?: Sentence;
  cause?: unknown;
}

/** Base of all deliberate errors: a stable code, a developer message and a user-facing message. */
export class PatchbotError extends Error {
  readonly code: ErrorCode;
  readonly userMessage: string;
  /** What the user is shown: `userText` when given, else the user message as one piece of text. */
  readonly userText: Sentence;
  /**
   * What the operator running the bot is shown when it cannot start or stops (main.ts): the user
   * message, unless the error has server-side detail a Slack user must not see (a StoreError's file).
   */
  get operatorMessage(): string {
    return this.userMessage;
  }

  constructor(code: ErrorCode, message: string, options: PatchbotErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.userMessage = options.userMessage ?? (options.userText ? plainSentence(options.userText) : message);
    this.userText = options.userText ?? [this.userMessage];
  }
}

/** One problem found in a configuration document, located by its path in the document. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** The configuration file or environment is invalid; `issues` lists every problem found. */
export class ConfigError extends PatchbotError {
  readonly file: string;
  readonly issues: ConfigIssue[];

  constructor(file: string, issues: ConfigIssue[], options: PatchbotErrorOptions = {}) {
    const lines = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
    super('CONFIG_INVALID', `${file}: invalid configuration\n  ${lines.join('\n  ')}`, {
      userMessage: options.userMessage ?? `The configuration in ${file} is invalid: ${lines.join('; ')}`,
      cause: options.cause,
    });
    this.file = file;
    this.issues = issues;
  }
}

/** A user's input (command arguments, button payload) is not valid. */
export class InputError extends PatchbotError {
  constructor(message: string, options: PatchbotErrorOptions = {}) {
    super('INPUT_INVALID', message, options);
  }
}

/** Something the user named (a group, an operation) does not exist. */
export class NotFoundError extends PatchbotError {
  constructor(message: string, options: PatchbotErrorOptions = {}) {
    super('NOT_FOUND', message, options);
  }
}

/** The user is not allowed to do this. */
export class ForbiddenError extends PatchbotError {
  constructor(message: string, options: PatchbotErrorOptions = {}) {
    super('FORBIDDEN', message, options);
  }
}

/** The request conflicts with the current state (an operation already decided, say). */
export class ConflictError extends PatchbotError {
  constructor(message: string, options: PatchbotErrorOptions = {}) {
    super('CONFLICT', message, options);
  }
}

/**
 * A request that reached the Slack endpoint was refused before any listener ran (a timestamp out
 * of the signature window, a replay, another workspace or app): `status` is the HTTP answer,
 * `reason` a stable word for logs and tests.
 */
export class RequestRefusedError extends PatchbotError {
  readonly status: number;
  readonly reason: string;

  constructor(reason: string, status: number, message: string) {
    super('REQUEST_REFUSED', message, {
      userMessage: 'This request was refused: it did not come from Slack for this workspace, or came twice.',
    });
    this.status = status;
    this.reason = reason;
  }
}

/** What is wrong with the state database (file or server), as far as the driver's answer tells. */
export type StoreProblem =
  | 'unreachable'
  | 'access-denied'
  | 'missing-database'
  | 'corrupt'
  | 'read-only'
  | 'locked'
  | 'missing-directory'
  | 'disk'
  | 'deleted'
  | 'not-patchbot'
  | 'other';

/** Options of a StoreError: the file and the problem, besides the usual ones. */
export interface StoreErrorOptions extends PatchbotErrorOptions {
  file?: string;
  problem?: StoreProblem;
}

/** What a Slack user is told; never the server's path. */
const STORE_USER_MESSAGES: Partial<Record<StoreProblem, string>> = {
  locked: 'patchbot’s state file is busy (another process holds its lock). Nothing was changed; try again in a moment.',
  unreachable:
    'patchbot cannot reach its state database. Nothing was changed; try again in a moment, or ask an operator to check the database.',
  deleted:
    'patchbot’s state file was deleted while the bot was running, so it takes no new changes until an operator restarts it. Status and other reads still work.',
};

/**
 * The state store failed. The developer message names the file, the cause and the fix (it is what
 * the operator reads in the log and at start); users get a message without the server's path.
 */
export class StoreError extends PatchbotError {
  readonly file: string | undefined;
  readonly problem: StoreProblem;

  constructor(message: string, options: StoreErrorOptions = {}) {
    const problem = options.problem ?? 'other';
    super('STORE_ERROR', message, {
      userMessage:
        options.userMessage ??
        STORE_USER_MESSAGES[problem] ??
        'patchbot could not read or write its state file. Nothing was changed; ask an operator to check the bot logs and the disk.',
      cause: options.cause,
    });
    this.file = options.file;
    this.problem = problem;
  }

  /** The operator sees the file, the cause and the fix. */
  override get operatorMessage(): string {
    return this.message;
  }
}

/**
 * Slack refused patchbot's credentials (`SLACK_AUTH`), could not be reached (`SLACK_UNAVAILABLE`),
 * or answered with another error (`SLACK_ERROR`); keeps the Web API method and Slack's own code.
 */
export class SlackError extends PatchbotError {
  readonly method: string;
  /** Slack's error code (`invalid_auth`, `token_revoked`, ...), or the network error's code. */
  readonly slackCode: string | undefined;

  constructor(
    code: 'SLACK_AUTH' | 'SLACK_UNAVAILABLE' | 'SLACK_ERROR',
    message: string,
    details: { method: string; slackCode?: string | undefined },
    options: PatchbotErrorOptions = {},
  ) {
    super(code, message, options);
    this.method = details.method;
    this.slackCode = details.slackCode;
  }
}

/** Where an AWS call was made and what it was; carried by every AwsError. */
export interface AwsCallContext {
  /** The SDK command's operation name, e.g. `SendCommand`. */
  operation: string;
  /** The service's IAM prefix, e.g. `ssm`, `ec2`, `sts`. */
  service: string;
  /** The configured scope name. */
  scope: string;
  region: string;
}

/** Extra AWS facts kept for logs and for the user message. */
export interface AwsErrorDetails extends AwsCallContext {
  awsCode?: string;
  requestId?: string;
  httpStatus?: number;
}

type AwsErrorCode = Extract<ErrorCode, `AWS_${string}`>;

/** Network errors that mean the request never left: no connection was made, so nothing can have run. */
export const NEVER_CONNECTED: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** An AWS call failed; keeps the cause, the operation, the scope and region, and AWS's own code. */
export class AwsError extends PatchbotError {
  readonly operation: string;
  readonly service: string;
  readonly scope: string;
  readonly region: string;
  readonly awsCode: string | undefined;
  readonly requestId: string | undefined;
  readonly httpStatus: number | undefined;

  constructor(code: AwsErrorCode, message: string, details: AwsErrorDetails, options: PatchbotErrorOptions = {}) {
    super(code, message, options);
    this.operation = details.operation;
    this.service = details.service;
    this.scope = details.scope;
    this.region = details.region;
    this.awsCode = details.awsCode;
    this.requestId = details.requestId;
    this.httpStatus = details.httpStatus;
  }

  /** Whether AWS may have carried the call out anyway (no answer, a timeout, a server error); not when no connection was ever made. */
  get outcomeUnknown(): boolean {
    return this.code === 'AWS_UNAVAILABLE' && !NEVER_CONNECTED.has(this.awsCode ?? '');
  }

  /** The IAM action this call needs, e.g. `ssm:SendCommand`. */
  get iamAction(): string {
    return `${this.service}:${this.operation}`;
  }
}

/** Why a Change Calendar could not be read: no such document, a document of another type, or access denied. */
export type CalendarProblem = 'missing' | 'wrong-type' | 'denied';

/**
 * A Change Calendar patchbot was told to respect could not be read (GetCalendarState answered
 * InvalidDocument, InvalidDocumentType or AccessDenied): a freeze check then stops the send.
 * Names the calendar and, when denied, the permission to grant and on which document.
 */
export class CalendarError extends PatchbotError {
  readonly calendar: string;
  readonly problem: CalendarProblem;
  /** When denied: the IAM permission and resource to grant, e.g. `ssm:GetCalendarState on arn:aws:ssm:…:document/freeze`. */
  readonly permission: string | undefined;

  constructor(
    calendar: string,
    problem: CalendarProblem,
    message: string,
    options: PatchbotErrorOptions & { permission?: string } = {},
  ) {
    super('CALENDAR_UNREADABLE', message, options);
    this.calendar = calendar;
    this.problem = problem;
    this.permission = options.permission;
  }
}

/** Turns anything thrown into a PatchbotError, keeping the original as the cause. */
export function toPatchbotError(err: unknown): PatchbotError {
  if (err instanceof PatchbotError) return err;
  return new PatchbotError('INTERNAL', err instanceof Error ? err.message : String(err), {
    userMessage:
      'Something went wrong inside patchbot while handling this request. Check /patch history before trying again; the bot logs have the detail.',
    cause: err,
  });
}
