import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { FrameCodec, Op, type Frame } from '@chorus/wire';
import { WebSocket } from 'ws';
import type { Population } from './population.js';

/** What the load loop needs of a system under test. */
export interface LoadTarget {
  /** Sends `content` from user `user` to guild `guild`; `onAck` when the server confirmed it. */
  send(user: number, guild: number, content: string, onAck: (ok: boolean) => void): void;
  /** Set by the load loop: called at each recipient with the content received. */
  onDeliver: (content: string) => void;
  /** Connections open. */
  connections(): number;
  close(): void;
}

const codec = new FrameCodec();

/**
 * Reads the last 50 messages of guild `guild`'s channel over user `user`'s open gateway
 * connection; `onPage` gets how many messages came back, or -1 for an error.
 */
export type PageReader = (user: number, guild: number, onPage: (messages: number) => void) => void;

/**
 * The id, outcome and page length of a Response frame, read from its first bytes: a load
 * generator that decoded every 50-message page would measure its own decoder, not the server.
 * Layout: [13, [id, result, error]], a present field as [value], an absent one as nil.
 */
function skimResponse(b: Uint8Array): { id: number; ok: boolean; items: number } | undefined {
  if (b.length < 4 || b[0] !== 0x92 || b[1] !== Op.Response) return undefined;
  const fields = b[2]! - 0x90;
  let at = 3;
  const t = b[at++]!;
  let id: number;
  if (t < 0x80) id = t;
  else if (t === 0xcc) id = b[at++]!;
  else if (t === 0xcd) (id = (b[at]! << 8) | b[at + 1]!), (at += 2);
  else if (t === 0xce) (id = ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0), (at += 4);
  else return undefined;
  // A present optional field travels as [value], an absent one as nil; so an answer without
  // result or error ends in nil, nil.
  if (fields < 3) return undefined;
  if (b[at] === 0xc0) return { id, ok: b[b.length - 1] === 0xc0, items: -1 };
  if (b[at] !== 0x91) return undefined;
  const r = b[at + 1]!;
  const items = r >= 0x90 && r <= 0x9f ? r - 0x90 : r === 0xdc ? (b[at + 2]! << 8) | b[at + 3]! : -1;
  return { id, ok: true, items };
}

function u16(b: Uint8Array, i: number): number {
  return (b[i]! << 8) | b[i + 1]!;
}

function u32(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
}

/** The end of the msgpack value that starts at `at` (enough of the format for frames: no ext types). */
function skip(b: Uint8Array, at: number): number {
  const t = b[at]!;
  if (t < 0x80 || t >= 0xe0 || t === 0xc0 || t === 0xc2 || t === 0xc3) return at + 1;
  if (t >= 0xa0 && t <= 0xbf) return at + 1 + (t - 0xa0);
  if (t >= 0x90 && t <= 0x9f) return skipN(b, at + 1, t - 0x90);
  if (t >= 0x80 && t <= 0x8f) return skipN(b, at + 1, 2 * (t - 0x80));
  switch (t) {
    case 0xcc: case 0xd0: return at + 2;
    case 0xcd: case 0xd1: return at + 3;
    case 0xce: case 0xd2: case 0xca: return at + 5;
    case 0xcf: case 0xd3: case 0xcb: return at + 9;
    case 0xd9: case 0xc4: return at + 2 + b[at + 1]!;
    case 0xda: case 0xc5: return at + 3 + u16(b, at + 1);
    case 0xdb: case 0xc6: return at + 5 + u32(b, at + 1);
    case 0xdc: return skipN(b, at + 3, u16(b, at + 1));
    case 0xdd: return skipN(b, at + 5, u32(b, at + 1));
    case 0xde: return skipN(b, at + 3, 2 * u16(b, at + 1));
    case 0xdf: return skipN(b, at + 5, 2 * u32(b, at + 1));
    default: throw new Error(`skim: msgpack type 0x${t.toString(16)} not expected in a frame`);
  }
}

function skipN(b: Uint8Array, at: number, n: number): number {
  for (let i = 0; i < n; i++) at = skip(b, at);
  return at;
}

const MESSAGE_CREATE_CODE = 1;

/**
 * The content of a MESSAGE_CREATE dispatch, read without decoding the rest: like answers,
 * dispatches are skimmed so that the generator measures the server, not its own decoder.
 * Layout: [0, 1, s, [id, channelId, guildId, author, content, ...]] (objects travel as arrays
 * of their fields in order). Undefined for any other frame.
 */
