import { MemoryChunkStore } from '@chorus/cdc';
import { Api, InProcessFanOut, ROUTES, Service, ServiceError, type ApiResponse, type DispatchEvent } from '../src/index.js';
import { featureRoutes } from '../src/features/featureRoutes.js';
import { Features } from '../src/features/Features.js';
import { ObservedFanOut } from '../src/features/ObservedFanOut.js';
import { SqliteStore } from '../src/SqliteStore.js';
import { FAST_ARGON2, type TestUser } from './helpers.js';

/** A service with media (in-memory chunks), friends, search and notifications on in-memory SQLite, driven through its API. */
export interface FeatureWorld {
  store: SqliteStore;
  service: Service;
  features: Features;
  chunks: MemoryChunkStore;
  api: Api;
  events: { topic: string; event: DispatchEvent }[];
  advance(ms: number): void;
  now: () => number;
  user(username: string): Promise<TestUser>;
  /** Calls a route as a client would, after the features caught up with earlier changes. */
  call(who: TestUser | undefined, method: string, path: string, body?: unknown, query?: [string, string][]): Promise<ApiResponse>;
  /** Like call, but throws unless the status is 2xx; returns the body. */
  ok<T = unknown>(who: TestUser, method: string, path: string, body?: unknown, query?: [string, string][]): Promise<T>;
}

export async function makeFeatureWorld(options: { store?: SqliteStore; mediaLimits?: ConstructorParameters<typeof Features>[0]['mediaLimits'] } = {}): Promise<FeatureWorld> {
  let t = 1_800_000_000_000;
  const store = options.store ?? new SqliteStore({ file: ':memory:' });
  const inner = new InProcessFanOut();
  const fanOut = new ObservedFanOut(inner);
  const now = (): number => t;
  const service = new Service({ store, fanOut, now, argon2: FAST_ARGON2, limits: { sendBurst: 100_000, sendPerSecond: 100_000 } });
  const chunks = new MemoryChunkStore();
  const features = new Features({ service, store, fanOut, chunks, now, avgChunkBytes: 4096, ...(options.mediaLimits ? { mediaLimits: options.mediaLimits } : {}) });
  features.onError = (e) => {
    throw e;
  };
  await features.load();
  const api = new Api(service, [...ROUTES, ...featureRoutes(features)]);
  const events: { topic: string; event: DispatchEvent }[] = [];
  fanOut.observe((topic, event) => events.push({ topic, event }));
  const call = async (who: TestUser | undefined, method: string, path: string, body?: unknown, query: [string, string][] = []): Promise<ApiResponse> => {
    await features.idle();
    const r = await api.handle({ method, path, query, token: who?.token, body, userAgent: 'test' });
    await features.idle();
    return r;
  };
  return {
    store,
    service,
    features,
    chunks,
    api,
    events,
    advance: (ms) => void (t += ms),
    now,
    async user(username) {
      const r = await service.register({ username, password: 'password123' });
      return { id: r.user.id, token: r.token, caller: await service.authenticate(r.token) };
    },
    call,
    async ok<T>(who: TestUser, method: string, path: string, body?: unknown, query: [string, string][] = []): Promise<T> {
      const r = await call(who, method, path, body, query);
      if (r.status >= 300) {
        const b = r.body as { code: ServiceError['code']; message: string };
        throw new ServiceError(b.code, `${method} ${path}: ${b.message}`);
      }
      return r.body as T;
    },
  };
}

/** A guild (owner, member, outsider who is in no guild) with `general` and a `secret` channel hidden from members, and its invite code. */
export interface GuildScene {
  owner: TestUser;
  member: TestUser;
  outsider: TestUser;
  guildId: string;
  general: string;
  secret: string;
  code: string;
}

export async function guildScene(w: FeatureWorld): Promise<GuildScene> {
  const owner = await w.user('owner');
  const member = await w.user('member');
  const outsider = await w.user('outsider');
  const g = await w.ok<{ id: string; channels: { id: string }[] }>(owner, 'POST', '/guilds', { name: 'g' });
  const invite = await w.ok<{ code: string }>(owner, 'POST', `/guilds/${g.id}/invites`, {});
  await w.ok(member, 'POST', `/invites/${invite.code}`);
  const secret = await w.ok<{ id: string }>(owner, 'POST', `/guilds/${g.id}/channels`, { name: 'secret' });
  await w.ok(owner, 'PUT', `/channels/${secret.id}/overrides/role/${g.id}`, { allow: 0, deny: 2 });
  return { owner, member, outsider, guildId: g.id, general: g.channels[0]!.id, secret: secret.id, code: invite.code };
}
