// A deliberately naive model of the graph (Maps of Maps) and of every index, written straight
// from the formulas, that the compact implementation is checked against.
import type { SimilarityMethod } from '../src/index.js';

export class NaiveGraph {
  readonly adj: Map<number, Map<number, number>> = new Map();
  readonly guilds: Map<number, Set<number>> = new Map();
  readonly members: Map<number, Set<number>> = new Map();
  readonly blocks: Set<string> = new Set();
  readonly requests: Set<string> = new Set();

  addFriendship(a: number, b: number, w: number): void {
    this.row(a).set(b, Math.fround(w));
    this.row(b).set(a, Math.fround(w));
  }

  removeFriendship(a: number, b: number): void {
    this.adj.get(a)?.delete(b);
    this.adj.get(b)?.delete(a);
  }

  addMembership(u: number, g: number): void {
    if (!this.guilds.has(u)) this.guilds.set(u, new Set());
    if (!this.members.has(g)) this.members.set(g, new Set());
    this.guilds.get(u)!.add(g);
    this.members.get(g)!.add(u);
  }

  row(a: number): Map<number, number> {
    let r = this.adj.get(a);
    if (!r) this.adj.set(a, (r = new Map()));
    return r;
  }

  deg(a: number): number {
    return this.adj.get(a)?.size ?? 0;
  }

  strength(a: number): number {
    let s = 0;
    for (const w of this.adj.get(a)?.values() ?? []) s += w;
    return s;
  }

  similarity(a: number, b: number, method: SimilarityMethod, guildWeight = 1): number {
    if (a === b) return 0;
    const na = this.adj.get(a) ?? new Map<number, number>();
    const nb = this.adj.get(b) ?? new Map<number, number>();
    const common = [...na.keys()].filter((z) => nb.has(z));
    switch (method) {
      case 'common-neighbors':
        return common.length;
      case 'jaccard': {
        const union = new Set([...na.keys(), ...nb.keys()]).size;
        return union === 0 ? 0 : common.length / union;
      }
      case 'weighted-jaccard': {
        let mn = 0;
        let mx = 0;
        for (const z of new Set([...na.keys(), ...nb.keys()])) {
          const x = na.get(z) ?? 0;
          const y = nb.get(z) ?? 0;
          mn += Math.min(x, y);
          mx += Math.max(x, y);
        }
        return mx === 0 ? 0 : mn / mx;
      }
      case 'adamic-adar':
        return common.reduce((s, z) => s + 1 / Math.log(this.deg(z)), 0);
      case 'resource-allocation':
        return common.reduce((s, z) => s + 1 / this.deg(z), 0);
      case 'hybrid': {
        let s = common.reduce((acc, z) => acc + (na.get(z)! * nb.get(z)!) / this.strength(z), 0);
        const ga = this.guilds.get(a) ?? new Set<number>();
        const gb = this.guilds.get(b) ?? new Set<number>();
        for (const g of ga) if (gb.has(g)) s += guildWeight / this.members.get(g)!.size;
        return s;
      }
    }
  }

  /** Every user that may be recommended to `u`, with its score, best first. */
  ranking(u: number, method: SimilarityMethod, users: Iterable<number>, guildWeight = 1): Array<{ user: number; score: number }> {
    const out: Array<{ user: number; score: number }> = [];
    for (const c of users) {
      if (c === u || this.adj.get(u)?.has(c)) continue;
      if (this.blocks.has(`${u} ${c}`) || this.blocks.has(`${c} ${u}`)) continue;
      if (this.requests.has(`${u} ${c}`) || this.requests.has(`${c} ${u}`)) continue;
      const score = this.similarity(u, c, method, guildWeight);
      if (score > 0) out.push({ user: c, score });
    }
    return out.sort((x, y) => y.score - x.score);
  }
}

/** Relative-or-absolute closeness for sums taken in different orders. */
export function close(a: number, b: number, eps = 1e-9): boolean {
  return Math.abs(a - b) <= eps * Math.max(1, Math.abs(a), Math.abs(b));
}
