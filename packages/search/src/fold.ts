// Marks are stripped only where they are accents on Latin or Greek letters, and on Cyrillic
// only stress accents and the diaeresis (ё → е): the breve of й is part of a different letter,
// and Japanese dakuten (が vs か) or Indic vowel signs change the word.
const latinGreekMarks = /([\p{Script=Latin}\p{Script=Greek}])\p{M}+/gu;
const cyrillicAccents = /(\p{Script=Cyrillic})[\u0300\u0301\u0308]+/gu;
const asciiOnly = /^[\x00-\x7f]*$/;

/**
 * Normalises text for indexing: NFKC (full-width and compatibility forms to plain ones), case
 * folding (lower case, plus ß → ss and final sigma → σ) and diacritic folding (é → e, ё → е,
 * but й, が and Indic vowel signs are kept because they are distinct letters).
 *
 * @param text - any string
 * @returns the folded string; ASCII input takes a fast path that only lowercases
 * @example
 * ```ts
 * foldText('Crème BRÛLÉE Ёлка') // 'creme brulee елка'
 * ```
 */
export function foldText(text: string): string {
  if (asciiOnly.test(text)) return text.toLowerCase();
  let s = text.normalize('NFKC').toLowerCase();
  if (s.includes('ß')) s = s.replaceAll('ß', 'ss');
  if (s.includes('ς')) s = s.replaceAll('ς', 'σ');
  s = s.normalize('NFD').replace(latinGreekMarks, '$1').replace(cyrillicAccents, '$1');
  return s.normalize('NFC');
}
