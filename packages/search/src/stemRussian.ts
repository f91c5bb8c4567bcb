// Inflectional endings of Russian nouns, adjectives, participles and verbs, longest first so
// that "ами" wins over "и". Derivational suffixes are left alone: this is a light stemmer.
const endings: readonly string[] = [
  'ующимися', 'ующихся', 'ующими', 'ющимися', 'ившись', 'ывшись',
  'иями', 'ями', 'ами', 'ией', 'иям', 'ием', 'иях', 'ого', 'его', 'ому', 'ему', 'ыми', 'ими',
  'ешь', 'ете', 'ите', 'ишь', 'ует', 'уют', 'ала', 'яла', 'ила', 'ыла', 'ена', 'ило', 'ыло', 'ено',
  'ать', 'ять', 'ить', 'еть', 'ыть', 'ться', 'тся', 'ась', 'ись', 'ось',
  'ая', 'яя', 'ое', 'ее', 'ые', 'ие', 'ый', 'ий', 'ой', 'ей', 'ую', 'юю', 'ою', 'ею', 'ом', 'ем',
  'ым', 'им', 'ых', 'их', 'ам', 'ям', 'ах', 'ях', 'ов', 'ев', 'ья', 'ье', 'ью', 'ьи', 'ию', 'ия',
  'ии', 'ут', 'ют', 'ят', 'ат', 'ет', 'ит', 'ла', 'ли', 'ло',
  'а', 'я', 'о', 'е', 'ы', 'и', 'у', 'ю', 'ь', 'й',
];
const byLength: readonly string[] = [...endings].sort((a, b) => b.length - a.length);
const cyrVowels = /[аеиоуыэюяё]/;

/**
 * A light Russian stemmer: strips one inflectional ending (case, number, gender, tense) so
 * that "книга", "книги", "книгу" and "книгой" meet, keeping at least two letters and a vowel
 * in the stem. Derivational suffixes are kept.
 *
 * @param word - a lower-case Cyrillic word (as produced by {@link foldText}, so ё is е)
 * @returns its stem; words of three letters or fewer are returned unchanged
 * @example
 * ```ts
 * stemRussian('новыми') // 'нов'
 * ```
 */
export function stemRussian(word: string): string {
  if (word.length <= 3) return word;
  for (const e of byLength) {
    if (word.length - e.length >= 2 && word.endsWith(e)) {
      const stem = word.slice(0, -e.length);
      if (cyrVowels.test(stem)) return stem;
    }
  }
  return word;
}
