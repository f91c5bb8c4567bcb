import { WireError } from './WireError.js';

/**
 * First byte of every media frame. 0xC1 is the one byte msgpack never uses, so a receiver tells
 * media frames from control frames (msgpack arrays) on the same socket by one byte.
 */
export const MEDIA_MAGIC = 0xc1;

/** Size of the fixed media header in bytes. */
export const MEDIA_HEADER_BYTES = 12;

/** Default largest media payload in bytes (256 KiB: a large video keyframe fragment). */
export const DEFAULT_MAX_MEDIA_PAYLOAD: number = 256 * 1024;

/** Per-packet flags of a media frame. */
export interface MediaFlags {
  /** Last packet of a frame (RTP marker bit). */
  marker: boolean;
  /** Starts a decodable picture (video) — subscribers may switch layers here. */
  keyframe: boolean;
  /** Discontinuous transmission: a comfort-noise/silence packet (Opus DTX). */
  dtx: boolean;
  /** Spatial layer id, 0-3. */
  spatial: number;
  /** Temporal layer id, 0-7. */
  temporal: number;
}

/** One voice or video packet. */
export interface MediaFrame extends MediaFlags {
  /** Stream id, unsigned 32-bit. */
  ssrc: number;
  /** Packet sequence number, unsigned 16-bit (wraps). */
  seq: number;
  /** Media timestamp (RTP clock), unsigned 32-bit (wraps). */
  timestamp: number;
  /** The codec payload (e.g. one Opus packet). */
  payload: Uint8Array;
}

function checkUint(v: unknown, max: number, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    throw new WireError('invalid-field', `must be an integer in 0..${max}`, name);
  }
  return v;
}

/**
 * Encodes a media frame: a 12-byte header (magic, flags, seq, timestamp, ssrc; big-endian)
 * followed by the payload.
 *
 * Flags byte: bit 7 marker, bit 6 keyframe, bit 5 DTX, bits 4-3 spatial id, bits 2-0 temporal id.
 * @throws {@link WireError} `invalid-field` for out-of-range fields, `too-large` for an oversize payload.
 * @example
 * ```ts
 * const bytes = encodeMedia({ ssrc: 1, seq: 7, timestamp: 960 * 7, marker: true, keyframe: false,
 *   dtx: false, spatial: 0, temporal: 0, payload: opusPacket });
 * ```
 */
export function encodeMedia(frame: MediaFrame, maxPayload: number = DEFAULT_MAX_MEDIA_PAYLOAD): Uint8Array {
  const ssrc = checkUint(frame.ssrc, 0xffffffff, 'ssrc');
  const seq = checkUint(frame.seq, 0xffff, 'seq');
  const ts = checkUint(frame.timestamp, 0xffffffff, 'timestamp');
  const spatial = checkUint(frame.spatial, 3, 'spatial');
  const temporal = checkUint(frame.temporal, 7, 'temporal');
  if (!(frame.payload instanceof Uint8Array)) throw new WireError('invalid-field', 'must be a Uint8Array', 'payload');
  if (frame.payload.length > maxPayload) throw new WireError('too-large', `payload of ${frame.payload.length} bytes exceeds ${maxPayload}`, 'payload');
  const out = new Uint8Array(MEDIA_HEADER_BYTES + frame.payload.length);
  const v = new DataView(out.buffer);
  out[0] = MEDIA_MAGIC;
  out[1] = (frame.marker ? 0x80 : 0) | (frame.keyframe ? 0x40 : 0) | (frame.dtx ? 0x20 : 0) | (spatial << 3) | temporal;
  v.setUint16(2, seq);
  v.setUint32(4, ts);
  v.setUint32(8, ssrc);
  out.set(frame.payload, MEDIA_HEADER_BYTES);
  return out;
}

/** True when `bytes` starts like a media frame rather than a control frame. */
export function isMediaFrame(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes[0] === MEDIA_MAGIC;
}

/**
 * Decodes a media frame. The payload is a view into `bytes` (no copy): copy it if you keep it
 * beyond the life of the receive buffer.
 * @throws {@link WireError} `malformed` (short, wrong magic), `too-large` (payload over `maxPayload`).
 */
export function decodeMedia(bytes: Uint8Array, maxPayload: number = DEFAULT_MAX_MEDIA_PAYLOAD): MediaFrame {
  if (!(bytes instanceof Uint8Array)) throw new WireError('malformed', 'a media frame must be a Uint8Array');
  if (bytes.length < MEDIA_HEADER_BYTES) throw new WireError('malformed', `a media frame has at least ${MEDIA_HEADER_BYTES} bytes`);
  if (bytes[0] !== MEDIA_MAGIC) throw new WireError('malformed', 'not a media frame (first byte is not 0xC1)');
  if (bytes.length - MEDIA_HEADER_BYTES > maxPayload) {
    throw new WireError('too-large', `payload of ${bytes.length - MEDIA_HEADER_BYTES} bytes exceeds ${maxPayload}`, 'payload');
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flags = bytes[1]!;
  return {
    ssrc: v.getUint32(8),
    seq: v.getUint16(2),
    timestamp: v.getUint32(4),
    marker: (flags & 0x80) !== 0,
    keyframe: (flags & 0x40) !== 0,
    dtx: (flags & 0x20) !== 0,
    spatial: (flags >> 3) & 0x03,
    temporal: flags & 0x07,
    payload: bytes.subarray(MEDIA_HEADER_BYTES),
  };
}
