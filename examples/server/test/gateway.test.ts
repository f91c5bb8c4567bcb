import fc from 'fast-check';
import { FrameCodec, Op, type Frame } from '@chorus/wire';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloseCode, Gateway, type GatewayConnection } from '../src/index.js';
import { startServer } from '../src/node.js';
import { makeScene, NO_SHEDDING, type Scene, type TestUser } from './helpers.js';

const codec = new FrameCodec();
const tick = async (n = 5): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

class FakeSocket {
  frames: Frame[] = [];
  closedWith: number | undefined;
  bufferedAmount = 0;
  conn!: GatewayConnection;
  send(data: Uint8Array): void {
    this.frames.push(codec.decode(data));
  }
  close(code: number): void {
    this.closedWith = code;
  }
  push(frame: Frame): void {
    this.conn.receive(codec.encode(frame));
  }
  dispatches(): { s: number; t: string; d: unknown }[] {
    return this.frames.filter((f) => f.op === Op.Dispatch) as { s: number; t: string; d: unknown }[];
  }
}

function setup(s: Scene, options: Partial<ConstructorParameters<typeof Gateway>[0]> = {}) {
  const gateway = new Gateway({ service: s.w.service, api: s.w.api, now: s.w.now, heartbeatIntervalMs: 1000, ...options });
  const connect = (): FakeSocket => {
    const sock = new FakeSocket();
    sock.conn = gateway.open(sock);
    return sock;
  };
  const identify = async (who: TestUser): Promise<FakeSocket> => {
    const sock = connect();
    sock.push({ op: Op.Identify, d: { token: who.token } });
    await tick();
    return sock;
  };
  return { gateway, connect, identify };
}

