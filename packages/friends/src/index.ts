export { SocialGraph } from './SocialGraph.js';
export type {
  FriendshipOptions,
  GuildRecommendation,
  GuildRecommendOptions,
  Recommendation,
  RecommendOptions,
  RequestOutcome,
  SimilarityOptions,
} from './SocialGraph.js';
export { SIMILARITY_METHODS } from './methods.js';
export type { SimilarityMethod } from './methods.js';
export { FriendsError } from './errors.js';
export type { FriendsErrorCode } from './errors.js';
export { MAX_ID_LENGTH } from './IdInterner.js';
export type { Id } from './IdInterner.js';
