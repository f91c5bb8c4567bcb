// A brute-force model of SearchIndex's documented semantics: it scans every live document for
// every query, so it is obviously right and the index must agree with it.
import { createTokenizer, parseQuery, type DocId, type Tokenizer } from '../src/index.js';

export interface RefDoc {
  id: DocId;
  seq: number;
  fields: string[][];
  channel: string | undefined;
}

export interface RefOptions {
  fields: { name: string; boost: number }[];
  scoring: 'bm25' | 'tfidf';
  k1: number;
  b: number;
  tokenizer?: Tokenizer;
}

export interface RefQuery {
  mode: 'and' | 'or';
  prefix: boolean;
  fuzzy: 0 | 1 | 2;
  channel?: string;
}

export class ReferenceIndex {
  docs: Map<DocId, RefDoc> = new Map();
  private seq: number = 0;
  readonly tokenize: Tokenizer;

  constructor(readonly options: RefOptions) {
    this.tokenize = options.tokenizer ?? createTokenizer({ stem: false });
  }

  upsert(id: DocId, doc: Record<string, string | undefined>): void {
    this.docs.delete(id);
    this.docs.set(id, {
      id,
      seq: this.seq++,
      fields: this.options.fields.map((f) => this.tokenize(doc[f.name] ?? '')),
      channel: doc.channel,
    });
  }

  remove(id: DocId): void {
    this.docs.delete(id);
  }

  private df(term: string): number {
    let n = 0;
    for (const d of this.docs.values()) if (d.fields.some((f) => f.includes(term))) n++;
    return n;
  }

  private termScore(term: string, d: RefDoc, weight: number): number {
    const o = this.options;
    const N = this.docs.size;
    const df = this.df(term);
    if (o.scoring === 'tfidf') {
      let tfw = 0;
      o.fields.forEach((f, i) => (tfw += f.boost * d.fields[i]!.filter((t) => t === term).length));
      return Math.log(N / df) * weight * tfw;
    }
    let tfw = 0;
    o.fields.forEach((f, i) => {
      const tf = d.fields[i]!.filter((t) => t === term).length;
      if (tf === 0) return;
      let total = 0;
      for (const x of this.docs.values()) total += x.fields[i]!.length;
      const avg = total / N;
      tfw += (f.boost * tf) / (1 - o.b + (o.b * d.fields[i]!.length) / avg);
    });
    const idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
    return (idf * (o.k1 + 1) * weight * tfw) / (o.k1 + tfw);
  }

  private vocabulary(): Set<string> {
    const v = new Set<string>();
    for (const d of this.docs.values()) for (const f of d.fields) for (const t of f) v.add(t);
    return v;
  }

  search(query: string, q: RefQuery): { id: DocId; score: number }[] {
    const groups = new Map<string, { token: string; weight: number; required: boolean; expand: boolean }>();
    const phrases: string[][] = [];
    const excluded: string[] = [];
    const excludedPhrases: string[][] = [];
    const expand = q.prefix || q.fuzzy > 0;
    const vocab = this.vocabulary();
    let impossible = false;
    for (const c of parseQuery(query)) {
      const toks = this.tokenize(c.text);
      if (toks.length === 0) continue;
      if (c.exclude) {
        if (c.phrase && toks.length > 1) excludedPhrases.push(toks);
        else excluded.push(...toks);
        continue;
      }
      const add = (token: string, required: boolean, ex: boolean): void => {
        const key = ex ? `${token}\u0001` : token;
        const g = groups.get(key);
        if (g) {
          g.weight++;
          g.required ||= required;
        } else groups.set(key, { token, weight: 1, required, expand: ex });
      };
      if (c.phrase) {
        if (toks.length > 1) {
          if (toks.some((t) => !vocab.has(t))) impossible = true;
          phrases.push(toks);
        }
        for (const t of toks) add(t, true, false);
      } else for (const t of toks) add(t, q.mode === 'and', expand);
    }
    if (impossible || groups.size === 0) return [];
    // Expansions of each group: term → factor.
    const expansions = [...groups.values()].map((g) => {
      const m = new Map<string, number>();
      if (vocab.has(g.token)) m.set(g.token, 1);
      if (g.expand) {
        for (const t of vocab) {
          if (t === g.token) continue;
          let f = 0;
          if (q.prefix && t.startsWith(g.token)) f = 0.7;
          if (q.fuzzy > 0 && g.token.length >= 3) {
            const dist = naiveLevenshtein(g.token, t);
            if (dist <= q.fuzzy) f = Math.max(f, 1 / (1 + dist));
          }
          if (f > 0) m.set(t, f);
        }
      }
      return { g, m };
    });
    if (expansions.some(({ g, m }) => g.required && m.size === 0)) return [];
    const hits: { id: DocId; score: number; seq: number }[] = [];
    for (const d of this.docs.values()) {
      if (q.channel !== undefined && d.channel !== q.channel) continue;
      if (excluded.some((t) => d.fields.some((f) => f.includes(t)))) continue;
      if (!phrases.every((p) => hasPhrase(d, p))) continue;
      if (excludedPhrases.some((p) => hasPhrase(d, p))) continue;
      let matchedAny = false;
      let ok = true;
      let score = 0;
      for (const { g, m } of expansions) {
        let best = 0;
        let matched = false;
        for (const [t, f] of m) {
          if (!d.fields.some((fl) => fl.includes(t))) continue;
          matched = true;
          best = Math.max(best, this.termScore(t, d, g.weight * f));
        }
        if (g.required && !matched) ok = false;
        if (matched) matchedAny = true;
        score += best;
      }
      if (!ok || !matchedAny) continue;
      hits.push({ id: d.id, score, seq: d.seq });
    }
    hits.sort((a, b) => b.score - a.score || b.seq - a.seq);
    return hits.map(({ id, score }) => ({ id, score }));
  }
}

function hasPhrase(d: RefDoc, p: string[]): boolean {
  return d.fields.some((f) => {
    for (let i = 0; i + p.length <= f.length; i++) if (p.every((t, j) => f[i + j] === t)) return true;
    return false;
  });
}

export function naiveLevenshtein(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      dp[i]![j] = Math.min(dp[i - 1]![j]! + 1, dp[i]![j - 1]! + 1, dp[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return dp[a.length]![b.length]!;
}
