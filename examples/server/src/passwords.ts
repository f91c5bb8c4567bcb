import { argon2id, argon2Verify } from 'hash-wasm';

/** Argon2id cost. The defaults are OWASP's second recommended setting (19 MiB, 2 passes). */
export interface Argon2Params {
  /** KiB of memory per hash. @defaultValue 19456 */
  memorySize: number;
  /** Passes. @defaultValue 2 */
  iterations: number;
  /** Lanes. @defaultValue 1 */
  parallelism: number;
}

/** OWASP's recommendation for Argon2id (m = 19 MiB, t = 2, p = 1). */
export const DEFAULT_ARGON2: Argon2Params = { memorySize: 19_456, iterations: 2, parallelism: 1 };

/**
 * Hashes a password with Argon2id and a fresh 16-byte random salt.
 *
 * @param password - the password
 * @param params - cost; see {@link DEFAULT_ARGON2}
 * @returns the PHC-encoded hash (`$argon2id$v=19$m=...`), which carries its salt and cost
 * @example
 * ```ts
 * const stored = await hashPassword('correct horse battery staple');
 * await verifyPassword('correct horse battery staple', stored); // true
 * ```
 */
export async function hashPassword(password: string, params: Argon2Params = DEFAULT_ARGON2): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return argon2id({ password, salt, ...params, hashLength: 32, outputType: 'encoded' });
}

/**
 * Checks a password against a hash made by {@link hashPassword}, in time independent of
 * where the two differ.
 *
 * @param password - the candidate
 * @param encoded - the stored PHC string
 * @returns whether they match; false (never a throw) for a malformed stored hash
 * @example
 * ```ts
 * await verifyPassword('guess', stored); // false
 * ```
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  try {
    return await argon2Verify({ password, hash: encoded });
  } catch {
    return false;
  }
}
