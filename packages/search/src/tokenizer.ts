import { foldText } from './fold.js';
import { stemEnglish } from './stemEnglish.js';
import { stemRussian } from './stemRussian.js';

/**
 * Turns text into index terms. The same function is applied to documents and to every word
 * of a query, so it must be deterministic. Plug in your own through `SearchIndexOptions.tokenizer`.
 */
export type Tokenizer = (text: string) => string[];

/** Options of {@link createTokenizer}. */
export interface TokenizerOptions {
  /**
   * Apply the light English (Latin words) and Russian (Cyrillic words) stemmers.
   * @defaultValue true
   */
  stem?: boolean;
  /**
   * Split runs of Han, Hiragana, Katakana and Hangul into overlapping character bigrams.
   * @defaultValue true
   */
  cjkBigrams?: boolean;
  /**
   * Longer tokens (URLs, hashes) are cut to this many characters.
   * @defaultValue 64
   */
  maxTokenLength?: number;
}

const unicodeWord = /[\p{L}\p{N}\p{M}]+/gu;
const cjkRun = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]+/gu;
const hasCjk = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const latinLetters = /^[a-z]+$/;
const cyrillicLetters = /^[а-я]+$/;
const asciiOnly = /^[\x00-\x7f]*$/;
const stemCacheLimit = 200_000;

function pushCjk(run: string, out: string[]): void {
  const chars = Array.from(run);
  if (chars.length === 1) {
    out.push(chars[0]!);
    return;
  }
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
}

/**
 * Builds the default tokenizer: {@link foldText}, then runs of Unicode letters, digits and
 * marks, CJK runs as character bigrams, then light stemming by script.
 *
 * @param options - see {@link TokenizerOptions}
 * @returns a tokenizer; it memoises stems, so keep one per index rather than one per call
 * @example
 * ```ts
 * const tokenize = createTokenizer();
 * tokenize('Installing Ubuntu 24.04 — новые книги, 東京都') // ['install','ubuntu','24','04','нов','книг','東京','京都']
 * ```
 */
export function createTokenizer(options: TokenizerOptions = {}): Tokenizer {
  const stem = options.stem ?? true;
  const bigrams = options.cjkBigrams ?? true;
  const maxLen = options.maxTokenLength ?? 64;
  const cache = new Map<string, string>();

  const stemOf = (w: string): string => {
    let s = cache.get(w);
    if (s === undefined) {
      if (latinLetters.test(w)) s = stemEnglish(w);
      else if (cyrillicLetters.test(w)) s = stemRussian(w);
      else s = w;
      if (cache.size >= stemCacheLimit) cache.clear();
      cache.set(w, s);
    }
    return s;
  };

  const emit = (w: string, out: string[]): void => {
    const t = w.length > maxLen ? w.slice(0, maxLen) : w;
    out.push(stem ? stemOf(t) : t);
  };

  return (text: string): string[] => {
    const out: string[] = [];
    if (asciiOnly.test(text)) {
      // Hot path of chat text: a hand-written scan for [a-z0-9]+ (regex match objects cost more).
      const lower = text.toLowerCase();
      const n = lower.length;
      let i = 0;
      while (i < n) {
        let c = lower.charCodeAt(i);
        if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) {
          i++;
          continue;
        }
        const start = i;
        let letters = true;
        do {
          if (c < 97) letters = false;
          c = ++i < n ? lower.charCodeAt(i) : 0;
        } while ((c >= 97 && c <= 122) || (c >= 48 && c <= 57));
        const len = i - start;
        // stemEnglish changes only words of 4+ letters ending in s, d, g or e: skip the cache for the rest.
        const last = lower.charCodeAt(i - 1);
        if (len > maxLen || (letters && stem && len > 3 && (last === 115 || last === 100 || last === 103 || last === 101))) emit(lower.slice(start, i), out);
        else out.push(lower.slice(start, i));
      }
      return out;
    }
    for (const m of foldText(text).matchAll(unicodeWord)) {
      const w = m[0];
      if (!bigrams || !hasCjk.test(w)) {
        emit(w, out);
        continue;
      }
      let last = 0;
      for (const r of w.matchAll(cjkRun)) {
        if (r.index > last) emit(w.slice(last, r.index), out);
        pushCjk(r[0], out);
        last = r.index + r[0].length;
      }
      if (last < w.length) emit(w.slice(last), out);
    }
    return out;
  };
}
