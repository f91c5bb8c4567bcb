export { simulate } from './simulate.js';
export type { SimulateOptions, SimulateResult } from './simulate.js';
export { oracleFixedDelay, fixedBuffer } from './oracleFixedDelay.js';
export type { FixedDelayResult } from './oracleFixedDelay.js';
export { parseIrttOwd, parsePingLog } from './traceParsers.js';
export { generateTrace } from './generateTrace.js';
export type { TraceModel } from './generateTrace.js';
export type { Trace, TracePacket } from './trace.js';
