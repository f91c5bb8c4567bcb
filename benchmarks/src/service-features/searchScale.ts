// Search at scale through the example service's MessageSearch (permission check, per-guild
// @chorus/search shard built lazily from SQLite, message fetch) against MiniSearch, one index per
// guild, filtered to the same channels, fetching the same messages from the same database.
import MiniSearch from 'minisearch';
import { seededRandom } from '@chorus/friends/eval';
import type { Contender, Measurement } from '../harness/suite.js';
import { quantile } from '../harness/stats.js';
import { InProcessFanOut, Service, SnowflakeGenerator, type Caller } from '../../../examples/server/src/index.js';
import { MessageSearch } from '../../../examples/server/src/features/MessageSearch.js';
import { SqliteStore } from '../../../examples/server/src/SqliteStore.js';

/** A populated service: guilds with channels, messages spread over them with skewed guild sizes. */
export interface SearchWorld {
  store: SqliteStore;
  service: Service;
  caller: Caller;
  guilds: { id: string; channels: string[]; messages: { id: string; channel: string; text: string }[] }[];
}

const CHANNELS = 5;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** Builds the world: `guildCount` guilds of 5 channels; message i goes to a guild drawn with a skew (u²), so a few guilds are large. */
export async function buildWorld(texts: readonly string[], messages: number, guildCount: number, seed: number): Promise<SearchWorld> {
  const store = new SqliteStore({ file: ':memory:' });
  const service = new Service({ store, fanOut: new InProcessFanOut() });
  const ids = new SnowflakeGenerator({ now: () => 1_800_000_000_000 });
  const owner = ids.next();
  await store.createUser({ id: owner, username: 'owner', passwordHash: 'x', nickname: 'owner', about: '', presence: 'offline', createdAt: 1 });
  const guilds: SearchWorld['guilds'] = [];
  for (let g = 0; g < guildCount; g++) {
    const id = ids.next();
    const channels = Array.from({ length: CHANNELS }, () => ids.next());
    await store.createGuild(
      { id, name: `g${g}`, description: '', ownerId: owner, topics: [], createdAt: 1 },
      [{ id, guildId: id, name: '@everyone', permissions: 0b1111, position: 0 }],
      channels.map((c, i) => ({ id: c, kind: 'text' as const, guildId: id, parentId: null, name: `c${i}`, topic: '', position: i, ownerId: null, createdAt: 1 })),
    );
    guilds.push({ id, channels, messages: [] });
  }
  const rnd = seededRandom(seed);
  const batch: Promise<void>[] = [];
  for (let i = 0; i < messages; i++) {
    const g = guilds[Math.floor(rnd() * rnd() * guildCount)]!;
    const channel = g.channels[Math.floor(rnd() * CHANNELS)]!;
    const text = texts[i % texts.length]!;
    const id = ids.next();
    g.messages.push({ id, channel, text });
    batch.push(store.createMessage({ id, channelId: channel, authorId: owner, content: text, replyTo: null, mentions: [] }));
    if (batch.length === 5000) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
  return { store, service, caller: { userId: owner, sessionId: '1' }, guilds };
}

/** Queries: two words of a random message of a random guild (guilds drawn uniformly), searched in its guild over the channels its caller may read (all 5). */
export function sampleGuildQueries(world: SearchWorld, count: number, seed: number): { guild: number; q: string; channels: string[] }[] {
  const rnd = seededRandom(seed);
  const out: { guild: number; q: string; channels: string[] }[] = [];
  while (out.length < count) {
    const gi = Math.floor(rnd() * world.guilds.length);
    const g = world.guilds[gi]!;
    if (g.messages.length === 0) continue;
    const words = g.messages[Math.floor(rnd() * g.messages.length)]!.text.toLowerCase().match(/[a-z]{3,}/g);
    if (!words || words.length < 2) continue;
    const at = Math.floor(rnd() * (words.length - 1));
    out.push({ guild: gi, q: `${words[at]} ${words[at + 1]}`, channels: g.channels });
  }
  return out;
}

function latencyMeasures(times: number[], hits: number, queries: number): Measurement[] {
  return [
    { metric: 'query p50', unit: 'µs', value: quantile(times, 0.5) * 1000 },
    { metric: 'query p99', unit: 'µs', value: quantile(times, 0.99) * 1000 },
    { metric: 'hits per query', unit: 'count', value: hits / queries },
  ];
}

/** The service's search; every guild's shard is built (first search) before timing. */
export async function serviceSearch(world: SearchWorld, queries: ReturnType<typeof sampleGuildQueries>): Promise<{ contender: Contender; buildMs: number; heapBytes: number }> {
  const search = new MessageSearch({ service: world.service, store: world.store, hasAttachments: async () => new Set(), blockedEither: async () => false });
  gc();
  const heap0 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const t0 = performance.now();
  for (const g of world.guilds) await search.searchGuild(world.caller, g.id, { q: 'warmup', limit: 1 });
  const buildMs = performance.now() - t0;
  gc();
  const heapBytes = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - heap0;
  return {
    buildMs,
    heapBytes,
    contender: {
      impl: 'example-server search (permissions + @chorus/search shard + SQLite fetch)',
      async measure(): Promise<Measurement[]> {
        const times: number[] = [];
        let hits = 0;
        for (const q of queries) {
          const g = world.guilds[q.guild]!;
          const t = performance.now();
          // The service works out the readable channels itself (guild roles and overrides).
          const r = await search.searchGuild(world.caller, g.id, { q: q.q, limit: 25 });
          times.push(performance.now() - t);
          hits += r.length;
        }
        return latencyMeasures(times, hits, queries.length);
      },
    },
  };
}

/** The peer: one MiniSearch per guild, AND queries filtered to the readable channels, the top 25 fetched from SQLite. */
export function miniSearchPeer(world: SearchWorld, queries: ReturnType<typeof sampleGuildQueries>): { contender: Contender; buildMs: number } {
  const t0 = performance.now();
  const indexes = world.guilds.map((g) => {
    const index = new MiniSearch<{ id: string; text: string; channel: string }>({ fields: ['text'], storeFields: ['channel'] });
    index.addAll(g.messages);
    return index;
  });
  const buildMs = performance.now() - t0;
  return {
    buildMs,
    contender: {
      impl: 'minisearch per guild (+ the same SQLite fetch)',
      async measure(): Promise<Measurement[]> {
        const times: number[] = [];
        let hits = 0;
        for (const q of queries) {
          const allowed = new Set(q.channels);
          const t = performance.now();
          const top = indexes[q.guild]!.search(q.q, { combineWith: 'AND', filter: (r) => allowed.has(r['channel'] as string) }).slice(0, 25);
          const out = [];
          for (const h of top) out.push(await world.store.getMessage(h['channel'] as string, String(h.id)));
          times.push(performance.now() - t);
          hits += out.length;
        }
        return latencyMeasures(times, hits, queries.length);
      },
    },
  };
}
