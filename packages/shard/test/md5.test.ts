import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShardError, md5Hex } from '../src/index.js';

// RFC 1321, appendix A.5 "Test suite".
const RFC1321: [string, string][] = [
  ['', 'd41d8cd98f00b204e9800998ecf8427e'],
  ['a', '0cc175b9c0f1b6a831c399e269772661'],
  ['abc', '900150983cd24fb0d6963f7d28e17f72'],
  ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
  ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
  ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
  ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', '57edf4a22be3c955ac49da2e2107b67a'],
];

describe('md5Hex', () => {
  it.each(RFC1321)('RFC 1321 vector %j', (input, digest) => {
    expect(md5Hex(input)).toBe(digest);
  });

  it('equals node:crypto on arbitrary bytes around the 56/64-byte padding edges (fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(md5Hex(bytes)).toBe(createHash('md5').update(bytes).digest('hex'));
      }),
      { numRuns: 300 },
    );
    for (let n = 50; n <= 130; n++) {
      const b = new Uint8Array(n).fill(n);
      expect(md5Hex(b)).toBe(createHash('md5').update(b).digest('hex'));
    }
  });

  it('rejects what is neither bytes nor a string', () => {
    expect(() => md5Hex(null as unknown as string)).toThrow(ShardError);
  });
});
