import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTokenizer, foldText, parseQuery, stemEnglish, stemRussian } from '../src/index.js';

describe('foldText', () => {
  it('applies NFKC, case folding and diacritic folding', () => {
    expect(foldText('Crème BRÛLÉE')).toBe('creme brulee');
    expect(foldText('ＡＢＣ１２３')).toBe('abc123');
    expect(foldText('Straße ΣΟΦΟΣ')).toBe('strasse σοφοσ');
    expect(foldText('Ёлка')).toBe('елка');
  });

  it('keeps letters whose marks make them distinct: й, Japanese dakuten', () => {
    expect(foldText('мой')).toBe('мой');
    expect(foldText('が')).toBe('が');
  });

  it('is idempotent', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => foldText(foldText(s)) === foldText(s)));
  });
});

describe('stemmers', () => {
  it('English: inflections meet, derivations stay', () => {
    const same = [
      ['install', 'installed', 'installing', 'installs'],
      ['run', 'running', 'runs'],
      ['study', 'studies', 'studied'],
      ['use', 'used', 'using', 'uses'],
      ['box', 'boxes'],
      ['make', 'making', 'makes'],
    ];
    for (const group of same) expect(new Set(group.map(stemEnglish)).size).toBe(1);
    expect(stemEnglish('installation')).not.toBe(stemEnglish('install'));
    expect(stemEnglish('bus')).toBe('bus');
    expect(stemEnglish('this')).toBe('this');
  });

  it('Russian: case and number endings meet', () => {
    const same = [
      ['книга', 'книги', 'книгу', 'книгой', 'книгам'],
      ['новый', 'новая', 'новое', 'новых', 'новыми'],
      ['банк', 'банка', 'банку', 'банком', 'банков'],
    ];
    for (const group of same) expect(new Set(group.map(stemRussian)).size).toBe(1);
  });

  it('stems never grow a word by more than one letter and never empty it', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'abcdeghilnorstuyz'), minLength: 1, maxLength: 14 }), (w) => {
        const s = stemEnglish(w);
        return s.length > 0 && s.length <= w.length + 1;
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'абвгдеиклмнорстуыюяй'), minLength: 1, maxLength: 14 }), (w) => {
        const s = stemRussian(w);
        return s.length >= Math.min(w.length, 2) && w.startsWith(s);
      }),
    );
  });
});

describe('createTokenizer', () => {
  const tokenize = createTokenizer();

  it('splits Latin, Cyrillic and digits, stems, and bigrams CJK', () => {
    expect(tokenize('Installing Ubuntu 24.04 — новые книги, 東京都')).toEqual(['install', 'ubuntu', '24', '04', 'нов', 'книг', '東京', '京都']);
    expect(tokenize('日')).toEqual(['日']);
    expect(tokenize('ubuntuの設定')).toEqual(['ubuntu', 'の設', '設定']);
  });

  it('cuts long tokens to maxTokenLength', () => {
    const t = createTokenizer({ maxTokenLength: 8 });
    expect(t('abcdefghijklmnop')).toEqual(['abcdefgh']);
  });

  it('the ASCII fast path gives what the Unicode path gives', () => {
    const plain = createTokenizer();
    const words = fc.string({ unit: fc.constantFrom(...'abcdeginsxyz019 .,-_'), maxLength: 80 });
    fc.assert(
      fc.property(words, (s) => {
        // Arrange: the same text, forced through the Unicode path by a trailing non-ASCII word.
        const fast = plain(s);
        const slow = plain(`${s} ж`);
        // Assert
        expect(slow.slice(0, -1)).toEqual(fast);
      }),
      { numRuns: 500 },
    );
  });

  it('is split-invariant at whitespace and deterministic', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }), (a, b) => {
        expect(tokenize(`${a} ${b}`)).toEqual([...tokenize(a), ...tokenize(b)]);
      }),
      { numRuns: 300 },
    );
  });

  it('emits only non-empty tokens of letters, digits and marks', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        for (const t of tokenize(s)) {
          expect(t.length).toBeGreaterThan(0);
          expect(/^[\p{L}\p{N}\p{M}]+$/u.test(t)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('parseQuery', () => {
  it('reads words, phrases and exclusions', () => {
    expect(parseQuery('wifi "not working" -windows -"dual boot" - x')).toEqual([
      { text: 'wifi', phrase: false, exclude: false },
      { text: 'not working', phrase: true, exclude: false },
      { text: 'windows', phrase: false, exclude: true },
      { text: 'dual boot', phrase: true, exclude: true },
      { text: '-', phrase: false, exclude: false },
      { text: 'x', phrase: false, exclude: false },
    ]);
    expect(parseQuery('"unterminated phrase')).toEqual([{ text: 'unterminated phrase', phrase: true, exclude: false }]);
  });

  it('never throws and never yields more clauses than characters', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (q) => parseQuery(q).length <= q.length));
  });
});
