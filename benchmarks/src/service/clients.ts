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
export async function chorusTarget(base: string, gatewayUrl: string | readonly string[], pop: Population, prefix: string, beforeConnect: () => Promise<void> = async () => undefined): Promise<LoadTarget & { tokens: string[]; channels: string[]; agent: Agent }> {
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
  const pending = new Map<number, (ok: boolean) => void>();
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
        const f: Frame = codec.decode(new Uint8Array(data.buffer, data.byteOffset, data.length));
        if (f.op === Op.Dispatch && f.t === 'MESSAGE_CREATE') target.onDeliver((f.d as { content: string }).content);
        else if (f.op === Op.Response) {
          const cb = pending.get(f.d.id);
          pending.delete(f.d.id);
          if (f.d.error !== undefined && process.env['BENCH_TRACE_ERRORS']) console.error('send failed:', JSON.stringify(f.d.error).slice(0, 200));
          cb?.(f.d.error === undefined);
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
export async function bareTarget(gatewayUrl: string, pop: Population): Promise<LoadTarget> {
  const sockets: WebSocket[] = new Array(pop.users);
  const acks = new Map<string, (ok: boolean) => void>();
  const target: LoadTarget = {
    onDeliver: () => undefined,
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
