/**
 * A sliding window of call outcomes that a circuit breaker judges. Recording and reading are
 * O(1) (a time window advances at most `buckets` slots per call, however long it sat idle).
 */
export interface OutcomeWindow {
  /** Calls in the window (after the last {@link OutcomeWindow.advance}). */
  readonly calls: number;
  /** Failed calls in the window. */
  readonly failures: number;
  /** Slow calls in the window (successful or not). */
  readonly slowCalls: number;
  /** Drops outcomes that have aged out at time `now` (a no-op for count windows). */
  advance(now: number): void;
  /** Adds one outcome observed at `now`. */
  record(now: number, failed: boolean, slow: boolean): void;
  /** Forgets everything. */
  clear(): void;
}

/** Which window to judge: the last `size` calls, or the calls of the last `ms` milliseconds. */
export type WindowSpec =
  | { readonly kind: 'count'; readonly size: number }
  | { readonly kind: 'time'; readonly ms: number; readonly buckets?: number };