function skimMessageContent(b: Uint8Array): string | undefined {
  if (b.length < 8 || b[0] !== 0x94 || b[1] !== Op.Dispatch || b[2] !== MESSAGE_CREATE_CODE) return undefined;
  let at = skip(b, 3); // the sequence number
  const d = b[at]!;
  if (d < 0x95 || d > 0x9f) return undefined;
  at = skipN(b, at + 1, 4);
  const t = b[at]!;
  let start: number;
  let len: number;
  if (t >= 0xa0 && t <= 0xbf) (start = at + 1), (len = t - 0xa0);
  else if (t === 0xd9) (start = at + 2), (len = b[at + 1]!);
  else if (t === 0xda) (start = at + 3), (len = (b[at + 1]! << 8) | b[at + 2]!);
  else return undefined;
  return textDecoder.decode(b.subarray(start, start + len));
}

const textDecoder = new TextDecoder();

/** JSON over HTTP with a keep-alive agent. */
export function http(agent: Agent, base: string, method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    const req = request(`${base}${path}`, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

async function pool<T>(n: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}

function expectStatus(r: { status: number; body: unknown }, what: string): unknown {
  if (r.status >= 300) throw new Error(`${what} failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * The example service: accounts and guilds made through REST, then one gateway connection per
 * user. With several gateway URLs (servers of one cluster) user i connects to URL i mod n.
 */
export async function chorusTarget(
  base: string,
  gatewayUrl: string | readonly string[],
  pop: Population,
  prefix: string,
  beforeConnect: () => Promise<void> = async () => undefined,
): Promise<LoadTarget & { tokens: string[]; channels: string[]; agent: Agent; readPage: PageReader }> {
  const gateways = typeof gatewayUrl === 'string' ? [gatewayUrl] : gatewayUrl;
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const accounts = await pool(pop.users, 16, async (i) => {
    const r = expectStatus(await http(agent, base, 'POST', '/auth/register', undefined, { username: `${prefix}${i}`, password: 'bench-password' }), 'register') as { token: string; user: { id: string } };
    return r.token;
  });
  const channels = await pool(pop.guilds.length, 8, async (g) => {
    const members = pop.guilds[g]!;
    const owner = accounts[members[0]!]!;
    const guild = expectStatus(await http(agent, base, 'POST', '/guilds', owner, { name: `guild ${g}` }), 'create guild') as { id: string; channels: { id: string }[] };
    const invite = expectStatus(await http(agent, base, 'POST', `/guilds/${guild.id}/invites`, owner, { maxAgeSeconds: 0 }), 'invite') as { code: string };
    for (const m of members.slice(1)) expectStatus(await http(agent, base, 'POST', `/invites/${invite.code}`, accounts[m]!), 'join');
    return guild.channels[0]!.id;
  });
  await beforeConnect();
  let requestId = 0;
  const pending = new Map<number, (ok: boolean, items: number) => void>();
  let responses = 0;
  let dispatches = 0;
  const sockets: WebSocket[] = [];
  const target = {
    tokens: accounts,
    channels,
    agent,
    onDeliver: (_content: string): void => undefined,
    send(user: number, guild: number, content: string, onAck: (ok: boolean) => void): void {
      const id = ++requestId;
      pending.set(id, onAck);
      sockets[user]!.send(codec.encode({ op: Op.Request, d: { id, method: `POST /channels/${channels[guild]!}/messages`, params: { content } } }));
    },
    readPage(user: number, guild: number, onPage: (messages: number) => void): void {
      const id = ++requestId;
      pending.set(id, (ok, items) => onPage(ok ? items : -1));
      sockets[user]!.send(codec.encode({ op: Op.Request, d: { id, method: `GET /channels/${channels[guild]!}/messages?limit=50` } }));
    },
    connections: () => sockets.filter((s) => s.readyState === WebSocket.OPEN).length,
    close(): void {
      for (const s of sockets) s.terminate();
      agent.destroy();
    },
  };
  await pool(pop.users, 64, async (i) => {
    const ws = new WebSocket(gateways[i % gateways.length]!, { perMessageDeflate: false });
    sockets[i] = ws;
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (data: Buffer) => {
        const bytes = new Uint8Array(data.buffer, data.byteOffset, data.length);
        // Answers are skimmed; one in 64 is decoded in full to check the skim against the codec.
        const skim = skimResponse(bytes);
        if (skim !== undefined && ++responses % 64 !== 0) {
          const cb = pending.get(skim.id);
          pending.delete(skim.id);
          cb?.(skim.ok, skim.items);
          return;
        }
        const content = skim === undefined ? skimMessageContent(bytes) : undefined;
        if (content !== undefined && ++dispatches % 64 !== 0) {
          target.onDeliver(content);
          return;
        }
        const f: Frame = codec.decode(bytes);
        if (f.op === Op.Dispatch && f.t === 'MESSAGE_CREATE') {
          const full = (f.d as { content: string }).content;
          if (content !== full) throw new Error(`skimMessageContent misread a MESSAGE_CREATE: ${JSON.stringify(content)} against ${JSON.stringify(full)}`);
          target.onDeliver(full);
        } else if (f.op === Op.Response) {
          const cb = pending.get(f.d.id);
          pending.delete(f.d.id);
          if (f.d.error !== undefined && process.env['BENCH_TRACE_ERRORS']) console.error('request failed:', JSON.stringify(f.d.error).slice(0, 200));
          const items = Array.isArray(f.d.result) ? f.d.result.length : -1;
          if (skim === undefined || skim.id !== f.d.id || skim.ok !== (f.d.error === undefined) || skim.items !== items) {
            throw new Error(`skimResponse misread a Response frame: ${JSON.stringify(skim)} against id ${f.d.id}`);
          }
          cb?.(f.d.error === undefined, items);
        } else if (f.op === Op.Error) {
          // A refused frame carries no request id, so its request would wait forever: stop loudly.
          throw new Error(`the gateway refused a frame from user ${i}: ${f.d.code}: ${f.d.message}`);
        } else if (f.op === Op.Ready) resolve();
        else if (f.op === Op.Hello) ws.send(codec.encode({ op: Op.Identify, d: { token: accounts[i]! } }));
      });
      ws.once('error', reject);
      ws.once('close', (code) => reject(new Error(`gateway closed ${code} during identify`)));
    });
  });
  return target;
}

/** The bare relay: one room per guild, no accounts; the sender's own copy is its acknowledgement. */
export async function bareTarget(gatewayUrl: string, pop: Population): Promise<LoadTarget & { readPage: PageReader }> {
  const sockets: WebSocket[] = new Array(pop.users);
  const acks = new Map<string, (ok: boolean) => void>();
  const pages = new Map<number, (messages: number) => void>();
  let pageId = 0;
  const target: LoadTarget & { readPage: PageReader } = {
    onDeliver: () => undefined,
    // The relay's rooms are joined per connection: a page request reads the sender's own room.
    readPage(user, _guild, onPage) {
      const id = ++pageId;
      pages.set(id, onPage);
      sockets[user]!.send(`?${id}`);
    },
    send(user, _guild, content, onAck) {
      const key = `${content}|${user}`;
      acks.set(key, onAck);
      sockets[user]!.send(key);
    },
    connections: () => sockets.filter((s) => s.readyState === WebSocket.OPEN).length,
    close() {
      for (const s of sockets) s.terminate();
    },
  };
  const guildOf: number[] = [];
  pop.guilds.forEach((members, g) => members.forEach((u) => (guildOf[u] = g)));
  await pool(pop.users, 64, async (i) => {
    const ws = new WebSocket(gatewayUrl, { perMessageDeflate: false });
    sockets[i] = ws;
    await new Promise((r) => ws.once('open', r));
    ws.on('message', (data: Buffer) => {
      // A page answer: "#<id>|<count>|<JSON array>".
      if (data[0] === 0x23) {
        const head = data.toString('latin1', 0, 32).split('|');
        const id = Number(head[0]!.slice(1));
        const cb = pages.get(id);
        pages.delete(id);
        cb?.(Number(head[1]));
        return;
      }
      const text = data.toString();
      const bar = text.lastIndexOf('|');
      target.onDeliver(text.slice(0, bar));
      if (Number(text.slice(bar + 1)) === i) {
        const cb = acks.get(text);
        acks.delete(text);
        cb?.(true);
      }
    });
    ws.send(`room${guildOf[i]!}`);
  });
  return target;
}

/** Keeps the generator's clock in the content, so that any recipient can tell the latency. */
export function stamp(seq: number): string {
  return `${performance.now().toFixed(3)} ${seq}`;
}

/** Latency in ms of a stamped content received now. */
export function latencyOf(content: string): number {
  return performance.now() - Number.parseFloat(content);
}
