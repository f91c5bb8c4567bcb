import type { Clock, TimerHandle } from './Clock.js';

interface Timer {
  readonly id: number;
  readonly due: number;
  readonly fn: () => void;
}

/**
 * A clock that moves only when told to: for tests and simulations of the policies.
 * Timers fire in due order (ties in creation order) as time is advanced past them; they are
 * kept in a binary heap, so a simulation with many thousands of timers stays fast.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * const breaker = new CircuitBreaker({ clock, openMs: 1_000 });
 * clock.advance(1_000); // the breaker now lets trial calls through
 * ```
 */
export class ManualClock implements Clock {
  private time: number;
  private nextId = 1;
  private readonly heap: Timer[] = [];
  private readonly live = new Set<number>();
  private readonly cancelled = new Set<number>();

  /** @param start - the initial reading of {@link ManualClock.now}. @defaultValue 0 */
  constructor(start = 0) {
    this.time = start;
  }

  /** @returns the current time in ms. */
  now(): number {
    return this.time;
  }

  /**
   * @param fn - runs when time reaches now + ms
   * @param ms - delay; negative or NaN counts as 0, like the platform timers
   * @returns a handle for {@link ManualClock.clearTimeout}
   */
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    this.push({ id, due: this.time + delay, fn });
    this.live.add(id);
    return id;
  }

  /** @param handle - a handle from {@link ManualClock.setTimeout} */
  clearTimeout(handle: TimerHandle): void {
    if (typeof handle === 'number' && this.live.delete(handle)) this.cancelled.add(handle);
  }

  /** @returns how many timers are waiting (an idle policy leaves none). */
  get pendingTimers(): number {
    return this.live.size;
  }

  /**
   * Moves time forward by `ms`, firing due timers in order, synchronously.
   *
   * @param ms - how far to move, >= 0
   * @throws RangeError when `ms` is negative or not finite
   */
  advance(ms: number): void {
    const end = this.end(ms, 'advance');
    for (let t = this.takeDue(end); t !== undefined; t = this.takeDue(end)) {
      this.time = Math.max(this.time, t.due);
      t.fn();
    }
    this.time = end;
  }

  /**
   * Like {@link ManualClock.advance}, but lets promise callbacks run after each timer, so code
   * that awaits between timers (retry loops, timeouts) makes progress as it would in real time.
   *
   * @param ms - how far to move, >= 0
   * @returns a promise that settles once time has moved and callbacks have run
   * @throws RangeError when `ms` is negative or not finite
   */
  async advanceAsync(ms: number): Promise<void> {
    const end = this.end(ms, 'advanceAsync');
    await flushMicrotasks();
    for (let t = this.takeDue(end); t !== undefined; t = this.takeDue(end)) {
      this.time = Math.max(this.time, t.due);
      t.fn();
      await flushMicrotasks();
    }
    this.time = end;
  }

  private end(ms: number, method: string): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`ManualClock.${method}: ms is ${ms}; it must be a finite number >= 0`);
    return this.time + ms;
  }

  private takeDue(end: number): Timer | undefined {
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || top.due > end) return undefined;
      this.pop();
      if (!this.cancelled.delete(top.id)) {
        this.live.delete(top.id);
        return top;
      }
    }
  }

  private less(a: Timer, b: Timer): boolean {
    return a.due < b.due || (a.due === b.due && a.id < b.id);
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

// A macrotask boundary: every promise callback queued so far (and those they queue) has run.
// setImmediate where it exists (Node: microseconds), else a zero timer (browsers).
function flushMicrotasks(): Promise<void> {
  const g = globalThis as { setImmediate?: (fn: () => void) => unknown };
  return new Promise((resolve) => (g.setImmediate !== undefined ? g.setImmediate(resolve) : globalThis.setTimeout(resolve, 0)));
}
