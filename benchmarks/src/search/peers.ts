// The contenders of the `search` benchmark behind one interface: build from chat documents,
// answer an AND query with the top 10 ids, remove and update by id, serialise and load.
import { create, insertMultiple, load as oramaLoad, remove as oramaRemove, save as oramaSave, search as oramaSearch, update as oramaUpdate } from '@orama/orama';
import { SearchIndex } from '@chorus/search';
import FlexSearch from 'flexsearch';
import lunr from 'lunr';
import MiniSearch from 'minisearch';
import type { ChatDoc } from './corpus.js';

export interface Engine {
  /** Top-10 ids of documents containing every word of `q`. */
  query(q: string): unknown[] | Promise<unknown[]>;
  /** Undefined when the peer cannot remove (lunr). */
  remove?: (doc: ChatDoc) => void | Promise<void>;
  update?: (doc: ChatDoc, text: string) => void | Promise<void>;
  add?: (doc: ChatDoc) => void | Promise<void>;
  /** Drops tombstones now (only @chorus/search has an explicit step; others clean up as they go). */
  compact?: () => void;
  /** Serialise then load: bytes and the loaded engine (undefined when not offered). */
  snapshot?: () => { bytes: number; load: () => unknown };
}

export interface Peer {
  name: string;
  build(docs: readonly ChatDoc[]): Engine | Promise<Engine>;
}

export const chorus: Peer = {
  name: '@chorus/search',
  build(docs) {
    const index = new SearchIndex({ fields: ['text'] });
    for (const d of docs) index.add(d.id, d);
    return {
      query: (q) => index.search(q, { limit: 10 }).map((h) => h.id),
      remove: (d) => void index.remove(d.id),
      update: (d, text) => index.update(d.id, { text }),
      add: (d) => index.add(d.id, d),
      compact: () => index.compact(),
      snapshot: () => {
        const bytes = index.toSnapshot();
        return { bytes: bytes.length, load: () => SearchIndex.fromSnapshot(bytes) };
      },
    };
  },
};

export const minisearch: Peer = {
  name: 'minisearch',
  build(docs) {
    const index = new MiniSearch<ChatDoc>({ fields: ['text'] });
    index.addAll(docs);
    return {
      // MiniSearch ranks every match (BM25+); the top 10 are the first 10.
      query: (q) => index.search(q, { combineWith: 'AND' }).slice(0, 10).map((h) => h.id),
      remove: (d) => index.discard(d.id),
      update: (d, text) => index.replace({ id: d.id, text }),
      add: (d) => index.add(d),
      snapshot: () => {
        const json = JSON.stringify(index);
        return { bytes: Buffer.byteLength(json), load: () => MiniSearch.loadJSON(json, { fields: ['text'] }) };
      },
    };
  },
};

export const flexsearch: Peer = {
  name: 'flexsearch',
  build(docs) {
    // Default options, as the figures were taken (not BM25-ranked).
    const index = new FlexSearch.Index();
    for (const d of docs) index.add(d.id, d.text);
    return {
      query: (q) => index.search(q, { limit: 10 }) as unknown[],
      remove: (d) => void index.remove(d.id),
      update: (d, text) => void index.update(d.id, text),
      add: (d) => void index.add(d.id, d.text),
    };
  },
};

export const lunrPeer: Peer = {
  name: 'lunr',
  build(docs) {
    const index = lunr(function () {
      this.ref('id');
      this.field('text');
      for (const d of docs) this.add(d);
    });
    return {
      // '+word' makes every word required; lunr indexes are immutable (no remove or update).
      query: (q) =>
        index
          .search(q.split(' ').map((w) => `+${w}`).join(' '))
          .slice(0, 10)
          .map((h) => h.ref),
      snapshot: () => {
        const json = JSON.stringify(index);
        return { bytes: Buffer.byteLength(json), load: () => lunr.Index.load(JSON.parse(json) as object) };
      },
    };
  },
};

export const orama: Peer = {
  name: 'orama',
  async build(docs) {
    const db = create({ schema: { text: 'string' } as const });
    await insertMultiple(
      db,
      docs.map((d) => ({ id: String(d.id), text: d.text })),
    );
    return {
      // threshold 0: only documents containing every term (Orama's AND).
      query: async (q) => (await oramaSearch(db, { term: q, properties: ['text'], limit: 10, threshold: 0 })).hits.map((h) => h.id),
      remove: async (d) => void (await oramaRemove(db, String(d.id))),
      update: async (d, text) => void (await oramaUpdate(db, String(d.id), { id: String(d.id), text })),
      snapshot: () => {
        const raw = JSON.stringify(oramaSave(db));
        return {
          bytes: Buffer.byteLength(raw),
          load: () => {
            const fresh = create({ schema: { text: 'string' } as const });
            oramaLoad(fresh, JSON.parse(raw) as ReturnType<typeof oramaSave>);
            return fresh;
          },
        };
      },
    };
  },
};

export const allPeers: readonly Peer[] = [chorus, minisearch, flexsearch, lunrPeer, orama];
