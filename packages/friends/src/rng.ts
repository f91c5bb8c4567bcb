import { FriendsError } from './errors.js';
import { shown } from './options.js';

/**
 * A seeded pseudo-random generator (mulberry32): the same seed gives the same sequence in every
 * engine, so evaluations are reproducible.
 *
 * @param seed - any integer (taken modulo 2^32)
 * @returns a function giving uniform floats in [0, 1)
 * @throws {@link FriendsError} `invalid-option` unless `seed` is an integer number (NaN, 1.5, a
 *   string or a BigInt would otherwise be coerced, or throw a TypeError, instead of seeding)
 * @example
 * ```ts
 * const rnd = seededRandom(42);
 * rnd(); // 0.6011037519201636, always
 * ```
 */
export function seededRandom(seed: number): () => number {
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new FriendsError('invalid-option', `seed must be an integer, got ${shown(seed)}`);
  }
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
