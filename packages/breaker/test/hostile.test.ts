import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AdaptiveThrottle,
  BreakerError,
  Bulkhead,
  CircuitBreaker,
  HealthChecker,
  LoadShedder,
  Retry,
  RetryBudget,
  Timeout,
  TrafficShifter,
  isBreakerError,
  parseRetryAfter,
  wrap,
} from '../src/index.js';

function invalid(make: () => unknown): BreakerError {
  try {
    make();
  } catch (err) {
    expect(err).toBeInstanceOf(BreakerError);
    expect((err as BreakerError).code).toBe('INVALID_OPTION');
    return err as BreakerError;
  }
  throw new Error('expected INVALID_OPTION');
}

const bad = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, '5', null, {}, 2 ** 53];

describe('bad options', () => {
  it('thresholds outside 0-1 and non-positive windows are refused with the option named', () => {
    expect(invalid(() => new CircuitBreaker({ failureRateThreshold: 1.5 })).message).toContain('failureRateThreshold');
    expect(invalid(() => new CircuitBreaker({ failureRateThreshold: 0 })).message).toContain('failureRateThreshold');
    expect(invalid(() => new CircuitBreaker({ slowCallRateThreshold: -0.1 })).message).toContain('slowCallRateThreshold');
    expect(invalid(() => new CircuitBreaker({ window: { kind: 'time', ms: 0 } })).message).toContain('window.ms');
    expect(invalid(() => new CircuitBreaker({ window: { kind: 'count', size: 0 } })).message).toContain('window.size');
    expect(invalid(() => new CircuitBreaker({ window: { kind: 'sliding' } as never })).message).toContain('window.kind');
    expect(invalid(() => new CircuitBreaker({ openMs: 100, maxOpenMs: 10 })).message).toContain('maxOpenMs');
    expect(invalid(() => new CircuitBreaker({ halfOpenCalls: 0 })).message).toContain('halfOpenCalls');
  });

  it('every numeric option refuses NaN, infinities, negatives, strings and objects', () => {
    const makers: Array<[string, (v: unknown) => unknown]> = [
      ['openMs', (v) => new CircuitBreaker({ openMs: v as number })],
      ['minimumCalls', (v) => new CircuitBreaker({ minimumCalls: v as number })],
      ['slowCallMs', (v) => new CircuitBreaker({ slowCallMs: v as number })],
      ['maxAttempts', (v) => new Retry({ maxAttempts: v as number })],
      ['backoff.initialMs', (v) => new Retry({ backoff: { initialMs: v as number } })],
      ['budget.ratio', (v) => new RetryBudget({ ratio: v as number })],
      ['ms', (v) => new Timeout({ ms: v as number })],
      ['maxConcurrent', (v) => new Bulkhead({ maxConcurrent: v as number })],
      ['targetQueueMs', (v) => new LoadShedder({ priorities: ['a'], maxConcurrent: 1, targetQueueMs: v as number })],
      ['k', (v) => new AdaptiveThrottle({ k: v as number })],
      ['intervalMs', (v) => new HealthChecker({ probe: () => 1, intervalMs: v as number })],
      ['errorBudget', (v) => new TrafficShifter({ errorBudget: v as number })],
    ];
    for (const [name, make] of makers) {
      for (const v of bad) expect(invalid(() => make(v)).message).toContain(name);
    }
  });

  it('unknown keys, including prototype-pollution keys from parsed JSON, are refused', () => {
    const polluted = JSON.parse('{"__proto__": {"polluted": true}, "openMs": 100}') as object;
    expect(invalid(() => new CircuitBreaker(polluted)).message).toContain('__proto__');
    expect(invalid(() => new Retry(JSON.parse('{"constructor": 1}') as object)).message).toContain('constructor');
    expect(invalid(() => new CircuitBreaker({ failureThreshold: 0.5 } as object)).message).toContain('failureRateThreshold');
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(invalid(() => new CircuitBreaker('fast' as never)).message).toContain('object');
  });

  it('load shedder, traffic shifter and wrap refuse malformed structures', () => {
    invalid(() => new LoadShedder({ priorities: [], maxConcurrent: 1 }));
    invalid(() => new LoadShedder({ priorities: ['a', 'a'], maxConcurrent: 1 }));
    invalid(() => new LoadShedder({ priorities: ['a'] } as never));
    invalid(() => new LoadShedder({ priorities: ['a', 'b'], maxConcurrent: 1, defaultPriority: 'c' as never }));
    invalid(() => new TrafficShifter({ stages: [0.5, 0.1, 1] }));
    invalid(() => new TrafficShifter({ stages: [0.1, 0.5] }));
    invalid(() => new HealthChecker({ probe: 'ping' as never }));
    invalid(() => wrap({} as never));
    invalid(() => new Retry({ budget: {} as never }));
  });
});

describe('refusals name the policy and the reason', () => {
  it('isBreakerError narrows by code', () => {
    const err = new BreakerError('LOAD_SHED', 'load-shedder', 'busy', { retryAfterMs: 5 });
    expect(isBreakerError(err, ['LOAD_SHED'])).toBe(true);
    expect(isBreakerError(err, ['CIRCUIT_OPEN'])).toBe(false);
    expect(isBreakerError(new Error('x'))).toBe(false);
    expect(err.retryAfterMs).toBe(5);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP-dates', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(' 0 ')).toBe(0);
    const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:27:00 GMT', now)).toBe(0);
  });

  it('refuses anything else with a typed error, never NaN (fuzz)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.uint8Array({ maxLength: 80 }).map((b) => new TextDecoder().decode(b))), (s) => {
        try {
          const ms = parseRetryAfter(s, 0);
          expect(Number.isFinite(ms)).toBe(true);
          expect(ms).toBeGreaterThanOrEqual(0);
        } catch (err) {
          expect(err).toBeInstanceOf(BreakerError);
          expect((err as BreakerError).code).toBe('INVALID_OPTION');
        }
      }),
      { numRuns: 2000 },
    );
    for (const s of ['', '-1', '1.5', '9'.repeat(40), 'soon', 'Wed, 99 Foo 2026', 'x'.repeat(10_000)]) {
      expect(() => parseRetryAfter(s)).toThrow(BreakerError);
    }
    expect(() => parseRetryAfter(5 as never)).toThrow(BreakerError);
  });
});
