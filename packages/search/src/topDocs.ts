import { END, type Cursor } from './cursors.js';
import { TopK } from './TopK.js';

// Bounds are summed in another order than scores, so they may round a hair lower than a score
// they bound; pruning only when a bound falls short by more than this keeps results exact.
const SLACK = 1 + 1e-9;

interface Slotted {
  c: Cursor;
  slot: number;
}

/**
 * Top-k evaluation. Every document must match all `required` cursors (none: any `optional`
 * one), pass `accept`, and is scored by the sum of the cursors that contain it, added in the
 * order the cursors were given so that equal documents get bit-equal scores. Early termination
 * is exact: with `required` cursors the lead jumps over every run of blocks whose summed
 * block-max bounds cannot reach the heap's threshold; without, MaxScore leaves the cursors whose
 * summed upper bounds cannot reach it out of candidate generation, and block-max bounds again
 * skip blocks of the rest.
 *
 * @returns the best `k`, best first (ties: newer doc first)
 */
export function topDocs(required: Cursor[], optional: Cursor[], accept: (doc: number) => boolean, k: number): TopK {
  const heap = new TopK(k);
  if (k === 0) return heap;
  const contrib = new Float64Array(required.length + optional.length);
  const req = required.map((c, slot) => ({ c, slot }));
  const opt = optional.map((c, i) => ({ c, slot: required.length + i }));
  if (req.length > 0) conjunctive(req, opt, accept, heap, contrib);
  else if (opt.length > 0) maxScore(opt, accept, heap, contrib);
  return heap;
}

function total(contrib: Float64Array): number {
  let s = 0;
  for (let i = 0; i < contrib.length; i++) s += contrib[i]!;
  return s;
}

function conjunctive(required: Slotted[], optional: Slotted[], accept: (doc: number) => boolean, heap: TopK, contrib: Float64Array): void {
  const req = [...required].sort((a, b) => a.c.cost - b.c.cost);
  const opt = [...optional].sort((a, b) => b.c.upper - a.c.upper);
  const optRest = new Float64Array(opt.length + 1);
  for (let i = opt.length - 1; i >= 0; i--) optRest[i] = optRest[i + 1]! + opt[i]!.c.upper;
  const lead = req[0]!.c;
  // The block bound holds for every doc up to `end`; recomputed only past it.
  let ub = 0;
  let end = -1;
  outer: while (lead.doc !== END) {
    const d = lead.doc;
    if (heap.full) {
      if (d > end) {
        ub = optRest[0]!;
        end = END;
        for (const { c } of req) {
          ub += c.blockUpper(d);
          if (c.blockEnd < end) end = c.blockEnd;
        }
      }
      if (ub * SLACK < heap.threshold) {
        if (end === END) return;
        lead.advance(end + 1);
        continue;
      }
    }
    for (let i = 1; i < req.length; i++) {
      const c = req[i]!.c;
      c.advance(d);
      if (c.doc !== d) {
        if (c.doc === END) return;
        lead.advance(c.doc);
        continue outer;
      }
    }
    if (accept(d)) {
      contrib.fill(0);
      let s = 0;
      for (const { c, slot } of req) s += contrib[slot] = c.score();
      let pruned = false;
      for (let i = 0; i < opt.length; i++) {
        if (heap.full && (s + optRest[i]!) * SLACK < heap.threshold) {
          pruned = true;
          break;
        }
        const { c, slot } = opt[i]!;
        c.advance(d);
        if (c.doc === d) s += contrib[slot] = c.score();
      }
      if (!pruned) heap.offer(total(contrib), d);
    }
    lead.next();
  }
}

function maxScore(cursors: Slotted[], accept: (doc: number) => boolean, heap: TopK, contrib: Float64Array): void {
  const cs = [...cursors].sort((a, b) => a.c.upper - b.c.upper);
  const n = cs.length;
  // prefix[i]: sum of the bounds of cs[0..i], the cursors that would be non-essential.
  const prefix = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) prefix[i] = acc += cs[i]!.c.upper;
  let first = 0;
  // Cached block bound of the essential cursors, valid for docs up to bandEnd while `first` is unchanged.
  let bandFirst = -1;
  let bandEnd = -1;
  let bandUb = 0;
  for (;;) {
    const theta = heap.threshold;
    while (first < n && prefix[first]! * SLACK < theta) first++;
    if (first === n) return;
    let d = END;
    for (let i = first; i < n; i++) if (cs[i]!.c.doc < d) d = cs[i]!.c.doc;
    if (d === END) return;
    const nonEssential = first > 0 ? prefix[first - 1]! : 0;
    if (heap.full && first === bandFirst && d <= bandEnd) {
      if (bandUb * SLACK < theta) {
        if (bandEnd === END) return;
        for (let i = first; i < n; i++) cs[i]!.c.advance(bandEnd + 1);
        continue;
      }
    } else if (heap.full) {
      let ub = nonEssential;
      let end = END;
      for (let i = first; i < n; i++) {
        const c = cs[i]!.c;
        ub += c.blockUpper(d);
        if (c.blockEnd < end) end = c.blockEnd;
      }
      bandFirst = first;
      bandEnd = end;
      bandUb = ub;
      if (ub * SLACK < theta) {
        if (end === END) return;
        for (let i = first; i < n; i++) cs[i]!.c.advance(end + 1);
        continue;
      }
    }
    if (accept(d)) {
      contrib.fill(0);
      let s = 0;
      for (let i = first; i < n; i++) {
        const { c, slot } = cs[i]!;
        if (c.doc === d) s += contrib[slot] = c.score();
      }
      let pruned = false;
      for (let i = first - 1; i >= 0; i--) {
        if (heap.full && (s + prefix[i]!) * SLACK < theta) {
          pruned = true;
          break;
        }
        const { c, slot } = cs[i]!;
        c.advance(d);
        if (c.doc === d) s += contrib[slot] = c.score();
      }
      if (!pruned) heap.offer(total(contrib), d);
    }
    for (let i = first; i < n; i++) {
      const c = cs[i]!.c;
      if (c.doc === d) c.next();
    }
  }
}
