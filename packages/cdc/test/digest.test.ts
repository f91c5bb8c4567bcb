import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { blake3 } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { createDigest } from '../src/index.js';

describe('createDigest', () => {
  it('uses node:crypto for SHA-256 on Node and hash-wasm for BLAKE3', async () => {
    expect((await createDigest('sha256')).implementation).toBe('node:crypto');
    expect((await createDigest('blake3')).implementation).toBe('hash-wasm');
    expect((await createDigest('sha256', { implementation: 'hash-wasm' })).implementation).toBe('hash-wasm');
  });

  it('both SHA-256 implementations agree with each other and with node:crypto, one-shot and running', async () => {
    const node = await createDigest('sha256');
    const wasm = await createDigest('sha256', { implementation: 'hash-wasm' });
    const b3 = await createDigest('blake3');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 3000 }), { maxLength: 5 }), async (parts) => {
        const all = Uint8Array.from(parts.flatMap((p) => [...p]));
        const expected = createHash('sha256').update(all).digest('hex');
        expect(node.hashHex(all)).toBe(expected);
        expect(wasm.hashHex(all)).toBe(expected);
        expect(b3.hashHex(all)).toBe(await blake3(all));
        for (const d of [node, wasm, b3]) {
          const running = await d.begin();
          for (const p of parts) {
            running.update(p);
            d.hash(p); // one-shot calls in between must not disturb the running digest
          }
          expect(running.finishHex()).toBe(d.hashHex(all));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('rejects unknown algorithms and impossible implementations', async () => {
    await expect(createDigest('md5' as 'sha256')).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await expect(createDigest('blake3', { implementation: 'node:crypto' })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await expect(createDigest('sha256', { implementation: 'gpu' as 'auto' })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });
});
