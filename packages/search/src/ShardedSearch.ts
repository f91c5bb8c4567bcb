import { SearchError, shown } from './errors.js';
import { SearchIndex, type DocId, type FromSnapshotOptions, type IndexMemory, type SearchDocument, type SearchIndexOptions, type SearchOptions } from './SearchIndex.js';

/** Options of {@link ShardedSearch}: the options of every shard's {@link SearchIndex}, plus a shard cap. */
export interface ShardedSearchOptions extends SearchIndexOptions {
  /**
   * Most shards (guilds) held at once; creating one more throws.
   * @defaultValue 100000
   */
  maxShards?: number;
}

/** Options of {@link ShardedSearch.search}. */
export interface ShardedQueryOptions extends SearchOptions {
  /** Shards to search; all when omitted. */
  shards?: readonly string[];
}

/** A hit of a sharded search. */
export interface ShardedResult {
  shard: string;
  id: DocId;
  score: number;
}

/** Memory of one shard. */
export interface ShardMemory extends IndexMemory {
  shard: string;
}

const MAX_KEY = 256;

function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY) {
    throw new SearchError('INVALID_ID', `a shard key must be a non-empty string of at most ${MAX_KEY} characters, got ${typeof key === 'string' ? `${key.length} characters` : typeof key}`);
  }
}

/**
 * One {@link SearchIndex} per guild (or any shard key), created on first write. Searches run in
 * one shard or several and merge their top-k; each shard ranks with its own statistics, as a
 * guild's search would alone. {@link memoryUsage} accounts memory per shard.
 *
 * @example
 * ```ts
 * const guilds = new ShardedSearch({ fields: ['text'] });
 * guilds.add('guild-1', 'm1', { text: 'raid tonight at nine' });
 * guilds.add('guild-2', 'm7', { text: 'raid cancelled' });
 * guilds.search('raid', { shards: ['guild-1'] }); // [{ shard: 'guild-1', id: 'm1', score: ... }]
 * guilds.search('raid');                          // hits from both, merged by score
 * ```
 */
export class ShardedSearch {
  private readonly options: SearchIndexOptions;
  private readonly maxShards: number;
  private readonly map = new Map<string, SearchIndex>();

  /**
   * @param options - options of every shard; validated now by building a probe index
   * @throws {@link SearchError} `INVALID_OPTIONS`
   */
  constructor(options: ShardedSearchOptions) {
    const maxShards = options.maxShards ?? 100_000;
    if (typeof maxShards !== 'number' || !Number.isInteger(maxShards) || maxShards < 1) throw new SearchError('INVALID_OPTIONS', `maxShards must be a positive integer, got ${shown(maxShards)}`);
    this.maxShards = maxShards;
    this.options = options;
    new SearchIndex(options);
  }

  /** Shard keys, in creation order. */
  get shards(): string[] {
    return [...this.map.keys()];
  }

  /**
   * The index of a shard, created empty if absent.
   * @param key - shard key (guild id)
   * @returns its index
   * @throws {@link SearchError} `INVALID_ID` for a bad key, `INVALID_OPTIONS` past `maxShards`
   */
  shard(key: string): SearchIndex {
    checkKey(key);
    let s = this.map.get(key);
    if (s === undefined) {
      if (this.map.size >= this.maxShards) throw new SearchError('INVALID_OPTIONS', `already ${this.maxShards} shards (option maxShards); drop some first`);
      s = new SearchIndex(this.options);
      this.map.set(key, s);
    }
    return s;
  }

  /**
   * Adds a document to a shard. @see {@link SearchIndex.add}
   * @param key - shard key
   * @param id - document id
   * @param doc - document
   * @throws {@link SearchError} as {@link SearchIndex.add}
   */
  add(key: string, id: DocId, doc: SearchDocument): void {
    this.shard(key).add(id, doc);
  }

