import { decode, encode } from '@msgpack/msgpack';
import { crc32 } from './crc32.js';
import { SearchError } from './errors.js';
import { growU8 } from './grow.js';
import { writeVarint } from './PostingStore.js';
import type { Scoring } from './Scorer.js';
import type { StoredKind, StoredValue } from './StoredFields.js';
import type { TokenizerOptions } from './tokenizer.js';

/** Settings recorded in a snapshot; checked again by the index constructor on load. */
export interface SnapshotSettings {
  fields: { name: string; boost: number }[];
  stored: Record<string, StoredKind>;
  scoring: Scoring;
  k1: number;
  b: number;
  tokenizer: 'custom' | TokenizerOptions;
  maxFieldLength: number;
  maxQueryLength: number;
  maxQueryTerms: number;
  maxExpansions: number;
  compactThreshold: number;
}

/** What a snapshot holds: the live documents in order, as term sequences. */
export interface SnapshotData {
  settings: SnapshotSettings;
  terms: readonly string[];
  ids: readonly (string | number)[];
  /** Field lengths, `fields` per document. */
  lens: Uint32Array;
  /** Term numbers of every document, field after field. */
  fwd: Uint32Array;
  stored: readonly Record<string, StoredValue>[];
}

const MAGIC = [0x43, 0x53, 0x49, 0x58]; // "CSIX"
const VERSION = 1;
const HEADER = 16;

function bad(why: string): SearchError {
  return new SearchError('BAD_SNAPSHOT', `not a valid @chorus/search snapshot: ${why}`);
}

function packVarints(values: Uint32Array): Uint8Array {
  let buf: Uint8Array = new Uint8Array(values.length + 16);
  let pos = 0;
  for (let i = 0; i < values.length; i++) {
    if (pos + 5 > buf.length) buf = growU8(buf, pos + 5);
    pos = writeVarint(buf, pos, values[i]!);
  }
  return buf.slice(0, pos);
}

function unpackVarints(bytes: unknown, what: string): Uint32Array {
  if (!(bytes instanceof Uint8Array)) throw bad(`${what} is not binary`);
  let out = new Uint32Array(Math.max(16, bytes.length));
  let n = 0;
  let pos = 0;
  while (pos < bytes.length) {
    let v = 0;
    let shift = 0;
    for (;;) {
      if (pos >= bytes.length) throw bad(`${what} ends inside a number`);
      const b = bytes[pos++]!;
      v += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 28) throw bad(`${what} holds a number over 32 bits`);
    }
    if (v > 0xffffffff) throw bad(`${what} holds a number over 32 bits`);
    if (n >= out.length) {
      const o = new Uint32Array(out.length * 2);
      o.set(out);
      out = o;
    }
    out[n++] = v;
  }
  return out.subarray(0, n);
}

/**
 * Encodes snapshot data: 16-byte header ("CSIX", version u16, flags u16, body length u32,
 * CRC-32 of the body u32, little-endian) then a msgpack body.
 */
export function encodeSnapshot(data: SnapshotData): Uint8Array {
  const columns: Record<string, (StoredValue | null)[]> = {};
  for (const name of Object.keys(data.settings.stored)) {
    Object.defineProperty(columns, name, {
      value: data.stored.map((row) => (Object.hasOwn(row, name) ? row[name]! : null)),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const body = encode({ s: data.settings, t: data.terms, i: data.ids, l: packVarints(data.lens), f: packVarints(data.fwd), c: columns });
  const out = new Uint8Array(HEADER + body.length);
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint16(4, VERSION, true);
  view.setUint16(6, 0, true);
  view.setUint32(8, body.length, true);
  view.setUint32(12, crc32(body), true);
  out.set(body, HEADER);
  return out;
}

function field(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/**
 * Decodes and checks snapshot bytes: header, version, length, checksum, body structure and
 * types. Consistency between the parts is checked by the index while loading.
 * @throws {@link SearchError} `BAD_SNAPSHOT`
 */
export function decodeSnapshot(bytes: Uint8Array): SnapshotData {
  if (!(bytes instanceof Uint8Array)) throw bad('expected a Uint8Array');
  if (bytes.length < HEADER) throw bad(`only ${bytes.length} bytes, shorter than the ${HEADER}-byte header`);
  for (let i = 0; i < 4; i++) if (bytes[i] !== MAGIC[i]) throw bad('wrong magic bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4, true);
  if (version !== VERSION) throw bad(`format version ${version}; this release reads version ${VERSION}`);
  if (view.getUint16(6, true) !== 0) throw bad('unknown flags set in the header');
  const length = view.getUint32(8, true);
  if (length !== bytes.length - HEADER) throw bad(`header says ${length} body bytes, found ${bytes.length - HEADER} (truncated or padded)`);
  const body = bytes.subarray(HEADER);
  if (crc32(body) !== view.getUint32(12, true)) throw bad('checksum mismatch (corrupt bytes)');
  let root: unknown;
  try {
    root = decode(body);
  } catch (e) {
    throw bad(`body does not decode (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw bad('body is not a map');
  const r = root as Record<string, unknown>;
  const settings = field(r, 's');
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) throw bad('settings missing');
  const st = settings as Record<string, unknown>;
  const stored = field(st, 'stored');
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) throw bad('stored-field settings missing');
  const tokenizer = field(st, 'tokenizer');
  if (tokenizer !== 'custom' && (typeof tokenizer !== 'object' || tokenizer === null || Array.isArray(tokenizer))) throw bad('tokenizer setting missing');
  const terms = field(r, 't');
  if (!Array.isArray(terms) || !terms.every((t) => typeof t === 'string')) throw bad('dictionary is not a list of strings');
  const ids = field(r, 'i');
  if (!Array.isArray(ids)) throw bad('document ids missing');
  const columns = field(r, 'c');
  if (typeof columns !== 'object' || columns === null || Array.isArray(columns)) throw bad('stored columns missing');
  const rows: Record<string, StoredValue>[] = ids.map(() => ({}));
  for (const name of Object.keys(stored)) {
    const col = field(columns as Record<string, unknown>, name);
    if (!Array.isArray(col) || col.length !== ids.length) throw bad(`stored column "${name}" missing or of the wrong length`);
    col.forEach((v: unknown, d) => {
      if (v === null) return;
      if (typeof v !== 'string' && typeof v !== 'number') throw bad(`stored column "${name}" holds a ${typeof v}`);
      Object.defineProperty(rows[d]!, name, { value: v, enumerable: true, writable: true, configurable: true });
    });
  }
  return {
    settings: settings as unknown as SnapshotSettings,
    terms: terms as string[],
    ids: ids as (string | number)[],
    lens: unpackVarints(field(r, 'l'), 'field lengths'),
    fwd: unpackVarints(field(r, 'f'), 'term sequences'),
    stored: rows,
  };
}
