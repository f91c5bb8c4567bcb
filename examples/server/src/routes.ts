import { ServiceError } from './errors.js';
import { ALL_PERMISSIONS } from './permissions.js';
import { array, id, integer, integerString, object, oneOf, optional, string, type Infer, type Schema } from './schema.js';
import type { Caller, Service } from './Service.js';
import type { HistoryQuery } from './Store.js';

/**
 * How much a route matters under overload: `critical` (auth, message sends) is shed last,
 * `low` (history reads, typing, presence) first.
 */
export type Priority = 'critical' | 'normal' | 'low';

/** HTTP methods the API uses. */
export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** What a handler receives. */
export interface RouteContext<P, Q, B> {
  service: Service;
  /** The authenticated caller; routes with `auth: false` get `undefined`. */
  caller: Caller;
  params: P;
  query: Q;
  body: B;
  userAgent: string;
}

/** One API operation: its schemas validate requests and generate /openapi.json. */
export interface Route<P = unknown, Q = unknown, B = unknown> {
  method: Method;
  /** OpenAPI-style template, e.g. `/guilds/{guildId}/roles`. */
  path: string;
  summary: string;
  tag: string;
  /** Whether a bearer token is required. */
  auth: boolean;
  priority: Priority;
  params: Schema<P>;
  query: Schema<Q>;
  /** `undefined` for routes without a body (a body is then refused). */
  body: Schema<B> | undefined;
  /** Status of a successful answer: 200 with JSON, 201 created, 204 no content. */
  status: 200 | 201 | 204;
  handle(ctx: RouteContext<P, Q, B>): Promise<unknown>;
}

type Spec<PP extends Record<string, Schema<unknown>>, QP extends Record<string, Schema<unknown>>, B> = {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  auth?: boolean;
  priority?: Priority;
  params?: PP;
  query?: QP;
  body?: Schema<B>;
  status?: 200 | 201 | 204;
  handle(ctx: RouteContext<Infer<Schema<{ [K in keyof PP]: Infer<PP[K]> }>>, { [K in keyof QP]?: Infer<QP[K]> }, B>): Promise<unknown>;
};

/**
 * Builds a {@link Route} from a spec whose params, query and body schemas type the handler.
 *
 * @param spec - method, path, schemas, handler
 * @returns the route
 * @example
 * ```ts
 * route({ method: 'GET', path: '/ping', tag: 'misc', summary: 'Ping', auth: false, handle: async () => 'pong' });
 * ```
 */
export function route<PP extends Record<string, Schema<unknown>>, QP extends Record<string, Schema<unknown>>, B = undefined>(spec: Spec<PP, QP, B>): Route {
  const queryProps: Record<string, Schema<unknown>> = {};
  for (const [k, v] of Object.entries(spec.query ?? {})) queryProps[k] = optional(v);
  return {
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    tag: spec.tag,
    auth: spec.auth ?? true,
    priority: spec.priority ?? 'normal',
    params: object(spec.params ?? {}),
    query: object(queryProps),
    body: spec.body,
    status: spec.status ?? 200,
    handle: spec.handle as Route['handle'],
  };
}

const username = string({ min: 2, max: 32, pattern: /^[a-z0-9_.]+$/, patternHint: 'lower-case letters, digits, "_" and "."' });
const password = string({ min: 8, max: 256 });
const name = string({ min: 1, max: 100 });
const bits = integer(0, ALL_PERMISSIONS);
const limit = integerString(1, 100);
const emoji = string({ min: 1, max: 32 });
const topic = string({ min: 1, max: 50 });
const credentials = object({ username, password });

/**
 * The history query: at most one of before / after / around, and a limit of 1..100
 * (default 50).
 *
 * @param q - validated query parameters
 * @returns the store query
 * @throws ServiceError `validation` when more than one anchor is given
 * @example
 * ```ts
 * historyQuery({ before: '123', limit: 20 }); // { before: '123', limit: 20 }
 * ```
 */
