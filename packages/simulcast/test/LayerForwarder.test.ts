import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LayerForwarder, SimulcastError, type FrameInfo, type ScalabilityMode } from '../src/index.js';

const frame = (spatial: number, temporal: number, keyframe = false, switchPoint = temporal === 0): FrameInfo => ({ spatial, temporal, keyframe, switchPoint });

describe('LayerForwarder (simulcast)', () => {
  it('starts on a keyframe of the target and drops other encodings', () => {
    const f = new LayerForwarder();
    expect(f.setTarget({ spatial: 1, temporal: 2 })).toBe(true);
    expect(f.state).toBe('waiting-keyframe');
    expect(f.onFrame(frame(1, 0))).toBe(false);
    expect(f.onFrame(frame(1, 0, true))).toBe(true);
    expect(f.state).toBe('forwarding');
    expect(f.onFrame(frame(0, 0, true))).toBe(false);
    expect(f.onFrame(frame(1, 2, false, false))).toBe(true);
  });

  it('switches temporal layers down at once and up at a switching point', () => {
    const f = new LayerForwarder();
    f.setTarget({ spatial: 0, temporal: 2 });
    f.onFrame(frame(0, 0, true));
    expect(f.setTarget({ spatial: 0, temporal: 0 })).toBe(false);
    expect(f.onFrame(frame(0, 2, false, false))).toBe(false);
    f.setTarget({ spatial: 0, temporal: 2 });
    expect(f.onFrame(frame(0, 2, false, false))).toBe(false); // not a switching point yet
    expect(f.onFrame(frame(0, 0))).toBe(true);
    expect(f.onFrame(frame(0, 2, false, false))).toBe(true);
  });

  it('keeps the old encoding on an upgrade until the new keyframe, stops it at once on a downgrade', () => {
    const f = new LayerForwarder();
    f.setTarget({ spatial: 0, temporal: 0 });
    f.onFrame(frame(0, 0, true));
    expect(f.setTarget({ spatial: 2, temporal: 0 })).toBe(true);
    expect(f.onFrame(frame(0, 0))).toBe(true);
    expect(f.onFrame(frame(2, 0))).toBe(false);
    expect(f.onFrame(frame(2, 0, true))).toBe(true);
    expect(f.current).toEqual({ spatial: 2, temporal: 0 });
    expect(f.setTarget({ spatial: 1, temporal: 0 })).toBe(true);
    expect(f.state).toBe('waiting-keyframe');
    expect(f.onFrame(frame(2, 0))).toBe(false);
    expect(f.setTarget(null)).toBe(false);
    expect(f.state).toBe('paused');
    expect(f.onFrame(frame(1, 0, true))).toBe(false);
  });
});

describe('LayerForwarder (simulcast downswitch bridge)', () => {
  it("with downswitch 'bridge' keeps the old encoding at T0 until the lower keyframe", () => {
    // Arrange: forwarding S2T2.
    const f = new LayerForwarder('simulcast', { downswitch: 'bridge' });
    f.setTarget({ spatial: 2, temporal: 2 });
    expect(f.onFrame(frame(2, 0, true))).toBe(true);
    // Act: a downgrade to S1; the picture stays on S2 at its lowest temporal layer.
    expect(f.setTarget({ spatial: 1, temporal: 2 })).toBe(true);
    expect(f.state).toBe('forwarding');
    expect(f.current).toEqual({ spatial: 2, temporal: 0 });
    expect(f.onFrame(frame(2, 2, false, false))).toBe(false);
    expect(f.onFrame(frame(2, 1, false, true))).toBe(false);
    expect(f.onFrame(frame(1, 0))).toBe(false);
    expect(f.onFrame(frame(2, 0))).toBe(true);
    expect(f.current).toEqual({ spatial: 2, temporal: 0 });
    // Assert: the lower keyframe completes the switch and the old encoding stops.
    expect(f.onFrame(frame(1, 0, true))).toBe(true);
    expect(f.current).toEqual({ spatial: 1, temporal: 2 });
    expect(f.onFrame(frame(2, 0))).toBe(false);
  });

  it("defaults to 'cut' and rejects unknown downswitch values", () => {
    const f = new LayerForwarder('simulcast', {});
    f.setTarget({ spatial: 1, temporal: 0 });
    f.onFrame(frame(1, 0, true));
    f.setTarget({ spatial: 0, temporal: 0 });
    expect(f.state).toBe('waiting-keyframe');
    expect(() => new LayerForwarder('simulcast', { downswitch: 'fade' as 'cut' })).toThrowError(SimulcastError);
    const hostile = { toString: () => { throw new Error('no'); } };
    expect(() => new LayerForwarder('simulcast', { downswitch: hostile as unknown as 'cut' })).toThrowError(SimulcastError);
    expect(() => new LayerForwarder('simulcast', { downswitch: Symbol('x') as unknown as 'cut' })).toThrowError(SimulcastError);
  });
});

