/**
 * Every way a request can be refused. Clients switch on `code`; `status` is the HTTP status
 * the REST layer answers with (the gateway sends the same code in an Error frame).
 */
export type ServiceErrorCode =
  | 'bad_request'
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'limit_reached'
  | 'gone'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'method_not_allowed'
  | 'rate_limited'
  | 'overloaded'
  | 'internal';

const STATUS: Record<ServiceErrorCode, number> = {
  bad_request: 400,
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  limit_reached: 422,
  rate_limited: 429,
  internal: 500,
  overloaded: 503,
};

/**
 * A refused request, as a typed error with the HTTP status it maps to.
 *
 * @example
 * ```ts
 * throw new ServiceError('forbidden', 'you need MANAGE_ROLES in this guild to create roles');
 * ```
 */
export class ServiceError extends Error {
  /** Machine-readable reason. */
  readonly code: ServiceErrorCode;
  /** HTTP status the REST layer answers with. */
  readonly status: number;
  /** For `rate_limited` and `overloaded`: when the client may retry, in milliseconds. */
  readonly retryAfterMs: number | undefined;

  /**
   * @param code - machine-readable reason
   * @param message - what went wrong and what to change, safe to show to the caller
   * @param retryAfterMs - for `rate_limited` / `overloaded`, the suggested wait
   */
  constructor(code: ServiceErrorCode, message: string, retryAfterMs?: number) {
    // A refusal is an answer to the caller, not a bug to trace: no stack is captured, so that
    // an overloaded server refusing thousands of requests a second pays little for each.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(message);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.name = 'ServiceError';
    this.code = code;
    this.status = STATUS[code];
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * The HTTP status for an error code.
 *
 * @param code - an error code
 * @returns its HTTP status
 * @example
 * ```ts
 * statusOf('not_found'); // 404
 * ```
 */
export function statusOf(code: ServiceErrorCode): number {
  return STATUS[code];
}
