import { ShardError, shown } from './errors.js';
import { jumpBucket } from './jumpBucket.js';
import { jumpKeyInto, jumpWord } from './jumpKey.js';
import { badKey, type Key } from './key.js';
import { NodeSet, checkCount, checkOptions, emptyError } from './NodeSet.js';
import type { NodeSpec, Placement } from './Placement.js';
import { PlacementBase } from './PlacementBase.js';

/**
 * Jump consistent hash of a raw unsigned 64-bit key, for interoperating with other
 * implementations of the paper (Go's, Guava's, the C reference). Takes the key as is: it does
 * not hash it first, so pass a well-mixed 64-bit value.
 *
 * @param key - unsigned 64-bit key
 * @param buckets - number of buckets, 1 to 2^31 - 1
 * @returns the bucket, 0 to buckets - 1
 * @throws ShardError `BAD_KEY` for a key outside [0, 2^64); `BAD_COUNT` for a bad bucket count
 * @example
 * ```ts
 * jumpHash(0xdeadbeefn, 10); // a bucket from 0 to 9
 * ```
 */
export function jumpHash(key: bigint, buckets: number): number {
  if (typeof key !== 'bigint' || key < 0n || key >= 1n << 64n) {
    throw new ShardError('BAD_KEY', 'jumpHash takes an unsigned 64-bit bigint key; hash other keys first (or use JumpHash.lookup)');
  }
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > 0x7fffffff) {
    throw new ShardError('BAD_COUNT', `buckets must be an integer from 1 to 2^31 - 1, got ${shown(buckets)}`);
  }
  return jumpBucket(Number(key >> 32n), Number(key & 0xffffffffn), buckets);
}

/** Options of {@link JumpHash}. */
export interface JumpHashOptions {
  /**
   * 64-bit seed of the jump key: XXH64's seed, or what an 8-byte key's word is XORed with before
   * fmix64 (see {@link JumpHash}). @defaultValue 0
   */
  readonly seed?: number | bigint;
  /**
   * How an integer key becomes the 64-bit jump key.
   * - `'mix'`: fmix64 of its 8-byte word XOR the seed (see {@link JumpHash}); keys that are
   *   sequential or share their low bits still spread evenly whatever the seed.
   * - `'raw'`: the integer itself (its 64-bit two's complement) XOR the seed, with no hashing, as
   *   the paper's C code, Go's `go-jump` (`jump.Hash(uint64(id), n)`) and Guava's
   *   `Hashing.consistentHash(long, int)` take it: with seed 0, a service moving from one of
   *   those to this package keeps every integer key in its bucket. Faster (no fmix64), and the
   *   jump's own generator spreads sequential ids evenly, but a seed only relabels keys (it XORs
   *   them), it does not reshuffle them. Strings and byte arrays hash as in `'mix'`, so in this
   *   mode `5` and the bytes `05 00 00 00 00 00 00 00` no longer share a bucket.
   *
   * @defaultValue 'mix'
   */
  readonly integerKeys?: 'mix' | 'raw';
}

/**
 * Jump consistent hash over numbered buckets: node i is bucket i. No memory beyond the node
 * list, near-perfect balance, and growing from n to n + 1 buckets moves exactly the expected
 * 1/(n + 1) of the keys. Keys are hashed to a 64-bit jump key first, so strings, bytes and
 * integers all work: XXH64 of the key's bytes (strings as UTF-8), except that a key of exactly 8
 * bytes — every safe integer (8 little-endian two's-complement bytes), and 8-byte strings and
 * arrays — takes MurmurHash3's fmix64 of its little-endian word XOR the seed, two 64-bit
 * multiplies instead of XXH64's five, which makes integer lookups about a third cheaper. Any
 * implementation of the paper with those two hashes computes the same buckets.
 *
 * With `integerKeys: 'raw'` an integer key is its own jump key (no fmix64), for interoperating
 * with other implementations that jump on raw integer ids; see {@link JumpHashOptions}.
 *
 * Limits, by design of the algorithm: no weights (every weight must be 1), and only the last
 * bucket can leave cheaply. `withoutNode` of another node moves the last node into the freed
 * bucket, which moves about 2/n of the keys instead of 1/n (see the README).
 *
 * @example
 * ```ts
 * const jump = new JumpHash(['s0', 's1', 's2']);
 * jump.lookup(123456); // 's0', 's1' or 's2'
 * jump.withNode('s3');  // moves ~1/4 of the keys to s3, none elsewhere
 * ```
 */
export class JumpHash extends PlacementBase implements Placement {
  /** Always `'jump'`. */
  readonly scheme: 'jump' = 'jump';
  /** How integer keys become jump keys: `'mix'` (fmix64, the default) or `'raw'` (as they are). */
  readonly integerKeys: 'mix' | 'raw';
  // The node ids by bucket: an unfrozen copy of this.set.ids, because V8 does not inline element
  // loads from frozen arrays (each lookup paid a KeyedLoadIC call for the final ids[bucket]).
  private readonly ids: readonly string[];
  // The seed's halves as int32, which V8 keeps as small integers (PlacementBase's uint32 halves
  // are boxed doubles whenever they are 2^31 or more).
  private readonly sh: number;
  private readonly sl: number;
  private readonly raw: boolean;

