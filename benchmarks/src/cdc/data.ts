// Inputs of the cdc benchmark: seeded random bytes, real text, and versioned documents.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** `size` pseudo-random bytes from a seeded xorshift32 (the same bytes every run). */
export function seededBytes(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  const words = new Uint32Array(out.buffer, 0, size >>> 2);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  for (let i = words.length * 4; i < size; i++) out[i] = i & 0xff;
  return out;
}

/** `size` bytes cycling through `parts` (real text repeated to the wanted length). */
export function fill(parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (let i = 0; at < size; i = (i + 1) % parts.length) {
    const p = parts[i]!.subarray(0, size - at);
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Every file of a folder of gzip-compressed versions (see versioned-docs/SOURCE.md), uncompressed. */
export function gunzipFolder(dir: string): Uint8Array[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.gz'))
    .sort()
    .map((f) => new Uint8Array(gunzipSync(readFileSync(join(dir, f)))));
}

/** The versions of each logical file under versioned-docs, grouped by folder and file stem. */
export function versionGroups(root: string): Map<string, Uint8Array[]> {
  const groups = new Map<string, Uint8Array[]>();
  for (const folder of readdirSync(root, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    const dir = join(root, folder.name);
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.gz')).sort()) {
      // tzdata holds two files (europe_*, northamerica_*); the PSL folder holds one.
      const key = folder.name === 'tzdata' ? `${folder.name}/${f.split('_')[0]}` : folder.name;
      const list = groups.get(key) ?? [];
      list.push(new Uint8Array(gunzipSync(readFileSync(join(dir, f)))));
      groups.set(key, list);
    }
  }
  return groups;
}
