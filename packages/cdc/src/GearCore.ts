import type { GearScan } from './gearCuts.js';
import { gearTable } from './gear.js';
import { OP, functionBody, name, section, sleb, uleb, vec } from './wasmAssembler.js';

// Memory layout: gear table at 0, left-shifted gear table at 2048, data window from 4096.
const GEAR_AT = 0;
const GEAR_LS_AT = 2048;
const DATA_AT = 4096;
const PAGE = 65536;

// Globals: 0 mask small, 1 mask large, 2 small << 1, 3 large << 1, 4 hash at the last stop.
const G_HASH = 4;
// scan(p, sEnd, lEnd, hLo, hHi) locals: 0 p, 1 sEnd, 2 lEnd, 3-4 initial hash, 5 hash,
// 6 loop bound, 7-8 the phase's masks (locals: globals are slower), 9 four input bytes.
const P = 0;
const H = 5;
const LAST = 6;
const M = 7;
const MLS = 8;
const W = 9;

function gearLoad(byteOffset: number, tableAt: number): number[] {
  // table[memory[p + byteOffset]] as i64
  return [OP.localGet, P, OP.i32Load8U, 0, ...uleb(byteOffset), OP.i32Const, 3, OP.i32Shl, OP.i64Load, 3, ...uleb(tableAt)];
}

function stopIf(maskLocal: number, plus: number): number[] {
  // if ((h & mask) == 0) { hashGlobal = h; return p + plus }
  return [
    OP.localGet, maskLocal, OP.i64And, OP.i64Eqz,
    OP.if, OP.void,
    OP.localGet, H, OP.globalSet, G_HASH,
    OP.localGet, P, ...(plus === 0 ? [] : [OP.i32Const, plus, OP.i32Add]), OP.return,
    OP.end,
  ];
}

function wordGearLoad(byte: number, tableAt: number): number[] {
  // table[byte `byte` of W] as i64, the table index (byte * 8) taken straight from W
  const shift = byte === 0 ? [OP.i32Const, 3, OP.i32Shl] : [OP.i32Const, 8 * byte - 3, OP.i32ShrU];
  return [OP.localGet, W, ...shift, OP.i32Const, ...sleb(0x7f8), OP.i32And, OP.i64Load, 3, ...uleb(tableAt)];
}

function pairStep(gear: (k: number, at: number) => number[], first: number, plus: number): number[] {
  return [
    OP.localGet, H, OP.i64Const, 2, OP.i64Shl, ...gear(first, GEAR_LS_AT), OP.i64Add, OP.localTee, H,
    ...stopIf(MLS, plus),
    OP.localGet, H, ...gear(first + 1, GEAR_AT), OP.i64Add, OP.localTee, H,
    ...stopIf(M, plus + 1),
  ];
}

function boundedLoop(endLocal: number, need: number, body: number[], step: number): number[] {
  // while (p < end - need + 1) { body; p += step }
  return [
    OP.localGet, endLocal, OP.i32Const, need - 1, OP.i32Sub, OP.localSet, LAST,
    OP.block, OP.void,
    OP.loop, OP.void,
    OP.localGet, P, OP.localGet, LAST, OP.i32GeS, OP.brIf, 1,
    ...body,
    OP.localGet, P, OP.i32Const, step, OP.i32Add, OP.localSet, P,
    OP.br, 0,
    OP.end,
    OP.end,
  ];
}

/**
 * One judgement phase over [p, end): two bytes per step with the left-shifted table (the
 * FastCDC 2020 trick: `(h << 2) + (G[a] << 1)` is `((h << 1) + G[a]) << 1`, and testing it
 * against `mask << 1` is the same test), then a single-byte tail when the span is odd.
 */
function phase(endLocal: number, mask: number, maskLs: number): number[] {
  const quad = [
    OP.localGet, P, OP.i32Load, 0, 0, OP.localSet, W,
    ...pairStep(wordGearLoad, 0, 0),
    ...pairStep(wordGearLoad, 2, 2),
  ];
  return [
    OP.globalGet, mask, OP.localSet, M, OP.globalGet, maskLs, OP.localSet, MLS,
    ...boundedLoop(endLocal, 4, quad, 4),
    ...boundedLoop(endLocal, 2, pairStep(gearLoad, 0, 0), 2),
    OP.localGet, P, OP.localGet, endLocal, OP.i32LtS,
    OP.if, OP.void,
    OP.localGet, H, OP.i64Const, 1, OP.i64Shl, ...gearLoad(0, GEAR_AT), OP.i64Add, OP.localTee, H,
    ...stopIf(M, 0),
    OP.localGet, P, OP.i32Const, 1, OP.i32Add, OP.localSet, P,
    OP.end,
  ];
}

function joinWords(loLocal: number, hiLocal: number): number[] {
  return [OP.localGet, hiLocal, OP.i64ExtendI32U, OP.i64Const, 32, OP.i64Shl, OP.localGet, loLocal, OP.i64ExtendI32U, OP.i64Or];
}

