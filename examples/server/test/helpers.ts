import { Api, InProcessFanOut, ROUTES, Service, type ApiResponse, type Caller, type Channel, type DispatchEvent, type Guild, type Invite, type Message, type Role, type ServiceLimits } from '../src/index.js';
import { SqliteStore } from '../src/SqliteStore.js';

/** Argon2id at its minimum cost: tests check behaviour, not hashing strength. */
/**
 * Server options for tests that are not about overload: a busy CI machine must not make the
 * server shed their requests (test/shedding.test.ts tests shedding on purpose).
 */
export const NO_SHEDDING: { maxLagMs: number; targetLatencyMs: number } = { maxLagMs: 0, targetLatencyMs: 60_000 };

export const FAST_ARGON2: { memorySize: number; iterations: number; parallelism: number } = { memorySize: 64, iterations: 1, parallelism: 1 };

export interface TestUser {
  id: string;
  token: string;
  caller: Caller;
}

/** A service on an in-memory SQLite store with a manual clock. */
export interface World {
  store: SqliteStore;
  service: Service;
  api: Api;
  fanOut: InProcessFanOut;
  events: { topic: string; event: DispatchEvent }[];
  advance(ms: number): void;
  now: () => number;
  listen(topic: string): void;
  user(username: string): Promise<TestUser>;
  call(who: TestUser | undefined, method: string, path: string, body?: unknown, query?: [string, string][]): Promise<ApiResponse>;
}

export function makeWorld(limits: Partial<ServiceLimits> = {}): World {
  let t = 1_800_000_000_000;
  const store = new SqliteStore({ file: ':memory:' });
  const fanOut = new InProcessFanOut();
  const service = new Service({ store, fanOut, now: () => t, argon2: FAST_ARGON2, limits: { sendBurst: 1000, sendPerSecond: 1000, ...limits } });
  const api = new Api(service, ROUTES);
  const events: { topic: string; event: DispatchEvent }[] = [];
  return {
    store,
    service,
    api,
    fanOut,
    events,
    advance(ms: number): void {
      t += ms;
    },
    now: () => t,
    listen(topic: string): void {
      fanOut.subscribe(topic, (event) => events.push({ topic, event }));
    },
    async user(username: string): Promise<TestUser> {
      const r = await service.register({ username, password: 'password123' });
      return { id: r.user.id, token: r.token, caller: await service.authenticate(r.token) };
    },
    call(who: TestUser | undefined, method: string, path: string, body?: unknown, query: [string, string][] = []): Promise<ApiResponse> {
      return api.handle({ method, path, query, token: who?.token, body, userAgent: 'test' });
    },
  };
}


/** A guild with an owner, a member, an outsider, channels (one hidden from members), a role, a group, a broadcast, a DM, messages and an invite. */
export interface Scene {
  w: World;
  owner: TestUser;
  member: TestUser;
  outsider: TestUser;
  guild: Guild & { channels: Channel[]; roles: Role[] };
  general: Channel;
  secret: Channel;
  custom: Role;
  msg: Message;
  group: Channel;
  broadcast: Channel;
  dm: Channel;
  invite: Invite;
}

export async function makeScene(): Promise<Scene> {
  const w = makeWorld();
  const owner = await w.user('owner');
  const member = await w.user('member');
  const outsider = await w.user('outsider');
  const guild = await w.service.createGuild(owner.caller, { name: 'guild', topics: ['a'] });
  const general = guild.channels[0]!;
  const invite = await w.service.createInvite(owner.caller, guild.id, {});
  await w.service.acceptInvite(member.caller, invite.code);
  const secret = await w.service.createChannel(owner.caller, guild.id, { name: 'secret' });
  await w.service.setOverride(owner.caller, secret.id, { targetType: 'role', targetId: guild.id, allow: 0, deny: 2 });
  const custom = await w.service.createRole(owner.caller, guild.id, { name: 'custom', permissions: 0, position: 1 });
  const msg = await w.service.sendMessage(owner.caller, general.id, { content: 'hello' });
  const group = await w.service.createPrivateChannel(owner.caller, { kind: 'group', name: 'grp', memberIds: [member.id] });
  const broadcast = await w.service.createPrivateChannel(owner.caller, { kind: 'broadcast', name: 'news' });
  await w.service.addRecipient(member.caller, broadcast.id, member.id);
  const dm = await w.service.openDm(owner.caller, member.id);
  return { w, owner, member, outsider, guild, general, secret, custom, msg, group, broadcast, dm, invite };
}
