import { topDocs } from './topDocs.js';
import { TermCursor, UnionCursor, type Cursor } from './cursors.js';
import { editDistance } from './editDistance.js';
import { SearchError, shown } from './errors.js';
import { growI32, growU32, growU8 } from './grow.js';
import { Lexicon } from './Lexicon.js';
import { parseQuery } from './parseQuery.js';
import { PostingStore } from './PostingStore.js';
import { Scorer, type Scoring } from './Scorer.js';
import { decodeSnapshot, encodeSnapshot, type SnapshotData } from './snapshot.js';
import { StoredFields, type SearchFilter, type StoredKind, type StoredValue } from './StoredFields.js';
import { createTokenizer, type Tokenizer, type TokenizerOptions } from './tokenizer.js';

/** A document id: a non-empty string of at most 512 characters or a safe integer. `1` and `'1'` are different ids. */
export type DocId = string | number;

/** A document: an object with text fields and stored fields by name; other properties are ignored. */
export type SearchDocument = object;

/** A text field and its weight. */
export interface FieldSpec {
  /** Name of the document property holding the text. */
  name: string;
  /**
   * Multiplies the field's term frequencies.
   * @defaultValue 1
   */
  boost?: number;
}

/** Options of {@link SearchIndex}. */
export interface SearchIndexOptions {
  /** Text fields to index (1 to 16), as names or `{ name, boost }`. */
  fields: readonly (string | FieldSpec)[];
  /** Stored filter fields, e.g. `{ channel: 'string', author: 'string', time: 'number' }`. */
  stored?: Readonly<Record<string, StoredKind>>;
  /**
   * Ranking function: BM25 (BM25F over several fields) or tf × ln(N/df).
   * @defaultValue 'bm25'
   */
  scoring?: Scoring;
  /**
   * BM25 parameters.
   * @defaultValue { k1: 1.2, b: 0.75 }
   */
  bm25?: { k1?: number; b?: number };
  /**
   * The default tokenizer's options, or your own tokenizer function (then pass it again to
   * {@link SearchIndex.fromSnapshot}).
   * @defaultValue {} (stemming and CJK bigrams on)
   */
  tokenizer?: Tokenizer | TokenizerOptions;
  /**
   * Longest accepted text field, in characters.
   * @defaultValue 100000
   */
  maxFieldLength?: number;
  /**
   * Longest accepted query, in characters.
   * @defaultValue 1024
   */
  maxQueryLength?: number;
  /**
   * Most terms a query may have after tokenizing.
   * @defaultValue 32
   */
  maxQueryTerms?: number;
  /**
   * Most dictionary terms one prefix or fuzzy word expands to (the most frequent are kept).
   * @defaultValue 64
   */
  maxExpansions?: number;
  /**
   * Removed or replaced documents are tombstones until they make up this fraction of all
   * document slots (and at least 1024 of them); the next change then compacts the index.
   * @defaultValue 0.25
   */
  compactThreshold?: number;
}

/** Options of {@link SearchIndex.search}. */
export interface SearchOptions {
  /**
   * How many results, at most (0 to 10000).
   * @defaultValue 10
   */
  limit?: number;
  /**
   * `'and'`: every word must match; `'or'`: any word (quoted phrases are always required).
   * @defaultValue 'and'
   */
  mode?: 'and' | 'or';
  /**
   * Also match terms that start with each query word (scored at 0.7 of an exact match).
   * @defaultValue false
   */
  prefix?: boolean;
  /**
   * Also match terms within this edit distance of each query word of 3 or more characters
   * (scored at 1 / (1 + distance)).
   * @defaultValue 0
   */
  fuzzy?: 0 | 1 | 2;
  /** Conditions on stored fields. */
  filter?: SearchFilter;
}

/** One search hit. */
export interface SearchResult {
  id: DocId;
  score: number;
}

/** Sizes of an index; `bytes` estimates the heap it holds (typed arrays at capacity, strings, maps). */
export interface IndexMemory {
  docs: number;
  /** Removed or replaced documents not yet compacted away. */
  tombstones: number;
  terms: number;
  postings: number;
  bytes: number;
}

/** Options of {@link SearchIndex.fromSnapshot}. */
export interface FromSnapshotOptions {
  /** Required when the snapshot was made by an index with a custom tokenizer function. */
  tokenizer?: Tokenizer;
}

interface Settings {
  fieldNames: string[];
  boosts: Float64Array;
  scoring: Scoring;
  k1: number;
  b: number;
  tokenizerOptions: TokenizerOptions | undefined;
  maxFieldLength: number;
  maxQueryLength: number;
  maxQueryTerms: number;
  maxExpansions: number;
  compactThreshold: number;
}

