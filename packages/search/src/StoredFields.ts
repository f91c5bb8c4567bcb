import { SearchError, shown } from './errors.js';
import { growF64, growU32 } from './grow.js';

/** Type of a stored filter field. */
export type StoredKind = 'string' | 'number';

/** A stored value: a string (at most 1024 characters) or a finite number. */
export type StoredValue = string | number;

/**
 * A condition on one stored field: equal to a value, one of several values, or (numbers) in a
 * range; every bound given must hold.
 */
export type FilterCondition = StoredValue | readonly StoredValue[] | { gt?: number; gte?: number; lt?: number; lte?: number };

/** Conditions on stored fields, all of which must hold: `{ channel: 'general', time: { gte: t0 } }`. */
export type SearchFilter = Readonly<Record<string, FilterCondition>>;

const MAX_STORED_STRING = 1024;

interface Column {
  name: string;
  kind: StoredKind;
  /** Strings: interned id + 1 per doc (0 = absent). */
  ids: Uint32Array;
  /** Numbers: value per doc (NaN = absent). */
  nums: Float64Array;
  dict: Map<string, number>;
  strings: string[];
}

/**
 * Columns of stored filter fields (channel, author, time, ...): strings are interned so a
 * document costs 4 bytes per string field and 8 per number field.
 */
export class StoredFields {
  readonly columns: readonly Column[];
  private readonly byName: Map<string, Column>;

  constructor(spec: Readonly<Record<string, StoredKind>>) {
    const cols: Column[] = [];
    for (const name of Object.keys(spec)) {
      const kind = spec[name];
      if (kind !== 'string' && kind !== 'number') {
        throw new SearchError('INVALID_OPTIONS', `stored field "${name}" has kind ${shown(kind)}; use 'string' or 'number'`);
      }
      cols.push({ name, kind, ids: new Uint32Array(0), nums: new Float64Array(0), dict: new Map(), strings: [] });
    }
    this.columns = cols;
    this.byName = new Map(cols.map((c) => [c.name, c]));
  }

  /** The spec these columns were built from. */
  spec(): Record<string, StoredKind> {
    const out: Record<string, StoredKind> = {};
    for (const c of this.columns) Object.defineProperty(out, c.name, { value: c.kind, enumerable: true, writable: true, configurable: true });
    return out;
  }

