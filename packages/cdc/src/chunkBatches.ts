import { bytePieces, type ByteSource } from './byteSource.js';
import type { Chunk, Chunker } from './Chunker.js';
import { GearChunker } from './GearChunker.js';
import { createChunker } from './createChunker.js';
import type { ResolvedChunkerOptions } from './options.js';
import { loadRabin } from './rabin.js';

// Large pieces are cut into steps of this size (views, no copy) so that batches stay small and a
// consumer can overlap its work on one batch with chunking of the next.
const STEP = 1 << 20;

/** A chunk with its bytes, before digesting. */
export interface BytesChunk extends Chunk {
  readonly bytes: Uint8Array;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Chunks a byte source, yielding per input piece the chunks it completed, with their bytes.
 * Keeps only the bytes of the unfinished chunk between pieces (copied, so a source may reuse
 * its buffers); a chunk inside one piece is a view of that piece.
 *
 * @param source - the bytes
 * @param options - resolved chunker options
 * @returns batches of consecutive chunks (empty batches are skipped)
 */
export async function* chunkBatches(source: ByteSource, options: ResolvedChunkerOptions): AsyncGenerator<BytesChunk[]> {
  if (options.algorithm === 'rabin') await loadRabin();
  const gear = options.algorithm === 'fastcdc2020' || options.algorithm === 'fastcdc2016';
  const chunker = gear ? GearChunker.acquire(options) : createChunker(options);
  try {
    yield* cut(source, chunker);
  } finally {
    if (gear) GearChunker.release(chunker as GearChunker);
  }
}

async function* cut(source: ByteSource, chunker: Chunker): AsyncGenerator<BytesChunk[]> {
  // `held` holds copied bytes from `heldAt` up to the start of the current piece.
  let held: Uint8Array = new Uint8Array(0);
  let heldAt = 0;
  let total = 0;
  const withBytes = (c: Chunk, piece: Uint8Array, pieceAt: number): BytesChunk => {
    const end = c.offset + c.length;
    let bytes: Uint8Array;
    if (c.offset >= pieceAt) bytes = piece.subarray(c.offset - pieceAt, end - pieceAt);
    else if (end <= pieceAt) bytes = held.subarray(c.offset - heldAt, end - heldAt);
    else bytes = concat(held.subarray(c.offset - heldAt), piece.subarray(0, end - pieceAt));
    return { offset: c.offset, length: c.length, bytes };
  };
  let consumed = 0;
  const step = (piece: Uint8Array): BytesChunk[] => {
    const pieceAt = total;
    total += piece.length;
    const done = chunker.push(piece);
    const out = done.map((c) => withBytes(c, piece, pieceAt));
    const last = done.at(-1);
    if (last) consumed = last.offset + last.length;
    const fromHeld = consumed < pieceAt ? held.subarray(consumed - heldAt) : new Uint8Array(0);
    held = concat(fromHeld, piece.subarray(Math.max(0, consumed - pieceAt)));
    heldAt = consumed;
    return out;
  };
  for await (const whole of bytePieces(source)) {
    for (let from = 0; from < whole.length; from += STEP) {
      const batch = step(whole.subarray(from, from + STEP));
      if (batch.length > 0) yield batch;
    }
  }
  const rest = chunker.finish();
  if (rest.length > 0) yield rest.map((c) => withBytes(c, new Uint8Array(0), total));
}
