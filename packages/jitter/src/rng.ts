/**
 * A seeded pseudo-random generator (mulberry32): the same seed gives the same sequence on every
 * platform, so comfort noise and generated traces are reproducible.
 *
 * @param seed - any 32-bit integer
 * @returns a function giving uniform numbers in [0, 1)
 * @example
 * ```ts
 * const rand = seededRandom(42); rand(); // 0.6011…
 * ```
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
