export { FsChunkStore } from './FsChunkStore.js';
