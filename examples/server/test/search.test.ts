import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTokenizer } from '@chorus/search';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Permission, type Message } from '../src/index.js';
import { SqliteStore } from '../src/SqliteStore.js';
import { guildScene, makeFeatureWorld, type FeatureWorld } from './featureHelpers.js';
import type { TestUser } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'chorus-search-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];
const tokens = createTokenizer();


/** Every message the user may read in the guild, straight from the database, filtered by a scan. */
async function bruteForce(w: FeatureWorld, channels: string[], query: string): Promise<string[]> {
  const want = tokens(query);
  const out: string[] = [];
  for (const c of channels) {
    const all: Message[] = await w.store.listMessages(c, { after: '0', limit: 10_000 });
    for (const m of all) {
      const have = new Set(tokens(m.content));
      if (want.every((t) => have.has(t))) out.push(m.id);
    }
  }
  return out.sort();
}

type Op =
  | { kind: 'create'; words: string[]; byOwner: boolean; inSecret: boolean }
  | { kind: 'edit'; pick: number; words: string[] }
  | { kind: 'delete'; pick: number }
  | { kind: 'search'; words: string[] };

const words = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('create' as const), words, byOwner: fc.boolean(), inSecret: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('edit' as const), pick: fc.nat(), words }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('search' as const), words: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 2 }) }) },
);