/** The module bytes: `scan`, `setMasks`, `hashLo`, `hashHi` and an exported memory. */
function moduleBytes(): Uint8Array<ArrayBuffer> {
  const types = section(1, vec([
    [OP.func, ...vec([[OP.i32], [OP.i32], [OP.i32], [OP.i32], [OP.i32]]), ...vec([[OP.i32]])],
    [OP.func, ...vec([[OP.i32], [OP.i32], [OP.i32], [OP.i32]]), ...vec([])],
    [OP.func, ...vec([]), ...vec([[OP.i32]])],
  ]));
  const funcs = section(3, vec([[0], [1], [2], [2]]));
  const memory = section(5, vec([[0x00, ...uleb(1)]]));
  const globals = section(6, vec(Array.from({ length: 5 }, () => [OP.i64, 0x01, OP.i64Const, 0, OP.end])));
  const exports = section(7, vec([
    [...name('memory'), 0x02, 0],
    [...name('scan'), 0x00, 0],
    [...name('setMasks'), 0x00, 1],
    [...name('hashLo'), 0x00, 2],
    [...name('hashHi'), 0x00, 3],
  ]));
  const scan = functionBody([[1, OP.i64], [1, OP.i32], [2, OP.i64], [1, OP.i32]], [
    ...joinWords(3, 4), OP.localSet, H,
    ...phase(1, 0, 2),
    ...phase(2, 1, 3),
    OP.localGet, H, OP.globalSet, G_HASH,
    OP.i32Const, ...sleb(-1),
  ]);
  const setMasks = functionBody([], [
    ...joinWords(0, 1), OP.globalSet, 0,
    ...joinWords(2, 3), OP.globalSet, 1,
    OP.globalGet, 0, OP.i64Const, 1, OP.i64Shl, OP.globalSet, 2,
    OP.globalGet, 1, OP.i64Const, 1, OP.i64Shl, OP.globalSet, 3,
  ]);
  const hashLo = functionBody([], [OP.globalGet, G_HASH, OP.i32WrapI64]);
  const hashHi = functionBody([], [OP.globalGet, G_HASH, OP.i64Const, 32, OP.i64ShrU, OP.i32WrapI64]);
  const code = section(10, vec([scan, setMasks, hashLo, hashHi]));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...funcs, ...memory, ...globals, ...exports, ...code]);
}

interface CoreExports extends GearScan {
  memory: WebAssembly.Memory;
  setMasks(sLo: number, sHi: number, lLo: number, lHi: number): void;
}

let compiled: WebAssembly.Module | undefined;

/**
 * The compiled gear core (compiled once per thread, on first need); it can be posted to a
 * worker, which then instantiates the same code.
 * @returns the module
 */
export function gearModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(moduleBytes());
  return compiled;
}

const U64 = (1n << 64n) - 1n;

/**
 * A WebAssembly gear-hash scanner over its own data window. Synchronous: the module is a few
 * hundred bytes, under every browser's limit for synchronous compilation.
 */
export class GearCore {
  /** Memory offset of the data window; the gear tables fill the bytes before it. */
  static readonly DATA_AT: number = DATA_AT;
  /** The module's exports, for {@link gearCuts} (addresses are memory offsets, data at {@link GearCore.DATA_AT}). */
  readonly exports: CoreExports;
  /** The data window; valid until the next {@link GearCore} allocation grows memory (never: fixed). */
  readonly window: Uint8Array;
  /** The masks last set, as the module's `setMasks` takes them. */
  masks: readonly [number, number, number, number] = [0, 0, 0, 0];

  /**
   * @param capacity - bytes of data window
   * @param seed - XOR-ed into every gear entry (FastCDC 2020 seeded variant)
   */
  constructor(capacity: number, seed: number) {
    const instance = new WebAssembly.Instance(gearModule(), {});
    this.exports = instance.exports as unknown as CoreExports;
    const pages = Math.ceil((DATA_AT + capacity) / PAGE);
    if (pages > 1) this.exports.memory.grow(pages - 1);
    const view = new DataView(this.exports.memory.buffer);
    const s = BigInt(seed);
    gearTable().forEach((g, i) => {
      view.setBigUint64(GEAR_AT + 8 * i, (g ^ s) & U64, true);
      view.setBigUint64(GEAR_LS_AT + 8 * i, ((g ^ s) << 1n) & U64, true);
    });
    this.window = new Uint8Array(this.exports.memory.buffer, DATA_AT, capacity);
  }

  /** @returns a copy of the gear tables (the memory before the data window), for a worker's core */
  tables(): Uint8Array {
    return new Uint8Array(this.exports.memory.buffer, 0, DATA_AT).slice();
  }

  /**
   * Sets the small and large judgement masks.
   * @param small - mask used below the average size
   * @param large - mask used from the average size on
   */
  setMasks(small: bigint, large: bigint): void {
    this.masks = [Number(small & 0xffffffffn), Number(small >> 32n), Number(large & 0xffffffffn), Number(large >> 32n)];
    this.exports.setMasks(...this.masks);
  }
}
