/**
 * Errors the simulator answers with. Handlers throw a SimulatorError carrying the exact AWS error
 * code and HTTP status; the protocol layer renders it in the service's own error shape.
 */

/** An AWS-shaped error: `code` is what the SDK exposes as `error.name`. */
export class SimulatorError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = 'SimulatorError';
    this.code = code;
    this.status = status;
  }

  /** Client errors (4xx) are requests AWS would reject; they are counted as `rejected`. */
  get isRejection(): boolean {
    return this.status < 500;
  }
}

/** SSM's generic validation failure. */
export function validationException(message: string): SimulatorError {
  return new SimulatorError('ValidationException', message);
}

/** AWS's wording for one failed member constraint, e.g. at 'maxResults'. */
export function constraintMessage(field: string, value: unknown, constraint: string): string {
  const shown =
    value === undefined || value === null
      ? 'null'
      : `'${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}'`;
  return `1 validation error detected: Value ${shown} at '${field}' failed to satisfy constraint: ${constraint}`;
}
