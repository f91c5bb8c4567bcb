// NatsFanOut against the real NATS server: events reach other processes' listeners (here: a
// second connection), in order, once; local listeners hear them synchronously; nothing leaks.
import { randomBytes } from 'node:crypto';
import { connect } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispatchEvent } from '../src/FanOut.js';
import { NatsFanOut } from '../src/NatsFanOut.js';
import { NATS_URL, reachableNats } from './support/nats.js';

const url = await reachableNats();

const until = async (cond: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

if (!url) {
  describe.skip(`NatsFanOut (no server at ${NATS_URL}; set CHORUS_TEST_NATS_URL)`, () => {
    it('carries events between processes', () => undefined);
  });
} else {
  describe('NatsFanOut', () => {
    // A prefix of its own per run, so parallel runs on one server never hear each other.
    const prefix = `t${randomBytes(6).toString('hex')}`;
    let a: NatsFanOut;
    let b: NatsFanOut;
    beforeAll(async () => {
      a = await NatsFanOut.connect(url, { prefix });
      b = await NatsFanOut.connect(url, { prefix });
    });
    afterAll(async () => {
      await a.close();
      await b.close();
    });

    it('delivers locally at once and to the other process in publish order, each event once', async () => {
      const here: DispatchEvent[] = [];
      const there: DispatchEvent[] = [];
      const offA = a.subscribe('guild:1', (e) => here.push(e));
      const offB = b.subscribe('guild:1', (e) => there.push(e));
      await b.flush();
      for (let i = 0; i < 200; i++) a.publish('guild:1', { t: 'MESSAGE_CREATE', d: { n: i, content: `m${i} ✓` } });
      expect(here).toHaveLength(200); // synchronous, before any network round trip
      await a.flush();
      await until(() => there.length === 200);
      await new Promise((r) => setTimeout(r, 50)); // no echo arrives late at A
      expect(here).toHaveLength(200);
      expect(there.map((e) => (e.d as { n: number }).n)).toEqual([...Array(200).keys()]);
      expect(there[7]).toEqual({ t: 'MESSAGE_CREATE', d: { n: 7, content: 'm7 ✓' } });
      offA();
      offB();
    });

    it('keeps topics apart and stops listening when the last listener leaves', async () => {
      const got: string[] = [];
      const off1 = b.subscribe('user:5', (e) => got.push(`5:${e.t}`));
      const off2 = b.subscribe('user:6', (e) => got.push(`6:${e.t}`));
      expect(b.topicCount).toBe(2);
      await b.flush();
      a.publish('user:5', { t: 'A', d: null });
      a.publish('user:6', { t: 'B', d: null });
      await a.flush();
      await until(() => got.length === 2);
      off1();
      expect(b.topicCount).toBe(1);
      await b.flush();
      a.publish('user:5', { t: 'C', d: null });
      a.publish('user:6', { t: 'D', d: null });
      await a.flush();
      await until(() => got.length === 3);
      await new Promise((r) => setTimeout(r, 50));
      expect(got.sort()).toEqual(['5:A', '6:B', '6:D']);
      off2();
      expect(b.topicCount).toBe(0);
    });

    it('counts and drops foreign messages on its subjects instead of crashing', async () => {
      const got: DispatchEvent[] = [];
      const errors: Error[] = [];
      const c = await NatsFanOut.connect(url, { prefix, onError: (e) => errors.push(e) });
      const off = c.subscribe('channel:9', (e) => got.push(e));
      await c.flush();
      const raw = await connect({ servers: url });
      for (const bad of ['not json', '{"t":1}', '[]', 'null', '{"o":"x","t":"T"}']) raw.publish(`${prefix}.channel.9`, new TextEncoder().encode(bad));
      raw.publish(`${prefix}.channel.9`, new TextEncoder().encode('{"o":"x","t":"OK","d":1}'));
      await raw.flush();
      await raw.close();
      await until(() => got.length === 1);
      expect(got).toEqual([{ t: 'OK', d: 1 }]);
      expect(c.malformed).toBe(5);
      expect(errors).toHaveLength(5);
      off();
      await c.close();
    });

    it('refuses topics and prefixes that are not plain subject tokens', () => {
      expect(() => a.publish('guild:*', { t: 'X', d: null })).toThrow(/cannot be a NATS subject/);
      expect(() => a.subscribe('guild:1 2', () => undefined)).toThrow(/cannot be a NATS subject/);
      expect(() => a.publish('guild:>', { t: 'X', d: null })).toThrow(/cannot be a NATS subject/);
    });
  });
}
