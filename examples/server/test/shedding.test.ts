import { LoadShedder, ManualClock } from '@chorus/breaker';
import { describe, expect, it } from 'vitest';
import { Api, InProcessFanOut, PRIORITIES, ROUTES, Service, shedderAdmit, type ApiResponse, type Priority, type Store } from '../src/index.js';
import { SqliteStore } from '../src/SqliteStore.js';
import { FAST_ARGON2 } from './helpers.js';

describe('overload shedding through @chorus/breaker', () => {
  it('sheds history reads with 503 + Retry-After before message sends', async () => {
    // Arrange: message writes hang on a gate, so sends pile up as the store would under overload.
    const inner = new SqliteStore({ file: ':memory:' });
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let gated = false;
    const store = new Proxy(inner, {
      get(target, key, receiver) {
        if (key === 'createMessage' && gated) return async (m: Parameters<Store['createMessage']>[0]) => (await gate, target.createMessage(m));
        const v = Reflect.get(target, key, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }) as Store;
    const clock = new ManualClock();
    const service = new Service({ store, fanOut: new InProcessFanOut(), argon2: FAST_ARGON2, now: () => clock.now(), limits: { sendBurst: 1000, sendPerSecond: 1000 } });
    const shedder = new LoadShedder<Priority>({ priorities: PRIORITIES, maxConcurrent: 2, maxQueue: 1000, clock, retryAfterMs: 2000 });
    const api = new Api(service, ROUTES, shedderAdmit(shedder));
    const { token } = await service.register({ username: 'ada', password: 'password123' });
    const guild = await service.createGuild(await service.authenticate(token), { name: 'g' });
    const ch = guild.channels[0]!.id;
    const call = (method: string, path: string, body?: unknown): Promise<ApiResponse> => api.handle({ method, path, query: [], token, body, userAgent: '' });
    gated = true;

    // Act: keep both slots busy with sends, queue more work, let time pass.
    const sends: Promise<ApiResponse>[] = [call('POST', `/channels/${ch}/messages`, { content: 'a' }), call('POST', `/channels/${ch}/messages`, { content: 'b' })];
    const reads: Promise<ApiResponse>[] = [];
    for (let step = 0; step < 30; step++) {
      clock.advance(30);
      reads.push(call('GET', `/channels/${ch}/messages`));
      sends.push(call('POST', `/channels/${ch}/messages`, { content: `s${step}` }));
      await new Promise((r) => setImmediate(r));
    }
    open();
    const readResults = await Promise.all(reads);
    const sendResults = await Promise.all(sends);

    // Assert: reads were shed with a typed 503 and Retry-After; every send went through.
    const shed = readResults.filter((r) => r.status === 503);
    expect(shed.length).toBeGreaterThan(0);
    expect(shed[0]!.body).toMatchObject({ code: 'overloaded' });
    expect(shed[0]!.retryAfterSeconds).toBe(2);
    expect(sendResults.map((r) => r.status)).toEqual(sendResults.map(() => 201));
    expect(shedder.metrics().shed.critical).toBe(0);
    expect(shedder.metrics().shed.low).toBe(shed.length);
    await inner.close();
  });

  it('with the queue full of one user’s sends, another user’s send takes the place of the newest', async () => {
    // Arrange: writes hang on a gate; one slot, a queue of 3.
    const inner = new SqliteStore({ file: ':memory:' });
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const store = new Proxy(inner, {
      get(target, key, receiver) {
        if (key === 'createMessage') return async (m: Parameters<Store['createMessage']>[0]) => (await gate, target.createMessage(m));
        const v = Reflect.get(target, key, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }) as Store;
    const service = new Service({ store, fanOut: new InProcessFanOut(), argon2: FAST_ARGON2, limits: { sendBurst: 1000, sendPerSecond: 1000 } });
    const shedder = new LoadShedder<Priority>({ priorities: PRIORITIES, maxConcurrent: 1, maxQueue: 3 });
    const api = new Api(service, ROUTES, shedderAdmit(shedder));
    const heavy = await service.register({ username: 'heavy', password: 'password123' });
    const light = await service.register({ username: 'light', password: 'password123' });
    const guild = await service.createGuild(await service.authenticate(heavy.token), { name: 'g' });
    const invite = await service.createInvite(await service.authenticate(heavy.token), guild.id, {});
    await service.acceptInvite(await service.authenticate(light.token), invite.code);
    const ch = guild.channels[0]!.id;
    const send = (token: string, content: string): Promise<ApiResponse> => api.handle({ method: 'POST', path: `/channels/${ch}/messages`, query: [], token, body: { content }, userAgent: '' });

    // Act: heavy holds the slot and fills the queue; then light sends once.
    const heavySends = ['h0', 'h1', 'h2', 'h3'].map((c) => send(heavy.token, c));
    await new Promise((r) => setImmediate(r));
    const lightSend = send(light.token, 'l0');
    await new Promise((r) => setImmediate(r));
    open();

    // Assert: heavy's newest send was shed (503) and light's went through.
    expect((await Promise.all(heavySends)).map((r) => r.status)).toEqual([201, 201, 201, 503]);
    expect((await lightSend).status).toBe(201);
    await inner.close();
  });
});
