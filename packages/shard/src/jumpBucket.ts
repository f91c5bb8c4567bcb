// The jump loop of Lamping & Veach ("A Fast, Minimal Memory, Consistent Hash Algorithm", 2014),
// bit for bit the paper's C code:
//
//   b = -1; j = 0;
//   while (j < buckets) { b = j; key = key * 2862933555777941757 + 1;
//                         j = (b + 1) * (double(1LL << 31) / double((key >> 33) + 1)); }
//   return b;
//
// Its cost is instructions per step (ln(buckets) + 1 steps a key), so the step is kept short:
// - b + 1 is carried as a double, c, and the next one is floor(j + 1): one add and one rounding
//   instead of converting b to a double and j back to an int each step. j + 1 is exact (j <
//   buckets <= 2^31 - 1, far below 2^53), so floor(j + 1) = floor(j) + 1 = the paper's b + 1, and
//   c * q rounds exactly as (b + 1) * q does: every j, and so the bucket, equals the reference's.
// - The LCG's + 1 is added to the lowest 16-bit partial product, where it carries into the high
//   word on its own, instead of testing the new low word for zero.
// - Constants are locals, not module constants: V8 keeps a bundled module's top-level bindings
//   in the module context and reloads and type-checks them at every use (ints going through a
//   double round trip), which cost more than the multiplies themselves. buckets | 0 lets V8
//   convert the bound to a double once, outside the loop.
// - Few bytecodes (Math.imul aliased once, short names) keep the function under V8's inlining
//   limit of 460 bytes, so it inlines into JumpHash.lookup and from there into a caller's loop.

/**
 * Jump consistent hash of the unsigned 64-bit key (hi, lo), as int32 or uint32 halves, into
 * `buckets` buckets (1 to 2^31 - 1; not checked).
 *
 * @internal
 */
export function jumpBucket(hi: number, lo: number, buckets: number): number {
  const imul = Math.imul;
  // The LCG multiplier 2862933555777941757 = 0x27bb2ee6_87b0b0fd: its halves, and its low half's
  // 16-bit limbs for the high word of the low halves' product.
  const ch = 0x27bb2ee6, cl = 0x87b0b0fd | 0, c0 = 0xb0fd, c1 = 0x87b0, m16 = 0xffff;
  const n = buckets | 0;
  let kh = hi | 0, kl = lo | 0;
  let c = 1; // b + 1
  for (;;) {
    // key = key * C + 1 (mod 2^64). t < 0xffff * 0xb0fd + 1 < 2^32, so the + 1 cannot overflow.
    const a0 = kl & m16, a1 = kl >>> 16;
    const t = imul(a0, c0) + 1;
    const m1 = (imul(a1, c0) + (t >>> 16)) | 0;
    const m2 = (imul(a0, c1) + (m1 & m16)) | 0;
    kh = (imul(a1, c1) + (m1 >>> 16) + (m2 >>> 16) + imul(kh, cl) + imul(kl, ch)) | 0;
    kl = (imul(kl, cl) + 1) | 0;
    // kh >>> 1 is key >> 33.
    const j = c * (2147483648 / ((kh >>> 1) + 1));
    if (j >= n) return c - 1;
    c = Math.floor(j + 1);
  }
}
