import type { GearCutOptions } from './gearCuts.js';

/** Where one FastCDC cut search looks, relative to the chunk start. */
export interface CutBounds {
  /** True when the rest is too short to search: the chunk is all `remaining` bytes. */
  readonly whole: boolean;
  /** First position hashed (the sub-minimum skip: bytes before it are never hashed). */
  readonly start: number;
  /** Positions in [start, smallEnd) are judged with the strict mask. */
  readonly smallEnd: number;
  /** Positions in [smallEnd, largeEnd) are judged with the loose mask. */
  readonly largeEnd: number;
  /** The chunk length when no position passes. */
  readonly fallback: number;
}

/**
 * The search bounds of the `fastcdc` crate's `cut` for `available` bytes from the chunk start
 * (`Infinity` while a stream has more to come). FastCDC 2016 judges every byte; FastCDC 2020
 * walks whole byte pairs from `min & ~1`, as the reference does, so odd sizes round down to
 * an even position there.
 *
 * Self-contained (no free identifiers): the digest worker evaluates its source text.
 *
 * @param o - resolved options (a FastCDC algorithm)
 * @param available - bytes from the chunk start to the end of the input, or Infinity
 * @returns the bounds
 * @example
 * ```ts
 * cutBounds(resolveChunkerOptions({ avgSize: 8192 }), Infinity); // start 2048, smallEnd 8192, largeEnd 32768
 * ```
 */
export function cutBounds(o: GearCutOptions, available: number): CutBounds {
  if (available <= o.minSize) return { whole: true, start: 0, smallEnd: 0, largeEnd: 0, fallback: available };
  let remaining = available;
  let center = o.avgSize;
  if (remaining > o.maxSize) remaining = o.maxSize;
  else if (remaining < center) center = remaining;
  if (o.algorithm === 'fastcdc2020') {
    return { whole: false, start: o.minSize & ~1, smallEnd: center & ~1, largeEnd: remaining & ~1, fallback: remaining };
  }
  return { whole: false, start: o.minSize, smallEnd: center, largeEnd: remaining, fallback: remaining };
}
