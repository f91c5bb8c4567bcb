/** An inclusive byte range of a file, as HTTP Range requests count. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Parses an HTTP `Range` header for a file of `size` bytes (RFC 9110 §14.1.2). One range only:
 * `bytes=a-b`, `bytes=a-` and `bytes=-n` (the last n bytes); an end past the file is clipped.
 *
 * @param header - the header's value, or undefined when absent
 * @param size - the file's size in bytes
 * @returns `undefined` (no header or one to ignore, such as several ranges or another unit:
 *   send the whole file), `'unsatisfiable'` (answer 416), or the range
 * @example
 * ```ts
 * parseRange('bytes=0-99', 1000);  // { start: 0, end: 99 }
 * parseRange('bytes=-10', 1000);   // { start: 990, end: 999 }
 * parseRange('bytes=2000-', 1000); // 'unsatisfiable'
 * ```
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d{0,16})-(\d{0,16})$/.exec(header.trim());
  // Other units and multi-range requests may be answered with the whole file (RFC 9110 §14.2).
  if (!m) return undefined;
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return undefined;
  if (a === '') {
    const n = Number(b);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size) return 'unsatisfiable';
  if (b !== '' && Number(b) < start) return undefined;
  return { start, end };
}
