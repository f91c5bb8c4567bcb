export { evaluateLinkPrediction } from './evaluateLinkPrediction.js';
export type { LinkPredictionOptions, LinkPredictionReport, MethodScore } from './evaluateLinkPrediction.js';
export { parseEdgeList, parseLabels } from './edgeList.js';
export type { EdgeList, EdgeListOptions, LabelList } from './edgeList.js';
export { seededRandom } from './rng.js';
export { FriendsError } from './errors.js';
export type { FriendsErrorCode } from './errors.js';
