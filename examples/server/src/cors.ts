// Node-only: Cross-Origin Resource Sharing for a browser client served from another origin
// (a dev server on another port, an app on its own domain). The API authenticates with bearer
// tokens, never cookies, so allowing an origin exposes nothing a page could not already ask for
// with a token it holds; still it is off unless configured, so deployments choose.
import type { IncomingMessage, ServerResponse } from 'node:http';

const EXPOSED = 'Retry-After, Content-Range, Content-Length, ETag, Content-Disposition';

/** An origin as browsers send it: scheme, host and optional port, nothing else. */
export const ORIGIN: RegExp = /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?$/;

/**
 * The CORS handling of a list of allowed origins (`*` for any).
 * @param origins - allowed origins, or `['*']`
 * @returns a function that sets the response's CORS headers for an allowed origin, and answers
 *   a preflight (`OPTIONS` with `Access-Control-Request-Method`) itself: 204 for an allowed
 *   origin, 403 for another. It returns true when it has answered.
 * @example
 * ```ts
 * const cors = corsHandler(['http://localhost:5173']);
 * http.on('request', (req, res) => { if (cors(req, res)) return; route(req, res); });
 * ```
 */
export function corsHandler(origins: readonly string[]): (req: IncomingMessage, res: ServerResponse) => boolean {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  return (req, res) => {
    const origin = req.headers.origin;
    const ok = origin !== undefined && (any || allowed.has(origin));
    if (ok) {
      res.setHeader('Access-Control-Allow-Origin', any ? '*' : origin);
      res.setHeader('Access-Control-Expose-Headers', EXPOSED);
    }
    if (!any) res.setHeader('Vary', 'Origin');
    if (req.method !== 'OPTIONS' || origin === undefined || req.headers['access-control-request-method'] === undefined) return false;
    if (!ok) {
      res.writeHead(403, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify({ code: 'forbidden', message: 'this origin may not call the API (see CHORUS_CORS_ORIGINS)' }));
      return true;
    }
    res.writeHead(204, {
      'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, PATCH, DELETE',
      'Access-Control-Allow-Headers': 'Authorization, Content-Type, Range',
      'Access-Control-Max-Age': '600',
    }).end();
    return true;
  };
}