  /**
   * Replaces (or adds) a document of a shard. @see {@link SearchIndex.update}
   * @param key - shard key
   * @param id - document id
   * @param doc - new version
   * @throws {@link SearchError} as {@link SearchIndex.update}
   */
  update(key: string, id: DocId, doc: SearchDocument): void {
    this.shard(key).update(id, doc);
  }

  /**
   * Removes a document from a shard.
   * @param key - shard key
   * @param id - document id
   * @returns whether it was there
   */
  remove(key: string, id: DocId): boolean {
    return this.map.get(key)?.remove(id) ?? false;
  }

  /**
   * @param key - shard key
   * @param id - document id
   * @returns whether the shard holds the document
   */
  has(key: string, id: DocId): boolean {
    return this.map.get(key)?.has(id) ?? false;
  }

  /**
   * Forgets a shard and everything in it.
   * @param key - shard key
   * @returns whether it existed
   */
  dropShard(key: string): boolean {
    return this.map.delete(key);
  }

  /**
   * Searches some or all shards and merges their top `limit` into one ranking (ties: the
   * earlier shard in `shards`, then the shard's own order). Shards never written to are skipped.
   * @param query - see {@link SearchIndex.search}
   * @param options - search options plus `shards`
   * @returns the merged hits, best first
   * @throws {@link SearchError} as {@link SearchIndex.search}
   */
  search(query: string, options: ShardedQueryOptions = {}): ShardedResult[] {
    const { shards, ...rest } = options;
    if (shards !== undefined && !Array.isArray(shards)) throw new SearchError('INVALID_OPTIONS', 'shards must be an array of shard keys');
    const keys = shards ?? [...this.map.keys()];
    const limit = rest.limit ?? 10;
    const all: (ShardedResult & { order: number })[] = [];
    let order = 0;
    const seen = new Set<string>();
    for (const key of keys) {
      checkKey(key);
      if (seen.has(key)) continue;
      seen.add(key);
      const s = this.map.get(key);
      if (s === undefined) {
        // Still validate the query and options, as searching an empty index would.
        new SearchIndex(this.options).search(query, rest);
        continue;
      }
      for (const h of s.search(query, rest)) all.push({ shard: key, id: h.id, score: h.score, order: order++ });
    }
    if (keys.length === 0) new SearchIndex(this.options).search(query, rest);
    all.sort((a, b) => b.score - a.score || a.order - b.order);
    return all.slice(0, limit).map(({ shard, id, score }) => ({ shard, id, score }));
  }

  /**
   * Memory accounting per shard (see {@link SearchIndex.memoryUsage}).
   * @returns one entry per shard, largest first
   */
  memoryUsage(): ShardMemory[] {
    return [...this.map].map(([shard, s]) => ({ shard, ...s.memoryUsage() })).sort((a, b) => b.bytes - a.bytes);
  }

  /**
   * Snapshot of one shard. @see {@link SearchIndex.toSnapshot}
   * @param key - shard key
   * @returns its bytes, or undefined for an unknown shard
   */
  snapshotShard(key: string): Uint8Array | undefined {
    return this.map.get(key)?.toSnapshot();
  }

  /**
   * Replaces a shard with the index in a snapshot.
   * @param key - shard key
   * @param bytes - from {@link snapshotShard} or {@link SearchIndex.toSnapshot}
   * @param options - custom tokenizer, if any
   * @throws {@link SearchError} `BAD_SNAPSHOT`, `TOKENIZER_REQUIRED`, `INVALID_ID`
   */
  loadShard(key: string, bytes: Uint8Array, options: FromSnapshotOptions = {}): void {
    checkKey(key);
    const index = SearchIndex.fromSnapshot(bytes, options);
    if (!this.map.has(key) && this.map.size >= this.maxShards) throw new SearchError('INVALID_OPTIONS', `already ${this.maxShards} shards (option maxShards); drop some first`);
    this.map.set(key, index);
  }
}
