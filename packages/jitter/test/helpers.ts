import { readFileSync } from 'node:fs';
import { JitterError, type JitterErrorCode } from '../src/index.js';

/** Reads a file of test/fixtures. */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
}

/** Runs `fn` and returns the JitterError code it threw (fails the test on any other outcome). */
export function codeOf(fn: () => unknown): JitterErrorCode {
  try {
    fn();
  } catch (e) {
    if (e instanceof JitterError) return e.code;
    throw new Error(`expected a JitterError, got ${String(e)}`);
  }
  throw new Error('expected a JitterError, but nothing was thrown');
}

/** True when `fn` either returns or throws a JitterError; rethrows anything else. */
export function onlyJitterErrors(fn: () => unknown): boolean {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof JitterError)) throw e;
  }
  return true;
}

/** A test-side Ogg writer (no CRC), so that parser round-trips can be checked. */
export function writeOgg(packets: Uint8Array[], maxSegmentsPerPage = 255, serial = 7): Uint8Array {
  const pages: Uint8Array[] = [];
  let seq = 0;
  // Flatten every packet into lacing values, then cut into pages.
  const lacing: { len: number; data: Uint8Array }[] = [];
  for (const p of packets) {
    let at = 0;
    for (;;) {
      const len = Math.min(255, p.length - at);
      lacing.push({ len, data: p.subarray(at, at + len) });
      at += len;
      if (len < 255) break;
    }
  }
  let i = 0;
  let continued = false;
  while (i < lacing.length) {
    const segs = lacing.slice(i, i + maxSegmentsPerPage);
    const bodyLen = segs.reduce((a, s) => a + s.len, 0);
    const page = new Uint8Array(27 + segs.length + bodyLen);
    page.set([0x4f, 0x67, 0x67, 0x53, 0, continued ? 1 : 0]);
    const v = new DataView(page.buffer);
    v.setUint32(14, serial, true);
    v.setUint32(18, seq++, true);
    page[26] = segs.length;
    let at = 27 + segs.length;
    segs.forEach((s, k) => {
      page[27 + k] = s.len;
      page.set(s.data, at);
      at += s.len;
    });
    pages.push(page);
    i += segs.length;
    continued = segs[segs.length - 1]!.len === 255;
  }
  const total = pages.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of pages) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** An OpusHead packet for mono 48 kHz with the given pre-skip. */
export function opusHead(preSkip = 312): Uint8Array {
  const h = new Uint8Array(19);
  h.set(new TextEncoder().encode('OpusHead'));
  h[8] = 1;
  h[9] = 1;
  new DataView(h.buffer).setUint16(10, preSkip, true);
  new DataView(h.buffer).setUint32(12, 48000, true);
  return h;
}

/** An OpusTags packet. */
export function opusTags(): Uint8Array {
  const t = new Uint8Array(16);
  t.set(new TextEncoder().encode('OpusTags'));
  return t;
}
