import fc from 'fast-check';
import type { Key } from '../src/index.js';

/** Distinct node ids, 1 to `max`. */
export const nodeIds = (max = 12): fc.Arbitrary<string[]> =>
  fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: max });

/** Any valid key. */
export const anyKey: fc.Arbitrary<Key> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.maxSafeInteger(),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.uint8Array({ maxLength: 40 }),
);

/** `count` deterministic string keys. */
export function sampleKeys(count: number, prefix = 'key'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}:${i}`);
}

/** How many keys each node owns. */
export function loads(lookup: (k: Key) => string, keys: readonly Key[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) {
    const n = lookup(k);
    m.set(n, (m.get(n) ?? 0) + 1);
  }
  return m;
}
