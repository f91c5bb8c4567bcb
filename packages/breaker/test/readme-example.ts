import { BreakerError, CircuitBreaker, LoadShedder, Retry, RetryBudget, Timeout, wrap } from '../src/index.js';

// A dependency whose first call fails.
let calls = 0;
async function queryUser(id: number, signal?: AbortSignal): Promise<{ id: number }> {
  signal?.throwIfAborted();
  if (++calls === 1) throw new Error('connection reset');
  return { id };
}

// Around every call to a dependency: retry (bounded by a shared budget), a breaker, a time limit.
const db = wrap(
  new Retry({ maxAttempts: 3, budget: new RetryBudget({ ratio: 0.2 }), backoff: { initialMs: 10 } }),
  new CircuitBreaker({ window: { kind: 'time', ms: 30_000 }, failureRateThreshold: 0.5 }),
  new Timeout({ ms: 2_000 }),
);
console.log(await db.execute((signal) => queryUser(42, signal))); // { id: 42 }, after one retry

// In front of the request handlers: shed the least important work first under overload.
type Priority = 'critical' | 'normal' | 'background';
const shedder = new LoadShedder({ priorities: ['critical', 'normal', 'background'], maxConcurrent: 64 });
async function handle(priority: Priority): Promise<{ status: number; headers?: Record<string, string> }> {
  try {
    return await shedder.execute(async () => ({ status: 200 }), undefined, priority);
  } catch (err) {
    if (err instanceof BreakerError && (err.code === 'LOAD_SHED' || err.code === 'CIRCUIT_OPEN')) {
      return { status: 503, headers: { 'Retry-After': String(Math.ceil((err.retryAfterMs ?? 1000) / 1000)) } };
    }
    throw err;
  }
}
console.log(await handle('normal')); // { status: 200 }
