const vowels = new Set(['a', 'e', 'i', 'o', 'u']);

function isConsonant(w: string, i: number): boolean {
  const c = w[i]!;
  if (vowels.has(c)) return false;
  // 'y' after a consonant acts as a vowel (as in "fly"), after a vowel as a consonant ("toy").
  if (c === 'y') return i === 0 || !isConsonant(w, i - 1);
  return true;
}

function hasVowel(w: string, end: number): boolean {
  for (let i = 0; i < end; i++) if (!isConsonant(w, i)) return true;
  return false;
}

/** Porter's measure m of w[0..end): the number of vowel-consonant sequences. */
function measure(w: string, end: number): number {
  let m = 0;
  let i = 0;
  while (i < end && isConsonant(w, i)) i++;
  while (i < end) {
    while (i < end && !isConsonant(w, i)) i++;
    if (i >= end) break;
    while (i < end && isConsonant(w, i)) i++;
    m++;
  }
  return m;
}

/** consonant-vowel-consonant ending where the last consonant is not w, x or y ("hop", not "snow"). */
function endsCvc(w: string): boolean {
  const n = w.length;
  if (n < 3) return false;
  const last = w[n - 1]!;
  return isConsonant(w, n - 3) && !isConsonant(w, n - 2) && isConsonant(w, n - 1) && last !== 'w' && last !== 'x' && last !== 'y';
}

function afterEdIng(stem: string): string {
  // "used" → "us" → "use" and "aged" → "age", but "doing" → "do".
  if (stem.length === 2) return isConsonant(stem, 1) ? `${stem}e` : stem;
  if (stem.endsWith('at') || stem.endsWith('bl') || stem.endsWith('iz')) return `${stem}e`;
  const n = stem.length;
  const last = stem[n - 1]!;
  if (n >= 2 && last === stem[n - 2] && isConsonant(stem, n - 1) && last !== 'l' && last !== 's' && last !== 'z') return stem.slice(0, -1);
  if (measure(stem, n) === 1 && endsCvc(stem)) return `${stem}e`;
  return stem;
}

/**
 * A light English stemmer: only inflections are removed (plural -s/-es/-ies, -ed, -ing and a
 * final silent -e, after Porter's steps 1a, 1b and 5a), so "installed", "installing" and
 * "installs" all become "install" while derivations ("installation") stay distinct.
 * Words of three letters or fewer are returned unchanged.
 *
 * @param word - a lower-case Latin word (as produced by {@link foldText})
 * @returns its stem
 * @example
 * ```ts
 * stemEnglish('running') // 'run'
 * stemEnglish('studies') // 'study'
 * ```
 */
export function stemEnglish(word: string): string {
  if (word.length <= 3) return word;
  let w = word;
  // Step 1a: plurals.
  if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('ies')) w = w.length > 4 ? `${w.slice(0, -3)}y` : w.slice(0, -1);
  else if (/(?:ch|sh|x|z)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);
  // Step 1b: past tense and progressive.
  if (w.endsWith('eed')) {
    if (measure(w, w.length - 3) > 0) w = w.slice(0, -1);
  } else if (w.endsWith('ied') && w.length > 4) {
    w = `${w.slice(0, -3)}y`;
  } else if (w.endsWith('ed') && hasVowel(w, w.length - 2) && w.length >= 4) {
    w = afterEdIng(w.slice(0, -2));
  } else if (w.endsWith('ing') && hasVowel(w, w.length - 3) && w.length >= 5) {
    w = afterEdIng(w.slice(0, -3));
  }
  // Step 5a: a final silent e, so that "use" and "used" meet.
  if (w.endsWith('e') && w.length > 3) {
    const m = measure(w, w.length - 1);
    if (m > 1 || (m === 1 && !endsCvc(w.slice(0, -1)))) w = w.slice(0, -1);
  }
  return w;
}
