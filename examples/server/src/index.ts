/**
 * The Chorus example chat service: the browser-safe core (logic, storage contract, schemas,
 * permissions, gateway) and, in `server.ts`, the Node transport with SQLite.
 * @packageDocumentation
 */
export { ServiceError, statusOf } from './errors.js';
export type { ServiceErrorCode } from './errors.js';
export { SnowflakeGenerator, SNOWFLAKE_EPOCH, snowflakeAt, snowflakeTime, isSnowflake, compareIds } from './snowflake.js';
export type { SnowflakeOptions } from './snowflake.js';
export { string, integer, integerString, boolean, id, oneOf, array, optional, nullable, object } from './schema.js';
export type { Schema, Infer, ObjectOf, JsonSchema, StringOptions } from './schema.js';
export {
  Permission,
  ALL_PERMISSIONS,
  DEFAULT_MEMBER_PERMISSIONS,
  MODERATOR_PERMISSIONS,
  guildPermissions,
  channelPermissions,
  has,
  permissionNames,
} from './permissions.js';
export type { PermissionName, Override, PermissionInput } from './permissions.js';
export type {
  Store,
  User,
  Session,
  Guild,
  Role,
  Member,
  Invite,
  InviteUse,
  Channel,
  ChannelKind,
  Recipient,
  Message,
  ReactionCount,
  HistoryQuery,
  Presence,
} from './Store.js';
export { hashPassword, verifyPassword, DEFAULT_ARGON2 } from './passwords.js';
export type { Argon2Params } from './passwords.js';
export { newToken, tokenHash, TOKEN_PATTERN } from './tokens.js';
export { RateLimiter } from './RateLimiter.js';
export type { RateLimiterOptions } from './RateLimiter.js';
export { InProcessFanOut } from './FanOut.js';
export { RecentMessages } from './RecentMessages.js';
export type { RecentMessagesOptions } from './RecentMessages.js';
export type { FanOut, DispatchEvent } from './FanOut.js';
export { Service, DEFAULT_LIMITS } from './Service.js';
export type { ServiceOptions, ServiceLimits, Caller, PublicUser, PublicSession, ReadyState } from './Service.js';
export type { Invalidation } from './invalidation.js';
export { isInvalidation } from './invalidation.js';
export { ROUTES, historyQuery } from './routes.js';
export type { Route, RouteContext, Priority, Method } from './routes.js';
export { Api, errorResponse, METHODS } from './Api.js';
export type { ApiRequest, ApiResponse, Admit } from './Api.js';
export { openApiDocument } from './openapi.js';
export { Gateway, CloseCode } from './Gateway.js';
export type { GatewayOptions, GatewaySocket, GatewayConnection } from './Gateway.js';
export { shedderAdmit, PRIORITIES } from './shedding.js';
export { parseConfig, DEFAULT_CONFIG } from './config.js';
export type { Config } from './config.js';
// Media, friends, suggestions, search and notifications (issue 11).
export { Features } from './features/Features.js';
export type { FeaturesOptions } from './features/Features.js';
export { MediaLibrary, DEFAULT_MEDIA_LIMITS } from './features/MediaLibrary.js';
export type { MediaLibraryOptions, MediaLimits, MediaInfo, MediaGarbageReport } from './features/MediaLibrary.js';
export { MessageSearch } from './features/MessageSearch.js';
export type { MessageSearchOptions, MessageQuery, MessageHit, IndexedMessage } from './features/MessageSearch.js';
export { Social } from './features/Social.js';
export type { SocialOptions, PersonSuggestion, GuildSuggestion, FriendView } from './features/Social.js';
export { Notifications } from './features/Notifications.js';
export type { NotificationsOptions, NotificationInput } from './features/Notifications.js';
export { ObservedFanOut } from './features/ObservedFanOut.js';
export type { FanOutObserver } from './features/ObservedFanOut.js';
export { featureRoutes } from './features/featureRoutes.js';
export { route } from './routes.js';
export { sniffContentType, cleanFilename, AVATAR_TYPES } from './features/sniff.js';
export { parseRange } from './features/byteRange.js';
export type { ByteRange } from './features/byteRange.js';
export type { ServiceHooks } from './features/hooks.js';
export type { FeatureStore, MediaRecord, AttachmentRef, FriendRequest, Friendship, Notification, NotificationKind, UnreadCount } from './features/FeatureStore.js';
