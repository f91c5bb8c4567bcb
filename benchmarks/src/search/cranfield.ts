// Cranfield 1400 (../shared/data/ir-test-collections/cranfield): parsing, a plain reference
// BM25, and the ranking metrics nDCG@10 (graded) and MAP (binary).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Cranfield {
  docs: { id: number; text: string }[];
  /** Queries in file order; query i (0-based) is judged as number i + 1 in cranqrel. */
  queries: string[];
  /** Per query: doc id → gain (relevance code 1 → 4, 2 → 3, 3 → 2, 4 → 1; -1 → not relevant). */
  qrels: Map<number, number>[];
}

function records(text: string): { id: string; fields: Map<string, string> }[] {
  const out: { id: string; fields: Map<string, string> }[] = [];
  let cur: { id: string; fields: Map<string, string> } | undefined;
  let field = '';
  for (const raw of text.replace(/\r/g, '').split('\n')) {
    const m = /^\.([A-Z])\s*(.*)$/.exec(raw);
    if (m !== null && m[1] === 'I') {
      cur = { id: m[2]!.trim(), fields: new Map() };
      out.push(cur);
      field = '';
    } else if (m !== null && /^[TABW]$/.test(m[1]!)) {
      field = m[1]!;
      cur?.fields.set(field, (m[2] ?? '').trim());
    } else if (cur !== undefined && field !== '') {
      cur.fields.set(field, `${cur.fields.get(field) ?? ''} ${raw}`.trim());
    }
  }
  return out;
}

export function loadCranfield(dir: string): Cranfield {
  const docs = records(readFileSync(join(dir, 'cran.all.1400'), 'latin1')).map((r) => ({
    id: Number(r.id),
    text: `${r.fields.get('T') ?? ''} ${r.fields.get('W') ?? ''}`,
  }));
  const queries = records(readFileSync(join(dir, 'cran.qry'), 'latin1')).map((r) => r.fields.get('W') ?? '');
  const qrels = queries.map(() => new Map<number, number>());
  for (const line of readFileSync(join(dir, 'cranqrel'), 'latin1').replace(/\r/g, '').split('\n')) {
    const [q, d, rel] = line.trim().split(/\s+/).map(Number);
    if (q === undefined || d === undefined || rel === undefined || Number.isNaN(rel)) continue;
    const m = qrels[q - 1];
    if (m !== undefined && rel >= 1 && rel <= 4) m.set(d, 5 - rel);
  }
  return { docs, queries, qrels };
}

/** Lowercase runs of letters and digits; no stemming, no stop words. */
export function plainTokens(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

/**
 * The plain reference BM25 (k1 = 1.2, b = 0.75, Lucene's idf): each occurrence of a term in the
 * query adds its score again, as Lucene's BooleanQuery of term clauses does.
 */
export function referenceBm25(docs: { id: number; text: string }[]): (query: string, k: number) => number[] {
  const toks = docs.map((d) => plainTokens(d.text));
  const N = docs.length;
  const avg = toks.reduce((a, t) => a + t.length, 0) / N;
  const postings = new Map<string, Map<number, number>>();
  toks.forEach((t, i) => {
    for (const w of t) {
      let p = postings.get(w);
      if (!p) postings.set(w, (p = new Map()));
      p.set(i, (p.get(i) ?? 0) + 1);
    }
  });
  return (query, k) => {
    const scores = new Map<number, number>();
    for (const w of plainTokens(query)) {
      const p = postings.get(w);
      if (!p) continue;
      const idf = Math.log(1 + (N - p.size + 0.5) / (p.size + 0.5));
      for (const [i, tf] of p) {
        const s = (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * toks[i]!.length) / avg));
        scores.set(i, (scores.get(i) ?? 0) + s);
      }
    }
    return [...scores]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, k)
      .map(([i]) => docs[i]!.id);
  };
}

/** nDCG@k with graded gains (2^gain - 1). */
export function ndcgAt(ranked: readonly number[], qrel: Map<number, number>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((d, i) => {
    const g = qrel.get(d) ?? 0;
    dcg += (2 ** g - 1) / Math.log2(i + 2);
  });
  const ideal = [...qrel.values()].sort((a, b) => b - a).slice(0, k);
  let idcg = 0;
  ideal.forEach((g, i) => (idcg += (2 ** g - 1) / Math.log2(i + 2)));
  return idcg === 0 ? 0 : dcg / idcg;
}

/** Average precision over the ranking (binary relevance: any judged grade). */
export function averagePrecision(ranked: readonly number[], qrel: Map<number, number>): number {
  if (qrel.size === 0) return 0;
  let hits = 0;
  let sum = 0;
  ranked.forEach((d, i) => {
    if (qrel.has(d)) {
      hits++;
      sum += hits / (i + 1);
    }
  });
  return sum / qrel.size;
}
