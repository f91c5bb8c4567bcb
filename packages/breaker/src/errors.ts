/**
 * Every reason a policy can refuse or stop a call, plus bad options.
 *
 * - `INVALID_OPTION`: an option is missing, of the wrong type or out of range.
 * - `CIRCUIT_OPEN`: the circuit breaker is open (or held open by `isolate()`).
 * - `HALF_OPEN_FULL`: the breaker is probing and all its trial permits are taken.
 * - `TIMEOUT`: the call outlived its time limit and was aborted.
 * - `BULKHEAD_FULL`: the concurrency limit and the waiting queue are both full.
 * - `LOAD_SHED`: the load shedder refused the call to protect more important work.
 * - `THROTTLED`: the adaptive throttle refused the call client-side.
 * - `RETRY_BUDGET_EXHAUSTED`: a retry was due but the retry budget had none left.
 * - `ABORTED`: the caller's AbortSignal fired before the call finished.
 */
export type BreakerErrorCode =
  | 'INVALID_OPTION'
  | 'CIRCUIT_OPEN'
  | 'HALF_OPEN_FULL'
  | 'TIMEOUT'
  | 'BULKHEAD_FULL'
  | 'LOAD_SHED'
  | 'THROTTLED'
  | 'RETRY_BUDGET_EXHAUSTED'
  | 'ABORTED';

/** Which policy raised a {@link BreakerError}. */
export type PolicyKind =
  | 'options'
  | 'circuit-breaker'
  | 'retry'
  | 'timeout'
  | 'bulkhead'
  | 'load-shedder'
  | 'adaptive-throttle'
  | 'health-checker'
  | 'traffic-shifter';

/** Extra facts a {@link BreakerError} can carry. */
export interface BreakerErrorDetails {
  /** The error that led to this one (the last failure before a budget stop, the abort reason...). */
  readonly cause?: unknown;
  /** How long the caller should wait before trying again, in ms (becomes an HTTP Retry-After). */
  readonly retryAfterMs?: number;
}

/**
 * The one error type of `@chorus/breaker`: bad options and every refusal by a policy.
 * `code` says why, `policy` says which policy refused, `retryAfterMs` (when set) says when
 * trying again makes sense — a service turns `LOAD_SHED` into `503` with `Retry-After`.
 *
 * @typeParam C - the codes this error can have; policies narrow it.
 * @example
 * ```ts
 * try { await shedder.execute(handle, signal, 'low'); }
 * catch (err) {
 *   if (err instanceof BreakerError && err.code === 'LOAD_SHED') reply503(err.retryAfterMs);
 *   else throw err;
 * }
 * ```
 */
export class BreakerError<C extends BreakerErrorCode = BreakerErrorCode> extends Error {
  /** Why the call was refused or the option rejected. */
  readonly code: C;
  /** Which policy raised it. */
  readonly policy: PolicyKind;
  /** When a retry makes sense, in ms from now; undefined when the policy cannot tell. */
  readonly retryAfterMs: number | undefined;

  /**
   * @param code - the reason, see {@link BreakerErrorCode}
   * @param policy - the policy that raised it
   * @param message - what happened and, for options, what to change
   * @param details - optional cause and retry-after hint
   */
  constructor(code: C, policy: PolicyKind, message: string, details: BreakerErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'BreakerError';
    this.code = code;
    this.policy = policy;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * True when `err` is a {@link BreakerError}, optionally with one of `codes`.
 *
 * @param err - anything caught
 * @param codes - when given, the codes to accept
 * @returns whether `err` is such an error (narrows its type)
 * @example
 * ```ts
 * if (isBreakerError(err, ['LOAD_SHED', 'CIRCUIT_OPEN'])) res.statusCode = 503;
 * ```
 */
export function isBreakerError<C extends BreakerErrorCode = BreakerErrorCode>(
  err: unknown,
  codes?: readonly C[],
): err is BreakerError<C> {
  if (!(err instanceof BreakerError)) return false;
  return codes === undefined || (codes as readonly BreakerErrorCode[]).includes(err.code);
}

/** Creates the `ABORTED` rejection for a signal that fired. */
export function abortError(policy: PolicyKind, signal: AbortSignal): BreakerError<'ABORTED'> {
  return new BreakerError('ABORTED', policy, `${policy}: the call was aborted by its AbortSignal`, { cause: signal.reason });
}

/**
 * Creates a refusal (`CIRCUIT_OPEN`, `LOAD_SHED`, ...) without capturing a stack trace. Refusals
 * are expected control flow under load, exactly when the process can least afford the trace,
 * which costs more than the refusal itself; the message names the policy and the reason.
 */
export function refusal<C extends BreakerErrorCode>(code: C, policy: PolicyKind, message: string, details?: BreakerErrorDetails): BreakerError<C> {
  // Error.stackTraceLimit is V8's (Node, Chromium); elsewhere setting it is harmless.
  const E = Error as { stackTraceLimit?: number | undefined };
  const limit = E.stackTraceLimit;
  E.stackTraceLimit = 0;
  try {
    return new BreakerError(code, policy, message, details);
  } finally {
    E.stackTraceLimit = limit;
  }
}
