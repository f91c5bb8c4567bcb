import { OpusDecoder } from 'opus-decoder';
import { JitterError } from './JitterError.js';
import { opusPacketInfo } from './opusPacket.js';
import type { FrameDecoder } from './types.js';
import { describe } from './validate.js';

/** A {@link FrameDecoder} on the `opus-decoder` WASM build of libopus. */
export interface OpusFrameDecoder extends FrameDecoder {
  /** Packets that failed to decode (malformed or rejected by libopus). */
  readonly errors: number;
  /** Decodes one packet to mono 48 kHz PCM; an empty array (and a counted error) on failure. */
  decode(payload: Uint8Array): Float32Array;
  /** libopus packet-loss concealment, continuing from the decoder's state, in whole frames of the last packet's size. */
  conceal(samples: number): Float32Array;
  /** Releases the WASM memory; the decoder is unusable afterwards. */
  free(): void;
}

const EMPTY = new Float32Array(0);
const MAX_PACKET_SAMPLES = 5760;

/**
 * An Opus packet whose frames are all empty, which RFC 6716 (section 3.2.1) says a decoder treats
 * as lost: libopus then runs its concealment for exactly the packet's duration. Without it
 * (an empty payload) opus-decoder would conceal a whole 120 ms each time, several times the
 * cost of decoding a packet, for gaps that are mostly 10-40 ms.
 */
function plcRequest(toc: number, frameSamples: number, samples: number): Uint8Array {
  const frames = Math.max(1, Math.min(Math.floor(MAX_PACKET_SAMPLES / frameSamples), Math.ceil(samples / frameSamples)));
  // Code 0: one frame; code 3 (CBR, no padding): `frames` frames sharing the 0 bytes left.
  return frames === 1 ? Uint8Array.of(toc) : Uint8Array.of(toc | 3, frames);
}

/**
 * Creates an Opus decoder (libopus through the `opus-decoder` package, WASM) that decodes to
 * mono PCM at 48 kHz, conceals losses with libopus's own PLC, and never throws on a bad packet:
 * it counts the error and returns no samples, which the {@link JitterBuffer} turns into
 * concealment.
 *
 * @param options - `channels` of the stream (stereo packets are mixed down to mono either way)
 * @returns a ready decoder
 * @throws JitterError `DECODER_FAILED` when the WASM module cannot be instantiated
 * @defaultValue options.channels 1
 * @example
 * ```ts
 * const decoder = await createOpusDecoder();
 * const jb = new JitterBuffer({ decoder });
 * ```
 */
export async function createOpusDecoder(options: { channels?: 1 | 2 } = {}): Promise<OpusFrameDecoder> {
  if (options.channels !== undefined && options.channels !== 1 && options.channels !== 2) {
    throw new JitterError('INVALID_OPTION', `channels must be 1 or 2, got ${describe(options.channels)}`);
  }
  let dec: OpusDecoder<48000>;
  try {
    dec = new OpusDecoder({ channels: 1, sampleRate: 48000 });
    await dec.ready;
  } catch (e) {
    throw new JitterError('DECODER_FAILED', `could not start the opus-decoder WASM module: ${e instanceof Error ? e.message : String(e)}`);
  }
  let errors = 0;
  // libopus conceals whole frames; what a request does not use is kept for the next one.
  let plc: Float32Array = EMPTY;
  let plcAt = 0;
  // TOC byte (code 0 cleared) and frame size of the last packet decoded: concealment asks for
  // frames of the same configuration, so that libopus keeps its mode and bandwidth.
  let lastToc = -1;
  let lastFrame = 960;
  const failed = (): Float32Array => {
    errors++;
    return EMPTY;
  };
  return {
    get errors(): number {
      return errors;
    },
    decode(payload: Uint8Array): Float32Array {
      plc = EMPTY;
      plcAt = 0;
      if (!(payload instanceof Uint8Array) || payload.length === 0) return failed();
      let info;
      try {
        info = opusPacketInfo(payload);
      } catch {
        return failed();
      }
      const out = dec.decodeFrame(payload);
      const ch = out.channelData[0];
      if (out.errors.length > 0 || ch === undefined || out.samplesDecoded === 0) return failed();
      lastToc = payload[0]! & 0xfc;
      lastFrame = info.frameSamples;
      // opus-decoder already hands out a fresh copy; cut only if it is longer than decoded.
      return ch.length === out.samplesDecoded ? ch : ch.slice(0, out.samplesDecoded);
    },
    conceal(samples: number): Float32Array {
      const res = new Float32Array(samples);
      if (lastToc < 0) return res; // nothing decoded yet: libopus would give silence too
      let filled = 0;
      while (filled < samples) {
        if (plcAt >= plc.length) {
          const out = dec.decodeFrame(plcRequest(lastToc, lastFrame, samples - filled));
          const ch = out.channelData[0];
          if (ch === undefined || out.samplesDecoded === 0) {
            errors++;
            return res;
          }
          plc = ch.length === out.samplesDecoded ? ch : ch.subarray(0, out.samplesDecoded);
          plcAt = 0;
        }
        const n = Math.min(samples - filled, plc.length - plcAt);
        res.set(plc.subarray(plcAt, plcAt + n), filled);
        filled += n;
        plcAt += n;
      }
      return res;
    },
    free(): void {
      dec.free();
    },
  };
}