describe('message search', () => {
  it('equals a brute-force scan of the database through any sequence of creates, edits and deletes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 2 }), fc.boolean(), async (ops, query, asOwner) => {
        // Arrange: a fresh service; the index is built lazily at the first search op, if any.
        const w = await makeFeatureWorld();
        const s = await guildScene(w);
        const live: { id: string; channel: string; author: TestUser }[] = [];
        const check = async (q: string[], who: TestUser): Promise<void> => {
          const channels = who === s.owner ? [s.general, s.secret] : [s.general];
          const hits = await w.ok<{ message: Message }[]>(who, 'GET', `/guilds/${s.guildId}/search`, undefined, [['q', q.join(' ')], ['limit', '100']]);
          expect(hits.map((h) => h.message.id).sort()).toEqual(await bruteForce(w, channels, q.join(' ')));
        };
        // Act
        for (const o of ops) {
          if (o.kind === 'create') {
            const author = o.byOwner ? s.owner : s.member;
            const channel = o.inSecret && o.byOwner ? s.secret : s.general;
            const m = await w.ok<{ id: string }>(author, 'POST', `/channels/${channel}/messages`, { content: o.words.join(' ') });
            live.push({ id: m.id, channel, author });
          } else if (o.kind === 'edit' && live.length > 0) {
            const m = live[o.pick % live.length]!;
            await w.ok(m.author, 'PATCH', `/channels/${m.channel}/messages/${m.id}`, { content: o.words.join(' ') });
          } else if (o.kind === 'delete' && live.length > 0) {
            const [m] = live.splice(o.pick % live.length, 1);
            await w.ok(m!.author, 'DELETE', `/channels/${m!.channel}/messages/${m!.id}`);
          } else if (o.kind === 'search') {
            await check(o.words, s.owner);
          }
        }
        // Assert: the same hits as a scan, and the index holds exactly the live messages.
        await check(query, asOwner ? s.owner : s.member);
        expect(w.features.search.indexed(s.guildId)).toBe(live.length);
        await w.store.close();
      }),
      { numRuns: 40 },
    );
  });

  it('never finds messages of channels the caller may not read, nor lets outsiders search', async () => {
    const w = await makeFeatureWorld();
    const s = await guildScene(w);
    await w.ok(s.owner, 'POST', `/channels/${s.secret}/messages`, { content: 'launch codes alpha' });
    await w.ok(s.owner, 'POST', `/channels/${s.general}/messages`, { content: 'alpha lunch' });
    const member = await w.ok<{ message: Message }[]>(s.member, 'GET', `/guilds/${s.guildId}/search`, undefined, [['q', 'alpha']]);
    expect(member.map((h) => h.message.content)).toEqual(['alpha lunch']);
    expect((await w.call(s.member, 'GET', `/guilds/${s.guildId}/search`, undefined, [['q', 'alpha'], ['channelId', s.secret]])).status).toBe(404);
    expect((await w.call(s.member, 'GET', `/channels/${s.secret}/search`, undefined, [['q', 'alpha']])).status).toBe(404);
    expect((await w.call(s.outsider, 'GET', `/guilds/${s.guildId}/search`, undefined, [['q', 'alpha']])).status).toBe(404);
    // Positive control: the owner finds both.
    expect(await w.ok<unknown[]>(s.owner, 'GET', `/guilds/${s.guildId}/search`, undefined, [['q', 'alpha']])).toHaveLength(2);
    // Taking ReadHistory away hides the channel from search at once.
    await w.ok(s.owner, 'PUT', `/channels/${s.general}/overrides/member/${s.member.id}`, { allow: 0, deny: Permission.ReadHistory });
    const r = await w.call(s.member, 'GET', `/guilds/${s.guildId}/search`, undefined, [['q', 'alpha']]);
    expect(r.body).toEqual([]);
  });

  it('filters by channel, author, date range and attachments', async () => {
    const w = await makeFeatureWorld();
    const s = await guildScene(w);
    const other = await w.ok<{ id: string }>(s.owner, 'POST', `/guilds/${s.guildId}/channels`, { name: 'other' });
    const a = await w.ok<{ id: string }>(s.owner, 'POST', `/channels/${s.general}/messages`, { content: 'raid tonight' });
    w.advance(60_000);
    const t1 = w.now();
    const b = await w.ok<{ id: string }>(s.member, 'POST', `/channels/${s.general}/messages`, { content: 'raid maybe' });
    const file = await w.features.media.upload(s.owner.caller, [new TextEncoder().encode('notes')], 5, 'notes.txt');
    const c = await w.ok<{ id: string }>(s.owner, 'POST', `/channels/${other.id}/messages`, { content: 'raid plan', attachments: [file.id] });
    const q = async (extra: [string, string][]): Promise<string[]> =>
      (await w.ok<{ message: Message }[]>(s.owner, 'GET', `/guilds/${s.guildId}/search`, undefined, [['q', 'raid'], ...extra])).map((h) => h.message.id).sort();
    expect(await q([])).toEqual([a.id, b.id, c.id].sort());
    expect(await q([['channelId', other.id]])).toEqual([c.id]);
    expect(await q([['authorId', s.member.id]])).toEqual([b.id]);
    expect(await q([['since', String(t1)]])).toEqual([b.id, c.id].sort());
    expect(await q([['until', String(t1)]])).toEqual([a.id]);
    expect(await q([['hasAttachment', 'true']])).toEqual([c.id]);
    expect(await q([['hasAttachment', 'false']])).toEqual([a.id, b.id].sort());
    expect((await w.call(s.owner, 'GET', `/guilds/${s.guildId}/search`, undefined, [])).status).toBe(400);
    expect((await w.call(s.owner, 'GET', `/guilds/${s.guildId}/search`, undefined, [['q', 'x'.repeat(2000)]])).status).toBe(400);
  });

  it('rebuilds a guild’s index from the database after a restart, lazily on first search', async () => {
    const file = join(dir, 'restart.sqlite');
    const w1 = await makeFeatureWorld({ store: new SqliteStore({ file }) });
    const s = await guildScene(w1);
    await w1.ok(s.owner, 'POST', `/channels/${s.general}/messages`, { content: 'persisted words' });
    await w1.store.close();
    const w2 = await makeFeatureWorld({ store: new SqliteStore({ file }) });
    expect(w2.features.search.shardCount).toBe(0);
    const hits = await w2.ok<{ message: Message }[]>(s.owner, 'GET', `/guilds/${s.guildId}/search`, undefined, [['q', 'persisted']]);
    expect(hits.map((h) => h.message.content)).toEqual(['persisted words']);
    expect(w2.features.search.shardCount).toBe(1);
    await w2.store.close();
  });
});
