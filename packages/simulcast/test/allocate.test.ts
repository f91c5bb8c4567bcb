import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, SimulcastError, simulcastLadder, validateLadder, type Layer, type TrackInput } from '../src/index.js';
import { ladderArb, opus, tracksArb } from './arbitraries.js';

const camera = simulcastLadder([
  { bitrateBps: 150_000, width: 320, height: 180 },
  { bitrateBps: 500_000, width: 640, height: 360 },
  { bitrateBps: 1_500_000, width: 1280, height: 720 },
]);

/** The allocation rule written out plainly, without the index arithmetic, as a reference. */
function reference(tracks: readonly TrackInput[], budget: number): Map<string, Layer | null> {
  const cls = (t: TrackInput): number => (t.kind === 'audio' ? 0 : t.kind === 'screen' ? 1 : t.speaking === true ? 2 : 3);
  const area = (t: TrackInput): number => (t.viewport === null ? 0 : t.viewport.width * t.viewport.height);
  const order = [...tracks].sort((a, b) => cls(a) - cls(b) || (b.priority ?? 0) - (a.priority ?? 0) || area(b) - area(a) || (a.id < b.id ? -1 : 1));
  const eligible = (t: TrackInput): Layer[] => {
    const sorted = [...t.layers].sort((a, b) => a.bitrateBps - b.bitrateBps);
    if (t.kind === 'audio') return sorted;
    const vp = t.viewport!;
    const fit = sorted.filter((l) => l.width <= vp.width && l.height <= vp.height);
    const s0 = Math.min(...sorted.map((l) => l.spatial));
    return fit.length > 0 ? fit : sorted.filter((l) => l.spatial === s0);
  };
  const out = new Map<string, Layer | null>();
  let left = budget;
  for (const t of order) {
    if (t.kind !== 'audio') continue;
    const fit = eligible(t).filter((l) => l.bitrateBps <= left);
    const best = fit.length > 0 ? fit[fit.length - 1]! : null;
    out.set(t.id, best);
    left -= best === null ? 0 : best.bitrateBps;
  }
  for (const t of order) {
    if (t.kind === 'audio') continue;
    if (t.viewport === null) {
      out.set(t.id, null);
      continue;
    }
    const e = eligible(t);
    if (e[0]!.bitrateBps <= left) {
      out.set(t.id, e[0]!);
      left -= e[0]!.bitrateBps;
    } else out.set(t.id, null);
  }
  for (const t of order) {
    const cur = out.get(t.id);
    if (t.kind === 'audio' || cur === null || cur === undefined) continue;
    const better = eligible(t).filter((l) => l.bitrateBps - cur.bitrateBps <= left);
    const best = better[better.length - 1]!;
    left -= best.bitrateBps - cur.bitrateBps;
    out.set(t.id, best);
  }
  return out;
}

