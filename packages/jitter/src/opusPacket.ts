import { JitterError } from './JitterError.js';

/** What the framing of one Opus packet says (RFC 6716 section 3.1-3.4). */
export interface OpusPacketInfo {
  /** The configuration number (0-31) from the TOC byte: mode, bandwidth and frame size. */
  config: number;
  /** Whether the stereo flag of the TOC byte is set. */
  stereo: boolean;
  /** Number of frames in the packet (1-48). */
  frames: number;
  /** Samples per frame at 48 kHz (120, 240, 480, 960, 1920 or 2880). */
  frameSamples: number;
  /** Samples of the whole packet at 48 kHz (at most 5760 = 120 ms). */
  durationSamples: number;
}

const MAX_FRAME_BYTES = 1275;
const MAX_PACKET_SAMPLES = 5760;

/** Frame size at 48 kHz for each TOC configuration, per RFC 6716 table 2. */
function frameSamplesOf(config: number): number {
  if (config < 12) return [480, 960, 1920, 2880][config & 3]!;
  if (config < 16) return [480, 960][config & 1]!;
  return [120, 240, 480, 960][config & 3]!;
}

function fail(message: string): never {
  throw new JitterError('INVALID_OPUS', `Opus packet ${message} (RFC 6716 section 3.4)`);
}

/** Reads a 1-2 byte frame length at `pos`; returns [length, bytes used]. */
function frameLength(p: Uint8Array, pos: number): [number, number] {
  const b0 = p[pos];
  if (b0 === undefined) fail('is truncated inside a frame length');
  if (b0 < 252) return [b0, 1];
  const b1 = p[pos + 1];
  if (b1 === undefined) fail('is truncated inside a two-byte frame length');
  return [b0 + 4 * b1, 2];
}

/**
 * Parses and validates the framing of an Opus packet without decoding it: the TOC byte, the
 * frame count and every frame length, checked against the rules R1-R7 of RFC 6716. Cheap enough
 * to run on every packet, it keeps malformed input away from the decoder and tells the buffer
 * each packet's duration.
 *
 * @param packet - one Opus packet (the RTP payload)
 * @returns the packet's configuration, frame count and duration
 * @throws JitterError `INVALID_OPUS` when the packet is empty, truncated, longer than 120 ms or
 *   otherwise malformed
 * @example
 * ```ts
 * opusPacketInfo(new Uint8Array([0xf8, 0xff, 0xfe])).durationSamples; // 960 (20 ms CELT)
 * ```
 */
export function opusPacketInfo(packet: Uint8Array): OpusPacketInfo {
  if (!(packet instanceof Uint8Array)) fail('must be a Uint8Array');
  const toc = packet[0];
  if (toc === undefined) fail('is empty (R1: at least one byte)');
  const config = toc >> 3;
  const stereo = (toc & 4) !== 0;
  const code = toc & 3;
  const frameSamples = frameSamplesOf(config);
  const n = packet.length;
  let frames = 1;
  if (code === 0) {
    if (n - 1 > MAX_FRAME_BYTES) fail(`frame of ${n - 1} bytes exceeds 1275 (R2)`);
  } else if (code === 1) {
    frames = 2;
    if ((n - 1) % 2 !== 0) fail('with code 1 must have an even number of frame bytes (R3)');
    if ((n - 1) / 2 > MAX_FRAME_BYTES) fail('frame exceeds 1275 bytes (R3)');
  } else if (code === 2) {
    frames = 2;
    if (n < 2) fail('with code 2 is truncated (R4)');
    const [len, used] = frameLength(packet, 1);
    const rest = n - 1 - used;
    if (len > rest) fail(`first frame of ${len} bytes exceeds the ${rest} bytes left (R4)`);
    if (rest - len > MAX_FRAME_BYTES) fail('second frame exceeds 1275 bytes (R4)');
  } else {
    const fc = packet[1];
    if (fc === undefined) fail('with code 3 lacks the frame count byte (R5)');
    frames = fc & 63;
    if (frames === 0) fail('with code 3 has zero frames (R5)');
    if (frames * frameSamples > MAX_PACKET_SAMPLES) fail(`lasts ${(frames * frameSamples) / 48} ms, over 120 ms (R5)`);
    let pos = 2;
    let padding = 0;
    if ((fc & 0x40) !== 0) {
      for (;;) {
        const b = packet[pos++];
        if (b === undefined) fail('is truncated inside its padding length (R6/R7)');
        padding += b === 255 ? 254 : b;
        if (b !== 255) break;
      }
    }
    let rest = n - pos - padding;
    if (rest < 0) fail(`padding of ${padding} bytes exceeds the packet (R6/R7)`);
    if ((fc & 0x80) === 0) {
      if (rest % frames !== 0) fail('with constant bitrate must split evenly into frames (R6)');
      if (rest / frames > MAX_FRAME_BYTES) fail('frame exceeds 1275 bytes (R6)');
    } else {
      for (let i = 0; i < frames - 1; i++) {
        const [len, used] = frameLength(packet, pos);
        pos += used;
        rest -= used;
        if (len > rest) fail(`frame ${i} of ${len} bytes exceeds the ${Math.max(rest, 0)} bytes left (R7)`);
        if (len > MAX_FRAME_BYTES) fail('frame exceeds 1275 bytes (R7)');
        rest -= len;
      }
      if (rest > MAX_FRAME_BYTES) fail('last frame exceeds 1275 bytes (R7)');
    }
  }
  return { config, stereo, frames, frameSamples, durationSamples: frames * frameSamples };
}

/**
 * Whether an Opus packet is a DTX (discontinuous transmission) packet: the encoder sends these
 * 1-2 byte packets while the talker is silent, and the gap after one is silence, not loss.
 *
 * @param packet - one Opus packet
 * @returns true for a packet of at most 2 bytes (the heuristic WebRTC uses)
 * @example
 * ```ts
 * isOpusDtx(new Uint8Array([0xf8])); // true
 * ```
 */
export function isOpusDtx(packet: Uint8Array): boolean {
  return packet.length > 0 && packet.length <= 2;
}