interface State {
  postings: PostingStore;
  terms: string[];
  termIds: Map<string, number>;
  lexicon: Lexicon;
  ids: DocId[];
  alive: Uint8Array;
  lens: Uint32Array;
  fwdStart: Uint32Array;
  fwd: Uint32Array;
  fwdUsed: number;
  docs: number;
  live: number;
  totalLen: Float64Array;
  idToDoc: Map<DocId, number>;
  stored: StoredFields;
}

interface Group {
  token: string;
  weight: number;
  required: boolean;
  expand: boolean;
}

const MAX_LIMIT = 10_000;
const MAX_ID_LENGTH = 512;
const MAX_FIELDS = 16;
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * An inverted index over chat messages: BM25 or TF-IDF ranked top-k search with AND/OR, quoted
 * phrases, `-exclusion`, prefix and fuzzy matching and stored-field filters; documents are added,
 * updated and removed by id at any time, and results never include a removed or stale version.
 *
 * @example
 * ```ts
 * const index = new SearchIndex({ fields: ['text'], stored: { channel: 'string' } });
 * index.add('m1', { text: 'How do I install Ubuntu on a laptop?', channel: 'help' });
 * index.add('m2', { text: 'installing ubuntu now', channel: 'general' });
 * index.search('install ubuntu');                                  // both, ranked
 * index.search('install -laptop', { filter: { channel: 'general' } }); // [{ id: 'm2', ... }]
 * ```
 */
export class SearchIndex {
  private readonly settings: Settings;
  private readonly tokenize: Tokenizer;
  private readonly custom: boolean;
  private s: State;
  private mark: Int32Array = new Int32Array(0);
  private epoch = 0;
  private slot: Int32Array = new Int32Array(0);
  private scratch: Uint32Array = new Uint32Array(256);
  private tfScratch: Int32Array = new Int32Array(64);
  private uniqScratch: Int32Array = new Int32Array(64);

  /**
   * @param options - fields, stored fields, scoring and limits; see {@link SearchIndexOptions}
   * @throws {@link SearchError} `INVALID_OPTIONS` when an option is missing, out of range or of the wrong type
   */
  constructor(options: SearchIndexOptions) {
    this.settings = readOptions(options);
    const tok = (options as { tokenizer?: unknown }).tokenizer;
    this.custom = typeof tok === 'function';
    this.tokenize = this.custom ? (tok as Tokenizer) : createTokenizer(this.settings.tokenizerOptions);
    this.s = this.newState(new StoredFields(options.stored ?? {}));
  }

  private newState(stored: StoredFields): State {
    const F = this.settings.fieldNames.length;
    return {
      postings: new PostingStore(F),
      terms: [],
      termIds: new Map(),
      lexicon: new Lexicon(),
      ids: [],
      alive: new Uint8Array(16),
      lens: new Uint32Array(16 * F),
      fwdStart: new Uint32Array(16),
      fwd: new Uint32Array(256),
      fwdUsed: 0,
      docs: 0,
      live: 0,
      totalLen: new Float64Array(F),
      idToDoc: new Map(),
      stored,
    };
  }

  /** Number of documents in the index. */
  get size(): number {
    return this.s.live;
  }

  /**
   * @param id - a document id
   * @returns whether a document with this id is indexed
   */
  has(id: DocId): boolean {
    return this.s.idToDoc.has(id);
  }

  /**
   * Indexes a new document.
   * @param id - its id (a non-empty string of at most 512 characters, or a safe integer)
   * @param doc - an object with the text fields and stored fields
   * @throws {@link SearchError} `INVALID_ID`, `DUPLICATE_ID` (use {@link update}), `INVALID_DOCUMENT`, `DOCUMENT_TOO_LARGE` or `INVALID_TOKENIZER`; the index is unchanged
   */
  add(id: DocId, doc: SearchDocument): void {
    checkId(id);
    if (this.s.idToDoc.has(id)) throw new SearchError('DUPLICATE_ID', `document ${JSON.stringify(id)} is already indexed; use update() to replace it`);
    this.insert(id, this.prepare(doc), doc);
  }

  /**
   * Replaces the document with this id, or adds it if absent; searches see only the new version.
   * @param id - its id
   * @param doc - the new version
   * @throws {@link SearchError} as {@link add}, except `DUPLICATE_ID`; on error the old version stays
   */
  update(id: DocId, doc: SearchDocument): void {
    checkId(id);
    const tokens = this.prepare(doc);
    const d = this.s.idToDoc.get(id);
    if (d !== undefined) this.kill(d);
    this.insert(id, tokens, doc);
    this.maybeCompact();
  }

  /**
   * Removes a document; its id alone is enough.
   * @param id - its id
   * @returns whether it was indexed
   */
  remove(id: DocId): boolean {
    const d = this.s.idToDoc.get(id);
    if (d === undefined) return false;
    this.kill(d);
    this.maybeCompact();
    return true;
  }

  /**
   * The stored fields of a document, as given to {@link add}.
   * @param id - its id
   * @returns the values, or undefined when the id is not indexed
   */
  stored(id: DocId): Record<string, StoredValue> | undefined {
    const d = this.s.idToDoc.get(id);
    return d === undefined ? undefined : this.s.stored.get(d);
  }

