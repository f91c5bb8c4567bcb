import { JitterError } from './JitterError.js';

/** The identification header of an Ogg Opus stream (RFC 7845 section 5.1). */
export interface OpusHead {
  /** Output channels. */
  channels: number;
  /** Samples (at 48 kHz) to drop from the start of the decoded stream. */
  preSkip: number;
  /** Sample rate of the original input, for information only. */
  inputSampleRate: number;
  /** Output gain in Q7.8 dB. */
  outputGain: number;
  /** Channel mapping family (0: mono/stereo). */
  mappingFamily: number;
}

/** The packets of an Ogg Opus stream and its header. */
export interface OggOpus {
  /** The identification header. */
  head: OpusHead;
  /** The audio packets, in order (the two header packets excluded). */
  packets: Uint8Array[];
}

const MAX_PACKET = 1 << 20;
const MAX_PAGES = 1 << 22;

function fail(message: string): never {
  throw new JitterError('INVALID_OGG', message);
}

/**
 * Splits an Ogg Opus file into its Opus packets (RFC 3533 pages, RFC 7845 headers): reads each
 * page ("OggS", version 0, segment table), joins packets continued across pages, checks the
 * first stream's page sequence numbers, and parses the OpusHead. Pages of other logical streams
 * are skipped; CRCs are not checked.
 *
 * @param bytes - the whole file
 * @returns the header and the audio packets
 * @throws JitterError `INVALID_OGG` when the data is not Ogg, is truncated, skips a page, or the
 *   first stream is not Opus
 * @example
 * ```ts
 * const { head, packets } = parseOggOpus(new Uint8Array(readFileSync('speech.opus')));
 * ```
 */
export function parseOggOpus(bytes: Uint8Array): OggOpus {
  if (!(bytes instanceof Uint8Array)) fail('input must be a Uint8Array of the file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const packets: Uint8Array[] = [];
  let serial: number | undefined;
  let expectedSeq = 0;
  let pending: Uint8Array[] = [];
  let pendingLen = 0;
  let pages = 0;
  let pos = 0;
  while (pos < bytes.length) {
    if (++pages > MAX_PAGES) fail(`more than ${MAX_PAGES} pages`);
    if (pos + 27 > bytes.length) fail(`truncated page header at byte ${pos}`);
    if (bytes[pos] !== 0x4f || bytes[pos + 1] !== 0x67 || bytes[pos + 2] !== 0x67 || bytes[pos + 3] !== 0x53) {
      fail(`no "OggS" capture pattern at byte ${pos}; not an Ogg file or corrupt`);
    }
    if (bytes[pos + 4] !== 0) fail(`unsupported Ogg version ${bytes[pos + 4]} at byte ${pos}`);
    const flags = bytes[pos + 5]!;
    const pageSerial = view.getUint32(pos + 14, true);
    const pageSeq = view.getUint32(pos + 18, true);
    const nseg = bytes[pos + 26]!;
    const tableEnd = pos + 27 + nseg;
    if (tableEnd > bytes.length) fail(`truncated segment table at byte ${pos}`);
    let body = tableEnd;
    for (let i = 0; i < nseg; i++) body += bytes[pos + 27 + i]!;
    if (body > bytes.length) fail(`page at byte ${pos} runs past the end of the data`);
    if (serial === undefined) serial = pageSerial;
    if (pageSerial === serial) {
      if (pageSeq !== expectedSeq) fail(`page sequence ${pageSeq} where ${expectedSeq} was expected: a page is missing`);
      expectedSeq++;
      if ((flags & 1) === 0 && pendingLen > 0) fail(`page ${pageSeq} drops a packet continued from the previous page`);
      let at = tableEnd;
      for (let i = 0; i < nseg; i++) {
        const len = bytes[pos + 27 + i]!;
        pending.push(bytes.subarray(at, at + len));
        pendingLen += len;
        at += len;
        if (pendingLen > MAX_PACKET) fail(`a packet exceeds ${MAX_PACKET} bytes`);
        if (len < 255) {
          packets.push(join(pending, pendingLen));
          pending = [];
          pendingLen = 0;
        }
      }
    }
    pos = body;
  }
  if (pendingLen > 0) fail('the last packet is truncated (continues past the end of the data)');
  const headBytes = packets[0];
  if (headBytes === undefined || headBytes.length < 19 || !startsWith(headBytes, 'OpusHead')) fail('the first packet is not an OpusHead: not an Ogg Opus stream');
  const tags = packets[1];
  if (tags === undefined || !startsWith(tags, 'OpusTags')) fail('the second packet is not OpusTags');
  const hv = new DataView(headBytes.buffer, headBytes.byteOffset, headBytes.byteLength);
  if ((headBytes[8]! & 0xf0) !== 0) fail(`unsupported OpusHead version ${headBytes[8]}`);
  const channels = headBytes[9]!;
  if (channels === 0) fail('OpusHead declares zero channels');
  const head: OpusHead = {
    channels,
    preSkip: hv.getUint16(10, true),
    inputSampleRate: hv.getUint32(12, true),
    outputGain: hv.getInt16(16, true),
    mappingFamily: headBytes[18]!,
  };
  return { head, packets: packets.slice(2) };
}

function startsWith(b: Uint8Array, magic: string): boolean {
  for (let i = 0; i < magic.length; i++) if (b[i] !== magic.charCodeAt(i)) return false;
  return true;
}

function join(parts: Uint8Array[], len: number): Uint8Array {
  if (parts.length === 1) return parts[0]!.slice();
  const out = new Uint8Array(len);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
