/**
 * What went wrong, as a stable string a caller can branch on.
 *
 * - `INVALID_OPTIONS`: an index or search option is out of range or of the wrong type.
 * - `INVALID_ID`: a document id is not a non-empty string (at most 512 characters) or a safe integer.
 * - `INVALID_DOCUMENT`: a document is not a plain object, or a field has the wrong type.
 * - `DUPLICATE_ID`: `add` was given an id that is already indexed (use `update`).
 * - `DOCUMENT_TOO_LARGE`: a field is longer than `maxFieldLength` characters.
 * - `QUERY_TOO_LONG`: the query string is longer than `maxQueryLength` characters.
 * - `TOO_MANY_TERMS`: the query has more than `maxQueryTerms` terms.
 * - `INVALID_QUERY`: the query is not a string.
 * - `BAD_SNAPSHOT`: snapshot bytes are truncated, corrupt, of another version or inconsistent.
 * - `TOKENIZER_REQUIRED`: a snapshot made with a custom tokenizer is loaded without one.
 * - `INVALID_TOKENIZER`: a custom tokenizer returned something other than an array of strings.
 */
export type SearchErrorCode =
  | 'INVALID_OPTIONS'
  | 'INVALID_ID'
  | 'INVALID_DOCUMENT'
  | 'DUPLICATE_ID'
  | 'DOCUMENT_TOO_LARGE'
  | 'QUERY_TOO_LONG'
  | 'TOO_MANY_TERMS'
  | 'INVALID_QUERY'
  | 'BAD_SNAPSHOT'
  | 'TOKENIZER_REQUIRED'
  | 'INVALID_TOKENIZER';

/**
 * The only error this package throws on bad input. `code` says what went wrong and the
 * message says what to change.
 *
 * @example
 * ```ts
 * try { index.add('', { text: 'hi' }); }
 * catch (e) { if (e instanceof SearchError && e.code === 'INVALID_ID') console.log(e.message); }
 * ```
 */
export class SearchError extends Error {
  /** Machine-readable reason; see {@link SearchErrorCode}. */
  readonly code: SearchErrorCode;

  /**
   * @param code - the reason
   * @param message - what was wrong and what to change
   */
  constructor(code: SearchErrorCode, message: string) {
    super(message);
    this.name = 'SearchError';
    this.code = code;
  }
}

/**
 * @internal A bad value as error messages show it. Never calls a non-primitive's own
 * `toString`, which hostile input may have replaced with something that throws.
 */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value === null || value === undefined) return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
