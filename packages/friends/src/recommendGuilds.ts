import type { GraphCore } from './GraphCore.js';
import { CONSTANT } from './Scratch.js';
import { TopK } from './TopK.js';
import { VISITS_PER_CANDIDATE } from './recommend.js';

/**
 * Guilds the friends of dense user `u` belong to and `u` does not, best `k` first as
 * (dense guild index, score). A guild's score is the summed interaction weight of the user's
 * friends in it divided by log2(1 + members), so that a small circle of close friends outranks a
 * huge server a few acquaintances joined. Reads at most `maxCandidates × 32` membership entries.
 *
 * @internal
 */
export function recommendGuildsDense(core: GraphCore, u: number, k: number, maxCandidates: number): Array<{ item: number; score: number }> {
  const f = core.friends;
  const g = core.guildsOf;
  const members = core.membersOf;
  const sc = core.guildScratch;
  const epoch = sc.begin(core.guilds.size, maxCandidates);
  const { stamp, acc, touched } = sc;
  const gs = g.rowStart(u);
  for (let i = gs; i < gs + g.degree(u); i++) stamp[g.ids[i]!] = -epoch;
  const budget = maxCandidates * VISITS_PER_CANDIDATE;
  let visits = 0;
  const us = f.rowStart(u);
  for (let p = us; p < us + f.degree(u) && visits < budget; p++) {
    const friend = f.ids[p]!;
    const fs = g.rowStart(friend);
    const fd = g.degree(friend);
    visits += fd;
    sc.accumulate(g.ids, undefined, fs, fs + fd, CONSTANT, f.weights![p]!, 0, maxCandidates);
  }
  const top = new TopK(k);
  for (let t = 0; t < sc.count; t++) {
    const guild = touched[t]!;
    top.offer(acc[guild]! / Math.log2(1 + members.degree(guild)), guild);
  }
  return top.sorted();
}
