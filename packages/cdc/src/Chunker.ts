import type { ResolvedChunkerOptions } from './options.js';

/** One chunk: where it starts in the whole input and how many bytes it holds. */
export interface Chunk {
  /** Offset of the first byte, counted from the start of the input (absolute). */
  readonly offset: number;
  /** Number of bytes. */
  readonly length: number;
}

/**
 * A streaming chunker. Feed bytes with {@link Chunker.push}; each call returns the chunks that
 * completed. {@link Chunker.finish} returns the last ones. The chunks are the same however the
 * input is split into pushes.
 */
export interface Chunker {
  /** The options in force, defaults applied. */
  readonly options: ResolvedChunkerOptions;
  /**
   * Adds bytes. The chunker copies what it keeps, so the caller may reuse `bytes`.
   * @param bytes - the next bytes of the input
   * @returns the chunks completed by these bytes, in order
   * @throws {@link CdcError} `INVALID_INPUT` if `bytes` is not a Uint8Array; `STATE` after finish
   */
  push(bytes: Uint8Array): Chunk[];
  /**
   * Ends the input.
   * @returns the remaining chunks (the last may be shorter than `minSize`)
   * @throws {@link CdcError} `STATE` if called twice
   */
  finish(): Chunk[];
}