  /**
   * @param nodes - node ids in bucket order (or `{ node }` objects with weight 1)
   * @param options - see {@link JumpHashOptions}
   * @throws ShardError `BAD_NODE`, `DUPLICATE_NODE`, `BAD_WEIGHT` (any weight but 1), `BAD_OPTION`
   */
  constructor(nodes: Iterable<NodeSpec> = [], options: JumpHashOptions = {}) {
    checkOptions(options);
    const mode = options.integerKeys === undefined ? 'mix' : options.integerKeys;
    if (mode !== 'mix' && mode !== 'raw') throw new ShardError('BAD_OPTION', `integerKeys must be 'mix' or 'raw', got ${shown(mode)}`);
    super(NodeSet.parse(nodes, false, 'given'), options.seed ?? 0);
    this.integerKeys = mode;
    this.raw = mode === 'raw';
    if (this.set.ids.length > 0x7fffffff) throw new ShardError('BAD_OPTION', 'jump hash supports at most 2^31 - 1 buckets');
    this.ids = this.set.ids.slice();
    this.sh = this.seedHi | 0;
    this.sl = this.seedLo | 0;
  }

  /**
   * The bucket number of `key`.
   *
   * @throws ShardError `EMPTY`, `BAD_KEY`
   */
  bucketOf(key: Key): number {
    this.keyInto(key);
    const n = this.ids.length;
    if (n === 0) throw emptyError();
    return jumpBucket(this.out.hi, this.out.lo, n);
  }

  /**
   * The node owning `key`.
   *
   * @throws ShardError `EMPTY`, `BAD_KEY`
   */
  lookup(key: Key): string {
    const ids = this.ids;
    // Integer keys, the common case for numbered shards, skip the generic dispatch: the 8-byte
    // word XOR the seed, then fmix64 ('mix') or nothing ('raw'), and the jump in registers, in a
    // path small enough for V8 to inline into the caller. The word's high half of a non-negative
    // key is its product by 2^-32 truncated: exact, and one rounding shorter than Math.floor of
    // the quotient, on the path every later step waits for.
    if (typeof key === 'number' && Number.isSafeInteger(key)) {
      const n = ids.length;
      if (n === 0) throw emptyError();
      const hi = (key >= 0 ? (key * 2.3283064365386963e-10) | 0 : Math.floor(key / 4294967296)) ^ this.sh;
      const lo = (key | 0) ^ this.sl;
      return ids[this.raw ? jumpBucket(hi, lo, n) : jumpWord(hi, lo, n)]!;
    }
    return ids[this.bucketOf(key)]!;
  }

  // The 64-bit jump key of `key` into this.out.
  private keyInto(key: Key): void {
    if (this.raw && typeof key === 'number') {
      if (!Number.isSafeInteger(key)) throw badKey(key);
      this.out.hi = (Math.floor(key / 4294967296) ^ this.seedHi) >>> 0;
      this.out.lo = ((key | 0) ^ this.seedLo) >>> 0;
    } else {
      jumpKeyInto(key, this.seedHi, this.seedLo, this.out);
    }
  }

  /**
   * `n` distinct nodes for `key`, owner first. Replica r is the jump bucket of the key's hash
   * under seed + r, skipping buckets already chosen; after 4n + 16 tries the rest are the next
   * free buckets in order, so the call always ends.
   *
   * @throws ShardError `BAD_COUNT`, `BAD_KEY`
   */
  lookupN(key: Key, n: number): string[] {
    const size = this.set.ids.length;
    this.keyInto(key);
    checkCount(n, size);
    const res: string[] = [];
    if (n === 0) return res;
    const chosen = new Set<number>();
    const kh = this.out.hi, kl = this.out.lo;
    for (let r = 0; chosen.size < n && r < 4 * n + 16; r++) {
      // Replica r re-mixes the key with r, so each replica is a jump hash of its own.
      const b = r === 0 ? jumpBucket(kh, kl, size) : jumpBucket(kh ^ Math.imul(r, 0x9e3779b1), (kl + Math.imul(r, 0x85ebca6b)) | 0, size);
      if (!chosen.has(b)) {
        chosen.add(b);
        res.push(this.set.ids[b]!);
      }
    }
    for (let b = 0; chosen.size < n; b++) {
      if (!chosen.has(b)) {
        chosen.add(b);
        res.push(this.set.ids[b]!);
      }
    }
    return res;
  }

  /**
   * A placement with `node` as the new last bucket.
   *
   * @param weight - must be 1 (or left out)
   * @throws ShardError `DUPLICATE_NODE`, `BAD_NODE`, `BAD_WEIGHT`
   */
  withNode(node: string, weight?: number): JumpHash {
    return new JumpHash(this.set.plus(node, weight, false), { seed: this.seed, integerKeys: this.integerKeys });
  }

  /**
   * A placement without `node`. Removing the last bucket moves only its keys; removing another
   * moves the last node into its bucket (its keys go to that node, the last bucket's keys spread).
   *
   * @throws ShardError `UNKNOWN_NODE`
   */
  withoutNode(node: string): JumpHash {
    const rest = this.set.minus(node);
    const i = this.set.indexOf(node);
    const last = this.set.ids.length - 1;
    if (i !== last) {
      // rest lost index i; put the last node there, so every other bucket keeps its node.
      const moved = rest.pop()!;
      rest.splice(i, 0, moved);
    }
    return new JumpHash(rest, { seed: this.seed, integerKeys: this.integerKeys });
  }
}