describe('Gateway', () => {
  it('says Hello, answers Identify with Ready, and dispatches changes with sequence numbers', async () => {
    const s = await makeScene();
    const { identify } = setup(s);
    const sock = await identify(s.member);
    expect(sock.frames[0]).toEqual({ op: Op.Hello, d: { heartbeatIntervalMs: 1000 } });
    const ready = sock.frames[1] as { op: number; d: { user: { id: string }; guilds: { id: string; channels: { id: string }[] }[] } };
    expect(ready.op).toBe(Op.Ready);
    expect(ready.d.user.id).toBe(s.member.id);
    expect(ready.d.guilds.map((g) => g.id)).toEqual([s.guild.id]);
    // The member cannot see the secret channel, so Ready does not list it.
    expect(ready.d.guilds[0]!.channels.map((c) => c.id)).toEqual([s.general.id]);
    await s.w.service.sendMessage(s.owner.caller, s.general.id, { content: 'visible' });
    await s.w.service.sendMessage(s.owner.caller, s.secret.id, { content: 'hidden' });
    await s.w.service.sendMessage(s.owner.caller, s.dm.id, { content: 'direct' });
    await tick();
    const ds = sock.dispatches();
    expect(ds.map((d) => d.s)).toEqual(ds.map((_, i) => i + 1));
    const contents = ds.filter((d) => d.t === 'MESSAGE_CREATE').map((d) => (d.d as { content: string }).content);
    expect(contents).toEqual(['visible', 'direct']);
  });

  it('sends each recipient the bytes encode() gives for its own sequence number (one encoding shared by all)', async () => {
    // Arrange: two sessions whose sequence numbers differ (one has an extra dispatch first).
    const s = await makeScene();
    const raw = new Map<string, Uint8Array[]>();
    const gateway = new Gateway({ service: s.w.service, api: s.w.api, now: s.w.now, heartbeatIntervalMs: 1000 });
    const open = (who: TestUser): void => {
      const bytes: Uint8Array[] = [];
      raw.set(who.id, bytes);
      const conn = gateway.open({ send: (b) => bytes.push(b), close: () => undefined, bufferedAmount: 0 });
      conn.receive(codec.encode({ op: Op.Identify, d: { token: who.token } }));
    };
    open(s.owner);
    await tick();
    await s.w.service.sendMessage(s.owner.caller, s.general.id, { content: 'only the owner sees this one' });
    open(s.member);
    await tick();
    // Act
    await s.w.service.sendMessage(s.owner.caller, s.general.id, { content: 'both see this <@1>' });
    await tick();
    // Assert
    const last = (id: string): Uint8Array => raw.get(id)!.at(-1)!;
    const frames = [s.owner.id, s.member.id].map((id) => codec.decode(last(id)) as { op: number; s: number; t: string; d: unknown });
    expect(frames[0]!.s).not.toBe(frames[1]!.s);
    for (const [i, id] of [s.owner.id, s.member.id].entries()) {
      expect(frames[i]!.t).toBe('MESSAGE_CREATE');
      expect(last(id)).toEqual(codec.encode({ op: Op.Dispatch, s: frames[i]!.s, t: 'MESSAGE_CREATE', d: frames[0]!.d as never }));
    }
  });

  it('holds one fan-out subscription per topic however many sessions hear it, and drops it with the last', async () => {
    const s = await makeScene();
    const { identify, gateway } = setup(s);
    const topic = `guild:${s.guild.id}`;
    const a = await identify(s.member);
    const b = await identify(s.member);
    const c = await identify(s.owner);
    expect(s.w.fanOut.listenerCount(topic)).toBe(1);
    await s.w.service.sendMessage(s.owner.caller, s.general.id, { content: 'to all three' });
    await tick();
    for (const sock of [a, b, c]) expect(sock.dispatches().filter((d) => d.t === 'MESSAGE_CREATE').length).toBe(1);
    gateway.closeAll();
    expect(s.w.fanOut.listenerCount(topic)).toBe(0);
    expect(s.w.fanOut.listenerCount(`user:${s.member.id}`)).toBe(0);
  });

  it('delivers to every other session when one socket throws, and counts the failure', async () => {
    const s = await makeScene();
    const { identify, gateway } = setup(s);
    const broken = await identify(s.member);
    const fine = await identify(s.owner);
    broken.send = () => {
      throw new Error('socket gone');
    };
    await s.w.service.sendMessage(s.owner.caller, s.general.id, { content: 'still delivered' });
    await tick();
    expect(gateway.deliveryErrors).toBe(1);
    expect(fine.dispatches().filter((d) => d.t === 'MESSAGE_CREATE').map((d) => (d.d as { content: string }).content)).toEqual(['still delivered']);
  });

  it('acknowledges heartbeats and closes zombies', async () => {
    const s = await makeScene();
    const { identify, gateway } = setup(s);
    const sock = await identify(s.member);
    sock.push({ op: Op.Heartbeat, d: 0 });
    await tick();
    expect(sock.frames.at(-1)).toEqual({ op: Op.HeartbeatAck });
    s.w.advance(1400);
    gateway.sweep();
    expect(sock.closedWith).toBeUndefined();
    s.w.advance(200);
    gateway.sweep();
    expect(sock.closedWith).toBe(CloseCode.SessionTimedOut);
  });

  it('closes connections that never identify, and refuses bad tokens', async () => {
    const s = await makeScene();
    const { connect, gateway } = setup(s, { identifyTimeoutMs: 500, heartbeatIntervalMs: 10_000 });
    const idle = connect();
    s.w.advance(600);
    gateway.sweep();
    expect(idle.closedWith).toBe(CloseCode.NotAuthenticated);
    const bad = connect();
    bad.push({ op: Op.Identify, d: { token: 'A'.repeat(43) } });
    await tick();
    expect(bad.closedWith).toBe(CloseCode.AuthenticationFailed);
    expect(bad.frames.some((f) => f.op === Op.Error)).toBe(true);
  });

  it('resumes with exactly the missed dispatches: no loss, no duplicates (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), async (before, during) => {
        const s = await makeScene();
        const { identify, connect } = setup(s);
        const first = await identify(s.member);
        const sessionId = (first.frames[1] as { d: { sessionId: string } }).d.sessionId;
        for (let i = 0; i < before; i++) await s.w.service.sendMessage(s.owner.caller, s.general.id, { content: `b${i}` });
        await tick();
        const seen = first.dispatches();
        const lastSeq = seen.at(-1)!.s;
        first.conn.closed();
        for (let i = 0; i < during; i++) await s.w.service.sendMessage(s.owner.caller, s.general.id, { content: `d${i}` });
        await tick();
        const second = connect();
        second.push({ op: Op.Resume, d: { token: s.member.token, sessionId, seq: lastSeq } });
        await tick();
        const replayed = second.dispatches();
        expect(replayed.map((d) => (d.d as { content: string }).content)).toEqual(Array.from({ length: during }, (_, i) => `d${i}`));
        expect(replayed.map((d) => d.s)).toEqual(Array.from({ length: during }, (_, i) => lastSeq + 1 + i));
        expect(second.frames.at(-1)).toEqual({ op: Op.Resumed, d: { replayed: during } });
        // Live dispatches continue the same sequence.
        await s.w.service.sendMessage(s.owner.caller, s.general.id, { content: 'after' });
        await tick();
        expect(second.dispatches().at(-1)?.s).toBe(lastSeq + during + 1);
        await s.w.store.close();
      }),
      { numRuns: 8 },
    );
  });

  it('closes a connection too far behind on its writes, and its session resumes with what it missed', async () => {
    // Arrange: the member's socket holds more unsent bytes than the gateway allows.
    const s = await makeScene();
    const { identify, connect } = setup(s, { maxBufferedBytes: 1000 });
    const slow = await identify(s.member);
    const sessionId = (slow.frames[1] as { d: { sessionId: string } }).d.sessionId;
    await s.w.service.sendMessage(s.owner.caller, s.general.id, { content: 'first' });
    await tick();
    const seen = slow.dispatches().at(-1)!.s;
    // Act: the socket falls behind, and a message arrives.
    slow.bufferedAmount = 1001;
    await s.w.service.sendMessage(s.owner.caller, s.general.id, { content: 'second' });
    await tick();
    // Assert: closed as timed out, without the dispatch; a resume from what it saw replays it.
    expect(slow.closedWith).toBe(CloseCode.SessionTimedOut);
    expect(slow.dispatches().map((d) => (d.d as { content?: string }).content)).not.toContain('second');
    slow.conn.closed();
    const back = connect();
    back.push({ op: Op.Resume, d: { token: s.member.token, sessionId, seq: seen } });
    await tick();
    expect(back.dispatches().map((d) => (d.d as { content?: string }).content)).toEqual(['second']);
    expect(back.frames.at(-1)).toEqual({ op: Op.Resumed, d: { replayed: 1 } });
  });

  it('answers InvalidSession when the session is unknown, someone else’s, or the gap cannot be filled', async () => {
    const s = await makeScene();
    const { identify, connect } = setup(s, { replayCapacity: 2 });
    const first = await identify(s.member);
    const sessionId = (first.frames[1] as { d: { sessionId: string } }).d.sessionId;
    first.conn.closed();
    const unknown = connect();
    unknown.push({ op: Op.Resume, d: { token: s.member.token, sessionId: 'nope', seq: 0 } });
    const stolen = connect();
    stolen.push({ op: Op.Resume, d: { token: s.owner.token, sessionId, seq: 0 } });
    await tick();
    expect(unknown.frames.at(-1)).toEqual({ op: Op.InvalidSession, d: { resumable: false } });
    expect(stolen.frames.at(-1)).toEqual({ op: Op.InvalidSession, d: { resumable: false } });
    for (let i = 0; i < 4; i++) await s.w.service.sendMessage(s.owner.caller, s.general.id, { content: `m${i}` });
    await tick();
    const late = connect();
    late.push({ op: Op.Resume, d: { token: s.member.token, sessionId, seq: 1 } });
    await tick();
    expect(late.frames.at(-1)).toEqual({ op: Op.InvalidSession, d: { resumable: false } });
  });

  it('serves REST routes through the Request op, with the same checks', async () => {
    const s = await makeScene();
    const { identify } = setup(s);
    const sock = await identify(s.member);
    sock.push({ op: Op.Request, d: { id: 7, method: `POST /channels/${s.general.id}/messages`, params: { content: 'via gateway' } } });
    sock.push({ op: Op.Request, d: { id: 8, method: `GET /channels/${s.secret.id}/messages?limit=5` } });
    await tick(10);
    const responses = sock.frames.filter((f) => f.op === Op.Response) as unknown as { d: { id: number; result?: { content: string }; error?: { code: string } } }[];
    expect(responses.find((r) => r.d.id === 7)?.d.result?.content).toBe('via gateway');
    expect(responses.find((r) => r.d.id === 8)?.d.error?.code).toBe('not_found');
  });

  it('serves history pages through the Request op as REST does, again and after an edit', async () => {
    const s = await makeScene();
    const { identify } = setup(s);
    const sock = await identify(s.member);
    for (let i = 0; i < 30; i++) await s.w.service.sendMessage(s.owner.caller, s.general.id, { content: `line ${i}` });
    const page = `GET /channels/${s.general.id}/messages?limit=20`;
    const viaRest = async (): Promise<unknown> => (await s.w.api.handle({ method: 'GET', path: `/channels/${s.general.id}/messages`, query: [['limit', '20']], token: s.member.token, body: undefined, userAgent: 'test' })).body;
    const result = (id: number): unknown => (sock.frames.find((f) => f.op === Op.Response && f.d.id === id) as { d: { result?: unknown } } | undefined)?.d.result;
    sock.push({ op: Op.Request, d: { id: 1, method: page } });
    sock.push({ op: Op.Request, d: { id: 2, method: page } });
    await tick(10);
    const rest = JSON.parse(JSON.stringify(await viaRest())) as { id: string; content: string }[];
    expect(rest).toHaveLength(20);
    expect(result(1)).toEqual(rest);
    // The second read reuses the encoded messages; the answer must not change.
    expect(result(2)).toEqual(rest);
    // An edit makes a new message object: the next page carries the new content.
    await s.w.service.editMessage(s.owner.caller, s.general.id, rest[0]!.id, 'edited');
    sock.push({ op: Op.Request, d: { id: 3, method: page } });
    await tick(10);
    expect((result(3) as { content: string }[])[0]!.content).toBe('edited');
    expect(result(3)).toEqual(JSON.parse(JSON.stringify(await viaRest())));
  });

  it('answers a request whose answer outgrows the frame limit with an error for that request', async () => {
    const s = await makeScene();
    const { identify } = setup(s, { maxFrameBytes: 4096 });
    const sock = await identify(s.member);
    for (let i = 0; i < 5; i++) await s.w.service.sendMessage(s.owner.caller, s.general.id, { content: 'x'.repeat(2000) });
    sock.push({ op: Op.Request, d: { id: 9, method: `GET /channels/${s.general.id}/messages?limit=5` } });
    await tick(10);
    const answer = sock.frames.find((f) => f.op === Op.Response && f.d.id === 9) as { d: { error?: { code: string; message: string } } } | undefined;
    expect(answer?.d.error?.code).toBe('payload_too_large');
    expect(answer?.d.error?.message).toMatch(/smaller limit/);
    expect(sock.closedWith).toBeUndefined();
  });

  it('answers malformed frames with an Error frame and a close, for any bytes (fuzz)', async () => {
    const s = await makeScene();
    const { connect } = setup(s);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        const sock = connect();
        sock.conn.receive(bytes);
        await tick(2);
        // Either a valid client frame (then no protocol error) or an Error frame and a close.
        if (sock.closedWith !== undefined) expect([CloseCode.DecodeError, CloseCode.UnknownOp, CloseCode.AuthenticationFailed]).toContain(sock.closedWith);
      }),
      { numRuns: 300 },
    );
    const sock = connect();
    sock.conn.receive(new Uint8Array([0x92, 0x63, 0xc0]));
    await tick();
    expect(sock.frames.at(-1)?.op).toBe(Op.Error);
    expect(sock.closedWith).toBe(CloseCode.UnknownOp);
  });

  it('refuses requests beyond the in-flight limit at once', async () => {
    const s = await makeScene();
    const { identify } = setup(s, { maxInFlightRequests: 1 });
    const sock = await identify(s.member);
    for (let id = 1; id <= 3; id++) sock.push({ op: Op.Request, d: { id, method: `POST /channels/${s.general.id}/messages`, params: { content: `m${id}` } } });
    await tick(10);
    const responses = sock.frames.filter((f) => f.op === Op.Response) as unknown as { d: { id: number; result?: unknown; error?: { code: string } } }[];
    expect(responses.map((r) => [r.d.id, r.d.error?.code ?? 'ok']).sort()).toEqual([[1, 'ok'], [2, 'rate_limited'], [3, 'rate_limited']]);
  });

  it('closes a connection that floods frames', async () => {
    const s = await makeScene();
    const { identify } = setup(s, { frameBurst: 5, framesPerSecond: 1 });
    const sock = await identify(s.member);
    for (let i = 0; i < 10; i++) sock.push({ op: Op.Heartbeat, d: null });
    await tick();
    expect(sock.closedWith).toBe(CloseCode.RateLimited);
  });

  it('closes the connection of a revoked session', async () => {
    const s = await makeScene();
    const { identify } = setup(s);
    const sock = await identify(s.member);
    await s.w.service.logout(s.member.caller);
    await tick();
    expect(sock.closedWith).toBe(CloseCode.SessionRevoked);
  });

  it('keeps a session whose identify is still reading Ready when the sweep runs (asynchronous stores)', async () => {
    // Found on PostgreSQL: the sweep ended sessions that had no connection yet because identify
    // was awaiting the Ready state, and the client got Ready but never another dispatch.
    const s = await makeScene();
    const { gateway, connect } = setup(s);
    const service = s.w.service as unknown as { readyState: (c: unknown) => Promise<unknown> };
    const readyState = service.readyState.bind(service);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    service.readyState = async (c) => {
      await gate;
      return readyState(c);
    };
    const sock = connect();
    sock.push({ op: Op.Identify, d: { token: s.member.token } });
    await tick();
    gateway.sweep(); // identify is parked in readyState: the session has no connection yet
    release();
    await tick();
    expect(sock.frames.some((f) => f.op === Op.Ready)).toBe(true);
    await s.w.service.sendMessage(s.owner.caller, s.general.id, { content: 'still here?' });
    await tick();
    expect(sock.dispatches().some((d) => d.t === 'MESSAGE_CREATE')).toBe(true);
    expect(sock.closedWith).toBeUndefined();
  });

  it('works end to end over a real WebSocket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chorus-gw-'));
    const server = await startServer({ port: 0, dataDir: dir, argon2MemoryKiB: 64, argon2Iterations: 1, ...NO_SHEDDING });
    try {
      const reg = await server.service.register({ username: 'ada', password: 'password123' });
      const caller = await server.service.authenticate(reg.token);
      const g = await server.service.createGuild(caller, { name: 'g' });
      const ws = new WebSocket(server.gatewayUrl);
      const frames: Frame[] = [];
      const got = (pred: (f: Frame) => boolean): Promise<Frame> =>
        new Promise((resolve) => {
          const check = (): void => {
            const f = frames.find(pred);
            if (f) resolve(f);
            else setTimeout(check, 5);
          };
          check();
        });
      ws.on('message', (data: Buffer) => frames.push(codec.decode(new Uint8Array(data))));
      await new Promise((r) => ws.once('open', r));
      ws.send(codec.encode({ op: Op.Identify, d: { token: reg.token } }));
      await got((f) => f.op === Op.Ready);
      ws.send(codec.encode({ op: Op.Request, d: { id: 1, method: `POST /channels/${g.channels[0]!.id}/messages`, params: { content: 'over the wire' } } }));
      const d = (await got((f) => f.op === Op.Dispatch && f.t === 'MESSAGE_CREATE')) as { d: { content: string } };
      expect(d.d.content).toBe('over the wire');
      ws.send(Buffer.from('not msgpack at all'));
      const closed = await new Promise<number>((r) => ws.once('close', (code) => r(code)));
      expect(closed).toBe(CloseCode.DecodeError);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('closes a connection over the configured frame rate, after an Error frame that says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chorus-gw-'));
    const server = await startServer({ port: 0, dataDir: dir, argon2MemoryKiB: 64, argon2Iterations: 1, framesPerSecond: 1, frameBurst: 3, ...NO_SHEDDING });
    try {
      const ws = new WebSocket(server.gatewayUrl);
      const frames: Frame[] = [];
      ws.on('message', (data: Buffer) => frames.push(codec.decode(new Uint8Array(data))));
      await new Promise((r) => ws.once('open', r));
      const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
      for (let i = 0; i < 5; i++) ws.send(codec.encode({ op: Op.Heartbeat, d: null }));
      expect(await closed).toBe(CloseCode.RateLimited);
      // Three frames fit the burst and are answered; the fourth is refused.
      expect(frames.filter((f) => f.op === Op.HeartbeatAck)).toHaveLength(3);
      expect(frames.find((f) => f.op === Op.Error)).toMatchObject({ d: { code: 'rate_limited' } });
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
