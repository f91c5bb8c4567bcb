import { CdcError } from './errors.js';

/** Anything {@link chunkStream} and {@link putBlob} read bytes from. */
export type ByteSource = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

function isReadableStream(value: unknown): value is ReadableStream<Uint8Array> {
  return typeof (value as { getReader?: unknown }).getReader === 'function';
}

async function* readStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  // A reader loop rather than `for await`: not every browser makes ReadableStream iterable.
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * The pieces of a byte source, each checked to be a Uint8Array.
 *
 * @param source - a buffer, an (async) iterable of buffers, or a web ReadableStream
 * @returns the pieces in order
 * @throws {@link CdcError} `INVALID_INPUT` for a source of another kind or a piece that is not bytes
 */
export async function* bytePieces(source: ByteSource): AsyncGenerator<Uint8Array> {
  let pieces: Iterable<unknown> | AsyncIterable<unknown>;
  if (source instanceof Uint8Array) pieces = [source];
  else if (typeof source === 'object' && source !== null && isReadableStream(source)) pieces = readStream(source);
  else if (typeof source === 'object' && source !== null && (Symbol.asyncIterator in source || Symbol.iterator in source)) pieces = source;
  else throw new CdcError('INVALID_INPUT', 'source must be a Uint8Array, an iterable or async iterable of Uint8Array, or a ReadableStream');
  for await (const piece of pieces) {
    if (!(piece instanceof Uint8Array)) {
      throw new CdcError('INVALID_INPUT', `source yielded ${piece === null ? 'null' : typeof piece} instead of a Uint8Array; stream bytes, not strings or objects`);
    }
    yield piece;
  }
}
