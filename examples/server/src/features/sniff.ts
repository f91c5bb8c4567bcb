/** Signatures of the formats the service recognises, checked in order. */
const SIGNATURES: readonly { type: string; at: number; bytes: readonly number[] }[] = [
  { type: 'image/png', at: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', at: 0, bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/gif', at: 0, bytes: [0x47, 0x49, 0x46, 0x38] },
  { type: 'image/webp', at: 8, bytes: [0x57, 0x45, 0x42, 0x50] },
  { type: 'audio/wav', at: 8, bytes: [0x57, 0x41, 0x56, 0x45] },
  { type: 'audio/ogg', at: 0, bytes: [0x4f, 0x67, 0x67, 0x53] },
  { type: 'audio/flac', at: 0, bytes: [0x66, 0x4c, 0x61, 0x43] },
  { type: 'audio/mpeg', at: 0, bytes: [0x49, 0x44, 0x33] },
  { type: 'video/mp4', at: 4, bytes: [0x66, 0x74, 0x79, 0x70] },
  { type: 'video/webm', at: 0, bytes: [0x1a, 0x45, 0xdf, 0xa3] },
  { type: 'application/pdf', at: 0, bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { type: 'application/zip', at: 0, bytes: [0x50, 0x4b, 0x03, 0x04] },
  { type: 'application/gzip', at: 0, bytes: [0x1f, 0x8b] },
];

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Types an image avatar may have. */
export const AVATAR_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

/**
 * The content type of a file from its first bytes, never from what the client claims: known
 * image, audio, video and archive signatures; `text/plain` for valid UTF-8 without control
 * characters; otherwise `application/octet-stream` (served as a download).
 *
 * @param head - the first bytes of the file (64 are enough for signatures; text is judged on what is given)
 * @returns a MIME type
 * @example
 * ```ts
 * sniffContentType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])); // 'image/png'
 * ```
 */
export function sniffContentType(head: Uint8Array): string {
  for (const s of SIGNATURES) {
    if (head.length < s.at + s.bytes.length) continue;
    if (s.bytes.every((b, i) => head[s.at + i] === b)) {
      // RIFF containers: WEBP and WAVE need the RIFF tag too.
      if (s.at === 8 && !(head[0] === 0x52 && head[1] === 0x49 && head[2] === 0x46 && head[3] === 0x46)) continue;
      return s.type;
    }
  }
  if (head.length > 0 && looksLikeText(head)) return 'text/plain; charset=utf-8';
  return 'application/octet-stream';
}

function looksLikeText(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
  // A multi-byte character cut at the end of the sample is still text.
  let end = bytes.length;
  for (let k = 1; k <= 3 && end - k >= 0; k++) {
    const b = bytes[end - k]!;
    if ((b & 0xc0) === 0xc0) {
      end -= k;
      break;
    }
    if ((b & 0x80) === 0) break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/**
 * A file name safe to show and to put in a Content-Disposition header: the last path segment,
 * without control characters, quotes or backslashes, at most 100 characters; `file` when
 * nothing is left. It is never used as a path.
 *
 * @param name - what the client sent
 * @returns the cleaned name
 * @example
 * ```ts
 * cleanFilename('../../etc/passwd'); // 'passwd'
 * ```
 */
export function cleanFilename(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = [...last.replace(LONE_SURROGATE, '').replace(/[\u0000-\u001f\u007f"\\]/g, '').replace(/^\.+/, '').trim()].slice(0, 100).join('');
  return cleaned.length === 0 ? 'file' : cleaned;
}