  /** Validates and tokenizes every field: term strings per field, before anything changes. */
  private prepare(doc: SearchDocument): string[][] {
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
      throw new SearchError('INVALID_DOCUMENT', `a document must be a plain object of fields, got ${doc === null ? 'null' : Array.isArray(doc) ? 'an array' : typeof doc}`);
    }
    const { fieldNames, maxFieldLength } = this.settings;
    const out: string[][] = [];
    for (const name of fieldNames) {
      const v = Object.hasOwn(doc, name) ? (doc as Record<string, unknown>)[name] : undefined;
      if (v === undefined || v === null) {
        out.push([]);
        continue;
      }
      if (typeof v !== 'string') throw new SearchError('INVALID_DOCUMENT', `field "${name}" must be a string, got ${typeof v}`);
      if (v.length > maxFieldLength) throw new SearchError('DOCUMENT_TOO_LARGE', `field "${name}" is ${v.length} characters; the limit is ${maxFieldLength} (option maxFieldLength)`);
      out.push(this.runTokenizer(v));
    }
    this.s.stored.validate(doc as Record<string, unknown>);
    return out;
  }

  private runTokenizer(text: string): string[] {
    const toks = this.tokenize(text);
    if (this.custom) {
      if (!Array.isArray(toks)) throw new SearchError('INVALID_TOKENIZER', 'the tokenizer must return an array of strings');
      for (const t of toks) if (typeof t !== 'string') throw new SearchError('INVALID_TOKENIZER', `the tokenizer returned a ${typeof t}; it must return strings`);
      // Empty terms would match nothing and only waste dictionary slots.
      if (toks.includes('')) return toks.filter((t) => t !== '');
    }
    return toks;
  }

  private insert(id: DocId, fields: string[][], doc: SearchDocument): void {
    const s = this.s;
    let n = 0;
    for (const f of fields) n += f.length;
    const ids = (this.scratch = growU32(this.scratch, n));
    const counts: number[] = [];
    const termIds = s.termIds;
    let k = 0;
    for (const f of fields) {
      counts.push(f.length);
      for (let i = 0; i < f.length; i++) {
        const tok = f[i]!;
        let t = termIds.get(tok);
        if (t === undefined) {
          t = s.postings.addTerm();
          s.terms.push(tok);
          termIds.set(tok, t);
        }
        ids[k++] = t;
      }
    }
    const d = this.ingest(s, id, ids, counts);
    s.stored.set(d, doc as Record<string, unknown>);
  }

  /** Appends document `id` with term numbers `toks` (field by field, `counts[f]` each); returns its doc number. */
  private ingest(s: State, id: DocId, toks: Uint32Array, counts: readonly number[]): number {
    const F = counts.length;
    const d = s.docs++;
    let n = 0;
    for (let f = 0; f < F; f++) n += counts[f]!;
    s.alive = growU8(s.alive, d + 1);
    s.lens = growU32(s.lens, (d + 1) * F);
    s.fwdStart = growU32(s.fwdStart, d + 1);
    s.fwd = growU32(s.fwd, s.fwdUsed + n);
    s.ids[d] = id;
    s.alive[d] = 1;
    s.idToDoc.set(id, d);
    s.live++;
    s.fwdStart[d] = s.fwdUsed;
    const fwd = s.fwd;
    for (let i = 0, at = s.fwdUsed; i < n; i++) fwd[at + i] = toks[i]!;
    s.fwdUsed += n;
    for (let f = 0; f < F; f++) {
      s.lens[d * F + f] = counts[f]!;
      s.totalLen[f]! += counts[f]!;
    }
    // Term frequencies per field of each distinct term, in order of first occurrence.
    const ep = this.nextEpoch(s.postings.size);
    const mark = this.mark;
    const slotOf = this.slot;
    const uniq = (this.uniqScratch = growI32(this.uniqScratch, n));
    let nu = 0;
    const tf = (this.tfScratch = growI32(this.tfScratch, n * F));
    tf.fill(0, 0, n * F);
    let at = 0;
    for (let f = 0; f < F; f++) {
      for (let i = 0; i < counts[f]!; i++, at++) {
        const t = toks[at]!;
        let slot: number;
        if (mark[t] !== ep) {
          mark[t] = ep;
          slot = nu;
          uniq[nu++] = t;
          slotOf[t] = slot;
        } else slot = slotOf[t]!;
        tf[slot * F + f]!++;
      }
    }
    const p = s.postings;
    for (let i = 0; i < nu; i++) {
      const t = uniq[i]!;
      p.append(t, d, tf, i * F, s.lens, d * F);
      p.df[t]!++;
    }
    return d;
  }

  private nextEpoch(terms: number): number {
    if (this.mark.length < terms) {
      const m = new Int32Array(Math.max(terms, this.mark.length * 2, 64));
      m.set(this.mark);
      this.mark = m;
      this.slot = new Int32Array(m.length);
    }
    if (this.epoch >= 0x7ffffff0) {
      this.mark.fill(0);
      this.epoch = 0;
    }
    return ++this.epoch;
  }

  /** Turns document number `d` into a tombstone: statistics drop it at once, postings at compaction. */
  private kill(d: number): void {
    const s = this.s;
    const F = this.settings.fieldNames.length;
    s.alive[d] = 0;
    s.live--;
    s.idToDoc.delete(s.ids[d]!);
    let n = 0;
    for (let f = 0; f < F; f++) {
      const len = s.lens[d * F + f]!;
      s.totalLen[f]! -= len;
      n += len;
    }
    const ep = this.nextEpoch(s.postings.size);
    const start = s.fwdStart[d]!;
    for (let i = start; i < start + n; i++) {
      const t = s.fwd[i]!;
      if (this.mark[t] !== ep) {
        this.mark[t] = ep;
        s.postings.df[t]!--;
      }
    }
  }

  private maybeCompact(): void {
    const s = this.s;
    const dead = s.docs - s.live;
    if (dead >= 1024 && dead >= this.settings.compactThreshold * s.docs) this.compact();
  }

  /**
   * Drops tombstones now: rebuilds postings, the dictionary (forgetting terms no document uses
   * any more) and the document tables from the live documents, in their order. Runs by itself
   * when `compactThreshold` is reached; call it to reclaim memory after a large purge.
   */
  compact(): void {
    const old = this.s;
    const F = this.settings.fieldNames.length;
    const next = this.newState(new StoredFields(old.stored.spec()));
    // Live documents keep their order under new numbers; terms no live document uses are dropped.
    const newDoc = new Int32Array(old.docs).fill(-1);
    let live = 0;
    for (let d = 0; d < old.docs; d++) if (old.alive[d] === 1) newDoc[d] = live++;
    const remap = new Int32Array(old.postings.size).fill(-1);
    const op = old.postings;
    const np = next.postings;
    for (let t = 0; t < op.size; t++) {
      if (op.df[t]! === 0) continue;
      const u = np.addTerm();
      remap[t] = u;
      next.terms.push(old.terms[t]!);
      next.termIds.set(old.terms[t]!, u);
      np.df[u] = op.df[t]!;
    }
    let fwdLen = 0;
    for (let d = 0; d < old.docs; d++) if (old.alive[d] === 1) for (let f = 0; f < F; f++) fwdLen += old.lens[d * F + f]!;
    next.alive = new Uint8Array(Math.max(live, 16)).fill(1, 0, live);
    next.lens = new Uint32Array(Math.max(live, 16) * F);
    next.fwdStart = new Uint32Array(Math.max(live, 16));
    next.fwd = new Uint32Array(Math.max(fwdLen, 256));
    for (let d = 0; d < old.docs; d++) {
      const nd = newDoc[d]!;
      if (nd === -1) continue;
      const id = old.ids[d]!;
      next.ids.push(id);
      next.idToDoc.set(id, nd);
      next.fwdStart[nd] = next.fwdUsed;
      let n = 0;
      for (let f = 0; f < F; f++) {
        const len = old.lens[d * F + f]!;
        next.lens[nd * F + f] = len;
        next.totalLen[f]! += len;
        n += len;
      }
      const start = old.fwdStart[d]!;
      for (let i = 0; i < n; i++) next.fwd[next.fwdUsed + i] = remap[old.fwd[start + i]!]!;
      next.fwdUsed += n;
      next.stored.copyFrom(old.stored, d, nd);
    }
    next.docs = live;
    next.live = live;
    // Postings: decode each list once, keep the live ones under their new numbers.
    for (let t = 0; t < op.size; t++) {
      const u = remap[t]!;
      if (u === -1) continue;
      op.forEachPosting(t, (doc, tf) => {
        const nd = newDoc[doc]!;
        if (nd !== -1) np.append(u, nd, tf, 0, next.lens, nd * F);
      });
    }
    this.s = next;
  }

  /**
   * Ranked search. The query is words (all required in `'and'` mode), `"quoted phrases"`
   * (always required, in order, within one field) and `-excluded` words or phrases. Only the
   * top `limit` are scored to completion: block-max bounds skip postings that cannot make it.
   *
   * @param query - the user's query, at most `maxQueryLength` characters
   * @param options - limit, mode, prefix, fuzzy, filter
   * @returns hits, best first; ties go to the more recently added or updated document; an empty query (or one of exclusions only) returns []
   * @throws {@link SearchError} `INVALID_QUERY`, `QUERY_TOO_LONG`, `TOO_MANY_TERMS` or `INVALID_OPTIONS`
   */
  search(query: string, options: SearchOptions = {}): SearchResult[] {
    const st = this.settings;
    if (typeof query !== 'string') throw new SearchError('INVALID_QUERY', `the query must be a string, got ${typeof query}`);
    if (query.length > st.maxQueryLength) throw new SearchError('QUERY_TOO_LONG', `the query is ${query.length} characters; the limit is ${st.maxQueryLength} (option maxQueryLength)`);
    const o = readSearchOptions(options);
    const s = this.s;
    const accepts: ((d: number) => boolean)[] = [];
    if (o.filter !== undefined) {
      const f = s.stored.compile(o.filter);
      if (f === false) return [];
      accepts.push(f);
    }
    const groups = new Map<string, Group>();
    const phrases: Uint32Array[] = [];
    const excluded: Cursor[] = [];
    const excludedPhrases: { cursors: Cursor[]; terms: Uint32Array }[] = [];
    let termCount = 0;
    const count = (n: number): void => {
      termCount += n;
      if (termCount > st.maxQueryTerms) throw new SearchError('TOO_MANY_TERMS', `the query has more than ${st.maxQueryTerms} terms (option maxQueryTerms); shorten it`);
    };
    const scorer = new Scorer(st.scoring, st.k1, st.b, st.boosts, s.live, s.totalLen, s.lens);
    const addGroup = (token: string, required: boolean, expand: boolean): void => {
      const key = expand ? `${token}\u0001` : token;
      const g = groups.get(key);
      if (g === undefined) groups.set(key, { token, weight: 1, required, expand });
      else {
        g.weight++;
        g.required ||= required;
      }
    };
    const expandable = o.prefix || o.fuzzy > 0;
    let impossible = false;
    for (const c of parseQuery(query)) {
      const toks = this.runTokenizer(c.text);
      count(toks.length);
      if (toks.length === 0) continue;
      if (c.exclude) {
        if (toks.length === 1 || !c.phrase) {
          for (const t of toks) {
            const id = this.liveTerm(t);
            if (id !== undefined) excluded.push(new TermCursor(s.postings, id, scorer, 1));
          }
        } else {
          const ids = this.phraseTerms(toks);
          if (ids !== undefined) excludedPhrases.push({ cursors: [...new Set(ids)].map((t) => new TermCursor(s.postings, t, scorer, 1)), terms: ids });
        }
        continue;
      }
      if (c.phrase) {
        if (toks.length > 1) {
          const ids = this.phraseTerms(toks);
          if (ids === undefined) impossible = true;
          else phrases.push(ids);
        }
        for (const t of toks) addGroup(t, true, false);
      } else for (const t of toks) addGroup(t, o.mode === 'and', expandable);
    }
    if (impossible) return [];
    const required: Cursor[] = [];
    const optional: Cursor[] = [];
    for (const g of groups.values()) {
      const c = this.cursorFor(g, scorer, o.prefix, o.fuzzy);
      if (c === undefined) {
        if (g.required) return [];
        continue;
      }
      (g.required ? required : optional).push(c);
    }
    if (required.length === 0 && optional.length === 0) return [];
    const alive = s.alive;
    const accept = (d: number): boolean => {
      if (alive[d] === 0) return false;
      for (const a of accepts) if (!a(d)) return false;
      for (const c of excluded) {
        c.advance(d);
        if (c.doc === d) return false;
      }
      for (const p of phrases) if (!this.hasPhrase(d, p)) return false;
      for (const x of excludedPhrases) {
        let all = true;
        for (const c of x.cursors) {
          c.advance(d);
          if (c.doc !== d) all = false;
        }
        if (all && this.hasPhrase(d, x.terms)) return false;
      }
      return true;
    };
    return topDocs(required, optional, accept, o.limit)
      .sorted()
      .map((h) => ({ id: s.ids[h.doc]!, score: h.score }));
  }

  private liveTerm(token: string): number | undefined {
    const t = this.s.termIds.get(token);
    return t !== undefined && this.s.postings.df[t]! > 0 ? t : undefined;
  }

  private phraseTerms(toks: string[]): Uint32Array | undefined {
    const ids = new Uint32Array(toks.length);
    for (let i = 0; i < toks.length; i++) {
      const t = this.liveTerm(toks[i]!);
      if (t === undefined) return undefined;
      ids[i] = t;
    }
    return ids;
  }

  private hasPhrase(d: number, p: Uint32Array): boolean {
    const s = this.s;
    const F = this.settings.fieldNames.length;
    const fwd = s.fwd;
    let at = s.fwdStart[d]!;
    for (let f = 0; f < F; f++) {
      const len = s.lens[d * F + f]!;
      const last = at + len - p.length;
      for (let i = at; i <= last; i++) {
        let j = 0;
        while (j < p.length && fwd[i + j] === p[j]) j++;
        if (j === p.length) return true;
      }
      at += len;
    }
    return false;
  }

  private cursorFor(g: Group, scorer: Scorer, prefix: boolean, fuzzy: number): Cursor | undefined {
    const s = this.s;
    const exact = this.liveTerm(g.token);
    if (!g.expand) return exact === undefined ? undefined : new TermCursor(s.postings, exact, scorer, g.weight);
    // Expansions: term → best factor; the exact term always stays.
    const found = new Map<number, number>();
    const df = s.postings.df;
    if (prefix) {
      s.lexicon.forPrefix(s.terms, g.token, (t) => {
        if (df[t]! > 0 && t !== exact) found.set(t, 0.7);
      });
    }
    const len = g.token.length;
    if (fuzzy > 0 && len >= 3 && len <= 64) {
      const terms = s.terms;
      for (let t = 0; t < terms.length; t++) {
        if (t === exact || df[t] === 0) continue;
        const w = terms[t]!;
        if (Math.abs(w.length - len) > fuzzy) continue;
        const dist = editDistance(g.token, w, fuzzy);
        if (dist <= fuzzy) found.set(t, Math.max(found.get(t) ?? 0, 1 / (1 + dist)));
      }
    }
    let picked = [...found];
    const max = this.settings.maxExpansions;
    if (picked.length > max) picked = picked.sort((a, b) => df[b[0]]! - df[a[0]]! || a[0] - b[0]).slice(0, max);
    const parts = picked.map(([t, f]) => new TermCursor(s.postings, t, scorer, g.weight * f));
    if (exact !== undefined) parts.unshift(new TermCursor(s.postings, exact, scorer, g.weight));
    if (parts.length === 0) return undefined;
    return parts.length === 1 ? parts[0] : new UnionCursor(parts);
  }

  /**
   * Sizes and an estimate of the heap the index holds.
   * @returns documents, tombstones, terms, postings and bytes
   */
  memoryUsage(): IndexMemory {
    const s = this.s;
    let bytes = s.postings.memoryBytes() + s.alive.byteLength + s.lens.byteLength + s.fwdStart.byteLength + s.fwd.byteLength;
    bytes += s.lexicon.memoryBytes() + s.stored.memoryBytes() + this.mark.byteLength;
    for (const t of s.terms) bytes += 2 * t.length + 60;
    for (let d = 0; d < s.docs; d++) {
      const id = s.ids[d];
      bytes += typeof id === 'string' ? 2 * id.length + 40 : 16;
    }
    bytes += s.live * 40;
    return { docs: s.live, tombstones: s.docs - s.live, terms: s.terms.length, postings: s.postings.postings, bytes };
  }

  /**
   * Serialises the index (compacting it first): a versioned header, a CRC-32 and a msgpack body
   * of the dictionary, the documents' term sequences and stored fields. Postings are rebuilt on
   * load, so a snapshot is smaller than the index and cannot hold inconsistent postings.
   * @returns the snapshot bytes
   */
  toSnapshot(): Uint8Array {
    if (this.s.docs !== this.s.live) this.compact();
    const s = this.s;
    const st = this.settings;
    const F = st.fieldNames.length;
    const data: SnapshotData = {
      settings: {
        fields: st.fieldNames.map((name, f) => ({ name, boost: st.boosts[f]! })),
        stored: s.stored.spec(),
        scoring: st.scoring,
        k1: st.k1,
        b: st.b,
        tokenizer: this.custom ? 'custom' : (st.tokenizerOptions ?? {}),
        maxFieldLength: st.maxFieldLength,
        maxQueryLength: st.maxQueryLength,
        maxQueryTerms: st.maxQueryTerms,
        maxExpansions: st.maxExpansions,
        compactThreshold: st.compactThreshold,
      },
      terms: s.terms,
      ids: s.ids.slice(0, s.docs),
      lens: s.lens.subarray(0, s.docs * F),
      fwd: s.fwd.subarray(0, s.fwdUsed),
      stored: Array.from({ length: s.docs }, (_, d) => s.stored.get(d)),
    };
    return encodeSnapshot(data);
  }

  /**
   * Loads an index from {@link toSnapshot} bytes, checking the header, checksum and every value.
   * @param bytes - snapshot bytes
   * @param options - the tokenizer function, if the snapshot's index had a custom one
   * @returns a new index equal to the one snapshotted
   * @throws {@link SearchError} `BAD_SNAPSHOT` for truncated, corrupt, foreign or inconsistent bytes; `TOKENIZER_REQUIRED`
   */
  static fromSnapshot(bytes: Uint8Array, options: FromSnapshotOptions = {}): SearchIndex {
    const data = decodeSnapshot(bytes);
    const cfg = data.settings;
    let tokenizer: Tokenizer | TokenizerOptions;
    if (cfg.tokenizer === 'custom') {
      if (typeof options.tokenizer !== 'function') throw new SearchError('TOKENIZER_REQUIRED', 'this snapshot was made with a custom tokenizer; pass it as options.tokenizer');
      tokenizer = options.tokenizer;
    } else tokenizer = cfg.tokenizer;
    let index: SearchIndex;
    try {
      index = new SearchIndex({
        fields: cfg.fields,
        stored: cfg.stored,
        scoring: cfg.scoring,
        bm25: { k1: cfg.k1, b: cfg.b },
        tokenizer,
        maxFieldLength: cfg.maxFieldLength,
        maxQueryLength: cfg.maxQueryLength,
        maxQueryTerms: cfg.maxQueryTerms,
        maxExpansions: cfg.maxExpansions,
        compactThreshold: cfg.compactThreshold,
      });
    } catch (e) {
      throw e instanceof SearchError ? new SearchError('BAD_SNAPSHOT', `snapshot settings are invalid: ${e.message}`) : e;
    }
    index.loadDocs(data);
    return index;
  }

  private loadDocs(data: SnapshotData): void {
    const s = this.s;
    const F = this.settings.fieldNames.length;
    const bad = (why: string): SearchError => new SearchError('BAD_SNAPSHOT', `snapshot is inconsistent: ${why}`);
    if (data.lens.length !== data.ids.length * F) throw bad('field lengths do not match the document count');
    if (data.stored.length !== data.ids.length) throw bad('stored fields do not match the document count');
    const seenTerms = new Set<string>();
    for (const t of data.terms) {
      if (seenTerms.has(t)) throw bad(`term ${JSON.stringify(t.slice(0, 40))} appears twice`);
      seenTerms.add(t);
      s.postings.addTerm();
      s.termIds.set(t, s.terms.length);
      s.terms.push(t);
    }
    let at = 0;
    for (let d = 0; d < data.ids.length; d++) {
      const id = data.ids[d]!;
      if (!validId(id)) throw bad(`document ${d} has an invalid id`);
      if (s.idToDoc.has(id)) throw bad(`id ${JSON.stringify(id)} appears twice`);
      const counts: number[] = [];
      let n = 0;
      for (let f = 0; f < F; f++) {
        counts.push(data.lens[d * F + f]!);
        n += data.lens[d * F + f]!;
      }
      if (at + n > data.fwd.length) throw bad('term sequences are shorter than the field lengths say');
      const toks = data.fwd.subarray(at, at + n);
      for (let i = 0; i < n; i++) if (toks[i]! >= s.terms.length) throw bad(`document ${d} uses term ${toks[i]!}, beyond the dictionary`);
      try {
        s.stored.validate(data.stored[d]!);
      } catch (e) {
        throw e instanceof SearchError ? bad(e.message) : e;
      }
      const nd = this.ingest(s, id, toks, counts);
      s.stored.set(nd, data.stored[d]!);
      at += n;
    }
    if (at !== data.fwd.length) throw bad('term sequences are longer than the field lengths say');
  }
}

