import { CdcError } from './errors.js';

/** The part of rabin-wasm's `Rabin` class this package uses. */
export interface RabinFingerprinter {
  fingerprint(bytes: Uint8Array): ArrayLike<number>;
}

interface RabinPackage {
  Rabin: new (module: unknown, bits: number, min: number, max: number, windowSize: number) => RabinFingerprinter;
  create(bits: number, min: number, max: number, windowSize: number): Promise<{ asModule: unknown }>;
}

let loaded: { pkg: RabinPackage; module: unknown } | undefined;

/**
 * Loads the `rabin-wasm` WebAssembly module, once. Needed before a synchronous Rabin chunker
 * ({@link chunk} or {@link createChunker} with `algorithm: 'rabin'`); {@link chunkStream} and
 * {@link putBlob} call it themselves.
 *
 * @returns when the module is ready
 * @example
 * ```ts
 * await loadRabin();
 * const cuts = [...chunk(bytes, { algorithm: 'rabin', avgSize: 8192 })];
 * ```
 */
export async function loadRabin(): Promise<void> {
  if (loaded) return;
  const imported = (await import('rabin-wasm')) as unknown as RabinPackage & { default?: RabinPackage };
  const pkg = imported.default ?? imported;
  const probe = await pkg.create(12, 1024, 4096, 64);
  loaded = { pkg, module: probe.asModule };
}

/**
 * A fresh rabin-wasm fingerprinter sharing the loaded module.
 * @param bits - judge `bits` low bits of the fingerprint (average ~2^bits after the minimum)
 * @param min - minimum chunk size
 * @param max - maximum chunk size
 * @returns the fingerprinter
 * @throws {@link CdcError} `RABIN_NOT_LOADED` before {@link loadRabin} resolved
 */
export function newRabin(bits: number, min: number, max: number): RabinFingerprinter {
  if (!loaded) {
    throw new CdcError('RABIN_NOT_LOADED', 'the Rabin chunker needs its WebAssembly module: await loadRabin() first (chunkStream and putBlob do it for you)');
  }
  return new loaded.pkg.Rabin(loaded.module, bits, min, max, 64);
}
