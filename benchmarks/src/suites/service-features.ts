// pnpm bench service-features: the example service's media, search and suggestion paths.
// - uploads: every version of each ../shared/data/versioned-docs file uploaded through the
//   service's MediaLibrary (@chorus/cdc chunks + SQLite metadata) vs whole-file SHA-256 content
//   addressing: throughput (MB/s) and dedup saving;
// - search: 1,000,000 messages (the #ubuntu IRC log cycled) in 1,000 guilds, queried through the
//   service's MessageSearch (permissions, lazily built @chorus/search shard, SQLite fetch) vs one
//   MiniSearch per guild with the same fetch: p50/p99 per query;
// - suggestions: "people you may know" for 100,000 users on a power-law friendship graph, through
//   the service's Social vs graphology friends-of-friends and @chorus/friends alone: p50/p99.
// --quick scales everything down (it says so in each case name).
import { performance } from 'node:perf_hooks';
import type { BenchContext, Suite } from '../harness/suite.js';
import { versionGroups, seededBytes } from '../cdc/data.js';
import { generateChat, loadChat } from '../search/corpus.js';
import { barabasiAlbert, sampleNodes } from '../friends/powerLaw.js';
import { serviceUploads, wholeFileUploads } from '../service-features/uploads.js';
import { buildWorld, miniSearchPeer, sampleGuildQueries, serviceSearch } from '../service-features/searchScale.js';
import { buildSocial, suggestionContenders } from '../service-features/suggestions.js';

function uploadFiles(ctx: BenchContext): { files: Uint8Array[]; label: string } {
  const dir = ctx.realData('versioned-docs');
  if (dir !== undefined) {
    const groups = [...versionGroups(dir).values()];
    // --quick: the first 8 versions of each file.
    const files = groups.flatMap((g) => (ctx.quick ? g.slice(0, 8) : g));
    const mb = files.reduce((n, f) => n + f.length, 0) / 1e6;
    return { files, label: `${files.length} versions of ${groups.length} files, ${mb.toFixed(1)} MB (versioned-docs${ctx.quick ? ', quick slice' : ''})` };
  }
  ctx.useGenerated('20 versions of a 300 KB random file, each with 100 bytes changed at a random place');
  const base = seededBytes(300_000, 1);
  const files: Uint8Array[] = [];
  for (let v = 0; v < 20; v++) {
    const f = base.slice();
    f.set(seededBytes(100, v + 2), (v * 14_983) % 299_900);
    files.push(f);
  }
  return { files, label: '20 generated versions, 6.0 MB' };
}

export const suite: Suite = {
  name: 'service-features',
  title: 'example service features: media upload dedup, search at 1M messages, suggestions at 100k users',
  async run(ctx: BenchContext): Promise<void> {
    const started = performance.now();

    // Uploads.
    const { files, label } = uploadFiles(ctx);
    ctx.log(`uploads: ${label}`);
    await ctx.compare({ case: `uploads: ${label}`, contenders: [serviceUploads(files, 65_536), serviceUploads(files, 8192), wholeFileUploads(files)] });

    // Search.
    const messages = ctx.quick ? 50_000 : 1_000_000;
    const guildCount = ctx.quick ? 100 : 1000;
    const chat = ctx.realData('chat-text');
    let texts: string[];
    if (chat !== undefined) texts = loadChat(chat, 221_597, 0).map((d) => d.text);
    else {
      ctx.useGenerated('200,000 Zipf-distributed chat messages');
      texts = generateChat(200_000, 1).map((d) => d.text);
    }
    ctx.log(`search: building ${messages} messages in ${guildCount} guilds (${texts.length} distinct texts, cycled)`);
    const world = await buildWorld(texts, messages, guildCount, 7);
    const queries = sampleGuildQueries(world, ctx.quick ? 300 : 2000, 11);
    const svc = await serviceSearch(world, queries);
    const peer = miniSearchPeer(world, queries);
    const searchCase = `search: ${messages.toLocaleString('en')} messages in ${guildCount} guilds${ctx.quick ? ' (quick: scaled down from 1M / 1,000)' : ''}`;
    ctx.record({ case: searchCase, impl: 'example-server search (permissions + @chorus/search shard + SQLite fetch)', metric: 'build all guilds (first searches)', unit: 's', median: svc.buildMs / 1000 });
    ctx.record({ case: searchCase, impl: 'example-server search (permissions + @chorus/search shard + SQLite fetch)', metric: 'index heap', unit: 'MB', median: svc.heapBytes / 1e6 });
    ctx.record({ case: searchCase, impl: 'minisearch per guild (+ the same SQLite fetch)', metric: 'build all guilds (first searches)', unit: 's', median: peer.buildMs / 1000 });
    await ctx.compare({ case: searchCase, contenders: [svc.contender, peer.contender], runs: ctx.quick ? 3 : 5 });
    await world.store.close();

    // Suggestions.
    const users = ctx.quick ? 10_000 : 100_000;
    ctx.useGenerated(`Barabási–Albert friendship graph of ${users} users, 10 links per new user`);
    const edges = barabasiAlbert(users, 10, 3);
    const built = await buildSocial(edges);
    const sample = sampleNodes(users, ctx.quick ? 300 : 2000, 5);
    await ctx.compare({ case: `suggestions: ${users.toLocaleString('en')} users${ctx.quick ? ' (quick: scaled down from 100,000)' : ''}`, contenders: suggestionContenders(edges, built, sample, 3) });
    await built.store.close();
    ctx.log(`service-features took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  },
};
