// Node-only: signed, expiring download links for media, so that a browser can put a file in an
// `<img src>` (which sends no Authorization header) without the token in the URL.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Longest a link may live: a leaked link is a capability until it expires. */
export const MAX_LINK_TTL_SECONDS = 86_400;

/** A signed link and when it stops working. */
export interface MediaLink {
  /** Path and query to GET (relative to the service's URL): `/media/{id}/content?expires=…&signature=…`. */
  url: string;
  /** Unix ms after which the link is refused. */
  expiresAt: number;
}

/**
 * Signs and checks media download links: HMAC-SHA256 over the media id and the expiry time.
 * Processes of one deployment must share the secret (`CHORUS_MEDIA_SECRET`) for a link signed by
 * one to work on another; without one, each process draws its own and its links work only there.
 *
 * @example
 * ```ts
 * const links = new MediaLinks({ secret: 'at least thirty-two characters of secret!' });
 * const { url } = links.sign('123', 600);
 * links.verify('123', new URL(url, 'http://x').searchParams); // true until it expires
 * ```
 */
export class MediaLinks {
  private readonly key: Buffer;
  private readonly now: () => number;

  /** @param options - `secret` (none: 32 random bytes), clock in ms */
  constructor(options: { secret?: string; now?: () => number } = {}) {
    this.key = options.secret === undefined || options.secret === '' ? randomBytes(32) : Buffer.from(options.secret, 'utf8');
    this.now = options.now ?? Date.now;
  }

  private mac(mediaId: string, expires: number): Buffer {
    return createHmac('sha256', this.key).update(`media:${mediaId}:${expires}`).digest();
  }

  /**
   * A link to `/media/{mediaId}/content` valid for `ttlSeconds`. The caller must already have
   * checked that the requester may read the file: the link carries that permission.
   * @param mediaId - the file
   * @param ttlSeconds - 1 to {@link MAX_LINK_TTL_SECONDS}
   * @returns the link
   */
  sign(mediaId: string, ttlSeconds: number): MediaLink {
    const expiresAt = Math.floor(this.now()) + ttlSeconds * 1000;
    return { url: `/media/${mediaId}/content?expires=${expiresAt}&signature=${this.mac(mediaId, expiresAt).toString('base64url')}`, expiresAt };
  }

  /**
   * Whether a request's query carries a valid, unexpired signature for `mediaId`.
   * @param mediaId - the file the path names
   * @param query - the request's query parameters
   * @returns true when `expires` is a time still to come and `signature` is its MAC
   */
  verify(mediaId: string, query: URLSearchParams): boolean {
    const expires = query.get('expires') ?? '';
    const signature = query.get('signature') ?? '';
    if (!/^[0-9]{1,15}$/.test(expires) || !/^[A-Za-z0-9_-]{43}$/.test(signature)) return false;
    const at = Number(expires);
    if (at < this.now() || at > this.now() + MAX_LINK_TTL_SECONDS * 1000) return false;
    // Compared as text, so a signature has one spelling (base64url's last character has spare bits).
    return timingSafeEqual(Buffer.from(signature), Buffer.from(this.mac(mediaId, at).toString('base64url')));
  }
}
