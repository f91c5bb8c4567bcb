import { WireError } from './WireError.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A bounds-checked msgpack reader for the schema path. Every read checks the remaining length
 * and throws {@link WireError} (never RangeError) on truncated or mistyped input.
 * @internal
 */
export class ByteReader {
  private bytes: Uint8Array = new Uint8Array(0);
  private view: DataView = new DataView(this.bytes.buffer);
  pos = 0;
  end = 0;

  reset(bytes: Uint8Array): void {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = 0;
    this.end = bytes.length;
  }

  get buffer(): Uint8Array {
    return this.bytes;
  }

  private need(n: number, path: string): void {
    if (this.pos + n > this.end) throw new WireError('malformed', 'frame is truncated', path);
  }

  peek(path: string): number {
    this.need(1, path);
    return this.bytes[this.pos]!;
  }

  /** Consumes a nil if one is next; says whether it did. */
  nil(path: string): boolean {
    if (this.peek(path) === 0xc0) {
      this.pos++;
      return true;
    }
    return false;
  }

  bool(path: string): boolean {
    const t = this.peek(path);
    if (t === 0xc2 || t === 0xc3) {
      this.pos++;
      return t === 0xc3;
    }
    throw new WireError('invalid-field', 'expected a boolean', path);
  }

  arrayHeader(path: string): number {
    const t = this.peek(path);
    if ((t & 0xf0) === 0x90) {
      this.pos++;
      return t & 0x0f;
    }
    if (t === 0xdc) {
      this.need(3, path);
      const n = this.view.getUint16(this.pos + 1);
      this.pos += 3;
      return n;
    }
    if (t === 0xdd) {
      this.need(5, path);
      const n = this.view.getUint32(this.pos + 1);
      this.pos += 5;
      return n;
    }
    throw new WireError('invalid-field', 'expected an array', path);
  }

  /**
   * Any msgpack integer as two 32-bit halves when it is unsigned, or as a number when it is
   * negative (hi = -1 marks negative; lo then holds the value).
   */
  private intParts(path: string): { hi: number; lo: number } {
    const t = this.peek(path);
    const v = this.view;
    if (t < 0x80) {
      this.pos++;
      return { hi: 0, lo: t };
    }
    if (t >= 0xe0) {
      this.pos++;
      return { hi: -1, lo: t - 0x100 };
    }
    switch (t) {
      case 0xcc:
        this.need(2, path);
        this.pos += 2;
        return { hi: 0, lo: this.bytes[this.pos - 1]! };
      case 0xcd:
        this.need(3, path);
        this.pos += 3;
        return { hi: 0, lo: v.getUint16(this.pos - 2) };
      case 0xce:
        this.need(5, path);
        this.pos += 5;
        return { hi: 0, lo: v.getUint32(this.pos - 4) };
      case 0xcf:
        this.need(9, path);
        this.pos += 9;
        return { hi: v.getUint32(this.pos - 8), lo: v.getUint32(this.pos - 4) };
      case 0xd0:
        this.need(2, path);
        this.pos += 2;
        return { hi: -1, lo: v.getInt8(this.pos - 1) };
      case 0xd1:
        this.need(3, path);
        this.pos += 3;
        return { hi: -1, lo: v.getInt16(this.pos - 2) };
      case 0xd2:
        this.need(5, path);
        this.pos += 5;
        return { hi: -1, lo: v.getInt32(this.pos - 4) };
      case 0xd3: {
        this.need(9, path);
        this.pos += 9;
        const value = v.getInt32(this.pos - 8) * 0x100000000 + v.getUint32(this.pos - 4);
        if (!Number.isSafeInteger(value)) throw new WireError('invalid-field', 'integer is outside the safe range', path);
        return { hi: -1, lo: value };
      }
      default:
        throw new WireError('invalid-field', 'expected an integer', path);
    }
  }

  /** A safe integer. */
  int(path: string): number {
    const { hi, lo } = this.intParts(path);
    if (hi === -1) return lo;
    if (hi >= 0x200000) throw new WireError('invalid-field', 'integer is outside the safe range', path);
    return hi * 0x100000000 + lo;
  }

  /** An unsigned 64-bit integer as halves. */
  u64(path: string): { hi: number; lo: number } {
    const parts = this.intParts(path);
    if (parts.hi === -1) throw new WireError('invalid-field', 'expected an unsigned integer', path);
    return parts;
  }

  /** Any number: integer or float. */
  number(path: string): number {
    const t = this.peek(path);
    if (t === 0xcb) {
      this.need(9, path);
      this.pos += 9;
      return this.view.getFloat64(this.pos - 8);
    }
    if (t === 0xca) {
      this.need(5, path);
      this.pos += 5;
      return this.view.getFloat32(this.pos - 4);
    }
    return this.int(path);
  }

