import { FriendsError } from './errors.js';
import { boolOption, choiceOption, intOption } from './options.js';

/** Options of {@link parseEdgeList}. */
export interface EdgeListOptions {
  /**
   * Whether each line is an arc `u -> v` (as in SNAP email-Eu-core). Arcs are then folded into
   * undirected friendships: `u v` and `v u`, or a repeated arc, count once (see
   * {@link EdgeList.merged}). When false, a repeated pair is an error.
   * @defaultValue false
   */
  directed?: boolean;
  /**
   * What to do with a line `u u`: `'drop'` counts it in {@link EdgeList.selfLoops}; `'error'`
   * throws.
   * @defaultValue 'error'
   */
  selfLoops?: 'drop' | 'error';
  /**
   * Longest input accepted, in bytes for a `Uint8Array` and UTF-16 units for a string.
   * @defaultValue 268 435 456 (256 MiB)
   */
  maxBytes?: number;
}

/** An undirected edge list read from text. */
export interface EdgeList {
  /** Distinct undirected pairs, in the order first seen, each as written on its first line. */
  edges: Array<[number, number]>;
  /**
   * How many lines each edge stands for (aligned with `edges`): 1, or more when a directed
   * input had the arc both ways or repeated — a natural interaction weight (see the `weights`
   * option of `evaluateLinkPrediction`).
   */
  weights: number[];
  /** Distinct node ids on kept lines. */
  nodes: number;
  /** Self-loop lines dropped (only with `selfLoops: 'drop'`). */
  selfLoops: number;
  /** Directed lines folded into a pair already seen (only with `directed: true`). */
  merged: number;
}

/** A `node label` membership list read from text. */
export interface LabelList {
  /** `[node, label]` pairs in file order. */
  pairs: Array<[number, number]>;
  /** Distinct labels. */
  labels: number;
}

const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
const DIGITS = /^[0-9]+$/;

/**
 * Reads a whitespace-separated `u v` edge list — the SNAP format of ego-Facebook, email-Eu-core
 * and karate in `shared/data/social-graph` — from text, so it runs in browsers too (reading the
 * file is the caller's job). Blank lines and lines starting with `#` or `%` are skipped; `\r\n`
 * line ends are accepted. Ids must be non-negative decimal integers.
 *
 * @param text - the file's content, as a string or UTF-8 bytes
 * @param options - {@link EdgeListOptions}
 * @returns the distinct undirected edges and what was dropped or merged
 * @throws {@link FriendsError} `parse-error` (bad line or invalid UTF-8, with its line number),
 *   `self-loop`, `duplicate-edge` (undirected input), `too-large`, `invalid-option`
 * @example
 * ```ts
 * const { edges } = parseEdgeList('0 1\n1 2\n');
 * // [[0, 1], [1, 2]]
 * ```
 */
export function parseEdgeList(text: string | Uint8Array, options?: EdgeListOptions): EdgeList {
  const directed = boolOption(options, 'directed', false);
  const selfLoops = choiceOption(options, 'selfLoops', ['drop', 'error'] as const, 'error');
  const maxBytes = intOption(options, 'maxBytes', 0, Number.MAX_SAFE_INTEGER, DEFAULT_MAX_BYTES);
  const edges: Array<[number, number]> = [];
  const seen = new Map<number | string, number>();
  const weights: number[] = [];
  const nodes = new Set<number>();
  let dropped = 0;
  let merged = 0;
  forEachPair(decode(text, maxBytes), (a, b, line) => {
    if (a === b) {
      if (selfLoops === 'error') throw new FriendsError('self-loop', `line ${line}: self-loop ${a} ${b}; pass selfLoops: 'drop' to skip such lines`);
      dropped++;
      return;
    }
    const key = pairKey(a, b);
    const at = seen.get(key);
    if (at !== undefined) {
      if (!directed) {
        throw new FriendsError('duplicate-edge', `line ${line}: edge ${a} ${b} appears twice; pass directed: true if the file lists arcs`);
      }
      weights[at]!++;
      merged++;
      return;
    }
    seen.set(key, edges.length);
    nodes.add(a);
    nodes.add(b);
    edges.push([a, b]);
    weights.push(1);
  });
  return { edges, weights, nodes: nodes.size, selfLoops: dropped, merged };
}

/**
 * Reads a `node label` list (e.g. SNAP email-Eu-core's department labels) from text; each pair
 * can be loaded as a guild membership. Same line rules as {@link parseEdgeList}.
 *
 * @param text - the file's content, as a string or UTF-8 bytes
 * @param options - `maxBytes`, as in {@link EdgeListOptions}
 * @returns the pairs and the number of distinct labels
 * @throws {@link FriendsError} `parse-error`, `duplicate-edge` (a pair repeated), `too-large`,
 *   `invalid-option`
 * @example
 * ```ts
 * parseLabels('0 1\n1 1\n2 21\n').labels; // 2
 * ```
 */
export function parseLabels(text: string | Uint8Array, options?: Pick<EdgeListOptions, 'maxBytes'>): LabelList {
  const maxBytes = intOption(options, 'maxBytes', 0, Number.MAX_SAFE_INTEGER, DEFAULT_MAX_BYTES);
  const pairs: Array<[number, number]> = [];
  const seen = new Set<string>();
  const labels = new Set<number>();
  forEachPair(decode(text, maxBytes), (node, label, line) => {
    const key = `${node} ${label}`;
    if (seen.has(key)) throw new FriendsError('duplicate-edge', `line ${line}: node ${node} already has label ${label}`);
    seen.add(key);
    labels.add(label);
    pairs.push([node, label]);
  });
  return { pairs, labels: labels.size };
}

function decode(text: string | Uint8Array, maxBytes: number): string {
  if (typeof text === 'string') {
    if (text.length > maxBytes) throw new FriendsError('too-large', `input is ${text.length} characters; the limit (maxBytes) is ${maxBytes}`);
    return text;
  }
  if (!(text instanceof Uint8Array)) {
    throw new FriendsError('invalid-option', `input must be a string or a Uint8Array, got ${text === null ? 'null' : typeof text}`);
  }
  if (text.length > maxBytes) throw new FriendsError('too-large', `input is ${text.length} bytes; the limit (maxBytes) is ${maxBytes}`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(text);
  } catch {
    throw new FriendsError('parse-error', 'input is not valid UTF-8');
  }
}

/** Calls `visit` with the two integers of every data line, and its 1-based line number. */
function forEachPair(text: string, visit: (a: number, b: number, line: number) => void): void {
  let line = 0;
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    line++;
    const raw = text.slice(pos, end);
    pos = end + 1;
    const body = raw.trim();
    if (body === '' || body.startsWith('#') || body.startsWith('%')) continue;
    const parts = body.split(/[ \t]+/);
    if (parts.length !== 2) {
      throw new FriendsError('parse-error', `line ${line}: expected two ids separated by a space or tab, got ${JSON.stringify(clip(body))}`);
    }
    visit(toId(parts[0]!, line), toId(parts[1]!, line), line);
  }
}

function toId(token: string, line: number): number {
  const n = DIGITS.test(token) ? Number(token) : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw new FriendsError('parse-error', `line ${line}: ${JSON.stringify(clip(token))} is not a non-negative integer id below 2^53`);
  }
  return n;
}

function pairKey(a: number, b: number): number | string {
  const lo = a < b ? a : b;
  const hi = a < b ? b : a;
  // Exact as a double while hi < 2^26 (then lo * 2^26 + hi < 2^52); a string beyond.
  return hi < 67_108_864 ? lo * 67_108_864 + hi : `${lo} ${hi}`;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
