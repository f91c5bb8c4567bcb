// rabin-wasm used directly, as its users do: the peer of the throughput comparison.
import { createRequire } from 'node:module';

interface RabinInstance {
  fingerprint(bytes: Uint8Array): ArrayLike<number>;
}
const require = createRequire(import.meta.url);
const rabinWasm = require('rabin-wasm') as { create(bits: number, min: number, max: number, window: number): Promise<RabinInstance> };

/** A fresh rabin-wasm chunker: `bits` = log2(average), 64-byte window. */
export function createRabin(avg: number, min: number, max: number): Promise<RabinInstance> {
  return rabinWasm.create(Math.round(Math.log2(avg)), min, max, 64);
}
