import { createHash } from 'node:crypto';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * A fresh bearer token: 256 random bits, base64url (43 characters).
 *
 * @param random - fills a buffer with random bytes (inject for tests) @defaultValue crypto.getRandomValues
 * @returns the token
 * @example
 * ```ts
 * newToken().length; // 43
 * ```
 */
export function newToken(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const bytes = random(new Uint8Array(33));
  let out = '';
  // 33 bytes = 264 bits = 44 sextets; the last sextet is dropped so exactly 256+ bits remain.
  for (let i = 0; i < 33; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += BASE64URL[(n >> 18) & 63]! + BASE64URL[(n >> 12) & 63]! + BASE64URL[(n >> 6) & 63]! + BASE64URL[n & 63]!;
  }
  return out.slice(0, 43);
}

/** Whether a string has the shape of a token from {@link newToken} (checked before any lookup). */
export const TOKEN_PATTERN: RegExp = /^[A-Za-z0-9_-]{43}$/;

/**
 * What the store keeps instead of a token: its SHA-256 in hex. A leaked database then gives no
 * usable tokens, and since tokens have 256 bits of entropy a fast hash is enough.
 *
 * @param token - a bearer token
 * @returns 64 hex characters
 * @example
 * ```ts
 * await tokenHash(newToken());
 * ```
 */
export function tokenHash(token: string): Promise<string> {
  // node:crypto: synchronous and several times faster than WebAssembly for a 43-byte input.
  return Promise.resolve(createHash('sha256').update(token).digest('hex'));
}