export function historyQuery(q: { before?: string; after?: string; around?: string; limit?: number }): HistoryQuery {
  const n = q.limit ?? 50;
  const anchors = [q.before, q.after, q.around].filter((x) => x !== undefined).length;
  if (anchors > 1) throw new ServiceError('validation', 'query may have only one of before, after and around');
  if (q.after !== undefined) return { after: q.after, limit: n };
  if (q.around !== undefined) return { around: q.around, limit: n };
  return q.before !== undefined ? { before: q.before, limit: n } : { limit: n };
}

/**
 * Every REST operation of the service. The HTTP layer, the gateway's Request op and
 * /openapi.json all read this one table.
 */
export const ROUTES: readonly Route[] = [
  // accounts
  route({ method: 'POST', path: '/auth/register', tag: 'auth', summary: 'Create an account and a session', auth: false, priority: 'critical', body: credentials, status: 201,
    handle: ({ service, body, userAgent }) => service.register(body, userAgent) }),
  route({ method: 'POST', path: '/auth/login', tag: 'auth', summary: 'Log in (rate-limited per username)', auth: false, priority: 'critical', body: credentials,
    handle: ({ service, body, userAgent }) => service.login(body, userAgent) }),
  route({ method: 'POST', path: '/auth/logout', tag: 'auth', summary: 'Revoke the current session', status: 204,
    handle: ({ service, caller }) => service.logout(caller) }),
  route({ method: 'GET', path: '/auth/sessions', tag: 'auth', summary: 'List my sessions',
    handle: ({ service, caller }) => service.listSessions(caller) }),
  route({ method: 'DELETE', path: '/auth/sessions/{sessionId}', tag: 'auth', summary: 'Revoke one of my sessions', params: { sessionId: id() }, status: 204,
    handle: ({ service, caller, params }) => service.revokeSession(caller, params.sessionId) }),
  // profiles
  route({ method: 'GET', path: '/users/me', tag: 'users', summary: 'My profile',
    handle: ({ service, caller }) => service.me(caller) }),
  route({ method: 'PATCH', path: '/users/me', tag: 'users', summary: 'Change my nickname, about text or presence', priority: 'low',
    body: object({ nickname: optional(string({ min: 1, max: 32 })), about: optional(string({ max: 190 })), presence: optional(oneOf(['online', 'idle', 'offline'] as const)) }),
    handle: ({ service, caller, body }) => service.updateProfile(caller, body) }),
  route({ method: 'GET', path: '/users/{userId}', tag: 'users', summary: 'A profile visible to me', params: { userId: id() },
    handle: ({ service, caller, params }) => service.profile(caller, params.userId) }),
  route({ method: 'POST', path: '/users/{userId}/dm', tag: 'channels', summary: 'Open the direct-message channel with a user', params: { userId: id() },
    handle: ({ service, caller, params }) => service.openDm(caller, params.userId) }),
  // guilds
  route({ method: 'POST', path: '/guilds', tag: 'guilds', summary: 'Create a guild', status: 201,
    body: object({ name, description: optional(string({ max: 1000 })), topics: optional(array(topic, 20)) }),
    handle: ({ service, caller, body }) => service.createGuild(caller, body) }),
  route({ method: 'GET', path: '/guilds', tag: 'guilds', summary: 'My guilds',
    handle: ({ service, caller }) => service.listGuilds(caller) }),
  route({ method: 'GET', path: '/guilds/{guildId}', tag: 'guilds', summary: 'A guild with the channels I can see', params: { guildId: id() },
    handle: ({ service, caller, params }) => service.getGuild(caller, params.guildId) }),
  route({ method: 'PATCH', path: '/guilds/{guildId}', tag: 'guilds', summary: 'Change guild settings (ManageGuild)', params: { guildId: id() },
    body: object({ name: optional(name), description: optional(string({ max: 1000 })) }),
    handle: ({ service, caller, params, body }) => service.updateGuild(caller, params.guildId, body) }),
  route({ method: 'DELETE', path: '/guilds/{guildId}', tag: 'guilds', summary: 'Delete a guild (owner)', params: { guildId: id() }, status: 204,
    handle: ({ service, caller, params }) => service.deleteGuild(caller, params.guildId) }),
  route({ method: 'PUT', path: '/guilds/{guildId}/topics/{topic}', tag: 'guilds', summary: 'Add a topic (ManageGuild)', params: { guildId: id(), topic },
    handle: ({ service, caller, params }) => service.setTopic(caller, params.guildId, params.topic, true) }),
  route({ method: 'DELETE', path: '/guilds/{guildId}/topics/{topic}', tag: 'guilds', summary: 'Remove a topic (ManageGuild)', params: { guildId: id(), topic },
    handle: ({ service, caller, params }) => service.setTopic(caller, params.guildId, params.topic, false) }),
  route({ method: 'GET', path: '/guilds/{guildId}/members', tag: 'guilds', summary: 'Members, paged by user id', params: { guildId: id() }, query: { after: id(), limit }, priority: 'low',
    handle: ({ service, caller, params, query }) => service.listMembers(caller, params.guildId, query.after, query.limit ?? 50) }),
  route({ method: 'DELETE', path: '/guilds/{guildId}/members/me', tag: 'guilds', summary: 'Leave a guild', params: { guildId: id() }, status: 204,
    handle: ({ service, caller, params }) => service.leaveGuild(caller, params.guildId) }),
  route({ method: 'DELETE', path: '/guilds/{guildId}/members/{userId}', tag: 'guilds', summary: 'Kick a member (KickMembers)', params: { guildId: id(), userId: id() }, status: 204,
    handle: ({ service, caller, params }) => service.kick(caller, params.guildId, params.userId) }),
  // roles
  route({ method: 'GET', path: '/guilds/{guildId}/roles', tag: 'roles', summary: 'Roles of a guild', params: { guildId: id() },
    handle: ({ service, caller, params }) => service.listRoles(caller, params.guildId) }),
  route({ method: 'POST', path: '/guilds/{guildId}/roles', tag: 'roles', summary: 'Create a role (ManageRoles)', params: { guildId: id() }, status: 201,
    body: object({ name, permissions: bits, position: optional(integer(1, 1000)) }),
    handle: ({ service, caller, params, body }) => service.createRole(caller, params.guildId, body) }),
  route({ method: 'PATCH', path: '/guilds/{guildId}/roles/{roleId}', tag: 'roles', summary: 'Change a role (ManageRoles)', params: { guildId: id(), roleId: id() },
    body: object({ name: optional(name), permissions: optional(bits), position: optional(integer(0, 1000)) }),
    handle: ({ service, caller, params, body }) => service.updateRole(caller, params.guildId, params.roleId, body) }),
  route({ method: 'DELETE', path: '/guilds/{guildId}/roles/{roleId}', tag: 'roles', summary: 'Delete a role (ManageRoles)', params: { guildId: id(), roleId: id() }, status: 204,
    handle: ({ service, caller, params }) => service.deleteRole(caller, params.guildId, params.roleId) }),
  route({ method: 'PUT', path: '/guilds/{guildId}/members/{userId}/roles/{roleId}', tag: 'roles', summary: 'Assign a role (ManageRoles)', params: { guildId: id(), userId: id(), roleId: id() }, status: 204,
    handle: ({ service, caller, params }) => service.setMemberRole(caller, params.guildId, params.userId, params.roleId, true) }),
  route({ method: 'DELETE', path: '/guilds/{guildId}/members/{userId}/roles/{roleId}', tag: 'roles', summary: 'Revoke a role (ManageRoles)', params: { guildId: id(), userId: id(), roleId: id() }, status: 204,
    handle: ({ service, caller, params }) => service.setMemberRole(caller, params.guildId, params.userId, params.roleId, false) }),
  // invites
  route({ method: 'POST', path: '/guilds/{guildId}/invites', tag: 'invites', summary: 'Create an invite (CreateInvite)', params: { guildId: id() }, status: 201,
    body: object({ maxUses: optional(integer(0, 100_000)), maxAgeSeconds: optional(integer(0, 30 * 86_400)) }),
    handle: ({ service, caller, params, body }) => service.createInvite(caller, params.guildId, body) }),
  route({ method: 'GET', path: '/guilds/{guildId}/invites', tag: 'invites', summary: 'List invites (ManageGuild)', params: { guildId: id() },
    handle: ({ service, caller, params }) => service.listInvites(caller, params.guildId) }),
  route({ method: 'DELETE', path: '/guilds/{guildId}/invites/{code}', tag: 'invites', summary: 'Revoke an invite (ManageGuild)', params: { guildId: id(), code: string({ min: 1, max: 16, pattern: /^[A-Za-z0-9_-]+$/ }) }, status: 204,
    handle: ({ service, caller, params }) => service.deleteInvite(caller, params.guildId, params.code) }),
  route({ method: 'POST', path: '/invites/{code}', tag: 'invites', summary: 'Join a guild by invite', params: { code: string({ min: 1, max: 16, pattern: /^[A-Za-z0-9_-]+$/ }) },
    handle: ({ service, caller, params }) => service.acceptInvite(caller, params.code) }),
  // channels
  route({ method: 'POST', path: '/guilds/{guildId}/channels', tag: 'channels', summary: 'Create a text channel or sub-channel (ManageChannels)', params: { guildId: id() }, status: 201,
    body: object({ name, topic: optional(string({ max: 1024 })), parentId: optional(id()), position: optional(integer(0, 1000)) }),
    handle: ({ service, caller, params, body }) => service.createChannel(caller, params.guildId, body) }),
  route({ method: 'POST', path: '/channels', tag: 'channels', summary: 'Create a group (up to 100 members) or broadcast channel', status: 201,
    body: object({ kind: oneOf(['group', 'broadcast'] as const), name, topic: optional(string({ max: 1024 })), memberIds: optional(array(id(), 99)) }),
    handle: ({ service, caller, body }) => service.createPrivateChannel(caller, body) }),
  route({ method: 'GET', path: '/channels', tag: 'channels', summary: 'My groups, broadcasts and direct messages',
    handle: ({ service, caller }) => service.listPrivateChannels(caller) }),
  route({ method: 'GET', path: '/channels/{channelId}', tag: 'channels', summary: 'A channel', params: { channelId: id() },
    handle: ({ service, caller, params }) => service.getChannel(caller, params.channelId) }),
  route({ method: 'PATCH', path: '/channels/{channelId}', tag: 'channels', summary: 'Change a channel (ManageChannels)', params: { channelId: id() },
    body: object({ name: optional(name), topic: optional(string({ max: 1024 })), position: optional(integer(0, 1000)) }),
    handle: ({ service, caller, params, body }) => service.updateChannel(caller, params.channelId, body) }),
  route({ method: 'DELETE', path: '/channels/{channelId}', tag: 'channels', summary: 'Delete a channel with its sub-channels and messages (ManageChannels)', params: { channelId: id() }, status: 204,
    handle: ({ service, caller, params }) => service.deleteChannel(caller, params.channelId) }),
  route({ method: 'GET', path: '/channels/{channelId}/overrides', tag: 'channels', summary: 'Permission overrides (ManageChannels)', params: { channelId: id() },
    handle: ({ service, caller, params }) => service.listOverrides(caller, params.channelId) }),
  route({ method: 'PUT', path: '/channels/{channelId}/overrides/{targetType}/{targetId}', tag: 'channels', summary: 'Set an override (ManageChannels and ManageRoles)', status: 204,
    params: { channelId: id(), targetType: oneOf(['role', 'member'] as const), targetId: id() }, body: object({ allow: bits, deny: bits }),
    handle: ({ service, caller, params, body }) => service.setOverride(caller, params.channelId, { targetType: params.targetType, targetId: params.targetId, allow: body.allow, deny: body.deny }) }),
  route({ method: 'DELETE', path: '/channels/{channelId}/overrides/{targetType}/{targetId}', tag: 'channels', summary: 'Remove an override', status: 204,
    params: { channelId: id(), targetType: oneOf(['role', 'member'] as const), targetId: id() },
    handle: ({ service, caller, params }) => service.deleteOverride(caller, params.channelId, params.targetType, params.targetId) }),
  route({ method: 'GET', path: '/channels/{channelId}/recipients', tag: 'channels', summary: 'Members of a group, broadcast or DM', params: { channelId: id() }, query: { after: id(), limit }, priority: 'low',
    handle: ({ service, caller, params, query }) => service.listRecipients(caller, params.channelId, query.after, query.limit ?? 50) }),
  route({ method: 'PUT', path: '/channels/{channelId}/recipients/{userId}', tag: 'channels', summary: 'Add a group member (admin) or subscribe myself to a broadcast', params: { channelId: id(), userId: id() }, status: 204,
    handle: ({ service, caller, params }) => service.addRecipient(caller, params.channelId, params.userId) }),
  route({ method: 'DELETE', path: '/channels/{channelId}/recipients/{userId}', tag: 'channels', summary: 'Leave, or remove a member (admin)', params: { channelId: id(), userId: id() }, status: 204,
    handle: ({ service, caller, params }) => service.removeRecipient(caller, params.channelId, params.userId) }),
  // messages
  route({ method: 'POST', path: '/channels/{channelId}/messages', tag: 'messages', summary: 'Send a message (SendMessages; rate-limited)', params: { channelId: id() }, status: 201, priority: 'critical',
    body: object({ content: string({ min: 1, max: 2000 }), replyTo: optional(id()), nonce: optional(string({ max: 64 })), attachments: optional(array(id(), 10)) }),
    handle: ({ service, caller, params, body }) => service.sendMessage(caller, params.channelId, body) }),
  route({ method: 'GET', path: '/channels/{channelId}/messages', tag: 'messages', summary: 'History page before / after / around an id (ReadHistory)', params: { channelId: id() }, priority: 'low',
    query: { before: id(), after: id(), around: id(), limit },
    handle: ({ service, caller, params, query }) => service.history(caller, params.channelId, historyQuery(query)) }),
  route({ method: 'GET', path: '/channels/{channelId}/messages/{messageId}', tag: 'messages', summary: 'One message', params: { channelId: id(), messageId: id() }, priority: 'low',
    handle: ({ service, caller, params }) => service.getMessage(caller, params.channelId, params.messageId) }),
  route({ method: 'PATCH', path: '/channels/{channelId}/messages/{messageId}', tag: 'messages', summary: 'Edit my message', params: { channelId: id(), messageId: id() },
    body: object({ content: string({ min: 1, max: 2000 }) }),
    handle: ({ service, caller, params, body }) => service.editMessage(caller, params.channelId, params.messageId, body.content) }),
  route({ method: 'DELETE', path: '/channels/{channelId}/messages/{messageId}', tag: 'messages', summary: 'Delete a message (author or ManageMessages)', params: { channelId: id(), messageId: id() }, status: 204,
    handle: ({ service, caller, params }) => service.deleteMessage(caller, params.channelId, params.messageId) }),
  route({ method: 'PUT', path: '/channels/{channelId}/messages/{messageId}/reactions/{emoji}', tag: 'messages', summary: 'React (AddReactions)', params: { channelId: id(), messageId: id(), emoji }, status: 204,
    handle: ({ service, caller, params }) => service.react(caller, params.channelId, params.messageId, params.emoji, true) }),
  route({ method: 'DELETE', path: '/channels/{channelId}/messages/{messageId}/reactions/{emoji}', tag: 'messages', summary: 'Remove my reaction', params: { channelId: id(), messageId: id(), emoji }, status: 204,
    handle: ({ service, caller, params }) => service.react(caller, params.channelId, params.messageId, params.emoji, false) }),
  route({ method: 'POST', path: '/channels/{channelId}/typing', tag: 'messages', summary: 'Announce typing', params: { channelId: id() }, status: 204, priority: 'low',
    handle: ({ service, caller, params }) => service.typing(caller, params.channelId) }),
];
