import { ServiceError } from '../errors.js';
import { route, type Route } from '../routes.js';
import { id, integer, integerString, nullable, object, oneOf, optional, string } from '../schema.js';
import { MAX_LINK_TTL_SECONDS } from './mediaLinks.js';
import type { Features } from './Features.js';
import type { MessageQuery } from './MessageSearch.js';

const limit = integerString(1, 100);
const searchQuery = {
  q: string({ min: 1, max: 1024 }),
  channelId: id(),
  authorId: id(),
  since: integerString(0, 8_640_000_000_000),
  until: integerString(0, 8_640_000_000_000),
  hasAttachment: oneOf(['true', 'false'] as const),
  limit,
};

function toQuery(q: { q?: string; channelId?: string; authorId?: string; since?: number; until?: number; hasAttachment?: 'true' | 'false'; limit?: number }): MessageQuery {
  if (q.q === undefined) throw new ServiceError('validation', 'query.q is required: the words to search for');
  const out: MessageQuery = { q: q.q };
  if (q.channelId !== undefined) out.channelId = q.channelId;
  if (q.authorId !== undefined) out.authorId = q.authorId;
  if (q.since !== undefined) out.since = q.since;
  if (q.until !== undefined) out.until = q.until;
  if (q.hasAttachment !== undefined) out.hasAttachment = q.hasAttachment === 'true';
  if (q.limit !== undefined) out.limit = q.limit;
  return out;
}

/**
 * The JSON routes of media metadata, friends, suggestions, search and notifications (uploads
 * and downloads are binary: see `mediaHttp.ts`). They join the core's `ROUTES` table, so the
 * HTTP layer, the gateway's Request op and /openapi.json all serve them.
 *
 * @param f - the features
 * @returns the routes
 * @example
 * ```ts
 * const api = new Api(service, [...ROUTES, ...featureRoutes(features)]);
 * ```
 */