  /** Checks the stored values of an outside document before anything is changed. */
  validate(doc: Readonly<Record<string, unknown>>): void {
    for (const c of this.columns) {
      if (!Object.hasOwn(doc, c.name)) continue;
      const v = doc[c.name];
      if (v === undefined) continue;
      if (c.kind === 'string') {
        if (typeof v !== 'string') throw new SearchError('INVALID_DOCUMENT', `stored field "${c.name}" must be a string, got ${typeof v}`);
        if (v.length > MAX_STORED_STRING) throw new SearchError('INVALID_DOCUMENT', `stored field "${c.name}" is ${v.length} characters; the limit is ${MAX_STORED_STRING}`);
      } else if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new SearchError('INVALID_DOCUMENT', `stored field "${c.name}" must be a finite number, got ${typeof v === 'number' ? String(v) : typeof v}`);
      }
    }
  }

  /** Stores the (validated) values of `doc` for document number `d`. */
  set(d: number, doc: Readonly<Record<string, unknown>>): void {
    for (const c of this.columns) {
      const v = Object.hasOwn(doc, c.name) ? doc[c.name] : undefined;
      if (c.kind === 'string') {
        c.ids = growU32(c.ids, d + 1);
        c.ids[d] = typeof v === 'string' ? this.intern(c, v) + 1 : 0;
      } else {
        c.nums = growF64(c.nums, d + 1);
        c.nums[d] = typeof v === 'number' ? v : Number.NaN;
      }
    }
  }

  private intern(c: Column, v: string): number {
    let id = c.dict.get(v);
    if (id === undefined) {
      id = c.strings.length;
      c.strings.push(v);
      c.dict.set(v, id);
    }
    return id;
  }

  /** The stored values of document number `d`, absent ones left out. */
  get(d: number): Record<string, StoredValue> {
    const out: Record<string, StoredValue> = {};
    for (const c of this.columns) {
      let v: StoredValue | undefined;
      if (c.kind === 'string') {
        const id = c.ids[d] ?? 0;
        if (id > 0) v = c.strings[id - 1]!;
      } else {
        const x = c.nums[d];
        if (x !== undefined && !Number.isNaN(x)) v = x;
      }
      if (v !== undefined) Object.defineProperty(out, c.name, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  /** Copies document `from` of `src` to document `to` here (compaction). */
  copyFrom(src: StoredFields, from: number, to: number): void {
    this.set(to, src.get(from));
  }

  /**
   * Compiles a filter into a predicate on document numbers, or `false` when it can match
   * nothing (a value never stored).
   * @throws {@link SearchError} `INVALID_OPTIONS` for an unknown field or a malformed condition
   */
  compile(filter: SearchFilter): ((d: number) => boolean) | false {
    if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
      throw new SearchError('INVALID_OPTIONS', 'filter must be an object of stored field names to conditions');
    }
    const tests: ((d: number) => boolean)[] = [];
    for (const name of Object.keys(filter)) {
      const c = this.byName.get(name);
      if (c === undefined) throw new SearchError('INVALID_OPTIONS', `filter on "${name}", which is not a stored field; declare it in options.stored`);
      const cond = filter[name];
      const t = this.compileOne(c, cond);
      if (t === false) return false;
      tests.push(t);
    }
    if (tests.length === 0) return () => true;
    return (d) => {
      for (const t of tests) if (!t(d)) return false;
      return true;
    };
  }

  private compileOne(c: Column, cond: unknown): ((d: number) => boolean) | false {
    const bad = (): SearchError => new SearchError('INVALID_OPTIONS', `filter on "${c.name}": use a ${c.kind}, an array of them${c.kind === 'number' ? ', or { gte, gt, lte, lt } with finite numbers' : ''}`);
    const values = Array.isArray(cond) ? (cond as unknown[]) : typeof cond === 'object' && cond !== null ? undefined : [cond];
    if (values !== undefined) {
      if (values.length > 10_000) throw new SearchError('INVALID_OPTIONS', `filter on "${c.name}" lists ${values.length} values; the limit is 10000`);
      if (c.kind === 'string') {
        const ids = new Set<number>();
        for (const v of values) {
          if (typeof v !== 'string') throw bad();
          const id = c.dict.get(v);
          if (id !== undefined) ids.add(id + 1);
        }
        if (ids.size === 0) return false;
        return (d) => ids.has(c.ids[d]!);
      }
      const nums = new Set<number>();
      for (const v of values) {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw bad();
        nums.add(v);
      }
      return (d) => nums.has(c.nums[d]!);
    }
    if (c.kind !== 'number') throw bad();
    const r = cond as Record<string, unknown>;
    let lo = Number.NEGATIVE_INFINITY;
    let loIncl = true;
    let hi = Number.POSITIVE_INFINITY;
    let hiIncl = true;
    for (const key of Object.keys(r)) {
      const v = r[key];
      if (typeof v !== 'number' || Number.isNaN(v)) throw bad();
      if (key === 'gte') {
        if (v > lo || (v === lo && !loIncl)) [lo, loIncl] = [v, true];
      } else if (key === 'gt') {
        if (v >= lo) [lo, loIncl] = [v, false];
      } else if (key === 'lte') {
        if (v < hi || (v === hi && !hiIncl)) [hi, hiIncl] = [v, true];
      } else if (key === 'lt') {
        if (v <= hi) [hi, hiIncl] = [v, false];
      } else throw bad();
    }
    return (d) => {
      const x = c.nums[d]!;
      return (loIncl ? x >= lo : x > lo) && (hiIncl ? x <= hi : x < hi);
    };
  }

  /** Bytes held by the columns and interned strings. */
  memoryBytes(): number {
    let total = 0;
    for (const c of this.columns) {
      total += c.ids.byteLength + c.nums.byteLength;
      for (const s of c.strings) total += 2 * s.length + 64;
    }
    return total;
  }
}