describe('allocate', () => {
  it('serves audio first, then the screen share and the speaker, within the budget', () => {
    // Arrange: 1 Mbit/s for audio, a screen share, the speaker and a thumbnail.
    const tracks: TrackInput[] = [
      { id: 'thumb', kind: 'video', layers: camera, viewport: { width: 320, height: 180 } },
      { id: 'mic', kind: 'audio', layers: opus, viewport: null },
      { id: 'speaker', kind: 'video', layers: camera, viewport: { width: 1280, height: 720 }, speaking: true },
      { id: 'screen', kind: 'screen', layers: camera, viewport: { width: 1920, height: 1080 } },
    ];
    // Act
    const r = allocate(tracks, 1_000_000);
    // Assert
    expect(r.tracks.map((t) => t.id)).toEqual(['mic', 'screen', 'speaker', 'thumb']);
    expect(r.usedBps).toBeLessThanOrEqual(1_000_000);
    const byId = new Map(r.tracks.map((t) => [t.id, t.layer]));
    expect(byId.get('mic')).toEqual(opus[0]);
    expect(byId.get('screen')!.bitrateBps).toBeGreaterThan(byId.get('thumb')!.bitrateBps);
    expect(byId.get('thumb')!.width).toBeLessThanOrEqual(320);
    expect(r.demandBps).toBe(40_000 + 1_500_000 + 1_500_000 + 150_000);
  });

  it('pauses hidden tracks and reports why', () => {
    const r = allocate([{ id: 'v', kind: 'video', layers: camera, viewport: null }], 10e6);
    expect(r.tracks[0]).toMatchObject({ id: 'v', layer: null, reason: 'hidden' });
    const poor = allocate([{ id: 'v', kind: 'video', layers: camera, viewport: { width: 1280, height: 720 } }], 1000);
    expect(poor.tracks[0]).toMatchObject({ layer: null, reason: 'no-budget' });
    const capped = allocate([{ id: 'v', kind: 'video', layers: camera, viewport: { width: 640, height: 360 } }], 10e6);
    expect(capped.tracks[0]).toMatchObject({ reason: 'capped-by-viewport' });
    expect(capped.tracks[0]!.layer).toMatchObject({ spatial: 1, temporal: 2 });
  });

  it('equals the plainly written reference rule', () => {
    fc.assert(
      fc.property(tracksArb, fc.integer({ min: 0, max: 8_000_000 }), (tracks, budget) => {
        const got = allocate(tracks, budget);
        const want = reference(tracks, budget);
        for (const t of got.tracks) expect(t.layer).toEqual(want.get(t.id));
      }),
      { numRuns: 300 },
    );
  });

  it('never exceeds the budget or the viewport, and leaves no affordable step', () => {
    fc.assert(
      fc.property(tracksArb, fc.integer({ min: 0, max: 8_000_000 }), (tracks, budget) => {
        const r = allocate(tracks, budget);
        expect(r.usedBps).toBeLessThanOrEqual(budget + 1e-6);
        const left = budget - r.usedBps;
        for (const a of r.tracks) {
          const t = tracks.find((x) => x.id === a.id)!;
          if (t.kind === 'audio') {
            // Audio is paused only when even its cheapest layer does not fit what is left.
            if (a.layer === null) expect(Math.min(...t.layers.map((l) => l.bitrateBps))).toBeGreaterThan(left);
            continue;
          }
          if (t.viewport === null) {
            expect(a.layer).toBeNull();
            continue;
          }
          const vp = t.viewport;
          const fits = t.layers.filter((l) => l.width <= vp.width && l.height <= vp.height);
          if (a.layer !== null && fits.length > 0) expect(a.layer.width <= vp.width && a.layer.height <= vp.height).toBe(true);
          // Maximality: no eligible layer above the chosen one is affordable with what is left.
          const eligible = fits.length > 0 ? fits : t.layers.filter((l) => l.spatial === Math.min(...t.layers.map((x) => x.spatial)));
          const cost = a.layer === null ? 0 : a.layer.bitrateBps;
          for (const l of eligible) if (l.bitrateBps > cost) expect(l.bitrateBps - cost).toBeGreaterThan(left);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the order tracks are listed in', () => {
    fc.assert(
      fc.property(tracksArb, fc.integer({ min: 0, max: 6_000_000 }), fc.integer(), (tracks, budget, seed) => {
        const shuffled = [...tracks].sort((a, b) => ((a.id.charCodeAt(1) * 31 + seed) % 7) - ((b.id.charCodeAt(1) * 31 + seed) % 7));
        expect(allocate(shuffled, budget)).toEqual(allocate(tracks, budget));
      }),
      { numRuns: 150 },
    );
  });
});

describe('bad input', () => {
  const ok: TrackInput = { id: 'v', kind: 'video', layers: camera, viewport: { width: 640, height: 360 } };

  it.each([Number.NaN, Infinity, -1, -Infinity])('rejects budget %s', (b) => {
    expect(() => allocate([ok], b)).toThrowError(SimulcastError);
  });

  it('rejects invalid ladders with INVALID_LADDER', () => {
    const l0 = camera[0]!;
    const bad: unknown[] = [
      [],
      'ladder',
      [null],
      [{ ...l0, bitrateBps: Number.NaN }],
      [{ ...l0, bitrateBps: -5 }],
      [{ ...l0, bitrateBps: Infinity }],
      [{ ...l0, spatial: 1.5 }],
      [{ ...l0, temporal: 99 }],
      [l0, { ...l0 }],
      [l0, { ...l0, temporal: 1, bitrateBps: l0.bitrateBps - 1 }],
      [l0, { ...l0, spatial: 1, bitrateBps: l0.bitrateBps }],
      Array.from({ length: 65 }, (_, i) => ({ ...l0, spatial: i % 16, temporal: Math.floor(i / 16), bitrateBps: 1000 + i })),
    ];
    for (const layers of bad) {
      try {
        validateLadder(layers);
        expect.unreachable(`accepted ${JSON.stringify(layers)?.slice(0, 80)}`);
      } catch (e) {
        expect(e).toBeInstanceOf(SimulcastError);
        expect((e as SimulcastError).code).toBe('INVALID_LADDER');
      }
    }
  });

  it('rejects malformed tracks with a typed error', () => {
    const cases: [unknown, string][] = [
      [[ok, ok], 'DUPLICATE_TRACK'],
      [[{ ...ok, id: '' }], 'INVALID_TRACK'],
      [[{ ...ok, kind: 'hologram' }], 'INVALID_TRACK'],
      [[{ ...ok, viewport: { width: Number.NaN, height: 3 } }], 'INVALID_TRACK'],
      [[{ ...ok, viewport: 'big' }], 'INVALID_TRACK'],
      [[{ ...ok, speaking: 'yes' }], 'INVALID_TRACK'],
      [[{ ...ok, priority: Infinity }], 'INVALID_TRACK'],
      [[7], 'INVALID_TRACK'],
      ['tracks', 'INVALID_TRACK'],
    ];
    for (const [tracks, code] of cases) {
      expect(() => allocate(tracks as TrackInput[], 1e6)).toThrowError(expect.objectContaining({ code }) as Error);
    }
  });

  it('is not fooled by prototype-pollution keys in JSON input', () => {
    const tracks = JSON.parse(
      `[{"id":"__proto__","kind":"video","layers":${JSON.stringify(camera)},"viewport":{"width":640,"height":360},"__proto__":{"polluted":true}},` +
        `{"id":"constructor","kind":"audio","layers":${JSON.stringify(opus)},"viewport":null}]`,
    ) as TrackInput[];
    const r = allocate(tracks, 2e6);
    expect(r.tracks.map((t) => t.id).sort()).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('accepts every ladder the generator makes and sorts it by bitrate', () => {
    fc.assert(
      fc.property(ladderArb, (ladder) => {
        const v = validateLadder(ladder);
        for (let i = 1; i < v.length; i++) expect(v[i]!.bitrateBps).toBeGreaterThanOrEqual(v[i - 1]!.bitrateBps);
      }),
      { numRuns: 100 },
    );
  });
});