export function featureRoutes(f: Features): Route[] {
  return [
    // media
    route({ method: 'GET', path: '/media/{mediaId}', tag: 'media', summary: 'Metadata of a file I may read (download: GET /media/{mediaId}/content)', params: { mediaId: id() },
      handle: ({ caller, params }) => f.media.info(caller, params.mediaId) }),
    route({ method: 'POST', path: '/media/{mediaId}/links', tag: 'media', summary: 'A signed download link to a file I may read, for <img src> (no token needed; valid ttlSeconds, default 600, at most 86400)', params: { mediaId: id() }, body: object({ ttlSeconds: optional(integer(1, MAX_LINK_TTL_SECONDS)) }), status: 201,
      handle: async ({ caller, params, body }) => {
        await f.media.info(caller, params.mediaId);
        return f.links.sign(params.mediaId, body.ttlSeconds ?? 600);
      } }),
    route({ method: 'PUT', path: '/users/me/avatar', tag: 'media', summary: 'Set (or with null clear) my avatar: an image I uploaded', body: object({ mediaId: nullable(id()) }),
      handle: ({ caller, body }) => f.media.setAvatar(caller, body.mediaId) }),
    route({ method: 'GET', path: '/users/{userId}/avatar', tag: 'media', summary: 'Metadata of a visible user’s avatar (null when none)', params: { userId: id() },
      handle: ({ caller, params }) => f.media.avatarOf(caller, params.userId) }),
    // friends
    route({ method: 'GET', path: '/users/me/friends', tag: 'friends', summary: 'My friends with interaction counts',
      handle: ({ caller }) => f.social.friends(caller) }),
    route({ method: 'DELETE', path: '/users/me/friends/{userId}', tag: 'friends', summary: 'End a friendship', params: { userId: id() }, status: 204,
      handle: ({ caller, params }) => f.social.unfriend(caller, params.userId) }),
    route({ method: 'GET', path: '/users/me/friend-requests', tag: 'friends', summary: 'Pending requests to and from me',
      handle: ({ caller }) => f.social.requests(caller) }),
    route({ method: 'PUT', path: '/users/me/friend-requests/{userId}', tag: 'friends', summary: 'Send a friend request (crossing requests become a friendship)', params: { userId: id() },
      handle: async ({ caller, params }) => ({ status: await f.social.sendRequest(caller, params.userId) }) }),
    route({ method: 'POST', path: '/users/me/friend-requests/{userId}/accept', tag: 'friends', summary: 'Accept a request sent to me', params: { userId: id() }, status: 204,
      handle: ({ caller, params }) => f.social.accept(caller, params.userId) }),
    route({ method: 'DELETE', path: '/users/me/friend-requests/{userId}', tag: 'friends', summary: 'Decline a request to me or cancel mine', params: { userId: id() }, status: 204,
      handle: ({ caller, params }) => f.social.dropRequest(caller, params.userId) }),
    route({ method: 'GET', path: '/users/me/blocks', tag: 'friends', summary: 'Users I block',
      handle: ({ caller }) => f.social.blocks(caller) }),
    route({ method: 'PUT', path: '/users/me/blocks/{userId}', tag: 'friends', summary: 'Block a user', params: { userId: id() }, status: 204,
      handle: ({ caller, params }) => f.social.block(caller, params.userId) }),
    route({ method: 'DELETE', path: '/users/me/blocks/{userId}', tag: 'friends', summary: 'Unblock a user', params: { userId: id() }, status: 204,
      handle: ({ caller, params }) => f.social.unblock(caller, params.userId) }),
    // suggestions
    route({ method: 'GET', path: '/users/me/suggestions/people', tag: 'friends', summary: 'People I may know, with reasons', query: { limit }, priority: 'low',
      handle: ({ caller, query }) => f.social.suggestPeople(caller, query.limit ?? 10) }),
    route({ method: 'GET', path: '/users/me/suggestions/guilds', tag: 'friends', summary: 'Communities my friends are in, with reasons', query: { limit }, priority: 'low',
      handle: ({ caller, query }) => f.social.suggestGuilds(caller, query.limit ?? 10) }),
    // search
    route({ method: 'GET', path: '/guilds/{guildId}/search', tag: 'search', summary: 'Search a guild’s messages in channels I may read', params: { guildId: id() }, query: searchQuery, priority: 'low',
      handle: ({ caller, params, query }) => f.search.searchGuild(caller, params.guildId, toQuery(query)) }),
    route({ method: 'GET', path: '/channels/{channelId}/search', tag: 'search', summary: 'Search one channel I may read', params: { channelId: id() }, query: searchQuery, priority: 'low',
      handle: ({ caller, params, query }) => f.search.searchChannel(caller, params.channelId, toQuery(query)) }),
    // notifications
    route({ method: 'GET', path: '/users/me/notifications', tag: 'notifications', summary: 'My notifications, newest first', query: { before: id(), limit, unread: oneOf(['true', 'false'] as const) }, priority: 'low',
      handle: ({ caller, query }) => f.notifications.list(caller, query.before, query.limit ?? 50, query.unread === 'true') }),
    route({ method: 'POST', path: '/users/me/notifications/read', tag: 'notifications', summary: 'Mark my notifications read up to an id (all when absent)', body: object({ upTo: optional(id()) }),
      handle: async ({ caller, body }) => ({ changed: await f.notifications.markRead(caller, body.upTo) }) }),
    route({ method: 'GET', path: '/users/me/unread', tag: 'notifications', summary: 'Unread message counts of every channel I can read', priority: 'low',
      handle: ({ caller }) => f.notifications.unread(caller) }),
    route({ method: 'PUT', path: '/channels/{channelId}/read/{messageId}', tag: 'notifications', summary: 'Move my read marker to a message', params: { channelId: id(), messageId: id() }, status: 204, priority: 'low',
      handle: ({ caller, params }) => f.notifications.markChannelRead(caller, params.channelId, params.messageId) }),
    route({ method: 'POST', path: '/users/{userId}/invites', tag: 'notifications', summary: 'Send someone an invite code of my guild as a notification', params: { userId: id() },
      body: object({ guildId: id(), code: string({ min: 1, max: 16, pattern: /^[A-Za-z0-9_-]+$/ }) }),
      handle: ({ caller, params, body }) => f.notifications.sendInvite(caller, params.userId, body.guildId, body.code) }),
  ];
}
