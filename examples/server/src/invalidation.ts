import { isSnowflake } from './snowflake.js';

/**
 * Cached state a change made stale: a guild's roles, members, channels or overrides; a
 * session (revoked); a private channel's recipients; a user's public profile.
 */
export type Invalidation = { kind: 'guild' | 'session' | 'channel' | 'user'; id: string };

const KINDS: ReadonlySet<unknown> = new Set(['guild', 'session', 'channel', 'user']);

/**
 * Whether a value that came from another process is an {@link Invalidation} (anything else on
 * the control subject is ignored, never trusted).
 * @param v - a decoded message
 * @returns true for `{ kind, id }` with a known kind and a snowflake id
 */
export function isInvalidation(v: unknown): v is Invalidation {
  if (typeof v !== 'object' || v === null) return false;
  const { kind, id } = v as { kind?: unknown; id?: unknown };
  return KINDS.has(kind) && typeof id === 'string' && isSnowflake(id);
}