function validId(id: unknown): id is DocId {
  if (typeof id === 'string') return id.length > 0 && id.length <= MAX_ID_LENGTH;
  return typeof id === 'number' && Number.isSafeInteger(id);
}

function checkId(id: unknown): void {
  if (!validId(id)) {
    const what = typeof id === 'string' ? (id.length === 0 ? 'an empty string' : `a string of ${id.length} characters`) : typeof id === 'number' ? String(id) : typeof id;
    throw new SearchError('INVALID_ID', `a document id must be a non-empty string of at most ${MAX_ID_LENGTH} characters or a safe integer, got ${what}`);
  }
}

function positiveInt(v: unknown, name: string, def: number, max: number): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) throw new SearchError('INVALID_OPTIONS', `${name} must be an integer from 1 to ${max}, got ${typeof v === 'number' ? String(v) : typeof v}`);
  return v;
}

function readOptions(options: SearchIndexOptions): Settings {
  if (typeof options !== 'object' || options === null) throw new SearchError('INVALID_OPTIONS', 'options must be an object with at least { fields: [...] }');
  const fields = options.fields;
  if (!Array.isArray(fields) || fields.length === 0 || fields.length > MAX_FIELDS) {
    throw new SearchError('INVALID_OPTIONS', `options.fields must list 1 to ${MAX_FIELDS} text fields, e.g. ['text']`);
  }
  const fieldNames: string[] = [];
  const boosts = new Float64Array(fields.length);
  fields.forEach((spec: unknown, f) => {
    const name = typeof spec === 'string' ? spec : typeof spec === 'object' && spec !== null ? (spec as FieldSpec).name : undefined;
    const boost = typeof spec === 'object' && spec !== null ? ((spec as FieldSpec).boost ?? 1) : 1;
    if (typeof name !== 'string' || name.length === 0 || RESERVED.has(name)) throw new SearchError('INVALID_OPTIONS', `field ${f} needs a non-empty name other than __proto__, constructor or prototype`);
    if (fieldNames.includes(name)) throw new SearchError('INVALID_OPTIONS', `field "${name}" is listed twice`);
    if (typeof boost !== 'number' || !Number.isFinite(boost) || boost <= 0 || boost > 1000) throw new SearchError('INVALID_OPTIONS', `boost of field "${name}" must be a number in (0, 1000], got ${shown(boost)}`);
    fieldNames.push(name);
    boosts[f] = boost;
  });
  const stored = options.stored ?? {};
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) throw new SearchError('INVALID_OPTIONS', "options.stored must be an object like { channel: 'string', time: 'number' }");
  for (const name of Object.keys(stored)) {
    if (name.length === 0 || RESERVED.has(name)) throw new SearchError('INVALID_OPTIONS', `stored field name ${JSON.stringify(name)} is not allowed`);
  }
  const scoring = options.scoring ?? 'bm25';
  if (scoring !== 'bm25' && scoring !== 'tfidf') throw new SearchError('INVALID_OPTIONS', `scoring must be 'bm25' or 'tfidf', got ${shown(scoring)}`);
  const k1 = options.bm25?.k1 ?? 1.2;
  const b = options.bm25?.b ?? 0.75;
  if (typeof k1 !== 'number' || !Number.isFinite(k1) || k1 < 0 || k1 > 100) throw new SearchError('INVALID_OPTIONS', `bm25.k1 must be a number from 0 to 100, got ${shown(k1)}`);
  if (typeof b !== 'number' || !Number.isFinite(b) || b < 0 || b > 1) throw new SearchError('INVALID_OPTIONS', `bm25.b must be a number from 0 to 1, got ${shown(b)}`);
  const tok = options.tokenizer;
  let tokenizerOptions: TokenizerOptions | undefined;
  if (tok !== undefined && typeof tok !== 'function') {
    if (typeof tok !== 'object' || tok === null) throw new SearchError('INVALID_OPTIONS', 'options.tokenizer must be a function or { stem, cjkBigrams, maxTokenLength }');
    tokenizerOptions = {};
    if (tok.stem !== undefined) {
      if (typeof tok.stem !== 'boolean') throw new SearchError('INVALID_OPTIONS', 'tokenizer.stem must be a boolean');
      tokenizerOptions.stem = tok.stem;
    }
    if (tok.cjkBigrams !== undefined) {
      if (typeof tok.cjkBigrams !== 'boolean') throw new SearchError('INVALID_OPTIONS', 'tokenizer.cjkBigrams must be a boolean');
      tokenizerOptions.cjkBigrams = tok.cjkBigrams;
    }
    if (tok.maxTokenLength !== undefined) tokenizerOptions.maxTokenLength = positiveInt(tok.maxTokenLength, 'tokenizer.maxTokenLength', 64, 1024);
  }
  const compactThreshold = options.compactThreshold ?? 0.25;
  if (typeof compactThreshold !== 'number' || !(compactThreshold > 0 && compactThreshold <= 1)) throw new SearchError('INVALID_OPTIONS', `compactThreshold must be in (0, 1], got ${shown(compactThreshold)}`);
  return {
    fieldNames,
    boosts,
    scoring,
    k1,
    b,
    tokenizerOptions,
    maxFieldLength: positiveInt(options.maxFieldLength, 'maxFieldLength', 100_000, 10_000_000),
    maxQueryLength: positiveInt(options.maxQueryLength, 'maxQueryLength', 1024, 100_000),
    maxQueryTerms: positiveInt(options.maxQueryTerms, 'maxQueryTerms', 32, 1024),
    maxExpansions: positiveInt(options.maxExpansions, 'maxExpansions', 64, 10_000),
    compactThreshold,
  };
}

