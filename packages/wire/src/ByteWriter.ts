const utf8 = new TextEncoder();

// Below this a copy costs less than a separate piece does downstream (a chunk per socket write).
const SHARED_MIN = 1024;

/**
 * A growable msgpack writer over one reused buffer. Encoding into a reused buffer and copying
 * the result out once is what makes the schema path faster than JSON.stringify + Buffer.from.
 * @internal
 */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  pos = 0;
  // While gathering, large immutable inputs to `rawShared` are kept by reference at their
  // position in `buf` instead of being copied in; `parts()` then returns the pieces in order.
  private refs: { at: number; bytes: Uint8Array }[] | undefined = undefined;
  private refBytes = 0;

  constructor(initialSize = 2048) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  reset(): void {
    this.pos = 0;
    if (this.refs !== undefined) this.refs = [];
    this.refBytes = 0;
  }

  /** Bytes written since the last reset, referenced ones included. */
  get length(): number {
    return this.pos + this.refBytes;
  }

  /** Turns gathering on (until turned off): see {@link ByteWriter.rawShared} and {@link ByteWriter.parts}. */
  gather(on: boolean): void {
    this.refs = on ? [] : undefined;
    this.refBytes = 0;
  }

  /**
   * What was written since the last reset as pieces whose concatenation is {@link ByteWriter.bytes}:
   * copies of the written runs, and the referenced inputs themselves.
   */
  parts(): Uint8Array[] {
    const out: Uint8Array[] = [];
    let from = 0;
    for (const r of this.refs ?? []) {
      if (r.at > from) out.push(this.buf.slice(from, r.at));
      out.push(r.bytes);
      from = r.at;
    }
    if (this.pos > from || out.length === 0) out.push(this.buf.slice(from, this.pos));
    return out;
  }

  /** A copy of what was written since the last reset. */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** {@link ByteWriter.raw} for bytes that never change: while gathering, large ones are referenced, not copied. */
  rawShared(bytes: Uint8Array): void {
    if (this.refs === undefined || bytes.length < SHARED_MIN) {
      this.raw(bytes);
      return;
    }
    this.refs.push({ at: this.pos, bytes });
    this.refBytes += bytes.length;
  }

  nil(): void {
    this.u8(0xc0);
  }

  bool(v: boolean): void {
    this.u8(v ? 0xc3 : 0xc2);
  }

  arrayHeader(n: number): void {
    this.ensure(5);
    if (n < 16) this.buf[this.pos++] = 0x90 | n;
    else if (n < 0x10000) {
      this.buf[this.pos++] = 0xdc;
      this.view.setUint16(this.pos, n);
      this.pos += 2;
    } else {
      this.buf[this.pos++] = 0xdd;
      this.view.setUint32(this.pos, n);
      this.pos += 4;
    }
  }

  /** A safe integer, in the smallest msgpack integer form. */
  int(v: number): void {
    this.ensure(9);
    const b = this.buf;
    if (v >= 0) {
      if (v < 0x80) b[this.pos++] = v;
      else if (v < 0x100) {
        b[this.pos++] = 0xcc;
        b[this.pos++] = v;
      } else if (v < 0x10000) {
        b[this.pos++] = 0xcd;
        this.view.setUint16(this.pos, v);
        this.pos += 2;
      } else if (v < 0x100000000) {
        b[this.pos++] = 0xce;
        this.view.setUint32(this.pos, v);
        this.pos += 4;
      } else this.u64(Math.floor(v / 0x100000000), v >>> 0);
    } else if (v >= -32) b[this.pos++] = v & 0xff;
    else if (v >= -0x80) {
      b[this.pos++] = 0xd0;
      this.view.setInt8(this.pos++, v);
    } else if (v >= -0x8000) {
      b[this.pos++] = 0xd1;
      this.view.setInt16(this.pos, v);
      this.pos += 2;
    } else if (v >= -0x80000000) {
      b[this.pos++] = 0xd2;
      this.view.setInt32(this.pos, v);
      this.pos += 4;
    } else {
      b[this.pos++] = 0xd3;
      const hi = Math.floor(v / 0x100000000);
      this.view.setInt32(this.pos, hi);
      this.view.setUint32(this.pos + 4, v - hi * 0x100000000);
      this.pos += 8;
    }
  }

  /** An unsigned 64-bit integer given as two 32-bit halves; smallest form when hi is 0. */
  u64(hi: number, lo: number): void {
    if (hi === 0) {
      this.int(lo);
      return;
    }
    this.ensure(9);
    this.buf[this.pos++] = 0xcf;
    this.view.setUint32(this.pos, hi);
    this.view.setUint32(this.pos + 4, lo);
    this.pos += 8;
  }

  float(v: number): void {
    this.ensure(9);
    this.buf[this.pos++] = 0xcb;
    this.view.setFloat64(this.pos, v);
    this.pos += 8;
  }

  string(s: string): void {
    const n = s.length;
    // Fast path: ASCII, where the byte length is the string length.
    this.ensure(n * 3 + 5);
    const b = this.buf;
    const start = this.pos;
    let p = start + (n < 32 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5);
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      b[p++] = c;
    }
    if (i === n) {
      this.strHeaderAt(start, n);
      this.pos = p;
      return;
    }
    // General path: the byte length is at most 3 per UTF-16 unit; size the header for that bound.
    const bound = n * 3;
    const headerLen = bound < 32 ? 1 : bound < 0x100 ? 2 : bound < 0x10000 ? 3 : 5;
    const { written } = utf8.encodeInto(s, b.subarray(start + headerLen));
    this.strHeaderAt(start, written, headerLen);
    this.pos = start + headerLen + written;
  }

  private strHeaderAt(at: number, len: number, headerLen = len < 32 ? 1 : len < 0x100 ? 2 : len < 0x10000 ? 3 : 5): void {
    const b = this.buf;
    if (headerLen === 1) b[at] = 0xa0 | len;
    else if (headerLen === 2) {
      b[at] = 0xd9;
      b[at + 1] = len;
    } else if (headerLen === 3) {
      b[at] = 0xda;
      this.view.setUint16(at + 1, len);
    } else {
      b[at] = 0xdb;
      this.view.setUint32(at + 1, len);
    }
  }
}
