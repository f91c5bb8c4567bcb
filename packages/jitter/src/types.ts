/** One RTP packet as handed to {@link JitterBuffer.push}. */
export interface JitterPacket {
  /** RTP sequence number, 0-65535; wraps. */
  seq: number;
  /** RTP timestamp in 48 kHz units, 0-2^32-1; wraps. */
  timestamp: number;
  /** Arrival time on the receiver's clock (the same clock as `pull()`), in ms. */
  arrivalMs: number;
  /** The Opus packet; may be empty in timing-only mode (no decoder). */
  payload: Uint8Array;
  /**
   * The sender is silent after this packet (Opus DTX): the gap up to the next packet is played
   * as comfort noise and is not loss. Defaults to true for Opus packets of 1-2 bytes.
   */
  dtx?: boolean;
}

/** What a block of output is. */
export type BlockType = 'normal' | 'accelerate' | 'decelerate' | 'conceal' | 'comfort-noise' | 'silence';

/** One block of output from {@link JitterBuffer.pull}. */
export interface OutputBlock {
  /** How the block was made; `conceal` wins over stretches, which win over comfort noise. */
  type: BlockType;
  /** Wire sequence numbers of the packets consumed (decoded) for this block. */
  seqs: number[];
  /**
   * For each entry of `seqs`, where that packet's first sample plays, in samples from the start
   * of this block (it may lie in a later block).
   */
  seqOffsets: number[];
  /** Samples in the block (always the configured block size). */
  samples: number;
  /** The audio, mono at 48 kHz, when the buffer has a decoder. */
  pcm?: Float32Array;
}

/**
 * Turns Opus packets into PCM. {@link createOpusDecoder} gives one on `opus-decoder`; any codec
 * with the same shape works.
 */
export interface FrameDecoder {
  /**
   * Decodes one packet to mono PCM at 48 kHz.
   * @param payload - one packet
   * @returns the PCM; a length other than the packet's duration counts as a decoder failure
   */
  decode(payload: Uint8Array): Float32Array;
  /**
   * The codec's own loss concealment, continuing from its state.
   * @param samples - samples wanted
   * @returns exactly `samples` samples
   */
  conceal?(samples: number): Float32Array;
}

/**
 * Counters in the names of W3C RTCInboundRtpStreamStats (times in seconds, as there), plus a few
 * of this buffer's own.
 */
export interface JitterStats {
  /** Valid packets pushed, duplicates included. */
  packetsReceived: number;
  /** Packets dropped because they arrived too late to play (or too early after a reset). */
  packetsDiscarded: number;
  /** Packets expected from the sequence numbers but never received (RFC 3550). */
  packetsLost: number;
  /** RFC 3550 interarrival jitter, in seconds. */
  jitter: number;
  /** Sum over emitted samples of the time each spent in the buffer, in seconds. */
  jitterBufferDelay: number;
  /** Sum over emitted samples of the target delay at the time, in seconds. */
  jitterBufferTargetDelay: number;
  /** Sum over emitted samples of the minimum delay the estimator alone asked for, in seconds. */
  jitterBufferMinimumDelay: number;
  /** Samples of received audio that left the buffer (the divisor of the three sums above). */
  jitterBufferEmittedCount: number;
  /** Samples output in total, concealment included. */
  totalSamplesReceived: number;
  /** Samples output that were concealment or comfort noise. */
  concealedSamples: number;
  /** Concealed samples that were comfort noise or silence (DTX, underrun after fade-out). */
  silentConcealedSamples: number;
  /** Separate runs of concealment. */
  concealmentEvents: number;
  /** Samples inserted by decelerate. */
  insertedSamplesForDeceleration: number;
  /** Samples removed by accelerate. */
  removedSamplesForAcceleration: number;
  /** Packets received twice (not W3C). */
  packetsDuplicated: number;
  /** Clean resets after a flood, a huge sequence or timestamp jump or a clock jump (not W3C). */
  resets: number;
  /** Packets the decoder failed on (corrupt Opus or decoder error), concealed instead (not W3C). */
  decoderErrors: number;
}