interface ReadSearchOptions {
  limit: number;
  mode: 'and' | 'or';
  prefix: boolean;
  fuzzy: number;
  filter: SearchFilter | undefined;
}

function readSearchOptions(o: SearchOptions): ReadSearchOptions {
  if (typeof o !== 'object' || o === null) throw new SearchError('INVALID_OPTIONS', 'search options must be an object');
  const limit = o.limit ?? 10;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT) throw new SearchError('INVALID_OPTIONS', `limit must be an integer from 0 to ${MAX_LIMIT}, got ${shown(limit)}`);
  const mode = o.mode ?? 'and';
  if (mode !== 'and' && mode !== 'or') throw new SearchError('INVALID_OPTIONS', `mode must be 'and' or 'or', got ${shown(mode)}`);
  const prefix = o.prefix ?? false;
  if (typeof prefix !== 'boolean') throw new SearchError('INVALID_OPTIONS', 'prefix must be a boolean');
  const fuzzy = o.fuzzy ?? 0;
  if (fuzzy !== 0 && fuzzy !== 1 && fuzzy !== 2) throw new SearchError('INVALID_OPTIONS', `fuzzy must be 0, 1 or 2 (an edit distance), got ${shown(fuzzy)}`);
  return { limit, mode, prefix, fuzzy, filter: o.filter };
}
