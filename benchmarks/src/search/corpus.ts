// The chat corpus of the `search` benchmark: the first N messages of the #ubuntu IRC log plus
// the Russian tweets (../shared/data/chat-text), and query sampling from it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { seededRandom } from '@chorus/simulcast/sim';

export interface ChatDoc {
  id: number;
  text: string;
}

/** Loads `english` IRC messages and up to `russian` Russian tweets; ids are 1.. in order. */
export function loadChat(dir: string, english: number, russian: number): ChatDoc[] {
  const docs: ChatDoc[] = [];
  const irc = gunzipSync(readFileSync(join(dir, 'ubuntu-irc-messages.tsv.gz'))).toString('utf8').split('\n');
  for (let i = 1; i < irc.length && docs.length < english; i++) {
    const cols = irc[i]!.split('\t');
    if (cols.length < 6) continue;
    docs.push({ id: docs.length + 1, text: cols[5]! });
  }
  const ru = readFileSync(join(dir, 'ru-tweets-sentirueval2016.tsv'), 'utf8').split('\n');
  for (let i = 1, n = 0; i < ru.length && n < russian; i++) {
    const cols = ru[i]!.replace(/\r$/, '').split('\t');
    if (cols.length < 4) continue;
    docs.push({ id: docs.length + 1, text: cols[3]! });
    n++;
  }
  return docs;
}

/** Generated stand-in when the data folder is missing: Zipf-distributed words. */
export function generateChat(n: number, seed: number): ChatDoc[] {
  const rng = seededRandom(seed);
  const vocab = Array.from({ length: 20_000 }, (_, i) => wordFor(i));
  const docs: ChatDoc[] = [];
  for (let d = 0; d < n; d++) {
    const len = 3 + Math.floor(rng() * 12);
    const words: string[] = [];
    for (let i = 0; i < len; i++) words.push(vocab[Math.min(vocab.length - 1, Math.floor(1 / (rng() + 1e-4)) - 1)]!);
    docs.push({ id: d + 1, text: words.join(' ') });
  }
  return docs;
}

function wordFor(i: number): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let s = '';
  let x = i + 26;
  while (x > 0) {
    s += letters[x % 26];
    x = Math.floor(x / 26);
  }
  return s;
}

/**
 * Queries of 1-3 consecutive words (letters only, 2+ characters, lower case) from random
 * messages, so that an AND query always has at least one hit, in the corpus's own mix of
 * common and rare words and of English and Russian.
 */
export function sampleQueries(docs: readonly ChatDoc[], count: number, seed: number): string[] {
  const rng = seededRandom(seed);
  const out: string[] = [];
  while (out.length < count) {
    const d = docs[Math.floor(rng() * docs.length)]!;
    const words = d.text.toLowerCase().match(/[a-zа-яё]{2,}/g);
    if (words === null) continue;
    const len = Math.min(words.length, 1 + Math.floor(rng() * 3));
    const at = Math.floor(rng() * (words.length - len + 1));
    out.push(words.slice(at, at + len).join(' '));
  }
  return out;
}