  string(path: string, maxBytes: number): string {
    const t = this.peek(path);
    let len: number;
    let skip: number;
    if ((t & 0xe0) === 0xa0) {
      len = t & 0x1f;
      skip = 1;
    } else if (t === 0xd9) {
      this.need(2, path);
      len = this.bytes[this.pos + 1]!;
      skip = 2;
    } else if (t === 0xda) {
      this.need(3, path);
      len = this.view.getUint16(this.pos + 1);
      skip = 3;
    } else if (t === 0xdb) {
      this.need(5, path);
      len = this.view.getUint32(this.pos + 1);
      skip = 5;
    } else throw new WireError('invalid-field', 'expected a string', path);
    if (len > maxBytes) throw new WireError('too-large', `string of ${len} bytes exceeds ${maxBytes}`, path);
    this.need(skip + len, path);
    const start = this.pos + skip;
    this.pos = start + len;
    const b = this.bytes;
    // Very short ASCII strings decode faster by hand than through TextDecoder; by about 16
    // bytes the concatenations cost more than the call (measured with node 20).
    if (len <= 16) {
      let out = '';
      for (let i = start; i < start + len; i++) {
        const c = b[i]!;
        if (c >= 0x80) return this.utf8(start, len, path);
        out += String.fromCharCode(c);
      }
      return out;
    }
    return this.utf8(start, len, path);
  }

  private utf8(start: number, len: number, path: string): string {
    try {
      return utf8.decode(this.bytes.subarray(start, start + len));
    } catch {
      throw new WireError('invalid-field', 'string is not valid UTF-8', path);
    }
  }

  /**
   * Skips one complete msgpack value (of any type, nested) and returns its byte range, so a
   * generic value can be handed to the msgpack library whole. Iterative: no recursion depth.
   */
  skipValue(path: string, maxDepth: number): { start: number; end: number } {
    const start = this.pos;
    let pending = 1; // values still to skip at the current level, counting nested ones
    const stack: number[] = [];
    while (pending > 0) {
      pending--;
      const t = this.peek(path);
      const v = this.view;
      let children = 0;
      let size = 0;
      if (t < 0x80 || t >= 0xe0 || t === 0xc0 || t === 0xc2 || t === 0xc3) size = 1;
      else if ((t & 0xf0) === 0x80) {
        size = 1;
        children = (t & 0x0f) * 2;
      } else if ((t & 0xf0) === 0x90) {
        size = 1;
        children = t & 0x0f;
      } else if ((t & 0xe0) === 0xa0) size = 1 + (t & 0x1f);
      else {
        switch (t) {
          case 0xcc: case 0xd0: size = 2; break;
          case 0xcd: case 0xd1: size = 3; break;
          case 0xce: case 0xd2: case 0xca: size = 5; break;
          case 0xcf: case 0xd3: case 0xcb: size = 9; break;
          case 0xd9: case 0xc4: this.need(2, path); size = 2 + this.bytes[this.pos + 1]!; break;
          case 0xda: case 0xc5: this.need(3, path); size = 3 + v.getUint16(this.pos + 1); break;
          case 0xdb: case 0xc6: this.need(5, path); size = 5 + v.getUint32(this.pos + 1); break;
          case 0xdc: this.need(3, path); size = 3; children = v.getUint16(this.pos + 1); break;
          case 0xdd: this.need(5, path); size = 5; children = v.getUint32(this.pos + 1); break;
          case 0xde: this.need(3, path); size = 3; children = v.getUint16(this.pos + 1) * 2; break;
          case 0xdf: this.need(5, path); size = 5; children = v.getUint32(this.pos + 1) * 2; break;
          default:
            // 0xc1 (never used) and extension types (0xc7-0xc9, 0xd4-0xd8) carry no JSON-like value.
            throw new WireError('invalid-field', `msgpack type 0x${t.toString(16)} is not allowed in a payload`, path);
        }
      }
      this.need(size, path);
      this.pos += size;
      if (children > 0) {
        // Each child takes at least one byte: a count beyond the remaining bytes is a lie.
        if (children > this.end - this.pos) throw new WireError('malformed', 'container length exceeds the frame', path);
        stack.push(pending);
        if (stack.length > maxDepth) throw new WireError('too-large', `payload nests deeper than ${maxDepth}`, path);
        pending = children;
      }
      while (pending === 0 && stack.length > 0) pending = stack.pop()!;
    }
    return { start, end: this.pos };
  }
}
