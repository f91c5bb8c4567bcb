/**
 * Node-only parts of the example service: the SQLite and PostgreSQL stores and the HTTP/WebSocket server.
 * @packageDocumentation
 */
export { SqliteStore } from './SqliteStore.js';
export type { SqliteStoreOptions } from './SqliteStore.js';
export { PgStore } from './PgStore.js';
export type { PgStoreOptions } from './PgStore.js';
export { NatsFanOut } from './NatsFanOut.js';
export type { NatsFanOutOptions } from './NatsFanOut.js';
export { PgFeatureStore } from './features/PgFeatureStore.js';
export { startServer } from './server.js';
export type { RunningServer, StartOptions } from './server.js';
export { SqliteFeatureStore } from './features/SqliteFeatureStore.js';
export { mediaHttp, isMediaRequest } from './features/mediaHttp.js';
