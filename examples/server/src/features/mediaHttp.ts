// Node-only: binary uploads and streamed, ranged downloads of media over HTTP.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorResponse } from '../Api.js';
import { ServiceError } from '../errors.js';
import type { Service } from '../Service.js';
import { parseRange } from './byteRange.js';
import type { MediaLinks } from './mediaLinks.js';
import type { MediaLibrary } from './MediaLibrary.js';

const CONTENT = /^\/media\/([1-9][0-9]{0,18})\/content$/;
const INLINE = /^(image|audio|video)\//;

/**
 * Whether a request is one {@link mediaHttp} serves (so the caller can admit it first).
 * @param method - HTTP method
 * @param pathname - URL path
 * @returns true for uploads and downloads
 * @example
 * ```ts
 * isMediaRequest('POST', '/media'); // true
 * ```
 */
export function isMediaRequest(method: string | undefined, pathname: string): boolean {
  return (method === 'POST' && pathname === '/media') || ((method === 'GET' || method === 'HEAD') && CONTENT.test(pathname));
}

function fail(res: ServerResponse, e: unknown, req: IncomingMessage): void {
  const r = errorResponse(e);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // A body we refuse is not read: the connection closes instead of draining up to 25 MB.
  res.writeHead(r.status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', connection: 'close' });
  res.end(JSON.stringify(r.body), () => {
    if (!req.complete) req.destroy();
  });
}

function disposition(contentType: string, filename: string): string {
  const kind = INLINE.test(contentType) ? 'inline' : 'attachment';
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * Serves `POST /media?filename=name` (the raw file as the body, with Content-Length; answers
 * 201 with the file's metadata) and `GET`/`HEAD /media/{id}/content` (the bytes, streamed, with
 * the sniffed Content-Type, Content-Length, ETag and single `Range` requests). Both need
 * `Authorization: Bearer <token>`, except a download whose query carries a valid signed link
 * (`expires` and `signature`, from `POST /media/{mediaId}/links`).
 *
 * @param service - for authentication
 * @param media - the library
 * @param links - checks signed download links; none: every request needs a token
 * @returns a handler answering true when it served the request, false when it is not a media request
 * @example
 * ```ts
 * const serveMedia = mediaHttp(service, features.media);
 * http.on('request', async (req, res) => { if (!(await serveMedia(req, res, new URL(req.url!, 'http://x')))) next(req, res); });
 * ```
 */
export function mediaHttp(service: Service, media: MediaLibrary, links?: MediaLinks): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> {
  return async (req, res, url) => {
    const upload = req.method === 'POST' && url.pathname === '/media';
    const download = (req.method === 'GET' || req.method === 'HEAD') && CONTENT.exec(url.pathname);
    if (!upload && !download) return false;
    try {
      // A download with a signed link needs no token: the link is the permission, until it expires.
      const linked = download && links !== undefined && url.searchParams.has('signature');
      if (linked && !links.verify(download[1]!, url.searchParams)) throw new ServiceError('forbidden', 'the link is invalid or has expired; ask for a new one (POST /media/{mediaId}/links)');
      const auth = req.headers.authorization;
      if (!linked && (auth === undefined || !auth.startsWith('Bearer '))) throw new ServiceError('unauthorized', 'send "Authorization: Bearer <token>"; get a token from /auth/login');
      const caller = linked ? undefined : await service.authenticate(auth!.slice(7));
      if (upload && caller) {
        const declared = req.headers['content-length'];
        if (declared === undefined || !/^[0-9]{1,16}$/.test(declared)) throw new ServiceError('validation', 'send the file as the body with a Content-Length header (chunked uploads are not accepted)');
        const info = await media.upload(caller, req, Number(declared), url.searchParams.get('filename') ?? 'file');
        res.writeHead(201, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
        res.end(JSON.stringify(info));
        return true;
      }
      const file = caller ? await media.open(caller, download ? download[1]! : '') : await media.openLinked(download ? download[1]! : '');
      const { size, contentType, filename, digest } = file.media;
      const headers: Record<string, string> = {
        'content-type': contentType,
        'accept-ranges': 'bytes',
        etag: `"${digest}"`,
        // A file never changes under its id; a linked copy is kept no longer than its link lives.
        'cache-control': linked ? `private, max-age=${Math.max(0, Math.floor((Number(url.searchParams.get('expires')) - Date.now()) / 1000))}` : 'private, max-age=31536000, immutable',
        'content-disposition': disposition(contentType, filename),
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
      };
      const range = parseRange(req.headers.range, size);
      if (range === 'unsatisfiable') {
        res.writeHead(416, { ...headers, 'content-range': `bytes */${size}`, 'content-length': '0' }).end();
        return true;
      }
      const [start, end] = range ? [range.start, range.end] : [0, size - 1];
      if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
      headers['content-length'] = String(end - start + 1);
      res.writeHead(range ? 206 : 200, headers);
      if (req.method === 'HEAD') {
        res.end();
        return true;
      }
      for await (const part of file.read(start, end)) {
        if (!res.write(part)) {
          // Wait for the client to read, or for it to go away.
          await new Promise<void>((ok) => {
            const done = (): void => {
              res.off('drain', done);
              res.off('close', done);
              ok();
            };
            res.on('drain', done);
            res.on('close', done);
          });
        }
        if (res.destroyed) return true;
      }
      res.end();
    } catch (e) {
      fail(res, e, req);
    }
    return true;
  };
}
