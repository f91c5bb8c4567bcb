/** One clause of a chat-search query: a word or a quoted phrase, possibly excluded with `-`. */
export interface QueryClause {
  /** The raw text of the word or of the phrase between quotes. */
  text: string;
  /** True for a quoted phrase. */
  phrase: boolean;
  /** True when prefixed by `-`: matching documents are excluded. */
  exclude: boolean;
}

/**
 * Splits a query into words, `"quoted phrases"`, `-excluded` words and `-"excluded phrases"`.
 * An unterminated quote runs to the end of the query; a lone `-` is ignored. Runs in one pass.
 *
 * @param query - the user's query
 * @returns its clauses in order
 * @example
 * ```ts
 * parseQuery('wifi "not working" -windows')
 * // [{ text: 'wifi', phrase: false, exclude: false },
 * //  { text: 'not working', phrase: true, exclude: false },
 * //  { text: 'windows', phrase: false, exclude: true }]
 * ```
 */
export function parseQuery(query: string): QueryClause[] {
  const out: QueryClause[] = [];
  const n = query.length;
  let i = 0;
  while (i < n) {
    const ch = query.charCodeAt(i);
    if (isSpace(ch)) {
      i++;
      continue;
    }
    let exclude = false;
    if (ch === 45 /* - */ && i + 1 < n && !isSpace(query.charCodeAt(i + 1))) {
      exclude = true;
      i++;
    }
    if (query.charCodeAt(i) === 34 /* " */) {
      const close = query.indexOf('"', i + 1);
      const end = close === -1 ? n : close;
      out.push({ text: query.slice(i + 1, end), phrase: true, exclude });
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < n && !isSpace(query.charCodeAt(j)) && query.charCodeAt(j) !== 34) j++;
    if (j > i) out.push({ text: query.slice(i, j), phrase: false, exclude });
    i = j;
  }
  return out;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x3000 || c === 0x2028 || c === 0x2029;
}
