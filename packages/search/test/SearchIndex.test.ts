import { describe, expect, it } from 'vitest';
import { SearchIndex } from '../src/index.js';

function chat(): SearchIndex {
  const index = new SearchIndex({ fields: ['text'], stored: { channel: 'string', author: 'string', time: 'number' } });
  index.add('m1', { text: 'How do I install Ubuntu on a laptop?', channel: 'help', author: 'ann', time: 100 });
  index.add('m2', { text: 'installing ubuntu now', channel: 'general', author: 'bob', time: 200 });
  index.add('m3', { text: 'the wifi is not working on my laptop', channel: 'help', author: 'bob', time: 300 });
  index.add('m4', { text: 'Новые книги про Linux', channel: 'ru', author: 'ivan', time: 400 });
  return index;
}

const ids = (hits: { id: unknown }[]): unknown[] => hits.map((h) => h.id);

describe('SearchIndex', () => {
  it('adds, finds, updates and removes by id', () => {
    const index = chat();
    expect(index.size).toBe(4);
    expect(index.has('m1')).toBe(true);
    expect(ids(index.search('install ubuntu'))).toEqual(['m2', 'm1']);
    index.update('m2', { text: 'nothing to see here' });
    expect(ids(index.search('install ubuntu'))).toEqual(['m1']);
    expect(ids(index.search('nothing'))).toEqual(['m2']);
    expect(index.remove('m1')).toBe(true);
    expect(index.remove('m1')).toBe(false);
    expect(index.search('install')).toEqual([]);
    expect(index.size).toBe(3);
    expect(index.stored('m1')).toBeUndefined();
  });

  it('update of an absent id adds it', () => {
    const index = chat();
    index.update('m9', { text: 'brand new' });
    expect(ids(index.search('brand'))).toEqual(['m9']);
  });

  it('AND requires every word, OR any', () => {
    const index = chat();
    expect(ids(index.search('laptop wifi'))).toEqual(['m3']);
    expect(ids(index.search('laptop wifi', { mode: 'or' }))).toEqual(['m3', 'm1']);
    expect(index.search('laptop zebra')).toEqual([]);
    expect(ids(index.search('laptop zebra', { mode: 'or' })).sort()).toEqual(['m1', 'm3']);
  });

  it('quoted phrases must appear in order; -term and -"phrase" exclude', () => {
    const index = chat();
    expect(ids(index.search('"not working"'))).toEqual(['m3']);
    expect(index.search('"working not"')).toEqual([]);
    expect(ids(index.search('laptop -wifi'))).toEqual(['m1']);
    expect(ids(index.search('laptop -"not working"'))).toEqual(['m1']);
    expect(ids(index.search('laptop -"working not"')).sort()).toEqual(['m1', 'm3']);
    expect(index.search('-laptop')).toEqual([]);
  });

  it('filters on stored fields: equality, lists, ranges', () => {
    const index = chat();
    expect(ids(index.search('laptop', { filter: { channel: 'help', author: 'bob' } }))).toEqual(['m3']);
    expect(ids(index.search('install', { filter: { author: ['ann', 'zed'] } }))).toEqual(['m1']);
    expect(ids(index.search('laptop', { filter: { time: { gt: 100, lte: 300 } } }))).toEqual(['m3']);
    expect(index.search('laptop', { filter: { channel: 'nowhere' } })).toEqual([]);
    expect(index.stored('m3')).toEqual({ channel: 'help', author: 'bob', time: 300 });
  });

  it('prefix and fuzzy matching, expansions discounted', () => {
    const index = chat();
    expect(ids(index.search('ubunt', { prefix: true }))).toEqual(['m2', 'm1']);
    expect(index.search('ubunt')).toEqual([]);
    expect(ids(index.search('laptpo', { fuzzy: 2 })).sort()).toEqual(['m1', 'm3']);
    index.add('m5', { text: 'laptopbag everywhere' });
    // An expansion scores 0.7 of what the expanded term itself would score.
    const hit = index.search('laptop', { prefix: true }).find((h) => h.id === 'm5');
    expect(hit!.score).toBeCloseTo(0.7 * index.search('laptopbag')[0]!.score, 12);
  });

  it('matches Cyrillic and folds case and diacritics', () => {
    const index = chat();
    expect(ids(index.search('КНИГА'))).toEqual(['m4']);
    expect(ids(index.search('новая книга'))).toEqual(['m4']);
    index.add('m6', { text: 'Crème brûlée recipe' });
    expect(ids(index.search('creme brulee'))).toEqual(['m6']);
  });

  it('scores BM25 exactly on a tiny collection', () => {
    const index = new SearchIndex({ fields: ['text'], tokenizer: { stem: false } });
    index.add(1, { text: 'a b' });
    index.add(2, { text: 'b c c' });
    // N = 2, avg length 2.5; "c": df 1, tf 2, length 3.
    const idf = Math.log(1 + (2 - 1 + 0.5) / (1 + 0.5));
    const tfw = 2 / (0.25 + (0.75 * 3) / 2.5);
    expect(index.search('c')[0]!.score).toBeCloseTo((idf * 2.2 * tfw) / (1.2 + tfw), 12);
  });

  it('scores TF-IDF as tf × ln(N/df), with field boosts', () => {
    const index = new SearchIndex({ fields: [{ name: 'title', boost: 3 }, 'body'], scoring: 'tfidf', tokenizer: { stem: false } });
    index.add(1, { title: 'x', body: 'x y' });
    index.add(2, { body: 'z' });
    index.add(3, { body: 'z' });
    expect(index.search('x')[0]!.score).toBeCloseTo((3 + 1) * Math.log(3 / 1), 12);
  });

  it('boosted fields rank higher; ties go to the newer document', () => {
    const index = new SearchIndex({ fields: [{ name: 'title', boost: 5 }, 'body'] });
    index.add('a', { title: 'kernel', body: 'text' });
    index.add('b', { title: 'text', body: 'kernel' });
    expect(ids(index.search('kernel'))).toEqual(['a', 'b']);
    const same = new SearchIndex({ fields: ['text'] });
    same.add('old', { text: 'hello world' });
    same.add('new', { text: 'hello world' });
    expect(ids(same.search('hello'))).toEqual(['new', 'old']);
  });

  it('repeated query words count again, as in Lucene', () => {
    const index = new SearchIndex({ fields: ['text'] });
    index.add(1, { text: 'alpha beta' });
    index.add(2, { text: 'gamma delta' });
    const once = index.search('alpha')[0]!.score;
    expect(index.search('alpha alpha')[0]!.score).toBeCloseTo(2 * once, 12);
  });

  it('compacts tombstones by itself past the threshold, keeping results', () => {
    const index = new SearchIndex({ fields: ['text'], compactThreshold: 0.25 });
    for (let i = 0; i < 3000; i++) index.add(i, { text: `message ${i % 7 === 0 ? 'seven' : 'other'} number${i}` });
    for (let i = 0; i < 1500; i++) index.remove(i);
    const m = index.memoryUsage();
    expect(m.docs).toBe(1500);
    expect(m.tombstones).toBeLessThan(1024);
    expect(index.search('seven', { limit: 10_000 }).length).toBe([...Array(3000).keys()].filter((i) => i >= 1500 && i % 7 === 0).length);
    expect(ids(index.search('number2999'))).toEqual([2999]);
    index.compact();
    expect(index.memoryUsage().tombstones).toBe(0);
    expect(index.memoryUsage().terms).toBeLessThan(1600);
  });

  it('limit 0 returns nothing; an empty query returns nothing', () => {
    const index = chat();
    expect(index.search('laptop', { limit: 0 })).toEqual([]);
    expect(index.search('')).toEqual([]);
    expect(index.search('  ... !!! ')).toEqual([]);
  });

  it('accepts a custom tokenizer', () => {
    // Upper-cases and splits on commas and spaces, leaving empty strings that the index drops.
    const index = new SearchIndex({ fields: ['text'], tokenizer: (t) => t.toUpperCase().split(/[\s,]/) });
    index.add(1, { text: 'a b,,c' });
    expect(ids(index.search('c b'))).toEqual([1]);
    expect(index.search('d')).toEqual([]);
    expect(index.memoryUsage().terms).toBe(3);
  });
});
