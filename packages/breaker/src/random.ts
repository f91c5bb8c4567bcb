/**
 * A small seeded pseudo-random generator (mulberry32) returning numbers in [0, 1), for
 * deterministic jitter and throttling in tests and simulations.
 *
 * @param seed - any 32-bit integer; the same seed gives the same sequence
 * @returns a function like `Math.random`
 * @example
 * ```ts
 * const policy = new Retry({ random: seededRandom(42) });
 * ```
 */
export function seededRandom(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