describe('LayerForwarder (SVC)', () => {
  it('drops spatial layers at once in L3T3 and adds them at a keyframe', () => {
    const f = new LayerForwarder('L3T3');
    f.setTarget({ spatial: 2, temporal: 2 });
    expect(f.onFrame(frame(0, 0, true))).toBe(true);
    expect(f.onFrame(frame(2, 0))).toBe(true);
    expect(f.setTarget({ spatial: 0, temporal: 2 })).toBe(false);
    expect(f.state).toBe('forwarding');
    expect(f.onFrame(frame(1, 0))).toBe(false);
    expect(f.onFrame(frame(0, 1, false, false))).toBe(true);
    expect(f.setTarget({ spatial: 1, temporal: 2 })).toBe(true);
    expect(f.onFrame(frame(1, 0))).toBe(false);
    expect(f.onFrame(frame(0, 0, true))).toBe(true);
    expect(f.onFrame(frame(1, 0))).toBe(true);
  });

  it('rejects unknown modes and malformed frames', () => {
    expect(() => new LayerForwarder('L9T9' as ScalabilityMode)).toThrowError(SimulcastError);
    const f = new LayerForwarder();
    f.setTarget({ spatial: 0, temporal: 0 });
    expect(() => f.onFrame({ spatial: -1, temporal: 0, keyframe: true, switchPoint: true })).toThrowError(SimulcastError);
    expect(() => f.onFrame({ spatial: 0, temporal: Number.NaN, keyframe: true, switchPoint: true })).toThrowError(SimulcastError);
    expect(() => f.onFrame({ spatial: 0, temporal: 0, keyframe: 1 as unknown as boolean, switchPoint: true })).toThrowError(SimulcastError);
    expect(() => f.setTarget({ spatial: 99, temporal: 0 })).toThrowError(SimulcastError);
  });
});

describe('forwarded streams stay decodable', () => {
  const step = fc.oneof(
    fc.record({ kind: fc.constant('frame' as const), s: fc.integer({ min: 0, max: 2 }), t: fc.integer({ min: 0, max: 2 }), key: fc.boolean() }),
    fc.record({ kind: fc.constant('target' as const), target: fc.option(fc.record({ spatial: fc.integer({ min: 0, max: 2 }), temporal: fc.integer({ min: 0, max: 2 }) }), { freq: 5 }) }),
  );

  it.each([
    ['simulcast', 'cut'],
    ['simulcast', 'bridge'],
    ['L1T3', 'cut'],
    ['L3T3', 'cut'],
    ['L3T3_KEY', 'cut'],
  ] as const)('%s (downswitch %s): every forwarded run starts decodable and stays within the target', (mode, downswitch) => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        const f = new LayerForwarder(mode, { downswitch });
        // Decoder model: the spatial layer being decoded, null until a keyframe arrives.
        let decoding: number | null = null;
        for (const st of steps) {
          if (st.kind === 'target') {
            f.setTarget(st.target);
            if (st.target === null) decoding = null;
            continue;
          }
          const s = mode === 'L1T3' ? 0 : st.s;
          const fr = frame(s, st.t, st.key && (mode === 'simulcast' || s === 0));
          if (!f.onFrame(fr)) continue;
          const cur = f.current!;
          expect(st.t).toBeLessThanOrEqual(cur.temporal);
          expect(cur.temporal).toBeLessThanOrEqual(f.target!.temporal);
          if (mode === 'simulcast') {
            // A new encoding must begin with its keyframe.
            if (decoding !== s) expect(fr.keyframe).toBe(true);
            decoding = s;
          } else {
            expect(s).toBeLessThanOrEqual(cur.spatial);
            if (decoding === null) expect(fr.keyframe && s === 0).toBe(true);
            decoding = Math.max(decoding ?? 0, s);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
