/**
 * FastCDC judgement masks indexed by bit count (5..25): spread-bit masks from the FastCDC
 * paper's reference code (64 B .. 128 KiB) extended as the `fastcdc` crate does; spreading the
 * one-bits over the window dedups slightly better than a contiguous low mask.
 */
const MASKS: readonly bigint[] = [
  0n, 0n, 0n, 0n, 0n,
  0x0000000001804110n,
  0x0000000001803110n,
  0x0000000018035100n,
  0x0000001800035300n,
  0x0000019000353000n,
  0x0000590003530000n,
  0x0000d90003530000n,
  0x0000d90103530000n,
  0x0000d90303530000n,
  0x0000d90313530000n,
  0x0000d90f03530000n,
  0x0000d90303537000n,
  0x0000d90703537000n,
  0x0000d90707537000n,
  0x0000d91707537000n,
  0x0000d91747537000n,
  0x0000d91767537000n,
  0x0000d93767537000n,
  0x0000d93777537000n,
  0x0000d93777577000n,
  0x0000db3777577000n,
];

/** The strict (before the average) and loose (after it) masks for one configuration. */
export interface MaskPair {
  /** Mask with more one-bits, used below the average size (makes small chunks rarer). */
  readonly small: bigint;
  /** Mask with fewer one-bits, used from the average size on (makes large chunks rarer). */
  readonly large: bigint;
}

/**
 * The mask pair for an average size and normalization level: `bits = round(log2(avgSize))`,
 * strict mask `bits + level`, loose mask `bits - level`.
 *
 * @param avgSize - target average chunk size, 256 .. 4 MiB (validated by the caller)
 * @param normalization - level 0..3
 * @returns the two masks
 * @example
 * ```ts
 * masksFor(16384, 1).small; // 0x0000d90f03530000n
 * ```
 */
export function masksFor(avgSize: number, normalization: number): MaskPair {
  const bits = Math.round(Math.log2(avgSize));
  return { small: MASKS[bits + normalization] ?? 0n, large: MASKS[bits - normalization] ?? 0n };
}
