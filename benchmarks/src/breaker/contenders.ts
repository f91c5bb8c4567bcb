// One guarded call per library, built the way each library's docs show, with like-for-like
// settings: a 50% failure threshold judged over 30 s (time window) or 100 calls (count window).
// Each contender works on the library's own object, so memory figures hold nothing of ours.
import { CircuitBreaker as ChorusBreaker } from '@chorus/breaker';
import { circuitBreaker, ConsecutiveBreaker, CountBreaker, handleAll, SamplingBreaker, type CircuitBreakerPolicy } from 'cockatiel';
import Opossum from 'opossum';

export type Fn = () => Promise<number>;

/** A library's breaker, reduced to what the benchmark needs. */
export interface BreakerImpl<B = unknown> {
  impl: string;
  /** The library's breaker guarding `fn`. */
  create(fn: Fn): B;
  /** One guarded call of `fn`. */
  call(b: B, fn: Fn): Promise<unknown>;
  /** Forces the circuit open for a long time. */
  open(b: B): void;
  /** Stops any timer the library runs (opossum). */
  dispose(b: B): void;
}

const LONG = 10 * 60_000;
const nothing = (): void => {};

function chorus(impl: string, window: { kind: 'time'; ms: number; buckets: number } | { kind: 'count'; size: number }): BreakerImpl<ChorusBreaker> {
  return {
    impl,
    create: () => new ChorusBreaker({ window, openMs: LONG }),
    call: (b, fn) => b.execute(fn),
    open: (b) => b.trip(),
    dispose: nothing,
  };
}

function cockatiel(impl: string, breaker: () => ConstructorParameters<typeof CircuitBreakerPolicy>[0]['breaker']): BreakerImpl<CircuitBreakerPolicy> {
  return {
    impl,
    create: () => circuitBreaker(handleAll, { halfOpenAfter: LONG, breaker: breaker() }),
    call: (b, fn) => b.execute(fn),
    open: (b) => void b.isolate(),
    dispose: nothing,
  };
}

export const chorusTime: BreakerImpl = chorus('chorus (time window 30 s)', { kind: 'time', ms: 30_000, buckets: 10 }) as BreakerImpl;
export const chorusCount: BreakerImpl = chorus('chorus (count window 100)', { kind: 'count', size: 100 }) as BreakerImpl;
export const cockatielSampling: BreakerImpl = cockatiel('cockatiel (SamplingBreaker 30 s)', () => new SamplingBreaker({ threshold: 0.5, duration: 30_000 })) as BreakerImpl;
export const cockatielCount: BreakerImpl = cockatiel('cockatiel (CountBreaker 100)', () => new CountBreaker({ threshold: 0.5, size: 100 })) as BreakerImpl;
export const cockatielConsecutive: BreakerImpl = cockatiel('cockatiel (ConsecutiveBreaker 5)', () => new ConsecutiveBreaker(5)) as BreakerImpl;

export const opossumDefault: BreakerImpl = {
  impl: 'opossum (defaults: 10 s timeout)',
  create: (fn) => new Opossum(fn, { resetTimeout: LONG }),
  call: (b) => (b as Opossum).fire(),
  open: (b) => (b as Opossum).open(),
  dispose: (b) => (b as Opossum).shutdown(),
};
